import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { DELEGATED_FIELDS, type DelegatedField } from "../../facts/delegated";
import { CERT } from "../../policy/testing";
import { type RecordedResource, ROOT, type RunOptions, runProgram, stackPlatformCases } from "../harness";
import { main } from "./cli";
import {
  type Classification,
  classify,
  covers,
  matchesPattern,
  type PreviewDigest,
  parseUrn,
  renderIssue,
} from "./index";

const FIXTURES = path.join(__dirname, "fixtures");
const load = (file: string): PreviewDigest =>
  JSON.parse(fs.readFileSync(path.join(FIXTURES, file), "utf8")) as PreviewDigest;
/** A finding as `name kind [real paths] [delegated paths]`, for exact comparison. */
const brief = (result: Classification) => ({
  real: result.real.map((f) => [f.name, f.kind, f.paths, f.delegated.map((d) => d.path)]),
  delegated: result.delegated.map((f) => [f.name, f.delegated.map((d) => d.path)]),
});

// The recorded programs the fixtures stand for: each fixture's resources must exist in its program.
const KUBECONFIG = fs.readFileSync(path.join(__dirname, "../../test/fixtures/kubeconfig.yaml"), "utf8");
const PROGRAMS: Record<string, RunOptions> = {
  "ecs-delegated.json": { stack: "dev" },
  "ecs-real.json": { stack: "dev" },
  "eks-mixed.json": { stack: "prod" },
  "kubernetes-pull-secret.json": {
    stack: "dev",
    config: { platform: "kubernetes" },
    secrets: { kubeconfig: KUBECONFIG },
  },
};

describe("drift classifier on recorded preview JSON (pulumi/pulumi pkg/display/json.go PreviewDigest)", () => {
  it("ECS: only what autoscaling moved (refresh --preview-only) is delegated, no real drift", () => {
    assert.deepEqual(brief(classify(load("ecs-delegated.json"))), {
      real: [],
      delegated: [["app-service", ["desiredCount"]]],
    });
  });

  it("ECS: a hand-edited rule and a replacement are real; the desired count stays delegated", () => {
    const result = classify(load("ecs-real.json"));
    assert.deepEqual(brief(result), {
      real: [
        ["app-alb-in-80-0-0-0-0-0", "update", ["cidrIpv4"], []],
        // create-replacement, replace and delete-replaced of one resource: one finding.
        ["app-task", "replace", ["containerDefinitions"], []],
      ],
      delegated: [["app-service", ["desiredCount"]]],
    });
  });

  it("EKS: replicas under the HPA and the node group's desired size are delegated; a hand-set image and key rotation are real", () => {
    assert.deepEqual(brief(classify(load("eks-mixed.json"))), {
      real: [
        // Mixed: the image is real drift, spec.replicas next to it is still the HPA's.
        ["app-app-deployment", "update", ["spec.template.spec.containers[0].image"], ["spec.replicas"]],
        ["app-secrets-key", "update", ["enableKeyRotation"], []],
      ],
      delegated: [["app-general-az1", ["scalingConfig.desiredSize"]]],
    });
  });

  it("kubernetes: the pull Secret's data is the refresher's; another Secret's data and a coarse spec diff are real", () => {
    assert.deepEqual(brief(classify(load("kubernetes-pull-secret.json"))), {
      real: [
        ["app-app-ecr-pull-aws-credentials", "update", ['data["AWS_SECRET_ACCESS_KEY"]'], []],
        // Without a detailedDiff only `spec` is known: not provably spec.replicas, so real.
        ["app-app-service", "update", ["spec"], []],
      ],
      delegated: [
        ["app-app-ecr-pull-image-pull", ['data[".dockerconfigjson"]']],
        ["app-app-deployment", ["spec.replicas"]],
      ],
    });
  });

  it("every fixture resource exists in the program it stands for (type and name)", async () => {
    for (const [file, options] of Object.entries(PROGRAMS)) {
      const recorded = (await runProgram(options)).resources;
      for (const step of load(file).steps ?? []) {
        const { type, name } = parseUrn(step.urn);
        // The node group is a child of the eks ManagedNodeGroup remote component, which mocks do not
        // expand (tools/harness/README.md): its parent is checked instead.
        const [t, n] =
          type === "aws:eks/nodeGroup:NodeGroup" ? ["eks:index:ManagedNodeGroup", name] : [type, name];
        if (t === "pulumi:pulumi:Stack") continue;
        assert.ok(
          recorded.some((r) => r.type === t && r.name === n),
          `${file}: ${t} ${n} is not in the recorded program`,
        );
      }
    }
  });

  it("paths: a delegated path covers itself and what lies below it, nothing beside it", () => {
    assert.equal(covers("data", "data"), true);
    assert.equal(covers("data", 'data[".dockerconfigjson"]'), true);
    assert.equal(covers("spec.replicas", "spec.replicas"), true);
    assert.equal(covers("spec.replicas", "spec"), false);
    assert.equal(covers("spec.replicas", "spec.replicasX"), false);
    assert.equal(covers("desiredCount", "desiredCountX"), false);
    assert.deepEqual(
      parseUrn("urn:pulumi:prod::fastify-deploy::a:b:C$kubernetes:apps/v1:Deployment::app-app-deployment"),
      { type: "kubernetes:apps/v1:Deployment", name: "app-app-deployment" },
    );
    // A `*` fills with one name inside the key, and covers what lies below it; nothing else.
    const actions = 'metadata.annotations["alb.ingress.kubernetes.io/actions.*"]';
    assert.ok(covers(actions, 'metadata.annotations["alb.ingress.kubernetes.io/actions.fastify-app"]'));
    assert.ok(covers(actions, 'metadata.annotations["alb.ingress.kubernetes.io/actions.shop"].x'));
    assert.ok(!covers(actions, 'metadata.annotations["alb.ingress.kubernetes.io/actions."]'));
    assert.ok(!covers(actions, 'metadata.annotations["alb.ingress.kubernetes.io/scheme"]'));
  });

  it("a delegated path on another resource of the same type is real (the pull Secret by name only)", () => {
    const step = (urn: string) => ({ op: "update", urn, detailedDiff: { data: { kind: "update" } } });
    const result = classify({
      steps: [
        step("urn:pulumi:dev::p::kubernetes:core/v1:Secret::other-image-pull"),
        step("urn:pulumi:dev::p::kubernetes:core/v1:Secret::other-tls"),
      ],
    });
    assert.deepEqual(brief(result), {
      real: [["other-tls", "update", ["data"], []]],
      delegated: [["other-image-pull", ["data"]]],
    });
  });

  it("a refresh step with states but no diff: the differing top-level properties are the paths", () => {
    const svc = "urn:pulumi:dev::fastify-deploy::x:y:EcsPlatform$aws:ecs/service:Service::app-service";
    const sg =
      "urn:pulumi:dev::fastify-deploy::x:y:EcsPlatform$aws:ec2/securityGroup:SecurityGroup::app-alb-sg";
    const state = (outputs: Record<string, unknown>) => ({ outputs });
    const result = classify({
      steps: [
        {
          op: "refresh",
          urn: svc,
          oldState: state({ desiredCount: 1, name: "s" }),
          newState: state({ desiredCount: 3, name: "s" }),
        },
        {
          op: "refresh",
          urn: sg,
          oldState: state({ description: "alb" }),
          newState: state({ description: "edited" }),
        },
        {
          op: "refresh",
          urn: sg.replace("alb-sg", "task-sg"),
          oldState: state({ a: 1 }),
          newState: state({ a: 1 }),
        },
      ],
    });
    assert.deepEqual(brief(result), {
      real: [["app-alb-sg", "update", ["description"], []]],
      delegated: [["app-service", ["desiredCount"]]],
    });
  });

  it("the issue body lists the real drift only; the CLI writes it and prints the count", () => {
    const result = classify(load("ecs-real.json"));
    const body = renderIssue("dev", result, "https://github.com/o/r/actions/runs/1");
    assert.match(
      body,
      /\| `app-alb-in-80-0-0-0-0-0` \| `aws:vpc\/securityGroupIngressRule:SecurityGroupIngressRule` \| update \| `cidrIpv4` \|/,
    );
    assert.match(
      body,
      /\| `app-task` \| `aws:ecs\/taskDefinition:TaskDefinition` \| replace \| `containerDefinitions` \|/,
    );
    assert.doesNotMatch(body, /app-service/);
    assert.match(body, /^1 resource\(s\) differ only in fields delegated to a controller/m);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "drift-"));
    const out: string[] = [];
    const code = main(["dev", path.join(FIXTURES, "ecs-real.json"), path.join(dir, "body.md")], (t) =>
      out.push(t),
    );
    assert.equal(code, 0);
    assert.deepEqual(out, ["2"]);
    assert.match(fs.readFileSync(path.join(dir, "body.md"), "utf8"), /app-task/);
    out.length = 0;
    assert.equal(
      main(["dev", path.join(FIXTURES, "ecs-delegated.json"), path.join(dir, "b.md")], (t) => out.push(t)),
      0,
    );
    assert.deepEqual(out, ["0"]);
    fs.writeFileSync(path.join(dir, "not-a-preview.json"), "{}");
    assert.equal(
      main(["dev", path.join(dir, "not-a-preview.json"), path.join(dir, "c.md")], () => {}),
      2,
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe("the delegated set is the program's ignoreChanges (facts/delegated.ts, one table)", () => {
  // Run on first use (runProgram calls must not overlap): every committed stack on every platform.
  let cached: Promise<RecordedResource[]> | undefined;
  const recordings = (): Promise<RecordedResource[]> => {
    cached ??= (async () => {
      const all: RecordedResource[] = [];
      for (const { options } of stackPlatformCases()) all.push(...(await runProgram(options)).resources);
      // Progressive delivery (issue 29) hands more fields to controllers: ECS's native canary rewrites
      // its listener rules' weights; Argo Rollouts scales through the HPA and moves HTTPRoute weights.
      for (const options of progressiveCases()) all.push(...(await runProgram(options)).resources);
      return all;
    })();
    return cached;
  };
  const entries = Object.entries(DELEGATED_FIELDS) as [string, DelegatedField][];
  const entryFor = (r: RecordedResource) =>
    entries.find(
      ([, d]) => d.type === r.type && (d.nameSuffix === undefined || r.name.endsWith(d.nameSuffix)),
    );

  it("every ignoreChanges the program sets is a delegated entry, with exactly its paths", async () => {
    for (const r of await recordings()) {
      if ((r.ignoreChanges ?? []).length === 0) continue;
      const entry = entryFor(r);
      assert.ok(
        entry,
        `${r.type} ${r.name} ignores ${r.ignoreChanges} but facts/delegated.ts does not list it`,
      );
      assertIgnores(r, entry[1]);
    }
  });

  it("every delegated entry is set somewhere: by the program, or by the remote component's option", async () => {
    const all = await recordings();
    for (const [name, d] of entries) {
      if (d.setBy === "program") {
        const set = all.filter((r) => entryFor(r)?.[0] === name && (r.ignoreChanges ?? []).length > 0);
        assert.ok(set.length > 0, `${name}: no recorded ${d.type} ignores ${d.paths}`);
        // And no resource of that entry escapes it (e.g. a second Deployment without ignoreChanges).
        const subject = (x: RecordedResource) =>
          d.onlyWhen === undefined || (x.ignoreChanges ?? []).length > 0;
        for (const r of all.filter((x) => entryFor(x)?.[0] === name && subject(x))) {
          assertIgnores(r, d);
        }
      } else {
        const { component, option } = d.setBy;
        const components = all.filter((r) => r.type === component);
        assert.ok(components.length > 0, `${name}: no ${component} recorded`);
        for (const c of components) assert.equal(c.inputs[option], true, `${c.name} ${option}`);
      }
    }
  });

  it("under rolling (every committed stack): no listener rule and no blue/green ECS deployment", async () => {
    for (const { options } of stackPlatformCases()) {
      for (const r of (await runProgram(options)).resources) {
        assert.notEqual(r.type, "aws:lb/listenerRule:ListenerRule", r.name);
        if (r.type === "aws:ecs/service:Service") {
          assert.equal(r.inputs.deploymentController, undefined, r.name);
          assert.notEqual(
            (r.inputs.deploymentConfiguration as { strategy?: string } | undefined)?.strategy,
            "BLUE_GREEN",
          );
        }
      }
    }
  });
});

/** The resource ignores exactly the entry's paths (a `*` in the table filled with a name). */
function assertIgnores(r: RecordedResource, d: DelegatedField): void {
  const ignored = r.ignoreChanges ?? [];
  assert.equal(ignored.length, d.paths.length, `${r.type} ${r.name}: ${ignored} vs ${d.paths}`);
  d.paths.forEach((p, i) => {
    const path = ignored[i] ?? "";
    assert.ok(p.includes("*") ? matchesPattern(p, path) : p === path, `${r.type} ${r.name}: ${path} vs ${p}`);
  });
}

/** Each traffic mode of progressive delivery once: ECS native canary, EKS through the ALB, a Gateway. */
function progressiveCases(): RunOptions[] {
  const kubeconfig = fs.readFileSync(path.join(ROOT, "test/fixtures/kubeconfig.yaml"), "utf8");
  return [
    { stack: "dev", config: { rolloutStrategy: "canary" } },
    { stack: "prod", config: { rolloutStrategy: "canary", certificateArn: CERT } },
    {
      stack: "dev",
      config: {
        platform: "kubernetes",
        rolloutStrategy: "canary",
        ingressHost: "app.example.com",
        gatewayName: "shared",
        gatewayNamespace: "gateways",
      },
      secrets: { kubeconfig },
    },
  ];
}
