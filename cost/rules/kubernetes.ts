/**
 * Kubernetes objects: free on a cluster the stack builds, not priced on someone else's; an Ingress the AWS
 * Load Balancer Controller serves is priced as the ALB it creates.
 */
import type { Context, Rule } from "./common";
import { free, notPriced, obj, str } from "./common";
import { albLines } from "./elb";
import { vpcAzs } from "./vpc";

const ingressRule: Rule = (r, ctx) => {
  const spec = obj(r.inputs.spec);
  const annotations = obj(obj(r.inputs.metadata).annotations);
  const lbc = ctx
    .ofType("kubernetes:helm.sh/v3:Release")
    .some((h) => h.inputs.chart === "aws-load-balancer-controller");
  if (spec.ingressClassName === "alb" && lbc) {
    const vpc = ctx.ofType("awsx:ec2:Vpc")[0];
    const azs = vpc === undefined ? 0 : vpcAzs(vpc);
    const internetFacing = annotations["alb.ingress.kubernetes.io/scheme"] === "internet-facing";
    return albLines(
      ctx,
      `Application Load Balancer the AWS Load Balancer Controller creates for this Ingress (not a recorded resource: derived from ingressClassName=alb, scheme and the VPC's ${azs} public subnets)`,
      internetFacing ? azs : 0,
    );
  }
  return [
    notPriced(
      `Ingress (class ${str(spec.ingressClassName) ?? "default"})`,
      "served by the cluster's ingress controller: any load balancer in front of it belongs to the cluster, not to this stack",
    ),
  ];
};

const k8sServiceRule: Rule = (r) => {
  const type = str(obj(r.inputs.spec).type) ?? "ClusterIP";
  if (type === "LoadBalancer") {
    return [
      notPriced(
        "Service of type LoadBalancer",
        "the cluster's cloud controller creates a load balancer whose kind and price depend on that cluster",
      ),
    ];
  }
  return free(`Service of type ${type}: no cloud resource`)(r, {} as Context);
};

/** Kubernetes objects: free on a cluster the stack builds (their pods run on the nodes priced there). */
const kubernetesObject: Rule = (r, ctx) =>
  ctx.ownsCluster
    ? free("a Kubernetes object: what it runs uses the node group priced under the EKS platform")(r, ctx)
    : [
        notPriced(
          "Kubernetes object on an existing cluster",
          "the cluster is not this stack's: its nodes, control plane and load balancers are billed to whoever runs it",
        ),
      ];

export const KUBERNETES_RULES: Readonly<Record<string, Rule>> = {
  "kubernetes:networking.k8s.io/v1:Ingress": ingressRule,
  "kubernetes:core/v1:Service": k8sServiceRule,
  "kubernetes:helm.sh/v3:Release": kubernetesObject,
  "kubernetes:apps/v1:Deployment": kubernetesObject,
  "kubernetes:autoscaling/v2:HorizontalPodAutoscaler": kubernetesObject,
  "kubernetes:policy/v1:PodDisruptionBudget": kubernetesObject,
  "kubernetes:networking.k8s.io/v1:NetworkPolicy": kubernetesObject,
  "kubernetes:core/v1:Namespace": kubernetesObject,
  "kubernetes:core/v1:ServiceAccount": kubernetesObject,
  "kubernetes:core/v1:ConfigMap": kubernetesObject,
  "kubernetes:core/v1:Secret": kubernetesObject,
  "kubernetes:rbac.authorization.k8s.io/v1:Role": kubernetesObject,
  "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding": kubernetesObject,
  "kubernetes:batch/v1:Job": kubernetesObject,
  "kubernetes:batch/v1:CronJob": kubernetesObject,
  // The app's secrets on eks (platforms/eks/secrets-store.ts): an object, no charge of its own.
  "kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass": kubernetesObject,
};
