/**
 * ECS policies: how services roll out, and how task definitions run their containers and roles.
 */
import { resourcePolicy } from "./define";
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
    if (breaker.enable !== true || breaker.rollback !== true) {
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
