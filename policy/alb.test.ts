import { describe } from "node:test";
import * as alb from "./alb";
import {
  CERT,
  describeMutations,
  describeRejections,
  fixture,
  type Mutation,
  type Rejection,
} from "./testing";

/**
 * A prod-grade ALB and Ingress with none of the edge's settings, next to an ungraded ALB and Ingress
 * (dev-like: no logs, no protection, no web ACL) that the prod-grade policies leave alone.
 */
const prodGradeFixtures = () => {
  const lb = (name: string, tags: Record<string, string>) =>
    fixture(
      "aws:lb/loadBalancer:LoadBalancer",
      name,
      { internal: false, tags },
      {
        internal: false,
        tags,
        arn: `arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/${name}/1`,
      },
    );
  const ingress = (name: string, tags: string) =>
    fixture("kubernetes:networking.k8s.io/v1:Ingress", name, {
      metadata: {
        annotations: {
          "alb.ingress.kubernetes.io/tags": tags,
          "alb.ingress.kubernetes.io/load-balancer-attributes":
            "idle_timeout.timeout_seconds=60,access_logs.s3.enabled=false,deletion_protection.enabled=false",
          // "none": the controller's explicit "no web ACL" (the mutations cover an absent annotation).
          "alb.ingress.kubernetes.io/wafv2-acl-arn": "none",
        },
      },
      spec: { ingressClassName: "alb" },
    });
  return [
    lb("graded", { stack: "prod", "prod-grade": "true" }),
    lb("plain", { stack: "dev" }),
    ingress("graded-ing", "stack=prod,prod-grade=true"),
    ingress("plain-ing", "stack=dev"),
  ];
};

const HTTPS_ADVICE =
  "(config: certificateArn or domainName; pulumi up refuses a prod-grade stack without one).";

const rejections: Rejection[] = [
  {
    policy: alb.albHttpsWhenProdGrade,
    resources: () => prodGradeFixtures(),
    messages: [
      `Load balancer graded: tagged prod-grade=true but has no HTTPS listener. Add a listener on 443 with protocol HTTPS and an ACM certificate, port 80 only redirecting ${HTTPS_ADVICE}`,
      `Ingress graded-ing: tagged prod-grade=true but its ALB serves no HTTPS. Annotate alb.ingress.kubernetes.io/certificate-arn with an ACM certificate and alb.ingress.kubernetes.io/listen-ports with {"HTTPS":443} ${HTTPS_ADVICE}`,
    ],
  },
  {
    policy: alb.albHardened,
    resources: () => [fixture("aws:lb/loadBalancer:LoadBalancer", "lb", {})],
    messages: [
      "Load balancer lb: internal is not set. Set internal: false for an internet-facing load balancer (or true), never by default.",
      "Load balancer lb: invalid header fields are forwarded. Set dropInvalidHeaderFields: true.",
      "Load balancer lb: no security group. Attach an explicit aws.ec2.SecurityGroup whose rules admit only the allowed CIDRs on 80/443.",
    ],
  },
  {
    policy: alb.albListenerTls,
    resources: () => [
      fixture("aws:lb/listener:Listener", "l", {
        protocol: "HTTPS",
        sslPolicy: "ELBSecurityPolicy-2016-08",
      }),
      fixture("aws:lb/listener:Listener", "tcp", { protocol: "TCP" }),
    ],
    messages: [
      'Listener l: sslPolicy "ELBSecurityPolicy-2016-08" is not a TLS 1.3 policy. Set sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06".',
      "Listener l: HTTPS without a certificate. Set certificateArn to an ACM certificate ARN.",
      'Listener tcp: protocol "TCP". Use HTTP (port 80) or HTTPS (port 443).',
    ],
  },
  {
    policy: alb.albHttpRedirectsWhenHttps,
    resources: () => [
      fixture("aws:lb/listener:Listener", "https", { protocol: "HTTPS", loadBalancerArn: "arn:lb" }),
      fixture("aws:lb/listener:Listener", "http", {
        protocol: "HTTP",
        loadBalancerArn: "arn:lb",
        defaultActions: [{ type: "forward" }],
      }),
      fixture("aws:lb/listener:Listener", "other", {
        protocol: "HTTP",
        loadBalancerArn: "arn:other",
        defaultActions: [{ type: "forward" }],
      }),
    ],
    messages: [
      'Listener http: serves plain HTTP although its load balancer has an HTTPS listener. Make its default action a redirect: { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }.',
    ],
  },
  {
    policy: alb.albIngressHardened,
    resources: () => [
      fixture("kubernetes:networking.k8s.io/v1:Ingress", "ing", {
        metadata: { annotations: { "alb.ingress.kubernetes.io/certificate-arn": CERT } },
        spec: { ingressClassName: "alb" },
      }),
    ],
    messages: [
      "Ingress ing: the ALB scheme is not explicit. Annotate alb.ingress.kubernetes.io/scheme: internet-facing (or internal).",
      "Ingress ing: the ALB admits whatever the controller defaults to. Annotate alb.ingress.kubernetes.io/inbound-cidrs with the allowed CIDRs.",
      "Ingress ing: invalid header fields are forwarded. Add routing.http.drop_invalid_header_fields.enabled=true to alb.ingress.kubernetes.io/load-balancer-attributes.",
      "Ingress ing: HTTPS without a TLS 1.3 policy. Annotate alb.ingress.kubernetes.io/ssl-policy: ELBSecurityPolicy-TLS13-1-2-2021-06.",
      'Ingress ing: HTTP is served next to HTTPS. Annotate alb.ingress.kubernetes.io/ssl-redirect: "443".',
    ],
  },
  {
    policy: alb.albAccessLogsWhenProdGrade,
    resources: () => prodGradeFixtures(),
    messages: [
      "Load balancer graded: tagged prod-grade=true but writes no access logs. Set accessLogs: { enabled: true, bucket: <log bucket> } (config: accessLogs true).",
      "Ingress graded-ing: tagged prod-grade=true but its ALB writes no access logs. Add access_logs.s3.enabled=true and access_logs.s3.bucket=<log bucket> to alb.ingress.kubernetes.io/load-balancer-attributes (config: accessLogs true).",
    ],
  },
  {
    policy: alb.albDeletionProtectionWhenProdGrade,
    resources: () => prodGradeFixtures(),
    messages: [
      "Load balancer graded: tagged prod-grade=true but can be deleted by any update. Set enableDeletionProtection: true (config: deletionProtection true; to destroy, docs/edge.md).",
      "Ingress graded-ing: tagged prod-grade=true but its ALB can be deleted by any update. Add deletion_protection.enabled=true to alb.ingress.kubernetes.io/load-balancer-attributes (config: deletionProtection true; to destroy, docs/edge.md).",
    ],
  },
  {
    policy: alb.albWebAclWhenProdGrade,
    resources: () => prodGradeFixtures(),
    messages: [
      "Load balancer graded: tagged prod-grade=true but no web ACL is associated with it. Add an aws.wafv2.WebAclAssociation { resourceArn: <its arn>, webAclArn } (config: wafMode count or block).",
      "Ingress graded-ing: tagged prod-grade=true but its ALB has no web ACL. Annotate alb.ingress.kubernetes.io/wafv2-acl-arn with the web ACL's ARN (config: wafMode count or block).",
    ],
  },
];

const mutations: Mutation[] = [
  {
    policy: alb.albHttpsWhenProdGrade,
    setting: "its HTTPS listener (prod-grade)",
    from: "prodHttps",
    type: "aws:lb/listener:Listener",
    name: /https/,
    mutate: (i) => {
      i.protocol = "HTTP";
    },
  },
  {
    policy: alb.albHttpsWhenProdGrade,
    setting: "certificate-arn (prod-grade)",
    from: "eks",
    type: "kubernetes:networking.k8s.io/v1:Ingress",
    mutate: (i) => {
      delete i.metadata.annotations["alb.ingress.kubernetes.io/certificate-arn"];
    },
  },
  {
    policy: alb.albHardened,
    setting: "dropInvalidHeaderFields",
    from: "dev/ecs",
    type: "aws:lb/loadBalancer:LoadBalancer",
    mutate: (i) => {
      delete i.dropInvalidHeaderFields;
    },
  },
  {
    policy: alb.albHardened,
    setting: "internal",
    from: "dev/ecs",
    type: "aws:lb/loadBalancer:LoadBalancer",
    mutate: (i) => {
      delete i.internal;
    },
  },
  {
    policy: alb.albHardened,
    setting: "securityGroups",
    from: "dev/ecs",
    type: "aws:lb/loadBalancer:LoadBalancer",
    mutate: (i) => {
      delete i.securityGroups;
    },
  },
  {
    policy: alb.albListenerTls,
    setting: "sslPolicy",
    from: "prodHttps",
    type: "aws:lb/listener:Listener",
    name: /https$/,
    mutate: (i) => {
      i.sslPolicy = "ELBSecurityPolicy-2016-08";
    },
  },
  {
    policy: alb.albHttpRedirectsWhenHttps,
    setting: "HTTP redirect",
    from: "prodHttps",
    type: "aws:lb/listener:Listener",
    name: /http$/,
    mutate: (i) => {
      i.defaultActions = [{ type: "forward", targetGroupArn: "arn:tg" }];
    },
  },
  {
    policy: alb.albIngressHardened,
    setting: "ssl-policy annotation",
    from: "eks",
    type: "kubernetes:networking.k8s.io/v1:Ingress",
    mutate: (i) => {
      delete i.metadata.annotations["alb.ingress.kubernetes.io/ssl-policy"];
    },
  },
  {
    policy: alb.albIngressHardened,
    setting: "drop invalid headers annotation",
    from: "eks",
    type: "kubernetes:networking.k8s.io/v1:Ingress",
    mutate: (i) => {
      i.metadata.annotations["alb.ingress.kubernetes.io/load-balancer-attributes"] =
        "idle_timeout.timeout_seconds=60";
    },
  },
  {
    policy: alb.albAccessLogsWhenProdGrade,
    setting: "accessLogs (prod-grade)",
    from: "prod/ecs",
    type: "aws:lb/loadBalancer:LoadBalancer",
    mutate: (i) => {
      delete i.accessLogs;
    },
  },
  {
    policy: alb.albAccessLogsWhenProdGrade,
    setting: "access_logs.s3 attributes (prod-grade)",
    from: "prod/eks",
    type: "kubernetes:networking.k8s.io/v1:Ingress",
    mutate: (i) => {
      const key = "alb.ingress.kubernetes.io/load-balancer-attributes";
      i.metadata.annotations[key] = i.metadata.annotations[key].replace(
        "access_logs.s3.enabled=true",
        "access_logs.s3.enabled=false",
      );
    },
  },
  {
    policy: alb.albDeletionProtectionWhenProdGrade,
    setting: "enableDeletionProtection (prod-grade)",
    from: "prod/ecs",
    type: "aws:lb/loadBalancer:LoadBalancer",
    mutate: (i) => {
      i.enableDeletionProtection = false;
    },
  },
  {
    policy: alb.albDeletionProtectionWhenProdGrade,
    setting: "deletion_protection attribute (prod-grade)",
    from: "prod/eks",
    type: "kubernetes:networking.k8s.io/v1:Ingress",
    mutate: (i) => {
      const key = "alb.ingress.kubernetes.io/load-balancer-attributes";
      i.metadata.annotations[key] = i.metadata.annotations[key].replace(
        ",deletion_protection.enabled=true",
        "",
      );
    },
  },
  {
    policy: alb.albWebAclWhenProdGrade,
    setting: "the web ACL association (prod-grade)",
    from: "prod/ecs",
    type: "aws:wafv2/webAclAssociation:WebAclAssociation",
    mutate: (i) => {
      i.resourceArn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/other/1";
    },
  },
  {
    policy: alb.albWebAclWhenProdGrade,
    setting: "wafv2-acl-arn annotation (prod-grade)",
    from: "prod/eks",
    type: "kubernetes:networking.k8s.io/v1:Ingress",
    mutate: (i) => {
      delete i.metadata.annotations["alb.ingress.kubernetes.io/wafv2-acl-arn"];
    },
  },
];

describe("load balancer policies", () => {
  describeRejections(alb, rejections);
  describeMutations(alb, mutations);
});
