import { describe } from "node:test";
import * as image from "./image";
import {
  container,
  describeMutations,
  describeRejections,
  editContainers,
  fixture,
  type Mutation,
  type Rejection,
} from "./testing";

const rejections: Rejection[] = [
  {
    policy: image.ecrRepositoryHardened,
    resources: () => [fixture("aws:ecr/repository:Repository", "repo", {})],
    messages: [
      'ECR repository repo: tags are mutable. Set imageTagMutability: "IMMUTABLE" (only a build cache named "<name>-cache-repo" may be mutable).',
      "ECR repository repo: images are not scanned. Set imageScanningConfiguration: { scanOnPush: true }.",
      'ECR repository repo: encryption is not explicit. Set encryptionConfigurations: [{ encryptionType: "AES256" }] (or "KMS" with a key).',
    ],
  },
  {
    policy: image.ecrRepositoryLifecycle,
    resources: () => [
      fixture("aws:ecr/repository:Repository", "kept", { name: "kept-1234567" }),
      fixture("aws:ecr/lifecyclePolicy:LifecyclePolicy", "kept-lifecycle", { repository: "kept-1234567" }),
      fixture("aws:ecr/repository:Repository", "cache", { name: "cache-7654321" }),
    ],
    messages: [
      "ECR repository cache: no lifecycle policy, so its images pile up for ever. Add an aws.ecr.LifecyclePolicy for it (expire untagged images; keep a bounded history).",
    ],
  },
  {
    policy: image.ecrLifecycleKeepsPulledImages,
    resources: () => {
      const policy = (rules: object[]) => JSON.stringify({ rules });
      const expire = { type: "expire" };
      return [
        fixture("aws:ecr/repository:Repository", "app-repo", { name: "app-1234567" }),
        fixture("aws:ecr/lifecyclePolicy:LifecyclePolicy", "app-lifecycle", {
          repository: "app-1234567",
          policy: policy([
            {
              rulePriority: 1,
              selection: {
                tagStatus: "untagged",
                countType: "sinceImagePulled",
                countUnit: "days",
                countNumber: 7,
              },
              action: expire,
            },
            {
              rulePriority: 2,
              selection: {
                tagStatus: "tagged",
                tagPatternList: ["*"],
                countType: "sinceImagePushed",
                countUnit: "days",
                countNumber: 30,
              },
              action: { type: "transition", targetStorageClass: "archive" },
            },
            {
              rulePriority: 3,
              selection: {
                tagStatus: "any",
                storageClass: "archive",
                countType: "sinceImageTransitioned",
                countUnit: "days",
                countNumber: 90,
              },
              action: expire,
            },
          ]),
        }),
        fixture("aws:ecr/repository:Repository", "team-repo", { name: "team-7654321" }),
        fixture("aws:ecr/lifecyclePolicy:LifecyclePolicy", "team-lifecycle", {
          repository: "team-7654321",
          policy: policy([
            {
              rulePriority: 1,
              selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 100 },
              action: expire,
            },
          ]),
        }),
        // A build cache is never deployed from: its superseded images may go by push age.
        fixture("aws:ecr/repository:Repository", "app-cache-repo", { name: "app-cache-1111111" }),
        fixture("aws:ecr/lifecyclePolicy:LifecyclePolicy", "app-cache-lifecycle", {
          repository: "app-cache-1111111",
          policy: policy([
            {
              rulePriority: 1,
              selection: {
                tagStatus: "untagged",
                countType: "sinceImagePushed",
                countUnit: "days",
                countNumber: 1,
              },
              action: expire,
            },
          ]),
        }),
      ];
    },
    messages: [
      'ECR lifecycle policy app-lifecycle, rule 2: archives tagged images by sinceImagePushed 30, so a digest another stack or account still runs can be removed. Select them by days since their last pull ("countType": "sinceImagePulled"), and archive before deleting.',
      'ECR lifecycle policy team-lifecycle, rule 1: expires any images by imageCountMoreThan 100, so a digest another stack or account still runs can be removed. Select them by days since their last pull ("countType": "sinceImagePulled"), and archive before deleting.',
    ],
  },
  {
    policy: image.dockerImageCheckoutIndependent,
    resources: () => [
      fixture("docker:index/image:Image", "img", {
        build: { context: "/home/me/src/app", dockerfile: "/home/me/src/app/Dockerfile" },
      }),
    ],
    messages: [
      'Image img: build.context is the absolute path "/home/me/src/app", so every checkout records other inputs and the provider rebuilds. Give it relative to the project directory (e.g. ".", "Dockerfile").',
      'Image img: build.dockerfile is the absolute path "/home/me/src/app/Dockerfile", so every checkout records other inputs and the provider rebuilds. Give it relative to the project directory (e.g. ".", "Dockerfile").',
      "Image img: build.platform is not set, so the provider builds for whatever machine runs it. Set it (linux/amd64 or linux/arm64).",
    ],
  },
  {
    policy: image.imageDigestPinned,
    resources: () => [
      fixture("kubernetes:core/v1:Pod", "pod", {
        spec: { containers: [{ name: "app", image: "app:latest" }] },
      }),
    ],
    messages: [
      'pod: container app uses image "app:latest", not pinned by digest. Deploy "<repository>@sha256:<digest>" (the AppImage\'s imageUri or a prebuilt digest).',
    ],
  },
];

const mutations: Mutation[] = [
  {
    policy: image.ecrRepositoryHardened,
    setting: "imageTagMutability",
    from: "dev/ecs",
    type: "aws:ecr/repository:Repository",
    name: /-repo$/,
    mutate: (i) => {
      i.imageTagMutability = "MUTABLE";
    },
  },
  {
    policy: image.ecrRepositoryHardened,
    setting: "scanOnPush",
    from: "dev/ecs",
    type: "aws:ecr/repository:Repository",
    mutate: (i) => {
      delete i.imageScanningConfiguration;
    },
  },
  {
    policy: image.ecrRepositoryHardened,
    setting: "encryptionConfigurations",
    from: "dev/ecs",
    type: "aws:ecr/repository:Repository",
    mutate: (i) => {
      delete i.encryptionConfigurations;
    },
  },
  {
    policy: image.ecrRepositoryLifecycle,
    setting: "the build cache's lifecycle policy",
    from: "dev/ecs",
    type: "aws:ecr/lifecyclePolicy:LifecyclePolicy",
    name: /cache-lifecycle$/,
    mutate: (i) => {
      i.repository = "some-other-repository";
    },
  },
  {
    policy: image.ecrLifecycleKeepsPulledImages,
    setting: 'pull-based retention (back to "keep the last 100 images")',
    from: "dev/ecs",
    type: "aws:ecr/lifecyclePolicy:LifecyclePolicy",
    name: /^app-lifecycle$/,
    mutate: (i) => {
      i.policy = JSON.stringify({
        rules: [
          {
            rulePriority: 1,
            selection: {
              tagStatus: "untagged",
              countType: "sinceImagePushed",
              countUnit: "days",
              countNumber: 7,
            },
            action: { type: "expire" },
          },
          {
            rulePriority: 2,
            selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 100 },
            action: { type: "expire" },
          },
        ],
      });
    },
  },
  {
    policy: image.dockerImageCheckoutIndependent,
    setting: "a project-relative context",
    from: "dev/ecs",
    type: "docker:index/image:Image",
    name: /-image$/,
    mutate: (i) => {
      i.build.context = "/work/checkout";
    },
  },
  {
    policy: image.dockerImageCheckoutIndependent,
    setting: "an explicit platform",
    from: "dev/ecs",
    type: "docker:index/image:Image",
    name: /-cache$/,
    mutate: (i) => {
      delete i.build.platform;
    },
  },
  {
    policy: image.imageDigestPinned,
    setting: "ECS image digest",
    from: "dev/ecs",
    type: "aws:ecs/taskDefinition:TaskDefinition",
    mutate: (i) =>
      editContainers(i, (c) => {
        c.image = c.image.replace(/@sha256:.*/, ":latest");
      }),
  },
  {
    policy: image.imageDigestPinned,
    setting: "Deployment image digest",
    from: "prod/kubernetes",
    type: "kubernetes:apps/v1:Deployment",
    mutate: (i) => {
      container(i).image = "nginx:1.27";
    },
  },
];

describe("image policies", () => {
  describeRejections(image, rejections);
  describeMutations(image, mutations);
});
