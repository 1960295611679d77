import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EKS_SYSTEM_PODS } from "../../facts";
import { runProgram } from "../../tools/harness";

/**
 * config refuses node groups too small for the cluster's own pods (config/eks.ts nodeCapacityProblems)
 * from the count in facts/instance-catalog.ts EKS_SYSTEM_PODS. Mocks run no pods, so this holds the
 * count against what the recorded graph installs: every managed add-on and Helm release is in the count
 * (a new one fails here until it is counted), and the replicas the program sets are the counted ones.
 */
describe("EKS_SYSTEM_PODS counts what the EKS platform installs", () => {
  it("the committed prod's add-ons and charts are exactly the counted workloads, at the counted replicas", async () => {
    const run = await runProgram({ stack: "prod" });
    // The add-on's or chart's workload: the VPC CNI's DaemonSet is aws-node.
    const workload = (name: string) => (name === "vpc-cni" ? "aws-node" : name);
    const installed = [
      ...run.ofType("aws:eks/addon:Addon").map((r) => workload(String(r.inputs.addonName))),
      ...run.ofType("kubernetes:helm.sh/v3:Release").map((r) => String(r.inputs.chart)),
    ].sort();
    const counted = [
      ...Object.keys(EKS_SYSTEM_PODS.perNode),
      ...Object.keys(EKS_SYSTEM_PODS.perCluster),
    ].sort();
    assert.deepEqual(installed, counted);

    const values = (chart: string) =>
      run.ofType("kubernetes:helm.sh/v3:Release").find((r) => r.inputs.chart === chart)?.inputs.values as
        | Record<string, unknown>
        | undefined;
    assert.equal(
      values("aws-load-balancer-controller")?.replicaCount,
      EKS_SYSTEM_PODS.perCluster["aws-load-balancer-controller"],
    );
    // Left at the charts' defaults: one Cluster Autoscaler replica, Fluent Bit as a DaemonSet.
    assert.equal(values("cluster-autoscaler")?.replicaCount, undefined);
    assert.equal(values("fluent-bit")?.kind, undefined);
  });
});
