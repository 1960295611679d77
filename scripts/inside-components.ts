/**
 * What the remote components create inside themselves, derived from their recorded inputs (issue 28:
 * "Resources: 80" undercounted because awsx and pulumi-eks components are single opaque resources under
 * mocks). Each derivation follows the component's source as read on 2026-12-07; the counts come from
 * the inputs, never from a fixed number:
 *
 * - awsx:ec2:Vpc: pulumi/pulumi-awsx awsx/ec2/vpc.ts at e60adf3c (2026-08-20): one aws.ec2.Vpc, an
 *   InternetGateway created unconditionally ("because AWS does not charge for it"), then per AZ and per
 *   subnet spec (not "Unused") a Subnet, a RouteTable and a RouteTableAssociation; a Route on a public
 *   subnet (to the IGW) and on a private one unless the NAT strategy is None; a NatGateway, with an Eip
 *   unless natGateways.elasticIpAllocationIds is given, on the public subnet of each AZ where
 *   shouldCreateNatGateway() says so (OnePerAz: one per AZ; Single: the first; None: none); one
 *   VpcEndpoint per vpcEndpointSpecs entry. Without subnetSpecs, awsx's default layout is one public and
 *   one private subnet per AZ (awsx/ec2/subnetDistributorNew.ts: `[{ type: "Private" }, { type: "Public" }]`).
 * - eks:index:Cluster: pulumi/pulumi-eks nodejs/eks/cluster/cluster.ts at 7bf0c1b1 (2026-08-12):
 *   createCore() creates the service role `<name>-eksRole` (servicerole.ts: an aws.iam.Role and one
 *   RolePolicyAttachment per managed policy: AmazonEKSClusterPolicy, plus four under autoMode) unless
 *   serviceRole is given; the cluster security group `<name>-eksClusterSecurityGroup` and its internet
 *   egress rule unless clusterSecurityGroup is given or skipDefaultSecurityGroups; the aws.eks.Cluster; a
 *   Kubernetes provider; the kube-proxy add-on when `kubeProxyAddonOptions.enabled ?? !autoMode`; the VPC
 *   CNI add-on when useDefaultVpcCni is false (or unset without autoMode); CoreDNS when enabled
 *   explicitly, or with a default node group / Fargate / autoMode and `corednsAddonOptions.enabled ?? true`;
 *   the IAM OIDC provider when createOidcProvider; an instance role (a Role and three attachments) when
 *   createInstanceRole, or with a default node group; one access entry per accessEntries key. createCluster()
 *   adds the node security group (nodes/securitygroup.ts createNodeGroupSecurityGroup: a SecurityGroup and
 *   five SecurityGroupRules) unless skipDefaultSecurityGroups.
 * - eks:index:ManagedNodeGroup: nodejs/eks/nodes/nodegroup.ts createManagedNodeGroup (same commit): one
 *   aws.eks.NodeGroup; a PlacementGroup with enableEfaSupport. (With a launchTemplate given, options that
 *   need the component's own launch template are refused, so it creates none.)
 */
import type { RecordedResource } from "../tools/harness";

export interface InsideGroup {
  /** The type each resource has inside the component. */
  type: string;
  count: number;
  /** Why this many (the input it follows). */
  because: string;
}

const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const json = (v: unknown): unknown => (typeof v === "string" && /^[[{]/.test(v) ? JSON.parse(v) : v);

/** awsx/ec2/vpc.ts, as the module comment says. */
function insideVpc(inputs: Record<string, unknown>): InsideGroup[] {
  const names = list(json(inputs.availabilityZoneNames));
  const azs = Number(inputs.numberOfAvailabilityZones ?? (names.length > 0 ? names.length : 3));
  const nat = obj(json(inputs.natGateways));
  const strategy = String(nat.strategy ?? "OnePerAz").toLowerCase();
  const ownEips = list(nat.elasticIpAllocationIds).length === 0;
  const specs = list(json(inputs.subnetSpecs)).map((s) => String(obj(s).type ?? "").toLowerCase());
  const types = (specs.length > 0 ? specs : ["public", "private"]).filter((t) => t !== "unused");
  let subnets = 0;
  let routes = 0;
  let natGateways = 0;
  for (let az = 0; az < azs; az++) {
    // awsx sorts public subnets first within an AZ, so the NAT exists before the private routes.
    for (const type of [...types].sort((a, b) => Number(b === "public") - Number(a === "public"))) {
      subnets++;
      const wantsNat =
        strategy === "single" ? natGateways < 1 : strategy === "oneperaz" && natGateways < az + 1;
      if (type === "public" && wantsNat) natGateways++;
      if (type === "public" || (type === "private" && strategy !== "none")) routes++;
    }
  }
  const layout = `${azs} AZs × ${types.length} subnet spec(s) (${types.join(", ")})`;
  const groups: InsideGroup[] = [
    { type: "aws:ec2/vpc:Vpc", count: 1, because: "the VPC itself" },
    { type: "aws:ec2/internetGateway:InternetGateway", count: 1, because: "always created" },
    { type: "aws:ec2/subnet:Subnet", count: subnets, because: layout },
    { type: "aws:ec2/routeTable:RouteTable", count: subnets, because: "one per subnet" },
    {
      type: "aws:ec2/routeTableAssociation:RouteTableAssociation",
      count: subnets,
      because: "one per subnet",
    },
    {
      type: "aws:ec2/route:Route",
      count: routes,
      because: `public subnets to the IGW${strategy === "none" ? "" : ", private ones to a NAT gateway"}`,
    },
    {
      type: "aws:ec2/natGateway:NatGateway",
      count: natGateways,
      because: `natGateways.strategy=${nat.strategy ?? "OnePerAz"}`,
    },
    { type: "aws:ec2/eip:Eip", count: ownEips ? natGateways : 0, because: "one per NAT gateway" },
    {
      type: "aws:ec2/vpcEndpoint:VpcEndpoint",
      count: list(json(inputs.vpcEndpointSpecs)).length,
      because: "vpcEndpointSpecs",
    },
  ];
  return groups.filter((g) => g.count > 0);
}

/** nodejs/eks/cluster/cluster.ts createCore() and createCluster(), as the module comment says. */
function insideCluster(inputs: Record<string, unknown>): InsideGroup[] {
  const autoMode = obj(json(inputs.autoMode)).enabled === true;
  const defaultNodeGroup = !(
    inputs.skipDefaultNodeGroup === true ||
    inputs.fargate !== undefined ||
    autoMode
  );
  const skipSgs = (inputs.skipDefaultSecurityGroups as boolean | undefined) ?? autoMode;
  const coredns = obj(json(inputs.corednsAddonOptions));
  const corednsOn =
    coredns.enabled === true ||
    coredns.configurationValues !== undefined ||
    ((inputs.fargate !== undefined || !(inputs.skipDefaultNodeGroup === true) || autoMode) &&
      ((coredns.enabled as boolean | undefined) ?? true));
  const instanceRole =
    inputs.instanceRole === undefined &&
    inputs.instanceRoles === undefined &&
    (inputs.createInstanceRole === true || (defaultNodeGroup && inputs.createInstanceRole === undefined));
  const groups: [boolean, InsideGroup][] = [
    [
      inputs.serviceRole === undefined,
      { type: "aws:iam/role:Role", count: 1, because: "the cluster's service role <name>-eksRole" },
    ],
    [
      inputs.serviceRole === undefined,
      {
        type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        count: autoMode ? 5 : 1,
        because: "AmazonEKSClusterPolicy on the service role",
      },
    ],
    [
      inputs.clusterSecurityGroup === undefined && !skipSgs,
      {
        type: "aws:ec2/securityGroup:SecurityGroup",
        count: 1,
        because: "the cluster security group <name>-eksClusterSecurityGroup",
      },
    ],
    [
      inputs.clusterSecurityGroup === undefined && !skipSgs,
      {
        type: "aws:ec2/securityGroupRule:SecurityGroupRule",
        count: 1,
        because: "the cluster security group's internet egress",
      },
    ],
    [true, { type: "aws:eks/cluster:Cluster", count: 1, because: "the control plane" }],
    [
      true,
      { type: "pulumi:providers:kubernetes", count: 1, because: "the component's provider for the cluster" },
    ],
    [
      inputs.createOidcProvider === true,
      {
        type: "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
        count: 1,
        because: "createOidcProvider=true (IRSA)",
      },
    ],
    [
      (obj(json(inputs.kubeProxyAddonOptions)).enabled as boolean | undefined) ?? !autoMode,
      { type: "aws:eks/addon:Addon", count: 1, because: "kube-proxy (kubeProxyAddonOptions)" },
    ],
    [
      inputs.useDefaultVpcCni === undefined ? !autoMode : inputs.useDefaultVpcCni !== true,
      { type: "eks:index:VpcCniAddon", count: 1, because: "the VPC CNI add-on (useDefaultVpcCni)" },
    ],
    [corednsOn, { type: "aws:eks/addon:Addon", count: 1, because: "CoreDNS (corednsAddonOptions)" }],
    [
      instanceRole,
      { type: "aws:iam/role:Role", count: 1, because: "the default node group's instance role" },
    ],
    [
      instanceRole,
      {
        type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        count: 3,
        because: "the instance role's managed policies",
      },
    ],
    [
      !skipSgs,
      {
        type: "aws:ec2/securityGroup:SecurityGroup",
        count: 1,
        because: "the node security group (skipDefaultSecurityGroups unset)",
      },
    ],
    [
      !skipSgs,
      {
        type: "aws:ec2/securityGroupRule:SecurityGroupRule",
        count: 5,
        because: "the node security group's rules",
      },
    ],
    [
      Object.keys(obj(json(inputs.accessEntries))).length > 0,
      {
        type: "aws:eks/accessEntry:AccessEntry",
        count: Object.keys(obj(json(inputs.accessEntries))).length,
        because: "accessEntries",
      },
    ],
  ];
  return groups.filter(([on]) => on).map(([, g]) => g);
}

function insideNodeGroup(inputs: Record<string, unknown>): InsideGroup[] {
  return [
    { type: "aws:eks/nodeGroup:NodeGroup", count: 1, because: "the managed node group" },
    ...(inputs.enableEfaSupport === true
      ? [{ type: "aws:ec2/placementGroup:PlacementGroup", count: 1, because: "enableEfaSupport" }]
      : []),
  ];
}

const DERIVATIONS: Readonly<Record<string, (inputs: Record<string, unknown>) => InsideGroup[]>> = {
  "awsx:ec2:Vpc": insideVpc,
  "eks:index:Cluster": insideCluster,
  "eks:index:ManagedNodeGroup": insideNodeGroup,
};

/** The resources a recorded component creates inside itself, or undefined for a type not derived here. */
export function insideOf(r: Pick<RecordedResource, "type" | "inputs">): InsideGroup[] | undefined {
  return DERIVATIONS[r.type]?.(r.inputs);
}
