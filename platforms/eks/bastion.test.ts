import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { type ProgramRun, runProgram } from "../../tools/harness";
import { BASTION_AMI_PARAMETER, bastionUserData, SESSION_MANAGER_INSTANCE_ACTIONS } from "./bastion";

const INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const SSH_CIDRS = ["198.51.100.7/32", "192.0.2.0/28"];
const OPERATOR = "arn:aws:iam::123456789012:role/ops/platform-operator";

/** The bastion's own resources (children of the Bastion component). */
function bastionChildren(r: ProgramRun, type: string) {
  const bastion = r.one("fastify-deploy:platforms:Bastion");
  return r.ofType(type).filter((x) => x.parentUrn === bastion.urn);
}
const one = (r: ProgramRun, type: string) => {
  const found = bastionChildren(r, type);
  assert.equal(found.length, 1, `one ${type} in the bastion`);
  return found[0] as (typeof found)[number];
};
/** Rules on the bastion's own security group (not the one it adds to the cluster's). */
const ownIngress = (r: ProgramRun) =>
  bastionChildren(r, INGRESS_RULE).filter((x) => x.name !== "app-bastion-cluster-api-in");

/** Resolves an Output outside a program run (its inputs are all known). */
const resolved = <T>(output: pulumi.Output<T>): Promise<T> => new Promise((resolve) => output.apply(resolve));

describe("Bastion (through the EKS platform)", () => {
  let ssm: ProgramRun;
  let ssh: ProgramRun;

  before(async () => {
    // prod as committed: SSM mode, namespace admin.
    ssm = await runProgram({ stack: "prod" });
    ssh = await runProgram({
      stack: "prod",
      config: {
        bastionMode: "ssh",
        bastionSshAllowedCidrs: SSH_CIDRS,
        bastionAccessPolicy: "clusterAdmin",
        bastionInstanceType: "t3.small",
        adminRoleArns: [OPERATOR],
      },
    });
  });

  it("in ssm mode has no inbound rule, no public IP, no key pair, a private subnet; egress is HTTPS only", () => {
    assert.deepEqual(ownIngress(ssm), []);
    const sg = one(ssm, "aws:ec2/securityGroup:SecurityGroup").inputs;
    assert.equal(sg.ingress, undefined, "no inline rules");
    assert.equal(sg.egress, undefined, "no inline rules");
    const egress = bastionChildren(ssm, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule");
    assert.deepEqual(
      egress.map((e) => [e.inputs.ipProtocol, e.inputs.fromPort, e.inputs.toPort, e.inputs.cidrIpv4]),
      [["tcp", 443, 443, "0.0.0.0/0"]],
    );
    const instance = one(ssm, "aws:ec2/instance:Instance");
    assert.equal(instance.inputs.associatePublicIpAddress, false);
    assert.equal(instance.inputs.keyName, undefined);
    const vpc = ssm.one("awsx:ec2:Vpc").state as { privateSubnetIds: string[] };
    assert.equal(instance.inputs.subnetId, vpc.privateSubnetIds[0]);
    assert.equal(
      ssm.outputs.bastionConnectCommand?.value,
      `aws ssm start-session --target ${instance.id} --document-name fastify-deploy-prod-bastion-session --region us-east-1`,
    );
  });

  it("admits itself to the cluster API on 443 only", () => {
    const rule = ssm.one(INGRESS_RULE, "app-bastion-cluster-api-in");
    assert.equal(rule.inputs.securityGroupId, ssm.one("eks:index:Cluster").state.clusterSecurityGroupId);
    assert.deepEqual([rule.inputs.fromPort, rule.inputs.toPort, rule.inputs.ipProtocol], [443, 443, "tcp"]);
    assert.equal(rule.inputs.referencedSecurityGroupId, one(ssm, "aws:ec2/securityGroup:SecurityGroup").id);
    assert.equal(rule.inputs.cidrIpv4, undefined);
  });

  it("in ssh mode opens 22 only to the configured CIDRs, with a public IP and an Instance Connect command", () => {
    const rules = ownIngress(ssh).map((x) => [
      x.inputs.fromPort,
      x.inputs.toPort,
      x.inputs.cidrIpv4 ?? x.inputs.cidrIpv6,
    ]);
    assert.deepEqual(rules, [
      [22, 22, "198.51.100.7/32"],
      [22, 22, "192.0.2.0/28"],
    ]);
    const instance = one(ssh, "aws:ec2/instance:Instance");
    assert.equal(instance.inputs.associatePublicIpAddress, true);
    assert.equal(instance.inputs.keyName, undefined, "Instance Connect pushes short-lived keys; no key pair");
    const vpc = ssh.one("awsx:ec2:Vpc").state as { publicSubnetIds: string[] };
    assert.equal(instance.inputs.subnetId, vpc.publicSubnetIds[0]);
    assert.equal(instance.inputs.instanceType, "t3.small");
    assert.equal(
      ssh.outputs.bastionConnectCommand?.value,
      `aws ec2-instance-connect ssh --instance-id ${instance.id} --os-user ec2-user --connection-type direct --region us-east-1`,
    );
  });

  it("requires IMDSv2 and an encrypted gp3 root volume, from the AL2023 public parameter", () => {
    const instance = one(ssm, "aws:ec2/instance:Instance").inputs;
    assert.deepEqual(instance.metadataOptions, {
      httpEndpoint: "enabled",
      httpTokens: "required",
      httpPutResponseHopLimit: 1,
    });
    assert.deepEqual(instance.rootBlockDevice, {
      volumeType: "gp3",
      volumeSize: 8,
      encrypted: true,
      deleteOnTermination: true,
    });
    assert.equal(instance.instanceType, "t3.micro");
    assert.equal(instance.ami, "ami-0123456789abcdef0");
    const call = ssm.calls.find(
      (c) => c.token === "aws:ssm/getParameter:getParameter" && c.inputs.name === BASTION_AMI_PARAMETER,
    );
    assert.ok(call, "the AMI comes from the AL2023 public parameter");
    assert.equal(
      BASTION_AMI_PARAMETER,
      "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
    );
  });

  it("has no managed policy: the Session Manager minimum, its own session logs, DescribeCluster on its cluster (issue 32 item 1)", () => {
    // AmazonSSMManagedInstanceCore granted ssm:GetParameter(s) on every parameter in the region.
    assert.deepEqual(bastionChildren(ssm, "aws:iam/rolePolicyAttachment:RolePolicyAttachment"), []);
    const policies = Object.fromEntries(
      bastionChildren(ssm, "aws:iam/rolePolicy:RolePolicy").map((p) => [
        p.name,
        JSON.parse(p.inputs.policy as string),
      ]),
    );
    assert.deepEqual(Object.keys(policies).sort(), [
      "app-bastion-describe-cluster",
      "app-bastion-session-manager",
    ]);
    assert.deepEqual(policies["app-bastion-describe-cluster"].Statement, [
      {
        Effect: "Allow",
        Action: "eks:DescribeCluster",
        Resource: `arn:aws:eks:us-east-1:123456789012:cluster/${ssm.outputs.clusterName?.value}`,
      },
    ]);
    const session = policies["app-bastion-session-manager"].Statement as {
      Action: string | string[];
      Resource: unknown;
    }[];
    const actions = session.flatMap((st) => st.Action);
    assert.ok(!actions.some((a) => /^ssm:GetParameter/.test(a)), "no ssm:GetParameter(s)");
    assert.ok(!actions.some((a) => a.startsWith("ec2messages:")), "no Run Command channel");
    assert.deepEqual(session[0]?.Action, [...SESSION_MANAGER_INSTANCE_ACTIONS]);
    const logGroup = one(ssm, "aws:cloudwatch/logGroup:LogGroup").state.arn;
    assert.deepEqual(session[1]?.Resource, [logGroup, `${logGroup}:log-stream:*`]);
    const profile = one(ssm, "aws:iam/instanceProfile:InstanceProfile");
    assert.equal(profile.inputs.role, one(ssm, "aws:iam/role:Role").state.name);
    assert.equal(one(ssm, "aws:ec2/instance:Instance").inputs.iamInstanceProfile, profile.state.name);
  });

  it("logs every session to a KMS-encrypted log group through its own Session document (issue 32 item 5)", () => {
    const key = one(ssm, "aws:kms/key:Key");
    assert.equal(key.inputs.enableKeyRotation, true);
    const logGroup = one(ssm, "aws:cloudwatch/logGroup:LogGroup");
    assert.equal(logGroup.inputs.kmsKeyId, key.state.arn);
    assert.equal(logGroup.inputs.retentionInDays, 30, "the stack's logRetentionDays");
    const keyPolicy = JSON.parse(key.inputs.policy as string);
    const logs = keyPolicy.Statement.find(
      (st: { Sid: string }) => st.Sid === "CloudWatchLogsForTheSessionLogGroup",
    );
    assert.deepEqual(logs.Principal, { Service: "logs.us-east-1.amazonaws.com" });
    assert.deepEqual(logs.Condition, {
      ArnEquals: {
        "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:us-east-1:123456789012:log-group:${logGroup.inputs.name}`,
      },
    });
    const document = one(ssm, "aws:ssm/document:Document");
    assert.equal(document.inputs.documentType, "Session");
    const content = JSON.parse(document.inputs.content as string);
    assert.equal(content.sessionType, "Standard_Stream");
    assert.equal(content.inputs.cloudWatchLogGroupName, logGroup.inputs.name);
    assert.equal(content.inputs.cloudWatchEncryptionEnabled, true);
  });

  it("lets only the operator roles start a session, on this instance by tag, through the logging document (issue 32 item 5)", () => {
    const policy = one(ssh, "aws:iam/policy:Policy");
    const document = JSON.parse(policy.inputs.policy as string);
    const instance = one(ssh, "aws:ec2/instance:Instance");
    const [start, viaDocument, own] = document.Statement;
    assert.equal(start.Resource, `arn:aws:ec2:us-east-1:123456789012:instance/${instance.id}`);
    assert.deepEqual(start.Condition, {
      StringEquals: { "ssm:resourceTag/Name": "app-bastion-bastion" },
      BoolIfExists: { "ssm:SessionDocumentAccessCheck": "true" },
    });
    assert.equal((instance.inputs.tags as Record<string, string>).Name, "app-bastion-bastion");
    const doc = one(ssh, "aws:ssm/document:Document");
    assert.equal(viaDocument.Resource, `arn:aws:ssm:us-east-1:123456789012:document/${doc.inputs.name}`);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, not a JS placeholder
    assert.equal(own.Resource, "arn:aws:ssm:*:123456789012:session/${aws:userid}-*");
    const attachments = bastionChildren(ssh, "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
    assert.deepEqual(
      attachments.map((a) => [a.inputs.role, a.inputs.policyArn]),
      [["platform-operator", policy.state.arn]],
    );
  });

  it("follows the AMI parameter: no ignoreChanges on ami, so a new AL2023 release replaces it on up (issue 32 item 7)", () => {
    const instance = one(ssm, "aws:ec2/instance:Instance");
    assert.ok(!(instance.ignoreChanges ?? []).includes("ami"), String(instance.ignoreChanges));
  });

  it("gets an access entry with admin rights on the app namespace only, by default; cluster admin on request", () => {
    const entry = one(ssm, "aws:eks/accessEntry:AccessEntry");
    assert.equal(entry.inputs.clusterName, ssm.outputs.clusterName?.value);
    assert.equal(entry.inputs.principalArn, one(ssm, "aws:iam/role:Role").state.arn);
    assert.equal(entry.inputs.type, "STANDARD");
    const association = one(ssm, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation");
    assert.equal(association.inputs.policyArn, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy");
    assert.deepEqual(association.inputs.accessScope, { type: "namespace", namespaces: ["fastify-app"] });
    assert.ok((association.dependencies ?? []).includes(entry.urn));
    const cluster = one(ssh, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation").inputs;
    assert.equal(cluster.policyArn, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy");
    assert.deepEqual(cluster.accessScope, { type: "cluster" });
  });

  it("installs a checksum-verified kubectl of the cluster's minor and writes a kubeconfig, deterministically", async () => {
    const userData = one(ssm, "aws:ec2/instance:Instance").inputs.userData as string;
    const clusterName = ssm.outputs.clusterName?.value as string;
    assert.match(userData, /^#!\/bin\/bash\nset -euo pipefail\n/);
    assert.match(userData, /KUBECTL_MINOR="1\.36"/);
    assert.match(userData, /https:\/\/dl\.k8s\.io\/release\/stable-\$KUBECTL_MINOR\.txt/);
    assert.match(userData, /sha256sum --check --strict/);
    assert.ok(userData.includes(`CLUSTER_NAME="${clusterName}"`));
    assert.match(userData, /REGION="us-east-1"/);
    assert.match(userData, /aws eks update-kubeconfig --name "\$CLUSTER_NAME" --region "\$REGION"/);
    assert.doesNotMatch(userData, /\$\(date|\d{4}-\d{2}-\d{2}T/);
    assert.equal(await resolved(bastionUserData("1.36", clusterName, pulumi.output("us-east-1"))), userData);
  });
});
