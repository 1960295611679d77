import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { type ProgramRun, runProgram, stackPlatformCases } from "../../tools/harness";
import { fluentBitValues } from "./container-logs";
import { FLUENT_BIT_CHART } from "./versions";

// biome-ignore lint/suspicious/noExplicitAny: recorded Helm values are untyped JSON
type Json = any;

const CLUSTER_ROLE = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole";
const RELEASE = "kubernetes:helm.sh/v3:Release";

/**
 * Whether a chart's ClusterRole grants `nodes/proxy`, given the release's values: read from each chart's
 * own template (each line cites it). A chart not in this table fails the test until someone reads its
 * ClusterRole and adds it. nodes/proxy lets its holder run commands in any container through the kubelet,
 * past Pod Security admission and the API server's audit of exec (Kubernetes "RBAC good practices",
 * https://kubernetes.io/docs/concepts/security/rbac-good-practices/, read 2026-12-07).
 */
const GRANTS_NODES_PROXY: Record<string, (values: Json) => boolean> = {
  // fluent/helm-charts charts/fluent-bit/templates/clusterrole.yaml (5b81bf7, read 2026-12-07): nodes,
  // nodes/metrics and nodes/proxy only `if .Values.rbac.nodeAccess` (default false).
  "fluent-bit": (values) => values?.rbac?.nodeAccess === true,
  // aws/eks-charts stable/aws-for-fluent-bit/templates/clusterrole.yaml (5239609, read 2026-12-07):
  // nodes/proxy granted unconditionally.
  "aws-for-fluent-bit": () => true,
  // aws/eks-charts stable/aws-load-balancer-controller/templates/rbac.yaml, chart 3.5.0 (5239609, read
  // 2026-12-07): nodes get/list/watch, no subresource.
  "aws-load-balancer-controller": () => false,
  // kubernetes/autoscaler charts/cluster-autoscaler/templates/clusterrole.yaml (0ebbdfb, read
  // 2026-12-07): nodes watch/list/get/update, no subresource.
  "cluster-autoscaler": () => false,
};

function grantsNodesProxy(rules: Json[] | undefined): boolean {
  return (rules ?? []).some((rule: Json) =>
    (rule.resources ?? []).some((r: string) => r === "nodes/proxy" || r === "*" || r === "nodes/*"),
  );
}

describe("no ClusterRole grants nodes/proxy, in any stack × platform graph", () => {
  const runs: [string, ProgramRun][] = [];
  before(async () => {
    for (const c of stackPlatformCases())
      runs.push([`${c.stack}/${c.platform}`, await runProgram(c.options)]);
  });

  it("the recorded ClusterRoles and every Helm release's chart ClusterRole", () => {
    let releases = 0;
    for (const [name, run] of runs) {
      for (const role of run.ofType(CLUSTER_ROLE)) {
        assert.equal(grantsNodesProxy((role.inputs as Json).rules), false, `${name}: ${role.name}`);
      }
      for (const release of run.ofType(RELEASE)) {
        releases += 1;
        const chart = String((release.inputs as Json).chart);
        const rule = GRANTS_NODES_PROXY[chart];
        assert.ok(
          rule,
          `${name}: ${release.name}: chart ${chart} is not in GRANTS_NODES_PROXY; read its ClusterRole`,
        );
        assert.equal(
          rule((release.inputs as Json).values),
          false,
          `${name}: ${release.name} (${chart}) grants nodes/proxy`,
        );
      }
    }
    assert.ok(releases >= 3, "the EKS graphs hold the three add-on releases");
  });

  it("the log shipper is the chart that can be told not to (fluent/helm-charts fluent-bit, rbac.nodeAccess false)", () => {
    assert.equal(FLUENT_BIT_CHART.chart, "fluent-bit");
    const eks = runs.filter(([name]) => name.endsWith("/eks"));
    assert.ok(eks.length > 0);
    for (const [name, run] of eks) {
      const values = (run.one(RELEASE, "app-fluent-bit-release").inputs as Json).values;
      assert.deepEqual(values.rbac, { create: true, nodeAccess: false, eventsAccess: false }, name);
    }
  });
});

describe("Fluent Bit's pods", () => {
  const values = fluentBitValues(
    { create: true, name: "fluent-bit" },
    { region: "us-east-1", logGroupName: "/aws/eks/c/containers" },
  ) as Json;

  it("run with no capability, no privilege escalation, a read-only root filesystem and RuntimeDefault seccomp", () => {
    assert.deepEqual(values.securityContext, {
      runAsUser: 0,
      runAsNonRoot: false,
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    assert.deepEqual(values.podSecurityContext, { seccompProfile: { type: "RuntimeDefault" } });
  });

  it("mount only /var/log from the host, and run no helm-test pod", () => {
    assert.deepEqual(values.daemonSetVolumes, [{ name: "varlog", hostPath: { path: "/var/log" } }]);
    assert.deepEqual(values.daemonSetVolumeMounts, [{ name: "varlog", mountPath: "/var/log" }]);
    assert.equal(values.testFramework.enabled, false);
  });
});
