/**
 * The pull-request stack's commands, as .github/workflows/pr-stack.yml and pr-stack-sweep.yml run them:
 *
 *   npx tsx tools/pr-stack/cli.ts write <pr-number> [ecs|kubernetes]   writes Pulumi.pr-<n>.yaml, prints pr-<n>
 *   npx tsx tools/pr-stack/cli.ts expired <stacks.json> <ttl-hours>     prints each pr-* stack to destroy
 *
 * `stacks.json` is `pulumi stack ls --json`. Exit 2 on bad arguments.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import {
  expiredStacks,
  PR_TARGETS,
  type PrTarget,
  prStackFile,
  prStackName,
  type StackSummary,
} from "./index";

const ROOT = path.join(__dirname, "..", "..");
const USAGE =
  "usage: tools/pr-stack/cli.ts write <pr-number> [ecs|kubernetes] | expired <stacks.json> <ttl-hours>";

function devConfig(root: string): Record<string, unknown> {
  const parsed = parseYaml(fs.readFileSync(path.join(root, "Pulumi.dev.yaml"), "utf8")) as {
    config?: Record<string, unknown>;
  } | null;
  return parsed?.config ?? {};
}

export function main(
  argv: string[],
  out: (text: string) => void = console.log,
  root: string = ROOT,
  now: Date = new Date(),
): number {
  const [command, first, second] = argv;
  try {
    if (command === "write" && first !== undefined) {
      const target = (second ?? "ecs") as PrTarget;
      if (!PR_TARGETS.includes(target)) throw new Error(`target: got ${target}; expected ecs or kubernetes`);
      const name = prStackName(first);
      fs.writeFileSync(path.join(root, `Pulumi.${name}.yaml`), prStackFile(first, target, devConfig(root)));
      out(name);
      return 0;
    }
    if (command === "expired" && first !== undefined && second !== undefined) {
      const stacks = JSON.parse(fs.readFileSync(first, "utf8")) as StackSummary[];
      for (const name of expiredStacks(stacks, now, Number(second))) out(name);
      return 0;
    }
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  console.error(USAGE);
  return 2;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
