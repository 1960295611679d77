import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  ecrPullStatements,
  type KubernetesAwsAccess,
  parsedSecretRefs,
  type SecretSettings,
  secretReadStatements,
} from "../../facts";
import { type RefresherAws, refresherServiceAccountName, STS_AUDIENCE } from "../workload";

/**
 * How the in-cluster refresher on `kubernetes` reaches AWS, with exactly the rights it needs: pull the
 * image's repository and read the declared secrets.
 *
 * With a public service-account issuer: an IAM OIDC provider for it and a role whose trust names exactly
 * the refresher's service account (`sub`) and STS as the audience (`aud`); the pod gets a projected token
 * for that audience and calls AssumeRoleWithWebIdentity. No key exists. This is AWS's self-hosted setup
 * (aws/amazon-eks-pod-identity-webhook SELF_HOSTED_SETUP.md, read 2026-12-07): STS fetches the issuer's
 * discovery document and keys, never the cluster. The provider's thumbprint is left to IAM, which uses
 * its own trusted CAs for S3-hosted keys (pulumi-aws 7.48.0 iam/openIdConnectProvider.d.ts thumbprintLists).
 *
 * Without one: an IAM user with two access keys (slots a and b), each replaced (delete first: IAM allows
 * two keys per user) when its generation from config moves (facts/secrets.ts accessKeyGenerations), so a
 * key is at most 60 days old and the one replaced was unused for a period; optionally usable only from
 * the cluster's egress CIDRs. The generation is `replacementTrigger` (a resource option of
 * @pulumi/pulumi 3.248.0, resource.d.ts: "the engine will diff this with the last recorded value, and
 * trigger a replace if they are not equal"; Pulumi's docs give monthly key rotation as its use,
 * pulumi.com/docs/iac/concepts/resources/options/replacementtrigger, read 2026-12-07), not an input, so
 * which key is newer never changes a recorded input. Not @pulumiverse/time's Rotating: another provider
 * plugin, and replacing a resource from it is what hashicorp/terraform-provider-time#118 reports broken
 * (read 2026-12-07). docs/secrets.md.
 */
export interface AwsAccessArgs {
  access: KubernetesAwsAccess;
  repositoryArn: pulumi.Input<string>;
  secrets: SecretSettings;
  /** The app's namespace: the refresher's service account lives there. */
  namespace: string;
}

export function createAwsAccess(name: string, args: AwsAccessArgs, parent: pulumi.Resource): RefresherAws {
  const statements = pulumi
    .output(args.repositoryArn)
    .apply((arn) => [
      ...ecrPullStatements(arn),
      ...secretReadStatements(parsedSecretRefs(args.secrets), args.secrets.kmsKeyArn),
    ]);
  const access = args.access;
  if ("webIdentity" in access)
    return webIdentityRole(name, access.webIdentity.issuer, args, statements, parent);
  return rotatingKeys(name, access.accessKey, statements, parent);
}

/** The trust of {@link webIdentityRole}: this issuer's provider, this one service account, STS as audience. */
export function webIdentityTrustPolicy(
  providerArn: string,
  issuer: string,
  namespace: string,
  serviceAccount: string,
) {
  const host = issuer.replace(/^https:\/\//, "");
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: providerArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${host}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
            [`${host}:aud`]: STS_AUDIENCE,
          },
        },
      },
    ],
  };
}

function webIdentityRole(
  name: string,
  issuer: string,
  args: AwsAccessArgs,
  statements: pulumi.Output<object[]>,
  parent: pulumi.Resource,
): RefresherAws {
  const provider = new aws.iam.OpenIdConnectProvider(
    `${name}-oidc`,
    { url: issuer, clientIdLists: [STS_AUDIENCE], tags: { "fastify-deploy:purpose": "ecr-pull-refresher" } },
    { parent },
  );
  const serviceAccount = refresherServiceAccountName(args.namespace);
  const role = new aws.iam.Role(
    `${name}-refresher-role`,
    {
      description: `The in-cluster refresher (${args.namespace}/${serviceAccount}): pull the app image, read its secrets`,
      assumeRolePolicy: provider.arn.apply((arn) =>
        JSON.stringify(webIdentityTrustPolicy(arn, issuer, args.namespace, serviceAccount)),
      ),
      tags: { "fastify-deploy:purpose": "ecr-pull-refresher" },
    },
    { parent },
  );
  const policy = new aws.iam.RolePolicy(
    `${name}-refresher-policy`,
    {
      role: role.name,
      policy: statements.apply((s) => JSON.stringify({ Version: "2012-10-17", Statement: s })),
    },
    { parent },
  );
  // The refresher's first run waits for the permission as well as the role.
  return { roleArn: pulumi.all([role.arn, policy.id]).apply(([arn]) => arn) };
}

function rotatingKeys(
  name: string,
  settings: Extract<KubernetesAwsAccess, { accessKey: unknown }>["accessKey"],
  statements: pulumi.Output<object[]>,
  parent: pulumi.Resource,
): RefresherAws {
  const user = new aws.iam.User(
    `${name}-ecr-puller`,
    { path: "/fastify-deploy/", tags: { "fastify-deploy:purpose": "ecr-pull-refresher" } },
    { parent },
  );
  const condition =
    settings.egressCidrs.length > 0
      ? { Condition: { IpAddress: { "aws:SourceIp": settings.egressCidrs } } }
      : {};
  new aws.iam.UserPolicy(
    `${name}-ecr-pull`,
    {
      user: user.name,
      policy: statements.apply((s) =>
        JSON.stringify({
          Version: "2012-10-17",
          Statement: s.map((statement) => ({ ...statement, ...condition })),
        }),
      ),
    },
    { parent },
  );
  // Slot a keeps the key's earlier name, so an existing stack's key becomes slot a.
  const slots = [
    { resource: `${name}-ecr-puller-key`, generation: settings.generations.a },
    { resource: `${name}-ecr-puller-key-b`, generation: settings.generations.b },
  ];
  return {
    accessKeys: slots.map(({ resource, generation }) => {
      const key = new aws.iam.AccessKey(
        resource,
        { user: user.name },
        { parent, replacementTrigger: generation, deleteBeforeReplace: true },
      );
      return { id: pulumi.secret(key.id), secret: pulumi.secret(key.secret) };
    }),
  };
}
