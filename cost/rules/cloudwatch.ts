/** CloudWatch: log ingestion and storage, alarms per metric, dashboards. */
import type { GraphResource } from "../estimate";
import type { Rule } from "./common";
import { arr, cents, charge, free, monthly, notPriced, num, obj, rate } from "./common";

/**
 * The VPC flow log writing into this group, if any: its destination is the group's ARN, whose name
 * begins with the group's logical name (Pulumi's auto-naming, as the harness mocks it).
 */
function flowLogInto(r: GraphResource, ctx: Parameters<Rule>[1]): GraphResource | undefined {
  return ctx
    .ofType("aws:ec2/flowLog:FlowLog")
    .find((f) => String(f.inputs.logDestination ?? "").includes(`:log-group:${r.name}-`));
}

const logGroupRule: Rule = (r, ctx) => {
  const flowLog = flowLogInto(r, ctx);
  const rejectedOnly = flowLog !== undefined && flowLog.inputs.trafficType === "REJECT";
  const gb =
    flowLog === undefined
      ? ctx.assumptions.logGbPerMonthPerGroup
      : rejectedOnly
        ? ctx.assumptions.rejectedFlowLogGbPerMonth
        : ctx.assumptions.flowLogGbPerMonth;
  const assumption =
    flowLog === undefined
      ? "logGbPerMonthPerGroup"
      : rejectedOnly
        ? "rejectedFlowLogGbPerMonth"
        : "flowLogGbPerMonth";
  const retention = num(r.inputs.retentionInDays);
  const months = retention === undefined ? ctx.assumptions.logMonthsWithoutRetention : retention / 30;
  const stored = gb * months;
  return [
    charge(
      ctx,
      `CloudWatch Logs ingestion${flowLog === undefined ? "" : " (VPC flow log, vended logs)"}: ${gb} GB/month (assumption ${assumption})`,
      "logsIngestGb",
      gb,
      gb,
      (p) => `${gb} GB × ${rate(p)}`,
      (p) => p.usd,
    ),
    charge(
      ctx,
      `CloudWatch Logs storage: ${cents(stored)} GB held (${retention === undefined ? `no retention: ${months} months, assumption logMonthsWithoutRetention` : `${retention}-day retention`})`,
      "logsStorageGbMonth",
      stored,
      stored,
      (p) => `${cents(stored)} GB × ${rate(p)} (uncompressed; AWS bills compressed size, so this errs high)`,
      (p) => p.usd,
    ),
  ];
};

/**
 * A CloudWatch alarm is billed per metric it watches: one, or for a metric-math alarm each metric
 * among its queries (expressions are free). High-resolution alarms (period under 60 s) cost more and
 * have no rule here.
 */
const metricAlarmRule: Rule = (r, ctx) => {
  const queries = arr(r.inputs.metricQueries).map(obj);
  const metrics = queries.length === 0 ? 1 : queries.filter((q) => q.metric !== undefined).length;
  const periods = [num(r.inputs.period), ...queries.map((q) => num(obj(q.metric).period))];
  if (periods.some((p) => p !== undefined && p < 60)) {
    return [notPriced("CloudWatch high-resolution alarm", "period under 60 s: no price rule for it")];
  }
  return [
    monthly(
      ctx,
      `CloudWatch alarm: ${metrics} metric(s)${queries.length > 0 ? " (metric math: each metric is billed)" : ""}`,
      "cloudwatchAlarmMonth",
      metrics,
      "alarm metrics",
    ),
  ];
};

/** Counted as a paid dashboard: the account's 3 free ones may already be taken by other stacks. */
const dashboardRule: Rule = (_r, ctx) => [
  monthly(
    ctx,
    "CloudWatch dashboard (every dashboard is counted: the account's first 3 are free, but this estimate cannot know whether other stacks took them)",
    "cloudwatchDashboardMonth",
    1,
    "dashboard",
  ),
];

export const CLOUDWATCH_RULES: Readonly<Record<string, Rule>> = {
  "aws:cloudwatch/logGroup:LogGroup": logGroupRule,
  "aws:cloudwatch/metricAlarm:MetricAlarm": metricAlarmRule,
  "aws:cloudwatch/dashboard:Dashboard": dashboardRule,
  // The ECR scan-findings rule: AWS service events on the default bus are free to match and deliver
  // ("All state change events published by AWS services are free", https://aws.amazon.com/eventbridge/pricing/,
  // read 2026-12-07); the few SNS publishes fall in SNS's free tier (sns.ts).
  "aws:cloudwatch/eventRule:EventRule": free("EventBridge rules on AWS service events have no charge"),
  "aws:cloudwatch/eventTarget:EventTarget": free("EventBridge delivery of AWS service events has no charge"),
};
