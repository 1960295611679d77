import { FARGATE_MEMORY_BY_CPU, stateProtection } from "../facts";
import { awsProblems, awsWarnings, loadBalancerSettings, monitoringSettings, networkSettings } from "./aws";
import { appSettings, type PlatformModule, scalingSettings } from "./common";
import { fullKey } from "./keys";
import { rolloutSettings } from "./rollout";
import { secretSettings, secretsProblems } from "./secrets";
import type { PlatformArgs } from "./stack-config";

/** ECS Fargate: its rules between keys and the mapping to EcsPlatformArgs. */
export const ecs: PlatformModule<PlatformArgs<"ecs">> = {
  problems(v, raw, stack) {
    const problems: string[] = [];
    const { cpu, memory } = v;
    if (cpu !== undefined && memory !== undefined) {
      const allowed = FARGATE_MEMORY_BY_CPU[cpu] ?? [];
      if (!allowed.includes(memory)) {
        problems.push(
          `${fullKey("memory")}: got ${memory} with cpu ${cpu}; expected one of ${allowed.join(", ")} (the Fargate sizes for cpu ${cpu})`,
        );
      }
    }
    // No rule between capacityType and imagePlatform: FARGATE_SPOT runs ARM64 Linux tasks since
    // 2024-09-06 (ECS API reference, CapacityProviderStrategyItem, read 2026-12-07), and the service's
    // platformVersion LATEST is the 1.4.0 it needs.
    return [...problems, ...awsProblems(v, raw, stack), ...secretsProblems(v, raw, { oneRegion: false })];
  },
  warnings: (v, stack) => awsWarnings(v, stack),
  args: (v, _stack, raw) => ({
    app: appSettings(v),
    scaling: scalingSettings(v),
    network: networkSettings(v),
    loadBalancer: loadBalancerSettings(v, raw),
    task: { cpu: v.cpu, memory: v.memory },
    logRetentionDays: v.logRetentionDays,
    containerInsights: v.containerInsights,
    capacityType: v.capacityType,
    monitoring: monitoringSettings(v),
    protection: stateProtection(v.prodGrade),
    rollout: rolloutSettings(v),
    secrets: secretSettings(v),
  }),
};
