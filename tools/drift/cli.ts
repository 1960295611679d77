/**
 * `npx tsx tools/drift/cli.ts <stack> <preview.json> <body.md>`: classifies a stack's refresh-preview
 * (`pulumi preview --refresh --json` output), writes the issue body (real drift only) to <body.md> and
 * prints the number of resources with real drift, which the drift workflow reads to open, update or
 * close the stack's issue. Exits 2 on bad arguments or input that is not a preview digest.
 */
import * as fs from "node:fs";
import { classify, type PreviewDigest, renderIssue } from "./index";

export function main(argv: string[], out: (text: string) => void = console.log): number {
  const [stack, previewFile, bodyFile] = argv;
  if (!stack || !previewFile || !bodyFile) {
    console.error("usage: npx tsx tools/drift/cli.ts <stack> <preview.json> <body.md>");
    return 2;
  }
  const digest = JSON.parse(fs.readFileSync(previewFile, "utf8")) as PreviewDigest;
  if (!Array.isArray(digest.steps)) {
    console.error(`${previewFile}: no "steps" list: not the output of pulumi preview --json`);
    return 2;
  }
  const result = classify(digest);
  const runUrl = process.env.RUN_URL;
  fs.writeFileSync(bodyFile, `${renderIssue(stack, result, runUrl === "" ? undefined : runUrl)}\n`);
  out(String(result.real.length));
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
