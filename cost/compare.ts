/**
 * `tsx cost/compare.ts --title <text> --head <plan --json file> [--base <plan --json file>]`
 *
 * Prints the pull-request comment (Markdown): the head's estimate and its change against the base. A
 * missing, empty or unreadable base (a base branch older than the estimator, or one whose program
 * fails) is reported as "nothing to compare with", never as a $0 base.
 */
import * as fs from "node:fs";
import type { Estimate } from "./estimate";
import { renderMarkdown } from "./render";

const USAGE = "usage: tsx cost/compare.ts --title <text> --head <file> [--base <file>]";

function readEstimate(file: string): Estimate {
  const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as { estimate?: Estimate };
  if (parsed.estimate === undefined || !Array.isArray(parsed.estimate.lines)) {
    throw new Error(`${file}: no estimate (expected the output of npm run plan -- <stack> --json)`);
  }
  return parsed.estimate;
}

function readBase(file: string | undefined): Estimate | undefined {
  if (file === undefined || !fs.existsSync(file) || fs.statSync(file).size === 0) return undefined;
  try {
    return readEstimate(file);
  } catch {
    return undefined;
  }
}

export function main(argv: string[], out: (text: string) => void = console.log): number {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined || !["--title", "--head", "--base"].includes(flag ?? "")) throw new Error(USAGE);
    args.set(flag as string, value);
  }
  const head = args.get("--head");
  if (head === undefined) throw new Error(USAGE);
  out(renderMarkdown(readEstimate(head), readBase(args.get("--base")), args.get("--title") ?? "stack"));
  return 0;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 2;
  }
}
