/**
 * What a stack does with the resources that hold its state or identity (issue 27): on a prod-grade
 * stack (config `prodGrade`), `pulumi destroy` and a mistaken replacement must not delete them.
 *
 * - `protect` (Pulumi resource option): the engine refuses any step that would delete the resource,
 *   a `destroy` or the delete half of a replacement, until the option is taken off by an update
 *   ("protect", https://www.pulumi.com/docs/iac/concepts/resources/options/protect/, read 2026-12-07:
 *   "prevents accidental deletion"; children inherit it from their parent, pulumi/docs#17770 read
 *   2026-12-07), so a remote component (awsx VPC, eks Cluster) protects what it expands into.
 * - `retainOnDelete`: when the engine does delete it (after protection is taken off on purpose, or on a
 *   replacement), the cloud resource is only forgotten, never deleted
 *   (https://www.pulumi.com/docs/iac/concepts/resources/options/retainondelete/, read 2026-12-07). Only
 *   on what holds data a replacement would lose: images, log events, the keys that decrypt them, access
 *   logs. The VPC and the cluster hold identity (ids other stacks and peers reference) but a retained
 *   copy of them would keep costing money with nothing to read in it, so they are protected only.
 *
 * No SDK import: these are plain option objects a component spreads into a resource's options, and a
 * stack that is not prod-grade gets `{}` (the recorded graph of dev is unchanged).
 * docs/day-two.md says how to take protection off on purpose.
 */

/** The stack's decision, made once in config/ from `prodGrade` and handed to components in their Args. */
export interface StateProtection {
  /** `protect` on every resource that holds state or identity. */
  protect: boolean;
  /** `retainOnDelete` on those of them that hold data. */
  retainOnDelete: boolean;
}

export const NO_STATE_PROTECTION: StateProtection = { protect: false, retainOnDelete: false };

/** A prod-grade stack protects what holds state and retains what holds data; any other stack neither. */
export function stateProtection(prodGrade: boolean): StateProtection {
  return prodGrade ? { protect: true, retainOnDelete: true } : NO_STATE_PROTECTION;
}

/**
 * The kinds of stateful resource, each with the option set it gets: the policy pack
 * (policy/protection.ts) reads this same table, so the two cannot drift apart.
 */
export const STATEFUL_RESOURCES = {
  "aws:ecr/repository:Repository": "data",
  "aws:kms/key:Key": "data",
  "aws:cloudwatch/logGroup:LogGroup": "data",
  "aws:s3/bucket:Bucket": "data",
  "awsx:ec2:Vpc": "identity",
  "eks:index:Cluster": "identity",
} as const satisfies Record<string, "data" | "identity">;

export type StatefulKind = (typeof STATEFUL_RESOURCES)[keyof typeof STATEFUL_RESOURCES];

/** Resource options for a resource holding data: protected and retained on a prod-grade stack. */
export function holdsData(p: StateProtection): { protect?: true; retainOnDelete?: true } {
  return {
    ...(p.protect && { protect: true as const }),
    ...(p.retainOnDelete && { retainOnDelete: true as const }),
  };
}

/** Resource options for a resource holding identity only: protected on a prod-grade stack. */
export function holdsIdentity(p: StateProtection): { protect?: true } {
  return p.protect ? { protect: true } : {};
}
