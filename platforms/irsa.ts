import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface ServiceAccountRoleArgs {
  description: string;
  /** ARN of the cluster's IAM OIDC provider. */
  oidcProviderArn: pulumi.Input<string>;
  /** The cluster's OIDC issuer without `https://`. */
  oidcIssuer: pulumi.Input<string>;
  namespace: pulumi.Input<string>;
  serviceAccountName: pulumi.Input<string>;
  tags?: Record<string, string>;
}

/**
 * An IAM role only one Kubernetes service account of one cluster can assume (IRSA): the trust policy
 * pins the OIDC provider, the `sub` (namespace and service account) and the `aud` (STS). EKS's pod
 * identity webhook injects its own projected token for an annotated service account, so this works
 * with `automountServiceAccountToken: false`.
 * https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
 */
export function serviceAccountRole(
  name: string,
  args: ServiceAccountRoleArgs,
  opts: pulumi.CustomResourceOptions,
): aws.iam.Role {
  return new aws.iam.Role(
    name,
    {
      description: args.description,
      assumeRolePolicy: pulumi
        .all([args.oidcProviderArn, args.oidcIssuer, args.namespace, args.serviceAccountName])
        .apply(([providerArn, issuer, namespace, serviceAccount]) =>
          JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { Federated: providerArn },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                  StringEquals: {
                    [`${issuer}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
                    [`${issuer}:aud`]: "sts.amazonaws.com",
                  },
                },
              },
            ],
          }),
        ),
      tags: args.tags ?? {},
    },
    opts,
  );
}
