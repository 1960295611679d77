/**
 * The fastify-deploy policy objects: one per invariant of shared/DESIGN.md. `index.ts` wraps them in a
 * PolicyPack; tests call them directly (policy/testing.ts), never through a PolicyPack.
 *
 * What a policy sees: the resource's inputs (`validateResource`) or every resource's outputs
 * (`validateStack`) as plain JSON. Secret values arrive already unwrapped (@pulumi/policy deserializes
 * Analyze requests without its secret wrappers), so no policy can tell whether a value is secret: the
 * secrecy of the kubeconfig is enforced by config/ and by policy/policies.test.ts on the harness's
 * recorded secret inputs (see policy/README.md). Remote components (awsx, eks) are checked on the
 * inputs given to them, since their children do not exist until the engine expands them.
 */
import type {
  EnforcementLevel,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { PROD_GRADE_TAG } from "../facts/aws";
import {
  asArray,
  asObject,
  containersOf,
  coversPort,
  DIGEST_PINNED,
  envMap,
  type IngressRule,
  idFromArn,
  ingressRules,
  intOrPercent,
  isObject,
  isTls13Policy,
  isWebOnly,
  isWholeInternet,
  LONG_RUNNING,
  type Props,
  podSpecOf,
  SECURITY_GROUP,
  SECURITY_GROUP_RULE,
  shutdownBudgetSeconds,
  VPC_INGRESS_RULE,
} from "./rules";

const mandatory: EnforcementLevel = "mandatory";

/** Resource policy shorthand: `check` returns the violation messages for one resource. */
function resourcePolicy(
  name: string,
  description: string,
  types: readonly string[],
  check: (props: Props, args: ResourceValidationArgs) => string[],
): ResourceValidationPolicy {
  return {
    name,
    description,
    enforcementLevel: mandatory,
    validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
      if (!types.includes(args.type)) return;
      for (const message of check(args.props as Props, args)) report(message);
    },
  };
}

/** Stack policy shorthand: `check` returns `[message, urn?]` pairs. */
function stackPolicy(
  name: string,
  description: string,
  check: (args: StackValidationArgs) => Array<[string, string | undefined]>,
): StackValidationPolicy {
  return {
    name,
    description,
    enforcementLevel: mandatory,
    validateStack: (args: StackValidationArgs, report: ReportViolation) => {
      for (const [message, urn] of check(args)) report(message, urn);
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Image

const ECR_REPOSITORY = "aws:ecr/repository:Repository";
/** Build-cache repositories are mutable on purpose and never deployed from (image.ts). */
const isBuildCacheRepository = (name: string): boolean => /-cache-repo$/.test(name);

export const ecrRepositoryHardened = resourcePolicy(
  "ecr-repository-hardened",
  "ECR repositories have immutable tags (build caches excepted), scan on push, and explicit encryption.",
  [ECR_REPOSITORY],
  (props, args) => {
    const out: string[] = [];
    if (props.imageTagMutability !== "IMMUTABLE" && !isBuildCacheRepository(args.name)) {
      out.push(
        `ECR repository ${args.name}: tags are mutable. Set imageTagMutability: "IMMUTABLE" (only a build cache named "<name>-cache-repo" may be mutable).`,
      );
    }
    if (asObject(props.imageScanningConfiguration).scanOnPush !== true) {
      out.push(
        `ECR repository ${args.name}: images are not scanned. Set imageScanningConfiguration: { scanOnPush: true }.`,
      );
    }
    const encryption = asObject(asArray(props.encryptionConfigurations)[0]).encryptionType;
    if (encryption !== "AES256" && encryption !== "KMS") {
      out.push(
        `ECR repository ${args.name}: encryption is not explicit. Set encryptionConfigurations: [{ encryptionType: "AES256" }] (or "KMS" with a key).`,
      );
    }
    return out;
  },
);

const ECR_LIFECYCLE_POLICY = "aws:ecr/lifecyclePolicy:LifecyclePolicy";

export const ecrRepositoryLifecycle = stackPolicy(
  "ecr-repository-lifecycle",
  "Every ECR repository, build caches included, has a lifecycle policy, so untagged and old images never pile up for ever.",
  (args) => {
    const covered = new Set(
      args.resources.filter((r) => r.type === ECR_LIFECYCLE_POLICY).map((r) => String(r.props.repository)),
    );
    return args.resources
      .filter((r) => r.type === ECR_REPOSITORY && !covered.has(String(r.props.name)))
      .map((r) => [
        `ECR repository ${r.name}: no lifecycle policy, so its images pile up for ever. Add an aws.ecr.LifecyclePolicy for it (expire untagged images; keep a bounded history).`,
        r.urn,
      ]);
  },
);

export const dockerImageCheckoutIndependent = resourcePolicy(
  "docker-image-checkout-independent",
  "docker.Image builds name their context and Dockerfile relative to the project and an explicit platform, so the inputs (and with them rebuilds and the image tag) do not depend on where or on which machine the program runs.",
  ["docker:index/image:Image"],
  (props, args) => {
    const build = asObject(props.build);
    const out: string[] = [];
    for (const key of ["context", "dockerfile"]) {
      const value = build[key];
      if (typeof value === "string" && (value.startsWith("/") || /^[A-Za-z]:[\\/]/.test(value))) {
        out.push(
          `Image ${args.name}: build.${key} is the absolute path ${JSON.stringify(value)}, so every checkout records other inputs and the provider rebuilds. Give it relative to the project directory (e.g. ".", "Dockerfile").`,
        );
      }
    }
    if (typeof build.platform !== "string" || build.platform === "") {
      out.push(
        `Image ${args.name}: build.platform is not set, so the provider builds for whatever machine runs it. Set it (linux/amd64 or linux/arm64).`,
      );
    }
    return out;
  },
);

const ECS_TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";

const ecsContainers = (props: Props): Props[] => {
  const raw = props.containerDefinitions;
  try {
    return asArray(typeof raw === "string" ? JSON.parse(raw) : raw).map(asObject);
  } catch {
    return [];
  }
};

export const imageDigestPinned = resourcePolicy(
  "image-digest-pinned",
  "Every deployed container image is pinned by digest (repo@sha256:…), never by a mutable tag.",
  [
    ECS_TASK_DEFINITION,
    "kubernetes:core/v1:Pod",
    DEPLOYMENT,
    "kubernetes:apps/v1:StatefulSet",
    "kubernetes:apps/v1:DaemonSet",
    "kubernetes:apps/v1:ReplicaSet",
    "kubernetes:batch/v1:Job",
    "kubernetes:batch/v1:CronJob",
  ],
  (props, args) => {
    const images =
      args.type === ECS_TASK_DEFINITION
        ? ecsContainers(props).map((c) => [String(c.name), c.image] as const)
        : containersOf(podSpecOf(args.type, props) ?? {}).map((c) => [c.name, c.props.image] as const);
    return images
      .filter(([, image]) => typeof image !== "string" || !DIGEST_PINNED.test(image))
      .map(
        ([container, image]) =>
          `${args.name}: container ${container} uses image ${JSON.stringify(image)}, not pinned by digest. Deploy "<repository>@sha256:<digest>" (the AppImage's imageUri or a prebuilt digest).`,
      );
  },
);

// ---------------------------------------------------------------------------------------------------
// Load balancer

const LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer";
const LISTENER = "aws:lb/listener:Listener";

export const albHardened = resourcePolicy(
  "alb-hardened",
  "Application load balancers declare their scheme explicitly, drop invalid headers and use explicit security groups.",
  [LOAD_BALANCER],
  (props, args) => {
    const out: string[] = [];
    if (typeof props.internal !== "boolean") {
      out.push(
        `Load balancer ${args.name}: internal is not set. Set internal: false for an internet-facing load balancer (or true), never by default.`,
      );
    }
    if (props.dropInvalidHeaderFields !== true) {
      out.push(
        `Load balancer ${args.name}: invalid header fields are forwarded. Set dropInvalidHeaderFields: true.`,
      );
    }
    if (asArray(props.securityGroups).length === 0) {
      out.push(
        `Load balancer ${args.name}: no security group. Attach an explicit aws.ec2.SecurityGroup whose rules admit only the allowed CIDRs on 80/443.`,
      );
    }
    return out;
  },
);

export const albListenerTls = resourcePolicy(
  "alb-listener-tls",
  "HTTPS listeners use a TLS 1.3 policy and a certificate; listeners speak HTTP or HTTPS only.",
  [LISTENER],
  (props, args) => {
    if (props.protocol === "HTTPS") {
      const out: string[] = [];
      if (!isTls13Policy(props.sslPolicy)) {
        out.push(
          `Listener ${args.name}: sslPolicy ${JSON.stringify(props.sslPolicy ?? null)} is not a TLS 1.3 policy. Set sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06".`,
        );
      }
      if (typeof props.certificateArn !== "string" || props.certificateArn === "") {
        out.push(
          `Listener ${args.name}: HTTPS without a certificate. Set certificateArn to an ACM certificate ARN.`,
        );
      }
      return out;
    }
    if (props.protocol !== "HTTP") {
      return [
        `Listener ${args.name}: protocol ${JSON.stringify(props.protocol ?? null)}. Use HTTP (port 80) or HTTPS (port 443).`,
      ];
    }
    return [];
  },
);

const redirectsToHttps = (props: Props): boolean =>
  asArray(props.defaultActions).every((a) => {
    const action = asObject(a);
    return action.type === "redirect" && asObject(action.redirect).protocol === "HTTPS";
  }) && asArray(props.defaultActions).length > 0;

export const albHttpRedirectsWhenHttps = stackPolicy(
  "alb-http-redirects-when-https",
  "Once a load balancer has an HTTPS listener (a certificate is configured), its HTTP listener only redirects to HTTPS; plain HTTP serving is allowed only without a certificate.",
  (args) => {
    const listeners = args.resources.filter((r) => r.type === LISTENER);
    const httpsBalancers = new Set(
      listeners.filter((l) => l.props.protocol === "HTTPS").map((l) => String(l.props.loadBalancerArn)),
    );
    return listeners
      .filter(
        (l) =>
          l.props.protocol === "HTTP" &&
          httpsBalancers.has(String(l.props.loadBalancerArn)) &&
          !redirectsToHttps(l.props),
      )
      .map((l) => [
        `Listener ${l.name}: serves plain HTTP although its load balancer has an HTTPS listener. Make its default action a redirect: { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }.`,
        l.urn,
      ]);
  },
);

const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";
const ALB_ANNOTATION = "alb.ingress.kubernetes.io/";

export const albIngressHardened = resourcePolicy(
  "alb-ingress-hardened",
  "Ingresses served by the AWS Load Balancer Controller get the same ALB settings: explicit scheme and CIDRs, invalid headers dropped, TLS 1.3 and an HTTP→HTTPS redirect with a certificate.",
  [INGRESS],
  (props, args) => {
    const spec = asObject(props.spec);
    const annotations = asObject(asObject(props.metadata).annotations) as Record<string, unknown>;
    const a = (key: string): unknown => annotations[`${ALB_ANNOTATION}${key}`];
    const isAlb =
      spec.ingressClassName === "alb" || Object.keys(annotations).some((k) => k.startsWith(ALB_ANNOTATION));
    if (!isAlb) return [];
    const out: string[] = [];
    const name = `Ingress ${args.name}`;
    if (a("scheme") !== "internet-facing" && a("scheme") !== "internal") {
      out.push(
        `${name}: the ALB scheme is not explicit. Annotate ${ALB_ANNOTATION}scheme: internet-facing (or internal).`,
      );
    }
    if (typeof a("inbound-cidrs") !== "string" || a("inbound-cidrs") === "") {
      out.push(
        `${name}: the ALB admits whatever the controller defaults to. Annotate ${ALB_ANNOTATION}inbound-cidrs with the allowed CIDRs.`,
      );
    }
    if (
      !String(a("load-balancer-attributes") ?? "").includes(
        "routing.http.drop_invalid_header_fields.enabled=true",
      )
    ) {
      out.push(
        `${name}: invalid header fields are forwarded. Add routing.http.drop_invalid_header_fields.enabled=true to ${ALB_ANNOTATION}load-balancer-attributes.`,
      );
    }
    if (a("certificate-arn") !== undefined) {
      if (!isTls13Policy(a("ssl-policy"))) {
        out.push(
          `${name}: HTTPS without a TLS 1.3 policy. Annotate ${ALB_ANNOTATION}ssl-policy: ELBSecurityPolicy-TLS13-1-2-2021-06.`,
        );
      }
      if (a("ssl-redirect") !== "443") {
        out.push(`${name}: HTTP is served next to HTTPS. Annotate ${ALB_ANNOTATION}ssl-redirect: "443".`);
      }
    }
    return out;
  },
);

// ---------------------------------------------------------------------------------------------------
// Prod-grade edge: what a stack that declares itself prod-grade (config prodGrade, which puts the
// PROD_GRADE_TAG on its ALB: the ALB's tags on ECS, the Ingress's alb.ingress.kubernetes.io/tags on
// EKS) must keep on its load balancer. Policies see resources, not config: the mark travels on the
// resource it governs, so removing the mark is a visible change of the ALB, reviewed like any other.

const PROD_GRADE = `${PROD_GRADE_TAG.key}=${PROD_GRADE_TAG.value}`;
const WEB_ACL_ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation";

const isProdGradeAlb = (props: Props): boolean =>
  asObject(props.tags)[PROD_GRADE_TAG.key] === PROD_GRADE_TAG.value;

/** A prod-grade ALB Ingress's annotations (undefined: not an ALB Ingress of a prod-grade stack). */
function prodGradeIngress(props: Props): ((key: string) => string) | undefined {
  const annotations = asObject(asObject(props.metadata).annotations) as Record<string, unknown>;
  const a = (key: string): string => String(annotations[`${ALB_ANNOTATION}${key}`] ?? "");
  return a("tags").split(",").includes(PROD_GRADE) ? a : undefined;
}

const albAttributes = (a: (key: string) => string): string[] => a("load-balancer-attributes").split(",");

export const albAccessLogsWhenProdGrade = resourcePolicy(
  "alb-access-logs-when-prod-grade",
  `A load balancer tagged ${PROD_GRADE} (a prod-grade stack) writes access logs to S3: on ECS its accessLogs, on EKS the controller's access_logs.s3.* attributes.`,
  [LOAD_BALANCER, INGRESS],
  (props, args) => {
    if (args.type === LOAD_BALANCER) {
      const logs = asObject(props.accessLogs);
      if (
        !isProdGradeAlb(props) ||
        (logs.enabled === true && typeof logs.bucket === "string" && logs.bucket !== "")
      )
        return [];
      return [
        `Load balancer ${args.name}: tagged ${PROD_GRADE} but writes no access logs. Set accessLogs: { enabled: true, bucket: <log bucket> } (config: accessLogs true).`,
      ];
    }
    const a = prodGradeIngress(props);
    if (a === undefined) return [];
    const attributes = albAttributes(a);
    if (
      attributes.includes("access_logs.s3.enabled=true") &&
      attributes.some((x) => /^access_logs\.s3\.bucket=.+/.test(x))
    )
      return [];
    return [
      `Ingress ${args.name}: tagged ${PROD_GRADE} but its ALB writes no access logs. Add access_logs.s3.enabled=true and access_logs.s3.bucket=<log bucket> to ${ALB_ANNOTATION}load-balancer-attributes (config: accessLogs true).`,
    ];
  },
);

export const albDeletionProtectionWhenProdGrade = resourcePolicy(
  "alb-deletion-protection-when-prod-grade",
  `A load balancer tagged ${PROD_GRADE} (a prod-grade stack) has deletion protection on: on ECS enableDeletionProtection, on EKS the controller's deletion_protection.enabled attribute.`,
  [LOAD_BALANCER, INGRESS],
  (props, args) => {
    if (args.type === LOAD_BALANCER) {
      if (!isProdGradeAlb(props) || props.enableDeletionProtection === true) return [];
      return [
        `Load balancer ${args.name}: tagged ${PROD_GRADE} but can be deleted by any update. Set enableDeletionProtection: true (config: deletionProtection true; to destroy, docs/edge.md).`,
      ];
    }
    const a = prodGradeIngress(props);
    if (a === undefined || albAttributes(a).includes("deletion_protection.enabled=true")) return [];
    return [
      `Ingress ${args.name}: tagged ${PROD_GRADE} but its ALB can be deleted by any update. Add deletion_protection.enabled=true to ${ALB_ANNOTATION}load-balancer-attributes (config: deletionProtection true; to destroy, docs/edge.md).`,
    ];
  },
);

export const albWebAclWhenProdGrade = stackPolicy(
  "alb-web-acl-when-prod-grade",
  `A load balancer tagged ${PROD_GRADE} (a prod-grade stack) sits behind a WAFv2 web ACL: on ECS a WebAclAssociation with it, on EKS the controller's wafv2-acl-arn annotation.`,
  (args) => {
    const associated = new Set(
      args.resources.filter((r) => r.type === WEB_ACL_ASSOCIATION).map((r) => String(r.props.resourceArn)),
    );
    const out: Array<[string, string | undefined]> = [];
    for (const r of args.resources) {
      if (r.type === LOAD_BALANCER && isProdGradeAlb(r.props) && !associated.has(String(r.props.arn))) {
        out.push([
          `Load balancer ${r.name}: tagged ${PROD_GRADE} but no web ACL is associated with it. Add an aws.wafv2.WebAclAssociation { resourceArn: <its arn>, webAclArn } (config: wafMode count or block).`,
          r.urn,
        ]);
      }
      const a = r.type === INGRESS ? prodGradeIngress(r.props) : undefined;
      if (a !== undefined && ["", "none"].includes(a("wafv2-acl-arn"))) {
        out.push([
          `Ingress ${r.name}: tagged ${PROD_GRADE} but its ALB has no web ACL. Annotate ${ALB_ANNOTATION}wafv2-acl-arn with the web ACL's ARN (config: wafMode count or block).`,
          r.urn,
        ]);
      }
    }
    return out;
  },
);

// ---------------------------------------------------------------------------------------------------
// Security groups

const RULE_TYPES = [SECURITY_GROUP, SECURITY_GROUP_RULE, VPC_INGRESS_RULE] as const;
const describeRule = (r: IngressRule): string =>
  `${r.protocol === "-1" ? "all traffic" : `${r.protocol} ${r.fromPort}-${r.toPort}`} from ${r.cidrs.filter(isWholeInternet).join(", ")}`;

export const noSshFromInternet = resourcePolicy(
  "security-group-no-ssh-from-internet",
  "No security group admits port 22 from 0.0.0.0/0 or ::/0, in any mode.",
  RULE_TYPES,
  (props, args) =>
    ingressRules(args.type, props)
      .filter((r) => coversPort(r, 22) && r.cidrs.some(isWholeInternet))
      .map(
        (r) =>
          `${args.name}: admits ${describeRule(r)}, which includes SSH. Reach instances through SSM Session Manager, or admit port 22 from specific CIDRs only.`,
      ),
);

export const internetIngressWebOnly = resourcePolicy(
  "security-group-internet-ingress-web-only",
  "Ingress from 0.0.0.0/0 or ::/0 is TCP 80 or 443 only.",
  RULE_TYPES,
  (props, args) =>
    ingressRules(args.type, props)
      .filter((r) => r.cidrs.some(isWholeInternet) && !isWebOnly(r))
      .map(
        (r) =>
          `${args.name}: admits ${describeRule(r)}. From the internet only TCP 80 and 443 (one port per rule) may be open, and only on a load balancer's security group; use a specific CIDR or a referenced security group otherwise.`,
      ),
);

export const internetIngressLoadBalancerOnly = stackPolicy(
  "security-group-internet-ingress-load-balancer-only",
  "Rules that admit the whole internet belong to a security group attached to a load balancer.",
  (args) => {
    const groups = args.resources.filter((r) => r.type === SECURITY_GROUP);
    const lbGroupIds = new Set(
      args.resources
        .filter((r) => r.type === LOAD_BALANCER)
        .flatMap((lb) => asArray(lb.props.securityGroups).map(String)),
    );
    const lbGroupUrns = new Set(
      args.resources
        .filter((r) => r.type === LOAD_BALANCER)
        .flatMap((lb) => (lb.propertyDependencies.securityGroups ?? []).map((d) => d.urn)),
    );
    const out: Array<[string, string | undefined]> = [];
    for (const resource of args.resources) {
      if (!(RULE_TYPES as readonly string[]).includes(resource.type)) continue;
      for (const rule of ingressRules(resource.type, resource.props)) {
        if (!rule.cidrs.some(isWholeInternet)) continue;
        const owner =
          resource.type === SECURITY_GROUP
            ? resource
            : (groups.find((g) =>
                (resource.propertyDependencies.securityGroupId ?? []).some((d) => d.urn === g.urn),
              ) ?? groups.find((g) => idFromArn(g.props.arn) === rule.securityGroupId));
        const ownerId = owner ? idFromArn(owner.props.arn) : rule.securityGroupId;
        const onLoadBalancer =
          (owner && lbGroupUrns.has(owner.urn)) || (ownerId !== undefined && lbGroupIds.has(ownerId));
        if (!onLoadBalancer) {
          out.push([
            `${resource.name}: admits ${describeRule(rule)} to a security group that no load balancer uses. Only a load balancer's security group may be open to the internet; admit the load balancer's security group instead (referencedSecurityGroupId).`,
            resource.urn,
          ]);
        }
      }
    }
    return out;
  },
);

// ---------------------------------------------------------------------------------------------------
// ECS

const ECS_SERVICE = "aws:ecs/service:Service";

export const ecsServiceRollout = resourcePolicy(
  "ecs-service-rollout",
  "ECS services roll back failed deployments (circuit breaker) and give new tasks a health-check grace period.",
  [ECS_SERVICE],
  (props, args) => {
    const out: string[] = [];
    const breaker = asObject(props.deploymentCircuitBreaker);
    if (breaker.enable !== true || breaker.rollback !== true) {
      out.push(
        `ECS service ${args.name}: a failing deployment is not rolled back. Set deploymentCircuitBreaker: { enable: true, rollback: true }.`,
      );
    }
    const grace = props.healthCheckGracePeriodSeconds;
    if (asArray(props.loadBalancers).length > 0 && !(typeof grace === "number" && grace > 0)) {
      out.push(
        `ECS service ${args.name}: no health-check grace period, so slow starts are killed. Set healthCheckGracePeriodSeconds (e.g. 30).`,
      );
    }
    return out;
  },
);

/** A numeric, non-root `uid` or `uid:gid`. */
const isNumericNonRootUser = (user: unknown): boolean =>
  typeof user === "string" && /^\d+(:\d+)?$/.test(user) && Number.parseInt(user, 10) !== 0;

export const ecsContainerHardened = resourcePolicy(
  "ecs-container-hardened",
  "ECS containers run read-only, as a numeric non-root user, unprivileged.",
  [ECS_TASK_DEFINITION],
  (props, args) =>
    ecsContainers(props).flatMap((c) => {
      const out: string[] = [];
      const where = `Task definition ${args.name}, container ${String(c.name)}`;
      if (c.readonlyRootFilesystem !== true) {
        out.push(
          `${where}: the root filesystem is writable. Set readonlyRootFilesystem: true (mount a volume where the app must write).`,
        );
      }
      if (!isNumericNonRootUser(c.user)) {
        out.push(
          `${where}: user ${JSON.stringify(c.user ?? null)} is not a numeric non-root id. Set user: "65532:65532" (the image's uid:gid).`,
        );
      }
      if (c.privileged === true) {
        out.push(`${where}: privileged. Remove privileged (or set it to false).`);
      }
      return out;
    }),
);

export const ecsStopTimeoutCoversShutdown = resourcePolicy(
  "ecs-stop-timeout-covers-shutdown",
  "ECS stopTimeout exceeds the app's drain delay + shutdown timeout (from the container env).",
  [ECS_TASK_DEFINITION],
  (props, args) =>
    ecsContainers(props).flatMap((c) => {
      const where = `Task definition ${args.name}, container ${String(c.name)}`;
      const budget = shutdownBudgetSeconds(envMap(c.environment));
      if (budget === undefined) {
        return [
          `${where}: SHUTDOWN_DRAIN_DELAY_MS and SHUTDOWN_TIMEOUT_MS are not in the environment. Pass both (appEnvironment()) so the kill window can be checked.`,
        ];
      }
      const stop = c.stopTimeout;
      if (!(typeof stop === "number" && stop > budget)) {
        return [
          `${where}: stopTimeout ${JSON.stringify(stop ?? null)} s does not exceed drain + shutdown (${budget} s); ECS would kill the app mid-shutdown. Set stopTimeout above ${budget} (at most 120).`,
        ];
      }
      return [];
    }),
);

export const ecsTaskRolesSeparate = resourcePolicy(
  "ecs-task-roles-separate",
  "ECS tasks have their own task role, distinct from the execution role.",
  [ECS_TASK_DEFINITION],
  (props, args) => {
    if (typeof props.taskRoleArn !== "string" || props.taskRoleArn === "") {
      return [
        `Task definition ${args.name}: no task role. Give the app its own aws.iam.Role (taskRoleArn), separate from the execution role.`,
      ];
    }
    if (props.taskRoleArn === props.executionRoleArn) {
      return [
        `Task definition ${args.name}: the task role is the execution role, so the app holds the agent's image-pull and log permissions. Use two roles.`,
      ];
    }
    return [];
  },
);

// ---------------------------------------------------------------------------------------------------
// VPC, EKS, EC2, KMS

export const awsxVpcExplicit = resourcePolicy(
  "awsx-vpc-explicit",
  "awsx VPCs set their NAT strategy and AZ count explicitly (awsx defaults to 3 AZs with one NAT gateway each).",
  ["awsx:ec2:Vpc"],
  (props, args) => {
    const out: string[] = [];
    const strategy = asObject(props.natGateways).strategy;
    if (!["None", "Single", "OnePerAz"].includes(String(strategy))) {
      out.push(
        `VPC ${args.name}: the NAT gateway strategy is left to awsx's default. Set natGateways: { strategy: "None" | "Single" | "OnePerAz" }.`,
      );
    }
    if (typeof props.numberOfAvailabilityZones !== "number") {
      out.push(`VPC ${args.name}: the AZ count is left to awsx's default. Set numberOfAvailabilityZones.`);
    }
    return out;
  },
);

/**
 * Control-plane logs a cluster must ship: who did what (audit) and who signed in as whom
 * (authenticator). The rest (api, controllerManager, scheduler) are verbose debug logs left to cost.
 */
const REQUIRED_CLUSTER_LOG_TYPES = ["audit", "authenticator"];

const EKS_CLUSTER = "eks:index:Cluster";

export const eksClusterHardened = resourcePolicy(
  "eks-cluster-hardened",
  "EKS clusters: pinned version, API authentication, audit and authenticator control-plane logs, KMS secrets encryption, private endpoint on, public endpoint off or CIDR-restricted, no default node group.",
  [EKS_CLUSTER],
  (props, args) => {
    const out: string[] = [];
    const c = `EKS cluster ${args.name}`;
    if (typeof props.version !== "string" || props.version === "") {
      out.push(`${c}: the Kubernetes version is not pinned. Set version (e.g. "1.33").`);
    }
    if (props.authenticationMode !== "API") {
      out.push(
        `${c}: authenticationMode ${JSON.stringify(props.authenticationMode ?? null)}. Set authenticationMode: "API" (access entries, no aws-auth ConfigMap).`,
      );
    }
    const logs = asArray(props.enabledClusterLogTypes);
    const missing = REQUIRED_CLUSTER_LOG_TYPES.filter((t) => !logs.includes(t));
    if (missing.length > 0) {
      out.push(
        `${c}: control-plane logs ${missing.join(", ")} are off. Include ${JSON.stringify(REQUIRED_CLUSTER_LOG_TYPES)} in enabledClusterLogTypes.`,
      );
    }
    if (typeof props.encryptionConfigKeyArn !== "string" || props.encryptionConfigKeyArn === "") {
      out.push(
        `${c}: Kubernetes secrets are not envelope-encrypted. Set encryptionConfigKeyArn to a rotating aws.kms.Key.`,
      );
    }
    if (props.endpointPrivateAccess !== true) {
      out.push(`${c}: the private API endpoint is off. Set endpointPrivateAccess: true.`);
    }
    // eks defaults endpointPublicAccess to true and its CIDRs to 0.0.0.0/0.
    if (props.endpointPublicAccess !== false) {
      const cidrs = asArray(props.publicAccessCidrs);
      if (cidrs.length === 0 || cidrs.some(isWholeInternet)) {
        out.push(
          `${c}: the public API endpoint is open to the internet. Set endpointPublicAccess: false, or publicAccessCidrs to specific CIDRs (never 0.0.0.0/0).`,
        );
      }
    }
    if (props.skipDefaultNodeGroup !== true) {
      out.push(
        `${c}: eks creates a default self-managed node group. Set skipDefaultNodeGroup: true and use eks.ManagedNodeGroup.`,
      );
    }
    return out;
  },
);

export const eksManagedNodeGroupsOnly = resourcePolicy(
  "eks-managed-node-groups-only",
  "EKS nodes come from managed node groups with an explicit launch template and no SSH access.",
  [
    "eks:index:ManagedNodeGroup",
    "eks:index:NodeGroup",
    "eks:index:NodeGroupV2",
    "aws:eks/nodeGroup:NodeGroup",
  ],
  (props, args) => {
    if (args.type === "eks:index:NodeGroup" || args.type === "eks:index:NodeGroupV2") {
      return [`${args.name}: self-managed node group. Use eks.ManagedNodeGroup.`];
    }
    const out: string[] = [];
    if (props.remoteAccess !== undefined) {
      out.push(
        `Node group ${args.name}: remoteAccess opens SSH to the nodes. Remove remoteAccess; use SSM or the bastion.`,
      );
    }
    if (!isObject(props.launchTemplate) || !props.launchTemplate.id) {
      out.push(
        `Node group ${args.name}: no launch template, so IMDSv2 is not enforced. Set launchTemplate: { id, version } of an aws.ec2.LaunchTemplate with metadataOptions.httpTokens "required".`,
      );
    }
    return out;
  },
);

const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
const VPC = "awsx:ec2:Vpc";

export const eksNodeGroupPlacement = stackPolicy(
  "eks-node-group-private-imdsv2",
  "Managed node groups run in private subnets and use a launch template that requires IMDSv2.",
  (args) => {
    const out: Array<[string, string | undefined]> = [];
    const privateSubnets = new Set(
      args.resources
        .filter((r) => r.type === VPC)
        .flatMap((v) => asArray(v.props.privateSubnetIds).map(String)),
    );
    const templates = args.resources.filter((r) => r.type === LAUNCH_TEMPLATE);
    for (const group of args.resources.filter(
      (r) => r.type === "eks:index:ManagedNodeGroup" || r.type === "aws:eks/nodeGroup:NodeGroup",
    )) {
      const subnets = asArray(group.props.subnetIds).map(String);
      const publicOnes = subnets.filter((s) => !privateSubnets.has(s));
      if (subnets.length === 0 || publicOnes.length > 0) {
        out.push([
          `Node group ${group.name}: subnets ${JSON.stringify(publicOnes)} are not private subnets of the stack's VPC. Set subnetIds: vpc.privateSubnetIds.`,
          group.urn,
        ]);
      }
      const templateId = asObject(group.props.launchTemplate).id;
      const template = templates.find(
        (t) => idFromArn(t.props.arn) === templateId || t.props.id === templateId,
      );
      if (template && asObject(template.props.metadataOptions).httpTokens !== "required") {
        out.push([
          `Node group ${group.name}: its launch template ${template.name} allows IMDSv1. Set metadataOptions.httpTokens: "required" on the template.`,
          group.urn,
        ]);
      }
    }
    return out;
  },
);

export const launchTemplateHardened = resourcePolicy(
  "launch-template-hardened",
  "Launch templates require IMDSv2 and encrypt every EBS volume they declare.",
  [LAUNCH_TEMPLATE],
  (props, args) => {
    const out: string[] = [];
    if (asObject(props.metadataOptions).httpTokens !== "required") {
      out.push(
        `Launch template ${args.name}: IMDSv1 is allowed. Set metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 }.`,
      );
    }
    for (const mapping of asArray(props.blockDeviceMappings).map(asObject)) {
      const ebs = asObject(mapping.ebs);
      if (isObject(mapping.ebs) && String(ebs.encrypted) !== "true") {
        out.push(
          `Launch template ${args.name}: volume ${String(mapping.deviceName)} is not encrypted. Set ebs.encrypted: "true".`,
        );
      }
    }
    return out;
  },
);

export const kmsKeyRotation = resourcePolicy(
  "kms-key-rotation",
  "KMS keys (the EKS secrets key) rotate yearly.",
  ["aws:kms/key:Key"],
  (props, args) =>
    props.enableKeyRotation === true
      ? []
      : [`KMS key ${args.name}: rotation is off. Set enableKeyRotation: true.`],
);

const INSTANCE = "aws:ec2/instance:Instance";

export const ec2InstanceHardened = resourcePolicy(
  "ec2-instance-hardened",
  "EC2 instances (the bastion) require IMDSv2, encrypt their volumes and have no key pair.",
  [INSTANCE],
  (props, args) => {
    const out: string[] = [];
    if (asObject(props.metadataOptions).httpTokens !== "required") {
      out.push(`Instance ${args.name}: IMDSv1 is allowed. Set metadataOptions: { httpTokens: "required" }.`);
    }
    if (asObject(props.rootBlockDevice).encrypted !== true) {
      out.push(
        `Instance ${args.name}: the root volume is not encrypted. Set rootBlockDevice: { encrypted: true }.`,
      );
    }
    for (const device of asArray(props.ebsBlockDevices).map(asObject)) {
      if (device.encrypted !== true) {
        out.push(
          `Instance ${args.name}: volume ${String(device.deviceName)} is not encrypted. Set encrypted: true.`,
        );
      }
    }
    if (props.keyName !== undefined && props.keyName !== "") {
      out.push(
        `Instance ${args.name}: a long-lived key pair (keyName). Remove it; use SSM Session Manager or EC2 Instance Connect.`,
      );
    }
    return out;
  },
);

export const instancePublicIpOnlyForSsh = stackPolicy(
  "ec2-public-ip-only-for-restricted-ssh",
  "An instance gets a public IP only in SSH mode: its security groups admit port 22 from specific CIDRs and nothing else.",
  (args) => {
    const groups = args.resources.filter((r) => r.type === SECURITY_GROUP);
    const rules = args.resources.filter((r) => r.type === VPC_INGRESS_RULE || r.type === SECURITY_GROUP_RULE);
    const out: Array<[string, string | undefined]> = [];
    for (const instance of args.resources.filter((r) => r.type === INSTANCE)) {
      if (instance.props.associatePublicIpAddress !== true) continue;
      const groupIds = asArray(instance.props.vpcSecurityGroupIds).map(String);
      const inbound = [
        ...groups
          .filter((g) => groupIds.includes(idFromArn(g.props.arn) ?? ""))
          .flatMap((g) => ingressRules(g.type, g.props)),
        ...rules
          .flatMap((r) => ingressRules(r.type, r.props))
          .filter((r) => groupIds.includes(r.securityGroupId ?? "")),
      ];
      const sshOnly =
        inbound.length > 0 &&
        inbound.every(
          (r) =>
            r.protocol === "tcp" &&
            r.fromPort === 22 &&
            r.toPort === 22 &&
            r.cidrs.length > 0 &&
            !r.cidrs.some(isWholeInternet),
        );
      if (!sshOnly) {
        out.push([
          `Instance ${instance.name}: has a public IP but its security groups do not restrict it to SSH from specific CIDRs. Set associatePublicIpAddress: false (SSM mode) or admit only TCP 22 from configured CIDRs.`,
          instance.urn,
        ]);
      }
    }
    return out;
  },
);

// ---------------------------------------------------------------------------------------------------
// Kubernetes

export const namespaceRestricted = resourcePolicy(
  "k8s-namespace-pod-security-restricted",
  'Namespaces enforce the Pod Security "restricted" standard.',
  ["kubernetes:core/v1:Namespace"],
  (props, args) =>
    asObject(asObject(props.metadata).labels)["pod-security.kubernetes.io/enforce"] === "restricted"
      ? []
      : [
          `Namespace ${args.name}: Pod Security is not enforced. Label it pod-security.kubernetes.io/enforce: restricted.`,
        ],
);

const WORKLOAD_TYPES = [
  "kubernetes:core/v1:Pod",
  DEPLOYMENT,
  "kubernetes:apps/v1:StatefulSet",
  "kubernetes:apps/v1:DaemonSet",
  "kubernetes:apps/v1:ReplicaSet",
  "kubernetes:batch/v1:Job",
  "kubernetes:batch/v1:CronJob",
];

export const podSecurityRestricted = resourcePolicy(
  "k8s-pod-security-restricted",
  'Every pod meets Pod Security "restricted" (non-root, no privilege escalation, all capabilities dropped, seccomp RuntimeDefault), has a read-only root filesystem and no service-account token.',
  WORKLOAD_TYPES,
  (props, args) => {
    const pod = podSpecOf(args.type, props) ?? {};
    const podSc = asObject(pod.securityContext);
    const out: string[] = [];
    const w = `${args.name}`;
    if (pod.automountServiceAccountToken !== false) {
      out.push(
        `${w}: the service-account token is mounted. Set automountServiceAccountToken: false on the pod spec.`,
      );
    }
    if (pod.hostNetwork === true || pod.hostPID === true || pod.hostIPC === true) {
      out.push(`${w}: shares a host namespace. Remove hostNetwork, hostPID and hostIPC.`);
    }
    for (const c of containersOf(pod)) {
      const sc = asObject(c.props.securityContext);
      const where = `${w}, container ${c.name}`;
      if (sc.runAsNonRoot !== true && !(podSc.runAsNonRoot === true && sc.runAsNonRoot === undefined)) {
        out.push(`${where}: may run as root. Set securityContext.runAsNonRoot: true.`);
      }
      if (sc.runAsUser === 0 || (sc.runAsUser === undefined && podSc.runAsUser === 0)) {
        out.push(`${where}: runs as uid 0. Set runAsUser to the image's non-root uid (65532).`);
      }
      if (sc.allowPrivilegeEscalation !== false) {
        out.push(
          `${where}: privilege escalation is allowed. Set securityContext.allowPrivilegeEscalation: false.`,
        );
      }
      if (sc.privileged === true) {
        out.push(`${where}: privileged. Remove securityContext.privileged.`);
      }
      const drop = asArray(asObject(sc.capabilities).drop);
      const add = asArray(asObject(sc.capabilities).add).filter((cap) => cap !== "NET_BIND_SERVICE");
      if (!drop.includes("ALL") || add.length > 0) {
        out.push(
          `${where}: capabilities are not all dropped. Set securityContext.capabilities: { drop: ["ALL"] }.`,
        );
      }
      const seccomp = asObject(sc.seccompProfile).type ?? asObject(podSc.seccompProfile).type;
      if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") {
        out.push(
          `${where}: no seccomp profile. Set securityContext.seccompProfile: { type: "RuntimeDefault" }.`,
        );
      }
      if (sc.readOnlyRootFilesystem !== true) {
        out.push(
          `${where}: the root filesystem is writable. Set securityContext.readOnlyRootFilesystem: true (mount an emptyDir where the app writes).`,
        );
      }
    }
    return out;
  },
);

export const workloadProbesAndResources = resourcePolicy(
  "k8s-probes-and-resources",
  "Serving containers have readiness and liveness probes; every container has CPU and memory requests and limits.",
  WORKLOAD_TYPES,
  (props, args) => {
    const pod = podSpecOf(args.type, props) ?? {};
    const out: string[] = [];
    for (const c of asArray(pod.containers).map((x, i) => ({
      name: String(asObject(x).name ?? `#${i}`),
      props: asObject(x),
    }))) {
      const where = `${args.name}, container ${c.name}`;
      if (LONG_RUNNING.has(args.type)) {
        if (!isObject(c.props.readinessProbe))
          out.push(`${where}: no readinessProbe. Probe the app's /readyz.`);
        if (!isObject(c.props.livenessProbe))
          out.push(`${where}: no livenessProbe. Probe the app's /healthz.`);
      }
      const resources = asObject(c.props.resources);
      for (const kind of ["requests", "limits"] as const) {
        const values = asObject(resources[kind]);
        const missing = ["cpu", "memory"].filter((k) => values[k] === undefined || values[k] === "");
        if (missing.length > 0) {
          out.push(`${where}: no ${kind} for ${missing.join(" and ")}. Set resources.${kind}.{cpu,memory}.`);
        }
      }
    }
    return out;
  },
);

export const deploymentRolloutSafe = resourcePolicy(
  "k8s-deployment-rollout-safe",
  "Deployments never drop below the desired count during a rollout (maxUnavailable 0) and give pods longer than the app's drain + shutdown to stop.",
  [DEPLOYMENT],
  (props, args) => {
    const spec = asObject(props.spec);
    const pod = podSpecOf(args.type, props) ?? {};
    const out: string[] = [];
    const strategy = asObject(spec.strategy);
    const maxUnavailable = asObject(strategy.rollingUpdate).maxUnavailable;
    if (strategy.type === "Recreate" || !(maxUnavailable === 0 || maxUnavailable === "0%")) {
      out.push(
        `Deployment ${args.name}: a rollout may take serving pods away first. Set strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } }.`,
      );
    }
    const grace = pod.terminationGracePeriodSeconds;
    for (const c of containersOf(pod).filter((x) => asArray(pod.containers).includes(x.props))) {
      const budget = shutdownBudgetSeconds(envMap(c.props.env));
      if (budget === undefined) {
        out.push(
          `Deployment ${args.name}, container ${c.name}: SHUTDOWN_DRAIN_DELAY_MS and SHUTDOWN_TIMEOUT_MS are not in env. Pass both (appEnvironment()) so the grace period can be checked.`,
        );
      } else if (!(typeof grace === "number" && grace > budget)) {
        out.push(
          `Deployment ${args.name}: terminationGracePeriodSeconds ${JSON.stringify(grace ?? null)} does not exceed drain + shutdown (${budget} s) of container ${c.name}; the kubelet would kill the app mid-shutdown. Set it above ${budget}.`,
        );
      }
    }
    return out;
  },
);

const HPA_V2 = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
const HPA_OLD = [
  "kubernetes:autoscaling/v1:HorizontalPodAutoscaler",
  "kubernetes:autoscaling/v2beta1:HorizontalPodAutoscaler",
  "kubernetes:autoscaling/v2beta2:HorizontalPodAutoscaler",
];

export const hpaBounds = resourcePolicy(
  "k8s-hpa-v2-bounds",
  "HorizontalPodAutoscalers use autoscaling/v2 with 1 ≤ minReplicas ≤ maxReplicas and at least one metric.",
  [HPA_V2, ...HPA_OLD],
  (props, args) => {
    if (args.type !== HPA_V2) {
      return [
        `HPA ${args.name}: ${args.type.split(":")[1]} is deprecated or removed. Use autoscaling/v2 (k8s.autoscaling.v2.HorizontalPodAutoscaler).`,
      ];
    }
    const spec = asObject(props.spec);
    const min = spec.minReplicas;
    const max = spec.maxReplicas;
    const out: string[] = [];
    if (!(typeof min === "number" && min >= 1 && typeof max === "number" && max >= min)) {
      out.push(
        `HPA ${args.name}: bounds minReplicas ${JSON.stringify(min ?? null)}, maxReplicas ${JSON.stringify(max ?? null)}. Set 1 ≤ minReplicas ≤ maxReplicas explicitly.`,
      );
    }
    if (asArray(spec.metrics).length === 0) {
      out.push(`HPA ${args.name}: no metrics. Set metrics (e.g. CPU utilization of the requests).`);
    }
    return out;
  },
);

/** What serves `metrics.k8s.io` (the resource metrics API): metrics-server as an EKS add-on or a chart. */
function servesResourceMetrics(r: { type: string; props: Props }): boolean {
  if (r.type === "aws:eks/addon:Addon") return r.props.addonName === "metrics-server";
  if (r.type === "kubernetes:helm.sh/v3:Release" || r.type === "kubernetes:helm.sh/v4:Chart") {
    return r.props.chart === "metrics-server" || String(r.props.chart ?? "").endsWith("/metrics-server");
  }
  if (r.type === "kubernetes:apiregistration.k8s.io/v1:APIService") {
    return asObject(r.props.metadata).name === "v1beta1.metrics.k8s.io";
  }
  return false;
}

export const hpaHasMetricsApi = stackPolicy(
  "eks-hpa-has-metrics-api",
  "A program that creates an EKS cluster and an HPA on resource metrics (CPU/memory) also installs a metrics API: EKS ships none, and without one the HPA never scales.",
  (args) => {
    const all = args.resources;
    if (!all.some((r) => r.type === EKS_CLUSTER || r.type === "aws:eks/cluster:Cluster")) return [];
    if (all.some(servesResourceMetrics)) return [];
    return all
      .filter(
        (r) =>
          r.type === HPA_V2 &&
          asArray(asObject(r.props.spec).metrics).some((m) =>
            ["Resource", "ContainerResource"].includes(String(asObject(m).type)),
          ),
      )
      .map((hpa): [string, string | undefined] => [
        `HPA ${hpa.name}: scales on resource metrics, but nothing on this EKS cluster serves metrics.k8s.io (EKS installs no metrics-server), so it reports FailedGetResourceMetric and never scales. Add the metrics-server EKS add-on (aws.eks.Addon addonName "metrics-server") or its Helm chart, and create the HPA after it.`,
        hpa.urn,
      ]);
  },
);

const PDB = "kubernetes:policy/v1:PodDisruptionBudget";

type StackResource = StackValidationArgs["resources"][number];

/** The fewest replicas a Deployment runs: its HPA's minReplicas, else spec.replicas, else 1. */
function minimumReplicas(deployment: StackResource, all: readonly StackResource[]): number {
  const { name, namespace } = asObject(deployment.props.metadata);
  const hpa = all.find(
    (h) =>
      h.type === HPA_V2 &&
      asObject(h.props.metadata).namespace === namespace &&
      asObject(asObject(h.props.spec).scaleTargetRef).name === name,
  );
  const min = hpa ? asObject(hpa.props.spec).minReplicas : asObject(deployment.props.spec).replicas;
  return typeof min === "number" ? min : 1;
}

export const pdbAllowsDrain = stackPolicy(
  "k8s-pdb-allows-drain",
  "PodDisruptionBudgets (policy/v1) never block a node drain at the minimum replica count.",
  (args) => {
    const out: Array<[string, string | undefined]> = [];
    const all = args.resources;
    for (const pdb of all.filter((r) => r.type === "kubernetes:policy/v1beta1:PodDisruptionBudget")) {
      out.push([`PDB ${pdb.name}: policy/v1beta1 is removed. Use policy/v1.`, pdb.urn]);
    }
    for (const pdb of all.filter((r) => r.type === PDB)) {
      const spec = asObject(pdb.props.spec);
      const namespace = asObject(pdb.props.metadata).namespace;
      const selector = asObject(asObject(spec.selector).matchLabels);
      const deployments = all.filter((d) => {
        if (d.type !== DEPLOYMENT || asObject(d.props.metadata).namespace !== namespace) return false;
        const labels = asObject(asObject(asObject(asObject(d.props.spec).template).metadata).labels);
        return Object.entries(selector).every(([k, v]) => labels[k] === v);
      });
      // The smallest count the budget may face: the HPA's minimum, else the Deployment's replicas.
      const minimum = Math.min(
        ...deployments.map((d) => minimumReplicas(d, all)),
        deployments.length === 0 ? 1 : Number.POSITIVE_INFINITY,
      );
      const fix = `Set maxUnavailable: 1 (or minAvailable below the minimum replica count, ${minimum}).`;
      if (spec.maxUnavailable !== undefined) {
        const allowed = intOrPercent(spec.maxUnavailable, minimum);
        if (allowed === undefined || allowed < 1) {
          out.push([
            `PDB ${pdb.name}: maxUnavailable ${JSON.stringify(spec.maxUnavailable)} lets no pod be evicted, so node drains hang. ${fix}`,
            pdb.urn,
          ]);
        }
      } else if (spec.minAvailable !== undefined) {
        const required = intOrPercent(spec.minAvailable, minimum);
        if (required === undefined || required >= minimum) {
          out.push([
            `PDB ${pdb.name}: minAvailable ${JSON.stringify(spec.minAvailable)} is not below the minimum replica count, so node drains hang. ${fix}`,
            pdb.urn,
          ]);
        }
      } else {
        out.push([`PDB ${pdb.name}: neither maxUnavailable nor minAvailable. ${fix}`, pdb.urn]);
      }
    }
    return out;
  },
);

export const pdbUnhealthyPodsEvictable = resourcePolicy(
  "k8s-pdb-unhealthy-pods-evictable",
  "PodDisruptionBudgets let running but unready pods be evicted (unhealthyPodEvictionPolicy: AlwaysAllow), so one crash-looping pod cannot block every node drain.",
  [PDB],
  (props, args) =>
    asObject(props.spec).unhealthyPodEvictionPolicy === "AlwaysAllow"
      ? []
      : [
          `PDB ${args.name}: unhealthyPodEvictionPolicy is ${JSON.stringify(asObject(props.spec).unhealthyPodEvictionPolicy ?? "IfHealthyBudget (default)")}, so a crash-looping pod uses up the budget and node drains hang. Set spec.unhealthyPodEvictionPolicy: "AlwaysAllow".`,
        ],
);

const ZONE_KEY = "topology.kubernetes.io/zone";

export const topologySpreadPerRevision = resourcePolicy(
  "k8s-topology-spread-per-revision",
  "Deployments spread their pods over zones and nodes, counting only pods of the same revision (matchLabelKeys: [pod-template-hash]).",
  [DEPLOYMENT],
  (props, args) => {
    const constraints = asArray(asObject(podSpecOf(args.type, props)).topologySpreadConstraints).map(
      asObject,
    );
    if (!constraints.some((c) => c.topologyKey === ZONE_KEY)) {
      return [
        `Deployment ${args.name}: no topology spread over ${ZONE_KEY}. Add a topologySpreadConstraint with topologyKey: "${ZONE_KEY}", maxSkew: 1, matchLabelKeys: ["pod-template-hash"].`,
      ];
    }
    return constraints
      .filter((c) => !asArray(c.matchLabelKeys).includes("pod-template-hash"))
      .map(
        (c) =>
          `Deployment ${args.name}: the ${String(c.topologyKey)} spread counts old and new ReplicaSets together, so a rollout skews it. Set matchLabelKeys: ["pod-template-hash"].`,
      );
  },
);

export const zoneSpreadMatchesReplicas = stackPolicy(
  "k8s-zone-spread-hard-iff-replicas-cover-zones",
  "The zone spread is DoNotSchedule exactly when the minimum replica count is at least the number of zones (known on EKS: the VPC's zones); ScheduleAnyway otherwise, and when the zone count is unknown.",
  (args) => {
    const all = args.resources;
    const vpcs = all.filter((r) => r.type === VPC);
    const zones =
      all.some((r) => r.type === EKS_CLUSTER) && vpcs.length === 1
        ? asObject(vpcs[0]?.props).numberOfAvailabilityZones
        : undefined;
    const zoneCount = typeof zones === "number" ? zones : undefined;
    const out: Array<[string, string | undefined]> = [];
    for (const d of all.filter((r) => r.type === DEPLOYMENT)) {
      const minimum = minimumReplicas(d, all);
      const expected = zoneCount !== undefined && minimum >= zoneCount ? "DoNotSchedule" : "ScheduleAnyway";
      const zone = asArray(asObject(podSpecOf(d.type, d.props)).topologySpreadConstraints)
        .map(asObject)
        .find((c) => c.topologyKey === ZONE_KEY);
      if (zone === undefined) continue; // k8s-topology-spread-per-revision reports it
      const actual = zone.whenUnsatisfiable ?? "DoNotSchedule";
      if (actual === expected) continue;
      const why =
        zoneCount === undefined
          ? "the stack does not know the cluster's zones (nodes without a zone label would leave pods Pending)"
          : `minimum replicas ${minimum} ${minimum >= zoneCount ? "≥" : "<"} ${zoneCount} zones`;
      out.push([
        `Deployment ${d.name}: zone spread ${actual}, but ${why}. Set whenUnsatisfiable: "${expected}".`,
        d.urn,
      ]);
    }
    return out;
  },
);

const ALB_IP_TARGETS = `${ALB_ANNOTATION}target-type`;

/** URNs `resource` depends on, directly or through others. */
function transitiveDependencies(resource: StackResource): Set<string> {
  const seen = new Set<string>();
  const stack = [...resource.dependencies];
  while (stack.length > 0) {
    const next = stack.pop();
    if (!next || seen.has(next.urn)) continue;
    seen.add(next.urn);
    stack.push(...next.dependencies);
  }
  return seen;
}

export const albIpTargetsReadinessGates = stackPolicy(
  "k8s-alb-ip-targets-readiness-gates",
  "Pods behind ALB ip targets get the AWS Load Balancer Controller's readiness gates: their namespace is labelled elbv2.k8s.aws/pod-readiness-gate-inject=enabled and the Ingress exists before the Deployment.",
  (args) => {
    const all = args.resources;
    const out: Array<[string, string | undefined]> = [];
    for (const ingress of all.filter((r) => r.type === INGRESS)) {
      const metadata = asObject(ingress.props.metadata);
      if (asObject(metadata.annotations)[ALB_IP_TARGETS] !== "ip") continue;
      const namespace = all.find(
        (r) =>
          r.type === "kubernetes:core/v1:Namespace" && asObject(r.props.metadata).name === metadata.namespace,
      );
      const labels = asObject(asObject(namespace?.props.metadata).labels);
      if (labels["elbv2.k8s.aws/pod-readiness-gate-inject"] !== "enabled") {
        out.push([
          `Ingress ${ingress.name}: ALB ip targets, but namespace ${String(metadata.namespace)} ${namespace ? "is not labelled" : "is not created by this stack, so it cannot be seen labelled"} elbv2.k8s.aws/pod-readiness-gate-inject: enabled; a rollout can leave only initial and draining targets. Create the namespace with that label.`,
          ingress.urn,
        ]);
      }
      for (const d of all.filter(
        (r) => r.type === DEPLOYMENT && asObject(r.props.metadata).namespace === metadata.namespace,
      )) {
        if (!transitiveDependencies(d).has(ingress.urn)) {
          out.push([
            `Deployment ${d.name}: created without waiting for Ingress ${ingress.name}, so its first pods get no readiness gate (the controller injects one only when a TargetGroupBinding exists). Make the Deployment depend on the Service and Ingress.`,
            d.urn,
          ]);
        }
      }
    }
    return out;
  },
);

export const lbcKeepsWebhookCertificate = resourcePolicy(
  "k8s-lbc-keeps-webhook-certificate",
  "The AWS Load Balancer Controller chart keeps its webhook TLS secret across upgrades (keepTLSSecret: true), so its fail-closed webhooks do not reject writes while a new certificate propagates.",
  ["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart", "kubernetes:helm.sh/v3:Chart"],
  (props, args) =>
    props.chart !== "aws-load-balancer-controller" || asObject(props.values).keepTLSSecret === true
      ? []
      : [
          `Helm release ${args.name}: the AWS Load Balancer Controller chart without keepTLSSecret: true issues a new webhook certificate on every upgrade. Set values.keepTLSSecret: true.`,
        ],
);

export const kubernetesProviderExplicit = resourcePolicy(
  "k8s-provider-explicit-kubeconfig",
  "Kubernetes providers get their kubeconfig explicitly from the program, never from ~/.kube/config or KUBECONFIG.",
  ["pulumi:providers:kubernetes"],
  (props, args) =>
    typeof props.kubeconfig === "string" && props.kubeconfig.trim() !== ""
      ? []
      : [
          `Kubernetes provider ${args.name}: no kubeconfig, so it falls back to the machine's ambient kubeconfig. Pass kubeconfig: pulumi.secret(<kubeconfig>) from stack config or the cluster.`,
        ],
);

const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

export const networkPolicyNamedSources = resourcePolicy(
  "k8s-network-policy-named-sources",
  "Every NetworkPolicy ingress rule names its sources (a `from` of namespaces, pods or CIDRs narrower than /0), so nothing reaches the pods around the load balancer or ingress controller.",
  [NETWORK_POLICY],
  (props, args) =>
    asArray(asObject(props.spec).ingress).flatMap((rule, i) => {
      const from = asArray(asObject(rule).from);
      const open =
        from.length === 0 ||
        from.some((peer) => String(asObject(asObject(peer).ipBlock).cidr ?? "").endsWith("/0"));
      return open
        ? [
            `NetworkPolicy ${args.name}: ingress rule ${i} admits every source the network lets through. Name them: from: [{ namespaceSelector: … }] for the ingress controller, or [{ ipBlock: { cidr: <load balancer or node CIDR> } }].`,
          ]
        : [];
    }),
);

// Observability (platforms/alarms.ts, monitoring.ts).

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

/** Every policy of the pack, in the order `pulumi preview` reports them. */
export const policies: Array<ResourceValidationPolicy | StackValidationPolicy> = [
  ecrRepositoryHardened,
  ecrRepositoryLifecycle,
  dockerImageCheckoutIndependent,
  imageDigestPinned,
  albHardened,
  albListenerTls,
  albHttpRedirectsWhenHttps,
  albIngressHardened,
  albAccessLogsWhenProdGrade,
  albDeletionProtectionWhenProdGrade,
  albWebAclWhenProdGrade,
  noSshFromInternet,
  internetIngressWebOnly,
  internetIngressLoadBalancerOnly,
  ecsServiceRollout,
  ecsContainerHardened,
  ecsStopTimeoutCoversShutdown,
  ecsTaskRolesSeparate,
  awsxVpcExplicit,
  eksClusterHardened,
  eksManagedNodeGroupsOnly,
  eksNodeGroupPlacement,
  launchTemplateHardened,
  kmsKeyRotation,
  ec2InstanceHardened,
  instancePublicIpOnlyForSsh,
  namespaceRestricted,
  podSecurityRestricted,
  workloadProbesAndResources,
  deploymentRolloutSafe,
  hpaBounds,
  hpaHasMetricsApi,
  pdbAllowsDrain,
  pdbUnhealthyPodsEvictable,
  topologySpreadPerRevision,
  zoneSpreadMatchesReplicas,
  albIpTargetsReadinessGates,
  lbcKeepsWebhookCertificate,
  kubernetesProviderExplicit,
  networkPolicyNamedSources,
  alarmNotifies,
  ecsDeploymentAlarmsRollback,
];
