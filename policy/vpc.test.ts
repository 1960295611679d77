import { describe } from "node:test";
import { describeMutations, describeRejections, fixture, type Mutation, type Rejection } from "./testing";
import * as vpc from "./vpc";

const theVpc = () => fixture("awsx:ec2:Vpc", "net", {});
const onVpc = (type: string, name: string, inputs: Record<string, unknown>) => ({
  ...fixture(type, name, inputs),
  dependencies: [theVpc().urn],
});

const rejections: Rejection[] = [
  {
    policy: vpc.vpcFlowLogsEnabled,
    resources: () => [theVpc(), onVpc("aws:ec2/flowLog:FlowLog", "accept-only", { trafficType: "ACCEPT" })],
    messages: ["VPC net: no flow log. Add an aws.ec2.FlowLog on its vpcId with trafficType ALL or REJECT."],
  },
  {
    policy: vpc.vpcDefaultSecurityGroupClosed,
    resources: () => [
      theVpc(),
      onVpc("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "default", {
        ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, self: true }],
        egress: [],
      }),
    ],
    messages: [
      "VPC net: its default security group keeps AWS's rules (all traffic between members, all egress). Add an aws.ec2.DefaultSecurityGroup on its vpcId with ingress: [] and egress: [].",
    ],
  },
];

const mutations: Mutation[] = [
  {
    policy: vpc.vpcFlowLogsEnabled,
    setting: "a flow log of ALL or REJECT traffic",
    from: "dev/ecs",
    type: "aws:ec2/flowLog:FlowLog",
    mutate: (i) => {
      i.trafficType = "ACCEPT";
    },
  },
  {
    policy: vpc.vpcDefaultSecurityGroupClosed,
    setting: "empty egress",
    from: "prod/eks",
    type: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    mutate: (i) => {
      i.egress = [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }];
    },
  },
];

describe("VPC policies", () => {
  describeRejections(vpc, rejections);
  describeMutations(vpc, mutations);
});
