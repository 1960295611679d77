/**
 * What an image URI names: its registry host and, for Amazon ECR, the account, region and repository
 * behind it; and what pulling from such a repository takes. A fact (imports no SDK) so that config.ts,
 * image.ts and every platform read an image URI the same way: the ECS execution role's pull permission,
 * the Kubernetes puller's permission and registry host and the ECR repository policy all come from here.
 */

/** `<account>.dkr.ecr.<region>.amazonaws.com[.cn]/<repository>[:tag][@digest]` */
const ECR_IMAGE = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/([^@:]+)/;

export interface EcrImage {
  accountId: string;
  region: string;
  partition: "aws" | "aws-cn" | "aws-us-gov";
  /** The registry host a pull secret or `docker login` must name: `<account>.dkr.ecr.<region>.amazonaws.com`. */
  host: string;
  /** Repository name, path included (`team/app`). */
  repository: string;
  /** `arn:<partition>:ecr:<region>:<account>:repository/<repository>`: what pull permissions name. */
  repositoryArn: string;
}

/** The ECR registry and repository an image URI lives in, or undefined for any other registry. */
export function ecrImage(uri: string): EcrImage | undefined {
  const match = ECR_IMAGE.exec(uri);
  if (!match) return undefined;
  const [, accountId = "", region = "", china, repository = ""] = match;
  const partition = china ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
  return {
    accountId,
    region,
    partition,
    host: `${accountId}.dkr.ecr.${region}.amazonaws.com${china ?? ""}`,
    repository,
    repositoryArn: `arn:${partition}:ecr:${region}:${accountId}:repository/${repository}`,
  };
}

/** The ECR API endpoint of the image's own region, where its registry's authorization tokens are issued. */
export function ecrApiEndpoint(image: Pick<EcrImage, "region" | "partition">): string {
  return `https://api.ecr.${image.region}.amazonaws.com${image.partition === "aws-cn" ? ".cn" : ""}`;
}

/** The ECR actions pulling an image takes: layer checks, the manifest, the layers. */
export const ECR_PULL_ACTIONS = [
  "ecr:BatchCheckLayerAvailability",
  "ecr:BatchGetImage",
  "ecr:GetDownloadUrlForLayer",
] as const;

/**
 * IAM statements that let an identity pull one repository's images: a registry token
 * (GetAuthorizationToken takes no resource scope; the token covers every registry the identity may
 * pull from) and the repository's images.
 */
export function ecrPullStatements(repositoryArn: string): object[] {
  return [
    { Sid: "AuthorizationToken", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
    { Sid: "PullTheAppImage", Effect: "Allow", Action: [...ECR_PULL_ACTIONS], Resource: repositoryArn },
  ];
}
