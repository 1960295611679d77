import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { MonitoringSettings } from "../../facts";
import type { AwsAccount } from "./account";
import {
  ALARM_PERIOD_SECONDS,
  type AlarmFactory,
  type AlarmSpec,
  alarmFactory,
  createAlarmTopic,
} from "./alarms";
import { createSyntheticCheck, type SyntheticCheck } from "./synthetic-check";

/**
 * What an operator of either AWS platform is told and shown (docs/observability.md): alarms on the ALB
 * in front of the app (and, on ECS, on the service), one SNS topic they publish to, a CloudWatch
 * dashboard of the golden signals, and the synthetic check from outside (synthetic-check.ts).
 *
 * Every alarm evaluates one-minute data points. The ALB publishes its metrics per minute only for
 * minutes with requests (RequestCount, HTTPCode_*, TargetResponseTime) but always publishes the
 * target counts (HealthyHostCount, UnHealthyHostCount): "CloudWatch metrics for your Application Load
 * Balancer", https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html.
 * That decides each alarm's treatMissingData below.
 */

/**
 * Rates and latency alarm on 3 bad minutes out of 5: one slow or failing minute (a cold task, a
 * deployment's first requests) is noise, three in five is a trend an operator must see.
 */
export const RATE_EVALUATION = { evaluationPeriods: 5, datapointsToAlarm: 3 } as const;
/**
 * Below this many requests answered in a minute a rate says nothing (1 failure of 2 requests is 50 %): such
 * minutes count as 0 %. A dead service is the healthy-target and synthetic alarms' to report.
 */
export const MIN_REQUESTS_FOR_RATE = 20;
/**
 * Capacity alarms need 5 minutes in a row: a rollout replaces targets within ECS_MAX_ROLLOUT_SECONDS
 * (90 s), so a shortfall lasting five minutes is not a deployment in progress.
 */
export const CAPACITY_EVALUATION = { evaluationPeriods: 5, datapointsToAlarm: 5 } as const;
/**
 * ECS: average CPU of the service's tasks. Target tracking holds `targetCpuUtilization` (≤ 90); 90 %
 * for ten minutes means autoscaling is at maxCount or cannot place tasks, and requests queue.
 */
export const ECS_CPU_ALARM_PERCENT = 90;
/** ECS: average memory. Past the task's memory a task is OOM-killed; 85 % leaves a warning margin. */
export const ECS_MEMORY_ALARM_PERCENT = 85;
/** CPU and memory look at 10 minutes: a burst is what autoscaling is for, only a plateau alarms. */
export const SATURATION_EVALUATION = { evaluationPeriods: 10, datapointsToAlarm: 10 } as const;

export interface AlbMetricDimensions {
  /** The ALB's ARN suffix, `app/<name>/<id>` (CloudWatch dimension `LoadBalancer`). */
  loadBalancer: pulumi.Input<string>;
  /** The app's target group's ARN suffix, `targetgroup/<name>/<id>` (dimension `TargetGroup`). */
  targetGroup: pulumi.Input<string>;
}

export interface AlbMonitoringArgs {
  settings: MonitoringSettings;
  alb: AlbMetricDimensions;
  /** The healthy-target floor: the configured minCount. */
  minHealthyTargets: number;
  account: AwsAccount;
  tags: Record<string, string>;
}

/**
 * On EKS the AWS Load Balancer Controller creates the ALB and its target group, so their CloudWatch
 * dimensions (ARN suffixes) are looked up by the tags the controller puts on them:
 * `elbv2.k8s.aws/cluster` and `ingress.k8s.aws/stack` = `<namespace>/<ingress>` on both, plus
 * `ingress.k8s.aws/resource` = `LoadBalancer` on the ALB (controller source, pkg/deploy/tracking/provider.go
 * and its provider_test.go "stackTags for implicit IngressGroup"). Looked up by tags rather than by a
 * fixed `load-balancer-name` annotation: renaming an existing ALB replaces it (new DNS name), and the
 * tags exist on every ALB the controller made. The lookup waits for the Ingress's address, i.e. for
 * the controller to have created both; the app has one backend, so exactly one target group matches.
 */
export function controllerAlbDimensions(
  ingress: {
    clusterName: pulumi.Input<string>;
    namespace: pulumi.Input<string>;
    name: pulumi.Input<string>;
    address: pulumi.Input<string>;
    /**
     * With a canary through the ALB the Ingress has two target groups (Argo Rollouts' stable and canary
     * Services), and the tags above match both: this picks the stable one by the controller's resource
     * id tag, `<namespace>/<ingress>-<service>:<port>` (argoproj/argo-rollouts utils/aws/aws.go
     * BuildTargetGroupResourceID, adapted from the controller's model_build_target_group.go; read
     * 2026-12-07).
     */
    targetGroupResource?: pulumi.Input<string>;
  },
  parent: pulumi.Resource,
): AlbMetricDimensions {
  const found = pulumi
    .all([ingress.clusterName, ingress.namespace, ingress.name, ingress.address, ingress.targetGroupResource])
    .apply(async ([cluster, namespace, name, address, targetGroupResource]) => {
      // Without the address wait (waitForAddress false) the controller may not have made the ALB
      // yet, and a lookup would fail the whole `up`: the alarms are created on a placeholder instead
      // (the healthy-target floor then alarms, treating the missing metric as breaching) until a
      // `pulumi up --refresh` reads the address back.
      if (!address) {
        pulumi.log.warn(
          "the Ingress has no load balancer address yet (waitForAddress false): the ALB alarms watch a placeholder until `pulumi up --refresh` after the controller published it",
          parent,
        );
        return { loadBalancer: PENDING_DIMENSION, targetGroup: PENDING_DIMENSION };
      }
      const tags = { "elbv2.k8s.aws/cluster": cluster, "ingress.k8s.aws/stack": `${namespace}/${name}` };
      const [loadBalancer, targetGroup] = await Promise.all([
        aws.lb.getLoadBalancer({ tags: { ...tags, "ingress.k8s.aws/resource": "LoadBalancer" } }, { parent }),
        aws.lb.getTargetGroup(
          {
            tags:
              targetGroupResource === undefined
                ? tags
                : { ...tags, "ingress.k8s.aws/resource": targetGroupResource },
          },
          { parent },
        ),
      ]);
      return { loadBalancer: loadBalancer.arnSuffix, targetGroup: targetGroup.arnSuffix };
    });
  return { loadBalancer: found.loadBalancer, targetGroup: found.targetGroup };
}

/** The dimension value of an ALB not created yet: matches no metric. */
export const PENDING_DIMENSION = "pending-load-balancer";

/** The topic and the ALB alarms, created before the ECS service so it can roll back on them. */
export interface AlbMonitoring {
  topic: aws.sns.Topic;
  /** The account the topic's policy names; step two reuses it. */
  account: AwsAccount;
  alb: AlbMetricDimensions;
  alarms: aws.cloudwatch.MetricAlarm[];
  /** The alarms a bad deployment trips (5xx rates, latency): ECS rolls back when one fires. */
  deploymentAlarms: aws.cloudwatch.MetricAlarm[];
}

/** Step one: the stack's alarm topic and the alarms on the ALB in front of the app. */
export function createAlbMonitoring(
  name: string,
  args: AlbMonitoringArgs,
  parent: pulumi.Resource,
): AlbMonitoring {
  const topic = createAlarmTopic(`${name}-alarms`, args.settings.alarmEmail, args.tags, args.account, {
    parent,
  });
  const alarm = alarmFactory(name, topic.arn, args.tags, parent);
  const { loadBalancer, targetGroup } = args.alb;
  const lb = { LoadBalancer: loadBalancer };
  const tg = { LoadBalancer: loadBalancer, TargetGroup: targetGroup };
  const percent = args.settings.error5xxRatePercent;
  const elb5xxRate = alarm("elb-5xx-rate", {
    description: `More than ${percent} % of requests got a 5xx from the ALB itself (no registered target, target refused or timed out) in 3 of 5 minutes`,
    ...RATE_EVALUATION,
    comparisonOperator: "GreaterThanThreshold",
    threshold: percent,
    // Every count is FILLed, so the rate has a point each minute; kept for a metric that vanishes.
    treatMissingData: "notBreaching",
    metricQueries: rateQueries("HTTPCode_ELB_5XX_Count", lb),
  });
  const target5xxRate = alarm(
    "target-5xx-rate",
    appErrorRateSpec(
      `More than ${percent} % of requests got a 5xx from the app (errors, load shedding) in 3 of 5 minutes`,
      percent,
      lb,
    ),
  );
  const p99Latency = alarm(
    "p99-latency",
    appP99Spec(
      `The app's p99 response time at the ALB was above ${args.settings.p99LatencyMs} ms in 3 of 5 minutes`,
      args.settings.p99LatencyMs,
      lb,
    ),
  );
  const unhealthyTargets = alarm("unhealthy-targets", {
    description: "At least one target failed the ALB's health check for 5 minutes in a row",
    ...CAPACITY_EVALUATION,
    comparisonOperator: "GreaterThanThreshold",
    threshold: 0,
    // Published every minute whatever the traffic: missing data means the metric itself is gone, which
    // the healthy-target alarm reports; this one stays quiet rather than double-alarm.
    treatMissingData: "notBreaching",
    namespace: "AWS/ApplicationELB",
    metricName: "UnHealthyHostCount",
    dimensions: tg,
    statistic: "Maximum",
    period: ALARM_PERIOD_SECONDS,
  });
  const healthyBelowMin = alarm("healthy-targets-below-min", {
    description: `Fewer than ${args.minHealthyTargets} (minCount) healthy targets for 5 minutes in a row: running copies below what the stack asks for`,
    ...CAPACITY_EVALUATION,
    comparisonOperator: "LessThanThreshold",
    threshold: args.minHealthyTargets,
    // Always published while the target group exists: silence means no one is watching the app.
    treatMissingData: "breaching",
    namespace: "AWS/ApplicationELB",
    metricName: "HealthyHostCount",
    dimensions: tg,
    statistic: "Minimum",
    period: ALARM_PERIOD_SECONDS,
  });
  const deploymentAlarms = [elb5xxRate, target5xxRate, p99Latency];
  return {
    topic,
    account: args.account,
    alb: args.alb,
    alarms: [...deploymentAlarms, unhealthyTargets, healthyBelowMin],
    deploymentAlarms,
  };
}

/** The ECS service whose CPU and memory (AWS/ECS, free) and, with Container Insights, task counts are watched. */
export interface EcsServiceMetrics {
  clusterName: pulumi.Input<string>;
  serviceName: pulumi.Input<string>;
  /** ECS/ContainerInsights publishes RunningTaskCount and DesiredTaskCount only when it is enabled. */
  containerInsights: boolean;
}

export interface StackMonitoringArgs {
  settings: MonitoringSettings;
  /** The ALB's DNS name and whether it serves HTTPS: the synthetic check's target. */
  endpoint: { dnsName: pulumi.Input<string>; https: boolean };
  ecs?: EcsServiceMetrics;
  tags: Record<string, string>;
}

export interface StackMonitoring {
  alarmTopicArn: pulumi.Output<string>;
  dashboardUrl: pulumi.Output<string>;
  alarms: aws.cloudwatch.MetricAlarm[];
  syntheticCheck?: SyntheticCheck;
}

/** Step two, once the service exists: its own alarms, the synthetic check and the dashboard. */
export function completeMonitoring(
  name: string,
  base: AlbMonitoring,
  args: StackMonitoringArgs,
  parent: pulumi.Resource,
): StackMonitoring {
  const alarm = alarmFactory(name, base.topic.arn, args.tags, parent);
  const serviceAlarms = args.ecs ? createEcsServiceAlarms(alarm, args.ecs) : [];
  const syntheticCheck = args.settings.syntheticCheck
    ? createSyntheticCheck(
        name,
        {
          ...args.endpoint,
          dnsName: afterEcsService(args.endpoint.dnsName, args.ecs),
          alarmEmail: args.settings.alarmEmail,
          account: base.account,
          tags: args.tags,
        },
        parent,
      )
    : undefined;
  const alarms = [...base.alarms, ...serviceAlarms];
  const dashboard = createDashboard(
    name,
    { alb: base.alb, ecs: args.ecs, alarms, syntheticCheck, region: base.account.region },
    parent,
  );
  return {
    alarmTopicArn: base.topic.arn,
    dashboardUrl: dashboard.url,
    alarms: [...alarms, ...(syntheticCheck?.alarms ?? [])],
    ...(syntheticCheck !== undefined && { syntheticCheck }),
  };
}

/**
 * On ECS the health checks start once the service exists, i.e. is steady (it is created with
 * waitForSteadyState): before its first tasks register, the ALB answers Route 53's checkers (20-30
 * requests a minute) with 503s of its own, which elb-5xx-rate now counts ({@link ANSWERED}), and that
 * deployment alarm would fail the stack's first deployment. The host is read through the service's name
 * so the checks depend on the service; the value is the host unchanged.
 */
function afterEcsService(
  dnsName: pulumi.Input<string>,
  ecs: EcsServiceMetrics | undefined,
): pulumi.Input<string> {
  return ecs ? pulumi.all([dnsName, ecs.serviceName]).apply(([host]) => host) : dnsName;
}

/**
 * Every request the ALB answered in a minute: those it routed to a target (`RequestCount`) plus those it
 * answered 503 itself because there was no target to choose. Why the second term, with what was read
 * on 2026-12-07:
 * - AWS's description of `RequestCount`, as the SDKs carry it (aws-cdk and pulumi-awsx
 *   `metrics.application.requestCount`, after "CloudWatch metrics for your Application Load Balancer",
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html):
 *   "This count includes only the requests with a response generated by a target of the load
 *   balancer", i.e. only requests for which a target was chosen;
 * - the same page: `HTTPCode_ELB_5XX_Count` counts the 5xx that "originate from the load balancer",
 *   `HTTPCode_ELB_503_Count` its 503s, and both are reported only when nonzero;
 * - "Troubleshoot your Application Load Balancers" (awsdocs/elb-application-load-balancers-user-guide
 *   doc_source/load-balancer-troubleshooting.md): the ALB answers 503 when "the target groups for the
 *   load balancer have no registered targets" (every task stopped or deregistered), while 502 and 504
 *   come from a target it did choose (refused, reset, timed out), and with only unhealthy targets it
 *   routes to them anyway (fail open), so their errors count in `RequestCount` too.
 * So a full outage, no registered target, is 503s outside `RequestCount`: divided by `RequestCount`
 * alone its rate was 0 (or no data), and the alarm that exists to see it stayed OK. Adding the ELB 503s
 * to the denominator makes that minute 100 %. Should `RequestCount` ever count those 503s as well, the
 * minute reads 50 %, still far above any sane threshold. Not `HTTPCode_ELB_5XX_Count`: its 502s and
 * 504s are already in `RequestCount`, and counting them twice would halve an all-502 outage's rate.
 */
const ANSWERED = "FILL(requests, 0) + FILL(unrouted, 0)";

/**
 * `100 × failures / answered` per minute ({@link ANSWERED}), 0 in a minute with fewer than
 * {@link MIN_REQUESTS_FOR_RATE} answered requests. Every count is FILLed with 0: the ALB publishes no
 * data point for a count that is zero in a minute (metric math functions, "Using metric math",
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html). A quiet minute
 * is therefore 0, not missing. CloudWatch bills each metric of a metric-math alarm (three here), not
 * the expressions. tools/alarm-math evaluates these queries over synthetic minutes
 * (platforms/aws/monitoring.test.ts: all targets down, a burst from the app, a quiet night).
 */
/**
 * The app's 5xx rate alarm (HTTPCode_Target_5XX_Count over answered requests, {@link rateQueries}) on
 * `dimensions`: the whole ALB, or one target group (a canary's own rate, createTargetGroupAlarms).
 */
function appErrorRateSpec(
  description: string,
  percent: number,
  dimensions: Record<string, pulumi.Input<string>>,
): AlarmSpec {
  return {
    description,
    ...RATE_EVALUATION,
    comparisonOperator: "GreaterThanThreshold",
    threshold: percent,
    treatMissingData: "notBreaching",
    metricQueries: rateQueries("HTTPCode_Target_5XX_Count", dimensions),
  };
}

/** The app's p99 response time alarm on `dimensions` (the whole ALB, or one target group). */
function appP99Spec(
  description: string,
  p99LatencyMs: number,
  dimensions: Record<string, pulumi.Input<string>>,
): AlarmSpec {
  return {
    description,
    ...RATE_EVALUATION,
    comparisonOperator: "GreaterThanThreshold",
    // TargetResponseTime is in seconds.
    threshold: p99LatencyMs / 1000,
    treatMissingData: "notBreaching",
    namespace: "AWS/ApplicationELB",
    metricName: "TargetResponseTime",
    dimensions,
    extendedStatistic: "p99",
    period: ALARM_PERIOD_SECONDS,
  };
}

function rateQueries(
  failureMetric: string,
  dimensions: Record<string, pulumi.Input<string>>,
): aws.types.input.cloudwatch.MetricAlarmMetricQuery[] {
  const metric = (metricName: string) => ({
    namespace: "AWS/ApplicationELB",
    metricName,
    dimensions,
    stat: "Sum",
    period: ALARM_PERIOD_SECONDS,
  });
  return [
    { id: "failures", metric: metric(failureMetric), returnData: false },
    { id: "requests", metric: metric("RequestCount"), returnData: false },
    { id: "unrouted", metric: metric("HTTPCode_ELB_503_Count"), returnData: false },
    { id: "answered", label: "requests answered", expression: ANSWERED, returnData: false },
    {
      id: "rate",
      label: `${failureMetric} per 100 requests answered`,
      expression: `IF(answered >= ${MIN_REQUESTS_FOR_RATE}, 100 * FILL(failures, 0) / answered, 0)`,
      returnData: true,
    },
  ];
}

/**
 * AWS/ECS publishes CPUUtilization and MemoryUtilization per service for free; the task counts
 * (RunningTaskCount, DesiredTaskCount) exist only in ECS/ContainerInsights ("Amazon ECS Container
 * Insights metrics", https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-ECS.html).
 * Without Container Insights the "running below desired" signal is the healthy-target floor on the ALB.
 */
function createEcsServiceAlarms(alarm: AlarmFactory, ecs: EcsServiceMetrics): aws.cloudwatch.MetricAlarm[] {
  const dimensions = { ClusterName: ecs.clusterName, ServiceName: ecs.serviceName };
  const saturation = (metricName: string, threshold: number) => ({
    ...SATURATION_EVALUATION,
    comparisonOperator: "GreaterThanThreshold",
    threshold,
    // Published every minute while a task runs; no tasks is the task-count alarms' to report.
    treatMissingData: "notBreaching",
    namespace: "AWS/ECS",
    metricName,
    dimensions,
    statistic: "Average",
    period: ALARM_PERIOD_SECONDS,
  });
  const alarms = [
    alarm("cpu-high", {
      description: `Service CPU above ${ECS_CPU_ALARM_PERCENT} % for 10 minutes: autoscaling is at maxCount or cannot keep up`,
      ...saturation("CPUUtilization", ECS_CPU_ALARM_PERCENT),
    }),
    alarm("memory-high", {
      description: `Service memory above ${ECS_MEMORY_ALARM_PERCENT} % for 10 minutes: tasks near their OOM kill`,
      ...saturation("MemoryUtilization", ECS_MEMORY_ALARM_PERCENT),
    }),
  ];
  if (ecs.containerInsights) {
    const count = (id: string, metricName: string) => ({
      id,
      returnData: false,
      metric: {
        namespace: "ECS/ContainerInsights",
        metricName,
        dimensions,
        stat: "Minimum",
        period: ALARM_PERIOD_SECONDS,
      },
    });
    alarms.push(
      alarm("running-below-desired", {
        description: "Fewer tasks running than the service wants, for 5 minutes in a row",
        ...CAPACITY_EVALUATION,
        comparisonOperator: "GreaterThanThreshold",
        threshold: 0,
        // Container Insights reports every minute; silence means it stopped, which should be seen.
        treatMissingData: "breaching",
        metricQueries: [
          count("running", "RunningTaskCount"),
          count("desired", "DesiredTaskCount"),
          { id: "missing", label: "desired - running", expression: "desired - running", returnData: true },
        ],
      }),
    );
  }
  return alarms;
}

interface DashboardArgs {
  alb: AlbMetricDimensions;
  ecs: EcsServiceMetrics | undefined;
  alarms: aws.cloudwatch.MetricAlarm[];
  syntheticCheck: SyntheticCheck | undefined;
  /** The stack's region: the dashboard's widgets and its console URL. */
  region: pulumi.Output<string>;
}

/**
 * The golden signals on one CloudWatch dashboard: traffic (requests), errors (5xx by source), latency
 * (p50/p90/p99), saturation (ECS CPU and memory; the healthy-target count), the synthetic check, and
 * the state of every alarm in the stack's region. Its name is `<project>-<stack>` (dashboards are named per account and region).
 */
function createDashboard(
  name: string,
  args: DashboardArgs,
  parent: pulumi.Resource,
): { dashboard: aws.cloudwatch.Dashboard; url: pulumi.Output<string> } {
  const region = args.region;
  const dashboardName = `${pulumi.getProject()}-${pulumi.getStack()}-${name}`;
  const { loadBalancer, targetGroup } = args.alb;
  const alb = (metricName: string, stat: string, extra: Record<string, pulumi.Input<string>> = {}) => [
    "AWS/ApplicationELB",
    metricName,
    "LoadBalancer",
    loadBalancer,
    ...Object.entries(extra).flat(),
    { stat, label: `${metricName} ${stat}` },
  ];
  const tg = { TargetGroup: targetGroup };
  const widget = (title: string, metrics: unknown[], x: number, y: number, extra: object = {}) => ({
    type: "metric",
    x,
    y,
    width: 12,
    height: 6,
    properties: { title, metrics, region, period: ALARM_PERIOD_SECONDS, view: "timeSeries", ...extra },
  });
  const ecsMetric = (metricName: string) =>
    args.ecs
      ? [
          [
            "AWS/ECS",
            metricName,
            "ClusterName",
            args.ecs.clusterName,
            "ServiceName",
            args.ecs.serviceName,
            { stat: "Average" },
          ],
        ]
      : [];
  const widgets = [
    widget("Traffic: requests", [alb("RequestCount", "Sum")], 0, 0),
    widget(
      "Errors: 5xx by source",
      [alb("HTTPCode_ELB_5XX_Count", "Sum"), alb("HTTPCode_Target_5XX_Count", "Sum")],
      12,
      0,
    ),
    widget(
      "Latency: target response time (s)",
      ["p50", "p90", "p99"].map((p) => alb("TargetResponseTime", p)),
      0,
      6,
    ),
    widget(
      "Saturation: CPU and memory (%), healthy and unhealthy targets",
      [
        ...ecsMetric("CPUUtilization"),
        ...ecsMetric("MemoryUtilization"),
        alb("HealthyHostCount", "Minimum", tg),
        alb("UnHealthyHostCount", "Maximum", tg),
      ],
      12,
      6,
    ),
    ...(args.syntheticCheck ? [args.syntheticCheck.dashboardWidget(0, 12)] : []),
    {
      type: "alarm",
      x: 12,
      y: 12,
      width: 12,
      height: 6,
      properties: {
        title: "Alarms",
        // This region's alarms; the synthetic check's live in us-east-1 and have their widget above.
        alarms: args.alarms.map((a) => a.arn),
      },
    },
  ];
  const dashboard = new aws.cloudwatch.Dashboard(
    `${name}-dashboard`,
    { dashboardName, dashboardBody: pulumi.jsonStringify({ widgets }) },
    { parent },
  );
  return {
    dashboard,
    url: pulumi.interpolate`https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards/dashboard/${dashboard.dashboardName}`,
  };
}

/**
 * The canary analysis on EKS (Argo Rollouts' CloudWatch provider, docs/rollout.md): the deployment
 * alarms' own signals and thresholds, so a canary is judged as the alarms would judge it. One metric per
 * deployment alarm, each measured every minute over the last five one-minute points
 * (`cloudWatch.interval` 5m, GetMetricData's window: metricproviders/cloudwatch/cloudwatch.go Query,
 * argoproj/argo-rollouts HEAD 9f8d111, read 2026-12-07), failing when 3 of the 5 breach — the alarms'
 * RATE_EVALUATION — and one failed measurement aborts (failureLimit 0): the abort comes at the same minute
 * the alarm would fire. The metric math is the alarms' (`rateQueries`), in the GetMetricData shape the
 * AnalysisTemplate CRD takes (`metricDataQueries[].metricStat.metric.dimensions[{name,value}]`). Argo's
 * condition language is expr-lang (utils/evaluate/evaluate.go: `result` is the GetMetricData
 * MetricDataResults, each with `Values`).
 */
export interface CloudWatchAnalysisMetric {
  name: string;
  interval: string;
  successCondition: string;
  failureLimit: number;
  consecutiveErrorLimit: number;
  provider: { cloudWatch: { interval: string; metricDataQueries: Record<string, unknown>[] } };
}

/** Points breaching in the window that fail a measurement: the alarms' datapointsToAlarm. */
export const CANARY_BREACHING_POINTS = RATE_EVALUATION.datapointsToAlarm;
/** GetMetricData errors tolerated in a row (throttling, a network blip); the alarms still watch meanwhile. */
export const CANARY_CONSECUTIVE_ERROR_LIMIT = 4;

export function canaryAnalysisMetrics(
  settings: Pick<MonitoringSettings, "error5xxRatePercent" | "p99LatencyMs">,
  loadBalancer: string,
): CloudWatchAnalysisMetric[] {
  const lb = { LoadBalancer: loadBalancer };
  const metric = (name: string, threshold: number, queries: Record<string, unknown>[]) => ({
    name,
    interval: `${ALARM_PERIOD_SECONDS}s`,
    // Fewer than 3 of the last 5 minutes above the threshold (CloudWatch returns the newest first; the
    // count does not care). No data at all (no requests) passes, as the alarms' notBreaching does.
    successCondition: `count(result[0].Values, {# > ${threshold}}) < ${CANARY_BREACHING_POINTS}`,
    failureLimit: 0,
    consecutiveErrorLimit: CANARY_CONSECUTIVE_ERROR_LIMIT,
    provider: {
      cloudWatch: {
        interval: `${RATE_EVALUATION.evaluationPeriods}m`,
        metricDataQueries: queries,
      },
    },
  });
  const percent = settings.error5xxRatePercent;
  return [
    metric("elb-5xx-rate", percent, rateQueries("HTTPCode_ELB_5XX_Count", lb).map(apiQuery)),
    metric("target-5xx-rate", percent, rateQueries("HTTPCode_Target_5XX_Count", lb).map(apiQuery)),
    metric("p99-latency", settings.p99LatencyMs / 1000, [
      {
        id: "p99",
        metricStat: {
          metric: {
            namespace: "AWS/ApplicationELB",
            metricName: "TargetResponseTime",
            dimensions: [{ name: "LoadBalancer", value: loadBalancer }],
          },
          period: ALARM_PERIOD_SECONDS,
          stat: "p99",
        },
        returnData: true,
      },
    ]),
  ];
}

/** An alarm's metric query in GetMetricData's shape (MetricStat with dimensions as name/value pairs). */
function apiQuery(query: aws.types.input.cloudwatch.MetricAlarmMetricQuery): Record<string, unknown> {
  const m = query.metric as
    | {
        namespace: string;
        metricName: string;
        dimensions: Record<string, string>;
        stat: string;
        period: number;
      }
    | undefined;
  return {
    id: query.id,
    ...(query.label !== undefined && { label: query.label }),
    ...(query.expression !== undefined && { expression: query.expression }),
    ...(m !== undefined && {
      metricStat: {
        metric: {
          namespace: m.namespace,
          metricName: m.metricName,
          dimensions: Object.entries(m.dimensions).map(([name, value]) => ({ name, value })),
        },
        period: m.period,
        stat: m.stat,
      },
    }),
    returnData: query.returnData,
  };
}

/** One of the two target groups an ECS traffic-shifting deployment moves requests between. */
export interface ShiftedTargetGroup {
  /** Names the alarms: `<name>-<key>-5xx-rate`, `<name>-<key>-p99-latency`. */
  key: string;
  /** The target group's ARN suffix (CloudWatch dimension `TargetGroup`). */
  arnSuffix: pulumi.Input<string>;
}

/**
 * Issue 29: the deployment alarms of a canary or linear rollout, per target group. The ALB-wide rates
 * above judge all traffic together: a canary with `canaryPercent` 5 that fails every request moves the
 * ALB's 5xx rate to 5 %, which `alarm5xxRatePercent` 5 does not exceed (GreaterThanThreshold), so ECS
 * would promote it. ECS moves the new revision into whichever of the two target groups is idle (it
 * alternates them every deployment), so both get the same pair of alarms: the app's 5xx rate
 * ({@link rateQueries}, the same metric math and thresholds as target-5xx-rate) and its p99, on the
 * `TargetGroup` dimension ("CloudWatch metrics for your Application Load Balancer": HTTPCode_Target_5XX_Count,
 * RequestCount and TargetResponseTime are published per LoadBalancer, TargetGroup). An idle target group
 * answers nothing: its rate is 0 and its p99 missing (notBreaching), so these stay OK between deployments.
 * The rate needs {@link MIN_REQUESTS_FOR_RATE} requests a minute on the canary's own target group:
 * docs/rollout.md gives the traffic a canary needs to be judged at all.
 */
export function createTargetGroupAlarms(
  name: string,
  base: AlbMonitoring,
  args: { settings: MonitoringSettings; targetGroups: ShiftedTargetGroup[]; tags: Record<string, string> },
  parent: pulumi.Resource,
): aws.cloudwatch.MetricAlarm[] {
  const alarm = alarmFactory(name, base.topic.arn, args.tags, parent);
  const percent = args.settings.error5xxRatePercent;
  return args.targetGroups.flatMap(({ key, arnSuffix }) => {
    const tg = { LoadBalancer: base.alb.loadBalancer, TargetGroup: arnSuffix };
    return [
      alarm(
        `${key}-5xx-rate`,
        appErrorRateSpec(
          `More than ${percent} % of the requests routed to target group ${key} got a 5xx from the app in 3 of 5 minutes (a canary's own error rate)`,
          percent,
          tg,
        ),
      ),
      alarm(
        `${key}-p99-latency`,
        appP99Spec(
          `The app's p99 response time in target group ${key} was above ${args.settings.p99LatencyMs} ms in 3 of 5 minutes (a canary's own latency)`,
          args.settings.p99LatencyMs,
          tg,
        ),
      ),
    ];
  });
}
