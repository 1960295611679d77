import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ecrApiEndpoint, ecrImage } from "./image-uri";

const DIGEST = `sha256:${"b".repeat(64)}`;

describe("ecrImage", () => {
  const cases: [string, ReturnType<typeof ecrImage>][] = [
    [
      `123456789012.dkr.ecr.us-east-1.amazonaws.com/fastify-deploy-dev@${DIGEST}`,
      {
        accountId: "123456789012",
        region: "us-east-1",
        partition: "aws",
        host: "123456789012.dkr.ecr.us-east-1.amazonaws.com",
        repository: "fastify-deploy-dev",
        repositoryArn: "arn:aws:ecr:us-east-1:123456789012:repository/fastify-deploy-dev",
      },
    ],
    [
      // Another account and another region than the stack's: the host and ARN are the image's own.
      `210987654321.dkr.ecr.eu-west-1.amazonaws.com/team/app:v1@${DIGEST}`,
      {
        accountId: "210987654321",
        region: "eu-west-1",
        partition: "aws",
        host: "210987654321.dkr.ecr.eu-west-1.amazonaws.com",
        repository: "team/app",
        repositoryArn: "arn:aws:ecr:eu-west-1:210987654321:repository/team/app",
      },
    ],
    [
      `123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/team/app@${DIGEST}`,
      {
        accountId: "123456789012",
        region: "cn-north-1",
        partition: "aws-cn",
        host: "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn",
        repository: "team/app",
        repositoryArn: "arn:aws-cn:ecr:cn-north-1:123456789012:repository/team/app",
      },
    ],
    [
      `123456789012.dkr.ecr.us-gov-west-1.amazonaws.com/app@${DIGEST}`,
      {
        accountId: "123456789012",
        region: "us-gov-west-1",
        partition: "aws-us-gov",
        host: "123456789012.dkr.ecr.us-gov-west-1.amazonaws.com",
        repository: "app",
        repositoryArn: "arn:aws-us-gov:ecr:us-gov-west-1:123456789012:repository/app",
      },
    ],
    [`ghcr.io/acme/app@${DIGEST}`, undefined],
    [`public.ecr.aws/acme/app@${DIGEST}`, undefined],
  ];
  for (const [uri, expected] of cases) {
    it(uri.split("@")[0] as string, () => assert.deepEqual(ecrImage(uri), expected));
  }
});

describe("ecrApiEndpoint: tokens come from the image's own region", () => {
  for (const [uri, endpoint] of [
    [`123456789012.dkr.ecr.eu-west-1.amazonaws.com/app@${DIGEST}`, "https://api.ecr.eu-west-1.amazonaws.com"],
    [
      `123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app@${DIGEST}`,
      "https://api.ecr.cn-north-1.amazonaws.com.cn",
    ],
    [
      `123456789012.dkr.ecr.us-gov-west-1.amazonaws.com/app@${DIGEST}`,
      "https://api.ecr.us-gov-west-1.amazonaws.com",
    ],
  ] as const) {
    it(uri, () => {
      const image = ecrImage(uri);
      assert.ok(image);
      assert.equal(ecrApiEndpoint(image), endpoint);
    });
  }
});
