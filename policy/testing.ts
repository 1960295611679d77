/**
 * Runs the pack's policy objects against resources recorded by the mock harness (tools/harness/), the
 * way the @pulumi/policy analyzer server would (node_modules/@pulumi/policy/server.js), without
 * constructing a PolicyPack (its constructor starts a gRPC server):
 *
 * - `validateResource` gets the resource's *inputs*, `validateStack` every resource's *outputs*
 *   (the harness's `state`: inputs echoed back plus the mock outputs);
 * - secret values arrive unwrapped, with no marker (the server deserializes Analyze requests with
 *   `proxySecrets = false`), exactly like the harness's `inputs`;
 * - the root `pulumi:pulumi:Stack` is not analyzed; providers, custom resources and components are;
 * - `isType`/`asType` compare the class's `__pulumiType`, `notApplicable` throws and is recorded as
 *   not-applicable, `getConfig` returns `{}` (no policy config), `stackTags` is empty.
 *
 * - stack policies get each resource's `dependencies` (dependsOn and input sources, as the harness
 *   records them), as the engine sends them; `propertyDependencies` stay empty.
 *
 * Resource options: `protect` as the harness recorded it (issue 27) and the recorded `ignoreChanges`
 * (issue 29: the engine sends it to analyzers too); the rest (additionalSecretOutputs, custom timeouts)
 * hold the engine's zero values; policies fall back to matching ids/ARNs.
 *
 * Below the adapter, what the policy test files (policies.test.ts and one per domain module) share:
 * the recorded programs, and the two tables every policy appears in, a rejected fixture and a mutated
 * real resource.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type {
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import {
  type PLATFORMS,
  type ProgramRun,
  type RecordedResource,
  type RunOptions,
  runProgram,
  type STACKS,
  stackPlatformCases,
} from "../tools/harness";
import { isObject } from "./rules";

export interface Violation {
  policy: string;
  message: string;
  /** The resource reported on; undefined for a stack-level violation without a URN. */
  urn: string | undefined;
}

export type AnyPolicy = ResourceValidationPolicy | StackValidationPolicy;

const STACK_TYPE = "pulumi:pulumi:Stack";

class NotApplicable extends Error {}

/** JSON round trip: policies get plain data they cannot use to mutate the recording. */
const plain = <T>(value: T): T => (value === undefined ? value : JSON.parse(JSON.stringify(value)));

const typeOf = (resourceClass: unknown): string | undefined => {
  const token = (resourceClass as { __pulumiType?: unknown } | undefined)?.__pulumiType;
  return typeof token === "string" && token !== "" ? token : undefined;
};

/** The options the adapter shows policies (policy/analyzer.test.ts sends the same over gRPC). */
export function options(resource: RecordedResource): PolicyResourceOptions {
  return {
    protect: resource.protect ?? false,
    ignoreChanges: [...(resource.ignoreChanges ?? [])],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    ...(resource.parentUrn !== undefined && { parent: resource.parentUrn }),
  };
}

/** `provider` as the engine passes it: the provider resource's type, inputs, URN and name. */
export function providerOf(resource: RecordedResource, all: readonly RecordedResource[]) {
  if (!resource.provider) return undefined;
  const urn = resource.provider.split("::").slice(0, -1).join("::");
  const provider = all.find((r) => r.urn === urn);
  if (!provider) return undefined;
  return { type: provider.type, props: plain(provider.inputs), urn: provider.urn, name: provider.name };
}

export const analyzed = (resources: readonly RecordedResource[]) =>
  resources.filter((r) => r.type !== STACK_TYPE);

/** What @pulumi/policy shows of one resource, to resource and stack policies alike. */
function resourceView<AsType>(
  resource: RecordedResource,
  props: Record<string, unknown>,
  all: readonly RecordedResource[],
) {
  const provider = providerOf(resource, all);
  return {
    type: resource.type,
    props,
    urn: resource.urn,
    name: resource.name,
    opts: options(resource),
    ...(provider && { provider }),
    isType: (resourceClass: unknown) => typeOf(resourceClass) === resource.type,
    asType: ((resourceClass: unknown) =>
      typeOf(resourceClass) === resource.type ? props : undefined) as AsType,
  };
}

export function resourceArgs(
  resource: RecordedResource,
  all: readonly RecordedResource[] = [resource],
): ResourceValidationArgs {
  return {
    ...resourceView<ResourceValidationArgs["asType"]>(resource, plain(resource.inputs), all),
    stackTags: new Map(),
    getConfig: <T extends object>() => ({}) as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason);
    },
  };
}

export function stackArgs(all: readonly RecordedResource[]): StackValidationArgs {
  const byUrn = new Map<string, PolicyResource>();
  const resources = analyzed(all);
  const list = resources.map((resource) => {
    const policyResource: PolicyResource = {
      ...resourceView<PolicyResource["asType"]>(resource, plain(resource.state), all),
      dependencies: [],
      propertyDependencies: {},
    };
    byUrn.set(resource.urn, policyResource);
    return policyResource;
  });
  for (const resource of resources) {
    const parent = resource.parentUrn ? byUrn.get(resource.parentUrn) : undefined;
    const target = byUrn.get(resource.urn);
    if (parent && target) target.parent = parent;
    // The engine passes each resource's dependencies (dependsOn and input sources) to stack policies.
    if (target) {
      target.dependencies = (resource.dependencies ?? [])
        .map((urn) => byUrn.get(urn))
        .filter((r): r is PolicyResource => r !== undefined);
    }
  }
  return {
    resources: list,
    stackTags: new Map(),
    getConfig: <T extends object>() => ({}) as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason);
    },
  };
}

const isStackPolicy = (policy: AnyPolicy): policy is StackValidationPolicy => "validateStack" in policy;

/** Every violation `policies` report on `resources` (what `pulumi preview --policy-pack` would print). */
export async function evaluate(
  policies: readonly AnyPolicy[],
  resources: readonly RecordedResource[],
): Promise<Violation[]> {
  const violations: Violation[] = [];
  for (const policy of policies) {
    if (policy.enforcementLevel === "disabled") continue;
    if (isStackPolicy(policy)) {
      try {
        await policy.validateStack(stackArgs(resources), (message, urn) =>
          violations.push({ policy: policy.name, message, urn }),
        );
      } catch (error) {
        if (!(error instanceof NotApplicable)) throw error;
      }
      continue;
    }
    const validations = policy.validateResource
      ? Array.isArray(policy.validateResource)
        ? policy.validateResource
        : [policy.validateResource]
      : [];
    for (const resource of analyzed(resources)) {
      for (const validate of validations) {
        try {
          await validate(resourceArgs(resource, resources), (message) =>
            violations.push({ policy: policy.name, message, urn: resource.urn }),
          );
        } catch (error) {
          if (!(error instanceof NotApplicable)) throw error;
        }
      }
    }
  }
  return violations;
}

/** Violations on a whole harness run. */
export const evaluateRun = (policies: readonly AnyPolicy[], run: ProgramRun): Promise<Violation[]> =>
  evaluate(policies, run.resources);

/** A resource made by hand, for fixtures: `state` defaults to the inputs. */
export function fixture(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  state: Record<string, unknown> = inputs,
): RecordedResource {
  return {
    type,
    name,
    urn: `urn:pulumi:test::fastify-deploy::${type}::${name}`,
    id: `${name}-id`,
    parentUrn: undefined,
    parentType: undefined,
    provider: undefined,
    custom: true,
    inputs,
    state,
    secretInputs: [],
  };
}

/**
 * A copy of `resources` in which `target` (matched by URN) has `mutate` applied to a deep copy of its
 * inputs; its state is the mutated inputs over the recorded outputs (the provider echoes inputs back).
 */
export function mutated(
  resources: readonly RecordedResource[],
  target: RecordedResource,
  mutate: (inputs: Record<string, unknown>) => void,
): RecordedResource[] {
  return resources.map((r) => {
    if (r.urn !== target.urn) return r;
    const inputs = plain(r.inputs);
    mutate(inputs);
    const state = { ...plain(r.state) };
    for (const key of Object.keys(r.inputs)) delete state[key];
    return { ...r, inputs, state: { ...state, ...inputs } };
  });
}

// ---------------------------------------------------------------------------------------------------
// The policy test files' shared setup

export const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012";

/** Programs run besides the committed stack × platform cases. */
const VARIANTS = {
  /** prod on ECS with a certificate: HTTPS and the HTTP redirect. */
  prodHttps: {
    stack: "prod",
    config: { platform: "ecs", certificateArn: CERT, allowedCidrs: ["198.51.100.0/24"] },
  },
  /** prod (EKS) with a certificate. */
  eks: { stack: "prod", config: { certificateArn: CERT } },
  /** dev (ECS) with the native canary (issue 29): the alternate target group, the rules, the role. */
  ecsCanary: { stack: "dev", config: { rolloutStrategy: "canary" } },
  /** prod (EKS) without HTTPS. */
  eksHttp: { stack: "prod" },
  /** prod (EKS) with a certificate and the bastion in SSH mode. */
  eksSsh: {
    stack: "prod",
    config: { certificateArn: CERT, bastionMode: "ssh", bastionSshAllowedCidrs: ["198.51.100.7/32"] },
  },
  /** dev (ECS) with tracing to X-Ray: the collector sidecar and its permission (issue 31). */
  ecsXray: { stack: "dev", config: { tracing: "xray" } },
  /** prod (EKS) with tracing to X-Ray: the native sidecar and the IRSA role's permission. */
  eksXray: { stack: "prod", config: { certificateArn: CERT, tracing: "xray" } },
  /** prod (EKS) with a canary through Argo Rollouts (issue 29; test/programs/eks-canary.ts). */
  eksCanary: { stack: "prod", config: { certificateArn: CERT }, program: "test/programs/eks-canary.ts" },
} satisfies Record<string, RunOptions>;

/** A recorded program: a committed `stack/platform` case, or one of the variants. */
export type Recorded = `${(typeof STACKS)[number]}/${(typeof PLATFORMS)[number]}` | keyof typeof VARIANTS;

const recordings = new Map<Recorded, Promise<RecordedResource[]>>();
let lastRun: Promise<unknown> = Promise.resolve();

/**
 * The resources `name`'s program records. Each program runs once per test file, when a test first
 * asks for it, so a file runs only the programs its tests use; runs queue, because runProgram calls
 * must not overlap.
 */
export function recorded(name: Recorded): Promise<RecordedResource[]> {
  let recording = recordings.get(name);
  if (recording === undefined) {
    const options =
      name in VARIANTS
        ? VARIANTS[name as keyof typeof VARIANTS]
        : stackPlatformCases().find((c) => `${c.stack}/${c.platform}` === name)?.options;
    assert.ok(options, name);
    recording = lastRun.then(() => runProgram(options)).then((run) => run.resources);
    lastRun = recording.catch(() => undefined);
    recordings.set(name, recording);
  }
  return recording;
}

/** Violations one policy reports on `resources`. */
export const check = async (policy: AnyPolicy, resources: readonly RecordedResource[]): Promise<string[]> =>
  (await evaluate([policy], resources)).map((v) => v.message);

/** A policy object (a domain module also exports resource types and helpers). */
export const isPolicy = (value: unknown): value is AnyPolicy =>
  isObject(value) && ("validateResource" in value || "validateStack" in value);

/** The policies a module exports. */
export const policiesOf = (module: object): AnyPolicy[] => Object.values(module).filter(isPolicy);

/** The names of `module`'s policies that no entry of `table` is about. */
function uncovered(module: object, table: readonly { policy: AnyPolicy }[]): string[] {
  const covered = new Set(table.map((entry) => entry.policy.name));
  return policiesOf(module)
    .map((x) => x.name)
    .filter((n) => !covered.has(n));
}

/** Hand-made resources one policy rejects, with its exact remediation messages. */
export interface Rejection {
  policy: AnyPolicy;
  resources: () => RecordedResource[];
  messages: string[];
}

/** Each fixture is rejected with exactly its messages; every policy of `module` has one. */
export function describeRejections(module: object, rejections: readonly Rejection[]): void {
  describe("fixtures: each policy rejects with its exact remediation message", () => {
    for (const r of rejections) {
      it(r.policy.name, async () => {
        assert.deepEqual(await check(r.policy, r.resources()), r.messages);
      });
    }
    it("every policy has a rejected fixture", () => {
      assert.deepEqual(uncovered(module, rejections), []);
    });
  });
}

// biome-ignore lint/suspicious/noExplicitAny: mutations edit arbitrary recorded JSON in place
export type Json = Record<string, any>;

/** A real recorded resource, one setting removed or flipped → the policy reports it. */
export interface Mutation {
  policy: AnyPolicy;
  setting: string;
  from: Recorded;
  type: string;
  name?: RegExp;
  mutate: (inputs: Json) => void;
  /** Resource options set on the target after `mutate` (e.g. `{ protect: false }`), as the engine would send them. */
  options?: Pick<RecordedResource, "protect">;
  /** Edits the record itself (its resource options, e.g. ignoreChanges) after `mutate`. */
  mutateRecord?: (record: RecordedResource) => RecordedResource;
}

/** The first container of a recorded Deployment. */
export const container = (i: Json) => i.spec.template.spec.containers[0];

/** Edits the first container of a recorded ECS task definition (containerDefinitions is JSON text). */
export const editContainers = (i: Json, edit: (c: Json) => void) => {
  const list = JSON.parse(i.containerDefinitions);
  edit(list[0]);
  i.containerDefinitions = JSON.stringify(list);
};

/** Each mutation passes before and fails after; every policy of `module` has one. */
export function describeMutations(module: object, mutations: readonly Mutation[]): void {
  describe("removing one security setting from a recorded resource makes its policy fail", () => {
    for (const m of mutations) {
      it(`${m.policy.name}: ${m.type.split(":").pop()} without ${m.setting}`, async () => {
        const resources = await recorded(m.from);
        const target = resources.find(
          (r) => r.type === m.type && (m.name === undefined || m.name.test(r.name)),
        );
        assert.ok(target, `no ${m.type} ${m.name ?? ""} recorded`);
        assert.deepEqual(await check(m.policy, resources), [], "passes before the mutation");
        const edited = mutated(resources, target, m.mutate).map((r) =>
          r.urn === target.urn ? (m.mutateRecord ?? ((x: RecordedResource) => x))({ ...r, ...m.options }) : r,
        );
        const after = await evaluate([m.policy], edited);
        assert.ok(after.length > 0, `${m.policy.name} did not notice`);
        const urns = new Set(resources.map((r) => r.urn));
        assert.ok(
          after.every((v) => v.urn === undefined || urns.has(v.urn)),
          JSON.stringify(after),
        );
      });
    }
    it("every policy has at least one mutation", () => {
      assert.deepEqual(uncovered(module, mutations), []);
    });
  });
}
