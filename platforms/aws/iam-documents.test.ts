/**
 * Every IAM document in every stack × platform graph (issue 32): identity policies grant no mutating
 * action on `*` unless ALLOWED_WILDCARDS names the AWS reason; service principals AWS documents a
 * confused-deputy condition for carry it; no managed policy is attached beyond MANAGED_POLICIES, each
 * with the role's purpose. The closing note of the issue is this file's two tables.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { type ProgramRun, type RecordedResource, runProgram, stackPlatformCases } from "../../tools/harness";
import { LBC_UNSCOPED_MUTATIONS } from "../eks/lbc-iam-policy";

/** Identity-policy documents: where `Resource: "*"` means every resource of the account. */
const IDENTITY_POLICIES: Record<string, string> = {
  "aws:iam/rolePolicy:RolePolicy": "policy",
  "aws:iam/policy:Policy": "policy",
  "aws:iam/userPolicy:UserPolicy": "policy",
};

/** Actions that only read (access levels List and Read in the Service Authorization Reference). */
const READ_ONLY = /^[a-z0-9-]+:(Describe|List|Get|BatchGet|BatchCheck|Search|Lookup)[A-Za-z]*$/;

/**
 * The mutating actions that stay on `*`, each with the reason from the Service Authorization Reference
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/, pages named below; read
 * 2026-12-07). Anything else on `*` fails.
 */
export const ALLOWED_WILDCARDS: Record<string, string> = {
  "ssm:UpdateInstanceInformation":
    "bastion (Session Manager agent): AWS's minimum instance-profile policy grants it on * (getting-started-create-iam-instance-profile.html); the agent registers before it knows its managed-instance ARN",
  "ssmmessages:CreateControlChannel": "bastion: ssmmessages defines no resource type (list_ssmmessages.html)",
  "ssmmessages:CreateDataChannel": "bastion: as above (list_ssmmessages.html)",
  "ssmmessages:OpenControlChannel": "bastion: as above (list_ssmmessages.html)",
  "ssmmessages:OpenDataChannel": "bastion: as above (list_ssmmessages.html)",
  ...LBC_UNSCOPED_MUTATIONS,
};

/**
 * Service principals for which AWS documents a confused-deputy condition (aws:SourceAccount and
 * aws:SourceArn) in the role's trust policy, with the page that says so (read 2026-12-07). The ECS
 * task execution role is the documented exception (ecs-platform.ts EXECUTION_ROLE_TRUST_POLICY).
 */
const CONFUSED_DEPUTY: Record<string, string> = {
  "vpc-flow-logs.amazonaws.com": "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html",
};

/** Managed policies a role may have, each with the purpose it serves (nothing broader). */
const MANAGED_POLICIES: Record<string, string> = {
  AmazonEKSWorkerNodePolicy: "EKS nodes: kubelet's EC2 describes and Pod Identity (create-node-role.html)",
  AmazonEKS_CNI_Policy: "EKS nodes: the VPC CNI before any node is Ready (eks-platform.ts createNodeRole)",
  AmazonEC2ContainerRegistryPullOnly: "EKS nodes: pull images, nothing else (create-node-role.html)",
};

interface Statement {
  Effect: string;
  Action?: string | string[];
  Resource?: string | string[];
  Principal?: { Service?: string | string[] };
  Condition?: Record<string, Record<string, unknown>>;
}
const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const statements = (doc: unknown): Statement[] =>
  list((JSON.parse(String(doc)) as { Statement: Statement | Statement[] }).Statement);

describe("IAM documents in every stack × platform graph (issue 32)", () => {
  const runs = new Map<string, ProgramRun>();
  before(async () => {
    for (const c of stackPlatformCases()) runs.set(`${c.stack}/${c.platform}`, await runProgram(c.options));
  });
  const each = (f: (run: ProgramRun, label: string) => void) => {
    assert.equal(runs.size, 6, "all six graphs");
    for (const [label, run] of runs) f(run, label);
  };

  it("no mutating action on * without a condition, unless ALLOWED_WILDCARDS names AWS's reason", () => {
    const offences: string[] = [];
    const seen = new Set<string>();
    each((run, label) => {
      for (const [type, field] of Object.entries(IDENTITY_POLICIES)) {
        for (const r of run.ofType(type)) {
          for (const s of statements(r.inputs[field])) {
            if (s.Effect !== "Allow" || s.Condition !== undefined || !list(s.Resource).includes("*"))
              continue;
            for (const action of list(s.Action)) {
              if (READ_ONLY.test(action)) continue;
              if (action in ALLOWED_WILDCARDS) seen.add(action);
              else offences.push(`${label} ${r.name}: ${action} on *`);
            }
          }
        }
      }
    });
    assert.deepEqual(offences, []);
    // The allowlist names only what a graph still needs: a stale entry would hide a future grant.
    assert.deepEqual(
      [...seen].sort(),
      Object.keys(ALLOWED_WILDCARDS)
        // Scoped to this VPC by resource ARNs now (lbc-iam-policy.ts), listed there for the record.
        .filter((a) => a !== "ec2:CreateSecurityGroup")
        .sort(),
    );
  });

  it("no action wildcard (service:* or *) in any identity policy", () => {
    each((run, label) => {
      for (const [type, field] of Object.entries(IDENTITY_POLICIES)) {
        for (const r of run.ofType(type)) {
          for (const s of statements(r.inputs[field])) {
            for (const action of list(s.Action)) {
              assert.doesNotMatch(action, /(^\*$|:\*$)/, `${label} ${r.name}`);
            }
          }
        }
      }
    });
  });

  it("trust policies carry the confused-deputy conditions AWS documents for their service", () => {
    let checked = 0;
    each((run, label) => {
      for (const role of run.ofType("aws:iam/role:Role")) {
        for (const s of statements(role.inputs.assumeRolePolicy)) {
          for (const service of list(s.Principal?.Service)) {
            if (!(service in CONFUSED_DEPUTY)) continue;
            checked++;
            const keys = Object.values(s.Condition ?? {}).flatMap((c) => Object.keys(c));
            assert.ok(keys.includes("aws:SourceAccount"), `${label} ${role.name}: aws:SourceAccount`);
            assert.ok(keys.includes("aws:SourceArn"), `${label} ${role.name}: aws:SourceArn`);
          }
        }
      }
    });
    assert.ok(checked >= 4, "the flow-log roles of the four AWS graphs");
  });

  it("managed policies only from MANAGED_POLICIES (their purpose stated), AWS-managed or this stack's own", () => {
    const attached = new Set<string>();
    each((run, label) => {
      const own = new Set(run.ofType("aws:iam/policy:Policy").map((p: RecordedResource) => p.state.arn));
      for (const a of run.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")) {
        const arn = String(a.inputs.policyArn);
        if (own.has(arn)) continue;
        const policy = arn.split("/").pop() ?? arn;
        assert.ok(policy in MANAGED_POLICIES, `${label} ${a.name}: ${arn} is not in MANAGED_POLICIES`);
        attached.add(policy);
      }
      for (const role of run.ofType("aws:iam/role:Role")) {
        assert.equal(role.inputs.managedPolicyArns, undefined, `${label} ${role.name}: attach explicitly`);
      }
    });
    assert.deepEqual([...attached].sort(), Object.keys(MANAGED_POLICIES).sort(), "no stale entry");
  });
});
