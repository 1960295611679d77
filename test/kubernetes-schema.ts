/**
 * Validates the Kubernetes objects a harness run recorded against the Kubernetes OpenAPI schema
 * (the JSON schemas `kubernetes-models` generates from it), offline; Gateway API objects against the
 * CRD schema vendored in test/schemas/ (see its README).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { CronJob } from "kubernetes-models/batch/v1/CronJob";
import { Job } from "kubernetes-models/batch/v1/Job";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { Role } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import { RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import type { ProgramRun, RecordedResource } from "../tools/harness";

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: never) => Validatable;

/**
 * The HTTPRoute v1 openAPIV3Schema of the Gateway API v1.6.1 standard-channel CRD. The API server
 * validates a custom resource against exactly this structural schema; its CEL rules
 * (x-kubernetes-validations) are not evaluated here, so ajv runs non-strict to pass over them.
 */
export const HTTP_ROUTE_SCHEMA_FILE = path.join(__dirname, "schemas/gateway-api-httproute-v1.schema-json");
const httpRouteValidator = new Ajv({ strict: false, allErrors: true }).compile(
  JSON.parse(fs.readFileSync(HTTP_ROUTE_SCHEMA_FILE, "utf8")),
);

/**
 * Argo Rollouts' Rollout and AnalysisTemplate v1alpha1 openAPIV3Schema, from the CRDs of argoproj/argo-rollouts
 * tag v1.9.0 (the appVersion of the pinned chart 2.41.0); see test/schemas/README.md.
 */
export const ROLLOUT_SCHEMA_FILE = path.join(__dirname, "schemas/argo-rollouts-rollout-v1alpha1.schema-json");
export const ANALYSIS_TEMPLATE_SCHEMA_FILE = path.join(
  __dirname,
  "schemas/argo-rollouts-analysistemplate-v1alpha1.schema-json",
);
// Formats (Kubernetes' int32/int64) are not JSON Schema formats ajv knows: it would ignore them anyway,
// with a console line each; the types and ranges it does check are what the API server checks first.
const rolloutValidator = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(
  JSON.parse(fs.readFileSync(ROLLOUT_SCHEMA_FILE, "utf8")),
);
const analysisTemplateValidator = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(
  JSON.parse(fs.readFileSync(ANALYSIS_TEMPLATE_SCHEMA_FILE, "utf8")),
);

/** A model class over an ajv validator, for the Gateway API kinds kubernetes-models 4 does not ship. */
function crdModel(validate: typeof httpRouteValidator, kind: string): ModelClass {
  return class {
    constructor(private readonly data: unknown) {}
    validate(): void {
      if (!validate(this.data)) {
        throw new Error(
          `${kind}: ${(validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`).join("; ")}`,
        );
      }
    }
  };
}

/** Pulumi type token → the model that validates it. A kind the program starts to create must be added. */
export const KUBERNETES_MODELS: Record<string, ModelClass> = {
  "kubernetes:core/v1:Namespace": Namespace,
  "kubernetes:core/v1:ServiceAccount": ServiceAccount,
  "kubernetes:core/v1:Secret": Secret,
  "kubernetes:core/v1:Service": Service,
  "kubernetes:apps/v1:Deployment": Deployment,
  "kubernetes:autoscaling/v2:HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "kubernetes:policy/v1:PodDisruptionBudget": PodDisruptionBudget,
  "kubernetes:networking.k8s.io/v1:NetworkPolicy": NetworkPolicy,
  "kubernetes:networking.k8s.io/v1:Ingress": Ingress,
  "kubernetes:core/v1:ConfigMap": ConfigMap,
  "kubernetes:batch/v1:Job": Job,
  "kubernetes:batch/v1:CronJob": CronJob,
  "kubernetes:rbac.authorization.k8s.io/v1:Role": Role,
  "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding": RoleBinding,
  "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute": crdModel(httpRouteValidator, "HTTPRoute"),
  "kubernetes:argoproj.io/v1alpha1:Rollout": crdModel(rolloutValidator, "Rollout"),
  "kubernetes:argoproj.io/v1alpha1:AnalysisTemplate": crdModel(analysisTemplateValidator, "AnalysisTemplate"),
};

/** Kubernetes types that are not API objects (providers, Helm releases). */
const NOT_OBJECTS = [/^pulumi:providers:kubernetes$/, /^kubernetes:helm\.sh\/v\d+:/];

/** The API objects (Pulumi type `kubernetes:*`) a run recorded. */
export function kubernetesObjects(run: ProgramRun): RecordedResource[] {
  return run.resources.filter(
    (r) => r.type.startsWith("kubernetes:") && !NOT_OBJECTS.some((pattern) => pattern.test(r.type)),
  );
}

/** One line per schema violation (or missing schema), naming the object. Empty when all are valid. */
export function schemaViolations(objects: readonly RecordedResource[]): string[] {
  const violations: string[] = [];
  for (const object of objects) {
    const Model = KUBERNETES_MODELS[object.type];
    if (!Model) {
      violations.push(`${object.type} ${object.name}: no schema registered in test/kubernetes-schema.ts`);
      continue;
    }
    try {
      new Model(object.inputs as never).validate();
    } catch (error) {
      violations.push(`${object.type} ${object.name}: ${(error as Error).message}`);
    }
  }
  return violations;
}
