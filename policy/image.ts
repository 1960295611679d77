/**
 * Image policies: ECR repositories, docker.Image builds, and digest-pinned images in every deployed
 * container (ECS task definitions and Kubernetes workloads).
 */
import { resourcePolicy, stackPolicy } from "./define";
import { ECS_TASK_DEFINITION, ecsContainers } from "./ecs";
import { WORKLOAD_TYPES } from "./kubernetes";
import { asArray, asObject, containersOf, DIGEST_PINNED, podSpecOf } from "./rules";

const ECR_REPOSITORY = "aws:ecr/repository:Repository";
/** Build-cache repositories are mutable on purpose and never deployed from (the root's image.ts). */
export const isBuildCacheRepository = (name: string): boolean => /-cache-repo$/.test(name);

export const ecrRepositoryHardened = resourcePolicy(
  "ecr-repository-hardened",
  "ECR repositories have immutable tags (build caches excepted), scan on push, and explicit encryption.",
  [ECR_REPOSITORY],
  (props, args) => {
    const out: string[] = [];
    if (props.imageTagMutability !== "IMMUTABLE" && !isBuildCacheRepository(args.name)) {
      out.push(
        `ECR repository ${args.name}: tags are mutable. Set imageTagMutability: "IMMUTABLE" (only a build cache named "<name>-cache-repo" may be mutable).`,
      );
    }
    if (asObject(props.imageScanningConfiguration).scanOnPush !== true) {
      out.push(
        `ECR repository ${args.name}: images are not scanned. Set imageScanningConfiguration: { scanOnPush: true }.`,
      );
    }
    const encryption = asObject(asArray(props.encryptionConfigurations)[0]).encryptionType;
    if (encryption !== "AES256" && encryption !== "KMS") {
      out.push(
        `ECR repository ${args.name}: encryption is not explicit. Set encryptionConfigurations: [{ encryptionType: "AES256" }] (or "KMS" with a key).`,
      );
    }
    return out;
  },
);

const ECR_LIFECYCLE_POLICY = "aws:ecr/lifecyclePolicy:LifecyclePolicy";

export const ecrRepositoryLifecycle = stackPolicy(
  "ecr-repository-lifecycle",
  "Every ECR repository, build caches included, has a lifecycle policy, so untagged and old images never pile up for ever.",
  (args) => {
    const covered = new Set(
      args.resources.filter((r) => r.type === ECR_LIFECYCLE_POLICY).map((r) => String(r.props.repository)),
    );
    return args.resources
      .filter((r) => r.type === ECR_REPOSITORY && !covered.has(String(r.props.name)))
      .map((r) => [
        `ECR repository ${r.name}: no lifecycle policy, so its images pile up for ever. Add an aws.ecr.LifecyclePolicy for it (expire untagged images; keep a bounded history).`,
        r.urn,
      ]);
  },
);

/** The rules of a lifecycle policy document given as JSON; none when it is not one. */
function lifecycleRules(policy: unknown): Record<string, unknown>[] {
  if (typeof policy !== "string") return asArray(asObject(policy).rules).map(asObject);
  try {
    return asArray(asObject(JSON.parse(policy)).rules).map(asObject);
  } catch {
    return []; // the provider refuses a policy that is not JSON (validation.StringIsJSON)
  }
}

/**
 * A deployable repository's images may run in other stacks and accounts (a promoted digest, a rollback
 * target), which ECR cannot see; what it can see is when each image was last pulled. So a rule that
 * removes standard images (expire, or transition to archive, which ECR answers with 404 on pull) must
 * select them by days since last pull, never by count or push age alone. Rules on archived images
 * (sinceImageTransitioned) are free: nothing can pull those. Sources: ECR lifecycle policy properties,
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html, and archive,
 * .../archive-image.html (read 2026-12-07); the root's image.ts applies it.
 */
export const ecrLifecycleKeepsPulledImages = stackPolicy(
  "ecr-lifecycle-keeps-pulled-images",
  "ECR lifecycle rules of a deployable repository (build caches excepted) expire or archive images only by days since their last pull, never by image count or push age alone, so a digest another stack or account still runs is never removed.",
  (args) => {
    const repositories = args.resources.filter((r) => r.type === ECR_REPOSITORY);
    return args.resources
      .filter((r) => r.type === ECR_LIFECYCLE_POLICY)
      .filter((r) => {
        const repository = repositories.find((repo) => repo.props.name === r.props.repository);
        return repository === undefined || !isBuildCacheRepository(repository.name);
      })
      .flatMap((r) =>
        lifecycleRules(r.props.policy)
          .filter((rule) => {
            const selection = asObject(rule.selection);
            return (
              (selection.storageClass ?? "standard") === "standard" &&
              selection.countType !== "sinceImagePulled"
            );
          })
          .map((rule): [string, string] => {
            const selection = asObject(rule.selection);
            const action = asObject(rule.action).type === "transition" ? "archives" : "expires";
            return [
              `ECR lifecycle policy ${r.name}, rule ${String(rule.rulePriority)}: ${action} ${String(selection.tagStatus)} images by ${String(selection.countType)} ${String(selection.countNumber)}, so a digest another stack or account still runs can be removed. Select them by days since their last pull ("countType": "sinceImagePulled"), and archive before deleting.`,
              r.urn,
            ];
          }),
      );
  },
);

export const dockerImageCheckoutIndependent = resourcePolicy(
  "docker-image-checkout-independent",
  "docker.Image builds name their context and Dockerfile relative to the project and an explicit platform, so the inputs (and with them rebuilds and the image tag) do not depend on where or on which machine the program runs.",
  ["docker:index/image:Image"],
  (props, args) => {
    const build = asObject(props.build);
    const out: string[] = [];
    for (const key of ["context", "dockerfile"]) {
      const value = build[key];
      if (typeof value === "string" && (value.startsWith("/") || /^[A-Za-z]:[\\/]/.test(value))) {
        out.push(
          `Image ${args.name}: build.${key} is the absolute path ${JSON.stringify(value)}, so every checkout records other inputs and the provider rebuilds. Give it relative to the project directory (e.g. ".", "Dockerfile").`,
        );
      }
    }
    if (typeof build.platform !== "string" || build.platform === "") {
      out.push(
        `Image ${args.name}: build.platform is not set, so the provider builds for whatever machine runs it. Set it (linux/amd64 or linux/arm64).`,
      );
    }
    return out;
  },
);

export const imageDigestPinned = resourcePolicy(
  "image-digest-pinned",
  "Every deployed container image is pinned by digest (repo@sha256:…), never by a mutable tag.",
  [ECS_TASK_DEFINITION, ...WORKLOAD_TYPES],
  (props, args) => {
    const images =
      args.type === ECS_TASK_DEFINITION
        ? ecsContainers(props).map((c) => [String(c.name), c.image] as const)
        : containersOf(podSpecOf(args.type, props) ?? {}).map((c) => [c.name, c.props.image] as const);
    return images
      .filter(([, image]) => typeof image !== "string" || !DIGEST_PINNED.test(image))
      .map(
        ([container, image]) =>
          `${args.name}: container ${container} uses image ${JSON.stringify(image)}, not pinned by digest. Deploy "<repository>@sha256:<digest>" (the AppImage's imageUri or a prebuilt digest).`,
      );
  },
);
