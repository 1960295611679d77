/** ECR: the repository's storage; the images pushed to it and its lifecycle policy are free. */
import type { Rule } from "./common";
import { charge, free, rate } from "./common";

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

export const ECR_RULES: Readonly<Record<string, Rule>> = {
  "aws:ecr/repository:Repository": ecrRepositoryRule,
  "aws:ecr/lifecyclePolicy:LifecyclePolicy": free(
    "a lifecycle policy has no charge (it lowers the repository's storage)",
  ),
  "docker:index/image:Image": free(
    "built and pushed by the machine running pulumi; its storage is priced under the ECR repository",
  ),
};
