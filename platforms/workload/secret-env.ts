import type * as pulumi from "@pulumi/pulumi";
import { SECRET_ENV_NAMES_VAR, type SecretSettings, secretRefsDigest } from "../../facts";

/**
 * The app's secrets on a cluster: environment variables read from one Kubernetes Secret that the
 * platform's delivery keeps (EKS: the Secrets Store CSI driver's AWS provider, secret-provider-class.ts;
 * `kubernetes`: the in-cluster refresher, ecr-pull-secret.ts). KubernetesApp only wires them into the
 * pod; it never sees a value.
 */
export interface SecretEnv {
  /**
   * The Secret holding one key per variable. Its name carries the references' digest, so a new pinned
   * version is a new Secret and a new pod template: the rollout replaces pods that read the old one
   * with pods that read the new one, and an old pod never sees its environment's source change.
   */
  secretName: pulumi.Input<string>;
  /** The variable names, sorted (config sorts them): each is also the Secret's key. */
  names: string[];
  /** Digest of the pinned references (facts/secrets.ts secretRefsDigest), never of values. */
  digest: string;
  /**
   * A Secrets Store CSI volume the pod must mount: the driver creates (syncs) the Secret only while a
   * pod mounts the SecretProviderClass (kubernetes-sigs/secrets-store-csi-driver docs, "Sync as
   * Kubernetes Secret", read 2026-12-07).
   */
  csiSecretProviderClass?: pulumi.Input<string>;
  /** What the Deployment waits for (the SecretProviderClass, the first fill). */
  ready: pulumi.Resource[];
}

/**
 * The Secret's name, variable names and digest for these settings: `<prefix>-secrets-<10 hex of the
 * digest>` (a DNS subdomain whatever the prefix config allowed), the same on eks and kubernetes.
 */
export function secretEnvNaming(
  namePrefix: string,
  settings: SecretSettings,
): Pick<SecretEnv, "secretName" | "names" | "digest"> & { secretName: string } {
  const digest = secretRefsDigest(Object.fromEntries(settings.env.map((e) => [e.name, e.valueFrom])));
  return {
    secretName: `${namePrefix}-secrets-${digest.slice(0, 10)}`,
    names: settings.env.map((e) => e.name),
    digest,
  };
}

/** The pod-template annotation that holds the digest: a new pinned version changes the template. */
export const SECRET_REFS_ANNOTATION = "fastify-deploy/secret-refs";
const CSI_VOLUME = "secrets-store";
const CSI_MOUNT = "/mnt/secrets-store";

/** The container's extra env: the names for the logger's redaction, then each variable from the Secret. */
export function secretEnvEntries(secretEnv: SecretEnv | undefined) {
  if (secretEnv === undefined || secretEnv.names.length === 0) return [];
  return [
    { name: SECRET_ENV_NAMES_VAR, value: secretEnv.names.join(",") },
    ...secretEnv.names.map((name) => ({
      name,
      valueFrom: { secretKeyRef: { name: secretEnv.secretName, key: name } },
    })),
  ];
}

export function secretPodAnnotations(secretEnv: SecretEnv | undefined): Record<string, string> {
  return secretEnv === undefined ? {} : { [SECRET_REFS_ANNOTATION]: secretEnv.digest };
}

export function secretVolumes(secretEnv: SecretEnv | undefined) {
  if (secretEnv?.csiSecretProviderClass === undefined) return [];
  return [
    {
      name: CSI_VOLUME,
      csi: {
        driver: "secrets-store.csi.k8s.io",
        readOnly: true,
        volumeAttributes: { secretProviderClass: secretEnv.csiSecretProviderClass },
      },
    },
  ];
}

export function secretVolumeMounts(secretEnv: SecretEnv | undefined) {
  if (secretEnv?.csiSecretProviderClass === undefined) return [];
  return [{ name: CSI_VOLUME, mountPath: CSI_MOUNT, readOnly: true }];
}
