import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  type BastionAccessPolicy,
  type BastionMode,
  EC2_ASSUME_ROLE_POLICY,
  type KubernetesVersion,
} from "../../facts";
import type { AwsAccount } from "../aws";
import { awsTags } from "../aws";

/** Amazon Linux 2023 (x86_64), resolved from AWS's public SSM parameter. */
export const BASTION_AMI_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";
/** Where user data writes the kubeconfig; /etc/profile.d points KUBECONFIG at it for every login user. */
export const BASTION_KUBECONFIG_PATH = "/etc/kubernetes/kubeconfig";

/** Root volume (gp3, encrypted): the AL2023 AMI's own size; the bastion stores nothing. */
export const BASTION_ROOT_VOLUME_GIB = 8;

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
   */
  mode: BastionMode;
  /** IPv4 CIDRs admitted on port 22 in `ssh` mode (config: non-empty then, empty in `ssm`, never /0). */
  sshAllowedCidrs: string[];
  /** An x86_64 type (the AMI is x86_64; config checks). */
  instanceType: string;
  /** The EKS cluster the bastion administers. */
  clusterName: pulumi.Input<string>;
  /** Security group on the cluster's API endpoint; the bastion is admitted to it on 443. */
  clusterSecurityGroupId: pulumi.Input<string>;
  /** The cluster's Kubernetes minor version; kubectl is installed for the same minor. */
  kubernetesVersion: KubernetesVersion;
  /** The EKS platform's account, partition and region (the cluster's ARN), looked up once there. */
  account: AwsAccount;
  /**
   * What the bastion's role may do in Kubernetes. `namespaceAdmin`: AmazonEKSAdminPolicy scoped to
   * `namespaces` (everything an operator of the app needs, nothing cluster-wide). `clusterAdmin`:
   * AmazonEKSClusterAdminPolicy for the whole cluster.
   */
  accessPolicy: BastionAccessPolicy;
  /** Namespaces for `namespaceAdmin` (at least one: the type says so). */
  namespaces: [string, ...string[]];
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
    const tags = { ...awsTags(name), Name: `${name}-bastion` };
    const { partition, region, accountId } = args.account;
    const clusterArn = pulumi.interpolate`arn:${partition}:eks:${region}:${accountId}:cluster/${args.clusterName}`;
    const step = { name, tags, parent: this, partition };

    const securityGroup = createSecurityGroup(step, args);
    const identity = createIdentity(step, clusterArn);
    const clusterAccess = grantClusterAccess(step, args, identity.role);
    const ami = aws.ssm.getParameterOutput({ name: BASTION_AMI_PARAMETER }, { parent: this }).value;
    const instance = new aws.ec2.Instance(
      `${name}-instance`,
      {
        ami,
        instanceType: args.instanceType,
        subnetId: args.subnetId,
        vpcSecurityGroupIds: [securityGroup.id],
        associatePublicIpAddress: args.mode === "ssh",
        iamInstanceProfile: identity.instanceProfile.name,
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
        rootBlockDevice: {
          volumeType: "gp3",
          volumeSize: BASTION_ROOT_VOLUME_GIB,
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
        dependsOn: [identity.describeCluster, clusterAccess],
        // The SSM parameter moves with every AMI release; replacing the bastion on each is churn. Patch
        // with `dnf upgrade` through SSM, or replace deliberately (`pulumi up --replace`).
        ignoreChanges: ["ami"],
      },
    );

    this.instanceId = instance.id;
    this.roleArn = identity.role.arn;
    this.securityGroupId = securityGroup.id;
    this.connectCommand =
      args.mode === "ssm"
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

interface BastionStep {
  name: string;
  tags: Record<string, string>;
  parent: pulumi.Resource;
  partition: pulumi.Output<string>;
}

/**
 * The bastion's security group, no inline rules (each rule its own resource): SSH from the allowed
 * CIDRs in ssh mode only; HTTPS out; and its admission to the cluster API's group on 443.
 */
function createSecurityGroup({ name, tags, parent }: BastionStep, args: BastionArgs): aws.ec2.SecurityGroup {
  const securityGroup = new aws.ec2.SecurityGroup(
    `${name}-sg`,
    {
      vpcId: args.vpcId,
      description:
        args.mode === "ssm"
          ? "Bastion: no inbound (SSM Session Manager)"
          : "Bastion: SSH from allowed CIDRs only",
      tags,
    },
    { parent },
  );
  if (args.mode === "ssh") {
    for (const cidr of args.sshAllowedCidrs) {
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-in-ssh-${cidr.replace(/[^0-9A-Za-z]/g, "-")}`,
        {
          securityGroupId: securityGroup.id,
          ipProtocol: "tcp",
          fromPort: 22,
          toPort: 22,
          cidrIpv4: cidr,
          description: `SSH from ${cidr}`,
          tags,
        },
        { parent },
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
    { parent },
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
    { parent },
  );
  return securityGroup;
}

/** The instance's role: the SSM agent, and DescribeCluster on this one cluster for `aws eks update-kubeconfig`. */
function createIdentity(
  { name, tags, parent, partition }: BastionStep,
  clusterArn: pulumi.Output<string>,
): { role: aws.iam.Role; describeCluster: aws.iam.RolePolicy; instanceProfile: aws.iam.InstanceProfile } {
  const role = new aws.iam.Role(
    `${name}-role`,
    { description: "Bastion instance role", assumeRolePolicy: JSON.stringify(EC2_ASSUME_ROLE_POLICY), tags },
    { parent },
  );
  new aws.iam.RolePolicyAttachment(
    `${name}-ssm-core`,
    {
      role: role.name,
      policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`,
    },
    { parent },
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
    { parent },
  );
  const instanceProfile = new aws.iam.InstanceProfile(
    `${name}-profile`,
    { role: role.name, tags },
    { parent },
  );
  return { role, describeCluster, instanceProfile };
}

/** The role's Kubernetes rights through an access entry: admin of the app's namespaces, or cluster admin. */
function grantClusterAccess(
  { name, tags, parent, partition }: BastionStep,
  args: BastionArgs,
  role: aws.iam.Role,
): aws.eks.AccessPolicyAssociation {
  const accessEntry = new aws.eks.AccessEntry(
    `${name}-access-entry`,
    { clusterName: args.clusterName, principalArn: role.arn, type: "STANDARD", tags },
    { parent },
  );
  const policyArn = (policy: string) =>
    pulumi.interpolate`arn:${partition}:eks::aws:cluster-access-policy/${policy}`;
  return new aws.eks.AccessPolicyAssociation(
    `${name}-access-policy`,
    {
      clusterName: args.clusterName,
      principalArn: role.arn,
      ...(args.accessPolicy === "clusterAdmin"
        ? { policyArn: policyArn("AmazonEKSClusterAdminPolicy"), accessScope: { type: "cluster" } }
        : {
            policyArn: policyArn("AmazonEKSAdminPolicy"),
            accessScope: { type: "namespace", namespaces: args.namespaces },
          }),
    },
    { parent, dependsOn: [accessEntry] },
  );
}

/**
 * First-boot script: kubectl for the cluster's minor version from the official dl.k8s.io release
 * (latest patch of that minor, sha256-verified as the Kubernetes install guide does), then a kubeconfig
 * through `aws eks update-kubeconfig`. The text depends only on its inputs: no timestamps.
 */
export function bastionUserData(
  kubernetesVersion: KubernetesVersion,
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
