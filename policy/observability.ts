/**
 * Observability policies (platforms/aws/alarms.ts, monitoring.ts): alarms that notify, and ECS services
 * that roll a deployment back when one fires.
 */
import { resourcePolicy } from "./define";
import { ECS_SERVICE } from "./ecs";
import { asArray, asObject } from "./rules";

export const alarmNotifies = resourcePolicy(
  "cloudwatch-alarm-notifies",
  "Every CloudWatch alarm has actions enabled and notifies at least one target (an SNS topic): an alarm no one hears is a graph.",
  ["aws:cloudwatch/metricAlarm:MetricAlarm"],
  (props, args) =>
    props.actionsEnabled === false || asArray(props.alarmActions).length === 0
      ? [
          `CloudWatch alarm ${args.name}: fires without telling anyone. Set alarmActions: [<SNS topic ARN>] (and leave actionsEnabled unset or true).`,
        ]
      : [],
);

export const ecsDeploymentAlarmsRollback = resourcePolicy(
  "ecs-deployment-alarms-roll-back",
  "ECS services behind a load balancer roll a deployment back when one of its deployment alarms fires (5xx, latency), not only when tasks fail to start.",
  [ECS_SERVICE],
  (props, args) => {
    if (asArray(props.loadBalancers).length === 0) return [];
    const alarms = asObject(props.alarms);
    return alarms.enable === true && alarms.rollback === true && asArray(alarms.alarmNames).length > 0
      ? []
      : [
          `ECS service ${args.name}: a deployment that serves errors is not rolled back. Set alarms: { alarmNames: [<5xx and latency alarm names>], enable: true, rollback: true }.`,
        ];
  },
);
