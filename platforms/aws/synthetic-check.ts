import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { LIVENESS_PATH, RANDOM_PATH } from "../app-contract";
import type { AwsAccount } from "./account";
import { ALARM_PERIOD_SECONDS, alarmFactory, createAlarmTopic } from "./alarms";

/**
 * The synthetic client on the AWS platforms: what one of the seed deployments did by hand with an EC2
 * instance calling the service every minute, here as Route 53 health checks from outside AWS's network
 * path to the ALB. Chosen over a CloudWatch Synthetics canary on cost (docs/observability.md):
 * a canary run costs $0.0012 and a per-minute canary runs ~43,800 times a month (≈ $52.56, plus its
 * Lambda and S3), while a health check of an AWS endpoint costs $0.50/month (the first 50 per account
 * free) plus $1.00 per optional feature (latency measurement; HTTPS when the ALB serves it), and checks
 * every 30 s from each checker region (https://aws.amazon.com/route53/pricing/,
 * https://aws.amazon.com/cloudwatch/pricing/). Two checks with latency cost about $3/month (HTTP) or
 * $5/month (HTTPS).
 *
 * Route 53 publishes health-check metrics (HealthCheckStatus, TimeToFirstByte, …) only in us-east-1
 * ("Monitoring health checks using CloudWatch", https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/monitoring-health-checks.html),
 * and an alarm can only notify a topic of its own region (PutMetricAlarm rejects another region's topic:
 * "Invalid region … specified. Only us-west-2 is supported", cds-snc/notification-terraform#128), so the
 * alarms and their topic live in us-east-1 whatever the stack's region.
 *
 * They get there through the per-resource `region` argument of pulumi-aws v7 (the installed 7.48.0's
 * `cloudwatch/metricAlarm.d.ts`, `sns/topic.d.ts`, `topicPolicy.d.ts`, `topicSubscription.d.ts`:
 * `region?: … Defaults to the Region set in the provider configuration`; "Enhanced Region Support",
 * https://www.pulumi.com/registry/packages/aws/how-to-guides/aws-enhanced-region-support/, read
 * 2026-12-07), not through an explicit `aws.Provider`: an explicit provider does not inherit the stack's
 * `aws:*` config (profile, assumeRole, allowedAccountIds: by design, pulumi/pulumi-aws#1307), so its
 * alarms and topic could land in whatever account the environment's credentials name. The stack's own
 * provider keeps them in the stack's account. A stack created with the explicit provider moves these
 * resources to the default one on its next `up`, and the preview may show them replaced (a resource's
 * provider changes): the us-east-1 topic's email subscription then asks for confirmation again.
 */

/** What the check calls: the seed client's call and the liveness route. */
export const SYNTHETIC_PATHS = [RANDOM_PATH, LIVENESS_PATH] as const;
/** Where Route 53 health-check metrics live. */
export const ROUTE53_METRICS_REGION = "us-east-1";
/** Route 53's standard interval (10 s is "fast", an optional feature at $1/month more per check). */
export const HEALTH_CHECK_INTERVAL_SECONDS = 30;
/** Consecutive failures before a checker calls the endpoint unhealthy: Route 53's default. */
export const HEALTH_CHECK_FAILURE_THRESHOLD = 3;
/**
 * Route 53's minimum of three checker regions, on three continents: as independent as the default
 * eight, with under half the requests in the app's logs.
 */
export const HEALTH_CHECK_REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-1"];
/**
 * Two unhealthy minutes in a row: a health check is already three failed requests per checker, so one
 * minute could be a single blip; two is an outage a user would notice.
 */
export const SYNTHETIC_ALARM_EVALUATION = { evaluationPeriods: 2, datapointsToAlarm: 2 } as const;

export interface SyntheticCheckArgs {
  /** The public URL's host: the stack's domain when it has one (its certificate matches), else the ALB's DNS name. */
  dnsName: pulumi.Input<string>;
  /** HTTPS on 443 (with SNI) when the ALB serves it; port 80 then only redirects, which Route 53 would count healthy. */
  https: boolean;
  alarmEmail: string | undefined;
  /** The stack's account and partition (the us-east-1 topic's policy names them; the region is us-east-1's). */
  account: AwsAccount;
  tags: Record<string, string>;
}

export interface SyntheticCheck {
  healthChecks: aws.route53.HealthCheck[];
  alarms: aws.cloudwatch.MetricAlarm[];
  /** The topic its alarms notify (us-east-1). */
  topic: aws.sns.Topic;
  /** The dashboard widget of its status and latency (metrics in us-east-1), at (x, y). */
  dashboardWidget: (x: number, y: number) => object;
}

export function createSyntheticCheck(
  name: string,
  args: SyntheticCheckArgs,
  parent: pulumi.Resource,
): SyntheticCheck {
  const topic = createAlarmTopic(
    `${name}-synthetic-alarms`,
    args.alarmEmail,
    args.tags,
    args.account,
    { parent },
    ROUTE53_METRICS_REGION,
  );
  const alarm = alarmFactory(name, topic.arn, args.tags, parent, ROUTE53_METRICS_REGION);
  const healthChecks: aws.route53.HealthCheck[] = [];
  const alarms: aws.cloudwatch.MetricAlarm[] = [];
  for (const path of SYNTHETIC_PATHS) {
    const slug = path.replace(/^\//, "").replace(/\//g, "-");
    const check = new aws.route53.HealthCheck(
      `${name}-synthetic-${slug}`,
      {
        type: args.https ? "HTTPS" : "HTTP",
        fqdn: args.dnsName,
        port: args.https ? 443 : 80,
        resourcePath: path,
        requestInterval: HEALTH_CHECK_INTERVAL_SECONDS,
        failureThreshold: HEALTH_CHECK_FAILURE_THRESHOLD,
        // Records the latency (connect, TLS, time to first byte) per checker region; cannot be
        // changed after creation.
        measureLatency: true,
        regions: HEALTH_CHECK_REGIONS,
        ...(args.https && { enableSni: true }),
        tags: { ...args.tags, Name: `${name} GET ${path}` },
      },
      { parent },
    );
    healthChecks.push(check);
    alarms.push(
      alarm(`synthetic-${slug}`, {
        description: `GET ${path} failed from Route 53's health checkers for 2 minutes in a row`,
        ...SYNTHETIC_ALARM_EVALUATION,
        comparisonOperator: "LessThanThreshold",
        threshold: 1,
        // A health check that reports nothing is not checking: as bad as a failure.
        treatMissingData: "breaching",
        namespace: "AWS/Route53",
        metricName: "HealthCheckStatus",
        dimensions: { HealthCheckId: check.id },
        statistic: "Minimum",
        period: ALARM_PERIOD_SECONDS,
      }),
    );
  }
  const metric = (metricName: string, stat: string, check: aws.route53.HealthCheck, path: string) => [
    "AWS/Route53",
    metricName,
    "HealthCheckId",
    check.id,
    { stat, label: `${metricName} GET ${path}`, region: ROUTE53_METRICS_REGION },
  ];
  const dashboardWidget = (x: number, y: number) => ({
    type: "metric",
    x,
    y,
    width: 12,
    height: 6,
    properties: {
      title: "Synthetic check: status (1 healthy) and time to first byte (ms)",
      region: ROUTE53_METRICS_REGION,
      period: ALARM_PERIOD_SECONDS,
      view: "timeSeries",
      metrics: healthChecks.flatMap((check, i) => [
        metric("HealthCheckStatus", "Minimum", check, SYNTHETIC_PATHS[i] as string),
        metric("TimeToFirstByte", "Average", check, SYNTHETIC_PATHS[i] as string),
      ]),
    },
  });
  return { healthChecks, alarms, topic, dashboardWidget };
}
