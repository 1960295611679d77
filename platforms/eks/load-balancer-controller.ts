import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsTags } from "../aws";
import { POD_READINESS_GATE_LABEL } from "../workload";
import { awsLoadBalancerControllerIamPolicy } from "./lbc-iam-policy";
import { type PodIdentityClusterArgs, podIdentityRelease } from "./pod-identity";

/** The eks-charts Helm repository that publishes the controller's chart. */
export const EKS_CHARTS_REPOSITORY = "https://aws.github.io/eks-charts";
/** Chart `aws-load-balancer-controller` 3.5.0 = controller v3.5.0; its IAM policy is in lbc-iam-policy.ts. */
export const AWS_LOAD_BALANCER_CONTROLLER_CHART_VERSION = "3.5.0";
/** The controller's service account (the one its Pod Identity association names). */
export const AWS_LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT = "aws-load-balancer-controller";
/** The IngressClass the chart creates (`ingressClass`, `createIngressClassResource`). */
export const ALB_INGRESS_CLASS = "alb";

export const AWS_LOAD_BALANCER_CONTROLLER_CHART = {
  repository: EKS_CHARTS_REPOSITORY,
  chart: "aws-load-balancer-controller",
  version: AWS_LOAD_BALANCER_CONTROLLER_CHART_VERSION,
  digest: "sha256:45051f634b33e10baccb3354d0681b7de787c60445e599fa276e0c9aedd4ccd5",
  digestSource:
    "aws/eks-charts gh-pages index.yaml (commit c7f9ea5, generated 2026-08-03), entry aws-load-balancer-controller 3.5.0; read 2026-12-07",
} as const;

export interface AwsLoadBalancerControllerArgs extends PodIdentityClusterArgs {
  /** EKS cluster name (`clusterName` value; the controller tags what it creates with it). */
  clusterName: pulumi.Input<string>;
  /** Region and VPC, passed explicitly so the controller never needs the instance metadata service. */
  region: pulumi.Input<string>;
  vpcId: pulumi.Input<string>;
  /** The stack's partition and account, for the IAM policy's ARNs. */
  partition: pulumi.Input<string>;
  accountId: pulumi.Input<string>;
}

/**
 * The AWS Load Balancer Controller: an IAM role only its service account can use (EKS Pod Identity:
 * "Support for EKS pod identities", controller release v2.7.0, kubernetes-sigs/aws-load-balancer-controller
 * #3503 and #3613, read 2026-12-07; this chart is v3.5.0), the project's published least-privilege policy,
 * and the eks-charts Helm release, pinned.
 */
export class AwsLoadBalancerController extends pulumi.ComponentResource {
  public readonly roleArn: pulumi.Output<string>;
  public readonly releaseName: pulumi.Output<string>;
  /**
   * {@link ALB_INGRESS_CLASS}, resolved only once the Helm release is deployed (Release waits for the
   * controller and its webhooks to be ready). Objects that take it as an input depend on the controller,
   * so an Ingress is neither created before its webhook answers nor deleted after the controller is gone
   * (which would leave the ALB behind and block the VPC's deletion).
   */
  public readonly ingressClassName: pulumi.Output<string>;

  constructor(name: string, args: AwsLoadBalancerControllerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fastify-deploy:platforms:AwsLoadBalancerController", name, {}, opts);

    const { role, release } = podIdentityRelease(
      name,
      {
        ...args,
        description: "AWS Load Balancer Controller (EKS Pod Identity)",
        namespace: "kube-system",
        serviceAccountName: AWS_LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT,
        tags: awsTags(name),
        // A managed policy, attached: as the controller's install guide does (create-policy, then attach).
        grant: (role) => this.attachPolicy(name, role, args),
        chart: AWS_LOAD_BALANCER_CONTROLLER_CHART,
        values: (serviceAccount) => ({
          clusterName: args.clusterName,
          region: args.region,
          vpcId: args.vpcId,
          // Leader election; two survive a node drain.
          replicaCount: 2,
          serviceAccount,
          ingressClass: ALB_INGRESS_CLASS,
          createIngressClassResource: true,
          // The app uses an Ingress; nothing here needs Services of type LoadBalancer rewritten, and this
          // webhook (failurePolicy Fail) would otherwise block every Service while the controller is down.
          enableServiceMutatorWebhook: false,
          // The readiness-gate webhook fails closed: with the chart's default Ignore (controller > v2.11.0)
          // a pod created while the controller is down gets no gate, and a rollout can then end with only
          // "initial" and "draining" targets. The controller's docs recommend Fail with an explicit object
          // selector (docs/deploy/pod_readiness_gate.md "FailurePolicy", "Object Selector"; the chart's
          // templates/webhook.yaml reads podMutatorWebhookConfig.failurePolicy and objectSelector for the
          // mpod.elbv2.k8s.aws webhook; read 2026-12-07), so only pods that carry the label (the app's,
          // KubernetesApp labels them) wait for the controller; every other pod in the cluster is untouched.
          podMutatorWebhookConfig: { failurePolicy: "Fail" },
          objectSelector: { matchLabels: { [POD_READINESS_GATE_LABEL]: "enabled" } },
          podDisruptionBudget: { maxUnavailable: 1 },
          // Reuse the webhook's TLS secret on upgrades instead of issuing a new certificate each time:
          // while the new certificate propagates, the fail-closed webhooks reject Ingress and
          // TargetGroupBinding writes. (Chart value read through Helm's lookup, which Release can run.)
          keepTLSSecret: true,
        }),
      },
      this,
    );

    this.roleArn = role.arn;
    this.releaseName = release.name;
    this.ingressClassName = release.status.apply(() => ALB_INGRESS_CLASS);
    this.registerOutputs({
      roleArn: this.roleArn,
      releaseName: this.releaseName,
      ingressClassName: this.ingressClassName,
    });
  }

  /** The controller project's published policy, partition-aware, its SG-ingress statement confined to this VPC. */
  private attachPolicy(
    name: string,
    role: aws.iam.Role,
    args: AwsLoadBalancerControllerArgs,
  ): aws.iam.RolePolicyAttachment {
    const policy = new aws.iam.Policy(
      `${name}-policy`,
      {
        description: "AWS Load Balancer Controller: the controller project's published IAM policy",
        policy: pulumi
          .all([args.partition, args.accountId, args.region, args.vpcId, args.clusterName])
          .apply(([partition, accountId, region, vpcId, clusterName]) =>
            JSON.stringify(
              awsLoadBalancerControllerIamPolicy({
                partition,
                accountId,
                region,
                vpcArn: `arn:${partition}:ec2:${region}:${accountId}:vpc/${vpcId}`,
                clusterName,
              }),
            ),
          ),
        tags: awsTags(name),
      },
      { parent: this },
    );
    return new aws.iam.RolePolicyAttachment(
      `${name}-policy-attachment`,
      { role: role.name, policyArn: policy.arn },
      { parent: this },
    );
  }
}
