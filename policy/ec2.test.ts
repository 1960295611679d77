import { describe } from "node:test";
import * as ec2 from "./ec2";
import { describeMutations, describeRejections, fixture, type Mutation, type Rejection } from "./testing";

const sg = (name: string, id: string) =>
  fixture(
    "aws:ec2/securityGroup:SecurityGroup",
    name,
    { description: name },
    { arn: `arn:aws:ec2:us-east-1:123456789012:security-group/${id}` },
  );

const rejections: Rejection[] = [
  {
    policy: ec2.noSshFromInternet,
    resources: () => [
      fixture("aws:ec2/securityGroup:SecurityGroup", "open", {
        ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
      }),
      fixture("aws:ec2/securityGroupRule:SecurityGroupRule", "ssh6", {
        type: "ingress",
        protocol: "tcp",
        fromPort: 22,
        toPort: 22,
        ipv6CidrBlocks: ["::/0"],
      }),
    ],
    messages: [
      "open: admits all traffic from 0.0.0.0/0, which includes SSH. Reach instances through SSM Session Manager, or admit port 22 from specific CIDRs only.",
      "ssh6: admits tcp 22-22 from ::/0, which includes SSH. Reach instances through SSM Session Manager, or admit port 22 from specific CIDRs only.",
    ],
  },
  {
    policy: ec2.internetIngressWebOnly,
    resources: () => [
      fixture("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "pg", {
        ipProtocol: "tcp",
        fromPort: 5432,
        toPort: 5432,
        cidrIpv4: "0.0.0.0/0",
      }),
    ],
    messages: [
      "pg: admits tcp 5432-5432 from 0.0.0.0/0. From the internet only TCP 80 and 443 (one port per rule) may be open, and only on a load balancer's security group; use a specific CIDR or a referenced security group otherwise.",
    ],
  },
  {
    policy: ec2.internetIngressLoadBalancerOnly,
    resources: () => [
      sg("lb-sg", "sg-lb"),
      sg("task-sg", "sg-task"),
      fixture("aws:lb/loadBalancer:LoadBalancer", "lb", { securityGroups: ["sg-lb"] }),
      fixture("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "lb-in", {
        securityGroupId: "sg-lb",
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: "0.0.0.0/0",
      }),
      fixture("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "task-in", {
        securityGroupId: "sg-task",
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: "0.0.0.0/0",
      }),
    ],
    messages: [
      "task-in: admits tcp 443-443 from 0.0.0.0/0 to a security group that no load balancer uses. Only a load balancer's security group may be open to the internet; admit the load balancer's security group instead (referencedSecurityGroupId).",
    ],
  },
  {
    policy: ec2.awsxVpcExplicit,
    resources: () => [fixture("awsx:ec2:Vpc", "vpc", {})],
    messages: [
      'VPC vpc: the NAT gateway strategy is left to awsx\'s default. Set natGateways: { strategy: "None" | "Single" | "OnePerAz" }.',
      "VPC vpc: the AZ count is left to awsx's default. Set numberOfAvailabilityZones.",
    ],
  },
  {
    policy: ec2.launchTemplateHardened,
    resources: () => [
      fixture("aws:ec2/launchTemplate:LaunchTemplate", "lt", {
        blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 20 } }],
      }),
    ],
    messages: [
      'Launch template lt: IMDSv1 is allowed. Set metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 }.',
      'Launch template lt: volume /dev/xvda is not encrypted. Set ebs.encrypted: "true".',
    ],
  },
  {
    // IMDSv2 but the hop limit EKS AMIs default to: pods reach the node role (issue 32 item 9).
    policy: ec2.launchTemplateHardened,
    resources: () => [
      fixture("aws:ec2/launchTemplate:LaunchTemplate", "lt-hop", {
        metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 },
      }),
      fixture("aws:ec2/launchTemplate:LaunchTemplate", "lt-unset", {
        metadataOptions: { httpTokens: "required" },
      }),
    ],
    messages: [
      "Launch template lt-hop: the IMDS response hop limit is 2, so containers can reach the node's credentials. Set metadataOptions.httpPutResponseHopLimit: 1.",
      "Launch template lt-unset: the IMDS response hop limit is unset, so containers can reach the node's credentials. Set metadataOptions.httpPutResponseHopLimit: 1.",
    ],
  },
  {
    policy: ec2.ec2InstanceHardened,
    resources: () => [
      fixture("aws:ec2/instance:Instance", "vm", {
        keyName: "ops",
        ebsBlockDevices: [{ deviceName: "/dev/sdf" }],
      }),
    ],
    messages: [
      'Instance vm: IMDSv1 is allowed. Set metadataOptions: { httpTokens: "required" }.',
      "Instance vm: the root volume is not encrypted. Set rootBlockDevice: { encrypted: true }.",
      "Instance vm: volume /dev/sdf is not encrypted. Set encrypted: true.",
      "Instance vm: a long-lived key pair (keyName). Remove it; use SSM Session Manager or EC2 Instance Connect.",
    ],
  },
  {
    policy: ec2.instancePublicIpOnlyForSsh,
    resources: () => [
      sg("bastion-sg", "sg-b"),
      fixture("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "rdp", {
        securityGroupId: "sg-b",
        ipProtocol: "tcp",
        fromPort: 3389,
        toPort: 3389,
        cidrIpv4: "198.51.100.0/24",
      }),
      fixture("aws:ec2/instance:Instance", "vm", {
        associatePublicIpAddress: true,
        vpcSecurityGroupIds: ["sg-b"],
      }),
    ],
    messages: [
      "Instance vm: has a public IP but its security groups do not restrict it to SSH from specific CIDRs. Set associatePublicIpAddress: false (SSM mode) or admit only TCP 22 from configured CIDRs.",
    ],
  },
];

const mutations: Mutation[] = [
  {
    policy: ec2.noSshFromInternet,
    setting: "SSH CIDR",
    from: "eksSsh",
    type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    name: /in-ssh/,
    mutate: (i) => {
      i.cidrIpv4 = "0.0.0.0/0";
    },
  },
  {
    policy: ec2.internetIngressWebOnly,
    setting: "ALB port",
    from: "dev/ecs",
    type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    name: /alb-in-80/,
    mutate: (i) => {
      i.fromPort = 0;
      i.toPort = 65535;
    },
  },
  {
    policy: ec2.internetIngressLoadBalancerOnly,
    setting: "task SG source",
    from: "dev/ecs",
    type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    name: /task-in-alb/,
    mutate: (i) => {
      delete i.referencedSecurityGroupId;
      i.cidrIpv4 = "0.0.0.0/0";
      i.fromPort = 443;
      i.toPort = 443;
    },
  },
  {
    policy: ec2.awsxVpcExplicit,
    setting: "natGateways",
    from: "dev/ecs",
    type: "awsx:ec2:Vpc",
    mutate: (i) => {
      delete i.natGateways;
    },
  },
  {
    policy: ec2.awsxVpcExplicit,
    setting: "numberOfAvailabilityZones",
    from: "eks",
    type: "awsx:ec2:Vpc",
    mutate: (i) => {
      delete i.numberOfAvailabilityZones;
    },
  },
  {
    policy: ec2.launchTemplateHardened,
    setting: "httpTokens",
    from: "eks",
    type: "aws:ec2/launchTemplate:LaunchTemplate",
    mutate: (i) => {
      delete i.metadataOptions;
    },
  },
  {
    policy: ec2.launchTemplateHardened,
    setting: "httpPutResponseHopLimit 1",
    from: "eks",
    type: "aws:ec2/launchTemplate:LaunchTemplate",
    mutate: (i) => {
      i.metadataOptions.httpPutResponseHopLimit = 2;
    },
  },
  {
    policy: ec2.launchTemplateHardened,
    setting: "ebs encrypted",
    from: "eks",
    type: "aws:ec2/launchTemplate:LaunchTemplate",
    mutate: (i) => {
      i.blockDeviceMappings[0].ebs.encrypted = "false";
    },
  },
  {
    policy: ec2.ec2InstanceHardened,
    setting: "httpTokens",
    from: "eks",
    type: "aws:ec2/instance:Instance",
    mutate: (i) => {
      i.metadataOptions.httpTokens = "optional";
    },
  },
  {
    policy: ec2.ec2InstanceHardened,
    setting: "root volume encrypted",
    from: "eks",
    type: "aws:ec2/instance:Instance",
    mutate: (i) => {
      i.rootBlockDevice.encrypted = false;
    },
  },
  {
    policy: ec2.instancePublicIpOnlyForSsh,
    setting: "associatePublicIpAddress (ssm mode)",
    from: "eks",
    type: "aws:ec2/instance:Instance",
    mutate: (i) => {
      i.associatePublicIpAddress = true;
    },
  },
];

describe("EC2 policies", () => {
  describeRejections(ec2, rejections);
  describeMutations(ec2, mutations);
});
