import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { allows, type Connection, type RecordedPolicy } from "./network-policy";

/** A default deny in namespace `app` that spares pods labelled component=refresher (as kubernetes-app.ts writes it). */
const denyAllBut = (operator: string, values?: string[]): RecordedPolicy => ({
  namespace: "app",
  spec: {
    podSelector: { matchExpressions: [{ key: "component", operator, ...(values ? { values } : {}) }] },
    policyTypes: ["Ingress", "Egress"],
    ingress: [],
    egress: [],
  },
});
const toDns = (labels: Record<string, string>): Connection => ({
  from: { kind: "pod", namespace: "app", labels },
  to: { kind: "address", ip: "10.0.0.10" },
  port: 53,
  protocol: "UDP",
});
const semantics = { nodeAddressMatchesIpBlock: true };

describe("NetworkPolicy evaluator: label selector expressions", () => {
  const cases: Array<[string, RecordedPolicy, Record<string, string>, boolean]> = [
    ["NotIn spares the listed value", denyAllBut("NotIn", ["refresher"]), { component: "refresher" }, true],
    ["NotIn selects another value", denyAllBut("NotIn", ["refresher"]), { component: "app" }, false],
    ["NotIn selects a pod without the key", denyAllBut("NotIn", ["refresher"]), {}, false],
    ["In selects the listed value", denyAllBut("In", ["refresher"]), { component: "refresher" }, false],
    ["In spares a pod without the key", denyAllBut("In", ["refresher"]), {}, true],
    ["Exists selects a pod with the key", denyAllBut("Exists"), { component: "x" }, false],
    ["DoesNotExist selects a pod without the key", denyAllBut("DoesNotExist"), {}, false],
    ["DoesNotExist spares a pod with the key", denyAllBut("DoesNotExist"), { component: "x" }, true],
  ];
  for (const [name, policy, labels, allowed] of cases) {
    it(name, () => assert.equal(allows([policy], toDns(labels), semantics), allowed));
  }
  it("an operator it does not model throws instead of guessing", () => {
    assert.throws(() => allows([denyAllBut("Gt", ["1"])], toDns({ component: "2" }), semantics), {
      message: "evaluator: selector operator Gt not modelled",
    });
  });
});
