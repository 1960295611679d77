/**
 * The pack as a whole. Each policy's rejected fixture and mutations are in the test file of its domain
 * module (image.test.ts, alb.test.ts, …), which also checks that every policy of the module has both.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PLATFORMS, STACKS } from "../tools/harness";
import * as alb from "./alb";
import * as ec2 from "./ec2";
import * as ecs from "./ecs";
import * as eks from "./eks";
import * as helm from "./helm";
import * as iam from "./iam";
import * as image from "./image";
import * as kubernetes from "./kubernetes";
import * as availability from "./kubernetes-availability";
import * as observability from "./observability";
import * as p from "./policies";
import * as protection from "./protection";
import * as rollout from "./rollout";
import * as s3 from "./s3";
import * as secrets from "./secrets";
import { evaluate, isPolicy, policiesOf, type Recorded, recorded, type Violation } from "./testing";
import * as tracing from "./tracing";
import * as vpc from "./vpc";

const summary = (violations: Violation[]): string[] => violations.map((v) => `[${v.policy}] ${v.message}`);

const DOMAINS = {
  image,
  alb,
  ec2,
  ecs,
  eks,
  helm,
  kubernetes,
  availability,
  observability,
  iam,
  s3,
  vpc,
  tracing,
  protection,
  rollout,
  secrets,
};

const COMMITTED = STACKS.flatMap((stack) => PLATFORMS.map((platform): Recorded => `${stack}/${platform}`));

describe("policy pack", () => {
  it("every policy is mandatory but the one advisory by design, named once, described", () => {
    const names = p.policies.map((x) => x.name);
    assert.equal(new Set(names).size, names.length);
    for (const policy of p.policies) {
      // alb.ts says why alb-https-when-prod-grade advises: the pack cannot tell a preview from an up.
      const level = policy === p.albHttpsWhenProdGrade ? "advisory" : "mandatory";
      assert.equal(policy.enforcementLevel, level, policy.name);
      assert.ok(policy.description.length > 20, policy.name);
      assert.match(policy.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
    }
  });

  it("lists every policy of the domain modules, each re-exported under its name", () => {
    const defined = Object.values(DOMAINS).flatMap(policiesOf);
    assert.deepEqual(p.policies.map((x) => x.name).sort(), defined.map((x) => x.name).sort());
    for (const policy of defined) assert.ok(p.policies.includes(policy), policy.name);
    for (const domain of Object.values(DOMAINS)) {
      for (const [name, value] of Object.entries(domain)) {
        if (isPolicy(value)) assert.equal((p as Record<string, unknown>)[name], value, name);
      }
    }
  });

  describe("committed stacks × platforms: 0 violations", () => {
    for (const stack of STACKS) {
      for (const platform of PLATFORMS) {
        it(`${stack} × ${platform}`, async () => {
          const resources = await recorded(`${stack}/${platform}`);
          assert.ok(resources);
          assert.ok(resources.length > 5);
          const found = summary(await evaluate(p.policies, resources));
          // The committed prod plans no TLS (config refuses it at up): only the advisory policy reports it.
          const advisory = stack === "prod" && platform !== "kubernetes";
          assert.deepEqual(
            found.map((v) => v.split("]")[0]),
            advisory ? [`[${p.albHttpsWhenProdGrade.name}`] : [],
            found.join("\n"),
          );
        });
      }
    }
    it("prod × ecs with a certificate (HTTPS + redirect), EKS with SSH bastion and without HTTPS", async () => {
      for (const name of ["prodHttps", "eks", "eksSsh"] as const) {
        assert.deepEqual(summary(await evaluate(p.policies, await recorded(name))), []);
      }
      assert.deepEqual(
        (await evaluate(p.policies, await recorded("eksHttp"))).map((v) => v.policy),
        [p.albHttpsWhenProdGrade.name],
      );
    });
  });

  it("every Kubernetes provider receives its kubeconfig as a secret (policies cannot see secretness)", async () => {
    const runs = await Promise.all([...COMMITTED, "eks" as const].map((name) => recorded(name)));
    const providers = runs.flat().filter((r) => r.type === "pulumi:providers:kubernetes");
    assert.ok(providers.length >= 4);
    for (const provider of providers) {
      assert.ok(provider.secretInputs.includes("kubeconfig"), `${provider.name}: kubeconfig is not secret`);
    }
  });
});
