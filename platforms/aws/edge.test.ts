import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { albLogDeliveryPrincipal, ELB_LOG_DELIVERY_SERVICE } from "../../facts";
import { dnsRolePolicies } from "../../scripts/plan";
import {
  MOCK_ACCOUNT_ID,
  type ProgramRun,
  prodEcs,
  type RecordedResource,
  runProgram,
} from "../../tools/harness";
import { ACCESS_LOG_PREFIX, accessLogBucketPolicy, DNS_SESSION_NAME, WEB_ACL_RULES } from "./edge";

const DOMAIN = "api.example.com";
const ZONE = "Z0123456789ABCDEFGHIJ";
const ROLE = "arn:aws:iam::210987654321:role/dns-writer";
const CERTIFICATE = "aws:acm/certificate:Certificate";
const VALIDATION = "aws:acm/certificateValidation:CertificateValidation";
const RECORD = "aws:route53/record:Record";
const LB = "aws:lb/loadBalancer:LoadBalancer";
const LISTENER = "aws:lb/listener:Listener";
const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";
const EDGE_TYPES = [CERTIFICATE, VALIDATION, RECORD, "pulumi:providers:aws"];

type Json = Record<string, unknown>;
interface ValidationOption {
  resourceRecordName: string;
  resourceRecordType: string;
  resourceRecordValue: string;
}

const annotations = (run: ProgramRun): Record<string, string> =>
  (run.one(INGRESS).inputs.metadata as { annotations: Record<string, string> }).annotations;
const stateOf = (r: RecordedResource) => r.state as Json;

/** The certificate, its one validation record (from the certificate's own validation option), the validation. */
function assertValidatedCertificate(run: ProgramRun): string {
  const certificate = run.one(CERTIFICATE);
  assert.equal(certificate.inputs.domainName, DOMAIN);
  assert.equal(certificate.inputs.validationMethod, "DNS");
  const [option] = stateOf(certificate).domainValidationOptions as ValidationOption[];
  assert.ok(option);
  const record = run.one(RECORD, "app-certificate-validation");
  assert.deepEqual(
    [record.inputs.zoneId, record.inputs.name, record.inputs.type, record.inputs.records],
    [ZONE, option.resourceRecordName, option.resourceRecordType, [option.resourceRecordValue]],
  );
  const validation = run.one(VALIDATION);
  assert.equal(validation.inputs.certificateArn, stateOf(certificate).arn);
  assert.deepEqual(validation.inputs.validationRecordFqdns, [stateOf(record).fqdn]);
  assert.ok(validation.dependencies?.includes(record.urn), "the validation waits for the record");
  return stateOf(validation).certificateArn as string;
}

describe("edge: a domain on ecs", () => {
  let run: ProgramRun;
  before(async () => {
    run = await runProgram({ stack: "dev", config: { domainName: DOMAIN, hostedZoneId: ZONE } });
  });

  it("serves HTTPS with the DNS-validated certificate, port 80 only redirecting", () => {
    const certificateArn = assertValidatedCertificate(run);
    const https = run.one(LISTENER, "app-https");
    assert.equal(https.inputs.certificateArn, certificateArn, "the listener uses the validated ARN");
    const http = run.one(LISTENER, "app-http");
    assert.equal((http.inputs.defaultActions as { type: string }[])[0]?.type, "redirect");
  });

  it("aliases the domain to the ALB and exports https://<domain>", () => {
    const alb = stateOf(run.one(LB));
    const alias = run.one(RECORD, "app-alias");
    assert.deepEqual(
      { zoneId: alias.inputs.zoneId, name: alias.inputs.name, type: alias.inputs.type },
      { zoneId: ZONE, name: DOMAIN, type: "A" },
    );
    assert.deepEqual(alias.inputs.aliases, [
      { name: alb.dnsName, zoneId: alb.zoneId, evaluateTargetHealth: true },
    ]);
    assert.equal(run.outputs.url?.value, `https://${DOMAIN}`);
    assert.equal(alias.provider, undefined, "a zone in the stack's account: the default provider");
  });
});

describe("edge: a domain on eks", () => {
  let run: ProgramRun;
  before(async () => {
    run = await runProgram({ stack: "prod", config: { domainName: DOMAIN, hostedZoneId: ZONE } });
  });

  it("hands the controller the validated certificate; HTTP redirects", () => {
    const certificateArn = assertValidatedCertificate(run);
    const a = annotations(run);
    assert.equal(a["alb.ingress.kubernetes.io/certificate-arn"], certificateArn);
    assert.equal(a["alb.ingress.kubernetes.io/ssl-redirect"], "443");
    assert.equal(a["alb.ingress.kubernetes.io/listen-ports"], '[{"HTTP":80},{"HTTPS":443}]');
  });

  it("aliases the domain to the ALB the controller published, in ELB's zone for the region", () => {
    const ingress = run.one(INGRESS);
    const hostname = (stateOf(ingress).status as { loadBalancer: { ingress: { hostname: string }[] } })
      .loadBalancer.ingress[0]?.hostname;
    assert.ok(hostname);
    const zoneCall = run.calls.find((c) => c.token === "aws:elb/getHostedZoneId:getHostedZoneId");
    assert.ok(zoneCall, "ELB's hosted zone id is looked up, not hard-coded");
    const alias = run.one(RECORD, "app-alias");
    assert.deepEqual(alias.inputs.aliases, [
      { name: hostname, zoneId: "Z35SXDOTRQ7X7K", evaluateTargetHealth: true },
    ]);
    assert.ok(alias.dependencies?.includes(ingress.urn), "the alias waits for the Ingress's address");
    assert.equal(run.outputs.url?.value, `https://${DOMAIN}`);
  });
});

/**
 * What terraform-provider-aws calls for each resource type the zone role's provider may carry, read in
 * hashicorp/terraform-provider-aws internal/service/route53/record.go on 2026-12-07 (kept here apart from
 * edge.ts's table, so the test is an independent reading): Create = findHostedZoneByID (GetHostedZone),
 * ChangeResourceRecordSets, waitChangeInsync (GetChange, wait.go: findChangeByID); Read =
 * findResourceRecordSetByFourPartKey (GetHostedZone, ListResourceRecordSets); Update = Create's UPSERT
 * or GetHostedZone + ChangeResourceRecordSets + GetChange; Delete = ListResourceRecordSets (after
 * GetHostedZone) + ChangeResourceRecordSets + GetChange. `change` actions act on change/<id>.
 */
const REQUIRED_ACTIONS: Record<string, { zone: string[]; change: string[] }> = {
  [RECORD]: {
    zone: ["route53:GetHostedZone", "route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"],
    change: ["route53:GetChange"],
  },
};

interface Statement {
  Effect: string;
  Action: string[];
  Resource: string | string[];
}
const allows = (statements: Statement[], action: string, resource: string): boolean =>
  statements.some(
    (st) =>
      st.Effect === "Allow" &&
      st.Action.includes(action) &&
      [st.Resource]
        .flat()
        .some((r) => r === resource || (r.endsWith("*") && resource.startsWith(r.slice(0, -1)))),
  );

describe("edge: a zone in another account", () => {
  let run: ProgramRun;
  before(async () => {
    run = await runProgram({
      stack: "dev",
      config: { domainName: DOMAIN, hostedZoneId: ZONE, hostedZoneRoleArn: ROLE },
    });
  });

  it("writes both records through a provider that assumes hostedZoneRoleArn; the certificate stays here", () => {
    // The edge's own provider, the only explicit one the program creates.
    const provider = run.one("pulumi:providers:aws", "app-dns");
    // Provider inputs reach the engine as JSON text.
    assert.deepEqual(JSON.parse(provider.inputs.assumeRoles as string), [
      { roleArn: ROLE, sessionName: DNS_SESSION_NAME },
    ]);
    assert.equal(provider.inputs.region, "us-east-1");
    for (const record of run.ofType(RECORD)) {
      assert.ok(
        record.provider?.startsWith(`${provider.urn}::`),
        `${record.name} uses the zone account's provider`,
      );
    }
    assert.equal(run.one(CERTIFICATE).provider, undefined);
    assert.equal(run.one(VALIDATION).provider, undefined);
  });

  it("the provider is pinned to the role's account: credentials resolving anywhere else write nothing", () => {
    const provider = run.one("pulumi:providers:aws", "app-dns");
    assert.deepEqual(JSON.parse(provider.inputs.allowedAccountIds as string), ["210987654321"]);
  });

  it("the role's generated policy grants every call the provider makes for what is placed on it, on this zone only", () => {
    const provider = run.one("pulumi:providers:aws", "app-dns");
    const placed = run.resources.filter((r) => r.provider?.startsWith(`${provider.urn}::`));
    assert.ok(placed.length >= 2, "the validation record and the alias");
    const [generated, ...others] = dnsRolePolicies(run);
    assert.equal(others.length, 0);
    assert.equal(generated?.roleArn, ROLE);
    const statements = generated?.policy.Statement as Statement[];
    for (const resource of placed) {
      // A type placed on the zone role's provider without a reading of its calls fails here.
      const required = REQUIRED_ACTIONS[resource.type];
      assert.ok(required, `${resource.type} is placed on the zone role's provider: add its Route 53 calls`);
      const zoneArn = `arn:aws:route53:::hostedzone/${String(resource.inputs.zoneId)}`;
      for (const action of required.zone) {
        assert.ok(allows(statements, action, zoneArn), `${resource.name}: ${action} on ${zoneArn}`);
      }
      for (const action of required.change) {
        assert.ok(
          allows(statements, action, "arn:aws:route53:::change/C0123456789"),
          `${resource.name}: ${action}`,
        );
      }
    }
    // Scoped: nothing beyond this zone and change/*.
    const resources = statements.flatMap((st) => [st.Resource].flat()).sort();
    assert.deepEqual(resources, ["arn:aws:route53:::change/*", `arn:aws:route53:::hostedzone/${ZONE}`]);
  });

  it("inherits the stack's aws:* credential settings; the zone's role is assumed after the stack's own (chaining)", async () => {
    const deployer = { roleArn: "arn:aws:iam::123456789012:role/deployer", sessionName: "ci" };
    const inherited = await runProgram({
      stack: "dev",
      config: {
        domainName: DOMAIN,
        hostedZoneId: ZONE,
        hostedZoneRoleArn: ROLE,
        "aws:profile": "ops",
        "aws:sharedCredentialsFiles": ["/etc/aws/credentials"],
        "aws:assumeRoles": [deployer],
        "aws:allowedAccountIds": ["123456789012"],
      },
      secrets: { "aws:accessKey": "AKIAEXAMPLE", "aws:secretKey": "example-secret" },
    });
    const provider = inherited.one("pulumi:providers:aws", "app-dns");
    assert.equal(provider.inputs.profile, "ops");
    assert.deepEqual(JSON.parse(provider.inputs.sharedCredentialsFiles as string), ["/etc/aws/credentials"]);
    assert.deepEqual(JSON.parse(provider.inputs.assumeRoles as string), [
      deployer,
      { roleArn: ROLE, sessionName: DNS_SESSION_NAME },
    ]);
    assert.equal(provider.inputs.accessKey, "AKIAEXAMPLE");
    assert.ok(provider.secretInputs.includes("accessKey") && provider.secretInputs.includes("secretKey"));
    // The stack's account guard names the stack's account: the zone's provider guards the zone's instead.
    assert.deepEqual(JSON.parse(provider.inputs.allowedAccountIds as string), ["210987654321"]);
  });
});

describe("edge: without a domain nothing of it exists", () => {
  for (const options of [{ stack: "dev" }, { stack: "prod" }, prodEcs()]) {
    it(`${options.stack} ${"config" in options ? "ecs" : ""}`.trim(), async () => {
      const run = await runProgram(options);
      assert.deepEqual(
        run.resources.filter((r) => EDGE_TYPES.includes(r.type)).map((r) => r.name),
        [],
      );
      assert.match(run.outputs.url?.value as string, /^http:\/\//, "no certificate committed: plain HTTP");
    });
  }
});

describe("edge: off is stated to the controller (it changes only what the annotations name)", () => {
  it("dev on eks: access logs and deletion protection false, web ACL none", async () => {
    const run = await runProgram({ stack: "dev", config: { platform: "eks", natGateways: "single" } });
    const a = annotations(run);
    const attributes = a["alb.ingress.kubernetes.io/load-balancer-attributes"]?.split(",");
    assert.ok(attributes?.includes("access_logs.s3.enabled=false"));
    assert.ok(attributes?.includes("deletion_protection.enabled=false"));
    assert.equal(a["alb.ingress.kubernetes.io/wafv2-acl-arn"], "none");
    assert.equal(run.ofType("aws:s3/bucket:Bucket").length + run.ofType("aws:wafv2/webAcl:WebAcl").length, 0);
  });
});

describe("edge: access logs, deletion protection and the web ACL on prod", () => {
  let ecs: ProgramRun;
  let eks: ProgramRun;
  before(async () => {
    ecs = await runProgram(prodEcs());
    eks = await runProgram({ stack: "prod" });
  });

  it("ECS: the ALB logs into the bucket, under the prefix the policy admits, and refuses deletion", () => {
    const bucket = stateOf(ecs.one("aws:s3/bucket:Bucket"));
    const alb = ecs.one(LB).inputs;
    assert.deepEqual(alb.accessLogs, { enabled: true, bucket: bucket.bucket, prefix: ACCESS_LOG_PREFIX });
    assert.equal(alb.enableDeletionProtection, true);
    assert.equal((alb.tags as Json)["prod-grade"], "true");
    assert.ok(
      ecs.one(LB).dependencies?.includes(ecs.one("aws:s3/bucketPolicy:BucketPolicy").urn),
      "logging is switched on only once the bucket policy admits delivery (ELB checks it then)",
    );
  });

  it("EKS: the controller gets the same through the Ingress's annotations", () => {
    const bucket = stateOf(eks.one("aws:s3/bucket:Bucket")).bucket as string;
    const a = annotations(eks);
    assert.deepEqual(a["alb.ingress.kubernetes.io/load-balancer-attributes"]?.split(","), [
      "idle_timeout.timeout_seconds=60",
      "routing.http.drop_invalid_header_fields.enabled=true",
      "routing.http.desync_mitigation_mode=strictest",
      "access_logs.s3.enabled=true",
      `access_logs.s3.bucket=${bucket}`,
      `access_logs.s3.prefix=${ACCESS_LOG_PREFIX}`,
      "deletion_protection.enabled=true",
    ]);
    assert.equal(
      a["alb.ingress.kubernetes.io/wafv2-acl-arn"],
      stateOf(eks.one("aws:wafv2/webAcl:WebAcl")).arn,
    );
  });

  it("the bucket: SSE-S3, no ACLs, no public access, expiring objects, kept on destroy while protected", () => {
    for (const run of [ecs, eks]) {
      const bucket = run.one("aws:s3/bucket:Bucket");
      assert.equal(bucket.inputs.forceDestroy, false, "deletion protection keeps the logs on destroy");
      const sse = run.one(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      );
      assert.deepEqual(sse.inputs.rules, [
        { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
      ]);
      const block = run.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs;
      for (const key of [
        "blockPublicAcls",
        "blockPublicPolicy",
        "ignorePublicAcls",
        "restrictPublicBuckets",
      ]) {
        assert.equal(block[key], true, key);
      }
      const ownership = run.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs;
      assert.deepEqual(ownership.rule, { objectOwnership: "BucketOwnerEnforced" });
      const lifecycleRecord = run.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
      const lifecycle = lifecycleRecord.inputs;
      assert.equal((lifecycle.rules as { expiration: { days: number } }[])[0]?.expiration.days, 90);
      // Issue 32 item 9: versioned, so a deleted or overwritten log stays recoverable; noncurrent
      // versions expire with the same retention.
      const versioning = run.one("aws:s3/bucketVersioning:BucketVersioning");
      assert.equal(versioning.inputs.bucket, bucket.id);
      assert.deepEqual(versioning.inputs.versioningConfiguration, { status: "Enabled" });
      assert.deepEqual(
        (lifecycle.rules as { noncurrentVersionExpiration: unknown }[])[0]?.noncurrentVersionExpiration,
        { noncurrentDays: 90 },
      );
      assert.ok(lifecycleRecord.dependencies?.includes(versioning.urn));
      const policy = JSON.parse(run.one("aws:s3/bucketPolicy:BucketPolicy").inputs.policy as string);
      const arn = stateOf(bucket).arn as string;
      assert.deepEqual(policy, accessLogBucketPolicy(arn, "us-east-1", "aws", MOCK_ACCOUNT_ID));
    }
  });

  it("the web ACL counts by default (prod) but, prod-grade, blocks on the rate rule; associated with the ECS ALB", () => {
    const acl = ecs.one("aws:wafv2/webAcl:WebAcl");
    const rules = acl.inputs.rules as Json[];
    assert.deepEqual(
      rules.map((r) => r.name),
      [...WEB_ACL_RULES],
    );
    assert.deepEqual(
      rules[0]?.action,
      { block: {} },
      "prod-grade: a per-IP flood is blocked in count mode too",
    );
    assert.deepEqual(rules[1]?.overrideAction, { count: {} });
    assert.deepEqual(rules[2]?.overrideAction, { count: {} });
    assert.equal(acl.inputs.scope, "REGIONAL");
    const association = ecs.one("aws:wafv2/webAclAssociation:WebAclAssociation").inputs;
    assert.deepEqual(
      [association.resourceArn, association.webAclArn],
      [stateOf(ecs.one(LB)).arn, stateOf(acl).arn],
    );
  });
});

describe("edge: count mode on a stack that is not prod-grade", () => {
  it("the rate rule counts like the rule groups", async () => {
    const run = await runProgram(prodEcs({ prodGrade: false }));
    const rules = run.one("aws:wafv2/webAcl:WebAcl").inputs.rules as Json[];
    assert.deepEqual(
      [rules[0]?.action, rules[1]?.overrideAction, rules[2]?.overrideAction],
      [{ count: {} }, { count: {} }, { count: {} }],
    );
  });
});

describe("edge: block mode", () => {
  it("blocks on the rate rule and both rule groups, but only counts bodies over 8 KB, which the app accepts", async () => {
    const run = await runProgram(prodEcs({ wafMode: "block", wafRateLimit: 500 }));
    const rules = run.one("aws:wafv2/webAcl:WebAcl").inputs.rules as Json[];
    assert.deepEqual(rules[0]?.action, { block: {} });
    assert.deepEqual((rules[0]?.statement as Json | undefined)?.rateBasedStatement, {
      limit: 500,
      aggregateKeyType: "IP",
      evaluationWindowSec: 300,
    });
    const group = (i: number) =>
      (rules[i]?.statement as { managedRuleGroupStatement: Json } | undefined)?.managedRuleGroupStatement;
    assert.deepEqual(rules[1]?.overrideAction, { none: {} });
    assert.deepEqual(group(1)?.ruleActionOverrides, [
      { name: "SizeRestrictions_BODY", actionToUse: { count: {} } },
    ]);
    assert.deepEqual(group(2)?.ruleActionOverrides, []);
    // Why the override: the largest body POST /v1/shout accepts is above the rule's 8 KB.
    const { MAX_SHOUT_LENGTH } = await import("../../app/src/routes/api.js");
    assert.ok(JSON.stringify({ data: "x".repeat(MAX_SHOUT_LENGTH) }).length > 8 * 1024);
  });
});

describe("edge: who may deliver ALB access logs (albLogDeliveryPrincipal)", () => {
  const cases: [string, string, object][] = [
    ["us-east-1", "aws", { AWS: "arn:aws:iam::127311923021:root" }],
    ["eu-west-1", "aws", { AWS: "arn:aws:iam::156460612806:root" }],
    ["cn-north-1", "aws-cn", { AWS: "arn:aws-cn:iam::638102146993:root" }],
    // Regions from August 2022 on have no ELB account: the log delivery service principal.
    ["ap-southeast-4", "aws", { Service: ELB_LOG_DELIVERY_SERVICE }],
    ["il-central-1", "aws", { Service: ELB_LOG_DELIVERY_SERVICE }],
  ];
  for (const [region, partition, expected] of cases) {
    it(region, () => assert.deepEqual(albLogDeliveryPrincipal(region, partition), expected));
  }
});
