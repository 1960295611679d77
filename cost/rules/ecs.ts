/** ECS on Fargate (on demand or Spot) and the Application Auto Scaling that sizes its services. */
import { HOURS_PER_MONTH } from "../assumptions";
import type { GraphResource } from "../estimate";
import type { PriceKey } from "../prices";
import type { Context, Rule } from "./common";
import { arr, charge, free, notPriced, num, obj, publicIpv4, rate, str } from "./common";

function ecsScalingMax(r: GraphResource, ctx: Context): number | undefined {
  const target = ctx.ofType("aws:appautoscaling/target:Target").find((t) => {
    const id = str(t.inputs.resourceId) ?? "";
    const last = id.split("/").at(-1) ?? "";
    return (
      t.inputs.scalableDimension === "ecs:service:DesiredCount" &&
      (last === r.name || last.startsWith(`${r.name}-`))
    );
  });
  return target === undefined ? undefined : num(target.inputs.maxCapacity);
}

/**
 * Where an ECS service's tasks run: the FARGATE launch type, or a capacity provider strategy naming
 * exactly one of FARGATE / FARGATE_SPOT. A mixed strategy (base and weights over both) has no rule:
 * how many tasks land on each depends on the running count, so it is not priced rather than guessed.
 */
function fargateCapacity(r: GraphResource): "FARGATE" | "FARGATE_SPOT" | { unsupported: string } {
  const strategies = arr(r.inputs.capacityProviderStrategies).map(obj);
  if (strategies.length === 0) {
    return r.inputs.launchType === "FARGATE"
      ? "FARGATE"
      : { unsupported: `launch type ${String(r.inputs.launchType)}: only FARGATE has a price rule` };
  }
  const providers = [...new Set(strategies.map((s) => str(s.capacityProvider)))];
  const only = providers.length === 1 ? providers[0] : undefined;
  if (only === "FARGATE" || only === "FARGATE_SPOT") return only;
  return {
    unsupported: `capacity provider strategy ${providers.join(" + ")}: only a single FARGATE or FARGATE_SPOT provider has a price rule`,
  };
}

/** The vCPU-hour and GB-hour prices of a Fargate task, by capacity provider and architecture. */
const FARGATE_PRICE_KEYS: Record<"onDemand" | "spot", Record<"x86" | "arm", [PriceKey, PriceKey]>> = {
  onDemand: {
    x86: ["fargateVcpuHourX86", "fargateGbHourX86"],
    arm: ["fargateVcpuHourArm", "fargateGbHourArm"],
  },
  spot: {
    x86: ["fargateSpotVcpuHourX86", "fargateSpotGbHourX86"],
    arm: ["fargateSpotVcpuHourArm", "fargateSpotGbHourArm"],
  },
};

const ecsServiceRule: Rule = (r, ctx) => {
  const capacity = fargateCapacity(r);
  if (typeof capacity !== "string") return [notPriced("ECS service", capacity.unsupported)];
  const taskDefArn = str(r.inputs.taskDefinition) ?? "";
  const defs = ctx.ofType("aws:ecs/taskDefinition:TaskDefinition");
  const def =
    defs.find((d) => taskDefArn.includes(`task-definition/${String(d.inputs.family)}:`)) ??
    (defs.length === 1 ? defs[0] : undefined);
  const cpu = num(def?.inputs.cpu);
  const memory = num(def?.inputs.memory);
  if (def === undefined || cpu === undefined || memory === undefined) {
    return [notPriced("Fargate tasks", "task size not found: no task definition with cpu and memory")];
  }
  const vcpu = cpu / 1024;
  const gb = memory / 1024;
  const arm = obj(def.inputs.runtimePlatform).cpuArchitecture === "ARM64";
  // FARGATE_SPOT runs ARM64 Linux tasks since 2024-09-06 (ECS API reference, CapacityProviderStrategyItem,
  // read 2026-12-07); its price in the price files is derived (evidence "derived", see their notes).
  const spot = capacity === "FARGATE_SPOT";
  const desired = num(r.inputs.desiredCount) ?? 1;
  const max = Math.max(desired, ecsScalingMax(r, ctx) ?? desired);
  const arch = `${arm ? "Linux/ARM" : "Linux/x86"}${spot ? ", Fargate Spot: a variable price, see the price file's note" : ""}`;
  const [vcpuKey, gbKey] = FARGATE_PRICE_KEYS[spot ? "spot" : "onDemand"][arm ? "arm" : "x86"];
  const lines = [
    charge(
      ctx,
      `Fargate vCPU: ${desired} task(s) × ${vcpu} vCPU (${arch})`,
      vcpuKey,
      desired * vcpu,
      max * vcpu,
      (p) => `${desired} (max ${max}) × ${vcpu} vCPU × ${HOURS_PER_MONTH} h × ${rate(p)}`,
    ),
    charge(
      ctx,
      `Fargate memory: ${desired} task(s) × ${gb} GB (${arch})`,
      gbKey,
      desired * gb,
      max * gb,
      (p) => `${desired} (max ${max}) × ${gb} GB × ${HOURS_PER_MONTH} h × ${rate(p)}`,
    ),
  ];
  if (obj(r.inputs.networkConfiguration).assignPublicIp === true) {
    lines.push(publicIpv4(ctx, "one per task (assignPublicIp)", desired, max));
  }
  return lines;
};

const scalingPolicyRule: Rule = (r, ctx) => {
  if (r.inputs.policyType !== "TargetTrackingScaling") {
    return [notPriced("scaling policy", `policy type ${String(r.inputs.policyType)} has no price rule`)];
  }
  return [
    charge(
      ctx,
      "CloudWatch alarms: 2 (target tracking creates and manages a high and a low alarm)",
      "cloudwatchAlarmMonth",
      2,
      2,
      (p) => `2 × ${rate(p)}`,
      (p) => p.usd,
    ),
  ];
};

const ecsClusterRule: Rule = (r) => {
  const insights = arr(r.inputs.settings).some(
    (s) => obj(s).name === "containerInsights" && obj(s).value !== "disabled",
  );
  const base = free("no charge for ECS orchestration")(r, {} as Context);
  return insights
    ? [
        ...base,
        notPriced(
          "Container Insights",
          "billed per custom metric and log volume of the running tasks; no rule estimates that volume",
        ),
      ]
    : base;
};

export const ECS_RULES: Readonly<Record<string, Rule>> = {
  "aws:ecs/cluster:Cluster": ecsClusterRule,
  "aws:ecs/taskDefinition:TaskDefinition": free(
    "a task definition costs nothing; its tasks are priced under the ECS service",
  ),
  "aws:ecs/service:Service": ecsServiceRule,
  "aws:appautoscaling/target:Target": free(
    "Application Auto Scaling has no charge; its maximum gives the at-max figures",
  ),
  "aws:appautoscaling/policy:Policy": scalingPolicyRule,
  "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": free(
    "associating the FARGATE / FARGATE_SPOT capacity providers has no charge; the tasks are priced under the ECS service",
  ),
};
