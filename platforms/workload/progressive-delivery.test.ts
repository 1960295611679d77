import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import type { RolloutSettings } from "../../facts";
import { kubernetesObjects, schemaViolations } from "../../test/kubernetes-schema";
import { type ProgramRun, ROOT, runProgram } from "../../tools/harness";
import { canaryServiceName, initialAlbAction, stableServiceName } from "./progressive-delivery";
import { ARGO_ROLLOUTS_CHART, GATEWAY_API_PLUGIN, ROLLOUTS_NAMESPACE } from "./rollouts-controller";

/**
 * Progressive delivery on eks and `kubernetes` (issue 29) over the recorded graph: the whole program
 * (test/programs/with-rollout.ts: index.ts with the platform's `rollout` Args set), every object valid
 * against the Kubernetes schema and the vendored Argo Rollouts CRDs (test/schemas/README.md).
 */

const KUBECONFIG = readFileSync(path.join(ROOT, "test/fixtures/kubeconfig.yaml"), "utf8");
const ROLLOUT = "kubernetes:argoproj.io/v1alpha1:Rollout";
const ANALYSIS_TEMPLATE = "kubernetes:argoproj.io/v1alpha1:AnalysisTemplate";
const RELEASE = "kubernetes:helm.sh/v3:Release";

// biome-ignore lint/suspicious/noExplicitAny: recorded Kubernetes inputs are untyped JSON
type Json = any;

const canary: RolloutSettings = {
  strategy: "canary",
  canaryPercent: 10,
  linearStepPercent: 20,
  bakeMinutes: 10,
};

async function runWith(
  rollout: RolloutSettings | undefined,
  options: Parameters<typeof runProgram>[0],
): Promise<ProgramRun> {
  (globalThis as { rolloutUnderTest?: RolloutSettings }).rolloutUnderTest = rollout;
  try {
    return await runProgram({ ...options, program: "test/programs/with-rollout.ts" });
  } finally {
    (globalThis as { rolloutUnderTest?: RolloutSettings }).rolloutUnderTest = undefined;
  }
}

const kubernetesStack = (config: Record<string, unknown> = {}) => ({
  stack: "dev",
  config: { platform: "kubernetes", ...config },
  secrets: { kubeconfig: KUBECONFIG },
});

/** The value, asserted present. */
function must<T>(value: T | undefined): T {
  assert.ok(value !== undefined);
  return value;
}

const inputs = (run: ProgramRun, type: string): Json => run.one(type).inputs as Json;
const strategyOf = (run: ProgramRun): Json => inputs(run, ROLLOUT).spec.strategy;

describe("progressive delivery on kubernetes and eks (Argo Rollouts)", () => {
  let replicas: ProgramRun;
  let gateway: ProgramRun;
  let blueGreen: ProgramRun;
  let eks: ProgramRun;
  let rolling: ProgramRun;
  before(async () => {
    replicas = await runWith(canary, kubernetesStack());
    gateway = await runWith(
      { ...canary, strategy: "linear" },
      kubernetesStack({ gatewayName: "public", gatewayNamespace: "gateways" }),
    );
    blueGreen = await runWith({ ...canary, strategy: "blueGreen" }, kubernetesStack());
    eks = await runWith(canary, { stack: "prod", config: { platform: "eks" } });
    rolling = await runWith({ ...canary, strategy: "rolling" }, kubernetesStack());
  });

  it("every object is valid against its schema: Kubernetes, Gateway API and the Argo Rollouts CRDs", () => {
    for (const [label, run] of Object.entries({ replicas, gateway, blueGreen, eks })) {
      assert.equal(run.ofType(ROLLOUT).length, 1, label);
      assert.equal(run.ofType(ANALYSIS_TEMPLATE).length, 1, label);
      assert.deepEqual(schemaViolations(kubernetesObjects(run)), [], label);
    }
  });

  it("the CRD schema check bites: a Rollout with a mistyped step, an AnalysisTemplate metric without a name", () => {
    const rollout = replicas.one(ROLLOUT);
    const spec = (rollout.inputs as Json).spec;
    const mutated = (strategy: Json) => ({
      ...rollout,
      inputs: { ...(rollout.inputs as Json), spec: { ...spec, strategy } },
    });
    const badStep = mutated({ canary: { ...spec.strategy.canary, steps: [{ setWeight: "ten" }] } });
    assert.match(
      schemaViolations([badStep]).join("\n"),
      /Rollout: \/spec\/strategy\/canary\/steps\/0\/setWeight must be integer/,
    );
    const badAnalysis = { ...replicas.one(ANALYSIS_TEMPLATE) };
    badAnalysis.inputs = { ...(badAnalysis.inputs as Json), spec: { metrics: [{ provider: {} }] } };
    assert.match(
      schemaViolations([badAnalysis]).join("\n"),
      /AnalysisTemplate: .*must have required property 'name'/,
    );
  });

  it("the controller is the pinned chart, restricted, in its own namespace with a default deny", () => {
    const release = inputs(replicas, RELEASE);
    assert.equal(release.chart, "argo-rollouts");
    assert.equal(release.version, ARGO_ROLLOUTS_CHART.version);
    assert.equal(release.repositoryOpts.repo, ARGO_ROLLOUTS_CHART.repository);
    assert.equal(release.namespace, ROLLOUTS_NAMESPACE);
    assert.equal(release.values.containerSecurityContext.readOnlyRootFilesystem, true);
    assert.deepEqual(release.values.containerSecurityContext.capabilities.drop, ["ALL"]);
    assert.equal(release.values.podSecurityContext.runAsNonRoot, true);
    const namespace = replicas
      .ofType("kubernetes:core/v1:Namespace")
      .find((n) => (n.inputs as Json).metadata.name === ROLLOUTS_NAMESPACE);
    assert.equal(
      (must(namespace).inputs as Json).metadata.labels["pod-security.kubernetes.io/enforce"],
      "restricted",
    );
    const deny = replicas
      .ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy")
      .find((p) => (p.inputs as Json).metadata.name === "argo-rollouts-default-deny");
    assert.deepEqual((must(deny).inputs as Json).spec, {
      podSelector: {},
      policyTypes: ["Ingress", "Egress"],
      ingress: [],
      egress: [],
    });
  });

  it("the Rollout runs the Deployment's template, and the HPA scales the Rollout", () => {
    const rollout = inputs(replicas, ROLLOUT);
    const deployment = inputs(replicas, "kubernetes:apps/v1:Deployment");
    assert.deepEqual(rollout.spec.workloadRef, {
      apiVersion: "apps/v1",
      kind: "Deployment",
      name: deployment.metadata.name,
      scaleDown: "progressively",
    });
    assert.deepEqual(rollout.spec.selector.matchLabels, deployment.spec.selector.matchLabels);
    assert.deepEqual(replicas.one(ROLLOUT).ignoreChanges, ["spec.replicas"]);
    const hpa = inputs(replicas, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler");
    assert.deepEqual(hpa.spec.scaleTargetRef, {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Rollout",
      name: rollout.metadata.name,
    });
  });

  it("kubernetes without a Gateway: a replica-ratio canary (no router), web analysis admitted by the app's NetworkPolicy", () => {
    const strategy = strategyOf(replicas).canary;
    assert.equal(strategy.trafficRouting, undefined);
    assert.deepEqual(strategy.steps, [{ setWeight: 10 }, { pause: { duration: "10m" } }]);
    assert.equal(strategy.maxUnavailable, 0);
    const template = inputs(replicas, ANALYSIS_TEMPLATE);
    assert.deepEqual(strategy.analysis.templates, [{ templateName: template.metadata.name }]);
    const web = template.spec.metrics[0].provider.web;
    assert.equal(
      web.url,
      `http://${canaryServiceName("fastify-app")}.fastify-app.svc.cluster.local:80/v1/random`,
    );
    const appPolicy = replicas
      .ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy")
      .find((p) => p.name.endsWith("-app-network-policy"));
    const from = (must(appPolicy).inputs as Json).spec.ingress[0].from;
    assert.ok(
      from.some(
        (peer: Json) =>
          peer.namespaceSelector?.matchLabels["kubernetes.io/metadata.name"] === ROLLOUTS_NAMESPACE,
      ),
    );
  });

  it("kubernetes with a Gateway: the plugin routes by the HTTPRoute's weights, which Pulumi leaves to it", () => {
    const strategy = strategyOf(gateway).canary;
    assert.deepEqual(strategy.trafficRouting, {
      plugins: { "argoproj-labs/gatewayAPI": { httpRoute: "fastify-app", namespace: "fastify-app" } },
    });
    assert.deepEqual(
      strategy.steps.filter((s: Json) => "setWeight" in s).map((s: Json) => s.setWeight),
      [20, 40, 60, 80],
    );
    const route = gateway.one("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute");
    assert.deepEqual(
      (route.inputs as Json).spec.rules[0].backendRefs.map((b: Json) => [b.name, b.weight]),
      [
        [stableServiceName("fastify-app"), 100],
        [canaryServiceName("fastify-app"), 0],
      ],
    );
    assert.deepEqual(route.ignoreChanges, [
      "spec.rules[0].backendRefs[0].weight",
      "spec.rules[0].backendRefs[1].weight",
    ]);
    assert.deepEqual(inputs(gateway, RELEASE).values.controller.trafficRouterPlugins, [
      { name: GATEWAY_API_PLUGIN.name, location: GATEWAY_API_PLUGIN.location },
    ]);
  });

  it("kubernetes blue/green without a router: Argo's blueGreen switches the app Service, whose selector Pulumi leaves alone", () => {
    const strategy = strategyOf(blueGreen).blueGreen;
    assert.equal(strategy.activeService, "fastify-app");
    assert.equal(strategy.previewService, canaryServiceName("fastify-app"));
    assert.equal(strategy.autoPromotionSeconds, 600);
    const app = blueGreen
      .ofType("kubernetes:core/v1:Service")
      .find((s) => (s.inputs as Json).metadata.name === "fastify-app");
    assert.deepEqual(app?.ignoreChanges, ["spec.selector"]);
  });

  it("eks: weighted target groups through the ALB, the Ingress's forward action the controller's to change", () => {
    const strategy = strategyOf(eks).canary;
    const ingress = eks.one("kubernetes:networking.k8s.io/v1:Ingress");
    const spec = (ingress.inputs as Json).spec;
    assert.deepEqual(strategy.trafficRouting, {
      alb: { ingress: (ingress.inputs as Json).metadata.name, rootService: "fastify-app", servicePort: 80 },
    });
    const backend = spec.rules[0].http.paths[0].backend.service;
    assert.deepEqual(backend, { name: "fastify-app", port: { name: "use-annotation" } });
    const annotation = "alb.ingress.kubernetes.io/actions.fastify-app";
    assert.equal(
      (ingress.inputs as Json).metadata.annotations[annotation],
      initialAlbAction("fastify-app", 80),
    );
    assert.deepEqual(ingress.ignoreChanges, [`metadata.annotations["${annotation}"]`]);
  });

  it("eks: the alarms' target-group lookup picks the stable Service's target group (two exist with a canary)", () => {
    const ingress = (eks.one("kubernetes:networking.k8s.io/v1:Ingress").inputs as Json).metadata.name;
    const lookups = eks.calls.filter((c) => c.token === "aws:lb/getTargetGroup:getTargetGroup");
    assert.deepEqual(
      lookups.map((c) => (c.inputs.tags as Record<string, string>)["ingress.k8s.aws/resource"]),
      [`fastify-app/${ingress}-${stableServiceName("fastify-app")}:80`],
    );
  });

  it("eks: the controller's IAM role may call cloudwatch:GetMetricData and nothing else, and knows its region", () => {
    const role = eks.ofType("aws:iam/role:Role").find((r) => r.name.endsWith("-rollouts-role"));
    assert.ok(role);
    // EKS Pod Identity (issue 26): trusted by pods.eks.amazonaws.com, pinned to the controller's
    // service account by session tags, and one association naming that service account.
    const trust = JSON.parse((role.inputs as Json).assumeRolePolicy);
    assert.deepEqual(trust.Statement[0].Principal, { Service: "pods.eks.amazonaws.com" });
    const tags = trust.Statement[0].Condition.StringEquals;
    assert.equal(tags["aws:RequestTag/kubernetes-namespace"], "argo-rollouts");
    assert.equal(tags["aws:RequestTag/kubernetes-service-account"], "argo-rollouts");
    const associations = eks
      .ofType("aws:eks/podIdentityAssociation:PodIdentityAssociation")
      .filter((a) => (a.inputs as Json).namespace === "argo-rollouts");
    assert.deepEqual(
      associations.map((a) => (a.inputs as Json).serviceAccount),
      ["argo-rollouts"],
    );
    const policy = eks
      .ofType("aws:iam/rolePolicy:RolePolicy")
      .find((r) => r.name.endsWith("-rollouts-policy"));
    assert.deepEqual(JSON.parse((must(policy).inputs as Json).policy).Statement, [
      { Effect: "Allow", Action: ["cloudwatch:GetMetricData"], Resource: "*" },
    ]);
    const release = must(eks.ofType(RELEASE).find((r) => (r.inputs as Json).chart === "argo-rollouts"));
    const values = (release.inputs as Json).values;
    assert.equal(values.serviceAccount.annotations["eks.amazonaws.com/role-arn"], undefined, "no IRSA");
    // Its pods reach the Pod Identity agent through their default-deny NetworkPolicy.
    const egress = eks
      .ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy")
      .filter((p) => (p.inputs as Json).metadata.namespace === "argo-rollouts")
      .flatMap((p) => ((p.inputs as Json).spec.egress ?? []) as Json[]);
    assert.ok(
      egress.some((r) => r.to?.[0]?.ipBlock?.cidr === "169.254.170.23/32" && r.ports?.[0]?.port === 80),
      "egress to the Pod Identity agent",
    );
    assert.deepEqual(
      values.controller.extraEnv.map((e: Json) => e.name),
      ["AWS_REGION"],
    );
  });

  it("eks: the analysis reads the deployment alarms' metrics on the same ALB, with their thresholds", () => {
    const metrics = inputs(eks, ANALYSIS_TEMPLATE).spec.metrics as Json[];
    assert.deepEqual(
      metrics.map((m) => m.name),
      ["elb-5xx-rate", "target-5xx-rate", "p99-latency"],
    );
    const alarms = eks.ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
    const alarm = (suffix: string): Json => alarms.find((a) => a.name.endsWith(suffix))?.inputs;
    const target = alarm("-target-5xx-rate");
    const analysis = metrics[1].provider.cloudWatch.metricDataQueries;
    // The same expressions, ids and dimension as the alarm's metric math.
    assert.deepEqual(
      analysis.map((q: Json) => [q.id, q.expression ?? q.metricStat.metric.metricName]),
      target.metricQueries.map((q: Json) => [q.id, q.expression ?? q.metric.metricName]),
    );
    const lb = target.metricQueries[0].metric.dimensions.LoadBalancer;
    assert.deepEqual(analysis[0].metricStat.metric.dimensions, [{ name: "LoadBalancer", value: lb }]);
    assert.match(metrics[1].successCondition, new RegExp(`# > ${target.threshold}\\}\\) < 3$`));
    assert.match(
      metrics[2].successCondition,
      new RegExp(`# > ${alarm("-p99-latency").threshold}\\}\\) < 3$`),
    );
  });

  it("rolling adds nothing: no controller, no Rollout, the Deployment's rolling update as before", () => {
    assert.equal(rolling.ofType(ROLLOUT).length, 0);
    assert.equal(rolling.ofType(RELEASE).length, 0);
    const hpa = inputs(rolling, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler");
    assert.equal(hpa.spec.scaleTargetRef.kind, "Deployment");
  });
});
