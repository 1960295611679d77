/**
 * Issue 24, item 8: no pod the program runs in a cluster pulls from Docker Hub, on any committed stack ×
 * platform. Docker Hub limits unauthenticated pulls per address (facts/kubernetes.ts
 * RATE_LIMITED_REGISTRIES), and a refresher or synthetic-client Job that cannot pull fails. The registry
 * of an image is resolved as the runtimes resolve it (facts/kubernetes.ts imageRegistryHost), so a short
 * name such as "node:24" counts as Docker Hub.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { imageRegistryHost, RATE_LIMITED_REGISTRIES } from "../facts";
import { type ProgramRun, runProgram, stackPlatformCases } from "../tools/harness";

// biome-ignore lint/suspicious/noExplicitAny: recorded Kubernetes inputs are untyped JSON
type Json = any;

/** The pod spec inside a recorded workload object, if it has one. */
function podSpecOf(type: string, inputs: Json): Json | undefined {
  if (type === "kubernetes:core/v1:Pod") return inputs.spec;
  if (type === "kubernetes:batch/v1:CronJob") return inputs.spec?.jobTemplate?.spec?.template?.spec;
  if (/^kubernetes:(apps\/v1:(Deployment|StatefulSet|DaemonSet|ReplicaSet)|batch\/v1:Job)$/.test(type)) {
    return inputs.spec?.template?.spec;
  }
  return undefined;
}

/** Every image a recorded run's pod specs name: `<object name>: <image>`. */
export function podImages(run: ProgramRun): { where: string; image: string }[] {
  return run.resources.flatMap((r) => {
    const spec = podSpecOf(r.type, r.inputs);
    if (spec === undefined) return [];
    return [...(spec.initContainers ?? []), ...(spec.containers ?? [])].map((c: Json) => ({
      where: `${r.type} ${r.name} ${c.name}`,
      image: String(c.image),
    }));
  });
}

describe("no pod spec on any stack × platform pulls from Docker Hub", () => {
  const runs: [string, ProgramRun][] = [];
  before(async () => {
    for (const c of stackPlatformCases())
      runs.push([`${c.stack}-${c.platform}`, await runProgram(c.options)]);
  });

  it("the registry resolution counts short names as Docker Hub", () => {
    assert.equal(imageRegistryHost("node:24"), "docker.io");
    assert.equal(imageRegistryHost("library/node@sha256:00"), "docker.io");
    assert.equal(imageRegistryHost("docker.io/library/node"), "docker.io");
    assert.equal(imageRegistryHost("index.docker.io/library/node"), "docker.io");
    assert.equal(imageRegistryHost("public.ecr.aws/docker/library/node"), "public.ecr.aws");
    assert.equal(imageRegistryHost("localhost:5000/app"), "localhost:5000");
  });

  it("every image of every pod spec comes from a registry without an anonymous pull limit", () => {
    let seen = 0;
    for (const [label, run] of runs) {
      for (const { where, image } of podImages(run)) {
        seen += 1;
        const host = imageRegistryHost(image);
        assert.ok(
          !(RATE_LIMITED_REGISTRIES as readonly string[]).includes(host),
          `${label}: ${where} pulls ${image} from ${host}`,
        );
      }
    }
    // Not vacuous: the kubernetes stacks run the app, the refresher (Job + CronJob) and the synthetic client.
    assert.ok(seen >= 8, `only ${seen} pod images seen`);
  });
});
