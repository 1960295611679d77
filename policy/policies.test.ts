import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { PLATFORMS, type RecordedResource, runProgram, STACKS, stackPlatformCases } from "../tools/harness";
import * as p from "./policies";
import { type AnyPolicy, evaluate, fixture, mutated, type Violation } from "./testing";

const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012";

type Resources = readonly RecordedResource[];
// biome-ignore lint/suspicious/noExplicitAny: mutations edit arbitrary recorded JSON in place
type Json = Record<string, any>;

const summary = (violations: Violation[]): string[] => violations.map((v) => `[${v.policy}] ${v.message}`);

/** Violations one policy reports on `resources`. */
const check = async (policy: AnyPolicy, resources: Resources): Promise<string[]> =>
  (await evaluate([policy], resources)).map((v) => v.message);

// ---------------------------------------------------------------------------------------------------

describe("policy pack", () => {
  const runs = new Map<string, RecordedResource[]>();
  let prodHttps: RecordedResource[];
  let eks: RecordedResource[];
  let eksSsh: RecordedResource[];
  let eksHttp: RecordedResource[];

  before(async () => {
    for (const { stack, platform, options } of stackPlatformCases()) {
      runs.set(`${stack}/${platform}`, (await runProgram(options)).resources);
    }
    prodHttps = (
      await runProgram({
        stack: "prod",
        config: { platform: "ecs", certificateArn: CERT, allowedCidrs: ["198.51.100.0/24"] },
      })
    ).resources;
    eks = (await runProgram({ stack: "prod", config: { certificateArn: CERT } })).resources;
    eksHttp = (await runProgram({ stack: "prod" })).resources;
    eksSsh = (
      await runProgram({
        stack: "prod",
        config: { certificateArn: CERT, bastionMode: "ssh", bastionSshAllowedCidrs: ["198.51.100.7/32"] },
      })
    ).resources;
  });

  const get = (key: string): RecordedResource[] => {
    const run = runs.get(key);
    assert.ok(run, key);
    return run;
  };

  it("every policy is mandatory, named once, described", () => {
    const names = p.policies.map((x) => x.name);
    assert.equal(new Set(names).size, names.length);
    for (const policy of p.policies) {
      assert.equal(policy.enforcementLevel, "mandatory", policy.name);
      assert.ok(policy.description.length > 20, policy.name);
      assert.match(policy.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
    }
  });

  describe("committed stacks × platforms: 0 violations", () => {
    for (const stack of STACKS) {
      for (const platform of PLATFORMS) {
        it(`${stack} × ${platform}`, async () => {
          const resources = runs.get(`${stack}/${platform}`);
          assert.ok(resources);
          assert.ok(resources.length > 5);
          assert.deepEqual(summary(await evaluate(p.policies, resources)), []);
        });
      }
    }
    it("prod × ecs with a certificate (HTTPS + redirect), EKS with SSH bastion and without HTTPS", async () => {
      for (const resources of [prodHttps, eks, eksSsh, eksHttp]) {
        assert.deepEqual(summary(await evaluate(p.policies, resources)), []);
      }
    });
  });

  it("every Kubernetes provider receives its kubeconfig as a secret (policies cannot see secretness)", () => {
    const providers = [...runs.values()]
      .flat()
      .concat(eks)
      .filter((r) => r.type === "pulumi:providers:kubernetes");
    assert.ok(providers.length >= 4);
    for (const provider of providers) {
      assert.ok(provider.secretInputs.includes("kubeconfig"), `${provider.name}: kubeconfig is not secret`);
    }
  });

  // -------------------------------------------------------------------------------------------------
  // Hand-made fixtures: each policy rejects one, with its exact remediation message.

  const sg = (name: string, id: string) =>
    fixture(
      "aws:ec2/securityGroup:SecurityGroup",
      name,
      { description: name },
      { arn: `arn:aws:ec2:us-east-1:123456789012:security-group/${id}` },
    );
  /**
   * A prod-grade ALB and Ingress with none of the edge's settings, next to an ungraded ALB and Ingress
   * (dev-like: no logs, no protection, no web ACL) that the prod-grade policies leave alone.
   */
  const prodGradeFixtures = () => {
    const lb = (name: string, tags: Record<string, string>) =>
      fixture(
        "aws:lb/loadBalancer:LoadBalancer",
        name,
        { internal: false, tags },
        {
          internal: false,
          tags,
          arn: `arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/${name}/1`,
        },
      );
    const ingress = (name: string, tags: string) =>
      fixture("kubernetes:networking.k8s.io/v1:Ingress", name, {
        metadata: {
          annotations: {
            "alb.ingress.kubernetes.io/tags": tags,
            "alb.ingress.kubernetes.io/load-balancer-attributes":
              "idle_timeout.timeout_seconds=60,access_logs.s3.enabled=false,deletion_protection.enabled=false",
            // "none": the controller's explicit "no web ACL" (the mutations cover an absent annotation).
            "alb.ingress.kubernetes.io/wafv2-acl-arn": "none",
          },
        },
        spec: { ingressClassName: "alb" },
      });
    return [
      lb("graded", { stack: "prod", "prod-grade": "true" }),
      lb("plain", { stack: "dev" }),
      ingress("graded-ing", "stack=prod,prod-grade=true"),
      ingress("plain-ing", "stack=dev"),
    ];
  };
  const rejections: Array<{ policy: AnyPolicy; resources: () => RecordedResource[]; messages: string[] }> = [
    {
      policy: p.ecrRepositoryHardened,
      resources: () => [fixture("aws:ecr/repository:Repository", "repo", {})],
      messages: [
        'ECR repository repo: tags are mutable. Set imageTagMutability: "IMMUTABLE" (only a build cache named "<name>-cache-repo" may be mutable).',
        "ECR repository repo: images are not scanned. Set imageScanningConfiguration: { scanOnPush: true }.",
        'ECR repository repo: encryption is not explicit. Set encryptionConfigurations: [{ encryptionType: "AES256" }] (or "KMS" with a key).',
      ],
    },
    {
      policy: p.ecrRepositoryLifecycle,
      resources: () => [
        fixture("aws:ecr/repository:Repository", "kept", { name: "kept-1234567" }),
        fixture("aws:ecr/lifecyclePolicy:LifecyclePolicy", "kept-lifecycle", { repository: "kept-1234567" }),
        fixture("aws:ecr/repository:Repository", "cache", { name: "cache-7654321" }),
      ],
      messages: [
        "ECR repository cache: no lifecycle policy, so its images pile up for ever. Add an aws.ecr.LifecyclePolicy for it (expire untagged images; keep a bounded history).",
      ],
    },
    {
      policy: p.dockerImageCheckoutIndependent,
      resources: () => [
        fixture("docker:index/image:Image", "img", {
          build: { context: "/home/me/src/app", dockerfile: "/home/me/src/app/Dockerfile" },
        }),
      ],
      messages: [
        'Image img: build.context is the absolute path "/home/me/src/app", so every checkout records other inputs and the provider rebuilds. Give it relative to the project directory (e.g. ".", "Dockerfile").',
        'Image img: build.dockerfile is the absolute path "/home/me/src/app/Dockerfile", so every checkout records other inputs and the provider rebuilds. Give it relative to the project directory (e.g. ".", "Dockerfile").',
        "Image img: build.platform is not set, so the provider builds for whatever machine runs it. Set it (linux/amd64 or linux/arm64).",
      ],
    },
    {
      policy: p.imageDigestPinned,
      resources: () => [
        fixture("kubernetes:core/v1:Pod", "pod", {
          spec: { containers: [{ name: "app", image: "app:latest" }] },
        }),
      ],
      messages: [
        'pod: container app uses image "app:latest", not pinned by digest. Deploy "<repository>@sha256:<digest>" (the AppImage\'s imageUri or a prebuilt digest).',
      ],
    },
    {
      policy: p.albHardened,
      resources: () => [fixture("aws:lb/loadBalancer:LoadBalancer", "lb", {})],
      messages: [
        "Load balancer lb: internal is not set. Set internal: false for an internet-facing load balancer (or true), never by default.",
        "Load balancer lb: invalid header fields are forwarded. Set dropInvalidHeaderFields: true.",
        "Load balancer lb: no security group. Attach an explicit aws.ec2.SecurityGroup whose rules admit only the allowed CIDRs on 80/443.",
      ],
    },
    {
      policy: p.albListenerTls,
      resources: () => [
        fixture("aws:lb/listener:Listener", "l", {
          protocol: "HTTPS",
          sslPolicy: "ELBSecurityPolicy-2016-08",
        }),
        fixture("aws:lb/listener:Listener", "tcp", { protocol: "TCP" }),
      ],
      messages: [
        'Listener l: sslPolicy "ELBSecurityPolicy-2016-08" is not a TLS 1.3 policy. Set sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06".',
        "Listener l: HTTPS without a certificate. Set certificateArn to an ACM certificate ARN.",
        'Listener tcp: protocol "TCP". Use HTTP (port 80) or HTTPS (port 443).',
      ],
    },
    {
      policy: p.albHttpRedirectsWhenHttps,
      resources: () => [
        fixture("aws:lb/listener:Listener", "https", { protocol: "HTTPS", loadBalancerArn: "arn:lb" }),
        fixture("aws:lb/listener:Listener", "http", {
          protocol: "HTTP",
          loadBalancerArn: "arn:lb",
          defaultActions: [{ type: "forward" }],
        }),
        fixture("aws:lb/listener:Listener", "other", {
          protocol: "HTTP",
          loadBalancerArn: "arn:other",
          defaultActions: [{ type: "forward" }],
        }),
      ],
      messages: [
        'Listener http: serves plain HTTP although its load balancer has an HTTPS listener. Make its default action a redirect: { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }.',
      ],
    },
    {
      policy: p.albIngressHardened,
      resources: () => [
        fixture("kubernetes:networking.k8s.io/v1:Ingress", "ing", {
          metadata: { annotations: { "alb.ingress.kubernetes.io/certificate-arn": CERT } },
          spec: { ingressClassName: "alb" },
        }),
      ],
      messages: [
        "Ingress ing: the ALB scheme is not explicit. Annotate alb.ingress.kubernetes.io/scheme: internet-facing (or internal).",
        "Ingress ing: the ALB admits whatever the controller defaults to. Annotate alb.ingress.kubernetes.io/inbound-cidrs with the allowed CIDRs.",
        "Ingress ing: invalid header fields are forwarded. Add routing.http.drop_invalid_header_fields.enabled=true to alb.ingress.kubernetes.io/load-balancer-attributes.",
        "Ingress ing: HTTPS without a TLS 1.3 policy. Annotate alb.ingress.kubernetes.io/ssl-policy: ELBSecurityPolicy-TLS13-1-2-2021-06.",
        'Ingress ing: HTTP is served next to HTTPS. Annotate alb.ingress.kubernetes.io/ssl-redirect: "443".',
      ],
    },
    {
      policy: p.albAccessLogsWhenProdGrade,
      resources: () => prodGradeFixtures(),
      messages: [
        "Load balancer graded: tagged prod-grade=true but writes no access logs. Set accessLogs: { enabled: true, bucket: <log bucket> } (config: accessLogs true).",
        "Ingress graded-ing: tagged prod-grade=true but its ALB writes no access logs. Add access_logs.s3.enabled=true and access_logs.s3.bucket=<log bucket> to alb.ingress.kubernetes.io/load-balancer-attributes (config: accessLogs true).",
      ],
    },
    {
      policy: p.albDeletionProtectionWhenProdGrade,
      resources: () => prodGradeFixtures(),
      messages: [
        "Load balancer graded: tagged prod-grade=true but can be deleted by any update. Set enableDeletionProtection: true (config: deletionProtection true; to destroy, docs/edge.md).",
        "Ingress graded-ing: tagged prod-grade=true but its ALB can be deleted by any update. Add deletion_protection.enabled=true to alb.ingress.kubernetes.io/load-balancer-attributes (config: deletionProtection true; to destroy, docs/edge.md).",
      ],
    },
    {
      policy: p.albWebAclWhenProdGrade,
      resources: () => prodGradeFixtures(),
      messages: [
        "Load balancer graded: tagged prod-grade=true but no web ACL is associated with it. Add an aws.wafv2.WebAclAssociation { resourceArn: <its arn>, webAclArn } (config: wafMode count or block).",
        "Ingress graded-ing: tagged prod-grade=true but its ALB has no web ACL. Annotate alb.ingress.kubernetes.io/wafv2-acl-arn with the web ACL's ARN (config: wafMode count or block).",
      ],
    },
    {
      policy: p.noSshFromInternet,
      resources: () => [
        fixture("aws:ec2/securityGroup:SecurityGroup", "open", {
          ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
        }),
        fixture("aws:ec2/securityGroupRule:SecurityGroupRule", "ssh6", {
          type: "ingress",
          protocol: "tcp",
          fromPort: 22,
          toPort: 22,
          ipv6CidrBlocks: ["::/0"],
        }),
      ],
      messages: [
        "open: admits all traffic from 0.0.0.0/0, which includes SSH. Reach instances through SSM Session Manager, or admit port 22 from specific CIDRs only.",
        "ssh6: admits tcp 22-22 from ::/0, which includes SSH. Reach instances through SSM Session Manager, or admit port 22 from specific CIDRs only.",
      ],
    },
    {
      policy: p.internetIngressWebOnly,
      resources: () => [
        fixture("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "pg", {
          ipProtocol: "tcp",
          fromPort: 5432,
          toPort: 5432,
          cidrIpv4: "0.0.0.0/0",
        }),
      ],
      messages: [
        "pg: admits tcp 5432-5432 from 0.0.0.0/0. From the internet only TCP 80 and 443 (one port per rule) may be open, and only on a load balancer's security group; use a specific CIDR or a referenced security group otherwise.",
      ],
    },
    {
      policy: p.internetIngressLoadBalancerOnly,
      resources: () => [
        sg("lb-sg", "sg-lb"),
        sg("task-sg", "sg-task"),
        fixture("aws:lb/loadBalancer:LoadBalancer", "lb", { securityGroups: ["sg-lb"] }),
        fixture("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "lb-in", {
          securityGroupId: "sg-lb",
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          cidrIpv4: "0.0.0.0/0",
        }),
        fixture("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "task-in", {
          securityGroupId: "sg-task",
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          cidrIpv4: "0.0.0.0/0",
        }),
      ],
      messages: [
        "task-in: admits tcp 443-443 from 0.0.0.0/0 to a security group that no load balancer uses. Only a load balancer's security group may be open to the internet; admit the load balancer's security group instead (referencedSecurityGroupId).",
      ],
    },
    {
      policy: p.ecsServiceRollout,
      resources: () => [
        fixture("aws:ecs/service:Service", "svc", {
          loadBalancers: [{}],
          deploymentCircuitBreaker: { enable: true, rollback: false },
        }),
      ],
      messages: [
        "ECS service svc: a failing deployment is not rolled back. Set deploymentCircuitBreaker: { enable: true, rollback: true }.",
        "ECS service svc: no health-check grace period, so slow starts are killed. Set healthCheckGracePeriodSeconds (e.g. 30).",
      ],
    },
    {
      policy: p.ecsContainerHardened,
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
      policy: p.ecsStopTimeoutCoversShutdown,
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
      policy: p.ecsTaskRolesSeparate,
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
      policy: p.awsxVpcExplicit,
      resources: () => [fixture("awsx:ec2:Vpc", "vpc", {})],
      messages: [
        'VPC vpc: the NAT gateway strategy is left to awsx\'s default. Set natGateways: { strategy: "None" | "Single" | "OnePerAz" }.',
        "VPC vpc: the AZ count is left to awsx's default. Set numberOfAvailabilityZones.",
      ],
    },
    {
      policy: p.eksClusterHardened,
      resources: () => [fixture("eks:index:Cluster", "c", { enabledClusterLogTypes: ["api", "audit"] })],
      messages: [
        'EKS cluster c: the Kubernetes version is not pinned. Set version (e.g. "1.33").',
        'EKS cluster c: authenticationMode null. Set authenticationMode: "API" (access entries, no aws-auth ConfigMap).',
        'EKS cluster c: control-plane logs authenticator are off. Include ["audit","authenticator"] in enabledClusterLogTypes.',
        "EKS cluster c: Kubernetes secrets are not envelope-encrypted. Set encryptionConfigKeyArn to a rotating aws.kms.Key.",
        "EKS cluster c: the private API endpoint is off. Set endpointPrivateAccess: true.",
        "EKS cluster c: the public API endpoint is open to the internet. Set endpointPublicAccess: false, or publicAccessCidrs to specific CIDRs (never 0.0.0.0/0).",
        "EKS cluster c: eks creates a default self-managed node group. Set skipDefaultNodeGroup: true and use eks.ManagedNodeGroup.",
      ],
    },
    {
      policy: p.eksManagedNodeGroupsOnly,
      resources: () => [
        fixture("eks:index:ManagedNodeGroup", "ng", { remoteAccess: { ec2SshKey: "k" } }),
        fixture("eks:index:NodeGroupV2", "self", {}),
      ],
      messages: [
        "Node group ng: remoteAccess opens SSH to the nodes. Remove remoteAccess; use SSM or the bastion.",
        'Node group ng: no launch template, so IMDSv2 is not enforced. Set launchTemplate: { id, version } of an aws.ec2.LaunchTemplate with metadataOptions.httpTokens "required".',
        "self: self-managed node group. Use eks.ManagedNodeGroup.",
      ],
    },
    {
      policy: p.eksNodeGroupPlacement,
      resources: () => [
        fixture(
          "awsx:ec2:Vpc",
          "vpc",
          {},
          { privateSubnetIds: ["subnet-private"], publicSubnetIds: ["subnet-public"] },
        ),
        fixture(
          "aws:ec2/launchTemplate:LaunchTemplate",
          "lt",
          { metadataOptions: { httpTokens: "optional" } },
          {
            metadataOptions: { httpTokens: "optional" },
            arn: "arn:aws:ec2:us-east-1:123456789012:launch-template/lt-1",
          },
        ),
        fixture("eks:index:ManagedNodeGroup", "ng", {
          subnetIds: ["subnet-public"],
          launchTemplate: { id: "lt-1", version: "1" },
        }),
      ],
      messages: [
        'Node group ng: subnets ["subnet-public"] are not private subnets of the stack\'s VPC. Set subnetIds: vpc.privateSubnetIds.',
        'Node group ng: its launch template lt allows IMDSv1. Set metadataOptions.httpTokens: "required" on the template.',
      ],
    },
    {
      policy: p.launchTemplateHardened,
      resources: () => [
        fixture("aws:ec2/launchTemplate:LaunchTemplate", "lt", {
          blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 20 } }],
        }),
      ],
      messages: [
        'Launch template lt: IMDSv1 is allowed. Set metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 }.',
        'Launch template lt: volume /dev/xvda is not encrypted. Set ebs.encrypted: "true".',
      ],
    },
    {
      policy: p.kmsKeyRotation,
      resources: () => [fixture("aws:kms/key:Key", "key", { enableKeyRotation: false })],
      messages: ["KMS key key: rotation is off. Set enableKeyRotation: true."],
    },
    {
      policy: p.ec2InstanceHardened,
      resources: () => [
        fixture("aws:ec2/instance:Instance", "vm", {
          keyName: "ops",
          ebsBlockDevices: [{ deviceName: "/dev/sdf" }],
        }),
      ],
      messages: [
        'Instance vm: IMDSv1 is allowed. Set metadataOptions: { httpTokens: "required" }.',
        "Instance vm: the root volume is not encrypted. Set rootBlockDevice: { encrypted: true }.",
        "Instance vm: volume /dev/sdf is not encrypted. Set encrypted: true.",
        "Instance vm: a long-lived key pair (keyName). Remove it; use SSM Session Manager or EC2 Instance Connect.",
      ],
    },
    {
      policy: p.instancePublicIpOnlyForSsh,
      resources: () => [
        sg("bastion-sg", "sg-b"),
        fixture("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "rdp", {
          securityGroupId: "sg-b",
          ipProtocol: "tcp",
          fromPort: 3389,
          toPort: 3389,
          cidrIpv4: "198.51.100.0/24",
        }),
        fixture("aws:ec2/instance:Instance", "vm", {
          associatePublicIpAddress: true,
          vpcSecurityGroupIds: ["sg-b"],
        }),
      ],
      messages: [
        "Instance vm: has a public IP but its security groups do not restrict it to SSH from specific CIDRs. Set associatePublicIpAddress: false (SSM mode) or admit only TCP 22 from configured CIDRs.",
      ],
    },
    {
      policy: p.networkPolicyNamedSources,
      resources: () => [
        fixture("kubernetes:networking.k8s.io/v1:NetworkPolicy", "np", {
          spec: {
            podSelector: {},
            policyTypes: ["Ingress"],
            ingress: [
              { ports: [{ port: 3000 }] },
              { from: [{ ipBlock: { cidr: "0.0.0.0/0" } }] },
              { from: [{ ipBlock: { cidr: "10.0.0.0/24" } }] },
            ],
          },
        }),
      ],
      messages: [
        "NetworkPolicy np: ingress rule 0 admits every source the network lets through. Name them: from: [{ namespaceSelector: … }] for the ingress controller, or [{ ipBlock: { cidr: <load balancer or node CIDR> } }].",
        "NetworkPolicy np: ingress rule 1 admits every source the network lets through. Name them: from: [{ namespaceSelector: … }] for the ingress controller, or [{ ipBlock: { cidr: <load balancer or node CIDR> } }].",
      ],
    },
    {
      policy: p.namespaceRestricted,
      resources: () => [
        fixture("kubernetes:core/v1:Namespace", "ns", {
          metadata: { labels: { "pod-security.kubernetes.io/enforce": "baseline" } },
        }),
      ],
      messages: [
        "Namespace ns: Pod Security is not enforced. Label it pod-security.kubernetes.io/enforce: restricted.",
      ],
    },
    {
      policy: p.podSecurityRestricted,
      resources: () => [
        fixture("kubernetes:apps/v1:Deployment", "d", {
          spec: {
            template: {
              spec: {
                hostNetwork: true,
                containers: [
                  {
                    name: "app",
                    securityContext: {
                      runAsUser: 0,
                      privileged: true,
                      capabilities: { drop: ["ALL"], add: ["SYS_ADMIN"] },
                    },
                  },
                ],
              },
            },
          },
        }),
      ],
      messages: [
        "d: the service-account token is mounted. Set automountServiceAccountToken: false on the pod spec.",
        "d: shares a host namespace. Remove hostNetwork, hostPID and hostIPC.",
        "d, container app: may run as root. Set securityContext.runAsNonRoot: true.",
        "d, container app: runs as uid 0. Set runAsUser to the image's non-root uid (65532).",
        "d, container app: privilege escalation is allowed. Set securityContext.allowPrivilegeEscalation: false.",
        "d, container app: privileged. Remove securityContext.privileged.",
        'd, container app: capabilities are not all dropped. Set securityContext.capabilities: { drop: ["ALL"] }.',
        'd, container app: no seccomp profile. Set securityContext.seccompProfile: { type: "RuntimeDefault" }.',
        "d, container app: the root filesystem is writable. Set securityContext.readOnlyRootFilesystem: true (mount an emptyDir where the app writes).",
      ],
    },
    {
      policy: p.workloadProbesAndResources,
      resources: () => [
        fixture("kubernetes:apps/v1:Deployment", "d", {
          spec: {
            template: { spec: { containers: [{ name: "app", resources: { requests: { cpu: "100m" } } }] } },
          },
        }),
      ],
      messages: [
        "d, container app: no readinessProbe. Probe the app's /readyz.",
        "d, container app: no livenessProbe. Probe the app's /healthz.",
        "d, container app: no requests for memory. Set resources.requests.{cpu,memory}.",
        "d, container app: no limits for cpu and memory. Set resources.limits.{cpu,memory}.",
      ],
    },
    {
      policy: p.deploymentRolloutSafe,
      resources: () => [
        fixture("kubernetes:apps/v1:Deployment", "d", {
          spec: {
            strategy: { type: "Recreate" },
            template: {
              spec: {
                terminationGracePeriodSeconds: 30,
                containers: [
                  {
                    name: "app",
                    env: [
                      { name: "SHUTDOWN_DRAIN_DELAY_MS", value: "15000" },
                      { name: "SHUTDOWN_TIMEOUT_MS", value: "15000" },
                    ],
                  },
                ],
              },
            },
          },
        }),
      ],
      messages: [
        'Deployment d: a rollout may take serving pods away first. Set strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } }.',
        "Deployment d: terminationGracePeriodSeconds 30 does not exceed drain + shutdown (30 s) of container app; the kubelet would kill the app mid-shutdown. Set it above 30.",
      ],
    },
    {
      policy: p.hpaBounds,
      resources: () => [
        fixture("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "hpa", {
          spec: { minReplicas: 3, maxReplicas: 2 },
        }),
        fixture("kubernetes:autoscaling/v1:HorizontalPodAutoscaler", "old", {}),
      ],
      messages: [
        "HPA hpa: bounds minReplicas 3, maxReplicas 2. Set 1 ≤ minReplicas ≤ maxReplicas explicitly.",
        "HPA hpa: no metrics. Set metrics (e.g. CPU utilization of the requests).",
        "HPA old: autoscaling/v1 is deprecated or removed. Use autoscaling/v2 (k8s.autoscaling.v2.HorizontalPodAutoscaler).",
      ],
    },
    {
      policy: p.hpaHasMetricsApi,
      resources: () => [
        fixture("eks:index:Cluster", "c", {}),
        fixture("aws:eks/addon:Addon", "dns", { addonName: "coredns" }),
        fixture("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "hpa", {
          spec: { metrics: [{ type: "Resource", resource: { name: "cpu" } }] },
        }),
        // External metrics need no metrics.k8s.io: not reported.
        fixture("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "queue", {
          spec: { metrics: [{ type: "External", external: { metric: { name: "q" } } }] },
        }),
      ],
      messages: [
        'HPA hpa: scales on resource metrics, but nothing on this EKS cluster serves metrics.k8s.io (EKS installs no metrics-server), so it reports FailedGetResourceMetric and never scales. Add the metrics-server EKS add-on (aws.eks.Addon addonName "metrics-server") or its Helm chart, and create the HPA after it.',
      ],
    },
    {
      policy: p.pdbAllowsDrain,
      resources: () => [
        fixture("kubernetes:apps/v1:Deployment", "d", {
          metadata: { name: "web", namespace: "app" },
          spec: { replicas: 2, template: { metadata: { labels: { app: "web" } } } },
        }),
        fixture("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "hpa", {
          metadata: { namespace: "app" },
          spec: { minReplicas: 2, scaleTargetRef: { name: "web" } },
        }),
        fixture("kubernetes:policy/v1:PodDisruptionBudget", "pdb", {
          metadata: { namespace: "app" },
          spec: { minAvailable: "100%", selector: { matchLabels: { app: "web" } } },
        }),
        fixture("kubernetes:policy/v1:PodDisruptionBudget", "zero", {
          metadata: { namespace: "app" },
          spec: { maxUnavailable: 0, selector: { matchLabels: { app: "web" } } },
        }),
      ],
      messages: [
        'PDB pdb: minAvailable "100%" is not below the minimum replica count, so node drains hang. Set maxUnavailable: 1 (or minAvailable below the minimum replica count, 2).',
        "PDB zero: maxUnavailable 0 lets no pod be evicted, so node drains hang. Set maxUnavailable: 1 (or minAvailable below the minimum replica count, 2).",
      ],
    },
    {
      policy: p.pdbUnhealthyPodsEvictable,
      resources: () => [
        fixture("kubernetes:policy/v1:PodDisruptionBudget", "pdb", {
          spec: { maxUnavailable: 1, selector: { matchLabels: { app: "web" } } },
        }),
        fixture("kubernetes:policy/v1:PodDisruptionBudget", "guarded", {
          spec: { maxUnavailable: 1, unhealthyPodEvictionPolicy: "IfHealthyBudget" },
        }),
      ],
      messages: [
        'PDB pdb: unhealthyPodEvictionPolicy is "IfHealthyBudget (default)", so a crash-looping pod uses up the budget and node drains hang. Set spec.unhealthyPodEvictionPolicy: "AlwaysAllow".',
        'PDB guarded: unhealthyPodEvictionPolicy is "IfHealthyBudget", so a crash-looping pod uses up the budget and node drains hang. Set spec.unhealthyPodEvictionPolicy: "AlwaysAllow".',
      ],
    },
    {
      policy: p.topologySpreadPerRevision,
      resources: () => [
        fixture("kubernetes:apps/v1:Deployment", "unspread", { spec: { template: { spec: {} } } }),
        fixture("kubernetes:apps/v1:Deployment", "mixed", {
          spec: {
            template: {
              spec: {
                topologySpreadConstraints: [
                  { topologyKey: "topology.kubernetes.io/zone", maxSkew: 1 },
                  {
                    topologyKey: "kubernetes.io/hostname",
                    maxSkew: 1,
                    matchLabelKeys: ["pod-template-hash"],
                  },
                ],
              },
            },
          },
        }),
      ],
      messages: [
        'Deployment unspread: no topology spread over topology.kubernetes.io/zone. Add a topologySpreadConstraint with topologyKey: "topology.kubernetes.io/zone", maxSkew: 1, matchLabelKeys: ["pod-template-hash"].',
        'Deployment mixed: the topology.kubernetes.io/zone spread counts old and new ReplicaSets together, so a rollout skews it. Set matchLabelKeys: ["pod-template-hash"].',
      ],
    },
    {
      policy: p.zoneSpreadMatchesReplicas,
      resources: () => {
        const zoneSpread = (whenUnsatisfiable: string) => ({
          template: {
            spec: {
              topologySpreadConstraints: [{ topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable }],
            },
          },
        });
        return [
          fixture("eks:index:Cluster", "cluster", {}),
          fixture("awsx:ec2:Vpc", "vpc", { numberOfAvailabilityZones: 3 }),
          fixture("kubernetes:apps/v1:Deployment", "few", {
            metadata: { name: "few", namespace: "app" },
            spec: { replicas: 2, ...zoneSpread("DoNotSchedule") },
          }),
          fixture("kubernetes:apps/v1:Deployment", "many", {
            metadata: { name: "many", namespace: "app" },
            spec: { replicas: 1, ...zoneSpread("ScheduleAnyway") },
          }),
          fixture("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "many-hpa", {
            metadata: { namespace: "app" },
            spec: { minReplicas: 3, scaleTargetRef: { name: "many" } },
          }),
        ];
      },
      messages: [
        'Deployment few: zone spread DoNotSchedule, but minimum replicas 2 < 3 zones. Set whenUnsatisfiable: "ScheduleAnyway".',
        'Deployment many: zone spread ScheduleAnyway, but minimum replicas 3 ≥ 3 zones. Set whenUnsatisfiable: "DoNotSchedule".',
      ],
    },
    {
      policy: p.zoneSpreadMatchesReplicas,
      resources: () => [
        fixture("kubernetes:apps/v1:Deployment", "anywhere", {
          metadata: { name: "anywhere" },
          spec: {
            replicas: 6,
            template: {
              spec: { topologySpreadConstraints: [{ topologyKey: "topology.kubernetes.io/zone" }] },
            },
          },
        }),
      ],
      messages: [
        'Deployment anywhere: zone spread DoNotSchedule, but the stack does not know the cluster\'s zones (nodes without a zone label would leave pods Pending). Set whenUnsatisfiable: "ScheduleAnyway".',
      ],
    },
    {
      policy: p.albIpTargetsReadinessGates,
      resources: () => {
        const ingress = fixture("kubernetes:networking.k8s.io/v1:Ingress", "ing", {
          metadata: { namespace: "app", annotations: { "alb.ingress.kubernetes.io/target-type": "ip" } },
        });
        return [
          fixture("kubernetes:core/v1:Namespace", "ns", { metadata: { name: "app", labels: {} } }),
          ingress,
          fixture("kubernetes:networking.k8s.io/v1:Ingress", "elsewhere", {
            metadata: { namespace: "theirs", annotations: { "alb.ingress.kubernetes.io/target-type": "ip" } },
          }),
          fixture("kubernetes:networking.k8s.io/v1:Ingress", "instance", {
            metadata: {
              namespace: "app",
              annotations: { "alb.ingress.kubernetes.io/target-type": "instance" },
            },
          }),
          fixture("kubernetes:apps/v1:Deployment", "early", { metadata: { namespace: "app" } }),
          {
            ...fixture("kubernetes:apps/v1:Deployment", "late", { metadata: { namespace: "app" } }),
            dependencies: [ingress.urn],
          },
        ];
      },
      messages: [
        "Ingress ing: ALB ip targets, but namespace app is not labelled elbv2.k8s.aws/pod-readiness-gate-inject: enabled; a rollout can leave only initial and draining targets. Create the namespace with that label.",
        "Deployment early: created without waiting for Ingress ing, so its first pods get no readiness gate (the controller injects one only when a TargetGroupBinding exists). Make the Deployment depend on the Service and Ingress.",
        "Ingress elsewhere: ALB ip targets, but namespace theirs is not created by this stack, so it cannot be seen labelled elbv2.k8s.aws/pod-readiness-gate-inject: enabled; a rollout can leave only initial and draining targets. Create the namespace with that label.",
      ],
    },
    {
      policy: p.lbcKeepsWebhookCertificate,
      resources: () => [
        fixture("kubernetes:helm.sh/v3:Release", "lbc", {
          chart: "aws-load-balancer-controller",
          values: { clusterName: "c" },
        }),
        fixture("kubernetes:helm.sh/v3:Release", "other", { chart: "ingress-nginx", values: {} }),
      ],
      messages: [
        "Helm release lbc: the AWS Load Balancer Controller chart without keepTLSSecret: true issues a new webhook certificate on every upgrade. Set values.keepTLSSecret: true.",
      ],
    },
    {
      policy: p.kubernetesProviderExplicit,
      resources: () => [fixture("pulumi:providers:kubernetes", "k8s", { enableServerSideApply: true })],
      messages: [
        "Kubernetes provider k8s: no kubeconfig, so it falls back to the machine's ambient kubeconfig. Pass kubeconfig: pulumi.secret(<kubeconfig>) from stack config or the cluster.",
      ],
    },
    {
      policy: p.alarmNotifies,
      resources: () => [
        fixture("aws:cloudwatch/metricAlarm:MetricAlarm", "quiet", { metricName: "RequestCount" }),
        fixture("aws:cloudwatch/metricAlarm:MetricAlarm", "muted", {
          alarmActions: ["arn:aws:sns:us-east-1:123456789012:alarms"],
          actionsEnabled: false,
        }),
      ],
      messages: [
        "CloudWatch alarm quiet: fires without telling anyone. Set alarmActions: [<SNS topic ARN>] (and leave actionsEnabled unset or true).",
        "CloudWatch alarm muted: fires without telling anyone. Set alarmActions: [<SNS topic ARN>] (and leave actionsEnabled unset or true).",
      ],
    },
    {
      policy: p.ecsDeploymentAlarmsRollback,
      resources: () => [
        fixture("aws:ecs/service:Service", "svc", {
          loadBalancers: [{}],
          alarms: { alarmNames: ["app-target-5xx-rate"], enable: true, rollback: false },
        }),
      ],
      messages: [
        "ECS service svc: a deployment that serves errors is not rolled back. Set alarms: { alarmNames: [<5xx and latency alarm names>], enable: true, rollback: true }.",
      ],
    },
  ];

  describe("fixtures: each policy rejects with its exact remediation message", () => {
    for (const r of rejections) {
      it(r.policy.name, async () => {
        assert.deepEqual(await check(r.policy, r.resources()), r.messages);
      });
    }
    it("every policy has a rejected fixture", () => {
      const covered = new Set(rejections.map((r) => r.policy.name));
      assert.deepEqual(
        p.policies.map((x) => x.name).filter((n) => !covered.has(n)),
        [],
      );
    });
  });

  // -------------------------------------------------------------------------------------------------
  // Mutations: a real recorded resource, one setting removed or flipped → the policy reports it.

  interface Mutation {
    policy: AnyPolicy;
    setting: string;
    from: () => Resources;
    type: string;
    name?: RegExp;
    mutate: (inputs: Json) => void;
  }
  const ecsDev = () => get("dev/ecs");
  const k8sProd = () => get("prod/kubernetes");
  const container = (i: Json) => i.spec.template.spec.containers[0];
  const editContainers = (i: Json, edit: (c: Json) => void) => {
    const list = JSON.parse(i.containerDefinitions);
    edit(list[0]);
    i.containerDefinitions = JSON.stringify(list);
  };
  const mutations: Mutation[] = [
    {
      policy: p.ecrRepositoryHardened,
      setting: "imageTagMutability",
      from: ecsDev,
      type: "aws:ecr/repository:Repository",
      name: /-repo$/,
      mutate: (i) => {
        i.imageTagMutability = "MUTABLE";
      },
    },
    {
      policy: p.ecrRepositoryHardened,
      setting: "scanOnPush",
      from: ecsDev,
      type: "aws:ecr/repository:Repository",
      mutate: (i) => {
        delete i.imageScanningConfiguration;
      },
    },
    {
      policy: p.ecrRepositoryHardened,
      setting: "encryptionConfigurations",
      from: ecsDev,
      type: "aws:ecr/repository:Repository",
      mutate: (i) => {
        delete i.encryptionConfigurations;
      },
    },
    {
      policy: p.ecrRepositoryLifecycle,
      setting: "the build cache's lifecycle policy",
      from: ecsDev,
      type: "aws:ecr/lifecyclePolicy:LifecyclePolicy",
      name: /cache-lifecycle$/,
      mutate: (i) => {
        i.repository = "some-other-repository";
      },
    },
    {
      policy: p.dockerImageCheckoutIndependent,
      setting: "a project-relative context",
      from: ecsDev,
      type: "docker:index/image:Image",
      name: /-image$/,
      mutate: (i) => {
        i.build.context = "/work/checkout";
      },
    },
    {
      policy: p.dockerImageCheckoutIndependent,
      setting: "an explicit platform",
      from: ecsDev,
      type: "docker:index/image:Image",
      name: /-cache$/,
      mutate: (i) => {
        delete i.build.platform;
      },
    },
    {
      policy: p.imageDigestPinned,
      setting: "ECS image digest",
      from: ecsDev,
      type: "aws:ecs/taskDefinition:TaskDefinition",
      mutate: (i) =>
        editContainers(i, (c) => {
          c.image = c.image.replace(/@sha256:.*/, ":latest");
        }),
    },
    {
      policy: p.imageDigestPinned,
      setting: "Deployment image digest",
      from: k8sProd,
      type: "kubernetes:apps/v1:Deployment",
      mutate: (i) => {
        container(i).image = "nginx:1.27";
      },
    },
    {
      policy: p.albHardened,
      setting: "dropInvalidHeaderFields",
      from: ecsDev,
      type: "aws:lb/loadBalancer:LoadBalancer",
      mutate: (i) => {
        delete i.dropInvalidHeaderFields;
      },
    },
    {
      policy: p.albHardened,
      setting: "internal",
      from: ecsDev,
      type: "aws:lb/loadBalancer:LoadBalancer",
      mutate: (i) => {
        delete i.internal;
      },
    },
    {
      policy: p.albHardened,
      setting: "securityGroups",
      from: ecsDev,
      type: "aws:lb/loadBalancer:LoadBalancer",
      mutate: (i) => {
        delete i.securityGroups;
      },
    },
    {
      policy: p.albListenerTls,
      setting: "sslPolicy",
      from: () => prodHttps,
      type: "aws:lb/listener:Listener",
      name: /https$/,
      mutate: (i) => {
        i.sslPolicy = "ELBSecurityPolicy-2016-08";
      },
    },
    {
      policy: p.albHttpRedirectsWhenHttps,
      setting: "HTTP redirect",
      from: () => prodHttps,
      type: "aws:lb/listener:Listener",
      name: /http$/,
      mutate: (i) => {
        i.defaultActions = [{ type: "forward", targetGroupArn: "arn:tg" }];
      },
    },
    {
      policy: p.albIngressHardened,
      setting: "ssl-policy annotation",
      from: () => eks,
      type: "kubernetes:networking.k8s.io/v1:Ingress",
      mutate: (i) => {
        delete i.metadata.annotations["alb.ingress.kubernetes.io/ssl-policy"];
      },
    },
    {
      policy: p.albIngressHardened,
      setting: "drop invalid headers annotation",
      from: () => eks,
      type: "kubernetes:networking.k8s.io/v1:Ingress",
      mutate: (i) => {
        i.metadata.annotations["alb.ingress.kubernetes.io/load-balancer-attributes"] =
          "idle_timeout.timeout_seconds=60";
      },
    },
    {
      policy: p.albAccessLogsWhenProdGrade,
      setting: "accessLogs (prod-grade)",
      from: () => get("prod/ecs"),
      type: "aws:lb/loadBalancer:LoadBalancer",
      mutate: (i) => {
        delete i.accessLogs;
      },
    },
    {
      policy: p.albAccessLogsWhenProdGrade,
      setting: "access_logs.s3 attributes (prod-grade)",
      from: () => get("prod/eks"),
      type: "kubernetes:networking.k8s.io/v1:Ingress",
      mutate: (i) => {
        const key = "alb.ingress.kubernetes.io/load-balancer-attributes";
        i.metadata.annotations[key] = i.metadata.annotations[key].replace(
          "access_logs.s3.enabled=true",
          "access_logs.s3.enabled=false",
        );
      },
    },
    {
      policy: p.albDeletionProtectionWhenProdGrade,
      setting: "enableDeletionProtection (prod-grade)",
      from: () => get("prod/ecs"),
      type: "aws:lb/loadBalancer:LoadBalancer",
      mutate: (i) => {
        i.enableDeletionProtection = false;
      },
    },
    {
      policy: p.albDeletionProtectionWhenProdGrade,
      setting: "deletion_protection attribute (prod-grade)",
      from: () => get("prod/eks"),
      type: "kubernetes:networking.k8s.io/v1:Ingress",
      mutate: (i) => {
        const key = "alb.ingress.kubernetes.io/load-balancer-attributes";
        i.metadata.annotations[key] = i.metadata.annotations[key].replace(
          ",deletion_protection.enabled=true",
          "",
        );
      },
    },
    {
      policy: p.albWebAclWhenProdGrade,
      setting: "the web ACL association (prod-grade)",
      from: () => get("prod/ecs"),
      type: "aws:wafv2/webAclAssociation:WebAclAssociation",
      mutate: (i) => {
        i.resourceArn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/other/1";
      },
    },
    {
      policy: p.albWebAclWhenProdGrade,
      setting: "wafv2-acl-arn annotation (prod-grade)",
      from: () => get("prod/eks"),
      type: "kubernetes:networking.k8s.io/v1:Ingress",
      mutate: (i) => {
        delete i.metadata.annotations["alb.ingress.kubernetes.io/wafv2-acl-arn"];
      },
    },
    {
      policy: p.noSshFromInternet,
      setting: "SSH CIDR",
      from: () => eksSsh,
      type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
      name: /in-ssh/,
      mutate: (i) => {
        i.cidrIpv4 = "0.0.0.0/0";
      },
    },
    {
      policy: p.internetIngressWebOnly,
      setting: "ALB port",
      from: ecsDev,
      type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
      name: /alb-in-80/,
      mutate: (i) => {
        i.fromPort = 0;
        i.toPort = 65535;
      },
    },
    {
      policy: p.internetIngressLoadBalancerOnly,
      setting: "task SG source",
      from: ecsDev,
      type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
      name: /task-in-alb/,
      mutate: (i) => {
        delete i.referencedSecurityGroupId;
        i.cidrIpv4 = "0.0.0.0/0";
        i.fromPort = 443;
        i.toPort = 443;
      },
    },
    {
      policy: p.ecsServiceRollout,
      setting: "circuit breaker rollback",
      from: ecsDev,
      type: "aws:ecs/service:Service",
      mutate: (i) => {
        i.deploymentCircuitBreaker.rollback = false;
      },
    },
    {
      policy: p.ecsServiceRollout,
      setting: "healthCheckGracePeriodSeconds",
      from: ecsDev,
      type: "aws:ecs/service:Service",
      mutate: (i) => {
        delete i.healthCheckGracePeriodSeconds;
      },
    },
    {
      policy: p.ecsContainerHardened,
      setting: "readonlyRootFilesystem",
      from: ecsDev,
      type: "aws:ecs/taskDefinition:TaskDefinition",
      mutate: (i) =>
        editContainers(i, (c) => {
          delete c.readonlyRootFilesystem;
        }),
    },
    {
      policy: p.ecsContainerHardened,
      setting: "user",
      from: ecsDev,
      type: "aws:ecs/taskDefinition:TaskDefinition",
      mutate: (i) =>
        editContainers(i, (c) => {
          c.user = "node";
        }),
    },
    {
      policy: p.ecsContainerHardened,
      setting: "privileged",
      from: ecsDev,
      type: "aws:ecs/taskDefinition:TaskDefinition",
      mutate: (i) =>
        editContainers(i, (c) => {
          c.privileged = true;
        }),
    },
    {
      policy: p.ecsStopTimeoutCoversShutdown,
      setting: "stopTimeout",
      from: ecsDev,
      type: "aws:ecs/taskDefinition:TaskDefinition",
      mutate: (i) =>
        editContainers(i, (c) => {
          c.stopTimeout = 5;
        }),
    },
    {
      policy: p.ecsStopTimeoutCoversShutdown,
      setting: "drain env",
      from: ecsDev,
      type: "aws:ecs/taskDefinition:TaskDefinition",
      mutate: (i) =>
        editContainers(i, (c) => {
          c.environment = c.environment.map((e: { name: string; value: string }) =>
            e.name === "SHUTDOWN_TIMEOUT_MS" ? { ...e, value: "120000" } : e,
          );
        }),
    },
    {
      policy: p.ecsTaskRolesSeparate,
      setting: "taskRoleArn",
      from: ecsDev,
      type: "aws:ecs/taskDefinition:TaskDefinition",
      mutate: (i) => {
        i.taskRoleArn = i.executionRoleArn;
      },
    },
    {
      policy: p.awsxVpcExplicit,
      setting: "natGateways",
      from: ecsDev,
      type: "awsx:ec2:Vpc",
      mutate: (i) => {
        delete i.natGateways;
      },
    },
    {
      policy: p.awsxVpcExplicit,
      setting: "numberOfAvailabilityZones",
      from: () => eks,
      type: "awsx:ec2:Vpc",
      mutate: (i) => {
        delete i.numberOfAvailabilityZones;
      },
    },
    {
      policy: p.eksClusterHardened,
      setting: "authenticationMode",
      from: () => eks,
      type: "eks:index:Cluster",
      mutate: (i) => {
        i.authenticationMode = "CONFIG_MAP";
      },
    },
    {
      policy: p.eksClusterHardened,
      setting: "enabledClusterLogTypes",
      from: () => eks,
      type: "eks:index:Cluster",
      mutate: (i) => {
        i.enabledClusterLogTypes = ["api"];
      },
    },
    {
      policy: p.eksClusterHardened,
      setting: "encryptionConfigKeyArn",
      from: () => eks,
      type: "eks:index:Cluster",
      mutate: (i) => {
        delete i.encryptionConfigKeyArn;
      },
    },
    {
      policy: p.eksClusterHardened,
      setting: "endpointPrivateAccess",
      from: () => eks,
      type: "eks:index:Cluster",
      mutate: (i) => {
        delete i.endpointPrivateAccess;
      },
    },
    {
      policy: p.eksClusterHardened,
      setting: "publicAccessCidrs",
      from: () => eks,
      type: "eks:index:Cluster",
      mutate: (i) => {
        i.publicAccessCidrs = ["0.0.0.0/0"];
      },
    },
    {
      policy: p.eksClusterHardened,
      setting: "skipDefaultNodeGroup",
      from: () => eks,
      type: "eks:index:Cluster",
      mutate: (i) => {
        delete i.skipDefaultNodeGroup;
      },
    },
    {
      policy: p.eksClusterHardened,
      setting: "version",
      from: () => eks,
      type: "eks:index:Cluster",
      mutate: (i) => {
        delete i.version;
      },
    },
    {
      policy: p.eksManagedNodeGroupsOnly,
      setting: "launchTemplate",
      from: () => eks,
      type: "eks:index:ManagedNodeGroup",
      mutate: (i) => {
        delete i.launchTemplate;
      },
    },
    {
      policy: p.eksManagedNodeGroupsOnly,
      setting: "remoteAccess",
      from: () => eks,
      type: "eks:index:ManagedNodeGroup",
      mutate: (i) => {
        i.remoteAccess = { ec2SshKey: "ops" };
      },
    },
    {
      policy: p.eksNodeGroupPlacement,
      setting: "private subnets",
      from: () => eks,
      type: "eks:index:ManagedNodeGroup",
      mutate: (i) => {
        i.subnetIds = ["subnet-public"];
      },
    },
    {
      policy: p.eksNodeGroupPlacement,
      setting: "launch template IMDSv2",
      from: () => eks,
      type: "aws:ec2/launchTemplate:LaunchTemplate",
      mutate: (i) => {
        i.metadataOptions.httpTokens = "optional";
      },
    },
    {
      policy: p.launchTemplateHardened,
      setting: "httpTokens",
      from: () => eks,
      type: "aws:ec2/launchTemplate:LaunchTemplate",
      mutate: (i) => {
        delete i.metadataOptions;
      },
    },
    {
      policy: p.launchTemplateHardened,
      setting: "ebs encrypted",
      from: () => eks,
      type: "aws:ec2/launchTemplate:LaunchTemplate",
      mutate: (i) => {
        i.blockDeviceMappings[0].ebs.encrypted = "false";
      },
    },
    {
      policy: p.kmsKeyRotation,
      setting: "enableKeyRotation",
      from: () => eks,
      type: "aws:kms/key:Key",
      mutate: (i) => {
        delete i.enableKeyRotation;
      },
    },
    {
      policy: p.ec2InstanceHardened,
      setting: "httpTokens",
      from: () => eks,
      type: "aws:ec2/instance:Instance",
      mutate: (i) => {
        i.metadataOptions.httpTokens = "optional";
      },
    },
    {
      policy: p.ec2InstanceHardened,
      setting: "root volume encrypted",
      from: () => eks,
      type: "aws:ec2/instance:Instance",
      mutate: (i) => {
        i.rootBlockDevice.encrypted = false;
      },
    },
    {
      policy: p.instancePublicIpOnlyForSsh,
      setting: "associatePublicIpAddress (ssm mode)",
      from: () => eks,
      type: "aws:ec2/instance:Instance",
      mutate: (i) => {
        i.associatePublicIpAddress = true;
      },
    },
    {
      policy: p.networkPolicyNamedSources,
      setting: "NetworkPolicy ingress from",
      from: k8sProd,
      type: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
      mutate: (i) => {
        delete i.spec.ingress[0].from;
      },
    },
    {
      policy: p.namespaceRestricted,
      setting: "pod-security enforce label",
      from: k8sProd,
      type: "kubernetes:core/v1:Namespace",
      mutate: (i) => {
        delete i.metadata.labels["pod-security.kubernetes.io/enforce"];
      },
    },
    {
      policy: p.podSecurityRestricted,
      setting: "runAsNonRoot",
      from: k8sProd,
      type: "kubernetes:apps/v1:Deployment",
      mutate: (i) => {
        delete container(i).securityContext.runAsNonRoot;
        delete i.spec.template.spec.securityContext.runAsNonRoot;
      },
    },
    {
      policy: p.podSecurityRestricted,
      setting: "allowPrivilegeEscalation",
      from: k8sProd,
      type: "kubernetes:apps/v1:Deployment",
      mutate: (i) => {
        delete container(i).securityContext.allowPrivilegeEscalation;
      },
    },
    {
      policy: p.podSecurityRestricted,
      setting: "capabilities drop ALL",
      from: k8sProd,
      type: "kubernetes:apps/v1:Deployment",
      mutate: (i) => {
        delete container(i).securityContext.capabilities;
      },
    },
    {
      policy: p.podSecurityRestricted,
      setting: "readOnlyRootFilesystem",
      from: k8sProd,
      type: "kubernetes:apps/v1:Deployment",
      mutate: (i) => {
        container(i).securityContext.readOnlyRootFilesystem = false;
      },
    },
    {
      policy: p.podSecurityRestricted,
      setting: "seccompProfile",
      from: k8sProd,
      type: "kubernetes:apps/v1:Deployment",
      mutate: (i) => {
        delete container(i).securityContext.seccompProfile;
        delete i.spec.template.spec.securityContext.seccompProfile;
      },
    },
    {
      policy: p.podSecurityRestricted,
      setting: "automountServiceAccountToken",
      from: k8sProd,
      type: "kubernetes:apps/v1:Deployment",
      mutate: (i) => {
        delete i.spec.template.spec.automountServiceAccountToken;
      },
    },
    {
      policy: p.workloadProbesAndResources,
      setting: "readinessProbe",
      from: k8sProd,
      type: "kubernetes:apps/v1:Deployment",
      mutate: (i) => {
        delete container(i).readinessProbe;
      },
    },
    {
      policy: p.workloadProbesAndResources,
      setting: "livenessProbe",
      from: k8sProd,
      type: "kubernetes:apps/v1:Deployment",
      mutate: (i) => {
        delete container(i).livenessProbe;
      },
    },
    {
      policy: p.workloadProbesAndResources,
      setting: "limits",
      from: k8sProd,
      type: "kubernetes:apps/v1:Deployment",
      mutate: (i) => {
        delete container(i).resources.limits;
      },
    },
    {
      policy: p.workloadProbesAndResources,
      setting: "requests",
      from: k8sProd,
      type: "kubernetes:apps/v1:Deployment",
      mutate: (i) => {
        delete container(i).resources.requests.memory;
      },
    },
    {
      policy: p.deploymentRolloutSafe,
      setting: "maxUnavailable",
      from: k8sProd,
      type: "kubernetes:apps/v1:Deployment",
      mutate: (i) => {
        i.spec.strategy.rollingUpdate.maxUnavailable = 1;
      },
    },
    {
      policy: p.deploymentRolloutSafe,
      setting: "terminationGracePeriodSeconds",
      from: k8sProd,
      type: "kubernetes:apps/v1:Deployment",
      mutate: (i) => {
        delete i.spec.template.spec.terminationGracePeriodSeconds;
      },
    },
    {
      policy: p.hpaBounds,
      setting: "maxReplicas",
      from: k8sProd,
      type: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
      mutate: (i) => {
        i.spec.maxReplicas = 0;
      },
    },
    {
      policy: p.hpaBounds,
      setting: "metrics",
      from: k8sProd,
      type: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
      mutate: (i) => {
        delete i.spec.metrics;
      },
    },
    {
      policy: p.hpaHasMetricsApi,
      setting: "the metrics-server add-on",
      from: () => eks,
      type: "aws:eks/addon:Addon",
      name: /metrics-server$/,
      mutate: (i) => {
        i.addonName = "kube-state-metrics";
      },
    },
    {
      policy: p.eksClusterHardened,
      setting: "audit logs",
      from: () => eks,
      type: "eks:index:Cluster",
      mutate: (i) => {
        i.enabledClusterLogTypes = ["authenticator"];
      },
    },
    {
      policy: p.pdbAllowsDrain,
      setting: "maxUnavailable",
      from: k8sProd,
      type: "kubernetes:policy/v1:PodDisruptionBudget",
      mutate: (i) => {
        i.spec.maxUnavailable = 0;
      },
    },
    {
      policy: p.pdbAllowsDrain,
      setting: "minAvailable = min replicas",
      from: k8sProd,
      type: "kubernetes:policy/v1:PodDisruptionBudget",
      mutate: (i) => {
        delete i.spec.maxUnavailable;
        i.spec.minAvailable = 3;
      },
    },
    {
      policy: p.pdbUnhealthyPodsEvictable,
      setting: "unhealthyPodEvictionPolicy",
      from: () => eks,
      type: "kubernetes:policy/v1:PodDisruptionBudget",
      mutate: (i) => {
        delete i.spec.unhealthyPodEvictionPolicy;
      },
    },
    {
      policy: p.topologySpreadPerRevision,
      setting: "matchLabelKeys",
      from: k8sProd,
      type: "kubernetes:apps/v1:Deployment",
      mutate: (i) => {
        delete i.spec.template.spec.topologySpreadConstraints[0].matchLabelKeys;
      },
    },
    {
      policy: p.zoneSpreadMatchesReplicas,
      setting: "DoNotSchedule at 3 replicas over 3 zones",
      from: () => eks,
      type: "kubernetes:apps/v1:Deployment",
      mutate: (i) => {
        i.spec.template.spec.topologySpreadConstraints[0].whenUnsatisfiable = "ScheduleAnyway";
      },
    },
    {
      policy: p.zoneSpreadMatchesReplicas,
      setting: "ScheduleAnyway on a cluster of unknown zones",
      from: k8sProd,
      type: "kubernetes:apps/v1:Deployment",
      mutate: (i) => {
        i.spec.template.spec.topologySpreadConstraints[0].whenUnsatisfiable = "DoNotSchedule";
      },
    },
    {
      policy: p.albIpTargetsReadinessGates,
      setting: "the readiness-gate namespace label",
      from: () => eks,
      type: "kubernetes:core/v1:Namespace",
      mutate: (i) => {
        delete i.metadata.labels["elbv2.k8s.aws/pod-readiness-gate-inject"];
      },
    },
    {
      policy: p.lbcKeepsWebhookCertificate,
      setting: "keepTLSSecret",
      from: () => eks,
      type: "kubernetes:helm.sh/v3:Release",
      name: /-lbc-release$/,
      mutate: (i) => {
        delete i.values.keepTLSSecret;
      },
    },
    {
      policy: p.kubernetesProviderExplicit,
      setting: "kubeconfig",
      from: k8sProd,
      type: "pulumi:providers:kubernetes",
      mutate: (i) => {
        delete i.kubeconfig;
      },
    },
    {
      policy: p.kubernetesProviderExplicit,
      setting: "EKS kubeconfig",
      from: () => eks,
      type: "pulumi:providers:kubernetes",
      mutate: (i) => {
        i.kubeconfig = "";
      },
    },
    {
      policy: p.alarmNotifies,
      setting: "alarm actions (ECS)",
      from: ecsDev,
      type: "aws:cloudwatch/metricAlarm:MetricAlarm",
      name: /target-5xx-rate/,
      mutate: (i) => {
        delete i.alarmActions;
      },
    },
    {
      policy: p.alarmNotifies,
      setting: "enabled actions (EKS synthetic check)",
      from: () => eks,
      type: "aws:cloudwatch/metricAlarm:MetricAlarm",
      name: /synthetic-healthz/,
      mutate: (i) => {
        i.actionsEnabled = false;
      },
    },
    {
      policy: p.ecsDeploymentAlarmsRollback,
      setting: "deployment alarm rollback",
      from: ecsDev,
      type: "aws:ecs/service:Service",
      mutate: (i) => {
        i.alarms.rollback = false;
      },
    },
    {
      policy: p.ecsDeploymentAlarmsRollback,
      setting: "deployment alarms",
      from: ecsDev,
      type: "aws:ecs/service:Service",
      mutate: (i) => {
        delete i.alarms;
      },
    },
  ];

  describe("removing one security setting from a recorded resource makes its policy fail", () => {
    for (const m of mutations) {
      it(`${m.policy.name}: ${m.type.split(":").pop()} without ${m.setting}`, async () => {
        const resources = m.from();
        const target = resources.find(
          (r) => r.type === m.type && (m.name === undefined || m.name.test(r.name)),
        );
        assert.ok(target, `no ${m.type} ${m.name ?? ""} recorded`);
        assert.deepEqual(await check(m.policy, resources), [], "passes before the mutation");
        const after = await evaluate([m.policy], mutated(resources, target, m.mutate));
        assert.ok(after.length > 0, `${m.policy.name} did not notice`);
        const urns = new Set(resources.map((r) => r.urn));
        assert.ok(
          after.every((v) => v.urn === undefined || urns.has(v.urn)),
          JSON.stringify(after),
        );
      });
    }
    it("k8s-alb-ip-targets-readiness-gates: Deployment created before its Ingress (no dependency)", async () => {
      const deployment = eks.find((r) => r.type === "kubernetes:apps/v1:Deployment");
      const ingress = eks.find((r) => r.type === "kubernetes:networking.k8s.io/v1:Ingress");
      assert.ok(deployment?.dependencies && ingress);
      assert.ok(
        deployment.dependencies.includes(ingress.urn),
        "recorded: the Deployment depends on the Ingress",
      );
      assert.deepEqual(await check(p.albIpTargetsReadinessGates, eks), [], "passes before the mutation");
      // The order before readiness gates: Deployment first, then the Service and Ingress after it.
      const reordered = eks.map((r) =>
        r === deployment
          ? { ...r, dependencies: [] }
          : r.type === "kubernetes:core/v1:Service" || r === ingress
            ? { ...r, dependencies: [...(r.dependencies ?? []), deployment.urn] }
            : r,
      );
      assert.deepEqual(await check(p.albIpTargetsReadinessGates, reordered), [
        `Deployment ${deployment.name}: created without waiting for Ingress ${ingress.name}, so its first pods get no readiness gate (the controller injects one only when a TargetGroupBinding exists). Make the Deployment depend on the Service and Ingress.`,
      ]);
    });
    it("every policy has at least one mutation", () => {
      const covered = new Set(mutations.map((m) => m.policy.name));
      assert.deepEqual(
        p.policies.map((x) => x.name).filter((n) => !covered.has(n)),
        [],
      );
    });
  });
});
