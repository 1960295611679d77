import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { type ProgramRun, ROOT, runProgram } from "../test/harness";
import { kubernetesObjects, schemaViolations } from "../test/kubernetes-schema";
import { APP_PORT, APP_UID, LIVENESS_PATH, READINESS_PATH } from "./app-contract";
import { READINESS_PERIOD_SECONDS, zoneSpreadWhenUnsatisfiable } from "./kubernetes-app";

const KUBECONFIG = readFileSync(path.join(ROOT, "test/fixtures/kubeconfig.yaml"), "utf8");
const TOKEN = "example-token-not-a-real-credential";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";

// biome-ignore lint/suspicious/noExplicitAny: recorded Kubernetes inputs are untyped JSON
type Json = any;

const kubernetes = (stack: string, config: Record<string, unknown> = {}) =>
  runProgram({ stack, config: { platform: "kubernetes", ...config }, secrets: { kubeconfig: KUBECONFIG } });

const deployment = (run: ProgramRun): Json => run.one(DEPLOYMENT).inputs;
const podSpec = (run: ProgramRun): Json => deployment(run).spec.template.spec;
const container = (run: ProgramRun): Json => {
  const containers = podSpec(run).containers as Json[];
  assert.equal(containers.length, 1);
  return containers[0];
};
const env = (run: ProgramRun): Record<string, string> =>
  Object.fromEntries((container(run).env as { name: string; value: string }[]).map((e) => [e.name, e.value]));

describe("Kubernetes platform", () => {
  let dev: ProgramRun;
  let prod: ProgramRun;
  let prodLike: ProgramRun;
  let existing: ProgramRun;
  let runs: [string, ProgramRun][];

  before(async () => {
    dev = await kubernetes("dev");
    prod = await kubernetes("prod");
    // What a production team would set on its own cluster.
    prodLike = await kubernetes("prod", {
      desiredCount: 3,
      minCount: 3,
      maxCount: 10,
      namespace: "shop-api",
      serviceType: "ClusterIP",
      ingressClassName: "nginx",
      ingressHost: "api.example.com",
      ingressTlsSecret: "api-example-com-tls",
      kubeconfigContext: "example",
    });
    existing = await kubernetes("dev", {
      createNamespace: false,
      namespace: "team-a",
      imagePullSecret: "regcred",
      serviceType: "LoadBalancer",
    });
    runs = [
      ["dev", dev],
      ["prod", prod],
      ["prod-like", prodLike],
      ["existing namespace", existing],
    ];
  });

  it("every Kubernetes object passes the OpenAPI schema", () => {
    for (const [label, run] of runs) {
      const objects = kubernetesObjects(run);
      assert.ok(objects.length >= 6, `${label}: ${objects.length} objects`);
      assert.deepEqual(schemaViolations(objects), [], label);
    }
  });

  it("creates the workload's objects, each through the explicit provider", () => {
    const provider = dev.one("pulumi:providers:kubernetes");
    const types = kubernetesObjects(prodLike).map((r) => r.type);
    assert.deepEqual([...new Set(types)].sort(), [
      "kubernetes:apps/v1:Deployment",
      "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
      "kubernetes:core/v1:Namespace",
      "kubernetes:core/v1:Secret",
      "kubernetes:core/v1:Service",
      "kubernetes:core/v1:ServiceAccount",
      "kubernetes:networking.k8s.io/v1:Ingress",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy",
      "kubernetes:policy/v1:PodDisruptionBudget",
    ]);
    for (const object of kubernetesObjects(dev)) {
      assert.ok(
        object.provider?.startsWith(`${provider.urn}::`),
        `${object.type} uses the explicit provider`,
      );
      assert.equal(object.parentType, "fastify-deploy:platforms:KubernetesApp");
    }
    assert.equal(
      dev.one("fastify-deploy:platforms:KubernetesApp").parentType,
      "fastify-deploy:platforms:KubernetesPlatform",
    );
  });

  describe("the kubeconfig stays secret", () => {
    it("is a secret input of the provider, which replaces only when the API server changes", () => {
      const provider = dev.one("pulumi:providers:kubernetes");
      assert.ok(provider.secretInputs.includes("kubeconfig"));
      assert.equal(provider.inputs.kubeconfig, KUBECONFIG);
      assert.equal(provider.inputs.clusterIdentifier, "https://127.0.0.1:6443");
      // Provider inputs reach the engine as strings.
      assert.equal(provider.inputs.enableServerSideApply, "true");
      assert.equal(prodLike.one("pulumi:providers:kubernetes").inputs.context, "example");
    });

    it("never appears in a plain input or output", () => {
      for (const [label, run] of runs) {
        for (const r of run.resources) {
          for (const [key, value] of Object.entries(r.inputs)) {
            if (r.secretInputs.includes(key)) continue;
            assert.equal(JSON.stringify(value ?? null).includes(TOKEN), false, `${label}: ${r.type}.${key}`);
          }
        }
        for (const [key, output] of Object.entries(run.outputs)) {
          assert.equal(
            output.secret || !JSON.stringify(output.value).includes(TOKEN),
            true,
            `${label}: ${key}`,
          );
        }
      }
    });
  });

  describe("namespace", () => {
    it("is created and labelled for Pod Security restricted (enforce, audit, warn)", () => {
      const labels = dev.one("kubernetes:core/v1:Namespace").inputs.metadata as Json;
      assert.equal(labels.name, "fastify-app");
      for (const mode of ["enforce", "audit", "warn"]) {
        assert.equal(labels.labels[`pod-security.kubernetes.io/${mode}`], "restricted", mode);
      }
    });

    it("an existing namespace is used as is, not created", () => {
      assert.equal(existing.ofType("kubernetes:core/v1:Namespace").length, 0);
      for (const object of kubernetesObjects(existing)) {
        assert.equal((object.inputs.metadata as Json).namespace, "team-a", object.type);
      }
    });
  });

  describe('every Pod Security "restricted" field, on the pod and its container', () => {
    for (const [field, check] of [
      [
        "pod runAsNonRoot",
        (run: ProgramRun) => assert.equal(podSpec(run).securityContext.runAsNonRoot, true),
      ],
      [
        "pod runAsUser = the image's uid",
        (run: ProgramRun) => assert.equal(podSpec(run).securityContext.runAsUser, APP_UID),
      ],
      [
        "pod seccomp RuntimeDefault",
        (run: ProgramRun) =>
          assert.deepEqual(podSpec(run).securityContext.seccompProfile, { type: "RuntimeDefault" }),
      ],
      [
        "container runAsNonRoot",
        (run: ProgramRun) => assert.equal(container(run).securityContext.runAsNonRoot, true),
      ],
      [
        "container allowPrivilegeEscalation false",
        (run: ProgramRun) => assert.equal(container(run).securityContext.allowPrivilegeEscalation, false),
      ],
      [
        "container not privileged",
        (run: ProgramRun) => assert.equal(container(run).securityContext.privileged, false),
      ],
      [
        "container capabilities drop ALL, add none",
        (run: ProgramRun) => assert.deepEqual(container(run).securityContext.capabilities, { drop: ["ALL"] }),
      ],
      [
        "container seccomp RuntimeDefault",
        (run: ProgramRun) =>
          assert.deepEqual(container(run).securityContext.seccompProfile, { type: "RuntimeDefault" }),
      ],
      [
        "container read-only root filesystem",
        (run: ProgramRun) => assert.equal(container(run).securityContext.readOnlyRootFilesystem, true),
      ],
      [
        "no host namespaces, no hostPath, no host ports",
        (run: ProgramRun) => {
          const spec = podSpec(run);
          assert.equal(spec.hostNetwork ?? false, false);
          assert.equal(spec.hostPID ?? false, false);
          assert.equal(spec.hostIPC ?? false, false);
          for (const volume of spec.volumes as Json[]) assert.equal(volume.hostPath, undefined);
          for (const port of container(run).ports as Json[]) assert.equal(port.hostPort, undefined);
        },
      ],
      [
        "only restricted volume types: an in-memory emptyDir for /tmp",
        (run: ProgramRun) => {
          assert.deepEqual(podSpec(run).volumes, [
            { name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "16Mi" } },
          ]);
          assert.deepEqual(container(run).volumeMounts, [{ name: "tmp", mountPath: "/tmp" }]);
        },
      ],
      [
        "no service-account token on the pod or its account",
        (run: ProgramRun) => {
          assert.equal(podSpec(run).automountServiceAccountToken, false);
          assert.equal(
            run.one("kubernetes:core/v1:ServiceAccount").inputs.automountServiceAccountToken,
            false,
          );
        },
      ],
    ] as const) {
      it(field, () => {
        for (const [, run] of runs) check(run);
      });
    }
  });

  describe("probes point at what the app serves", () => {
    it("readiness /readyz and liveness /healthz on the named port the app listens on", () => {
      for (const [, run] of runs) {
        const c = container(run);
        assert.deepEqual(c.ports, [{ name: "http", containerPort: APP_PORT, protocol: "TCP" }]);
        assert.equal(env(run).PORT, String(APP_PORT));
        assert.deepEqual(c.readinessProbe.httpGet, { path: READINESS_PATH, port: "http" });
        assert.deepEqual(c.livenessProbe.httpGet, { path: LIVENESS_PATH, port: "http" });
        assert.deepEqual(c.startupProbe.httpGet, { path: LIVENESS_PATH, port: "http" });
        assert.ok(c.readinessProbe.periodSeconds <= 5, "readiness checked every ≤ 5 s");
        assert.equal(c.readinessProbe.periodSeconds, READINESS_PERIOD_SECONDS);
      }
    });

    it("the real app answers 200 on those paths and listens on that port by default", async () => {
      const { buildApp } = await import("../app/src/app.js");
      const { loadEnv } = await import("../app/src/env.js");
      const app = await buildApp({ version: "test" });
      for (const probePath of [READINESS_PATH, LIVENESS_PATH]) {
        assert.equal((await app.inject(probePath)).statusCode, 200, probePath);
      }
      await app.close();
      assert.equal(loadEnv({}).PORT, APP_PORT);
      assert.equal(loadEnv(env(dev)).PORT, APP_PORT);
    });
  });

  describe("zero-downtime settings", () => {
    it("a rolling update never drops below the desired count", () => {
      for (const [, run] of runs) {
        assert.deepEqual(deployment(run).spec.strategy, {
          type: "RollingUpdate",
          rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
        });
      }
    });

    it("the grace period outlasts the app's drain delay + shutdown timeout", () => {
      for (const [, run] of runs) {
        const e = env(run);
        const appNeedsSeconds = (Number(e.SHUTDOWN_DRAIN_DELAY_MS) + Number(e.SHUTDOWN_TIMEOUT_MS)) / 1000;
        assert.ok(
          Number(e.SHUTDOWN_DRAIN_DELAY_MS) >= 2 * READINESS_PERIOD_SECONDS * 1000,
          "drain covers two probes",
        );
        assert.ok(podSpec(run).terminationGracePeriodSeconds > appNeedsSeconds);
        assert.equal(e.APP_PLATFORM, "kubernetes");
      }
    });

    it("replicas, autoscaler and disruption budget agree with the scaling config", () => {
      const cases: [ProgramRun, number, number, number][] = [
        [dev, 1, 1, 2],
        [prodLike, 3, 3, 10],
      ];
      for (const [run, desired, min, max] of cases) {
        assert.equal(deployment(run).spec.replicas, desired);
        const hpa = run.one("kubernetes:autoscaling/v2:HorizontalPodAutoscaler").inputs.spec as Json;
        assert.equal(hpa.minReplicas, min);
        assert.equal(hpa.maxReplicas, max);
        assert.deepEqual(hpa.scaleTargetRef, {
          apiVersion: "apps/v1",
          kind: "Deployment",
          name: (deployment(run).metadata as Json).name,
        });
        assert.equal(hpa.metrics[0].resource.name, "cpu");
        const pdb = run.one("kubernetes:policy/v1:PodDisruptionBudget").inputs.spec as Json;
        // At the minimum count a drain must still be able to evict one pod.
        assert.equal(pdb.minAvailable, undefined);
        assert.ok(pdb.maxUnavailable >= 1 && pdb.maxUnavailable <= min);
        assert.deepEqual(pdb.selector, deployment(run).spec.selector);
      }
    });

    it("requests and limits on the container; spread over zones and nodes", () => {
      const c = container(prodLike);
      assert.deepEqual(c.resources, {
        requests: { cpu: "100m", memory: "128Mi" },
        limits: { cpu: "500m", memory: "256Mi" },
      });
      const keys = (podSpec(prodLike).topologySpreadConstraints as Json[]).map((t) => t.topologyKey);
      assert.deepEqual(keys, ["topology.kubernetes.io/zone", "kubernetes.io/hostname"]);
      assert.match(c.image, /@sha256:[a-f0-9]{64}$/);
    });

    it("rollout semantics on every stack: per-revision spread, soft zones (zone count unknown), evictable unhealthy pods, no readiness-gate label", () => {
      for (const [stack, run] of runs) {
        for (const constraint of podSpec(run).topologySpreadConstraints as Json[]) {
          assert.deepEqual(
            constraint.matchLabelKeys,
            ["pod-template-hash"],
            `${stack} ${constraint.topologyKey}`,
          );
          // The program never reads this cluster: its zones (and whether nodes carry the label) are unknown.
          assert.equal(constraint.whenUnsatisfiable, "ScheduleAnyway", `${stack} ${constraint.topologyKey}`);
        }
        const pdb = run.one("kubernetes:policy/v1:PodDisruptionBudget").inputs.spec as Json;
        assert.equal(pdb.unhealthyPodEvictionPolicy, "AlwaysAllow", stack);
        for (const ns of run.resources.filter((r) => r.type === "kubernetes:core/v1:Namespace")) {
          assert.equal(
            (ns.inputs.metadata as Json).labels["elbv2.k8s.aws/pod-readiness-gate-inject"],
            undefined,
          );
        }
      }
    });

    it("zone spread: hard exactly when the minimum replicas cover the known zones", () => {
      const cases: [number, number | undefined, string][] = [
        [1, undefined, "ScheduleAnyway"],
        [12, undefined, "ScheduleAnyway"],
        [2, 3, "ScheduleAnyway"],
        [3, 3, "DoNotSchedule"],
        [4, 3, "DoNotSchedule"],
        [1, 2, "ScheduleAnyway"],
        [2, 2, "DoNotSchedule"],
      ];
      for (const [minReplicas, zones, expected] of cases) {
        assert.equal(
          zoneSpreadWhenUnsatisfiable(minReplicas, zones),
          expected,
          `${minReplicas} over ${zones}`,
        );
      }
    });
  });

  describe("network", () => {
    it("the NetworkPolicy admits only the app port and allows no egress", () => {
      const spec = dev.one("kubernetes:networking.k8s.io/v1:NetworkPolicy").inputs.spec as Json;
      assert.deepEqual(spec.policyTypes, ["Ingress", "Egress"]);
      assert.deepEqual(spec.ingress, [{ ports: [{ port: APP_PORT, protocol: "TCP" }] }]);
      assert.deepEqual(spec.egress, []);
      assert.deepEqual(spec.podSelector, deployment(dev).spec.selector);
    });

    it("the Service type comes from config and targets the named port", () => {
      assert.equal((dev.one("kubernetes:core/v1:Service").inputs.spec as Json).type, "ClusterIP");
      const spec = existing.one("kubernetes:core/v1:Service").inputs.spec as Json;
      assert.equal(spec.type, "LoadBalancer");
      assert.deepEqual(spec.ports, [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }]);
    });

    it("the Ingress routes the configured host to the Service, with TLS", () => {
      assert.equal(dev.ofType("kubernetes:networking.k8s.io/v1:Ingress").length, 0);
      const spec = prodLike.one("kubernetes:networking.k8s.io/v1:Ingress").inputs.spec as Json;
      assert.equal(spec.ingressClassName, "nginx");
      assert.deepEqual(spec.tls, [{ hosts: ["api.example.com"], secretName: "api-example-com-tls" }]);
      assert.equal(spec.rules[0].host, "api.example.com");
      assert.deepEqual(spec.rules[0].http.paths[0].backend, {
        service: { name: "shop-api", port: { name: "http" } },
      });
    });
  });

  describe("image pull", () => {
    it("an ECR image gets a dockerconfigjson secret from the ECR token, kept secret", () => {
      const secret = dev.one("kubernetes:core/v1:Secret");
      assert.equal(secret.inputs.type, "kubernetes.io/dockerconfigjson");
      assert.ok(secret.secretInputs.includes("stringData"));
      const config = JSON.parse((secret.inputs.stringData as Json)[".dockerconfigjson"]);
      const auth = config.auths["123456789012.dkr.ecr.us-east-1.amazonaws.com"];
      assert.equal(auth.username, "AWS");
      assert.equal(Buffer.from(auth.auth, "base64").toString(), `AWS:${auth.password}`);
      assert.deepEqual(podSpec(dev).imagePullSecrets, [{ name: "fastify-app-image-pull" }]);
      assert.ok(dev.calls.some((c) => c.token === "aws:ecr/getAuthorizationToken:getAuthorizationToken"));
    });

    it("a named existing secret is used instead, and none is created", () => {
      assert.equal(existing.ofType("kubernetes:core/v1:Secret").length, 0);
      assert.deepEqual(podSpec(existing).imagePullSecrets, [{ name: "regcred" }]);
    });
  });

  describe("outputs", () => {
    it("the common contract plus namespace and serviceName; a port-forward hint for ClusterIP", () => {
      const values = dev.outputValues();
      assert.deepEqual(Object.keys(values).sort(), [
        "imageUri",
        "namespace",
        "platform",
        "serviceName",
        "url",
      ]);
      assert.equal(values.platform, "kubernetes");
      assert.match(values.imageUri as string, /^[^@\s]+@sha256:[a-f0-9]{64}$/);
      assert.equal(values.namespace, "fastify-app");
      assert.equal(values.serviceName, "fastify-app");
      assert.equal(
        values.url,
        "kubectl port-forward --namespace fastify-app service/fastify-app 8080:80, then http://127.0.0.1:8080",
      );
      assert.equal(prodLike.outputValues().url, "https://api.example.com");
    });
  });

  it("the same config yields the same inputs", async () => {
    const again = await kubernetes("dev");
    assert.deepEqual(
      again.resources.map((r) => [r.type, r.name, r.inputs]),
      dev.resources.map((r) => [r.type, r.name, r.inputs]),
    );
  });
});
