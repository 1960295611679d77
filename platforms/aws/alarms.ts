import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AwsAccount } from "./account";

/**
 * What every alarm of the program shares: one-minute data points, the topic it notifies (with the
 * topic's encryption decision and publish policy), and the factory that wires alarm → topic.
 */

/** Alarm data points are one minute: the ALB's and ECS's native resolution (no high-resolution cost). */
export const ALARM_PERIOD_SECONDS = 60;
export type AlarmSpec = Omit<
  aws.cloudwatch.MetricAlarmArgs,
  "alarmActions" | "okActions" | "alarmDescription" | "tags" | "name"
> & { description: string };
export type AlarmFactory = (key: string, spec: AlarmSpec) => aws.cloudwatch.MetricAlarm;

/**
 * Every alarm notifies the topic when it fires and when it recovers. `region` (pulumi-aws v7's
 * per-resource region) places the alarms outside the stack's region through the stack's own provider;
 * unset, they are in the stack's region. The topic must be in the same region (synthetic-check.ts).
 */
export function alarmFactory(
  name: string,
  topicArn: pulumi.Input<string>,
  tags: Record<string, string>,
  parent: pulumi.Resource,
  region?: string,
): AlarmFactory {
  return (key, { description, ...spec }) =>
    new aws.cloudwatch.MetricAlarm(
      `${name}-${key}`,
      {
        ...spec,
        alarmDescription: description,
        alarmActions: [topicArn],
        okActions: [topicArn],
        tags,
        ...(region !== undefined && { region }),
      },
      { parent },
    );
}

/**
 * The stack's alarm topic. Not encrypted at rest, on purpose: CloudWatch cannot publish to a topic
 * encrypted with the AWS-managed key alias/aws/sns (its key policy cannot be changed to let
 * cloudwatch.amazonaws.com use it: "Enable compatibility between event sources from AWS services and
 * encrypted topics", https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services),
 * so encryption would need a customer managed key ($1/month per stack plus requests) whose policy
 * grants CloudWatch kms:GenerateDataKey* and kms:Decrypt. The messages hold alarm names, metric values
 * and states (nothing from requests, no secrets), and the email they end in travels unencrypted at rest
 * anyway. What matters is who may publish: this topic's policy admits only CloudWatch alarms of this
 * account, over TLS. `region`, when set, places the topic, its policy and its subscription there
 * (pulumi-aws v7's per-resource region, through the stack's own provider and account).
 */
export function createAlarmTopic(
  name: string,
  alarmEmail: string | undefined,
  tags: Record<string, string>,
  account: AwsAccount,
  opts: pulumi.CustomResourceOptions,
  region?: string,
): aws.sns.Topic {
  // The policy and subscription are regional API calls on the topic: same region as the topic.
  const where = region !== undefined ? { region } : {};
  const topic = new aws.sns.Topic(name, { tags, ...where }, opts);
  new aws.sns.TopicPolicy(
    `${name}-policy`,
    { arn: topic.arn, policy: alarmTopicPolicy(topic.arn, account.partition, account.accountId), ...where },
    opts,
  );
  if (alarmEmail !== undefined) {
    new aws.sns.TopicSubscription(
      `${name}-email`,
      { topic: topic.arn, protocol: "email", endpoint: alarmEmail, ...where },
      opts,
    );
  }
  return topic;
}

/**
 * CloudWatch alarms of this account may publish (aws:SourceAccount and aws:SourceArn against the
 * confused deputy: "Amazon SNS topic policy for CloudWatch alarms",
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html);
 * the account's own principals keep their IAM-granted access (same-account access needs only an
 * identity policy); nothing reaches the topic without TLS.
 */
export function alarmTopicPolicy(
  topicArn: pulumi.Input<string>,
  partition: pulumi.Input<string>,
  accountId: pulumi.Input<string>,
): pulumi.Output<string> {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "CloudWatchAlarmsOfThisAccount",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: "sns:Publish",
        Resource: topicArn,
        Condition: {
          StringEquals: { "aws:SourceAccount": accountId },
          ArnLike: {
            "aws:SourceArn": pulumi.interpolate`arn:${partition}:cloudwatch:*:${accountId}:alarm:*`,
          },
        },
      },
      {
        // The ECR scan-findings rule (scanFindingsAlert) publishes through EventBridge: this account's
        // rules only ("Amazon SNS permissions" for EventBridge targets,
        // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions,
        // read 2026-12-07).
        Sid: "EventBridgeRulesOfThisAccount",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sns:Publish",
        Resource: topicArn,
        Condition: {
          StringEquals: { "aws:SourceAccount": accountId },
          ArnLike: { "aws:SourceArn": pulumi.interpolate`arn:${partition}:events:*:${accountId}:rule/*` },
        },
      },
      {
        Sid: "TlsOnly",
        Effect: "Deny",
        Principal: "*",
        Action: "sns:Publish",
        Resource: topicArn,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  });
}

/** The ECR repository name in a digest-pinned ECR image URI (`<registry>/<name>@sha256:…`). */
export function repositoryNameOf(imageUri: string): string {
  const withoutDigest = imageUri.split("@")[0] ?? imageUri;
  return withoutDigest.slice(withoutDigest.indexOf("/") + 1).split(":")[0] ?? withoutDigest;
}

/**
 * The EventBridge pattern of a finished ECR basic scan of `repository` with a CRITICAL or HIGH finding
 * (the "ECR Image Scan" event and its `finding-severity-counts`, Amazon ECR User Guide "Amazon ECR
 * events and EventBridge", https://docs.aws.amazon.com/AmazonECR/latest/userguide/ecr-eventbridge.html;
 * `$or` and numeric matching, EventBridge "Event patterns", read 2026-12-07).
 */
export function scanFindingsPattern(repository: string): object {
  return {
    source: ["aws.ecr"],
    "detail-type": ["ECR Image Scan"],
    detail: {
      "scan-status": ["COMPLETE"],
      "repository-name": [repository],
      "finding-severity-counts": {
        $or: [{ CRITICAL: [{ numeric: [">", 0] }] }, { HIGH: [{ numeric: [">", 0] }] }],
      },
    },
  };
}

/**
 * ECR scan findings alert (issue 32 item 9): a scan on push that finds a CRITICAL or HIGH vulnerability
 * in the deployed image's repository notifies the stack's alarm topic. The repository is the deployed
 * image's, read from its URI; a prebuilt image from another account is scanned there, so this rule then
 * matches nothing here (docs/security.md).
 */
export function scanFindingsAlert(
  name: string,
  args: { imageUri: pulumi.Input<string>; topicArn: pulumi.Input<string>; tags: Record<string, string> },
  parent: pulumi.Resource,
): aws.cloudwatch.EventRule {
  const rule = new aws.cloudwatch.EventRule(
    `${name}-scan-findings`,
    {
      description:
        "ECR scan on push found a CRITICAL or HIGH vulnerability in the deployed image's repository",
      eventPattern: pulumi
        .output(args.imageUri)
        .apply((uri) => JSON.stringify(scanFindingsPattern(repositoryNameOf(uri)))),
      tags: args.tags,
    },
    { parent },
  );
  new aws.cloudwatch.EventTarget(
    `${name}-scan-findings`,
    { rule: rule.name, arn: args.topicArn },
    { parent },
  );
  return rule;
}
