import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { kubernetesObjects, schemaViolations } from "../../test/kubernetes-schema";
import { allows, recordedPolicies } from "../../test/network-policy";
import { inputsByUrn, type ProgramRun, ROOT, runProgram } from "../../tools/harness";
import { APP_PORT, APP_UID, LIVENESS_PATH, READINESS_PATH } from "../app-contract";
import { READINESS_PERIOD_SECONDS, zoneSpreadWhenUnsatisfiable } from "../workload/kubernetes-app";
import { SYNTHETIC_CLIENT_LABELS } from "../workload/synthetic-client";

const KUBECONFIG = readFileSync(path.join(ROOT, "test/fixtures/kubeconfig.yaml"), "utf8");
const TOKEN = "example-token-not-a-real-credential";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";

// biome-ignore lint/suspicious/noExplicitAny: recorded Kubernetes inputs are untyped JSON
type Json = any;

// As `pulumi up` resolves them: the url fallback holds for an address not assigned after up.
const kubernetes = (stack: string, config: Record<string, unknown> = {}) =>
  runProgram({
    stack,
    config: { platform: "kubernetes", ...config },
    secrets: { kubeconfig: KUBECONFIG },
    mode: "up",
  });

const deployment = (run: ProgramRun): Json => run.one(DEPLOYMENT).inputs;
const ecrCronJobs = (run: ProgramRun) =>
  run
    .ofType("kubernetes:batch/v1:CronJob")
    .filter((r) => r.parentType === "fastify-deploy:platforms:EcrPullSecret");
const podSpec = (run: ProgramRun): Json => deployment(run).spec.template.spec;
const container = (run: ProgramRun): Json => {
  const containers = podSpec(run).containers as Json[];
  assert.equal(containers.length, 1);
  return containers[0];
};
const podSpecLabels = (run: ProgramRun): Record<string, string> =>
  deployment(run).spec.template.metadata.labels;
const env = (run: ProgramRun): Record<string, string> =>
  Object.fromEntries((container(run).env as { name: string; value: string }[]).map((e) => [e.name, e.value]));

// What a production team would set on its own cluster.
const prodLikeConfig = {
  desiredCount: 3,
  minCount: 3,
  maxCount: 10,
  namespace: "shop-api",
  serviceType: "ClusterIP",
  ingressClassName: "nginx",
  ingressHost: "api.example.com",
  ingressTlsSecret: "api-example-com-tls",
  kubeconfigContext: "example",
};

describe("Kubernetes platform", () => {
  let dev: ProgramRun;
  let prod: ProgramRun;
  let prodLike: ProgramRun;
  let existing: ProgramRun;
  let runs: [string, ProgramRun][];

  before(async () => {
    dev = await kubernetes("dev");
    prod = await kubernetes("prod");
    prodLike = await kubernetes("prod", prodLikeConfig);
    existing = await kubernetes("dev", {
      createNamespace: false,
      namespace: "team-a",
      imagePullSecret: "regcred",
      serviceType: "LoadBalancer",
      nodeCidrs: ["172.18.0.0/16"],
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
      "kubernetes:batch/v1:CronJob",
      "kubernetes:batch/v1:Job",
      "kubernetes:core/v1:ConfigMap",
      "kubernetes:core/v1:Namespace",
      "kubernetes:core/v1:Secret",
      "kubernetes:core/v1:Service",
      "kubernetes:core/v1:ServiceAccount",
      "kubernetes:networking.k8s.io/v1:Ingress",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy",
      "kubernetes:policy/v1:PodDisruptionBudget",
      "kubernetes:rbac.authorization.k8s.io/v1:Role",
      "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
    ]);
    for (const object of kubernetesObjects(dev)) {
      assert.ok(
        object.provider?.startsWith(`${provider.urn}::`),
        `${object.type} uses the explicit provider`,
      );
      assert.ok(
        [
          "fastify-deploy:platforms:KubernetesApp",
          "fastify-deploy:platforms:EcrPullSecret",
          "fastify-deploy:platforms:SyntheticClient",
        ].includes(object.parentType ?? ""),
        `${object.type} under ${object.parentType}`,
      );
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

    // Issue 24, item 9: the identity was always the server URL, so reaching the same cluster by another
    // URL replaced every object. pulumi-kubernetes replaces its provider only when clusterIdentifier
    // changes (@pulumi/kubernetes 4.34.2 provider.d.ts ProviderArgs.clusterIdentifier, read 2026-12-07).
    it("with clusterIdentifier the provider keeps its identity when the kubeconfig's server URL changes", async () => {
      const at = (server: string) =>
        runProgram({
          stack: "dev",
          config: { platform: "kubernetes", clusterIdentifier: "shop-prod-gke" },
          secrets: { kubeconfig: KUBECONFIG.replace("https://127.0.0.1:6443", server) },
        });
      const [before, after] = [await at("https://127.0.0.1:6443"), await at("https://10.0.0.1:443")];
      const identity = (run: ProgramRun) => run.one("pulumi:providers:kubernetes").inputs.clusterIdentifier;
      assert.equal(identity(before), "shop-prod-gke");
      assert.equal(identity(after), identity(before));
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
          for (const account of run.ofType("kubernetes:core/v1:ServiceAccount")) {
            assert.equal(account.inputs.automountServiceAccountToken, false, account.name);
          }
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
      const { buildApp } = await import("../../app/src/app.js");
      const { loadEnv } = await import("../../app/src/env.js");
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
    const networkPolicy = (run: ProgramRun): Json =>
      run.one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "app-app-network-policy").inputs.spec;
    const namespaceSource = (name: string) => ({
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": name } },
    });
    const appPort = [{ port: APP_PORT, protocol: "TCP" }];
    // The in-cluster synthetic client (on by default) is admitted whatever else is.
    const syntheticClient = { podSelector: { matchLabels: SYNTHETIC_CLIENT_LABELS } };

    it("every NetworkPolicy ingress rule names its sources (a `from`), on the app port only; no egress", () => {
      for (const [label, run] of runs) {
        const spec = networkPolicy(run);
        assert.deepEqual(spec.policyTypes, ["Ingress", "Egress"], label);
        assert.ok(spec.ingress.length > 0, label);
        for (const rule of spec.ingress as Json[]) {
          assert.ok(Array.isArray(rule.from) && rule.from.length > 0, `${label}: rule without from`);
          assert.deepEqual(rule.ports, appPort, label);
        }
        assert.deepEqual(spec.egress, [], label);
        assert.deepEqual(spec.podSelector, deployment(run).spec.selector, label);
      }
    });

    it("default sources: a ClusterIP Service without Ingress admits only its own namespace", () => {
      assert.deepEqual(networkPolicy(dev).ingress, [
        { from: [namespaceSource("fastify-app"), syntheticClient], ports: appPort },
      ]);
    });

    it("default sources: with an Ingress, the ingress controller's namespace (configurable)", () => {
      assert.deepEqual(networkPolicy(prodLike).ingress, [
        { from: [namespaceSource("ingress-nginx"), syntheticClient], ports: appPort },
      ]);
    });

    it("default sources: a LoadBalancer or NodePort Service admits the node CIDRs", async () => {
      assert.deepEqual(networkPolicy(existing).ingress, [
        { from: [{ ipBlock: { cidr: "172.18.0.0/16" } }, syntheticClient], ports: appPort },
      ]);
      const nodePort = await kubernetes("dev", {
        serviceType: "NodePort",
        nodeCidrs: ["192.168.49.0/24", "10.10.0.0/16"],
        ingressClassName: "traefik",
        ingressControllerNamespace: "kube-system",
      });
      assert.deepEqual(networkPolicy(nodePort).ingress, [
        {
          from: [
            namespaceSource("kube-system"),
            { ipBlock: { cidr: "192.168.49.0/24" } },
            { ipBlock: { cidr: "10.10.0.0/16" } },
            syntheticClient,
          ],
          ports: appPort,
        },
      ]);
    });

    // Issue 24, item 6: configured sources used to replace these, and the ingress controller lost access.
    it("configured sources add to what the exposure needs, never replace it", async () => {
      const run = await kubernetes("dev", {
        ingressClassName: "nginx",
        serviceType: "NodePort",
        nodeCidrs: ["172.18.0.0/16"],
        networkPolicyNamespaces: ["edge"],
        networkPolicyCidrs: ["10.1.0.0/16"],
      });
      assert.deepEqual(networkPolicy(run).ingress, [
        {
          from: [
            namespaceSource("ingress-nginx"),
            { ipBlock: { cidr: "172.18.0.0/16" } },
            namespaceSource("edge"),
            { ipBlock: { cidr: "10.1.0.0/16" } },
            syntheticClient,
          ],
          ports: appPort,
        },
      ]);
      // Configured sources on a ClusterIP Service without Ingress stand instead of the own-namespace fallback.
      const clusterIp = await kubernetes("dev", { networkPolicyNamespaces: ["edge"] });
      assert.deepEqual(networkPolicy(clusterIp).ingress, [
        { from: [namespaceSource("edge"), syntheticClient], ports: appPort },
      ]);
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

  describe("image pull: an ECR image keeps pulling after the token's 12 hours", () => {
    const ecrPull = (run: ProgramRun) => ({
      secret: run.one("kubernetes:core/v1:Secret", "app-app-ecr-pull-image-pull"),
      aws: run.one("kubernetes:core/v1:Secret", "app-app-ecr-pull-aws-credentials"),
      job: run.one("kubernetes:batch/v1:Job"),
      cron: run.one("kubernetes:batch/v1:CronJob", "app-app-ecr-pull-cron"),
      role: run.one("kubernetes:rbac.authorization.k8s.io/v1:Role"),
      binding: run.one("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"),
      script: run.one("kubernetes:core/v1:ConfigMap", "app-app-ecr-pull-script"),
    });
    const refresherEnv = (pod: Json): Record<string, Json> =>
      Object.fromEntries((pod.containers[0].env as Json[]).map((e) => [e.name, e.value ?? e.valueFrom]));

    it("the program creates the pull Secret empty and never writes a token: the refresher owns its data", () => {
      const { secret } = ecrPull(dev);
      assert.equal(secret.inputs.type, "kubernetes.io/dockerconfigjson");
      assert.deepEqual(secret.inputs.data, {
        ".dockerconfigjson": Buffer.from('{"auths":{}}').toString("base64"),
      });
      assert.deepEqual(secret.ignoreChanges, ["data"]);
      // Where KubernetesApp registered it before: an existing stack keeps the object.
      assert.deepEqual(secret.aliases, [
        { name: "app-app-image-pull", parentUrn: dev.one("fastify-deploy:platforms:KubernetesApp").urn },
      ]);
      assert.deepEqual(podSpec(dev).imagePullSecrets, [{ name: "fastify-app-image-pull" }]);
      // No ECR token is fetched at deploy time any more (it would change every run).
      assert.equal(
        dev.calls.some(
          (c) =>
            c.token === "aws:ecr/getAuthorizationToken:getAuthorizationToken" &&
            JSON.stringify(c.inputs).includes("fastify-app"),
        ),
        false,
      );
    });

    // Issue 24, item 2: the provider fails on a Failed Job and the engine retried the same immutable Job
    // every up. With pulumi.com/replaceUnready "true" the provider's Diff replaces a Job that is not
    // Ready (pulumi-kubernetes provider/pkg/provider/provider.go Diff, metadata.ReplaceUnready, read
    // 2026-12-07); delete first, as the fixed name requires.
    it("a failed first refresh is replaced at the next up (replaceUnready), deleted first", () => {
      const { job } = ecrPull(dev);
      assert.equal((job.inputs.metadata as Json).annotations?.["pulumi.com/replaceUnready"], "true");
      assert.equal(job.deleteBeforeReplace, true);
      // Only the one-off Job: on a CronJob the provider ignores the annotation with a warning.
      assert.equal(
        (ecrPull(dev).cron.inputs.metadata as Json).annotations?.["pulumi.com/replaceUnready"],
        undefined,
      );
    });

    it("a Job fills the Secret before the app's pods exist; a CronJob refreshes it every 3 hours", () => {
      const { job, cron } = ecrPull(dev);
      assert.ok(
        deployment(dev) && dev.one(DEPLOYMENT).dependencies?.includes(job.urn),
        "Deployment waits for the Job",
      );
      assert.equal(job.deleteBeforeReplace, true);
      const jobSpec = job.inputs.spec as Json;
      const cronSpec = cron.inputs.spec as Json;
      assert.deepEqual(cronSpec.jobTemplate.spec, jobSpec, "the CronJob runs what the first Job ran");
      assert.equal(cronSpec.schedule, "17 */3 * * *");
      assert.equal(cronSpec.concurrencyPolicy, "Forbid");
      // A token lives 12 h: at a 3-hour period the Secret is rewritten at least 4 times in a token's life,
      // so three failed runs in a row still never let it expire.
      const period = Number(/^\d+ \*\/(\d+) \* \* \*$/.exec(cronSpec.schedule)?.[1]);
      assert.ok(12 / period >= 4, `every ${period} h`);
      const env = refresherEnv(jobSpec.template.spec);
      assert.equal(env.REGISTRY_HOST, "123456789012.dkr.ecr.us-east-1.amazonaws.com");
      assert.equal(env.ECR_REGION, "us-east-1");
      assert.equal(env.ECR_ENDPOINT, "https://api.ecr.us-east-1.amazonaws.com");
      assert.equal(env.SECRET_NAME, "fastify-app-image-pull");
      assert.equal(env.SECRET_NAMESPACE, "fastify-app");
      assert.deepEqual(env.AWS_SECRET_ACCESS_KEY, {
        secretKeyRef: { name: "fastify-app-ecr-refresher-aws", key: "AWS_SECRET_ACCESS_KEY" },
      });
    });

    it("runs the tested script, from a ConfigMap, in a digest-pinned public Node image", () => {
      const { script, job } = ecrPull(dev);
      assert.equal(
        (script.inputs.data as Json)["refresh.cjs"],
        readFileSync(path.join(ROOT, "platforms/workload/ecr-pull-refresher.cjs"), "utf8"),
      );
      const c = (job.inputs.spec as Json).template.spec.containers[0];
      assert.match(c.image, /^public\.ecr\.aws\/docker\/library\/node@sha256:[a-f0-9]{64}$/);
      assert.deepEqual(c.command, ["node", "/refresher/refresh.cjs"]);
    });

    it("least privilege: patch on the one Secret by name, a 10-minute projected token, restricted pod", () => {
      const { role, binding, job } = ecrPull(dev);
      assert.deepEqual(role.inputs.rules, [
        {
          apiGroups: [""],
          resources: ["secrets"],
          resourceNames: ["fastify-app-image-pull"],
          verbs: ["patch"],
        },
      ]);
      assert.deepEqual(binding.inputs.subjects, [
        { kind: "ServiceAccount", name: "fastify-app-ecr-refresher", namespace: "fastify-app" },
      ]);
      const pod = (job.inputs.spec as Json).template.spec;
      assert.equal(pod.automountServiceAccountToken, false);
      assert.equal(pod.serviceAccountName, "fastify-app-ecr-refresher");
      const projected = (pod.volumes as Json[]).find((v) => v.name === "token").projected;
      assert.deepEqual(projected.sources[0], {
        serviceAccountToken: { path: "token", expirationSeconds: 600 },
      });
      const sc = pod.containers[0].securityContext;
      assert.equal(sc.readOnlyRootFilesystem, true);
      assert.equal(sc.allowPrivilegeEscalation, false);
      assert.deepEqual(sc.capabilities, { drop: ["ALL"] });
      assert.equal(pod.securityContext.runAsNonRoot, true);
      // Its pods are not the app's: no selector of the app matches them.
      const selector = deployment(dev).spec.selector.matchLabels as Record<string, string>;
      const labels = pod.metadata?.labels ?? (job.inputs.spec as Json).template.metadata.labels;
      assert.ok(Object.entries(selector).some(([k, v]) => labels[k] !== v));
    });

    it("a pull-only IAM user for the image's one repository; its key reaches the cluster only as a secret", () => {
      const policy = JSON.parse(dev.one("aws:iam/userPolicy:UserPolicy").inputs.policy as string);
      assert.deepEqual(policy.Statement, [
        { Sid: "AuthorizationToken", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
        {
          Sid: "PullTheAppImage",
          Effect: "Allow",
          Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
          Resource: dev.one("aws:ecr/repository:Repository", "app-repo").state.arn,
        },
      ]);
      const { aws } = ecrPull(dev);
      assert.ok(aws.secretInputs.includes("stringData"));
      // Two keys (the rotation's two slots: aws-access.test.ts), neither in a plain input.
      const keys = dev.ofType("aws:iam/accessKey:AccessKey").map((k) => k.state);
      assert.equal(keys.length, 2);
      for (const key of keys) {
        for (const r of dev.resources) {
          for (const [name, value] of Object.entries(r.inputs)) {
            if (r.secretInputs.includes(name)) continue;
            assert.equal(
              JSON.stringify(value ?? null).includes(String(key.secret)),
              false,
              `${r.type}.${name}`,
            );
          }
        }
      }
    });

    it("a prebuilt image from another region and account: the Secret, token and policy follow the image", async () => {
      const uri = `210987654321.dkr.ecr.eu-central-1.amazonaws.com/team/app@sha256:${"b".repeat(64)}`;
      const run = await kubernetes("dev", { imageUri: uri });
      const env = refresherEnv((run.one("kubernetes:batch/v1:Job").inputs.spec as Json).template.spec);
      assert.equal(env.REGISTRY_HOST, "210987654321.dkr.ecr.eu-central-1.amazonaws.com");
      assert.equal(env.ECR_REGION, "eu-central-1");
      assert.equal(env.ECR_ENDPOINT, "https://api.ecr.eu-central-1.amazonaws.com");
      const policy = JSON.parse(run.one("aws:iam/userPolicy:UserPolicy").inputs.policy as string);
      assert.equal(policy.Statement[1].Resource, "arn:aws:ecr:eu-central-1:210987654321:repository/team/app");
    });

    it("a named existing secret is used instead, and nothing is created for it", () => {
      assert.equal(existing.ofType("kubernetes:core/v1:Secret").length, 0);
      assert.equal(ecrCronJobs(existing).length, 0);
      assert.equal(existing.ofType("aws:iam/user:User").length, 0);
      assert.deepEqual(podSpec(existing).imagePullSecrets, [{ name: "regcred" }]);
    });

    it("an image from another registry gets no pull secret", async () => {
      const run = await kubernetes("dev", { imageUri: `ghcr.io/acme/app@sha256:${"c".repeat(64)}` });
      assert.equal(ecrCronJobs(run).length, 0);
      assert.equal(podSpec(run).imagePullSecrets, undefined);
    });
  });

  describe("up never hangs for an address (pulumi.com/skipAwait)", () => {
    const annotations = (run: ProgramRun, type: string): Json =>
      (run.one(type).inputs.metadata as Json).annotations;
    const SERVICE = "kubernetes:core/v1:Service";
    const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";

    it("by default a LoadBalancer Service and an Ingress carry skipAwait: up returns without an address", () => {
      assert.equal(annotations(existing, SERVICE)["pulumi.com/skipAwait"], "true");
      assert.equal(annotations(prodLike, INGRESS)["pulumi.com/skipAwait"], "true");
      // A ClusterIP Service gets no address to wait for, and keeps the provider's readiness await.
      assert.equal(annotations(dev, SERVICE)["pulumi.com/skipAwait"], undefined);
    });

    it("with waitForAddress true they do not, and up waits as pulumi-kubernetes does", async () => {
      const waiting = await kubernetes("dev", {
        serviceType: "LoadBalancer",
        nodeCidrs: ["172.18.0.0/16"],
        ingressClassName: "nginx",
        waitForAddress: true,
      });
      assert.equal(annotations(waiting, SERVICE)["pulumi.com/skipAwait"], undefined);
      assert.equal(annotations(waiting, INGRESS)["pulumi.com/skipAwait"], undefined);
    });
  });

  describe("outputs", () => {
    it("the common contract plus namespace, serviceName and a port-forward command", () => {
      const values = dev.outputValues();
      assert.deepEqual(Object.keys(values).sort(), [
        "imageUri",
        "namespace",
        "platform",
        "portForwardCommand",
        "serviceName",
        "url",
      ]);
      assert.equal(values.platform, "kubernetes");
      assert.match(values.imageUri as string, /^[^@\s]+@sha256:[a-f0-9]{64}$/);
      assert.equal(values.namespace, "fastify-app");
      assert.equal(values.serviceName, "fastify-app");
      assert.equal(
        values.portForwardCommand,
        "kubectl port-forward --namespace fastify-app service/fastify-app 8080:80",
      );
    });

    it("url: the ingress host, else the in-cluster Service URL until an address is known", () => {
      assert.equal(dev.outputValues().url, "http://fastify-app.fastify-app.svc.cluster.local");
      assert.equal(prodLike.outputValues().url, "https://api.example.com");
      // LoadBalancer without an assigned address (skipAwait): the in-cluster URL, still a URL.
      assert.equal(existing.outputValues().url, "http://team-a.team-a.svc.cluster.local");
      for (const [label, run] of runs) assert.match(run.outputValues().url as string, /^https?:\/\//, label);
    });

    // Issue 24, item 9: "cluster.local" was hard-coded; a cluster with another kubelet clusterDomain had a
    // url output and a synthetic client target that never resolved.
    it("the in-cluster URL (url output, synthetic client's target) uses the cluster's DNS domain", async () => {
      const run = await kubernetes("dev", { clusterDomain: "k8s.example.internal" });
      assert.equal(run.outputValues().url, "http://fastify-app.fastify-app.svc.k8s.example.internal");
      const cron = run.one("kubernetes:batch/v1:CronJob", "app-synthetic-client-cron").inputs as Json;
      const env = cron.spec.jobTemplate.spec.template.spec.containers[0].env as Json[];
      assert.equal(
        env.find((e) => e.name === "TARGET_URL")?.value,
        "http://fastify-app.fastify-app.svc.k8s.example.internal",
      );
    });
  });

  // Issue 24: Gateway API exposure, validated against the Gateway API v1.6.1 HTTPRoute CRD schema
  // (test/schemas/gateway-api-httproute-v1.schema-json, kubernetes-sigs/gateway-api
  // config/crd/standard/gateway.networking.k8s.io_httproutes.yaml at v1.6.1, read 2026-12-07).
  describe("Gateway API: an HTTPRoute to an existing Gateway", () => {
    const HTTP_ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
    let gateway: ProgramRun;
    before(async () => {
      gateway = await kubernetes("prod", {
        gatewayName: "public",
        gatewayNamespace: "gateway-system",
        ingressHost: "api.example.com",
      });
    });

    it("routes ingressHost, every path, to the Service's port, from the named Gateway", () => {
      const route = gateway.one(HTTP_ROUTE).inputs as Json;
      assert.equal(route.apiVersion, "gateway.networking.k8s.io/v1");
      assert.equal(route.kind, "HTTPRoute");
      assert.deepEqual(route.spec, {
        parentRefs: [
          {
            group: "gateway.networking.k8s.io",
            kind: "Gateway",
            name: "public",
            namespace: "gateway-system",
          },
        ],
        hostnames: ["api.example.com"],
        rules: [
          {
            matches: [{ path: { type: "PathPrefix", value: "/" } }],
            backendRefs: [{ kind: "Service", name: "fastify-app", port: 80 }],
          },
        ],
      });
      assert.equal(gateway.ofType("kubernetes:networking.k8s.io/v1:Ingress").length, 0);
      assert.equal(dev.ofType(HTTP_ROUTE).length, 0);
      assert.equal(gateway.outputValues().url, "http://api.example.com");
    });

    it("passes the vendored Gateway API schema, which rejects a broken route (not vacuous)", () => {
      assert.deepEqual(schemaViolations(kubernetesObjects(gateway)), []);
      const route = gateway.one(HTTP_ROUTE);
      const broken = structuredClone(route.inputs) as Json;
      broken.spec.rules[0].matches[0].path.type = "Prefix";
      assert.equal(schemaViolations([{ ...route, inputs: broken }]).length, 1);
    });

    it("the NetworkPolicy admits the Gateway's namespace on the app port, and no other namespace", () => {
      const policies = recordedPolicies(gateway.resources);
      const app = { kind: "pod" as const, namespace: "fastify-app", labels: podSpecLabels(gateway) };
      const from = (namespace: string) => ({ kind: "pod" as const, namespace, labels: { app: "proxy" } });
      const semantics = { nodeAddressMatchesIpBlock: true };
      const reach = (namespace: string) =>
        allows(policies, { from: from(namespace), to: app, port: APP_PORT, protocol: "TCP" }, semantics);
      assert.ok(reach("gateway-system"));
      assert.ok(!reach("ingress-nginx"));
      assert.ok(!reach("default"));
    });
  });

  it("two runs of the same stack record identical inputs for every object", async () => {
    for (const [label, config] of [
      ["dev", {}],
      ["prod-like", prodLikeConfig],
    ] as const) {
      const first = label === "dev" ? dev : prodLike;
      const again = await kubernetes(label === "dev" ? "dev" : "prod", config);
      assert.deepEqual(inputsByUrn(again), inputsByUrn(first), label);
    }
  });
});
