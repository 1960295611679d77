import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { type ProgramRun, ROOT, runProgram } from "../../tools/harness";
import { SYNTHETIC_CLIENT_LABELS } from "./synthetic-client";

const KUBECONFIG = readFileSync(path.join(ROOT, "test/fixtures/kubeconfig.yaml"), "utf8");
const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

// biome-ignore lint/suspicious/noExplicitAny: recorded Kubernetes inputs are untyped JSON
type Json = any;

/** Whether a label selector (matchLabels and matchExpressions In/NotIn/Exists) selects these labels. */
function selects(selector: Json, labels: Record<string, string>): boolean {
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = ((selector.matchExpressions ?? []) as Json[]).every((e) => {
    const value = labels[e.key];
    if (e.operator === "In") return value !== undefined && e.values.includes(value);
    if (e.operator === "NotIn") return value === undefined || !e.values.includes(value);
    if (e.operator === "Exists") return value !== undefined;
    return value === undefined;
  });
  return byLabels && byExpressions;
}

const podLabels = (run: ProgramRun, type: string, parentType?: string): Record<string, string>[] =>
  run
    .ofType(type)
    .filter((r) => parentType === undefined || r.parentType === parentType)
    .map((r) => {
      const inputs = r.inputs as Json;
      const template = type.endsWith("CronJob")
        ? inputs.spec.jobTemplate.spec.template
        : inputs.spec.template;
      return template.metadata.labels;
    });

describe("the app namespace's default deny", () => {
  let kubernetes: ProgramRun;
  let eks: ProgramRun;
  let shared: ProgramRun;
  before(async () => {
    // One run at a time: the Pulumi runtime is global.
    kubernetes = await runProgram({
      stack: "dev",
      config: { platform: "kubernetes" },
      secrets: { kubeconfig: KUBECONFIG },
    });
    eks = await runProgram({ stack: "prod", config: { platform: "eks" } });
    shared = await runProgram({
      stack: "dev",
      config: { platform: "kubernetes", createNamespace: false },
      secrets: { kubeconfig: KUBECONFIG },
    });
  });

  const defaultDeny = (run: ProgramRun) =>
    run.ofType(NETWORK_POLICY).filter((r) => r.name.endsWith("-default-deny"));
  /** The one default-deny policy's inputs. */
  const theDefaultDeny = (run: ProgramRun): Json => {
    const policies = defaultDeny(run);
    assert.equal(policies.length, 1);
    return (policies[0] as { inputs: Json }).inputs;
  };

  it("a namespace this program creates gets a policy that admits nothing in or out", () => {
    for (const [label, run] of [
      ["kubernetes", kubernetes],
      ["eks", eks],
    ] as const) {
      const policy = theDefaultDeny(run);
      const spec = policy.spec;
      assert.deepEqual(spec.policyTypes, ["Ingress", "Egress"], label);
      assert.deepEqual(spec.ingress, [], label);
      assert.deepEqual(spec.egress, [], label);
      const namespace = run.one("kubernetes:core/v1:Namespace").inputs as Json;
      assert.equal(policy.metadata.namespace, namespace.metadata.name, label);
    }
  });

  it("selects the app's and the synthetic client's pods (their own policies admit what they need) and any other pod", () => {
    for (const [label, run] of [
      ["kubernetes", kubernetes],
      ["eks", eks],
    ] as const) {
      const selector = theDefaultDeny(run).spec.podSelector;
      for (const labels of podLabels(run, "kubernetes:apps/v1:Deployment")) {
        assert.ok(selects(selector, labels), `${label}: app pods`);
      }
      assert.ok(selects(selector, SYNTHETIC_CLIENT_LABELS), `${label}: synthetic client`);
      assert.ok(selects(selector, {}), `${label}: an unlabelled pod`);
      assert.ok(selects(selector, { run: "debug" }), `${label}: a stray pod`);
    }
  });

  it("leaves out only the ECR pull-secret refresher, which has no egress policy of its own yet", () => {
    const refreshers = podLabels(
      kubernetes,
      "kubernetes:batch/v1:CronJob",
      "fastify-deploy:platforms:EcrPullSecret",
    );
    assert.ok(refreshers.length > 0, "the kubernetes dev stack runs a refresher");
    const selector = theDefaultDeny(kubernetes).spec.podSelector;
    for (const labels of refreshers) assert.equal(selects(selector, labels), false);
  });

  it("is not created in a namespace the program does not own (it would cut off other teams' pods)", () => {
    assert.equal(defaultDeny(shared).length, 0);
  });
});
