// Tracing on the kubernetes platform (issue 31): the app's env and the NetworkPolicy's egress, judged by
// the evaluator (test/network-policy.ts): exactly the configured collector's peer and port, and DNS.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { before, describe, it } from "node:test";
import { allows, type Endpoint, recordedPolicies } from "../../test/network-policy";
import { type ProgramRun, ROOT, runProgram } from "../../tools/harness";
import { tracingEgress } from "./tracing";

const KUBECONFIG = readFileSync(path.join(ROOT, "test/fixtures/kubeconfig.yaml"), "utf8");
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
// biome-ignore lint/suspicious/noExplicitAny: recorded Kubernetes inputs are untyped JSON
type Json = any;

const kubernetes = (config: Record<string, unknown>) =>
  runProgram({
    stack: "dev",
    config: { platform: "kubernetes", ...config },
    secrets: { kubeconfig: KUBECONFIG },
  });

const appPod = (run: ProgramRun) => {
  const inputs = run.one(DEPLOYMENT).inputs as Json;
  return {
    kind: "pod" as const,
    namespace: inputs.metadata.namespace as string,
    labels: inputs.spec.template.metadata.labels as Record<string, string>,
  };
};
const envOf = (run: ProgramRun): Record<string, string> =>
  Object.fromEntries(
    ((run.one(DEPLOYMENT).inputs as Json).spec.template.spec.containers[0].env as Json[]).map((e) => [
      e.name,
      e.value,
    ]),
  );

describe("tracing on kubernetes", () => {
  let off: ProgramRun;
  let byService: ProgramRun;
  let byIp: ProgramRun;
  const SERVICE_ENDPOINT = "http://otel-collector.observability.svc.cluster.local:4318/v1/traces";
  before(async () => {
    off = await kubernetes({});
    byService = await kubernetes({ tracing: "otlp", otlpEndpoint: SERVICE_ENDPOINT });
    byIp = await kubernetes({ tracing: "otlp", otlpEndpoint: "http://10.96.12.34:4318/v1/traces" });
  });

  const reaches = (run: ProgramRun, to: Endpoint, port: number, protocol: "TCP" | "UDP" = "TCP") =>
    allows(
      recordedPolicies(run.resources),
      { from: appPod(run), to, port, protocol },
      { nodeAddressMatchesIpBlock: true },
    );
  const collectorPod = (namespace: string): Endpoint => ({
    kind: "pod",
    namespace,
    labels: { "app.kubernetes.io/name": "opentelemetry-collector" },
  });
  const dnsPod: Endpoint = { kind: "pod", namespace: "kube-system", labels: { "k8s-app": "kube-dns" } };

  it("the app is told where to export, and nothing when off", () => {
    assert.equal(envOf(byService).TRACING, "otlp");
    assert.equal(envOf(byService).OTLP_TRACES_ENDPOINT, SERVICE_ENDPOINT);
    assert.equal(envOf(off).TRACING, "off");
    assert.equal(envOf(off).OTLP_TRACES_ENDPOINT, undefined);
  });

  it("a Service endpoint: the collector's namespace on its port and DNS, nothing else", () => {
    assert.ok(reaches(byService, collectorPod("observability"), 4318));
    assert.ok(reaches(byService, dnsPod, 53, "UDP"));
    assert.ok(!reaches(byService, collectorPod("observability"), 4317), "another port");
    assert.ok(!reaches(byService, collectorPod("default"), 4318), "another namespace");
    assert.ok(!reaches(byService, { kind: "address", ip: "203.0.113.7" }, 443), "the internet");
  });

  it("an IP endpoint: that address on its port only, no DNS needed", () => {
    assert.ok(reaches(byIp, { kind: "address", ip: "10.96.12.34" }, 4318));
    assert.ok(!reaches(byIp, { kind: "address", ip: "10.96.12.35" }, 4318));
    assert.ok(!reaches(byIp, dnsPod, 53, "UDP"));
  });

  it("off: the app reaches nothing (the policy's egress is empty, as before)", () => {
    assert.ok(!reaches(off, collectorPod("observability"), 4318));
    assert.ok(!reaches(off, dnsPod, 53, "UDP"));
  });

  it("an endpoint config let through by mistake is a program error, not an open egress", () => {
    assert.throws(
      () => tracingEgress({ mode: "otlp", endpoint: "https://otlp.example.com/v1/traces" }),
      /otlp endpoint https:\/\/otlp\.example\.com\/v1\/traces: neither an IPv4 address/,
    );
  });
});
