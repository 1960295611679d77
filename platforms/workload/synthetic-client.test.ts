import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { podSecurityRestricted } from "../../policy/policies";
import { evaluate, mutated } from "../../policy/testing";
import { kubernetesObjects, schemaViolations } from "../../test/kubernetes-schema";
import { allows, type Endpoint, recordedPolicies } from "../../test/network-policy";
import { type ProgramRun, ROOT, readProject, runProgram } from "../../tools/harness";
import { APP_PORT } from "../app-contract";
import {
  SYNTHETIC_CLIENT_LABELS,
  SYNTHETIC_CLIENT_SCRIPT_FILE,
  SYNTHETIC_DEADLINE_SECONDS,
  SYNTHETIC_SCHEDULE,
  SYNTHETIC_TIMEOUT_MS,
} from "./synthetic-client";
import { configFromEnv, failureSummary, run as runChecks } from "./synthetic-client.cjs";

// biome-ignore lint/suspicious/noExplicitAny: recorded Kubernetes inputs are untyped JSON
type Json = any;

const KUBECONFIG = readFileSync(path.join(ROOT, "test/fixtures/kubeconfig.yaml"), "utf8");
const kubernetes = (config: Record<string, unknown> = {}) =>
  runProgram({
    stack: "dev",
    config: { platform: "kubernetes", ...config },
    secrets: { kubeconfig: KUBECONFIG },
  });
const CLIENT = "fastify-deploy:platforms:SyntheticClient";
const children = (run: ProgramRun) => run.resources.filter((r) => r.parentType === CLIENT);
const cronJob = (run: ProgramRun): Json =>
  run.one("kubernetes:batch/v1:CronJob", "app-synthetic-client-cron").inputs;
const pod = (run: ProgramRun): Json => cronJob(run).spec.jobTemplate.spec.template;

describe("synthetic client on kubernetes: a CronJob in the cluster", () => {
  let dev: ProgramRun;
  let ingress: ProgramRun;
  let off: ProgramRun;

  before(async () => {
    dev = await kubernetes();
    ingress = await kubernetes({ ingressClassName: "nginx", ingressHost: "api.example.com" });
    off = await kubernetes({ syntheticCheck: false });
  });

  it("its objects pass the Kubernetes OpenAPI schema", () => {
    for (const run of [dev, ingress]) {
      const objects = kubernetesObjects(run).filter((r) => r.parentType === CLIENT);
      assert.deepEqual(objects.map((o) => o.type).sort(), [
        "kubernetes:batch/v1:CronJob",
        "kubernetes:core/v1:ConfigMap",
        "kubernetes:core/v1:ServiceAccount",
        "kubernetes:networking.k8s.io/v1:NetworkPolicy",
      ]);
      assert.deepEqual(schemaViolations(objects), []);
    }
  });

  it('its pod passes Pod Security "restricted" (the pack\'s policy) and every field of it', async () => {
    assert.deepEqual(await evaluate([podSecurityRestricted], children(dev)), []);
    const spec = pod(dev).spec;
    assert.deepEqual(spec.securityContext, {
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      seccompProfile: { type: "RuntimeDefault" },
    });
    const c = spec.containers[0];
    assert.deepEqual(c.securityContext, {
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    assert.equal(spec.automountServiceAccountToken, false);
    assert.equal(
      dev.one("kubernetes:core/v1:ServiceAccount", "app-synthetic-client-service-account").inputs
        .automountServiceAccountToken,
      false,
    );
    assert.equal(spec.hostNetwork ?? false, false);
    assert.deepEqual(spec.volumes, [
      { name: "script", configMap: { name: "fastify-app-synthetic-client", defaultMode: 0o444 } },
    ]);
    assert.ok(c.resources.requests.cpu && c.resources.limits.memory);
  });

  it("the same pod with a writable root filesystem fails the policy (the check can fail)", async () => {
    const resources = children(dev);
    const cron = dev.one("kubernetes:batch/v1:CronJob", "app-synthetic-client-cron");
    const writable = mutated(resources, cron, (i: Json) => {
      i.spec.jobTemplate.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem = false;
    });
    assert.ok((await evaluate([podSecurityRestricted], writable)).length > 0);
  });

  it("every minute, never two at once, a failure fails the Job (no retries), killed before the next minute", () => {
    const spec = cronJob(dev).spec;
    assert.equal(spec.schedule, SYNTHETIC_SCHEDULE);
    assert.equal(spec.schedule, "* * * * *");
    assert.equal(spec.concurrencyPolicy, "Forbid");
    assert.equal(spec.jobTemplate.spec.backoffLimit, 0);
    assert.ok(spec.jobTemplate.spec.activeDeadlineSeconds < 60);
    assert.equal(spec.jobTemplate.spec.activeDeadlineSeconds, SYNTHETIC_DEADLINE_SECONDS);
    // Two calls at their timeout, plus Node's start, fit within the deadline.
    assert.ok((2 * SYNTHETIC_TIMEOUT_MS) / 1000 + 10 < SYNTHETIC_DEADLINE_SECONDS);
    assert.equal(spec.startingDeadlineSeconds, 30);
  });

  it("runs the tested script from a ConfigMap in the digest-pinned Node image, against the app's Service", () => {
    const c = pod(dev).spec.containers[0];
    assert.equal(c.image, String(readProject().config.ecrRefresherImage?.default));
    assert.match(c.image, /@sha256:[a-f0-9]{64}$/);
    assert.deepEqual(c.command, ["node", "/client/check.cjs"]);
    assert.equal(
      (dev.one("kubernetes:core/v1:ConfigMap", "app-synthetic-client-script").inputs.data as Json)[
        "check.cjs"
      ],
      readFileSync(SYNTHETIC_CLIENT_SCRIPT_FILE, "utf8"),
    );
    const env = Object.fromEntries((c.env as Json[]).map((e) => [e.name, e.value]));
    assert.deepEqual(env, {
      TARGET_URL: "http://fastify-app.fastify-app.svc.cluster.local",
      TIMEOUT_MS: String(SYNTHETIC_TIMEOUT_MS),
      TARGET_KIND: "service",
    });
    assert.deepEqual(configFromEnv(env), {
      targetUrl: env.TARGET_URL,
      timeoutMs: SYNTHETIC_TIMEOUT_MS,
      targetKind: "service",
    });
  });

  it("network: the client reaches only DNS and the app port of the app pods; the app admits exactly it", () => {
    for (const run of [dev, ingress]) {
      const own = run.one(
        "kubernetes:networking.k8s.io/v1:NetworkPolicy",
        "app-synthetic-client-network-policy",
      ).inputs.spec as Json;
      const appSelector = (run.one("kubernetes:apps/v1:Deployment").inputs.spec as Json).selector.matchLabels;
      assert.deepEqual(own.podSelector, { matchLabels: SYNTHETIC_CLIENT_LABELS });
      assert.deepEqual(own.policyTypes, ["Ingress", "Egress"]);
      assert.deepEqual(own.ingress, []);
      assert.deepEqual(own.egress[1], {
        to: [{ podSelector: { matchLabels: appSelector } }],
        ports: [{ port: APP_PORT, protocol: "TCP" }],
      });
      assert.deepEqual(
        own.egress[0].ports.map((p: Json) => `${p.protocol}/${p.port}`),
        ["UDP/53", "TCP/53"],
      );
      // Its pods are not the app's: the app's selector does not match the client's labels.
      assert.ok(Object.entries(appSelector).some(([k, v]) => (SYNTHETIC_CLIENT_LABELS as Json)[k] !== v));
      const app = run.one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "app-app-network-policy").inputs
        .spec as Json;
      assert.deepEqual(app.ingress[0].from.at(-1), { podSelector: { matchLabels: SYNTHETIC_CLIENT_LABELS } });
    }
  });

  // Issue 24, item 1: on GKE (Cloud DNS: the metadata server answers) and wherever NodeLocal DNSCache
  // runs, pods resolve through link-local addresses that no pod selector matches (kubernetes
  // cluster/addons/dns/nodelocaldns/README.md, "Network policy and DNS connectivity", read 2026-12-07).
  it("DNS: the client resolves through the cluster DNS pods, NodeLocal DNSCache and GKE's metadata server, on 53 only", () => {
    const policies = recordedPolicies(dev.resources);
    const client: Endpoint = { kind: "pod", namespace: "fastify-app", labels: SYNTHETIC_CLIENT_LABELS };
    const semantics = { nodeAddressMatchesIpBlock: true };
    const dnsTo = (to: Endpoint, port = 53, protocol: "UDP" | "TCP" = "UDP") =>
      allows(policies, { from: client, to, port, protocol }, semantics);
    const coreDns: Endpoint = { kind: "pod", namespace: "kube-system", labels: { "k8s-app": "kube-dns" } };
    assert.ok(dnsTo(coreDns));
    assert.ok(dnsTo({ kind: "address", ip: "169.254.20.10" }), "NodeLocal DNSCache");
    assert.ok(dnsTo({ kind: "address", ip: "169.254.169.254" }), "GKE metadata server (Cloud DNS)");
    assert.ok(dnsTo({ kind: "address", ip: "169.254.169.254" }, 53, "TCP"));
    // Nothing else: not the metadata server's HTTP port, not a resolver on the internet.
    assert.ok(!dnsTo({ kind: "address", ip: "169.254.169.254" }, 80, "TCP"));
    assert.ok(!dnsTo({ kind: "address", ip: "8.8.8.8" }));
    assert.ok(!dnsTo({ kind: "pod", namespace: "kube-system", labels: { "k8s-app": "other" } }));
  });

  it("a failed run's cause is in the pod status: the script's termination message, else the log's tail", () => {
    assert.equal(pod(dev).spec.containers[0].terminationMessagePolicy, "FallbackToLogsOnError");
  });

  it("syntheticCheck false: no client, and the app admits no one for it", () => {
    assert.equal(children(off).length, 0);
    // The app's policy, not the namespace's default deny.
    const app = off.one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "app-app-network-policy").inputs
      .spec as Json;
    assert.ok((app.ingress[0].from as Json[]).every((peer) => peer.podSelector === undefined));
  });
});

describe("synthetic client script: real calls against the real app on 127.0.0.1", () => {
  const SCRIPT = path.join(__dirname, "synthetic-client.cjs");
  let appUrl: string;
  let closeApp: () => Promise<unknown>;
  let broken: http.Server;
  let brokenUrl: string;

  const runScript = (env: Record<string, string>) =>
    new Promise<{ code: number; lines: Json[] }>((resolve) => {
      execFile(
        process.execPath,
        [SCRIPT],
        { env: { PATH: process.env.PATH ?? "", ...env }, timeout: 20_000 },
        (error, stdout) => {
          const code = error ? Number((error as { code?: number }).code ?? 1) : 0;
          resolve({
            code,
            lines: stdout
              .trim()
              .split("\n")
              .filter(Boolean)
              .map((l) => JSON.parse(l)),
          });
        },
      );
    });

  before(async () => {
    const { buildApp } = await import("../../app/src/app.js");
    const app = await buildApp({ version: "test" });
    appUrl = await app.listen({ host: "127.0.0.1", port: 0 });
    closeApp = () => app.close();
    // /v1/random answers 500, /healthz hangs past the timeout.
    broken = http.createServer((req, res) => {
      if (req.url === "/v1/random") {
        res.writeHead(500, { "content-type": "application/json" }).end('{"error":"boom"}');
      }
    });
    await new Promise<void>((resolve) => broken.listen(0, "127.0.0.1", resolve));
    brokenUrl = `http://127.0.0.1:${(broken.address() as AddressInfo).port}`;
  });

  after(async () => {
    await closeApp();
    broken.closeAllConnections();
    await new Promise((resolve) => broken.close(resolve));
  });

  it("a healthy app: exit 0, one JSON line per call with status, latency and the random value", async () => {
    const { code, lines } = await runScript({ TARGET_URL: appUrl });
    assert.equal(code, 0);
    assert.deepEqual(
      lines.map((l) => [l.path, l.status, l.ok]),
      [
        ["/v1/random", 200, true],
        ["/healthz", 200, true],
      ],
    );
    for (const l of lines) assert.ok(Number.isInteger(l.latencyMs) && l.latencyMs >= 0);
    assert.ok(Number.isInteger(lines[0].value) && lines[0].value >= 0 && lines[0].value <= 100);
  });

  it("a 500 and a hung call: exit 1 (the Job fails), each failure logged with its reason", async () => {
    const { code, lines } = await runScript({ TARGET_URL: brokenUrl, TIMEOUT_MS: "300" });
    assert.equal(code, 1);
    assert.deepEqual(
      lines.map((l) => [l.path, l.status, l.ok]),
      [
        ["/v1/random", 500, false],
        ["/healthz", 0, false],
      ],
    );
    assert.match(lines[1].error, /timeout|aborted/i);
    assert.ok(lines[1].latencyMs >= 300);
  });

  it("nothing listening: exit 1; a bad TARGET_URL: exit 1 with the reason", async () => {
    const closed = await runScript({ TARGET_URL: "http://127.0.0.1:1" });
    assert.equal(closed.code, 1);
    assert.ok(closed.lines.every((l) => l.ok === false && l.status === 0));
    assert.throws(() => configFromEnv({ TARGET_URL: "fastify-app" }), {
      message: 'TARGET_URL: got "fastify-app"; expected the app\'s http(s):// URL',
    });
    assert.throws(() => configFromEnv({ TARGET_URL: "http://x", TIMEOUT_MS: "0" }), {
      message: 'TIMEOUT_MS: got "0"; expected a positive integer',
    });
  });

  it("in-process: a body that breaks the contract is a failure even with 200", async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" }).end('{"value":101,"status":"down"}');
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const results = await runChecks(url, { log: () => {} });
    server.close();
    assert.deepEqual(
      results.map((r) => [r.path, r.status, r.ok]),
      [
        ["/v1/random", 200, false],
        ["/healthz", 200, false],
      ],
    );
  });
});

// Issue 31: the client tests what users reach. The target is the stack's public URL when it has one (the
// same as the `url` output), the Service otherwise; the script names which in every line.
describe("synthetic client target: the public URL when there is one", () => {
  const upRun = (config: Record<string, unknown>) =>
    runProgram({
      stack: "dev",
      config: { platform: "kubernetes", ...config },
      secrets: { kubeconfig: KUBECONFIG },
      mode: "up",
    });
  const target = (run: ProgramRun) => {
    const env = Object.fromEntries((pod(run).spec.containers[0].env as Json[]).map((e) => [e.name, e.value]));
    return [env.TARGET_KIND, env.TARGET_URL];
  };
  let service: ProgramRun;
  let ingressTls: ProgramRun;
  let ingressAddress: ProgramRun;
  let gateway: ProgramRun;
  let loadBalancer: ProgramRun;
  let loadBalancerUnassigned: ProgramRun;
  before(async () => {
    service = await upRun({});
    ingressTls = await upRun({
      ingressClassName: "nginx",
      ingressHost: "api.example.com",
      ingressTlsSecret: "api-tls",
    });
    // An `alb` Ingress without a host: the address its controller wrote (tools/harness/mocks.ts).
    ingressAddress = await upRun({ ingressClassName: "alb", waitForAddress: true });
    gateway = await upRun({
      gatewayName: "public",
      gatewayNamespace: "gateway-system",
      ingressHost: "api.example.com",
    });
    loadBalancer = await upRun({
      serviceType: "LoadBalancer",
      nodeCidrs: ["172.18.0.0/16"],
      waitForAddress: true,
    });
    loadBalancerUnassigned = await upRun({ serviceType: "LoadBalancer", nodeCidrs: ["172.18.0.0/16"] });
  });

  it("Ingress with TLS: https to its host; an Ingress without a host: its address", () => {
    assert.deepEqual(target(ingressTls), ["ingress", "https://api.example.com"]);
    const [kind, url] = target(ingressAddress);
    assert.equal(kind, "ingress");
    assert.match(url, /^http:\/\/k8s-[a-f0-9]+-[a-f0-9]+-\d+\.us-east-1\.elb\.amazonaws\.com$/);
  });

  it("Gateway route: its host", () => {
    assert.deepEqual(target(gateway), ["gateway", "http://api.example.com"]);
  });

  it("LoadBalancer Service: its address once assigned, the Service until then (and saying so)", () => {
    const [kind, url] = target(loadBalancer);
    assert.equal(kind, "load-balancer");
    assert.match(url, /^http:\/\/203\.0\.113\.\d+$/);
    assert.deepEqual(target(loadBalancerUnassigned), [
      "service",
      "http://fastify-app.fastify-app.svc.cluster.local",
    ]);
  });

  it("no public exposure: the Service", () => {
    assert.deepEqual(target(service), ["service", "http://fastify-app.fastify-app.svc.cluster.local"]);
  });

  it("the target is the stack's url output", () => {
    for (const run of [service, ingressTls, ingressAddress, gateway, loadBalancer, loadBalancerUnassigned]) {
      assert.equal(target(run)[1], run.outputValues().url);
    }
  });

  it("network: with a public exposure the client may leave on 80 and 443 (and 53), only the app port without", () => {
    const client: Endpoint = { kind: "pod", namespace: "fastify-app", labels: SYNTHETIC_CLIENT_LABELS };
    const reaches = (run: ProgramRun, to: Endpoint, port: number) =>
      allows(
        recordedPolicies(run.resources),
        { from: client, to, port, protocol: "TCP" },
        { nodeAddressMatchesIpBlock: true },
      );
    const internet: Endpoint = { kind: "address", ip: "203.0.113.7" };
    const controller: Endpoint = {
      kind: "pod",
      namespace: "ingress-nginx",
      labels: { app: "ingress-nginx" },
    };
    for (const run of [ingressTls, gateway, loadBalancer]) {
      assert.ok(reaches(run, internet, 443));
      assert.ok(reaches(run, internet, 80));
      assert.ok(reaches(run, controller, 443));
      assert.ok(!reaches(run, internet, 22), "web ports only");
    }
    assert.ok(!reaches(service, internet, 443));
    assert.ok(!reaches(service, controller, 80));
  });
});

describe("synthetic client script: the target kind and the failure message", () => {
  it("names the target in every line; summarises a failure in one line for the termination log", async () => {
    const logged: string[] = [];
    const results = await runChecks("http://127.0.0.1:1", {
      log: (l) => logged.push(l),
      target: "ingress",
      timeoutMs: 1000,
    });
    assert.deepEqual(
      logged.map((l) => JSON.parse(l).target),
      ["ingress", "ingress"],
    );
    assert.match(
      failureSummary("ingress", "http://127.0.0.1:1", results),
      /^synthetic check failed via ingress http:\/\/127\.0\.0\.1:1: \/v1\/random .+ after \d+ ms; \/healthz .+ after \d+ ms$/,
    );
    assert.throws(() => configFromEnv({ TARGET_URL: "http://x", TARGET_KIND: "cdn" }), {
      message: 'TARGET_KIND: got "cdn"; expected one of ingress, gateway, load-balancer, service',
    });
  });

  it("a failed run writes its summary to the termination log; a healthy one writes nothing", async () => {
    const { mkdtempSync, readFileSync: read, existsSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(path.join(tmpdir(), "synthetic-"));
    const log = path.join(dir, "termination-log");
    const code = await new Promise<number>((resolve) =>
      execFile(
        process.execPath,
        [path.join(__dirname, "synthetic-client.cjs")],
        {
          env: {
            PATH: process.env.PATH ?? "",
            TARGET_URL: "http://127.0.0.1:1",
            TARGET_KIND: "gateway",
            TERMINATION_LOG: log,
          },
          timeout: 20_000,
        },
        (error) => resolve(error ? Number((error as { code?: number }).code ?? 1) : 0),
      ),
    );
    assert.equal(code, 1);
    assert.match(
      read(log, "utf8"),
      /^synthetic check failed via gateway http:\/\/127\.0\.0\.1:1: \/v1\/random /,
    );
    const { buildApp } = await import("../../app/src/app.js");
    const app = await buildApp({ version: "test" });
    const url = await app.listen({ host: "127.0.0.1", port: 0 });
    const healthyLog = path.join(dir, "healthy-log");
    const healthy = await new Promise<number>((resolve) =>
      execFile(
        process.execPath,
        [path.join(__dirname, "synthetic-client.cjs")],
        {
          env: { PATH: process.env.PATH ?? "", TARGET_URL: url, TERMINATION_LOG: healthyLog },
          timeout: 20_000,
        },
        (error) => resolve(error ? Number((error as { code?: number }).code ?? 1) : 0),
      ),
    );
    await app.close();
    assert.equal(healthy, 0);
    assert.equal(existsSync(healthyLog), false);
  });
});
