import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { READINESS_PATH } from "./app-contract";
import {
  AWS_LOAD_BALANCER_CONTROLLER_CHART_VERSION,
  EKS_CHARTS_REPOSITORY,
} from "./aws-load-balancer-controller";
import { CLUSTER_LOG_TYPES, EksPlatform, type EksPlatformArgs } from "./eks";
import { type ComponentRun, outputValue, runComponents } from "./eks-test-mocks";
import { AWS_LOAD_BALANCER_CONTROLLER_IAM_POLICY } from "./lbc-iam-policy";

const IMAGE = `123456789012.dkr.ecr.us-east-1.amazonaws.com/fastify-deploy@sha256:${"a".repeat(64)}`;
const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555";

/** Prod-like settings. */
function prodArgs(overrides: Partial<EksPlatformArgs> = {}): EksPlatformArgs {
  return {
    image: IMAGE,
    kubernetesVersion: "1.33",
    availabilityZones: 3,
    natGateways: "onePerAz",
    endpointPublicAccessCidrs: ["203.0.113.0/24"],
    nodeGroups: [{ name: "general", instanceTypes: ["t3.medium"], minSize: 3, desiredSize: 3, maxSize: 6 }],
    bastion: { mode: "ssm" },
    app: { logLevel: "info", commit: "abc123", minReplicas: 3, maxReplicas: 12 },
    allowedCidrs: ["0.0.0.0/0"],
    certificateArn: CERT,
    tags: { team: "platform" },
    ...overrides,
  };
}

async function run(
  overrides: Partial<EksPlatformArgs> = {},
): Promise<ComponentRun & { result: EksPlatform }> {
  return runComponents(() => new EksPlatform("app", prodArgs(overrides)));
}

type SA = { annotations: Record<string, string> };

const annotationsOf = (r: ComponentRun) =>
  (
    r.one("kubernetes:networking.k8s.io/v1:Ingress").inputs.metadata as {
      annotations: Record<string, string>;
    }
  ).annotations;

describe("EksPlatform", () => {
  it("registers every child under its component, with names derived from the component name", async () => {
    const r = await run();
    const platform = r.one("fastify-deploy:platforms:EksPlatform");
    for (const resource of r.resources) {
      if (resource.type === "pulumi:pulumi:Stack" || resource === platform) continue;
      assert.ok(resource.parentUrn, `${resource.type} ${resource.name} has a parent`);
      assert.ok(resource.name.startsWith("app-"), `${resource.name} derives from the component name`);
    }
    const direct = r.resources.filter((x) => x.parentUrn === platform.urn).map((x) => x.type);
    assert.ok(direct.includes("eks:index:Cluster"));
    assert.ok(direct.includes("fastify-deploy:platforms:Bastion"));
    assert.ok(direct.includes("fastify-deploy:platforms:KubernetesApp"));
    assert.ok(direct.includes("fastify-deploy:platforms:AwsLoadBalancerController"));
  });

  it("builds its own VPC with the AZ count, the NAT strategy and load-balancer subnet tags", async () => {
    const vpc = (await run()).one("awsx:ec2:Vpc").inputs;
    assert.equal(vpc.numberOfAvailabilityZones, 3);
    assert.deepEqual(vpc.natGateways, { strategy: "OnePerAz" });
    const specs = vpc.subnetSpecs as { type: string; tags: Record<string, string> }[];
    assert.deepEqual(specs.find((s) => s.type === "Public")?.tags, { "kubernetes.io/role/elb": "1" });
    assert.deepEqual(specs.find((s) => s.type === "Private")?.tags, {
      "kubernetes.io/role/internal-elb": "1",
    });
    const single = (await run({ natGateways: "single", availabilityZones: 2 })).one("awsx:ec2:Vpc").inputs;
    assert.deepEqual(single.natGateways, { strategy: "Single" });
    assert.equal(single.numberOfAvailabilityZones, 2);
  });

  it("encrypts secrets with a rotating KMS key", async () => {
    const r = await run();
    const key = r.one("aws:kms/key:Key").inputs;
    assert.equal(key.enableKeyRotation, true);
    assert.equal(key.deletionWindowInDays, 30);
    const cluster = r.one("eks:index:Cluster").inputs;
    assert.match(cluster.encryptionConfigKeyArn as string, /^arn:aws:kms:us-east-1:123456789012:key\//);
  });

  it("pins the cluster: version, API access entries, all control-plane logs, private endpoint, OIDC, no default nodes", async () => {
    const r = await run();
    const cluster = r.one("eks:index:Cluster");
    const c = cluster.inputs;
    assert.equal(c.version, "1.33");
    assert.equal(c.authenticationMode, "API");
    assert.deepEqual(c.enabledClusterLogTypes, [...CLUSTER_LOG_TYPES]);
    assert.deepEqual([...CLUSTER_LOG_TYPES].sort(), [
      "api",
      "audit",
      "authenticator",
      "controllerManager",
      "scheduler",
    ]);
    assert.equal(c.endpointPrivateAccess, true);
    assert.equal(c.endpointPublicAccess, true);
    assert.deepEqual(c.publicAccessCidrs, ["203.0.113.0/24"]);
    assert.equal(c.createOidcProvider, true);
    assert.equal(c.skipDefaultNodeGroup, true);
    assert.equal(c.nodeAssociatePublicIpAddress, false);
    assert.equal((c.vpcCniOptions as { enableNetworkPolicy: boolean }).enableNetworkPolicy, true);
    const vpcState = r.one("awsx:ec2:Vpc");
    assert.ok(cluster.dependencies.includes(vpcState.urn));
    assert.equal((c.privateSubnetIds as string[]).length, 3);
    assert.equal((c.publicSubnetIds as string[]).length, 3);
  });

  it("turns the public endpoint off when no CIDR is given", async () => {
    const c = (await run({ endpointPublicAccessCidrs: [] })).one("eks:index:Cluster").inputs;
    assert.equal(c.endpointPublicAccess, false);
    assert.equal(c.publicAccessCidrs, undefined);
    assert.equal(c.endpointPrivateAccess, true);
  });

  it("gives the node role exactly the three node policies", async () => {
    const r = await run();
    const nodeRole = r.one("aws:iam/role:Role", "app-node-role");
    const trust = JSON.parse(nodeRole.inputs.assumeRolePolicy as string);
    assert.deepEqual(trust.Statement[0].Principal, { Service: "ec2.amazonaws.com" });
    const attached = r
      .ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
      .filter((a) => a.name.startsWith("app-node-"))
      .map((a) => a.inputs.policyArn)
      .sort();
    assert.deepEqual(attached, [
      "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
      "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
      "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
    ]);
  });

  it("runs managed node groups in private subnets from an IMDSv2-only, encrypted launch template, without SSH", async () => {
    const r = await run({
      nodeGroups: [
        {
          name: "general",
          instanceTypes: ["m6i.large"],
          minSize: 2,
          desiredSize: 3,
          maxSize: 6,
          diskSizeGiB: 50,
        },
        {
          name: "spot",
          instanceTypes: ["m7g.large"],
          minSize: 0,
          desiredSize: 1,
          maxSize: 4,
          capacityType: "SPOT",
        },
      ],
    });
    const vpc = r.one("awsx:ec2:Vpc");
    const groups = r.ofType("eks:index:ManagedNodeGroup");
    assert.deepEqual(groups.map((g) => g.name).sort(), ["app-general", "app-spot"]);
    const general = r.one("eks:index:ManagedNodeGroup", "app-general").inputs;
    assert.notEqual(general.nodeRole, undefined, "the explicit node role");
    assert.equal(general.remoteAccess, undefined, "no SSH to nodes");
    assert.equal(general.diskSize, undefined, "disk size lives in the launch template");
    assert.equal(general.capacityType, "ON_DEMAND");
    assert.deepEqual(general.instanceTypes, ["m6i.large"]);
    assert.deepEqual(general.scalingConfig, { minSize: 2, desiredSize: 3, maxSize: 6 });
    assert.equal(general.amiType, "AL2023_x86_64_STANDARD");
    assert.equal(general.version, "1.33");
    const subnets = general.subnetIds as string[];
    const clusterInputs = r.one("eks:index:Cluster").inputs;
    assert.deepEqual(subnets, clusterInputs.privateSubnetIds, "nodes only in private subnets");
    assert.ok(r.one("eks:index:ManagedNodeGroup", "app-general").dependencies.includes(vpc.urn));
    const spot = r.one("eks:index:ManagedNodeGroup", "app-spot").inputs;
    assert.equal(spot.capacityType, "SPOT");
    assert.equal(spot.amiType, "AL2023_ARM_64_STANDARD");

    const lt = r.one("aws:ec2/launchTemplate:LaunchTemplate", "app-general-lt").inputs;
    const ltRef = general.launchTemplate as { id: string; version: string };
    assert.match(ltRef.id, /^lt-/);
    assert.equal(ltRef.version, "1");
    assert.deepEqual(lt.metadataOptions, {
      httpEndpoint: "enabled",
      httpTokens: "required",
      httpPutResponseHopLimit: 1,
      instanceMetadataTags: "disabled",
    });
    assert.deepEqual(lt.blockDeviceMappings, [
      {
        deviceName: "/dev/xvda",
        ebs: { volumeType: "gp3", volumeSize: 50, encrypted: "true", deleteOnTermination: "true" },
      },
    ]);
    assert.equal(lt.keyName, undefined, "no key pair");
    assert.equal(lt.imageId, undefined, "EKS picks the AMI and writes the bootstrap");
  });

  it("installs the load balancer controller with IRSA, the official policy and a pinned chart", async () => {
    const r = await run();
    const role = r.one("aws:iam/role:Role", "app-lbc-role").inputs;
    const trust = JSON.parse(role.assumeRolePolicy as string);
    const statement = trust.Statement[0];
    assert.equal(statement.Action, "sts:AssumeRoleWithWebIdentity");
    assert.match(statement.Principal.Federated, /^arn:aws:iam::123456789012:oidc-provider\/oidc\.eks\./);
    const conditions = statement.Condition.StringEquals as Record<string, string>;
    const sub = Object.entries(conditions).find(([k]) => k.endsWith(":sub"));
    const aud = Object.entries(conditions).find(([k]) => k.endsWith(":aud"));
    assert.equal(sub?.[1], "system:serviceaccount:kube-system:aws-load-balancer-controller");
    assert.equal(aud?.[1], "sts.amazonaws.com");
    assert.ok(!sub?.[0].startsWith("https://"), "condition keys use the issuer without scheme");

    const policy = r.one("aws:iam/policy:Policy", "app-lbc-policy").inputs;
    assert.deepEqual(JSON.parse(policy.policy as string), AWS_LOAD_BALANCER_CONTROLLER_IAM_POLICY);

    const release = r.one("kubernetes:helm.sh/v3:Release");
    const k8sProvider = r.one("pulumi:providers:kubernetes");
    assert.ok(release.provider?.startsWith(k8sProvider.urn), "through the cluster's provider");
    const v = release.inputs;
    assert.equal(v.chart, "aws-load-balancer-controller");
    assert.equal(v.version, AWS_LOAD_BALANCER_CONTROLLER_CHART_VERSION);
    assert.match(v.version as string, /^\d+\.\d+\.\d+$/);
    assert.deepEqual(v.repositoryOpts, { repo: EKS_CHARTS_REPOSITORY });
    assert.equal(v.namespace, "kube-system");
    const values = v.values as Record<string, unknown>;
    assert.match(values.clusterName as string, /^app-cluster-eksCluster-/);
    assert.equal(values.region, "us-east-1");
    assert.match(values.vpcId as string, /^vpc-/);
    assert.deepEqual(values.serviceAccount, {
      create: true,
      name: "aws-load-balancer-controller",
      annotations: {
        "eks.amazonaws.com/role-arn": (values.serviceAccount as SA).annotations["eks.amazonaws.com/role-arn"],
      },
    });
    assert.match(
      (values.serviceAccount as SA).annotations["eks.amazonaws.com/role-arn"] ?? "",
      /^arn:aws:iam::123456789012:role\/app-lbc-role-[0-9a-f]{7}$/,
    );
    const attachment = r.one(
      "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
      "app-lbc-policy-attachment",
    );
    assert.ok(
      release.dependencies.includes(attachment.urn),
      "the policy is attached before the controller runs",
    );
    for (const group of r.ofType("eks:index:ManagedNodeGroup")) {
      assert.ok(
        r.one("fastify-deploy:platforms:AwsLoadBalancerController").dependencies.includes(group.urn),
        "the controller waits for nodes",
      );
    }
  });

  it("exposes the app through an internet-facing ALB Ingress with HTTPS and the readiness health check", async () => {
    const r = await run();
    const a = annotationsOf(r);
    assert.equal(a["alb.ingress.kubernetes.io/scheme"], "internet-facing");
    assert.equal(a["alb.ingress.kubernetes.io/target-type"], "ip");
    assert.equal(a["alb.ingress.kubernetes.io/healthcheck-path"], READINESS_PATH);
    assert.equal(a["alb.ingress.kubernetes.io/listen-ports"], '[{"HTTP":80},{"HTTPS":443}]');
    assert.equal(a["alb.ingress.kubernetes.io/certificate-arn"], CERT);
    assert.equal(a["alb.ingress.kubernetes.io/ssl-redirect"], "443");
    assert.equal(a["alb.ingress.kubernetes.io/ssl-policy"], "ELBSecurityPolicy-TLS13-1-2-2021-06");
    assert.equal(a["alb.ingress.kubernetes.io/inbound-cidrs"], "0.0.0.0/0");
    assert.match(
      a["alb.ingress.kubernetes.io/load-balancer-attributes"] ?? "",
      /idle_timeout\.timeout_seconds=60/,
    );
    assert.equal(
      a["alb.ingress.kubernetes.io/target-group-attributes"],
      "deregistration_delay.timeout_seconds=10",
    );
    assert.equal(a["alb.ingress.kubernetes.io/tags"], "team=platform");
    const ingress = r.one("kubernetes:networking.k8s.io/v1:Ingress");
    assert.equal((ingress.inputs.spec as { ingressClassName: string }).ingressClassName, "alb");
    const release = r.one("kubernetes:helm.sh/v3:Release");
    assert.ok(ingress.dependencies.includes(release.urn), "the Ingress depends on the controller release");
    const service = r.one("kubernetes:core/v1:Service");
    assert.ok(service.dependencies.includes(release.urn), "the Service waits for the controller's webhooks");
    assert.equal((service.inputs.spec as { type: string }).type, "ClusterIP");
    const url = await outputValue(r.result.url);
    assert.match(url.value, /^https:\/\/k8s-[0-9a-f]+-[0-9a-f]+\.us-east-1\.elb\.amazonaws\.com$/);
  });

  it("serves plain HTTP on 80 only without a certificate, open only to the allowed CIDRs", async () => {
    const r = await run({ certificateArn: undefined, allowedCidrs: ["198.51.100.0/24", "192.0.2.0/24"] });
    const a = annotationsOf(r);
    assert.equal(a["alb.ingress.kubernetes.io/listen-ports"], '[{"HTTP":80}]');
    assert.equal(a["alb.ingress.kubernetes.io/certificate-arn"], undefined);
    assert.equal(a["alb.ingress.kubernetes.io/ssl-redirect"], undefined);
    assert.equal(a["alb.ingress.kubernetes.io/inbound-cidrs"], "198.51.100.0/24,192.0.2.0/24");
    assert.match((await outputValue(r.result.url)).value, /^http:\/\//);
  });

  it("runs the app through the cluster's provider with a drain that covers ALB deregistration", async () => {
    const r = await run();
    const k8sProvider = r.one("pulumi:providers:kubernetes");
    assert.ok(k8sProvider.secretInputs.includes("kubeconfig"), "the provider's kubeconfig stays secret");
    for (const resource of r.resources.filter((x) => x.type.startsWith("kubernetes:"))) {
      assert.ok(resource.provider?.startsWith(k8sProvider.urn), `${resource.name} uses the cluster provider`);
    }
    const deployment = r.one("kubernetes:apps/v1:Deployment").inputs as {
      spec: {
        template: {
          spec: {
            terminationGracePeriodSeconds: number;
            containers: { env: { name: string; value: string }[] }[];
          };
        };
      };
    };
    const pod = deployment.spec.template.spec;
    const env = Object.fromEntries(pod.containers[0]?.env.map((e) => [e.name, e.value]) ?? []);
    assert.equal(env.APP_PLATFORM, "eks");
    assert.equal(env.SHUTDOWN_DRAIN_DELAY_MS, "15000");
    assert.equal(env.SHUTDOWN_TIMEOUT_MS, "10000");
    assert.ok(pod.terminationGracePeriodSeconds > 25, "kill window above drain + shutdown");
    const hpa = r.one("kubernetes:autoscaling/v2:HorizontalPodAutoscaler").inputs as {
      spec: { minReplicas: number; maxReplicas: number };
    };
    assert.deepEqual([hpa.spec.minReplicas, hpa.spec.maxReplicas], [3, 12]);
  });

  it("outputs the cluster, a secret kubeconfig, the VPC, namespace and bastion access", async () => {
    const r = await run();
    const p = r.result;
    assert.match((await outputValue(p.clusterName)).value, /^app-cluster-eksCluster-/);
    const kubeconfig = await outputValue(p.kubeconfig);
    assert.equal(kubeconfig.secret, true);
    assert.equal(JSON.parse(kubeconfig.value).kind, "Config");
    assert.match((await outputValue(p.vpcId)).value, /^vpc-/);
    assert.equal((await outputValue(p.namespace)).value, "fastify-app");
    const id = (await outputValue(p.bastionInstanceId)).value;
    assert.match(id, /^i-/);
    assert.equal(
      (await outputValue(p.bastionConnectCommand)).value,
      `aws ssm start-session --target ${id} --region us-east-1`,
    );
  });

  it("grants extra admin roles cluster admin through access entries", async () => {
    const arn = "arn:aws:iam::123456789012:role/platform/ops-admin";
    const r = await run({ adminRoleArns: [arn] });
    const entry = r.one("aws:eks/accessEntry:AccessEntry", "app-admin-ops-admin").inputs;
    assert.equal(entry.principalArn, arn);
    assert.equal(entry.type, "STANDARD");
    const association = r.one(
      "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
      "app-admin-ops-admin",
    ).inputs;
    assert.equal(association.policyArn, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy");
    assert.deepEqual(association.accessScope, { type: "cluster" });
  });

  it("opens no security group to the internet except through the load balancer", async () => {
    for (const bastion of [
      { mode: "ssm" as const },
      { mode: "ssh" as const, sshAllowedCidrs: ["198.51.100.7/32"] },
    ]) {
      const r = await run({ bastion });
      for (const rule of r.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")) {
        assert.notEqual(rule.inputs.cidrIpv4, "0.0.0.0/0", `${rule.name} open to the internet`);
        assert.notEqual(rule.inputs.cidrIpv6, "::/0", `${rule.name} open to the internet`);
      }
      assert.equal(
        r.ofType("aws:ec2/securityGroupRule:SecurityGroupRule").length,
        0,
        "no legacy inline-style rules",
      );
    }
  });

  it("records identical inputs on two runs (no churn)", async () => {
    const strip = (r: ComponentRun) =>
      JSON.stringify(
        Object.fromEntries(
          r.resources.map((x) => [x.urn, x.inputs] as const).sort(([a], [b]) => a.localeCompare(b)),
        ),
      );
    const first = strip(await run());
    assert.ok(first.length > 10_000);
    assert.equal(strip(await run()), first);
  });

  const invalid: [string, Partial<EksPlatformArgs>, string][] = [
    [
      "unsupported version",
      { kubernetesVersion: "1.25" },
      'EksPlatform app: kubernetesVersion must be one of 1.31, 1.32, 1.33, 1.34, 1.35, got "1.25"',
    ],
    [
      "one AZ",
      { availabilityZones: 1 },
      "EksPlatform app: availabilityZones must be an integer ≥ 2 (EKS needs subnets in two zones), got 1",
    ],
    [
      "no NAT",
      { natGateways: "none" },
      'EksPlatform app: natGateways "none" is not supported: nodes run in private subnets and need a NAT gateway to join the cluster, pull images and reach AWS APIs (use "single" or "onePerAz")',
    ],
    [
      "bad endpoint CIDR",
      { endpointPublicAccessCidrs: ["10.0.0.0"] },
      'EksPlatform app: endpointPublicAccessCidrs: "10.0.0.0" is not a CIDR',
    ],
    [
      "no allowed CIDRs",
      { allowedCidrs: [] },
      "EksPlatform app: allowedCidrs must contain at least one CIDR (the load balancer would admit no one)",
    ],
    [
      "IPv6 allowed CIDR",
      { allowedCidrs: ["::/0"] },
      'EksPlatform app: allowedCidrs: "::/0" is not an IPv4 CIDR',
    ],
    [
      "no node groups",
      { nodeGroups: [] },
      "EksPlatform app: nodeGroups must contain at least one node group",
    ],
    [
      "min > desired",
      { nodeGroups: [{ name: "g", minSize: 3, desiredSize: 2, maxSize: 4 }] },
      'EksPlatform app: nodeGroups["g"]: need minSize ≤ desiredSize ≤ maxSize, got 3, 2, 4',
    ],
    [
      "duplicate node group",
      {
        nodeGroups: [
          { name: "g", minSize: 1, desiredSize: 1, maxSize: 1 },
          { name: "g", minSize: 1, desiredSize: 1, maxSize: 1 },
        ],
      },
      'EksPlatform app: nodeGroups["g"]: duplicate node group name',
    ],
    [
      "bad node group name",
      { nodeGroups: [{ name: "General_1", minSize: 1, desiredSize: 1, maxSize: 1 }] },
      'EksPlatform app: nodeGroups["General_1"]: name must be a DNS label of at most 32 characters',
    ],
    [
      "mixed architectures",
      {
        nodeGroups: [
          { name: "g", instanceTypes: ["m6i.large", "m7g.large"], minSize: 1, desiredSize: 1, maxSize: 1 },
        ],
      },
      'EksPlatform app: nodeGroups["g"]: instanceTypes mix arm64 and x86_64 (m6i.large, m7g.large); one AMI type serves a group',
    ],
    [
      "small disk",
      { nodeGroups: [{ name: "g", minSize: 1, desiredSize: 1, maxSize: 1, diskSizeGiB: 10 }] },
      'EksPlatform app: nodeGroups["g"]: diskSizeGiB must be an integer ≥ 20 (the EKS AMI\'s size), got 10',
    ],
    [
      "bad admin ARN",
      { adminRoleArns: ["arn:aws:iam::123456789012:user/alice"] },
      'EksPlatform app: adminRoleArns: "arn:aws:iam::123456789012:user/alice" is not an IAM role ARN',
    ],
    [
      "SSH from anywhere",
      { bastion: { mode: "ssh", sshAllowedCidrs: ["0.0.0.0/0"] } },
      "EksPlatform app: bastion.sshAllowedCidrs must not open SSH to the whole internet (0.0.0.0/0 or ::/0)",
    ],
    [
      "drain too short",
      { app: { logLevel: "info", commit: "x", minReplicas: 1, maxReplicas: 1, drainDelayMs: 1000 } },
      "EksPlatform app: app.drainDelayMs must be ≥ 5000: a terminating pod must keep serving until the ALB has deregistered it, got 1000",
    ],
  ];
  for (const [label, overrides, message] of invalid) {
    it(`rejects ${label}`, async () => {
      await assert.rejects(run(overrides), new Error(message));
    });
  }
});
