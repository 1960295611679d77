/**
 * index.ts with one change: the platform's `rollout` Args set from `globalThis.rolloutUnderTest`, so
 * tests of the progressive-delivery objects run the whole program (config from the stack files, the
 * image, createPlatform) before config has keys for it (issue 29: 29a adds them). Run through
 * tools/harness `runProgram({ program: "test/programs/with-rollout.ts", … })`.
 */
import { loadConfig } from "../../config";
import type { RolloutSettings } from "../../facts";
import { AppImage } from "../../image";
import { createPlatform } from "../../platforms";

const rollout = (globalThis as { rolloutUnderTest?: RolloutSettings }).rolloutUnderTest;
const config = loadConfig();
const image = new AppImage("app", config.image);
const withRollout =
  rollout === undefined
    ? config
    : config.platform === "eks"
      ? { ...config, eks: { ...config.eks, rollout } }
      : config.platform === "kubernetes"
        ? { ...config, kubernetes: { ...config.kubernetes, rollout } }
        : config;

export = createPlatform(withRollout, {
  uri: image.imageUri,
  repositoryArn: image.repositoryArn,
  platform: config.image.platform,
});
