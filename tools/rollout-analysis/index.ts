/**
 * What Argo Rollouts would decide from the analysis this program writes, offline: a small evaluator of
 * the subset of expr-lang (github.com/expr-lang/expr, the language of Argo's successCondition /
 * failureCondition) the program's conditions use, and Argo's per-metric assessment over a series of
 * measurements. Not a controller: it decides nothing the program could run; tests feed it synthetic
 * metric series and check that the settings make the real controller decide right.
 *
 * Semantics reproduced, read in argoproj/argo-rollouts HEAD 9f8d111 (2026-08-17) on 2026-12-07:
 * - utils/evaluate/evaluate.go EvaluateResult: a successCondition alone → Successful when true, Failed
 *   when false; a failureCondition alone → Failed when true; both → Inconclusive when neither holds; an
 *   evaluation error (e.g. `result` nil) → Error;
 * - analysis/analysis.go assessMetricFailureInconclusiveOrError: Failed when failed > failureLimit
 *   (default 0), Error when consecutiveError > consecutiveErrorLimit (default 4); a measurement that
 *   succeeds resets the consecutive error count;
 * - the expr-lang operators and builtins used: `and`/`&&`, `or`/`||`, `not`/`!`, comparisons, `+ - * /`,
 *   member access (`result[0].Values`), `len`, and the predicates `all`, `any`, `count`, `filter` whose
 *   closure `{...}` names the element `#` (expr-lang docs/language-definition.md, "Predicate").
 * Anything else throws: add it here, with a test, before a condition uses it.
 */

type Value = number | boolean | string | null | Value[] | { [key: string]: Value };

type Node =
  | { kind: "literal"; value: Value }
  | { kind: "name"; name: string }
  | { kind: "member"; object: Node; property: Node }
  | { kind: "call"; callee: string; args: Node[] }
  | { kind: "closure"; body: Node }
  | { kind: "unary"; op: string; operand: Node }
  | { kind: "binary"; op: string; left: Node; right: Node };

const TOKEN =
  /\s*(?:(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(&&|\|\||==|!=|<=|>=|[-+*/<>!()[\]{}.,#])|("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'))/y;

function tokenize(source: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < source.length) {
    if (/^\s*$/.test(source.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(source);
    if (!m) throw new Error(`rollout-analysis: cannot read ${JSON.stringify(source.slice(at))}`);
    tokens.push((m[1] ?? m[2] ?? m[3] ?? m[4]) as string);
  }
  return tokens;
}

const BINARY_PRECEDENCE: Record<string, number> = {
  or: 1,
  "||": 1,
  and: 2,
  "&&": 2,
  "==": 3,
  "!=": 3,
  "<": 3,
  "<=": 3,
  ">": 3,
  ">=": 3,
  "+": 4,
  "-": 4,
  "*": 5,
  "/": 5,
};
const PREDICATES = ["all", "any", "none", "count", "filter"];

/** Parses one condition (precedence climbing). */
export function parseCondition(source: string): Node {
  const tokens = tokenize(source);
  let i = 0;
  const peek = (): string | undefined => tokens[i];
  const take = (expected?: string): string => {
    const t = tokens[i++];
    if (t === undefined || (expected !== undefined && t !== expected))
      throw new Error(
        `rollout-analysis: expected ${expected ?? "a token"} in ${JSON.stringify(source)}, got ${t}`,
      );
    return t;
  };
  const expression = (min: number): Node => {
    let left = unary();
    for (let op = peek(); op !== undefined && (BINARY_PRECEDENCE[op] ?? 0) >= min; op = peek()) {
      take();
      const right = expression((BINARY_PRECEDENCE[op] ?? 0) + 1);
      left = { kind: "binary", op: op === "and" ? "&&" : op === "or" ? "||" : op, left, right };
    }
    return left;
  };
  const unary = (): Node => {
    const t = peek();
    if (t === "!" || t === "not" || t === "-") {
      take();
      return { kind: "unary", op: t === "-" ? "-" : "!", operand: unary() };
    }
    return postfix(primary());
  };
  const postfix = (node: Node): Node => {
    for (;;) {
      if (peek() === ".") {
        take();
        node = { kind: "member", object: node, property: { kind: "literal", value: take() } };
      } else if (peek() === "[") {
        take();
        node = { kind: "member", object: node, property: expression(1) };
        take("]");
      } else return node;
    }
  };
  const primary = (): Node => {
    const t = take();
    if (/^\d/.test(t)) return { kind: "literal", value: Number(t) };
    if (/^["']/.test(t)) return { kind: "literal", value: t.slice(1, -1) };
    if (t === "true" || t === "false") return { kind: "literal", value: t === "true" };
    if (t === "nil") return { kind: "literal", value: null };
    if (t === "#") return { kind: "name", name: "#" };
    if (t === "(") {
      const inner = expression(1);
      take(")");
      return inner;
    }
    if (t === "{") {
      const body = expression(1);
      take("}");
      return { kind: "closure", body };
    }
    if (/^[A-Za-z_]/.test(t)) {
      if (peek() !== "(") return { kind: "name", name: t };
      take("(");
      const args: Node[] = [];
      while (peek() !== ")") {
        args.push(expression(1));
        if (peek() === ",") take(",");
      }
      take(")");
      return { kind: "call", callee: t, args };
    }
    throw new Error(`rollout-analysis: unexpected ${t} in ${JSON.stringify(source)}`);
  };
  const node = expression(1);
  if (i !== tokens.length)
    throw new Error(`rollout-analysis: trailing ${tokens[i]} in ${JSON.stringify(source)}`);
  return node;
}

function evaluate(node: Node, scope: Record<string, Value>): Value {
  switch (node.kind) {
    case "literal":
      return node.value;
    case "name": {
      if (!(node.name in scope)) throw new Error(`rollout-analysis: unknown name ${node.name}`);
      return scope[node.name] as Value;
    }
    case "member": {
      const object = evaluate(node.object, scope);
      const key = evaluate(node.property, scope);
      if (object === null || typeof object !== "object")
        throw new Error(`rollout-analysis: cannot read ${String(key)} of ${JSON.stringify(object)}`);
      const value = Array.isArray(object) ? object[key as number] : object[String(key)];
      if (value === undefined)
        throw new Error(`rollout-analysis: no ${String(key)} in ${JSON.stringify(object)}`);
      return value;
    }
    case "call":
      return call(node, scope);
    case "closure":
      throw new Error("rollout-analysis: a closure is only a predicate's argument");
    case "unary": {
      const v = evaluate(node.operand, scope);
      return node.op === "!" ? !truthy(v) : -(v as number);
    }
    case "binary":
      return binary(node.op, node.left, node.right, scope);
  }
}

function truthy(v: Value): boolean {
  if (typeof v !== "boolean") throw new Error(`rollout-analysis: expected bool, got ${JSON.stringify(v)}`);
  return v;
}

function binary(op: string, l: Node, r: Node, scope: Record<string, Value>): Value {
  if (op === "&&") return truthy(evaluate(l, scope)) && truthy(evaluate(r, scope));
  if (op === "||") return truthy(evaluate(l, scope)) || truthy(evaluate(r, scope));
  const a = evaluate(l, scope);
  const b = evaluate(r, scope);
  if (op === "==") return a === b;
  if (op === "!=") return a !== b;
  if (typeof a !== "number" || typeof b !== "number")
    throw new Error(
      `rollout-analysis: ${op} needs numbers, got ${JSON.stringify(a)} and ${JSON.stringify(b)}`,
    );
  const ops: Record<string, (x: number, y: number) => Value> = {
    "<": (x, y) => x < y,
    "<=": (x, y) => x <= y,
    ">": (x, y) => x > y,
    ">=": (x, y) => x >= y,
    "+": (x, y) => x + y,
    "-": (x, y) => x - y,
    "*": (x, y) => x * y,
    "/": (x, y) => x / y,
  };
  const f = ops[op];
  if (!f) throw new Error(`rollout-analysis: operator ${op} not modelled`);
  return f(a, b);
}

function call(node: Extract<Node, { kind: "call" }>, scope: Record<string, Value>): Value {
  if (node.callee === "len") {
    const v = evaluate(node.args[0] as Node, scope);
    if (!Array.isArray(v) && typeof v !== "string") throw new Error("rollout-analysis: len needs an array");
    return v.length;
  }
  if (!PREDICATES.includes(node.callee))
    throw new Error(`rollout-analysis: function ${node.callee} not modelled`);
  const array = evaluate(node.args[0] as Node, scope);
  const closure = node.args[1];
  if (!Array.isArray(array) || closure?.kind !== "closure")
    throw new Error(`rollout-analysis: ${node.callee}(array, {predicate}) expected`);
  const matches = array.filter((element) => truthy(evaluate(closure.body, { ...scope, "#": element })));
  switch (node.callee) {
    case "all":
      return matches.length === array.length;
    case "any":
      return matches.length > 0;
    case "none":
      return matches.length === 0;
    case "count":
      return matches.length;
    default:
      return matches;
  }
}

/** expr-lang's `EvalCondition`: the condition over `result`; must yield a bool. */
export function evalCondition(result: Value, condition: string): boolean {
  return truthy(evaluate(parseCondition(condition), { result }));
}

export type MeasurementPhase = "Successful" | "Failed" | "Inconclusive" | "Error";

/** What a measurement returned: a value (the provider's `result`), or an error (non-2xx, timeout). */
export type Measurement = { value: Value } | { error: string };

export interface MetricConditions {
  successCondition?: string;
  failureCondition?: string;
  failureLimit?: number;
  consecutiveErrorLimit?: number;
}

/** EvaluateResult: one measurement's phase. */
export function measurementPhase(metric: MetricConditions, measurement: Measurement): MeasurementPhase {
  if ("error" in measurement) return "Error";
  let success = false;
  let failure = false;
  try {
    if (metric.successCondition) success = evalCondition(measurement.value, metric.successCondition);
    if (metric.failureCondition) failure = evalCondition(measurement.value, metric.failureCondition);
  } catch {
    return "Error";
  }
  if (!metric.successCondition && !metric.failureCondition) return "Successful";
  if (metric.successCondition && !metric.failureCondition) failure = !success;
  if (!metric.successCondition && metric.failureCondition) success = !failure;
  if (failure) return "Failed";
  return success ? "Successful" : "Inconclusive";
}

/** The metric's state after each measurement: "Running" until a limit is passed (background analysis). */
export function assessMetric(
  metric: MetricConditions,
  phases: MeasurementPhase[],
): { phase: "Running" | "Failed" | "Error"; at?: number } {
  const failureLimit = metric.failureLimit ?? 0;
  const errorLimit = metric.consecutiveErrorLimit ?? 4;
  let failed = 0;
  let consecutiveErrors = 0;
  for (const [index, phase] of phases.entries()) {
    if (phase === "Failed") failed++;
    consecutiveErrors = phase === "Error" ? consecutiveErrors + 1 : 0;
    if (failureLimit >= 0 && failed > failureLimit) return { phase: "Failed", at: index };
    if (consecutiveErrors > errorLimit) return { phase: "Error", at: index };
  }
  return { phase: "Running" };
}
