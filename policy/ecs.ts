/**
 * ECS policies: how services roll out, and how task definitions run their containers and roles.
 */
import { ECS_MANAGED_RULE_FIELDS } from "../facts/rollout";
import { resourcePolicy, stackPolicy } from "./define";
import { asArray, asObject, envMap, type Props, shutdownBudgetSeconds } from "./rules";

export const ECS_SERVICE = "aws:ecs/service:Service";
export const ECS_TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition";

export const ecsContainers = (props: Props): Props[] => {
  const raw = props.containerDefinitions;
  try {
    return asArray(typeof raw === "string" ? JSON.parse(raw) : raw).map(asObject);
  } catch {
    return [];
  }
};

export const ecsServiceRollout = resourcePolicy(
  "ecs-service-rollout",
  "ECS services roll back failed deployments (circuit breaker) and give new tasks a health-check grace period.",
  [ECS_SERVICE],
  (props, args) => {
    const out: string[] = [];
    const breaker = asObject(props.deploymentCircuitBreaker);
    // Issue 29: the circuit breaker exists for rolling updates only (CloudFormation reference,
    // DeploymentCircuitBreaker, read 2026-12-07); CANARY, LINEAR and BLUE_GREEN roll back on the
    // deployment alarms during their bakes (observability.ts ecs-deployment-alarms-roll-back).
    const strategy = asObject(props.deploymentConfiguration).strategy ?? "ROLLING";
    if (strategy === "ROLLING" && (breaker.enable !== true || breaker.rollback !== true)) {
      out.push(
        `ECS service ${args.name}: a failing deployment is not rolled back. Set deploymentCircuitBreaker: { enable: true, rollback: true }.`,
      );
    }
    const grace = props.healthCheckGracePeriodSeconds;
    if (asArray(props.loadBalancers).length > 0 && !(typeof grace === "number" && grace > 0)) {
      out.push(
        `ECS service ${args.name}: no health-check grace period, so slow starts are killed. Set healthCheckGracePeriodSeconds (e.g. 30).`,
      );
    }
    return out;
  },
);

/**
 * How a service places its tasks must survive a change of placement. terraform-provider-aws
 * internal/service/ecs/service.go (newest stored version, read 2026-12-07): `launch_type` is ForceNew, so
 * moving between a launch type and a strategy, or between launch types, replaces the service; and
 * capacityProviderStrategyCustomizeDiff (hashicorp/terraform-provider-aws#43533) fails the preview of any
 * change to an existing service's strategy unless force_new_deployment is true. A service that leaves both
 * out runs on the cluster's default strategy, which AWS then reports back as the service's own, a diff on
 * every run that the same CustomizeDiff refuses (hashicorp/terraform-provider-aws#44776).
 */
export const ecsServiceCapacityStrategy = resourcePolicy(
  "ecs-service-capacity-strategy",
  "ECS services place tasks through an explicit capacity provider strategy with forceNewDeployment, never a launch type.",
  [ECS_SERVICE],
  (props, args) => {
    const out: string[] = [];
    const strategies = asArray(props.capacityProviderStrategies);
    if (props.launchType !== undefined) {
      out.push(
        `ECS service ${args.name}: launchType ${JSON.stringify(props.launchType)} is ForceNew in the provider, so a later change of placement replaces the service. Use capacityProviderStrategies: [{ capacityProvider: "FARGATE", weight: 1 }] (or FARGATE_SPOT) instead.`,
      );
    } else if (strategies.length === 0) {
      out.push(
        `ECS service ${args.name}: no capacity provider strategy, so it runs on the cluster's default strategy and every preview shows it changing. Set capacityProviderStrategies explicitly.`,
      );
    }
    if (strategies.length > 0 && props.forceNewDeployment !== true) {
      out.push(
        `ECS service ${args.name}: a capacity provider strategy without forceNewDeployment: true, so changing the strategy fails at preview ("force_new_deployment should be true when capacity_provider_strategy is being updated"). Set forceNewDeployment: true.`,
      );
    }
    return out;
  },
);

/** A numeric, non-root `uid` or `uid:gid`. */
const isNumericNonRootUser = (user: unknown): boolean =>
  typeof user === "string" && /^\d+(:\d+)?$/.test(user) && Number.parseInt(user, 10) !== 0;

export const ecsContainerHardened = resourcePolicy(
  "ecs-container-hardened",
  "ECS containers run read-only, as a numeric non-root user, unprivileged.",
  [ECS_TASK_DEFINITION],
  (props, args) =>
    ecsContainers(props).flatMap((c) => {
      const out: string[] = [];
      const where = `Task definition ${args.name}, container ${String(c.name)}`;
      if (c.readonlyRootFilesystem !== true) {
        out.push(
          `${where}: the root filesystem is writable. Set readonlyRootFilesystem: true (mount a volume where the app must write).`,
        );
      }
      if (!isNumericNonRootUser(c.user)) {
        out.push(
          `${where}: user ${JSON.stringify(c.user ?? null)} is not a numeric non-root id. Set user: "65532:65532" (the image's uid:gid).`,
        );
      }
      if (c.privileged === true) {
        out.push(`${where}: privileged. Remove privileged (or set it to false).`);
      }
      return out;
    }),
);

export const ecsStopTimeoutCoversShutdown = resourcePolicy(
  "ecs-stop-timeout-covers-shutdown",
  "ECS stopTimeout exceeds the app's drain delay + shutdown timeout (from the container env).",
  [ECS_TASK_DEFINITION],
  (props, args) =>
    ecsContainers(props).flatMap((c) => {
      const where = `Task definition ${args.name}, container ${String(c.name)}`;
      const budget = shutdownBudgetSeconds(envMap(c.environment));
      if (budget === undefined) {
        return [
          `${where}: SHUTDOWN_DRAIN_DELAY_MS and SHUTDOWN_TIMEOUT_MS are not in the environment. Pass both (appEnvironment()) so the kill window can be checked.`,
        ];
      }
      const stop = c.stopTimeout;
      if (!(typeof stop === "number" && stop > budget)) {
        return [
          `${where}: stopTimeout ${JSON.stringify(stop ?? null)} s does not exceed drain + shutdown (${budget} s); ECS would kill the app mid-shutdown. Set stopTimeout above ${budget} (at most 120).`,
        ];
      }
      return [];
    }),
);

export const ecsTaskRolesSeparate = resourcePolicy(
  "ecs-task-roles-separate",
  "ECS tasks have their own task role, distinct from the execution role.",
  [ECS_TASK_DEFINITION],
  (props, args) => {
    if (typeof props.taskRoleArn !== "string" || props.taskRoleArn === "") {
      return [
        `Task definition ${args.name}: no task role. Give the app its own aws.iam.Role (taskRoleArn), separate from the execution role.`,
      ];
    }
    if (props.taskRoleArn === props.executionRoleArn) {
      return [
        `Task definition ${args.name}: the task role is the execution role, so the app holds the agent's image-pull and log permissions. Use two roles.`,
      ];
    }
    return [];
  },
);

export const LISTENER_RULE = "aws:lb/listenerRule:ListenerRule";
const ECS_WEIGHTS = ECS_MANAGED_RULE_FIELDS[0];

/**
 * Issue 29: the listener rules an ECS service's native CANARY, LINEAR or BLUE_GREEN deployment moves
 * (its loadBalancers[].advancedConfiguration productionListenerRule and testListenerRule) belong to
 * ECS in one field only. ECS rewrites their forward action's weighted target groups on every deployment
 * (platforms/ecs/traffic-shift.ts cites the drift threads read 2026-12-07); without ignoreChanges on that
 * path the next `pulumi up` writes the declared weights back and sends production traffic to a target
 * group ECS may have emptied. Ignoring more (the whole `actions`, the conditions, the priority) would
 * take the rule's routing away from the program. The engine passes each resource's ignoreChanges to the
 * analyzer (pulumi/pulumi pkg/resource/deploy/step_generator.go: AnalyzerResourceOptions{IgnoreChanges:
 * goal.IgnoreChanges}, read 2026-12-07); stack policies see it in `opts`.
 */
export const ecsListenerRuleIgnoresWeights = stackPolicy(
  "ecs-listener-rule-ignores-weights",
  "The listener rules an ECS canary, linear or blue/green deployment moves ignore changes to their weighted target groups, and nothing else.",
  (args) => {
    const managed = new Map<string, string>();
    for (const service of args.resources.filter((r) => r.type === ECS_SERVICE)) {
      for (const lb of asArray(service.props.loadBalancers).map(asObject)) {
        const advanced = asObject(lb.advancedConfiguration);
        for (const arn of [advanced.productionListenerRule, advanced.testListenerRule]) {
          if (typeof arn === "string") managed.set(arn, service.name);
        }
      }
    }
    const out: Array<[string, string | undefined]> = [];
    for (const rule of args.resources.filter((r) => r.type === LISTENER_RULE)) {
      const service = managed.get(String(rule.props.arn));
      if (service === undefined) continue;
      const ignored = rule.opts.ignoreChanges;
      if (!ignored.includes(ECS_WEIGHTS)) {
        out.push([
          `Listener rule ${rule.name}: ECS service ${service} rewrites its forward weights on every deployment, and the next pulumi up would write the declared weights back (traffic to a target group ECS may have emptied). Add ignoreChanges: ["${ECS_WEIGHTS}"].`,
          rule.urn,
        ]);
      }
      const extra = ignored.filter((path) => path !== ECS_WEIGHTS);
      if (extra.length > 0) {
        out.push([
          `Listener rule ${rule.name}: ignoreChanges ${JSON.stringify(extra)} hides more than ECS changes (only ${ECS_WEIGHTS}), so the program no longer owns the rule's routing. Ignore only "${ECS_WEIGHTS}".`,
          rule.urn,
        ]);
      }
    }
    return out;
  },
);
