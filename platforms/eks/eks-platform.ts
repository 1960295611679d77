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
  isArmInstanceType,
  type KubernetesSupportType,
  type KubernetesVersion,
  type LoadBalancerSettings,
  type MonitoringSettings,
  type NetworkPolicySources,
  type NetworkSettings,
  type ScalingSettings,
  type SecretSettings,
} from "../../facts";
import { READINESS_PATH } from "../app-contract";
import type { PlatformImage } from "../args";
import {
  type AlbIngressSettings,
  type AwsAccount,
  albIngressAnnotations,
  albListeners,
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
import { type GatewayRoute, KubernetesApp, networkPolicySources } from "../workload";
import { managedAddon } from "./addons";
import { Bastion } from "./bastion";
import { ClusterAutoscaler } from "./cluster-autoscaler";
import { ContainerLogs } from "./container-logs";
import { type IrsaClusterArgs, serviceAccountRole } from "./irsa";
import { AwsLoadBalancerController } from "./load-balancer-controller";
import { createSecretsStore } from "./secrets-store";
import { containerLogGroupName, controlPlaneLogGroupName, EKS_VERSIONS } from "./versions";

/**
 * Node managed policies; the node role needs nothing else. ECR through AmazonEC2ContainerRegistryPullOnly
 * (pull only: no ecr:ListImages/DescribeImages/GetLifecyclePolicy… as ReadOnly grants), the policy the
 * EKS user guide's "Amazon EKS node IAM role" names (https://docs.aws.amazon.com/eks/latest/userguide/create-node-role.html,
 * read 2026-12-07).
 */
export const NODE_MANAGED_POLICIES = [
  "AmazonEKSWorkerNodePolicy",
  "AmazonEKS_CNI_Policy",
  "AmazonEC2ContainerRegistryPullOnly",
] as const;

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
  minSize: number;
  desiredSize: number;
  maxSize: number;
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
  /** IAM role the app's pods run as (IRSA), with no permissions: other stacks attach policies to it. */
  public readonly appRoleArn: pulumi.Output<string>;
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

    const vpc = createEksNetwork(step, args.network);
    const secretsKey = createSecretsKey(step);
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

    // Pinned networking add-ons before the nodes: each new node starts with these versions. The VPC CNI
    // enforces NetworkPolicy, so KubernetesApp's NetworkPolicy bites.
    const vpcCni = managedAddon(name, "vpc-cni", addons, { parent: this }, { enableNetworkPolicy: "true" });
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
      vpcCni,
      kubeProxy,
    ]);

    // Add-ons that run as pods: after the nodes they run on.
    const coredns = managedAddon(name, "coredns", addons, { parent: this, dependsOn: nodeGroups });
    const metricsServer = managedAddon(name, "metrics-server", addons, {
      parent: this,
      dependsOn: nodeGroups,
    });
    // Cluster add-ons with their own IAM role; their pods need a node and cluster DNS.
    const irsa: IrsaClusterArgs = {
      provider,
      oidcProviderArn: cluster.oidcProviderArn,
      oidcIssuer: cluster.oidcIssuer,
      after: [coredns],
    };
    const { region, partition, accountId } = step;
    const imageTag = versions.clusterAutoscaler;
    new ClusterAutoscaler(
      `${name}-cluster-autoscaler`,
      { ...irsa, clusterName, region, partition, accountId, imageTag },
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
      { ...irsa, logGroupName: containerLogs.name, logGroupArn: containerLogs.arn, region },
      { parent: this },
    );
    const appRole = createAppRole(step, cluster, args.namespace);
    const loadBalancerController = new AwsLoadBalancerController(
      `${name}-lbc`,
      { ...irsa, clusterName, region, vpcId: vpc.vpcId, partition, accountId },
      { parent: this },
    );

    const edge = createEdge(name, args.loadBalancer, step.tags, step, this);
    const app = deployApp(step, args, {
      provider,
      vpc,
      appRole,
      secretsAfter: [coredns],
      metricsServer,
      loadBalancerController,
      edge,
    });
    const alias = createDomainAlias(step, args, edge, app);
    const bastion = createBastion(step, args, vpc, cluster, clusterName);
    const { dashboardUrl, alarmTopicArn } = createMonitoring(step, args, app, clusterName, alias);
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
    this.appRoleArn = appRole.arn;
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
function createEksNetwork(step: EksStep, network: NetworkSettings): awsx.ec2.Vpc {
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
    },
    step.parent,
  );
}

/** Envelope encryption of Kubernetes secrets, with a key that rotates. */
function createSecretsKey({ name, tags, parent }: EksStep): aws.kms.Key {
  return new aws.kms.Key(
    `${name}-secrets-key`,
    {
      description: `EKS secrets encryption (${name})`,
      enableKeyRotation: true,
      deletionWindowInDays: KMS_KEY_DELETION_WINDOW_DAYS,
      tags,
    },
    { parent },
  );
}

/**
 * The node role: explicit, three managed policies. The CNI policy sits on the node role because the
 * VPC CNI must work before any node is Ready, and an IRSA role for it would need the cluster's own OIDC
 * provider as an input to the cluster (a cycle). Pods cannot use the node role: IMDS hop limit 1.
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
  args: { logRetentionDays: number },
): aws.cloudwatch.LogGroup {
  return new aws.cloudwatch.LogGroup(
    `${name}-${suffix}`,
    { name: logGroupName, retentionInDays: args.logRetentionDays, tags },
    { parent },
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
      createOidcProvider: true,
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

/** Managed node groups: private subnets, explicit launch template (IMDSv2, encrypted gp3), no SSH. */
function createNodeGroups(
  step: EksStep,
  args: EksPlatformArgs,
  cluster: eks.Cluster,
  nodeRole: aws.iam.Role,
  vpc: awsx.ec2.Vpc,
  after: pulumi.Resource[],
): eks.ManagedNodeGroup[] {
  const { name, tags, parent } = step;
  return args.nodeGroups.map((group) => {
    const launchTemplate = createLaunchTemplate(step, group);
    const arm = group.instanceTypes.some(isArmInstanceType);
    const releaseVersion = aws.ssm.getParameterOutput(
      { name: nodeReleaseVersionParameter(args.kubernetesVersion, arm) },
      { parent },
    ).value;
    return new eks.ManagedNodeGroup(
      `${name}-${group.name}`,
      {
        cluster,
        nodeRole,
        subnetIds: vpc.privateSubnetIds,
        instanceTypes: group.instanceTypes,
        capacityType: group.capacityType,
        // The launch template has no AMI, so EKS picks the AMI for this type and version (and writes the
        // node bootstrap); with a custom template the version is not defaulted from the cluster.
        amiType: arm ? eks.AmiType.AL2023Arm64Standard : eks.AmiType.AL2023X86_64Standard,
        version: args.kubernetesVersion,
        releaseVersion,
        scalingConfig: { minSize: group.minSize, desiredSize: group.desiredSize, maxSize: group.maxSize },
        launchTemplate: {
          id: launchTemplate.id,
          version: pulumi.interpolate`${launchTemplate.latestVersion}`,
        },
        labels: { "fastify-deploy/node-group": group.name },
        // The Cluster Autoscaler owns the desired size after creation: pulumi-eks then sets
        // ignoreChanges ["scalingConfig.desiredSize"] on the aws.eks.NodeGroup it creates
        // (nodejs/eks/nodes/nodegroup.ts), so `pulumi up` never resets the autoscaler's choice.
        ignoreScalingChanges: true,
        tags,
      },
      { parent, dependsOn: after },
    );
  });
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
      // cannot borrow the node role. The load balancer controller uses IRSA and gets region and VPC
      // from its values, so nothing in a pod needs IMDS.
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

/** The app's own AWS identity: no permissions; other stacks attach policies to appRoleArn. */
function createAppRole(
  { name, tags, parent }: EksStep,
  cluster: eks.Cluster,
  namespace: string,
): aws.iam.Role {
  return serviceAccountRole(
    `${name}-app-role`,
    {
      description: "The app's pods (IRSA); no permissions by default",
      oidcProviderArn: cluster.oidcProviderArn,
      oidcIssuer: cluster.oidcIssuer,
      namespace,
      // KubernetesApp names its service account after the namespace.
      serviceAccountName: namespace,
      tags,
    },
    { parent },
  );
}

interface AppDependencies {
  provider: k8s.Provider;
  vpc: awsx.ec2.Vpc;
  appRole: aws.iam.Role;
  /** What the secrets' CSI driver waits for (CoreDNS, itself after the nodes). */
  secretsAfter: pulumi.Resource[];
  metricsServer: aws.eks.Addon;
  loadBalancerController: AwsLoadBalancerController;
  edge: Edge;
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
            appRole: deps.appRole,
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
      serviceAccountAnnotations: { "eks.amazonaws.com/role-arn": deps.appRole.arn },
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
): StackMonitoring {
  const { name, tags, parent } = step;
  const alb = controllerAlbDimensions(
    { clusterName, namespace: app.namespace, name: app.ingressName, address: app.ingressAddress },
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
  return completeMonitoring(name, base, { settings, endpoint, tags }, parent);
}
