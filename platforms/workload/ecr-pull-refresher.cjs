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
  const body = "{}";
  const headers = signV4({
    method: "POST",
    url: `${endpoint}/`,
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": GET_AUTHORIZATION_TOKEN,
    },
    body,
    region,
    service: "ecr",
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
    throw new Error(
      `ECR GetAuthorizationToken at ${endpoint}: HTTP ${res.status}${reason ? ` (${reason})` : ""}`,
    );
  }
  const data = JSON.parse(res.body).authorizationData?.[0];
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

/** A `.dockerconfigjson` document for one registry host. */
function dockerConfigJson(host, username, password) {
  const auth = Buffer.from(`${username}:${password}`).toString("base64");
  return JSON.stringify({ auths: { [host]: { username, password, auth } } });
}

/** Replaces the Secret's `.dockerconfigjson` (the one key it has); needs only the `patch` verb. */
async function patchSecret({ apiServer, bearerToken, ca, namespace, name, dockerConfig }) {
  const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${encodeURIComponent(name)}`;
  const body = JSON.stringify({
    data: { ".dockerconfigjson": Buffer.from(dockerConfig).toString("base64") },
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

const REQUIRED_ENV = [
  "REGISTRY_HOST",
  "ECR_REGION",
  "ECR_ENDPOINT",
  "SECRET_NAMESPACE",
  "SECRET_NAME",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
];

/** Settings from the environment the CronJob gives, and the pod's service-account token. */
function configFromEnv(env, readFile = (file) => fs.readFileSync(file, "utf8")) {
  const missing = REQUIRED_ENV.filter((name) => !env[name]);
  let apiServer = env.KUBERNETES_API_URL;
  if (!apiServer && env.KUBERNETES_SERVICE_HOST) {
    const host = env.KUBERNETES_SERVICE_HOST.includes(":")
      ? `[${env.KUBERNETES_SERVICE_HOST}]`
      : env.KUBERNETES_SERVICE_HOST;
    apiServer = `https://${host}:${env.KUBERNETES_SERVICE_PORT ?? "443"}`;
  }
  if (!apiServer) missing.push("KUBERNETES_SERVICE_HOST (or KUBERNETES_API_URL)");
  if (missing.length > 0) throw new Error(`ecr-pull-refresher: missing environment: ${missing.join(", ")}`);
  const tokenDir = env.TOKEN_DIR ?? DEFAULT_TOKEN_DIR;
  return {
    registryHost: env.REGISTRY_HOST,
    region: env.ECR_REGION,
    ecrEndpoint: env.ECR_ENDPOINT.replace(/\/+$/, ""),
    namespace: env.SECRET_NAMESPACE,
    secretName: env.SECRET_NAME,
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...(env.AWS_SESSION_TOKEN && { sessionToken: env.AWS_SESSION_TOKEN }),
    },
    apiServer: apiServer.replace(/\/+$/, ""),
    bearerToken: readFile(`${tokenDir}/token`).trim(),
    ca: apiServer.startsWith("https:") ? readFile(`${tokenDir}/ca.crt`) : undefined,
  };
}

/** One refresh: a new token into the Secret. Resolves with when the token expires. */
async function refresh(config, now = new Date()) {
  const token = await getEcrToken({
    endpoint: config.ecrEndpoint,
    region: config.region,
    credentials: config.credentials,
    now,
  });
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
  FIELD_MANAGER,
};
