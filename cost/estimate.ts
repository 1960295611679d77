/**
 * A monthly cost estimate of a recorded resource graph (the offline harness's `ProgramRun`): every
 * resource ends up on a line that is priced, free (a price of $0 with the reason), or not priced (with
 * the reason). Nothing unknown is ever counted as $0: a type without a rule is listed as not priced.
 *
 * Depends on the graph's shape only (type, name, id, inputs; the `aws:region` config value), not on the
 * harness module, so it works on any recording with that shape.
 */
import { type Assumptions, HOURS_PER_MONTH } from "./assumptions";
import {
  type EksSupport,
  loadEksSupport,
  loadRegionPrices,
  type Price,
  type PriceKey,
  pricedRegions,
  type RegionPrices,
} from "./prices";

export interface GraphResource {
  type: string;
  name: string;
  id?: string | undefined;
  inputs: Record<string, unknown>;
}

export interface Graph {
  config: { values: Record<string, string> };
  resources: GraphResource[];
}

export type LineKind = "priced" | "free" | "not-priced";

export interface Line {
  kind: LineKind;
  /** `<type> <name>` of the recorded resource the line belongs to. */
  resource: string;
  /** What is charged (priced), or what the resource is (free / not priced). */
  item: string;
  /** USD per month at the desired size; 0 for free; null when not priced. */
  monthly: number | null;
  /** USD per month at the autoscaling maximum (same as `monthly` for what does not scale). */
  monthlyAtMax: number | null;
  /** How the figure was computed, or why it is free / not priced. */
  detail: string;
  /** Pages the prices came from. */
  sources: string[];
  /** Set when no rule knows the resource type (so a test can insist every recorded type has one). */
  unknownType?: true;
}

export interface Estimate {
  region: string;
  /** Hours every hourly price is multiplied by. */
  hoursPerMonth: number;
  assumptions: Assumptions;
  lines: Line[];
  /** Sum of priced lines at the desired size, rounded to cents. */
  total: number;
  /** Sum of priced lines at the autoscaling maximum. */
  totalAtMax: number;
}

const cents = (usd: number): number => Math.round(usd * 100) / 100;
const money = (usd: number): string => `$${Number(usd.toPrecision(6))}`;
const rate = (p: Price): string => `${money(p.usd)}/${p.unit}`;

const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const num = (v: unknown): number | undefined => {
  const n = typeof v === "string" ? Number(v) : v;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
};
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

interface Context {
  graph: Graph;
  region: string;
  prices: RegionPrices | undefined;
  support: EksSupport;
  assumptions: Assumptions;
  ofType: (type: string) => GraphResource[];
  /** The graph creates the Kubernetes cluster its objects run on (EKS), rather than using someone else's. */
  ownsCluster: boolean;
}

type Rule = (r: GraphResource, ctx: Context) => Omit<Line, "resource">[];

const free =
  (reason: string): Rule =>
  () => [{ kind: "free", item: "no charge", monthly: 0, monthlyAtMax: 0, detail: reason, sources: [] }];

const notPriced = (item: string, reason: string): Omit<Line, "resource"> => ({
  kind: "not-priced",
  item,
  monthly: null,
  monthlyAtMax: null,
  detail: reason,
  sources: [],
});

/**
 * A priced line: `perMonth(price)` at the desired size and at max. Without a price file for the region
 * the line is not priced (never $0).
 */
function charge(
  ctx: Context,
  item: string,
  key: PriceKey | Price | undefined,
  quantity: number,
  quantityAtMax: number,
  explain: (p: Price) => string,
  perUnitMonthly: (p: Price) => number = (p) => p.usd * HOURS_PER_MONTH,
): Omit<Line, "resource"> {
  const price = typeof key === "string" ? ctx.prices?.prices[key] : key;
  if (price === undefined) {
    return notPriced(
      item,
      ctx.prices === undefined
        ? `no price file for region ${ctx.region} (cost/prices/ has ${pricedRegions().join(", ")})`
        : "no price for this item in the region's price file",
    );
  }
  return {
    kind: "priced",
    item,
    monthly: cents(quantity * perUnitMonthly(price)),
    monthlyAtMax: cents(quantityAtMax * perUnitMonthly(price)),
    detail: explain(price),
    sources: [price.source],
  };
}

const hourly = (count: number, atMax: number, p: Price): string =>
  count === atMax
    ? `${count} × ${HOURS_PER_MONTH} h × ${rate(p)}`
    : `${count} (max ${atMax}) × ${HOURS_PER_MONTH} h × ${rate(p)}`;

function publicIpv4(ctx: Context, what: string, count: number, atMax: number): Omit<Line, "resource"> {
  return charge(ctx, `public IPv4 addresses (${what})`, "publicIpv4Hour", count, atMax, (p) =>
    hourly(count, atMax, p),
  );
}

// ---------------------------------------------------------------------------------------------------
// Rules per resource type

/** awsx's Vpc defaults, read in pulumi-awsx awsx/ec2/vpc.ts (commit e60adf3c): `natGateways?.strategy ?? "OnePerAz"` and `azCount ?? 3`. */
export const AWSX_VPC_DEFAULTS = { natStrategy: "OnePerAz", availabilityZones: 3 } as const;

function vpcAzs(vpc: GraphResource): number {
  const names = arr(vpc.inputs.availabilityZoneNames).length;
  return (
    num(vpc.inputs.numberOfAvailabilityZones) ?? (names > 0 ? names : AWSX_VPC_DEFAULTS.availabilityZones)
  );
}

const vpcRule: Rule = (r, ctx) => {
  const azs = vpcAzs(r);
  const strategy = str(obj(r.inputs.natGateways).strategy) ?? AWSX_VPC_DEFAULTS.natStrategy;
  const nats = strategy === "None" ? 0 : strategy === "Single" ? 1 : azs;
  const derived = `natGateways.strategy=${strategy}, ${azs} AZs: created inside the awsx Vpc component, which is opaque under mocks, so derived from its inputs`;
  const lines: Omit<Line, "resource">[] = [
    {
      kind: "free",
      item: "VPC, subnets, route tables, internet gateway",
      monthly: 0,
      monthlyAtMax: 0,
      detail: "no charge for these (NAT gateways and public IPv4 addresses are priced separately)",
      sources: [],
    },
  ];
  if (nats > 0) {
    lines.push(
      charge(ctx, `NAT gateways: ${nats} (${derived})`, "natGatewayHour", nats, nats, (p) =>
        hourly(nats, nats, p),
      ),
      publicIpv4(ctx, `one Elastic IP per NAT gateway, ${derived}`, nats, nats),
      charge(
        ctx,
        `NAT data processing: ${ctx.assumptions.natGbPerMonth} GB/month (assumption natGbPerMonth)`,
        "natGatewayGb",
        ctx.assumptions.natGbPerMonth,
        ctx.assumptions.natGbPerMonth,
        (p) => `${ctx.assumptions.natGbPerMonth} GB × ${rate(p)}`,
        (p) => p.usd,
      ),
    );
  }
  return lines;
};

function albLines(ctx: Context, what: string, publicAddresses: number): Omit<Line, "resource">[] {
  const lcu = ctx.assumptions.albLcuPerHour;
  const lines = [
    charge(ctx, `${what}: hours`, "albHour", 1, 1, (p) => hourly(1, 1, p)),
    charge(
      ctx,
      `${what}: ${lcu} LCU (assumption albLcuPerHour)`,
      "albLcuHour",
      lcu,
      lcu,
      (p) => `${lcu} LCU × ${HOURS_PER_MONTH} h × ${rate(p)}`,
    ),
  ];
  if (publicAddresses > 0) {
    lines.push(
      publicIpv4(
        ctx,
        `internet-facing ALB: one per AZ it spans; AWS may add more as it scales`,
        publicAddresses,
        publicAddresses,
      ),
    );
  }
  return lines;
}

const loadBalancerRule: Rule = (r, ctx) => {
  const type = str(r.inputs.loadBalancerType) ?? "application";
  if (type !== "application") return [notPriced(`${type} load balancer`, "only ALBs have a price rule")];
  const internal = r.inputs.internal === true;
  return albLines(ctx, "Application Load Balancer", internal ? 0 : arr(r.inputs.subnets).length);
};

const ingressRule: Rule = (r, ctx) => {
  const spec = obj(r.inputs.spec);
  const annotations = obj(obj(r.inputs.metadata).annotations);
  const lbc = ctx
    .ofType("kubernetes:helm.sh/v3:Release")
    .some((h) => h.inputs.chart === "aws-load-balancer-controller");
  if (spec.ingressClassName === "alb" && lbc) {
    const vpc = ctx.ofType("awsx:ec2:Vpc")[0];
    const azs = vpc === undefined ? 0 : vpcAzs(vpc);
    const internetFacing = annotations["alb.ingress.kubernetes.io/scheme"] === "internet-facing";
    return albLines(
      ctx,
      `Application Load Balancer the AWS Load Balancer Controller creates for this Ingress (not a recorded resource: derived from ingressClassName=alb, scheme and the VPC's ${azs} public subnets)`,
      internetFacing ? azs : 0,
    );
  }
  return [
    notPriced(
      `Ingress (class ${str(spec.ingressClassName) ?? "default"})`,
      "served by the cluster's ingress controller: any load balancer in front of it belongs to the cluster, not to this stack",
    ),
  ];
};

const k8sServiceRule: Rule = (r) => {
  const type = str(obj(r.inputs.spec).type) ?? "ClusterIP";
  if (type === "LoadBalancer") {
    return [
      notPriced(
        "Service of type LoadBalancer",
        "the cluster's cloud controller creates a load balancer whose kind and price depend on that cluster",
      ),
    ];
  }
  return free(`Service of type ${type}: no cloud resource`)(r, {} as Context);
};

function ecsScalingMax(r: GraphResource, ctx: Context): number | undefined {
  const target = ctx.ofType("aws:appautoscaling/target:Target").find((t) => {
    const id = str(t.inputs.resourceId) ?? "";
    const last = id.split("/").at(-1) ?? "";
    return (
      t.inputs.scalableDimension === "ecs:service:DesiredCount" &&
      (last === r.name || last.startsWith(`${r.name}-`))
    );
  });
  return target === undefined ? undefined : num(target.inputs.maxCapacity);
}

const ecsServiceRule: Rule = (r, ctx) => {
  if (r.inputs.launchType !== "FARGATE") {
    return [
      notPriced("ECS service", `launch type ${String(r.inputs.launchType)}: only FARGATE has a price rule`),
    ];
  }
  const taskDefArn = str(r.inputs.taskDefinition) ?? "";
  const defs = ctx.ofType("aws:ecs/taskDefinition:TaskDefinition");
  const def =
    defs.find((d) => taskDefArn.includes(`task-definition/${String(d.inputs.family)}:`)) ??
    (defs.length === 1 ? defs[0] : undefined);
  const cpu = num(def?.inputs.cpu);
  const memory = num(def?.inputs.memory);
  if (def === undefined || cpu === undefined || memory === undefined) {
    return [notPriced("Fargate tasks", "task size not found: no task definition with cpu and memory")];
  }
  const vcpu = cpu / 1024;
  const gb = memory / 1024;
  const arm = obj(def.inputs.runtimePlatform).cpuArchitecture === "ARM64";
  const desired = num(r.inputs.desiredCount) ?? 1;
  const max = Math.max(desired, ecsScalingMax(r, ctx) ?? desired);
  const arch = arm ? "Linux/ARM" : "Linux/x86";
  const lines = [
    charge(
      ctx,
      `Fargate vCPU: ${desired} task(s) × ${vcpu} vCPU (${arch})`,
      arm ? "fargateVcpuHourArm" : "fargateVcpuHourX86",
      desired * vcpu,
      max * vcpu,
      (p) => `${desired} (max ${max}) × ${vcpu} vCPU × ${HOURS_PER_MONTH} h × ${rate(p)}`,
    ),
    charge(
      ctx,
      `Fargate memory: ${desired} task(s) × ${gb} GB (${arch})`,
      arm ? "fargateGbHourArm" : "fargateGbHourX86",
      desired * gb,
      max * gb,
      (p) => `${desired} (max ${max}) × ${gb} GB × ${HOURS_PER_MONTH} h × ${rate(p)}`,
    ),
  ];
  if (obj(r.inputs.networkConfiguration).assignPublicIp === true) {
    lines.push(publicIpv4(ctx, "one per task (assignPublicIp)", desired, max));
  }
  return lines;
};

const scalingPolicyRule: Rule = (r, ctx) => {
  if (r.inputs.policyType !== "TargetTrackingScaling") {
    return [notPriced("scaling policy", `policy type ${String(r.inputs.policyType)} has no price rule`)];
  }
  return [
    charge(
      ctx,
      "CloudWatch alarms: 2 (target tracking creates and manages a high and a low alarm)",
      "cloudwatchAlarmMonth",
      2,
      2,
      (p) => `2 × ${rate(p)}`,
      (p) => p.usd,
    ),
  ];
};

/** A metric alarm is billed per metric it reads: a metric-math alarm over two metrics costs two. */
const metricAlarmRule: Rule = (r, ctx) => {
  const metrics = arr(r.inputs.metricQueries).filter((q) => obj(q).metric !== undefined).length || 1;
  return [
    charge(
      ctx,
      `CloudWatch alarm: ${metrics} metric(s)`,
      "cloudwatchAlarmMonth",
      metrics,
      metrics,
      (p) => `${metrics} × ${rate(p)}`,
      (p) => p.usd,
    ),
  ];
};

/** Route 53 bills each health check plus each optional feature it uses (HTTPS, string match, fast, latency). */
const healthCheckRule: Rule = (r, ctx) => {
  const type = str(r.inputs.type) ?? "";
  const options = [
    type.startsWith("HTTPS") && "HTTPS",
    type.endsWith("STR_MATCH") && "string matching",
    num(r.inputs.requestInterval) === 10 && "10-second interval",
    r.inputs.measureLatency === true && "latency measurement",
  ].filter((o): o is string => typeof o === "string");
  const lines = [charge(ctx, "Route 53 health check", "route53HealthCheckMonth", 1, 1, rate, (p) => p.usd)];
  if (options.length > 0) {
    lines.push(
      charge(
        ctx,
        `Route 53 health check options: ${options.join(", ")}`,
        "route53HealthCheckOptionMonth",
        options.length,
        options.length,
        (p) => `${options.length} × ${rate(p)}`,
        (p) => p.usd,
      ),
    );
  }
  return lines;
};

const SNS_FREE = free(
  "SNS topics and their policies and subscriptions have no charge; the first 1,000 email notifications a month are free",
);

const ecsClusterRule: Rule = (r) => {
  const insights = arr(r.inputs.settings).some(
    (s) => obj(s).name === "containerInsights" && obj(s).value !== "disabled",
  );
  const base = free("no charge for ECS orchestration")(r, {} as Context);
  return insights
    ? [
        ...base,
        notPriced(
          "Container Insights",
          "billed per custom metric and log volume of the running tasks; no rule estimates that volume",
        ),
      ]
    : base;
};

const logGroupRule: Rule = (r, ctx) => {
  const gb = ctx.assumptions.logGbPerMonthPerGroup;
  const retention = num(r.inputs.retentionInDays);
  const months = retention === undefined ? ctx.assumptions.logMonthsWithoutRetention : retention / 30;
  const stored = gb * months;
  return [
    charge(
      ctx,
      `CloudWatch Logs ingestion: ${gb} GB/month (assumption logGbPerMonthPerGroup)`,
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

const kmsRule: Rule = (r, ctx) => [
  charge(
    ctx,
    `KMS key${r.inputs.enableKeyRotation === true ? " (rotation on: +$1/month per rotation, from year 2)" : ""}`,
    "kmsKeyMonth",
    1,
    1,
    (p) => `1 × ${rate(p)} in its first year`,
    (p) => p.usd,
  ),
];

function ec2Price(ctx: Context, instanceType: string): Price | undefined {
  return ctx.prices?.ec2InstanceHour[instanceType];
}

function gp3Lines(
  ctx: Context,
  what: string,
  volumes: number,
  atMax: number,
  gib: number,
  volumeType: string,
) {
  if (volumeType !== "gp3")
    return [notPriced(`${what} (${volumeType})`, "only gp3 volumes have a price rule")];
  return [
    charge(
      ctx,
      `EBS gp3: ${volumes} × ${gib} GiB (${what})`,
      "ebsGp3GbMonth",
      volumes * gib,
      atMax * gib,
      (p) => `${volumes} (max ${atMax}) × ${gib} GiB × ${rate(p)} (baseline 3,000 IOPS / 125 MB/s included)`,
      (p) => p.usd,
    ),
  ];
}

function instanceHours(ctx: Context, instanceType: string, count: number, atMax: number, what: string) {
  const price = ec2Price(ctx, instanceType);
  if (price === undefined && ctx.prices !== undefined) {
    return notPriced(
      `${what}: ${count} × ${instanceType}`,
      `no price for instance type ${instanceType} in cost/prices/${ctx.region}.json`,
    );
  }
  return charge(ctx, `${what}: ${count} × ${instanceType} (on-demand, Linux)`, price, count, atMax, (p) =>
    hourly(count, atMax, p),
  );
}

const instanceRule: Rule = (r, ctx) => {
  const type = str(r.inputs.instanceType) ?? "unknown";
  const root = obj(r.inputs.rootBlockDevice);
  const lines = [
    instanceHours(ctx, type, 1, 1, "EC2 instance"),
    ...gp3Lines(ctx, "root volume", 1, 1, num(root.volumeSize) ?? 8, str(root.volumeType) ?? "gp3"),
  ];
  if (r.inputs.associatePublicIpAddress === true)
    lines.push(publicIpv4(ctx, "the instance's public IP", 1, 1));
  return lines;
};

const nodeGroupRule: Rule = (r, ctx) => {
  const scaling = obj(r.inputs.scalingConfig);
  const desired = num(scaling.desiredSize) ?? 1;
  const max = Math.max(desired, num(scaling.maxSize) ?? desired);
  const types = arr(r.inputs.instanceTypes).map(String);
  const type = types[0] ?? "t3.medium";
  const label = `EKS managed nodes${types.length > 1 ? ` (first of ${types.join(", ")})` : ""}`;
  const lines: Omit<Line, "resource">[] = [];
  if (r.inputs.capacityType === "SPOT") {
    lines.push(
      notPriced(`${label}: ${desired} × ${type} (spot)`, "spot prices move hourly; no rule for them"),
    );
  } else {
    lines.push(instanceHours(ctx, type, desired, max, label));
  }
  const ltId = str(obj(r.inputs.launchTemplate).id);
  const templates = ctx.ofType("aws:ec2/launchTemplate:LaunchTemplate");
  const template =
    templates.find((t) => ltId !== undefined && t.id === ltId) ??
    (templates.length === 1 ? templates[0] : undefined);
  const ebs = obj(obj(arr(template?.inputs.blockDeviceMappings)[0]).ebs);
  const gib = num(ebs.volumeSize) ?? num(r.inputs.diskSize) ?? 20;
  lines.push(...gp3Lines(ctx, "node root volumes", desired, max, gib, str(ebs.volumeType) ?? "gp3"));
  return lines;
};

function eksTier(ctx: Context, version: string): { tier: "standard" | "extended"; from: string } | undefined {
  const row = ctx.support.versions[version];
  if (row === undefined) return undefined;
  // On and after the end-of-standard-support date the cluster bills extended support (it is the first
  // day of the new tier, so the estimate errs high on that day rather than low).
  return ctx.assumptions.asOf >= row.endOfStandardSupport
    ? { tier: "extended", from: row.endOfStandardSupport }
    : { tier: "standard", from: row.endOfStandardSupport };
}

const eksClusterRule: Rule = (r, ctx) => {
  const version = str(r.inputs.version) ?? "unpinned";
  const tier = eksTier(ctx, version);
  const lines: Omit<Line, "resource">[] = [];
  if (tier === undefined) {
    lines.push(
      notPriced(
        `EKS control plane (Kubernetes ${version})`,
        `no support dates for this version in cost/eks-support.json`,
      ),
    );
  } else {
    const when =
      tier.tier === "extended"
        ? `extended support since ${tier.from}`
        : `standard support until ${tier.from}, then $0.60/h`;
    lines.push(
      charge(
        ctx,
        `EKS control plane (Kubernetes ${version}, ${when}, as of ${ctx.assumptions.asOf})`,
        tier.tier === "extended" ? "eksClusterHourExtended" : "eksClusterHourStandard",
        1,
        1,
        (p) => `${hourly(1, 1, p)} (source for the dates: ${ctx.support.source}, read ${ctx.support.read})`,
      ),
    );
  }
  if (r.inputs.skipDefaultNodeGroup !== true) {
    lines.push(
      notPriced(
        "the eks component's default node group",
        "created inside eks.Cluster (opaque under mocks) with sizes this estimate does not see",
      ),
    );
  }
  return lines;
};

const ecrRepositoryRule: Rule = (_r, ctx) => {
  const gb = ctx.assumptions.ecrGbPerRepository;
  return [
    charge(
      ctx,
      `ECR storage: ${gb} GB (assumption ecrGbPerRepository)`,
      "ecrStorageGbMonth",
      gb,
      gb,
      (p) => `${gb} GB × ${rate(p)}`,
      (p) => p.usd,
    ),
  ];
};

/** Kubernetes objects: free on a cluster the stack builds (their pods run on the nodes priced there). */
const kubernetesObject: Rule = (r, ctx) =>
  ctx.ownsCluster
    ? free("a Kubernetes object: what it runs uses the node group priced under the EKS platform")(r, ctx)
    : [
        notPriced(
          "Kubernetes object on an existing cluster",
          "the cluster is not this stack's: its nodes, control plane and load balancers are billed to whoever runs it",
        ),
      ];

const IAM_FREE = free("IAM has no charge");
const SG_FREE = free("security groups and their rules have no charge");

export const RULES: Readonly<Record<string, Rule>> = {
  "pulumi:pulumi:Stack": free("the stack itself: no cloud resource"),
  "awsx:ec2:Vpc": vpcRule,
  "aws:ec2/securityGroup:SecurityGroup": SG_FREE,
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": SG_FREE,
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": SG_FREE,
  "aws:lb/loadBalancer:LoadBalancer": loadBalancerRule,
  "aws:lb/targetGroup:TargetGroup": free("part of the load balancer's hourly and LCU price"),
  "aws:lb/listener:Listener": free("part of the load balancer's hourly and LCU price"),
  "aws:ecs/cluster:Cluster": ecsClusterRule,
  "aws:ecs/taskDefinition:TaskDefinition": free(
    "a task definition costs nothing; its tasks are priced under the ECS service",
  ),
  "aws:ecs/service:Service": ecsServiceRule,
  "aws:appautoscaling/target:Target": free(
    "Application Auto Scaling has no charge; its maximum gives the at-max figures",
  ),
  "aws:appautoscaling/policy:Policy": scalingPolicyRule,
  "aws:cloudwatch/logGroup:LogGroup": logGroupRule,
  "aws:kms/key:Key": kmsRule,
  "aws:ec2/instance:Instance": instanceRule,
  "aws:ec2/launchTemplate:LaunchTemplate": free(
    "a template; the volumes it defines are priced per node under the node group",
  ),
  "eks:index:Cluster": eksClusterRule,
  "eks:index:ManagedNodeGroup": nodeGroupRule,
  "aws:eks/addon:Addon": free(
    "EKS add-ons have no charge; their pods run on the nodes priced under the node group",
  ),
  "aws:eks/accessEntry:AccessEntry": free("EKS access entries have no charge"),
  "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": free("EKS access policies have no charge"),
  "aws:iam/role:Role": IAM_FREE,
  "aws:iam/rolePolicy:RolePolicy": IAM_FREE,
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": IAM_FREE,
  "aws:iam/policy:Policy": IAM_FREE,
  "aws:iam/instanceProfile:InstanceProfile": IAM_FREE,
  "aws:iam/user:User": IAM_FREE,
  "aws:iam/userPolicy:UserPolicy": IAM_FREE,
  "aws:iam/accessKey:AccessKey": IAM_FREE,
  "aws:ecr/repository:Repository": ecrRepositoryRule,
  "aws:ecr/lifecyclePolicy:LifecyclePolicy": free(
    "a lifecycle policy has no charge (it lowers the repository's storage)",
  ),
  "docker:index/image:Image": free(
    "built and pushed by the machine running pulumi; its storage is priced under the ECR repository",
  ),
  "aws:cloudwatch/metricAlarm:MetricAlarm": metricAlarmRule,
  "aws:cloudwatch/dashboard:Dashboard": (_r, ctx) => [
    charge(ctx, "CloudWatch dashboard", "cloudwatchDashboardMonth", 1, 1, rate, (p) => p.usd),
  ],
  "aws:route53/healthCheck:HealthCheck": healthCheckRule,
  "aws:sns/topic:Topic": SNS_FREE,
  "aws:sns/topicPolicy:TopicPolicy": SNS_FREE,
  "aws:sns/topicSubscription:TopicSubscription": SNS_FREE,
  // The edge (issue 16), whose resources reached main with the estimate (issue 18) but no rule: listed,
  // never $0; their figures are in docs/edge.md's cost table until the price files carry them.
  "aws:s3/bucket:Bucket": (_r) => [
    notPriced(
      "S3 access-log bucket",
      "storage and PUT requests grow with traffic (docs/edge.md: under $1/month for this service); no S3 price in the price files",
    ),
  ],
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": free(
    "bucket configuration has no charge (it lowers the bucket's storage)",
  ),
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": free("bucket configuration has no charge"),
  "aws:s3/bucketPolicy:BucketPolicy": free("bucket configuration has no charge"),
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": free("bucket configuration has no charge"),
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": free(
    "bucket configuration has no charge (SSE-S3 is free)",
  ),
  "aws:wafv2/webAcl:WebAcl": (_r) => [
    notPriced(
      "WAF web ACL",
      "$5.00 per web ACL + $1.00 per rule + $0.60 per million requests (docs/edge.md: $8.00 plus requests); no WAF price in the price files",
    ),
  ],
  "aws:wafv2/webAclAssociation:WebAclAssociation": free("associating a web ACL has no charge"),
  "kubernetes:networking.k8s.io/v1:Ingress": ingressRule,
  "kubernetes:core/v1:Service": k8sServiceRule,
  "kubernetes:helm.sh/v3:Release": kubernetesObject,
  "kubernetes:apps/v1:Deployment": kubernetesObject,
  "kubernetes:autoscaling/v2:HorizontalPodAutoscaler": kubernetesObject,
  "kubernetes:policy/v1:PodDisruptionBudget": kubernetesObject,
  "kubernetes:networking.k8s.io/v1:NetworkPolicy": kubernetesObject,
  "kubernetes:core/v1:Namespace": kubernetesObject,
  "kubernetes:core/v1:ServiceAccount": kubernetesObject,
  "kubernetes:core/v1:ConfigMap": kubernetesObject,
  "kubernetes:core/v1:Secret": kubernetesObject,
  "kubernetes:rbac.authorization.k8s.io/v1:Role": kubernetesObject,
  "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding": kubernetesObject,
  "kubernetes:batch/v1:Job": kubernetesObject,
  "kubernetes:batch/v1:CronJob": kubernetesObject,
};

/** Types matched by prefix: this project's own components and Pulumi providers are no cloud resources. */
const PREFIX_RULES: ReadonlyArray<[string, Rule]> = [
  ["fastify-deploy:", free("a component of this project: its children are listed on their own lines")],
  ["pulumi:providers:", free("a Pulumi provider: no cloud resource")],
];

export function ruleFor(type: string): Rule | undefined {
  return RULES[type] ?? PREFIX_RULES.find(([prefix]) => type.startsWith(prefix))?.[1];
}

export interface EstimateOptions {
  assumptions: Assumptions;
  /** Defaults to the graph's `aws:region`. */
  region?: string;
}

export function estimate(graph: Graph, options: EstimateOptions): Estimate {
  const region = options.region ?? graph.config.values["aws:region"] ?? "us-east-1";
  const byType = new Map<string, GraphResource[]>();
  for (const r of graph.resources) byType.set(r.type, [...(byType.get(r.type) ?? []), r]);
  const ctx: Context = {
    graph,
    region,
    prices: loadRegionPrices(region),
    support: loadEksSupport(),
    assumptions: options.assumptions,
    ofType: (type) => byType.get(type) ?? [],
    ownsCluster: (byType.get("eks:index:Cluster") ?? []).length > 0,
  };
  const lines: Line[] = graph.resources.flatMap((r) => {
    const resource = `${r.type} ${r.name}`;
    const rule = ruleFor(r.type);
    if (rule === undefined) {
      return [
        {
          ...notPriced(r.type, "no price rule for this resource type (cost/estimate.ts RULES)"),
          resource,
          unknownType: true as const,
        },
      ];
    }
    return rule(r, ctx).map((line) => ({ ...line, resource }));
  });
  const sum = (pick: (l: Line) => number | null): number =>
    cents(lines.reduce((total, l) => total + (l.kind === "priced" ? (pick(l) ?? 0) : 0), 0));
  return {
    region,
    hoursPerMonth: HOURS_PER_MONTH,
    assumptions: options.assumptions,
    lines,
    total: sum((l) => l.monthly),
    totalAtMax: sum((l) => l.monthlyAtMax),
  };
}
