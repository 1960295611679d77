import * as aws from "@pulumi/aws";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { awsTags } from "../aws";
import { type PinnedChart, pinnedRelease } from "./pinned-chart";

export interface ServiceAccountRoleArgs {
  description: string;
  /** ARN of the cluster's IAM OIDC provider. */
  oidcProviderArn: pulumi.Input<string>;
  /** The cluster's OIDC issuer without `https://`. */
  oidcIssuer: pulumi.Input<string>;
  namespace: pulumi.Input<string>;
  serviceAccountName: pulumi.Input<string>;
  tags: Record<string, string>;
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
      tags: args.tags,
    },
    opts,
  );
}

/** The cluster an IRSA add-on runs in: what every add-on with its own IAM role takes. */
export interface IrsaClusterArgs {
  /** Kubernetes objects go through this provider only. */
  provider: k8s.Provider;
  /** ARN of the cluster's IAM OIDC provider. */
  oidcProviderArn: pulumi.Input<string>;
  /** The cluster's OIDC issuer without `https://`, e.g. `oidc.eks.us-east-1.amazonaws.com/id/ABC`. */
  oidcIssuer: pulumi.Input<string>;
  /**
   * What the release must wait for (e.g. CoreDNS, itself after the nodes): a component's own dependsOn
   * does not reach its children, so it is passed to the release here.
   */
  after: pulumi.Resource[];
}

export interface IrsaReleaseArgs extends IrsaClusterArgs {
  /** The component's tags ({@link awsTags}), for the role. */
  tags: Record<string, string>;
  /** The role's description. */
  description: string;
  namespace: string;
  serviceAccountName: string;
  /** Gives the role its permissions; returns what the release must wait for (the policy). */
  grant: (role: aws.iam.Role) => pulumi.Resource;
  chart: PinnedChart;
  /** The chart's values, given the service account block (created, named, annotated with the role). */
  values: (serviceAccount: IrsaServiceAccountValues) => pulumi.Input<Record<string, unknown>>;
}

/** The service-account values block the eks-charts and autoscaler charts share. */
export interface IrsaServiceAccountValues {
  create: true;
  name: string;
  annotations: { "eks.amazonaws.com/role-arn": pulumi.Output<string> };
}

/**
 * A cluster add-on with its own AWS identity: a role only its service account can assume
 * ({@link serviceAccountRole}), its permissions, and its pinned Helm release, which waits for those
 * permissions (the add-on calls AWS as soon as it starts). Resources are named `<name>-role`,
 * whatever `grant` names, and `<name>-release`.
 */
export function irsaRelease(
  name: string,
  args: IrsaReleaseArgs,
  parent: pulumi.Resource,
): { role: aws.iam.Role; release: k8s.helm.v3.Release } {
  const role = serviceAccountRole(
    `${name}-role`,
    {
      description: args.description,
      oidcProviderArn: args.oidcProviderArn,
      oidcIssuer: args.oidcIssuer,
      namespace: args.namespace,
      serviceAccountName: args.serviceAccountName,
      tags: args.tags,
    },
    { parent },
  );
  const permissions = args.grant(role);
  const release = pinnedRelease(
    `${name}-release`,
    args.chart,
    args.namespace,
    args.values({
      create: true,
      name: args.serviceAccountName,
      annotations: { "eks.amazonaws.com/role-arn": role.arn },
    }),
    { parent, provider: args.provider, dependsOn: [permissions, ...args.after] },
  );
  return { role, release };
}

/** A `grant` for {@link irsaRelease}: one inline policy `<name>-policy` on the role. */
export function inlinePolicy(
  name: string,
  policy: pulumi.Input<string>,
  parent: pulumi.Resource,
): (role: aws.iam.Role) => aws.iam.RolePolicy {
  return (role) => new aws.iam.RolePolicy(`${name}-policy`, { role: role.name, policy }, { parent });
}
