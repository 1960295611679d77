/**
 * The committed stacks on every platform: the cases the snapshot, output, policy and runtime-path
 * tests run.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT, type RunOptions } from "./config";

export const STACKS = ["dev", "prod"] as const;
export const PLATFORMS = ["ecs", "kubernetes", "eks"] as const;

export interface StackPlatformCase {
  stack: (typeof STACKS)[number];
  platform: (typeof PLATFORMS)[number];
  options: RunOptions;
}

/**
 * Every committed stack switched to every platform, with the least extra config that platform needs:
 * the fixture kubeconfig (as a secret) for `kubernetes`; for dev on `eks`, one NAT gateway, because
 * dev's committed strategy ("none") is refused by config there (nodes need NAT).
 */
export function stackPlatformCases(): StackPlatformCase[] {
  const kubeconfig = fs.readFileSync(path.join(ROOT, "test/fixtures/kubeconfig.yaml"), "utf8");
  return STACKS.flatMap((stack) =>
    PLATFORMS.map((platform) => ({
      stack,
      platform,
      options:
        platform === "kubernetes"
          ? { stack, config: { platform }, secrets: { kubeconfig } }
          : platform === "eks" && stack === "dev"
            ? { stack, config: { platform, natGateways: "single" } }
            : { stack, config: { platform } },
    })),
  );
}
