import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assembleConfig, inputsByUrn, ProgramFailure, runProgram } from ".";

describe("harness", () => {
  it("assembles config like the CLI: stack file, overrides, then Pulumi.yaml defaults", () => {
    const config = assembleConfig({
      stack: "dev",
      config: { cpu: 512, "aws:region": "eu-west-1" },
      secrets: { kubeconfig: "apiVersion: v1" },
      unset: ["logLevel"],
    });
    assert.equal(config.values["fastify-deploy:platform"], "ecs");
    assert.equal(config.values["fastify-deploy:cpu"], "512");
    assert.equal(config.values["aws:region"], "eu-west-1");
    assert.equal(config.values["fastify-deploy:allowedCidrs"], '["0.0.0.0/0"]');
    assert.equal(
      config.values["fastify-deploy:logLevel"],
      "info",
      "unset key falls back to the project default",
    );
    assert.equal(config.values["fastify-deploy:imageUri"], "", "optional keys default to empty");
    assert.deepEqual(config.secretKeys, ["fastify-deploy:kubeconfig"]);
  });

  it("fails like the CLI when a key without a default is missing", () => {
    assert.throws(
      () => assembleConfig({ stack: "dev", unset: ["platform"] }),
      new Error("Stack 'dev' is missing configuration value 'platform'"),
    );
  });

  it("records resources with parent, type and inputs, and the stack outputs", async () => {
    const run = await runProgram({ stack: "dev" });
    const stack = run.one("pulumi:pulumi:Stack");
    assert.equal(stack.urn, "urn:pulumi:dev::fastify-deploy::pulumi:pulumi:Stack::fastify-deploy-dev");
    const platform = run.one("fastify-deploy:platforms:EcsPlatform");
    assert.equal(platform.parentUrn, stack.urn);
    const cluster = run.one("aws:ecs/cluster:Cluster");
    assert.equal(cluster.parentUrn, platform.urn);
    assert.equal(cluster.parentType, "fastify-deploy:platforms:EcsPlatform");
    assert.equal(cluster.custom, true);
    assert.equal(run.outputs.platform?.value, "ecs");
    assert.equal(run.outputs.platform?.secret, false);
  });

  it("records resource inputs as URNs and each resource's dependencies (prod: EKS)", async () => {
    const run = await runProgram({ stack: "prod" });
    assert.equal(run.outputs.platform?.value, "eks");
    const cluster = run.one("eks:index:Cluster");
    // One node group per zone (issue 26): the first zone's.
    const nodes = run.one("eks:index:ManagedNodeGroup", "app-general-az1");
    assert.equal(nodes.inputs.cluster, cluster.urn);
    assert.ok(nodes.dependencies?.includes(run.one("awsx:ec2:Vpc").urn), "its subnets came from the VPC");
    assert.equal(run.outputs.kubeconfig?.secret, true);
  });

  it("two runs of the same config record identical inputs (no churn)", async () => {
    const first = await runProgram({ stack: "prod" });
    const second = await runProgram({ stack: "prod" });
    assert.ok(first.resources.length > 20);
    assert.deepEqual(inputsByUrn(second), inputsByUrn(first));
    assert.deepEqual(second.outputs, first.outputs);
  });

  it("runs several stacks in one process without leaking state between them", async () => {
    const dev = await runProgram({ stack: "dev" });
    const prod = await runProgram({ stack: "prod" });
    const again = await runProgram({ stack: "dev" });
    assert.notDeepEqual(inputsByUrn(prod), inputsByUrn(dev));
    assert.deepEqual(inputsByUrn(again), inputsByUrn(dev));
  });

  it("reports a program error with what was registered before it", async () => {
    await assert.rejects(runProgram({ stack: "dev", config: { cpu: 300 } }), (error: unknown) => {
      assert.ok(error instanceof ProgramFailure);
      assert.match(error.message, /fastify-deploy:cpu: got 300/);
      assert.deepEqual(
        error.resources.map((r) => r.type),
        ["pulumi:pulumi:Stack"],
      );
      return true;
    });
  });

  it("marks secret overrides as secret config", async () => {
    const run = await runProgram({ stack: "dev", secrets: { appCommit: "abc123" } });
    assert.deepEqual(run.config.secretKeys, ["fastify-deploy:appCommit"]);
  });
});
