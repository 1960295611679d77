import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  bakedMinutes,
  delegatedPaths,
  ECS_DEPLOYMENT_STRATEGY,
  isTrafficShifting,
  type RolloutSettings,
} from "../../facts";
import { appTargetGroupArgs, type TargetHealthCheck } from "../aws";

/**
 * Issue 29: the ECS service's native CANARY, LINEAR and BLUE_GREEN deployments (ECS deployment
 * controller, since 2025-07; "Amazon ECS blue/green deployments", "Application Load Balancer resources
 * for blue/green, linear, and canary deployments",
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/alb-resources-for-blue-green.html, read
 * 2026-12-07). ECS starts the new revision at full size in the idle one of two target groups, moves
 * production traffic by rewriting the weights of one listener rule, watches the service's deployment
 * alarms while each step and the final bake last, and on an alarm moves the traffic back to the old
 * revision, which runs until the final bake ends. What that needs from the program:
 * - a second ("alternate") target group, configured like the first;
 * - a production listener rule forwarding to both with weights (the listener's default action cannot
 *   be used: ECS takes a rule ARN), only `forward` actions in it (the same page: mixing forward with
 *   redirect, fixed-response or authenticate actions fails the deployment);
 * - a test listener rule that reaches the new revision before any production traffic does;
 * - the infrastructure role ECS assumes to change them: the AWS managed policy, nothing more.
 */

/** Rule priorities on the serving listener: the test rule must match before the catch-all production rule. */
export const TEST_RULE_PRIORITY = 10;
export const PRODUCTION_RULE_PRIORITY = 20;
/**
 * Requests carrying this header reach the new revision through the test listener rule while it bakes
 * (the allowed CIDRs still apply: the rule sits on the same listener).
 */
export const TEST_TRAFFIC_HEADER = { name: "X-Rollout-Test", value: "new-revision" } as const;

/**
 * The listener-rule fields ECS rewrites on every deployment: the forward action's weighted target
 * groups (their weights, and which of the two is live). The first deployment already leaves them
 * differing from what the program declared (0/100 instead of 100/0): go-to-k/cdk-real-drift#1730
 * ("the ECS BG controller rewrites the production listener rule's forward action to a WEIGHTED
 * ForwardConfig … and re-swings the weights on every subsequent deployment", live-found 2026-08-09),
 * terraform-aws-modules/terraform-aws-alb#409 (plan "tries to restore it to initial values"), and
 * aws/aws-cdk#36649 (a stack update "resets the listener rule action … breaking blue/green
 * deployments"), all read 2026-12-07. An `up` that wrote the declared weights back would send all
 * traffic to a target group ECS may have emptied. Only this path is ignored: the rule's conditions,
 * priority and listener stay the program's (policy/ecs.ts `ecs-listener-rule-ignores-weights` holds
 * both halves). pulumi-aws issues #5772 and #5798, named in issue 29, are not in the stored issue
 * corpus searched on 2026-12-07; the three threads above describe the same drift.
 */
const RULE_IGNORE_CHANGES: string[] = delegatedPaths("ecsListenerRuleWeights");

/**
 * The AWS managed policy of the ECS infrastructure role for load balancers ("Amazon ECS infrastructure
 * IAM role for load balancers",
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/AmazonECSInfrastructureRolePolicyForLoadBalancers.html,
 * read 2026-12-07; ARN arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers,
 * version v6 of 2026-02-12 in the AWS Managed Policy Reference, read 2026-12-07): what ECS needs to
 * describe and modify rules and listeners and register targets, kept current by AWS.
 */
export const ECS_LOAD_BALANCER_POLICY = "AmazonECSInfrastructureRolePolicyForLoadBalancers";

/** The trust policy of that page: ECS itself (sessions ECSNetworkingWithELB / ecs-service-scheduler). */
export const ECS_INFRASTRUCTURE_TRUST_POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "AllowAccessToECSForInfrastructureManagement",
      Effect: "Allow",
      Principal: { Service: "ecs.amazonaws.com" },
      Action: "sts:AssumeRole",
    },
  ],
});

/**
 * The service update timeout a strategy needs. With waitForSteadyState the provider waits until the
 * service deployment is SUCCESSFUL, i.e. after every bake, and gives up after the resource's Update
 * (Create) timeout, 20 minutes by default (terraform-provider-aws internal/service/ecs/service.go, the
 * newest stored version, read 2026-12-07: `Timeouts: Update: schema.DefaultTimeout(20 * time.Minute)`;
 * waitServiceStable → findDeploymentStatus, SUCCESSFUL is stable, IN_PROGRESS pending). The default
 * 20 minutes keep covering what they covered for rolling updates (start, health, drain); the bakes this
 * program configures come on top, so a canary with a 10-minute bake does not fail `pulumi up` at minute
 * 20 while ECS is still baking (and then roll nothing back: the deployment goes on).
 */
export const PROVIDER_DEFAULT_TIMEOUT_MINUTES = 20;
export function serviceTimeoutMinutes(rollout: RolloutSettings): number {
  return PROVIDER_DEFAULT_TIMEOUT_MINUTES + bakedMinutes(rollout);
}

export interface TrafficShiftArgs {
  rollout: RolloutSettings;
  vpcId: pulumi.Input<string | undefined>;
  /** The primary target group createLoadBalancer made, whose settings the alternate repeats. */
  targetGroup: aws.lb.TargetGroup;
  healthCheck: TargetHealthCheck;
  deregistrationDelaySeconds: number;
  /** The listener that serves the app (HTTPS when there is one, else HTTP). */
  listener: aws.lb.Listener;
  /** The account's partition (arn:<partition>:iam::aws:policy/…). */
  partition: pulumi.Input<string>;
  tags: Record<string, string>;
}

/** What the service takes from a traffic-shifting strategy (all empty for rolling). */
export interface TrafficShift {
  alternateTargetGroup: aws.lb.TargetGroup;
  productionRule: aws.lb.ListenerRule;
  testRule: aws.lb.ListenerRule;
  infrastructureRole: aws.iam.Role;
}

/** The alternate target group, the two rules and the infrastructure role; undefined for rolling. */
export function createTrafficShift(
  name: string,
  args: TrafficShiftArgs,
  parent: pulumi.Resource,
): TrafficShift | undefined {
  if (!isTrafficShifting(args.rollout.strategy)) return undefined;
  const { healthCheck, tags } = args;
  // The same settings as createLoadBalancer's target group (ecs-platform.test.ts compares the two).
  const alternateTargetGroup = new aws.lb.TargetGroup(
    `${name}-tg-alt`,
    appTargetGroupArgs({ ...args, healthCheck, tags }),
    { parent },
  );
  // Declared: all traffic on the primary. After that the weights are ECS's (RULE_IGNORE_CHANGES).
  const actions = [
    {
      type: "forward",
      forward: {
        targetGroups: [
          { arn: args.targetGroup.arn, weight: 100 },
          { arn: alternateTargetGroup.arn, weight: 0 },
        ],
      },
    },
  ];
  const rule = (suffix: string, priority: number, conditions: aws.types.input.lb.ListenerRuleCondition[]) =>
    new aws.lb.ListenerRule(
      `${name}-${suffix}`,
      { listenerArn: args.listener.arn, priority, actions, conditions, tags },
      { parent, ignoreChanges: RULE_IGNORE_CHANGES },
    );
  const testRule = rule("rule-test", TEST_RULE_PRIORITY, [
    { httpHeader: { httpHeaderName: TEST_TRAFFIC_HEADER.name, values: [TEST_TRAFFIC_HEADER.value] } },
  ]);
  const productionRule = rule("rule-production", PRODUCTION_RULE_PRIORITY, [
    { pathPattern: { values: ["/*"] } },
  ]);
  const infrastructureRole = new aws.iam.Role(
    `${name}-ecs-infrastructure-role`,
    {
      assumeRolePolicy: ECS_INFRASTRUCTURE_TRUST_POLICY,
      description:
        "ECS: shift traffic between the service's two target groups (native canary/linear/blue-green)",
      tags,
    },
    { parent },
  );
  new aws.iam.RolePolicyAttachment(
    `${name}-ecs-infrastructure-lb`,
    {
      role: infrastructureRole.name,
      policyArn: pulumi.interpolate`arn:${args.partition}:iam::aws:policy/${ECS_LOAD_BALANCER_POLICY}`,
    },
    { parent },
  );
  return { alternateTargetGroup, productionRule, testRule, infrastructureRole };
}

/**
 * The service arguments of the strategy: ROLLING as before, or the strategy with its canary/linear
 * settings and bakes (pulumi-aws 7.48.0 ServiceDeploymentConfiguration: bake minutes are strings,
 * percentages numbers) and the load balancer's advancedConfiguration naming the alternate target group,
 * the two rules and the role.
 */
export function serviceRolloutArgs(
  rollout: RolloutSettings,
  shift: TrafficShift | undefined,
  primary: { targetGroupArn: pulumi.Input<string>; containerName: string; containerPort: number },
): Pick<aws.ecs.ServiceArgs, "deploymentConfiguration" | "deploymentCircuitBreaker" | "loadBalancers"> {
  const bake = String(rollout.bakeMinutes);
  if (shift === undefined) {
    return { loadBalancers: [primary] };
  }
  return {
    // "The deployment circuit breaker can only be used for services using the rolling update (ECS)
    // deployment type" (AWS::ECS::Service DeploymentCircuitBreaker, CloudFormation reference, read
    // 2026-12-07): stated off, not left out, so a stack switching from rolling does not keep it on.
    // A traffic-shifting deployment is judged by the deployment alarms during its bakes instead.
    deploymentCircuitBreaker: { enable: false, rollback: false },
    deploymentConfiguration: {
      strategy: ECS_DEPLOYMENT_STRATEGY[rollout.strategy],
      bakeTimeInMinutes: bake,
      ...(rollout.strategy === "canary" && {
        canaryConfiguration: { canaryPercent: rollout.canaryPercent, canaryBakeTimeInMinutes: bake },
      }),
      ...(rollout.strategy === "linear" && {
        linearConfiguration: { stepPercent: rollout.linearStepPercent, stepBakeTimeInMinutes: bake },
      }),
    },
    loadBalancers: [
      {
        ...primary,
        advancedConfiguration: {
          alternateTargetGroupArn: shift.alternateTargetGroup.arn,
          productionListenerRule: shift.productionRule.arn,
          testListenerRule: shift.testRule.arn,
          roleArn: shift.infrastructureRole.arn,
        },
      },
    ],
  };
}
