import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  type AccessLogSettings,
  type AwsProviderSettings,
  albLogDeliveryPrincipal,
  type DomainSettings,
  holdsData,
  type LoadBalancerSettings,
  stateProtection,
  type WebAclSettings,
} from "../../facts";
import type { AwsAccount } from "./account";

/**
 * What stands in front of the ALB on both AWS platforms, built the same way for the ALB ECS creates and
 * the one the load balancer controller creates on EKS: the domain's certificate and alias, the access
 * log bucket, and the WAFv2 web ACL. Each is explained where it is built; docs/edge.md has the design
 * choices and the monthly cost of each.
 */

/** Key prefix of ALB access logs in the bucket (the ALB appends `/AWSLogs/<account>/…`). */
export const ACCESS_LOG_PREFIX = "alb";

/** What the listeners and the alias need from the edge, computed before the ALB exists. */
export interface Edge {
  /** The validated certificate (a domain's) or the brought one; undefined: HTTP only. */
  certificateArn?: pulumi.Input<string>;
  /** The access-log bucket's name, resolved only once its policy admits log delivery. */
  accessLogBucket?: pulumi.Output<string>;
  webAclArn?: pulumi.Output<string>;
  /** Options of the domain's Route 53 records (the provider for another account's zone). */
  dns?: pulumi.CustomResourceOptions;
}

/** The certificate, log bucket and web ACL the settings ask for (the alias comes after the ALB). */
export function createEdge(
  name: string,
  lb: LoadBalancerSettings,
  tags: Record<string, string>,
  account: AwsAccount,
  parent: pulumi.Resource,
): Edge {
  const dns = lb.domain ? dnsOptions(name, lb.domain, account, parent) : undefined;
  const certificateArn =
    lb.domain && dns ? createCertificate(name, lb.domain, tags, parent, dns) : lb.certificateArn;
  return {
    ...(certificateArn !== undefined && { certificateArn }),
    ...(dns && { dns }),
    ...(lb.accessLogs && {
      accessLogBucket: createAccessLogBucket(name, lb.accessLogs, lb, tags, account, parent),
    }),
    ...(lb.webAcl && { webAclArn: createWebAcl(name, lb.webAcl, lb.prodGrade, tags, parent).arn }),
  };
}

/**
 * Options of the Route 53 records: the stack's own provider, or, for a zone in another account, a
 * provider that assumes `hostedZoneRoleArn` there. The certificate, the ALB and everything else stay in
 * the stack's account.
 *
 * An explicit provider reads none of the stack's aws:* config (pulumi/pulumi-aws#1307, by design; read
 * 2026-12-07), so it repeats the settings that pick the credentials it starts from (`stackProvider`,
 * config/aws.ts says which and why): the stack's profile or keys, then the stack's own roles, then the
 * zone's role (role chaining, in `assumeRoles` order). It is pinned to the zone role's account with
 * `allowedAccountIds`, so credentials that resolve anywhere else fail before any record is written.
 * What that role must be allowed: {@link dnsRolePolicy}.
 */
function dnsOptions(
  name: string,
  domain: DomainSettings,
  account: AwsAccount,
  parent: pulumi.Resource,
): pulumi.CustomResourceOptions {
  if (domain.hostedZoneRoleArn === undefined) return { parent };
  const provider = new aws.Provider(
    `${name}-dns`,
    {
      region: account.region,
      ...inheritedCredentials(domain.stackProvider),
      assumeRoles: [
        ...domain.stackProvider.assumeRoles,
        { roleArn: domain.hostedZoneRoleArn, sessionName: DNS_SESSION_NAME },
      ],
      allowedAccountIds: [roleAccountId(domain.hostedZoneRoleArn)],
    },
    { parent },
  );
  return { parent, provider };
}

export const DNS_SESSION_NAME = "fastify-deploy-dns";

/** The account of an IAM role ARN (`arn:<partition>:iam::<account>:role/<name>`; config checked its form). */
const roleAccountId = (roleArn: string): string => roleArn.split(":")[4] ?? "";

/** The stack's credential source, static keys kept secret as they are in stack config. */
function inheritedCredentials(s: AwsProviderSettings): aws.ProviderArgs {
  return {
    ...(s.profile !== undefined && { profile: s.profile }),
    ...(s.sharedConfigFiles !== undefined && { sharedConfigFiles: s.sharedConfigFiles }),
    ...(s.sharedCredentialsFiles !== undefined && { sharedCredentialsFiles: s.sharedCredentialsFiles }),
    ...(s.accessKey !== undefined && { accessKey: pulumi.secret(s.accessKey) }),
    ...(s.secretKey !== undefined && { secretKey: pulumi.secret(s.secretKey) }),
    ...(s.token !== undefined && { token: pulumi.secret(s.token) }),
  };
}

/**
 * The Route 53 API calls terraform-provider-aws makes for each resource type this program places on the
 * zone role's provider, read in internal/service/route53/record.go (hashicorp/terraform-provider-aws,
 * read 2026-12-07): resourceRecordCreate calls findHostedZoneByID (route53:GetHostedZone) before
 * ChangeResourceRecordSets, then waitChangeInsync (route53:GetChange, polling until INSYNC);
 * resourceRecordRead finds the record through findResourceRecordSetByFourPartKey (GetHostedZone, then
 * ListResourceRecordSets; the batch-read cache in record_cache.go falls back to the same);
 * resourceRecordUpdate is Create's UPSERT or GetHostedZone + ChangeResourceRecordSets + GetChange;
 * resourceRecordDelete is ListResourceRecordSets (via GetHostedZone) + ChangeResourceRecordSets +
 * GetChange. The ACM validation record is an aws_route53_record too; the aws_acm_certificate_validation
 * that waits for it calls ACM only (internal/service/acm/certificate_validation.go) and stays on the
 * stack's provider. A new type placed on that provider needs its row here (edge.test.ts derives the
 * required actions from the recorded graph and fails on a type it cannot account for).
 */
export const DNS_PROVIDER_ACTIONS: Readonly<
  Record<string, { zone: readonly string[]; change: readonly string[] }>
> = {
  "aws:route53/record:Record": {
    zone: ["route53:ChangeResourceRecordSets", "route53:GetHostedZone", "route53:ListResourceRecordSets"],
    change: ["route53:GetChange"],
  },
};

/**
 * The identity policy the zone's role (hostedZoneRoleArn) needs, generated from what the program places
 * on its provider: zone-scoped actions on those zones only, and GetChange on change/* (a change id is
 * known only once a change is made; Service Authorization Reference, Amazon Route 53: GetChange's
 * resource type is `change`). `npm run plan -- <stack> --set …` prints it for a stack.
 */
export function dnsRolePolicy(partition: string, zoneIds: readonly string[], types: readonly string[]) {
  const rows = [...new Set(types)].sort().map((type) => {
    const row = DNS_PROVIDER_ACTIONS[type];
    if (row === undefined) throw new Error(`dnsRolePolicy: no Route 53 permissions known for ${type}`);
    return row;
  });
  const actions = (pick: "zone" | "change") => [...new Set(rows.flatMap((r) => r[pick]))].sort();
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "RecordsInTheZone",
        Effect: "Allow",
        Action: actions("zone"),
        Resource: [...new Set(zoneIds)].sort().map((id) => `arn:${partition}:route53:::hostedzone/${id}`),
      },
      {
        Sid: "WaitForChanges",
        Effect: "Allow",
        Action: actions("change"),
        Resource: `arn:${partition}:route53:::change/*`,
      },
    ],
  };
}

/**
 * An ACM certificate for the domain, validated by DNS: the one CNAME ACM asks for, written into the
 * zone, and an aws.acm.CertificateValidation that waits until ACM has issued it (terraform-provider-aws
 * docs, acm_certificate_validation: "DNS Validation with Route 53"; `allowOverwrite` as there, since a
 * replacement certificate for the same name asks for the same record). One domain, no SANs, so the
 * validation options hold exactly one entry: the record is declared outside any apply. Returns the
 * validated ARN, so a listener or Ingress using it waits for issuance.
 */
function createCertificate(
  name: string,
  domain: DomainSettings,
  tags: Record<string, string>,
  parent: pulumi.Resource,
  dns: pulumi.CustomResourceOptions,
): pulumi.Output<string> {
  const certificate = new aws.acm.Certificate(
    `${name}-certificate`,
    { domainName: domain.name, validationMethod: "DNS", keyAlgorithm: "RSA_2048", tags },
    { parent },
  );
  const option = certificate.domainValidationOptions.apply((options) => {
    const first = options[0];
    if (first === undefined)
      throw new Error(`${name}: ACM returned no DNS validation option for ${domain.name}`);
    return first;
  });
  const record = new aws.route53.Record(
    `${name}-certificate-validation`,
    {
      zoneId: domain.hostedZoneId,
      name: option.resourceRecordName,
      type: option.resourceRecordType,
      records: [option.resourceRecordValue],
      ttl: 300,
      allowOverwrite: true,
    },
    dns,
  );
  return new aws.acm.CertificateValidation(
    `${name}-certificate-validation`,
    { certificateArn: certificate.arn, validationRecordFqdns: [record.fqdn] },
    { parent },
  ).certificateArn;
}

/** The load balancer an alias points at: its DNS name and the hosted zone ELB serves that name from. */
export interface AliasTarget {
  dnsName: pulumi.Input<string>;
  zoneId: pulumi.Input<string>;
}

/**
 * `<domain> A ALIAS <load balancer>`: no charge for alias queries to an ELB (Route 53 pricing), and the
 * record follows the ALB's changing addresses. Returns the record so the URL depends on it.
 */
export function createAlias(
  name: string,
  domain: DomainSettings,
  target: AliasTarget,
  dns: pulumi.CustomResourceOptions,
): aws.route53.Record {
  return new aws.route53.Record(
    `${name}-alias`,
    {
      zoneId: domain.hostedZoneId,
      name: domain.name,
      type: "A",
      aliases: [{ name: target.dnsName, zoneId: target.zoneId, evaluateTargetHealth: true }],
    },
    dns,
  );
}

/**
 * The bucket ALB access logs go to: SSE-S3 (the only encryption ALB log delivery supports: Elastic
 * Load Balancing User Guide, "Enable access logs for your Application Load Balancer", bucket
 * requirements), ACLs off (BucketOwnerEnforced), public access blocked, objects expiring after the
 * retention, and a policy that denies anything but TLS and lets the region's log delivery write under
 * the prefix only. Emptied on destroy unless deletion protection is on (docs/edge.md, destroy).
 * Returns the bucket name as the policy reports it: whoever enables logging waits for the policy, since
 * ELB checks that it may write when access logs are switched on.
 */
function createAccessLogBucket(
  name: string,
  settings: AccessLogSettings,
  { deletionProtection, prodGrade }: Pick<LoadBalancerSettings, "deletionProtection" | "prodGrade">,
  tags: Record<string, string>,
  account: AwsAccount,
  parent: pulumi.Resource,
): pulumi.Output<string> {
  const opts = { parent };
  // The bucket belongs to the prod-grade edge: protected and retained with the stack (facts/protection.ts).
  const keep = { ...opts, ...holdsData(stateProtection(prodGrade)) };
  const bucket = new aws.s3.Bucket(`${name}-access-logs`, { forceDestroy: !deletionProtection, tags }, keep);
  new aws.s3.BucketPublicAccessBlock(
    `${name}-access-logs`,
    {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    opts,
  );
  new aws.s3.BucketOwnershipControls(
    `${name}-access-logs`,
    { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
    opts,
  );
  new aws.s3.BucketServerSideEncryptionConfiguration(
    `${name}-access-logs`,
    { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
    opts,
  );
  // Versioning (issue 32 item 9): an overwritten or deleted log object stays recoverable as a
  // noncurrent version for the retention period, so whoever gets write access cannot quietly erase
  // the trail (S3 User Guide, "Retaining multiple versions of objects with S3 Versioning",
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html, read 2026-12-07). The
  // lifecycle below expires noncurrent versions after the same number of days, so storage stays bounded.
  const versioning = new aws.s3.BucketVersioning(
    `${name}-access-logs`,
    { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
    opts,
  );
  new aws.s3.BucketLifecycleConfiguration(
    `${name}-access-logs`,
    {
      bucket: bucket.id,
      rules: [
        {
          id: "expire-access-logs",
          status: "Enabled",
          filter: {},
          expiration: { days: settings.retentionDays },
          noncurrentVersionExpiration: { noncurrentDays: settings.retentionDays },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
        },
      ],
    },
    // S3 rejects noncurrent-version rules' effect until versioning is on; after it, in order.
    { ...opts, dependsOn: [versioning] },
  );
  const { region, partition, accountId } = account;
  const policy = new aws.s3.BucketPolicy(
    `${name}-access-logs`,
    {
      bucket: bucket.id,
      policy: pulumi
        .all([bucket.arn, region, partition, accountId])
        .apply(([arn, r, p, account]) => JSON.stringify(accessLogBucketPolicy(arn, r, p, account))),
    },
    opts,
  );
  return policy.bucket;
}

/** The access-log bucket's policy: TLS only, and the region's ALB log delivery writes under the prefix. */
export function accessLogBucketPolicy(
  bucketArn: string,
  region: string,
  partition: string,
  accountId: string,
) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      {
        Sid: "AllowAlbLogDelivery",
        Effect: "Allow",
        Principal: albLogDeliveryPrincipal(region, partition),
        Action: "s3:PutObject",
        Resource: `${bucketArn}/${ACCESS_LOG_PREFIX}/AWSLogs/${accountId}/*`,
      },
    ],
  };
}

/** Rule names of the web ACL, in priority order. */
export const WEB_ACL_RULES = ["rate-limit-per-ip", "aws-common", "aws-known-bad-inputs"] as const;

/**
 * A regional WAFv2 web ACL: a rate limit per client IP (5-minute window) first, then the AWS managed
 * common rule set and known-bad-inputs rule set. In count mode every rule only counts (metrics and
 * sampled requests show what block mode would stop), except on a prod-grade stack, whose rate rule
 * blocks in either mode: a flood from one IP is never a false positive worth serving, while the
 * managed groups' matches are what count mode is there to watch. In block mode all block, except the common set's
 * SizeRestrictions_BODY, kept counting: it blocks bodies over 8 KB (AWS WAF Developer Guide, "Core rule
 * set (CRS) managed rule group"), and POST /v1/shout accepts up to 10000 characters, within the app's
 * own 64 KiB body limit (413 above it).
 */
function createWebAcl(
  name: string,
  s: WebAclSettings,
  prodGrade: boolean,
  tags: Record<string, string>,
  parent: pulumi.Resource,
): aws.wafv2.WebAcl {
  const block = s.mode === "block";
  const rateBlocks = block || prodGrade;
  const visibility = (metric: string) => ({
    cloudwatchMetricsEnabled: true,
    sampledRequestsEnabled: true,
    metricName: `${name}-${metric}`,
  });
  const managed = (priority: number, rule: string, group: string, countOnly: string[]) => ({
    name: rule,
    priority,
    overrideAction: block ? { none: {} } : { count: {} },
    statement: {
      managedRuleGroupStatement: {
        vendorName: "AWS",
        name: group,
        ruleActionOverrides: countOnly.map((r) => ({ name: r, actionToUse: { count: {} } })),
      },
    },
    visibilityConfig: visibility(rule),
  });
  const [rate, common, badInputs] = WEB_ACL_RULES;
  return new aws.wafv2.WebAcl(
    `${name}-web-acl`,
    {
      scope: "REGIONAL",
      description: `${name}: per-IP rate limit and AWS managed rules (${s.mode} mode)`,
      defaultAction: { allow: {} },
      rules: [
        {
          name: rate,
          priority: 0,
          action: rateBlocks ? { block: {} } : { count: {} },
          statement: {
            rateBasedStatement: { limit: s.rateLimit, aggregateKeyType: "IP", evaluationWindowSec: 300 },
          },
          visibilityConfig: visibility(rate),
        },
        managed(1, common, "AWSManagedRulesCommonRuleSet", block ? ["SizeRestrictions_BODY"] : []),
        managed(2, badInputs, "AWSManagedRulesKnownBadInputsRuleSet", []),
      ],
      visibilityConfig: visibility("web-acl"),
      tags,
    },
    { parent },
  );
}
