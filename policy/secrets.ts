/**
 * Secrets: whoever may read a secret's value names exactly which ones (no `*`), and no workload carries
 * a secret as a plain environment value (docs/secrets.md). The program keeps both by construction
 * (facts/secrets.ts secretReadStatements; values only through `secrets`/secretKeyRef); these hold them
 * for every later change, and for policies or containers added by hand.
 */
// The one module, not facts/index: the pack is compiled by the Pulumi runtime's ts-node with its own
// defaults (ES2020 lib), under which facts/eks-versions.ts (Object.hasOwn, ES2022) does not compile.
import { SECRET_LIKE_ENV_NAME } from "../facts/secrets";
import { resourcePolicy } from "./define";
import { ECS_TASK_DEFINITION, ecsContainers } from "./ecs";
import { IAM_POLICY_TYPES } from "./iam";
import { asArray, asList, asObject, containersOf, K8S_WORKLOADS, podSpecOf, policyStatements } from "./rules";

/**
 * Actions that return a secret's value or decrypt it (Service Authorization Reference,
 * list_awssecretsmanager.html, list_awssystemsmanager.html, list_awskeymanagementservice.html; read
 * 2026-12-07): GetSecretValue / BatchGetSecretValue, GetParameter(s)/GetParametersByPath/GetParameterHistory,
 * kms:Decrypt, and the wildcards that include them.
 */
const SECRET_READ =
  /^(?:\*|secretsmanager:(?:GetSecretValue|BatchGetSecretValue|\*)|ssm:(?:GetParameter\w*|\*)|kms:(?:Decrypt|\*))$/;

export const secretReadsNamed = resourcePolicy(
  "secret-reads-named",
  'Identity policies that read secret values (secretsmanager:GetSecretValue, ssm:GetParameter*, kms:Decrypt) name the secrets: no "*" in their resources.',
  IAM_POLICY_TYPES,
  (props, args) => {
    const out: string[] = [];
    for (const statement of policyStatements(props.policy)) {
      if (statement.Effect !== "Allow") continue;
      const reads = asList(statement.Action)
        .map(String)
        .filter((a) => SECRET_READ.test(a));
      const wide = asList(statement.Resource)
        .map(String)
        .filter((r) => r.includes("*"));
      for (const action of reads) {
        for (const resource of wide) {
          out.push(
            `${args.name}: grants ${action} on "${resource}". Name each secret's or parameter's ARN (fastify-deploy:secrets) and the one KMS key (secretsKmsKeyArn).`,
          );
        }
      }
    }
    return out;
  },
);

/** A container's env entries with a plain value: `{name, value}` in both ECS and Kubernetes. */
const plainValues = (env: unknown): { name: string; value: string }[] =>
  asArray(env)
    .map(asObject)
    .filter((e) => typeof e.value === "string" && e.value !== "")
    .map((e) => ({ name: String(e.name), value: String(e.value) }));

export const noPlainSecretEnv = resourcePolicy(
  "no-plain-secret-env",
  "No container has a secret-looking environment variable (…PASSWORD, …TOKEN, …API_KEY, …SECRET) with a plain value: it comes from Secrets Manager or SSM (fastify-deploy:secrets).",
  [ECS_TASK_DEFINITION, ...Object.keys(K8S_WORKLOADS)],
  (props, args) => {
    const containers =
      args.type === ECS_TASK_DEFINITION
        ? ecsContainers(props).map((c) => ({ name: String(c.name), env: c.environment }))
        : containersOf(podSpecOf(args.type, props) ?? {}).map((c) => ({ name: c.name, env: c.props.env }));
    return containers.flatMap((c) =>
      plainValues(c.env)
        .filter((e) => SECRET_LIKE_ENV_NAME.test(e.name))
        .map(
          (e) =>
            `${args.name}: container ${c.name} sets ${e.name} as a plain value, readable by anyone who can read the ${args.type === ECS_TASK_DEFINITION ? "task definition" : "pod spec"} and in the stack's state. Declare it in fastify-deploy:secrets (a Secrets Manager or SSM ARN) instead.`,
        ),
    );
  },
);
