// Tracing on the AWS platforms (issue 31), on the recorded graph: the app's env, the collector beside it
// and the exporter's permission on the app's role, on ECS and EKS; nothing of it with tracing off.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import {
  ADOT_COLLECTOR_IMAGE,
  EKS_POD_IDENTITY_AGENT,
  LOCAL_COLLECTOR_ENDPOINT,
  XRAY_EXPORT_ACTIONS,
} from "../../facts";
import { kubernetesObjects, schemaViolations } from "../../test/kubernetes-schema";
import { type ProgramRun, type RecordedResource, runProgram } from "../../tools/harness";
import { APP_GID, APP_UID } from "../app-contract";

const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";

// biome-ignore lint/suspicious/noExplicitAny: recorded inputs are untyped JSON
type Json = any;

const containers = (run: ProgramRun): Json[] =>
  JSON.parse(run.one(TASK_DEFINITION).inputs.containerDefinitions as string);
const envOf = (container: Json): Record<string, string> =>
  Object.fromEntries((container.environment ?? container.env).map((e: Json) => [e.name, e.value]));
const xrayPolicies = (run: ProgramRun): RecordedResource[] =>
  run.ofType(ROLE_POLICY).filter((p) => p.name.endsWith("-xray-export"));
const roleOf = (run: ProgramRun, policy: RecordedResource) =>
  run.resources.find((r) => r.type === "aws:iam/role:Role" && r.id === policy.inputs.role);
const eks = (config: Record<string, unknown>) =>
  runProgram({ stack: "dev", config: { platform: "eks", natGateways: "single", ...config } });

describe("tracing on ECS", () => {
  let off: ProgramRun;
  let xray: ProgramRun;
  let otlp: ProgramRun;
  before(async () => {
    off = await runProgram({ stack: "dev" });
    xray = await runProgram({ stack: "dev", config: { tracing: "xray" } });
    otlp = await runProgram({
      stack: "dev",
      config: { tracing: "otlp", otlpEndpoint: "https://otlp.example.com/v1/traces" },
    });
  });

  it("off: one container, TRACING=off and no endpoint, no X-Ray permission anywhere", () => {
    assert.equal(containers(off).length, 1);
    const env = envOf(containers(off)[0]);
    assert.equal(env.TRACING, "off");
    assert.equal(env.OTLP_TRACES_ENDPOINT, undefined);
    assert.deepEqual(xrayPolicies(off), []);
    for (const policy of off.ofType(ROLE_POLICY)) assert.doesNotMatch(String(policy.inputs.policy), /xray:/);
  });

  it("xray: the app exports to the ADOT sidecar on loopback, which starts first and signs for the stack's region", () => {
    const [app, collector] = containers(xray);
    assert.equal(containers(xray).length, 2);
    assert.deepEqual(envOf(app).TRACING, "otlp");
    assert.equal(envOf(app).OTLP_TRACES_ENDPOINT, LOCAL_COLLECTOR_ENDPOINT);
    assert.deepEqual(app.dependsOn, [{ containerName: "otel-collector", condition: "START" }]);
    assert.equal(collector.name, "otel-collector");
    assert.equal(collector.image, ADOT_COLLECTOR_IMAGE);
    assert.equal(collector.essential, false);
    assert.equal(collector.readonlyRootFilesystem, true);
    assert.equal(collector.user, `${APP_UID}:${APP_GID}`);
    assert.equal(collector.stopTimeout, app.stopTimeout);
    const config = envOf(collector).AOT_CONFIG_CONTENT ?? "";
    // The mock account's region (tools/harness/mocks.ts: us-east-1).
    assert.match(config, /traces_endpoint: https:\/\/xray\.us-east-1\.amazonaws\.com\/v1\/traces/);
    assert.match(config, /authenticator: sigv4auth/);
    assert.match(config, /endpoint: 127\.0\.0\.1:4318/);
  });

  it("xray: the exporter's two named actions on the task role, not the execution role, no wildcard action", () => {
    const [policy] = xrayPolicies(xray);
    assert.ok(policy);
    assert.equal(xrayPolicies(xray).length, 1);
    const role = roleOf(xray, policy);
    assert.match(String(role?.name), /-task-role$/);
    assert.deepEqual(JSON.parse(policy.inputs.policy as string).Statement, [
      { Sid: "ExportSpansToXRay", Effect: "Allow", Action: [...XRAY_EXPORT_ACTIONS], Resource: "*" },
    ]);
  });

  it("otlp: the app exports straight to the endpoint; no sidecar, no X-Ray permission", () => {
    assert.equal(containers(otlp).length, 1);
    assert.equal(envOf(containers(otlp)[0]).OTLP_TRACES_ENDPOINT, "https://otlp.example.com/v1/traces");
    assert.deepEqual(xrayPolicies(otlp), []);
  });
});

describe("tracing on EKS", () => {
  let off: ProgramRun;
  let xray: ProgramRun;
  before(async () => {
    off = await eks({});
    xray = await eks({ tracing: "xray" });
  });

  it("xray: the collector as a native sidecar (restartPolicy Always, restricted), the app exporting to it", () => {
    const pod = (xray.one(DEPLOYMENT).inputs as Json).spec.template.spec;
    assert.equal(pod.initContainers.length, 1);
    const [sidecar] = pod.initContainers;
    assert.equal(sidecar.name, "otel-collector");
    assert.equal(sidecar.restartPolicy, "Always");
    assert.equal(sidecar.image, ADOT_COLLECTOR_IMAGE);
    assert.equal(sidecar.securityContext.readOnlyRootFilesystem, true);
    assert.equal(sidecar.securityContext.allowPrivilegeEscalation, false);
    assert.match(envOf(sidecar).AOT_CONFIG_CONTENT ?? "", /xray\.us-east-1\.amazonaws\.com/);
    const app = pod.containers[0];
    assert.equal(envOf(app).TRACING, "otlp");
    assert.equal(envOf(app).OTLP_TRACES_ENDPOINT, LOCAL_COLLECTOR_ENDPOINT);
    assert.equal((off.one(DEPLOYMENT).inputs as Json).spec.template.spec.initContainers, undefined);
  });

  it("xray: every Kubernetes object, the native sidecar included, passes the vendored schema", () => {
    assert.deepEqual(schemaViolations(kubernetesObjects(xray)), []);
  });

  it("xray: the exporter's policy is its own resource on the app's IRSA role", () => {
    assert.deepEqual(xrayPolicies(off), []);
    const [policy] = xrayPolicies(xray);
    assert.ok(policy);
    assert.match(String(roleOf(xray, policy)?.name), /-app-role$/);
    assert.deepEqual(JSON.parse(policy.inputs.policy as string).Statement[0].Action, [
      ...XRAY_EXPORT_ACTIONS,
    ]);
  });

  it("xray: the NetworkPolicy adds DNS, HTTPS out (X-Ray) and the Pod Identity agent (the collector's credentials), nothing else", () => {
    const policy = xray
      .ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy")
      .find((p) => (p.inputs as Json).metadata.name === (xray.one(DEPLOYMENT).inputs as Json).metadata.name);
    assert.ok(policy);
    const egress = (policy.inputs as Json).spec.egress as Json[];
    assert.deepEqual(
      egress.map((rule) => rule.ports),
      [
        [
          { port: 53, protocol: "UDP" },
          { port: 53, protocol: "TCP" },
        ],
        [{ port: 443, protocol: "TCP" }],
        [{ port: EKS_POD_IDENTITY_AGENT.port, protocol: "TCP" }],
      ],
    );
    // The agent's address only (facts/kubernetes.ts EKS_POD_IDENTITY_AGENT), not port 80 anywhere.
    assert.deepEqual(egress[2]?.to, [{ ipBlock: { cidr: "169.254.170.23/32" } }]);
  });
});
