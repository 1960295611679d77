/**
 * Protection of what holds state (issue 27): on a prod-grade stack, `pulumi destroy` or a mistaken
 * replacement must not delete the ECR repository, KMS keys, log groups, the access-log bucket, the VPC
 * or the EKS cluster.
 *
 * Policies see resources, not config: a stack is prod-grade when its load balancer carries the
 * PROD_GRADE_TAG (the ALB's tags on ECS, the Ingress's alb.ingress.kubernetes.io/tags on EKS; alb.ts).
 * The analyzer receives each resource's `protect` option (pulumi/pulumi proto/pulumi/analyzer.proto
 * `AnalyzerResourceOptions.protect`; @pulumi/policy policy.d.ts `PolicyResourceOptions.protect`, read
 * 2026-12-07). `retainOnDelete` is not among the options the analyzer receives, so it is held by the
 * recorded-graph test in protection.test.ts instead.
 */
import { STATEFUL_RESOURCES } from "../facts/protection";
import { INGRESS, isProdGradeAlb, LOAD_BALANCER, prodGradeIngress } from "./alb";
import { stackPolicy } from "./define";
import { isBuildCacheRepository } from "./image";

const ECR_REPOSITORY = "aws:ecr/repository:Repository";
const STATEFUL = STATEFUL_RESOURCES as Readonly<Record<string, "data" | "identity">>;

export const statefulResourcesProtected = stackPolicy(
  "stateful-resources-protected-when-prod-grade",
  `On a prod-grade stack (its load balancer tagged prod-grade=true) every resource that holds state or identity (${Object.keys(STATEFUL_RESOURCES).join(", ")}; build caches excepted) has the protect option, so pulumi destroy or a replacement cannot delete it.`,
  (args) => {
    const prodGrade = args.resources.some(
      (r) =>
        (r.type === LOAD_BALANCER && isProdGradeAlb(r.props)) ||
        (r.type === INGRESS && prodGradeIngress(r.props) !== undefined),
    );
    if (!prodGrade) return [];
    return args.resources
      .filter((r) => STATEFUL[r.type] !== undefined && r.opts.protect !== true)
      .filter((r) => !(r.type === ECR_REPOSITORY && isBuildCacheRepository(r.name)))
      .map((r): [string, string] => [
        `${r.type} ${r.name}: holds ${STATEFUL[r.type]} of a prod-grade stack but is not protected, so pulumi destroy or a replacement would delete it. Create it with the protect option (facts/protection.ts: holdsData or holdsIdentity with the stack's StateProtection); to delete it on purpose, follow docs/day-two.md.`,
        r.urn,
      ]);
  },
);
