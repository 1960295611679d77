import { describe } from "node:test";
import * as iam from "./iam";
import { describeMutations, describeRejections, fixture, type Mutation, type Rejection } from "./testing";

const doc = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });

const rejections: Rejection[] = [
  {
    policy: iam.iamNoWildcardMutations,
    resources: () => [
      fixture("aws:iam/rolePolicy:RolePolicy", "wide", {
        policy: doc(
          { Effect: "Allow", Action: ["ssm:GetParameter", "ssm:PutParameter"], Resource: "*" },
          { Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::bucket/*" },
          // Scoped by a condition, or read-only, or allowed with AWS's reason: no message.
          {
            Effect: "Allow",
            Action: "ec2:DeleteSecurityGroup",
            Resource: "*",
            Condition: { StringEquals: { "aws:ResourceTag/owner": "me" } },
          },
          { Effect: "Allow", Action: "ssmmessages:OpenDataChannel", Resource: "*" },
          { Effect: "Deny", Action: "iam:*", Resource: "*" },
        ),
      }),
    ],
    messages: [
      'wide: grants ssm:PutParameter on every resource ("*") without a condition. Name the resources (ARNs) or add a condition (aws:ResourceTag, ec2:Vpc, …).',
      'wide: grants every action of "s3:*". List the actions the role needs.',
    ],
  },
];

const mutations: Mutation[] = [
  {
    // The bastion's Session Manager policy, given ssm:GetParameters on * as AmazonSSMManagedInstanceCore had.
    policy: iam.iamNoWildcardMutations,
    setting: "resource scope (ssm:PutParameter on *)",
    from: "eks",
    type: "aws:iam/rolePolicy:RolePolicy",
    name: /bastion-session-manager$/,
    mutate: (i) => {
      const document = JSON.parse(i.policy);
      document.Statement[0].Action.push("ssm:PutParameter");
      i.policy = JSON.stringify(document);
    },
  },
  {
    // The LB controller's policy with the published, unconditioned listener statement back.
    policy: iam.iamNoWildcardMutations,
    setting: "listener scope",
    from: "eks",
    type: "aws:iam/policy:Policy",
    name: /lbc-policy$/,
    mutate: (i) => {
      const document = JSON.parse(i.policy);
      document.Statement.push({
        Effect: "Allow",
        Action: ["elasticloadbalancing:DeleteListener", "elasticloadbalancing:ModifyRule"],
        Resource: "*",
      });
      i.policy = JSON.stringify(document);
    },
  },
];

describe("IAM policies", () => {
  describeRejections(iam, rejections);
  describeMutations(iam, mutations);
});
