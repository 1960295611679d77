import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { ImagePlatform } from "./config";

/**
 * What goes into the image, relative to the build context (the repository root): the Dockerfile, and
 * the `.dockerignore` allowlist (a test keeps the two lists equal). The tag is a hash of exactly these
 * files, so a change to any of them makes a new tag (and, with immutable tags, a new image), while a
 * change to anything else (tests, docs, the Pulumi program) never rebuilds.
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
 * A stable digest of the image inputs under `root`: paths and contents, sorted, independent of
 * timestamps, permissions and the order the file system lists entries in. Missing inputs contribute
 * nothing.
 */
export function contextHash(root: string, inputs: readonly string[] = IMAGE_INPUTS): string {
  const files: string[] = [];
  const walk = (relative: string): void => {
    const absolute = path.join(root, relative);
    if (!fs.existsSync(absolute)) return;
    const stat = fs.statSync(absolute);
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
    const content = fs.readFileSync(path.join(root, file));
    hash.update(`${file}\0${content.length}\0`);
    hash.update(content);
  }
  return hash.digest("hex");
}

/** The ECR repository ARN an image URI lives in, or undefined for a non-ECR registry. */
export function ecrRepositoryArn(imageUri: string): string | undefined {
  const match = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/([^@:]+)/.exec(imageUri);
  if (!match) return undefined;
  const [, account, region, china, repository] = match;
  const partition = china ? "aws-cn" : region?.startsWith("us-gov-") ? "aws-us-gov" : "aws";
  return `arn:${partition}:ecr:${region}:${account}:repository/${repository}`;
}

export interface AppImageArgs {
  /** CPU platform to build for. */
  platform: ImagePlatform;
  /**
   * A prebuilt digest-pinned image (validated by config.ts). When set, nothing is built and no
   * repository is created: the same digest is promoted as it is.
   * @default undefined (build from `context`)
   */
  prebuiltUri?: string;
  /**
   * The build context: the repository root (the Dockerfile builds app/ from there).
   * @default the directory of this file
   */
  context?: string;
  /**
   * Untagged images are expired after this many days; tagged images beyond `keepImages` are expired.
   * @default 7
   */
  untaggedExpiryDays?: number;
  /**
   * How many images to keep. Generous on purpose: another stack may still run (and scale out with) a
   * digest promoted from this repository.
   * @default 100
   */
  keepImages?: number;
}

/**
 * The app's container image: an ECR repository (immutable tags, scan on push, encryption, lifecycle
 * policy) and the image built for an explicit CPU platform and pushed under a content-hash tag; or a
 * given prebuilt digest. `imageUri` is always digest-pinned.
 */
export class AppImage extends pulumi.ComponentResource {
  /** `<repository>@sha256:<digest>`: what every platform deploys. */
  readonly imageUri: pulumi.Output<string>;
  /** The repository the image lives in, for pull permissions; undefined for a non-ECR registry. */
  readonly repositoryArn: pulumi.Output<string | undefined>;
  /** The repository URL, when this stack builds the image. */
  readonly repositoryUrl: pulumi.Output<string | undefined>;

  constructor(name: string, args: AppImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fastify-deploy:index:AppImage", name, {}, opts);

    if (args.prebuiltUri !== undefined) {
      this.imageUri = pulumi.output(args.prebuiltUri);
      this.repositoryArn = pulumi.output(ecrRepositoryArn(args.prebuiltUri));
      this.repositoryUrl = pulumi.output<string | undefined>(undefined);
      this.registerOutputs({ imageUri: this.imageUri });
      return;
    }

    const context = args.context ?? __dirname;
    const untaggedExpiryDays = args.untaggedExpiryDays ?? 7;
    const keepImages = args.keepImages ?? 100;

    const repository = new aws.ecr.Repository(
      `${name}-repo`,
      {
        imageTagMutability: "IMMUTABLE",
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfigurations: [{ encryptionType: "AES256" }],
        // Deleting the stack must not silently delete images another stack may still run.
        forceDelete: false,
      },
      { parent: this },
    );

    new aws.ecr.LifecyclePolicy(
      `${name}-lifecycle`,
      {
        repository: repository.name,
        policy: JSON.stringify({
          rules: [
            {
              rulePriority: 1,
              description: `Expire untagged images after ${untaggedExpiryDays} days`,
              selection: {
                tagStatus: "untagged",
                countType: "sinceImagePushed",
                countUnit: "days",
                countNumber: untaggedExpiryDays,
              },
              action: { type: "expire" },
            },
            {
              rulePriority: 2,
              description: `Keep the last ${keepImages} images`,
              selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: keepImages },
              action: { type: "expire" },
            },
          ],
        }),
      },
      { parent: this },
    );

    // Only a build cache: mutable on purpose, never deployed (no task or pod is ever given it).
    const cacheRepository = new aws.ecr.Repository(
      `${name}-cache-repo`,
      {
        imageTagMutability: "MUTABLE",
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfigurations: [{ encryptionType: "AES256" }],
        forceDelete: true,
      },
      { parent: this },
    );

    const token = aws.ecr.getAuthorizationTokenOutput(
      { registryId: repository.registryId },
      { parent: this },
    );
    const registry = {
      server: repository.repositoryUrl,
      username: token.userName,
      password: pulumi.secret(token.password),
    };
    const cacheRef = pulumi.interpolate`${cacheRepository.repositoryUrl}:buildcache`;
    const build = {
      context,
      dockerfile: path.join(context, "Dockerfile"),
      platform: args.platform,
      builderVersion: docker.BuilderVersion.BuilderBuildKit,
      // Inline cache metadata lets the next build on a fresh CI runner reuse layers from `cacheRef`.
      args: { BUILDKIT_INLINE_CACHE: "1" },
      cacheFrom: { images: [cacheRef] },
    };
    const tag = `src-${contextHash(context).slice(0, 32)}`;

    const image = new docker.Image(
      `${name}-image`,
      { imageName: pulumi.interpolate`${repository.repositoryUrl}:${tag}`, build, registry },
      { parent: this },
    );
    // Same build (fully cached locally by the step above), pushed under the one mutable cache tag.
    new docker.Image(
      `${name}-cache`,
      {
        imageName: cacheRef,
        build,
        registry: { ...registry, server: cacheRepository.repositoryUrl },
      },
      { parent: this },
    );

    this.imageUri = image.repoDigest;
    this.repositoryArn = repository.arn;
    this.repositoryUrl = repository.repositoryUrl;
    this.registerOutputs({ imageUri: this.imageUri, repositoryUrl: this.repositoryUrl });
  }
}
