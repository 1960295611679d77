import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as ecs from "./ecs";
import { policies } from "./policies";
import {
  describeMutations,
  describeRejections,
  editContainers,
  evaluate,
  fixture,
  type Mutation,
  type Rejection,
  recorded,
} from "./testing";

const rejections: Rejection[] = [
  {
    policy: ecs.ecsServiceRollout,
    resources: () => [
      fixture("aws:ecs/service:Service", "svc", {
        loadBalancers: [{}],
        deploymentCircuitBreaker: { enable: true, rollback: false },
      }),
      // Issue 29: a native canary rolls back on its alarms; no circuit breaker to ask for.
      fixture("aws:ecs/service:Service", "canary", {
        loadBalancers: [{}],
        healthCheckGracePeriodSeconds: 30,
        deploymentCircuitBreaker: { enable: false, rollback: false },
        deploymentConfiguration: { strategy: "CANARY" },
      }),
    ],
    messages: [
      "ECS service svc: a failing deployment is not rolled back. Set deploymentCircuitBreaker: { enable: true, rollback: true }.",
      "ECS service svc: no health-check grace period, so slow starts are killed. Set healthCheckGracePeriodSeconds (e.g. 30).",
    ],
  },
  {
    policy: ecs.ecsServiceCapacityStrategy,
    resources: () => [
      fixture("aws:ecs/service:Service", "launch", { launchType: "FARGATE" }),
      fixture("aws:ecs/service:Service", "spot", {
        capacityProviderStrategies: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }],
      }),
      fixture("aws:ecs/service:Service", "default", { forceNewDeployment: true }),
    ],
    messages: [
      'ECS service launch: launchType "FARGATE" is ForceNew in the provider, so a later change of placement replaces the service. Use capacityProviderStrategies: [{ capacityProvider: "FARGATE", weight: 1 }] (or FARGATE_SPOT) instead.',
      'ECS service spot: a capacity provider strategy without forceNewDeployment: true, so changing the strategy fails at preview ("force_new_deployment should be true when capacity_provider_strategy is being updated"). Set forceNewDeployment: true.',
      "ECS service default: no capacity provider strategy, so it runs on the cluster's default strategy and every preview shows it changing. Set capacityProviderStrategies explicitly.",
    ],
  },
  {
    policy: ecs.ecsContainerHardened,
    resources: () => [
      fixture("aws:ecs/taskDefinition:TaskDefinition", "td", {
        containerDefinitions: JSON.stringify([{ name: "app", user: "0", privileged: true }]),
      }),
    ],
    messages: [
      "Task definition td, container app: the root filesystem is writable. Set readonlyRootFilesystem: true (mount a volume where the app must write).",
      'Task definition td, container app: user "0" is not a numeric non-root id. Set user: "65532:65532" (the image\'s uid:gid).',
      "Task definition td, container app: privileged. Remove privileged (or set it to false).",
    ],
  },
  {
    policy: ecs.ecsStopTimeoutCoversShutdown,
    resources: () => [
      fixture("aws:ecs/taskDefinition:TaskDefinition", "td", {
        containerDefinitions: JSON.stringify([
          {
            name: "app",
            stopTimeout: 12,
            environment: [
              { name: "SHUTDOWN_DRAIN_DELAY_MS", value: "2000" },
              { name: "SHUTDOWN_TIMEOUT_MS", value: "10000" },
            ],
          },
          { name: "sidecar" },
        ]),
      }),
    ],
    messages: [
      "Task definition td, container app: stopTimeout 12 s does not exceed drain + shutdown (12 s); ECS would kill the app mid-shutdown. Set stopTimeout above 12 (at most 120).",
      "Task definition td, container sidecar: SHUTDOWN_DRAIN_DELAY_MS and SHUTDOWN_TIMEOUT_MS are not in the environment. Pass both (appEnvironment()) so the kill window can be checked.",
    ],
  },
  {
    policy: ecs.ecsTaskRolesSeparate,
    resources: () => [
      fixture("aws:ecs/taskDefinition:TaskDefinition", "td", {
        executionRoleArn: "arn:role/x",
        taskRoleArn: "arn:role/x",
      }),
      fixture("aws:ecs/taskDefinition:TaskDefinition", "none", {}),
    ],
    messages: [
      "Task definition td: the task role is the execution role, so the app holds the agent's image-pull and log permissions. Use two roles.",
      "Task definition none: no task role. Give the app its own aws.iam.Role (taskRoleArn), separate from the execution role.",
    ],
  },
  {
    policy: ecs.ecsListenerRuleIgnoresWeights,
    resources: () => {
      const arn = (name: string) =>
        `arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/${name}`;
      const rule = (name: string, ignoreChanges: string[]) => ({
        ...fixture(ecs.LISTENER_RULE, name, { arn: arn(name) }),
        ignoreChanges,
      });
      return [
        fixture("aws:ecs/service:Service", "svc", {
          loadBalancers: [
            { advancedConfiguration: { productionListenerRule: arn("prod"), testListenerRule: arn("test") } },
          ],
        }),
        rule("prod", []),
        rule("test", ["actions", "actions[0].forward.targetGroups"]),
        // Not named by any service: the program's own rule, whatever it ignores.
        rule("other", []),
      ];
    },
    messages: [
      'Listener rule prod: ECS service svc rewrites its forward weights on every deployment, and the next pulumi up would write the declared weights back (traffic to a target group ECS may have emptied). Add ignoreChanges: ["actions[0].forward.targetGroups"].',
      'Listener rule test: ignoreChanges ["actions"] hides more than ECS changes (only actions[0].forward.targetGroups), so the program no longer owns the rule\'s routing. Ignore only "actions[0].forward.targetGroups".',
    ],
  },
];

const mutations: Mutation[] = [
  {
    policy: ecs.ecsServiceRollout,
    setting: "circuit breaker rollback",
    from: "dev/ecs",
    type: "aws:ecs/service:Service",
    mutate: (i) => {
      i.deploymentCircuitBreaker.rollback = false;
    },
  },
  {
    policy: ecs.ecsServiceRollout,
    setting: "healthCheckGracePeriodSeconds",
    from: "dev/ecs",
    type: "aws:ecs/service:Service",
    mutate: (i) => {
      delete i.healthCheckGracePeriodSeconds;
    },
  },
  {
    policy: ecs.ecsServiceCapacityStrategy,
    setting: "forceNewDeployment",
    from: "dev/ecs",
    type: "aws:ecs/service:Service",
    mutate: (i) => {
      delete i.forceNewDeployment;
    },
  },
  {
    policy: ecs.ecsServiceCapacityStrategy,
    setting: "its strategy (the FARGATE launch type instead)",
    from: "prod/ecs",
    type: "aws:ecs/service:Service",
    mutate: (i) => {
      delete i.capacityProviderStrategies;
      i.launchType = "FARGATE";
    },
  },
  {
    policy: ecs.ecsContainerHardened,
    setting: "readonlyRootFilesystem",
    from: "dev/ecs",
    type: "aws:ecs/taskDefinition:TaskDefinition",
    mutate: (i) =>
      editContainers(i, (c) => {
        delete c.readonlyRootFilesystem;
      }),
  },
  {
    policy: ecs.ecsContainerHardened,
    setting: "user",
    from: "dev/ecs",
    type: "aws:ecs/taskDefinition:TaskDefinition",
    mutate: (i) =>
      editContainers(i, (c) => {
        c.user = "node";
      }),
  },
  {
    policy: ecs.ecsContainerHardened,
    setting: "privileged",
    from: "dev/ecs",
    type: "aws:ecs/taskDefinition:TaskDefinition",
    mutate: (i) =>
      editContainers(i, (c) => {
        c.privileged = true;
      }),
  },
  {
    policy: ecs.ecsStopTimeoutCoversShutdown,
    setting: "stopTimeout",
    from: "dev/ecs",
    type: "aws:ecs/taskDefinition:TaskDefinition",
    mutate: (i) =>
      editContainers(i, (c) => {
        c.stopTimeout = 5;
      }),
  },
  {
    policy: ecs.ecsStopTimeoutCoversShutdown,
    setting: "drain env",
    from: "dev/ecs",
    type: "aws:ecs/taskDefinition:TaskDefinition",
    mutate: (i) =>
      editContainers(i, (c) => {
        c.environment = c.environment.map((e: { name: string; value: string }) =>
          e.name === "SHUTDOWN_TIMEOUT_MS" ? { ...e, value: "120000" } : e,
        );
      }),
  },
  {
    policy: ecs.ecsTaskRolesSeparate,
    setting: "taskRoleArn",
    from: "dev/ecs",
    type: "aws:ecs/taskDefinition:TaskDefinition",
    mutate: (i) => {
      i.taskRoleArn = i.executionRoleArn;
    },
  },
  {
    policy: ecs.ecsListenerRuleIgnoresWeights,
    setting: "ignoreChanges on its weighted target groups",
    from: "ecsCanary",
    type: ecs.LISTENER_RULE,
    name: /rule-production$/,
    mutate: () => {},
    mutateRecord: (r) => ({ ...r, ignoreChanges: [] }),
  },
  {
    policy: ecs.ecsListenerRuleIgnoresWeights,
    setting: "its exact ignoreChanges (all of actions instead)",
    from: "ecsCanary",
    type: ecs.LISTENER_RULE,
    name: /rule-test$/,
    mutate: () => {},
    mutateRecord: (r) => ({ ...r, ignoreChanges: ["actions"] }),
  },
];

describe("ECS policies", () => {
  describeRejections(ecs, rejections);
  describeMutations(ecs, mutations);
  it("the whole pack passes dev with the native canary (issue 29): no violation from any policy", async () => {
    assert.deepEqual(await evaluate(policies, await recorded("ecsCanary")), []);
  });
});
