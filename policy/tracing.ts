/**
 * Tracing (issue 31): an app that exports spans through a collector beside it (the X-Ray path: ECS
 * sidecar, EKS native sidecar; platforms/aws/tracing.ts) runs under a role that may export them, and that
 * permission names its actions. A stack policy, because the facts sit on three resources: the workload
 * (the app's env says it exports to loopback), the role it runs as (task role; the IRSA role of its
 * service account, or a Pod Identity association), and the role's policies.
 */
import type { PolicyResource } from "@pulumi/policy";
import { stackPolicy } from "./define";
import { ECS_TASK_DEFINITION } from "./ecs";
import { IAM_POLICY_TYPES } from "./iam";
import { asArray, asList, asObject, containersOf, envMap, podSpecOf, policyStatements } from "./rules";

/** What the exporter must be allowed (facts/tracing.ts XRAY_EXPORT_ACTIONS; the endpoint checks PutSpans). */
export const XRAY_EXPORT_ACTION = "xray:PutSpans";

const ROLE = "aws:iam/role:Role";
const SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount";
const POD_IDENTITY = "aws:eks/podIdentityAssociation:PodIdentityAssociation";
const IRSA_ANNOTATION = "eks.amazonaws.com/role-arn";
const LOOPBACK = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/;

/** Whether a container's env says the app exports spans to a collector on its own loopback. */
const exportsToSidecar = (env: unknown): boolean => {
  const vars = envMap(env);
  return vars.TRACING === "otlp" && LOOPBACK.test(vars.OTLP_TRACES_ENDPOINT ?? "");
};

/** The allowed actions of every identity policy attached to `role` (by dependency or by name). */
function actionsOf(role: PolicyResource, all: readonly PolicyResource[]): string[] {
  return all
    .filter((r) => (IAM_POLICY_TYPES as readonly string[]).includes(r.type))
    .filter((p) => p.dependencies.includes(role) || p.props.role === role.props.name)
    .flatMap((p) => policyStatements(p.props.policy))
    .filter((s) => s.Effect === "Allow")
    .flatMap((s) => asList(s.Action).map(String));
}

/** The workloads exporting through a sidecar, each with the role it runs as (undefined: none found). */
function exporters(
  all: readonly PolicyResource[],
): Array<{ what: string; urn: string; role?: PolicyResource }> {
  const roleByArn = (arn: unknown) => all.find((r) => r.type === ROLE && r.props.arn === arn);
  const out: Array<{ what: string; urn: string; role?: PolicyResource }> = [];
  for (const r of all) {
    if (r.type === ECS_TASK_DEFINITION) {
      let defs: unknown[] = [];
      try {
        defs = asArray(JSON.parse(String(r.props.containerDefinitions)));
      } catch {
        defs = [];
      }
      if (defs.some((c) => exportsToSidecar(asObject(c).environment))) {
        out.push({ what: `Task definition ${r.name}`, urn: r.urn, role: roleByArn(r.props.taskRoleArn) });
      }
      continue;
    }
    const pod = podSpecOf(r.type, r.props);
    if (!pod || !containersOf(pod).some((c) => exportsToSidecar(c.props.env))) continue;
    const namespace = asObject(r.props.metadata).namespace;
    const accountName = pod.serviceAccountName ?? "default";
    const account = all.find(
      (a) =>
        a.type === SERVICE_ACCOUNT &&
        asObject(a.props.metadata).name === accountName &&
        asObject(a.props.metadata).namespace === namespace,
    );
    const association = all.find(
      (a) =>
        a.type === POD_IDENTITY && a.props.serviceAccount === accountName && a.props.namespace === namespace,
    );
    const arn =
      asObject(asObject(account?.props.metadata).annotations)[IRSA_ANNOTATION] ?? association?.props.roleArn;
    out.push({ what: `${r.type.split(":").pop()} ${r.name}`, urn: r.urn, role: roleByArn(arn) });
  }
  return out;
}

export const tracingExporterPermitted = stackPolicy(
  "tracing-exporter-permitted",
  "An app that exports spans through a collector beside it (tracing xray) runs under a role allowed xray:PutSpans, granted by name: no xray:* or * on that role.",
  (args) =>
    exporters(args.resources).flatMap(({ what, urn, role }): Array<[string, string | undefined]> => {
      if (!role) {
        return [
          [
            `${what}: exports spans to a collector beside it but runs under no role of this stack. Give it a role (task role, or the service account's IRSA or Pod Identity role) with ${XRAY_EXPORT_ACTION}.`,
            urn,
          ],
        ];
      }
      const actions = actionsOf(role, args.resources);
      const out: Array<[string, string | undefined]> = [];
      const wildcards = actions.filter((a) => a === "*" || a === "xray:*");
      for (const wildcard of wildcards) {
        out.push([
          `${what}: its role ${role.name} is granted "${wildcard}". Grant the exporter's actions by name (xray:PutSpans, xray:PutSpansForIndexing).`,
          role.urn,
        ]);
      }
      if (wildcards.length === 0 && !actions.includes(XRAY_EXPORT_ACTION)) {
        out.push([
          `${what}: exports spans to a collector beside it, but its role ${role.name} may not ${XRAY_EXPORT_ACTION}: the collector's exports would be refused. Attach the exporter's policy (platforms/aws/tracing.ts attachXrayExportPolicy).`,
          role.urn,
        ]);
      }
      return out;
    }),
);
