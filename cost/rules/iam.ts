/** IAM: no charge. */
import type { Rule } from "./common";
import { free } from "./common";
import { rolePolicyRule } from "./xray";

const IAM_FREE = free("IAM has no charge");

export const IAM_RULES: Readonly<Record<string, Rule>> = {
  "aws:iam/role:Role": IAM_FREE,
  // The tracing exporter's policy carries the spans' cost (rules/xray.ts); every other is free.
  "aws:iam/rolePolicy:RolePolicy": rolePolicyRule(IAM_FREE),
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": IAM_FREE,
  "aws:iam/policy:Policy": IAM_FREE,
  "aws:iam/instanceProfile:InstanceProfile": IAM_FREE,
  "aws:iam/user:User": IAM_FREE,
  "aws:iam/userPolicy:UserPolicy": IAM_FREE,
  "aws:iam/accessKey:AccessKey": IAM_FREE,
  // The kubernetes platform's OIDC provider for a public service-account issuer (issue 25).
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": IAM_FREE,
};
