/**
 * Values as the mocks receive them, turned into what the engine records: secrets unwrapped (and
 * reported), resources passed as inputs replaced by a reference that becomes their URN once known.
 */
import * as pulumi from "@pulumi/pulumi";

// The SDK's own wire markers (runtime/rpc.ts): a serialized secret is `{ [specialSigKey]:
// specialSecretSig, value }`.
const { specialSigKey, specialSecretSig } = pulumi.runtime;

function isSecretValue(value: unknown): value is { value: unknown } {
  return (
    value !== null &&
    typeof value === "object" &&
    (value as Record<string, unknown>)[specialSigKey] === specialSecretSig
  );
}

interface ResourceObject {
  __pulumiResource: true;
  __pulumiType: string;
  __name: string;
  __parentResource?: ResourceObject;
}

function isResourceObject(value: unknown): value is ResourceObject {
  return value !== null && typeof value === "object" && (value as ResourceObject).__pulumiResource === true;
}

/** Stands in for a resource input until the run ends and its URN is known. */
export class ResourceReference {
  constructor(
    readonly type: string,
    readonly name: string,
  ) {}
}

/**
 * A resource passed as an input (e.g. `cluster` to an eks ManagedNodeGroup) reaches the mocks as a
 * rehydrated Resource object; the engine sees a reference by URN, so the recording holds that URN.
 */
export function resolveReferences(value: unknown, urnOf: (ref: ResourceReference) => string): unknown {
  if (value instanceof ResourceReference) return urnOf(value);
  if (Array.isArray(value)) return value.map((v) => resolveReferences(v, urnOf));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveReferences(v, urnOf)]));
  }
  return value;
}

/** Removes secret wrappers; reports whether any was found. */
export function unwrap(value: unknown): { value: unknown; secret: boolean } {
  if (isSecretValue(value)) return { value: unwrap(value.value).value, secret: true };
  if (isResourceObject(value)) {
    return { value: new ResourceReference(value.__pulumiType, value.__name), secret: false };
  }
  if (Array.isArray(value)) {
    const items = value.map(unwrap);
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (value !== null && typeof value === "object") {
    let secret = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const u = unwrap(v);
      out[k] = u.value;
      secret ||= u.secret;
    }
    return { value: out, secret };
  }
  return { value, secret: false };
}
