import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { BASTION_AMI_PARAMETER, Bastion, type BastionArgs, bastionUserData } from "./bastion";
import { type ComponentRun, outputValue, runComponents } from "./eks-test-mocks";

function args(overrides: Partial<BastionArgs> = {}): BastionArgs {
  return {
    vpcId: "vpc-0123456789abcdef0",
    subnetId: "subnet-0123456789abcdef0",
    clusterName: "app-cluster-eksCluster-1234567",
    clusterSecurityGroupId: "sg-0cluster0000000000",
    kubernetesVersion: "1.33",
    namespaces: ["fastify-app"],
    ...overrides,
  };
}

async function run(overrides: Partial<BastionArgs> = {}): Promise<ComponentRun & { result: Bastion }> {
  return runComponents(() => new Bastion("ops", args(overrides)));
}

const ingressRules = (r: ComponentRun) =>
  r
    .ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    .filter((rule) => rule.name !== "ops-cluster-api-in");

describe("Bastion", () => {
  it("in ssm mode has no inbound rule, no public IP, no key pair; egress is HTTPS only", async () => {
    const r = await run();
    assert.deepEqual(ingressRules(r), []);
    const sg = r.one("aws:ec2/securityGroup:SecurityGroup").inputs;
    assert.equal(sg.ingress, undefined, "no inline rules");
    assert.equal(sg.egress, undefined, "no inline rules");
    const egress = r.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule");
    assert.deepEqual(
      egress.map((e) => [e.inputs.ipProtocol, e.inputs.fromPort, e.inputs.toPort, e.inputs.cidrIpv4]),
      [["tcp", 443, 443, "0.0.0.0/0"]],
    );
    const instance = r.one("aws:ec2/instance:Instance").inputs;
    assert.equal(instance.associatePublicIpAddress, false);
    assert.equal(instance.keyName, undefined);
    assert.equal(instance.subnetId, "subnet-0123456789abcdef0");
    const id = (await outputValue(r.result.instanceId)).value;
    assert.equal(
      (await outputValue(r.result.connectCommand)).value,
      `aws ssm start-session --target ${id} --region us-east-1`,
    );
  });

  it("admits itself to the cluster API on 443 only", async () => {
    const rule = (await run()).one(
      "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
      "ops-cluster-api-in",
    );
    assert.equal(rule.inputs.securityGroupId, "sg-0cluster0000000000");
    assert.deepEqual([rule.inputs.fromPort, rule.inputs.toPort, rule.inputs.ipProtocol], [443, 443, "tcp"]);
    assert.match(rule.inputs.referencedSecurityGroupId as string, /^sg-/);
    assert.equal(rule.inputs.cidrIpv4, undefined);
  });

  it("in ssh mode opens 22 only to the configured CIDRs, with a public IP and an Instance Connect command", async () => {
    const r = await run({ mode: "ssh", sshAllowedCidrs: ["198.51.100.7/32", "2001:db8::/48"] });
    const rules = ingressRules(r).map((x) => [
      x.inputs.fromPort,
      x.inputs.toPort,
      x.inputs.cidrIpv4 ?? x.inputs.cidrIpv6,
    ]);
    assert.deepEqual(rules, [
      [22, 22, "198.51.100.7/32"],
      [22, 22, "2001:db8::/48"],
    ]);
    assert.equal(r.one("aws:ec2/instance:Instance").inputs.associatePublicIpAddress, true);
    const id = (await outputValue(r.result.instanceId)).value;
    assert.equal(
      (await outputValue(r.result.connectCommand)).value,
      `aws ec2-instance-connect ssh --instance-id ${id} --os-user ec2-user --connection-type direct --region us-east-1`,
    );
  });

  it("requires IMDSv2 and an encrypted gp3 root volume, from the AL2023 public parameter", async () => {
    const r = await run();
    const instance = r.one("aws:ec2/instance:Instance").inputs;
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
    const call = r.calls.find((c) => c.token === "aws:ssm/getParameter:getParameter");
    assert.equal(call?.inputs.name, BASTION_AMI_PARAMETER);
    assert.equal(
      BASTION_AMI_PARAMETER,
      "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
    );
  });

  it("has an SSM-managed role that may describe only its cluster", async () => {
    const r = await run();
    const attachments = r
      .ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
      .map((a) => a.inputs.policyArn);
    assert.deepEqual(attachments, ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]);
    const inline = JSON.parse(r.one("aws:iam/rolePolicy:RolePolicy").inputs.policy as string);
    assert.deepEqual(inline.Statement, [
      {
        Effect: "Allow",
        Action: "eks:DescribeCluster",
        Resource: "arn:aws:eks:us-east-1:123456789012:cluster/app-cluster-eksCluster-1234567",
      },
    ]);
    assert.ok(r.one("aws:iam/instanceProfile:InstanceProfile").inputs.role);
  });

  it("gets an access entry with admin rights on the app namespace only, by default", async () => {
    const r = await run();
    const entry = r.one("aws:eks/accessEntry:AccessEntry").inputs;
    assert.equal(entry.clusterName, "app-cluster-eksCluster-1234567");
    assert.equal(entry.type, "STANDARD");
    const association = r.one("aws:eks/accessPolicyAssociation:AccessPolicyAssociation");
    assert.equal(association.inputs.policyArn, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy");
    assert.deepEqual(association.inputs.accessScope, { type: "namespace", namespaces: ["fastify-app"] });
    assert.ok(association.dependencies.includes(r.one("aws:eks/accessEntry:AccessEntry").urn));
    const cluster = (await run({ accessPolicy: "clusterAdmin" })).one(
      "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
    ).inputs;
    assert.equal(cluster.policyArn, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy");
    assert.deepEqual(cluster.accessScope, { type: "cluster" });
  });

  it("installs a checksum-verified kubectl of the cluster's minor and writes a kubeconfig, deterministically", async () => {
    const r = await run();
    const userData = r.one("aws:ec2/instance:Instance").inputs.userData as string;
    assert.match(userData, /^#!\/bin\/bash\nset -euo pipefail\n/);
    assert.match(userData, /KUBECTL_MINOR="1\.33"/);
    assert.match(userData, /https:\/\/dl\.k8s\.io\/release\/stable-\$KUBECTL_MINOR\.txt/);
    assert.match(userData, /sha256sum --check --strict/);
    assert.match(userData, /CLUSTER_NAME="app-cluster-eksCluster-1234567"/);
    assert.match(userData, /REGION="us-east-1"/);
    assert.match(userData, /aws eks update-kubeconfig --name "\$CLUSTER_NAME" --region "\$REGION"/);
    assert.doesNotMatch(userData, /\$\(date|\d{4}-\d{2}-\d{2}T/);
    const again = await outputValue(
      bastionUserData("1.33", "app-cluster-eksCluster-1234567", pulumi.output("us-east-1")),
    );
    assert.equal(again.value, userData);
  });

  const invalid: [string, Partial<BastionArgs>, string][] = [
    [
      "SSH from anywhere (IPv4)",
      { mode: "ssh", sshAllowedCidrs: ["0.0.0.0/0"] },
      'Bastion ops: sshAllowedCidrs must not contain 0.0.0.0/0: SSH is never open to the whole internet (mode "ssm" needs no open port)',
    ],
    [
      "SSH from anywhere (IPv6)",
      { mode: "ssh", sshAllowedCidrs: ["::/0"] },
      'Bastion ops: sshAllowedCidrs must not contain ::/0: SSH is never open to the whole internet (mode "ssm" needs no open port)',
    ],
    [
      "ssh without CIDRs",
      { mode: "ssh" },
      'Bastion ops: mode "ssh" needs at least one CIDR in sshAllowedCidrs',
    ],
    [
      "CIDRs in ssm mode",
      { sshAllowedCidrs: ["198.51.100.7/32"] },
      'Bastion ops: sshAllowedCidrs is only used in mode "ssh"; remove it or set mode "ssh"',
    ],
    [
      "not a CIDR",
      { mode: "ssh", sshAllowedCidrs: ["198.51.100.7"] },
      'Bastion ops: sshAllowedCidrs: "198.51.100.7" is not an IPv4 or IPv6 CIDR',
    ],
    [
      "arm instance",
      { instanceType: "t4g.nano" },
      "Bastion ops: instanceType t4g.nano is arm64, but the bastion AMI is x86_64",
    ],
    [
      "patch version",
      { kubernetesVersion: "1.33.2" },
      'Bastion ops: kubernetesVersion must be a minor version like "1.33", got "1.33.2"',
    ],
    [
      "tiny root volume",
      { rootVolumeSizeGiB: 4 },
      "Bastion ops: rootVolumeSizeGiB must be an integer ≥ 8 (the AMI's size), got 4",
    ],
    [
      "namespace admin without namespaces",
      { namespaces: [] },
      'Bastion ops: accessPolicy "namespaceAdmin" needs at least one namespace in namespaces',
    ],
  ];
  for (const [label, overrides, message] of invalid) {
    it(`rejects ${label}`, async () => {
      await assert.rejects(run(overrides), new Error(message));
    });
  }
});
