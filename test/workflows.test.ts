import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import Ajv from "ajv";
import { parse as parseYaml } from "yaml";
import { main as plan } from "../scripts/plan";
import { ROOT } from "../tools/harness";

const WORKFLOWS = path.join(ROOT, ".github/workflows");
// SchemaStore's workflow schema, vendored (see test/schemas/README.md).
const SCHEMA = JSON.parse(
  fs.readFileSync(path.join(ROOT, "test/schemas/github-workflow.schema-json"), "utf8"),
);

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  id?: string;
  with?: Record<string, unknown>;
}
interface Job {
  uses?: string;
  needs?: string | string[];
  environment?: string | { name: string };
  permissions?: Record<string, string> | string;
  strategy?: { matrix?: Record<string, unknown> };
  env?: Record<string, string>;
  steps?: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; "cancel-in-progress"?: boolean };
  jobs: Record<string, Job>;
}

const files = fs
  .readdirSync(WORKFLOWS)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();
const text = (file: string): string => fs.readFileSync(path.join(WORKFLOWS, file), "utf8");
const load = (file: string): Workflow => parseYaml(text(file)) as Workflow;
const needs = (job: Job): string[] => (job.needs === undefined ? [] : [job.needs].flat());
const stepsUsing = (job: Job, action: string): Step[] =>
  (job.steps ?? []).filter((s) => s.uses?.split("@")[0] === action);
const pulumiSteps = (wf: Workflow): Array<{ job: string; step: Step }> =>
  Object.entries(wf.jobs).flatMap(([job, j]) =>
    stepsUsing(j, "pulumi/actions").map((step) => ({ job, step })),
  );

/** Jobs `job` transitively waits for. */
function ancestors(wf: Workflow, job: string): Set<string> {
  const seen = new Set<string>();
  const visit = (name: string): void => {
    for (const parent of needs(wf.jobs[name] ?? {})) {
      if (!seen.has(parent)) {
        seen.add(parent);
        visit(parent);
      }
    }
  };
  visit(job);
  return seen;
}

/** A job that runs the project's tests: the reusable ci.yml, or `npm test` itself. */
const runsTests = (job: Job): boolean =>
  job.uses === "./.github/workflows/ci.yml" ||
  (job.steps ?? []).some((s) => /\bnpm test\b/.test(s.run ?? ""));

describe("GitHub workflows", () => {
  it("ci, preview and deploy exist", () => {
    assert.deepEqual(files, ["ci.yml", "deploy.yml", "preview.yml"]);
  });

  const ajv = new Ajv({ strict: false, allErrors: true });
  const validate = ajv.compile(SCHEMA);
  for (const file of files) {
    it(`${file} validates against the GitHub workflow schema`, () => {
      const ok = validate(parseYaml(text(file)));
      assert.ok(ok, JSON.stringify(validate.errors, null, 2));
    });
  }

  it("the schema rejects a broken workflow (the validation is not vacuous)", () => {
    assert.equal(validate({ on: "push", jobs: { build: { "runs-on": "ubuntu-latest", stepz: [] } } }), false);
    assert.equal(
      validate({ on: "push", jobs: { build: { "runs-on": "ubuntu-latest", steps: [{ uses: 3 }] } } }),
      false,
    );
  });

  it("no long-lived AWS keys anywhere; AWS credentials only through OIDC role assumption", () => {
    for (const file of files) {
      assert.doesNotMatch(
        text(file),
        /aws-access-key-id|aws-secret-access-key|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY/i,
        file,
      );
      const wf = load(file);
      for (const [name, job] of Object.entries(wf.jobs)) {
        for (const step of stepsUsing(job, "aws-actions/configure-aws-credentials")) {
          assert.match(
            String(step.with?.["role-to-assume"]),
            /^\$\{\{ vars\.[A-Z_]+ \}\}$/,
            `${file} ${name}`,
          );
          const permissions = job.permissions as Record<string, string> | undefined;
          assert.equal(permissions?.["id-token"], "write", `${file} ${name}: OIDC needs id-token: write`);
        }
      }
    }
  });

  it("every job that runs Pulumi assumes an AWS role first and pins actions to a major version", () => {
    for (const file of files) {
      const wf = load(file);
      for (const [name, job] of Object.entries(wf.jobs)) {
        for (const step of job.steps ?? []) {
          if (step.uses) assert.match(step.uses, /@v\d+$/, `${file} ${name}: ${step.uses}`);
        }
        const steps = job.steps ?? [];
        const pulumi = steps.findIndex((s) => s.uses?.startsWith("pulumi/actions@"));
        if (pulumi === -1) continue;
        const aws = steps.findIndex((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
        assert.ok(aws !== -1 && aws < pulumi, `${file} ${name}: credentials before pulumi`);
      }
    }
  });

  it("preview: every pull request, dev and prod, with the policy pack, commented on the PR, after the tests", () => {
    const wf = load("preview.yml");
    assert.ok("pull_request" in wf.on);
    const steps = pulumiSteps(wf);
    assert.equal(steps.length, 1);
    const [{ job, step }] = steps as [{ job: string; step: Step }];
    const j = wf.jobs[job] as Job;
    assert.deepEqual(j.strategy?.matrix?.stack, ["dev", "prod"]);
    assert.equal(step.with?.command, "preview");
    assert.equal(step.with?.["stack-name"], `$\{{ matrix.stack }}`);
    assert.equal(step.with?.policyPacks, "policy");
    assert.equal(step.with?.["comment-on-pr"], true);
    assert.deepEqual(j.permissions, { contents: "read", "id-token": "write", "pull-requests": "write" });
    assert.ok(
      [...ancestors(wf, job)].some((name) => runsTests(wf.jobs[name] as Job)),
      "tests before preview",
    );
  });

  it("deploy: pushes to main, dev first, prod only after dev behind the protected environment, never two at once", () => {
    const wf = load("deploy.yml");
    assert.deepEqual((wf.on.push as { branches: string[] }).branches, ["main"]);
    assert.equal(wf.concurrency?.group, "deploy");
    assert.equal(wf.concurrency?.["cancel-in-progress"], false);
    const ups = pulumiSteps(wf);
    assert.deepEqual(
      ups.map(({ job, step }) => [
        job,
        step.with?.command,
        step.with?.["stack-name"],
        step.with?.policyPacks,
      ]),
      [
        ["dev", "up", "dev", "policy"],
        ["prod", "up", "prod", "policy"],
      ],
    );
    const prod = wf.jobs.prod as Job;
    assert.equal(prod.environment, "production");
    assert.ok(ancestors(wf, "prod").has("dev"), "prod waits for dev");
    for (const { job } of ups) {
      assert.ok(
        [...ancestors(wf, job)].some((name) => runsTests(wf.jobs[name] as Job)),
        `tests before ${job}`,
      );
    }
    // prod deploys the digest dev deployed.
    const prodUp = ups.find((u) => u.job === "prod")?.step;
    assert.match(
      String(prodUp?.with?.["config-map"]),
      /imageUri: \{value: '\$\{\{ needs\.dev\.outputs\.imageUri \}\}'/,
    );
  });

  it("deploy: the job that builds the image can build linux/arm64 (QEMU and buildx before pulumi up)", () => {
    const wf = load("deploy.yml");
    const building = pulumiSteps(wf).filter(
      ({ step }) => !String(step.with?.["config-map"]).includes("imageUri"),
    );
    assert.deepEqual(
      building.map(({ job }) => job),
      ["dev"],
    );
    const steps = (wf.jobs.dev as Job).steps ?? [];
    const at = (action: string) => steps.findIndex((s) => s.uses?.split("@")[0] === action);
    const qemu = steps[at("docker/setup-qemu-action")];
    assert.ok(qemu, "docker/setup-qemu-action in the dev job");
    assert.ok(
      String(qemu.with?.platforms ?? "all")
        .split(",")
        .some((p) => /^(all|arm64|linux\/arm64)$/.test(p.trim())),
    );
    const up = steps.findIndex((s) => s.uses?.startsWith("pulumi/actions@"));
    assert.ok(at("docker/setup-qemu-action") < up && at("docker/setup-buildx-action") !== -1);
    assert.ok(at("docker/setup-buildx-action") < up);
  });

  it("deploy: prod runs on a runner chosen by a repository variable, never on a GitHub-hosted one", () => {
    const prod = load("deploy.yml").jobs.prod as Job & { "runs-on"?: unknown };
    const runsOn = String(prod["runs-on"]);
    // A CIDR-restricted API endpoint cannot admit GitHub-hosted runners' shared egress (docs/eks.md).
    const match = /^\$\{\{ fromJSON\(vars\.PROD_RUNNER_LABELS \|\| '(\[.*\])'\) \}\}$/.exec(runsOn);
    assert.ok(match, runsOn);
    const fallback = JSON.parse(match[1] as string) as string[];
    assert.ok(fallback.includes("self-hosted"), "the fallback waits for a self-hosted runner");
    assert.ok(!fallback.some((label) => /^(ubuntu|windows|macos)-/.test(label)), "no hosted image label");
    const docs = fs.readFileSync(path.join(ROOT, "docs/eks.md"), "utf8");
    assert.match(docs, /PROD_RUNNER_LABELS/);
  });

  it("ci: pull requests and pushes; lint, typecheck and tests; reusable by preview and deploy", () => {
    const wf = load("ci.yml");
    for (const trigger of ["pull_request", "push", "workflow_call"]) assert.ok(trigger in wf.on, trigger);
    const runs = Object.values(wf.jobs).flatMap((j) => (j.steps ?? []).map((s) => s.run ?? ""));
    for (const command of ["npm ci", "npm run lint", "npm run typecheck", "npm test"]) {
      assert.ok(
        runs.some((r) => r.startsWith(command)),
        command,
      );
    }
    // Every pull request runs every suite `npm run test:all` runs (what .ci/run runs), the real image
    // build among them (a broken Dockerfile fails it): a suite added there and not here fails this test.
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    const suites = (pkg.scripts["test:all"] ?? "").split("&&").map((part) => part.trim());
    assert.ok(suites.includes("npm run test:image"), "test:all runs the image suite");
    for (const suite of suites) {
      assert.ok(
        runs.some((r) => r.includes(suite)),
        `ci.yml runs \`${suite}\` as npm run test:all does`,
      );
    }
    // CI runs the program on the Node major the image ships (the Dockerfile's runtime default).
    const dockerfile = fs.readFileSync(path.join(ROOT, "Dockerfile"), "utf8");
    const imageMajor = Number(/^ARG RUNTIME_IMAGE=node:(\d+)/m.exec(dockerfile)?.[1]);
    const setupNode = Object.values(wf.jobs).flatMap((j) => stepsUsing(j, "actions/setup-node"));
    assert.ok(setupNode.length > 0);
    for (const step of setupNode) assert.equal(step.with?.["node-version"], imageMajor);
  });

  it("preview: each stack's cost estimate and its change against the base branch, commented on the PR", async () => {
    const wf = load("preview.yml");
    const entry = Object.entries(wf.jobs).find(
      ([, j]) => stepsUsing(j, "marocchino/sticky-pull-request-comment").length > 0,
    );
    assert.ok(entry, "a job posts a sticky comment");
    const [name, job] = entry;
    assert.deepEqual(job.strategy?.matrix?.stack, ["dev", "prod"]);
    // Under mocks: no cloud credentials, so none are requested.
    assert.deepEqual(job.permissions, { contents: "read", "pull-requests": "write" });
    assert.ok(
      [...ancestors(wf, name)].some((n) => runsTests(wf.jobs[n] as Job)),
      "tests before the estimate",
    );
    assert.equal(job.env?.BASE_SHA, `$\{{ github.event.pull_request.base.sha }}`);
    const steps = job.steps ?? [];
    const step = (title: string): Step => {
      const found = steps.find((s) => s.name === title);
      assert.ok(found, title);
      return found;
    };
    const head = step("estimate of the pull request");
    const base = step("estimate of the base branch");
    const text = step("comment text");
    const [sticky] = stepsUsing(job, "marocchino/sticky-pull-request-comment") as [Step];
    assert.ok(steps.indexOf(head) < steps.indexOf(text) && steps.indexOf(base) < steps.indexOf(text));
    assert.ok(steps.indexOf(text) < steps.indexOf(sticky));
    assert.match(base.run ?? "", /git worktree add --detach "\$RUNNER_TEMP\/base" "\$BASE_SHA"/);
    assert.match(base.run ?? "", /> "\$RUNNER_TEMP\/cost-base\.json"/);
    assert.equal(sticky.with?.header, `cost-$\{{ matrix.stack }}`, "one comment per stack, updated in place");

    // Run the steps' own commands (the base estimate made in-process from a different desiredCount,
    // since the base step needs a second checkout): the comment file the sticky step posts must exist
    // and show the estimate with its change.
    const temp = fs.mkdtempSync(path.join(os.tmpdir(), "cost-workflow-"));
    const env = { ...process.env, STACK: "dev", RUNNER_TEMP: temp };
    const bash = (script: string): void => {
      execFileSync("bash", ["-eo", "pipefail", "-c", script], {
        cwd: ROOT,
        env,
        stdio: ["ignore", "ignore", "pipe"],
      });
    };
    bash(head.run ?? "");
    const baseOut: string[] = [];
    assert.equal(await plan(["dev", "--set", "desiredCount=2", "--json"], (t) => baseOut.push(t)), 0);
    fs.writeFileSync(path.join(temp, "cost-base.json"), baseOut.join("\n"));
    bash(text.run ?? "");
    // The sticky step reads `${{ runner.temp }}/…`, the same directory the run steps see as $RUNNER_TEMP.
    const posted = path.join(temp, String(sticky.with?.path).replace(`$\{{ runner.temp }}/`, ""));
    const comment = fs.readFileSync(posted, "utf8");
    assert.match(comment, /^### Monthly cost estimate: dev$/m);
    assert.match(comment, /\*\*\$39\.59\/month\*\* \(-\$6\.34 against the base branch\)/);
    assert.match(
      comment,
      /\| Fargate vCPU: 1 task\(s\) × 0\.25 vCPU \(Linux\/x86, Fargate Spot: [^|]*\|.*\| -\$2\.21 \|$/m,
    );
    // A base branch without an estimate: said so, never compared with $0.
    fs.rmSync(path.join(temp, "cost-base.json"));
    bash(text.run ?? "");
    assert.match(fs.readFileSync(posted, "utf8"), /No estimate from the base branch to compare with/);
    fs.rmSync(temp, { recursive: true, force: true });
  });
});
