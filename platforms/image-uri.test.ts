import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ecrImage } from "./image-uri";

const DIGEST = `sha256:${"a".repeat(64)}`;

describe("ecrImage: an image's own registry, region included", () => {
  const cases: [string, ReturnType<typeof ecrImage>][] = [
    [
      `123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app@${DIGEST}`,
      {
        host: "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
        accountId: "123456789012",
        region: "eu-west-1",
        partition: "aws",
        repository: "team/app",
        apiEndpoint: "https://api.ecr.eu-west-1.amazonaws.com",
        repositoryArn: "arn:aws:ecr:eu-west-1:123456789012:repository/team/app",
      },
    ],
    [
      `210987654321.dkr.ecr.cn-north-1.amazonaws.com.cn/app:v1`,
      {
        host: "210987654321.dkr.ecr.cn-north-1.amazonaws.com.cn",
        accountId: "210987654321",
        region: "cn-north-1",
        partition: "aws-cn",
        repository: "app",
        apiEndpoint: "https://api.ecr.cn-north-1.amazonaws.com.cn",
        repositoryArn: "arn:aws-cn:ecr:cn-north-1:210987654321:repository/app",
      },
    ],
    [
      `123456789012.dkr.ecr.us-gov-west-1.amazonaws.com/app@${DIGEST}`,
      {
        host: "123456789012.dkr.ecr.us-gov-west-1.amazonaws.com",
        accountId: "123456789012",
        region: "us-gov-west-1",
        partition: "aws-us-gov",
        repository: "app",
        apiEndpoint: "https://api.ecr.us-gov-west-1.amazonaws.com",
        repositoryArn: "arn:aws-us-gov:ecr:us-gov-west-1:123456789012:repository/app",
      },
    ],
    [`ghcr.io/acme/app@${DIGEST}`, undefined],
    [`public.ecr.aws/acme/app@${DIGEST}`, undefined],
    [`123456789012.dkr.ecr.eu-west-1.amazonaws.com.evil.example/app@${DIGEST}`, undefined],
  ];
  for (const [uri, expected] of cases) {
    it(uri, () => assert.deepEqual(ecrImage(uri), expected));
  }
});
