/**
 * Secret references: what the `secrets` key maps an environment variable name to, and what reading one
 * takes. A fact (imports no SDK) so config (formats, partition), the ECS execution role, the EKS
 * SecretProviderClass, the `kubernetes` refresher and the policy pack read a reference the same way.
 * The program only ever handles these references (ARNs); a secret's value is read at run time by ECS,
 * the CSI driver's AWS provider or the refresher, never by the program.
 */

import { APP_ENV_NAMES } from "./app-env";
import { type AwsPartition, regionPartition } from "./aws-regions";

/**
 * The partition a region belongs to: facts/aws-regions.ts's table (the AWS SDK's partitions), "aws" for
 * a name no partition admits (config has refused it already).
 */
export function partitionOfRegion(region: string): AwsPartition {
  return regionPartition(region)?.partition ?? "aws";
}

/**
 * A Secrets Manager reference as ECS's `secrets[].valueFrom` takes it:
 * `arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-<6 characters>[:<json-key>:<version-stage>:<version-id>]`
 * (Amazon ECS Developer Guide, "Pass Secrets Manager secrets through Amazon ECS environment variables",
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html, read
 * 2026-12-07; the 6-character suffix is what Secrets Manager appends to every secret's ARN, Secrets
 * Manager User Guide "Secret ARN"). The name may hold `/_+=.@-` and letters and digits.
 * The json-key, version-stage and version-id parts are each optional (empty) but positional.
 */
const SECRETS_MANAGER_REF =
  /^arn:(aws|aws-cn|aws-us-gov):secretsmanager:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):secret:([\w/+=.@-]+-[A-Za-z0-9]{6})(?::([^:]*):([^:]*):([^:]*))?$/;

/**
 * An SSM Parameter Store reference: `arn:<partition>:ssm:<region>:<account>:parameter/<name>` (the
 * parameter's ARN, which ECS's valueFrom takes as is; a name with a path keeps its leading `/` out of the
 * ARN: `parameter/prod/db`). Versions are not part of the reference: to roll a new value out, pin a
 * Secrets Manager version (docs/secrets.md).
 */
const SSM_PARAMETER_REF =
  /^arn:(aws|aws-cn|aws-us-gov):ssm:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):parameter\/([\w/.-]{1,1011})$/;

/** What every platform is told about the secrets: what to deliver, never a value. */
export interface SecretSettings {
  /** Environment variable name → reference (facts/secrets.ts forms), sorted by name. */
  env: { name: string; valueFrom: string }[];
  /** A customer-managed KMS key the values are encrypted with: readers get `kms:Decrypt` on it. */
  kmsKeyArn?: string;
}

export interface SecretRef {
  service: "secretsmanager" | "ssm";
  partition: AwsPartition;
  region: string;
  accountId: string;
  /** The secret's or parameter's ARN without the json-key/version suffix: what IAM permissions name. */
  resourceArn: string;
  /** What the read API takes: the secret's ARN (`SecretId`), the parameter's ARN (`Name` takes an ARN). */
  id: string;
  /** Secrets Manager: one key of a JSON secret (empty: the whole value). */
  jsonKey?: string;
  /** Secrets Manager: a version stage such as AWSCURRENT or AWSPREVIOUS. */
  versionStage?: string;
  /** Secrets Manager: a version id (a UUID); pinning one is what makes a rotation a rollout. */
  versionId?: string;
}

/** A KMS key ARN (not an alias: `kms:Decrypt` permissions name keys). */
export const KMS_KEY_ARN =
  /^arn:(?:aws|aws-cn|aws-us-gov):kms:[a-z]{2}(?:-[a-z]+)+-\d:\d{12}:key\/(?:mrk-)?[0-9a-f-]{32,36}$/;

/**
 * A service-account issuer URL as IAM takes it for an OIDC provider: https, a host, an optional path, no
 * query or fragment (IAM API reference, CreateOpenIDConnectProvider `Url`: "must begin with https://"
 * and "correspond to the iss claim", read 2026-12-07); no trailing slash, since `iss` must match exactly.
 */
export const OIDC_ISSUER_URL = /^https:\/\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:\d{1,5})?(\/[^\s?#]*[^\s?#/])?$/;

/** Every reference form, for messages. */
export const SECRET_REF_FORMS =
  "a Secrets Manager ARN arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-<6 chars>[:<json-key>:<version-stage>:<version-id>] or an SSM parameter ARN arn:<partition>:ssm:<region>:<account>:parameter/<name>";

/** The reference's parts, or undefined when it is neither form. */
export function parseSecretRef(text: string): SecretRef | undefined {
  const sm = SECRETS_MANAGER_REF.exec(text);
  if (sm) {
    const [, partition, region = "", accountId = "", name = "", jsonKey, versionStage, versionId] = sm;
    const resourceArn = `arn:${partition}:secretsmanager:${region}:${accountId}:secret:${name}`;
    return {
      service: "secretsmanager",
      partition: partition as AwsPartition,
      region,
      accountId,
      resourceArn,
      id: resourceArn,
      ...(jsonKey ? { jsonKey } : {}),
      ...(versionStage ? { versionStage } : {}),
      ...(versionId ? { versionId } : {}),
    };
  }
  const ssm = SSM_PARAMETER_REF.exec(text);
  if (ssm) {
    const [, partition, region = "", accountId = ""] = ssm;
    return {
      service: "ssm",
      partition: partition as AwsPartition,
      region,
      accountId,
      resourceArn: text,
      id: text,
    };
  }
  return undefined;
}

/**
 * An environment variable name a secret may take: a POSIX-style name (letters, digits, `_`, not
 * starting with a digit), as both ECS `secrets[].name` and a Kubernetes `env[].name` accept.
 */
export const SECRET_ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** The env var the platform names the secret variables in (comma-separated), so the app's logger redacts them. */
export const SECRET_ENV_NAMES_VAR = "SECRET_ENV_NAMES";

/**
 * Names a secret may not take: every variable the platforms set for the app (facts/app-env.ts, the list
 * platforms/app-contract.ts passes), the list of secret names itself, and NODE_OPTIONS (a value there
 * would change how the runtime starts, not what the app reads).
 */
export const RESERVED_ENV_NAMES = [...APP_ENV_NAMES, SECRET_ENV_NAMES_VAR, "NODE_OPTIONS"] as const;

/** The API actions that read a reference's value (what the execution role, the app role and the refresher may do). */
export const SECRET_READ_ACTIONS = {
  secretsmanager: ["secretsmanager:GetSecretValue"],
  ssm: ["ssm:GetParameters", "ssm:GetParameter"],
} as const;

/** Every action any reader of a secret uses: the policy pack's "no `*` on secret reads" looks for these. */
export const ALL_SECRET_READ_ACTIONS: readonly string[] = [
  ...SECRET_READ_ACTIONS.secretsmanager,
  ...SECRET_READ_ACTIONS.ssm,
  "ssm:GetParametersByPath",
  "kms:Decrypt",
];

/**
 * The IAM statements that let a principal read exactly these references (plus `kms:Decrypt` on the one
 * key the user named for a customer-managed key): one statement per service, resources sorted so the
 * same config yields the same policy. ECS: "Required IAM permissions for Amazon ECS secrets" (task
 * execution role: secretsmanager:GetSecretValue on the secret, ssm:GetParameters on the parameter,
 * kms:Decrypt on a customer key; Amazon ECS Developer Guide, read 2026-12-07).
 */
export function secretReadStatements(refs: readonly SecretRef[], kmsKeyArn?: string): object[] {
  const statements: object[] = [];
  for (const service of ["secretsmanager", "ssm"] as const) {
    const arns = [...new Set(refs.filter((r) => r.service === service).map((r) => r.resourceArn))].sort();
    if (arns.length === 0) continue;
    statements.push({
      Sid: service === "secretsmanager" ? "ReadDeclaredSecrets" : "ReadDeclaredParameters",
      Effect: "Allow",
      Action: [...SECRET_READ_ACTIONS[service]],
      Resource: arns,
    });
  }
  if (kmsKeyArn !== undefined && refs.length > 0) {
    statements.push({
      Sid: "DecryptDeclaredSecrets",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: kmsKeyArn,
    });
  }
  return statements;
}

/**
 * Names that look like they hold a secret: one ending in a secret's word (DB_PASSWORD, API_KEY,
 * GITHUB_TOKEN, CLIENT_SECRET, AWS_SECRET_ACCESS_KEY). The policy pack refuses such a name with a plain
 * `value` in a task definition's `environment` or a container's `env`: it belongs in `secrets`. Names
 * that only mention the word (SECRET_NAME, TOKEN_DIR, AWS_WEB_IDENTITY_TOKEN_FILE, SECRET_ENV_NAMES)
 * name where a secret is, not the secret.
 */
export const SECRET_LIKE_ENV_NAME =
  /(?:^|_)(?:PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?)$/i;

/**
 * A stable digest of the pinned references (name → ref, sorted): the pod template carries it, so a new
 * pinned version changes the template and rolls out like any release. FNV-1a 64-bit in hex: no crypto
 * import, so this stays SDK- and Node-free; it names references, never values.
 */
export function secretRefsDigest(secrets: Readonly<Record<string, string>>): string {
  const text = JSON.stringify(
    Object.keys(secrets)
      .sort()
      .map((name) => [name, secrets[name]]),
  );
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, "0");
}

/**
 * How often the `kubernetes` platform's IAM user key is renewed when no public issuer lets the cluster
 * federate. Two keys live side by side (slots a and b), each renewed every second period, so a key is
 * at most 2 × 30 = 60 days old: under the 90 days after which AWS Config's managed rule
 * `access-keys-rotated` (maxAccessKeyAge default 90; AWS Config Developer Guide, read 2026-12-07) flags
 * it, and the one being replaced has been out of use for a whole period, so nothing still holds it.
 */
export const ACCESS_KEY_ROTATION_DAYS = 30;

/** The generation of each key slot on `today` (YYYY-MM-DD): a slot's key is replaced when its number moves. */
export function accessKeyGenerations(today: string): { a: number; b: number } {
  const days = Math.floor(Date.parse(`${today}T00:00:00Z`) / 86_400_000);
  const g = Math.floor(days / ACCESS_KEY_ROTATION_DAYS);
  return g % 2 === 0 ? { a: g, b: g - 1 } : { a: g - 1, b: g };
}

/** How the `kubernetes` platform's in-cluster refresher gets AWS credentials. */
export type KubernetesAwsAccess =
  /** AssumeRoleWithWebIdentity with a projected token: an IAM OIDC provider for this issuer, no key. */
  | { webIdentity: { issuer: string } }
  /**
   * An IAM user key per slot, each replaced (delete first: IAM allows two keys per user) when its
   * generation moves. The refresher is given both and uses whichever AWS accepts, so which slot is the
   * newer one is never an input and a stack's inputs do not change between rotations.
   */
  | {
      accessKey: {
        generations: { a: number; b: number };
        /** The key works only from these CIDRs (aws:SourceIp); empty: from anywhere. */
        egressCidrs: string[];
      };
    };

/**
 * The one plain environment entry secrets add: the names (never the values) the app's logger redacts
 * (app/src/app.ts). Nothing without secrets, so a stack without them keeps its env as it was.
 */
export function secretNamesEnv(settings: SecretSettings): { name: string; value: string }[] {
  if (settings.env.length === 0) return [];
  return [{ name: SECRET_ENV_NAMES_VAR, value: settings.env.map((e) => e.name).join(",") }];
}

/** Every declared reference, parsed (config checked each form, so none is undefined). */
export function parsedSecretRefs(settings: SecretSettings): SecretRef[] {
  return settings.env.flatMap((e) => {
    const ref = parseSecretRef(e.valueFrom);
    return ref ? [ref] : [];
  });
}
