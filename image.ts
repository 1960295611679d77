import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { ImagePlatform } from "./facts";
import { ECR_PULL_ACTIONS, ecrImage, holdsData, type StateProtection } from "./facts";
import { awsTags } from "./platforms/aws";

/**
 * What goes into the image, relative to the build context (the repository root): the Dockerfile, and
 * the `.dockerignore` allowlist (a test keeps the two lists equal). A change to any of them makes a
 * new tag, while a change to anything else (tests, docs, the Pulumi program) never rebuilds.
 */
export const IMAGE_INPUTS = [
  "Dockerfile",
  ".dockerignore",
  "package.json",
  "package-lock.json",
  "app/package.json",
  "app/tsconfig.json",
  "app/tsconfig.build.json",
  "app/src",
] as const;

/** Directories never sent to the build (generated or installed locally). */
const SKIPPED_DIRECTORIES = new Set(["node_modules", "dist", "coverage", ".git"]);

/**
 * A stable digest of the image inputs under `root`: each file's path, permission bits and content,
 * sorted; independent of timestamps, of where `root` is and of the order the file system lists
 * entries in. The permission bits count because the docker provider's own context digest includes
 * them (pulumi-docker provider/provider.go `hashPath` writes `fileMode.String()`), so a `chmod` makes
 * it rebuild and push, and COPY keeps them in the image. Missing inputs contribute nothing.
 */
export function contextHash(root: string, inputs: readonly string[] = IMAGE_INPUTS): string {
  const files: string[] = [];
  const walk = (relative: string): void => {
    const absolute = path.join(root, relative);
    if (!fs.existsSync(absolute)) return;
    const stat = fs.lstatSync(absolute);
    if (stat.isSymbolicLink()) {
      // The provider hashes a symlink's resolved absolute target (hashPath: filepath.EvalSymlinks), which
      // differs per checkout: every `pulumi up` from elsewhere would rebuild.
      throw new Error(
        `image input ${relative} is a symbolic link; the docker provider's context digest would then depend on the checkout path. Replace it with the file itself.`,
      );
    }
    if (stat.isDirectory()) {
      for (const entry of fs.readdirSync(absolute)) {
        if (!SKIPPED_DIRECTORIES.has(entry)) walk(path.posix.join(relative, entry));
      }
    } else if (stat.isFile()) {
      files.push(relative);
    }
  };
  for (const input of inputs) walk(input);
  const hash = createHash("sha256");
  for (const file of [...new Set(files)].sort()) {
    const absolute = path.join(root, file);
    const mode = (fs.statSync(absolute).mode & 0o7777).toString(8);
    const content = fs.readFileSync(absolute);
    hash.update(`${file}\0${mode}\0${content.length}\0`);
    hash.update(content);
  }
  return hash.digest("hex");
}

/** JSON with object keys sorted at every level: the same value always serialises the same way. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * The image tag: a content address of everything the docker provider compares to decide on a rebuild
 * and push. Its `Diff` (pulumi-docker provider/provider.go) reports an update for a change to any
 * input but the registry credentials, and `Check` adds the context digest to `build`; every update
 * builds and pushes to `imageName`. Hashing the whole resolved `build` input (context and Dockerfile
 * paths, build args (the base image digests among them), target platform, builder, cache source) with
 * the files' digest therefore gives every push its own tag: an IMMUTABLE repository never sees a second
 * push to a tag it holds (ECR answers ImageTagAlreadyExistsException), and an unchanged image keeps
 * its tag, so nothing is rebuilt.
 */
export function imageTag(filesDigest: string, build: unknown): string {
  const digest = createHash("sha256")
    .update(canonicalJson({ build, files: filesDigest }))
    .digest("hex");
  return `img-${digest.slice(0, 32)}`;
}

/** ECR repository policy: the given accounts may pull (and only pull) this repository's images. */
export function pullPolicy(partition: string, accountIds: readonly string[]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "PullFromAllowedAccounts",
        Effect: "Allow",
        Principal: { AWS: accountIds.map((id) => `arn:${partition}:iam::${id}:root`) },
        Action: [...ECR_PULL_ACTIONS],
      },
    ],
  });
}

/**
 * ECR lifecycle rules, promotion-safe. The app repository is what other stacks and accounts deploy from
 * (the README's promotion flow: build once, promote the same digest dev → prod, roll back to an older
 * one), so no rule removes an image by count or push age: an image leaves the standard storage class
 * only once nobody has pulled it for {@link PULL_WINDOW_DAYS} days, and it is archived, not deleted,
 * so it can still be restored for {@link ARCHIVE_DAYS} days. The old "keep the last 100 images" expired
 * a digest prod still ran as soon as CI had pushed 100 newer ones (image.test.ts replays it).
 *
 * Sources, read 2026-12-07:
 * - fields: https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html and
 *   the template in .../lifecycle_policy_examples.html (`storageClass`, countType `sinceImagePulled` /
 *   `sinceImageTransitioned`, action `transition` with `targetStorageClass: "archive"`); the installed
 *   SDK documents the same (node_modules/@pulumi/aws/types/input.d.ts, ecr.GetLifecyclePolicyDocument*,
 *   and the "Archive and Delete" example of ecr/lifecyclePolicy.d.ts, @pulumi/aws 7.48.0);
 * - archive (launched November 2025): https://docs.aws.amazon.com/AmazonECR/latest/userguide/archive-image.html
 *   archived images answer pulls with 404 until restored (about 20 minutes), and may not be expired by a
 *   lifecycle rule before 90 days in archive;
 * - price: archive storage bills like standard ($0.10/GB-month) for the first 150 TB a month, $0.07 above,
 *   plus a per-GB restore fee (https://aws.amazon.com/ecr/pricing/ as quoted by
 *   https://hub.pointfive.co/inefficiencies/ecr-archive-storage-class-used-below-150-tb-threshold, checked
 *   2026-03, and https://devjapan.com/ "AWS ECR Archive Pricing Looks Cheap Until You Read the Table",
 *   checked 2026-03-22: $0.03/GB restore). So archiving saves nothing here; it buys the 90 days in which
 *   a digest nobody pulled for a quarter can still be brought back instead of rebuilt.
 * - the provider passes the document through: terraform-provider-aws
 *   internal/service/ecr/lifecycle_policy.go (read 2026-12-07) only checks `validation.StringIsJSON`,
 *   normalises it and compares rules sorted by rulePriority with the same field names (its
 *   lifecyclePolicyRuleSelection struct knows storageClass, its action struct targetStorageClass); the
 *   API validates the rules. A changed policy replaces the resource (`policy` is ForceNew), delete first:
 *   pulumi-aws marks aws_ecr_lifecycle_policy DeleteBeforeReplace (pulumi/pulumi-aws#2085), so a create
 *   never lands before the delete of the same repository's policy.
 */
export interface LifecyclePolicyDocument {
  rules: {
    rulePriority: number;
    description: string;
    selection: Record<string, unknown>;
    action: { type: "expire" | "transition"; targetStorageClass?: "archive" };
  }[];
}

/**
 * Days without a pull after which an image leaves standard storage. A digest that runs is pulled at
 * every task start, scale-out and node replacement (ECR records the pull time at least once every 24
 * hours: `ImageDetail.lastRecordedPullTime`, ECR API reference); a quarter covers a stable service that
 * starts nothing for weeks and a rollback target kept for a release cycle.
 */
export const PULL_WINDOW_DAYS = 90;
/** Days an archived image stays restorable: ECR's minimum before a lifecycle rule may delete it. */
export const ARCHIVE_DAYS = 90;
/**
 * Untagged images (a push that failed half way) go sooner: the app repository's tags are immutable, so
 * nothing this program deploys is ever untagged; the pull window still applies, for a digest someone
 * deployed by hand.
 */
export const UNTAGGED_PULL_WINDOW_DAYS = 7;

/** The app repository's lifecycle policy: see the sources above. */
export function appLifecyclePolicy(): LifecyclePolicyDocument {
  const days = { countUnit: "days" } as const;
  return {
    rules: [
      {
        rulePriority: 1,
        description: `Expire untagged images not pulled for ${UNTAGGED_PULL_WINDOW_DAYS} days`,
        selection: {
          tagStatus: "untagged",
          countType: "sinceImagePulled",
          ...days,
          countNumber: UNTAGGED_PULL_WINDOW_DAYS,
        },
        action: { type: "expire" },
      },
      {
        rulePriority: 2,
        description: `Archive tagged images not pulled for ${PULL_WINDOW_DAYS} days`,
        // `tagged` + "*" rather than `any`: ECR wants a tagStatus any rule last, and the archive rule
        // below must be an `any` rule to reach every archived image.
        selection: {
          tagStatus: "tagged",
          tagPatternList: ["*"],
          countType: "sinceImagePulled",
          ...days,
          countNumber: PULL_WINDOW_DAYS,
        },
        action: { type: "transition", targetStorageClass: "archive" },
      },
      {
        rulePriority: 3,
        description: `Delete images archived for ${ARCHIVE_DAYS} days`,
        selection: {
          tagStatus: "any",
          storageClass: "archive",
          countType: "sinceImageTransitioned",
          ...days,
          countNumber: ARCHIVE_DAYS,
        },
        action: { type: "expire" },
      },
    ],
  };
}

/**
 * The build cache's: only its moving `:buildcache` tag matters, never deployed, so the image each push
 * leaves untagged goes a day later by push age (no pull keeps a superseded cache alive). Word for word
 * the document it always was: a changed document replaces the policy resource.
 */
export function cacheLifecyclePolicy(): LifecyclePolicyDocument {
  return {
    rules: [
      {
        rulePriority: 1,
        description: "Expire untagged images after 1 days",
        selection: {
          tagStatus: "untagged",
          countType: "sinceImagePushed",
          countUnit: "days",
          countNumber: 1,
        },
        action: { type: "expire" },
      },
    ],
  };
}

/**
 * The project directory (where Pulumi.yaml is, and this file): the engine starts the docker provider
 * there (pulumi sdk/go/common/resource/plugin/provider_plugin.go starts resource plugins in the
 * context's Pwd, the project root when Pulumi.yaml sets no `main`), so the build's `context` and
 * `dockerfile` are recorded relative to it and stay the same in any checkout. Only read for the tag.
 */
const PROJECT_DIR = __dirname;
/** The build context, relative to {@link PROJECT_DIR} (the Dockerfile builds app/ from there). */
const BUILD_CONTEXT = ".";

/** The `image` part of the stack config, under the same names. */
export interface AppImageArgs {
  /** CPU platform to build for. */
  platform: ImagePlatform;
  /**
   * A prebuilt digest-pinned image (validated by config.ts). When set, nothing is built and no
   * repository is created: the same digest is promoted as it is.
   */
  uri?: string;
  /**
   * Keep the app repository, its images and its policies when the stack is destroyed (Pulumi's
   * `retainOnDelete`: `pulumi destroy` only forgets them), because another stack may still run a digest
   * promoted from it. `false` is for throwaway stacks: destroy deletes the repository with every image
   * (`forceDelete`).
   */
  retainRepository: boolean;
  /**
   * AWS accounts allowed to pull this repository's images (an ECR repository policy), e.g. the
   * production account that deploys the digest dev built. Empty: no repository policy, only this
   * account pulls.
   */
  pullAccountIds: readonly string[];
  /**
   * Reuse layers from this stack's mutable `:buildcache` image and push it after each build. Off (the
   * default): no cache repository, no `cacheFrom`; the build trusts only its base images (pinned by
   * digest) and the sources. A cache is a trust boundary: BuildKit reuses any layer the cache image
   * claims for a step, so whoever can push to the cache repository can plant a layer in the next
   * release ("cache poisoning ... can only be mitigated by limiting the horizon of data that one
   * trusts", moby/moby#26065; GHSA-xw73-rw38-6vjc; both read 2026-12-07). Dev turns it on for speed.
   */
  buildCache: boolean;
  /** A prod-grade stack's repository is protected and retained (facts/protection.ts). */
  protection: StateProtection;
}

/**
 * The app's container image: an ECR repository (immutable tags, scan on push, encryption, lifecycle
 * policy, optional cross-account pull policy) and the image built for an explicit CPU platform and
 * pushed under a content-address tag; or a given prebuilt digest. `imageUri` is always digest-pinned.
 */
export class AppImage extends pulumi.ComponentResource {
  /** `<repository>@sha256:<digest>`: what every platform deploys. */
  public readonly imageUri: pulumi.Output<string>;
  /** The repository the image lives in, for pull permissions; undefined for a non-ECR registry. */
  public readonly repositoryArn: pulumi.Output<string | undefined>;
  /** The repository URL, when this stack builds the image. */
  public readonly repositoryUrl: pulumi.Output<string | undefined>;

  constructor(name: string, args: AppImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fastify-deploy:index:AppImage", name, {}, opts);

    if (args.uri !== undefined) {
      this.imageUri = pulumi.output(args.uri);
      this.repositoryArn = pulumi.output(ecrImage(args.uri)?.repositoryArn);
      this.repositoryUrl = pulumi.output<string | undefined>(undefined);
      this.registerOutputs({ imageUri: this.imageUri });
      return;
    }

    const repository = createRepository(name, args, this);
    const cacheRepository = args.buildCache ? createCacheRepository(name, this) : undefined;
    const image = buildAndPush(name, args.platform, repository, cacheRepository, this);

    this.imageUri = image.repoDigest;
    this.repositoryArn = repository.arn;
    this.repositoryUrl = repository.repositoryUrl;
    this.registerOutputs({ imageUri: this.imageUri, repositoryUrl: this.repositoryUrl });
  }
}

/** The repository every platform pulls from: immutable tags, a lifecycle, an optional cross-account pull. */
function createRepository(name: string, args: AppImageArgs, parent: pulumi.Resource): aws.ecr.Repository {
  const retain = args.retainRepository;
  // Destroy completes either way: the docker provider never deletes pushed tags (its Delete is a
  // no-op), and ECR refuses to delete a repository that still holds images unless forced
  // (terraform-provider-aws ecr/repository.go passes force_delete from state to DeleteRepository).
  const keep = { parent, retainOnDelete: retain, ...holdsData(args.protection) };
  const repository = new aws.ecr.Repository(
    `${name}-repo`,
    {
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfigurations: [{ encryptionType: "AES256" }],
      forceDelete: !retain,
      tags: awsTags(name),
    },
    keep,
  );
  new aws.ecr.LifecyclePolicy(
    `${name}-lifecycle`,
    {
      repository: repository.name,
      policy: JSON.stringify(appLifecyclePolicy()),
    },
    keep,
  );
  if (args.pullAccountIds.length > 0) {
    const partition = aws.getPartitionOutput({}, { parent });
    new aws.ecr.RepositoryPolicy(
      `${name}-pull-policy`,
      {
        repository: repository.name,
        policy: partition.partition.apply((p) => pullPolicy(p, args.pullAccountIds)),
      },
      keep,
    );
  }
  return repository;
}

/**
 * Only a build cache: mutable on purpose, never deployed (no task or pod is ever given it), so it
 * always goes with the stack.
 */
function createCacheRepository(name: string, parent: pulumi.Resource): aws.ecr.Repository {
  const cacheRepository = new aws.ecr.Repository(
    `${name}-cache-repo`,
    {
      imageTagMutability: "MUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfigurations: [{ encryptionType: "AES256" }],
      forceDelete: true,
      tags: awsTags(name),
    },
    { parent },
  );
  // Each push moves the one cache tag and leaves the previous cache image untagged.
  new aws.ecr.LifecyclePolicy(
    `${name}-cache-lifecycle`,
    { repository: cacheRepository.name, policy: JSON.stringify(cacheLifecyclePolicy()) },
    { parent },
  );
  return cacheRepository;
}

/**
 * The image built for `platform`, pushed under its content-address tag; with a cache repository, built
 * from and pushed again under the cache tag.
 */
function buildAndPush(
  name: string,
  platform: ImagePlatform,
  repository: aws.ecr.Repository,
  cacheRepository: aws.ecr.Repository | undefined,
  parent: pulumi.Resource,
): docker.Image {
  const token = aws.ecr.getAuthorizationTokenOutput({ registryId: repository.registryId }, { parent });
  const registry = {
    server: repository.repositoryUrl,
    username: token.userName,
    password: pulumi.secret(token.password),
  };
  const cacheRef = cacheRepository && pulumi.interpolate`${cacheRepository.repositoryUrl}:buildcache`;
  const build = {
    context: BUILD_CONTEXT,
    dockerfile: path.posix.join(BUILD_CONTEXT, "Dockerfile"),
    platform,
    builderVersion: docker.BuilderVersion.BuilderBuildKit,
    // Inline cache metadata lets the next build on a fresh CI runner reuse layers from `cacheRef`.
    ...(cacheRef && { args: { BUILDKIT_INLINE_CACHE: "1" }, cacheFrom: { images: [cacheRef] } }),
  };
  const filesDigest = contextHash(path.resolve(PROJECT_DIR, BUILD_CONTEXT));
  const tag = pulumi.output(build).apply((resolved) => imageTag(filesDigest, resolved));

  const image = new docker.Image(
    `${name}-image`,
    { imageName: pulumi.interpolate`${repository.repositoryUrl}:${tag}`, build, registry },
    { parent },
  );
  if (cacheRepository && cacheRef) {
    // Same build (fully cached locally by the step above), pushed under the one mutable cache tag.
    new docker.Image(
      `${name}-cache`,
      { imageName: cacheRef, build, registry: { ...registry, server: cacheRepository.repositoryUrl } },
      { parent },
    );
  }
  return image;
}
