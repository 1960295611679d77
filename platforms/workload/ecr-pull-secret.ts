import * as fs from "node:fs";
import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { delegatedPaths } from "../../facts";
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from "./pod-security";

/** The refresher's script, shipped in a ConfigMap (see ecr-pull-refresher.cjs for why plain JavaScript). */
export const REFRESHER_SCRIPT_FILE = path.join(__dirname, "ecr-pull-refresher.cjs");

/**
 * Every 3 hours, at minute 17 (off the hour, when registries are busiest). An ECR token lives 12 hours,
 * so three refreshes in a row can fail before a pull would.
 */
export const REFRESH_SCHEDULE = "17 */3 * * *";

/** The refresher pods' uid/gid: any non-root id works, the script only reads mounted files. */
const REFRESHER_UID = 65532;
const TOKEN_DIR = "/var/run/secrets/ecr-refresher";
/** A valid, empty `.dockerconfigjson`: the Secret's content until the first refresh fills it. */
const EMPTY_DOCKER_CONFIG = Buffer.from('{"auths":{}}').toString("base64");

export interface EcrPullSecretArgs {
  provider: k8s.Provider;
  /** The namespace (an Output of the Namespace object, so everything here waits for it). */
  namespace: pulumi.Input<string>;
  /** Prefix of every object name, e.g. the namespace name: `<prefix>-image-pull`. */
  namePrefix: string;
  labels: Record<string, string>;
  /** The image's own registry host, region included (`<account>.dkr.ecr.<region>.amazonaws.com`). */
  registryHost: pulumi.Input<string>;
  /** The registry's region and its ECR API endpoint, where tokens are issued. */
  region: pulumi.Input<string>;
  ecrEndpoint: pulumi.Input<string>;
  /** How the refresher reaches AWS: a role it assumes with a projected token, or access keys. */
  aws: RefresherAws;
  /**
   * The app's secrets, read by the refresher into the Secret `secretName` (one key per variable), which
   * the app's pods read through secretKeyRef. References only; no value is ever an input.
   */
  appSecrets?: { env: { name: string; valueFrom: string }[]; secretName: string };
  /** The Node.js image the refresher runs in, digest-pinned; it must be pullable without credentials. */
  image: string;
  /**
   * Where the pull Secret was registered before this component owned it (KubernetesApp created it as
   * `<app>-image-pull`): an alias, so an existing stack updates that object instead of creating one of
   * the same name and then deleting it.
   */
  previously: { name: string; parent: pulumi.Resource };
}

export type RefresherAws =
  /**
   * AssumeRoleWithWebIdentity with the pod's projected service-account token (audience
   * sts.amazonaws.com): no long-lived key anywhere (the cluster's issuer must be public).
   */
  | { roleArn: pulumi.Input<string> }
  /** One or two access keys (secret Outputs), tried in turn: two overlap while one is rotated. */
  | { accessKeys: { id: pulumi.Input<string>; secret: pulumi.Input<string> }[] };

/** The audience of the token the refresher gives STS (what the IAM OIDC provider's client id list holds). */
export const STS_AUDIENCE = "sts.amazonaws.com";

/** The refresher's service account: what a web-identity role's trust names (`system:serviceaccount:<ns>:<this>`). */
export const refresherServiceAccountName = (namePrefix: string): string => `${namePrefix}-ecr-refresher`;

/**
 * An image-pull Secret for a private ECR registry that stays valid: the program creates it once (empty),
 * a Job fills it before the app's pods are created, and a CronJob refreshes it every few hours. The
 * Secret's `data` belongs to the refresher (Pulumi ignores it), so a re-run with no changes changes no
 * object, and no token is ever one of the program's inputs.
 *
 * The refresher's rights are the least that work: `patch` on the one Secret (by resourceNames; `create`
 * cannot be narrowed that way, which is why the program creates the Secret), a service-account token
 * that is projected for 10 minutes instead of auto-mounted, and Pod Security "restricted".
 */
export class EcrPullSecret extends pulumi.ComponentResource {
  /** The Secret the app's pods name in imagePullSecrets. */
  public readonly secretName: pulumi.Output<string>;
  /** The first refresh: the app's Deployment depends on it, so its first pull already has a token. */
  public readonly initialRefresh: k8s.batch.v1.Job;

  constructor(name: string, args: EcrPullSecretArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fastify-deploy:platforms:EcrPullSecret", name, {}, opts);
    const refresher = refresherServiceAccountName(args.namePrefix);
    // Its own name label: the app's selectors (Deployment, Service, PDB, NetworkPolicy) must not match it.
    const labels = {
      ...args.labels,
      "app.kubernetes.io/name": "ecr-pull-refresher",
      "app.kubernetes.io/component": "ecr-pull-refresher",
    };
    const r: Refresher = {
      name,
      args,
      opts: { parent: this, provider: args.provider },
      labels,
      metadata: (objectName) => ({ name: objectName, namespace: args.namespace, labels }),
      objectName: refresher,
    };

    const pullSecret = createPullSecret(r);
    const appSecret = createAppSecret(r);
    const awsCredentials =
      "accessKeys" in args.aws ? createAwsCredentials(r, args.aws.accessKeys) : undefined;
    const script = createScript(r);
    const { serviceAccount, binding } = createPatchRights(r, [pullSecret, ...(appSecret ? [appSecret] : [])]);
    const jobSpec = {
      backoffLimit: 4,
      activeDeadlineSeconds: 600,
      template: refresherPod(r, { pullSecret, appSecret, awsCredentials, script, serviceAccount }),
    };
    this.secretName = pullSecret.metadata.name;
    this.initialRefresh = createInitialRefresh(r, jobSpec, binding);
    createRefreshSchedule(r, jobSpec, binding);
    this.registerOutputs({ secretName: this.secretName });
  }
}

/** What every step of {@link EcrPullSecret} shares. */
interface Refresher {
  name: string;
  args: EcrPullSecretArgs;
  opts: pulumi.CustomResourceOptions;
  labels: Record<string, string>;
  metadata: (objectName: string) => {
    name: string;
    namespace: pulumi.Input<string>;
    labels: Record<string, string>;
  };
  /** The refresher's objects' name: `<prefix>-ecr-refresher`. */
  objectName: string;
}

function createPullSecret(r: Refresher): k8s.core.v1.Secret {
  return new k8s.core.v1.Secret(
    `${r.name}-image-pull`,
    {
      metadata: r.metadata(`${r.args.namePrefix}-image-pull`),
      type: "kubernetes.io/dockerconfigjson",
      data: { ".dockerconfigjson": EMPTY_DOCKER_CONFIG },
    },
    // The refresher owns the data. With server-side apply the provider drops an ignored field that
    // another field manager owns from its apply, so an update of this Secret never resets the token
    // (pulumi-kubernetes provider/pkg/await/await.go, handleSSAIgnoreFields).
    { ...r.opts, ignoreChanges: delegatedPaths("pullSecretData"), aliases: [r.args.previously] },
  );
}

/** The env names of key slot i: the first is what the AWS SDKs read, the second adds `_B`. */
const keyEnvNames = (i: number): [string, string] =>
  i === 0
    ? ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]
    : ["AWS_ACCESS_KEY_ID_B", "AWS_SECRET_ACCESS_KEY_B"];

function createAwsCredentials(
  r: Refresher,
  keys: { id: pulumi.Input<string>; secret: pulumi.Input<string> }[],
): k8s.core.v1.Secret {
  const data: Record<string, pulumi.Input<string>> = {};
  keys.forEach((key, i) => {
    const [idName, secretName] = keyEnvNames(i);
    data[idName] = key.id;
    data[secretName] = key.secret;
  });
  return new k8s.core.v1.Secret(
    `${r.name}-aws-credentials`,
    { metadata: r.metadata(`${r.objectName}-aws`), type: "Opaque", stringData: pulumi.secret(data) },
    r.opts,
  );
}

/**
 * The app's Secret, created empty and filled by the refresher (which may only patch it, like the pull
 * Secret). Its name carries the references' digest (secret-env.ts), so a new pinned version is a new
 * Secret: the initial Job, whose spec names it, is replaced and fills it before the Deployment rolls.
 */
function createAppSecret(r: Refresher): k8s.core.v1.Secret | undefined {
  const secrets = r.args.appSecrets;
  if (secrets === undefined || secrets.env.length === 0) return undefined;
  return new k8s.core.v1.Secret(
    `${r.name}-app-secrets`,
    { metadata: r.metadata(secrets.secretName), type: "Opaque" },
    // The refresher owns the data (see createPullSecret).
    { ...r.opts, ignoreChanges: ["data"] },
  );
}

function createScript(r: Refresher): k8s.core.v1.ConfigMap {
  return new k8s.core.v1.ConfigMap(
    `${r.name}-script`,
    {
      metadata: r.metadata(r.objectName),
      data: { "refresh.cjs": fs.readFileSync(REFRESHER_SCRIPT_FILE, "utf8") },
    },
    r.opts,
  );
}

/** The refresher's identity and its one right: `patch` on its Secrets (the pull Secret, the app's), by name. */
function createPatchRights(r: Refresher, secrets: k8s.core.v1.Secret[]) {
  const serviceAccount = new k8s.core.v1.ServiceAccount(
    `${r.name}-service-account`,
    { metadata: r.metadata(r.objectName), automountServiceAccountToken: false },
    r.opts,
  );
  const role = new k8s.rbac.v1.Role(
    `${r.name}-role`,
    {
      metadata: r.metadata(r.objectName),
      rules: [
        {
          apiGroups: [""],
          resources: ["secrets"],
          resourceNames: secrets.map((secret) => secret.metadata.name),
          // The script sends one merge PATCH; it never reads, lists or creates.
          verbs: ["patch"],
        },
      ],
    },
    r.opts,
  );
  const binding = new k8s.rbac.v1.RoleBinding(
    `${r.name}-role-binding`,
    {
      metadata: r.metadata(r.objectName),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
      subjects: [{ kind: "ServiceAccount", name: serviceAccount.metadata.name, namespace: r.args.namespace }],
    },
    r.opts,
  );
  return { serviceAccount, binding };
}

function refresherPod(
  r: Refresher,
  objects: {
    pullSecret: k8s.core.v1.Secret;
    appSecret: k8s.core.v1.Secret | undefined;
    awsCredentials: k8s.core.v1.Secret | undefined;
    script: k8s.core.v1.ConfigMap;
    serviceAccount: k8s.core.v1.ServiceAccount;
  },
) {
  return {
    metadata: { labels: r.labels },
    spec: {
      serviceAccountName: objects.serviceAccount.metadata.name,
      // A short-lived projected token instead of the auto-mounted one.
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      restartPolicy: "Never",
      securityContext: restrictedPodSecurityContext(REFRESHER_UID, REFRESHER_UID),
      containers: [refresherContainer(r.args, objects)],
      volumes: [
        { name: "script", configMap: { name: objects.script.metadata.name, defaultMode: 0o444 } },
        {
          name: "token",
          projected: {
            defaultMode: 0o444,
            sources: [
              { serviceAccountToken: { path: "token", expirationSeconds: 600 } },
              // For STS only (its audience), with web identity: the Kubernetes API never accepts it.
              ...("roleArn" in r.args.aws
                ? [
                    {
                      serviceAccountToken: {
                        path: "aws-token",
                        audience: STS_AUDIENCE,
                        expirationSeconds: 3600,
                      },
                    },
                  ]
                : []),
              { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
            ],
          },
        },
      ],
    },
  };
}

/** How the container reaches AWS: the role and its token file, or each key from the credentials Secret. */
function awsEnv(aws: RefresherAws, awsCredentials: k8s.core.v1.Secret | undefined) {
  if ("roleArn" in aws) {
    return [
      { name: "AWS_ROLE_ARN", value: aws.roleArn },
      { name: "AWS_WEB_IDENTITY_TOKEN_FILE", value: `${TOKEN_DIR}/aws-token` },
    ];
  }
  return aws.accessKeys.flatMap((_, i) =>
    keyEnvNames(i).map((key) => ({
      name: key,
      valueFrom: { secretKeyRef: { name: awsCredentials?.metadata.name ?? "", key } },
    })),
  );
}

function refresherContainer(
  args: EcrPullSecretArgs,
  objects: {
    pullSecret: k8s.core.v1.Secret;
    appSecret: k8s.core.v1.Secret | undefined;
    awsCredentials: k8s.core.v1.Secret | undefined;
  },
) {
  const { pullSecret, appSecret, awsCredentials } = objects;
  return {
    name: "refresh",
    image: args.image,
    imagePullPolicy: "IfNotPresent",
    command: ["node", "/refresher/refresh.cjs"],
    env: [
      { name: "REGISTRY_HOST", value: args.registryHost },
      { name: "ECR_REGION", value: args.region },
      { name: "ECR_ENDPOINT", value: args.ecrEndpoint },
      { name: "SECRET_NAMESPACE", value: args.namespace },
      { name: "SECRET_NAME", value: pullSecret.metadata.name },
      { name: "TOKEN_DIR", value: TOKEN_DIR },
      ...awsEnv(args.aws, awsCredentials),
      // References only (the refresher reads the values): part of the Job's spec, so a new pinned
      // version replaces the initial Job and refills the (new) Secret before the app rolls.
      ...(appSecret !== undefined && args.appSecrets !== undefined
        ? [
            { name: "APP_SECRET_REFS", value: JSON.stringify(args.appSecrets.env) },
            { name: "APP_SECRET_NAME", value: appSecret.metadata.name },
          ]
        : []),
    ],
    resources: {
      requests: { cpu: "10m", memory: "48Mi" },
      limits: { cpu: "200m", memory: "128Mi" },
    },
    securityContext: restrictedContainerSecurityContext(REFRESHER_UID, REFRESHER_UID),
    volumeMounts: [
      { name: "script", mountPath: "/refresher", readOnly: true },
      { name: "token", mountPath: TOKEN_DIR, readOnly: true },
    ],
  };
}

/**
 * Makes pulumi-kubernetes replace a Job that is not Ready (e.g. Failed) at the next `up` instead of
 * diffing the same immutable Job again: its Diff reads the live Job and, with this annotation "true"
 * and the Job not ready, plans a replacement (pulumi-kubernetes provider/pkg/provider/provider.go Diff,
 * `metadata.ReplaceUnready`; provider/pkg/metadata/annotations.go AnnotationReplaceUnready; read
 * 2026-12-07). Without it one failed first refresh (ECR unreachable, a wrong key) wedged every later
 * `up` until someone ran `pulumi up --replace`.
 */
export const REPLACE_UNREADY_ANNOTATION = "pulumi.com/replaceUnready";

/**
 * Fixed name, so a re-run finds it done and leaves it; replaced (delete first: the name is taken)
 * when its spec changes, e.g. a new refresher image, or when it is not done
 * ({@link REPLACE_UNREADY_ANNOTATION}). The Deployment only dependsOn it, and a dependsOn edge never drags a dependent into a delete-before-replace (pulumi engine,
 * resource/deploy/step_generator.go calculateDependentReplacements: only property dependencies do).
 */
function createInitialRefresh(
  r: Refresher,
  jobSpec: k8s.types.input.batch.v1.JobSpec,
  binding: k8s.rbac.v1.RoleBinding,
): k8s.batch.v1.Job {
  return new k8s.batch.v1.Job(
    `${r.name}-initial`,
    {
      metadata: {
        ...r.metadata(`${r.objectName}-initial`),
        annotations: { [REPLACE_UNREADY_ANNOTATION]: "true" },
      },
      spec: jobSpec,
    },
    { ...r.opts, dependsOn: [binding], deleteBeforeReplace: true },
  );
}

function createRefreshSchedule(
  r: Refresher,
  jobSpec: k8s.types.input.batch.v1.JobSpec,
  binding: k8s.rbac.v1.RoleBinding,
): void {
  new k8s.batch.v1.CronJob(
    `${r.name}-cron`,
    {
      metadata: r.metadata(r.objectName),
      spec: {
        schedule: REFRESH_SCHEDULE,
        timeZone: "Etc/UTC",
        concurrencyPolicy: "Forbid",
        startingDeadlineSeconds: 3600,
        successfulJobsHistoryLimit: 1,
        failedJobsHistoryLimit: 3,
        jobTemplate: { metadata: { labels: r.labels }, spec: jobSpec },
      },
    },
    { ...r.opts, dependsOn: [binding] },
  );
}
