/**
 * The shorthands every domain module builds its policies with: one enforcement level for the whole
 * pack (mandatory) and `check` functions that return messages instead of calling `report`.
 */
import type {
  EnforcementLevel,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { Props } from "./rules";

const mandatory: EnforcementLevel = "mandatory";

/** Resource policy shorthand: `check` returns the violation messages for one resource. */
export function resourcePolicy(
  name: string,
  description: string,
  types: readonly string[],
  check: (props: Props, args: ResourceValidationArgs) => string[],
): ResourceValidationPolicy {
  return {
    name,
    description,
    enforcementLevel: mandatory,
    validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
      if (!types.includes(args.type)) return;
      for (const message of check(args.props as Props, args)) report(message);
    },
  };
}

/** Stack policy shorthand: `check` returns `[message, urn?]` pairs. */
export function stackPolicy(
  name: string,
  description: string,
  check: (args: StackValidationArgs) => Array<[string, string | undefined]>,
): StackValidationPolicy {
  return {
    name,
    description,
    enforcementLevel: mandatory,
    validateStack: (args: StackValidationArgs, report: ReportViolation) => {
      for (const [message, urn] of check(args)) report(message, urn);
    },
  };
}
