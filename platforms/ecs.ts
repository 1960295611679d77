import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import {
  ALB_IDLE_TIMEOUT_SECONDS,
  ALB_TLS_POLICY,
  type AppSettings,
  DEFAULT_VPC_CIDR,
  type LoadBalancerSettings,
  type NetworkSettings,
  type ScalingSettings,
} from "../facts";
import { ecrPullStatements } from "../facts/image-uri";
import {
  APP_GID,
  APP_PORT,
  APP_UID,
  appEnvironment,
  LIVENESS_PATH,
  minimumKillWindowSeconds,
} from "./app-contract";
import type { PlatformImage } from "./args";
import { ecsSubnetMasks } from "./subnet-layout";

/** The only container in the task. */
export const CONTAINER_NAME = "app";

export interface HealthCheckSettings {
  path: string;
  intervalSeconds: number;
  timeoutSeconds: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
}

export interface RolloutSettings {
  healthCheck: HealthCheckSettings;
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
 * The name of the ALB ingress rule for one CIDR and port: derived from what the rule admits, never
 * from its position in `allowedCidrs`, so reordering the list changes no rule and adding or removing a
 * CIDR touches only that CIDR's rules (a rule named by index would be updated in place to another
 * CIDR, and AWS rejects a rule that duplicates one another index still holds).
 */
export function albIngressRuleName(component: string, cidr: string, port: number): string {
  return `${component}-alb-in-${port}-${cidr.replace(/[./]/g, "-")}`;
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
}

/**
 * ECS deregisters the target and waits the deregistration delay before SIGTERM, so the app's own drain
 * only covers requests already in flight: small, not zero.
 */
export const ECS_DRAIN_DELAY_MS = 2000;
/** In-flight requests get this long after the drain. */
export const ECS_SHUTDOWN_TIMEOUT_MS = 10_000;
export const ECS_DEREGISTRATION_DELAY_SECONDS = 15;
export const ECS_HEALTH_CHECK: HealthCheckSettings = {
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
  readonly url: pulumi.Output<string>;
  readonly clusterName: pulumi.Output<string>;
  readonly serviceName: pulumi.Output<string>;
  readonly loadBalancerDnsName: pulumi.Output<string>;
  readonly logGroupName: pulumi.Output<string>;
  /** The task role: the app's own AWS identity, with no permissions; other stacks attach policies to it. */
  readonly taskRoleArn: pulumi.Output<string>;
  readonly vpcId: pulumi.Output<string>;

  constructor(name: string, args: EcsPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fastify-deploy:platforms:EcsPlatform", name, {}, opts);

    const drainDelayMs = ECS_DRAIN_DELAY_MS;
    const shutdownTimeoutMs = ECS_SHUTDOWN_TIMEOUT_MS;
    const deregistrationDelaySeconds = ECS_DEREGISTRATION_DELAY_SECONDS;
    const healthCheck = ECS_HEALTH_CHECK;
    const maxRolloutSeconds = ECS_MAX_ROLLOUT_SECONDS;
    // The kill window must cover drain + shutdown with a margin; ECS caps stopTimeout at 120 s.
    const stopTimeoutSeconds = minimumKillWindowSeconds(drainDelayMs, shutdownTimeoutMs) + 5;
    const rollout = worstCaseRolloutSeconds({
      healthCheck,
      deregistrationDelaySeconds,
      drainDelayMs,
      shutdownTimeoutMs,
    });

    if (args.network.availabilityZones < 2) {
      throw new Error(
        `EcsPlatform ${name}: availabilityZones must be at least 2 (an ALB needs two), got ${args.network.availabilityZones}`,
      );
    }
    if (stopTimeoutSeconds > 120) {
      throw new Error(
        `EcsPlatform ${name}: drainDelayMs + shutdownTimeoutMs need a stopTimeout of ${stopTimeoutSeconds} s, above the ECS maximum of 120 s`,
      );
    }
    if (rollout > maxRolloutSeconds) {
      throw new Error(
        `EcsPlatform ${name}: health check and drain settings allow a rollout of ${rollout} s, above maxRolloutSeconds ${maxRolloutSeconds}`,
      );
    }
    if (healthCheck.timeoutSeconds >= healthCheck.intervalSeconds) {
      throw new Error(`EcsPlatform ${name}: healthCheck.timeoutSeconds must be below intervalSeconds`);
    }

    const withCertificate = args.loadBalancer.certificateArn !== undefined;
    const natStrategy = {
      none: awsx.ec2.NatGatewayStrategy.None,
      single: awsx.ec2.NatGatewayStrategy.Single,
      onePerAz: awsx.ec2.NatGatewayStrategy.OnePerAz,
    }[args.network.natGateways];
    const privateTasks = args.network.natGateways !== "none";
    const tags = { "fastify-deploy:component": name };

    const vpc = new awsx.ec2.Vpc(
      `${name}-vpc`,
      {
        cidrBlock: DEFAULT_VPC_CIDR,
        numberOfAvailabilityZones: args.network.availabilityZones,
        natGateways: { strategy: natStrategy },
        subnetStrategy: awsx.ec2.SubnetAllocationStrategy.Auto,
        // Without NAT there is no use for private subnets: tasks sit in the public ones.
        // Sizes from subnet-layout.ts, whose test proves they fit awsx's allocation for 2..6 AZs.
        subnetSpecs: ecsSubnetMasks(privateTasks).map(({ name: subnet, cidrMask }) => ({
          type: subnet === "public" ? awsx.ec2.SubnetType.Public : awsx.ec2.SubnetType.Private,
          name: subnet,
          cidrMask,
        })),
        enableDnsHostnames: true,
        enableDnsSupport: true,
        tags,
      },
      { parent: this },
    );

    // --- Security groups: no inline rules, every rule an explicit resource.
    const albSg = new aws.ec2.SecurityGroup(
      `${name}-alb-sg`,
      { vpcId: vpc.vpcId, description: "ALB: HTTP(S) from the allowed CIDRs only", tags },
      { parent: this },
    );
    const taskSg = new aws.ec2.SecurityGroup(
      `${name}-task-sg`,
      { vpcId: vpc.vpcId, description: "Fargate tasks: the app port from the ALB only", tags },
      { parent: this },
    );
    const listenerPorts = withCertificate ? [80, 443] : [80];
    args.loadBalancer.allowedCidrs.forEach((cidr, index) => {
      for (const port of listenerPorts) {
        new aws.vpc.SecurityGroupIngressRule(
          albIngressRuleName(name, cidr, port),
          {
            securityGroupId: albSg.id,
            ipProtocol: "tcp",
            fromPort: port,
            toPort: port,
            cidrIpv4: cidr,
            description: `HTTP${port === 443 ? "S" : ""} from ${cidr}`,
          },
          // Stacks deployed before rules were named by CIDR know this rule by its list position: the
          // alias renames it in place (without it, the new rule would be created next to the old one
          // for the same CIDR and port, and AWS rejects the duplicate). Once renamed, the alias is inert.
          { parent: this, aliases: [{ name: `${name}-alb-in-${port}-${index}` }] },
        );
      }
    });
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-alb-out-tasks`,
      {
        securityGroupId: albSg.id,
        ipProtocol: "tcp",
        fromPort: APP_PORT,
        toPort: APP_PORT,
        referencedSecurityGroupId: taskSg.id,
        description: "To the tasks' app port",
      },
      { parent: this },
    );
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-task-in-alb`,
      {
        securityGroupId: taskSg.id,
        ipProtocol: "tcp",
        fromPort: APP_PORT,
        toPort: APP_PORT,
        referencedSecurityGroupId: albSg.id,
        description: "App port from the ALB only",
      },
      { parent: this },
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-task-out-https`,
      {
        securityGroupId: taskSg.id,
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: "0.0.0.0/0",
        description: "HTTPS out: ECR image pulls and CloudWatch Logs",
      },
      { parent: this },
    );

    // --- Load balancer
    const alb = new aws.lb.LoadBalancer(
      `${name}-alb`,
      {
        loadBalancerType: "application",
        internal: false,
        securityGroups: [albSg.id],
        subnets: vpc.publicSubnetIds,
        idleTimeout: ALB_IDLE_TIMEOUT_SECONDS,
        dropInvalidHeaderFields: true,
        desyncMitigationMode: "strictest",
        enableHttp2: true,
        tags,
      },
      { parent: this },
    );
    const targetGroup = new aws.lb.TargetGroup(
      `${name}-tg`,
      {
        vpcId: vpc.vpcId,
        targetType: "ip",
        protocol: "HTTP",
        port: APP_PORT,
        deregistrationDelay: deregistrationDelaySeconds,
        healthCheck: {
          enabled: true,
          protocol: "HTTP",
          port: "traffic-port",
          path: healthCheck.path,
          matcher: "200",
          interval: healthCheck.intervalSeconds,
          timeout: healthCheck.timeoutSeconds,
          healthyThreshold: healthCheck.healthyThreshold,
          unhealthyThreshold: healthCheck.unhealthyThreshold,
        },
        tags,
      },
      { parent: this },
    );
    const forward = [{ type: "forward", targetGroupArn: targetGroup.arn }];
    const listeners: aws.lb.Listener[] = [
      new aws.lb.Listener(
        `${name}-http`,
        {
          loadBalancerArn: alb.arn,
          port: 80,
          protocol: "HTTP",
          defaultActions: withCertificate
            ? [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]
            : forward,
          tags,
        },
        { parent: this },
      ),
    ];
    if (withCertificate) {
      listeners.push(
        new aws.lb.Listener(
          `${name}-https`,
          {
            loadBalancerArn: alb.arn,
            port: 443,
            protocol: "HTTPS",
            sslPolicy: ALB_TLS_POLICY,
            certificateArn: args.loadBalancer.certificateArn,
            defaultActions: forward,
            tags,
          },
          { parent: this },
        ),
      );
    }

    // --- Logs and IAM
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { retentionInDays: args.logRetentionDays, tags },
      { parent: this },
    );

    const identity = aws.getCallerIdentityOutput({}, { parent: this });
    const partition = aws.getPartitionOutput({}, { parent: this });
    const region = aws.getRegionOutput({}, { parent: this });
    const executionRole = new aws.iam.Role(
      `${name}-execution-role`,
      {
        assumeRolePolicy: EXECUTION_ROLE_TRUST_POLICY,
        description: "ECS agent: pull the app image, write its logs",
        tags,
      },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-execution-policy`,
      {
        role: executionRole.id,
        policy: pulumi.all([args.image.repositoryArn, logGroup.arn]).apply(([repositoryArn, logGroupArn]) =>
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
      { parent: this },
    );
    // The app calls no AWS API: its role exists (so it is never the execution role) and has no policy.
    const taskRole = new aws.iam.Role(
      `${name}-task-role`,
      {
        assumeRolePolicy: taskRoleTrustPolicy(partition.partition, region.region, identity.accountId),
        description: "The app's own identity: no permissions",
        tags,
      },
      { parent: this },
    );

    // --- Cluster, task, service
    const cluster = new aws.ecs.Cluster(
      `${name}-cluster`,
      {
        settings: [{ name: "containerInsights", value: args.containerInsights ? "enabled" : "disabled" }],
        tags,
      },
      { parent: this },
    );

    const containerDefinitions = pulumi.jsonStringify([
      {
        name: CONTAINER_NAME,
        image: args.image.uri,
        essential: true,
        portMappings: [{ containerPort: APP_PORT, hostPort: APP_PORT, protocol: "tcp" }],
        environment: appEnvironment({
          logLevel: args.app.logLevel,
          drainDelayMs,
          shutdownTimeoutMs,
          commit: args.app.commit,
          platform: "ecs",
        }),
        user: `${APP_UID}:${APP_GID}`,
        readonlyRootFilesystem: true,
        privileged: false,
        // The agent's init reaps zombies and forwards SIGTERM even if the image's entrypoint does not.
        linuxParameters: { initProcessEnabled: true, capabilities: { drop: ["ALL"] } },
        stopTimeout: stopTimeoutSeconds,
        logConfiguration: {
          logDriver: "awslogs",
          options: {
            "awslogs-group": logGroup.name,
            "awslogs-region": region.region,
            "awslogs-stream-prefix": CONTAINER_NAME,
          },
        },
      },
    ]);

    const taskDefinition = new aws.ecs.TaskDefinition(
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
        executionRoleArn: executionRole.arn,
        taskRoleArn: taskRole.arn,
        containerDefinitions,
        tags,
      },
      { parent: this },
    );

    const service = new aws.ecs.Service(
      `${name}-service`,
      {
        cluster: cluster.arn,
        taskDefinition: taskDefinition.arn,
        launchType: "FARGATE",
        platformVersion: "LATEST",
        desiredCount: args.scaling.desiredCount,
        deploymentMinimumHealthyPercent: 100,
        deploymentMaximumPercent: 200,
        deploymentCircuitBreaker: { enable: true, rollback: true },
        healthCheckGracePeriodSeconds: ECS_HEALTH_CHECK_GRACE_PERIOD_SECONDS,
        networkConfiguration: {
          subnets: privateTasks ? vpc.privateSubnetIds : vpc.publicSubnetIds,
          securityGroups: [taskSg.id],
          assignPublicIp: !privateTasks,
        },
        loadBalancers: [
          { targetGroupArn: targetGroup.arn, containerName: CONTAINER_NAME, containerPort: APP_PORT },
        ],
        enableExecuteCommand: false,
        propagateTags: "SERVICE",
        enableEcsManagedTags: true,
        // `pulumi up` fails (and the circuit breaker rolls back) when a deployment does not stabilise.
        waitForSteadyState: true,
        tags,
      },
      // Autoscaling owns the running count after creation.
      { parent: this, dependsOn: listeners, ignoreChanges: ["desiredCount"] },
    );

    const scalingTarget = new aws.appautoscaling.Target(
      `${name}-scaling-target`,
      {
        serviceNamespace: "ecs",
        scalableDimension: "ecs:service:DesiredCount",
        resourceId: pulumi.interpolate`service/${cluster.name}/${service.name}`,
        minCapacity: args.scaling.minCount,
        maxCapacity: args.scaling.maxCount,
      },
      { parent: this },
    );
    new aws.appautoscaling.Policy(
      `${name}-cpu-scaling`,
      {
        policyType: "TargetTrackingScaling",
        serviceNamespace: scalingTarget.serviceNamespace,
        scalableDimension: scalingTarget.scalableDimension,
        resourceId: scalingTarget.resourceId,
        targetTrackingScalingPolicyConfiguration: {
          predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
          targetValue: args.scaling.targetCpuUtilization,
          scaleOutCooldown: ECS_SCALE_OUT_COOLDOWN_SECONDS,
          scaleInCooldown: ECS_SCALE_IN_COOLDOWN_SECONDS,
        },
      },
      { parent: this },
    );

    this.loadBalancerDnsName = alb.dnsName;
    this.url = pulumi.interpolate`${withCertificate ? "https" : "http"}://${alb.dnsName}`;
    this.clusterName = cluster.name;
    this.serviceName = service.name;
    this.logGroupName = logGroup.name;
    this.taskRoleArn = taskRole.arn;
    this.vpcId = vpc.vpcId;
    this.registerOutputs({
      url: this.url,
      clusterName: this.clusterName,
      serviceName: this.serviceName,
      loadBalancerDnsName: this.loadBalancerDnsName,
      logGroupName: this.logGroupName,
      taskRoleArn: this.taskRoleArn,
      vpcId: this.vpcId,
    });
  }
}
