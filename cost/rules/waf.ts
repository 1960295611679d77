/** WAF: the web ACL's monthly fee, its rules and the requests it inspects. */
import type { Rule } from "./common";
import { arr, charge, free, monthly, rate } from "./common";

/**
 * A web ACL: its monthly fee, one rule fee per rule (a managed rule group counts as one), and the
 * requests it inspects under the traffic assumption (count mode inspects and bills as block mode does).
 */
const webAclRule: Rule = (r, ctx) => {
  const rules = arr(r.inputs.rules).length;
  const requests = ctx.assumptions.millionRequestsPerMonth;
  return [
    monthly(ctx, "WAF web ACL", "wafWebAclMonth", 1, "web ACL"),
    monthly(ctx, `WAF rules: ${rules} (a managed rule group counts as one)`, "wafRuleMonth", rules, "rules"),
    charge(
      ctx,
      `WAF requests inspected: ${requests} million/month (assumption millionRequestsPerMonth)`,
      "wafMillionRequests",
      requests,
      requests,
      (p) => `${requests} million × ${rate(p)}`,
      (p) => p.usd,
    ),
  ];
};

export const WAF_RULES: Readonly<Record<string, Rule>> = {
  "aws:wafv2/webAcl:WebAcl": webAclRule,
  "aws:wafv2/webAclAssociation:WebAclAssociation": free(
    "an association has no charge: the web ACL it attaches is priced on its own line",
  ),
};
