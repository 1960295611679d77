import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  ALB_IDLE_TIMEOUT_SECONDS,
  ALB_TLS_POLICY,
  type AppSettings,
  type BastionAccessPolicy,
  type BastionMode,
  type CapacityType,
  type ClusterLogType,
  DEFAULT_VPC_CIDR,
  EC2_ASSUME_ROLE_POLICY,
  isArmInstanceType,
  type KubernetesVersion,
  type LoadBalancerSettings,
  type NetworkPolicySources,
  type NetworkSettings,
  type ScalingSettings,
} from "../facts";
import { READINESS_PATH } from "./app-contract";
import type { PlatformImage } from "./args";
import { AwsLoadBalancerController } from "./aws-load-balancer-controller";
import { Bastion } from "./bastion";
import { ClusterAutoscaler } from "./cluster-autoscaler";
import { ContainerLogs } from "./container-logs";
import { managedAddon } from "./eks-addons";
import { containerLogGroupName, controlPlaneLogGroupName, EKS_VERSIONS } from "./eks-versions";
import { serviceAccountRole } from "./irsa";
import { KubernetesApp, networkPolicySources } from "./kubernetes-app";
import { awsxAutoLayout, eksSubnetMasks } from "./subnet-layout";

/** Node managed policies; the node role needs nothing else. */
export const NODE_MANAGED_POLICIES = [
  "AmazonEKSWorkerNodePolicy",
  "AmazonEKS_CNI_Policy",
  "AmazonEC2ContainerRegistryReadOnly",
] as const;

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

export interface EksPlatformArgs {
  image: PlatformImage;
  app: AppSettings;
  scaling: ScalingSettings;
  /** natGateways is never "none" (config refuses it): nodes sit in private subnets and need NAT. */
  network: NetworkSettings;
  loadBalancer: LoadBalancerSettings;
  /**
   * The cluster's physical name, known before the cluster exists: EKS writes control-plane logs to
   * `/aws/eks/<name>/cluster`, which this component creates first (with retention) so EKS does not
   * create an unbounded one of its own that outlives the stack.
   */
  clusterName: string;
  kubernetesVersion: KubernetesVersion;
  /**
   * CIDRs admitted to the public API endpoint. Empty turns the public endpoint off; then `pulumi up`
   * must run where the private endpoint is reachable (inside the VPC, e.g. from the bastion).
   */
  endpointPublicAccessCidrs: string[];
  /** IAM role ARNs granted cluster admin through access entries. */
  adminRoleArns: string[];
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
  /** Control-plane log types shipped to CloudWatch. */
  clusterLogTypes: ClusterLogType[];
  /** Retention of the control-plane and container log groups. */
  logRetentionDays: number;
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

  constructor(name: string, args: EksPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fastify-deploy:platforms:EksPlatform", name, {}, opts);

    const namespace = args.namespace;
    const adminRoleArns = args.adminRoleArns;
    const tags: Record<string, string> = {};
    const withCertificate = args.loadBalancer.certificateArn !== undefined;
    const versions = EKS_VERSIONS[args.kubernetesVersion];
    const logRetentionDays = args.logRetentionDays;
    const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const region = aws.getRegionOutput({}, { parent: this }).region;
    const managedPolicyArn = (policy: string) =>
      pulumi.interpolate`arn:${partition}:iam::aws:policy/${policy}`;
    const accessPolicyArn = (policy: string) =>
      pulumi.interpolate`arn:${partition}:eks::aws:cluster-access-policy/${policy}`;

    // --- Network. Pods take VPC addresses (VPC CNI), so private subnets are as large as the AZ count
    // allows (subnet-layout.ts: /19 up to 4 AZs, /20 for 5..6).
    const vpcCidr = DEFAULT_VPC_CIDR;
    const subnetMasks = eksSubnetMasks(args.network.availabilityZones, vpcCidr);
    // Computed here, so checked here: the layout must fit awsx's allocation (throws the reason otherwise).
    awsxAutoLayout(vpcCidr, args.network.availabilityZones, subnetMasks);
    const [publicMask, privateMask] = subnetMasks.map((s) => s.cidrMask);
    const vpc = new awsx.ec2.Vpc(
      `${name}-vpc`,
      {
        cidrBlock: vpcCidr,
        numberOfAvailabilityZones: args.network.availabilityZones,
        natGateways: {
          strategy: {
            none: awsx.ec2.NatGatewayStrategy.None,
            single: awsx.ec2.NatGatewayStrategy.Single,
            onePerAz: awsx.ec2.NatGatewayStrategy.OnePerAz,
          }[args.network.natGateways],
        },
        subnetStrategy: awsx.ec2.SubnetAllocationStrategy.Auto,
        subnetSpecs: [
          // The load balancer controller picks subnets by these tags.
          {
            type: awsx.ec2.SubnetType.Public,
            name: "public",
            cidrMask: publicMask as number,
            tags: { "kubernetes.io/role/elb": "1" },
          },
          {
            type: awsx.ec2.SubnetType.Private,
            name: "private",
            cidrMask: privateMask as number,
            tags: { "kubernetes.io/role/internal-elb": "1" },
          },
        ],
        enableDnsHostnames: true,
        enableDnsSupport: true,
        tags,
      },
      { parent: this },
    );

    // --- Secrets envelope encryption.
    const secretsKey = new aws.kms.Key(
      `${name}-secrets-key`,
      {
        description: `EKS secrets encryption (${name})`,
        enableKeyRotation: true,
        deletionWindowInDays: KMS_KEY_DELETION_WINDOW_DAYS,
        tags,
      },
      { parent: this },
    );

    // --- Node role: explicit, three managed policies. The CNI policy sits on the node role because the
    // VPC CNI must work before any node is Ready, and an IRSA role for it would need the cluster's own OIDC
    // provider as an input to the cluster (a cycle). Pods cannot use the node role: IMDS hop limit 1.
    const nodeRole = new aws.iam.Role(
      `${name}-node-role`,
      {
        description: "EKS managed node groups",
        assumeRolePolicy: JSON.stringify(EC2_ASSUME_ROLE_POLICY),
        tags,
      },
      { parent: this },
    );
    const nodePolicyAttachments = NODE_MANAGED_POLICIES.map(
      (policy) =>
        new aws.iam.RolePolicyAttachment(
          `${name}-node-${policy}`,
          { role: nodeRole.name, policyArn: managedPolicyArn(policy) },
          { parent: this },
        ),
    );

    // --- The control-plane log group, before the cluster: EKS writes to this fixed name and would
    // otherwise create it itself, with no retention and outside the stack.
    const controlPlaneLogGroup = new aws.cloudwatch.LogGroup(
      `${name}-control-plane-logs`,
      { name: controlPlaneLogGroupName(args.clusterName), retentionInDays: logRetentionDays, tags },
      { parent: this },
    );

    const publicEndpoint = args.endpointPublicAccessCidrs.length > 0;
    const cluster = new eks.Cluster(
      `${name}-cluster`,
      {
        name: args.clusterName,
        version: args.kubernetesVersion,
        // Pinned means the config decides when to upgrade, not the end of standard support.
        upgradePolicy: { supportType: "EXTENDED" },
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
      { parent: this, dependsOn: [controlPlaneLogGroup] },
    );
    const clusterName = cluster.eksCluster.name;
    const addonArgs = { clusterName, versions, tags };

    // --- Pinned networking add-ons before the nodes: each new node starts with these versions. The VPC
    // CNI enforces NetworkPolicy, so KubernetesApp's NetworkPolicy bites.
    const vpcCni = managedAddon(
      name,
      "vpc-cni",
      addonArgs,
      { parent: this },
      { enableNetworkPolicy: "true" },
    );
    const kubeProxy = managedAddon(name, "kube-proxy", addonArgs, { parent: this });

    const provider = new k8s.Provider(
      `${name}-k8s`,
      { kubeconfig: pulumi.secret(cluster.kubeconfigJson), enableServerSideApply: true },
      { parent: this },
    );

    // --- Access entries for human administrators (cluster admin).
    for (const arn of adminRoleArns) {
      const roleName = arn.split("/").pop() ?? arn;
      const entry = new aws.eks.AccessEntry(
        `${name}-admin-${roleName}`,
        { clusterName, principalArn: arn, type: "STANDARD", tags },
        { parent: this },
      );
      new aws.eks.AccessPolicyAssociation(
        `${name}-admin-${roleName}`,
        {
          clusterName,
          principalArn: arn,
          policyArn: accessPolicyArn("AmazonEKSClusterAdminPolicy"),
          accessScope: { type: "cluster" },
        },
        { parent: this, dependsOn: [entry] },
      );
    }

    // --- Managed node groups: private subnets, explicit launch template (IMDSv2, encrypted gp3), no SSH.
    const nodeGroups = args.nodeGroups.map((group) => {
      const instanceTypes = group.instanceTypes;
      const arm = instanceTypes.some(isArmInstanceType);
      const launchTemplate = new aws.ec2.LaunchTemplate(
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
        { parent: this },
      );
      return new eks.ManagedNodeGroup(
        `${name}-${group.name}`,
        {
          cluster,
          nodeRole,
          subnetIds: vpc.privateSubnetIds,
          instanceTypes,
          capacityType: group.capacityType,
          // The launch template has no AMI, so EKS picks the AMI for this type and version (and writes the
          // node bootstrap); with a custom template the version is not defaulted from the cluster.
          amiType: arm ? eks.AmiType.AL2023Arm64Standard : eks.AmiType.AL2023X86_64Standard,
          version: args.kubernetesVersion,
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
        { parent: this, dependsOn: [...nodePolicyAttachments, vpcCni, kubeProxy] },
      );
    });

    // --- Add-ons that run as pods: after the nodes they run on.
    const coredns = managedAddon(name, "coredns", addonArgs, { parent: this, dependsOn: nodeGroups });
    const metricsServer = managedAddon(name, "metrics-server", addonArgs, {
      parent: this,
      dependsOn: nodeGroups,
    });

    new ClusterAutoscaler(
      `${name}-cluster-autoscaler`,
      {
        provider,
        clusterName,
        region,
        partition,
        accountId,
        oidcProviderArn: cluster.oidcProviderArn,
        oidcIssuer: cluster.oidcIssuer,
        imageTag: versions.clusterAutoscaler,
        // Its pod needs a node and cluster DNS.
        after: [coredns],
        tags,
      },
      { parent: this },
    );

    const containerLogGroup = new aws.cloudwatch.LogGroup(
      `${name}-container-logs`,
      { name: containerLogGroupName(args.clusterName), retentionInDays: logRetentionDays, tags },
      { parent: this },
    );
    new ContainerLogs(
      `${name}-fluent-bit`,
      {
        provider,
        logGroupName: containerLogGroup.name,
        logGroupArn: containerLogGroup.arn,
        region,
        oidcProviderArn: cluster.oidcProviderArn,
        oidcIssuer: cluster.oidcIssuer,
        after: [coredns],
        tags,
      },
      { parent: this },
    );

    // --- The app's own AWS identity: no permissions; other stacks attach policies to appRoleArn.
    const appRole = serviceAccountRole(
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
      { parent: this },
    );

    const loadBalancerController = new AwsLoadBalancerController(
      `${name}-lbc`,
      {
        provider,
        clusterName,
        region,
        vpcId: vpc.vpcId,
        partition,
        accountId,
        oidcProviderArn: cluster.oidcProviderArn,
        oidcIssuer: cluster.oidcIssuer,
        // Its pods need nodes and cluster DNS to become ready.
        after: [coredns],
        tags,
      },
      { parent: this },
    );

    const app = new KubernetesApp(
      `${name}-app`,
      {
        provider,
        image: args.image.uri,
        app: args.app,
        scaling: args.scaling,
        platform: "eks",
        drainDelayMs: EKS_DRAIN_DELAY_MS,
        namespace,
        createNamespace: true,
        serviceType: "ClusterIP",
        // By default the VPC's public subnets, where the ALB's network interfaces live.
        networkPolicySources: networkPolicySources(args.networkPolicy, () =>
          publicSubnetCidrs(vpc, args.network.availabilityZones, this).map((cidr) => ({ cidr })),
        ),
        awaitAddress: args.awaitAddress,
        // ALB `ip` targets: without readiness gates a rollout can leave the target group with only
        // "initial" and "draining" targets (AWS Load Balancer Controller docs, pod_readiness_gate.md).
        podReadinessGates: true,
        // The node groups span every zone of the VPC.
        zoneCount: args.network.availabilityZones,
        serviceAccountAnnotations: { "eks.amazonaws.com/role-arn": appRole.arn },
        // The HPA reads the resource metrics API that metrics-server serves.
        metricsApi: metricsServer,
        // No annotation needed; taken from the controller so the Service waits for its webhooks.
        serviceAnnotations: loadBalancerController.ingressClassName.apply(() => ({})),
        ingress: {
          className: loadBalancerController.ingressClassName,
          annotations: albIngressAnnotations({
            allowedCidrs: args.loadBalancer.allowedCidrs,
            certificateArn: args.loadBalancer.certificateArn,
            deregistrationDelaySeconds: EKS_DEREGISTRATION_DELAY_SECONDS,
            tags,
          }),
        },
      },
      { parent: this },
    );

    const bastion = new Bastion(
      `${name}-bastion`,
      {
        vpcId: vpc.vpcId,
        subnetId: args.bastion.mode === "ssh" ? vpc.publicSubnetIds[0] : vpc.privateSubnetIds[0],
        mode: args.bastion.mode,
        sshAllowedCidrs: args.bastion.sshAllowedCidrs,
        instanceType: args.bastion.instanceType,
        accessPolicy: args.bastion.accessPolicy,
        namespaces: [namespace],
        clusterName,
        clusterSecurityGroupId: cluster.clusterSecurityGroupId,
        kubernetesVersion: args.kubernetesVersion,
        tags,
      },
      { parent: this },
    );

    this.clusterName = clusterName;
    this.kubeconfig = pulumi.secret(cluster.kubeconfigJson);
    this.vpcId = vpc.vpcId;
    this.namespace = app.namespace;
    this.loadBalancerDnsName = app.ingressAddress;
    // Until the controller has published the ALB (only without the await), the in-cluster URL.
    this.url = pulumi
      .all([app.ingressAddress, app.clusterUrl])
      .apply(([address, clusterUrl]) =>
        address ? `${withCertificate ? "https" : "http"}://${address}` : clusterUrl,
      );
    this.bastionInstanceId = bastion.instanceId;
    this.bastionConnectCommand = bastion.connectCommand;
    this.appRoleArn = appRole.arn;
    this.containerLogGroupName = containerLogGroup.name;
    this.controlPlaneLogGroupName = controlPlaneLogGroup.name;
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
    });
  }
}

/** The CIDR of each public subnet (one per AZ), read from the subnets the VPC created. */
function publicSubnetCidrs(
  vpc: awsx.ec2.Vpc,
  availabilityZones: number,
  parent: pulumi.Resource,
): pulumi.Output<string>[] {
  return Array.from(
    { length: availabilityZones },
    (_, i) =>
      aws.ec2.getSubnetOutput({ id: vpc.publicSubnetIds.apply((ids) => ids[i] ?? "") }, { parent }).cidrBlock,
  );
}

export interface AlbIngressSettings {
  allowedCidrs: string[];
  certificateArn?: string | undefined;
  deregistrationDelaySeconds: number;
  tags: Record<string, string>;
}

/** `alb.ingress.kubernetes.io/*` annotations for the app's Ingress (keys sorted: stable inputs). */
export function albIngressAnnotations(s: AlbIngressSettings): Record<string, string> {
  const a = (key: string) => `alb.ingress.kubernetes.io/${key}`;
  const annotations: Record<string, string> = {
    [a("scheme")]: "internet-facing",
    // Pods are targets directly: no NodePort hop, and the ALB health-checks each pod.
    [a("target-type")]: "ip",
    [a("healthcheck-path")]: READINESS_PATH,
    [a("healthcheck-port")]: "traffic-port",
    [a("healthcheck-interval-seconds")]: "10",
    [a("healthcheck-timeout-seconds")]: "5",
    [a("healthy-threshold-count")]: "2",
    [a("unhealthy-threshold-count")]: "2",
    [a("success-codes")]: "200",
    [a("inbound-cidrs")]: s.allowedCidrs.join(","),
    [a("load-balancer-attributes")]: [
      `idle_timeout.timeout_seconds=${ALB_IDLE_TIMEOUT_SECONDS}`,
      "routing.http.drop_invalid_header_fields.enabled=true",
    ].join(","),
    // Short: by the time a target drains the pod has already stopped getting new requests (drain delay).
    [a("target-group-attributes")]: `deregistration_delay.timeout_seconds=${s.deregistrationDelaySeconds}`,
    [a("listen-ports")]: JSON.stringify(
      s.certificateArn !== undefined ? [{ HTTP: 80 }, { HTTPS: 443 }] : [{ HTTP: 80 }],
    ),
  };
  if (s.certificateArn !== undefined) {
    annotations[a("certificate-arn")] = s.certificateArn;
    annotations[a("ssl-policy")] = ALB_TLS_POLICY;
    annotations[a("ssl-redirect")] = "443";
  }
  const tagList = Object.entries(s.tags).map(([key, value]) => `${key}=${value}`);
  if (tagList.length > 0) {
    annotations[a("tags")] = tagList.join(",");
  }
  return Object.fromEntries(Object.entries(annotations).sort(([x], [y]) => x.localeCompare(y)));
}
