"use strict";
/**
 * Keeps an image-pull Secret valid for an Amazon ECR registry on a cluster outside AWS. An ECR
 * authorization token lasts 12 hours, so a CronJob runs this every few hours: it asks ECR for a token
 * (GetAuthorizationToken, signed with AWS Signature Version 4) and PATCHes the one Secret's
 * `.dockerconfigjson`. It needs nothing but Node.js: it runs from a ConfigMap in a stock, digest-pinned
 * Node image, so the refresher never has to pull from the registry it unlocks.
 *
 * Hand-written SigV4 instead of the AWS SDK: the SDK is not in the Node image, and the signer is ~30
 * lines, checked in the tests against the SDK's own signer (@smithy/signature-v4) and AWS's published
 * test vector. Logs never carry the token or the AWS secret.
 */
const crypto = require("node:crypto");
const fs = require("node:fs");
const http = require("node:http");
const https = require("node:https");

const GET_AUTHORIZATION_TOKEN = "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken";
const FIELD_MANAGER = "ecr-pull-refresher";
const DEFAULT_TOKEN_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";
const REQUEST_TIMEOUT_MS = 30_000;

const sha256Hex = (data) => crypto.createHash("sha256").update(data).digest("hex");
const hmac = (key, data) => crypto.createHmac("sha256", key).update(data).digest();

/**
 * AWS Signature Version 4 headers for a request without a query string (all this module sends).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
 */
function signV4({ method, url, headers = {}, body = "", region, service, credentials, now }) {
  const target = new URL(url);
  if (target.search !== "") throw new Error("signV4: query strings are not supported");
  const amzDate = now.toISOString().replace(/[-:]|\.\d{3}/g, "");
  const date = amzDate.slice(0, 8);
  const all = { host: target.host, "x-amz-date": amzDate };
  for (const [name, value] of Object.entries(headers)) all[name.toLowerCase()] = String(value);
  if (credentials.sessionToken) all["x-amz-security-token"] = credentials.sessionToken;
  const names = Object.keys(all).sort();
  const canonicalHeaders = names.map((n) => `${n}:${all[n].trim().replace(/\s+/g, " ")}\n`).join("");
  const signedHeaders = names.join(";");
  const canonicalRequest = [
    method,
    target.pathname || "/",
    "",
    canonicalHeaders,
    signedHeaders,
    sha256Hex(body),
  ].join("\n");
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256Hex(canonicalRequest)].join("\n");
  let key = hmac(`AWS4${credentials.secretAccessKey}`, date);
  for (const part of [region, service, "aws4_request"]) key = hmac(key, part);
  const signature = hmac(key, stringToSign).toString("hex");
  return {
    ...all,
    authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}

/** One HTTP(S) exchange; resolves with the status and body text. */
function request(url, { method, headers = {}, body, ca }) {
  const target = new URL(url);
  const transport = target.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(
      target,
      { method, headers, timeout: REQUEST_TIMEOUT_MS, ...(ca !== undefined && { ca }) },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () =>
      req.destroy(new Error(`${method} ${target.origin}: no answer in ${REQUEST_TIMEOUT_MS} ms`)),
    );
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * An ECR authorization token (valid 12 hours) from the registry's own region. No `registryIds`: the
 * parameter is deprecated and the token serves every registry the principal may pull from (ECR API
 * reference, GetAuthorizationToken), a cross-account one included.
 */
async function getEcrToken({ endpoint, region, credentials, now }) {
  const answer = await awsJson({
    endpoint,
    region,
    service: "ecr",
    target: GET_AUTHORIZATION_TOKEN,
    label: "ECR GetAuthorizationToken",
    payload: {},
    credentials,
    now,
  });
  const data = answer.authorizationData?.[0];
  if (typeof data?.authorizationToken !== "string") {
    throw new Error(`ECR GetAuthorizationToken at ${endpoint}: no authorizationData in the answer`);
  }
  const decoded = Buffer.from(data.authorizationToken, "base64").toString();
  const colon = decoded.indexOf(":");
  if (colon < 1) throw new Error(`ECR GetAuthorizationToken at ${endpoint}: the token is not user:password`);
  return {
    username: decoded.slice(0, colon),
    password: decoded.slice(colon + 1),
    expiresAt: new Date(Number(data.expiresAt) * 1000).toISOString(),
  };
}

/** An `.amazonaws.com` host name in the partition of the region (China's end in `.com.cn`). */
function awsHost(service, region) {
  return `${service}.${region}.amazonaws.com${region.startsWith("cn-") ? ".cn" : ""}`;
}

/** The first element of an XML document's `<name>…</name>`, entities decoded (STS answers in XML). */
function xmlText(xml, name) {
  const match = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  if (!match) return undefined;
  return match[1]
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}

/**
 * Temporary credentials for a role, from the pod's projected service-account token (audience
 * sts.amazonaws.com): STS AssumeRoleWithWebIdentity, an unsigned Query API call whose answer is XML
 * (AWS STS API reference, AssumeRoleWithWebIdentity, read 2026-12-07). STS checks the token against the
 * IAM OIDC provider of its issuer and the role's trust (sub = this service account, aud = STS); it never
 * calls the cluster, which is why only the issuer's discovery document and keys must be public.
 */
async function assumeRoleWithWebIdentity({ endpoint, roleArn, token, sessionName }) {
  const body = new URLSearchParams({
    Action: "AssumeRoleWithWebIdentity",
    Version: "2011-06-15",
    RoleArn: roleArn,
    RoleSessionName: sessionName,
    WebIdentityToken: token,
  }).toString();
  const res = await request(`${endpoint}/`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
    body,
  });
  if (res.status !== 200) {
    const reason = `${xmlText(res.body, "Code") ?? ""} ${xmlText(res.body, "Message") ?? ""}`.trim();
    throw new Error(
      `STS AssumeRoleWithWebIdentity at ${endpoint}: HTTP ${res.status}${reason ? ` (${reason})` : ""}`,
    );
  }
  const accessKeyId = xmlText(res.body, "AccessKeyId");
  const secretAccessKey = xmlText(res.body, "SecretAccessKey");
  const sessionToken = xmlText(res.body, "SessionToken");
  if (!accessKeyId || !secretAccessKey || !sessionToken) {
    throw new Error(`STS AssumeRoleWithWebIdentity at ${endpoint}: no Credentials in the answer`);
  }
  return { accessKeyId, secretAccessKey, sessionToken };
}

/**
 * One AWS JSON-1.1 API call, signed; resolves with the parsed answer or throws with AWS's reason, named
 * by `label` (default: the target).
 */
async function awsJson({ endpoint, region, service, target, label = target, payload, credentials, now }) {
  const body = JSON.stringify(payload);
  const headers = signV4({
    method: "POST",
    url: `${endpoint}/`,
    headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": target },
    body,
    region,
    service,
    credentials,
    now,
  });
  const res = await request(`${endpoint}/`, { method: "POST", headers, body });
  if (res.status !== 200) {
    let reason = "";
    try {
      const error = JSON.parse(res.body);
      reason = `${error.__type ?? ""} ${error.message ?? error.Message ?? ""}`.trim();
    } catch {}
    throw new Error(`${label} at ${endpoint}: HTTP ${res.status}${reason ? ` (${reason})` : ""}`);
  }
  return JSON.parse(res.body);
}

/**
 * One declared secret's value: Secrets Manager GetSecretValue (with the pinned version id or stage, and
 * the JSON key if any) or SSM GetParameter with decryption. `ref` is a reference as config checked it
 * (facts/secrets.ts forms); the value never leaves this process but into the app's Secret.
 */
async function readSecret(ref, { credentials, endpoints = {}, now }) {
  const arn = ref.split(":");
  const [service, region] = [arn[2], arn[3]];
  if (service === "secretsmanager") {
    const [jsonKey, versionStage, versionId] = [arn[7], arn[8], arn[9]];
    const endpoint = endpoints.secretsmanager ?? `https://${awsHost("secretsmanager", region)}`;
    const answer = await awsJson({
      endpoint,
      region,
      service,
      target: "secretsmanager.GetSecretValue",
      payload: {
        SecretId: arn.slice(0, 7).join(":"),
        ...(versionId ? { VersionId: versionId } : {}),
        ...(versionStage ? { VersionStage: versionStage } : {}),
      },
      credentials,
      now,
    });
    const text = answer.SecretString;
    if (typeof text !== "string") throw new Error(`${arn.slice(0, 7).join(":")}: not a string secret`);
    if (!jsonKey) return text;
    const value = JSON.parse(text)[jsonKey];
    if (value === undefined) throw new Error(`${arn.slice(0, 7).join(":")}: no JSON key ${jsonKey}`);
    return typeof value === "string" ? value : JSON.stringify(value);
  }
  const endpoint = endpoints.ssm ?? `https://${awsHost("ssm", region)}`;
  // GetParameter takes the parameter's ARN as its Name (SSM API reference, GetParameter "Name": "The name
  // or Amazon Resource Name (ARN) of the parameter", read 2026-12-07): no name reconstruction needed.
  const answer = await awsJson({
    endpoint,
    region,
    service: "ssm",
    target: "AmazonSSM.GetParameter",
    payload: { Name: ref, WithDecryption: true },
    credentials,
    now,
  });
  return String(answer.Parameter?.Value ?? "");
}

/** A `.dockerconfigjson` document for one registry host. */
function dockerConfigJson(host, username, password) {
  const auth = Buffer.from(`${username}:${password}`).toString("base64");
  return JSON.stringify({ auths: { [host]: { username, password, auth } } });
}

/**
 * Replaces the Secret's `.dockerconfigjson` (the one key it has), or with `data` the given keys (the
 * app's secrets); needs only the `patch` verb.
 */
async function patchSecret({ apiServer, bearerToken, ca, namespace, name, dockerConfig, data }) {
  const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${encodeURIComponent(name)}`;
  const values = data ?? { ".dockerconfigjson": dockerConfig };
  const body = JSON.stringify({
    data: Object.fromEntries(
      Object.entries(values).map(([key, value]) => [key, Buffer.from(value).toString("base64")]),
    ),
  });
  const res = await request(`${apiServer}${path}?fieldManager=${FIELD_MANAGER}`, {
    method: "PATCH",
    headers: {
      authorization: `Bearer ${bearerToken}`,
      "content-type": "application/merge-patch+json",
      accept: "application/json",
    },
    body,
    ca,
  });
  if (res.status !== 200) {
    let reason = "";
    try {
      reason = JSON.parse(res.body).message ?? "";
    } catch {}
    throw new Error(`PATCH secret ${namespace}/${name}: HTTP ${res.status}${reason ? ` (${reason})` : ""}`);
  }
}

const REQUIRED_ENV = ["REGISTRY_HOST", "ECR_REGION", "ECR_ENDPOINT", "SECRET_NAMESPACE", "SECRET_NAME"];

/**
 * How the refresher reaches AWS: a role through web identity (AWS_ROLE_ARN and
 * AWS_WEB_IDENTITY_TOKEN_FILE, the variables the AWS SDKs read for it), else one or two access keys
 * (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY and the second slot's *_B), tried in turn: during a rotation
 * one of the two may already be gone. Endpoints follow the SDKs' service-specific variables
 * (AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL_SECRETS_MANAGER, AWS_ENDPOINT_URL_SSM).
 */
function awsFromEnv(env, readFile, missing) {
  const endpoints = {
    ...(env.AWS_ENDPOINT_URL_SECRETS_MANAGER && { secretsmanager: env.AWS_ENDPOINT_URL_SECRETS_MANAGER }),
    ...(env.AWS_ENDPOINT_URL_SSM && { ssm: env.AWS_ENDPOINT_URL_SSM }),
  };
  if (env.AWS_ROLE_ARN) {
    if (!env.AWS_WEB_IDENTITY_TOKEN_FILE) missing.push("AWS_WEB_IDENTITY_TOKEN_FILE");
    const region = env.ECR_REGION ?? "us-east-1";
    return {
      endpoints,
      webIdentity: {
        roleArn: env.AWS_ROLE_ARN,
        endpoint: (env.AWS_ENDPOINT_URL_STS ?? `https://${awsHost("sts", region)}`).replace(/\/+$/, ""),
        readToken: () => readFile(env.AWS_WEB_IDENTITY_TOKEN_FILE).trim(),
        sessionName: env.AWS_ROLE_SESSION_NAME ?? FIELD_MANAGER,
      },
    };
  }
  const keys = [
    [env.AWS_ACCESS_KEY_ID, env.AWS_SECRET_ACCESS_KEY],
    [env.AWS_ACCESS_KEY_ID_B, env.AWS_SECRET_ACCESS_KEY_B],
  ]
    .filter(([id, secret]) => id && secret)
    .map(([accessKeyId, secretAccessKey]) => ({
      accessKeyId,
      secretAccessKey,
      ...(env.AWS_SESSION_TOKEN && { sessionToken: env.AWS_SESSION_TOKEN }),
    }));
  if (keys.length === 0) {
    missing.push("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
  }
  return { endpoints, keys };
}

/** Settings from the environment the CronJob gives, and the pod's service-account token. */
function configFromEnv(env, readFile = (file) => fs.readFileSync(file, "utf8")) {
  const missing = REQUIRED_ENV.filter((name) => !env[name]);
  const aws = awsFromEnv(env, readFile, missing);
  let apiServer = env.KUBERNETES_API_URL;
  if (!apiServer && env.KUBERNETES_SERVICE_HOST) {
    const host = env.KUBERNETES_SERVICE_HOST.includes(":")
      ? `[${env.KUBERNETES_SERVICE_HOST}]`
      : env.KUBERNETES_SERVICE_HOST;
    apiServer = `https://${host}:${env.KUBERNETES_SERVICE_PORT ?? "443"}`;
  }
  if (!apiServer) missing.push("KUBERNETES_SERVICE_HOST (or KUBERNETES_API_URL)");
  if (env.APP_SECRET_REFS && !env.APP_SECRET_NAME) missing.push("APP_SECRET_NAME");
  if (missing.length > 0) throw new Error(`ecr-pull-refresher: missing environment: ${missing.join(", ")}`);
  const tokenDir = env.TOKEN_DIR ?? DEFAULT_TOKEN_DIR;
  return {
    registryHost: env.REGISTRY_HOST,
    region: env.ECR_REGION,
    ecrEndpoint: env.ECR_ENDPOINT.replace(/\/+$/, ""),
    namespace: env.SECRET_NAMESPACE,
    secretName: env.SECRET_NAME,
    // The first key, as before (one key, or the first of two); `aws` has the whole choice.
    ...(aws.keys && { credentials: aws.keys[0] }),
    aws,
    // The app's secrets: [{name, valueFrom}] (references only) and the Secret they go to.
    appSecrets: env.APP_SECRET_REFS ? JSON.parse(env.APP_SECRET_REFS) : [],
    appSecretName: env.APP_SECRET_NAME,
    apiServer: apiServer.replace(/\/+$/, ""),
    bearerToken: readFile(`${tokenDir}/token`).trim(),
    ca: apiServer.startsWith("https:") ? readFile(`${tokenDir}/ca.crt`) : undefined,
  };
}

/**
 * The credentials to use and the ECR token got with them: the role's through web identity, or each key
 * in turn until ECR accepts one (a key being rotated may be gone; the other is then the valid one).
 */
async function credentialsAndToken(config, now) {
  const aws = config.aws ?? { keys: [config.credentials] };
  const ecr = (credentials) =>
    getEcrToken({ endpoint: config.ecrEndpoint, region: config.region, credentials, now });
  if (aws.webIdentity) {
    const credentials = await assumeRoleWithWebIdentity({
      endpoint: aws.webIdentity.endpoint,
      roleArn: aws.webIdentity.roleArn,
      token: aws.webIdentity.readToken(),
      sessionName: aws.webIdentity.sessionName,
    });
    return { credentials, token: await ecr(credentials) };
  }
  const failures = [];
  for (const credentials of aws.keys) {
    try {
      return { credentials, token: await ecr(credentials) };
    } catch (error) {
      failures.push(String(error?.message ?? error));
    }
  }
  throw new Error(failures.join("; "));
}

/** One refresh: a new token into the pull Secret, the app's secrets into theirs. Resolves with the token's expiry. */
async function refresh(config, now = new Date()) {
  const { credentials, token } = await credentialsAndToken(config, now);
  const secrets = config.appSecrets ?? [];
  if (secrets.length > 0) {
    // Every value first: a failure leaves the app's Secret as it was, never half-updated.
    const data = {};
    for (const { name, valueFrom } of secrets) {
      data[name] = await readSecret(valueFrom, {
        credentials,
        endpoints: config.aws?.endpoints ?? {},
        now,
      });
    }
    await patchSecret({
      apiServer: config.apiServer,
      bearerToken: config.bearerToken,
      ca: config.ca,
      namespace: config.namespace,
      name: config.appSecretName,
      data,
    });
  }
  await patchSecret({
    apiServer: config.apiServer,
    bearerToken: config.bearerToken,
    ca: config.ca,
    namespace: config.namespace,
    name: config.secretName,
    dockerConfig: dockerConfigJson(config.registryHost, token.username, token.password),
  });
  return { expiresAt: token.expiresAt };
}

async function main() {
  const config = configFromEnv(process.env);
  const { expiresAt } = await refresh(config);
  console.log(
    JSON.stringify({
      msg: "pull secret refreshed",
      secret: `${config.namespace}/${config.secretName}`,
      registry: config.registryHost,
      expiresAt,
      // Names only: the values are never logged.
      ...(config.appSecrets.length > 0 && {
        appSecret: `${config.namespace}/${config.appSecretName}`,
        keys: config.appSecrets.map((s) => s.name),
      }),
    }),
  );
}

if (require.main === module) {
  main().catch((error) => {
    console.error(
      JSON.stringify({ msg: "pull secret refresh failed", error: String(error?.message ?? error) }),
    );
    process.exit(1);
  });
}

module.exports = {
  signV4,
  getEcrToken,
  dockerConfigJson,
  patchSecret,
  configFromEnv,
  refresh,
  assumeRoleWithWebIdentity,
  readSecret,
  FIELD_MANAGER,
};
