import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import Ajv from "ajv";
import { parse as parseYaml } from "yaml";
import {
  docWithTrust,
  environmentOf,
  identities,
  type Job,
  loadWorkflows,
  maxSessionDuration,
  type Step,
  subjectSuffixes,
  trustSection,
  type Workflow,
} from "../scripts/ci-trust";
import { main as plan } from "../scripts/plan";
import { issueTitle } from "../tools/drift";
import { ROOT } from "../tools/harness";

const WORKFLOWS = path.join(ROOT, ".github/workflows");
// SchemaStore's workflow schema, vendored (see test/schemas/README.md).
const SCHEMA = JSON.parse(
  fs.readFileSync(path.join(ROOT, "test/schemas/github-workflow.schema-json"), "utf8"),
);
// Its enum of hosted runner labels stops at ubuntu-22.04 (SchemaStore's list lags GitHub's images);
// ubuntu-24.04, which the jobs pin (docs/ci.md, "Runner image"), is a hosted label too.
const HOSTED = (SCHEMA.definitions.normalJob.properties["runs-on"].oneOf as Array<{ enum?: string[] }>)[0];
if (HOSTED?.enum && !HOSTED.enum.includes("ubuntu-24.04")) HOSTED.enum.push("ubuntu-24.04");

type Workflows = Record<string, Workflow>;
const files = Object.keys(loadWorkflows());
const text = (file: string): string => fs.readFileSync(path.join(WORKFLOWS, file), "utf8");
const load = (file: string): Workflow => parseYaml(text(file)) as Workflow;
const all = (): Workflows => loadWorkflows();
const needs = (job: Job): string[] => (job.needs === undefined ? [] : [job.needs].flat());
const stepsUsing = (job: Job, action: string): Step[] =>
  (job.steps ?? []).filter((s) => s.uses?.split("@")[0] === action);
const pulumiSteps = (wf: Workflow): Array<{ job: string; step: Step }> =>
  Object.entries(wf.jobs).flatMap(([job, j]) =>
    stepsUsing(j, "pulumi/actions").map((step) => ({ job, step })),
  );
const jobsOf = (wfs: Workflows): Array<{ file: string; name: string; job: Job; wf: Workflow }> =>
  Object.entries(wfs).flatMap(([file, wf]) =>
    Object.entries(wf.jobs).map(([name, job]) => ({ file, name, job, wf })),
  );
const holdsCredentials = (job: Job): boolean =>
  typeof job.permissions === "object" && job.permissions["id-token"] === "write";

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

/** Runs a step's `run` script under bash with `env`, as the runner would; returns its exit status. */
function runStep(step: Step, env: Record<string, string>, cwd = ROOT): { status: number; stderr: string } {
  const result = spawnSync("bash", ["-eo", "pipefail", "-c", step.run ?? ""], {
    cwd,
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
  return { status: result.status ?? -1, stderr: `${result.stdout}${result.stderr}` };
}
const named = (job: Job, title: string): Step => {
  const found = (job.steps ?? []).find((s) => s.name === title);
  assert.ok(found, title);
  return found;
};

// Each rule of issue 30 is a function from the parsed workflows to the problems it finds. Every rule
// is asserted twice: no problem in the committed workflows, and a problem in a mutated copy that
// reintroduces what the issue found (so no rule passes vacuously).
type Rule = (wfs: Workflows) => string[];
function holds(rule: Rule, mutate: (wfs: Workflows) => void, expect: RegExp): void {
  assert.deepEqual(rule(all()), []);
  const mutated = structuredClone(all());
  mutate(mutated);
  const problems = rule(mutated);
  assert.ok(
    problems.some((p) => expect.test(p)),
    `the mutation is caught: ${JSON.stringify(problems)}`,
  );
}
const job = (wfs: Workflows, file: string, name: string): Job => {
  const found = wfs[file]?.jobs[name];
  assert.ok(found, `${file} ${name}`);
  return found;
};

const TRUSTED =
  "github.event.pull_request.head.repo.full_name == github.repository && github.actor != 'dependabot[bot]'";
const UNTRUSTED =
  "github.event.pull_request.head.repo.full_name != github.repository || github.actor == 'dependabot[bot]'";

/**
 * `if` that runs only on a same-repository, non-Dependabot pull request: the TRUSTED clause alone, or
 * ANDed with one parenthesized condition (issue 27's pull-request stacks: `TRUSTED && (…)`); `a && b ||
 * c` would not be, so only that exact shape counts.
 */
const trusted = (condition: string | undefined): boolean => {
  if (condition === TRUSTED) return true;
  const group = condition?.startsWith(`${TRUSTED} && (`) ? condition.slice(TRUSTED.length + 4) : undefined;
  return group !== undefined && balanced(group);
};
/** `(…)` is one parenthesized group: its first parenthesis closes at its end. */
function balanced(group: string): boolean {
  let depth = 0;
  for (let i = 0; i < group.length; i++) {
    depth += group[i] === "(" ? 1 : group[i] === ")" ? -1 : 0;
    if (depth === 0) return i === group.length - 1;
  }
  return false;
}

/** (1) Fork and Dependabot pull requests: no OIDC token, secrets or write token (GitHub docs,
 * "Troubleshooting Dependabot on GitHub Actions", read 2026-12-07). */
const forkSafe: Rule = (wfs) => {
  const problems: string[] = [];
  for (const { file, name, job: j, wf } of jobsOf(wfs)) {
    if ("pull_request_target" in wf.on) problems.push(`${file}: pull_request_target runs with secrets`);
    if (!("pull_request" in wf.on)) continue;
    const usesSecrets = JSON.stringify(j).includes("secrets.");
    if ((holdsCredentials(j) || usesSecrets) && !trusted(j.if)) {
      problems.push(`${file} ${name}: needs credentials but runs on fork/Dependabot pull requests`);
    }
    for (const step of stepsUsing(j, "marocchino/sticky-pull-request-comment")) {
      if (!trusted(step.if) && !trusted(j.if))
        problems.push(`${file} ${name}: comments with a read-only token`);
    }
  }
  for (const [file, wf] of Object.entries(wfs)) {
    if (!("pull_request" in wf.on)) continue;
    const reason = Object.values(wf.jobs).find(
      (j) => j.if === UNTRUSTED && (j.steps ?? []).some((s) => /GITHUB_STEP_SUMMARY/.test(s.run ?? "")),
    );
    if (!reason) problems.push(`${file}: no job says why the preview was skipped`);
  }
  // preview.yml runs them (its `required` check gates the merge); a second pull-request workflow
  // (pr-stack.yml) need not run them again.
  const tests = Object.values(wfs["preview.yml"]?.jobs ?? {}).find(runsTests);
  if (!tests || tests.if !== undefined)
    problems.push("preview.yml: the tests must run on every pull request");
  return problems;
};

/** (2) The documented trust matches the subjects every job sends; deploy roles are per environment. */
const trustMatches: Rule = (wfs) => {
  const problems: string[] = [];
  const doc = fs.readFileSync(path.join(ROOT, "docs/ci.md"), "utf8");
  if (docWithTrust(doc, trustSection(wfs)) !== doc)
    problems.push("docs/ci.md trust policies differ from the workflows");
  for (const { file, name, job: j } of jobsOf(wfs)) {
    if (pulumiSteps({ on: {}, jobs: { [name]: j } }).some(({ step }) => step.with?.command === "up")) {
      if (environmentOf(j) === undefined) problems.push(`${file} ${name}: pulumi up without an environment`);
    }
  }
  for (const identity of identities(wfs)) {
    if (identity.scope !== "repository" && identity.suffixes.length !== 1) {
      problems.push(`${identity.role} (${identity.scope}) trusts ${identity.suffixes.join(", ")}`);
    }
  }
  return problems;
};

/** (3) Credentials outlive the job: role-duration-seconds (default 3600) ≥ timeout-minutes. */
const durationCovers: Rule = (wfs) =>
  jobsOf(wfs).flatMap(({ file, name, job: j }) =>
    stepsUsing(j, "aws-actions/configure-aws-credentials").flatMap((step) => {
      const duration = Number(step.with?.["role-duration-seconds"] ?? 3600);
      const timeout = (j["timeout-minutes"] ?? 360) * 60;
      return duration >= timeout
        ? []
        : [`${file} ${name}: credentials for ${duration} s, job up to ${timeout} s`];
    }),
  );

/** Per-stack, job-level concurrency; a running `up` is never cancelled. */
const perStackConcurrency: Rule = (wfs) => {
  const problems: string[] = [];
  const groups = new Map<string, string>();
  for (const [file, wf] of Object.entries(wfs)) {
    for (const { job: name, step } of pulumiSteps(wf)) {
      if (step.with?.command !== "up") continue;
      if (wf.concurrency) problems.push(`${file}: a workflow-level concurrency group holds every stack`);
      const c = wf.jobs[name]?.concurrency;
      if (typeof c !== "object" || c["cancel-in-progress"] !== false) {
        problems.push(`${file} ${name}: no job concurrency that waits`);
        continue;
      }
      const stack = String(step.with?.["stack-name"]).split("/").at(-1) ?? "";
      const other = groups.get(c.group);
      if (other !== undefined && other !== stack) problems.push(`${c.group} holds ${other} and ${stack}`);
      groups.set(c.group, stack);
    }
  }
  return problems;
};

const PIN = /^([\w.-]+\/[\w./-]+)@([0-9a-f]{40}) # (v\d+\.\d+\.\d+)$/;
/** Every action by full commit SHA, its version in a comment; the docs' table agrees. */
const shaPinned: Rule = (wfs) => {
  const problems: string[] = [];
  const doc = fs.readFileSync(path.join(ROOT, "docs/ci.md"), "utf8");
  for (const { file, name, job: j } of jobsOf(wfs)) {
    for (const step of j.steps ?? []) {
      if (!step.uses || step.uses.startsWith("./")) continue;
      // The YAML parser drops comments: find the step's line in the file's text.
      const line = text(file)
        .split("\n")
        .map((l) => l.trim().replace(/^- /, ""))
        .find((l) => l.startsWith(`uses: ${step.uses}`));
      const m = PIN.exec(line?.slice("uses: ".length) ?? step.uses);
      if (!m) {
        problems.push(`${file} ${name}: ${step.uses} is not pinned by commit SHA with its version`);
        continue;
      }
      if (!doc.includes(`| ${m[1]} | ${m[3]} | \`${m[2]}\` |`)) {
        problems.push(`${file} ${name}: ${m[1]} ${m[3]} ${m[2]} is not the docs/ci.md row`);
      }
    }
  }
  return problems;
};

/**
 * A `run` script that does nothing but run the Pulumi CLI (issue 27's drift and sweep steps): every
 * line a `pulumi` command (optionally fed a variable through `printf '%s' "$VAR" |`) or the `while
 * read` loop around one. Nothing else (npm, npx, node: install scripts, the program) runs beside them.
 */
const PULUMI_ONLY_LINE =
  /^(?:(?:printf '%s' "\$[A-Z_]+" \| )?pulumi [a-z]|while read -r \w+; do$|done(?: < "[^"]+")?$)/;
const pulumiOnly = (step: Step): boolean =>
  step.uses === undefined &&
  (step.run ?? "")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .every((line) => PULUMI_ONLY_LINE.test(line)) &&
  /^pulumi |\| pulumi /m.test((step.run ?? "").trim());

/** No secrets in job-level env; in steps, only where the Pulumi CLI runs. */
const secretsInSteps: Rule = (wfs) =>
  jobsOf(wfs).flatMap(({ file, name, job: j }) => [
    ...Object.keys(j.env ?? {})
      .filter((k) => String(j.env?.[k]).includes("secrets."))
      .map((k) => `${file} ${name}: job env ${k} holds a secret`),
    ...(j.steps ?? [])
      .filter(
        (s) =>
          JSON.stringify(s).includes("secrets.") &&
          s.uses?.split("@")[0] !== "pulumi/actions" &&
          !pulumiOnly(s),
      )
      .map((s) => `${file} ${name}: ${s.uses ?? s.run} sees a secret`),
  ]);

/** Checkout leaves no token in .git/config; jobs holding credentials use no dependency cache. */
const checkoutHygiene: Rule = (wfs) =>
  jobsOf(wfs).flatMap(({ file, name, job: j }) => [
    ...stepsUsing(j, "actions/checkout")
      .filter((s) => s.with?.["persist-credentials"] !== false)
      .map(() => `${file} ${name}: checkout persists credentials`),
    ...(holdsCredentials(j)
      ? stepsUsing(j, "actions/setup-node")
          .filter((s) => s.with?.cache !== undefined || s.with?.["package-manager-cache"] !== false)
          .map(() => `${file} ${name}: a dependency cache in a job holding credentials`)
      : []),
  ]);

/** Deploys run main only: every deploy job is guarded, and another ref fails visibly. */
const mainOnly: Rule = (wfs) => {
  const problems: string[] = [];
  for (const [file, wf] of Object.entries(wfs)) {
    if (!("workflow_dispatch" in wf.on)) continue;
    for (const [name, j] of Object.entries(wf.jobs)) {
      const credentials = holdsCredentials(j) || runsTests(j);
      if (credentials && j.if !== "github.ref == 'refs/heads/main'")
        problems.push(`${file} ${name}: runs on any ref`);
      try {
        if (holdsCredentials(j)) subjectSuffixes(wf, j);
      } catch (e) {
        problems.push(`${file} ${name}: ${(e as Error).message}`);
      }
    }
    const refused = Object.values(wf.jobs).find((j) => j.if === "github.ref != 'refs/heads/main'");
    if (!refused || !(refused.steps ?? []).some((s) => /exit 1/.test(s.run ?? ""))) {
      problems.push(`${file}: a dispatch of another ref does not fail visibly`);
    }
  }
  return problems;
};

describe("GitHub workflows", () => {
  it("ci, preview, deploy, and issue 27's pr-stack, pr-stack-sweep and drift exist", () => {
    assert.deepEqual(files, [
      "ci.yml",
      "deploy.yml",
      "drift.yml",
      "pr-stack-sweep.yml",
      "pr-stack.yml",
      "preview.yml",
    ]);
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
      for (const [name, j] of Object.entries(wf.jobs)) {
        for (const step of stepsUsing(j, "aws-actions/configure-aws-credentials")) {
          assert.match(
            String(step.with?.["role-to-assume"]),
            /^\$\{\{ (vars\.[A-Z_]+|matrix\.role) \}\}$/,
            `${file} ${name}`,
          );
          for (const entry of j.strategy?.matrix?.include ?? []) {
            if ("role" in entry) assert.match(String(entry.role), /^\$\{\{ vars\.[A-Z_]+ \}\}$/);
          }
          assert.equal(holdsCredentials(j), true, `${file} ${name}: OIDC needs id-token: write`);
        }
        const steps = j.steps ?? [];
        const pulumi = steps.findIndex((s) => s.uses?.startsWith("pulumi/actions@"));
        if (pulumi === -1) continue;
        const aws = steps.findIndex((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
        assert.ok(aws !== -1 && aws < pulumi, `${file} ${name}: credentials before pulumi`);
        // npm ci (install scripts) before any credential exists in the job.
        const npmCi = steps.findIndex((s) => /^npm ci\b/.test(s.run ?? ""));
        assert.ok(npmCi !== -1 && npmCi < aws, `${file} ${name}: npm ci before credentials`);
      }
    }
  });

  it("fork and Dependabot pull requests: credential jobs skipped with a visible reason, tests still run", () => {
    holds(
      forkSafe,
      (w) => {
        delete job(w, "preview.yml", "preview").if;
      },
      /preview: needs credentials/,
    );
    holds(
      forkSafe,
      (w) => {
        delete (job(w, "preview.yml", "cost").steps ?? []).find((s) => s.uses?.includes("sticky"))?.if;
      },
      /cost: comments with a read-only token/,
    );
    holds(
      forkSafe,
      (w) => {
        delete w["preview.yml"]?.jobs["credentials-skipped"];
      },
      /no job says why/,
    );
  });

  it("OIDC: the documented trust policies list exactly the subjects each job sends (docs/ci.md is generated)", () => {
    // The subjects, derived from each job's triggers and environment by github/docs oidc.md's rules.
    const wfs = all();
    const sent = Object.fromEntries(
      jobsOf(wfs)
        .filter(({ job: j }) => holdsCredentials(j))
        .map(({ file, name, wf, job: j }) => [`${file} ${name}`, subjectSuffixes(wf, j)]),
    );
    assert.deepEqual(sent, {
      "deploy.yml dev": ["environment:dev"],
      "deploy.yml prod": ["environment:production"],
      // Scheduled: the default branch (GitHub docs, "Events that trigger workflows", schedule).
      "drift.yml drift": ["ref:refs/heads/main"],
      "pr-stack-sweep.yml sweep": ["environment:pr-stacks"],
      "pr-stack.yml destroy": ["environment:pr-stacks"],
      "pr-stack.yml up": ["environment:pr-stacks"],
      "preview.yml preview": ["pull_request"],
    });
    // The rules themselves, against github/docs' examples.
    const wf = (on: Record<string, unknown>): Workflow => ({ on, jobs: {} });
    assert.deepEqual(subjectSuffixes(wf({ push: { branches: ["main"] } }), {}), ["ref:refs/heads/main"]);
    assert.deepEqual(subjectSuffixes(wf({ schedule: [{ cron: "0 0 * * *" }] }), {}), ["ref:refs/heads/main"]);
    assert.deepEqual(subjectSuffixes(wf({ pull_request: null }), { environment: "Production:V1" }), [
      "environment:Production%3AV1",
    ]);
    assert.throws(() => subjectSuffixes(wf({ workflow_dispatch: null }), {}), /dispatch can run any branch/);
    assert.throws(() => subjectSuffixes(wf({ push: { branches: ["release/*"] } }), {}), /list the branches/);
    // Both forms, in the generated docs.
    const doc = fs.readFileSync(path.join(ROOT, "docs/ci.md"), "utf8");
    for (const suffix of ["environment:dev", "environment:production", "pull_request"]) {
      assert.ok(doc.includes(`"repo:<owner>/<repo>:${suffix}"`), suffix);
      assert.ok(doc.includes(`"repo:<owner>@<owner-id>/<repo>@<repo-id>:${suffix}"`), suffix);
    }
    assert.doesNotMatch(doc, /repo:<owner>\/<repo>:\*/);
    // Today's mistakes, reintroduced: the deploy job without its environment (its token would say
    // ref:refs/heads/main), or a deploy role shared by two environments.
    holds(
      trustMatches,
      (w) => {
        delete job(w, "deploy.yml", "dev").environment;
      },
      /docs\/ci\.md trust policies differ|pulumi up without an environment/,
    );
    holds(
      trustMatches,
      (w) => {
        job(w, "deploy.yml", "prod").environment = "dev";
      },
      /docs\/ci\.md trust policies differ/,
    );
  });

  it("credentials outlive each job: role-duration-seconds ≥ timeout, the role's MaxSessionDuration documented", () => {
    holds(
      durationCovers,
      (w) => {
        const step = stepsUsing(job(w, "deploy.yml", "prod"), "aws-actions/configure-aws-credentials")[0];
        delete step?.with?.["role-duration-seconds"];
      },
      /prod: credentials for 3600 s, job up to 5400 s/,
    );
    const prod = identities(all()).find((i) => i.scope === "environment production");
    assert.ok(prod, "the production role");
    assert.equal(maxSessionDuration(prod), 5400);
    assert.match(
      fs.readFileSync(path.join(ROOT, "docs/ci.md"), "utf8"),
      /MaxSessionDuration: \*\*5400\*\*.*raise it/,
    );
  });

  it("one `pulumi up` per stack at a time, job-level, never cancelled; prod's approval does not hold dev", () => {
    holds(
      perStackConcurrency,
      (w) => {
        (w["deploy.yml"] as Workflow).concurrency = { group: "deploy", "cancel-in-progress": false };
      },
      /workflow-level concurrency/,
    );
    holds(
      perStackConcurrency,
      (w) => {
        job(w, "deploy.yml", "prod").concurrency = { group: "pulumi-up-dev", "cancel-in-progress": false };
      },
      /holds dev and prod/,
    );
    holds(
      perStackConcurrency,
      (w) => {
        job(w, "deploy.yml", "dev").concurrency = { group: "pulumi-up-dev", "cancel-in-progress": true };
      },
      /dev: no job concurrency that waits/,
    );
  });

  it("every action is pinned by full commit SHA with its version beside it, as docs/ci.md lists", () => {
    holds(
      shaPinned,
      (w) => {
        const step = job(w, "deploy.yml", "dev").steps?.find((s) => s.uses?.startsWith("actions/checkout@"));
        if (step) step.uses = "actions/checkout@v4";
      },
      /actions\/checkout@v4 is not pinned/,
    );
  });

  it("no job-level secrets; secrets only in the env of the steps that run the Pulumi CLI", () => {
    holds(
      secretsInSteps,
      (w) => {
        job(w, "deploy.yml", "prod").env = { PULUMI_ACCESS_TOKEN: `$\{{ secrets.PULUMI_ACCESS_TOKEN }}` };
      },
      /prod: job env PULUMI_ACCESS_TOKEN/,
    );
  });

  it("every checkout without persisted credentials; no dependency cache where credentials are held", () => {
    holds(
      checkoutHygiene,
      (w) => {
        const step = stepsUsing(job(w, "preview.yml", "cost"), "actions/checkout")[0];
        delete step?.with?.["persist-credentials"];
      },
      /cost: checkout persists credentials/,
    );
    holds(
      checkoutHygiene,
      (w) => {
        const step = stepsUsing(job(w, "deploy.yml", "dev"), "actions/setup-node")[0];
        if (step) step.with = { "node-version": 24, cache: "npm" };
      },
      /dev: a dependency cache/,
    );
  });

  it("deploy: a manual dispatch deploys main only, and says so on any other ref", () => {
    holds(
      mainOnly,
      (w) => {
        delete job(w, "deploy.yml", "prod").if;
      },
      /prod: runs on any ref/,
    );
    const refused = job(all(), "deploy.yml", "refused");
    const result = runStep(refused.steps?.[0] ?? {}, {
      REF: "refs/heads/feature",
      GITHUB_STEP_SUMMARY: path.join(os.tmpdir(), `summary-${process.pid}`),
    });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /::error title=deploy refused::.*refs\/heads\/feature/);
  });

  it("ci: only called, so the suites run once per pull request and once per push", () => {
    const rule: Rule = (w) => {
      const on = Object.keys(w["ci.yml"]?.on ?? {});
      return on.join() === "workflow_call" ? [] : [`ci.yml runs on ${on.join(", ")} as well as when called`];
    };
    holds(
      rule,
      (w) => {
        (w["ci.yml"] as Workflow).on.pull_request = null;
      },
      /as well as when called/,
    );
  });

  it("preview: one aggregate `required` check over every other job, never skipped by a failure", () => {
    const rule: Rule = (w) => {
      const wf = w["preview.yml"] as Workflow;
      const required = wf.jobs.required;
      if (!required) return ["no required job"];
      const others = Object.keys(wf.jobs).filter((n) => n !== "required");
      const problems = others.filter((n) => !needs(required).includes(n)).map((n) => `required misses ${n}`);
      if (required.if !== "always()") problems.push("required is skipped when a job fails");
      return problems;
    };
    holds(
      rule,
      (w) => {
        job(w, "preview.yml", "required").needs = ["tests", "preview"];
      },
      /required misses cost/,
    );
    // Its step: success and skipped pass, failure and cancelled fail.
    const step = job(all(), "preview.yml", "required").steps?.[0] ?? {};
    assert.equal(runStep(step, { RESULTS: "success skipped success" }).status, 0);
    assert.equal(runStep(step, { RESULTS: "success failure" }).status, 1);
    assert.equal(runStep(step, { RESULTS: "cancelled" }).status, 1);
  });

  it("no job on `ubuntu-latest` (Ubuntu 26.04 now; the suites' apt packages are verified on 24.04)", () => {
    const rule: Rule = (w) =>
      jobsOf(w)
        .filter(({ job: j }) => String(j["runs-on"] ?? "").includes("latest"))
        .map(({ file, name }) => `${file} ${name} runs on a moving image`);
    holds(
      rule,
      (w) => {
        job(w, "ci.yml", "test")["runs-on"] = "ubuntu-latest";
      },
      /ci.yml test runs on a moving image/,
    );
  });

  it("the Pulumi CLI is pinned to the SDK's version; stacks org-qualified, created by the deploy only", () => {
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as {
      packages: Record<string, { version: string }>;
    };
    const sdk = lock.packages["node_modules/@pulumi/pulumi"]?.version;
    const rule: Rule = (w) =>
      Object.entries(w).flatMap(([file, wf]) =>
        pulumiSteps(wf).flatMap(({ job: name, step }) => {
          const problems: string[] = [];
          if (step.with?.["pulumi-version"] !== sdk) problems.push(`${file} ${name}: CLI not ${sdk}`);
          // Without a command the action only installs the CLI (issue 27's drift, sweep and destroy).
          if (step.with?.command === undefined) {
            if (Object.keys(step.with ?? {}).join() !== "pulumi-version")
              problems.push(`${file} ${name}: an install-only step with other inputs`);
            return problems;
          }
          if (!/^\$\{\{ vars\.PULUMI_ORG \}\}\/fastify-deploy\//.test(String(step.with?.["stack-name"]))) {
            problems.push(`${file} ${name}: stack not org-qualified`);
          }
          if ((step.with?.upsert === true) !== (step.with?.command === "up")) {
            problems.push(`${file} ${name}: ${step.with?.command} with upsert ${step.with?.upsert}`);
          }
          return problems;
        }),
      );
    holds(
      rule,
      (w) => {
        const up = pulumiSteps(w["deploy.yml"] as Workflow)[0]?.step;
        delete up?.with?.["pulumi-version"];
        delete up?.with?.upsert;
      },
      /dev: CLI not .*|dev: up with upsert undefined/,
    );
  });

  it("preview: dev and prod, policy pack, after the tests, planned with the config the deploy passes", () => {
    const wf = load("preview.yml");
    const previews = pulumiSteps(wf).filter(({ step }) => step.with?.command === "preview");
    assert.equal(previews.length, 1);
    const [{ job: name, step }] = previews as [{ job: string; step: Step }];
    const j = wf.jobs[name] as Job;
    assert.deepEqual(
      (j.strategy?.matrix?.include ?? []).map((e) => e.stack),
      ["dev", "prod"],
    );
    assert.equal(step.with?.policyPacks, "policy");
    assert.deepEqual(j.permissions, { contents: "read", "id-token": "write", "pull-requests": "write" });
    assert.ok(
      [...ancestors(wf, name)].some((n) => runsTests(wf.jobs[n] as Job)),
      "tests before preview",
    );
    // prod's property diff never on a public PR: the comment only on a private repository.
    assert.equal(
      step.with?.["comment-on-pr"],
      `$\{{ matrix.stack == 'dev' || github.event.repository.private }}`,
    );
    assert.equal(step.with?.diff, `$\{{ matrix.stack == 'dev' }}`);
    assert.equal(step.with?.["config-map"], `$\{{ steps.config.outputs.map }}`);

    // The config step's own script, per stack: the same keys the deploy's `up` passes that stack.
    const deploy = load("deploy.yml");
    const deployKeys = (stack: string): string[] => {
      const up = pulumiSteps(deploy).find(({ step: s }) =>
        String(s.with?.["stack-name"]).endsWith(`/${stack}`),
      );
      return Object.keys(parseYaml(String(up?.step.with?.["config-map"])) as object).sort();
    };
    const digest = `123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:${"a".repeat(64)}`;
    const previewKeys = (stack: string, imageUri: string): { status: number; keys: string[] } => {
      const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "preview-config-")), "output");
      const result = runStep(named(j, "the config the deploy passes"), {
        STACK: stack,
        COMMIT: "0123abc",
        IMAGE_URI: imageUri,
        GITHUB_OUTPUT: out,
      });
      if (result.status !== 0) return { status: result.status, keys: [] };
      const map = fs.readFileSync(out, "utf8").replace(/^map=/, "");
      return { status: 0, keys: Object.keys(parseYaml(map) as object).sort() };
    };
    assert.deepEqual(previewKeys("dev", ""), { status: 0, keys: deployKeys("dev") });
    assert.deepEqual(previewKeys("prod", digest), { status: 0, keys: deployKeys("prod") });
    assert.deepEqual(deployKeys("prod"), ["appCommit", "imageUri"]);
    // prod without a deployed digest would plan an image build: refused.
    assert.equal(previewKeys("prod", "").status, 1);
    assert.equal(previewKeys("prod", "repo:latest").status, 1);
  });

  it("deploy: pushes to main, dev first, prod only after dev behind the protected environment, with environment URLs", () => {
    const wf = load("deploy.yml");
    assert.deepEqual((wf.on.push as { branches: string[] }).branches, ["main"]);
    const ups = pulumiSteps(wf);
    assert.deepEqual(
      ups.map(({ job: name, step }) => [
        name,
        step.with?.command,
        String(step.with?.["stack-name"]).split("/").at(-1),
        step.with?.policyPacks,
      ]),
      [
        ["dev", "up", "dev", "policy"],
        ["prod", "up", "prod", "policy"],
      ],
    );
    const prod = wf.jobs.prod as Job;
    assert.equal(environmentOf(prod), "production");
    assert.ok(ancestors(wf, "prod").has("dev"), "prod waits for dev");
    for (const { job: name } of ups) {
      assert.ok(
        [...ancestors(wf, name)].some((n) => runsTests(wf.jobs[n] as Job)),
        `tests before ${name}`,
      );
      assert.deepEqual((wf.jobs[name] as Job).environment, {
        name: name === "prod" ? "production" : "dev",
        url: `$\{{ steps.up.outputs.url }}`,
      });
    }
    const prodUp = ups.find((u) => u.job === "prod")?.step;
    assert.match(
      String(prodUp?.with?.["config-map"]),
      /imageUri: \{value: '\$\{\{ needs\.dev\.outputs\.imageUri \}\}'/,
    );
  });

  it("deploy: before the prod approval, dev's digest is checked and dev answers /healthz", async () => {
    const wf = load("deploy.yml");
    const verify = wf.jobs["verify-dev"] as Job;
    assert.ok(needs(wf.jobs.prod as Job).includes("verify-dev"), "prod waits for the checks");
    assert.deepEqual(needs(verify), ["dev"]);
    assert.equal(holdsCredentials(verify), false);
    const digestStep = named(verify, "dev built a digest-pinned image");
    assert.equal(digestStep.env?.IMAGE_URI, `$\{{ needs.dev.outputs.imageUri }}`);
    const digest = `123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:${"b".repeat(64)}`;
    assert.equal(runStep(digestStep, { IMAGE_URI: digest }).status, 0);
    for (const bad of [
      "",
      "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:latest",
      `x@sha256:${"b".repeat(63)}`,
    ]) {
      assert.equal(runStep(digestStep, { IMAGE_URI: bad }).status, 1, bad);
    }

    // The smoke step against a loopback server: /healthz ok passes; a 503 fails.
    const healthStep = named(verify, "GET /healthz on dev");
    assert.equal(healthStep.env?.URL, `$\{{ needs.dev.outputs.url }}`);
    let status = 200;
    const server = http.createServer((req, res) => {
      res.writeHead(req.url === "/healthz" ? status : 404, { "content-type": "application/json" });
      res.end(req.url === "/healthz" && status === 200 ? '{"status":"ok"}' : '{"status":"down"}');
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const smoke = (): Promise<number> =>
      new Promise((resolve) => {
        const p = spawn("bash", ["-eo", "pipefail", "-c", healthStep.run ?? ""], {
          env: { ...process.env, URL: url, SMOKE_ATTEMPTS: "2", SMOKE_DELAY: "0" },
          stdio: "ignore",
        });
        p.on("exit", (code: number | null) => resolve(code ?? -1));
      });
    try {
      assert.equal(await smoke(), 0);
      status = 503;
      assert.equal(await smoke(), 1);
    } finally {
      server.close();
    }
  });

  it("deploy: only when something deployable changed (every file of the program and the image is listed)", () => {
    const wf = load("deploy.yml");
    const patterns = (wf.on.push as { paths?: string[] }).paths ?? [];
    assert.ok(patterns.length > 0, "a paths filter");
    for (const file of deployableFiles()) assert.ok(matchesPaths(file, patterns), `${file} deploys`);
    for (const file of [
      "README.md",
      "docs/ci.md",
      "app/README.md",
      "platforms/ecs/ecs.test.ts",
      "test/plan.test.ts",
      "app/test/app.test.ts",
      "cost/compare.ts",
      ".github/workflows/preview.yml",
    ]) {
      assert.equal(matchesPaths(file, patterns), false, `${file} does not deploy`);
    }
    // A filter that forgets the platforms would leave a platform change undeployed.
    assert.equal(
      matchesPaths(
        "platforms/ecs/index.ts",
        patterns.filter((p) => p !== "platforms/**"),
      ),
      false,
    );
  });

  it("deploy: the job that builds the image can build linux/arm64 (QEMU and buildx before pulumi up)", () => {
    const wf = load("deploy.yml");
    const building = pulumiSteps(wf).filter(
      ({ step }) => !String(step.with?.["config-map"]).includes("imageUri"),
    );
    assert.deepEqual(
      building.map(({ job: name }) => name),
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
      "QEMU for arm64",
    );
    const up = steps.findIndex((s) => s.uses?.startsWith("pulumi/actions@"));
    assert.ok(at("docker/setup-qemu-action") < up && at("docker/setup-buildx-action") !== -1, "QEMU first");
    assert.ok(at("docker/setup-buildx-action") < up, "buildx before up");
  });

  it("deploy: prod runs on a runner chosen by a repository variable, never on a GitHub-hosted one", () => {
    const prod = load("deploy.yml").jobs.prod as Job;
    const runsOn = String(prod["runs-on"]);
    // A CIDR-restricted API endpoint cannot admit GitHub-hosted runners' shared egress (docs/eks.md).
    const match = /^\$\{\{ fromJSON\(vars\.PROD_RUNNER_LABELS \|\| '(\[.*\])'\) \}\}$/.exec(runsOn);
    assert.ok(match, runsOn);
    const fallback = JSON.parse(match[1] as string) as string[];
    assert.ok(fallback.includes("self-hosted"), "the fallback waits for a self-hosted runner");
    assert.ok(!fallback.some((label) => /^(ubuntu|windows|macos)-/.test(label)), "no hosted image label");
    assert.match(fs.readFileSync(path.join(ROOT, "docs/eks.md"), "utf8"), /PROD_RUNNER_LABELS/);
    // Only this workflow on main can reach it, and each job gets a fresh runner.
    const ci = fs.readFileSync(path.join(ROOT, "docs/ci.md"), "utf8");
    assert.match(ci, /runner group.*this repository only/s);
    assert.match(ci, /deploy\.yml@refs\/heads\/main/);
    assert.match(ci, /--ephemeral/);
  });

  it("ci: lint, typecheck and tests; every suite of npm run test:all; the image's Node major", () => {
    const wf = load("ci.yml");
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
    const setupNode = files.flatMap((f) =>
      Object.values(load(f).jobs).flatMap((j) => stepsUsing(j, "actions/setup-node")),
    );
    assert.ok(setupNode.length > 0, "setup-node");
    for (const step of setupNode) assert.equal(step.with?.["node-version"], imageMajor);
  });

  it("Renovate keeps the SHA pins and the Pulumi CLI pin fresh, after a minimum release age", () => {
    const renovate = JSON.parse(fs.readFileSync(path.join(ROOT, ".github/renovate.json"), "utf8")) as {
      enabledManagers: string[];
      packageRules: Array<Record<string, unknown>>;
      customManagers: Array<{ matchStrings: string[]; depNameTemplate: string; datasourceTemplate: string }>;
    };
    const actions = renovate.packageRules.filter((r) =>
      (r.matchManagers as string[] | undefined)?.includes("github-actions"),
    );
    assert.ok(
      actions.some((r) => r.pinDigests === true && /^\d+ days$/.test(String(r.minimumReleaseAge))),
      "actions pinned by digest after a minimum release age",
    );
    assert.ok(!actions.some((r) => r.enabled === false), "no action update is disabled");
    assert.ok(renovate.enabledManagers.includes("custom.regex"), "the custom manager is enabled");
    const cli = renovate.customManagers.find((m) => m.depNameTemplate === "@pulumi/pulumi");
    assert.equal(cli?.datasourceTemplate, "npm");
    const re = new RegExp(cli?.matchStrings[0] ?? "(?!)");
    assert.equal(re.exec(text("deploy.yml"))?.groups?.currentValue, "3.248.0");
  });

  it("preview: each stack's cost estimate against the merge commit's first parent, commented on the PR", async () => {
    const wf = load("preview.yml");
    const entry = Object.entries(wf.jobs).find(
      ([, j]) => stepsUsing(j, "marocchino/sticky-pull-request-comment").length > 0,
    );
    assert.ok(entry, "a job posts a sticky comment");
    const [name, j] = entry;
    assert.deepEqual(j.strategy?.matrix?.stack, ["dev", "prod"]);
    // Under mocks: no cloud credentials, so none are requested.
    assert.deepEqual(j.permissions, { contents: "read", "pull-requests": "write" });
    assert.ok(
      [...ancestors(wf, name)].some((n) => runsTests(wf.jobs[n] as Job)),
      "tests before the estimate",
    );
    const steps = j.steps ?? [];
    const baseCommit = named(j, "base commit");
    const head = named(j, "estimate of the pull request");
    const base = named(j, "estimate of the base branch");
    const commentText = named(j, "comment text");
    const [sticky] = stepsUsing(j, "marocchino/sticky-pull-request-comment") as [Step];
    assert.ok(steps.indexOf(baseCommit) < steps.indexOf(base), "base commit first");
    assert.ok(
      steps.indexOf(head) < steps.indexOf(commentText) && steps.indexOf(base) < steps.indexOf(commentText),
      "both estimates before the text",
    );
    assert.ok(steps.indexOf(commentText) < steps.indexOf(sticky), "text before comment");
    assert.match(base.run ?? "", /git worktree add --detach "\$RUNNER_TEMP\/base" "\$BASE_SHA"/);
    assert.match(base.run ?? "", /> "\$RUNNER_TEMP\/cost-base\.json"/);
    assert.equal(sticky.with?.header, `cost-$\{{ matrix.stack }}`, "one comment per stack, updated in place");

    // The base is the merge commit's first parent: a repository with a base branch that moved after
    // the pull request's base.sha, and a merge commit on top of it.
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), "merge-base-"));
    const git = (...args: string[]): string =>
      execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], {
        cwd: repo,
        encoding: "utf8",
      }).trim();
    git("init", "-q", "-b", "main");
    git("commit", "-q", "--allow-empty", "-m", "old base");
    git("checkout", "-q", "-b", "feature");
    git("commit", "-q", "--allow-empty", "-m", "change");
    git("checkout", "-q", "main");
    git("commit", "-q", "--allow-empty", "-m", "base moved");
    const moved = git("rev-parse", "HEAD");
    git("merge", "-q", "--no-ff", "-m", "merge", "feature");
    const envFile = path.join(repo, "github-env");
    assert.equal(runStep(baseCommit, { GITHUB_ENV: envFile }, repo).status, 0);
    assert.equal(fs.readFileSync(envFile, "utf8").trim(), `BASE_SHA=${moved}`);
    fs.rmSync(repo, { recursive: true, force: true });

    // Run the steps' own commands (the base estimate made in-process from a different desiredCount,
    // since the base step needs a second checkout): the comment file the sticky step posts must exist
    // and show the estimate with its change.
    const temp = fs.mkdtempSync(path.join(os.tmpdir(), "cost-workflow-"));
    const env = { STACK: "dev", RUNNER_TEMP: temp, GITHUB_STEP_SUMMARY: path.join(temp, "summary.md") };
    assert.equal(runStep(head, env).status, 0);
    const baseOut: string[] = [];
    assert.equal(await plan(["dev", "--set", "desiredCount=2", "--json"], (t) => baseOut.push(t)), 0);
    fs.writeFileSync(path.join(temp, "cost-base.json"), baseOut.join("\n"));
    assert.equal(runStep(commentText, env).status, 0);
    // The sticky step reads `${{ runner.temp }}/…`, the same directory the run steps see as $RUNNER_TEMP.
    const posted = path.join(temp, String(sticky.with?.path).replace(`$\{{ runner.temp }}/`, ""));
    const comment = fs.readFileSync(posted, "utf8");
    assert.match(comment, /^### Monthly cost estimate: dev$/m);
    assert.match(comment, /\*\*\$39\.59\/month\*\* \(-\$6\.34 against the base branch\)/);
    assert.match(
      comment,
      /\| Fargate vCPU: 1 task\(s\) × 0\.25 vCPU \(Linux\/x86, Fargate Spot: [^|]*\|.*\| -\$2\.21 \|$/m,
    );
    // Fork pull requests get it in the run summary.
    assert.equal(runStep(named(j, "estimate in the run summary"), env).status, 0);
    assert.equal(fs.readFileSync(env.GITHUB_STEP_SUMMARY, "utf8"), comment);
    // A base branch without an estimate: said so, never compared with $0.
    fs.rmSync(path.join(temp, "cost-base.json"));
    assert.equal(runStep(commentText, env).status, 0);
    assert.match(fs.readFileSync(posted, "utf8"), /No estimate from the base branch to compare with/);
    fs.rmSync(temp, { recursive: true, force: true });
  });
});

/** A directory of stand-ins for `pulumi` and `gh` that log their arguments (one call a line) and print `$<NAME>_OUT`. */
function fakeBins(): { dir: string; path: string; calls: (bin: string) => string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-bins-"));
  for (const bin of ["pulumi", "gh"]) {
    const out = `${bin.toUpperCase()}_OUT`;
    fs.writeFileSync(
      path.join(dir, bin),
      `#!/usr/bin/env bash\necho "$*" >> "${dir}/${bin}.log"\nif [[ -n "\${${out}:-}" ]]; then cat "$${out}"; fi\n`,
      { mode: 0o755 },
    );
  }
  const calls = (bin: string): string[] => {
    const log = path.join(dir, `${bin}.log`);
    return fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n").filter(Boolean) : [];
  };
  return { dir, path: `${dir}:${process.env.PATH}`, calls };
}

const PR_IF = (action: string) =>
  `${TRUSTED} && (github.event.action ${action} 'closed' && (vars.PR_STACKS == 'all' || contains(github.event.pull_request.labels.*.name, 'pr-stack')))`;

/** Issue 27's pull-request stack rules: a stack per pull request, updated on push, destroyed on close. */
const prStackLifecycle: Rule = (wfs) => {
  const problems: string[] = [];
  const wf = wfs["pr-stack.yml"];
  if (!wf) return ["no pr-stack.yml"];
  const types = (wf.on.pull_request as { types?: string[] } | null)?.types ?? [];
  for (const type of ["opened", "reopened", "synchronize", "labeled", "closed"]) {
    if (!types.includes(type)) problems.push(`pr-stack.yml: not run on ${type}`);
  }
  const up = wf.jobs.up;
  const destroy = wf.jobs.destroy;
  if (up?.if !== PR_IF("!=")) problems.push(`pr-stack.yml up: runs when ${up?.if}`);
  if (destroy?.if !== PR_IF("==")) problems.push(`pr-stack.yml destroy: runs when ${destroy?.if}`);
  const destroys = (destroy?.steps ?? []).some((st) =>
    /pulumi destroy --yes --non-interactive --remove --stack "\$STACK"/.test(st.run ?? ""),
  );
  if (!destroys) problems.push("pr-stack.yml destroy: does not destroy and remove the stack");
  // One operation per pull request: the same waiting group for up and destroy, keyed by its number.
  for (const [name, j] of [
    ["up", up],
    ["destroy", destroy],
  ] as const) {
    const c = j?.concurrency;
    if (
      typeof c !== "object" ||
      c.group !== `pr-stack-$\{{ github.event.pull_request.number }}` ||
      c["cancel-in-progress"] !== false
    ) {
      problems.push(`pr-stack.yml ${name}: not in the pull request's waiting concurrency group`);
    }
  }
  if (wf.concurrency)
    problems.push("pr-stack.yml: a workflow-level group would cancel or hold other pull requests");
  return problems;
};

describe("issue 27: a stack per pull request, its TTL sweep, drift detection", () => {
  it("pr-stack: on every push and label, destroyed on close, one operation per pull request at a time", () => {
    holds(
      prStackLifecycle,
      (w) => {
        ((w["pr-stack.yml"] as Workflow).on.pull_request as { types: string[] }).types = [
          "opened",
          "synchronize",
        ];
      },
      /not run on closed/,
    );
    holds(
      prStackLifecycle,
      (w) => {
        job(w, "pr-stack.yml", "destroy").concurrency = {
          group: "pr-stack-destroy",
          "cancel-in-progress": false,
        };
      },
      /destroy: not in the pull request's waiting concurrency group/,
    );
    holds(
      prStackLifecycle,
      (w) => {
        job(w, "pr-stack.yml", "up").concurrency = {
          group: `pr-stack-$\{{ github.event.pull_request.number }}`,
          "cancel-in-progress": true,
        };
      },
      /up: not in the pull request's waiting concurrency group/,
    );
    holds(
      prStackLifecycle,
      (w) => {
        for (const st of job(w, "pr-stack.yml", "destroy").steps ?? [])
          if (st.run) st.run = st.run.replace(" --remove", "");
      },
      /does not destroy and remove/,
    );
    const up = pulumiSteps(load("pr-stack.yml")).find(({ step }) => step.with?.command === "up")?.step;
    assert.equal(
      up?.with?.["stack-name"],
      `$\{{ vars.PULUMI_ORG }}/fastify-deploy/pr-$\{{ github.event.pull_request.number }}`,
    );
    assert.equal(up?.with?.policyPacks, "policy");
  });

  it("pr-stack: fork and Dependabot pull requests never get credentials; pull_request_target is refused", () => {
    holds(
      forkSafe,
      (w) => {
        job(w, "pr-stack.yml", "up").if = PR_IF("!=").replace(`${TRUSTED} && `, "");
      },
      /pr-stack.yml up: needs credentials/,
    );
    holds(
      forkSafe,
      (w) => {
        // `TRUSTED && a || b` runs on a fork whenever b holds.
        job(w, "pr-stack.yml", "destroy").if =
          `${TRUSTED} && github.event.action == 'closed' || vars.PR_STACKS == 'all'`;
      },
      /pr-stack.yml destroy: needs credentials/,
    );
    holds(
      forkSafe,
      (w) => {
        const wf = w["pr-stack.yml"] as Workflow;
        wf.on = { pull_request_target: wf.on.pull_request };
      },
      /pull_request_target runs with secrets/,
    );
    holds(
      forkSafe,
      (w) => {
        delete w["pr-stack.yml"]?.jobs["credentials-skipped"];
      },
      /pr-stack.yml: no job says why/,
    );
  });

  it("pr-stack: the steps' own commands write pr-<n>'s config and the comment with its URL and monthly cost", () => {
    const wf = load("pr-stack.yml");
    const comment = wf.jobs.comment as Job;
    assert.deepEqual(needs(comment), ["up"]);
    assert.equal(holdsCredentials(comment), false, "the estimate runs without cloud credentials");
    const [sticky] = stepsUsing(comment, "marocchino/sticky-pull-request-comment") as [Step];
    assert.equal(sticky.with?.header, "pr-stack");
    const pr = "987654";
    const temp = fs.mkdtempSync(path.join(os.tmpdir(), "pr-stack-comment-"));
    const stackFile = path.join(ROOT, `Pulumi.pr-${pr}.yaml`);
    try {
      assert.equal(runStep(named(comment, "the pr stack's config"), { PR: pr, TARGET: "ecs" }).status, 0);
      assert.match(fs.readFileSync(stackFile, "utf8"), /fastify-deploy:capacityType: SPOT/);
      const text = named(comment, "comment text");
      const url = "http://app-alb-1234.us-east-1.elb.amazonaws.com";
      const result = runStep(text, { PR: pr, URL: url, RUNNER_TEMP: temp });
      assert.equal(result.status, 0, result.stderr);
      const posted = path.join(temp, String(sticky.with?.path).replace(`$\{{ runner.temp }}/`, ""));
      const body = fs.readFileSync(posted, "utf8");
      assert.match(body, new RegExp(`^Stack \`pr-${pr}\` serves this pull request at ${url} `, "m"));
      assert.match(body, new RegExp(`^### Monthly cost estimate: pr-${pr}$`, "m"));
      assert.match(body, /\*\*\$\d+\.\d\d\/month\*\*/);
      assert.match(body, /Fargate vCPU: 1 task\(s\) × 0\.25 vCPU \(Linux\/x86, Fargate Spot/);
    } finally {
      fs.rmSync(stackFile, { force: true });
      fs.rmSync(temp, { recursive: true, force: true });
    }
  });

  it("pr-stack-sweep: destroys every pr-<n> stack older than the TTL, and nothing else", () => {
    const sweep = load("pr-stack-sweep.yml").jobs.sweep as Job;
    assert.deepEqual(Object.keys(load("pr-stack-sweep.yml").on), ["schedule"]);
    const bins = fakeBins();
    const temp = fs.mkdtempSync(path.join(os.tmpdir(), "sweep-"));
    const old = new Date(Date.now() - 100 * 3_600_000).toISOString();
    const fresh = new Date(Date.now() - 3_600_000).toISOString();
    fs.writeFileSync(
      path.join(bins.dir, "stacks.json"),
      JSON.stringify([
        { name: "prod", current: false, lastUpdate: old },
        { name: "acme/pr-987601", current: false, lastUpdate: old },
        { name: "acme/pr-987602", current: false, lastUpdate: fresh },
        { name: "acme/pr-987603", current: false, updateInProgress: true },
      ]),
    );
    const env = { PATH: bins.path, RUNNER_TEMP: temp, GITHUB_STEP_SUMMARY: path.join(temp, "summary.md") };
    try {
      const list = runStep(named(sweep, "list the stacks"), {
        ...env,
        PULUMI_OUT: path.join(bins.dir, "stacks.json"),
      });
      assert.equal(list.status, 0, list.stderr);
      const expired = runStep(named(sweep, "the expired pr stacks"), { ...env, TTL_HOURS: "72" });
      assert.equal(expired.status, 0, expired.stderr);
      assert.equal(fs.readFileSync(path.join(temp, "expired.txt"), "utf8"), "pr-987601\n");
      assert.ok(fs.existsSync(path.join(ROOT, "Pulumi.pr-987601.yaml")), "its stack file, for the CLI");
      const destroy = runStep(named(sweep, "destroy and remove them"), { ...env, ORG: "acme" });
      assert.equal(destroy.status, 0, destroy.stderr);
      assert.deepEqual(bins.calls("pulumi"), [
        "stack ls --json",
        "destroy --yes --non-interactive --remove --stack acme/fastify-deploy/pr-987601",
      ]);
    } finally {
      fs.rmSync(path.join(ROOT, "Pulumi.pr-987601.yaml"), { force: true });
      fs.rmSync(temp, { recursive: true, force: true });
      fs.rmSync(bins.dir, { recursive: true, force: true });
    }
  });

  it("secrets only in steps that run nothing but the Pulumi CLI (never beside npx, npm or node)", () => {
    holds(
      secretsInSteps,
      (w) => {
        const step = (job(w, "pr-stack-sweep.yml", "sweep").steps ?? []).find(
          (st) => st.name === "destroy and remove them",
        );
        if (step) step.run = `npx tsx tools/pr-stack/cli.ts write 1\n${step.run}`;
      },
      /pr-stack-sweep.yml sweep: [\s\S]*sees a secret/,
    );
    holds(
      secretsInSteps,
      (w) => {
        const step = (job(w, "drift.yml", "drift").steps ?? []).find((st) => st.name === "classify");
        if (step)
          step.env = { ...step.env, PULUMI_ACCESS_TOKEN: `$\{{ secrets.PULUMI_PREVIEW_ACCESS_TOKEN }}` };
      },
      /drift.yml drift: [\s\S]*sees a secret/,
    );
  });

  it("drift: nightly per stack, classified, one issue per stack opened, updated or closed with the real drift only", () => {
    const wf = load("drift.yml");
    assert.deepEqual(Object.keys(wf.on), ["schedule"]);
    const drift = wf.jobs.drift as Job;
    assert.deepEqual(
      (drift.strategy?.matrix?.include ?? []).map((e) => e.stack),
      ["dev", "prod"],
    );
    assert.deepEqual(drift.permissions, { contents: "read", "id-token": "write", issues: "write" });
    const bins = fakeBins();
    const temp = fs.mkdtempSync(path.join(os.tmpdir(), "drift-"));
    const env = {
      PATH: bins.path,
      RUNNER_TEMP: temp,
      STACK: "dev",
      GITHUB_STEP_SUMMARY: path.join(temp, "summary.md"),
    };
    try {
      // The refresh-preview: the CLI's JSON into refresh.json (a recorded fixture stands in for it).
      const preview = named(drift, "refresh-preview");
      assert.match(preview.run ?? "", /pulumi refresh --preview-only --json /);
      const fixture = path.join(ROOT, "tools/drift/fixtures/ecs-real.json");
      assert.equal(
        runStep(preview, { ...env, STACK_NAME: "acme/fastify-deploy/dev", PULUMI_OUT: fixture }).status,
        0,
      );
      const output = path.join(temp, "output");
      const classified = runStep(named(drift, "classify"), {
        ...env,
        GITHUB_OUTPUT: output,
        RUN_URL: "https://x/runs/1",
      });
      assert.equal(classified.status, 0, classified.stderr);
      assert.equal(fs.readFileSync(output, "utf8"), "real=2\n");
      assert.match(fs.readFileSync(path.join(temp, "drift.md"), "utf8"), /app-task.*replace/);
      // The issue: create, edit, close, or nothing, by the real count and the open issue found.
      const issueStep = named(drift, "the stack's drift issue");
      const issue = (real: string, open: string): string[] => {
        fs.rmSync(path.join(bins.dir, "gh.log"), { force: true });
        const list = path.join(bins.dir, "list.txt");
        fs.writeFileSync(list, open);
        const r = runStep(issueStep, { ...env, REAL: real, BODY: path.join(temp, "drift.md"), GH_OUT: list });
        assert.equal(r.status, 0, r.stderr);
        return bins.calls("gh").slice(1);
      };
      const title = issueTitle("dev");
      assert.deepEqual(issue("2", ""), [
        `issue create --title ${title} --body-file ${path.join(temp, "drift.md")}`,
      ]);
      assert.deepEqual(issue("2", "7\n"), [`issue edit 7 --body-file ${path.join(temp, "drift.md")}`]);
      const closed = issue("0", "7\n");
      assert.equal(closed.length, 1);
      assert.match(
        closed[0] as string,
        /^issue close 7 --comment No real drift in stack dev on \d{4}-\d\d-\d\d/,
      );
      assert.deepEqual(issue("0", ""), []);
    } finally {
      fs.rmSync(temp, { recursive: true, force: true });
      fs.rmSync(bins.dir, { recursive: true, force: true });
    }
  });
});

/**
 * GitHub's filter patterns (docs "Workflow syntax", "Filter pattern cheat sheet"): `*` any characters
 * but `/`, `**` any characters, `**\/` also none; a later `!pattern` excludes what earlier ones matched.
 */
function matchesPaths(file: string, patterns: string[]): boolean {
  let included = false;
  for (const raw of patterns) {
    const negated = raw.startsWith("!");
    const pattern = negated ? raw.slice(1) : raw;
    if (/[?+[\]]/.test(pattern)) throw new Error(`${pattern}: a pattern this helper does not model`);
    const source = pattern
      .split(/(\*\*\/|\*\*|\*)/)
      .map((part) =>
        part === "**/"
          ? "(?:.*/)?"
          : part === "**"
            ? ".*"
            : part === "*"
              ? "[^/]*"
              : part.replace(/[.^$()|{}\\]/g, "\\$&"),
      )
      .join("");
    if (new RegExp(`^${source}$`).test(file)) included = !negated;
  }
  return included;
}

/** What a deploy is built from: the program's import closure from index.ts, the stack files and
 * manifests, and every tracked file the image's build context (.dockerignore's allowlist) admits. */
function deployableFiles(): string[] {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = fs.readFileSync(path.join(ROOT, file), "utf8");
    for (const [, spec] of source.matchAll(/(?:from|import|require\()\s*"(\.{1,2}\/[^"]+)"/g)) {
      const target = path.join(path.dirname(file), spec as string);
      const candidates = [`${target}.ts`, path.join(target, "index.ts"), target];
      const found = candidates.find(
        (c) => fs.existsSync(path.join(ROOT, c)) && fs.statSync(path.join(ROOT, c)).isFile(),
      );
      if (found) visit(found);
    }
  };
  visit("index.ts");
  const tracked = execFileSync("git", ["ls-files"], { cwd: ROOT, encoding: "utf8" })
    .split("\n")
    .filter(Boolean);
  const allow = fs
    .readFileSync(path.join(ROOT, ".dockerignore"), "utf8")
    .split("\n")
    .filter((l) => l.startsWith("!"))
    .map((l) => l.slice(1));
  const inContext = tracked.filter(
    (f) => allow.some((a) => (a.endsWith("/") ? f.startsWith(a) : f === a)) && !/\.(test\.ts|md)$/.test(f),
  );
  const program = [...seen].filter((f) => !f.endsWith(".test.ts"));
  return [
    ...new Set([
      ...program,
      ...inContext,
      "Pulumi.yaml",
      "Pulumi.dev.yaml",
      "Pulumi.prod.yaml",
      "tsconfig.json",
      "tsconfig.pulumi.json",
      "Dockerfile",
      ".dockerignore",
    ]),
  ].sort();
}
