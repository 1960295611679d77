import type * as pulumi from "@pulumi/pulumi";
import type { ImagePlatform } from "../facts";

/**
 * Args shapes every platform component takes under the same name (issue 15's contract). The settings
 * shapes themselves (`app`, `scaling`, `network`, `loadBalancer`) live in facts/settings.ts, which
 * config imports too; this module holds what needs an SDK type.
 */

/** The image every platform runs (built by AppImage or given prebuilt). */
export interface PlatformImage {
  /** Digest-pinned URI (`<repository>@sha256:<digest>`). */
  uri: pulumi.Input<string>;
  /** ECR repository it lives in (pull permission); undefined for other registries. */
  repositoryArn: pulumi.Input<string | undefined>;
  /** CPU platform; Fargate's architecture follows it. */
  platform: ImagePlatform;
}

/**
 * The one style of a component's own check: only on values the component computes (user-given values
 * are config's to check, once). Throws `<Type> <name>: <message>`.
 */
export function checkComputed(component: string, name: string, ok: boolean, message: string): void {
  if (!ok) throw new Error(`${component} ${name}: ${message}`);
}
