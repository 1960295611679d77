import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { insideOf } from "./inside-components";

const summary = (type: string, inputs: Record<string, unknown>): string[] =>
  (insideOf({ type, inputs }) ?? []).map((g) => `${g.count} ${g.type}`);

describe("what remote components create inside themselves (pulumi-awsx vpc.ts, pulumi-eks cluster.ts)", () => {
  it("awsx Vpc with its defaults: 3 AZs, a public and a private subnet each, one NAT gateway and EIP per AZ", () => {
    assert.deepEqual(summary("awsx:ec2:Vpc", {}), [
      "1 aws:ec2/vpc:Vpc",
      "1 aws:ec2/internetGateway:InternetGateway",
      "6 aws:ec2/subnet:Subnet",
      "6 aws:ec2/routeTable:RouteTable",
      "6 aws:ec2/routeTableAssociation:RouteTableAssociation",
      "6 aws:ec2/route:Route",
      "3 aws:ec2/natGateway:NatGateway",
      "3 aws:ec2/eip:Eip",
    ]);
  });

  it("awsx Vpc: Single makes one NAT; given EIPs make none; None leaves private subnets without a route; isolated subnets get none", () => {
    const vpc = (inputs: Record<string, unknown>) =>
      summary("awsx:ec2:Vpc", { numberOfAvailabilityZones: 2, ...inputs });
    assert.ok(vpc({ natGateways: { strategy: "Single" } }).includes("1 aws:ec2/natGateway:NatGateway"));
    assert.ok(
      !vpc({ natGateways: { strategy: "OnePerAz", elasticIpAllocationIds: ["a", "b"] } }).some((l) =>
        l.endsWith("Eip"),
      ),
    );
    assert.ok(vpc({ natGateways: { strategy: "None" } }).includes("2 aws:ec2/route:Route"));
    const isolated = vpc({
      natGateways: { strategy: "None" },
      subnetSpecs: [{ type: "Public" }, { type: "Isolated" }],
    });
    assert.ok(isolated.includes("4 aws:ec2/subnet:Subnet") && isolated.includes("2 aws:ec2/route:Route"));
  });

  it("eks Cluster with its defaults: service role, both security groups, kube-proxy, VPC CNI, CoreDNS, a default node group's instance role", () => {
    assert.deepEqual(summary("eks:index:Cluster", {}), [
      "1 aws:iam/role:Role",
      "1 aws:iam/rolePolicyAttachment:RolePolicyAttachment",
      "1 aws:ec2/securityGroup:SecurityGroup",
      "1 aws:ec2/securityGroupRule:SecurityGroupRule",
      "1 aws:eks/cluster:Cluster",
      "1 pulumi:providers:kubernetes",
      "1 aws:eks/addon:Addon",
      "1 eks:index:VpcCniAddon",
      "1 aws:eks/addon:Addon",
      "1 aws:iam/role:Role",
      "3 aws:iam/rolePolicyAttachment:RolePolicyAttachment",
      "1 aws:ec2/securityGroup:SecurityGroup",
      "5 aws:ec2/securityGroupRule:SecurityGroupRule",
    ]);
  });

  it("eks Cluster: a given service role and skipDefaultSecurityGroups drop theirs; createOidcProvider adds the provider", () => {
    const out = summary("eks:index:Cluster", {
      serviceRole: "arn",
      skipDefaultSecurityGroups: true,
      skipDefaultNodeGroup: true,
      createOidcProvider: true,
      useDefaultVpcCni: true,
      kubeProxyAddonOptions: { enabled: false },
    });
    assert.deepEqual(out, [
      "1 aws:eks/cluster:Cluster",
      "1 pulumi:providers:kubernetes",
      "1 aws:iam/openIdConnectProvider:OpenIdConnectProvider",
    ]);
  });

  it("other types are not derived", () => {
    assert.equal(insideOf({ type: "aws:s3/bucket:Bucket", inputs: {} }), undefined);
  });
});
