import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { before, describe, it } from "node:test";
import { PROD_GRADE_TAG, PROJECT } from "../../facts";
import {
  type ProgramRun,
  type RecordedResource,
  ROOT,
  runProgram,
  stackPlatformCases,
} from "../../tools/harness";
import { TAG_KEYS } from "./tags";

/**
 * Whether the SDK says a resource type takes `tags`: its `<Name>Args` interface in the package's
 * typings declares a `tags` property. Types come from the recorded graph, so a resource a component
 * starts creating is covered without editing a list here.
 */
const taggable = new Map<string, boolean>();
function takesTags(type: string): boolean {
  const known = taggable.get(type);
  if (known !== undefined) return known;
  const [pkg, module, name] = type.split(":") as [string, string, string];
  let result = false;
  if (["aws", "awsx", "eks"].includes(pkg)) {
    // aws:ec2/securityGroup:SecurityGroup → @pulumi/aws/ec2/securityGroup.d.ts; awsx:ec2:Vpc →
    // @pulumi/awsx/ec2/vpc.d.ts; eks:index:Cluster → @pulumi/eks/cluster.d.ts.
    const [folder, file = `${name[0]?.toLowerCase()}${name.slice(1)}`] = module.split("/") as [
      string,
      string?,
    ];
    const typings = path.join(
      ROOT,
      "node_modules/@pulumi",
      pkg,
      folder === "index" ? "" : folder,
      `${file}.d.ts`,
    );
    assert.ok(fs.existsSync(typings), `${type}: no typings at ${typings} to decide whether it takes tags`);
    const text = fs.readFileSync(typings, "utf8");
    const start = text.indexOf(`export interface ${name}Args {`);
    assert.ok(start >= 0, `${type}: no ${name}Args in ${typings}`);
    const args = text.slice(start, text.indexOf("\n}", start));
    result = /\n\s+tags\?:/.test(args);
  }
  taggable.set(type, result);
  return result;
}

/** The nearest fastify-deploy component above a resource: its name is the `component` tag. */
function owningComponent(run: ProgramRun, resource: RecordedResource): RecordedResource | undefined {
  const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
  let parent = resource.parentUrn ? byUrn.get(resource.parentUrn) : undefined;
  while (parent && !parent.type.startsWith("fastify-deploy:")) {
    parent = parent.parentUrn ? byUrn.get(parent.parentUrn) : undefined;
  }
  return parent;
}

const PLATFORM_TYPES = ["fastify-deploy:platforms:EcsPlatform", "fastify-deploy:platforms:EksPlatform"];
/** The image's ECR repositories are AWS resources on every platform. */
const IMAGE_TYPE = "fastify-deploy:index:AppImage";

describe("AWS tagging rule: project, stack, component on every taggable resource of both AWS platforms", () => {
  const runs: ProgramRun[] = [];

  before(async () => {
    for (const { platform, options } of stackPlatformCases()) {
      if (platform === "ecs" || platform === "eks") runs.push(await runProgram(options));
    }
  });

  it("derives 'taggable' from the SDK typings, both ways", () => {
    assert.equal(takesTags("aws:ec2/securityGroup:SecurityGroup"), true);
    assert.equal(takesTags("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"), true);
    assert.equal(takesTags("awsx:ec2:Vpc"), true);
    assert.equal(takesTags("eks:index:ManagedNodeGroup"), true);
    assert.equal(takesTags("aws:iam/rolePolicy:RolePolicy"), false);
    assert.equal(takesTags("aws:iam/rolePolicyAttachment:RolePolicyAttachment"), false);
    assert.equal(takesTags("kubernetes:apps/v1:Deployment"), false);
  });

  it("every taggable resource inside EcsPlatform / EksPlatform / AppImage carries the three tags", () => {
    assert.equal(runs.length, 4, "dev and prod, each on ecs and eks");
    const wrong: string[] = [];
    for (const run of runs) {
      const platform = run.resources.find((r) => PLATFORM_TYPES.includes(r.type));
      assert.ok(platform, `${run.stack}: an AWS platform component`);
      const roots = [platform, run.one(IMAGE_TYPE)];
      let checked = 0;
      for (const resource of run.resources) {
        const owner = owningComponent(run, resource);
        const grandOwner = owner && owningComponent(run, owner);
        const inside =
          owner !== undefined &&
          (roots.includes(owner) || (grandOwner !== undefined && roots.includes(grandOwner)));
        if (!inside || !takesTags(resource.type)) continue;
        const tags = resource.inputs.tags as Record<string, string> | undefined;
        const actual = JSON.stringify(Object.fromEntries(TAG_KEYS.map((key) => [key, tags?.[key]])));
        const expected = JSON.stringify({ project: PROJECT, stack: run.stack, component: owner?.name });
        if (actual !== expected) {
          wrong.push(
            `${run.stack}/${platform.type.split(":")[2]}: ${resource.type} ${resource.name}: ${actual}`,
          );
        }
        checked++;
      }
      assert.ok(checked > 10, `${run.stack}: ${checked} taggable resources checked`);
    }
    assert.deepEqual(wrong, [], `expected ${TAG_KEYS.join(", ")} tags`);
  });

  it("EKS: the ALB the load balancer controller creates gets them through the Ingress annotation", () => {
    for (const run of runs.filter((r) => r.resources.some((x) => x.type === PLATFORM_TYPES[1]))) {
      const ingress = run.one("kubernetes:networking.k8s.io/v1:Ingress").inputs.metadata as {
        annotations: Record<string, string>;
      };
      const tags = Object.fromEntries(
        (ingress.annotations["alb.ingress.kubernetes.io/tags"] ?? "").split(",").map((kv) => kv.split("=")),
      );
      // prod declares itself prod-grade (Pulumi.prod.yaml): its ALB carries that mark as well.
      const grade = run.stack === "prod" ? { [PROD_GRADE_TAG.key]: PROD_GRADE_TAG.value } : {};
      assert.deepEqual(tags, { project: PROJECT, stack: run.stack, component: "app", ...grade });
    }
  });
});
