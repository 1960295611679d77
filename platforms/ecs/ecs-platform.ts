import * as aws from "@pulumi/aws";
import type * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import {
  type AppSettings,
  type CapacityType,
  delegatedPaths,
  holdsData,
  isTrafficShifting,
  type LoadBalancerSettings,
  type MonitoringSettings,
  type NetworkSettings,
  type RolloutSettings as ProgressiveRollout,
  type ScalingSettings,
  type SecretSettings,
  type StateProtection,
} from "../../facts";
import { ecrPullStatements } from "../../facts/image-uri";
import { parsedSecretRefs, secretNamesEnv, secretReadStatements } from "../../facts/secrets";
import {
  APP_GID,
  APP_PORT,
  APP_UID,
  appEnvironment,
  appTracesEndpoint,
  LIVENESS_PATH,
  minimumKillWindowSeconds,
  SHUTDOWN_TIMEOUT_MS,
} from "../app-contract";
import { checkComputed, type PlatformImage } from "../args";
import {
  type AlbMonitoring,
  type AwsAccount,
  admitAllowedCidrs,
  albListeners,
  albUrl,
  attachXrayExportPolicy,
  awsTags,
  completeMonitoring,
  createAlbMonitoring,
  createAlias,
  createEdge,
  createLoadBalancer,
  createNetwork,
  createTargetGroupAlarms,
  ecsCollectorContainer,
  ecsSubnetMasks,
  lookupAwsAccount,
  scanFindingsAlert,
  type TargetHealthCheck,
} from "../aws";
import {
  createTrafficShift,
  serviceRolloutArgs,
  serviceTimeoutMinutes,
  type TrafficShift,
} from "./traffic-shift";

/** The only container in the task. */
export const CONTAINER_NAME = "app";

export interface RolloutSettings {
  healthCheck: TargetHealthCheck;
  deregistrationDelaySeconds: number;
  drainDelayMs: number;
  shutdownTimeoutMs: number;
}

/**
 * The longest one task replacement can take once the new task runs: the new target must pass
 * `healthyThreshold` checks (the last one may take the full timeout), then the old target drains for
 * the deregistration delay, then the old task gets SIGTERM and may use its drain delay and shutdown
 * timeout. ECS replaces tasks in parallel (maximumPercent 200), so this bounds a whole rollout.
 */
export function worstCaseRolloutSeconds(s: RolloutSettings): number {
  const healthy =
    s.healthCheck.healthyThreshold * s.healthCheck.intervalSeconds + s.healthCheck.timeoutSeconds;
  const stop = s.deregistrationDelaySeconds + minimumKillWindowSeconds(s.drainDelayMs, s.shutdownTimeoutMs);
  return healthy + stop;
}

/**
 * Trust policy of the task execution role, exactly as the ECS developer guide gives it ("Amazon ECS
 * task execution IAM role", https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html):
 * the ecs-tasks service principal and no conditions. AWS documents the confused-deputy conditions
 * (aws:SourceAccount / aws:SourceArn) for the task role only, so they are not added here: a condition
 * the ECS and Fargate agents do not satisfy when they assume this role would stop every task from
 * pulling its image.
 */
export const EXECUTION_ROLE_TRUST_POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" },
  ],
});

/**
 * Trust policy of the task role with the confused-deputy conditions the ECS developer guide recommends
 * for it ("Amazon ECS task IAM role", https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html):
 * aws:SourceAccount is this account and aws:SourceArn any ECS resource of this account and region (the
 * guide: a specific cluster is not supported, use the wildcard).
 */
export function taskRoleTrustPolicy(
  partition: pulumi.Input<string>,
  region: pulumi.Input<string>,
  accountId: pulumi.Input<string>,
): pulumi.Output<string> {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "ecs-tasks.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": accountId },
          ArnLike: { "aws:SourceArn": pulumi.interpolate`arn:${partition}:ecs:${region}:${accountId}:*` },
        },
      },
    ],
  });
}

export interface EcsPlatformArgs {
  image: PlatformImage;
  app: AppSettings;
  scaling: ScalingSettings;
  network: NetworkSettings;
  loadBalancer: LoadBalancerSettings;
  /** Fargate task CPU units and memory (MiB), a valid Fargate pair (config checks). */
  task: { cpu: number; memory: number };
  logRetentionDays: number;
  containerInsights: boolean;
  /**
   * ON_DEMAND: a capacity provider strategy of FARGATE alone; SPOT: of FARGATE_SPOT alone (X86_64 or
   * ARM64 tasks). Never a launch type. See {@link capacityPlacement}.
   */
  capacityType: CapacityType;
  /** Alarms, their topic, the dashboard and the synthetic check (monitoring.ts). */
  monitoring: MonitoringSettings;
  /** protect/retainOnDelete on what holds state: the VPC, the log group (facts/protection.ts). */
  protection: StateProtection;
  /**
   * Progressive delivery (issue 29): rolling, or the service's native CANARY, LINEAR or BLUE_GREEN
   * deployment between two target groups ({@link createTrafficShift}).
   */
  rollout: ProgressiveRollout;
  /** Environment variables from Secrets Manager / SSM: the task's `secrets`, read by the execution role. */
  secrets: SecretSettings;
}

/**
 * ECS deregisters the target and waits the deregistration delay before SIGTERM, so the app's own drain
 * only covers requests already in flight: small, not zero.
 */
export const ECS_DRAIN_DELAY_MS = 2000;
export const ECS_DEREGISTRATION_DELAY_SECONDS = 15;
export const ECS_HEALTH_CHECK: TargetHealthCheck = {
  path: LIVENESS_PATH,
  intervalSeconds: 10,
  timeoutSeconds: 5,
  healthyThreshold: 2,
  unhealthyThreshold: 3,
};
/** Seconds of failing health checks ECS ignores after a task starts. */
export const ECS_HEALTH_CHECK_GRACE_PERIOD_SECONDS = 30;
/** Worst-case rollout the settings above must stay within. */
export const ECS_MAX_ROLLOUT_SECONDS = 90;
export const ECS_SCALE_OUT_COOLDOWN_SECONDS = 60;
export const ECS_SCALE_IN_COOLDOWN_SECONDS = 300;

/**
 * The app on ECS Fargate: its own VPC (explicit NAT strategy), an internet-facing ALB open only to the
 * configured CIDRs, tasks reachable only from the ALB's security group, rolling deployments with a
 * circuit breaker, target-tracking autoscaling, and least-privilege task and execution roles.
 */
export class EcsPlatform extends pulumi.ComponentResource {
  public readonly url: pulumi.Output<string>;
  public readonly clusterName: pulumi.Output<string>;
  public readonly serviceName: pulumi.Output<string>;
  public readonly loadBalancerDnsName: pulumi.Output<string>;
  public readonly logGroupName: pulumi.Output<string>;
  /** The task role: the app's own AWS identity, with no permissions; other stacks attach policies to it. */
  public readonly taskRoleArn: pulumi.Output<string>;
  public readonly vpcId: pulumi.Output<string>;
  /** The CloudWatch dashboard of the golden signals. */
  public readonly dashboardUrl: pulumi.Output<string>;
  /** The SNS topic every alarm in the stack's region notifies. */
  public readonly alarmTopicArn: pulumi.Output<string>;

  constructor(name: string, args: EcsPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fastify-deploy:platforms:EcsPlatform", name, {}, opts);
    const tags = awsTags(name);
    const stopTimeoutSeconds = checkShutdownAndRollout(name);
    // Without NAT there is no use for private subnets: tasks sit in the public ones.
    const privateTasks = args.network.natGateways !== "none";
    const account = lookupAwsAccount(this);

    const networkArgs = { network: args.network, subnets: ecsSubnetMasks(privateTasks), tags, account };
    const vpc = createNetwork("EcsPlatform", name, { ...networkArgs, protection: args.protection }, this);
    const securityGroups = createSecurityGroups(name, vpc, args.loadBalancer, tags, this);
    const edge = createEdge(name, args.loadBalancer, tags, account, this);
    const { alb, targetGroup, listeners } = createLoadBalancer(
      name,
      {
        loadBalancer: args.loadBalancer,
        vpcId: vpc.vpcId,
        subnetIds: vpc.publicSubnetIds,
        securityGroupId: securityGroups.alb.id,
        healthCheck: ECS_HEALTH_CHECK,
        deregistrationDelaySeconds: ECS_DEREGISTRATION_DELAY_SECONDS,
        tags,
        edge,
      },
      this,
    );
    const domain = args.loadBalancer.domain;
    const alias =
      domain && edge.dns && createAlias(name, domain, { dnsName: alb.dnsName, zoneId: alb.zoneId }, edge.dns);
    // Before the service: its deployments roll back when one of these alarms fires.
    const albAlarms = createAlbMonitoring(
      name,
      {
        settings: args.monitoring,
        alb: { loadBalancer: alb.arnSuffix, targetGroup: targetGroup.arnSuffix },
        minHealthyTargets: args.scaling.minCount,
        account,
        tags,
      },
      this,
    );
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { retentionInDays: args.logRetentionDays, tags },
      { parent: this, ...holdsData(args.protection) },
    );
    const roles = createRoles(name, args.image, logGroup, account, tags, this, args.secrets);
    const cluster = new aws.ecs.Cluster(
      `${name}-cluster`,
      {
        settings: [{ name: "containerInsights", value: args.containerInsights ? "enabled" : "disabled" }],
        tags,
      },
      { parent: this },
    );
    const taskDefinition = createTaskDefinition(
      name,
      args,
      { roles, logGroup, stopTimeoutSeconds, tags },
      this,
    );
    const service = createService(
      name,
      args,
      {
        cluster,
        taskDefinition,
        subnetIds: privateTasks ? vpc.privateSubnetIds : vpc.publicSubnetIds,
        privateTasks,
        securityGroupId: securityGroups.tasks.id,
        targetGroup,
        listeners,
        albAlarms,
        tags,
      },
      this,
    );
    createAutoscaling(name, cluster, service, args.scaling, tags, this);
    const monitoring = completeMonitoring(
      name,
      albAlarms,
      {
        settings: args.monitoring,
        // The public URL's host: the domain's alias when there is one, else the ALB's name.
        endpoint: { dnsName: alias ? alias.name : alb.dnsName, https: albListeners(args.loadBalancer).https },
        ecs: {
          clusterName: cluster.name,
          serviceName: service.name,
          containerInsights: args.containerInsights,
        },
        tags,
      },
      this,
    );
    scanFindingsAlert(name, { imageUri: args.image.uri, topicArn: monitoring.alarmTopicArn, tags }, this);
    this.loadBalancerDnsName = alb.dnsName;
    this.url = albUrl(args.loadBalancer, alias ? alias.name : alb.dnsName);
    this.clusterName = cluster.name;
    this.serviceName = service.name;
    this.logGroupName = logGroup.name;
    this.taskRoleArn = roles.task.arn;
    this.vpcId = vpc.vpcId;
    this.dashboardUrl = monitoring.dashboardUrl;
    this.alarmTopicArn = monitoring.alarmTopicArn;
    this.registerOutputs({
      url: this.url,
      clusterName: this.clusterName,
      serviceName: this.serviceName,
      loadBalancerDnsName: this.loadBalancerDnsName,
      logGroupName: this.logGroupName,
      taskRoleArn: this.taskRoleArn,
      vpcId: this.vpcId,
      dashboardUrl: this.dashboardUrl,
      alarmTopicArn: this.alarmTopicArn,
    });
  }
}

/**
 * The checks on what this component computes (config checked every user-given value): the kill window
 * must cover drain + shutdown with a margin within ECS's 120 s cap, and a rollout must stay within its
 * bound. Returns the stopTimeout.
 */
function checkShutdownAndRollout(name: string): number {
  const check = (ok: boolean, message: string) => checkComputed("EcsPlatform", name, ok, message);
  const stopTimeoutSeconds = minimumKillWindowSeconds(ECS_DRAIN_DELAY_MS, SHUTDOWN_TIMEOUT_MS) + 5;
  const rollout = worstCaseRolloutSeconds({
    healthCheck: ECS_HEALTH_CHECK,
    deregistrationDelaySeconds: ECS_DEREGISTRATION_DELAY_SECONDS,
    drainDelayMs: ECS_DRAIN_DELAY_MS,
    shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS,
  });
  check(
    stopTimeoutSeconds <= 120,
    `drainDelayMs + shutdownTimeoutMs need a stopTimeout of ${stopTimeoutSeconds} s, above the ECS maximum of 120 s`,
  );
  check(
    rollout <= ECS_MAX_ROLLOUT_SECONDS,
    `health check and drain settings allow a rollout of ${rollout} s, above maxRolloutSeconds ${ECS_MAX_ROLLOUT_SECONDS}`,
  );
  check(
    ECS_HEALTH_CHECK.timeoutSeconds < ECS_HEALTH_CHECK.intervalSeconds,
    "healthCheck.timeoutSeconds must be below intervalSeconds",
  );
  return stopTimeoutSeconds;
}

/**
 * The ALB's and the tasks' security groups, no inline rules: every rule an explicit resource. The ALB
 * admits the allowed CIDRs on its listener ports and talks only to the tasks' app port; the tasks admit
 * only the ALB and reach out only on HTTPS.
 */
function createSecurityGroups(
  name: string,
  vpc: awsx.ec2.Vpc,
  loadBalancer: LoadBalancerSettings,
  tags: Record<string, string>,
  parent: pulumi.Resource,
): { alb: aws.ec2.SecurityGroup; tasks: aws.ec2.SecurityGroup } {
  const alb = new aws.ec2.SecurityGroup(
    `${name}-alb-sg`,
    { vpcId: vpc.vpcId, description: "ALB: HTTP(S) from the allowed CIDRs only", tags },
    { parent },
  );
  const tasks = new aws.ec2.SecurityGroup(
    `${name}-task-sg`,
    { vpcId: vpc.vpcId, description: "Fargate tasks: the app port from the ALB only", tags },
    { parent },
  );
  admitAllowedCidrs(name, alb.id, loadBalancer, tags, parent);
  const appPort = { ipProtocol: "tcp", fromPort: APP_PORT, toPort: APP_PORT };
  new aws.vpc.SecurityGroupEgressRule(
    `${name}-alb-out-tasks`,
    {
      securityGroupId: alb.id,
      ...appPort,
      referencedSecurityGroupId: tasks.id,
      description: "To the tasks' app port",
      tags,
    },
    { parent },
  );
  new aws.vpc.SecurityGroupIngressRule(
    `${name}-task-in-alb`,
    {
      securityGroupId: tasks.id,
      ...appPort,
      referencedSecurityGroupId: alb.id,
      description: "App port from the ALB only",
      tags,
    },
    { parent },
  );
  new aws.vpc.SecurityGroupEgressRule(
    `${name}-task-out-https`,
    {
      securityGroupId: tasks.id,
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: "0.0.0.0/0",
      description: "HTTPS out: ECR image pulls and CloudWatch Logs",
      tags,
    },
    { parent },
  );
  return { alb, tasks };
}

interface EcsRoles {
  execution: aws.iam.Role;
  task: aws.iam.Role;
  region: pulumi.Output<string>;
}

/** The execution role (the ECS agent: pull the image, write logs) and the app's own task role (no permissions). */
function createRoles(
  name: string,
  image: PlatformImage,
  logGroup: aws.cloudwatch.LogGroup,
  account: AwsAccount,
  tags: Record<string, string>,
  parent: pulumi.Resource,
  secrets: SecretSettings,
): EcsRoles {
  const { accountId, partition, region } = account;
  const execution = new aws.iam.Role(
    `${name}-execution-role`,
    {
      assumeRolePolicy: EXECUTION_ROLE_TRUST_POLICY,
      description: "ECS agent: pull the app image, write its logs",
      tags,
    },
    { parent },
  );
  new aws.iam.RolePolicy(
    `${name}-execution-policy`,
    {
      role: execution.id,
      policy: pulumi.all([image.repositoryArn, logGroup.arn]).apply(([repositoryArn, logGroupArn]) =>
        JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            ...(repositoryArn ? ecrPullStatements(repositoryArn) : []),
            {
              Effect: "Allow",
              Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
              Resource: `${logGroupArn}:log-stream:*`,
            },
          ],
        }),
      ),
    },
    { parent },
  );
  grantSecretReads(name, execution, secrets, parent);
  // The app calls no AWS API: its role exists (so it is never the execution role) and has no policy.
  const task = new aws.iam.Role(
    `${name}-task-role`,
    {
      assumeRolePolicy: taskRoleTrustPolicy(partition, region, accountId),
      description: "The app's own identity: no permissions",
      tags,
    },
    { parent },
  );
  return { execution, task, region };
}

/**
 * The execution role may read exactly the declared secrets (and decrypt with the one named key), in a
 * policy of its own so a stack without secrets has none. ECS fetches the values with this role at task
 * start ("Required IAM permissions for Amazon ECS secrets", Amazon ECS Developer Guide,
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html, read
 * 2026-12-07); the task role, the app's own identity, gets nothing.
 */
function grantSecretReads(
  name: string,
  execution: aws.iam.Role,
  secrets: SecretSettings,
  parent: pulumi.Resource,
): void {
  const statements = secretReadStatements(parsedSecretRefs(secrets), secrets.kmsKeyArn);
  if (statements.length === 0) return;
  new aws.iam.RolePolicy(
    `${name}-execution-secrets`,
    { role: execution.id, policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) },
    { parent },
  );
}

/** The one-container Fargate task: read-only root filesystem, non-root, no capabilities, awslogs. */
function createTaskDefinition(
  name: string,
  args: EcsPlatformArgs,
  s: {
    roles: EcsRoles;
    logGroup: aws.cloudwatch.LogGroup;
    stopTimeoutSeconds: number;
    tags: Record<string, string>;
  },
  parent: pulumi.Resource,
): aws.ecs.TaskDefinition {
  const environment = appEnvironment({
    logLevel: args.app.logLevel,
    drainDelayMs: ECS_DRAIN_DELAY_MS,
    shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS,
    commit: args.app.commit,
    platform: "ecs",
    tracesEndpoint: appTracesEndpoint(args.app.tracing),
  });
  // tracing xray: the ADOT collector beside the app (aws/tracing.ts), which the app starts after, signing
  // with the task role, which gets the exporter's permission.
  if (args.app.tracing.mode === "xray") attachXrayExportPolicy(`${name}-task`, s.roles.task, parent);
  const collector =
    args.app.tracing.mode === "xray"
      ? ecsCollectorContainer({
          region: s.roles.region,
          logGroupName: s.logGroup.name,
          user: `${APP_UID}:${APP_GID}`,
          stopTimeout: s.stopTimeoutSeconds,
          shutdownEnvironment: environment.filter(({ name }) => name.startsWith("SHUTDOWN_")),
        })
      : undefined;
  const containerDefinitions = pulumi.jsonStringify([
    {
      name: CONTAINER_NAME,
      image: args.image.uri,
      essential: true,
      portMappings: [{ containerPort: APP_PORT, hostPort: APP_PORT, protocol: "tcp" }],
      environment: [...environment, ...secretNamesEnv(args.secrets)],
      // ECS reads each value at task start with the execution role (never the program): a new pinned
      // version is a new task definition revision, rolled out like any release.
      ...(args.secrets.env.length > 0 && { secrets: args.secrets.env }),
      ...(collector && { dependsOn: [{ containerName: collector.name, condition: "START" }] }),
      user: `${APP_UID}:${APP_GID}`,
      readonlyRootFilesystem: true,
      privileged: false,
      // The agent's init reaps zombies and forwards SIGTERM even if the image's entrypoint does not.
      linuxParameters: { initProcessEnabled: true, capabilities: { drop: ["ALL"] } },
      stopTimeout: s.stopTimeoutSeconds,
      logConfiguration: {
        logDriver: "awslogs",
        options: {
          "awslogs-group": s.logGroup.name,
          "awslogs-region": s.roles.region,
          "awslogs-stream-prefix": CONTAINER_NAME,
        },
      },
    },
    ...(collector ? [collector] : []),
  ]);
  return new aws.ecs.TaskDefinition(
    `${name}-task`,
    {
      family: `${name}-app`,
      cpu: String(args.task.cpu),
      memory: String(args.task.memory),
      networkMode: "awsvpc",
      requiresCompatibilities: ["FARGATE"],
      runtimePlatform: {
        operatingSystemFamily: "LINUX",
        cpuArchitecture: args.image.platform === "linux/arm64" ? "ARM64" : "X86_64",
      },
      executionRoleArn: s.roles.execution.arn,
      taskRoleArn: s.roles.task.arn,
      containerDefinitions,
      tags: s.tags,
    },
    { parent },
  );
}

/**
 * The Fargate service: rolling deployments that never drop below the desired count, the circuit breaker
 * and the deployment alarms both rolling back, tasks only behind the ALB's target group.
 */
function createService(
  name: string,
  args: EcsPlatformArgs,
  s: {
    cluster: aws.ecs.Cluster;
    taskDefinition: aws.ecs.TaskDefinition;
    subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    privateTasks: boolean;
    securityGroupId: pulumi.Input<string>;
    targetGroup: aws.lb.TargetGroup;
    listeners: aws.lb.Listener[];
    /** The ALB alarms (the deployment alarms among them), their topic and the account. */
    albAlarms: AlbMonitoring;
    tags: Record<string, string>;
  },
  parent: pulumi.Resource,
): aws.ecs.Service {
  // Issue 29: a traffic-shifting strategy's target group, rules and role, and its per-group alarms.
  const rollout = createRollout(name, args, s, parent);
  const deploymentAlarms = [...s.albAlarms.deploymentAlarms, ...rollout.alarms];
  const placement = capacityPlacement(name, s.cluster, args.capacityType, parent);
  return new aws.ecs.Service(
    `${name}-service`,
    {
      cluster: s.cluster.arn,
      taskDefinition: s.taskDefinition.arn,
      ...placement.serviceArgs,
      // LATEST resolves to Linux platform version 1.4.0 (since 2021-03-19, AWS What's New "AWS Fargate
      // updates platform version 1.4.0 to be the latest version"; "The LATEST platform version is 1.4.0",
      // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/platform-linux-fargate.html, both read
      // 2026-12-07): the version FARGATE_SPOT needs for ARM64 tasks (1.3.0 for X86_64; API reference
      // CapacityProviderStrategyItem, read 2026-12-07).
      platformVersion: "LATEST",
      desiredCount: args.scaling.desiredCount,
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      // The circuit breaker sees tasks that fail to start or pass health checks; these alarms see a
      // deployment that runs but serves errors or slowly (ECS "deployment alarms",
      // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-alarm-failure.html).
      alarms: {
        alarmNames: deploymentAlarms.map((alarm) => alarm.name),
        enable: true,
        rollback: true,
      },
      healthCheckGracePeriodSeconds: ECS_HEALTH_CHECK_GRACE_PERIOD_SECONDS,
      networkConfiguration: {
        subnets: s.subnetIds,
        securityGroups: [s.securityGroupId],
        assignPublicIp: !s.privateTasks,
      },
      // Rolling: the one target group. Canary, linear, blue/green: ECS's native strategy with its bakes
      // and the alternate target group, rules and role (traffic-shift.ts); the alarms above roll back.
      ...serviceRolloutArgs(args.rollout, rollout.shift, {
        targetGroupArn: s.targetGroup.arn,
        containerName: CONTAINER_NAME,
        containerPort: APP_PORT,
      }),
      enableExecuteCommand: false,
      propagateTags: "SERVICE",
      enableEcsManagedTags: true,
      // `pulumi up` fails (and the circuit breaker rolls back) when a deployment does not stabilise.
      waitForSteadyState: true,
      tags: s.tags,
    },
    // Autoscaling owns the running count after creation.
    {
      parent,
      dependsOn: [...s.listeners, ...placement.dependsOn, ...shiftDependencies(rollout.shift)],
      ignoreChanges: delegatedPaths("ecsDesiredCount"),
      ...serviceTimeouts(args.rollout),
    },
  );
}

/**
 * Issue 29: the traffic-shifting strategy's resources and the per-target-group alarms that judge a
 * canary by its own traffic (monitoring.ts createTargetGroupAlarms); nothing for rolling.
 */
function createRollout(
  name: string,
  args: EcsPlatformArgs,
  s: {
    targetGroup: aws.lb.TargetGroup;
    listeners: aws.lb.Listener[];
    albAlarms: AlbMonitoring;
    tags: Record<string, string>;
  },
  parent: pulumi.Resource,
): { shift: TrafficShift | undefined; alarms: aws.cloudwatch.MetricAlarm[] } {
  const shift = createTrafficShift(
    name,
    {
      rollout: args.rollout,
      // The primary's VPC: the alternate target group must be where the tasks are.
      vpcId: s.targetGroup.vpcId,
      targetGroup: s.targetGroup,
      healthCheck: ECS_HEALTH_CHECK,
      deregistrationDelaySeconds: ECS_DEREGISTRATION_DELAY_SECONDS,
      // HTTPS when there is one (80 then only redirects), else HTTP: the listener that serves.
      listener: s.listeners[s.listeners.length - 1] as aws.lb.Listener,
      partition: s.albAlarms.account.partition,
      tags: s.tags,
    },
    parent,
  );
  if (shift === undefined) return { shift, alarms: [] };
  const alarms = createTargetGroupAlarms(
    name,
    s.albAlarms,
    {
      settings: args.monitoring,
      targetGroups: [
        { key: "tg-primary", arnSuffix: s.targetGroup.arnSuffix },
        { key: "tg-alternate", arnSuffix: shift.alternateTargetGroup.arnSuffix },
      ],
      tags: s.tags,
    },
    parent,
  );
  return { shift, alarms };
}

/** ECS must find the rules and the role in place before it is told about them. */
function shiftDependencies(shift: TrafficShift | undefined): pulumi.Resource[] {
  return shift ? [shift.productionRule, shift.testRule, shift.infrastructureRole] : [];
}

/** Rolling keeps the provider's default timeouts; a strategy with bakes gets them on top (traffic-shift.ts). */
function serviceTimeouts(rollout: ProgressiveRollout): Pick<pulumi.CustomResourceOptions, "customTimeouts"> {
  if (!isTrafficShifting(rollout.strategy)) return {};
  const minutes = `${serviceTimeoutMinutes(rollout)}m`;
  return { customTimeouts: { create: minutes, update: minutes } };
}

/** The Fargate capacity providers every cluster has associated, and which one each capacityType uses. */
const FARGATE_CAPACITY_PROVIDERS = ["FARGATE", "FARGATE_SPOT"] as const;
const FARGATE_PROVIDER: Record<CapacityType, (typeof FARGATE_CAPACITY_PROVIDERS)[number]> = {
  ON_DEMAND: "FARGATE",
  SPOT: "FARGATE_SPOT",
};

/**
 * Where the service's tasks run: always a capacity provider strategy of one provider, FARGATE (ON_DEMAND)
 * or FARGATE_SPOT (SPOT), never a launch type, so that switching capacityType is an in-place update.
 * The provider rules behind that (terraform-provider-aws internal/service/ecs/service.go, the newest
 * stored version, read 2026-12-07; pulumi-aws 7.48.0 ecs/service.d.ts `capacityProviderStrategies`:
 * "Updating this argument requires `forceNewDeployment = true`"):
 * - `launch_type` is ForceNew: a program that set FARGATE and later a strategy would replace the service.
 *   It is also Optional+Computed, so leaving it out keeps whatever the state holds: no diff, no replace.
 * - `capacityProviderStrategyCustomizeDiff` (since hashicorp/terraform-provider-aws#43533, July 2025)
 *   fails the plan, at preview, with "force_new_deployment should be true when capacity_provider_strategy
 *   is being updated" when an existing service's strategy changes without force_new_deployment; it no
 *   longer replaces the service in any case. Hence `forceNewDeployment: true` on the service, always.
 * - ECS itself refuses the same update without a forced deployment ("When switching from launch type to
 *   capacity provider strategy on an existing service, or making a change to a capacity provider strategy
 *   on a service that is already using one, you must force a new deployment", the InvalidParameterException
 *   quoted in reproio/ecs_deploy#74 and pipe-cd/pipecd#6385, read 2026-12-07).
 * Both providers are associated with the cluster whatever capacityType says, so a switch never waits for
 * (or races) an association change, and the association exists before the service names a provider
 * (CreateService fails on a provider the cluster does not have), hence the dependency.
 *
 * Fargate Spot: ECS stops a task with a 2-minute warning when AWS reclaims the capacity (SIGTERM first,
 * the app drains within its kill window) and starts a replacement when Spot capacity is available; there
 * is no fallback to on-demand ("AWS Fargate capacity providers", ECS developer guide). It runs X86_64 and,
 * since 2024-09-06, ARM64 Linux tasks (API reference CapacityProviderStrategyItem: "FARGATE_SPOT supports
 * Linux tasks with the ARM64 architecture on platform version 1.4.0 or later"; aws/containers-roadmap#1594
 * closed; both read 2026-12-07).
 */
function capacityPlacement(
  name: string,
  cluster: aws.ecs.Cluster,
  capacityType: CapacityType,
  parent: pulumi.Resource,
): {
  serviceArgs: Pick<aws.ecs.ServiceArgs, "capacityProviderStrategies" | "forceNewDeployment">;
  dependsOn: pulumi.Resource[];
} {
  const providers = new aws.ecs.ClusterCapacityProviders(
    `${name}-capacity-providers`,
    { clusterName: cluster.name, capacityProviders: [...FARGATE_CAPACITY_PROVIDERS] },
    { parent },
  );
  return {
    serviceArgs: {
      capacityProviderStrategies: [{ capacityProvider: FARGATE_PROVIDER[capacityType], weight: 1 }],
      // What it costs, from the same service.go: resourceServiceUpdate calls UpdateService only when an
      // argument other than tags changed, and then passes ForceNewDeployment from this value. So an `up`
      // that changes nothing on the service starts nothing; one that changes the task definition rolls the
      // tasks anyway; one that changes only a service setting (alarms, grace period, deployment
      // percentages, the strategy) now also rolls every task once, the usual way (minimum healthy 100%,
      // circuit breaker). Setting it only on a strategy change would need the prior state, and flipping it
      // back to false would itself be a service update. `triggers` stays unset: it exists to redeploy on
      // every `up` (plantimestamp()), which this program does not want.
      forceNewDeployment: true,
    },
    dependsOn: [providers],
  };
}

/** Target tracking on average CPU, between the configured bounds. */
function createAutoscaling(
  name: string,
  cluster: aws.ecs.Cluster,
  service: aws.ecs.Service,
  scaling: ScalingSettings,
  tags: Record<string, string>,
  parent: pulumi.Resource,
): void {
  const target = new aws.appautoscaling.Target(
    `${name}-scaling-target`,
    {
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: pulumi.interpolate`service/${cluster.name}/${service.name}`,
      minCapacity: scaling.minCount,
      maxCapacity: scaling.maxCount,
      tags,
    },
    { parent },
  );
  new aws.appautoscaling.Policy(
    `${name}-cpu-scaling`,
    {
      policyType: "TargetTrackingScaling",
      serviceNamespace: target.serviceNamespace,
      scalableDimension: target.scalableDimension,
      resourceId: target.resourceId,
      targetTrackingScalingPolicyConfiguration: {
        predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
        targetValue: scaling.targetCpuUtilization,
        scaleOutCooldown: ECS_SCALE_OUT_COOLDOWN_SECONDS,
        scaleInCooldown: ECS_SCALE_IN_COOLDOWN_SECONDS,
      },
    },
    { parent },
  );
}
