import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  type BastionAccessPolicy,
  type BastionMode,
  EC2_ASSUME_ROLE_POLICY,
  isArmInstanceType,
  isWholeInternet,
} from "../facts";

/** Amazon Linux 2023 (x86_64), resolved from AWS's public SSM parameter. */
export const BASTION_AMI_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";
/** Where user data writes the kubeconfig; /etc/profile.d points KUBECONFIG at it for every login user. */
export const BASTION_KUBECONFIG_PATH = "/etc/kubernetes/kubeconfig";

export interface BastionArgs {
  vpcId: pulumi.Input<string>;
  /**
   * A private subnet in `ssm` mode (the instance reaches SSM through the NAT gateway); a public subnet
   * in `ssh` mode (the instance gets a public IP).
   */
  subnetId: pulumi.Input<string>;
  /**
   * `ssm`: Session Manager only, no inbound rule, no public IP. `ssh`: port 22 from `sshAllowedCidrs`
   * only, through EC2 Instance Connect (short-lived keys; no key pair exists).
   * @default "ssm"
   */
  mode?: BastionMode;
  /** Required and non-empty in `ssh` mode, forbidden in `ssm` mode. Never 0.0.0.0/0 or ::/0. */
  sshAllowedCidrs?: string[];
  /** An x86_64 type (the AMI is x86_64). @default "t3.micro" */
  instanceType?: string;
  /** Root volume size in GiB (gp3, encrypted); the AMI needs at least 8. @default 8 */
  rootVolumeSizeGiB?: number;
  /** The EKS cluster the bastion administers. */
  clusterName: pulumi.Input<string>;
  /** Security group on the cluster's API endpoint; the bastion is admitted to it on 443. */
  clusterSecurityGroupId: pulumi.Input<string>;
  /** The cluster's Kubernetes minor version (e.g. "1.33"); kubectl is installed for the same minor. */
  kubernetesVersion: string;
  /**
   * What the bastion's role may do in Kubernetes. `namespaceAdmin`: AmazonEKSAdminPolicy scoped to
   * `namespaces` (everything an operator of the app needs, nothing cluster-wide). `clusterAdmin`:
   * AmazonEKSClusterAdminPolicy for the whole cluster.
   * @default "namespaceAdmin"
   */
  accessPolicy?: BastionAccessPolicy;
  /** Namespaces for `namespaceAdmin`; required and non-empty then. */
  namespaces?: string[];
  /** @default {} */
  tags?: Record<string, string>;
}

/**
 * An operator's way into a private EKS cluster: a small Amazon Linux 2023 instance with kubectl and a
 * kubeconfig, reached through SSM Session Manager (default) or, on request, SSH from configured CIDRs.
 */
export class Bastion extends pulumi.ComponentResource {
  public readonly instanceId: pulumi.Output<string>;
  /** The exact command that opens a shell on the bastion. */
  public readonly connectCommand: pulumi.Output<string>;
  public readonly roleArn: pulumi.Output<string>;
  public readonly securityGroupId: pulumi.Output<string>;

  constructor(name: string, args: BastionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fastify-deploy:platforms:Bastion", name, {}, opts);

    const { mode, sshAllowedCidrs, instanceType, rootVolumeSizeGiB, accessPolicy, namespaces } =
      validateBastionArgs(name, args);
    const tags = { ...args.tags, Name: `${name}-bastion` };

    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const region = aws.getRegionOutput({}, { parent: this }).region;
    const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const clusterArn = pulumi.interpolate`arn:${partition}:eks:${region}:${accountId}:cluster/${args.clusterName}`;

    // --- Network: no inline rules, each rule its own resource.
    const securityGroup = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        vpcId: args.vpcId,
        description:
          mode === "ssm"
            ? "Bastion: no inbound (SSM Session Manager)"
            : "Bastion: SSH from allowed CIDRs only",
        tags,
      },
      { parent: this },
    );
    if (mode === "ssh") {
      for (const cidr of sshAllowedCidrs) {
        new aws.vpc.SecurityGroupIngressRule(
          `${name}-in-ssh-${cidr.replace(/[^0-9A-Za-z]/g, "-")}`,
          {
            securityGroupId: securityGroup.id,
            ipProtocol: "tcp",
            fromPort: 22,
            toPort: 22,
            ...(cidr.includes(":") ? { cidrIpv6: cidr } : { cidrIpv4: cidr }),
            description: `SSH from ${cidr}`,
            tags,
          },
          { parent: this },
        );
      }
    }
    // HTTPS is all the bastion speaks: SSM, the EKS API, STS, dl.k8s.io. DNS and NTP go to the VPC
    // resolver and the Amazon Time Sync address, which security groups do not filter.
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-out-https`,
      {
        securityGroupId: securityGroup.id,
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: "0.0.0.0/0",
        description: "HTTPS out (SSM, EKS API, STS, kubectl download)",
        tags,
      },
      { parent: this },
    );
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-cluster-api-in`,
      {
        securityGroupId: args.clusterSecurityGroupId,
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        referencedSecurityGroupId: securityGroup.id,
        description: "Kubernetes API from the bastion",
        tags,
      },
      { parent: this },
    );

    // --- Identity: SSM agent, and DescribeCluster on this one cluster for `aws eks update-kubeconfig`.
    const role = new aws.iam.Role(
      `${name}-role`,
      {
        description: "Bastion instance role",
        assumeRolePolicy: JSON.stringify(EC2_ASSUME_ROLE_POLICY),
        tags,
      },
      { parent: this },
    );
    new aws.iam.RolePolicyAttachment(
      `${name}-ssm-core`,
      {
        role: role.name,
        policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`,
      },
      { parent: this },
    );
    const describeCluster = new aws.iam.RolePolicy(
      `${name}-describe-cluster`,
      {
        role: role.name,
        policy: clusterArn.apply((arn) =>
          JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: "eks:DescribeCluster", Resource: arn }],
          }),
        ),
      },
      { parent: this },
    );
    const instanceProfile = new aws.iam.InstanceProfile(
      `${name}-profile`,
      { role: role.name, tags },
      { parent: this },
    );

    const accessEntry = new aws.eks.AccessEntry(
      `${name}-access-entry`,
      { clusterName: args.clusterName, principalArn: role.arn, type: "STANDARD", tags },
      { parent: this },
    );
    const accessAssociation = new aws.eks.AccessPolicyAssociation(
      `${name}-access-policy`,
      {
        clusterName: args.clusterName,
        principalArn: role.arn,
        ...(accessPolicy === "clusterAdmin"
          ? {
              policyArn: pulumi.interpolate`arn:${partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
              accessScope: { type: "cluster" },
            }
          : {
              policyArn: pulumi.interpolate`arn:${partition}:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy`,
              accessScope: { type: "namespace", namespaces },
            }),
      },
      { parent: this, dependsOn: [accessEntry] },
    );

    const ami = aws.ssm.getParameterOutput({ name: BASTION_AMI_PARAMETER }, { parent: this }).value;
    const instance = new aws.ec2.Instance(
      `${name}-instance`,
      {
        ami,
        instanceType,
        subnetId: args.subnetId,
        vpcSecurityGroupIds: [securityGroup.id],
        associatePublicIpAddress: mode === "ssh",
        iamInstanceProfile: instanceProfile.name,
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
        rootBlockDevice: {
          volumeType: "gp3",
          volumeSize: rootVolumeSizeGiB,
          encrypted: true,
          deleteOnTermination: true,
        },
        userData: bastionUserData(args.kubernetesVersion, args.clusterName, region),
        // User data runs at first boot only: a new kubernetesVersion replaces the instance, so its
        // kubectl always follows the cluster's minor (the runbook's last step).
        userDataReplaceOnChange: true,
        tags,
        volumeTags: tags,
      },
      {
        parent: this,
        // User data calls DescribeCluster and writes a kubeconfig that needs the access entry.
        dependsOn: [describeCluster, accessAssociation],
        // The SSM parameter moves with every AMI release; replacing the bastion on each is churn. Patch
        // with `dnf upgrade` through SSM, or replace deliberately (`pulumi up --replace`).
        ignoreChanges: ["ami"],
      },
    );

    this.instanceId = instance.id;
    this.roleArn = role.arn;
    this.securityGroupId = securityGroup.id;
    this.connectCommand =
      mode === "ssm"
        ? pulumi.interpolate`aws ssm start-session --target ${instance.id} --region ${region}`
        : pulumi.interpolate`aws ec2-instance-connect ssh --instance-id ${instance.id} --os-user ec2-user --connection-type direct --region ${region}`;
    this.registerOutputs({
      instanceId: this.instanceId,
      connectCommand: this.connectCommand,
      roleArn: this.roleArn,
      securityGroupId: this.securityGroupId,
    });
  }
}

/**
 * First-boot script: kubectl for the cluster's minor version from the official dl.k8s.io release
 * (latest patch of that minor, sha256-verified as the Kubernetes install guide does), then a kubeconfig
 * through `aws eks update-kubeconfig`. The text depends only on its inputs: no timestamps.
 */
export function bastionUserData(
  kubernetesVersion: string,
  clusterName: pulumi.Input<string>,
  region: pulumi.Input<string>,
): pulumi.Output<string> {
  return pulumi.interpolate`#!/bin/bash
set -euo pipefail
KUBECTL_MINOR="${kubernetesVersion}"
CLUSTER_NAME="${clusterName}"
REGION="${region}"
KUBECONFIG_PATH="${BASTION_KUBECONFIG_PATH}"

workdir="$(mktemp -d)"
cd "$workdir"
version="$(curl -fsSL --retry 5 "https://dl.k8s.io/release/stable-$KUBECTL_MINOR.txt")"
curl -fsSL --retry 5 -o kubectl "https://dl.k8s.io/release/$version/bin/linux/amd64/kubectl"
curl -fsSL --retry 5 -o kubectl.sha256 "https://dl.k8s.io/release/$version/bin/linux/amd64/kubectl.sha256"
echo "$(cat kubectl.sha256)  kubectl" | sha256sum --check --strict
install -o root -g root -m 0755 kubectl /usr/local/bin/kubectl
cd / && rm -rf "$workdir"

# The kubeconfig holds no credential (endpoint, CA, and "aws eks get-token" with the instance role),
# so every login user (ssm-user, ec2-user) shares it. IAM and access entries take a moment to propagate.
mkdir -p "$(dirname "$KUBECONFIG_PATH")"
for attempt in 1 2 3 4 5 6 7 8 9 10; do
  if aws eks update-kubeconfig --name "$CLUSTER_NAME" --region "$REGION" --kubeconfig "$KUBECONFIG_PATH"; then
    break
  fi
  echo "update-kubeconfig failed (attempt $attempt), retrying in 30 s" >&2
  sleep 30
done
chmod 0644 "$KUBECONFIG_PATH"
echo "export KUBECONFIG=$KUBECONFIG_PATH" > /etc/profile.d/kubeconfig.sh
`;
}

const IPV4_CIDR = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(3[0-2]|[12]?\d)$/;
const IPV6_CIDR = /^[0-9a-fA-F:]+:[0-9a-fA-F:]*\/(12[0-8]|1[01]\d|[1-9]?\d)$/;

export function isCidr(value: string): boolean {
  return IPV4_CIDR.test(value) || IPV6_CIDR.test(value);
}

export type ResolvedBastionArgs = BastionArgs &
  Required<
    Pick<
      BastionArgs,
      "mode" | "sshAllowedCidrs" | "instanceType" | "rootVolumeSizeGiB" | "accessPolicy" | "namespaces"
    >
  >;

/** The constructor's argument checks, callable without an engine: the args with defaults, or throws. */
export function validateBastionArgs(name: string, given: BastionArgs): ResolvedBastionArgs {
  const args: ResolvedBastionArgs = {
    ...given,
    mode: given.mode ?? "ssm",
    sshAllowedCidrs: given.sshAllowedCidrs ?? [],
    instanceType: given.instanceType ?? "t3.micro",
    rootVolumeSizeGiB: given.rootVolumeSizeGiB ?? 8,
    accessPolicy: given.accessPolicy ?? "namespaceAdmin",
    namespaces: given.namespaces ?? [],
  };
  const fail = (message: string): never => {
    throw new Error(`Bastion ${name}: ${message}`);
  };
  if (args.mode !== "ssm" && args.mode !== "ssh") {
    fail(`mode must be "ssm" or "ssh", got ${JSON.stringify(args.mode)}`);
  }
  if (args.mode === "ssm" && args.sshAllowedCidrs.length > 0) {
    fail(`sshAllowedCidrs is only used in mode "ssh"; remove it or set mode "ssh"`);
  }
  if (args.mode === "ssh" && args.sshAllowedCidrs.length === 0) {
    fail(`mode "ssh" needs at least one CIDR in sshAllowedCidrs`);
  }
  for (const cidr of args.sshAllowedCidrs) {
    if (isWholeInternet(cidr)) {
      fail(
        `sshAllowedCidrs must not contain ${cidr}: SSH is never open to the whole internet (mode "ssm" needs no open port)`,
      );
    }
    if (!isCidr(cidr)) {
      fail(`sshAllowedCidrs: ${JSON.stringify(cidr)} is not an IPv4 or IPv6 CIDR`);
    }
  }
  if (new Set(args.sshAllowedCidrs).size !== args.sshAllowedCidrs.length) {
    fail("sshAllowedCidrs contains duplicates");
  }
  if (isArmInstanceType(args.instanceType)) {
    fail(`instanceType ${args.instanceType} is arm64, but the bastion AMI is x86_64`);
  }
  if (!/^\d+\.\d+$/.test(args.kubernetesVersion)) {
    fail(
      `kubernetesVersion must be a minor version like "1.33", got ${JSON.stringify(args.kubernetesVersion)}`,
    );
  }
  if (!Number.isInteger(args.rootVolumeSizeGiB) || args.rootVolumeSizeGiB < 8) {
    fail(`rootVolumeSizeGiB must be an integer ≥ 8 (the AMI's size), got ${args.rootVolumeSizeGiB}`);
  }
  if (args.accessPolicy !== "namespaceAdmin" && args.accessPolicy !== "clusterAdmin") {
    fail(`accessPolicy must be "namespaceAdmin" or "clusterAdmin", got ${JSON.stringify(args.accessPolicy)}`);
  }
  if (args.accessPolicy === "namespaceAdmin" && args.namespaces.length === 0) {
    fail(`accessPolicy "namespaceAdmin" needs at least one namespace in namespaces`);
  }
  return args;
}
