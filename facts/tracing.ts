/**
 * Tracing (issue 31): the modes, the settings every platform takes, and the facts of the X-Ray path.
 * No SDK import: config validates with these, the platforms build with them.
 *
 * The X-Ray path, as AWS documents it today: spans go over OTLP/HTTP to the CloudWatch OTLP traces
 * endpoint `https://xray.<region>.amazonaws.com/v1/traces`, which needs SigV4 (the collector's
 * sigv4auth extension), HTTP only, and Transaction Search enabled on the account
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-OTLPEndpoint.html, read
 * 2026-12-07). The ADOT pages say the same and retire the older awsxray exporter path ("Send traces to
 * the CloudWatch OTLP traces endpoint … using the otlp_http exporter with SigV4 authentication":
 * https://aws-otel.github.io/docs/getting-started/x-ray/, read 2026-12-07), and the X-Ray SDKs and
 * daemon are in maintenance since 2026-02-25 (X-Ray developer guide, document history, read 2026-12-07).
 * The app cannot sign requests (no AWS SDK in the image), so an ADOT collector runs beside it (an ECS
 * sidecar container, a Kubernetes native sidecar on EKS) and signs with the app's role.
 */

export const TRACING_MODES = ["off", "xray", "otlp"] as const;
export type TracingMode = (typeof TRACING_MODES)[number];

/** What the app is told about tracing (AppSettings.tracing). */
export type TracingSettings = { mode: "off" } | { mode: "xray" } | { mode: "otlp"; endpoint: string };

/** Where the app sends spans when a collector runs beside it: OTLP/HTTP's default port and path. */
export const LOCAL_COLLECTOR_ENDPOINT = "http://127.0.0.1:4318/v1/traces";

/** The CloudWatch OTLP traces endpoint of a region (doc above). */
export function xrayOtlpEndpoint(region: string): string {
  return `https://xray.${region}.amazonaws.com/v1/traces`;
}

/**
 * The exporter's permissions, no more: `xray:PutSpans` is what the OTLP traces endpoint checks, and
 * `xray:PutSpansForIndexing` lets the indexed share of spans (1% by default) become trace summaries. X-Ray
 * has no resource-level permissions for them, so the Resource is `*` while the actions stay named (the
 * Service Authorization Reference, "Actions defined by AWS X-Ray", read 2026-12-07, lists no resource type
 * for either; AWS's Transaction Search setup grants its X-Ray actions on `*` the same way:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Enable-TransactionSearch.html, read 2026-12-07).
 */
export const XRAY_EXPORT_ACTIONS = ["xray:PutSpans", "xray:PutSpansForIndexing"] as const;

/**
 * The ADOT collector image, pinned by digest like every image the program deploys (policy
 * image-digest-pinned): v0.45.1 is the newest release the stored aws-observability/aws-otel-collector
 * snapshot names (its VERSION file at commit 20d3c52, read 2026-12-07), and the digest is that release's
 * manifest list as a public Dockerfile pins it (`amazon/aws-otel-collector:v0.45.1@sha256:4eabdc32…`,
 * read 2026-12-07). ADOT pushes each release to Docker Hub and public ECR from one build; public ECR is
 * used because Docker Hub rate-limits anonymous pulls. ADOT_COLLECTOR_REVIEWED is when the pin was last
 * checked: config warns once it is older than ADOT_COLLECTOR_REVIEW_DAYS (ADOT releases about monthly).
 */
export const ADOT_COLLECTOR_IMAGE =
  "public.ecr.aws/aws-observability/aws-otel-collector:v0.45.1@sha256:4eabdc3213c7897d12df8daa4b8f1bf2fd3ebffc72ccdb8279102169a932342e";
export const ADOT_COLLECTOR_REVIEWED = "2026-12-07";
export const ADOT_COLLECTOR_REVIEW_DAYS = 120;

/**
 * The collector's whole configuration: OTLP/HTTP in on loopback only (the app is its one client), batches
 * out to the region's OTLP endpoint signed with the task's or pod's role. Passed as AOT_CONFIG_CONTENT,
 * which the ADOT collector reads instead of a file (ADOT's ECS setup page, "Add an environment variable
 * named AOT_CONFIG_CONTENT", aws-otel.github.io docs/setup/ecs, read 2026-12-07), so the root filesystem stays read-only.
 */
export function xrayCollectorConfig(region: string): string {
  return [
    "extensions:",
    "  sigv4auth:",
    `    region: ${region}`,
    '    service: "xray"',
    "receivers:",
    "  otlp:",
    "    protocols:",
    "      http:",
    "        endpoint: 127.0.0.1:4318",
    "processors:",
    "  batch: {}",
    "exporters:",
    "  otlphttp:",
    `    traces_endpoint: ${xrayOtlpEndpoint(region)}`,
    "    auth:",
    "      authenticator: sigv4auth",
    "service:",
    "  extensions: [sigv4auth]",
    "  pipelines:",
    "    traces:",
    "      receivers: [otlp]",
    "      processors: [batch]",
    "      exporters: [otlphttp]",
    "",
  ].join("\n");
}

/** A NetworkPolicy peer for an OTLP endpoint inside the cluster, or why there is none. */
export type OtlpPeer =
  | { ip: string; port: number }
  | { namespace: string; port: number }
  | { problem: string };

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const LABEL = "[a-z0-9](?:[-a-z0-9]*[a-z0-9])?";
/** `<service>.<namespace>`, `<service>.<namespace>.svc` or `<service>.<namespace>.svc.<cluster domain>`. */
const SERVICE_HOST = new RegExp(`^${LABEL}\\.(${LABEL})(?:\\.svc(?:\\.[a-z0-9.-]+)?)?$`);

/**
 * The peer the app's NetworkPolicy admits for an OTLP endpoint URL: an IP address (an ipBlock /32), or a
 * Service name, whose namespace is the peer (the Service's pods are what NetworkPolicy sees after
 * kube-proxy's translation; a policy cannot name a Service). The port is the URL's, which NetworkPolicy
 * matches against the pod's port: true of the OpenTelemetry Collector chart, whose otlp-http service port
 * and container port are both 4318 (open-telemetry/opentelemetry-helm-charts charts/opentelemetry-collector/
 * values.yaml, read 2026-12-07). Any other host (a name outside the cluster) has no peer a NetworkPolicy
 * can express.
 */
export function otlpPeer(endpoint: string): OtlpPeer {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return { problem: "not a URL" };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return { problem: "not http(s)" };
  const port = url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port);
  const ip = IPV4.exec(url.hostname);
  if (ip) {
    return ip.slice(1).every((octet) => Number(octet) <= 255)
      ? { ip: url.hostname, port }
      : { problem: "not an IPv4 address" };
  }
  const service = SERVICE_HOST.exec(url.hostname);
  if (service?.[1] !== undefined) return { namespace: service[1], port };
  return {
    problem:
      "neither an IPv4 address nor an in-cluster Service name (<service>.<namespace>[.svc[.<domain>]])",
  };
}
