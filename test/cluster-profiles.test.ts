/**
 * Issue 24: the whole program once per cluster profile (facts/cluster-profiles.ts), each with the
 * exposure that cluster offers (its ingress controller or Gateway), asserting that every object passes
 * the schema (Kubernetes OpenAPI, the vendored Gateway API CRD) and Pod Security "restricted", that
 * every name is valid, and that DNS, kubelet probes, the ingress controller or gateway, node-forwarded
 * traffic and the synthetic client are admitted by the NetworkPolicies as that cluster evaluates them
 * (test/network-policy.ts). The closing note prints the matrix.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import {
  CLUSTER_DNS_POD_LABELS,
  CLUSTER_PROFILE_NAMES,
  CLUSTER_PROFILES,
  type ClusterProfileName,
  MAX_CRONJOB_NAME_LENGTH,
} from "../facts";
import { APP_PORT } from "../platforms/app-contract";
import { SYNTHETIC_CLIENT_LABELS } from "../platforms/workload/synthetic-client";
import { podSecurityRestricted } from "../policy/policies";
import { evaluate } from "../policy/testing";
import { type ProgramRun, ROOT, runProgram } from "../tools/harness";
import { kubernetesObjects, schemaViolations } from "./kubernetes-schema";
import { allows, type Endpoint, type PolicySemantics, recordedPolicies } from "./network-policy";

// biome-ignore lint/suspicious/noExplicitAny: recorded Kubernetes inputs are untyped JSON
type Json = any;

const KUBECONFIG = readFileSync(path.join(ROOT, "test/fixtures/kubeconfig.yaml"), "utf8");
const NAMESPACE = "shop-api";
const NODE_CIDR = "10.10.0.0/16";
/** Google's load balancer and health-check ranges a GKE Gateway's proxies send from (GKE docs, per issue 24). */
const GKE_PROXY_CIDRS = ["35.191.0.0/16", "130.211.0.0/22"];
/** The ALB subnets of an existing EKS cluster's VPC (a stand-in). */
const EKS_ALB_CIDRS = ["10.0.0.0/24"];

/** The config a user of that cluster would set, following docs/deploying.md's any-cluster section. */
function profileConfig(name: ClusterProfileName): Record<string, unknown> {
  const profile = CLUSTER_PROFILES[name];
  const config: Record<string, unknown> = {
    platform: "kubernetes",
    clusterProfile: name,
    namespace: NAMESPACE,
    ingressHost: "api.example.com",
  };
  if (profile.ingress !== undefined) {
    config.ingressClassName = profile.ingress.className;
    config.ingressControllerNamespace = profile.ingress.namespace;
  } else {
    config.gatewayName = "public";
    config.gatewayNamespace = "gateway-system";
  }
  if (name === "gke-standard" || name === "gke-autopilot") config.networkPolicyCidrs = GKE_PROXY_CIDRS;
  if (name === "eks") config.networkPolicyCidrs = EKS_ALB_CIDRS;
  return config;
}

/** Valid DNS-1123 label (namespaces, most object names) and the stricter kinds' limits. */
function nameProblems(run: ProgramRun): string[] {
  const problems: string[] = [];
  for (const object of kubernetesObjects(run)) {
    const name = (object.inputs as Json).metadata?.name as string | undefined;
    if (name === undefined) continue;
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 63)
      problems.push(`${object.type} ${name}`);
    if (object.type === "kubernetes:core/v1:Service" && !/^[a-z]/.test(name))
      problems.push(`Service ${name}`);
    if (object.type === "kubernetes:batch/v1:CronJob" && name.length > MAX_CRONJOB_NAME_LENGTH) {
      problems.push(`CronJob ${name}: ${name.length} > ${MAX_CRONJOB_NAME_LENGTH}`);
    }
  }
  return problems;
}

const matrix: string[][] = [];

for (const name of CLUSTER_PROFILE_NAMES) {
  const profile = CLUSTER_PROFILES[name];
  describe(`cluster profile ${name} (${profile.title})`, () => {
    let run: ProgramRun;
    let nodePort: ProgramRun;
    const semantics: PolicySemantics = { nodeAddressMatchesIpBlock: profile.nodeAddressMatchesIpBlock };
    const row: Record<string, string> = {};

    before(async () => {
      run = await runProgram({
        stack: "prod",
        config: profileConfig(name),
        secrets: { kubeconfig: KUBECONFIG },
      });
      nodePort = await runProgram({
        stack: "prod",
        config: { ...profileConfig(name), serviceType: "NodePort", nodeCidrs: [NODE_CIDR] },
        secrets: { kubeconfig: KUBECONFIG },
      });
    });
    after(() => {
      matrix.push([
        name,
        row.schema ?? "-",
        row.pss ?? "-",
        row.names ?? "-",
        row.dns ?? "-",
        row.probes ?? "-",
        row.front ?? "-",
        row.client ?? "-",
        row.nodePort ?? "-",
      ]);
    });

    const app = (r: ProgramRun): Endpoint => ({
      kind: "pod",
      namespace: NAMESPACE,
      labels: (r.one("kubernetes:apps/v1:Deployment").inputs as Json).spec.template.metadata.labels,
      node: "node-a",
    });
    const reaches = (
      r: ProgramRun,
      from: Endpoint,
      to: Endpoint,
      port: number,
      protocol: "TCP" | "UDP" = "TCP",
    ) => allows(recordedPolicies(r.resources), { from, to, port, protocol }, semantics);

    it("every object passes its schema, and every name is valid", () => {
      assert.deepEqual(schemaViolations(kubernetesObjects(run)), []);
      row.schema = "ok";
      assert.deepEqual(nameProblems(run), []);
      row.names = "ok";
    });

    it('every pod passes Pod Security "restricted" (the policy pack)', async () => {
      assert.deepEqual(await evaluate([podSecurityRestricted], run.resources), []);
      row.pss = "ok";
    });

    it("the synthetic client resolves names through this cluster's resolvers and reaches the app", () => {
      const client: Endpoint = { kind: "pod", namespace: NAMESPACE, labels: SYNTHETIC_CLIENT_LABELS };
      const coreDns: Endpoint = {
        kind: "pod",
        namespace: "kube-system",
        labels: { ...CLUSTER_DNS_POD_LABELS },
      };
      assert.ok(reaches(run, client, coreDns, 53, "UDP"), "kube-dns pods");
      for (const cidr of profile.dnsResolvers) {
        const ip = cidr.replace(/\/32$/, "");
        assert.ok(reaches(run, client, { kind: "address", ip }, 53, "UDP"), ip);
        assert.ok(reaches(run, client, { kind: "address", ip }, 53, "TCP"), ip);
      }
      row.dns = ["kube-dns", ...profile.dnsResolvers].join("+");
      assert.ok(reaches(run, client, app(run), APP_PORT));
      row.client = "ok";
    });

    it("kubelet probes from the pod's own node are admitted", () => {
      assert.ok(reaches(run, { kind: "address", ip: "10.10.0.5", node: "node-a" }, app(run), APP_PORT));
      row.probes = "ok";
    });

    it("the ingress controller or the gateway's proxies reach the app port; a stranger does not", () => {
      const stranger: Endpoint = { kind: "pod", namespace: "default", labels: { app: "x" } };
      assert.ok(!reaches(run, stranger, app(run), APP_PORT));
      if (profile.ingress !== undefined && name !== "eks") {
        const controller: Endpoint = {
          kind: "pod",
          namespace: profile.ingress.namespace,
          labels: { app: "c" },
        };
        assert.ok(reaches(run, controller, app(run), APP_PORT));
        row.front = `ingress ${profile.ingress.className} from ${profile.ingress.namespace}`;
      } else {
        // GKE: Google's proxies (no pods) from its ranges; EKS: the ALB from its subnets (target-type ip).
        const cidrs = name === "eks" ? EKS_ALB_CIDRS : GKE_PROXY_CIDRS;
        for (const cidr of cidrs) {
          const ip = cidr.replace(/0\/\d+$/, "7");
          assert.ok(reaches(run, { kind: "address", ip }, app(run), APP_PORT), ip);
        }
        row.front =
          name === "eks" ? "ALB from its subnets" : `gateway ${profile.gateway?.className} from its ranges`;
      }
    });

    it("node-forwarded traffic (NodePort from another node) is admitted exactly where this cluster matches ipBlocks", () => {
      const otherNode: Endpoint = { kind: "address", ip: "10.10.3.4", node: "node-b" };
      const admitted = reaches(nodePort, otherNode, app(nodePort), APP_PORT);
      assert.equal(admitted, profile.nodeAddressMatchesIpBlock);
      row.nodePort = admitted ? "admitted" : "not matched (config warns)";
    });
  });
}

describe("cluster profiles: the matrix", () => {
  after(() => {
    const header = [
      "profile",
      "schema",
      "PSS",
      "names",
      "DNS",
      "probes",
      "ingress/gateway",
      "client",
      "NodePort",
    ];
    const lines = [header, ...matrix].map((cells) => `| ${cells.join(" | ")} |`);
    console.log(
      ["", "Cluster profile matrix:", lines[0], `|${" --- |".repeat(header.length)}`, ...lines.slice(1)].join(
        "\n",
      ),
    );
  });
  it("every profile of the table ran", () => {
    assert.equal(CLUSTER_PROFILE_NAMES.length, Object.keys(CLUSTER_PROFILES).length);
  });
});
