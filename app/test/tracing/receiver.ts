// Starts otlp-receiver.ts as its own process and collects the spans it prints.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind: 2 is SERVER (opentelemetry-proto trace.proto). */
  kind: number;
  scope: string;
  attributes: Record<string, string | number | boolean>;
  resource: Record<string, string | number | boolean>;
}

export interface Receiver {
  child: ChildProcess;
  endpoint: string;
  spans: () => ReceivedSpan[];
  stop: () => Promise<void>;
}

const entry = fileURLToPath(new URL("./otlp-receiver.ts", import.meta.url));

export async function startReceiver(): Promise<Receiver> {
  const child = spawn(process.execPath, ["--import", "tsx", entry], {
    env: { PATH: process.env.PATH },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  const ready = new Promise<number>((resolve, reject) => {
    child.stdout?.on("data", (chunk) => {
      output += chunk;
      const first = output.split("\n")[0];
      if (output.includes("\n") && first) resolve((JSON.parse(first) as { port: number }).port);
    });
    child.once("exit", (code) => reject(new Error(`receiver exited ${code}`)));
  });
  const port = await ready;
  return {
    child,
    endpoint: `http://127.0.0.1:${port}/v1/traces`,
    spans: () =>
      output
        .split("\n")
        .slice(1, -1)
        .map((line) => JSON.parse(line) as ReceivedSpan),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    },
  };
}
