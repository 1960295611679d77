/**
 * Kubernetes objects: free on a cluster the stack builds, not priced on someone else's; an Ingress the AWS
 * Load Balancer Controller serves is priced as the ALB it creates.
 */
import type { Context, Rule } from "./common";
import { charge, free, hourly, notPriced, num, obj, str } from "./common";
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
    {
      ...notPriced(
        `Ingress (class ${str(spec.ingressClassName) ?? "default"})`,
        "served by the cluster's ingress controller: any load balancer in front of it belongs to the cluster, not to this stack",
      ),
      billedElsewhere: true,
    },
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
        {
          ...notPriced(
            "Kubernetes object on an existing cluster",
            "the cluster is not this stack's: its nodes, control plane and load balancers are billed to whoever runs it",
          ),
          billedElsewhere: true,
        },
      ];

/** A CPU quantity (`100m`, `0.5`, `2`) in vCPU; a memory quantity (`128Mi`, `1Gi`) in GB (GiB). */
export function cpuQuantity(q: unknown): number | undefined {
  const s = str(q) ?? (typeof q === "number" ? String(q) : undefined);
  if (s === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(s);
  return m ? Number(m[1]) / (m[2] === "m" ? 1000 : 1) : undefined;
}
export function memoryQuantity(q: unknown): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(Mi|Gi)$/.exec(str(q) ?? "");
  return m ? Number(m[1]) / (m[2] === "Mi" ? 1024 : 1) : undefined;
}

/**
 * The progressive-delivery controller (Argo Rollouts, issue 29): its pods reserve node capacity. On a
 * cluster the stack builds they are priced as what their requests would cost at the Fargate vCPU-hour
 * and GB-hour rates (the price files' Linux/x86 on-demand rows): an upper bound of the node capacity they
 * take, since the node group above is priced by instance count, not by what runs on it. On someone
 * else's cluster: not priced, as every object there.
 */
const releaseRule: Rule = (r, ctx) => {
  if (r.inputs.chart !== "argo-rollouts") return kubernetesObject(r, ctx);
  if (!ctx.ownsCluster) return kubernetesObject(r, ctx);
  const controller = obj(obj(r.inputs.values).controller);
  const replicas = num(controller.replicas) ?? 2;
  const requests = obj(obj(controller.resources).requests);
  const vcpu = cpuQuantity(requests.cpu);
  const gb = memoryQuantity(requests.memory);
  if (vcpu === undefined || gb === undefined)
    return [notPriced("Argo Rollouts controller pods", "no CPU and memory requests in the chart values")];
  const what = `Argo Rollouts controller: ${replicas} pod(s)`;
  return [
    charge(
      ctx,
      `${what} × ${vcpu} vCPU requested (at the Fargate x86 rate)`,
      "fargateVcpuHourX86",
      replicas * vcpu,
      replicas * vcpu,
      (p) => hourly(replicas * vcpu, replicas * vcpu, p),
    ),
    charge(
      ctx,
      `${what} × ${gb} GB requested (at the Fargate x86 rate)`,
      "fargateGbHourX86",
      replicas * gb,
      replicas * gb,
      (p) => hourly(replicas * gb, replicas * gb, p),
    ),
  ];
};

export const KUBERNETES_RULES: Readonly<Record<string, Rule>> = {
  "kubernetes:networking.k8s.io/v1:Ingress": ingressRule,
  "kubernetes:core/v1:Service": k8sServiceRule,
  "kubernetes:helm.sh/v3:Release": releaseRule,
  "kubernetes:argoproj.io/v1alpha1:Rollout": kubernetesObject,
  "kubernetes:argoproj.io/v1alpha1:AnalysisTemplate": kubernetesObject,
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
