import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { contextHash, ecrRepositoryArn, IMAGE_INPUTS } from "./image";
import { ProgramFailure, type ProgramRun, prodEcs, ROOT, runProgram } from "./test/harness";

const REPOSITORY = "aws:ecr/repository:Repository";
const IMAGE = "docker:index/image:Image";
const DIGEST = "b".repeat(64);
const PREBUILT = `123456789012.dkr.ecr.us-east-1.amazonaws.com/fastify-deploy-dev@sha256:${DIGEST}`;

function tree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "context-"));
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
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

  it("changes when any image input's content or path changes", () => {
    const base = contextHash(tree(files));
    assert.notEqual(contextHash(tree({ ...files, "app/src/a.ts": "a2" })), base);
    assert.notEqual(contextHash(tree({ ...files, Dockerfile: "FROM y\n" })), base);
    const { "app/src/b.ts": b, ...rest } = files;
    assert.notEqual(contextHash(tree({ ...rest, "app/src/c.ts": b })), base);
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

describe("ecrRepositoryArn", () => {
  const cases: [string, string | undefined][] = [
    [PREBUILT, "arn:aws:ecr:us-east-1:123456789012:repository/fastify-deploy-dev"],
    [
      `123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/team/app@sha256:${DIGEST}`,
      "arn:aws-cn:ecr:cn-north-1:123456789012:repository/team/app",
    ],
    [
      `123456789012.dkr.ecr.us-gov-west-1.amazonaws.com/app@sha256:${DIGEST}`,
      "arn:aws-us-gov:ecr:us-gov-west-1:123456789012:repository/app",
    ],
    [`ghcr.io/acme/app@sha256:${DIGEST}`, undefined],
  ];
  for (const [uri, expected] of cases) {
    it(uri.split("@")[0] as string, () => assert.equal(ecrRepositoryArn(uri), expected));
  }
});

describe("AppImage under the harness", () => {
  let dev: ProgramRun;
  before(async () => {
    dev = await runProgram({ stack: "dev" });
  });

  it("the deploy repository has immutable tags, scan on push, encryption, no force delete", () => {
    const repo = dev.one(REPOSITORY, "app-repo").inputs;
    assert.equal(repo.imageTagMutability, "IMMUTABLE");
    assert.deepEqual(repo.imageScanningConfiguration, { scanOnPush: true });
    assert.deepEqual(repo.encryptionConfigurations, [{ encryptionType: "AES256" }]);
    assert.equal(repo.forceDelete, false);
  });

  it("a lifecycle policy expires untagged images and keeps a generous history", () => {
    const policy = dev.one("aws:ecr/lifecyclePolicy:LifecyclePolicy").inputs;
    assert.equal(policy.repository, dev.one(REPOSITORY, "app-repo").state.name);
    const rules = JSON.parse(policy.policy as string).rules as { selection: Record<string, unknown> }[];
    assert.deepEqual(
      rules.map((r) => r.selection),
      [
        { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 7 },
        { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 100 },
      ],
    );
  });

  it("builds for the configured platform from the root Dockerfile, tagged by content, with a cache", () => {
    const image = dev.one(IMAGE, "app-image").inputs;
    const repoUrl = dev.one(REPOSITORY, "app-repo").state.repositoryUrl;
    const cacheUrl = dev.one(REPOSITORY, "app-cache-repo").state.repositoryUrl;
    assert.equal(image.imageName, `${repoUrl}:src-${contextHash(ROOT).slice(0, 32)}`);
    assert.doesNotMatch(image.imageName as string, /:latest$/);
    assert.deepEqual(image.build, {
      context: ROOT,
      dockerfile: path.join(ROOT, "Dockerfile"),
      platform: "linux/amd64",
      builderVersion: "BuilderBuildKit",
      args: { BUILDKIT_INLINE_CACHE: "1" },
      cacheFrom: { images: [`${cacheUrl}:buildcache`] },
    });
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

  it("builds for arm64 when asked", async () => {
    const run = await runProgram({ stack: "dev", config: { imagePlatform: "linux/arm64" } });
    for (const image of run.ofType(IMAGE)) {
      assert.equal((image.inputs.build as { platform: string }).platform, "linux/arm64");
    }
  });

  it("with a prebuilt digest: nothing is built, no repository, the digest is deployed as given", async () => {
    const run = await runProgram(prodEcs({ imageUri: PREBUILT }));
    assert.deepEqual(run.ofType(IMAGE), []);
    assert.deepEqual(run.ofType(REPOSITORY), []);
    assert.equal(run.outputs.imageUri?.value, PREBUILT);
    const policy = JSON.parse(run.one("aws:iam/rolePolicy:RolePolicy").inputs.policy as string);
    assert.equal(
      policy.Statement[1].Resource,
      "arn:aws:ecr:us-east-1:123456789012:repository/fastify-deploy-dev",
    );
  });

  it("a prebuilt image from another registry gets no ECR permissions", async () => {
    const run = await runProgram({ stack: "dev", config: { imageUri: `ghcr.io/acme/app@sha256:${DIGEST}` } });
    const policy = JSON.parse(run.one("aws:iam/rolePolicy:RolePolicy").inputs.policy as string);
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
