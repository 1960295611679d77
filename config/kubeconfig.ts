import { parse as parseYaml } from "yaml";
import { show } from "./schema";

/** A kubeconfig's parts config reads: which context is current, and each context's cluster server. */
interface KubeconfigDocument {
  "current-context"?: unknown;
  contexts?: unknown;
  clusters?: unknown;
  users?: unknown;
}

/**
 * Kubeconfig fields that name a file instead of holding its content (client-go
 * tools/clientcmd/api/v1/types.go: Cluster.CertificateAuthority "path to a cert file",
 * AuthInfo.ClientCertificate / ClientKey "path to a client cert/key file", AuthInfo.TokenFile; read
 * 2026-12-07). The stack's secret is the only copy the program gets: a path in it works only on the
 * machine that wrote it (and in CI on none). `kubectl config view --raw --flatten` inlines each as its
 * `-data` field (`tokenFile` has no inline form: use `token`).
 */
const FILE_FIELDS = {
  cluster: ["certificate-authority"],
  user: ["client-certificate", "client-key", "tokenFile"],
} as const;

/**
 * The API server URL of the kubeconfig's selected context (or of `context`), or what is wrong with it.
 * Messages never quote the document: it holds credentials.
 */
export function kubeconfigApiServer(text: string, context?: string): string | { problem: string } {
  let doc: KubeconfigDocument;
  try {
    doc = parseYaml(text) as KubeconfigDocument;
  } catch {
    return {
      problem:
        "got a value that is not YAML; expected a kubeconfig file (kubectl config view --raw --minify)",
    };
  }
  if (
    doc === null ||
    typeof doc !== "object" ||
    !Array.isArray(doc.contexts) ||
    !Array.isArray(doc.clusters)
  ) {
    return {
      problem:
        "got YAML without contexts and clusters; expected a kubeconfig file (kubectl config view --raw --minify)",
    };
  }
  const contextName = context ?? doc["current-context"];
  if (typeof contextName !== "string" || contextName === "") {
    return {
      problem:
        "has no current-context; expected one, or fastify-deploy:kubeconfigContext naming the context to use",
    };
  }
  const named = <T extends { name?: unknown }>(list: unknown[], name: unknown): T | undefined =>
    list.find((item): item is T => typeof item === "object" && item !== null && (item as T).name === name);
  const ctx = named<{ name: string; context?: { cluster?: unknown; user?: unknown } }>(
    doc.contexts,
    contextName,
  );
  if (!ctx) {
    const known = doc.contexts
      .map((c) => (c as { name?: unknown }).name)
      .filter((n) => typeof n === "string");
    return {
      problem: `has no context ${show(contextName)}; expected one of ${known.map(show).join(", ") || "(none)"}`,
    };
  }
  const cluster = named<{
    name: string;
    cluster?: { server?: unknown; "insecure-skip-tls-verify"?: unknown };
  }>(doc.clusters, ctx.context?.cluster)?.cluster;
  const server = cluster?.server;
  if (typeof server !== "string" || !/^https?:\/\/\S+$/.test(server)) {
    return {
      problem: `context ${show(contextName)} names no cluster with a server URL; expected clusters[].cluster.server`,
    };
  }
  // The provider sends the user's credentials (a token, a client key's proof) to this server on every
  // call: over http:// anyone on the path reads them, and with insecure-skip-tls-verify anyone on the path
  // can pose as the API server and take them. Neither is ever needed to reach a real cluster, whose API
  // server always serves TLS (https://kubernetes.io/docs/concepts/security/controlling-access/, "Transport
  // security", read 2026-12-07). The URL is not quoted: it may carry userinfo.
  if (/^http:/i.test(server)) {
    return {
      problem: `context ${show(contextName)}: got an http:// server URL; expected https:// (credentials are sent to the API server on every call)`,
    };
  }
  const skip = cluster?.["insecure-skip-tls-verify"];
  if (skip === true || skip === "true") {
    return {
      problem: `context ${show(contextName)}: got insecure-skip-tls-verify: true; expected the server's certificate verified (certificate-authority-data, or a publicly trusted certificate)`,
    };
  }
  const user = Array.isArray(doc.users)
    ? named<{ name: string; user?: Record<string, unknown> }>(doc.users, ctx.context?.user)?.user
    : undefined;
  const files = fileReferences(cluster as Record<string, unknown>, user);
  if (files.length > 0) {
    return {
      problem: `context ${show(contextName)}: got file references (${files.join(", ")}), which work only on the machine that wrote them; expected their contents inline: pulumi config set --secret kubeconfig "$(kubectl config view --raw --flatten --minify)"`,
    };
  }
  return server;
}

/** The selected cluster's and user's fields that name files (FILE_FIELDS), as paths into the document. */
function fileReferences(
  cluster: Record<string, unknown>,
  user: Record<string, unknown> | undefined,
): string[] {
  return [
    ...FILE_FIELDS.cluster
      .filter((f) => typeof cluster[f] === "string")
      .map((f) => `clusters[].cluster.${f}`),
    ...FILE_FIELDS.user.filter((f) => typeof user?.[f] === "string").map((f) => `users[].user.${f}`),
  ];
}
