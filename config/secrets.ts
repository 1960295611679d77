import {
  accessKeyGenerations,
  ecrImage,
  type KubernetesAwsAccess,
  parseSecretRef,
  partitionOfRegion,
  type SecretSettings,
} from "../facts";
import type { RawConfig, Valid } from "./common";
import { fullKey, type Values } from "./keys";
import { show } from "./schema";

/**
 * The `secrets` key's rules between keys, on every platform: each reference in the stack's partition (a
 * role in one partition cannot be granted another's resources), a KMS key only with secrets, and, where
 * one delivery reads from one region (eks: the CSI driver's AWS provider takes one `region` per
 * SecretProviderClass), every reference in the stack's region. Formats and names are the schema's.
 */
export function secretsProblems(v: Values, raw: RawConfig, { oneRegion }: { oneRegion: boolean }): string[] {
  const key = fullKey("secrets");
  const entries = v.secrets ?? [];
  const problems: string[] = [];
  const region = raw["aws:region"]?.value || undefined;
  const expectedPartition = region !== undefined ? partitionOfRegion(region) : undefined;
  const partitions = new Set<string>();
  for (const { name, valueFrom } of entries) {
    const ref = parseSecretRef(valueFrom);
    if (ref === undefined) continue;
    partitions.add(ref.partition);
    if (expectedPartition !== undefined && ref.partition !== expectedPartition) {
      problems.push(
        `${key}: got ${show(valueFrom)} for ${name} in partition ${ref.partition}; expected an ARN in partition ${expectedPartition}, aws:region ${region}'s (a role in one partition is never granted another's secrets)`,
      );
    } else if (oneRegion && region !== undefined && ref.region !== region) {
      problems.push(
        `${key}: got ${show(valueFrom)} for ${name} in region ${ref.region}; expected a secret in aws:region ${region} (the CSI driver's AWS provider reads one region; replicate the secret there)`,
      );
    }
  }
  if (expectedPartition === undefined && partitions.size > 1) {
    problems.push(
      `${key}: got ARNs in partitions ${[...partitions].sort().join(" and ")}; expected one partition (one AWS identity reads them all)`,
    );
  }
  if (v.secretsKmsKeyArn !== undefined && v.secrets !== undefined && entries.length === 0) {
    problems.push(
      `${fullKey("secretsKmsKeyArn")}: got ${show(v.secretsKmsKeyArn)} without secrets; expected "" (the key only decrypts the declared secrets) or set secrets`,
    );
  }
  return problems;
}

/** What every platform's Args carry as `secrets`. */
export function secretSettings(v: Valid): SecretSettings {
  return {
    env: v.secrets.map(({ name, valueFrom }) => ({ name, valueFrom })),
    ...(v.secretsKmsKeyArn !== undefined && { kmsKeyArn: v.secretsKmsKeyArn }),
  };
}

/**
 * On `kubernetes` the in-cluster refresher delivers the secrets with the AWS identity it pulls the ECR
 * image with; a stack that pulls some other way (imagePullSecret, another registry) has no refresher.
 */
export function kubernetesSecretProblems(v: Values): string[] {
  if ((v.secrets ?? []).length === 0) return [];
  const reasons: string[] = [];
  if (v.imagePullSecret !== undefined) reasons.push(`imagePullSecret ${show(v.imagePullSecret)}`);
  if (v.imageUri !== undefined && ecrImage(v.imageUri) === undefined) {
    reasons.push(`imageUri ${show(v.imageUri)} outside Amazon ECR`);
  }
  if (reasons.length === 0) return [];
  return [
    `${fullKey("secrets")}: got ${v.secrets?.length} secret(s) with ${reasons.join(" and ")}; expected the ECR image pulled through the program's refresher (imagePullSecret "" and an ECR imageUri or none), which is what reads the secrets into the cluster on kubernetes (docs/secrets.md)`,
  ];
}

/**
 * How the refresher on `kubernetes` reaches AWS: federated through the cluster's public issuer, or
 * else an IAM user key in two slots renewed on the schedule of facts/secrets.ts (today's generations).
 */
export function awsAccessSettings(v: Valid, today: string): KubernetesAwsAccess {
  if (v.serviceAccountIssuer !== undefined) return { webIdentity: { issuer: v.serviceAccountIssuer } };
  return { accessKey: { generations: accessKeyGenerations(today), egressCidrs: v.clusterEgressCidrs } };
}
