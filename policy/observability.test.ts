import { describe } from "node:test";
import * as observability from "./observability";
import { describeMutations, describeRejections, fixture, type Mutation, type Rejection } from "./testing";

const rejections: Rejection[] = [
  {
    policy: observability.alarmNotifies,
    resources: () => [
      fixture("aws:cloudwatch/metricAlarm:MetricAlarm", "quiet", { metricName: "RequestCount" }),
      fixture("aws:cloudwatch/metricAlarm:MetricAlarm", "muted", {
        alarmActions: ["arn:aws:sns:us-east-1:123456789012:alarms"],
        actionsEnabled: false,
      }),
    ],
    messages: [
      "CloudWatch alarm quiet: fires without telling anyone. Set alarmActions: [<SNS topic ARN>] (and leave actionsEnabled unset or true).",
      "CloudWatch alarm muted: fires without telling anyone. Set alarmActions: [<SNS topic ARN>] (and leave actionsEnabled unset or true).",
    ],
  },
  {
    policy: observability.ecsDeploymentAlarmsRollback,
    resources: () => [
      fixture("aws:ecs/service:Service", "svc", {
        loadBalancers: [{}],
        alarms: { alarmNames: ["app-target-5xx-rate"], enable: true, rollback: false },
      }),
    ],
    messages: [
      "ECS service svc: a deployment that serves errors is not rolled back. Set alarms: { alarmNames: [<5xx and latency alarm names>], enable: true, rollback: true }.",
    ],
  },
];

const mutations: Mutation[] = [
  {
    policy: observability.alarmNotifies,
    setting: "alarm actions (ECS)",
    from: "dev/ecs",
    type: "aws:cloudwatch/metricAlarm:MetricAlarm",
    name: /target-5xx-rate/,
    mutate: (i) => {
      delete i.alarmActions;
    },
  },
  {
    policy: observability.alarmNotifies,
    setting: "enabled actions (EKS synthetic check)",
    from: "eks",
    type: "aws:cloudwatch/metricAlarm:MetricAlarm",
    name: /synthetic-healthz/,
    mutate: (i) => {
      i.actionsEnabled = false;
    },
  },
  {
    policy: observability.ecsDeploymentAlarmsRollback,
    setting: "deployment alarm rollback",
    from: "dev/ecs",
    type: "aws:ecs/service:Service",
    mutate: (i) => {
      i.alarms.rollback = false;
    },
  },
  {
    policy: observability.ecsDeploymentAlarmsRollback,
    setting: "deployment alarms",
    from: "dev/ecs",
    type: "aws:ecs/service:Service",
    mutate: (i) => {
      delete i.alarms;
    },
  },
];

describe("observability policies", () => {
  describeRejections(observability, rejections);
  describeMutations(observability, mutations);
});
