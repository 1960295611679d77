import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  ALB_IDLE_TIMEOUT_SECONDS,
  ALB_TLS_POLICY,
  type LoadBalancerSettings,
  PROD_GRADE_TAG,
} from "../../facts";
import { APP_PORT } from "../app-contract";
import { ACCESS_LOG_PREFIX, type Edge } from "./edge";

/**
 * The internet-facing Application Load Balancer in front of the app on both AWS platforms. ECS creates
 * it as explicit resources ({@link createLoadBalancer}); on EKS the AWS Load Balancer Controller
 * creates it from the Ingress's annotations ({@link albIngressAnnotations}). What the two share is
 * decided here once: which listeners exist ({@link albListeners}: HTTP on 80, or HTTPS on 443 with the
 * TLS policy and 80 only redirecting), which CIDRs they admit, the idle timeout and dropping invalid
 * header fields, and the URL scheme. The security groups differ by design: ECS owns its ALB's group
 * and rules; the controller builds its own from `inbound-cidrs` (AWS Load Balancer Controller docs,
 * ingress annotations: "inbound-cidrs", "listen-ports", "ssl-redirect", "load-balancer-attributes").
 */
export interface AlbListeners {
  /** Ports the load balancer listens on, in the order they are created. */
  ports: number[];
  /** HTTPS on 443 (with the certificate) and port 80 redirecting to it. */
  https: boolean;
}

export function albListeners(lb: LoadBalancerSettings): AlbListeners {
  const https = lb.certificateArn !== undefined || lb.domain !== undefined;
  return { ports: https ? [80, 443] : [80], https };
}

/** The app's URL behind a load balancer with this DNS name (or the domain's alias record). */
export function albUrl(lb: LoadBalancerSettings, dnsName: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.interpolate`${albListeners(lb).https ? "https" : "http"}://${dnsName}`;
}

/** The ALB's tags: the component's, plus the prod-grade mark the policy pack reads (PROD_GRADE_TAG). */
export function albTags(lb: LoadBalancerSettings, tags: Record<string, string>): Record<string, string> {
  return lb.prodGrade ? { ...tags, [PROD_GRADE_TAG.key]: PROD_GRADE_TAG.value } : tags;
}

/** ALB attributes both platforms set: keep-alive below the app's, and malformed headers dropped. */
export const ALB_ATTRIBUTES = {
  idleTimeoutSeconds: ALB_IDLE_TIMEOUT_SECONDS,
  dropInvalidHeaderFields: true,
  /**
   * `strictest` on both platforms (issue 32 item 9: the EKS ALB kept the default `defensive`): the ALB
   * rejects every request its HTTP desync classifier calls Ambiguous or Severe, not only Severe ones
   * (Elastic Load Balancing, "Desync mitigation mode",
   * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#desync-mitigation-mode,
   * read 2026-12-07; attribute key `routing.http.desync_mitigation_mode`).
   */
  desyncMitigationMode: "strictest",
} as const;

/**
 * The name of the ALB ingress rule for one CIDR and port: derived from what the rule admits, never
 * from its position in `allowedCidrs`, so reordering the list changes no rule and adding or removing a
 * CIDR touches only that CIDR's rules (a rule named by index would be updated in place to another
 * CIDR, and AWS rejects a rule that duplicates one another index still holds).
 */
export function albIngressRuleName(component: string, cidr: string, port: number): string {
  return `${component}-alb-in-${port}-${cidr.replace(/[./]/g, "-")}`;
}

/** The ALB's own security group rules: each allowed CIDR on each listener port, nothing else inbound. */
export function admitAllowedCidrs(
  name: string,
  securityGroupId: pulumi.Input<string>,
  lb: LoadBalancerSettings,
  tags: Record<string, string>,
  parent: pulumi.Resource,
): void {
  const { ports } = albListeners(lb);
  lb.allowedCidrs.forEach((cidr, index) => {
    for (const port of ports) {
      new aws.vpc.SecurityGroupIngressRule(
        albIngressRuleName(name, cidr, port),
        {
          securityGroupId,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          cidrIpv4: cidr,
          description: `HTTP${port === 443 ? "S" : ""} from ${cidr}`,
          tags,
        },
        // Stacks deployed before rules were named by CIDR know this rule by its list position: the
        // alias renames it in place (without it, the new rule would be created next to the old one
        // for the same CIDR and port, and AWS rejects the duplicate). Once renamed, the alias is inert.
        { parent, aliases: [{ name: `${name}-alb-in-${port}-${index}` }] },
      );
    }
  });
}

export interface TargetHealthCheck {
  path: string;
  intervalSeconds: number;
  timeoutSeconds: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
}

export interface LoadBalancerArgs {
  loadBalancer: LoadBalancerSettings;
  vpcId: pulumi.Input<string>;
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  securityGroupId: pulumi.Input<string>;
  healthCheck: TargetHealthCheck;
  deregistrationDelaySeconds: number;
  tags: Record<string, string>;
  /** The certificate, log bucket and web ACL (edge.ts). */
  edge: Edge;
}

/**
 * The ALB as explicit resources (ECS): the load balancer, an `ip` target group on the app port, and
 * the listeners {@link albListeners} decides. Returns the load balancer, its target group and the
 * listeners (a service must wait for them before it registers targets).
 */
export function createLoadBalancer(
  name: string,
  args: LoadBalancerArgs,
  parent: pulumi.Resource,
): { alb: aws.lb.LoadBalancer; targetGroup: aws.lb.TargetGroup; listeners: aws.lb.Listener[] } {
  const { tags, healthCheck } = args;
  const alb = new aws.lb.LoadBalancer(
    `${name}-alb`,
    {
      loadBalancerType: "application",
      internal: false,
      securityGroups: [args.securityGroupId],
      subnets: args.subnetIds,
      idleTimeout: ALB_ATTRIBUTES.idleTimeoutSeconds,
      dropInvalidHeaderFields: ALB_ATTRIBUTES.dropInvalidHeaderFields,
      desyncMitigationMode: ALB_ATTRIBUTES.desyncMitigationMode,
      enableHttp2: true,
      // Only when on: a stack without it records the inputs it always had (off is the provider's default).
      ...(args.loadBalancer.deletionProtection && { enableDeletionProtection: true }),
      ...(args.edge.accessLogBucket && {
        accessLogs: { enabled: true, bucket: args.edge.accessLogBucket, prefix: ACCESS_LOG_PREFIX },
      }),
      tags: albTags(args.loadBalancer, tags),
    },
    { parent },
  );
  if (args.edge.webAclArn) {
    new aws.wafv2.WebAclAssociation(
      `${name}-web-acl`,
      { resourceArn: alb.arn, webAclArn: args.edge.webAclArn },
      { parent },
    );
  }
  const targetGroup = new aws.lb.TargetGroup(
    `${name}-tg`,
    appTargetGroupArgs({ ...args, healthCheck, tags }),
    { parent },
  );
  const { https } = albListeners(args.loadBalancer);
  const forward = [{ type: "forward", targetGroupArn: targetGroup.arn }];
  const listeners = [
    new aws.lb.Listener(
      `${name}-http`,
      {
        loadBalancerArn: alb.arn,
        port: 80,
        protocol: "HTTP",
        defaultActions: https
          ? [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]
          : forward,
        tags,
      },
      { parent },
    ),
  ];
  if (https) {
    listeners.push(
      new aws.lb.Listener(
        `${name}-https`,
        {
          loadBalancerArn: alb.arn,
          port: 443,
          protocol: "HTTPS",
          sslPolicy: ALB_TLS_POLICY,
          certificateArn: args.edge.certificateArn,
          defaultActions: forward,
          tags,
        },
        { parent },
      ),
    );
  }
  return { alb, targetGroup, listeners };
}

export interface AlbIngressSettings {
  loadBalancer: LoadBalancerSettings;
  healthCheck: TargetHealthCheck;
  deregistrationDelaySeconds: number;
  tags: Record<string, string>;
}

/** The edge's values once known (annotations are strings). */
export interface ResolvedEdge {
  certificateArn?: string;
  accessLogBucket?: string;
  webAclArn?: string;
}

/**
 * `alb.ingress.kubernetes.io/*` annotations for the app's Ingress (EKS: the controller builds the same
 * listeners, CIDR rules, attributes, access logs, deletion protection and web ACL as
 * {@link createLoadBalancer}; AWS Load Balancer Controller docs, ingress annotations
 * "load-balancer-attributes" (access_logs.s3.*, deletion_protection.enabled) and "wafv2-acl-arn").
 * Keys sorted: stable inputs.
 */
export function albIngressAnnotations(
  s: AlbIngressSettings,
  edge: ResolvedEdge = {},
): Record<string, string> {
  const a = (key: string) => `alb.ingress.kubernetes.io/${key}`;
  const { https, ports } = albListeners(s.loadBalancer);
  const annotations: Record<string, string> = {
    [a("scheme")]: "internet-facing",
    // Pods are targets directly: no NodePort hop, and the ALB health-checks each pod.
    [a("target-type")]: "ip",
    [a("healthcheck-path")]: s.healthCheck.path,
    [a("healthcheck-port")]: "traffic-port",
    [a("healthcheck-interval-seconds")]: String(s.healthCheck.intervalSeconds),
    [a("healthcheck-timeout-seconds")]: String(s.healthCheck.timeoutSeconds),
    [a("healthy-threshold-count")]: String(s.healthCheck.healthyThreshold),
    [a("unhealthy-threshold-count")]: String(s.healthCheck.unhealthyThreshold),
    [a("success-codes")]: "200",
    [a("inbound-cidrs")]: s.loadBalancer.allowedCidrs.join(","),
    [a("load-balancer-attributes")]: [
      `idle_timeout.timeout_seconds=${ALB_ATTRIBUTES.idleTimeoutSeconds}`,
      `routing.http.drop_invalid_header_fields.enabled=${ALB_ATTRIBUTES.dropInvalidHeaderFields}`,
      `routing.http.desync_mitigation_mode=${ALB_ATTRIBUTES.desyncMitigationMode}`,
      // Off is stated, never left out: the controller modifies only the attributes the annotation names
      // (pkg/deploy/elbv2 load balancer attribute reconciler: DiffStringMap(desired, current)), so a
      // setting dropped from it would stay on (logging into a deleted bucket, a protected ALB at destroy).
      ...(edge.accessLogBucket
        ? [
            "access_logs.s3.enabled=true",
            `access_logs.s3.bucket=${edge.accessLogBucket}`,
            `access_logs.s3.prefix=${ACCESS_LOG_PREFIX}`,
          ]
        : ["access_logs.s3.enabled=false"]),
      `deletion_protection.enabled=${s.loadBalancer.deletionProtection}`,
    ].join(","),
    // Short: by the time a target drains the pod has already stopped getting new requests (drain delay).
    [a("target-group-attributes")]: `deregistration_delay.timeout_seconds=${s.deregistrationDelaySeconds}`,
    [a("listen-ports")]: JSON.stringify(
      ports.map((port) => (port === 443 ? { HTTPS: port } : { HTTP: port })),
    ),
  };
  const certificateArn = edge.certificateArn ?? s.loadBalancer.certificateArn;
  if (https && certificateArn !== undefined) {
    annotations[a("certificate-arn")] = certificateArn;
    annotations[a("ssl-policy")] = ALB_TLS_POLICY;
    annotations[a("ssl-redirect")] = "443";
  }
  // "none" removes an association; an absent annotation leaves the ALB's web ACL as it is (controller
  // v2.8.2 and later; AWS Load Balancer Controller docs, ingress annotations, wafv2-acl-arn).
  annotations[a("wafv2-acl-arn")] = edge.webAclArn ?? "none";
  const tagList = Object.entries(albTags(s.loadBalancer, s.tags)).map(([key, value]) => `${key}=${value}`);
  if (tagList.length > 0) {
    annotations[a("tags")] = tagList.join(",");
  }
  return Object.fromEntries(Object.entries(annotations).sort(([x], [y]) => x.localeCompare(y)));
}

/**
 * The app's target group on an ALB: IP targets on the app port, the health check of the platform. One
 * shape for ECS's target group and the alternate one a native canary/linear/blue-green deployment
 * shifts traffic to (platforms/ecs/traffic-shift.ts), so the two can never differ.
 */
export function appTargetGroupArgs(args: {
  vpcId: pulumi.Input<string | undefined>;
  deregistrationDelaySeconds: number;
  healthCheck: TargetHealthCheck;
  tags: Record<string, string>;
}): aws.lb.TargetGroupArgs {
  const { healthCheck, tags } = args;
  return {
    vpcId: args.vpcId,
    targetType: "ip",
    protocol: "HTTP",
    port: APP_PORT,
    deregistrationDelay: args.deregistrationDelaySeconds,
    healthCheck: {
      enabled: true,
      protocol: "HTTP",
      port: "traffic-port",
      path: healthCheck.path,
      matcher: "200",
      interval: healthCheck.intervalSeconds,
      timeout: healthCheck.timeoutSeconds,
      healthyThreshold: healthCheck.healthyThreshold,
      unhealthyThreshold: healthCheck.unhealthyThreshold,
    },
    tags,
  };
}
