import * as pulumi from "@pulumi/pulumi";
import {
  ADOT_COLLECTOR_IMAGE,
  EKS_POD_IDENTITY_AGENT,
  otlpPeer,
  type TracingSettings,
  xrayCollectorConfig,
} from "../../facts";
import { restrictedContainerSecurityContext } from "./pod-security";
import { dnsEgressPeers } from "./synthetic-client";

/**
 * Tracing in the app's pod (issue 31): the NetworkPolicy egress a tracing setting needs, and on EKS the
 * ADOT collector as a native sidecar. Nothing here reads config: KubernetesApp passes args.app.tracing.
 */

/** The collector's container name (the same as on ECS). */
export const COLLECTOR_CONTAINER_NAME = "otel-collector";

const DNS_PORTS = [
  { port: 53, protocol: "UDP" },
  { port: 53, protocol: "TCP" },
];

/**
 * Egress rules the app pod's NetworkPolicy adds for tracing, nothing else:
 * - off: none (the app calls nothing);
 * - otlp: the endpoint's one peer on its one port (facts/tracing.ts otlpPeer: an IP as a /32, a Service
 *   name as its namespace), plus DNS when the endpoint is a name. Config refused every other endpoint;
 * - xray (EKS): the collector sidecar's calls, HTTPS to the X-Ray OTLP endpoint and to STS for the IRSA
 *   web identity, both public AWS addresses (or a VPC endpoint's) that no selector can name, so TCP 443 to
 *   any address, plus DNS.
 */
export function tracingEgress(tracing: TracingSettings) {
  switch (tracing.mode) {
    case "off":
      return [];
    case "xray":
      return [
        { to: dnsEgressPeers(), ports: DNS_PORTS },
        { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ port: 443, protocol: "TCP" }] },
        // The collector's credentials: the app's role through EKS Pod Identity (xray runs on EKS only).
        {
          to: [{ ipBlock: { cidr: EKS_POD_IDENTITY_AGENT.cidr } }],
          ports: [{ port: EKS_POD_IDENTITY_AGENT.port, protocol: "TCP" }],
        },
      ];
    case "otlp": {
      const peer = otlpPeer(tracing.endpoint);
      if ("problem" in peer) {
        // Config checks the endpoint first (config/tracing.ts); reaching here is a program error.
        throw new Error(`otlp endpoint ${tracing.endpoint}: ${peer.problem}`);
      }
      const port = [{ port: peer.port, protocol: "TCP" }];
      if ("ip" in peer) return [{ to: [{ ipBlock: { cidr: `${peer.ip}/32` } }], ports: port }];
      return [
        { to: dnsEgressPeers(), ports: DNS_PORTS },
        {
          to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": peer.namespace } } }],
          ports: port,
        },
      ];
    }
  }
}

/**
 * The ADOT collector beside the app (tracing xray on EKS), as a Kubernetes native sidecar: an init
 * container with `restartPolicy: Always` starts before the app and is stopped only after the app's
 * container has exited, so the app's last spans (flushed at shutdown) still find it (Kubernetes "Sidecar
 * Containers", https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/, read 2026-12-07:
 * beta and on by default since 1.29, stable in 1.33). It signs with the app's role through EKS Pod Identity
 * (the agent at EKS_POD_IDENTITY_AGENT; the webhook mounts its own token volume, so the app's pod keeps
 * automountServiceAccountToken false). Restricted like the app.
 */
export function collectorSidecar(region: pulumi.Input<string>, uid: number, gid: number) {
  return {
    name: COLLECTOR_CONTAINER_NAME,
    image: ADOT_COLLECTOR_IMAGE,
    imagePullPolicy: "IfNotPresent",
    restartPolicy: "Always",
    env: [{ name: "AOT_CONFIG_CONTENT", value: pulumi.output(region).apply(xrayCollectorConfig) }],
    resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
    securityContext: restrictedContainerSecurityContext(uid, gid),
  };
}
