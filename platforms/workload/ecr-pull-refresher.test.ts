import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash, createHmac } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { SignatureV4 } from "@smithy/signature-v4";
import { ROOT } from "../../tools/harness";
import { configFromEnv, dockerConfigJson, refresh, signV4 } from "./ecr-pull-refresher.cjs";
import { REFRESH_SCHEDULE } from "./ecr-pull-secret";

const SCRIPT = path.join(__dirname, "ecr-pull-refresher.cjs");
const ACCESS_KEY_ID = "AKIDEXAMPLE";
const SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const REGION = "eu-west-1";
const REGISTRY = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
const SA_TOKEN = "service-account-token-for-tests";

const bytes = (data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array =>
  typeof data === "string"
    ? data
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);

/** SHA-256 for the SDK signer, from node:crypto (the SDK's own node hash package is not installed). */
class Sha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
}

/** The AWS SDK's signature for the same request: the reference the hand-written signer must match. */
async function sdkSignature(
  url: string,
  method: string,
  headers: Record<string, string>,
  body: string,
  service: string,
  now: Date,
  region = REGION,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = {
    accessKeyId: ACCESS_KEY_ID,
    secretAccessKey: SECRET_ACCESS_KEY,
  },
): Promise<string> {
  const target = new URL(url);
  const signer = new SignatureV4({
    credentials,
    region,
    service,
    sha256: Sha256,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method,
      protocol: target.protocol,
      hostname: target.hostname,
      ...(target.port && { port: Number(target.port) }),
      path: target.pathname,
      query: {},
      headers: { host: target.host, ...headers },
      body,
    },
    { signingDate: now },
  );
  return String(signed.headers.authorization);
}

interface FakeEcr {
  url: string;
  calls: number;
  deny: boolean;
  close(): Promise<void>;
}

/** GetAuthorizationToken on loopback: answers only requests whose SigV4 signature the SDK agrees with. */
async function fakeEcr(password: string | ((issuedAt: Date) => string)): Promise<FakeEcr> {
  const state = { calls: 0, deny: false };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      state.calls += 1;
      const body = Buffer.concat(chunks).toString();
      const amzDate = String(req.headers["x-amz-date"]);
      const now = new Date(
        `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
      );
      const expected = await sdkSignature(
        `http://${req.headers.host}${req.url}`,
        String(req.method),
        {
          "content-type": String(req.headers["content-type"]),
          "x-amz-target": String(req.headers["x-amz-target"]),
        },
        body,
        "ecr",
        now,
      );
      const reply = (status: number, value: unknown) => {
        res.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
        res.end(JSON.stringify(value));
      };
      if (req.headers["x-amz-target"] !== "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken") {
        return reply(400, { __type: "UnknownOperationException" });
      }
      if (req.headers.authorization !== expected) {
        return reply(403, { __type: "InvalidSignatureException", message: "signature mismatch" });
      }
      if (state.deny) {
        return reply(400, { __type: "AccessDeniedException", message: "not authorized" });
      }
      reply(200, {
        authorizationData: [
          {
            authorizationToken: Buffer.from(
              `AWS:${typeof password === "string" ? password : password(now)}`,
            ).toString("base64"),
            expiresAt: Math.floor(now.getTime() / 1000) + 12 * 3600,
            proxyEndpoint: `https://${REGISTRY}`,
          },
        ],
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get calls() {
      return state.calls;
    },
    get deny() {
      return state.deny;
    },
    set deny(value: boolean) {
      state.deny = value;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

interface FakeKubernetes {
  url: string;
  /** The Secret's data as stored, by `<namespace>/<name>`. */
  secrets: Map<string, Record<string, string>>;
  requests: { method: string; url: string; contentType: string }[];
  close(): Promise<void>;
}

/**
 * A Kubernetes API on loopback holding one Secret, enforcing what the refresher's Role grants: `patch`
 * on that one Secret for that one service account's token, nothing else.
 */
async function fakeKubernetes(
  namespace: string,
  name: string,
  tls?: { key: string; cert: string },
  /** Further Secrets the Role lets the refresher patch (the app's), created empty. */
  more: string[] = [],
): Promise<FakeKubernetes> {
  const secrets = new Map<string, Record<string, string>>([
    [`${namespace}/${name}`, { ".dockerconfigjson": Buffer.from('{"auths":{}}').toString("base64") }],
    ...more.map((other): [string, Record<string, string>] => [`${namespace}/${other}`, {}]),
  ]);
  const requests: FakeKubernetes["requests"] = [];
  const handler: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      requests.push({
        method: String(req.method),
        url: String(req.url),
        contentType: String(req.headers["content-type"]),
      });
      const status = (code: number, message: string) => {
        res.writeHead(code, { "content-type": "application/json" });
        res.end(JSON.stringify({ kind: "Status", code, message }));
      };
      if (req.headers.authorization !== `Bearer ${SA_TOKEN}`) return status(401, "Unauthorized");
      const url = new URL(String(req.url), "http://fake");
      const match = /^\/api\/v1\/namespaces\/([^/]+)\/secrets\/([^/]+)$/.exec(url.pathname);
      const key = match ? `${match[1]}/${match[2]}` : "";
      if (req.method !== "PATCH" || !secrets.has(key)) {
        return status(403, `forbidden: ${req.method} ${url.pathname}`);
      }
      if (req.headers["content-type"] !== "application/merge-patch+json") {
        return status(415, "unsupported media type");
      }
      const patch = JSON.parse(Buffer.concat(chunks).toString()) as { data?: Record<string, string> };
      secrets.set(key, { ...secrets.get(key), ...patch.data });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ kind: "Secret", metadata: { namespace, name }, data: secrets.get(key) }));
    });
  };
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    secrets,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Runs the script the CronJob runs, as its own process, with the environment the CronJob gives. */
function runRefresher(
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [SCRIPT],
      { env: { PATH: process.env.PATH ?? "", ...env }, timeout: 20_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

describe("ECR pull-secret refresher", () => {
  it("signs like AWS's published Signature V4 test vector (get-vanilla)", () => {
    const headers = signV4({
      method: "GET",
      url: "https://example.amazonaws.com/",
      region: "us-east-1",
      service: "service",
      credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY },
      now: new Date("2015-08-30T12:36:00Z"),
    });
    assert.equal(
      headers.authorization,
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
    );
  });

  it("signs the ECR request exactly as the AWS SDK's signer does, across regions and times", async () => {
    for (const [region, when] of [
      ["eu-west-1", "2026-12-02T01:02:03Z"],
      ["us-gov-west-1", "2027-02-28T23:59:59Z"],
      ["cn-north-1", "2030-01-01T00:00:00Z"],
    ] as const) {
      const now = new Date(when);
      const url = `https://api.ecr.${region}.amazonaws.com/`;
      const headers = {
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken",
      };
      const ours = signV4({
        method: "POST",
        url,
        headers,
        body: "{}",
        region,
        service: "ecr",
        credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY },
        now,
      });
      assert.equal(ours.authorization, await sdkSignature(url, "POST", headers, "{}", "ecr", now, region));
    }
  });

  it("writes a .dockerconfigjson for the image's own registry host", () => {
    const doc = JSON.parse(dockerConfigJson(REGISTRY, "AWS", "pw"));
    assert.deepEqual(doc, {
      auths: {
        [REGISTRY]: { username: "AWS", password: "pw", auth: Buffer.from("AWS:pw").toString("base64") },
      },
    });
  });

  it("names every missing setting at once", () => {
    assert.throws(
      () => configFromEnv({ REGISTRY_HOST: REGISTRY }, () => ""),
      new Error(
        "ecr-pull-refresher: missing environment: ECR_REGION, ECR_ENDPOINT, SECRET_NAMESPACE, SECRET_NAME, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, KUBERNETES_SERVICE_HOST (or KUBERNETES_API_URL)",
      ),
    );
    const inCluster = configFromEnv(
      {
        REGISTRY_HOST: REGISTRY,
        ECR_REGION: REGION,
        ECR_ENDPOINT: "https://api.ecr.eu-west-1.amazonaws.com",
        SECRET_NAMESPACE: "ns",
        SECRET_NAME: "s",
        AWS_ACCESS_KEY_ID: ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
        KUBERNETES_SERVICE_HOST: "fd00::1",
        KUBERNETES_SERVICE_PORT: "443",
        TOKEN_DIR: "/token",
      },
      (file) => `contents of ${file}\n`,
    );
    assert.equal(inCluster.apiServer, "https://[fd00::1]:443");
    assert.equal(inCluster.bearerToken, "contents of /token/token");
    assert.equal(inCluster.ca, "contents of /token/ca.crt\n");
  });

  describe("the real script against a fake ECR and a fake Kubernetes API on loopback", () => {
    const namespace = "fastify-app";
    const secretName = "fastify-app-image-pull";
    let ecr: FakeEcr;
    let kube: FakeKubernetes;
    let tokenDir: string;
    let env: Record<string, string>;

    before(async () => {
      ecr = await fakeEcr("ecr-password-1");
      kube = await fakeKubernetes(namespace, secretName);
      tokenDir = fs.mkdtempSync(path.join(os.tmpdir(), "ecr-refresher-"));
      fs.writeFileSync(path.join(tokenDir, "token"), `${SA_TOKEN}\n`);
      env = {
        REGISTRY_HOST: REGISTRY,
        ECR_REGION: REGION,
        ECR_ENDPOINT: ecr.url,
        SECRET_NAMESPACE: namespace,
        SECRET_NAME: secretName,
        AWS_ACCESS_KEY_ID: ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
        KUBERNETES_API_URL: kube.url,
        TOKEN_DIR: tokenDir,
      };
    });

    after(async () => {
      await ecr.close();
      await kube.close();
      fs.rmSync(tokenDir, { recursive: true, force: true });
    });

    it("replaces the placeholder with a token for the registry, patching only that Secret", async () => {
      const run = await runRefresher(env);
      assert.equal(run.code, 0, run.stderr);
      const stored = kube.secrets.get(`${namespace}/${secretName}`)?.[".dockerconfigjson"] ?? "";
      const doc = JSON.parse(Buffer.from(stored, "base64").toString());
      assert.deepEqual(Object.keys(doc.auths), [REGISTRY]);
      assert.equal(doc.auths[REGISTRY].password, "ecr-password-1");
      assert.deepEqual(kube.requests, [
        {
          method: "PATCH",
          url: `/api/v1/namespaces/${namespace}/secrets/${secretName}?fieldManager=ecr-pull-refresher`,
          contentType: "application/merge-patch+json",
        },
      ]);
      const log = JSON.parse(run.stdout.trim());
      assert.equal(log.msg, "pull secret refreshed");
      assert.equal(log.registry, REGISTRY);
      // 12 hours after now, give or take the test's own run time.
      assert.ok(Math.abs(Date.parse(log.expiresAt) - Date.now() - 12 * 3600_000) < 60_000, log.expiresAt);
      for (const secret of ["ecr-password-1", SECRET_ACCESS_KEY, SA_TOKEN]) {
        assert.equal(run.stdout.includes(secret) || run.stderr.includes(secret), false, "no secret logged");
      }
    });

    it("a later run replaces the token again (what the CronJob does every few hours)", async () => {
      const second = await fakeEcr("ecr-password-2");
      try {
        const run = await runRefresher({ ...env, ECR_ENDPOINT: second.url });
        assert.equal(run.code, 0, run.stderr);
        const stored = kube.secrets.get(`${namespace}/${secretName}`)?.[".dockerconfigjson"] ?? "";
        assert.equal(
          JSON.parse(Buffer.from(stored, "base64").toString()).auths[REGISTRY].password,
          "ecr-password-2",
        );
      } finally {
        await second.close();
      }
    });

    it("fails (exit 1, reason logged) and leaves the Secret alone when ECR refuses", async () => {
      const before = kube.secrets.get(`${namespace}/${secretName}`);
      const requests = kube.requests.length;
      ecr.deny = true;
      try {
        const run = await runRefresher(env);
        assert.equal(run.code, 1);
        assert.match(run.stderr, /HTTP 400 \(AccessDeniedException not authorized\)/);
        assert.equal(kube.requests.length, requests);
        assert.deepEqual(kube.secrets.get(`${namespace}/${secretName}`), before);
      } finally {
        ecr.deny = false;
      }
    });

    it("fails when the signature is wrong (a bad secret key)", async () => {
      const run = await runRefresher({ ...env, AWS_SECRET_ACCESS_KEY: "not-the-key" });
      assert.equal(run.code, 1);
      assert.match(run.stderr, /HTTP 403 \(InvalidSignatureException signature mismatch\)/);
    });

    it("in-cluster: the API server's TLS is verified against the projected ca.crt", async () => {
      const fixture = (file: string) => fs.readFileSync(path.join(ROOT, "test/fixtures", file), "utf8");
      const tls = { key: fixture("loopback-tls.key"), cert: fixture("loopback-tls.crt") };
      const secure = await fakeKubernetes(namespace, secretName, tls);
      const caDir = fs.mkdtempSync(path.join(os.tmpdir(), "ecr-refresher-ca-"));
      try {
        fs.writeFileSync(path.join(caDir, "token"), SA_TOKEN);
        fs.writeFileSync(path.join(caDir, "ca.crt"), tls.cert);
        const ok = await runRefresher({ ...env, KUBERNETES_API_URL: secure.url, TOKEN_DIR: caDir });
        assert.equal(ok.code, 0, ok.stderr);
        assert.equal(secure.requests.length, 1);
        // Without the cluster's CA (only the system's), the same server is not trusted.
        fs.writeFileSync(path.join(caDir, "ca.crt"), "");
        const refused = await runRefresher({ ...env, KUBERNETES_API_URL: secure.url, TOKEN_DIR: caDir });
        assert.equal(refused.code, 1);
        assert.match(refused.stderr, /self[- ]signed|unable to verify|certificate/i);
        assert.equal(secure.requests.length, 1);
      } finally {
        await secure.close();
        fs.rmSync(caDir, { recursive: true, force: true });
      }
    });

    it("fails when Kubernetes refuses (RBAC names another Secret)", async () => {
      const run = await runRefresher({ ...env, SECRET_NAME: "another-secret" });
      assert.equal(run.code, 1);
      assert.match(run.stderr, /PATCH secret fastify-app\/another-secret: HTTP 403/);
    });
  });

  it("with the CronJob's schedule, a pod scheduled 13+ hours after the last up still pulls, even if 3 runs fail", async () => {
    // The schedule is "M */H * * *": minute M of every H-th hour (UTC).
    const match = /^(\d+) \*\/(\d+) \* \* \*$/.exec(REFRESH_SCHEDULE);
    assert.ok(match, REFRESH_SCHEDULE);
    const [minute, every] = [Number(match[1]), Number(match[2])];
    const up = new Date("2026-12-02T01:05:00Z");
    const hour = 3600_000;
    const runs: Date[] = [];
    for (let t = up.getTime(); t <= up.getTime() + 30 * hour; t += 60_000) {
      const d = new Date(t);
      if (d.getUTCMinutes() === minute && d.getUTCHours() % every === 0) runs.push(d);
    }
    // The password encodes when the token expires (ECR: 12 hours after issue).
    const ecr = await fakeEcr((issuedAt) => `expires-${issuedAt.getTime() + 12 * hour}`);
    const kube = await fakeKubernetes("ns", "pull");
    const config = {
      registryHost: REGISTRY,
      region: REGION,
      ecrEndpoint: ecr.url,
      namespace: "ns",
      secretName: "pull",
      credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY },
      apiServer: kube.url,
      bearerToken: SA_TOKEN,
      ca: undefined,
    };
    /** When the token in the Secret expires, as the kubelet would find it. */
    const storedExpiry = (): number => {
      const stored = kube.secrets.get("ns/pull")?.[".dockerconfigjson"] ?? "";
      const auth = JSON.parse(Buffer.from(stored, "base64").toString()).auths[REGISTRY];
      return auth ? Number(String(auth.password).replace("expires-", "")) : 0;
    };
    try {
      // The initial Job at up, then every scheduled run; the three runs after the first fail.
      await refresh(config, up);
      const failing = new Set(runs.slice(0, 3).map((d) => d.getTime()));
      for (let t = up.getTime(); t <= up.getTime() + 30 * hour; t += 15 * 60_000) {
        for (const run of runs.filter((r) => r.getTime() > t - 15 * 60_000 && r.getTime() <= t)) {
          if (!failing.has(run.getTime())) await refresh(config, run);
        }
        assert.ok(storedExpiry() > t, `a pull at ${new Date(t).toISOString()} finds an expired token`);
      }
      assert.ok(runs.length >= 9, `${runs.length} runs in 30 h`);
    } finally {
      await ecr.close();
      await kube.close();
    }
  });
});

/** What the fake STS issues, and what the fake ECR and Secrets Manager then require of every signature. */
const ROLE_ARN = "arn:aws:iam::123456789012:role/fastify-app-refresher";
const WEB_IDENTITY_TOKEN = "projected-token-with-audience-sts.amazonaws.com";
const TEMPORARY = {
  accessKeyId: "ASIATEMPORARYEXAMPLE",
  secretAccessKey: "temporary/secret+key&<example>",
  sessionToken: "session-token-for-tests",
};
const SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf";
const SECRET_VERSION = "0b1c2d3e-aaaa-bbbb-cccc-123456789012";
const DB_PASSWORD = "db-password-value-9c1e";

interface FakeAws {
  url: string;
  /** Each call: STS (with the token and role it got), ECR or Secrets Manager. */
  calls: string[];
  close(): Promise<void>;
}

const xmlEscape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * STS, ECR and Secrets Manager on one loopback port. STS (AssumeRoleWithWebIdentity, a form POST,
 * answered in XML as AWS does) hands out TEMPORARY only for the expected token and role; ECR and Secrets
 * Manager answer only requests signed (SigV4, checked against the AWS SDK's own signer) with exactly
 * those temporary credentials, session token included.
 */
async function fakeAws(): Promise<FakeAws> {
  const calls: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks).toString();
      if (String(req.headers["content-type"]).startsWith("application/x-www-form-urlencoded")) {
        const form = new URLSearchParams(body);
        calls.push(`sts ${form.get("Action")} ${form.get("RoleArn")}`);
        const ok =
          form.get("Action") === "AssumeRoleWithWebIdentity" &&
          form.get("Version") === "2011-06-15" &&
          form.get("RoleArn") === ROLE_ARN &&
          form.get("WebIdentityToken") === WEB_IDENTITY_TOKEN &&
          req.headers.authorization === undefined;
        res.writeHead(ok ? 200 : 403, { "content-type": "text/xml" });
        return res.end(
          ok
            ? `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>${TEMPORARY.accessKeyId}</AccessKeyId><SecretAccessKey>${xmlEscape(TEMPORARY.secretAccessKey)}</SecretAccessKey><SessionToken>${TEMPORARY.sessionToken}</SessionToken><Expiration>2026-12-07T12:00:00Z</Expiration></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>`
            : "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>Not authorized to perform sts:AssumeRoleWithWebIdentity</Message></Error></ErrorResponse>",
        );
      }
      const target = String(req.headers["x-amz-target"]);
      const isEcr = target.startsWith("AmazonEC2ContainerRegistry");
      const payload = JSON.parse(body || "{}") as { SecretId?: string; VersionId?: string };
      const amzDate = String(req.headers["x-amz-date"]);
      const now = new Date(
        `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
      );
      const expected = await sdkSignature(
        `http://${req.headers.host}${req.url}`,
        String(req.method),
        { "content-type": String(req.headers["content-type"]), "x-amz-target": target },
        body,
        isEcr ? "ecr" : "secretsmanager",
        now,
        isEcr ? REGION : String(payload.SecretId).split(":")[3],
        TEMPORARY,
      );
      calls.push(isEcr ? "ecr" : `secretsmanager ${payload.SecretId} ${payload.VersionId}`);
      const reply = (status: number, value: unknown) => {
        res.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
        res.end(JSON.stringify(value));
      };
      if (req.headers.authorization !== expected) {
        return reply(403, { __type: "InvalidSignatureException", message: "signature mismatch" });
      }
      if (isEcr) {
        return reply(200, {
          authorizationData: [
            {
              authorizationToken: Buffer.from("AWS:ecr-password-web-identity").toString("base64"),
              expiresAt: Math.floor(now.getTime() / 1000) + 12 * 3600,
            },
          ],
        });
      }
      if (target !== "secretsmanager.GetSecretValue" || payload.SecretId !== SECRET_ARN) {
        return reply(400, { __type: "ResourceNotFoundException", message: "no such secret" });
      }
      reply(200, {
        ARN: SECRET_ARN,
        VersionId: payload.VersionId,
        SecretString: JSON.stringify({ password: DB_PASSWORD, user: "app" }),
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe("the refresher with web identity, as a real process against a fake STS, ECR, Secrets Manager and Kubernetes API", () => {
  const namespace = "fastify-app";
  const pullSecret = "fastify-app-image-pull";
  const appSecret = "fastify-app-secrets-0123456789";
  let aws: FakeAws;
  let kube: FakeKubernetes;
  let dir: string;
  let env: Record<string, string>;

  before(async () => {
    aws = await fakeAws();
    kube = await fakeKubernetes(namespace, pullSecret, undefined, [appSecret]);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecr-refresher-wi-"));
    fs.writeFileSync(path.join(dir, "token"), `${SA_TOKEN}\n`);
    fs.writeFileSync(path.join(dir, "aws-token"), `${WEB_IDENTITY_TOKEN}\n`);
    env = {
      REGISTRY_HOST: REGISTRY,
      ECR_REGION: REGION,
      ECR_ENDPOINT: aws.url,
      SECRET_NAMESPACE: namespace,
      SECRET_NAME: pullSecret,
      AWS_ROLE_ARN: ROLE_ARN,
      AWS_WEB_IDENTITY_TOKEN_FILE: path.join(dir, "aws-token"),
      AWS_ENDPOINT_URL_STS: aws.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: aws.url,
      APP_SECRET_REFS: JSON.stringify([
        { name: "DB_PASSWORD", valueFrom: `${SECRET_ARN}:password::${SECRET_VERSION}` },
      ]),
      APP_SECRET_NAME: appSecret,
      KUBERNETES_API_URL: kube.url,
      TOKEN_DIR: dir,
    };
  });

  after(async () => {
    await aws.close();
    await kube.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("assumes the role with the projected token, then pulls and reads the pinned secret with those credentials only", async () => {
    const run = await runRefresher(env);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(aws.calls, [
      `sts AssumeRoleWithWebIdentity ${ROLE_ARN}`,
      "ecr",
      `secretsmanager ${SECRET_ARN} ${SECRET_VERSION}`,
    ]);
    const pull = kube.secrets.get(`${namespace}/${pullSecret}`)?.[".dockerconfigjson"] ?? "";
    assert.equal(
      JSON.parse(Buffer.from(pull, "base64").toString()).auths[REGISTRY].password,
      "ecr-password-web-identity",
    );
    // The JSON key's value, and only it, under the variable's name.
    assert.deepEqual(kube.secrets.get(`${namespace}/${appSecret}`), {
      DB_PASSWORD: Buffer.from(DB_PASSWORD).toString("base64"),
    });
    const log = JSON.parse(run.stdout.trim());
    assert.deepEqual([log.appSecret, log.keys], [`${namespace}/${appSecret}`, ["DB_PASSWORD"]]);
    for (const secret of [
      DB_PASSWORD,
      WEB_IDENTITY_TOKEN,
      TEMPORARY.secretAccessKey,
      TEMPORARY.sessionToken,
    ]) {
      assert.equal(run.stdout.includes(secret) || run.stderr.includes(secret), false, "no secret logged");
    }
  });

  it("STS refuses another role (the trust names one service account's role): nothing is patched", async () => {
    const before = [...kube.requests];
    const run = await runRefresher({ ...env, AWS_ROLE_ARN: "arn:aws:iam::123456789012:role/other" });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /STS AssumeRoleWithWebIdentity at .*: HTTP 403 \(AccessDenied Not authorized/);
    assert.deepEqual(kube.requests, before);
  });

  it("STS refuses another token (e.g. the Kubernetes-audience one)", async () => {
    fs.writeFileSync(path.join(dir, "other-token"), SA_TOKEN);
    const run = await runRefresher({ ...env, AWS_WEB_IDENTITY_TOKEN_FILE: path.join(dir, "other-token") });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /HTTP 403 \(AccessDenied/);
  });

  it("with keys instead: the second key is used when AWS refuses the first (a rotation in progress)", async () => {
    const ecr = await fakeEcr("ecr-password-key-b");
    try {
      const run = await runRefresher({
        REGISTRY_HOST: REGISTRY,
        ECR_REGION: REGION,
        ECR_ENDPOINT: ecr.url,
        SECRET_NAMESPACE: namespace,
        SECRET_NAME: pullSecret,
        AWS_ACCESS_KEY_ID: "AKIDDELETEDKEY",
        AWS_SECRET_ACCESS_KEY: "deleted-key-secret",
        AWS_ACCESS_KEY_ID_B: ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY_B: SECRET_ACCESS_KEY,
        KUBERNETES_API_URL: kube.url,
        TOKEN_DIR: dir,
      });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(ecr.calls, 2);
      const pull = kube.secrets.get(`${namespace}/${pullSecret}`)?.[".dockerconfigjson"] ?? "";
      assert.equal(
        JSON.parse(Buffer.from(pull, "base64").toString()).auths[REGISTRY].password,
        "ecr-password-key-b",
      );
    } finally {
      await ecr.close();
    }
  });
});
