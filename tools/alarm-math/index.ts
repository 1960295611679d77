/**
 * A tiny evaluator of a CloudWatch metric alarm over synthetic one-minute data points: what CloudWatch
 * would decide (ALARM or OK) for a recorded `aws:cloudwatch/metricAlarm:MetricAlarm`'s inputs, so a test
 * can show that an alarm sees the outage it is for. Pure TypeScript, no SDK.
 *
 * It supports only what the program's alarms use (platforms/aws/monitoring.ts, synthetic-check.ts):
 * a single metric or `metricQueries` (metrics and expressions, one returning data); in expressions,
 * numbers, query ids, `+ - * /`, the comparisons `>= > <= < == !=`, parentheses, `IF(c, a[, b])` and
 * `FILL(ts, scalar)`. Anything else throws, so an alarm using a function this does not model cannot
 * pass its scenarios by accident.
 *
 * Semantics, from the CloudWatch User Guide "Using metric math" (awsdocs/amazon-cloudwatch-user-guide
 * doc_source/using-metric-math.md, https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html,
 * read 2026-12-07):
 * - arithmetic: "Missing values in a time series are treated as 0. If the value of a data point causes
 *   a function to attempt to divide by zero, the data point is dropped." A timestamp where every
 *   operand is missing stays missing.
 * - comparisons between two series treat the missing side as 0; a series against a scalar has no
 *   point where the series has none.
 * - IF(cond, a, b): per timestamp of cond (none where cond has none); true takes a (0 where a series
 *   has no point), false takes b (dropped where b has no point or is omitted).
 * - FILL(ts, s) fills every missing value of the evaluated range with s (the guide's warning that
 *   FILL makes "the latest data point for the metric … always be the FILL value" is this).
 * Alarm evaluation ("Evaluating an alarm", AlarmThatSendsEmail.md#alarm-evaluation): the last
 * `evaluationPeriods` points, ALARM when at least `datapointsToAlarm` breach; a missing point counts
 * as `treatMissingData` says (notBreaching: good, breaching: bad; missing/ignore: skipped, and with
 * every point missing the state is INSUFFICIENT_DATA).
 */

/** One metric's one-minute values, oldest first; `undefined` is a minute with no data point. */
export type Series = (number | undefined)[];
type Value = number | Series;

export type AlarmState = "ALARM" | "OK" | "INSUFFICIENT_DATA";

/** The recorded MetricAlarm inputs the evaluator reads (a structural subset of MetricAlarmArgs). */
export interface AlarmInputs {
  comparisonOperator: string;
  threshold: number;
  evaluationPeriods: number;
  datapointsToAlarm?: number;
  treatMissingData?: string;
  metricName?: string;
  metricQueries?: {
    id: string;
    expression?: string;
    metric?: { metricName: string };
    returnData?: boolean;
  }[];
}

/**
 * The alarm's state after the given minutes. `metrics` maps a metric name to its series (a metric
 * absent from the map has no data at all); every series must have `minutes` entries.
 */
export function evaluateAlarm(
  alarm: AlarmInputs,
  metrics: Record<string, Series>,
  minutes: number,
): AlarmState {
  const points = alarmSeries(alarm, metrics, minutes).slice(-alarm.evaluationPeriods);
  const breaches = points.map((p) =>
    p === undefined ? missing(alarm.treatMissingData) : breaching(alarm, p),
  );
  if (breaches.every((b) => b === undefined)) return "INSUFFICIENT_DATA";
  const bad = breaches.filter((b) => b === true).length;
  return bad >= (alarm.datapointsToAlarm ?? alarm.evaluationPeriods) ? "ALARM" : "OK";
}

/** The series the alarm compares with its threshold: its metric, or the query that returns data. */
export function alarmSeries(alarm: AlarmInputs, metrics: Record<string, Series>, minutes: number): Series {
  const empty = (): Series => Array.from({ length: minutes }, () => undefined);
  const metric = (name: string): Series => {
    const s = metrics[name] ?? empty();
    if (s.length !== minutes) throw new Error(`alarm-math: ${name} has ${s.length} points, not ${minutes}`);
    return s;
  };
  if (alarm.metricQueries === undefined) return metric(alarm.metricName ?? "");
  const queries = alarm.metricQueries;
  const returned = queries.filter((q) => q.returnData === true);
  if (returned.length !== 1) throw new Error("alarm-math: exactly one query must return data");
  const cache = new Map<string, Series>();
  const resolve = (id: string, seen: string[]): Series => {
    const cached = cache.get(id);
    if (cached) return cached;
    const q = queries.find((x) => x.id === id);
    if (q === undefined) throw new Error(`alarm-math: unknown id ${id}`);
    if (seen.includes(id)) throw new Error(`alarm-math: ${id} refers to itself`);
    const value = q.metric
      ? metric(q.metric.metricName)
      : asSeries(
          evaluate(parse(q.expression ?? ""), (ref) => resolve(ref, [...seen, id]), minutes),
          minutes,
        );
    cache.set(id, value);
    return value;
  };
  return resolve((returned[0] as { id: string }).id, []);
}

/** Evaluates one expression against named series (for the evaluator's own tests). */
export function evaluateExpression(
  expression: string,
  series: Record<string, Series>,
  minutes: number,
): Value {
  return evaluate(
    parse(expression),
    (id) => {
      const s = series[id];
      if (s === undefined) throw new Error(`alarm-math: unknown id ${id}`);
      return s;
    },
    minutes,
  );
}

function breaching(alarm: AlarmInputs, value: number): boolean {
  const t = alarm.threshold;
  switch (alarm.comparisonOperator) {
    case "GreaterThanThreshold":
      return value > t;
    case "GreaterThanOrEqualToThreshold":
      return value >= t;
    case "LessThanThreshold":
      return value < t;
    case "LessThanOrEqualToThreshold":
      return value <= t;
    default:
      throw new Error(`alarm-math: comparison ${alarm.comparisonOperator} not modelled`);
  }
}

/** How a missing point counts: true breaching, false not, undefined skipped. */
function missing(treatMissingData: string | undefined): boolean | undefined {
  switch (treatMissingData ?? "missing") {
    case "breaching":
      return true;
    case "notBreaching":
      return false;
    case "missing":
    case "ignore":
      return undefined;
    default:
      throw new Error(`alarm-math: treatMissingData ${treatMissingData} not modelled`);
  }
}

type Node =
  | { kind: "number"; value: number }
  | { kind: "id"; name: string }
  | { kind: "binary"; op: string; left: Node; right: Node }
  | { kind: "call"; name: string; args: Node[] };

const TOKEN = /\s*(\d+(?:\.\d+)?|[a-z][A-Za-z0-9_]*|[A-Z][A-Z0-9_]*|>=|<=|==|!=|[-+*/(),<>])/y;
/** Lowest to highest precedence; each level is left-associative. */
const LEVELS = [
  [">=", "<=", "==", "!=", ">", "<"],
  ["+", "-"],
  ["*", "/"],
];

function parse(expression: string): Node {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < expression.trimEnd().length) {
    const match = TOKEN.exec(expression);
    if (match === null) throw new Error(`alarm-math: cannot read "${expression.slice(TOKEN.lastIndex)}"`);
    tokens.push(match[1] as string);
  }
  let at = 0;
  const peek = () => tokens[at];
  const take = (expected?: string): string => {
    const t = tokens[at++];
    if (t === undefined || (expected !== undefined && t !== expected)) {
      throw new Error(`alarm-math: expected ${expected ?? "a token"} in "${expression}"`);
    }
    return t;
  };
  const level = (n: number): Node => {
    if (n === LEVELS.length) return primary();
    let left = level(n + 1);
    while ((LEVELS[n] as string[]).includes(peek() ?? "")) {
      const op = take();
      left = { kind: "binary", op, left, right: level(n + 1) };
    }
    return left;
  };
  const primary = (): Node => {
    const t = take();
    if (t === "(") {
      const inner = level(0);
      take(")");
      return inner;
    }
    if (/^\d/.test(t)) return { kind: "number", value: Number(t) };
    if (/^[a-z]/.test(t)) return { kind: "id", name: t };
    if (/^[A-Z]/.test(t)) {
      take("(");
      const args = [level(0)];
      while (peek() === ",") {
        take(",");
        args.push(level(0));
      }
      take(")");
      return { kind: "call", name: t, args };
    }
    throw new Error(`alarm-math: unexpected "${t}" in "${expression}"`);
  };
  const tree = level(0);
  if (at !== tokens.length) throw new Error(`alarm-math: trailing "${tokens.slice(at).join(" ")}"`);
  return tree;
}

function evaluate(node: Node, resolve: (id: string) => Series, minutes: number): Value {
  const sub = (n: Node) => evaluate(n, resolve, minutes);
  switch (node.kind) {
    case "number":
      return node.value;
    case "id":
      return resolve(node.name);
    case "binary":
      return binary(node.op, sub(node.left), sub(node.right), minutes);
    case "call":
      return call(node.name, node.args.map(sub), minutes);
  }
}

function asSeries(v: Value, minutes: number): Series {
  return typeof v === "number" ? Array.from({ length: minutes }, () => v) : v;
}

function apply(op: string, a: number, b: number): number | undefined {
  switch (op) {
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "/":
      return b === 0 ? undefined : a / b;
    case ">=":
      return Number(a >= b);
    case "<=":
      return Number(a <= b);
    case ">":
      return Number(a > b);
    case "<":
      return Number(a < b);
    case "==":
      return Number(a === b);
    case "!=":
      return Number(a !== b);
    default:
      throw new Error(`alarm-math: operator ${op} not modelled`);
  }
}

function binary(op: string, left: Value, right: Value, minutes: number): Value {
  if (typeof left === "number" && typeof right === "number") return apply(op, left, right) ?? Number.NaN;
  return Array.from({ length: minutes }, (_, i) => {
    const a = typeof left === "number" ? left : left[i];
    const b = typeof right === "number" ? right : right[i];
    // Two series: missing is 0 where the other has a point; neither has one, the timestamp stays
    // missing. A series against a scalar: no point where the series has none.
    if (a === undefined && b === undefined) return undefined;
    if (typeof left === "number" || typeof right === "number") {
      return a === undefined || b === undefined ? undefined : apply(op, a, b);
    }
    return apply(op, a ?? 0, b ?? 0);
  });
}

function call(name: string, args: Value[], minutes: number): Value {
  switch (name) {
    case "FILL": {
      const [ts, filler] = args;
      if (ts === undefined || typeof filler !== "number" || args.length !== 2) {
        throw new Error("alarm-math: FILL(ts, scalar) is the only form modelled");
      }
      return asSeries(ts, minutes).map((v) => v ?? filler);
    }
    case "IF": {
      const [condition, whenTrue, whenFalse] = args;
      if (condition === undefined || whenTrue === undefined || args.length > 3) {
        throw new Error("alarm-math: IF(condition, a[, b])");
      }
      const c = asSeries(condition, minutes);
      const pick = (v: Value | undefined, i: number, orZero: boolean) =>
        v === undefined ? undefined : typeof v === "number" ? v : (v[i] ?? (orZero ? 0 : undefined));
      return c.map((ci, i) =>
        ci === undefined ? undefined : ci !== 0 ? pick(whenTrue, i, true) : pick(whenFalse, i, false),
      );
    }
    default:
      throw new Error(`alarm-math: function ${name} not modelled`);
  }
}
