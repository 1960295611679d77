import * as aws from "@pulumi/aws";
import type * as awsx from "@pulumi/awsx";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  type AppSettings,
  type BastionAccessPolicy,
  type BastionMode,
  type CapacityType,
  type ClusterLogType,
  EC2_ASSUME_ROLE_POLICY,
  holdsData,
  holdsIdentity,
  isArmInstanceType,
  type KubernetesSupportType,
  type KubernetesVersion,
  type LoadBalancerSettings,
  type MonitoringSettings,
  type NetworkPolicySources,
  type NetworkSettings,
  type RolloutSettings,
  type ScalingSettings,
  type SecretSettings,
  type StateProtection,
} from "../../facts";
import { READINESS_PATH } from "../app-contract";
import { checkComputed, type PlatformImage } from "../args";
import {
  type AlbIngressSettings,
  type AwsAccount,
  albIngressAnnotations,
  albListeners,
  attachXrayExportPolicy,
  awsTags,
  completeMonitoring,
  controllerAlbDimensions,
  createAlbMonitoring,
  createAlias,
  createEdge,
  createNetwork,
  type Edge,
  eksSubnetMasks,
  lookupAwsAccount,
  publicSubnetCidrs,
  type StackMonitoring,
  type SubnetMask,
  scanFindingsAlert,
  type TargetHealthCheck,
} from "../aws";
import {
  type GatewayRoute,
  KubernetesApp,
  networkPolicySources,
  SERVICE_PORT,
  stableServiceName,
} from "../workload";
import { type ManagedAddonArgs, managedAddon } from "./addons";
import { Bastion } from "./bastion";
import { ClusterAutoscaler } from "./cluster-autoscaler";
import { ContainerLogs } from "./container-logs";
import { AwsLoadBalancerController } from "./load-balancer-controller";
import { type PodIdentityClusterArgs, podIdentityAssociation, podIdentityRole } from "./pod-identity";
import { createCanaryAnalysis, createRollouts } from "./rollouts";
import { createSecretsStore } from "./secrets-store";
import { containerLogGroupName, controlPlaneLogGroupName, EKS_VERSIONS } from "./versions";

/**
 * Node managed policies; the node role needs nothing else. ECR through AmazonEC2ContainerRegistryPullOnly
 * (pull only: no ecr:ListImages/DescribeImages/GetLifecyclePolicy… as ReadOnly grants), the policy the
 * EKS user guide's "Amazon EKS node IAM role" names (https://docs.aws.amazon.com/eks/latest/userguide/create-node-role.html,
 * read 2026-12-07). AmazonEKSWorkerNodePolicy also holds `eks-auth:AssumeRoleForPodIdentity`, what the
 * Pod Identity agent on each node calls (pod-id-agent-setup.html, read 2026-12-07).
 *
 * NOT AmazonEKS_CNI_Policy: on the node role every process on the host network (any pod with
 * `hostNetwork: true`, not only the VPC CNI) could use it, which is why the EKS guide recommends a
 * separate role for the CNI ("Configure Amazon VPC CNI plugin to use IRSA", cni-iam-role.html: "We
 * recommend that you assign it to a separate role"; the plugin "also supports Amazon EKS Pod Identities";
 * read 2026-12-07). The CNI gets it through its add-on's Pod Identity association ({@link VPC_CNI_SERVICE_ACCOUNT}).
 */
export const NODE_MANAGED_POLICIES = [
  "AmazonEKSWorkerNodePolicy",
  "AmazonEC2ContainerRegistryPullOnly",
] as const;

/** The VPC CNI's service account (the vpc-cni add-on's `aws-node` DaemonSet; cni-iam-role.html). */
export const VPC_CNI_SERVICE_ACCOUNT = "aws-node";
/** The AWS managed policy the VPC CNI needs on an IPv4 cluster (cni-iam-role.html, read 2026-12-07). */
export const VPC_CNI_POLICY = "AmazonEKS_CNI_Policy";

/**
 * The EKS-optimized AL2023 AMI release AWS currently recommends for a Kubernetes minor and architecture,
 * as a public SSM parameter ("Retrieve recommended Amazon Linux AMI IDs", https://docs.aws.amazon.com/eks/latest/userguide/retrieve-ami-id.html,
 * `…/recommended/release_version`, read 2026-12-07). Passed as the node group's releaseVersion so every
 * `up` after an AMI release rolls the nodes onto it (a managed node group update, honouring the PDBs),
 * instead of OS patches arriving only with a Kubernetes minor upgrade (issue 32 item 7).
 */
export function nodeReleaseVersionParameter(kubernetesVersion: KubernetesVersion, arm: boolean): string {
  return `/aws/service/eks/optimized-ami/${kubernetesVersion}/amazon-linux-2023/${arm ? "arm64" : "x86_64"}/standard/recommended/release_version`;
}

export interface EksNodeGroupArgs {
  /** Short DNS-label name; resource names are `<component>-<name>-…`. */
  name: string;
  /** All x86_64 or all arm64 (the AMI type follows). */
  instanceTypes: string[];
  /**
   * Sizes of EACH zone's managed node group: one group per availability zone, so the cluster has
   * `availabilityZones ×` these (config splits the cluster-wide nodeMinSize/Desired/Max evenly).
   */
  minSizePerZone: number;
  desiredSizePerZone: number;
  maxSizePerZone: number;
  capacityType: CapacityType;
  /** Root volume in GiB (gp3, encrypted, set in the launch template). */
  diskSizeGiB: number;
}

export interface EksBastionArgs {
  mode: BastionMode;
  /** `ssh` mode only: the CIDRs admitted on port 22. */
  sshAllowedCidrs: string[];
  instanceType: string;
  /** `namespaceAdmin`: AmazonEKSAdminPolicy on the app's namespace only. */
  accessPolicy: BastionAccessPolicy;
}

/**
 * The default drain delay on EKS. With target type `ip` the ALB learns of a terminating pod only after
 * the pod leaves the endpoints, the controller reconciles and the ALB applies the deregistration (a few
 * seconds, more under load); 15 s covers that so no request reaches a closed socket.
 */
export const EKS_DRAIN_DELAY_MS = 15_000;
/** Target-group deregistration delay: by then the pod has stopped getting new requests (drain delay). */
export const EKS_DEREGISTRATION_DELAY_SECONDS = 10;
/**
 * The app's service account names its Pod Identity role here, for operators (`kubectl get sa -o yaml`):
 * informational, EKS reads the association, not this annotation.
 */
export const APP_ROLE_ANNOTATION = "fastify-deploy/pod-identity-role-arn";
/** KMS key deletion window of the secrets key (the longest AWS allows). */
export const KMS_KEY_DELETION_WINDOW_DAYS = 30;
/** The ALB's health check of each pod (the controller's annotations): readiness, so draining pods leave. */
export const EKS_HEALTH_CHECK: TargetHealthCheck = {
  path: READINESS_PATH,
  intervalSeconds: 10,
  timeoutSeconds: 5,
  healthyThreshold: 2,
  unhealthyThreshold: 2,
};

export interface EksPlatformArgs {
  image: PlatformImage;
  app: AppSettings;
  scaling: ScalingSettings;
  /** natGateways is never "none" (config refuses it): nodes sit in private subnets and need NAT. */
  network: NetworkSettings;
  loadBalancer: LoadBalancerSettings;
  /** Alarms on the controller's ALB, their topic, the dashboard and the synthetic check (monitoring.ts). */
  monitoring: MonitoringSettings;
  /**
   * The cluster's physical name, known before the cluster exists: EKS writes control-plane logs to
   * `/aws/eks/<name>/cluster`, which this component creates first (with retention) so EKS does not
   * create an unbounded one of its own that outlives the stack.
   */
  clusterName: string;
  kubernetesVersion: KubernetesVersion;
  /**
   * The cluster's `upgradePolicy.supportType`. STANDARD: at the end of standard support EKS upgrades the
   * control plane to the next minor on its own and never bills extended support. EXTENDED: the version
   * stays until the end of extended support, at $0.60/h instead of $0.10/h from the end of standard
   * support (facts/eks-versions.ts). Passed explicitly: eks.Cluster's own default is EXTENDED
   * (pulumi-eks schema, eks:index:Cluster upgradePolicy), which bills extra without anyone choosing it.
   */
  kubernetesSupportType: KubernetesSupportType;
  /**
   * CIDRs admitted to the public API endpoint. Empty turns the public endpoint off; then `pulumi up`
   * must run where the private endpoint is reachable (inside the VPC, e.g. from the bastion).
   */
  endpointPublicAccessCidrs: string[];
  /** IAM role ARNs granted cluster admin through access entries. */
  adminRoleArns: string[];
  /**
   * The role that runs `pulumi up`. Set: the cluster is created without EKS's implicit admin for its
   * creator, and this role is a cluster admin through an explicit access entry. Undefined: EKS's
   * bootstrap admin for the creator stays (pulumi-eks's own choice).
   */
  deployerRoleArn: string | undefined;
  /** At least one managed node group. */
  nodeGroups: EksNodeGroupArgs[];
  bastion: EksBastionArgs;
  /** Namespace of the app. */
  namespace: string;
  /** Wait in `up` for the ALB's address on the Ingress (the controller publishes it, so this returns). */
  awaitAddress: boolean;
  /**
   * Who may reach the app pods. Both empty: the VPC's public subnets, where the ALB's network
   * interfaces live (targets are pod IPs, so ALB traffic and health checks come from there).
   */
  networkPolicy: NetworkPolicySources;
  /**
   * An existing Gateway (Gateway API) the app is attached to as well, beside the ALB's Ingress: an
   * HTTPRoute for `host` (the domain, when set), and the NetworkPolicy admits the Gateway's namespace.
   */
  gateway?: GatewayRoute;
  /** Control-plane log types shipped to CloudWatch. */
  clusterLogTypes: ClusterLogType[];
  /** Retention of the control-plane and container log groups. */
  logRetentionDays: number;
  /** protect on the VPC and cluster; protect and retainOnDelete on keys and log groups (facts/protection.ts). */
  protection: StateProtection;
  /** Progressive delivery (issue 29): the strategy the rollout controller drives (docs/rollout.md). */
  rollout: RolloutSettings;
  /** Environment variables from Secrets Manager / SSM, through the Secrets Store CSI driver (secrets-store.ts). */
  secrets: SecretSettings;
}

/**
 * The app on EKS: its own VPC, a cluster with API authentication, encrypted secrets and control-plane
 * logs into a log group it owns, pinned managed add-ons (vpc-cni, kube-proxy, CoreDNS, metrics-server),
 * managed node groups in private subnets (IMDSv2, no SSH) sized by the Cluster Autoscaler, pod logs to
 * CloudWatch through Fluent Bit, the AWS Load Balancer Controller, the shared KubernetesApp behind an
 * internet-facing ALB with its own IAM role, and a bastion for operators.
 */
export class EksPlatform extends pulumi.ComponentResource {
  public readonly clusterName: pulumi.Output<string>;
  /** Secret: the cluster endpoint and CA (authentication is `aws eks get-token`). */
  public readonly kubeconfig: pulumi.Output<string>;
  public readonly vpcId: pulumi.Output<string>;
  public readonly namespace: pulumi.Output<string>;
  public readonly url: pulumi.Output<string>;
  public readonly loadBalancerDnsName: pulumi.Output<string>;
  public readonly bastionInstanceId: pulumi.Output<string>;
  public readonly bastionConnectCommand: pulumi.Output<string>;
  /**
   * IAM role the app's pods run as (EKS Pod Identity: one association of the app's service account),
   * with no permissions: other stacks attach policies to it.
   */
  public readonly appRoleArn: pulumi.Output<string>;
  /** The same role as a resource, for policies this program attaches (same name as before: `<name>-app-role`). */
  public readonly appRole: aws.iam.Role;
  /** Every pod's stdout/stderr (Fluent Bit). */
  public readonly containerLogGroupName: pulumi.Output<string>;
  /** Control-plane logs (`/aws/eks/<cluster>/cluster`). */
  public readonly controlPlaneLogGroupName: pulumi.Output<string>;
  /** The CloudWatch dashboard of the golden signals. */
  public readonly dashboardUrl: pulumi.Output<string>;
  /** The SNS topic every alarm in the stack's region notifies. */
  public readonly alarmTopicArn: pulumi.Output<string>;

  constructor(name: string, args: EksPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fastify-deploy:platforms:EksPlatform", name, {}, opts);
    const step = eksStep(name, awsTags(name), this);
    const versions = EKS_VERSIONS[args.kubernetesVersion];

    const vpc = createEksNetwork(step, args);
    const secretsKey = createSecretsKey(step, args.protection);
    const nodeRole = createNodeRole(step);
    // Before the cluster: EKS writes to this fixed name and would otherwise create it itself, with no
    // retention and outside the stack.
    const controlPlaneLogs = createLogGroup(
      step,
      "control-plane-logs",
      controlPlaneLogGroupName(args.clusterName),
      args,
    );
    const cluster = createCluster(step, args, vpc, secretsKey, controlPlaneLogs);
    const clusterName = cluster.eksCluster.name;
    const addons = { clusterName, versions, tags: step.tags };

    // Pinned networking add-ons and the Pod Identity agent before the nodes: each new node starts with
    // these versions, and the agent is there when the VPC CNI first asks it for credentials. The VPC CNI
    // enforces NetworkPolicy, so KubernetesApp's NetworkPolicy bites.
    const podIdentityAgent = managedAddon(name, "eks-pod-identity-agent", addons, { parent: this });
    const vpcCni = createVpcCni(step, args.clusterName, addons, podIdentityAgent);
    const kubeProxy = managedAddon(name, "kube-proxy", addons, { parent: this });
    // The deployer's explicit admin before anything talks to the cluster through the provider.
    const admins = grantClusterAdmins(step, clusterName, clusterAdminRoles(args));
    const provider = new k8s.Provider(
      `${name}-k8s`,
      { kubeconfig: pulumi.secret(cluster.kubeconfigJson), enableServerSideApply: true },
      { parent: this, dependsOn: admins },
    );
    const nodeGroups = createNodeGroups(step, args, cluster, nodeRole.role, vpc, [
      ...nodeRole.attachments,
      podIdentityAgent,
      vpcCni,
      kubeProxy,
    ]);

    // Add-ons that run as pods: after the nodes they run on.
    const coredns = managedAddon(name, "coredns", addons, { parent: this, dependsOn: nodeGroups });
    const metricsServer = managedAddon(name, "metrics-server", addons, {
      parent: this,
      dependsOn: nodeGroups,
    });
    // Cluster add-ons with their own IAM role (EKS Pod Identity); their pods need a node and cluster DNS.
    const podIdentity: PodIdentityClusterArgs = { provider, clusterName, after: [coredns] };
    const { region, partition, accountId } = step;
    const imageTag = versions.clusterAutoscaler;
    new ClusterAutoscaler(
      `${name}-cluster-autoscaler`,
      { ...podIdentity, clusterName, region, partition, accountId, imageTag },
      { parent: this },
    );
    const containerLogs = createLogGroup(
      step,
      "container-logs",
      containerLogGroupName(args.clusterName),
      args,
    );
    new ContainerLogs(
      `${name}-fluent-bit`,
      { ...podIdentity, logGroupName: containerLogs.name, logGroupArn: containerLogs.arn, region },
      { parent: this },
    );
    const appIdentity = createAppIdentity(step, clusterName, args.namespace);
    const loadBalancerController = new AwsLoadBalancerController(
      `${name}-lbc`,
      { ...podIdentity, clusterName, region, vpcId: vpc.vpcId, partition, accountId },
      { parent: this },
    );
    const rollouts = createRollouts(`${name}-rollouts`, args, podIdentity, step);
    const edge = createEdge(name, args.loadBalancer, step.tags, step, this);
    const app = deployApp(step, args, {
      provider,
      vpc,
      appIdentity,
      secretsAfter: [coredns],
      metricsServer,
      loadBalancerController,
      edge,
      rollouts,
    });
    const alias = createDomainAlias(step, args, edge, app);
    const bastion = createBastion(step, args, vpc, cluster, clusterName);
    const { dashboardUrl, alarmTopicArn } = createMonitoring(step, args, app, clusterName, alias, rollouts);
    scanFindingsAlert(name, { imageUri: args.image.uri, topicArn: alarmTopicArn, tags: step.tags }, this);

    this.clusterName = clusterName;
    this.kubeconfig = pulumi.secret(cluster.kubeconfigJson);
    this.vpcId = vpc.vpcId;
    this.namespace = app.namespace;
    this.loadBalancerDnsName = app.ingressAddress;
    // The https URL waits for the record, as ECS's does.
    this.url = alias ? pulumi.interpolate`https://${alias.name}` : albOrClusterUrl(args, app);
    this.bastionInstanceId = bastion.instanceId;
    this.bastionConnectCommand = bastion.connectCommand;
    this.appRole = appIdentity.role;
    this.appRoleArn = appIdentity.role.arn;
    this.containerLogGroupName = containerLogs.name;
    this.controlPlaneLogGroupName = controlPlaneLogs.name;
    this.dashboardUrl = dashboardUrl;
    this.alarmTopicArn = alarmTopicArn;
    this.registerOutputs({
      clusterName: this.clusterName,
      kubeconfig: this.kubeconfig,
      vpcId: this.vpcId,
      namespace: this.namespace,
      url: this.url,
      loadBalancerDnsName: this.loadBalancerDnsName,
      bastionInstanceId: this.bastionInstanceId,
      bastionConnectCommand: this.bastionConnectCommand,
      appRoleArn: this.appRoleArn,
      containerLogGroupName: this.containerLogGroupName,
      controlPlaneLogGroupName: this.controlPlaneLogGroupName,
      dashboardUrl: this.dashboardUrl,
      alarmTopicArn: this.alarmTopicArn,
    });
  }
}

/** The ALB's URL; until the controller has published the ALB (only without the await), the in-cluster URL. */
function albOrClusterUrl(args: EksPlatformArgs, app: KubernetesApp): pulumi.Output<string> {
  const scheme = albListeners(args.loadBalancer).https ? "https" : "http";
  return pulumi
    .all([app.ingressAddress, app.clusterUrl])
    .apply(([address, clusterUrl]) => (address ? `${scheme}://${address}` : clusterUrl));
}

/** What every step of the EKS outline needs: the component's name, tags, parent and AWS account. */
interface EksStep extends AwsAccount {
  name: string;
  tags: Record<string, string>;
  parent: pulumi.Resource;
}

function eksStep(name: string, tags: Record<string, string>, parent: pulumi.Resource): EksStep {
  return { name, tags, parent, ...lookupAwsAccount(parent) };
}

/**
 * The VPC, with the subnet tags the load balancer controller picks subnets by. Pods take VPC addresses
 * (VPC CNI), so private subnets are as large as the AZ count allows (subnet-layout.ts).
 */
function createEksNetwork(step: EksStep, { network, protection }: EksPlatformArgs): awsx.ec2.Vpc {
  const [publicSubnets, privateSubnets] = eksSubnetMasks(network.availabilityZones);
  return createNetwork(
    "EksPlatform",
    step.name,
    {
      network,
      subnets: [
        { ...(publicSubnets as SubnetMask), tags: { "kubernetes.io/role/elb": "1" } },
        { ...(privateSubnets as SubnetMask), tags: { "kubernetes.io/role/internal-elb": "1" } },
      ],
      tags: step.tags,
      account: step,
      protection,
    },
    step.parent,
  );
}

/** Envelope encryption of Kubernetes secrets, with a key that rotates. */
function createSecretsKey({ name, tags, parent }: EksStep, protection: StateProtection): aws.kms.Key {
  return new aws.kms.Key(
    `${name}-secrets-key`,
    {
      description: `EKS secrets encryption (${name})`,
      enableKeyRotation: true,
      deletionWindowInDays: KMS_KEY_DELETION_WINDOW_DAYS,
      tags,
    },
    { parent, ...holdsData(protection) },
  );
}

/**
 * The node role: explicit, the node's own managed policies only ({@link NODE_MANAGED_POLICIES}). The VPC
 * CNI's policy is not here: the "cycle" once given for keeping it (an IRSA role needing the cluster's
 * OIDC provider) does not exist with Pod Identity, whose association is made after the cluster and
 * before the nodes (createVpcCni). Pods cannot use the node role: IMDS hop limit 1.
 */
function createNodeRole({ name, tags, parent, partition }: EksStep): {
  role: aws.iam.Role;
  attachments: aws.iam.RolePolicyAttachment[];
} {
  const role = new aws.iam.Role(
    `${name}-node-role`,
    {
      description: "EKS managed node groups",
      assumeRolePolicy: JSON.stringify(EC2_ASSUME_ROLE_POLICY),
      tags,
    },
    { parent },
  );
  const attachments = NODE_MANAGED_POLICIES.map(
    (policy) =>
      new aws.iam.RolePolicyAttachment(
        `${name}-node-${policy}`,
        { role: role.name, policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/${policy}` },
        { parent },
      ),
  );
  return { role, attachments };
}

/** A log group this stack owns, with the stack's retention. */
function createLogGroup(
  { name, tags, parent }: EksStep,
  suffix: string,
  logGroupName: string,
  args: { logRetentionDays: number; protection: StateProtection },
): aws.cloudwatch.LogGroup {
  return new aws.cloudwatch.LogGroup(
    `${name}-${suffix}`,
    { name: logGroupName, retentionInDays: args.logRetentionDays, tags },
    { parent, ...holdsData(args.protection) },
  );
}

function createCluster(
  { name, tags, parent }: EksStep,
  args: EksPlatformArgs,
  vpc: awsx.ec2.Vpc,
  secretsKey: aws.kms.Key,
  controlPlaneLogs: aws.cloudwatch.LogGroup,
): eks.Cluster {
  const publicEndpoint = args.endpointPublicAccessCidrs.length > 0;
  return new eks.Cluster(
    `${name}-cluster`,
    {
      name: args.clusterName,
      version: args.kubernetesVersion,
      upgradePolicy: { supportType: args.kubernetesSupportType },
      authenticationMode: eks.AuthenticationMode.Api,
      enabledClusterLogTypes: [...args.clusterLogTypes],
      encryptionConfigKeyArn: secretsKey.arn,
      endpointPrivateAccess: true,
      endpointPublicAccess: publicEndpoint,
      ...(publicEndpoint ? { publicAccessCidrs: args.endpointPublicAccessCidrs } : {}),
      // No IAM OIDC provider: every workload that calls AWS uses EKS Pod Identity, which needs none
      // (service-accounts.html, "Comparing EKS Pod Identity and IRSA"; read 2026-12-07), and the bastion
      // authenticates through an access entry. The cluster keeps its OIDC issuer; only the IAM side goes.
      createOidcProvider: false,
      skipDefaultNodeGroup: true,
      vpcId: vpc.vpcId,
      publicSubnetIds: vpc.publicSubnetIds,
      privateSubnetIds: vpc.privateSubnetIds,
      nodeAssociatePublicIpAddress: false,
      // pulumi-eks's own add-on handling resolves the newest version on every run (cluster.ts:
      // getAddonVersionOutput mostRecent: true) and leaves CoreDNS self-managed without a default node
      // group: all three are off here and created below at the versions EKS_VERSIONS pins.
      useDefaultVpcCni: true,
      kubeProxyAddonOptions: { enabled: false },
      corednsAddonOptions: { enabled: false },
      tags,
    },
    // No customTimeouts: eks.Cluster is a remote component, which does not pass resource options to the
    // aws.eks.Cluster it creates (pulumi-eks cluster.ts builds it with its own options), so they did
    // nothing; the AWS provider's defaults for that resource apply.
    {
      parent,
      ...holdsIdentity(args.protection),
      dependsOn: [controlPlaneLogs],
      ...(args.deployerRoleArn !== undefined && { transforms: [noCreatorAdmin] }),
    },
  );
}

/** The cluster admins: the deployer (when given) and the human administrators, each once. */
export function clusterAdminRoles(
  args: Pick<EksPlatformArgs, "adminRoleArns" | "deployerRoleArn">,
): string[] {
  return [
    ...new Set([
      ...(args.deployerRoleArn === undefined ? [] : [args.deployerRoleArn]),
      ...args.adminRoleArns,
    ]),
  ];
}

/**
 * Turns off EKS's implicit, permanent cluster admin for the cluster's creator (issue 32 item 9) on the
 * aws.eks.Cluster that eks.Cluster creates. pulumi-eks hard-codes `bootstrapClusterCreatorAdminPermissions:
 * true` and has no input for it (pulumi/pulumi-eks nodejs/eks/cluster/cluster.ts, commit 7bf0c1b, read
 * 2026-12-07; eks:index:Cluster in shared/reference/pulumi-eks-schema.json), so a `transforms` option
 * rewrites its child's input; the engine applies transforms to a remote component's children. It also
 * sets ignoreChanges on the field, so an existing cluster is never replaced for it: the change applies
 * to clusters created from now on (docs/security.md: delete an old creator entry by hand).
 */
export const noCreatorAdmin: pulumi.ResourceTransform = (args) => {
  if (args.type !== "aws:eks/cluster:Cluster") return undefined;
  const accessConfig = (args.props.accessConfig ?? {}) as Record<string, unknown>;
  return {
    props: {
      ...args.props,
      accessConfig: { ...accessConfig, bootstrapClusterCreatorAdminPermissions: false },
    },
    opts: args.opts,
  };
};

/** Access entries for the deployer and the human administrators (cluster admin). */
function grantClusterAdmins(
  { name, tags, parent, partition }: EksStep,
  clusterName: pulumi.Output<string>,
  adminRoleArns: string[],
): aws.eks.AccessPolicyAssociation[] {
  return adminRoleArns.map((arn) => {
    const roleName = arn.split("/").pop() ?? arn;
    const entry = new aws.eks.AccessEntry(
      `${name}-admin-${roleName}`,
      { clusterName, principalArn: arn, type: "STANDARD", tags },
      { parent },
    );
    return new aws.eks.AccessPolicyAssociation(
      `${name}-admin-${roleName}`,
      {
        clusterName,
        principalArn: arn,
        policyArn: pulumi.interpolate`arn:${partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
        accessScope: { type: "cluster" },
      },
      { parent, dependsOn: [entry] },
    );
  });
}

/** The name suffix of the node group in the VPC's `index`-th private subnet (`az1`, `az2`, …). */
export const zoneSuffix = (index: number): string => `az${index + 1}`;

/**
 * Managed node groups: ONE PER AVAILABILITY ZONE, each in that zone's private subnet only, all from the
 * same launch template (IMDSv2, encrypted gp3, no SSH), instance types and labels, so the Cluster
 * Autoscaler sees them as similar groups and `--balance-similar-node-groups` keeps the zones even.
 *
 * Why not one group over every subnet (what this did before): "Cluster autoscaler does not support Auto
 * Scaling Groups which span multiple Availability Zones; instead you should use an Auto Scaling Group for
 * each Availability Zone and enable the --balance-similar-node-groups feature. If you do use a single
 * Auto Scaling Group that spans multiple Availability Zones you will find that AWS unexpectedly
 * terminates nodes without them being drained because of the rebalancing feature" (kubernetes/autoscaler
 * cluster-autoscaler/cloudprovider/aws/README.md, "Common Notes and Gotchas", read 2026-12-07; eksctl's
 * "Zone-aware Auto Scaling" says the same). With one group, a scale-up for a pod pending on the app's
 * hard zone spread can add a node in any zone; with one per zone the autoscaler simulates each group's
 * template node, whose zone is known, and picks the zone that lets the pod schedule.
 *
 * The groups differ only in the label `eks.amazonaws.com/nodegroup`, which the autoscaler's AWS
 * comparator ignores when it decides which groups are similar (kubernetes/autoscaler
 * cluster-autoscaler/processors/nodegroupset/aws_nodegroups.go, CreateAwsNodeInfoComparator, read
 * 2026-12-07): no zone-specific label may be added here, or balancing stops.
 *
 * awsx's VPC creates its subnets zone by zone and pushes each private one onto privateSubnetIds in that
 * loop (pulumi/pulumi-awsx awsx/ec2/vpc.ts `for (let i = 0; i < availabilityZones.length; i++)`, commit
 * 01c654f, read 2026-12-07), and this VPC has one private spec: the i-th id is the i-th zone's subnet.
 */
function createNodeGroups(
  step: EksStep,
  args: EksPlatformArgs,
  cluster: eks.Cluster,
  nodeRole: aws.iam.Role,
  vpc: awsx.ec2.Vpc,
  after: pulumi.Resource[],
): eks.ManagedNodeGroup[] {
  const { name, tags, parent } = step;
  return args.nodeGroups.flatMap((group) => {
    const launchTemplate = createLaunchTemplate(step, group);
    const arm = group.instanceTypes.some(isArmInstanceType);
    const releaseVersion = aws.ssm.getParameterOutput(
      { name: nodeReleaseVersionParameter(args.kubernetesVersion, arm) },
      { parent },
    ).value;
    // Each zone's group after the previous one: an update (new AMI release, Kubernetes minor, launch
    // template) then rolls one zone at a time, so the other zones keep their nodes while one drains.
    const groups: eks.ManagedNodeGroup[] = [];
    for (let zone = 0; zone < args.network.availabilityZones; zone++) {
      const previous = groups.at(-1);
      groups.push(
        new eks.ManagedNodeGroup(
          `${name}-${group.name}-${zoneSuffix(zone)}`,
          {
            cluster,
            nodeRole,
            subnetIds: [vpc.privateSubnetIds.apply((ids) => zoneSubnet(name, ids, zone))],
            instanceTypes: group.instanceTypes,
            capacityType: group.capacityType,
            // The launch template has no AMI, so EKS picks the AMI for this type and version (and writes
            // the node bootstrap); with a custom template the version is not defaulted from the cluster.
            amiType: arm ? eks.AmiType.AL2023Arm64Standard : eks.AmiType.AL2023X86_64Standard,
            version: args.kubernetesVersion,
            releaseVersion,
            scalingConfig: {
              minSize: group.minSizePerZone,
              desiredSize: group.desiredSizePerZone,
              maxSize: group.maxSizePerZone,
            },
            launchTemplate: {
              id: launchTemplate.id,
              version: pulumi.interpolate`${launchTemplate.latestVersion}`,
            },
            // The same on every zone's group (see above: a zone label would make them dissimilar).
            labels: { "fastify-deploy/node-group": group.name },
            // The Cluster Autoscaler owns the desired size after creation: pulumi-eks then sets
            // ignoreChanges ["scalingConfig.desiredSize"] on the aws.eks.NodeGroup it creates
            // (nodejs/eks/nodes/nodegroup.ts), so `pulumi up` never resets the autoscaler's choice.
            ignoreScalingChanges: true,
            tags,
          },
          { parent, dependsOn: previous === undefined ? after : [...after, previous] },
        ),
      );
    }
    return groups;
  });
}

/** The `zone`-th private subnet; awsx made one per zone, so a missing one is a bug, not a config error. */
function zoneSubnet(component: string, ids: string[], zone: number): string {
  const id = ids[zone];
  checkComputed(
    component,
    "privateSubnetIds",
    id !== undefined,
    `has ${ids.length} subnets; node group ${zoneSuffix(zone)} needs the zone's own (one per zone)`,
  );
  return id as string;
}

function createLaunchTemplate(
  { name, tags, parent }: EksStep,
  group: EksNodeGroupArgs,
): aws.ec2.LaunchTemplate {
  return new aws.ec2.LaunchTemplate(
    `${name}-${group.name}-lt`,
    {
      description: `EKS node group ${group.name}`,
      updateDefaultVersion: true,
      // Hop limit 1: only host-network processes (kubelet, VPC CNI, kube-proxy) reach IMDS; pods
      // cannot borrow the node role. The add-ons use EKS Pod Identity (the agent's link-local
      // address, not IMDS) and the load balancer controller gets region and VPC from its values, so
      // nothing in a pod needs IMDS.
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
        instanceMetadataTags: "disabled",
      },
      blockDeviceMappings: [
        {
          deviceName: "/dev/xvda",
          ebs: {
            volumeType: "gp3",
            volumeSize: group.diskSizeGiB,
            encrypted: "true",
            deleteOnTermination: "true",
          },
        },
      ],
      tagSpecifications: [
        { resourceType: "instance", tags: { ...tags, Name: `${name}-${group.name}` } },
        { resourceType: "volume", tags: { ...tags, Name: `${name}-${group.name}` } },
      ],
      tags,
    },
    { parent },
  );
}

/** The app's AWS identity: its role (what appRoleArn names) and its service account's one association. */
interface AppIdentity {
  role: aws.iam.Role;
  association: aws.eks.PodIdentityAssociation;
}

/**
 * The app's own AWS identity: a Pod Identity role with no permissions (other stacks attach policies to
 * appRoleArn; the role keeps its resource name `<name>-app-role`), associated with the app's service
 * account, which KubernetesApp names after the namespace.
 */
function createAppIdentity(
  { name, tags, parent }: EksStep,
  clusterName: pulumi.Output<string>,
  namespace: string,
): AppIdentity {
  const subject = { clusterName, namespace, serviceAccount: namespace };
  const role = podIdentityRole(
    `${name}-app-role`,
    { ...subject, description: "The app's pods (EKS Pod Identity); no permissions by default", tags },
    { parent },
  );
  const association = podIdentityAssociation(
    `${name}-app-pod-identity`,
    { ...subject, role, tags },
    { parent },
  );
  return { role, association };
}

/**
 * The VPC CNI add-on, its AWS permissions through the add-on's own Pod Identity association (EKS user
 * guide add-ons-iam.html and update-addon-role.html, read 2026-12-07) instead of the node role. The add-on
 * waits for the agent (add-ons-iam.html: "Confirm that Amazon EKS pod identity agent is setup on your
 * cluster") and for its role's policy, so aws-node never starts without permissions.
 */
function createVpcCni(
  { name, tags, parent, partition }: EksStep,
  clusterName: string,
  addons: ManagedAddonArgs,
  podIdentityAgent: aws.eks.Addon,
): aws.eks.Addon {
  const role = podIdentityRole(
    `${name}-vpc-cni-role`,
    {
      clusterName,
      namespace: "kube-system",
      serviceAccount: VPC_CNI_SERVICE_ACCOUNT,
      description: "Amazon VPC CNI (EKS Pod Identity, through the vpc-cni add-on)",
      tags,
    },
    { parent },
  );
  const policy = new aws.iam.RolePolicyAttachment(
    `${name}-vpc-cni-${VPC_CNI_POLICY}`,
    { role: role.name, policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/${VPC_CNI_POLICY}` },
    { parent },
  );
  return managedAddon(
    name,
    "vpc-cni",
    addons,
    { parent, dependsOn: [podIdentityAgent, policy] },
    {
      configurationValues: { enableNetworkPolicy: "true" },
      podIdentityAssociations: [{ roleArn: role.arn, serviceAccount: VPC_CNI_SERVICE_ACCOUNT }],
    },
  );
}

interface AppDependencies {
  provider: k8s.Provider;
  vpc: awsx.ec2.Vpc;
  appIdentity: AppIdentity;
  /** What the secrets' CSI driver waits for (CoreDNS, itself after the nodes). */
  secretsAfter: pulumi.Resource[];
  metricsServer: aws.eks.Addon;
  loadBalancerController: AwsLoadBalancerController;
  edge: Edge;
  /** Progressive delivery (issue 29): Argo Rollouts, when the strategy is not `rolling`. */
  rollouts: ReturnType<typeof createRollouts>;
}

/**
 * The shared KubernetesApp behind the ALB the load balancer controller makes from its Ingress. (The one
 * place that builds KubernetesApp's Args on EKS.)
 */
function deployApp(
  { name, tags, parent, region }: EksStep,
  args: EksPlatformArgs,
  deps: AppDependencies,
): KubernetesApp {
  // The declared secrets through the Secrets Store CSI driver (secrets-store.ts); nothing without any.
  const secretEnv =
    args.secrets.env.length > 0
      ? createSecretsStore(
          name,
          {
            provider: deps.provider,
            namespace: args.namespace,
            namePrefix: args.namespace,
            region,
            appRole: deps.appIdentity.role,
            secrets: args.secrets,
            after: deps.secretsAfter,
            tags,
          },
          parent,
        )
      : undefined;
  const ingress: AlbIngressSettings = {
    loadBalancer: args.loadBalancer,
    healthCheck: EKS_HEALTH_CHECK,
    deregistrationDelaySeconds: EKS_DEREGISTRATION_DELAY_SECONDS,
    tags,
  };
  // tracing xray: the collector sidecar (xrayRegion below) signs with the app's role (aws/tracing.ts).
  if (args.app.tracing.mode === "xray") attachXrayExportPolicy(`${name}-app`, deps.appIdentity.role, parent);
  return new KubernetesApp(
    `${name}-app`,
    {
      provider: deps.provider,
      image: args.image.uri,
      app: args.app,
      scaling: args.scaling,
      platform: "eks",
      drainDelayMs: EKS_DRAIN_DELAY_MS,
      namespace: args.namespace,
      createNamespace: true,
      serviceType: "ClusterIP",
      // The VPC's public subnets, where the ALB's network interfaces live, and a Gateway's namespace.
      networkPolicySources: networkPolicySources(args.networkPolicy, () => [
        ...publicSubnetCidrs(deps.vpc, args.network.availabilityZones, parent).map((cidr) => ({ cidr })),
        ...(args.gateway !== undefined ? [{ namespace: args.gateway.namespace }] : []),
      ]),
      ...(args.gateway !== undefined && { gateway: args.gateway }),
      awaitAddress: args.awaitAddress,
      // ALB `ip` targets: without readiness gates a rollout can leave the target group with only
      // "initial" and "draining" targets (AWS Load Balancer Controller docs, pod_readiness_gate.md).
      podReadinessGates: true,
      // The node groups span every zone of the VPC.
      zoneCount: args.network.availabilityZones,
      // No role annotation (that is IRSA's): the association gives the pods their role. The annotation
      // below only names it for operators, and, taken from the association, makes the service account
      // and so the pods wait for it (EKS sets the credentials on pods created after the association).
      serviceAccountAnnotations: { [APP_ROLE_ANNOTATION]: deps.appIdentity.association.roleArn },
      xrayRegion: region,
      ...(deps.rollouts && { progressive: deps.rollouts.progressive }),
      ...(secretEnv !== undefined && { secretEnv }),
      // The HPA reads the resource metrics API that metrics-server serves.
      metricsApi: deps.metricsServer,
      // No annotation needed; taken from the controller so the Service waits for its webhooks.
      serviceAnnotations: deps.loadBalancerController.ingressClassName.apply(() => ({})),
      ingress: {
        className: deps.loadBalancerController.ingressClassName,
        annotations: pulumi
          .output({
            certificateArn: deps.edge.certificateArn,
            accessLogBucket: deps.edge.accessLogBucket,
            webAclArn: deps.edge.webAclArn,
          })
          .apply((edge) => albIngressAnnotations(ingress, edge)),
      },
    },
    { parent },
  );
}

/**
 * The domain's alias to the ALB the controller created: its DNS name from the Ingress's status (config
 * requires the address await with a domain) and ELB's hosted zone for the region (aws.elb.getHostedZoneId;
 * ALBs and Classic LBs share it per region). Chosen over ExternalDNS: one record in this stack, created
 * once the address is known and deleted by destroy, instead of another controller with its own IAM role
 * writing records Pulumi does not track. Returns the record: what names the domain (the URL, the
 * synthetic check) reads its name from it, and so waits for it.
 */
function createDomainAlias(
  { name, parent }: EksStep,
  args: EksPlatformArgs,
  edge: Edge,
  app: KubernetesApp,
): aws.route53.Record | undefined {
  const domain = args.loadBalancer.domain;
  if (domain === undefined || edge.dns === undefined) return undefined;
  const zoneId = aws.elb.getHostedZoneIdOutput({}, { parent }).id;
  return createAlias(name, domain, { dnsName: app.ingressAddress, zoneId }, edge.dns);
}

/** The operators' way in: SSM by default, SSH from configured CIDRs when asked. */
function createBastion(
  step: EksStep,
  args: EksPlatformArgs,
  vpc: awsx.ec2.Vpc,
  cluster: eks.Cluster,
  clusterName: pulumi.Output<string>,
): Bastion {
  const { name, parent } = step;
  return new Bastion(
    `${name}-bastion`,
    {
      vpcId: vpc.vpcId,
      subnetId: args.bastion.mode === "ssh" ? vpc.publicSubnetIds[0] : vpc.privateSubnetIds[0],
      ...args.bastion,
      namespaces: [args.namespace],
      // The cluster admins are the operators: each may start a logged session on the bastion.
      operatorRoleArns: args.adminRoleArns,
      logRetentionDays: args.logRetentionDays,
      protection: args.protection,
      clusterName,
      clusterSecurityGroupId: cluster.clusterSecurityGroupId,
      kubernetesVersion: args.kubernetesVersion,
      account: step,
    },
    { parent },
  );
}

/**
 * Alarms on the ALB the controller made for the app's Ingress (found by its tags), the topic, the
 * synthetic check of the ALB's address and the dashboard. Without Container Insights (not enabled
 * here) the cluster publishes no pod metrics to CloudWatch: the ALB's target metrics are the app's
 * signals (healthy pods behind the ALB stand for "running below minCount"); CPU is the HPA's and the
 * Cluster Autoscaler's job.
 */
function createMonitoring(
  step: EksStep,
  args: EksPlatformArgs,
  app: KubernetesApp,
  clusterName: pulumi.Output<string>,
  alias: aws.route53.Record | undefined,
  rollouts: ReturnType<typeof createRollouts>,
): StackMonitoring {
  const { name, tags, parent } = step;
  const alb = controllerAlbDimensions(
    {
      clusterName,
      namespace: app.namespace,
      name: app.ingressName,
      address: app.ingressAddress,
      // With a canary the Ingress has a stable and a canary target group: the alarms watch the stable one.
      ...(rollouts && {
        targetGroupResource: pulumi.interpolate`${app.namespace}/${app.ingressName}-${stableServiceName(args.namespace)}:${SERVICE_PORT}`,
      }),
    },
    parent,
  );
  const settings = args.monitoring;
  const base = createAlbMonitoring(
    name,
    { settings, alb, minHealthyTargets: args.scaling.minCount, account: step, tags },
    parent,
  );
  // The public URL's host: the domain when there is one (its certificate matches), else the ALB's name.
  // Read from the alias record, as ECS does: Route 53 would otherwise start checking a name that does
  // not resolve yet, and the synthetic alarms would fire on the first deploy.
  const dnsName = alias ? alias.name : app.ingressAddress;
  const endpoint = { dnsName, https: albListeners(args.loadBalancer).https };
  // The canary analysis reads the ALB the alarms watch, once it is found.
  if (rollouts) createCanaryAnalysis(name, args, alb, app.namespace, rollouts.controller, parent);
  return completeMonitoring(name, base, { settings, endpoint, tags }, parent);
}
