import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { stringify as toYaml } from "yaml";
import { parsedSecretRefs, parseSecretRef, type SecretSettings, secretReadStatements } from "../../facts";
import { type SecretEnv, secretEnvNaming } from "../workload";
import { pinnedRelease } from "./pinned-chart";
import { SECRETS_STORE_PROVIDER_CHART } from "./versions";

/**
 * The app's secrets on EKS: the Secrets Store CSI driver with the AWS provider (ASCP), chosen over
 * External Secrets Operator because ASCP fetches with the POD's own identity (the token the driver
 * requests for the pod's service account; `usePodIdentity` selects EKS Pod Identity instead of IRSA:
 * aws/secrets-store-csi-driver-provider-aws README "SecretProviderClass options", read 2026-12-07),
 * while ESO's controller fetches with its own identity for every namespace, a second principal that can
 * read every app's secrets. docs/secrets.md has the comparison.
 *
 * The read permission is a separate policy on the app's Pod Identity role.
 */

/**
 * The app's role comes through EKS Pod Identity (eks-platform.ts createAppIdentity, issue 26), so the
 * provider reads with the pod's Pod Identity credentials: ASCP's `usePodIdentity: "true"` (ASCP README).
 */
export const USE_POD_IDENTITY = "true";

export interface SecretsStoreArgs {
  provider: k8s.Provider;
  /** The app's namespace (an Output of the Namespace, so the SecretProviderClass waits for it). */
  namespace: pulumi.Input<string>;
  /** Name prefix of the objects: the namespace name. */
  namePrefix: string;
  /** The stack's region: ASCP reads one region per SecretProviderClass (config keeps every ref in it). */
  region: pulumi.Input<string>;
  /** The app's role (IRSA today; Pod Identity after issue 26). */
  appRole: aws.iam.Role;
  secrets: SecretSettings;
  /** What the driver's pods need first (the nodes, CoreDNS). */
  after: pulumi.Resource[];
  tags: Record<string, string>;
}

/** The ASCP `objects` parameter: one object per secret (and version), a jmesPath entry per JSON key. */
export function ascpObjects(secrets: SecretSettings): string {
  const groups = new Map<string, { object: Record<string, unknown>; paths: Record<string, string>[] }>();
  for (const { name, valueFrom } of secrets.env) {
    const ref = parseSecretRef(valueFrom);
    if (ref === undefined) continue;
    const key = JSON.stringify([ref.resourceArn, ref.versionId ?? "", ref.versionStage ?? ""]);
    let group = groups.get(key);
    if (group === undefined) {
      group = {
        object: {
          objectName: ref.resourceArn,
          objectType: ref.service === "ssm" ? "ssmparameter" : "secretsmanager",
          // Every object gets an alias (the file it is written to); a JSON-key-only one a neutral name.
          objectAlias: `object-${groups.size}`,
          ...(ref.versionId !== undefined && { objectVersion: ref.versionId }),
          ...(ref.versionStage !== undefined && { objectVersionLabel: ref.versionStage }),
        },
        paths: [],
      };
      groups.set(key, group);
    }
    if (ref.jsonKey === undefined) group.object.objectAlias = name;
    // A quoted JMESPath identifier: any key, hyphens included (the README's escaping rule).
    else group.paths.push({ path: JSON.stringify(ref.jsonKey), objectAlias: name });
  }
  return toYaml(
    [...groups.values()].map(({ object, paths }) =>
      paths.length > 0 ? { ...object, jmesPath: paths } : object,
    ),
  );
}

/**
 * What ASCP needs: the read statements every platform uses, plus secretsmanager:DescribeSecret on the
 * same secrets, which AWS's ASCP guide grants the pod's role ("grants secretsmanager:GetSecretValue and
 * secretsmanager:DescribeSecret permission to the secrets that the Pod needs to access",
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/integrating_ascp_irsa.html, read 2026-12-07).
 */
export function ascpReadStatements(secrets: SecretSettings): object[] {
  return secretReadStatements(parsedSecretRefs(secrets), secrets.kmsKeyArn).map((statement) =>
    (statement as { Sid?: string }).Sid === "ReadDeclaredSecrets"
      ? { ...statement, Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"] }
      : statement,
  );
}

/**
 * The driver and ASCP (one pinned release, Secret sync on), the app role's read permission, and the
 * SecretProviderClass that syncs the values into `<namespace>-secrets-<digest>`.
 */
export function createSecretsStore(name: string, args: SecretsStoreArgs, parent: pulumi.Resource): SecretEnv {
  const opts = { parent, provider: args.provider };
  const policy = new aws.iam.RolePolicy(
    `${name}-app-secrets`,
    {
      role: args.appRole.name,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: ascpReadStatements(args.secrets),
      }),
    },
    { parent },
  );
  const release = pinnedRelease(
    `${name}-secrets-store`,
    SECRETS_STORE_PROVIDER_CHART,
    "kube-system",
    {
      // The driver as the chart's subchart (pinned by the chart's Chart.lock), with Secret sync: the app
      // reads its secrets as env vars from the synced Secret. Rotation polling stays off: a new value
      // reaches the app by a pinned version and a rollout (docs/secrets.md).
      "secrets-store-csi-driver": { install: true, syncSecret: { enabled: true } },
    },
    { ...opts, dependsOn: args.after },
  );
  const { secretName, names, digest } = secretEnvNaming(args.namePrefix, args.secrets);
  const spc = new k8s.apiextensions.CustomResource(
    `${name}-secret-provider-class`,
    {
      apiVersion: "secrets-store.csi.x-k8s.io/v1",
      kind: "SecretProviderClass",
      metadata: { name: `${args.namePrefix}-secrets`, namespace: args.namespace },
      spec: {
        provider: "aws",
        parameters: {
          objects: ascpObjects(args.secrets),
          region: args.region,
          usePodIdentity: USE_POD_IDENTITY,
        },
        secretObjects: [
          {
            secretName,
            type: "Opaque",
            data: args.secrets.env.map(({ name: key }) => ({ objectName: key, key })),
          },
        ],
      },
    },
    { ...opts, dependsOn: [release, policy] },
  );
  return {
    secretName,
    names,
    digest,
    csiSecretProviderClass: spc.metadata.name,
    ready: [spc],
  };
}
