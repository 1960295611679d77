import * as aws from "@pulumi/aws";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { awsTags } from "../aws";
import { type PinnedChart, pinnedRelease } from "./pinned-chart";

/**
 * The service principal of EKS Pod Identity: the one principal every Pod Identity role trusts, whatever
 * the cluster ("Create IAM role with trust policy required by EKS Pod Identity",
 * https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html, read 2026-12-07; the same in the
 * aws.eks.PodIdentityAssociation example of @pulumi/aws 7.48.0 eks/podIdentityAssociation.d.ts).
 */
export const POD_IDENTITY_PRINCIPAL = "pods.eks.amazonaws.com";

/** Who may use a Pod Identity role: one service account of one namespace of one cluster. */
export interface PodIdentitySubject {
  clusterName: pulumi.Input<string>;
  namespace: pulumi.Input<string>;
  serviceAccount: pulumi.Input<string>;
}

/**
 * The trust policy of a Pod Identity role: `pods.eks.amazonaws.com` with `sts:AssumeRole` (EKS Pod
 * Identity assumes the role before handing pods its credentials) and `sts:TagSession` (it adds session
 * tags naming the cluster, namespace and service account). No OIDC provider, no issuer: the role needs no
 * IAM OIDC provider (100 per account) and survives a cluster replacement. The principal alone would let
 * ANY Pod Identity association in the account use the role, so the conditions on those session tags pin
 * it to one service account of one cluster, as IRSA's `sub` condition did (pod-id-role.html "Setting
 * Conditions", read 2026-12-07: `aws:RequestTag/kubernetes-namespace`, `…/kubernetes-service-account`;
 * `eks-cluster-name` is among the tags pod-id-abac.html lists). The cluster NAME, not its ARN, so a
 * replaced cluster of the same name keeps the role.
 */
export function podIdentityTrustPolicy(subject: {
  clusterName: string;
  namespace: string;
  serviceAccount: string;
}): object {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: POD_IDENTITY_PRINCIPAL },
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Condition: {
          StringEquals: {
            "aws:RequestTag/eks-cluster-name": subject.clusterName,
            "aws:RequestTag/kubernetes-namespace": subject.namespace,
            "aws:RequestTag/kubernetes-service-account": subject.serviceAccount,
          },
        },
      },
    ],
  };
}

/** An IAM role for EKS Pod Identity ({@link podIdentityTrustPolicy}); bind it with an association. */
export function podIdentityRole(
  name: string,
  args: PodIdentitySubject & { description: string; tags: Record<string, string> },
  opts: pulumi.CustomResourceOptions,
): aws.iam.Role {
  return new aws.iam.Role(
    name,
    {
      description: args.description,
      assumeRolePolicy: pulumi
        .all([args.clusterName, args.namespace, args.serviceAccount])
        .apply(([clusterName, namespace, serviceAccount]) =>
          JSON.stringify(podIdentityTrustPolicy({ clusterName, namespace, serviceAccount })),
        ),
      tags: args.tags,
    },
    opts,
  );
}

export interface PodIdentityAssociationArgs extends PodIdentitySubject {
  role: aws.iam.Role;
  tags: Record<string, string>;
}

/**
 * The one association of a service account with its role. EKS sets the credential env vars on pods
 * created AFTER it exists (the Pod Identity webhook mutates pods at admission: "Understand how EKS Pod
 * Identity works", pod-id-how-it-works.html, read 2026-12-07), so whatever runs under the service
 * account waits for it. The webhook mounts its own projected token (audience pods.eks.amazonaws.com),
 * which is why this works with `automountServiceAccountToken: false`.
 */
export function podIdentityAssociation(
  name: string,
  args: PodIdentityAssociationArgs,
  opts: pulumi.CustomResourceOptions,
): aws.eks.PodIdentityAssociation {
  return new aws.eks.PodIdentityAssociation(
    name,
    {
      clusterName: args.clusterName,
      namespace: args.namespace,
      serviceAccount: args.serviceAccount,
      roleArn: args.role.arn,
      tags: args.tags,
    },
    opts,
  );
}

/** The cluster a Pod Identity add-on runs in: what every add-on with its own IAM role takes. */
export interface PodIdentityClusterArgs {
  /** Kubernetes objects go through this provider only. */
  provider: k8s.Provider;
  /** The cluster the association is made in. */
  clusterName: pulumi.Input<string>;
  /**
   * What the release must wait for (e.g. CoreDNS, itself after the nodes and the Pod Identity agent): a
   * component's own dependsOn does not reach its children, so it is passed to the release here.
   */
  after: pulumi.Resource[];
}

export interface PodIdentityReleaseArgs extends PodIdentityClusterArgs {
  /** The component's tags ({@link awsTags}), for the role and the association. */
  tags: Record<string, string>;
  /** The role's description. */
  description: string;
  namespace: string;
  serviceAccountName: string;
  /** Gives the role its permissions; returns what the release must wait for (the policy). */
  grant: (role: aws.iam.Role) => pulumi.Resource;
  chart: PinnedChart;
  /** The chart's values, given the service account block (created and named; no role annotation). */
  values: (serviceAccount: ServiceAccountValues) => pulumi.Input<Record<string, unknown>>;
}

/** The service-account values block the eks-charts, autoscaler and fluent-bit charts share. */
export interface ServiceAccountValues {
  create: true;
  name: string;
}

/**
 * A cluster add-on with its own AWS identity: a Pod Identity role ({@link podIdentityRole}), its
 * permissions, the association of its service account with the role, and its pinned Helm release,
 * which waits for both (the add-on calls AWS as soon as it starts, and only pods created after the
 * association get its credentials). Resources are named `<name>-role`, whatever `grant` names,
 * `<name>-pod-identity` and `<name>-release`.
 */
export function podIdentityRelease(
  name: string,
  args: PodIdentityReleaseArgs,
  parent: pulumi.Resource,
): { role: aws.iam.Role; association: aws.eks.PodIdentityAssociation; release: k8s.helm.v3.Release } {
  const subject = {
    clusterName: args.clusterName,
    namespace: args.namespace,
    serviceAccount: args.serviceAccountName,
  };
  const role = podIdentityRole(
    `${name}-role`,
    { ...subject, description: args.description, tags: args.tags },
    { parent },
  );
  const permissions = args.grant(role);
  const association = podIdentityAssociation(
    `${name}-pod-identity`,
    { ...subject, role, tags: args.tags },
    { parent },
  );
  const release = pinnedRelease(
    `${name}-release`,
    args.chart,
    args.namespace,
    args.values({ create: true, name: args.serviceAccountName }),
    { parent, provider: args.provider, dependsOn: [permissions, association, ...args.after] },
  );
  return { role, association, release };
}

/** A `grant` for {@link podIdentityRelease}: one inline policy `<name>-policy` on the role. */
export function inlinePolicy(
  name: string,
  policy: pulumi.Input<string>,
  parent: pulumi.Resource,
): (role: aws.iam.Role) => aws.iam.RolePolicy {
  return (role) => new aws.iam.RolePolicy(`${name}-policy`, { role: role.name, policy }, { parent });
}
