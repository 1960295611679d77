import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  type BastionAccessPolicy,
  type BastionMode,
  EC2_ASSUME_ROLE_POLICY,
  holdsData,
  type KubernetesVersion,
  type StateProtection,
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
  /**
   * IAM roles of the operators (the cluster admins' roles): each gets the one policy that may start a
   * session on this bastion, through this stack's logging session document only.
   */
  operatorRoleArns: string[];
  /** Retention of the session log group. */
  logRetentionDays: number;
  /** protect and retainOnDelete on the session logs' key and group (facts/protection.ts). */
  protection: StateProtection;
}

/** The session document every session must use (ssm:SessionDocumentAccessCheck): it turns logging on. */
export const BASTION_SESSION_DOCUMENT_SUFFIX = "bastion-session";

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
  /** The policy that lets an operator role start a (logged) session here; attached to operatorRoleArns. */
  public readonly operatorPolicyArn: pulumi.Output<string>;
  /** Every session's input and output, KMS-encrypted. */
  public readonly sessionLogGroupName: pulumi.Output<string>;

  constructor(name: string, args: BastionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fastify-deploy:platforms:Bastion", name, {}, opts);
    const tags = { ...awsTags(name), Name: `${name}-bastion` };
    const { partition, region, accountId } = args.account;
    const clusterArn = pulumi.interpolate`arn:${partition}:eks:${region}:${accountId}:cluster/${args.clusterName}`;
    const step = { name, tags, parent: this, partition };

    const securityGroup = createSecurityGroup(step, args);
    const sessionLogs = createSessionLogging(step, args);
    const identity = createIdentity(step, clusterArn, sessionLogs);
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
        // No ignoreChanges on `ami` (issue 32 item 7): the public parameter moves with every AL2023
        // release, and the next `up` replaces the stateless bastion with the patched AMI. That is the
        // patch path; ignoring it left the bastion on its first AMI for life.
      },
    );
    const operatorPolicy = createOperatorAccess(step, args, instance, sessionLogs.document);

    this.instanceId = instance.id;
    this.roleArn = identity.role.arn;
    this.securityGroupId = securityGroup.id;
    this.operatorPolicyArn = operatorPolicy.arn;
    this.sessionLogGroupName = sessionLogs.logGroup.name;
    this.connectCommand =
      args.mode === "ssm"
        ? pulumi.interpolate`aws ssm start-session --target ${instance.id} --document-name ${sessionLogs.document.name} --region ${region}`
        : pulumi.interpolate`aws ec2-instance-connect ssh --instance-id ${instance.id} --os-user ec2-user --connection-type direct --region ${region}`;
    this.registerOutputs({
      instanceId: this.instanceId,
      connectCommand: this.connectCommand,
      roleArn: this.roleArn,
      securityGroupId: this.securityGroupId,
      operatorPolicyArn: this.operatorPolicyArn,
      sessionLogGroupName: this.sessionLogGroupName,
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
 * The minimum Session Manager needs on the instance, as AWS's "Create a custom IAM instance profile for
 * Systems Manager" documents it (https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-create-iam-instance-profile.html,
 * and the same five actions in the AWS managed policy AWSCloud9SSMInstanceProfile,
 * https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSCloud9SSMInstanceProfile.html; read
 * 2026-12-07). `*` because the ssmmessages actions define no resource type in the Service Authorization
 * Reference (https://docs.aws.amazon.com/service-authorization/latest/reference/list_ssmmessages.html,
 * read 2026-12-07) and the agent registers itself before it knows its managed-instance ARN. Unlike
 * AmazonSSMManagedInstanceCore there is no ssm:GetParameter(s) (every parameter in the region, and the
 * default aws/ssm key decrypts for every principal) and no ec2messages/associations/inventory: the
 * bastion runs no Run Command documents, State Manager associations or patch baselines.
 */
export const SESSION_MANAGER_INSTANCE_ACTIONS = [
  "ssm:UpdateInstanceInformation",
  "ssmmessages:CreateControlChannel",
  "ssmmessages:CreateDataChannel",
  "ssmmessages:OpenControlChannel",
  "ssmmessages:OpenDataChannel",
] as const;

interface SessionLogging {
  key: aws.kms.Key;
  logGroup: aws.cloudwatch.LogGroup;
  document: aws.ssm.Document;
}

/**
 * Session Manager logging (issue 32 item 5): a KMS-encrypted log group and a Session document of this
 * stack that streams every session to it. The account's Session Manager preferences
 * (`SSM-SessionManagerRunShell`) are account-wide, so a stack does not own them; instead the operators'
 * policy requires this document (ssm:SessionDocumentAccessCheck, "Enforce a session document permission
 * check", https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-sessiondocumentaccesscheck.html,
 * read 2026-12-07), so no session bypasses the log. The key lets CloudWatch Logs use it only for this
 * log group (encryption-context condition, the confused-deputy guard of "Encrypt log data in CloudWatch
 * Logs using AWS KMS", https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html,
 * read 2026-12-07).
 */
function createSessionLogging(
  { name, tags, parent, partition }: BastionStep,
  args: BastionArgs,
): SessionLogging {
  const { region, accountId } = args.account;
  // Named after the cluster, which is unique per stack (dev and prod may share an account and region;
  // the component name is the same in both). Known before the group exists, so the key's policy can
  // name the group's ARN without a cycle.
  const logGroupName = pulumi.interpolate`/fastify-deploy/${args.clusterName}/bastion-sessions`;
  const logGroupArn = pulumi.interpolate`arn:${partition}:logs:${region}:${accountId}:log-group:${logGroupName}`;
  const key = new aws.kms.Key(
    `${name}-session-logs-key`,
    {
      description: `Bastion session logs (${name})`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: pulumi
        .all([partition, region, accountId, logGroupArn])
        .apply(([p, r, account, groupArn]) => JSON.stringify(sessionLogsKeyPolicy(p, r, account, groupArn))),
      tags,
    },
    { parent, ...holdsData(args.protection) },
  );
  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}-session-logs`,
    { name: logGroupName, retentionInDays: args.logRetentionDays, kmsKeyId: key.arn, tags },
    { parent, ...holdsData(args.protection) },
  );
  const document = new aws.ssm.Document(
    `${name}-session-document`,
    {
      name: pulumi.interpolate`${args.clusterName}-${BASTION_SESSION_DOCUMENT_SUFFIX}`,
      documentType: "Session",
      documentFormat: "JSON",
      content: logGroup.name.apply((group) =>
        JSON.stringify({
          schemaVersion: "1.0",
          description: "fastify-deploy bastion shell: every session streamed to CloudWatch Logs, encrypted",
          sessionType: "Standard_Stream",
          inputs: {
            cloudWatchLogGroupName: group,
            cloudWatchEncryptionEnabled: true,
            cloudWatchStreamingEnabled: true,
            s3EncryptionEnabled: true,
            idleSessionTimeout: "20",
            runAsEnabled: false,
          },
        }),
      ),
      tags,
    },
    { parent },
  );
  return { key, logGroup, document };
}

/** The session-log key: the account administers it; CloudWatch Logs uses it for the one log group. */
export function sessionLogsKeyPolicy(
  partition: string,
  region: string,
  accountId: string,
  logGroupArn: string,
): object {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AccountAdministers",
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
        Action: "kms:*",
        Resource: "*",
      },
      {
        Sid: "CloudWatchLogsForTheSessionLogGroup",
        Effect: "Allow",
        Principal: { Service: `logs.${region}.amazonaws.com` },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
        Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": logGroupArn } },
      },
    ],
  };
}

/**
 * Who may start a session (issue 32 item 5): a customer-managed policy, attached to each operator role,
 * that allows ssm:StartSession on this instance only when it carries this bastion's Name tag
 * (ssm:resourceTag) and only through this stack's logging document; and lets each operator end or
 * resume only their own sessions (`${aws:userid}`), as AWS's "Sample IAM policies for Session Manager"
 * do (https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-restrict-access-quickstart.html,
 * read 2026-12-07). An Allow limits no one else by itself: an identity with ssm:StartSession on `*`
 * elsewhere in the account can still connect (docs/security.md says so; an SCP is the account's tool).
 */
function createOperatorAccess(
  { name, tags, parent, partition }: BastionStep,
  args: BastionArgs,
  instance: aws.ec2.Instance,
  document: aws.ssm.Document,
): aws.iam.Policy {
  const { region, accountId } = args.account;
  const policy = new aws.iam.Policy(
    `${name}-operator-policy`,
    {
      description: "Start a logged Session Manager session on the fastify-deploy bastion",
      policy: pulumi
        .all([partition, region, accountId, instance.id, document.name])
        .apply(([p, r, account, instanceId, documentName]) =>
          JSON.stringify(operatorSessionPolicy(p, r, account, instanceId, documentName, tags.Name ?? name)),
        ),
      tags,
    },
    { parent },
  );
  for (const arn of args.operatorRoleArns) {
    const roleName = arn.split("/").pop() ?? arn;
    new aws.iam.RolePolicyAttachment(
      `${name}-operator-${roleName}`,
      { role: roleName, policyArn: policy.arn },
      { parent },
    );
  }
  return policy;
}

export function operatorSessionPolicy(
  partition: string,
  region: string,
  accountId: string,
  instanceId: string,
  documentName: string,
  bastionNameTag: string,
): object {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "StartLoggedSessionOnTheBastion",
        Effect: "Allow",
        Action: "ssm:StartSession",
        Resource: `arn:${partition}:ec2:${region}:${accountId}:instance/${instanceId}`,
        Condition: {
          StringEquals: { "ssm:resourceTag/Name": bastionNameTag },
          BoolIfExists: { "ssm:SessionDocumentAccessCheck": "true" },
        },
      },
      {
        Sid: "ThroughTheLoggingDocument",
        Effect: "Allow",
        Action: "ssm:StartSession",
        Resource: `arn:${partition}:ssm:${region}:${accountId}:document/${documentName}`,
      },
      {
        Sid: "OwnSessionsOnly",
        Effect: "Allow",
        Action: ["ssm:TerminateSession", "ssm:ResumeSession"],
        Resource: `arn:${partition}:ssm:*:${accountId}:session/\${aws:userid}-*`,
      },
    ],
  };
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

/**
 * The instance's role: the Session Manager minimum (no managed policy), writing session logs to its one
 * log group, and DescribeCluster on this one cluster for `aws eks update-kubeconfig`.
 */
function createIdentity(
  { name, tags, parent }: BastionStep,
  clusterArn: pulumi.Output<string>,
  sessionLogs: SessionLogging,
): { role: aws.iam.Role; describeCluster: aws.iam.RolePolicy; instanceProfile: aws.iam.InstanceProfile } {
  const role = new aws.iam.Role(
    `${name}-role`,
    { description: "Bastion instance role", assumeRolePolicy: JSON.stringify(EC2_ASSUME_ROLE_POLICY), tags },
    { parent },
  );
  new aws.iam.RolePolicy(
    `${name}-session-manager`,
    {
      role: role.name,
      policy: sessionLogs.logGroup.arn.apply((groupArn) =>
        JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "SessionManagerAgent",
              Effect: "Allow",
              Action: [...SESSION_MANAGER_INSTANCE_ACTIONS],
              Resource: "*",
            },
            {
              // The agent writes the session stream to the document's log group, and checks that the
              // group is encrypted first (cloudWatchEncryptionEnabled): DescribeLogGroups is a List
              // action on "*" only (Service Authorization Reference, list_amazoncloudwatchlogs.html,
              // read 2026-12-07).
              Sid: "SessionLogs",
              Effect: "Allow",
              Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
              Resource: [groupArn, `${groupArn}:log-stream:*`],
            },
            {
              Sid: "SessionLogsEncryptionCheck",
              Effect: "Allow",
              Action: "logs:DescribeLogGroups",
              Resource: "*",
            },
          ],
        }),
      ),
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
