/** Types of synthetic-client.cjs (plain JavaScript so a stock Node image runs it from a ConfigMap). */

export interface CheckResult {
  path: string;
  /** HTTP status, 0 when no response came (refused, timed out). */
  status: number;
  ok: boolean;
  latencyMs: number;
  /** `/v1/random` only: the number the app returned. */
  value?: number;
  error?: string;
}

export function check(
  baseUrl: string,
  path: string,
  timeoutMs?: number,
  now?: () => number,
): Promise<CheckResult>;

export type TargetKind = "ingress" | "gateway" | "load-balancer" | "service";

export function run(
  baseUrl: string,
  options?: { timeoutMs?: number; log?: (line: string) => void; target?: TargetKind },
): Promise<CheckResult[]>;

export function configFromEnv(env: Record<string, string | undefined>): {
  targetUrl: string;
  timeoutMs: number;
  targetKind: TargetKind;
};

export function failureSummary(kind: TargetKind, baseUrl: string, results: CheckResult[]): string;

export const TARGET_KINDS: readonly TargetKind[];

export const PATHS: readonly string[];
export const DEFAULT_TIMEOUT_MS: number;
