/**
 * Pure facts about an image URI (no SDK import): which registry serves it and, for Amazon ECR, the
 * account, region and repository. The pull secret must name the image's own registry host, region
 * included: a prebuilt image from another region or account is pulled from there, not from the
 * stack's `aws:region`.
 */

export interface EcrImage {
  /** The registry host, e.g. `123456789012.dkr.ecr.eu-west-1.amazonaws.com`. */
  host: string;
  accountId: string;
  region: string;
  /** `aws`, `aws-cn` or `aws-us-gov`. */
  partition: string;
  /** The repository path inside the registry, e.g. `team/app`. */
  repository: string;
  /** The ECR API endpoint of that region (where GetAuthorizationToken is called). */
  apiEndpoint: string;
  /** `arn:<partition>:ecr:<region>:<account>:repository/<repository>`. */
  repositoryArn: string;
}

const ECR_IMAGE =
  /^(\d{12})\.dkr\.ecr\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(\.cn)?\/([^@:]+)(?:[:@].*)?$/;

/** The ECR registry an image URI lives in, or undefined for any other registry. */
export function ecrImage(uri: string): EcrImage | undefined {
  const match = ECR_IMAGE.exec(uri);
  if (!match) return undefined;
  const [, accountId = "", region = "", china, repository = ""] = match;
  const partition = china ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
  const suffix = china ? "amazonaws.com.cn" : "amazonaws.com";
  return {
    host: `${accountId}.dkr.ecr.${region}.${suffix}`,
    accountId,
    region,
    partition,
    repository,
    apiEndpoint: `https://api.ecr.${region}.${suffix}`,
    repositoryArn: `arn:${partition}:ecr:${region}:${accountId}:repository/${repository}`,
  };
}
