import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { ALB_TLS_POLICY } from "../../facts";
import { type ProgramRun, prodEcs, type RecordedResource, runProgram } from "../../tools/harness";
import { APP_ENV_NAMES, APP_PORT, APP_UID, LIVENESS_PATH } from "../app-contract";
import { worstCaseRolloutSeconds } from "./ecs-platform";

const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const LISTENER = "aws:lb/listener:Listener";
const DIGEST_PINNED = /^[^@\s]+@sha256:[a-f0-9]{64}$/;

interface Container {
  name: string;
  image: string;
  user: string;
  readonlyRootFilesystem: boolean;
  privileged: boolean;
  stopTimeout: number;
  environment: { name: string; value: string }[];
  portMappings: { containerPort: number }[];
  linuxParameters: { initProcessEnabled: boolean; capabilities: { drop: string[] } };
  logConfiguration: { logDriver: string; options: Record<string, string> };
}

const containers = (run: ProgramRun): Container[] =>
  JSON.parse(run.one("aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions as string);
const container = (run: ProgramRun): Container => {
  const list = containers(run);
  assert.equal(list.length, 1);
  return list[0] as Container;
};
const env = (run: ProgramRun): Record<string, string> =>
  Object.fromEntries(container(run).environment.map((e) => [e.name, e.value]));
const vpcState = (run: ProgramRun) =>
  run.one("awsx:ec2:Vpc").state as { vpcId: string; publicSubnetIds: string[]; privateSubnetIds: string[] };
const sgId = (run: ProgramRun, name: string): string => run.one(SG, name).id as string;
const policyDocument = (r: RecordedResource) =>
  JSON.parse(r.inputs.policy as string) as {
    Statement: { Effect: string; Action: string[]; Resource: string }[];
  };

describe("ECS platform", () => {
  let dev: ProgramRun;
  let prod: ProgramRun;
  let prodHttps: ProgramRun;

  before(async () => {
    dev = await runProgram({ stack: "dev" });
    // prod runs EKS; these are its settings in the highly available ECS form.
    prod = await runProgram(prodEcs());
    prodHttps = await runProgram(
      prodEcs({ certificateArn: CERT, allowedCidrs: ["198.51.100.0/24", "203.0.113.0/24"] }),
    );
  });

  describe("network and security groups", () => {
    it("dev: 2 AZs, no NAT, public subnets only; prod: 3 AZs, a NAT per AZ, private subnets", () => {
      const devVpc = dev.one("awsx:ec2:Vpc").inputs;
      assert.equal(devVpc.numberOfAvailabilityZones, 2);
      assert.deepEqual(devVpc.natGateways, { strategy: "None" });
      assert.deepEqual(
        (devVpc.subnetSpecs as { type: string }[]).map((s) => s.type),
        ["Public"],
      );
      const prodVpc = prod.one("awsx:ec2:Vpc").inputs;
      assert.equal(prodVpc.numberOfAvailabilityZones, 3);
      assert.deepEqual(prodVpc.natGateways, { strategy: "OnePerAz" });
      assert.deepEqual(
        (prodVpc.subnetSpecs as { type: string }[]).map((s) => s.type),
        ["Public", "Private"],
      );
    });

    it("security groups carry no inline rules (every rule is its own resource)", () => {
      for (const run of [dev, prod, prodHttps]) {
        for (const sg of run.ofType(SG)) {
          assert.equal(sg.inputs.ingress, undefined, sg.name);
          assert.equal(sg.inputs.egress, undefined, sg.name);
        }
      }
    });

    it("no ingress from anywhere except the ALB's 80/443", () => {
      for (const run of [dev, prod, prodHttps]) {
        const albSg = sgId(run, "app-alb-sg");
        for (const rule of run.ofType(INGRESS)) {
          const open = rule.inputs.cidrIpv4 === "0.0.0.0/0" || rule.inputs.cidrIpv6 === "::/0";
          if (!open) continue;
          assert.equal(rule.inputs.securityGroupId, albSg, `${rule.name} opens a non-ALB group to the world`);
          assert.ok([80, 443].includes(rule.inputs.fromPort as number), rule.name);
          assert.equal(rule.inputs.fromPort, rule.inputs.toPort, rule.name);
        }
      }
    });

    it("the ALB admits exactly the configured CIDRs on 80 (and 443 with a certificate)", () => {
      const rules = (run: ProgramRun) =>
        run
          .ofType(INGRESS)
          .filter((r) => r.inputs.securityGroupId === sgId(run, "app-alb-sg"))
          .map((r) => `${r.inputs.ipProtocol}/${r.inputs.fromPort}-${r.inputs.toPort}/${r.inputs.cidrIpv4}`)
          .sort();
      assert.deepEqual(rules(dev), ["tcp/80-80/0.0.0.0/0"]);
      assert.deepEqual(rules(prodHttps), [
        "tcp/443-443/198.51.100.0/24",
        "tcp/443-443/203.0.113.0/24",
        "tcp/80-80/198.51.100.0/24",
        "tcp/80-80/203.0.113.0/24",
      ]);
    });

    it("reordering allowedCidrs leaves every ALB rule's name bound to the same CIDR and port", async () => {
      const cidrs = ["198.51.100.0/24", "203.0.113.0/24", "192.0.2.0/24"];
      const reordered = await runProgram(
        prodEcs({ certificateArn: CERT, allowedCidrs: [...cidrs].reverse() }),
      );
      const original = await runProgram(prodEcs({ certificateArn: CERT, allowedCidrs: cidrs }));
      const byName = (run: ProgramRun) =>
        Object.fromEntries(
          run
            .ofType(INGRESS)
            .filter((r) => r.inputs.securityGroupId === sgId(run, "app-alb-sg"))
            .map((r) => [r.name, `${r.inputs.cidrIpv4}:${r.inputs.fromPort}-${r.inputs.toPort}`]),
        );
      const before = byName(original);
      assert.equal(Object.keys(before).length, 6);
      // Same names, each with the same CIDR and port (and so the same URN: no replacement, no update).
      assert.deepEqual(byName(reordered), before);
      assert.equal(before["app-alb-in-443-203-0-113-0-24"], "203.0.113.0/24:443-443");
      assert.equal(before["app-alb-in-80-192-0-2-0-24"], "192.0.2.0/24:80-80");
      // Dropping a CIDR removes exactly its rules and renames nothing.
      const dropped = byName(
        await runProgram(prodEcs({ certificateArn: CERT, allowedCidrs: cidrs.slice(1) })),
      );
      assert.deepEqual(
        Object.keys(before).filter((n) => !(n in dropped)),
        ["app-alb-in-80-198-51-100-0-24", "app-alb-in-443-198-51-100-0-24"],
      );
      for (const [n, v] of Object.entries(dropped)) assert.equal(v, before[n], n);
    });

    it("a stack from before CIDR names keeps its rules: each is aliased to its old index name", () => {
      const aliases = prodHttps
        .ofType(INGRESS)
        .filter((r) => r.name.startsWith("app-alb-in-"))
        .map((r) => [r.name, r.aliases?.map((alias) => alias.name)]);
      assert.deepEqual(aliases, [
        ["app-alb-in-80-198-51-100-0-24", ["app-alb-in-80-0"]],
        ["app-alb-in-443-198-51-100-0-24", ["app-alb-in-443-0"]],
        ["app-alb-in-80-203-0-113-0-24", ["app-alb-in-80-1"]],
        ["app-alb-in-443-203-0-113-0-24", ["app-alb-in-443-1"]],
      ]);
    });

    it("tasks accept only the ALB's security group, on the app port", () => {
      for (const run of [dev, prod, prodHttps]) {
        const taskSg = sgId(run, "app-task-sg");
        const rules = run.ofType(INGRESS).filter((r) => r.inputs.securityGroupId === taskSg);
        assert.equal(rules.length, 1);
        const [rule] = rules as [RecordedResource];
        assert.equal(rule.inputs.referencedSecurityGroupId, sgId(run, "app-alb-sg"));
        assert.equal(rule.inputs.cidrIpv4, undefined);
        assert.deepEqual(
          [rule.inputs.ipProtocol, rule.inputs.fromPort, rule.inputs.toPort],
          ["tcp", APP_PORT, APP_PORT],
        );
        const service = run.one("aws:ecs/service:Service").inputs.networkConfiguration as {
          securityGroups: string[];
        };
        assert.deepEqual(service.securityGroups, [taskSg]);
      }
    });

    it("egress: ALB only to the tasks' port, tasks only HTTPS out", () => {
      const egress = dev.ofType(EGRESS).map((r) => ({
        sg: r.inputs.securityGroupId,
        port: r.inputs.fromPort,
        to: r.inputs.referencedSecurityGroupId ?? r.inputs.cidrIpv4,
      }));
      assert.deepEqual(
        egress.sort((a, b) => String(a.sg).localeCompare(String(b.sg))),
        [
          { sg: sgId(dev, "app-alb-sg"), port: APP_PORT, to: sgId(dev, "app-task-sg") },
          { sg: sgId(dev, "app-task-sg"), port: 443, to: "0.0.0.0/0" },
        ].sort((a, b) => a.sg.localeCompare(b.sg)),
      );
    });

    it("no NAT: tasks in public subnets with a public IP; with NAT: private subnets, no public IP", () => {
      const devNet = dev.one("aws:ecs/service:Service").inputs.networkConfiguration as Record<
        string,
        unknown
      >;
      assert.deepEqual(devNet.subnets, vpcState(dev).publicSubnetIds);
      assert.equal(devNet.assignPublicIp, true);
      const prodNet = prod.one("aws:ecs/service:Service").inputs.networkConfiguration as Record<
        string,
        unknown
      >;
      assert.deepEqual(prodNet.subnets, vpcState(prod).privateSubnetIds);
      assert.equal((prodNet.subnets as string[]).length, 3);
      assert.equal(prodNet.assignPublicIp, false);
    });

    it("the ALB is internet-facing in the public subnets, drops invalid headers, behind its own group", () => {
      const alb = prod.one("aws:lb/loadBalancer:LoadBalancer").inputs;
      assert.equal(alb.internal, false);
      assert.equal(alb.loadBalancerType, "application");
      assert.equal(alb.dropInvalidHeaderFields, true);
      assert.deepEqual(alb.subnets, vpcState(prod).publicSubnetIds);
      assert.deepEqual(alb.securityGroups, [sgId(prod, "app-alb-sg")]);
    });
  });

  describe("listeners", () => {
    it("without a certificate: HTTP 80 forwards to the target group", () => {
      const listeners = dev.ofType(LISTENER);
      assert.equal(listeners.length, 1);
      const [http] = listeners as [RecordedResource];
      assert.deepEqual([http.inputs.port, http.inputs.protocol], [80, "HTTP"]);
      assert.deepEqual(http.inputs.defaultActions, [
        { type: "forward", targetGroupArn: dev.one("aws:lb/targetGroup:TargetGroup").state.arn },
      ]);
    });

    it("with a certificate: HTTPS 443 with the TLS 1.3 policy, and HTTP 80 only redirects", () => {
      const http = prodHttps.one(LISTENER, "app-http").inputs;
      assert.deepEqual(http.defaultActions, [
        { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
      ]);
      const https = prodHttps.one(LISTENER, "app-https").inputs;
      assert.deepEqual([https.port, https.protocol, https.certificateArn], [443, "HTTPS", CERT]);
      assert.equal(https.sslPolicy, ALB_TLS_POLICY);
      assert.match(ALB_TLS_POLICY, /^ELBSecurityPolicy-TLS13-/);
      assert.deepEqual(https.defaultActions, [
        { type: "forward", targetGroupArn: prodHttps.one("aws:lb/targetGroup:TargetGroup").state.arn },
      ]);
      assert.match(prodHttps.outputs.url?.value as string, /^https:\/\//);
    });
  });

  describe("rollout and shutdown", () => {
    it("target group: health check on the liveness route with short thresholds, short deregistration", () => {
      const tg = prod.one("aws:lb/targetGroup:TargetGroup").inputs;
      assert.deepEqual([tg.targetType, tg.protocol, tg.port], ["ip", "HTTP", APP_PORT]);
      assert.equal(tg.deregistrationDelay, 15);
      assert.deepEqual(tg.healthCheck, {
        enabled: true,
        protocol: "HTTP",
        port: "traffic-port",
        path: LIVENESS_PATH,
        matcher: "200",
        interval: 10,
        timeout: 5,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
      });
    });

    it("the worst-case rollout computed from the recorded settings stays within 90 s", () => {
      for (const run of [dev, prod]) {
        const tg = run.one("aws:lb/targetGroup:TargetGroup").inputs;
        const hc = tg.healthCheck as Record<string, number>;
        const e = env(run);
        const seconds = worstCaseRolloutSeconds({
          healthCheck: {
            path: String(hc.path),
            intervalSeconds: hc.interval as number,
            timeoutSeconds: hc.timeout as number,
            healthyThreshold: hc.healthyThreshold as number,
            unhealthyThreshold: hc.unhealthyThreshold as number,
          },
          deregistrationDelaySeconds: tg.deregistrationDelay as number,
          drainDelayMs: Number(e.SHUTDOWN_DRAIN_DELAY_MS),
          shutdownTimeoutMs: Number(e.SHUTDOWN_TIMEOUT_MS),
        });
        assert.equal(seconds, 2 * 10 + 5 + 15 + 12);
        assert.ok(seconds <= 90, `rollout ${seconds} s`);
      }
    });

    it("service: circuit breaker with rollback, grace period, never below desired during a deploy", () => {
      const service = prod.one("aws:ecs/service:Service").inputs;
      assert.deepEqual(service.deploymentCircuitBreaker, { enable: true, rollback: true });
      assert.equal(service.healthCheckGracePeriodSeconds, 30);
      assert.equal(service.deploymentMinimumHealthyPercent, 100);
      assert.equal(service.deploymentMaximumPercent, 200);
      assert.equal(service.desiredCount, 3);
      assert.equal(service.waitForSteadyState, true);
      assert.equal(service.enableExecuteCommand, false);
      assert.deepEqual(service.loadBalancers, [
        {
          targetGroupArn: prod.one("aws:lb/targetGroup:TargetGroup").state.arn,
          containerName: "app",
          containerPort: APP_PORT,
        },
      ]);
    });

    it("capacityType: SPOT (dev) is a strategy of FARGATE_SPOT alone, ON_DEMAND (prod) of FARGATE alone; the cluster has both providers, associated before the service", () => {
      for (const [run, provider] of [
        [dev, "FARGATE_SPOT"],
        [prod, "FARGATE"],
      ] as const) {
        const service = run.one("aws:ecs/service:Service");
        assert.deepEqual(service.inputs.capacityProviderStrategies, [
          { capacityProvider: provider, weight: 1 },
        ]);
        const association = run.one("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders");
        assert.equal(association.inputs.clusterName, run.one("aws:ecs/cluster:Cluster").state.name);
        // Both, whatever capacityType says: a switch changes the service's strategy and nothing else.
        assert.deepEqual(association.inputs.capacityProviders, ["FARGATE", "FARGATE_SPOT"]);
        assert.ok(
          service.dependencies?.includes(association.urn),
          "CreateService fails on a provider the cluster does not have yet",
        );
      }
      // Spot's 2-minute warning is a SIGTERM: the task's whole stop window fits in it.
      assert.ok(container(dev).stopTimeout <= 120);
    });

    it("provider rule: a service with capacityProviderStrategies has forceNewDeployment true and no launchType", async () => {
      // terraform-provider-aws internal/service/ecs/service.go (newest stored version, read 2026-12-07):
      // capacityProviderStrategyCustomizeDiff fails the plan of an existing service whose
      // capacity_provider_strategy changes unless force_new_deployment is true ("force_new_deployment
      // should be true when capacity_provider_strategy is being updated", hashicorp/terraform-provider-aws#43533);
      // launch_type is ForceNew, and ECS refuses a strategy beside a launch type. @pulumi/aws 7.48.0
      // ecs/service.d.ts: "Updating this argument requires `forceNewDeployment = true`".
      const armSpot = await runProgram({
        stack: "dev",
        config: { imagePlatform: "linux/arm64", capacityType: "SPOT" },
      });
      const services = [dev, prod, prodHttps, armSpot].map((run) => run.one("aws:ecs/service:Service"));
      for (const service of services) {
        assert.ok(
          (service.inputs.capacityProviderStrategies as unknown[] | undefined)?.length,
          "every capacityType is a strategy, so switching it never touches the ForceNew launchType",
        );
        assert.equal(service.inputs.forceNewDeployment, true, service.urn);
        assert.equal(service.inputs.launchType, undefined, service.urn);
      }
    });

    it("platform version LATEST: 1.4.0, what FARGATE_SPOT needs for ARM64 tasks", () => {
      // API reference CapacityProviderStrategyItem: ARM64 on FARGATE_SPOT "on platform version 1.4.0 or
      // later"; LATEST is 1.4.0 (developer guide, platform-linux-fargate.html), both read 2026-12-07.
      for (const run of [dev, prod]) {
        assert.equal(run.one("aws:ecs/service:Service").inputs.platformVersion, "LATEST");
      }
    });

    it("stopTimeout covers the drain delay plus shutdown timeout, within the ECS maximum", () => {
      for (const run of [dev, prod]) {
        const e = env(run);
        const drain = Number(e.SHUTDOWN_DRAIN_DELAY_MS);
        const timeout = Number(e.SHUTDOWN_TIMEOUT_MS);
        assert.ok(drain > 0, "a drain delay of 0 would cut in-flight connections");
        assert.ok(drain <= 5000, "ECS already drained the target before SIGTERM: keep the app's delay small");
        const { stopTimeout } = container(run);
        assert.ok(stopTimeout * 1000 > drain + timeout, `stopTimeout ${stopTimeout}s`);
        assert.ok(stopTimeout <= 120);
      }
    });

    it("autoscaling: target tracking on CPU between min and max", () => {
      const target = prod.one("aws:appautoscaling/target:Target").inputs;
      assert.deepEqual([target.minCapacity, target.maxCapacity], [3, 12]);
      assert.equal(target.scalableDimension, "ecs:service:DesiredCount");
      const cluster = prod.one("aws:ecs/cluster:Cluster").state.name;
      const service = prod.one("aws:ecs/service:Service").state.name;
      assert.equal(target.resourceId, `service/${cluster}/${service}`);
      const policy = prod.one("aws:appautoscaling/policy:Policy").inputs;
      assert.equal(policy.policyType, "TargetTrackingScaling");
      assert.deepEqual(policy.targetTrackingScalingPolicyConfiguration, {
        predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
        targetValue: 60,
        scaleOutCooldown: 60,
        scaleInCooldown: 300,
      });
      assert.deepEqual(
        [
          dev.one("aws:appautoscaling/target:Target").inputs.minCapacity,
          dev.one("aws:appautoscaling/target:Target").inputs.maxCapacity,
        ],
        [1, 2],
      );
    });
  });

  describe("task", () => {
    it("runs the digest-pinned image as a non-root user on a read-only root filesystem", () => {
      for (const run of [dev, prod]) {
        const c = container(run);
        assert.equal(c.image, run.outputs.imageUri?.value);
        assert.match(c.image, DIGEST_PINNED);
        assert.equal(c.user, `${APP_UID}:${APP_UID}`);
        assert.notEqual(c.user.split(":")[0], "0");
        assert.equal(c.readonlyRootFilesystem, true);
        assert.equal(c.privileged, false);
        assert.deepEqual(c.linuxParameters, { initProcessEnabled: true, capabilities: { drop: ["ALL"] } });
        assert.deepEqual(
          c.portMappings.map((p) => p.containerPort),
          [APP_PORT],
        );
      }
    });

    it("passes the app's environment in the contract's order", () => {
      assert.deepEqual(
        container(dev).environment.map((e) => e.name),
        // OTLP_TRACES_ENDPOINT only with tracing on (platforms/aws/tracing.test.ts).
        APP_ENV_NAMES.filter((name) => name !== "OTLP_TRACES_ENDPOINT"),
      );
      assert.deepEqual(env(dev), {
        PORT: String(APP_PORT),
        HOST: "0.0.0.0",
        LOG_LEVEL: "debug",
        SHUTDOWN_DRAIN_DELAY_MS: "2000",
        SHUTDOWN_TIMEOUT_MS: "10000",
        APP_COMMIT: "unknown",
        APP_PLATFORM: "ecs",
        TRACING: "off",
        NODE_ENV: "production",
      });
      const withCommit = env(prod);
      assert.equal(withCommit.LOG_LEVEL, "info");
    });

    it("Fargate size and architecture follow config", async () => {
      const task = dev.one("aws:ecs/taskDefinition:TaskDefinition").inputs;
      assert.deepEqual([task.cpu, task.memory, task.networkMode], ["256", "512", "awsvpc"]);
      assert.deepEqual(task.requiresCompatibilities, ["FARGATE"]);
      assert.deepEqual(task.runtimePlatform, { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" });
      // dev runs on Fargate Spot, which runs ARM64 tasks too (since 2024-09).
      const arm = await runProgram({
        stack: "dev",
        config: { imagePlatform: "linux/arm64", appCommit: "0123abc" },
      });
      const armTask = arm.one("aws:ecs/taskDefinition:TaskDefinition").inputs;
      assert.deepEqual(armTask.runtimePlatform, { operatingSystemFamily: "LINUX", cpuArchitecture: "ARM64" });
      assert.deepEqual(arm.one("aws:ecs/service:Service").inputs.capacityProviderStrategies, [
        { capacityProvider: "FARGATE_SPOT", weight: 1 },
      ]);
      assert.equal(env(arm).APP_COMMIT, "0123abc");
    });

    it("logs go to a log group with the configured retention", () => {
      assert.equal(dev.one("aws:cloudwatch/logGroup:LogGroup", "app-logs").inputs.retentionInDays, 7);
      assert.equal(prod.one("aws:cloudwatch/logGroup:LogGroup", "app-logs").inputs.retentionInDays, 90);
      const logs = container(prod).logConfiguration;
      assert.equal(logs.logDriver, "awslogs");
      assert.equal(
        logs.options["awslogs-group"],
        prod.one("aws:cloudwatch/logGroup:LogGroup", "app-logs").state.name,
      );
      assert.equal(logs.options["awslogs-region"], "us-east-1");
    });

    it("container insights follow config", () => {
      assert.deepEqual(dev.one("aws:ecs/cluster:Cluster").inputs.settings, [
        { name: "containerInsights", value: "disabled" },
      ]);
      assert.deepEqual(prod.one("aws:ecs/cluster:Cluster").inputs.settings, [
        { name: "containerInsights", value: "enabled" },
      ]);
    });
  });

  describe("IAM", () => {
    it("task role and execution role are different roles, each with the trust policy AWS documents for it", () => {
      const task = dev.one("aws:ecs/taskDefinition:TaskDefinition").inputs;
      const executionRole = dev.one("aws:iam/role:Role", "app-execution-role");
      const taskRole = dev.one("aws:iam/role:Role", "app-task-role");
      assert.equal(task.executionRoleArn, executionRole.state.arn);
      assert.equal(task.taskRoleArn, taskRole.state.arn);
      assert.notEqual(task.taskRoleArn, task.executionRoleArn);
      const trust = (role: RecordedResource) => JSON.parse(role.inputs.assumeRolePolicy as string).Statement;
      const service = {
        Effect: "Allow",
        Principal: { Service: "ecs-tasks.amazonaws.com" },
        Action: "sts:AssumeRole",
      };
      // task_execution_IAM_role.html: the service principal, no conditions.
      assert.deepEqual(trust(executionRole), [service]);
      // task-iam-roles.html: confused-deputy conditions, any ECS resource of this account and region.
      assert.deepEqual(trust(taskRole), [
        {
          ...service,
          Condition: {
            StringEquals: { "aws:SourceAccount": "123456789012" },
            ArnLike: { "aws:SourceArn": "arn:aws:ecs:us-east-1:123456789012:*" },
          },
        },
      ]);
    });

    it("the task role has no permissions; no managed policy is attached anywhere", () => {
      const taskRole = dev.one("aws:iam/role:Role", "app-task-role");
      const policies = dev.ofType("aws:iam/rolePolicy:RolePolicy");
      // The execution role's, and the VPC flow logs' delivery role's (platforms/aws/network.ts).
      assert.deepEqual(
        policies.map((p) => p.inputs.role).sort(),
        [
          dev.one("aws:iam/role:Role", "app-execution-role").id,
          dev.one("aws:iam/role:Role", "app-flow-logs-role").state.name,
        ].sort(),
      );
      assert.ok(!policies.some((p) => p.inputs.role === taskRole.id));
      assert.deepEqual(dev.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment"), []);
      assert.equal(taskRole.inputs.managedPolicyArns, undefined);
    });

    it("the execution role may pull from this repository and write to this log group only", () => {
      const doc = policyDocument(dev.one("aws:iam/rolePolicy:RolePolicy", "app-execution-policy"));
      const repo = dev.one("aws:ecr/repository:Repository", "app-repo").state.arn;
      const logGroup = dev.one("aws:cloudwatch/logGroup:LogGroup", "app-logs").state.arn;
      assert.deepEqual(doc.Statement, [
        { Sid: "AuthorizationToken", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
        {
          Sid: "PullTheAppImage",
          Effect: "Allow",
          Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
          Resource: repo,
        },
        {
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: `${logGroup}:log-stream:*`,
        },
      ]);
    });
  });

  describe("component and outputs", () => {
    it("every resource is a child of its component, named from it", () => {
      for (const run of [dev, prodHttps]) {
        for (const r of run.resources) {
          if (r.type === "pulumi:pulumi:Stack") continue;
          if (r.type.startsWith("fastify-deploy:")) {
            assert.equal(r.parentType, "pulumi:pulumi:Stack", r.name);
            continue;
          }
          assert.ok(
            r.parentType === "fastify-deploy:platforms:EcsPlatform" ||
              r.parentType === "fastify-deploy:index:AppImage",
            `${r.type} ${r.name} has parent ${r.parentType}`,
          );
          assert.match(r.name, /^app-/);
        }
      }
    });

    it("exports exactly the ECS outputs contract, none of them secret", () => {
      for (const run of [dev, prod]) {
        assert.deepEqual(Object.keys(run.outputs), [
          "alarmTopicArn",
          "appRoleArn",
          "clusterName",
          "dashboardUrl",
          "imageUri",
          "loadBalancerDnsName",
          "logGroupName",
          "platform",
          "serviceName",
          "url",
          "vpcId",
        ]);
        assert.ok(Object.values(run.outputs).every((o) => !o.secret));
        const o = run.outputValues();
        const dns = run.one("aws:lb/loadBalancer:LoadBalancer").state.dnsName;
        assert.equal(o.platform, "ecs");
        assert.equal(o.loadBalancerDnsName, dns);
        assert.equal(o.url, `http://${dns}`);
        assert.match(o.imageUri as string, DIGEST_PINNED);
        assert.equal(o.clusterName, run.one("aws:ecs/cluster:Cluster").state.name);
        assert.equal(o.serviceName, run.one("aws:ecs/service:Service").state.name);
        assert.equal(o.logGroupName, run.one("aws:cloudwatch/logGroup:LogGroup", "app-logs").state.name);
        assert.equal(o.vpcId, vpcState(run).vpcId);
        // appRoleArn is the task role: the app's identity, separate from the execution role, no grants.
        const taskRole = run.one("aws:iam/role:Role", "app-task-role");
        assert.equal(o.appRoleArn, taskRole.state.arn);
        const taskDefinition = run.one("aws:ecs/taskDefinition:TaskDefinition").inputs;
        assert.equal(taskDefinition.taskRoleArn, o.appRoleArn);
        assert.notEqual(taskDefinition.executionRoleArn, o.appRoleArn);
        const grants = [
          ...run.ofType("aws:iam/rolePolicy:RolePolicy"),
          ...run.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment"),
        ].filter((g) => g.inputs.role === taskRole.state.name || g.inputs.role === taskRole.state.id);
        assert.deepEqual(grants, [], "no permissions by default");
      }
    });
  });
});
