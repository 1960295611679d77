/**
 * IAM: identity policies grant no mutating action on every resource (`Resource: "*"` without a
 * condition) unless AWS leaves no narrower choice, and never a whole service (`svc:*`) or `*`.
 */
import { resourcePolicy } from "./define";
import { asList, policyStatements } from "./rules";

export const IAM_POLICY_TYPES = [
  "aws:iam/rolePolicy:RolePolicy",
  "aws:iam/policy:Policy",
  "aws:iam/userPolicy:UserPolicy",
] as const;

/** Actions that only read (access levels List and Read in the Service Authorization Reference). */
export const READ_ONLY_ACTION = /^[a-z0-9-]+:(Describe|List|Get|BatchGet|BatchCheck|Search|Lookup)[A-Za-z]*$/;

/**
 * Mutating actions allowed on `*`, each because the Service Authorization Reference gives it no
 * narrower resource (https://docs.aws.amazon.com/service-authorization/latest/reference/, read
 * 2026-12-07): Session Manager's instance-side actions (list_ssmmessages.html; AWS's minimum
 * instance profile), the AWS Load Balancer Controller's WAF Classic and Shield calls
 * (list_awswafregional.html, list_awsshield.html), and X-Ray's span writes (list_awsx-ray.html).
 */
export const IAM_WILDCARD_ALLOWED: ReadonlySet<string> = new Set([
  "ssm:UpdateInstanceInformation",
  "ssmmessages:CreateControlChannel",
  "ssmmessages:CreateDataChannel",
  "ssmmessages:OpenControlChannel",
  "ssmmessages:OpenDataChannel",
  "waf-regional:AssociateWebACL",
  "waf-regional:DisassociateWebACL",
  "shield:CreateProtection",
  "shield:DeleteProtection",
  // The tracing exporter's (issue 31): X-Ray's span writes have no resource type in the Service
  // Authorization Reference (list_awsx-ray.html, read 2026-12-07); facts/tracing.ts XRAY_EXPORT_ACTIONS.
  "xray:PutSpans",
  "xray:PutSpansForIndexing",
]);

export const iamNoWildcardMutations = resourcePolicy(
  "iam-no-wildcard-mutations",
  'Identity policies grant no mutating action on Resource "*" without a condition (unless AWS offers no narrower resource), and no service-wide or "*" action.',
  IAM_POLICY_TYPES,
  (props, args) => {
    const out: string[] = [];
    for (const statement of policyStatements(props.policy)) {
      if (statement.Effect !== "Allow") continue;
      const actions = asList(statement.Action).map(String);
      for (const action of actions.filter((a) => a === "*" || a.endsWith(":*"))) {
        out.push(`${args.name}: grants every action of "${action}". List the actions the role needs.`);
      }
      const everywhere = asList(statement.Resource).includes("*") && statement.Condition === undefined;
      if (!everywhere) continue;
      for (const action of actions) {
        if (action === "*" || action.endsWith(":*") || READ_ONLY_ACTION.test(action)) continue;
        if (IAM_WILDCARD_ALLOWED.has(action)) continue;
        out.push(
          `${args.name}: grants ${action} on every resource ("*") without a condition. Name the resources (ARNs) or add a condition (aws:ResourceTag, ec2:Vpc, …).`,
        );
      }
    }
    return out;
  },
);
