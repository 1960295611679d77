import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { promisify } from "node:util";
import {
  ARCHIVE_DAYS,
  contextHash,
  IMAGE_INPUTS,
  imageTag,
  PULL_WINDOW_DAYS,
  pullPolicy,
  UNTAGGED_PULL_WINDOW_DAYS,
} from "./image";
import {
  type HistoryEvent,
  type LifecyclePolicyDocument,
  type SimulationOptions,
  simulate,
  validatePolicy,
} from "./tools/ecr-lifecycle-sim";
import {
  inputsByUrn,
  ProgramFailure,
  type ProgramRun,
  prodEcs,
  type RecordedResource,
  ROOT,
  runProgram,
} from "./tools/harness";

const REPOSITORY = "aws:ecr/repository:Repository";
const LIFECYCLE = "aws:ecr/lifecyclePolicy:LifecyclePolicy";
const REPOSITORY_POLICY = "aws:ecr/repositoryPolicy:RepositoryPolicy";
const IMAGE = "docker:index/image:Image";
const DIGEST = "b".repeat(64);
const PREBUILT = `123456789012.dkr.ecr.us-east-1.amazonaws.com/fastify-deploy-dev@sha256:${DIGEST}`;

/** The `build` input AppImage gives the docker provider for linux/amd64. */
const buildInputs = (cacheRepositoryUrl: string) => ({
  context: ".",
  dockerfile: "Dockerfile",
  platform: "linux/amd64",
  builderVersion: "BuilderBuildKit",
  args: { BUILDKIT_INLINE_CACHE: "1" },
  cacheFrom: { images: [`${cacheRepositoryUrl}:buildcache`] },
});

function tree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "context-"));
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content, { mode: 0o644 });
    fs.chmodSync(path.join(dir, file), 0o644);
  }
  return dir;
}

describe("contextHash", () => {
  const files = { Dockerfile: "FROM x\n", "package.json": "{}", "app/src/a.ts": "a", "app/src/b.ts": "b" };

  it("is stable across copies and independent of mtimes", () => {
    const a = tree(files);
    const b = tree(files);
    fs.utimesSync(path.join(b, "app/src/a.ts"), new Date(0), new Date(0));
    assert.equal(contextHash(a), contextHash(b));
    assert.match(contextHash(a), /^[a-f0-9]{64}$/);
  });

  it("changes when any image input's content, path or permission bits change", () => {
    const base = contextHash(tree(files));
    assert.notEqual(contextHash(tree({ ...files, "app/src/a.ts": "a2" })), base);
    assert.notEqual(contextHash(tree({ ...files, Dockerfile: "FROM y\n" })), base);
    const { "app/src/b.ts": b, ...rest } = files;
    assert.notEqual(contextHash(tree({ ...rest, "app/src/c.ts": b })), base);
    // The docker provider's context digest includes the mode (and COPY keeps it in the image).
    const chmodded = tree(files);
    fs.chmodSync(path.join(chmodded, "app/src/a.ts"), 0o755);
    assert.notEqual(contextHash(chmodded), base);
  });

  it("refuses a symlinked input (the provider would hash its checkout-specific target)", () => {
    const dir = tree(files);
    fs.symlinkSync(path.join(dir, "app/src/a.ts"), path.join(dir, "app/src/link.ts"));
    assert.throws(() => contextHash(dir), {
      message:
        "image input app/src/link.ts is a symbolic link; the docker provider's context digest would then depend on the checkout path. Replace it with the file itself.",
    });
  });

  it("ignores what never goes into the image", () => {
    const base = contextHash(tree(files));
    assert.equal(
      contextHash(
        tree({
          ...files,
          "app/node_modules/x/index.js": "x",
          "app/dist/a.js": "a",
          "app/test/a.test.ts": "t",
          "app/README.md": "r",
          "README.md": "r",
        }),
      ),
      base,
    );
  });
});

describe("imageTag: a content address of everything that shapes (or re-pushes) the image", () => {
  const files = "f".repeat(64);
  const build = buildInputs("123456789012.dkr.ecr.us-east-1.amazonaws.com/cache");
  const base = imageTag(files, build);

  it("is an immutable-tag-safe name", () => {
    assert.match(base, /^img-[a-f0-9]{32}$/);
  });

  it("does not depend on key order (the same inputs give the same tag)", () => {
    const reordered = Object.fromEntries(Object.entries(build).reverse());
    assert.equal(imageTag(files, reordered), base);
    assert.equal(imageTag(files, { ...build, args: { BUILDKIT_INLINE_CACHE: "1" } }), base);
  });

  const changes: [string, unknown, string?][] = [
    ["the target platform", { ...build, platform: "linux/arm64" }],
    [
      "a build arg (e.g. a base image digest)",
      { ...build, args: { ...build.args, RUNTIME_IMAGE: "node@sha256:0" } },
    ],
    ["the Dockerfile path", { ...build, dockerfile: "app/Dockerfile" }],
    ["the context path", { ...build, context: "app" }],
    ["the build target", { ...build, target: "build" }],
    ["the cache source", { ...build, cacheFrom: { images: ["other:buildcache"] } }],
    ["the context files", build, "e".repeat(64)],
  ];
  for (const [what, changed, changedFiles] of changes) {
    it(`changes with ${what}`, () => {
      assert.notEqual(imageTag(changedFiles ?? files, changed), base);
    });
  }
});

describe("IMAGE_INPUTS", () => {
  it("is the Dockerfile plus exactly what .dockerignore lets into the build context", () => {
    const allowed = fs
      .readFileSync(path.join(ROOT, ".dockerignore"), "utf8")
      .split("\n")
      .filter((line) => line.startsWith("!"))
      .map((line) => line.slice(1).replace(/\/$/, ""));
    assert.deepEqual([...IMAGE_INPUTS].sort(), ["Dockerfile", ".dockerignore", ...allowed].sort());
  });
});

describe("base images", () => {
  const dockerfile = fs.readFileSync(path.join(ROOT, "Dockerfile"), "utf8");
  const defaults = Object.fromEntries(
    [...dockerfile.matchAll(/^ARG (BUILD_IMAGE|RUNTIME_IMAGE)=(\S+)$/gm)].map((m) => [m[1], m[2]]),
  );

  it("are build-arg defaults pinned by digest (the digest is in the Dockerfile, so in the tag)", () => {
    assert.deepEqual(Object.keys(defaults).sort(), ["BUILD_IMAGE", "RUNTIME_IMAGE"]);
    for (const image of Object.values(defaults)) {
      assert.match(image as string, /^node:\d+-[a-z]+-slim@sha256:[a-f0-9]{64}$/);
    }
    assert.equal(defaults.BUILD_IMAGE, defaults.RUNTIME_IMAGE);
  });

  it("test/image/run.sh still reads the Node major and Debian suite from the pinned default", async () => {
    const runSh = fs.readFileSync(path.join(ROOT, "test/image/run.sh"), "utf8").split("\n");
    const parse = runSh.filter((l) => /^(default_base=|\[\[ \$default_base =~|node_major=|suite=)/.test(l));
    assert.equal(parse.length, 4, "run.sh's parsing lines moved: update this test");
    const script = `set -e\n${parse.map((l) => l.replace(/ \|\|$/, " || exit 3")).join("\n")}\necho "$node_major $suite"`;
    const { stdout } = await promisify(execFile)("bash", ["-c", script], { cwd: ROOT });
    assert.equal(stdout.trim(), "24 trixie");
  });

  it("renovate.json names each top-level key once (JSON.parse would keep the last silently)", () => {
    const keys = (text: string) => [...text.matchAll(/^ {2}"([^"]+)":/gm)].map((m) => m[1]);
    const duplicated = (text: string) => keys(text).filter((k, i, all) => all.indexOf(k) !== i);
    assert.deepEqual(duplicated(fs.readFileSync(path.join(ROOT, ".github/renovate.json"), "utf8")), []);
    assert.deepEqual(duplicated('{\n  "customManagers": [],\n  "a": 1,\n  "customManagers": []\n}'), [
      "customManagers",
    ]);
  });

  it("Renovate proposes bumps for the Dockerfile (digests included), the workflows, npm and the EKS add-ons", () => {
    const renovate = JSON.parse(fs.readFileSync(path.join(ROOT, ".github/renovate.json"), "utf8"));
    // custom.regex: the Pulumi CLI version pinned in the workflows (test/workflows.test.ts), the EKS
    // add-on charts and the Fluent Bit tag (platforms/eks/versions.ts, issue 32).
    assert.deepEqual([...renovate.enabledManagers].sort(), [
      "custom.regex",
      "dockerfile",
      "github-actions",
      "npm",
    ]);
    assert.ok(renovate.extends.includes("docker:pinDigests"));
    assert.ok(!fs.existsSync(path.join(ROOT, ".github/dependabot.yml")), "one bump bot, not two");
  });
});

/** Every ECR repository can be destroyed: it is force-deleted with its images, or retained (forgotten). */
function destroyBlockers(run: ProgramRun): string[] {
  return run
    .ofType(REPOSITORY)
    .filter((r) => r.inputs.forceDelete !== true && r.retainOnDelete !== true)
    .map((r) => r.name);
}

/** The lifecycle policy document attached to a repository, or undefined. */
function lifecycleOf(
  run: ProgramRun,
  repository: RecordedResource,
): { rules: Record<string, unknown>[] } | undefined {
  const policy = run.ofType(LIFECYCLE).find((p) => p.inputs.repository === repository.state.name);
  return policy ? JSON.parse(policy.inputs.policy as string) : undefined;
}

/** The app repository's lifecycle policy exactly as the program gives it to the provider. */
function recordedAppPolicy(run: ProgramRun): LifecyclePolicyDocument {
  return JSON.parse(run.one(LIFECYCLE, "app-lifecycle").inputs.policy as string);
}

/** The lifecycle the app repository had before promotion-safe retention (commit 14085aa's image.ts). */
const KEEP_LAST_100: LifecyclePolicyDocument = {
  rules: [
    {
      rulePriority: 1,
      description: "Expire untagged images after 7 days",
      selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 7 },
      action: { type: "expire" },
    },
    {
      rulePriority: 2,
      description: "Keep the last 100 images",
      selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 100 },
      action: { type: "expire" },
    },
  ],
};

const DAYS = 400;
const CI_PUSHES_PER_DAY = 12;
const PROMOTE_EVERY_DAYS = 14;

/**
 * 400 days of one app repository, as the README's flows use it: CI pushes 12 images a day (each
 * deployed to dev at once, so pulled once) plus one half-failed, untagged push; every 14 days prod is
 * promoted to dev's latest digest and pulls its digest daily (task starts, scale-outs); on day 250 prod
 * rolls back to the previous promotion for three days; another account pinned the day-28 promotion and
 * pulls it only every 60 days; a staging stack ran the day-5 image until it was decommissioned on day 100.
 */
function promotionHistory(): { events: HistoryEvent[]; prodDigests: string[] } {
  const events: HistoryEvent[] = [];
  const ci = (day: number, n: number) => `ci-${day}-${n}`;
  const latest = (day: number) => ci(day, CI_PUSHES_PER_DAY - 1);
  const prodDigests: string[] = [];
  let prod = latest(0);
  let previous = prod;
  for (let day = 0; day < DAYS; day++) {
    for (let n = 0; n < CI_PUSHES_PER_DAY; n++) {
      events.push({ day, kind: "push", digest: ci(day, n), tags: [`img-${day}-${n}`] });
      events.push({ day, kind: "pull", digest: ci(day, n), who: "dev" });
    }
    events.push({ day, kind: "push", digest: `partial-${day}`, tags: [] });
    if (day % PROMOTE_EVERY_DAYS === 0) {
      previous = prod;
      prod = latest(day);
      prodDigests.push(prod);
    }
    const rolledBack = day >= 250 && day < 253;
    events.push({
      day,
      kind: "pull",
      digest: rolledBack ? previous : prod,
      who: rolledBack ? "prod-rollback" : "prod",
    });
    if (day >= 28 && (day - 28) % 60 === 0)
      events.push({ day, kind: "pull", digest: latest(28), who: "partner-account" });
    if (day >= 5 && day <= 100) events.push({ day, kind: "pull", digest: ci(5, 0), who: "staging" });
  }
  return { events, prodDigests };
}

describe("promotion-safe retention, replayed with tools/ecr-lifecycle-sim.ts", () => {
  const { events, prodDigests } = promotionHistory();
  const lastPullBefore = (digest: string, day: number) =>
    Math.max(
      ...events.filter((e) => e.kind === "pull" && e.digest === digest && e.day <= day).map((e) => e.day),
    );
  let policy: LifecyclePolicyDocument;
  before(async () => {
    policy = recordedAppPolicy(await runProgram({ stack: "dev" }));
  });

  for (const neverPulled of ["push-time", "not-selected"] as const) {
    it(`no pull ever fails and no image pulled within the window leaves standard storage (never-pulled images: ${neverPulled})`, () => {
      const options: SimulationOptions = { neverPulled };
      const result = simulate(policy, events, DAYS, options);
      assert.deepEqual(result.failedPulls, []);
      assert.ok(result.removals.length > 0, "the history must exercise the rules");
      for (const removal of result.removals.filter((r) => r.storageClass === "standard")) {
        const window = removal.digest.startsWith("partial-") ? UNTAGGED_PULL_WINDOW_DAYS : PULL_WINDOW_DAYS;
        const sincePull = removal.day - lastPullBefore(removal.digest, removal.day);
        // ECR records a pull up to a day late (lastRecordedPullTime), so the window is kept less a day.
        assert.ok(sincePull >= window - 1, `${removal.digest} removed ${sincePull} days after its last pull`);
      }
      for (const digest of prodDigests) {
        assert.ok(
          !result.removals.some(
            (r) => r.digest === digest && r.day - lastPullBefore(digest, r.day) < PULL_WINDOW_DAYS - 1,
          ),
          digest,
        );
      }
    });
  }

  it("old unpulled images do go: archived after the window, deleted after the archive days; storage stays bounded", () => {
    const result = simulate(policy, events, DAYS);
    const kept = new Set(result.images.map((i) => i.digest));
    // The decommissioned staging digest (last pulled day 100) is archived, then deleted.
    assert.deepEqual(
      result.removals.filter((r) => r.digest === "ci-5-0").map((r) => [r.day, r.action]),
      [
        [100 + PULL_WINDOW_DAYS - 1, "transition"],
        [100 + PULL_WINDOW_DAYS + ARCHIVE_DAYS, "expire"],
      ],
    );
    assert.ok(!kept.has("ci-5-0") && !kept.has("partial-0") && !kept.has("ci-1-3"));
    // The partner's pinned digest, pulled every 60 days, stays in standard storage throughout.
    assert.equal(result.images.find((i) => i.digest === "ci-28-11")?.storageClass, "standard");
    // Steady state: per day pushed, at most the window plus the archive days (and a day of lag each).
    const bound =
      CI_PUSHES_PER_DAY * (PULL_WINDOW_DAYS + ARCHIVE_DAYS + 2) +
      (UNTAGGED_PULL_WINDOW_DAYS + 2) +
      prodDigests.length;
    const peak = Math.max(...result.stored.map((s) => s.standard + s.archive));
    assert.ok(peak <= bound, `peak ${peak} > ${bound}`);
    const last = result.stored.at(-1);
    const hundredDaysBefore = result.stored.at(-101);
    assert.ok(last && hundredDaysBefore);
    assert.ok(
      Math.abs(last.standard + last.archive - (hundredDaysBefore.standard + hundredDaysBefore.archive)) <= 3,
      "not growing",
    );
  });

  it('under the old "keep the last 100 images" the promoted prod digest expires while prod still pulls it daily', () => {
    const result = simulate(KEEP_LAST_100, events, DAYS);
    const prodFailures = result.failedPulls.filter((f) => f.who === "prod");
    assert.ok(prodFailures.length > 0);
    // 12 pushes a day fill 100 images in 9 days: the day-0 promotion is gone before day 14's.
    assert.deepEqual(prodFailures[0], { day: 9, digest: "ci-0-11", who: "prod", reason: "expired" });
    const expired = result.removals.find((r) => r.digest === "ci-0-11");
    assert.ok(expired);
    assert.equal(
      expired.day - lastPullBefore("ci-0-11", expired.day),
      0,
      "deleted the very day prod pulled it",
    );
    assert.ok(result.failedPulls.some((f) => f.who === "partner-account"));
    assert.ok(result.failedPulls.some((f) => f.who === "prod-rollback"));
  });
});

describe("AppImage under the harness", () => {
  let dev: ProgramRun;
  before(async () => {
    dev = await runProgram({ stack: "dev" });
  });

  it("the deploy repository has immutable tags, scan on push, encryption", () => {
    const repo = dev.one(REPOSITORY, "app-repo").inputs;
    assert.equal(repo.imageTagMutability, "IMMUTABLE");
    assert.deepEqual(repo.imageScanningConfiguration, { scanOnPush: true });
    assert.deepEqual(repo.encryptionConfigurations, [{ encryptionType: "AES256" }]);
  });

  it("destroy completes: the app repository and its policy are retained, the cache is force-deleted", () => {
    assert.deepEqual(destroyBlockers(dev), []);
    const repo = dev.one(REPOSITORY, "app-repo");
    assert.equal(repo.inputs.forceDelete, false);
    assert.equal(repo.retainOnDelete, true);
    assert.equal(dev.one(LIFECYCLE, "app-lifecycle").retainOnDelete, true);
    const cache = dev.one(REPOSITORY, "app-cache-repo");
    assert.equal(cache.inputs.forceDelete, true);
    assert.equal(cache.retainOnDelete, undefined);
  });

  it("both committed stacks: every recorded ECR repository has a lifecycle policy and can be destroyed", async () => {
    const prod = await runProgram({ stack: "prod" });
    for (const run of [dev, prod]) {
      const repos = run.ofType(REPOSITORY);
      // Only dev keeps a build cache (imageBuildCache true in Pulumi.dev.yaml): issue 32 item 4.
      assert.deepEqual(
        repos.map((r) => r.name),
        run === dev ? ["app-repo", "app-cache-repo"] : ["app-repo"],
        run.stack,
      );
      for (const repo of repos)
        assert.ok(lifecycleOf(run, repo), `${run.stack}: ${repo.name} has no lifecycle`);
      assert.deepEqual(destroyBlockers(run), [], run.stack);
    }
  });

  it("retainImageRepository false (a throwaway stack): destroy deletes the repository with its images", async () => {
    const run = await runProgram({ stack: "dev", config: { retainImageRepository: false } });
    assert.deepEqual(destroyBlockers(run), []);
    for (const r of run.resources) assert.equal(r.retainOnDelete, undefined, r.name);
    assert.equal(run.one(REPOSITORY, "app-repo").inputs.forceDelete, true);
  });

  it("the destroy check is not vacuous: a repository neither forced nor retained is reported", () => {
    const blocked = {
      ...dev,
      ofType: () => [{ ...dev.one(REPOSITORY, "app-repo"), retainOnDelete: undefined }],
    };
    assert.deepEqual(destroyBlockers(blocked as ProgramRun), ["app-repo"]);
  });

  it("every repository has a lifecycle policy; the app's removes only unpulled images, the cache only its old tags", () => {
    for (const repo of dev.ofType(REPOSITORY)) assert.ok(lifecycleOf(dev, repo), `${repo.name} has none`);
    const rulesOf = (name: string) =>
      lifecycleOf(dev, dev.one(REPOSITORY, name))?.rules.map((r) => [r.selection, r.action]);
    assert.deepEqual(rulesOf("app-repo"), [
      [
        { tagStatus: "untagged", countType: "sinceImagePulled", countUnit: "days", countNumber: 7 },
        { type: "expire" },
      ],
      [
        {
          tagStatus: "tagged",
          tagPatternList: ["*"],
          countType: "sinceImagePulled",
          countUnit: "days",
          countNumber: 90,
        },
        { type: "transition", targetStorageClass: "archive" },
      ],
      [
        {
          tagStatus: "any",
          storageClass: "archive",
          countType: "sinceImageTransitioned",
          countUnit: "days",
          countNumber: 90,
        },
        { type: "expire" },
      ],
    ]);
    // Each push moves :buildcache; the image it leaves untagged expires a day later.
    assert.deepEqual(rulesOf("app-cache-repo"), [
      [
        { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 1 },
        { type: "expire" },
      ],
    ]);
    assert.deepEqual(validatePolicy(recordedAppPolicy(dev)), [], "ECR would accept it");
  });

  it("builds from project-relative paths, tagged by the content address of its inputs, with a cache", () => {
    const image = dev.one(IMAGE, "app-image").inputs;
    const repoUrl = dev.one(REPOSITORY, "app-repo").state.repositoryUrl;
    const cacheUrl = dev.one(REPOSITORY, "app-cache-repo").state.repositoryUrl;
    const build = buildInputs(String(cacheUrl));
    assert.deepEqual(image.build, build);
    assert.equal(image.imageName, `${repoUrl}:${imageTag(contextHash(ROOT), build)}`);
    assert.doesNotMatch(image.imageName as string, /:latest$/);
  });

  it("switching imagePlatform yields a new tag (never a second push to an immutable tag)", async () => {
    // A new platform is a new tag whatever the capacity type (Fargate Spot runs ARM64 too since 2024-09).
    const arm = await runProgram({
      stack: "dev",
      config: { imagePlatform: "linux/arm64", capacityType: "ON_DEMAND" },
    });
    const armImage = arm.one(IMAGE, "app-image").inputs;
    assert.equal((armImage.build as { platform: string }).platform, "linux/arm64");
    const tagOf = (name: unknown) => String(name).split(":").pop();
    assert.notEqual(tagOf(armImage.imageName), tagOf(dev.one(IMAGE, "app-image").inputs.imageName));
    assert.equal((arm.one(IMAGE, "app-cache").inputs.build as { platform: string }).platform, "linux/arm64");
  });

  it("settings that do not shape the image leave its tag alone (no rebuild, no push)", async () => {
    const other = await runProgram({
      stack: "dev",
      config: { logLevel: "warn", desiredCount: 2, maxCount: 3 },
    });
    assert.equal(
      other.one(IMAGE, "app-image").inputs.imageName,
      dev.one(IMAGE, "app-image").inputs.imageName,
    );
  });

  it("the same program run from a copy of the repository in another folder records byte-identical inputs", async () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), "moved-checkout-"));
    const skip = new Set(["node_modules", ".git", "results", "coverage", "dist"]);
    fs.cpSync(ROOT, copy, { recursive: true, filter: (src) => !skip.has(path.basename(src)) });
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(copy, "node_modules"));
    const script = path.join(copy, "record-inputs.ts");
    fs.writeFileSync(
      script,
      'import { inputsByUrn, runProgram } from "./tools/harness";\n' +
        'runProgram({ stack: "dev" }).then((run) => process.stdout.write(JSON.stringify(inputsByUrn(run))));\n',
    );
    const { stdout } = await promisify(execFile)(path.join(ROOT, "node_modules/.bin/tsx"), [script], {
      cwd: copy,
      maxBuffer: 64 * 1024 * 1024,
    });
    assert.ok(!stdout.includes(ROOT) && !stdout.includes(copy), "an absolute checkout path was recorded");
    assert.equal(stdout, JSON.stringify(inputsByUrn(dev)));
    fs.rmSync(copy, { recursive: true, force: true });
  });

  it("pushes with the ECR authorization token, the password kept secret", () => {
    const image = dev.one(IMAGE, "app-image");
    assert.deepEqual(image.inputs.registry, {
      server: dev.one(REPOSITORY, "app-repo").state.repositoryUrl,
      username: "AWS",
      password: "harness-ecr-password",
    });
    assert.deepEqual(image.secretInputs, ["registry"]);
    assert.ok(dev.calls.some((c) => c.token === "aws:ecr/getAuthorizationToken:getAuthorizationToken"));
  });

  it("a release build trusts no mutable cache: prod (imageBuildCache default false) has no cacheFrom, no cache repository, no cache push (issue 32 item 4)", async () => {
    const prod = await runProgram({ stack: "prod" });
    const build = prod.one(IMAGE, "app-image").inputs.build as Record<string, unknown>;
    assert.equal(build.cacheFrom, undefined);
    assert.equal(build.args, undefined, "no inline cache metadata either");
    assert.deepEqual(
      prod.ofType(IMAGE).map((i) => i.name),
      ["app-image"],
    );
    assert.equal(prod.ofType(REPOSITORY).filter((r) => r.inputs.imageTagMutability === "MUTABLE").length, 0);
    // Dev opts in, and reads only its own stack's cache repository.
    const devBuild = dev.one(IMAGE, "app-image").inputs.build as { cacheFrom: { images: string[] } };
    assert.deepEqual(devBuild.cacheFrom.images, [
      `${dev.one(REPOSITORY, "app-cache-repo").state.repositoryUrl}:buildcache`,
    ]);
  });

  it("the mutable build-cache repository is never what the service runs", () => {
    const cache = dev.one(IMAGE, "app-cache").inputs;
    assert.match(cache.imageName as string, /:buildcache$/);
    assert.equal(dev.one(REPOSITORY, "app-cache-repo").inputs.imageTagMutability, "MUTABLE");
    assert.doesNotMatch(dev.outputs.imageUri?.value as string, /cache/);
  });

  it("imageUri is the pushed image's repository digest", () => {
    assert.equal(dev.outputs.imageUri?.value, dev.one(IMAGE, "app-image").state.repoDigest);
    assert.match(
      dev.outputs.imageUri?.value as string,
      /^\d{12}\.dkr\.ecr\.us-east-1\.amazonaws\.com\/[^@]+@sha256:[a-f0-9]{64}$/,
    );
  });

  it("no repository policy by default: only this account pulls", () => {
    assert.deepEqual(dev.ofType(REPOSITORY_POLICY), []);
  });

  it("imagePullAccountIds: a retained repository policy lets exactly those accounts pull", async () => {
    const accounts = ["210987654321", "111122223333"];
    const run = await runProgram({ stack: "dev", config: { imagePullAccountIds: accounts } });
    const policy = run.one(REPOSITORY_POLICY, "app-pull-policy");
    assert.equal(policy.inputs.repository, run.one(REPOSITORY, "app-repo").state.name);
    assert.equal(policy.retainOnDelete, true);
    assert.equal(policy.inputs.policy, pullPolicy("aws", accounts));
    assert.deepEqual(JSON.parse(policy.inputs.policy as string).Statement, [
      {
        Sid: "PullFromAllowedAccounts",
        Effect: "Allow",
        Principal: { AWS: ["arn:aws:iam::210987654321:root", "arn:aws:iam::111122223333:root"] },
        Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
      },
    ]);
  });

  it("with a prebuilt digest: nothing is built, no repository, the digest is deployed as given", async () => {
    const run = await runProgram(prodEcs({ imageUri: PREBUILT }));
    assert.deepEqual(run.ofType(IMAGE), []);
    assert.deepEqual(run.ofType(REPOSITORY), []);
    assert.equal(run.outputs.imageUri?.value, PREBUILT);
    const policy = JSON.parse(
      run.one("aws:iam/rolePolicy:RolePolicy", "app-execution-policy").inputs.policy as string,
    );
    assert.equal(
      policy.Statement[1].Resource,
      "arn:aws:ecr:us-east-1:123456789012:repository/fastify-deploy-dev",
    );
  });

  it("a prebuilt image from another account and region: ECS may pull from exactly that repository", async () => {
    const uri = `210987654321.dkr.ecr.eu-west-1.amazonaws.com/team/app@sha256:${DIGEST}`;
    const run = await runProgram(prodEcs({ imageUri: uri }));
    const policy = JSON.parse(
      run.one("aws:iam/rolePolicy:RolePolicy", "app-execution-policy").inputs.policy as string,
    );
    assert.deepEqual(policy.Statement.slice(0, 2), [
      // GetAuthorizationToken cannot be scoped; the token it returns covers the other registry too.
      { Sid: "AuthorizationToken", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
      {
        Sid: "PullTheAppImage",
        Effect: "Allow",
        Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
        Resource: "arn:aws:ecr:eu-west-1:210987654321:repository/team/app",
      },
    ]);
    const task = JSON.parse(
      run.one("aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions as string,
    );
    assert.equal(task[0].image, uri);
  });

  it("a prebuilt image from another registry gets no ECR permissions", async () => {
    const run = await runProgram({ stack: "dev", config: { imageUri: `ghcr.io/acme/app@sha256:${DIGEST}` } });
    const policy = JSON.parse(
      run.one("aws:iam/rolePolicy:RolePolicy", "app-execution-policy").inputs.policy as string,
    );
    assert.deepEqual(
      policy.Statement.map((s: { Action: string[] }) => s.Action),
      [["logs:CreateLogStream", "logs:PutLogEvents"]],
    );
  });

  it("a non-digest imageUri fails before any resource is registered", async () => {
    await assert.rejects(
      runProgram({ stack: "dev", config: { imageUri: "nginx:1.27" } }),
      (error: unknown) => {
        assert.ok(error instanceof ProgramFailure);
        assert.equal(
          error.message,
          "Invalid stack configuration (1 problem):\n" +
            '  - fastify-deploy:imageUri: got "nginx:1.27"; expected a digest-pinned image URI <registry>/<repository>@sha256:<64 hex digits>',
        );
        assert.deepEqual(
          error.resources.map((r) => r.type),
          ["pulumi:pulumi:Stack"],
        );
        return true;
      },
    );
  });
});
