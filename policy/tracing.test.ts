import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { policies } from "./policies";
import {
  describeMutations,
  describeRejections,
  evaluate,
  fixture,
  type Json,
  type Mutation,
  type Rejection,
  recorded,
} from "./testing";
import * as tracing from "./tracing";

const ROLE_ARN = "arn:aws:iam::123456789012:role/app-task";
const SIDECAR_ENV = [
  { name: "TRACING", value: "otlp" },
  { name: "OTLP_TRACES_ENDPOINT", value: "http://127.0.0.1:4318/v1/traces" },
];
const taskDefinition = (name: string, taskRoleArn?: string) =>
  fixture("aws:ecs/taskDefinition:TaskDefinition", name, {
    containerDefinitions: JSON.stringify([{ name: "app", environment: SIDECAR_ENV }]),
    ...(taskRoleArn && { taskRoleArn }),
  });
const role = fixture("aws:iam/role:Role", "app-task", { name: "app-task", arn: ROLE_ARN });
const rolePolicy = (name: string, actions: string[]) =>
  fixture("aws:iam/rolePolicy:RolePolicy", name, {
    role: "app-task",
    policy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: actions, Resource: "*" }],
    }),
  });

const rejections: Rejection[] = [
  {
    policy: tracing.tracingExporterPermitted,
    resources: () => [
      taskDefinition("no-role"),
      taskDefinition("td", ROLE_ARN),
      role,
      rolePolicy("logs-only", ["logs:PutLogEvents"]),
      fixture("kubernetes:apps/v1:Deployment", "app", {
        metadata: { name: "app", namespace: "app" },
        spec: {
          template: {
            spec: {
              serviceAccountName: "app",
              containers: [{ name: "app", env: SIDECAR_ENV }],
            },
          },
        },
      }),
      fixture("kubernetes:core/v1:ServiceAccount", "app-sa", {
        metadata: {
          name: "app",
          namespace: "app",
          annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/app-pods" },
        },
      }),
      fixture("aws:iam/role:Role", "app-pods", {
        name: "app-pods",
        arn: "arn:aws:iam::123456789012:role/app-pods",
      }),
      fixture("aws:iam/rolePolicy:RolePolicy", "everything-xray", {
        role: "app-pods",
        policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "xray:*", Resource: "*" }] }),
      }),
    ],
    messages: [
      "Task definition no-role: exports spans to a collector beside it but runs under no role of this stack. Give it a role (task role, or the service account's IRSA or Pod Identity role) with xray:PutSpans.",
      "Task definition td: exports spans to a collector beside it, but its role app-task may not xray:PutSpans: the collector's exports would be refused. Attach the exporter's policy (platforms/aws/tracing.ts attachXrayExportPolicy).",
      'Deployment app: its role app-pods is granted "xray:*". Grant the exporter\'s actions by name (xray:PutSpans, xray:PutSpansForIndexing).',
    ],
  },
];

const setPolicyActions = (actions: unknown) => (i: Json) => {
  const document = JSON.parse(i.policy);
  document.Statement[0].Action = actions;
  i.policy = JSON.stringify(document);
};

const mutations: Mutation[] = [
  {
    policy: tracing.tracingExporterPermitted,
    setting: "xray:PutSpans on the task role (ECS sidecar)",
    from: "ecsXray",
    type: "aws:iam/rolePolicy:RolePolicy",
    name: /xray-export/,
    mutate: setPolicyActions(["xray:PutTraceSegments"]),
  },
  {
    policy: tracing.tracingExporterPermitted,
    setting: "named actions (ECS sidecar, xray:*)",
    from: "ecsXray",
    type: "aws:iam/rolePolicy:RolePolicy",
    name: /xray-export/,
    mutate: setPolicyActions("xray:*"),
  },
  {
    policy: tracing.tracingExporterPermitted,
    setting: "xray:PutSpans on the Pod Identity role (EKS native sidecar)",
    from: "eksXray",
    type: "aws:iam/rolePolicy:RolePolicy",
    name: /xray-export/,
    mutate: setPolicyActions(["xray:PutSpansForIndexing"]),
  },
  {
    policy: tracing.tracingExporterPermitted,
    setting: "the service account's role (EKS Pod Identity association)",
    from: "eksXray",
    type: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
    name: /-app-pod-identity$/,
    // The association names another service account: the app's pods then run under no role.
    mutate: (i) => {
      i.serviceAccount = "someone-else";
    },
  },
];

describe("tracing policies", () => {
  describeRejections(tracing, rejections);
  describeMutations(tracing, mutations);
  // The committed stacks trace nothing: the whole pack on the X-Ray path (the IAM wildcard rule included,
  // which allows X-Ray's span writes on "*" by name, policy/iam.ts).
  for (const variant of ["ecsXray", "eksXray"] as const) {
    it(`the whole pack passes ${variant} with 0 violations`, async () => {
      assert.deepEqual(await evaluate(policies, await recorded(variant)), []);
    });
  }
});
