/**
 * The rollout section of `npm run plan` (issue 29): how a new revision reaches users on this stack,
 * read from the recorded graph, not from config, so it shows what the program really built: the
 * strategy, its traffic steps and bakes, the resources ECS moves traffic with, the alarms that roll a
 * deployment back, and the worst-case times (docs/rollout.md explains them).
 */
import {
  ECS_DEPLOYMENT_STRATEGY,
  ROLLOUT_STRATEGIES,
  type RolloutSettings,
  type RolloutStrategy,
  trafficTimeline,
} from "../facts";
import { ECS_MAX_ROLLOUT_SECONDS } from "../platforms/ecs/ecs-platform";
import { serviceTimeoutMinutes } from "../platforms/ecs/traffic-shift";
import type { ProgramRun, RecordedResource } from "../tools/harness";

const SERVICE = "aws:ecs/service:Service";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

interface RecordedDeployment {
  strategy?: string;
  bakeTimeInMinutes?: string;
  canaryConfiguration?: { canaryPercent: number; canaryBakeTimeInMinutes: string };
  linearConfiguration?: { stepPercent: number; stepBakeTimeInMinutes: string };
}

/** The recorded service's strategy back as RolloutSettings (rolling when it names none). */
export function recordedRollout(service: RecordedResource): RolloutSettings {
  const d = (service.inputs.deploymentConfiguration ?? {}) as RecordedDeployment;
  const strategy =
    ROLLOUT_STRATEGIES.find((s: RolloutStrategy) => ECS_DEPLOYMENT_STRATEGY[s] === d.strategy) ?? "rolling";
  return {
    strategy,
    canaryPercent: d.canaryConfiguration?.canaryPercent ?? 0,
    linearStepPercent: d.linearConfiguration?.stepPercent ?? 0,
    bakeMinutes: Number(d.bakeTimeInMinutes ?? 0),
  };
}

/** The lines of the rollout section; none when the stack has no ECS service (EKS/kubernetes: issue 29's other half). */
export function renderEcsRollout(run: ProgramRun): string[] {
  const service = run.ofType(SERVICE)[0];
  if (service === undefined) return [];
  const rollout = recordedRollout(service);
  const lines = ["", `Rollout (ECS service ${service.name}): ${rollout.strategy}`];
  const alarms = deploymentAlarms(run, service);
  if (rollout.strategy === "rolling") {
    lines.push(
      `  tasks replaced in place (minimum healthy 100 %, maximum 200 %), each replacement within ${ECS_MAX_ROLLOUT_SECONDS} s; circuit breaker and ${alarms.length} deployment alarms roll back`,
    );
  } else {
    lines.push(...shiftLines(run, service, rollout));
  }
  const points = Math.max(
    ...alarms.map((a) => Number(a.inputs.datapointsToAlarm ?? a.inputs.evaluationPeriods)),
  );
  lines.push(
    `  rollback: a sustained breach fires an alarm within ${points} min (${points} bad one-minute points, plus CloudWatch's publishing delay), and ECS moves every request back to the old revision`,
    "  rollback triggers (any one in ALARM while the old revision runs):",
  );
  for (const alarm of alarms) {
    lines.push(`    ${alarm.name}: ${String(alarm.inputs.alarmDescription)}`);
  }
  return lines;
}

function shiftLines(run: ProgramRun, service: RecordedResource, rollout: RolloutSettings): string[] {
  const { steps, finalBakeMinutes } = trafficTimeline(rollout);
  const byArn = (arn: unknown) => run.resources.find((r) => r.state.arn === arn)?.name ?? String(arn);
  const lb = (service.inputs.loadBalancers as { advancedConfiguration: Record<string, string> }[])[0];
  const advanced = lb?.advancedConfiguration ?? {};
  const baked = steps.reduce((sum, s) => sum + s.holdMinutes, 0) + finalBakeMinutes;
  const worst = Math.ceil(baked + ECS_MAX_ROLLOUT_SECONDS / 60);
  return [
    `  ECS deploymentConfiguration.strategy ${ECS_DEPLOYMENT_STRATEGY[rollout.strategy]}: the new revision starts at full size in the idle target group, then production traffic moves`,
    ...steps.map(
      (s, i) =>
        `    step ${i + 1}: ${s.percent} % of production traffic${s.holdMinutes > 0 ? `, held ${s.holdMinutes} min` : ""}`,
    ),
    `    final bake: ${finalBakeMinutes} min at 100 % with the old revision still running (an alarm moves all traffic back at once)`,
    `  alternate target group: ${byArn(advanced.alternateTargetGroupArn)}`,
    `  production listener rule: ${byArn(advanced.productionListenerRule)}; test listener rule: ${byArn(advanced.testListenerRule)} (ignoreChanges on the weights ECS sets)`,
    `  infrastructure role: ${byArn(advanced.roleArn)} (AmazonECSInfrastructureRolePolicyForLoadBalancers only)`,
    `  worst case: ${baked} min of bakes + health checks and drain (≤ ${ECS_MAX_ROLLOUT_SECONDS} s once the new tasks run) ≈ ${worst} min until the old revision is gone; pulumi up waits up to ${service.customTimeouts?.update ?? "20m"}`,
  ];
}

function deploymentAlarms(run: ProgramRun, service: RecordedResource): RecordedResource[] {
  const names = (service.inputs.alarms as { alarmNames?: string[] } | undefined)?.alarmNames ?? [];
  return names
    .map((name) => run.ofType(ALARM).find((a) => a.state.name === name))
    .filter((a): a is RecordedResource => a !== undefined);
}

/** The default of each strategy (Pulumi.yaml: canaryPercent 5, linearStepPercent 10, rolloutBakeMinutes 10). */
export const DOC_DEFAULTS = { canaryPercent: 5, linearStepPercent: 10, bakeMinutes: 10 } as const;

/**
 * docs/rollout.md's ECS table, one Markdown row per strategy at the defaults, computed here so the doc
 * cannot drift from the code (traffic-shift.test.ts checks the doc holds these rows): the traffic
 * steps, the minutes baked, the worst case until the old revision is gone, and what `pulumi up` waits.
 */
export function ecsTimelineRows(): string[] {
  return (["canary", "linear", "blueGreen"] as const).map((strategy) => {
    const rollout: RolloutSettings = { strategy, ...DOC_DEFAULTS };
    const { steps, finalBakeMinutes } = trafficTimeline(rollout);
    const holds = steps.reduce((sum, s) => sum + s.holdMinutes, 0);
    const shown = steps.map((s) =>
      s.holdMinutes > 0 ? `${s.percent} % (${s.holdMinutes} min)` : `${s.percent} %`,
    );
    const path = shown.length > 4 ? [...shown.slice(0, 2), "…", ...shown.slice(-2)] : shown;
    const worst = Math.ceil(holds + finalBakeMinutes + ECS_MAX_ROLLOUT_SECONDS / 60);
    return `| ${strategy} | ${ECS_DEPLOYMENT_STRATEGY[strategy]} | ${path.join(" → ")} | ${holds} + ${finalBakeMinutes} | ${worst} min | ${serviceTimeoutMinutes(rollout)}m |`;
  });
}
