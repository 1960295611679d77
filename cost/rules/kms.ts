/** KMS: a customer managed key's monthly fee. */
import type { Rule } from "./common";
import { charge, rate } from "./common";

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

export const KMS_RULES: Readonly<Record<string, Rule>> = {
  "aws:kms/key:Key": kmsRule,
};
