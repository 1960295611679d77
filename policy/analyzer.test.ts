/**
 * The pack started the way `pulumi preview --policy-pack policy` starts it, and queried over the
 * analyzer protocol the engine speaks.
 *
 * Start-up, as pulumi-language-nodejs RunPlugin does for kind "analyzer" (sdk/nodejs/cmd/
 * pulumi-language-nodejs/main.go): `node @pulumi/pulumi/cmd/run-policy-pack <engine> <pack folder>`
 * with the pack folder as working directory and PulumiPolicy.yaml's runtime options as
 * PULUMI_NODEJS_TYPESCRIPT / PULUMI_NODEJS_TSCONFIG_PATH. run-policy-pack registers ts-node itself
 * (always type-checking, with the pack folder's tsconfig.json if any) and requires the folder; the
 * PolicyPack constructor reads the pack folder's package.json and prints the gRPC port on stdout
 * (node_modules/@pulumi/policy/{policy,server}.js).
 *
 * Then GetPluginInfo, Handshake (the pack's server does not implement it; the engine accepts
 * UNIMPLEMENTED, pkg/resource/plugin/analyzer_plugin.go NewPolicyAnalyzer), ConfigureStack,
 * GetAnalyzerInfo, Analyze per resource and AnalyzeStack with the recorded resources of every
 * committed stack × platform. What comes back must equal the in-process adapter (./testing.ts) for
 * every policy in the pack, on the recorded graphs and on mutated ones.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { createInterface } from "node:readline";
import { after, before, describe, it } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as pb from "@pulumi/pulumi/proto/analyzer_pb";
import type { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { parse as parseYaml } from "yaml";
import { type RecordedResource, ROOT, runProgram, stackPlatformCases } from "../tools/harness";
import * as p from "./policies";
import { type AnyPolicy, analyzed, evaluate, mutated, options, providerOf } from "./testing";

const PACK_DIR = path.join(ROOT, "policy");

/** A policy's level as the server reports it (the pack's own level, mandatory, when a policy sets none). */
const LEVELS = {
  advisory: pb.EnforcementLevel.ADVISORY,
  mandatory: pb.EnforcementLevel.MANDATORY,
  remediate: pb.EnforcementLevel.REMEDIATE,
  disabled: pb.EnforcementLevel.DISABLED,
} as const;

interface Diagnostic {
  policy: string;
  message: string;
  urn: string | undefined;
  level: pb.EnforcementLevel;
}

const unary = <Req, Res>(
  call: (req: Req, callback: (error: grpc.ServiceError | null, res: Res) => void) => unknown,
  req: Req,
): Promise<Res> =>
  new Promise((resolve, reject) => call(req, (error, res) => (error ? reject(error) : resolve(res))));

/** A recorded value as the engine marshals it: plain JSON in a protobuf Struct. */
const struct = (value: Record<string, unknown>): Struct =>
  Struct.fromJavaScript(JSON.parse(JSON.stringify(value)));

/** The resource options and provider ./testing.ts shows policies, as protobuf messages. */
function optionsMessage(resource: RecordedResource): pb.AnalyzerResourceOptions {
  const o = options(resource);
  const timeouts = new pb.AnalyzerResourceOptions.CustomTimeouts()
    .setCreate(o.customTimeouts.createSeconds)
    .setUpdate(o.customTimeouts.updateSeconds)
    .setDelete(o.customTimeouts.deleteSeconds);
  const message = new pb.AnalyzerResourceOptions()
    .setProtect(o.protect)
    .setIgnorechangesList(o.ignoreChanges)
    .setAliasesList(o.aliases)
    .setAdditionalsecretoutputsList(o.additionalSecretOutputs)
    .setCustomtimeouts(timeouts);
  if (o.parent !== undefined) message.setParent(o.parent);
  return message;
}

/** Type, URN, name, properties, options and provider: what Analyze and AnalyzeStack entries share. */
function describeResource<M extends pb.AnalyzeRequest | pb.AnalyzerResource>(
  message: M,
  resource: RecordedResource,
  properties: Record<string, unknown>,
  all: readonly RecordedResource[],
): M {
  message.setType(resource.type);
  message.setUrn(resource.urn);
  message.setName(resource.name);
  message.setProperties(struct(properties));
  message.setOptions(optionsMessage(resource));
  const provider = providerOf(resource, all);
  if (provider) {
    message.setProvider(
      new pb.AnalyzerProviderResource()
        .setType(provider.type)
        .setUrn(provider.urn)
        .setName(provider.name)
        .setProperties(struct(provider.props)),
    );
  }
  return message;
}

const diagnostics = (response: pb.AnalyzeResponse, urn?: string): Diagnostic[] =>
  response.getDiagnosticsList().map((d) => ({
    policy: d.getPolicyname(),
    message: d.getMessage(),
    urn: d.getUrn() || urn,
    level: d.getEnforcementlevel(),
  }));

const key = (d: { policy: string; message: string; urn: string | undefined }): string =>
  JSON.stringify([d.policy, d.urn ?? "", d.message]);

/** The engine's view of every violation: Analyze for each resource's inputs, AnalyzeStack for all outputs. */
async function analyzeOverGrpc(
  client: AnalyzerClient,
  all: readonly RecordedResource[],
): Promise<Diagnostic[]> {
  const found: Diagnostic[] = [];
  for (const r of analyzed(all)) {
    const req = describeResource(new pb.AnalyzeRequest(), r, r.inputs, all);
    found.push(...diagnostics(await unary(client.analyze.bind(client), req), r.urn));
  }
  const stackReq = new pb.AnalyzeStackRequest().setResourcesList(
    analyzed(all).map((r) => {
      const res = describeResource(new pb.AnalyzerResource(), r, r.state, all);
      if (r.parentUrn) res.setParent(r.parentUrn);
      // As the engine sends them and ./testing.ts passes them on: dependsOn plus input sources.
      res.setDependenciesList(r.dependencies ?? []);
      return res;
    }),
  );
  found.push(...diagnostics(await unary(client.analyzeStack.bind(client), stackReq)));
  return found;
}

/** The in-process adapter's violations as the server words them: the description, then the message. */
async function inProcess(resources: readonly RecordedResource[]): Promise<string[]> {
  const byName = new Map<string, AnyPolicy>(p.policies.map((x) => [x.name, x]));
  return (await evaluate(p.policies, resources))
    .map((v) => key({ ...v, message: `${byName.get(v.policy)?.description}\n${v.message}` }))
    .sort();
}

/** `runtime.options` of PulumiPolicy.yaml mapped to the environment the language host sets. */
function packEnv(): NodeJS.ProcessEnv {
  const project = parseYaml(fs.readFileSync(path.join(PACK_DIR, "PulumiPolicy.yaml"), "utf8")) as {
    runtime:
      | string
      | { name: string; options?: { typescript?: boolean; tsconfig?: string; nodeargs?: string } };
  };
  const opts = typeof project.runtime === "object" ? (project.runtime.options ?? {}) : {};
  assert.equal(opts.nodeargs, undefined, "nodeargs in PulumiPolicy.yaml: pass them the way RunPlugin does");
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_OPTIONS; // plain node: no tsx loader
  if (opts.typescript ?? true) env.PULUMI_NODEJS_TYPESCRIPT = "true";
  if (opts.tsconfig !== undefined) env.PULUMI_NODEJS_TSCONFIG_PATH = opts.tsconfig;
  return env;
}

describe("policy pack over the analyzer protocol (started like the engine starts it)", () => {
  let pack: ChildProcess | undefined;
  let client: AnalyzerClient;
  let stderr = "";
  const runs = new Map<string, RecordedResource[]>();

  before(async () => {
    const runPolicyPack = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [PACK_DIR] });
    const child = spawn(process.execPath, [runPolicyPack, "127.0.0.1:1", PACK_DIR], {
      cwd: PACK_DIR,
      env: packEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    pack = child;
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const serving = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no port within 180 s:\n${stderr}`)), 180_000);
      createInterface({ input: child.stdout }).once("line", (line) => {
        clearTimeout(timer);
        resolve(Number(line.trim()));
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`the pack exited (${code}) before serving:\n${stderr}`));
      });
    });
    serving.catch(() => undefined); // awaited below; an early exit must not count as unhandled meanwhile
    // The pack compiles (type-checking) while the program runs here.
    for (const { stack, platform, options } of stackPlatformCases()) {
      runs.set(`${stack}/${platform}`, (await runProgram(options)).resources);
    }
    const port = await serving;
    assert.ok(Number.isInteger(port) && port > 0, `port: ${port}`);
    client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });

  after(() => {
    client?.close();
    if (pack && pack.exitCode === null) pack.kill("SIGTERM");
  });

  it("answers the engine's start-up calls", async () => {
    const info = await unary<Empty, PluginInfo>(client.getPluginInfo.bind(client), new Empty());
    const packageJson = JSON.parse(fs.readFileSync(path.join(PACK_DIR, "package.json"), "utf8")) as {
      version: string;
    };
    assert.match(info.getVersion(), /^v?\d+\.\d+\.\d+/);
    await assert.rejects(
      unary(client.handshake.bind(client), new pb.AnalyzerHandshakeRequest().setEngineAddress("127.0.0.1:1")),
      (error: grpc.ServiceError) => error.code === grpc.status.UNIMPLEMENTED,
    );
    const stackConfig = new pb.AnalyzerStackConfigureRequest().setStack("dev").setProject("fastify-deploy");
    await unary(client.configureStack.bind(client), stackConfig.setDryRun(true));
    await unary(client.configure.bind(client), new pb.ConfigureAnalyzerRequest());

    const analyzer = await unary<Empty, pb.AnalyzerInfo>(client.getAnalyzerInfo.bind(client), new Empty());
    assert.equal(analyzer.getName(), "fastify-deploy");
    assert.equal(analyzer.getVersion(), packageJson.version);
    assert.deepEqual(
      analyzer.getPoliciesList().map((x) => [x.getName(), x.getDescription(), x.getEnforcementlevel()]),
      p.policies.map((x) => [x.name, x.description, LEVELS[x.enforcementLevel ?? "mandatory"]]),
    );
  });

  for (const { stack, platform } of stackPlatformCases()) {
    it(`${stack} × ${platform}: the same violations as the in-process adapter (none mandatory)`, async () => {
      const resources = runs.get(`${stack}/${platform}`);
      assert.ok(resources && resources.length > 5);
      const overGrpc = (await analyzeOverGrpc(client, resources)).map(key).sort();
      assert.deepEqual(overGrpc, await inProcess(resources));
      // The committed prod plans no TLS: the advisory alb-https-when-prod-grade reports it, nothing else.
      const advisory = stack === "prod" && platform !== "kubernetes" ? 1 : 0;
      assert.equal(overGrpc.length, advisory, overGrpc.join("\n"));
      assert.ok(
        overGrpc.every((v) => v.startsWith(JSON.stringify([p.albHttpsWhenProdGrade.name]).slice(0, -1))),
        overGrpc.join("\n"),
      );
    });
  }

  // One resource-policy (Analyze) and one stack-policy (AnalyzeStack) breach per platform family.
  const breaches = [
    {
      from: "dev/ecs",
      type: "aws:ecr/repository:Repository",
      expect: p.ecrRepositoryHardened,
      mutate: (i: Record<string, unknown>) => {
        i.imageTagMutability = "MUTABLE";
      },
    },
    {
      from: "dev/ecs",
      type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
      name: /task-in-alb/,
      expect: p.internetIngressLoadBalancerOnly,
      mutate: (i: Record<string, unknown>) => {
        delete i.referencedSecurityGroupId;
        Object.assign(i, { cidrIpv4: "0.0.0.0/0", fromPort: 443, toPort: 443 });
      },
    },
    {
      from: "prod/kubernetes",
      type: "kubernetes:apps/v1:Deployment",
      expect: p.imageDigestPinned,
      mutate: (i: Record<string, unknown>) => {
        const spec = i.spec as { template: { spec: { containers: { image: string }[] } } };
        for (const c of spec.template.spec.containers) c.image = "nginx:1.27";
      },
    },
    {
      from: "prod/kubernetes",
      type: "kubernetes:policy/v1:PodDisruptionBudget",
      expect: p.pdbAllowsDrain,
      mutate: (i: Record<string, unknown>) => {
        (i.spec as Record<string, unknown>).maxUnavailable = 0;
      },
    },
    // A resource option, not an input (issue 27): the engine sends `protect` in AnalyzerResourceOptions.
    {
      from: "prod/eks",
      type: "aws:kms/key:Key",
      name: /^app-secrets-key$/,
      expect: p.statefulResourcesProtected,
      mutate: () => {},
      unprotect: true,
    },
  ];

  for (const b of breaches) {
    it(`${b.from}: a ${b.type.split(":").pop()} breaking ${b.expect.name} is reported MANDATORY over gRPC`, async () => {
      const resources = runs.get(b.from);
      assert.ok(resources);
      const target = resources.find(
        (r) => r.type === b.type && (b.name === undefined || b.name.test(r.name)),
      );
      assert.ok(target, `no ${b.type} recorded`);
      const changed = mutated(resources, target, b.mutate).map((r) =>
        r.urn === target.urn && "unprotect" in b ? { ...r, protect: false } : r,
      );
      const overGrpc = await analyzeOverGrpc(client, changed);
      assert.deepEqual(overGrpc.map(key).sort(), await inProcess(changed));
      const hit = overGrpc.filter((d) => d.policy === b.expect.name);
      assert.ok(hit.length > 0, JSON.stringify(overGrpc));
      assert.ok(hit.every((d) => d.level === pb.EnforcementLevel.MANDATORY));
    });
  }
});
