import { FARGATE_MEMORY_BY_CPU } from "../facts";
import { awsConfig, awsProblems } from "./aws";
import type { PlatformModule } from "./common";
import { fullKey } from "./keys";
import type { EcsStackConfig, PlatformPart } from "./stack-config";

/** ECS Fargate: its rules between keys and the mapping to its part of the config. */
export const ecs: PlatformModule<PlatformPart<EcsStackConfig>> = {
  problems(v, raw) {
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
    return [...problems, ...awsProblems(v, raw)];
  },
  warnings: () => [],
  config: (v) => ({
    ...awsConfig(v),
    ecs: {
      cpu: v.cpu,
      memory: v.memory,
      logRetentionDays: v.logRetentionDays,
      containerInsights: v.containerInsights,
    },
  }),
};
