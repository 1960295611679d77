/**
 * A stack per pull request (issue 27): the `pr-<n>` stack's config, derived here (not in a shell
 * one-liner) and written as `Pulumi.pr-<n>.yaml` just before `pulumi up` (.github/workflows/pr-stack.yml),
 * and the TTL sweep's choice of which `pr-*` stacks to destroy. The profile is validated by config/
 * like any stack: pr-stack.test.ts runs it through the program under mocks and prices it.
 *
 * Two profiles, the cheapest sound form of each target:
 * - `ecs` (the default): Fargate Spot, one task, no NAT (tasks in public subnets, reachable only from
 *   the ALB's security group), two AZs (an ALB needs two), no web ACL, no access logs, no deletion
 *   protection, one-day log retention, rejected flows only, no synthetic check and no Container
 *   Insights, and a repository that goes with the stack (retainImageRepository false: destroy deletes
 *   it with its images). Only `aws:region` comes from Pulumi.dev.yaml, so the PR stack lands where dev
 *   does.
 * - `kubernetes`: a namespace `pr-<n>` on a shared cluster whose kubeconfig the workflow sets as a stack
 *   secret (never written to the file), one replica, no synthetic client.
 */
import { stringify } from "yaml";

export const PR_STACK_PREFIX = "pr-";
export type PrTarget = "ecs" | "kubernetes";
export const PR_TARGETS: readonly PrTarget[] = ["ecs", "kubernetes"];
const PROJECT = "fastify-deploy";

/** `pr-<n>` for a pull request number (a positive integer: GitHub numbers start at 1). */
export function prStackName(pr: number | string): string {
  const n = typeof pr === "number" ? pr : Number(pr);
  if (!Number.isSafeInteger(n) || n < 1 || String(n) !== String(pr).trim()) {
    throw new Error(`pull request number: got ${JSON.stringify(pr)}; expected a positive integer`);
  }
  return `${PR_STACK_PREFIX}${n}`;
}

/** Keys (without the project namespace) every PR stack sets, whatever the target. */
const COMMON: Record<string, unknown> = {
  desiredCount: 1,
  minCount: 1,
  maxCount: 1,
  syntheticCheck: false,
  retainImageRepository: false,
  imageBuildCache: false,
  logLevel: "debug",
};

const ECS: Record<string, unknown> = {
  platform: "ecs",
  availabilityZones: 2,
  natGateways: "none",
  vpcFlowLogTraffic: "REJECT",
  capacityType: "SPOT",
  cpu: 256,
  memory: 512,
  logRetentionDays: 1,
  containerInsights: false,
  wafMode: "off",
  accessLogs: false,
  deletionProtection: false,
  prodGrade: false,
};

/**
 * The stack file's `config` for pull request `pr`: namespaced keys as `pulumi config set` writes them.
 * `base` is Pulumi.dev.yaml's config (only its `aws:region` is taken).
 */
export function prStackConfig(
  pr: number | string,
  target: PrTarget,
  base: Record<string, unknown>,
): Record<string, unknown> {
  const name = prStackName(pr);
  const own =
    target === "ecs"
      ? { ...COMMON, ...ECS }
      : { ...COMMON, platform: "kubernetes", namespace: name, createNamespace: true };
  const region = base["aws:region"];
  return {
    ...(typeof region === "string" && { "aws:region": region }),
    ...Object.fromEntries(Object.entries(own).map(([k, v]) => [`${PROJECT}:${k}`, v])),
  };
}

/** `Pulumi.pr-<n>.yaml`'s text. */
export function prStackFile(pr: number | string, target: PrTarget, base: Record<string, unknown>): string {
  const header = [
    `# ${prStackName(pr)}: written by tools/pr-stack for pull request ${pr} (${target}); not committed.`,
    "# Regenerated on every push: edit tools/pr-stack/index.ts, not this file.",
  ];
  return `${header.join("\n")}\n${stringify({ config: prStackConfig(pr, target, base) })}`;
}

/**
 * One entry of `pulumi stack ls --json`: pulumi/pulumi pkg/cmd/pulumi/stack/stack_ls.go
 * `stackSummaryJSON` (name, current, lastUpdate in UTC, updateInProgress, resourceCount, url; read
 * 2026-12-07). `name` is the backend's friendly name: `pr-12`, `org/pr-12` or `org/project/pr-12`.
 */
export interface StackSummary {
  name: string;
  current?: boolean;
  lastUpdate?: string;
  updateInProgress?: boolean;
  resourceCount?: number;
  url?: string;
}

const PR_STACK = /^pr-[1-9][0-9]*$/;

/**
 * The `pr-*` stacks the sweep destroys: last updated `ttlHours` or more before `now`, or never updated
 * (created and left empty). A stack being updated is left for the next sweep; anything that is not a
 * `pr-<n>` stack is never touched.
 */
export function expiredStacks(stacks: readonly StackSummary[], now: Date, ttlHours: number): string[] {
  if (!(ttlHours > 0)) throw new Error(`ttl: got ${ttlHours}; expected a positive number of hours`);
  return stacks
    .filter((s) => PR_STACK.test(s.name.split("/").at(-1) ?? ""))
    .filter((s) => s.updateInProgress !== true)
    .filter((s) => {
      if (s.lastUpdate === undefined || s.lastUpdate === "") return true;
      const at = Date.parse(s.lastUpdate);
      if (Number.isNaN(at))
        throw new Error(`${s.name}: lastUpdate ${JSON.stringify(s.lastUpdate)} is not a date`);
      return now.getTime() - at >= ttlHours * 3_600_000;
    })
    .map((s) => s.name.split("/").at(-1) as string);
}
