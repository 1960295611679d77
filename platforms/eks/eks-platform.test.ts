import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { KNOWN_KUBERNETES_VERSIONS } from "../../facts";
import { kubernetesObjects, schemaViolations } from "../../test/kubernetes-schema";
import {
  inputsByUrn,
  MOCK_CALLS,
  MOCK_NODE_RELEASE_VERSION,
  type ProgramRun,
  type RecordedResource,
  runProgram,
} from "../../tools/harness";
import { READINESS_PATH } from "../app-contract";
import { albIngressAnnotations } from "../aws/alb";
import {
  APP_ROLE_ANNOTATION,
  clusterAdminRoles,
  EKS_HEALTH_CHECK,
  noCreatorAdmin,
  nodeReleaseVersionParameter,
} from "./eks-platform";
import { awsLoadBalancerControllerIamPolicy } from "./lbc-iam-policy";
import {
  AWS_LOAD_BALANCER_CONTROLLER_CHART_VERSION,
  EKS_CHARTS_REPOSITORY,
} from "./load-balancer-controller";
import { podIdentityTrustPolicy } from "./pod-identity";
import { CLUSTER_AUTOSCALER_CHART, EKS_VERSIONS, FLUENT_BIT_CHART } from "./versions";

const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555";
const ADMIN = "arn:aws:iam::123456789012:role/platform/ops-admin";
const INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const NODE_GROUP = "eks:index:ManagedNodeGroup";
const ADDON = "aws:eks/addon:Addon";

/**
 * dev switched to eks, everything prod does not exercise: two AZs and one NAT gateway, Graviton spot
 * nodes for an arm64 image, no public API endpoint, an SSH bastion with cluster admin, an admin role,
 * a load balancer open to two CIDRs only, no certificate.
 */
const DEV_EKS = {
  stack: "dev",
  config: {
    platform: "eks",
    natGateways: "single",
    imagePlatform: "linux/arm64",
    nodeInstanceTypes: ["m7g.large"],
    nodeCapacityType: "SPOT",
    // One node per zone at least (one node group per zone; config splits these over the 2 zones).
    nodeMinSize: 2,
    nodeDesiredSize: 2,
    nodeMaxSize: 4,
    endpointPublicAccessCidrs: [],
    bastionMode: "ssh",
    bastionSshAllowedCidrs: ["198.51.100.7/32"],
    bastionAccessPolicy: "clusterAdmin",
    adminRoleArns: [ADMIN],
    allowedCidrs: ["198.51.100.0/24", "192.0.2.0/24"],
  },
  // ECS-only keys dev sets.
  unset: ["cpu", "memory", "logRetentionDays"],
};

const annotationsOf = (r: ProgramRun) =>
  (
    r.one("kubernetes:networking.k8s.io/v1:Ingress").inputs.metadata as {
      annotations: Record<string, string>;
    }
  ).annotations;
const dependsOn = (r: RecordedResource, on: RecordedResource): boolean =>
  (r.dependencies ?? []).includes(on.urn);
const ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation";

/**
 * `roleName` is a Pod Identity role for exactly one service account, `namespace/serviceAccount` of this
 * stack's cluster (trust: pods.eks.amazonaws.com, pinned by session tags), and that service account has
 * exactly one association, to this role. Returns the association.
 */
function assertPodIdentity(
  run: ProgramRun,
  roleName: string,
  namespace: string,
  serviceAccount: string,
): RecordedResource {
  const role = run.one("aws:iam/role:Role", roleName);
  const clusterName = run.outputs.clusterName?.value as string;
  assert.deepEqual(
    JSON.parse(role.inputs.assumeRolePolicy as string),
    podIdentityTrustPolicy({ clusterName, namespace, serviceAccount }),
  );
  const associations = run
    .ofType(ASSOCIATION)
    .filter((a) => a.inputs.namespace === namespace && a.inputs.serviceAccount === serviceAccount);
  assert.equal(associations.length, 1, `${namespace}/${serviceAccount}: one association`);
  const association = associations[0] as RecordedResource;
  assert.equal(association.inputs.roleArn, role.state.arn);
  assert.equal(association.inputs.clusterName, clusterName);
  return association;
}

describe("EKS platform", () => {
  let prod: ProgramRun;
  let prodHttps: ProgramRun;
  let dev: ProgramRun;
  /** prod one minor back, with its own log settings and the EXTENDED upgrade policy. */
  let prod135: ProgramRun;

  before(async () => {
    prod = await runProgram({ stack: "prod" });
    prodHttps = await runProgram({ stack: "prod", config: { certificateArn: CERT } });
    dev = await runProgram(DEV_EKS);
    prod135 = await runProgram({
      stack: "prod",
      config: {
        kubernetesVersion: "1.35",
        kubernetesSupportType: "EXTENDED",
        logRetentionDays: 90,
        clusterLogTypes: ["api", "audit", "authenticator"],
      },
    });
  });

  it("registers every child under EksPlatform, with names derived from the component name", () => {
    for (const r of [prod, dev]) {
      const platform = r.one("fastify-deploy:platforms:EksPlatform");
      const inside = new Set([platform.urn]);
      for (const resource of r.resources) {
        if (resource.parentUrn && inside.has(resource.parentUrn)) inside.add(resource.urn);
      }
      for (const resource of r.resources) {
        if (
          resource.type === "pulumi:pulumi:Stack" ||
          resource.parentType === "fastify-deploy:index:AppImage"
        )
          continue;
        if (resource.type === "fastify-deploy:index:AppImage" || resource === platform) continue;
        assert.ok(inside.has(resource.urn), `${resource.type} ${resource.name} is inside the platform`);
        assert.ok(resource.name.startsWith("app-"), `${resource.name} derives from the component name`);
      }
      const direct = r.resources.filter((x) => x.parentUrn === platform.urn).map((x) => x.type);
      for (const type of [
        "eks:index:Cluster",
        "fastify-deploy:platforms:Bastion",
        "fastify-deploy:platforms:KubernetesApp",
        "fastify-deploy:platforms:AwsLoadBalancerController",
      ]) {
        assert.ok(direct.includes(type), type);
      }
    }
  });

  it("builds its own VPC with the AZ count, the NAT strategy and load-balancer subnet tags", () => {
    const vpc = prod.one("awsx:ec2:Vpc").inputs;
    assert.equal(vpc.numberOfAvailabilityZones, 3);
    assert.deepEqual(vpc.natGateways, { strategy: "OnePerAz" });
    const specs = vpc.subnetSpecs as { type: string; tags: Record<string, string> }[];
    assert.deepEqual(specs.find((s) => s.type === "Public")?.tags, { "kubernetes.io/role/elb": "1" });
    assert.deepEqual(specs.find((s) => s.type === "Private")?.tags, {
      "kubernetes.io/role/internal-elb": "1",
    });
    const single = dev.one("awsx:ec2:Vpc").inputs;
    assert.deepEqual(single.natGateways, { strategy: "Single" });
    assert.equal(single.numberOfAvailabilityZones, 2);
  });

  it("encrypts secrets with a rotating KMS key", () => {
    const secretsKey = prod.one("aws:kms/key:Key", "app-secrets-key");
    const key = secretsKey.inputs;
    assert.equal(key.enableKeyRotation, true);
    assert.equal(key.deletionWindowInDays, 30);
    const cluster = prod.one("eks:index:Cluster").inputs;
    assert.equal(cluster.encryptionConfigKeyArn, secretsKey.state.arn);
    assert.match(cluster.encryptionConfigKeyArn as string, /^arn:aws:kms:us-east-1:123456789012:key\//);
  });

  it("pins the cluster: version, API access entries, control-plane logs, private endpoint, no IAM OIDC provider, no default nodes", () => {
    const cluster = prod.one("eks:index:Cluster");
    const c = cluster.inputs;
    assert.equal(c.version, "1.36");
    // kubernetesSupportType, explicit both ways: eks.Cluster's own default is EXTENDED (pulumi-eks
    // schema, eks:index:Cluster upgradePolicy: "Defaults to EXTENDED"), which the old code hard-wired.
    assert.deepEqual(c.upgradePolicy, { supportType: "STANDARD" });
    assert.deepEqual(prod135.one("eks:index:Cluster").inputs.upgradePolicy, { supportType: "EXTENDED" });
    assert.equal(c.authenticationMode, "API");
    assert.deepEqual(c.enabledClusterLogTypes, ["audit", "authenticator"], "the cost-decided default");
    assert.equal(c.endpointPrivateAccess, true);
    assert.equal(c.endpointPublicAccess, true);
    assert.deepEqual(c.publicAccessCidrs, ["203.0.113.0/24"]);
    // Nothing uses IRSA any more (every AWS caller has a Pod Identity association): no IAM OIDC provider.
    assert.equal(c.createOidcProvider, false);
    assert.equal(c.skipDefaultNodeGroup, true);
    assert.equal(c.nodeAssociatePublicIpAddress, false);
    // pulumi-eks's floating add-ons are off: the pinned aws.eks.Addon resources replace them.
    assert.equal(c.useDefaultVpcCni, true);
    assert.equal(c.vpcCniOptions, undefined);
    assert.equal((c.kubeProxyAddonOptions as { enabled: boolean }).enabled, false);
    assert.equal((c.corednsAddonOptions as { enabled: boolean }).enabled, false);
    const vpc = prod.one("awsx:ec2:Vpc");
    assert.ok(dependsOn(cluster, vpc));
    assert.deepEqual(c.privateSubnetIds, vpc.state.privateSubnetIds);
    assert.deepEqual(c.publicSubnetIds, vpc.state.publicSubnetIds);
    assert.equal((c.privateSubnetIds as string[]).length, 3);
  });

  it("turns the public endpoint off when no CIDR is given", () => {
    const c = dev.one("eks:index:Cluster").inputs;
    assert.equal(c.endpointPublicAccess, false);
    assert.equal(c.publicAccessCidrs, undefined);
    assert.equal(c.endpointPrivateAccess, true);
  });

  it("gives the node role exactly the two node policies: not the VPC CNI's, which host-network pods could borrow", () => {
    const nodeRole = prod.one("aws:iam/role:Role", "app-node-role");
    const trust = JSON.parse(nodeRole.inputs.assumeRolePolicy as string);
    assert.deepEqual(trust.Statement[0].Principal, { Service: "ec2.amazonaws.com" });
    const attached = prod
      .ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
      .filter((a) => a.name.startsWith("app-node-"))
      .map((a) => a.inputs.policyArn)
      .sort();
    assert.deepEqual(attached, [
      // PullOnly, as the EKS node IAM role guide names (issue 32 item 9); never ReadOnly.
      "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
      "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    ]);
    assert.deepEqual(
      prod.ofType("aws:iam/rolePolicy:RolePolicy").filter((p) => p.inputs.role === nodeRole.state.name),
      [],
      "no inline policy either",
    );
  });

  it("runs one managed node group per zone, each in its zone's private subnet, sized by the cluster-wide split", () => {
    const vpc = prod.one("awsx:ec2:Vpc");
    const privateSubnets = vpc.state.privateSubnetIds as string[];
    const groups = prod.ofType(NODE_GROUP);
    assert.deepEqual(
      groups.map((g) => g.name),
      ["app-general-az1", "app-general-az2", "app-general-az3"],
    );
    assert.deepEqual(
      groups.map((g) => g.inputs.subnetIds),
      privateSubnets.map((id) => [id]),
      "the i-th group in the i-th zone's private subnet only",
    );
    // nodeMinSize 3 / nodeDesiredSize 3 / nodeMaxSize 6 over 3 zones: 1 / 1 / 2 each, the same totals.
    for (const g of groups) {
      assert.deepEqual(g.inputs.scalingConfig, { minSize: 1, desiredSize: 1, maxSize: 2 });
    }
    // Upgrades roll one zone at a time: each group waits for the previous zone's (an update of az2
    // starts when az1's has finished), never all three zones draining at once.
    const [az1, az2, az3] = groups as [RecordedResource, RecordedResource, RecordedResource];
    assert.ok(dependsOn(az2, az1) && dependsOn(az3, az2), "az1 → az2 → az3");
    assert.ok(!dependsOn(az1, az2) && !dependsOn(az1, az3));
    // Similar groups for --balance-similar-node-groups: everything but the subnet is the same.
    const withoutSubnet = (g: RecordedResource) => ({ ...g.inputs, subnetIds: undefined });
    for (const g of groups.slice(1))
      assert.deepEqual(withoutSubnet(g), withoutSubnet(groups[0] as RecordedResource));
    // dev: 2 / 2 / 4 over 2 zones.
    assert.deepEqual(
      dev.ofType(NODE_GROUP).map((g) => [g.name, g.inputs.scalingConfig]),
      [
        ["app-general-az1", { minSize: 1, desiredSize: 1, maxSize: 2 }],
        ["app-general-az2", { minSize: 1, desiredSize: 1, maxSize: 2 }],
      ],
    );
  });

  it("runs managed node groups in private subnets from an IMDSv2-only, encrypted launch template, without SSH", () => {
    const group = prod.one(NODE_GROUP, "app-general-az1");
    const general = group.inputs;
    assert.equal(
      general.nodeRole,
      prod.one("aws:iam/role:Role", "app-node-role").urn,
      "the explicit node role",
    );
    assert.equal(general.cluster, prod.one("eks:index:Cluster").urn);
    assert.equal(general.remoteAccess, undefined, "no SSH to nodes");
    assert.equal(general.diskSize, undefined, "disk size lives in the launch template");
    assert.equal(general.capacityType, "ON_DEMAND");
    assert.deepEqual(general.instanceTypes, ["m6i.large"]);
    assert.deepEqual(general.scalingConfig, { minSize: 1, desiredSize: 1, maxSize: 2 });
    assert.equal(general.amiType, "AL2023_x86_64_STANDARD");
    assert.equal(general.version, "1.36");
    assert.deepEqual(
      general.subnetIds,
      (prod.one("awsx:ec2:Vpc").state.privateSubnetIds as string[]).slice(0, 1),
      "the first zone's private subnet only",
    );
    assert.ok(dependsOn(group, prod.one("awsx:ec2:Vpc")));

    // Issue 32 item 7: the AMI release AWS recommends now, from its public parameter, so an `up` after
    // an AMI release rolls the nodes (no releaseVersion: the release of the group's creation, for life).
    assert.equal(general.releaseVersion, MOCK_NODE_RELEASE_VERSION);
    const parameters = (r: ProgramRun) =>
      r.calls.filter((c) => c.token === "aws:ssm/getParameter:getParameter").map((c) => c.inputs.name);
    assert.ok(parameters(prod).includes(nodeReleaseVersionParameter("1.36", false)));
    assert.equal(
      nodeReleaseVersionParameter("1.36", false),
      "/aws/service/eks/optimized-ami/1.36/amazon-linux-2023/x86_64/standard/recommended/release_version",
    );
    assert.ok(parameters(dev).includes(nodeReleaseVersionParameter("1.36", true)), "arm64 on dev");

    const spot = dev.one(NODE_GROUP, "app-general-az1").inputs;
    assert.equal(spot.capacityType, "SPOT");
    assert.equal(spot.releaseVersion, MOCK_NODE_RELEASE_VERSION);
    assert.equal(spot.amiType, "AL2023_ARM_64_STANDARD");
    assert.deepEqual(spot.instanceTypes, ["m7g.large"]);
    assert.deepEqual(spot.scalingConfig, { minSize: 1, desiredSize: 1, maxSize: 2 });

    for (const r of [prod, dev]) {
      const lt = r.one("aws:ec2/launchTemplate:LaunchTemplate", "app-general-lt");
      // One launch template, shared by every zone's group.
      const refs = r
        .ofType(NODE_GROUP)
        .map((g) => g.inputs.launchTemplate as { id: string; version: string });
      assert.deepEqual(new Set(refs.map((ref) => ref.id)), new Set([lt.id]));
      const ltRef = refs[0] as { id: string; version: string };
      assert.match(ltRef.id, /^lt-/);
      assert.equal(ltRef.version, "1");
      assert.deepEqual(lt.inputs.metadataOptions, {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
        instanceMetadataTags: "disabled",
      });
      assert.equal(lt.inputs.keyName, undefined, "no key pair");
      assert.equal(lt.inputs.imageId, undefined, "EKS picks the AMI and writes the bootstrap");
    }
    assert.deepEqual(prod.one("aws:ec2/launchTemplate:LaunchTemplate").inputs.blockDeviceMappings, [
      {
        deviceName: "/dev/xvda",
        ebs: { volumeType: "gp3", volumeSize: 50, encrypted: "true", deleteOnTermination: "true" },
      },
    ]);
  });

  it("installs the load balancer controller with EKS Pod Identity, the official policy and a pinned chart", () => {
    const association = assertPodIdentity(
      prod,
      "app-lbc-role",
      "kube-system",
      "aws-load-balancer-controller",
    );

    const policy = prod.one("aws:iam/policy:Policy", "app-lbc-policy").inputs;
    const vpcArn = `arn:aws:ec2:us-east-1:123456789012:vpc/${prod.one("awsx:ec2:Vpc").state.vpcId}`;
    assert.deepEqual(
      JSON.parse(policy.policy as string),
      awsLoadBalancerControllerIamPolicy({
        partition: "aws",
        accountId: "123456789012",
        region: "us-east-1",
        vpcArn,
        clusterName: prod.outputs.clusterName?.value as string,
      }),
    );

    const release = prod.one("kubernetes:helm.sh/v3:Release", "app-lbc-release");
    const k8sProvider = prod.one("pulumi:providers:kubernetes");
    assert.ok(release.provider?.startsWith(k8sProvider.urn), "through the cluster's provider");
    const v = release.inputs;
    assert.equal(v.chart, "aws-load-balancer-controller");
    assert.equal(v.version, AWS_LOAD_BALANCER_CONTROLLER_CHART_VERSION);
    assert.match(v.version as string, /^\d+\.\d+\.\d+$/);
    assert.deepEqual(v.repositoryOpts, { repo: EKS_CHARTS_REPOSITORY });
    assert.equal(v.namespace, "kube-system");
    const values = v.values as Record<string, unknown>;
    assert.equal(values.clusterName, prod.outputs.clusterName?.value);
    assert.equal(values.region, "us-east-1");
    assert.equal(values.vpcId, prod.outputs.vpcId?.value);
    // No IRSA annotation: the association gives the pods the role, and the release waits for it (EKS
    // sets the credentials only on pods created after the association).
    assert.deepEqual(values.serviceAccount, { create: true, name: "aws-load-balancer-controller" });
    assert.ok(dependsOn(release, association), "the association exists before the controller's pods");
    const attachment = prod.one(
      "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
      "app-lbc-policy-attachment",
    );
    assert.ok(dependsOn(release, attachment), "the policy is attached before the controller runs");
    // The release itself (not only its component: a component's dependsOn does not reach its children)
    // waits for CoreDNS, which waits for the nodes.
    const coredns = prod
      .ofType("aws:eks/addon:Addon")
      .find((a) => a.inputs.addonName === "coredns") as RecordedResource;
    assert.ok(dependsOn(release, coredns), "the controller waits for cluster DNS");
    for (const group of prod.ofType(NODE_GROUP)) {
      assert.ok(dependsOn(coredns, group), "which waits for nodes");
    }
  });

  it("exposes the app through an internet-facing ALB Ingress with HTTPS and the readiness health check", () => {
    const a = annotationsOf(prodHttps);
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
    // As ECS's ALB (issue 32 item 9): the controller's default is `defensive`.
    assert.ok(
      (a["alb.ingress.kubernetes.io/load-balancer-attributes"] ?? "")
        .split(",")
        .includes("routing.http.desync_mitigation_mode=strictest"),
    );
    assert.equal(
      a["alb.ingress.kubernetes.io/target-group-attributes"],
      "deregistration_delay.timeout_seconds=10",
    );
    const ingress = prodHttps.one("kubernetes:networking.k8s.io/v1:Ingress");
    assert.equal((ingress.inputs.spec as { ingressClassName: string }).ingressClassName, "alb");
    const release = prodHttps.one("kubernetes:helm.sh/v3:Release", "app-lbc-release");
    assert.ok(dependsOn(ingress, release), "the Ingress depends on the controller release");
    const service = prodHttps.one("kubernetes:core/v1:Service");
    assert.ok(dependsOn(service, release), "the Service waits for the controller's webhooks");
    assert.equal((service.inputs.spec as { type: string }).type, "ClusterIP");
    assert.match(
      prodHttps.outputs.url?.value as string,
      /^https:\/\/k8s-[0-9a-f]+-[0-9a-f]+-\d+\.us-east-1\.elb\.amazonaws\.com$/,
    );
    assert.equal(prodHttps.outputs.url?.value, `https://${prodHttps.outputs.loadBalancerDnsName?.value}`);
  });

  it("tags the ALB when tags are given (annotation builder)", () => {
    const a = albIngressAnnotations({
      loadBalancer: { allowedCidrs: ["0.0.0.0/0"], deletionProtection: false, prodGrade: false },
      healthCheck: EKS_HEALTH_CHECK,
      deregistrationDelaySeconds: 10,
      tags: { team: "platform" },
    });
    assert.equal(a["alb.ingress.kubernetes.io/tags"], "team=platform");
    assert.deepEqual(Object.keys(a), Object.keys(a).sort(), "stable key order");
  });

  it("serves plain HTTP on 80 only without a certificate, open only to the allowed CIDRs", () => {
    const a = annotationsOf(dev);
    assert.equal(a["alb.ingress.kubernetes.io/listen-ports"], '[{"HTTP":80}]');
    assert.equal(a["alb.ingress.kubernetes.io/certificate-arn"], undefined);
    assert.equal(a["alb.ingress.kubernetes.io/ssl-redirect"], undefined);
    assert.equal(a["alb.ingress.kubernetes.io/inbound-cidrs"], "198.51.100.0/24,192.0.2.0/24");
    assert.match(dev.outputs.url?.value as string, /^http:\/\//);
    assert.match(prod.outputs.url?.value as string, /^http:\/\//, "prod as committed has no certificate");
  });

  it("runs the app through the cluster's provider with prod's replicas and a drain that covers ALB deregistration", () => {
    const k8sProvider = prod.one("pulumi:providers:kubernetes");
    assert.ok(k8sProvider.secretInputs.includes("kubeconfig"), "the provider's kubeconfig stays secret");
    for (const resource of prod.resources.filter((x) => x.type.startsWith("kubernetes:"))) {
      assert.ok(resource.provider?.startsWith(k8sProvider.urn), `${resource.name} uses the cluster provider`);
    }
    const deployment = prod.one("kubernetes:apps/v1:Deployment").inputs as {
      metadata: { namespace: string };
      spec: {
        replicas: number;
        template: {
          spec: {
            terminationGracePeriodSeconds: number;
            containers: { image: string; env: { name: string; value: string }[] }[];
          };
        };
      };
    };
    assert.equal(deployment.metadata.namespace, "fastify-app");
    assert.equal(deployment.spec.replicas, 3);
    const pod = deployment.spec.template.spec;
    assert.equal(pod.containers[0]?.image, prod.outputs.imageUri?.value, "the digest-pinned image");
    const env = Object.fromEntries(pod.containers[0]?.env.map((e) => [e.name, e.value]) ?? []);
    assert.equal(env.APP_PLATFORM, "eks");
    assert.equal(env.SHUTDOWN_DRAIN_DELAY_MS, "15000");
    assert.equal(env.SHUTDOWN_TIMEOUT_MS, "10000");
    assert.ok(pod.terminationGracePeriodSeconds > 25, "kill window above drain + shutdown");
    const hpa = prod.one("kubernetes:autoscaling/v2:HorizontalPodAutoscaler").inputs as {
      spec: { minReplicas: number; maxReplicas: number };
    };
    assert.deepEqual([hpa.spec.minReplicas, hpa.spec.maxReplicas], [3, 12]);
  });

  it("rollout semantics: readiness gates with Service and Ingress first, per-revision spread, hard zones at 3 replicas over 3 zones, evictable unhealthy pods", () => {
    for (const [stack, run, zoneSpread] of [
      ["prod", prod, "DoNotSchedule"], // 3 replicas, 3 zones
      ["dev", dev, "ScheduleAnyway"], // fewer replicas than zones
    ] as const) {
      const namespace = run.one("kubernetes:core/v1:Namespace");
      const labels = (namespace.inputs.metadata as { labels: Record<string, string> }).labels;
      assert.equal(labels["elbv2.k8s.aws/pod-readiness-gate-inject"], "enabled", stack);
      const deployment = run.one("kubernetes:apps/v1:Deployment");
      const service = run.one("kubernetes:core/v1:Service");
      const ingress = run.one("kubernetes:networking.k8s.io/v1:Ingress");
      assert.ok(dependsOn(deployment, service) && dependsOn(deployment, ingress), `${stack}: pods come last`);
      assert.ok(!dependsOn(service, deployment), `${stack}: the Service does not wait for the pods`);
      assert.ok(dependsOn(ingress, service), stack);
      // Created before its pods, the Service must not wait for ready endpoints (Pulumi's Service await).
      const annotations = (r: RecordedResource) =>
        (r.inputs.metadata as { annotations?: Record<string, string> }).annotations ?? {};
      assert.equal(annotations(service)["pulumi.com/skipAwait"], "true", stack);
      assert.equal(
        annotations(ingress)["pulumi.com/skipAwait"],
        undefined,
        `${stack}: the Ingress is awaited`,
      );
      const pod = (deployment.inputs as { spec: { template: { spec: Record<string, unknown> } } }).spec
        .template.spec;
      const spread = pod.topologySpreadConstraints as {
        topologyKey: string;
        whenUnsatisfiable: string;
        matchLabelKeys: string[];
      }[];
      assert.deepEqual(
        spread.map((c) => [c.topologyKey, c.whenUnsatisfiable, c.matchLabelKeys]),
        [
          ["topology.kubernetes.io/zone", zoneSpread, ["pod-template-hash"]],
          ["kubernetes.io/hostname", "ScheduleAnyway", ["pod-template-hash"]],
        ],
        stack,
      );
      const pdb = run.one("kubernetes:policy/v1:PodDisruptionBudget").inputs as {
        spec: Record<string, unknown>;
      };
      assert.equal(pdb.spec.unhealthyPodEvictionPolicy, "AlwaysAllow", stack);
      const release = run.one("kubernetes:helm.sh/v3:Release", "app-lbc-release").inputs as {
        values: Record<string, unknown>;
      };
      assert.equal(release.values.keepTLSSecret, true, stack);
    }
  });

  it("creates only Kubernetes objects that are valid against the OpenAPI schema", () => {
    for (const r of [prod, prodHttps, dev]) {
      const objects = kubernetesObjects(r);
      assert.ok(objects.length >= 7, `${r.stack}: the app's objects were recorded`);
      assert.deepEqual(schemaViolations(objects), []);
    }
  });

  it("outputs exactly the contract: common keys, cluster, secret kubeconfig, VPC, namespace, load balancer, bastion", () => {
    const keys = [
      "alarmTopicArn",
      "appRoleArn",
      "bastionConnectCommand",
      "bastionInstanceId",
      "clusterName",
      "containerLogGroupName",
      "controlPlaneLogGroupName",
      "dashboardUrl",
      "imageUri",
      "kubeconfig",
      "loadBalancerDnsName",
      "namespace",
      "platform",
      "url",
      "vpcId",
    ];
    for (const r of [prod, dev]) {
      assert.deepEqual(Object.keys(r.outputs), keys);
      for (const key of keys) {
        assert.equal(r.outputs[key]?.secret, key === "kubeconfig", `${key} secret only if kubeconfig`);
      }
    }
    const o = prod.outputValues();
    assert.equal(o.platform, "eks");
    assert.match(o.imageUri as string, /^[^@\s]+@sha256:[a-f0-9]{64}$/);
    assert.equal(o.clusterName, (prod.one("eks:index:Cluster").state.eksCluster as { name: string }).name);
    assert.equal(o.clusterName, "fastify-deploy-prod", "named up front: <project>-<stack>");
    const kubeconfig = JSON.parse(o.kubeconfig as string);
    assert.equal(kubeconfig.kind, "Config");
    assert.deepEqual(kubeconfig.users[0].user.exec.args.slice(0, 4), [
      "eks",
      "get-token",
      "--cluster-name",
      o.clusterName,
    ]);
    assert.equal(o.vpcId, prod.one("awsx:ec2:Vpc").state.vpcId);
    assert.equal(o.namespace, "fastify-app");
    assert.equal(o.bastionInstanceId, prod.one("aws:ec2/instance:Instance").id);
    assert.match(o.bastionInstanceId as string, /^i-/);
    assert.equal(
      o.bastionConnectCommand,
      `aws ssm start-session --target ${o.bastionInstanceId} --document-name fastify-deploy-prod-bastion-session --region us-east-1`,
    );
    assert.match(o.loadBalancerDnsName as string, /\.us-east-1\.elb\.amazonaws\.com$/);
  });

  it("pins vpc-cni, kube-proxy, coredns, metrics-server and the Pod Identity agent as EKS add-ons at the table's versions, in order", () => {
    const row = EKS_VERSIONS["1.36"];
    const addons = Object.fromEntries(
      prod.ofType(ADDON).map((a) => [a.inputs.addonName as string, a] as const),
    );
    assert.deepEqual(Object.keys(addons).sort(), [
      "coredns",
      "eks-pod-identity-agent",
      "kube-proxy",
      "metrics-server",
      "vpc-cni",
    ]);
    assert.equal(addons["eks-pod-identity-agent"]?.inputs.addonVersion, row.podIdentityAgent);
    assert.equal(addons["vpc-cni"]?.inputs.addonVersion, row.vpcCni);
    assert.equal(addons["kube-proxy"]?.inputs.addonVersion, row.kubeProxy);
    assert.equal(addons.coredns?.inputs.addonVersion, row.coredns);
    assert.equal(addons["metrics-server"]?.inputs.addonVersion, row.metricsServer);
    for (const addon of Object.values(addons)) {
      assert.equal(addon.inputs.clusterName, "fastify-deploy-prod");
      assert.match(addon.inputs.addonVersion as string, /^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
      assert.equal(addon.inputs.resolveConflictsOnCreate, "OVERWRITE", "adopts EKS's self-managed copy");
    }
    assert.deepEqual(JSON.parse(addons["vpc-cni"]?.inputs.configurationValues as string), {
      enableNetworkPolicy: "true",
    });
    // The VPC CNI's permissions through its add-on's own association (not the node role), after the
    // agent and the role's policy.
    const cniRole = prod.one("aws:iam/role:Role", "app-vpc-cni-role");
    assert.deepEqual(addons["vpc-cni"]?.inputs.podIdentityAssociations, [
      { roleArn: cniRole.state.arn, serviceAccount: "aws-node" },
    ]);
    assert.deepEqual(
      JSON.parse(cniRole.inputs.assumeRolePolicy as string),
      podIdentityTrustPolicy({
        clusterName: "fastify-deploy-prod",
        namespace: "kube-system",
        serviceAccount: "aws-node",
      }),
    );
    const cniPolicy = prod.one(
      "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
      "app-vpc-cni-AmazonEKS_CNI_Policy",
    );
    assert.equal(cniPolicy.inputs.policyArn, "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy");
    assert.equal(cniPolicy.inputs.role, cniRole.state.name);
    assert.ok(dependsOn(addons["vpc-cni"] as RecordedResource, cniPolicy));
    assert.ok(
      dependsOn(addons["vpc-cni"] as RecordedResource, addons["eks-pod-identity-agent"] as RecordedResource),
    );
    for (const group of prod.ofType(NODE_GROUP)) {
      assert.ok(dependsOn(group, addons["vpc-cni"] as RecordedResource), "nodes start on the pinned CNI");
      assert.ok(dependsOn(group, addons["eks-pod-identity-agent"] as RecordedResource), "and the agent");
      assert.ok(dependsOn(group, addons["kube-proxy"] as RecordedResource));
      assert.ok(dependsOn(addons.coredns as RecordedResource, group), "coredns pods need nodes");
      assert.ok(dependsOn(addons["metrics-server"] as RecordedResource, group));
    }
    // The version follows kubernetesVersion, from the one table.
    const addonVersions = (r: ProgramRun) =>
      Object.fromEntries(r.ofType(ADDON).map((a) => [a.inputs.addonName, a.inputs.addonVersion]));
    assert.deepEqual(addonVersions(prod135), {
      "vpc-cni": EKS_VERSIONS["1.35"].vpcCni,
      "kube-proxy": EKS_VERSIONS["1.35"].kubeProxy,
      coredns: EKS_VERSIONS["1.35"].coredns,
      "metrics-server": EKS_VERSIONS["1.35"].metricsServer,
      "eks-pod-identity-agent": EKS_VERSIONS["1.35"].podIdentityAgent,
    });
  });

  it("has a version row for every supported Kubernetes version, each kube-proxy and autoscaler on its minor", () => {
    assert.deepEqual(Object.keys(EKS_VERSIONS).sort(), [...KNOWN_KUBERNETES_VERSIONS].sort());
    for (const [minor, row] of Object.entries(EKS_VERSIONS)) {
      assert.ok(row.kubeProxy.startsWith(`v${minor}.`), `kube-proxy ${row.kubeProxy} for ${minor}`);
      assert.ok(row.clusterAutoscaler.startsWith(`v${minor}.`), `autoscaler ${row.clusterAutoscaler}`);
    }
  });

  it("creates the HPA only after metrics-server: the resource metrics API exists when it starts", () => {
    const hpa = prod.one("kubernetes:autoscaling/v2:HorizontalPodAutoscaler");
    const metricsServer = prod.ofType(ADDON).find((a) => a.inputs.addonName === "metrics-server");
    assert.ok(metricsServer);
    assert.ok(dependsOn(hpa, metricsServer), "HPA depends on the metrics-server add-on");
  });

  it("runs the Cluster Autoscaler (pinned chart, Pod Identity, tag-scoped, balancing the zones' groups) and leaves the desired size to it", () => {
    for (const group of prod.ofType(NODE_GROUP)) {
      assert.equal(group.inputs.ignoreScalingChanges, true);
      assert.deepEqual(group.inputs.scalingConfig, { minSize: 1, desiredSize: 1, maxSize: 2 });
    }
    const release = prod.one("kubernetes:helm.sh/v3:Release", "app-cluster-autoscaler-release");
    const v = release.inputs;
    assert.equal(v.chart, CLUSTER_AUTOSCALER_CHART.chart);
    assert.equal(v.version, CLUSTER_AUTOSCALER_CHART.version);
    assert.deepEqual(v.repositoryOpts, { repo: CLUSTER_AUTOSCALER_CHART.repository });
    const values = v.values as Record<string, unknown>;
    assert.deepEqual(values.autoDiscovery, { clusterName: "fastify-deploy-prod" });
    assert.deepEqual(values.image, { tag: EKS_VERSIONS["1.36"].clusterAutoscaler });
    assert.equal(values.awsRegion, "us-east-1");
    assert.equal((values.extraArgs as Record<string, unknown>)["balance-similar-node-groups"], true);
    const sa = (values.rbac as { serviceAccount: { create: boolean; name: string } }).serviceAccount;
    assert.deepEqual(sa, { create: true, name: "cluster-autoscaler" });
    const association = assertPodIdentity(prod, "app-cluster-autoscaler-role", "kube-system", sa.name);
    assert.ok(dependsOn(release, association));
    const policy = JSON.parse(
      prod.one("aws:iam/rolePolicy:RolePolicy", "app-cluster-autoscaler-policy").inputs.policy as string,
    );
    const mutating = policy.Statement.filter((s: { Action: string[] }) =>
      s.Action.some((a) => a === "autoscaling:SetDesiredCapacity" || a.startsWith("autoscaling:Terminate")),
    );
    assert.equal(mutating.length, 1);
    assert.deepEqual(mutating[0].Condition, {
      StringEquals: { "aws:ResourceTag/k8s.io/cluster-autoscaler/fastify-deploy-prod": "owned" },
    });
    assert.notEqual(mutating[0].Resource, "*");
    // After the nodes, through CoreDNS (which waits for every node group).
    const coredns = prod.ofType(ADDON).find((a) => a.inputs.addonName === "coredns");
    assert.ok(
      coredns && dependsOn(release, coredns),
      "the release itself waits (component dependsOn would not)",
    );
    const fluentBit = prod.one("kubernetes:helm.sh/v3:Release", "app-fluent-bit-release");
    assert.ok(dependsOn(fluentBit, coredns));
  });

  it("ships control-plane logs and every pod's output to log groups it owns, with retention", () => {
    const cluster = prod.one("eks:index:Cluster");
    const controlPlane = prod.one("aws:cloudwatch/logGroup:LogGroup", "app-control-plane-logs");
    // EKS's fixed name for the cluster it writes to, created before the cluster so EKS never makes its own.
    assert.equal(controlPlane.inputs.name, "/aws/eks/fastify-deploy-prod/cluster");
    assert.equal(cluster.inputs.name, "fastify-deploy-prod");
    assert.ok(dependsOn(cluster, controlPlane));
    assert.equal(controlPlane.inputs.retentionInDays, 30);
    const containers = prod.one("aws:cloudwatch/logGroup:LogGroup", "app-container-logs");
    assert.equal(containers.inputs.name, "/aws/eks/fastify-deploy-prod/containers");
    assert.equal(containers.inputs.retentionInDays, 30);
    const o = prod.outputValues();
    assert.equal(o.controlPlaneLogGroupName, controlPlane.inputs.name);
    assert.equal(o.containerLogGroupName, containers.inputs.name);

    const release = prod.one("kubernetes:helm.sh/v3:Release", "app-fluent-bit-release");
    assert.equal(release.inputs.chart, FLUENT_BIT_CHART.chart);
    assert.equal(release.inputs.version, FLUENT_BIT_CHART.version);
    const values = release.inputs.values as Record<string, Record<string, unknown>>;
    // fluent/helm-charts charts/fluent-bit values.yaml `config.outputs` (read 2026-12-07): our group only,
    // never auto-created; one stream per container.
    assert.equal(
      values.config?.outputs,
      [
        "[OUTPUT]",
        "    Name                cloudwatch_logs",
        "    Match               kube.*",
        "    region              us-east-1",
        `    log_group_name      ${containers.inputs.name}`,
        "    log_stream_prefix   pod-",
        "    auto_create_group   Off",
        "",
      ].join("\n"),
    );
    // The raw line is not kept beside its parsed fields (stored and billed twice otherwise); the fields
    // stay under `data`, as with the earlier aws-for-fluent-bit release.
    const filters = String(values.config?.filters);
    assert.match(filters, /Merge_Log {11}On\n/);
    assert.match(filters, /Merge_Log_Key {7}data\n/);
    assert.match(filters, /Keep_Log {12}Off\n/);
    assert.deepEqual(values.serviceAccount, { create: true, name: "fluent-bit" });
    const association = assertPodIdentity(prod, "app-fluent-bit-role", "kube-system", "fluent-bit");
    assert.ok(dependsOn(release, association));
    const policy = JSON.parse(
      prod.one("aws:iam/rolePolicy:RolePolicy", "app-fluent-bit-policy").inputs.policy as string,
    );
    assert.deepEqual(policy.Statement[0].Resource, [`${containers.state.arn}:*`], "this group only");

    // Retention follows logRetentionDays; log types follow clusterLogTypes.
    assert.equal(
      prod135.one("aws:cloudwatch/logGroup:LogGroup", "app-control-plane-logs").inputs.retentionInDays,
      90,
    );
    assert.deepEqual(prod135.one("eks:index:Cluster").inputs.enabledClusterLogTypes, [
      "api",
      "audit",
      "authenticator",
    ]);
  });

  it("gives the app's pods an IAM role of their own (Pod Identity), with no permissions, exported as appRoleArn", () => {
    const role = prod.one("aws:iam/role:Role", "app-app-role");
    const association = assertPodIdentity(prod, "app-app-role", "fastify-app", "fastify-app");
    const sa = prod.one("kubernetes:core/v1:ServiceAccount");
    assert.equal((sa.inputs.metadata as { name: string }).name, "fastify-app");
    // No IRSA annotation; the role named for operators, and the service account (so the pods) after
    // the association.
    assert.deepEqual((sa.inputs.metadata as { annotations: Record<string, string> }).annotations, {
      [APP_ROLE_ANNOTATION]: role.state.arn,
    });
    assert.ok(dependsOn(sa, association));
    assert.equal(sa.inputs.automountServiceAccountToken, false, "the webhook mounts its own token");
    const grants = [
      ...prod.ofType("aws:iam/rolePolicy:RolePolicy"),
      ...prod.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment"),
    ].filter((g) => g.inputs.role === role.state.name);
    assert.deepEqual(grants, [], "no permissions by default");
    assert.equal(prod.outputValues().appRoleArn, role.state.arn);
  });

  it("replaces the bastion when its user data changes, so kubectl follows kubernetesVersion", () => {
    const bastion = prod.one("aws:ec2/instance:Instance").inputs;
    assert.equal(bastion.userDataReplaceOnChange, true);
    assert.match(bastion.userData as string, /KUBECTL_MINOR="1\.36"/);
    assert.match(prod135.one("aws:ec2/instance:Instance").inputs.userData as string, /KUBECTL_MINOR="1\.35"/);
  });

  it("grants admin roles cluster admin through access entries", () => {
    const entry = dev.one("aws:eks/accessEntry:AccessEntry", "app-admin-ops-admin");
    assert.equal(entry.inputs.principalArn, ADMIN);
    assert.equal(entry.inputs.type, "STANDARD");
    assert.equal(entry.inputs.clusterName, dev.outputs.clusterName?.value);
    const association = dev.one(
      "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
      "app-admin-ops-admin",
    );
    assert.equal(
      association.inputs.policyArn,
      "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
    );
    assert.deepEqual(association.inputs.accessScope, { type: "cluster" });
    assert.ok(dependsOn(association, entry));
    assert.deepEqual(
      prod.ofType("aws:eks/accessEntry:AccessEntry").map((e) => e.name),
      ["app-bastion-access-entry"],
      "prod as committed: only the bastion",
    );
  });

  it("opens no program-created security group to the internet (the controller makes the ALB's)", () => {
    for (const r of [prod, prodHttps, dev]) {
      for (const sg of r.ofType("aws:ec2/securityGroup:SecurityGroup")) {
        assert.equal(sg.inputs.ingress, undefined, `${sg.name}: no inline rules`);
      }
      for (const rule of r.ofType(INGRESS_RULE)) {
        assert.notEqual(rule.inputs.cidrIpv4, "0.0.0.0/0", `${rule.name} open to the internet`);
        assert.notEqual(rule.inputs.cidrIpv6, "::/0", `${rule.name} open to the internet`);
        assert.ok(!String(rule.inputs.cidrIpv4 ?? "").endsWith("/0"), rule.name);
      }
      assert.equal(r.ofType("aws:ec2/securityGroupRule:SecurityGroupRule").length, 0, "no legacy rules");
      assert.equal(r.ofType("aws:lb/loadBalancer:LoadBalancer").length, 0, "the ALB is the controller's");
    }
  });

  it("opens port 22 in no mode to the internet, and only in ssh mode to the configured CIDRs", () => {
    const port22 = (r: ProgramRun) =>
      r.ofType(INGRESS_RULE).filter((rule) => {
        const from = (rule.inputs.fromPort as number | undefined) ?? 0;
        const to = (rule.inputs.toPort as number | undefined) ?? 65535;
        return rule.inputs.ipProtocol === "-1" || (from <= 22 && 22 <= to);
      });
    assert.deepEqual(port22(prod), [], "ssm: nothing reaches port 22");
    assert.deepEqual(
      port22(dev).map((rule) => [rule.inputs.cidrIpv4, rule.inputs.cidrIpv6]),
      [["198.51.100.7/32", undefined]],
    );
    for (const r of [prod, dev]) {
      for (const group of r.ofType(NODE_GROUP)) {
        assert.equal(group.inputs.remoteAccess, undefined, "no SSH to nodes");
      }
    }
  });

  it("records identical inputs and outputs on two runs (no churn)", async () => {
    const again = await runProgram({ stack: "prod" });
    assert.ok(prod.resources.length > 40);
    assert.deepEqual(inputsByUrn(again), inputsByUrn(prod));
    assert.deepEqual(again.outputs, prod.outputs);
  });
});

describe("EKS: only the ALB reaches the pods; up waits for the ALB's address", () => {
  let prod: ProgramRun;
  let noWait: ProgramRun;

  before(async () => {
    prod = await runProgram({ stack: "prod" });
    // What `up` records without the address wait (a prod-grade up needs TLS).
    noWait = await runProgram({
      stack: "prod",
      config: {
        waitForAddress: false,
        syntheticCheck: false,
        networkPolicyNamespaces: ["monitoring"],
        certificateArn: CERT,
      },
      mode: "up",
    });
  });

  const policySpec = (r: ProgramRun) =>
    // The app's policy, not the namespace's default deny (platforms/workload/kubernetes-app.test.ts).
    r
      .ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy")
      .filter((n) => n.name.endsWith("-app-network-policy"))[0]?.inputs.spec as {
      ingress: { from: unknown[]; ports: unknown[] }[];
    };

  it("by default the NetworkPolicy admits the public subnets' CIDRs (the ALB's interfaces), nothing else", () => {
    const publicSubnets = prod.one("awsx:ec2:Vpc").state.publicSubnetIds as string[];
    const lookups = prod.calls
      .filter((c) => c.token === "aws:ec2/getSubnet:getSubnet")
      .map((c) => c.inputs.id);
    assert.deepEqual(lookups, publicSubnets, "one lookup per public subnet, in AZ order");
    const ctx = { stack: "prod", region: "us-east-1", hex: () => "0", suffix: () => "0" };
    const expected = publicSubnets.map((id) => ({
      ipBlock: { cidr: MOCK_CALLS["aws:ec2/getSubnet:getSubnet"]?.({ id }, ctx).cidrBlock },
    }));
    assert.deepEqual(policySpec(prod).ingress, [
      { from: expected, ports: [{ port: 3000, protocol: "TCP" }] },
    ]);
  });

  // Issue 24, item 6: they used to replace it, and networkPolicyNamespaces ["monitoring"] cut the ALB off.
  it("configured sources add to the ALB's subnets, never replace them", () => {
    const from = policySpec(noWait).ingress[0]?.from ?? [];
    assert.deepEqual(from.slice(0, -1), policySpec(prod).ingress[0]?.from);
    assert.deepEqual(from.at(-1), {
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } },
    });
  });

  it("the Ingress is awaited by default (the controller publishes the ALB); waitForAddress false skips it", () => {
    const skip = (r: ProgramRun) =>
      (
        r.one("kubernetes:networking.k8s.io/v1:Ingress").inputs.metadata as {
          annotations: Record<string, string>;
        }
      ).annotations["pulumi.com/skipAwait"];
    assert.equal(skip(prod), undefined);
    assert.equal(skip(noWait), "true");
  });

  it("url is always a URL", () => {
    assert.match(prod.outputs.url?.value as string, /^http:\/\/k8s-/);
    assert.match(noWait.outputs.url?.value as string, /^https?:\/\//);
  });
});

describe("EKS: an HTTPRoute to an existing Gateway, beside the ALB's Ingress (issue 24)", () => {
  const HTTP_ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
  const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";
  let gateway: ProgramRun;
  let prod: ProgramRun;
  before(async () => {
    prod = await runProgram({ stack: "prod" });
    gateway = await runProgram({
      stack: "prod",
      config: { gatewayName: "public", gatewayNamespace: "gateway-system" },
    });
  });

  it("routes every host to the Service from the named Gateway; the Ingress stays", () => {
    // biome-ignore lint/suspicious/noExplicitAny: recorded Kubernetes inputs are untyped JSON
    const route = gateway.one(HTTP_ROUTE).inputs as any;
    assert.deepEqual(route.spec.parentRefs, [
      { group: "gateway.networking.k8s.io", kind: "Gateway", name: "public", namespace: "gateway-system" },
    ]);
    assert.equal(route.spec.hostnames, undefined);
    assert.equal(gateway.ofType(INGRESS).length, 1);
    assert.equal(prod.ofType(HTTP_ROUTE).length, 0);
    assert.deepEqual(schemaViolations(kubernetesObjects(gateway)), []);
  });

  it("the NetworkPolicy admits the Gateway's namespace as well as the ALB's subnets", () => {
    const policy = gateway
      .ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy")
      .find((p) => !p.name.endsWith("default-deny"));
    assert.ok(policy, "the app's NetworkPolicy");
    // biome-ignore lint/suspicious/noExplicitAny: recorded Kubernetes inputs are untyped JSON
    const from = ((policy.inputs as any).spec.ingress as any[]).flatMap((rule) => rule.from ?? []);
    assert.ok(
      from.some(
        (peer) => peer.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] === "gateway-system",
      ),
    );
    assert.ok(
      from.some((peer) => peer.ipBlock !== undefined),
      "the ALB's subnets stay admitted",
    );
  });
});

describe("EKS platform: the deployer instead of EKS's creator admin (issue 32 item 9)", () => {
  const deployer = "arn:aws:iam::123456789012:role/ci/deployer";
  let run: ProgramRun;
  before(async () => {
    run = await runProgram({ stack: "prod", config: { deployerRoleArn: deployer } });
  });

  it("gives the deployer cluster admin through an explicit access entry, before the Kubernetes provider", () => {
    const association = run.one(
      "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
      "app-admin-deployer",
    );
    assert.equal(association.inputs.principalArn, deployer);
    assert.equal(
      association.inputs.policyArn,
      "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
    );
    assert.deepEqual(association.inputs.accessScope, { type: "cluster" });
    assert.equal(
      run.one("aws:eks/accessEntry:AccessEntry", "app-admin-deployer").inputs.principalArn,
      deployer,
    );
    const provider = run.one("pulumi:providers:kubernetes", "app-k8s");
    assert.ok(
      provider.dependencies?.includes(association.urn),
      "the provider waits for the deployer's access",
    );
  });

  it("noCreatorAdmin turns bootstrapClusterCreatorAdminPermissions off on the aws.eks.Cluster only", async () => {
    const cluster = await noCreatorAdmin({
      type: "aws:eks/cluster:Cluster",
      name: "app-cluster-eksCluster",
      custom: true,
      props: { accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true } },
      opts: {},
    });
    assert.deepEqual(cluster?.props.accessConfig, {
      authenticationMode: "API",
      bootstrapClusterCreatorAdminPermissions: false,
    });
    const role = await noCreatorAdmin({
      type: "aws:iam/role:Role",
      name: "r",
      custom: true,
      props: {},
      opts: {},
    });
    assert.equal(role, undefined);
    assert.deepEqual(
      clusterAdminRoles({ deployerRoleArn: deployer, adminRoleArns: [deployer, "arn:aws:iam::1:role/x"] }),
      [deployer, "arn:aws:iam::1:role/x"],
    );
  });
});
