import type { ImagePlatform, Platform, StateProtection } from "../facts";
import type { PlatformConfig } from "../platforms";

/**
 * The validated config: the image settings plus the selected platform's part, which IS that platform
 * component's Args minus the image (platforms/index.ts PlatformConfig; imported as a type only, so
 * loading config loads no component).
 */

export interface ImageConfig {
  /** A prebuilt digest-pinned image; when set nothing is built. */
  uri?: string;
  platform: ImagePlatform;
  /** Keep the ECR repository and its images on `pulumi destroy`; false deletes them (throwaway stacks). */
  retainRepository: boolean;
  /** Other AWS accounts allowed to pull the images this stack builds. */
  pullAccountIds: string[];
  /** Build from, and push, the stack's mutable `:buildcache` image (off: no cache repository). */
  buildCache: boolean;
  /** protect/retainOnDelete on the repository of a prod-grade stack (facts/protection.ts). */
  protection: StateProtection;
}

export type StackConfig = PlatformConfig & { image: ImageConfig };

/** The Args (minus the image) of platform `P`: what that platform's config module builds. */
export type PlatformArgs<P extends Platform> =
  Extract<PlatformConfig, { platform: P }> extends infer C
    ? C extends Record<P, infer A>
      ? A
      : never
    : never;

/** Where and how this program runs: the EKS cluster name derives from it. */
export interface StackIdentity {
  project: string;
  stack: string;
  /**
   * A preview (`pulumi.runtime.isDryRun()`), not an update: a rule about what the first real deploy
   * needs (a prod-grade stack's TLS) warns at preview, so CI previews stay green, and refuses at up.
   */
  preview: boolean;
}
