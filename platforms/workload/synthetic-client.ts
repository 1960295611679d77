import * as fs from "node:fs";
import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CLUSTER_DNS_POD_LABELS, LINK_LOCAL_DNS_RESOLVERS } from "../../facts";
import { APP_PORT } from "../app-contract";
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from "./pod-security";
import type { TargetKind } from "./synthetic-client.cjs";

export type { TargetKind };

/** The client's script, shipped in a ConfigMap (see synthetic-client.cjs for why plain JavaScript). */
export const SYNTHETIC_CLIENT_SCRIPT_FILE = path.join(__dirname, "synthetic-client.cjs");
/** Every minute, as the seed's EC2 client called the service. */
export const SYNTHETIC_SCHEDULE = "* * * * *";
/** Each call's timeout (the script's TIMEOUT_MS); two calls and Node's start fit well within a minute. */
export const SYNTHETIC_TIMEOUT_MS = 5000;
/**
 * A Job that has not finished after this long is killed and counts as failed: below the one-minute
 * schedule, so with concurrencyPolicy Forbid a hung run never makes the next minute's run skip.
 */
export const SYNTHETIC_DEADLINE_SECONDS = 45;
/** The client pods' uid/gid: any non-root id works, the script reads only its mounted file. */
const CLIENT_UID = 65532;
/** The labels of the client's pods; the app's NetworkPolicy admits exactly these. */
export const SYNTHETIC_CLIENT_LABELS = {
  "app.kubernetes.io/name": "synthetic-client",
  "app.kubernetes.io/component": "synthetic-client",
  "app.kubernetes.io/part-of": "fastify-deploy",
  "app.kubernetes.io/managed-by": "pulumi",
};

export interface SyntheticClientArgs {
  provider: k8s.Provider;
  /** The app's namespace (an Output of the Namespace object, so everything here waits for it). */
  namespace: pulumi.Input<string>;
  /** Prefix of every object name: `<prefix>-synthetic-client`. */
  namePrefix: string;
  /**
   * What the client calls: the public URL users reach (Ingress host, Gateway route, LoadBalancer address;
   * https when TLS is configured) when there is one, else the Service's `http://<service>.<namespace>.svc…`.
   */
  targetUrl: pulumi.Input<string>;
  /** Which of them `targetUrl` is (the script names it in every log line and its failure message). */
  targetKind: pulumi.Input<TargetKind>;
  /**
   * The stack exposes the app publicly (an Ingress, a Gateway route or a LoadBalancer Service), so the
   * target may be a public name: the client may then leave on 80 and 443 too (see createNetworkPolicy).
   */
  publicTarget: boolean;
  /** The app pods' selector labels: the client's egress admits only them. */
  appPodSelector: Record<string, string>;
  /** The Node.js image the script runs in, digest-pinned and pullable without credentials. */
  image: string;
}

/**
 * The synthetic client on a cluster we know nothing about: a CronJob that every minute calls
 * `GET /v1/random` and `GET /healthz` on the app's Service, logs success and latency per call, and fails
 * its Job when a call fails (backoffLimit 0: a failure is reported, not retried away). Inside the
 * cluster because the cluster may have no public address; Pod Security "restricted", no
 * service-account token (it calls no Kubernetes API), and its own NetworkPolicy: DNS and the app port
 * of the app's pods out, nothing in.
 */
export class SyntheticClient extends pulumi.ComponentResource {
  public readonly cronJobName: pulumi.Output<string>;

  constructor(name: string, args: SyntheticClientArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fastify-deploy:platforms:SyntheticClient", name, {}, opts);
    const objectName = `${args.namePrefix}-synthetic-client`;
    const childOpts: pulumi.CustomResourceOptions = { parent: this, provider: args.provider };
    const metadata = { name: objectName, namespace: args.namespace, labels: SYNTHETIC_CLIENT_LABELS };

    const script = new k8s.core.v1.ConfigMap(
      `${name}-script`,
      { metadata, data: { "check.cjs": fs.readFileSync(SYNTHETIC_CLIENT_SCRIPT_FILE, "utf8") } },
      childOpts,
    );
    const serviceAccount = new k8s.core.v1.ServiceAccount(
      `${name}-service-account`,
      { metadata, automountServiceAccountToken: false },
      childOpts,
    );
    createNetworkPolicy(name, metadata, args, childOpts);
    const cronJob = new k8s.batch.v1.CronJob(
      `${name}-cron`,
      {
        metadata,
        spec: {
          schedule: SYNTHETIC_SCHEDULE,
          timeZone: "Etc/UTC",
          concurrencyPolicy: "Forbid",
          // A run that could not start within 30 s is skipped: the next minute's run replaces it.
          startingDeadlineSeconds: 30,
          successfulJobsHistoryLimit: 1,
          failedJobsHistoryLimit: 3,
          jobTemplate: {
            metadata: { labels: SYNTHETIC_CLIENT_LABELS },
            spec: {
              backoffLimit: 0,
              activeDeadlineSeconds: SYNTHETIC_DEADLINE_SECONDS,
              template: clientPod(args, script, serviceAccount),
            },
          },
        },
      },
      childOpts,
    );
    this.cronJobName = cronJob.metadata.name;
    this.registerOutputs({ cronJobName: this.cronJobName });
  }
}

function clientPod(
  args: SyntheticClientArgs,
  script: k8s.core.v1.ConfigMap,
  serviceAccount: k8s.core.v1.ServiceAccount,
) {
  return {
    metadata: { labels: SYNTHETIC_CLIENT_LABELS },
    spec: {
      serviceAccountName: serviceAccount.metadata.name,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      restartPolicy: "Never",
      securityContext: restrictedPodSecurityContext(CLIENT_UID, CLIENT_UID),
      containers: [
        {
          name: "check",
          image: args.image,
          imagePullPolicy: "IfNotPresent",
          command: ["node", "/client/check.cjs"],
          env: [
            { name: "TARGET_URL", value: args.targetUrl },
            { name: "TIMEOUT_MS", value: String(SYNTHETIC_TIMEOUT_MS) },
            { name: "TARGET_KIND", value: args.targetKind },
          ],
          // A failed run's cause in the pod status (the script writes one line to the termination log;
          // otherwise the log's tail), beside the failed Job's Event and kube-state-metrics' kube_job_failed,
          // which kubernetes-mixin's KubeJobFailed alert (kube_job_failed > 0 for 15m; shipped by
          // kube-prometheus) watches (kubernetes-monitoring/kubernetes-mixin alerts/apps_alerts.libsonnet,
          // read 2026-12-07): what a cluster operator already watches, no metric of our own to scrape.
          terminationMessagePolicy: "FallbackToLogsOnError",
          resources: {
            requests: { cpu: "10m", memory: "48Mi" },
            limits: { cpu: "200m", memory: "128Mi" },
          },
          securityContext: restrictedContainerSecurityContext(CLIENT_UID, CLIENT_UID),
          volumeMounts: [{ name: "script", mountPath: "/client", readOnly: true }],
        },
      ],
      volumes: [{ name: "script", configMap: { name: script.metadata.name, defaultMode: 0o444 } }],
    },
  };
}

/**
 * Nothing in; out only DNS and the app pods' port. DNS goes to the cluster DNS pods (`k8s-app: kube-dns`
 * in kube-system) and to the link-local resolvers no pod selector matches: NodeLocal DNSCache and GKE's
 * metadata server, where pods resolve on GKE Autopilot and Standard with Cloud DNS (facts/kubernetes.ts
 * LINK_LOCAL_DNS_RESOLVERS, with sources). Without them every run on such a cluster fails to resolve the
 * Service and reports an outage that does not exist. The Service's ClusterIP is translated to a pod
 * address before NetworkPolicy applies, so the app pods are the peer to name.
 */
export function dnsEgressPeers() {
  return [
    {
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
      podSelector: { matchLabels: { ...CLUSTER_DNS_POD_LABELS } },
    },
    ...LINK_LOCAL_DNS_RESOLVERS.map(({ cidr }) => ({ ipBlock: { cidr } })),
  ];
}

function createNetworkPolicy(
  name: string,
  metadata: { name: string; namespace: pulumi.Input<string>; labels: Record<string, string> },
  args: SyntheticClientArgs,
  opts: pulumi.CustomResourceOptions,
): k8s.networking.v1.NetworkPolicy {
  const appPodSelector = args.appPodSelector;
  return new k8s.networking.v1.NetworkPolicy(
    `${name}-network-policy`,
    {
      metadata,
      spec: {
        podSelector: { matchLabels: SYNTHETIC_CLIENT_LABELS },
        policyTypes: ["Ingress", "Egress"],
        ingress: [],
        egress: [
          {
            to: dnsEgressPeers(),
            ports: [
              { port: 53, protocol: "UDP" },
              { port: 53, protocol: "TCP" },
            ],
          },
          {
            to: [{ podSelector: { matchLabels: appPodSelector } }],
            ports: [{ port: APP_PORT, protocol: "TCP" }],
          },
          // The public URL resolves to whatever users reach: a cloud load balancer outside the cluster,
          // or an ingress controller's or Gateway's pods inside it (kube-proxy may route a LoadBalancer
          // address straight to them, ending at the app pods above). Only the web ports, to any address
          // or namespace: the client carries no credentials and answers nothing.
          ...(args.publicTarget
            ? [
                {
                  to: [{ ipBlock: { cidr: "0.0.0.0/0" } }, { namespaceSelector: {} }],
                  ports: [
                    { port: 80, protocol: "TCP" },
                    { port: 443, protocol: "TCP" },
                  ],
                },
              ]
            : []),
        ],
      },
    },
    opts,
  );
}
