import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import {
  inputsByUrn,
  type ProgramRun,
  ROOT,
  type RunOptions,
  runProgram,
  stackPlatformCases,
} from "../tools/harness";

const KUBECONFIG = readFileSync(path.join(ROOT, "test/fixtures/kubeconfig.yaml"), "utf8");

/**
 * Every committed stack on every platform (as previewed), and the shapes whose address may never come,
 * as `up` leaves them (mode "up"; a prod-grade up needs TLS).
 */
const CASES: [string, RunOptions][] = [
  ...stackPlatformCases().map(({ stack, platform, options }): [string, RunOptions] => [
    `${stack} × ${platform}`,
    options,
  ]),
  [
    "kubernetes, LoadBalancer without an address",
    {
      stack: "dev",
      config: { platform: "kubernetes", serviceType: "LoadBalancer", nodeCidrs: ["172.18.0.0/16"] },
      secrets: { kubeconfig: KUBECONFIG },
      mode: "up",
    },
  ],
  [
    "kubernetes, NodePort",
    {
      stack: "dev",
      config: { platform: "kubernetes", serviceType: "NodePort", nodeCidrs: ["172.18.0.0/16"] },
      secrets: { kubeconfig: KUBECONFIG },
    },
  ],
  [
    "kubernetes, Ingress without a host and without status",
    {
      stack: "dev",
      config: { platform: "kubernetes", ingressClassName: "nginx" },
      secrets: { kubeconfig: KUBECONFIG },
      mode: "up",
    },
  ],
  [
    "kubernetes, Ingress host with TLS",
    {
      stack: "prod",
      config: {
        platform: "kubernetes",
        ingressClassName: "nginx",
        ingressHost: "api.example.com",
        ingressTlsSecret: "api-tls",
      },
      secrets: { kubeconfig: KUBECONFIG },
    },
  ],
  [
    "eks without the address wait",
    {
      stack: "prod",
      config: {
        waitForAddress: false,
        syntheticCheck: false,
        certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000",
      },
      mode: "up",
    },
  ],
];

describe("outputs contract: url is always a URL", () => {
  const runs = new Map<string, ProgramRun>();

  before(async () => {
    for (const [label, options] of CASES) runs.set(label, await runProgram(options));
  });

  for (const [label] of CASES) {
    it(label, () => {
      const url = runs.get(label)?.outputValues().url;
      assert.equal(typeof url, "string");
      assert.match(url as string, /^https?:\/\/[^\s/]+/, `${label}: ${String(url)}`);
    });
  }

  it("kubernetes exports the port-forward command as its own output, not as url", () => {
    for (const [label, run] of runs) {
      const values = run.outputValues();
      if (values.platform !== "kubernetes") continue;
      assert.match(
        values.portForwardCommand as string,
        /^kubectl port-forward --namespace \S+ service\/\S+ 8080:80$/,
      );
      assert.doesNotMatch(values.url as string, /kubectl/, label);
    }
  });

  it("the AWS platforms export the dashboard's URL and the alarm topic's ARN; kubernetes neither", () => {
    for (const [label, run] of runs) {
      const values = run.outputValues();
      if (values.platform === "kubernetes") {
        assert.equal("dashboardUrl" in values || "alarmTopicArn" in values, false, label);
        continue;
      }
      assert.match(
        values.dashboardUrl as string,
        /^https:\/\/[a-z0-9-]+\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=[a-z0-9-]+#dashboards\/dashboard\/\S+$/,
        label,
      );
      assert.match(values.alarmTopicArn as string, /^arn:aws:sns:[a-z0-9-]+:\d{12}:\S+$/, label);
    }
  });

  it("a second run of each records identical inputs for every object", async () => {
    for (const [label, options] of CASES.filter(([l]) => l.includes("kubernetes"))) {
      const again = await runProgram(options);
      const first = runs.get(label);
      assert.ok(first);
      assert.deepEqual(inputsByUrn(again), inputsByUrn(first), label);
    }
  });
});
