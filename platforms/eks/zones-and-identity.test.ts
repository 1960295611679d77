/**
 * Semantics the mocks cannot run, checked on the recorded graph (issue 26), each with its source:
 *
 * 1. A hard zone spread with the Cluster Autoscaler ⇒ one single-subnet managed node group per zone, the
 *    autoscaler balancing them. The autoscaler "does not support Auto Scaling Groups which span multiple
 *    Availability Zones; instead you should use an Auto Scaling Group for each Availability Zone and enable
 *    the --balance-similar-node-groups feature" (kubernetes/autoscaler
 *    cluster-autoscaler/cloudprovider/aws/README.md, "Common Notes and Gotchas", read 2026-12-07).
 * 2. Every service account that calls AWS has exactly one EKS Pod Identity association, and no permission
 *    on the node role it could borrow instead: pods "also have the permissions assigned to the Amazon EKS
 *    node IAM role unless you block pod access to IMDS" (EKS user guide pod-identities.html, read
 *    2026-12-07), which the launch template's hop limit 1 does for pods, never for host-network processes
 *    (the VPC CNI among them: cni-iam-role.html recommends its own role).
 *
 * The checks are written here from the platform's own names (service accounts, node policies), not from
 * the policy pack, so they are a second reading of the same rules (policy/eks.ts enforces them for users).
 * They must pass on today's graph and fail, with these exact problems, on the graph before issue 26
 * (test/fixtures/eks-before-issue-26.json).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { type ProgramRun, type RecordedResource, ROOT, runProgram } from "../../tools/harness";
import { CLUSTER_AUTOSCALER_SERVICE_ACCOUNT } from "./cluster-autoscaler";
import { FLUENT_BIT_SERVICE_ACCOUNT } from "./container-logs";
import { NODE_MANAGED_POLICIES, VPC_CNI_POLICY, VPC_CNI_SERVICE_ACCOUNT } from "./eks-platform";
import { AWS_LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT } from "./load-balancer-controller";
import { POD_IDENTITY_PRINCIPAL } from "./pod-identity";

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v !== null && typeof v === "object" ? (v as Json) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const ofType = (rs: readonly RecordedResource[], type: string) => rs.filter((r) => r.type === type);

/** Problems with rule 1, or [] when the graph keeps it (or has no hard zone spread or no autoscaler). */
export function zoneProblems(resources: readonly RecordedResource[]): string[] {
  const hardZoneSpread = ofType(resources, "kubernetes:apps/v1:Deployment").some((d) =>
    list(obj(obj(obj(d.inputs.spec).template).spec).topologySpreadConstraints).some(
      (c) =>
        obj(c).topologyKey === "topology.kubernetes.io/zone" && obj(c).whenUnsatisfiable === "DoNotSchedule",
    ),
  );
  const autoscaler = ofType(resources, "kubernetes:helm.sh/v3:Release").find(
    (r) => r.inputs.chart === "cluster-autoscaler",
  );
  if (!hardZoneSpread || autoscaler === undefined) return [];
  const zones = ofType(resources, "awsx:ec2:Vpc").flatMap((v) => list(v.state.privateSubnetIds).map(String));
  const groups = ofType(resources, "eks:index:ManagedNodeGroup");
  const problems: string[] = [];
  if (groups.length !== zones.length) {
    problems.push(`${zones.length} zones, ${groups.length} node groups: expected one per zone`);
  }
  for (const g of groups) {
    const subnets = list(g.inputs.subnetIds).map(String);
    if (subnets.length !== 1) problems.push(`${g.name}: ${subnets.length} subnets; expected one zone's`);
  }
  const own = (zone: string) =>
    groups.filter((g) => JSON.stringify(g.inputs.subnetIds) === JSON.stringify([zone]));
  const without = zones.filter((z) => own(z).length !== 1);
  if (without.length > 0)
    problems.push(`zones without exactly one node group of their own: ${without.length}`);
  if (obj(obj(autoscaler.inputs.values).extraArgs)["balance-similar-node-groups"] !== true) {
    problems.push("the autoscaler does not balance similar node groups");
  }
  return problems;
}

/** `namespace/serviceAccount` of every workload this platform runs that calls AWS. */
const awsCallers = (appNamespace: string): string[] => [
  `kube-system/${AWS_LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT}`,
  `kube-system/${CLUSTER_AUTOSCALER_SERVICE_ACCOUNT}`,
  `kube-system/${FLUENT_BIT_SERVICE_ACCOUNT}`,
  `kube-system/${VPC_CNI_SERVICE_ACCOUNT}`,
  `${appNamespace}/${appNamespace}`,
];

/** Problems with rule 2. */
export function identityProblems(resources: readonly RecordedResource[], appNamespace: string): string[] {
  const problems: string[] = [];
  const roles = ofType(resources, "aws:iam/role:Role");
  // Every association, with the role it gives: the API objects, and the add-ons' own (in kube-system).
  const associations = [
    ...ofType(resources, "aws:eks/podIdentityAssociation:PodIdentityAssociation").map((a) => ({
      account: `${a.inputs.namespace}/${a.inputs.serviceAccount}`,
      roleArn: a.inputs.roleArn,
    })),
    ...ofType(resources, "aws:eks/addon:Addon").flatMap((addon) =>
      list(addon.inputs.podIdentityAssociations).map((a) => ({
        account: `kube-system/${obj(a).serviceAccount}`,
        roleArn: obj(a).roleArn,
      })),
    ),
  ];
  for (const account of awsCallers(appNamespace)) {
    const mine = associations.filter((a) => a.account === account);
    if (mine.length !== 1) {
      problems.push(`${account}: ${mine.length} Pod Identity associations; expected exactly one`);
      continue;
    }
    const role = roles.find((r) => r.state.arn === mine[0]?.roleArn);
    const trust = JSON.parse(String(role?.inputs.assumeRolePolicy ?? "{}")) as { Statement?: Json[] };
    const principals = list(trust.Statement).map((s) => JSON.stringify(obj(s).Principal));
    if (
      principals.length === 0 ||
      principals.some((p) => p !== JSON.stringify({ Service: POD_IDENTITY_PRINCIPAL }))
    ) {
      problems.push(
        `${account}: its role trusts ${principals.join(", ")}; expected only ${POD_IDENTITY_PRINCIPAL}`,
      );
    }
  }
  // The node role: only what a node needs; nothing a caller needs (the CNI's policy above all).
  const nodeRoleUrns = new Set(ofType(resources, "eks:index:ManagedNodeGroup").map((g) => g.inputs.nodeRole));
  for (const nodeRole of roles.filter((r) => nodeRoleUrns.has(r.urn))) {
    const name = nodeRole.state.name;
    const attached = ofType(resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
      .filter((a) => a.inputs.role === name)
      .map((a) => String(a.inputs.policyArn).split("/").pop());
    const extra = attached.filter(
      (p) => !(NODE_MANAGED_POLICIES as readonly (string | undefined)[]).includes(p),
    );
    if (extra.length > 0) {
      problems.push(
        `${nodeRole.name}: ${extra.join(", ")}, which every host-network pod could use${extra.includes(VPC_CNI_POLICY) ? ` (kube-system/${VPC_CNI_SERVICE_ACCOUNT} instead of its association)` : ""}`,
      );
    }
    const inline = ofType(resources, "aws:iam/rolePolicy:RolePolicy").filter((p) => p.inputs.role === name);
    if (inline.length > 0)
      problems.push(`${nodeRole.name}: inline policies ${inline.map((p) => p.name).join(", ")}`);
  }
  // Pods other than host-network ones cannot reach IMDS, so cannot borrow the node role at all.
  for (const lt of ofType(resources, "aws:ec2/launchTemplate:LaunchTemplate")) {
    const hops = obj(lt.inputs.metadataOptions).httpPutResponseHopLimit;
    if (hops !== 1)
      problems.push(
        `${lt.name}: IMDS hop limit ${String(hops)}; expected 1 (pods cannot reach the node role)`,
      );
  }
  return problems;
}

const BEFORE_ISSUE_26 = (
  JSON.parse(readFileSync(join(ROOT, "test/fixtures/eks-before-issue-26.json"), "utf8")) as {
    resources: RecordedResource[];
  }
).resources;

describe("EKS zones and identities on the recorded graph (issue 26)", () => {
  let prod: ProgramRun;
  let dev: ProgramRun;
  before(async () => {
    prod = await runProgram({ stack: "prod" });
    dev = await runProgram({
      stack: "dev",
      config: { platform: "eks", natGateways: "single", minCount: 2, desiredCount: 2 },
    });
  });

  it("prod: a hard zone spread under the autoscaler, and one single-subnet node group per zone, balanced", () => {
    assert.equal(prod.ofType("eks:index:ManagedNodeGroup").length, 3, "the rule is not vacuous");
    assert.deepEqual(zoneProblems(prod.resources), []);
  });

  it("dev on eks (2 zones, 2 replicas: a hard spread too): one group per zone", () => {
    assert.equal(dev.ofType("eks:index:ManagedNodeGroup").length, 2);
    assert.deepEqual(zoneProblems(dev.resources), []);
    // The rule applies here (hard spread and autoscaler found): a missing zone group is noticed.
    const oneGroup = dev.resources.filter((r) => !/-az2$/.test(r.name));
    assert.deepEqual(zoneProblems(oneGroup), [
      "2 zones, 1 node groups: expected one per zone",
      "zones without exactly one node group of their own: 1",
    ]);
  });

  it("prod and dev: every AWS caller has exactly one association, nothing to borrow on the node role", () => {
    assert.deepEqual(identityProblems(prod.resources, "fastify-app"), []);
    assert.deepEqual(identityProblems(dev.resources, "fastify-app"), []);
  });

  it("the graph before issue 26 breaks both rules, each problem named", () => {
    assert.deepEqual(zoneProblems(BEFORE_ISSUE_26), [
      "3 zones, 1 node groups: expected one per zone",
      "app-general: 3 subnets; expected one zone's",
      "zones without exactly one node group of their own: 3",
    ]);
    assert.deepEqual(identityProblems(BEFORE_ISSUE_26, "fastify-app"), [
      "kube-system/aws-load-balancer-controller: 0 Pod Identity associations; expected exactly one",
      "kube-system/cluster-autoscaler: 0 Pod Identity associations; expected exactly one",
      "kube-system/fluent-bit: 0 Pod Identity associations; expected exactly one",
      "kube-system/aws-node: 0 Pod Identity associations; expected exactly one",
      "fastify-app/fastify-app: 0 Pod Identity associations; expected exactly one",
      "app-node-role: AmazonEKS_CNI_Policy, which every host-network pod could use (kube-system/aws-node instead of its association)",
    ]);
  });

  it("each rule notices one change on today's graph (not vacuous)", () => {
    const without = (type: string, name: RegExp) =>
      prod.resources.filter((r) => !(r.type === type && name.test(r.name)));
    assert.deepEqual(zoneProblems(without("eks:index:ManagedNodeGroup", /-az3$/)), [
      "3 zones, 2 node groups: expected one per zone",
      "zones without exactly one node group of their own: 1",
    ]);
    assert.deepEqual(
      identityProblems(
        without("aws:eks/podIdentityAssociation:PodIdentityAssociation", /app-app-/),
        "fastify-app",
      ),
      ["fastify-app/fastify-app: 0 Pod Identity associations; expected exactly one"],
    );
  });
});
