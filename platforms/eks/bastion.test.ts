import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { type ProgramRun, runProgram } from "../../tools/harness";
import { BASTION_AMI_PARAMETER, bastionUserData } from "./bastion";

const INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const SSH_CIDRS = ["198.51.100.7/32", "192.0.2.0/28"];

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
      `aws ssm start-session --target ${instance.id} --region us-east-1`,
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
    const call = ssm.calls.find((c) => c.token === "aws:ssm/getParameter:getParameter");
    assert.equal(call?.inputs.name, BASTION_AMI_PARAMETER);
    assert.equal(
      BASTION_AMI_PARAMETER,
      "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
    );
  });

  it("has an SSM-managed role that may describe only its cluster", () => {
    const attachments = bastionChildren(ssm, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").map(
      (a) => a.inputs.policyArn,
    );
    assert.deepEqual(attachments, ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]);
    const inline = JSON.parse(one(ssm, "aws:iam/rolePolicy:RolePolicy").inputs.policy as string);
    assert.deepEqual(inline.Statement, [
      {
        Effect: "Allow",
        Action: "eks:DescribeCluster",
        Resource: `arn:aws:eks:us-east-1:123456789012:cluster/${ssm.outputs.clusterName?.value}`,
      },
    ]);
    const profile = one(ssm, "aws:iam/instanceProfile:InstanceProfile");
    assert.equal(profile.inputs.role, one(ssm, "aws:iam/role:Role").state.name);
    assert.equal(one(ssm, "aws:ec2/instance:Instance").inputs.iamInstanceProfile, profile.state.name);
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
