import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { type ProgramRun, runProgram } from "../../tools/harness";
import { POD_READINESS_GATE_LABEL } from "../workload";

// biome-ignore lint/suspicious/noExplicitAny: recorded Helm values and Kubernetes inputs are untyped JSON
type Json = any;

// Issue 24, item 7. The chart renders the pod mutator webhook (mpod.elbv2.k8s.aws) with
// `failurePolicy: {{ .Values.podMutatorWebhookConfig.failurePolicy }}` and adds
// `.Values.objectSelector.matchLabels` to its objectSelector (kubernetes-sigs/aws-load-balancer-controller
// helm/aws-load-balancer-controller/templates/webhook.yaml); the project recommends Fail with an object
// selector (docs/deploy/pod_readiness_gate.md). Both read 2026-12-07.
describe("EKS: the readiness-gate webhook fails closed, for the app's pods only", () => {
  let prod: ProgramRun;
  before(async () => {
    prod = await runProgram({ stack: "prod" });
  });

  it("the controller's pod webhook is failurePolicy Fail, selecting pods with the gate label", () => {
    const values = (prod.one("kubernetes:helm.sh/v3:Release", "app-lbc-release").inputs as Json).values;
    assert.deepEqual(values.podMutatorWebhookConfig, { failurePolicy: "Fail" });
    assert.deepEqual(values.objectSelector, { matchLabels: { [POD_READINESS_GATE_LABEL]: "enabled" } });
  });

  it("the app's pods carry that label (so they get their gate or wait), its selector does not", () => {
    const spec = (prod.one("kubernetes:apps/v1:Deployment").inputs as Json).spec;
    assert.equal(spec.template.metadata.labels[POD_READINESS_GATE_LABEL], "enabled");
    assert.equal(spec.selector.matchLabels[POD_READINESS_GATE_LABEL], undefined);
    const namespace = prod.one("kubernetes:core/v1:Namespace").inputs as Json;
    assert.equal(namespace.metadata.labels[POD_READINESS_GATE_LABEL], "enabled");
  });
});
