import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_KEYS, ConfigError, type ParseResult, parseConfig, type RawConfig } from "./config";
import type { Valid } from "./config/common";
import { tracingWarnings } from "./config/tracing";
import { ADOT_COLLECTOR_IMAGE } from "./facts";
import { assembleConfig, prodEcs, ROOT, type RunOptions, readProject } from "./tools/harness";

const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012";
const DIGEST = "a".repeat(64);
const IMAGE = `123456789012.dkr.ecr.us-east-1.amazonaws.com/fastify-deploy@sha256:${DIGEST}`;

/**
 * The day dated facts are held against in these tests (the day the EKS version table was read), so an
 * exact message does not move with the calendar; the ageing itself is tested below with other days.
 */
const TODAY = "2026-12-07";

/**
 * parseConfig for a stack named like the committed ones (the EKS cluster name derives from it), as a
 * preview by default (what CI and `npm run plan` run); `preview: false` is `pulumi up`.
 */
const parse = (config: RawConfig, stack = "dev", preview = true, today = TODAY): ParseResult =>
  parseConfig(config, { project: "fastify-deploy", stack, preview }, { today });

/** The preview warning of a prod-grade stack without TLS (an `up` refuses it: PROD_GRADE_TLS_PROBLEM). */
const PROD_GRADE_TLS_WARNING =
  "fastify-deploy:prodGrade is true but neither fastify-deploy:certificateArn nor fastify-deploy:domainName is set: this preview plans plain HTTP, and pulumi up will refuse the stack until one is set (a prod-grade ALB serves HTTPS: pulumi config set certificateArn arn:aws:acm:<region>:<account>:certificate/<id> (same region), or domainName <name> with hostedZoneId <zone> (docs/edge.md))";
const PROD_GRADE_TLS_PROBLEM =
  "fastify-deploy:prodGrade: got true without fastify-deploy:certificateArn or fastify-deploy:domainName; expected one of them set (a prod-grade ALB serves HTTPS: pulumi config set certificateArn arn:aws:acm:<region>:<account>:certificate/<id> (same region), or domainName <name> with hostedZoneId <zone> (docs/edge.md); pulumi preview only warns, pulumi up refuses)";

/** Raw config exactly as the engine would pass it for a committed stack plus overrides. */
function raw(options: Omit<RunOptions, "stack"> & { stack?: string } = {}): RawConfig {
  const assembled = assembleConfig({ stack: "dev", ...options });
  return Object.fromEntries(
    Object.entries(assembled.values).map(([key, value]) => [
      key,
      { value, secret: assembled.secretKeys.includes(key) },
    ]),
  );
}

function problems(options: Omit<RunOptions, "stack"> & { stack?: string }): readonly string[] {
  try {
    parse(raw(options));
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail("expected the config to be rejected");
}

/** dev switched to eks (NAT is mandatory there), plus `config`. */
const eks = (config: Record<string, unknown>): Omit<RunOptions, "stack"> => ({
  config: { platform: "eks", natGateways: "single", ...config },
});

function eksCases(): { name: string; options: Omit<RunOptions, "stack">; expected: string[] }[] {
  const key = (k: string) => `fastify-deploy:${k}`;
  return [
    {
      name: "eks: Kubernetes version EKS does not support",
      options: eks({ kubernetesVersion: "1.25" }),
      expected: [
        `${key("kubernetesVersion")}: got "1.25"; expected one of 1.32, 1.33, 1.34, 1.35, 1.36 (the versions EKS runs on 2026-12-07, facts/eks-versions.ts)`,
      ],
    },
    {
      name: "eks: patch version instead of a minor",
      options: eks({ kubernetesVersion: "1.33.2" }),
      expected: [
        `${key("kubernetesVersion")}: got "1.33.2"; expected one of 1.32, 1.33, 1.34, 1.35, 1.36 (the versions EKS runs on 2026-12-07, facts/eks-versions.ts)`,
      ],
    },
    {
      // EKS user guide release calendar: 1.31's extended support ended 2026-11-26.
      name: "eks: Kubernetes version past its end of extended support",
      options: eks({ kubernetesVersion: "1.31", kubernetesSupportType: "EXTENDED" }),
      expected: [
        `${key("kubernetesVersion")}: got "1.31"; EKS extended support for 1.31 ended 2026-11-26 (EKS creates no new cluster on it and upgrades existing control planes on its own); expected one of 1.32, 1.33, 1.34, 1.35, 1.36 (the versions EKS runs on 2026-12-07, facts/eks-versions.ts)`,
      ],
    },
    {
      // "You cannot disable extended support once your cluster has entered it" (disable-extended-support.adoc).
      name: "eks: STANDARD upgrade policy on a version already in extended support",
      options: eks({ kubernetesVersion: "1.34", kubernetesSupportType: "STANDARD" }),
      expected: [
        `${key("kubernetesSupportType")}: got "STANDARD" with kubernetesVersion 1.34, whose EKS standard support ended 2026-12-02; expected EXTENDED ($0.60/h instead of $0.10/h, $365/month more per cluster; EKS cannot turn extended support off once a cluster has entered it) or a kubernetesVersion in standard support (1.35, 1.36)`,
      ],
    },
    {
      name: "eks: unknown upgrade policy",
      options: eks({ kubernetesSupportType: "extended" }),
      expected: [`${key("kubernetesSupportType")}: got "extended"; expected one of STANDARD, EXTENDED`],
    },
    {
      name: "eks: API endpoint open to the world",
      options: eks({ endpointPublicAccessCidrs: ["198.51.100.0/24", "0.0.0.0/0"] }),
      expected: [
        `${key("endpointPublicAccessCidrs")}: got "0.0.0.0/0"; expected CIDRs narrower than /0 (the Kubernetes API server must not be open to the whole internet; [] turns the public endpoint off)`,
      ],
    },
    {
      name: "flow-log traffic other than ALL or REJECT",
      options: eks({ vpcFlowLogTraffic: "ACCEPT" }),
      expected: [`${key("vpcFlowLogTraffic")}: got "ACCEPT"; expected one of ALL, REJECT`],
    },
    {
      name: "eks: API endpoint open to the world in two halves",
      options: eks({ endpointPublicAccessCidrs: ["0.0.0.0/1", "128.0.0.0/1"] }),
      expected: [
        `${key("endpointPublicAccessCidrs")}: got ["0.0.0.0/1","128.0.0.0/1"], which together cover every public IPv4 address; expected CIDRs narrower than /0 (the Kubernetes API server must not be open to the whole internet; [] turns the public endpoint off)`,
      ],
    },
    {
      name: "eks: API endpoint CIDR with host bits set",
      options: eks({ endpointPublicAccessCidrs: ["198.51.100.7/24"] }),
      expected: [
        `${key("endpointPublicAccessCidrs")}: got "198.51.100.7/24"; expected an IPv4 CIDR with no host bits set, such as 203.0.113.0/24`,
      ],
    },
    {
      name: "eks: API endpoint CIDRs duplicated",
      options: eks({ endpointPublicAccessCidrs: ["192.0.2.0/24", "192.0.2.0/24"] }),
      expected: [
        `${key("endpointPublicAccessCidrs")}: got ["192.0.2.0/24","192.0.2.0/24"]; expected no duplicates`,
      ],
    },
    {
      name: "eks: API endpoint CIDRs as a plain string",
      options: eks({ endpointPublicAccessCidrs: "192.0.2.0/24" }),
      expected: [
        `${key("endpointPublicAccessCidrs")}: got "192.0.2.0/24"; expected a JSON list, e.g. ["203.0.113.0/24"] (pulumi config set --path 'endpointPublicAccessCidrs[0]' 203.0.113.0/24)`,
      ],
    },
    {
      name: "eks: no NAT gateway",
      options: eks({ natGateways: "none" }),
      expected: [
        `${key("natGateways")}: got "none" with platform eks; expected single or onePerAz (EKS nodes run in private subnets and need NAT egress to join the cluster, pull images and reach AWS APIs)`,
      ],
    },
    {
      name: "eks: node group sizes out of order",
      options: eks({ nodeMinSize: 4, nodeDesiredSize: 6, nodeMaxSize: 2 }),
      expected: [
        `${key("nodeMinSize")}: got 4, above nodeMaxSize 2; expected nodeMinSize ≤ nodeDesiredSize ≤ nodeMaxSize`,
        `${key("nodeDesiredSize")}: got 6, above nodeMaxSize 2; expected nodeMinSize ≤ nodeDesiredSize ≤ nodeMaxSize`,
      ],
    },
    {
      name: "eks: desired nodes below the minimum",
      options: eks({ nodeMinSize: 4, nodeDesiredSize: 2, nodeMaxSize: 6 }),
      expected: [
        `${key("nodeDesiredSize")}: got 2, below nodeMinSize 4; expected nodeMinSize ≤ nodeDesiredSize ≤ nodeMaxSize`,
      ],
    },
    {
      // One node group per zone (issue 26): each cluster-wide size must split evenly over the zones.
      name: "eks: node sizes that do not split evenly over the zones",
      options: eks({ availabilityZones: 3, nodeMinSize: 4, nodeDesiredSize: 5, nodeMaxSize: 9 }),
      expected: [
        `${key("nodeMinSize")}: got 4 with availabilityZones 3; expected a multiple of 3 such as 3 or 6 (one node group per zone, each with nodeMinSize / 3 nodes, so the cluster-wide count splits evenly)`,
        `${key("nodeDesiredSize")}: got 5 with availabilityZones 3; expected a multiple of 3 such as 3 or 6 (one node group per zone, each with nodeDesiredSize / 3 nodes, so the cluster-wide count splits evenly)`,
      ],
    },
    {
      // A zone with no node cannot hold its share of a hard zone spread: fewer nodes than zones is refused.
      name: "eks: fewer nodes than zones",
      options: eks({ availabilityZones: 3, nodeMinSize: 1, nodeDesiredSize: 2, nodeMaxSize: 2 }),
      expected: [
        `${key("nodeMinSize")}: got 1 with availabilityZones 3; expected a multiple of 3 such as 3 (one node group per zone, each with nodeMinSize / 3 nodes, so the cluster-wide count splits evenly)`,
        `${key("nodeDesiredSize")}: got 2 with availabilityZones 3; expected a multiple of 3 such as 3 (one node group per zone, each with nodeDesiredSize / 3 nodes, so the cluster-wide count splits evenly)`,
        `${key("nodeMaxSize")}: got 2 with availabilityZones 3; expected a multiple of 3 such as 3 (one node group per zone, each with nodeMaxSize / 3 nodes, so the cluster-wide count splits evenly)`,
      ],
    },
    {
      name: "eks: node sizes out of range",
      options: eks({ nodeMinSize: 0, nodeMaxSize: 500, nodeDiskSizeGiB: 10 }),
      expected: [
        `${key("nodeMinSize")}: got 0; expected an integer from 1 to 450`,
        `${key("nodeMaxSize")}: got 500; expected an integer from 1 to 450`,
        `${key("nodeDiskSizeGiB")}: got 10; expected an integer from 20 to 16384`,
      ],
    },
    {
      name: "eks: bad instance types and capacity type",
      options: eks({ nodeInstanceTypes: ["t3 medium"], nodeCapacityType: "spot" }),
      expected: [
        `${key("nodeInstanceTypes")}: got "t3 medium"; expected an EC2 instance type such as t3.medium`,
        `${key("nodeCapacityType")}: got "spot"; expected one of ON_DEMAND, SPOT`,
      ],
    },
    {
      name: "eks: unknown control-plane log type",
      options: eks({ clusterLogTypes: ["audit", "authenticator", "kubelet"] }),
      expected: [
        `${key("clusterLogTypes")}: got "kubelet"; expected one of api, audit, authenticator, controllerManager, scheduler`,
      ],
    },
    {
      name: "eks: control-plane logs without the security record",
      options: eks({ clusterLogTypes: ["api"] }),
      expected: [
        `${key("clusterLogTypes")}: got ["api"]; expected a list that includes audit and authenticator (the security record; the policy pack requires them), plus any of api, controllerManager, scheduler`,
      ],
    },
    {
      name: "eks: no instance types",
      options: eks({ nodeInstanceTypes: [] }),
      expected: [`${key("nodeInstanceTypes")}: got []; expected at least one EC2 instance type`],
    },
    {
      name: "eks: instance types of two architectures",
      options: eks({ nodeInstanceTypes: ["m6i.large", "m7g.large"] }),
      expected: [
        `${key("nodeInstanceTypes")}: got ["m6i.large","m7g.large"]; expected instance types of one architecture (one node group runs one AMI: arm64 Graviton types such as m7g.large or x86_64 types such as m6i.large)`,
      ],
    },
    {
      name: "eks: Graviton nodes for an amd64 image",
      options: eks({ nodeInstanceTypes: ["m7g.large"] }),
      expected: [
        `${key("nodeInstanceTypes")}: got ["m7g.large"] (linux/arm64) with imagePlatform linux/amd64; expected nodes of the image's architecture (set imagePlatform linux/arm64 or pick x86_64 instance types)`,
      ],
    },
    {
      name: "eks: x86 nodes for an arm64 image",
      options: eks({ imagePlatform: "linux/arm64" }),
      expected: [
        `${key("nodeInstanceTypes")}: got ["t3.medium"] (linux/amd64) with imagePlatform linux/arm64; expected nodes of the image's architecture (set imagePlatform linux/amd64 or pick Graviton instance types)`,
      ],
    },
    {
      name: "eks: unknown bastion mode",
      options: eks({ bastionMode: "ssh-open" }),
      expected: [`${key("bastionMode")}: got "ssh-open"; expected one of ssm, ssh`],
    },
    {
      name: "eks: ssh bastion without CIDRs",
      options: eks({ bastionMode: "ssh" }),
      expected: [
        `${key("bastionSshAllowedCidrs")}: got [] with bastionMode ssh; expected at least one IPv4 CIDR to admit on port 22 (or bastionMode ssm, which needs no open port)`,
      ],
    },
    {
      name: "eks: ssh bastion open to the world",
      options: eks({ bastionMode: "ssh", bastionSshAllowedCidrs: ["0.0.0.0/0"] }),
      expected: [
        `${key("bastionSshAllowedCidrs")}: got "0.0.0.0/0"; expected CIDRs narrower than /0 (SSH is never open to the whole internet; bastionMode ssm needs no open port)`,
      ],
    },
    {
      name: "eks: ssh bastion open to the world in two halves",
      options: eks({ bastionMode: "ssh", bastionSshAllowedCidrs: ["128.0.0.0/1", "0.0.0.0/1"] }),
      expected: [
        `${key("bastionSshAllowedCidrs")}: got ["128.0.0.0/1","0.0.0.0/1"], which together cover every public IPv4 address; expected CIDRs narrower than /0 (SSH is never open to the whole internet; bastionMode ssm needs no open port)`,
      ],
    },
    {
      name: "eks: ssh CIDRs with an ssm bastion",
      options: eks({ bastionSshAllowedCidrs: ["198.51.100.7/32"] }),
      expected: [
        `${key("bastionSshAllowedCidrs")}: got ["198.51.100.7/32"] with bastionMode ssm; expected [] (the CIDRs apply only to bastionMode ssh)`,
      ],
    },
    {
      name: "eks: arm64 bastion, unknown access policy",
      options: eks({ bastionInstanceType: "t4g.micro", bastionAccessPolicy: "admin" }),
      expected: [
        `${key("bastionInstanceType")}: got "t4g.micro"; expected an x86_64 instance type such as t3.micro (the bastion's Amazon Linux AMI is x86_64)`,
        `${key("bastionAccessPolicy")}: got "admin"; expected one of namespaceAdmin, clusterAdmin`,
      ],
    },
    {
      name: "eks: admin ARN that is a user, not a role",
      options: eks({ adminRoleArns: ["arn:aws:iam::123456789012:user/alice"] }),
      expected: [
        `${key("adminRoleArns")}: got "arn:aws:iam::123456789012:user/alice"; expected an IAM role ARN arn:aws:iam::<12-digit account>:role/<path/><name>`,
      ],
    },
    {
      name: "eks: two admin roles with one name",
      options: eks({
        adminRoleArns: ["arn:aws:iam::123456789012:role/a/ops", "arn:aws:iam::123456789012:role/b/ops"],
      }),
      expected: [
        `${key("adminRoleArns")}: got "arn:aws:iam::123456789012:role/b/ops" and "arn:aws:iam::123456789012:role/a/ops"; expected roles with distinct names (each names its access entry)`,
      ],
    },
    {
      name: "eks: the deployer's role name is an admin role's name",
      options: eks({
        deployerRoleArn: "arn:aws:iam::123456789012:role/ci/ops",
        adminRoleArns: ["arn:aws:iam::123456789012:role/a/ops"],
      }),
      expected: [
        `${key("adminRoleArns")}: got "arn:aws:iam::123456789012:role/a/ops" and "arn:aws:iam::123456789012:role/ci/ops"; expected roles with distinct names (each names its access entry)`,
      ],
    },
    {
      name: "eks: the deployer is not a role",
      options: eks({ deployerRoleArn: "arn:aws:iam::123456789012:user/ci" }),
      expected: [
        `${key("deployerRoleArn")}: got "arn:aws:iam::123456789012:user/ci"; expected an IAM role ARN arn:aws:iam::<12-digit account>:role/<path/><name>`,
      ],
    },
  ];
}

/** The refresher's image: Pulumi.yaml's ecrRefresherImage default (its one home). */
const DEFAULT_ECR_REFRESHER_IMAGE = String(readProject().config.ecrRefresherImage?.default);

const KUBECONFIG = readFileSync(path.join(ROOT, "test/fixtures/kubeconfig.yaml"), "utf8");

describe("parseConfig rejects every invalid value with one exact line", () => {
  const cases: {
    name: string;
    options: Omit<RunOptions, "stack"> & { stack?: string };
    expected: string[];
  }[] = [
    {
      name: "unknown platform",
      options: { config: { platform: "fargate" } },
      expected: ['fastify-deploy:platform: got "fargate"; expected one of ecs, eks, kubernetes'],
    },
    {
      name: "typo'd key",
      options: { config: { natGateway: "single" } },
      expected: [
        'fastify-deploy:natGateway: unknown key (value "single"); did you mean fastify-deploy:natGateways?',
      ],
    },
    {
      name: "wrongly cased key",
      options: { config: { CPU: 512 } },
      expected: ['fastify-deploy:CPU: unknown key (value "512"); did you mean fastify-deploy:cpu?'],
    },
    {
      name: "unknown key with no close match",
      options: { config: { replicas: 3 } },
      expected: [
        // Issue 28: the nearest three and where every key is described, not all 60 on one line.
        'fastify-deploy:replicas: unknown key (value "3"); the nearest keys are fastify-deploy:secrets, fastify-deploy:logLevel, fastify-deploy:cpu (every key: docs/config.md)',
      ],
    },
    {
      name: "unknown secret key does not echo its value",
      options: { secrets: { kubeconfigg: "secret-stuff" } },
      expected: [
        "fastify-deploy:kubeconfigg: unknown key (value [secret]); did you mean fastify-deploy:kubeconfig?",
      ],
    },
    {
      name: "CIDR with host bits set",
      options: { config: { allowedCidrs: ["10.0.0.1/8"] } },
      expected: [
        'fastify-deploy:allowedCidrs: got "10.0.0.1/8"; expected an IPv4 CIDR with no host bits set, such as 203.0.113.0/24',
      ],
    },
    {
      name: "CIDR out of range, IPv6 and bare address, each reported",
      options: { config: { allowedCidrs: ["300.0.0.0/8", "::/0", "192.0.2.1"] } },
      expected: [
        'fastify-deploy:allowedCidrs: got "300.0.0.0/8"; expected an IPv4 CIDR with no host bits set, such as 203.0.113.0/24',
        'fastify-deploy:allowedCidrs: got "::/0"; expected an IPv4 CIDR with no host bits set, such as 203.0.113.0/24',
        'fastify-deploy:allowedCidrs: got "192.0.2.1"; expected an IPv4 CIDR with no host bits set, such as 203.0.113.0/24',
      ],
    },
    {
      name: "empty CIDR list",
      options: { config: { allowedCidrs: [] } },
      expected: [
        "fastify-deploy:allowedCidrs: got []; expected at least one IPv4 CIDR (use 0.0.0.0/0 for a public service)",
      ],
    },
    {
      name: "duplicate CIDRs",
      options: { config: { allowedCidrs: ["192.0.2.0/24", "192.0.2.0/24"] } },
      expected: [
        'fastify-deploy:allowedCidrs: got ["192.0.2.0/24","192.0.2.0/24"]; expected no duplicate CIDRs',
      ],
    },
    {
      name: "CIDR list given as a plain string",
      options: { config: { allowedCidrs: "0.0.0.0/0" } },
      expected: [
        `fastify-deploy:allowedCidrs: got "0.0.0.0/0"; expected a JSON list of IPv4 CIDRs, e.g. ["203.0.113.0/24"] (pulumi config set --path 'allowedCidrs[0]' 203.0.113.0/24)`,
      ],
    },
    {
      name: "CPU that is no Fargate size",
      options: { config: { cpu: 300 } },
      expected: ["fastify-deploy:cpu: got 300; expected one of 256, 512, 1024, 2048, 4096, 8192, 16384"],
    },
    {
      name: "memory that does not fit the CPU",
      options: { config: { cpu: 256, memory: 4096 } },
      expected: [
        "fastify-deploy:memory: got 4096 with cpu 256; expected one of 512, 1024, 2048 (the Fargate sizes for cpu 256)",
      ],
    },
    {
      name: "capacity type in lower case",
      options: { config: { capacityType: "spot" } },
      expected: ['fastify-deploy:capacityType: got "spot"; expected one of ON_DEMAND, SPOT'],
    },
    {
      name: "memory that is not a number",
      options: { config: { memory: "2GB" } },
      expected: ['fastify-deploy:memory: got "2GB"; expected an integer from 512 to 122880'],
    },
    {
      name: "min above max",
      options: { config: { minCount: 3, maxCount: 2, desiredCount: 2 } },
      expected: [
        "fastify-deploy:minCount: got 3, above maxCount 2; expected minCount ≤ desiredCount ≤ maxCount",
        "fastify-deploy:desiredCount: got 2, below minCount 3; expected minCount ≤ desiredCount ≤ maxCount",
      ],
    },
    {
      name: "desired above max",
      options: { config: { desiredCount: 5, maxCount: 4 } },
      expected: [
        "fastify-deploy:desiredCount: got 5, above maxCount 4; expected minCount ≤ desiredCount ≤ maxCount",
      ],
    },
    {
      name: "zero tasks",
      options: { config: { desiredCount: 0 } },
      expected: ["fastify-deploy:desiredCount: got 0; expected an integer from 1 to 100"],
    },
    {
      name: "image by tag",
      options: { config: { imageUri: "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:latest" } },
      expected: [
        'fastify-deploy:imageUri: got "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:latest"; expected a digest-pinned image URI <registry>/<repository>@sha256:<64 hex digits>',
      ],
    },
    {
      name: "image with tag and digest",
      options: { config: { imageUri: `registry.example.com/app:v1@sha256:${DIGEST}` } },
      expected: [
        `fastify-deploy:imageUri: got "registry.example.com/app:v1@sha256:${DIGEST}"; expected a digest-pinned image URI <registry>/<repository>@sha256:<64 hex digits>`,
      ],
    },
    {
      name: "image with a short digest",
      options: { config: { imageUri: "registry.example.com/app@sha256:abc" } },
      expected: [
        'fastify-deploy:imageUri: got "registry.example.com/app@sha256:abc"; expected a digest-pinned image URI <registry>/<repository>@sha256:<64 hex digits>',
      ],
    },
    {
      name: "unsupported image platform",
      options: { config: { imagePlatform: "linux/386" } },
      expected: ['fastify-deploy:imagePlatform: got "linux/386"; expected one of linux/amd64, linux/arm64'],
    },
    {
      name: "malformed certificate ARN",
      options: { config: { certificateArn: "arn:aws:acm:us-east-1:1234:certificate/abc" } },
      expected: [
        'fastify-deploy:certificateArn: got "arn:aws:acm:us-east-1:1234:certificate/abc"; expected an ACM certificate ARN arn:aws:acm:<region>:<12-digit account>:certificate/<uuid>',
      ],
    },
    {
      name: "certificate from another region",
      options: { config: { certificateArn: CERT.replace("us-east-1", "eu-west-1") } },
      expected: [
        `fastify-deploy:certificateArn: got "${CERT.replace("us-east-1", "eu-west-1")}" in region eu-west-1; expected a certificate in aws:region us-east-1 (a load balancer can only use certificates from its own region)`,
      ],
    },
    {
      name: "one availability zone",
      options: { config: { availabilityZones: 1 } },
      expected: ["fastify-deploy:availabilityZones: got 1; expected an integer from 2 to 6"],
    },
    {
      name: "fractional availability zones",
      options: { config: { availabilityZones: "2.5" } },
      expected: ['fastify-deploy:availabilityZones: got "2.5"; expected an integer from 2 to 6'],
    },
    {
      name: "unknown NAT strategy",
      options: { config: { natGateways: "two" } },
      expected: ['fastify-deploy:natGateways: got "two"; expected one of none, single, onePerAz'],
    },
    {
      name: "retention CloudWatch does not offer",
      options: { config: { logRetentionDays: 10 } },
      expected: [
        "fastify-deploy:logRetentionDays: got 10; expected one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
      ],
    },
    {
      name: "CPU target out of range",
      options: { config: { targetCpuUtilization: 95 } },
      expected: ["fastify-deploy:targetCpuUtilization: got 95; expected an integer from 10 to 90"],
    },
    {
      name: "unknown log level",
      options: { config: { logLevel: "verbose" } },
      expected: [
        'fastify-deploy:logLevel: got "verbose"; expected one of fatal, error, warn, info, debug, trace, silent',
      ],
    },
    {
      name: "commit with spaces",
      options: { config: { appCommit: "fix bug" } },
      expected: ['fastify-deploy:appCommit: got "fix bug"; expected 1..64 characters of A-Z a-z 0-9 . _ -'],
    },
    {
      name: "boolean spelled yes",
      options: { config: { containerInsights: "yes" } },
      expected: ['fastify-deploy:containerInsights: got "yes"; expected true or false'],
    },
    {
      name: "alarm email without a domain",
      options: { config: { alarmEmail: "oncall" } },
      expected: [
        'fastify-deploy:alarmEmail: got "oncall"; expected an email address such as oncall@example.com',
      ],
    },
    {
      name: "alarm email with a space",
      options: { config: { alarmEmail: "on call@example.com" } },
      expected: [
        'fastify-deploy:alarmEmail: got "on call@example.com"; expected an email address such as oncall@example.com',
      ],
    },
    {
      name: "eks: a synthetic check without the address wait (no DNS name to check)",
      options: { stack: "prod", config: { waitForAddress: false } },
      expected: [
        "fastify-deploy:syntheticCheck: got true with waitForAddress false on eks; expected syntheticCheck false, or waitForAddress auto (the Route 53 health checks need the ALB's DNS name, which up knows only when it waits for the Ingress's address)",
      ],
    },
    {
      name: "synthetic check spelled on",
      options: { config: { syntheticCheck: "on" } },
      expected: ['fastify-deploy:syntheticCheck: got "on"; expected true or false'],
    },
    {
      name: "a 5xx rate of 0 % (every error would alarm)",
      options: { config: { alarm5xxRatePercent: 0 } },
      expected: ["fastify-deploy:alarm5xxRatePercent: got 0; expected an integer from 1 to 100"],
    },
    {
      name: "a 5xx rate over 100 %",
      options: { config: { alarm5xxRatePercent: 101 } },
      expected: ["fastify-deploy:alarm5xxRatePercent: got 101; expected an integer from 1 to 100"],
    },
    {
      name: "a p99 latency threshold below the ALB's resolution of interest",
      options: { config: { alarmP99LatencyMs: 5 } },
      expected: ["fastify-deploy:alarmP99LatencyMs: got 5; expected an integer from 10 to 60000"],
    },
    {
      name: "kubernetes without a kubeconfig",
      options: { config: { platform: "kubernetes" } },
      expected: [
        "fastify-deploy:kubeconfig: got an empty value; expected the cluster's kubeconfig as a secret when platform is kubernetes (pulumi config set --secret kubeconfig < kubeconfig.yaml); the program never falls back to ~/.kube/config",
      ],
    },
    {
      name: "kubernetes with a blank kubeconfig",
      options: { config: { platform: "kubernetes" }, secrets: { kubeconfig: "  \n" } },
      expected: [
        "fastify-deploy:kubeconfig: got an empty value; expected the cluster's kubeconfig as a secret when platform is kubernetes (pulumi config set --secret kubeconfig < kubeconfig.yaml); the program never falls back to ~/.kube/config",
      ],
    },
    {
      name: "kubeconfig in plain text",
      options: { config: { platform: "kubernetes", kubeconfig: KUBECONFIG } },
      expected: [
        "fastify-deploy:kubeconfig: got a plain-text value; expected a secret (pulumi config set --secret kubeconfig ...)",
      ],
    },
    {
      name: "kubeconfig that is not YAML",
      options: { config: { platform: "kubernetes" }, secrets: { kubeconfig: "{ not: yaml: [" } },
      expected: [
        "fastify-deploy:kubeconfig: got a value that is not YAML; expected a kubeconfig file (kubectl config view --raw --minify)",
      ],
    },
    {
      name: "kubeconfig without contexts",
      options: {
        config: { platform: "kubernetes" },
        secrets: { kubeconfig: "apiVersion: v1\nkind: Config\n" },
      },
      expected: [
        "fastify-deploy:kubeconfig: got YAML without contexts and clusters; expected a kubeconfig file (kubectl config view --raw --minify)",
      ],
    },
    {
      name: "kubeconfigContext naming no context",
      options: {
        config: { platform: "kubernetes", kubeconfigContext: "prod-cluster" },
        secrets: { kubeconfig: KUBECONFIG },
      },
      expected: ['fastify-deploy:kubeconfig: has no context "prod-cluster"; expected one of "example"'],
    },
    {
      name: "kubeconfig context without a server",
      options: {
        config: { platform: "kubernetes" },
        secrets: { kubeconfig: KUBECONFIG.replace("server: https://127.0.0.1:6443", "server: ''") },
      },
      expected: [
        'fastify-deploy:kubeconfig: context "example" names no cluster with a server URL; expected clusters[].cluster.server',
      ],
    },
    {
      name: "kubeconfig with an http:// server",
      options: {
        config: { platform: "kubernetes" },
        secrets: {
          kubeconfig: KUBECONFIG.replace("server: https://127.0.0.1:6443", "server: http://127.0.0.1:8080"),
        },
      },
      expected: [
        'fastify-deploy:kubeconfig: context "example": got an http:// server URL; expected https:// (credentials are sent to the API server on every call)',
      ],
    },
    {
      name: "kubeconfig with insecure-skip-tls-verify",
      options: {
        config: { platform: "kubernetes" },
        secrets: {
          kubeconfig: KUBECONFIG.replace(
            "      certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==",
            "      insecure-skip-tls-verify: true",
          ),
        },
      },
      expected: [
        'fastify-deploy:kubeconfig: context "example": got insecure-skip-tls-verify: true; expected the server\'s certificate verified (certificate-authority-data, or a publicly trusted certificate)',
      ],
    },
    {
      name: "bad namespace, service type and ingress names",
      options: {
        config: {
          platform: "kubernetes",
          namespace: "Fastify_App",
          serviceType: "External",
          ingressClassName: "Nginx!",
          ingressHost: "https://app.example.com",
        },
        secrets: { kubeconfig: KUBECONFIG },
      },
      expected: [
        `fastify-deploy:namespace: got "Fastify_App"; expected a namespace name that also names the app's objects: 1..35 of a-z 0-9 -, starting with a letter (a Service name is a DNS-1035 label) and ending alphanumeric (<namespace>-synthetic-client is a CronJob name, at most 52 characters)`,
        'fastify-deploy:serviceType: got "External"; expected one of ClusterIP, NodePort, LoadBalancer',
        'fastify-deploy:ingressClassName: got "Nginx!"; expected an IngressClass name such as nginx or alb',
        'fastify-deploy:ingressHost: got "https://app.example.com"; expected a lower-case DNS host name such as app.example.com',
      ],
    },
    {
      name: "a Gateway without its namespace",
      options: {
        config: { platform: "kubernetes", gatewayName: "public", ingressHost: "app.example.com" },
        secrets: { kubeconfig: KUBECONFIG },
      },
      expected: [
        'fastify-deploy:gatewayName: got "public" without gatewayNamespace; expected both (an HTTPRoute\'s parentRef names the Gateway and its namespace)',
      ],
    },
    {
      name: "a Gateway namespace without its Gateway",
      options: {
        config: { platform: "kubernetes", gatewayNamespace: "gateway-system" },
        secrets: { kubeconfig: KUBECONFIG },
      },
      expected: [
        'fastify-deploy:gatewayNamespace: got "gateway-system" without gatewayName; expected both (an HTTPRoute\'s parentRef names the Gateway and its namespace)',
      ],
    },
    {
      name: "a Gateway name that is no object name",
      options: {
        config: { platform: "kubernetes", gatewayName: "Public_GW", gatewayNamespace: "gateway-system" },
        secrets: { kubeconfig: KUBECONFIG },
      },
      expected: [
        'fastify-deploy:gatewayName: got "Public_GW"; expected the name of an existing Gateway (gateway.networking.k8s.io)',
      ],
    },
    {
      name: "an unknown cluster profile",
      options: {
        config: { platform: "kubernetes", clusterProfile: "openshift" },
        secrets: { kubeconfig: KUBECONFIG },
      },
      expected: [
        'fastify-deploy:clusterProfile: got "openshift"; expected one of generic, kind, minikube, k3s, gke-standard, gke-autopilot, aks, eks, cilium',
      ],
    },
    {
      name: "a cluster domain that is not a DNS name",
      options: {
        config: { platform: "kubernetes", clusterDomain: "Cluster.Local." },
        secrets: { kubeconfig: KUBECONFIG },
      },
      expected: [
        'fastify-deploy:clusterDomain: got "Cluster.Local."; expected a DNS domain such as cluster.local',
      ],
    },
    {
      name: "a cluster identifier with spaces",
      options: {
        config: { platform: "kubernetes", clusterIdentifier: "shop prod" },
        secrets: { kubeconfig: KUBECONFIG },
      },
      expected: [
        'fastify-deploy:clusterIdentifier: got "shop prod"; expected a stable name for the cluster, 1..253 characters without spaces, e.g. shop-prod-gke',
      ],
    },
    {
      // Issue 24: both were accepted, and the API server rejected the objects named after them.
      name: "a namespace that names a Service (DNS-1035: a letter first) and fits the CronJob name limit",
      options: {
        config: { platform: "kubernetes", namespace: "1shop" },
        secrets: { kubeconfig: KUBECONFIG },
      },
      expected: [
        `fastify-deploy:namespace: got "1shop"; expected a namespace name that also names the app's objects: 1..35 of a-z 0-9 -, starting with a letter (a Service name is a DNS-1035 label) and ending alphanumeric (<namespace>-synthetic-client is a CronJob name, at most 52 characters)`,
      ],
    },
    {
      // 36 characters: "<namespace>-synthetic-client" would be 53, one over the CronJob limit.
      name: "a 36-character namespace",
      options: eks({ namespace: "a".repeat(36) }),
      expected: [
        `fastify-deploy:namespace: got "${"a".repeat(36)}"; expected a namespace name that also names the app's objects: 1..35 of a-z 0-9 -, starting with a letter (a Service name is a DNS-1035 label) and ending alphanumeric (<namespace>-synthetic-client is a CronJob name, at most 52 characters)`,
      ],
    },
    {
      name: "bad waitForAddress, network policy sources, controller namespace and refresher image",
      options: {
        config: {
          platform: "kubernetes",
          waitForAddress: "yes",
          networkPolicyNamespaces: ["Ingress_Nginx"],
          networkPolicyCidrs: ["10.0.0.1/16", "10.0.0.1/16"],
          ingressControllerNamespace: "-x",
          nodeCidrs: "172.18.0.0/16",
          ecrRefresherImage: "node:24-alpine",
        },
        secrets: { kubeconfig: KUBECONFIG },
      },
      expected: [
        'fastify-deploy:waitForAddress: got "yes"; expected one of auto, true, false',
        'fastify-deploy:networkPolicyNamespaces: got "Ingress_Nginx"; expected a Kubernetes namespace name (DNS label: 1..63 of a-z 0-9 -, starting and ending alphanumeric)',
        'fastify-deploy:networkPolicyCidrs: got "10.0.0.1/16"; expected an IPv4 CIDR with no host bits set, such as 203.0.113.0/24',
        'fastify-deploy:networkPolicyCidrs: got ["10.0.0.1/16","10.0.0.1/16"]; expected no duplicate CIDRs',
        'fastify-deploy:ingressControllerNamespace: got "-x"; expected a Kubernetes namespace name (DNS label: 1..63 of a-z 0-9 -, starting and ending alphanumeric)',
        `fastify-deploy:nodeCidrs: got "172.18.0.0/16"; expected a JSON list of IPv4 CIDRs, e.g. ["172.18.0.0/16"] (pulumi config set --path 'nodeCidrs[0]' 172.18.0.0/16)`,
        'fastify-deploy:ecrRefresherImage: got "node:24-alpine"; expected a digest-pinned, publicly pullable Node.js image <registry>/<repository>@sha256:<64 hex digits>',
      ],
    },
    {
      name: "a NodePort or LoadBalancer Service needs the node CIDRs (or explicit sources)",
      options: {
        config: { platform: "kubernetes", serviceType: "LoadBalancer" },
        secrets: { kubeconfig: KUBECONFIG },
      },
      expected: [
        "fastify-deploy:nodeCidrs: got [] with serviceType LoadBalancer; expected the IPv4 CIDRs of the cluster's nodes (kubectl get nodes -o wide), which the NetworkPolicy admits on the app port because traffic through a LoadBalancer Service reaches the pods from node addresses (or set networkPolicyCidrs / networkPolicyNamespaces)",
      ],
    },
    {
      name: "ingress host and TLS without a class",
      options: {
        config: { platform: "kubernetes", ingressHost: "app.example.com", ingressTlsSecret: "app-tls" },
        secrets: { kubeconfig: KUBECONFIG },
      },
      // The missing class is reported once, by the host's rule (it used to be reported by both).
      expected: [
        'fastify-deploy:ingressHost: got "app.example.com" without ingressClassName or gatewayName; expected ingressClassName (an Ingress needs a class) or gatewayName and gatewayNamespace (an HTTPRoute needs a Gateway)',
      ],
    },
    {
      name: "ingress TLS without a host",
      options: {
        config: { platform: "kubernetes", ingressClassName: "nginx", ingressTlsSecret: "app-tls" },
        secrets: { kubeconfig: KUBECONFIG },
      },
      expected: [
        'fastify-deploy:ingressTlsSecret: got "app-tls" without ingressHost; expected ingressHost and ingressClassName too (a TLS certificate is for a host on an Ingress)',
      ],
    },
    {
      name: "kubeconfig in plain text is rejected on any platform",
      options: { config: { kubeconfig: KUBECONFIG } },
      expected: [
        "fastify-deploy:kubeconfig: got a plain-text value; expected a secret (pulumi config set --secret kubeconfig ...)",
      ],
    },
    {
      name: "pull account that is not a 12-digit id",
      options: {
        config: { imagePullAccountIds: ["123456789012", "12345", "arn:aws:iam::123456789012:root"] },
      },
      expected: [
        'fastify-deploy:imagePullAccountIds: got "12345"; expected a 12-digit AWS account id',
        'fastify-deploy:imagePullAccountIds: got "arn:aws:iam::123456789012:root"; expected a 12-digit AWS account id',
      ],
    },
    {
      name: "pull accounts duplicated",
      options: { config: { imagePullAccountIds: ["123456789012", "123456789012"] } },
      expected: [
        'fastify-deploy:imagePullAccountIds: got ["123456789012","123456789012"]; expected no duplicates',
      ],
    },
    {
      name: "pull accounts on a stack that builds nothing",
      options: { config: { imageUri: IMAGE, imagePullAccountIds: ["210987654321"] } },
      expected: [
        'fastify-deploy:imagePullAccountIds: got ["210987654321"] with imageUri set; expected [] (this stack builds no image and creates no repository: grant the pull on the stack that built 123456789012.dkr.ecr.us-east-1.amazonaws.com/fastify-deploy)',
      ],
    },
    {
      name: "retainImageRepository that is not a boolean",
      options: { config: { retainImageRepository: "no" } },
      expected: ['fastify-deploy:retainImageRepository: got "no"; expected true or false'],
    },
    {
      name: "several errors at once, in key order",
      options: {
        config: {
          platform: "ecs",
          cpu: 256,
          memory: 8192,
          natGateways: "all",
          imageUri: "app:1",
          avaialbilityZones: 3,
        },
      },
      expected: [
        'fastify-deploy:avaialbilityZones: unknown key (value "3"); did you mean fastify-deploy:availabilityZones?',
        'fastify-deploy:imageUri: got "app:1"; expected a digest-pinned image URI <registry>/<repository>@sha256:<64 hex digits>',
        'fastify-deploy:natGateways: got "all"; expected one of none, single, onePerAz',
        "fastify-deploy:memory: got 8192 with cpu 256; expected one of 512, 1024, 2048 (the Fargate sizes for cpu 256)",
      ],
    },
    ...eksCases(),
  ];

  for (const { name, options, expected } of cases) {
    it(name, () => {
      assert.deepEqual(problems(options), expected);
    });
  }

  it("missing platform (without the CLI's own check) names the key and the choices", () => {
    const config = raw();
    const { "fastify-deploy:platform": _removed, ...rest } = config;
    assert.throws(
      () => parse(rest),
      new ConfigError([
        "fastify-deploy:platform: missing; expected one of ecs, eks, kubernetes (pulumi config set platform <value>)",
      ]),
    );
  });

  it("throws one Error whose message lists every problem", () => {
    assert.throws(() => parse(raw({ config: { cpu: 300, natGateways: "x" } })), {
      name: "ConfigError",
      message:
        "Invalid stack configuration (2 problems):\n" +
        '  - fastify-deploy:natGateways: got "x"; expected one of none, single, onePerAz\n' +
        "  - fastify-deploy:cpu: got 300; expected one of 256, 512, 1024, 2048, 4096, 8192, 16384",
    });
  });
});

describe("rules the components used to check, held once here (one validation layer)", () => {
  const cases: { name: string; options: Omit<RunOptions, "stack">; expected: string[] }[] = [
    {
      // The IAM limit the EKS component's own copy of the pattern lacked (the drift issue 15 names).
      name: "eks: an admin role name over IAM's 64 characters",
      options: eks({ adminRoleArns: [`arn:aws:iam::123456789012:role/${"r".repeat(65)}`] }),
      expected: [
        `fastify-deploy:adminRoleArns: got "arn:aws:iam::123456789012:role/${"r".repeat(65)}"; expected an IAM role ARN arn:aws:iam::<12-digit account>:role/<path/><name>`,
      ],
    },
    {
      name: "kubernetes: minCount 0 (KubernetesApp's minReplicas ≥ 1)",
      options: { config: { platform: "kubernetes", minCount: 0 }, secrets: { kubeconfig: KUBECONFIG } },
      expected: ["fastify-deploy:minCount: got 0; expected an integer from 1 to 100"],
    },
    {
      name: "kubernetes: a NodePort Service without node CIDRs",
      options: {
        config: { platform: "kubernetes", serviceType: "NodePort" },
        secrets: { kubeconfig: KUBECONFIG },
      },
      expected: [
        "fastify-deploy:nodeCidrs: got [] with serviceType NodePort; expected the IPv4 CIDRs of the cluster's nodes (kubectl get nodes -o wide), which the NetworkPolicy admits on the app port because traffic through a NodePort Service reaches the pods from node addresses (or set networkPolicyCidrs / networkPolicyNamespaces)",
      ],
    },
  ];
  for (const { name, options, expected } of cases) {
    it(name, () => {
      assert.deepEqual(problems(options), expected);
    });
  }

  it("eks: 64 characters is IAM's limit and passes", () => {
    const arn = `arn:aws:iam::123456789012:role/${"r".repeat(64)}`;
    const { config } = parse(raw(eks({ adminRoleArns: [arn] })));
    assert.deepEqual(config.platform === "eks" && config.eks.adminRoleArns, [arn]);
  });

  // The EKS cluster name derives from the stack name (the EKS component used to check it).
  const eksOn = (stack: string) => () =>
    parseConfig(raw(eks({})), { project: "fastify-deploy", stack, preview: true });
  it("eks: a stack name that makes an invalid EKS cluster name (a dot)", () => {
    assert.throws(
      eksOn("prod.eu"),
      new ConfigError([
        'fastify-deploy:platform: got eks on stack "prod.eu", whose EKS cluster name would be "fastify-deploy-prod.eu"; expected a stack name that makes "fastify-deploy-<stack>" 1..100 letters, digits, - or _ (EKS cluster names allow nothing else)',
      ]),
    );
  });
  it("eks: the cluster name's 100-character limit, on both sides", () => {
    const stack = "s".repeat(100 - "fastify-deploy-".length);
    assert.equal(eksOn(stack)().config.platform, "eks");
    assert.throws(eksOn(`${stack}s`), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.problems.length, 1);
      assert.match(error.problems[0] ?? "", /^fastify-deploy:platform: got eks on stack "s{86}"/);
      return true;
    });
  });
});

describe("one CIDR validation for both AWS platforms", () => {
  // ECS and EKS read the same allowedCidrs key through the same item schema: identical input, identical line.
  const bad: [string, string][] = [
    ["10.0.0.1/8", "an IPv4 CIDR with no host bits set, such as 203.0.113.0/24"],
    ["::/0", "an IPv4 CIDR with no host bits set, such as 203.0.113.0/24"],
    ["256.0.0.0/8", "an IPv4 CIDR with no host bits set, such as 203.0.113.0/24"],
    ["10.0.0.0/33", "an IPv4 CIDR with no host bits set, such as 203.0.113.0/24"],
  ];
  for (const [cidr, what] of bad) {
    it(`${cidr} is rejected alike on ecs and eks`, () => {
      const line = `fastify-deploy:allowedCidrs: got ${JSON.stringify(cidr)}; expected ${what}`;
      assert.deepEqual(problems({ config: { allowedCidrs: [cidr] } }), [line]);
      assert.deepEqual(problems(eks({ allowedCidrs: [cidr] })), [line]);
    });
  }
});

describe("the edge (issue 16): one exact line per rule", () => {
  const key = (k: string) => `fastify-deploy:${k}`;
  const ZONE = "Z0123456789ABCDEFGHIJ";
  const domain = { domainName: "api.example.com", hostedZoneId: ZONE };
  const cases: { name: string; options: Omit<RunOptions, "stack">; expected: string[] }[] = [
    {
      name: "domain without its zone",
      options: { config: { domainName: "api.example.com" } },
      expected: [
        `${key("hostedZoneId")}: got "" with domainName "api.example.com"; expected the id of the Route 53 hosted zone that holds api.example.com (e.g. Z0123456789ABCDEFGHIJ), where the certificate's validation record and the alias go`,
      ],
    },
    {
      name: "zone without a domain",
      options: { config: { hostedZoneId: ZONE } },
      expected: [
        `${key("hostedZoneId")}: got "${ZONE}" without domainName; expected "" (the zone is used only for domainName's records) or set domainName`,
      ],
    },
    {
      name: "zone role without a domain",
      options: { config: { hostedZoneRoleArn: "arn:aws:iam::210987654321:role/dns" } },
      expected: [
        `${key("hostedZoneRoleArn")}: got "arn:aws:iam::210987654321:role/dns" without domainName; expected "" (the role only writes domainName's records in another account's zone)`,
      ],
    },
    {
      name: "domain and a brought certificate",
      options: { config: { ...domain, certificateArn: CERT } },
      expected: [
        `${key("certificateArn")}: got "${CERT}" with domainName "api.example.com"; expected "" (with domainName the stack issues and validates its own certificate for it; certificateArn is for a load balancer without domainName)`,
      ],
    },
    {
      name: "eks: domain without the address await",
      // syntheticCheck false: its own rule on waitForAddress false is the synthetic check's case.
      options: eks({ ...domain, waitForAddress: false, syntheticCheck: false }),
      expected: [
        `${key("waitForAddress")}: got "false" with domainName "api.example.com" on eks; expected auto or true (the alias record needs the ALB's DNS name, which up reads from the Ingress's status only while it waits for it)`,
      ],
    },
    {
      name: "prod-grade on dev as committed: no access logs, no deletion protection, no web ACL",
      options: { config: { prodGrade: true } },
      expected: [
        `${key("accessLogs")}: got false with prodGrade true; expected true (a prod-grade stack keeps ALB access logs; the policy pack requires it too)`,
        `${key("deletionProtection")}: got false with prodGrade true; expected true (a prod-grade stack keeps deletion protection on its ALB; the policy pack requires it too); to destroy the stack: pulumi config set prodGrade false, pulumi config set deletionProtection false, pulumi up, then pulumi destroy (docs/edge.md#deletion-protection-and-how-to-destroy)`,
        `${key("wafMode")}: got "off" with prodGrade true; expected count or block (a prod-grade stack keeps a web ACL on its ALB; the policy pack requires it too)`,
      ],
    },
    {
      name: "prod-grade without a web ACL",
      options: { config: { prodGrade: true, accessLogs: true, deletionProtection: true, wafMode: "off" } },
      expected: [
        `${key("wafMode")}: got "off" with prodGrade true; expected count or block (a prod-grade stack keeps a web ACL on its ALB; the policy pack requires it too)`,
      ],
    },
    {
      name: "malformed values",
      options: {
        config: {
          domainName: "API.example.com",
          hostedZoneId: "/hostedzone/Z123",
          hostedZoneRoleArn: "dns-writer",
          wafMode: "on",
          wafRateLimit: 5,
          accessLogRetentionDays: 0,
        },
      },
      expected: [
        `${key("domainName")}: got "API.example.com"; expected a lower-case DNS host name such as app.example.com`,
        `${key("hostedZoneId")}: got "/hostedzone/Z123"; expected a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ (without /hostedzone/)`,
        `${key("hostedZoneRoleArn")}: got "dns-writer"; expected an IAM role ARN arn:aws:iam::<12-digit account>:role/<path/><name>`,
        `${key("accessLogRetentionDays")}: got 0; expected an integer from 1 to 3650`,
        `${key("wafMode")}: got "on"; expected one of off, count, block`,
        `${key("wafRateLimit")}: got 5; expected an integer from 10 to 2000000000`,
      ],
    },
  ];
  for (const { name, options, expected } of cases) {
    it(name, () => {
      assert.deepEqual(problems(options), expected);
    });
  }

  it("maps a domain in another account's zone, and leaves the edge off by default", () => {
    const role = "arn:aws:iam::210987654321:role/dns-writer";
    const { config } = parse(raw({ config: { ...domain, hostedZoneRoleArn: role, wafMode: "block" } }));
    assert.equal(config.platform, "ecs");
    if (config.platform !== "ecs") return;
    assert.deepEqual(config.ecs.loadBalancer, {
      allowedCidrs: ["0.0.0.0/0"],
      domain: {
        name: "api.example.com",
        hostedZoneId: ZONE,
        hostedZoneRoleArn: role,
        // No aws:* credential settings in dev: the zone's provider starts from the environment's.
        stackProvider: { assumeRoles: [] },
      },
      deletionProtection: false,
      webAcl: { mode: "block", rateLimit: 2000 },
      prodGrade: false,
    });
  });
});

describe("prod-grade means HTTPS: refused at up, warned at preview (one exact line each)", () => {
  const upProblems = (options: Omit<RunOptions, "stack"> & { stack?: string }): readonly string[] => {
    try {
      parse(raw(options), options.stack ?? "dev", false);
    } catch (error) {
      assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
      return error.problems;
    }
    return [];
  };

  it("up: the committed prod (eks) and its ECS form are refused, naming certificateArn and domainName", () => {
    assert.deepEqual(upProblems({ stack: "prod" }), [PROD_GRADE_TLS_PROBLEM]);
    assert.deepEqual(upProblems(prodEcs()), [PROD_GRADE_TLS_PROBLEM]);
  });

  it("preview: the same stacks pass, with the warning instead", () => {
    assert.ok(parse(raw({ stack: "prod" }), "prod").warnings.includes(PROD_GRADE_TLS_WARNING));
    assert.deepEqual(parse(raw(prodEcs())).warnings, [PROD_GRADE_TLS_WARNING]);
  });

  it("up: either certificateArn or domainName satisfies it; a stack that is not prod-grade never needed it", () => {
    assert.deepEqual(upProblems({ stack: "prod", config: { certificateArn: CERT } }), []);
    assert.deepEqual(
      upProblems({
        stack: "prod",
        config: { domainName: "api.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ" },
      }),
      [],
    );
    assert.deepEqual(upProblems({ stack: "dev" }), []);
    const withCertificate = parse(raw({ ...prodEcs({ certificateArn: CERT }) }), "prod", false);
    assert.deepEqual(withCertificate.warnings, []);
  });

  it("an invalid certificateArn reports its own line only, not the TLS rule too", () => {
    assert.deepEqual(upProblems({ stack: "prod", config: { certificateArn: "cert" } }).length, 1);
  });
});

describe("the edge's zone provider: the stack's aws:* settings (explicit providers read none)", () => {
  const role = "arn:aws:iam::210987654321:role/dns-writer";
  const domain = {
    domainName: "api.example.com",
    hostedZoneId: "Z0123456789ABCDEFGHIJ",
    hostedZoneRoleArn: role,
  };

  it("maps profile, shared files and the stack's own assumed roles", () => {
    const { config } = parse(
      raw({
        config: {
          ...domain,
          "aws:profile": "ops",
          "aws:sharedConfigFiles": ["/etc/aws/config"],
          "aws:assumeRoles": [{ roleArn: "arn:aws:iam::123456789012:role/deployer", externalId: "x" }],
          "aws:allowedAccountIds": ["123456789012"],
        },
      }),
    );
    assert.equal(config.platform, "ecs");
    if (config.platform !== "ecs") return;
    assert.deepEqual(config.ecs.loadBalancer.domain?.stackProvider, {
      profile: "ops",
      sharedConfigFiles: ["/etc/aws/config"],
      assumeRoles: [{ roleArn: "arn:aws:iam::123456789012:role/deployer", externalId: "x" }],
    });
  });

  it("malformed aws:assumeRoles and aws:sharedCredentialsFiles: one exact line each", () => {
    assert.deepEqual(
      problems({
        config: { ...domain, "aws:assumeRoles": [{ role: "x" }], "aws:sharedCredentialsFiles": "x" },
      }),
      [
        'aws:assumeRoles: got "[{\\"role\\":\\"x\\"}]"; expected a JSON list of objects each with a roleArn string (and optionally sessionName, externalId), e.g. [{"roleArn":"arn:aws:iam::123456789012:role/deployer"}]',
        'aws:sharedCredentialsFiles: got "x"; expected a JSON list of file paths',
      ],
    );
  });
});

/** Pulumi.yaml's rollout defaults: today's rolling update (issue 29). */
const DEFAULT_ROLLOUT = { strategy: "rolling", canaryPercent: 5, linearStepPercent: 10, bakeMinutes: 10 };

describe("parseConfig accepts the committed stacks", () => {
  it("dev: cheapest sound ECS", () => {
    const { config, warnings }: ParseResult = parse(raw({ stack: "dev" }));
    assert.deepEqual(warnings, []);
    assert.deepEqual(config, {
      platform: "ecs",
      image: {
        platform: "linux/amd64",
        retainRepository: true,
        pullAccountIds: [],
        buildCache: true,
        protection: { protect: false, retainOnDelete: false },
      },
      ecs: {
        app: { commit: "unknown", logLevel: "debug", tracing: { mode: "off" } },
        scaling: { desiredCount: 1, minCount: 1, maxCount: 2, targetCpuUtilization: 60 },
        network: { availabilityZones: 2, natGateways: "none", flowLogTraffic: "REJECT" },
        // No web ACL (wafMode off in Pulumi.dev.yaml), no access logs, no deletion protection.
        loadBalancer: { allowedCidrs: ["0.0.0.0/0"], deletionProtection: false, prodGrade: false },
        task: { cpu: 256, memory: 512 },
        logRetentionDays: 7,
        containerInsights: false,
        capacityType: "SPOT",
        monitoring: { syntheticCheck: true, error5xxRatePercent: 5, p99LatencyMs: 1000 },
        protection: { protect: false, retainOnDelete: false },
        rollout: DEFAULT_ROLLOUT,
        secrets: { env: [] },
      },
    });
  });

  it("prod: highly available EKS", () => {
    const { config, warnings } = parse(raw({ stack: "prod" }), "prod");
    assert.deepEqual(config, {
      platform: "eks",
      image: {
        platform: "linux/amd64",
        retainRepository: true,
        pullAccountIds: [],
        buildCache: false,
        // prodGrade: the repository is protected and retained (issue 27).
        protection: { protect: true, retainOnDelete: true },
      },
      eks: {
        app: { commit: "unknown", logLevel: "info", tracing: { mode: "off" } },
        scaling: { desiredCount: 3, minCount: 3, maxCount: 12, targetCpuUtilization: 60 },
        network: { availabilityZones: 3, natGateways: "onePerAz", flowLogTraffic: "ALL" },
        // Pulumi.prod.yaml: prodGrade with access logs and deletion protection; the web ACL counting.
        loadBalancer: {
          allowedCidrs: ["0.0.0.0/0"],
          accessLogs: { retentionDays: 90 },
          deletionProtection: true,
          webAcl: { mode: "count", rateLimit: 2000 },
          prodGrade: true,
        },
        monitoring: { syntheticCheck: true, error5xxRatePercent: 5, p99LatencyMs: 1000 },
        clusterName: "fastify-deploy-prod",
        kubernetesVersion: "1.36",
        kubernetesSupportType: "STANDARD",
        endpointPublicAccessCidrs: ["203.0.113.0/24"],
        adminRoleArns: [],
        deployerRoleArn: undefined,
        nodeGroups: [
          {
            name: "general",
            instanceTypes: ["m6i.large"],
            // nodeMinSize 3 / nodeDesiredSize 3 / nodeMaxSize 6 split over the 3 zones.
            minSizePerZone: 1,
            desiredSizePerZone: 1,
            maxSizePerZone: 2,
            capacityType: "ON_DEMAND",
            diskSizeGiB: 50,
          },
        ],
        bastion: {
          mode: "ssm",
          sshAllowedCidrs: [],
          instanceType: "t3.micro",
          accessPolicy: "namespaceAdmin",
        },
        namespace: "fastify-app",
        awaitAddress: true,
        networkPolicy: { namespaces: [], cidrs: [] },
        clusterLogTypes: ["audit", "authenticator"],
        logRetentionDays: 30,
        protection: { protect: true, retainOnDelete: true },
        rollout: DEFAULT_ROLLOUT,
        secrets: { env: [] },
      },
    });
    // The committed API endpoint CIDR is a placeholder: preview says so.
    assert.deepEqual(warnings, [
      "fastify-deploy:endpointPublicAccessCidrs contains 203.0.113.0/24, a documentation range (RFC 5737) that reaches no one: set the egress CIDRs of the machines that run pulumi up (pulumi config set --path 'endpointPublicAccessCidrs[0]' <cidr>) before the first deploy",
      PROD_GRADE_TLS_WARNING,
    ]);
  });

  it("prod in its ECS form: highly available ECS", () => {
    const { config, warnings } = parse(raw(prodEcs()));
    assert.deepEqual(warnings, [PROD_GRADE_TLS_WARNING]);
    assert.equal(config.platform, "ecs");
    if (config.platform !== "ecs") return;
    assert.deepEqual(config.ecs, {
      app: { commit: "unknown", logLevel: "info", tracing: { mode: "off" } },
      scaling: { desiredCount: 3, minCount: 3, maxCount: 12, targetCpuUtilization: 60 },
      network: { availabilityZones: 3, natGateways: "onePerAz", flowLogTraffic: "ALL" },
      loadBalancer: {
        allowedCidrs: ["0.0.0.0/0"],
        accessLogs: { retentionDays: 90 },
        deletionProtection: true,
        webAcl: { mode: "count", rateLimit: 2000 },
        prodGrade: true,
      },
      task: { cpu: 512, memory: 1024 },
      logRetentionDays: 90,
      containerInsights: true,
      capacityType: "ON_DEMAND",
      monitoring: { syntheticCheck: true, error5xxRatePercent: 5, p99LatencyMs: 1000 },
      protection: { protect: true, retainOnDelete: true },
      rollout: DEFAULT_ROLLOUT,
      secrets: { env: [] },
    });
  });

  it("eks: every key set, ssh bastion, Graviton nodes for an arm64 image, no public endpoint", () => {
    const admin = "arn:aws:iam::123456789012:role/platform/ops-admin";
    const { config, warnings } = parse(
      raw({
        stack: "prod",
        config: {
          imagePlatform: "linux/arm64",
          kubernetesVersion: "1.35",
          endpointPublicAccessCidrs: [],
          adminRoleArns: [admin],
          deployerRoleArn: "arn:aws:iam::123456789012:role/ci/deployer",
          nodeInstanceTypes: ["m7g.large", "c7g.large"],
          nodeCapacityType: "SPOT",
          nodeDiskSizeGiB: 100,
          bastionMode: "ssh",
          bastionSshAllowedCidrs: ["198.51.100.7/32"],
          bastionInstanceType: "t3.small",
          bastionAccessPolicy: "clusterAdmin",
          namespace: "shop",
          clusterLogTypes: ["audit", "authenticator", "api", "scheduler"],
          logRetentionDays: 14,
          certificateArn: CERT,
          waitForAddress: false,
          syntheticCheck: false,
          networkPolicyCidrs: ["10.0.0.0/24"],
          accessLogRetentionDays: 30,
          wafMode: "block",
          wafRateLimit: 500,
        },
      }),
    );
    assert.deepEqual(warnings, [
      "fastify-deploy:waitForAddress is false on eks: up no longer waits for the load balancer controller to reconcile the Ingress, so pods created before its target group bindings exist get no readiness gate (docs/rollout.md); keep auto unless the controller cannot publish an address",
    ]);
    assert.equal(config.platform, "eks");
    if (config.platform !== "eks") return;
    assert.deepEqual(config.image, {
      platform: "linux/arm64",
      retainRepository: true,
      pullAccountIds: [],
      buildCache: false,
      protection: { protect: true, retainOnDelete: true },
    });
    const { app, scaling, network, ...eks } = config.eks;
    assert.deepEqual(eks, {
      loadBalancer: {
        allowedCidrs: ["0.0.0.0/0"],
        certificateArn: CERT,
        accessLogs: { retentionDays: 30 },
        deletionProtection: true,
        webAcl: { mode: "block", rateLimit: 500 },
        prodGrade: true,
      },
      monitoring: { syntheticCheck: false, error5xxRatePercent: 5, p99LatencyMs: 1000 },
      clusterName: "fastify-deploy-dev",
      kubernetesVersion: "1.35",
      kubernetesSupportType: "STANDARD",
      endpointPublicAccessCidrs: [],
      adminRoleArns: [admin],
      deployerRoleArn: "arn:aws:iam::123456789012:role/ci/deployer",
      nodeGroups: [
        {
          name: "general",
          instanceTypes: ["m7g.large", "c7g.large"],
          // nodeMinSize 3 / nodeDesiredSize 3 / nodeMaxSize 6 split over the 3 zones.
          minSizePerZone: 1,
          desiredSizePerZone: 1,
          maxSizePerZone: 2,
          capacityType: "SPOT",
          diskSizeGiB: 100,
        },
      ],
      bastion: {
        mode: "ssh",
        sshAllowedCidrs: ["198.51.100.7/32"],
        instanceType: "t3.small",
        accessPolicy: "clusterAdmin",
      },
      namespace: "shop",
      awaitAddress: false,
      networkPolicy: { namespaces: [], cidrs: ["10.0.0.0/24"] },
      clusterLogTypes: ["audit", "authenticator", "api", "scheduler"],
      logRetentionDays: 14,
      protection: { protect: true, retainOnDelete: true },
      rollout: DEFAULT_ROLLOUT,
      secrets: { env: [] },
    });
  });

  it("eks keys set on another platform warn", () => {
    const { warnings } = parse(raw({ config: { nodeMinSize: 1, bastionMode: "ssh" } }));
    assert.deepEqual(warnings, [
      "fastify-deploy:nodeMinSize is set but has no effect on platform ecs (it applies to eks)",
      "fastify-deploy:bastionMode is set but has no effect on platform ecs (it applies to eks)",
    ]);
  });

  it("a prebuilt digest, arm64, a certificate and every Fargate pair boundary", () => {
    const { config } = parse(
      raw({
        config: {
          imageUri: IMAGE,
          imagePlatform: "linux/arm64",
          certificateArn: CERT,
          cpu: 16384,
          memory: 122880,
        },
      }),
    );
    assert.equal(config.platform, "ecs");
    if (config.platform !== "ecs") return;
    assert.deepEqual(config.image, {
      uri: IMAGE,
      platform: "linux/arm64",
      retainRepository: true,
      pullAccountIds: [],
      // Pulumi.dev.yaml's; with a prebuilt image nothing is built, so it changes nothing.
      buildCache: true,
      protection: { protect: false, retainOnDelete: false },
    });
    assert.equal(config.ecs.loadBalancer.certificateArn, CERT);
    assert.deepEqual(config.ecs.task, { cpu: 16384, memory: 122880 });
  });

  it("ecs: Fargate Spot with an arm64 image is accepted (FARGATE_SPOT runs ARM64 Linux tasks since 2024-09)", () => {
    // ECS API reference, CapacityProviderStrategyItem (read 2026-12-07): "FARGATE_SPOT supports Linux tasks
    // with the ARM64 architecture on platform version 1.4.0 or later"; aws/containers-roadmap#1594 closed.
    const { config, warnings } = parse(
      raw({ stack: "dev", config: { capacityType: "SPOT", imagePlatform: "linux/arm64" } }),
    );
    assert.deepEqual(warnings, []);
    assert.equal(config.platform, "ecs");
    if (config.platform !== "ecs") return;
    assert.equal(config.ecs.capacityType, "SPOT");
    assert.equal(config.image.platform, "linux/arm64");
  });

  it("observability keys reach the AWS platforms' Args; the synthetic check warns behind a narrowed ALB", () => {
    const { config, warnings } = parse(
      raw({
        config: {
          alarmEmail: "oncall@example.com",
          alarm5xxRatePercent: 2,
          alarmP99LatencyMs: 250,
          allowedCidrs: ["198.51.100.0/24"],
        },
      }),
    );
    assert.equal(config.platform, "ecs");
    if (config.platform !== "ecs") return;
    assert.deepEqual(config.ecs.monitoring, {
      alarmEmail: "oncall@example.com",
      syntheticCheck: true,
      error5xxRatePercent: 2,
      p99LatencyMs: 250,
    });
    assert.deepEqual(warnings, [
      "fastify-deploy:syntheticCheck is true but fastify-deploy:allowedCidrs does not include 0.0.0.0/0: Route 53 health checkers (the ROUTE53_HEALTHCHECKS ranges of https://ip-ranges.amazonaws.com/ip-ranges.json) must reach the ALB, or the synthetic check alarms at once; add those ranges or set syntheticCheck false",
    ]);
    const off = parse(raw({ config: { allowedCidrs: ["198.51.100.0/24"], syntheticCheck: false } }));
    assert.deepEqual(off.warnings, []);
    const eks = parse(raw({ stack: "prod", config: { allowedCidrs: ["198.51.100.0/24"] } }));
    assert.ok(eks.warnings.some((w) => w.startsWith("fastify-deploy:syntheticCheck is true but")));
  });

  // Issue 24, item 8: Docker Hub's anonymous limit (10 pulls/hour per IPv4 address: docker/docs
  // content/manuals/docker-hub/usage/_index.md, read 2026-12-07) breaks the in-cluster Jobs.
  it("kubernetes: an in-cluster Node image from Docker Hub warns; the default mirror does not", () => {
    const digest = "sha256:50c3b2f6988dfc307b86e5301d69611af31f4789bdf232863b07d3b02fe55ae0";
    const warningsFor = (ecrRefresherImage?: string) =>
      parse(
        raw({
          config: { platform: "kubernetes", ...(ecrRefresherImage ? { ecrRefresherImage } : {}) },
          secrets: { kubeconfig: KUBECONFIG },
        }),
      ).warnings.filter((w) => w.startsWith("fastify-deploy:ecrRefresherImage"));
    assert.deepEqual(warningsFor(), []);
    assert.deepEqual(warningsFor(`docker.io/library/node@${digest}`), [
      `fastify-deploy:ecrRefresherImage: "docker.io/library/node@${digest}" pulls from docker.io, which limits anonymous pulls per address (10 per hour on Docker Hub): the refresher's and synthetic client's Jobs can fail with ErrImagePull on busy or NAT-shared nodes; prefer a mirror such as public.ecr.aws/docker/library/node@<the same digest>`,
    ]);
    assert.equal(warningsFor(`registry.example.com/node@${digest}`).length, 0);
  });

  // Issue 24, items 4, 5 and 9: what the named cluster's conventions (facts/cluster-profiles.ts) say.
  it("kubernetes: clusterProfile warns where the stack and that cluster's conventions disagree", () => {
    const profileWarnings = (config: Record<string, unknown>) =>
      parse(
        raw({ config: { platform: "kubernetes", ...config }, secrets: { kubeconfig: KUBECONFIG } }),
      ).warnings.filter((w) => w.startsWith("fastify-deploy:clusterProfile"));
    assert.deepEqual(profileWarnings({}), [], "generic assumes nothing");
    assert.deepEqual(profileWarnings({ clusterProfile: "k3s", ingressClassName: "traefik" }), [
      'fastify-deploy:clusterProfile: on k3s the ingress controller (traefik) runs in "kube-system", but ingressControllerNamespace is "ingress-nginx": the NetworkPolicy would shut it out; set ingressControllerNamespace kube-system',
    ]);
    assert.deepEqual(
      profileWarnings({
        clusterProfile: "aks",
        ingressClassName: "webapprouting.kubernetes.azure.com",
        ingressControllerNamespace: "app-routing-system",
      }),
      [],
    );
    assert.deepEqual(profileWarnings({ clusterProfile: "gke-autopilot", ingressClassName: "gce" }), [
      "fastify-deploy:clusterProfile: on GKE Autopilot the built-in Ingress ignores spec.ingressClassName and its load balancer does not come from pods the NetworkPolicy can name; prefer gatewayName/gatewayNamespace (class gke-l7-global-external-managed)",
    ]);
    assert.deepEqual(
      profileWarnings({ clusterProfile: "cilium", serviceType: "NodePort", nodeCidrs: ["10.10.0.0/16"] }),
      [
        "fastify-deploy:clusterProfile: on a Cilium cluster traffic a node forwards (serviceType NodePort) does not match nodeCidrs as ipBlock peers unless Cilium runs with policy-cidr-match-mode: nodes (cilium-config); set it, or expose the app through an Ingress or Gateway",
        "fastify-deploy:clusterProfile: on a Cilium cluster the resource metrics API is not served out of the box, and the HorizontalPodAutoscaler never scales without it: install metrics-server (kubectl get apiservice v1beta1.metrics.k8s.io shows it)",
      ],
    );
    assert.deepEqual(
      profileWarnings({ clusterProfile: "kind", serviceType: "LoadBalancer", nodeCidrs: ["172.18.0.0/16"] }),
      [
        "fastify-deploy:clusterProfile: on kind nothing assigns a LoadBalancer address out of the box (kind: cloud-provider-kind; minikube: minikube tunnel; bare metal: MetalLB); keep waitForAddress false or install one",
        "fastify-deploy:clusterProfile: on kind the resource metrics API is not served out of the box, and the HorizontalPodAutoscaler never scales without it: install metrics-server (kubectl get apiservice v1beta1.metrics.k8s.io shows it)",
      ],
    );
  });

  it("alarmEmail on kubernetes warns (no SNS there); syntheticCheck maps to the in-cluster client", async () => {
    const { config, warnings } = parse(
      raw({
        config: { platform: "kubernetes", alarmEmail: "oncall@example.com" },
        secrets: { kubeconfig: KUBECONFIG },
      }),
    );
    // (dev's own logRetentionDays warns too on kubernetes.)
    assert.deepEqual(
      warnings.filter((w) => w.includes("alarmEmail")),
      ["fastify-deploy:alarmEmail is set but has no effect on platform kubernetes (it applies to ecs, eks)"],
    );
    assert.equal(config.platform, "kubernetes");
    if (config.platform !== "kubernetes") return;
    assert.deepEqual(config.kubernetes.syntheticClient, { image: DEFAULT_ECR_REFRESHER_IMAGE });
    const off = parse(
      raw({ config: { platform: "kubernetes", syntheticCheck: false }, secrets: { kubeconfig: KUBECONFIG } }),
    );
    assert.equal(off.config.platform === "kubernetes" && off.config.kubernetes.syntheticClient, undefined);
  });

  it("prodGrade protects the image repository on ecs and eks only, where the key applies (issue 27)", () => {
    const on = { protect: true, retainOnDelete: true };
    const off = { protect: false, retainOnDelete: false };
    assert.deepEqual(parse(raw(prodEcs())).config.image.protection, on);
    assert.deepEqual(parse(raw({ stack: "prod" }), "prod").config.image.protection, on);
    assert.deepEqual(parse(raw({ stack: "dev" })).config.image.protection, off);
    const k8s = parse(
      raw({ config: { platform: "kubernetes", prodGrade: true }, secrets: { kubeconfig: KUBECONFIG } }),
    );
    assert.ok(
      k8s.warnings.includes(
        "fastify-deploy:prodGrade is set but has no effect on platform kubernetes (it applies to ecs, eks)",
      ),
    );
    assert.deepEqual(k8s.config.image.protection, off);
  });

  it("retainImageRepository false on a stack that builds nothing warns", () => {
    const { warnings } = parse(raw({ config: { imageUri: IMAGE, retainImageRepository: false } }));
    assert.deepEqual(warnings, [
      "fastify-deploy:retainImageRepository is set but has no effect with imageUri (this stack builds no image and creates no repository)",
    ]);
    assert.deepEqual(parse(raw({ config: { retainImageRepository: false } })).warnings, []);
  });

  it("kubernetes: the kubeconfig is a secret Output; ECS-only keys set anyway warn", async () => {
    const { config, warnings } = parse(
      raw({
        config: { platform: "kubernetes", cpu: 512, memory: 1024 },
        secrets: { kubeconfig: KUBECONFIG },
      }),
    );
    assert.equal(config.platform, "kubernetes");
    if (config.platform !== "kubernetes") return;
    assert.equal(await pulumi.isSecret(config.kubernetes.cluster.kubeconfig), true);
    // Without clusterIdentifier the provider's identity stays the API server URL (no change for existing stacks).
    assert.equal(config.kubernetes.cluster.identifier, "https://127.0.0.1:6443");
    // auto: no wait for an address on a cluster we know nothing about; the refresher's pinned image.
    assert.equal(config.kubernetes.awaitAddress, false);
    assert.deepEqual(config.kubernetes.networkPolicy, { namespaces: [], cidrs: [] });
    assert.equal(config.kubernetes.ingressControllerNamespace, "ingress-nginx");
    // A built image lives in this stack's ECR repository: a refreshed ECR pull secret, in the pinned image.
    assert.deepEqual(config.kubernetes.imagePull, { ecr: { refresherImage: DEFAULT_ECR_REFRESHER_IMAGE } });
    assert.deepEqual(warnings, [
      // Pulumi.dev.yaml logs rejected flows only; on kubernetes there is no VPC of ours.
      "fastify-deploy:vpcFlowLogTraffic is set but has no effect on platform kubernetes (it applies to ecs, eks)",
      // Pulumi.dev.yaml turns the web ACL off; on kubernetes there is none to turn off.
      "fastify-deploy:wafMode is set but has no effect on platform kubernetes (it applies to ecs, eks)",
      "fastify-deploy:cpu is set but has no effect on platform kubernetes (it applies to ecs)",
      "fastify-deploy:memory is set but has no effect on platform kubernetes (it applies to ecs)",
      "fastify-deploy:logRetentionDays is set but has no effect on platform kubernetes (it applies to ecs, eks)",
      "fastify-deploy:capacityType is set but has no effect on platform kubernetes (it applies to ecs)",
    ]);
  });
});

describe("kubernetes: how the cluster pulls the image (computed in config)", () => {
  const pull = (config: Record<string, unknown>) => {
    const parsed = parse(
      raw({ config: { platform: "kubernetes", ...config }, secrets: { kubeconfig: KUBECONFIG } }),
    ).config;
    assert.equal(parsed.platform, "kubernetes");
    return parsed.platform === "kubernetes" ? parsed.kubernetes.imagePull : undefined;
  };
  const refreshed = { ecr: { refresherImage: DEFAULT_ECR_REFRESHER_IMAGE } };

  it("a built image: this stack's ECR repository, a refreshed pull secret", () => {
    assert.deepEqual(pull({}), refreshed);
  });
  it("a prebuilt ECR image: the same refreshed secret", () => {
    assert.deepEqual(pull({ imageUri: IMAGE }), refreshed);
  });
  it("a prebuilt image from another registry: nothing to refresh", () => {
    assert.deepEqual(pull({ imageUri: `ghcr.io/acme/app@sha256:${DIGEST}` }), { none: true });
  });
  it("an existing pull secret wins", () => {
    assert.deepEqual(pull({ imageUri: IMAGE, imagePullSecret: "regcred" }), {
      existingSecretName: "regcred",
    });
  });
});

describe("the refresher runs in the Dockerfile's pinned base image", () => {
  it("has the same node index digest as RUNTIME_IMAGE, so one base-image bump covers both", () => {
    const dockerfile = readFileSync(path.join(ROOT, "Dockerfile"), "utf8");
    const runtime = /^ARG RUNTIME_IMAGE=node:[^@\s]+@(sha256:[a-f0-9]{64})$/m.exec(dockerfile);
    assert.ok(runtime, "the Dockerfile pins RUNTIME_IMAGE by digest");
    // From the Docker Official Images' mirror on ECR Public, not Docker Hub (issue 24, item 8).
    assert.equal(DEFAULT_ECR_REFRESHER_IMAGE, `public.ecr.aws/docker/library/node@${runtime[1]}`);
  });
});

describe("kubernetesVersion held against the day (facts/eks-versions.ts), warning as it ages", () => {
  const key = "fastify-deploy:kubernetesVersion";
  const COST = "$0.60/h instead of $0.10/h, $365/month more per cluster";
  const UPGRADE = "upgrade one minor at a time (docs/eks.md#upgrading-kubernetes)";
  /** dev switched to eks with a version and policy, parsed on `today`: its warnings or its problems. */
  function outcome(today: string, kubernetesVersion: string, kubernetesSupportType: string) {
    const options = eks({ kubernetesVersion, kubernetesSupportType });
    try {
      const { warnings } = parse(raw(options), "dev", true, today);
      return { warnings: warnings.filter((w) => w.startsWith(`${key}:`)), problems: [] as readonly string[] };
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      return { warnings: [] as string[], problems: error.problems };
    }
  }
  const cases: {
    name: string;
    today: string;
    version: string;
    type: string;
    warnings?: string[];
    problems?: string[];
  }[] = [
    {
      name: "1.36 on the day it became the default: standard support for 238 more days, silent",
      today: "2026-12-07",
      version: "1.36",
      type: "STANDARD",
      warnings: [],
    },
    {
      name: "1.35 61 days before its end of standard support: silent",
      today: "2027-01-25",
      version: "1.35",
      type: "STANDARD",
      warnings: [],
    },
    {
      name: "1.35 60 days before, STANDARD: EKS will upgrade it behind the pin",
      today: "2027-01-26",
      version: "1.35",
      type: "STANDARD",
      warnings: [
        `${key}: 1.35's EKS standard support ends 2027-03-27 (in 60 days): with kubernetesSupportType STANDARD, EKS then upgrades the control plane to 1.36 on its own, away from the pinned version; or set EXTENDED to keep it (${COST}); ${UPGRADE} before`,
      ],
    },
    {
      name: "1.34 the day before its end of standard support, EXTENDED: the bill is about to rise",
      today: "2026-12-01",
      version: "1.34",
      type: "EXTENDED",
      warnings: [
        `${key}: 1.34's EKS standard support ends 2026-12-02 (in 1 days): with kubernetesSupportType EXTENDED, the control plane then bills ${COST}; ${UPGRADE} before`,
      ],
    },
    {
      name: "1.34 on its end of standard support, EXTENDED: billed extended from that day (UTC)",
      today: "2026-12-02",
      version: "1.34",
      type: "EXTENDED",
      warnings: [
        `${key}: 1.34 is in EKS extended support since 2026-12-02 (until 2027-12-02, in 365 days): the control plane bills ${COST}; ${UPGRADE}`,
      ],
    },
    {
      name: "1.34, the old default and prod's, today: in extended support",
      today: "2026-12-07",
      version: "1.34",
      type: "EXTENDED",
      warnings: [
        `${key}: 1.34 is in EKS extended support since 2026-12-02 (until 2027-12-02, in 360 days): the control plane bills ${COST}; ${UPGRADE}`,
      ],
    },
    {
      name: "1.34 on its end of extended support: refused",
      today: "2027-12-02",
      version: "1.34",
      type: "EXTENDED",
      problems: [
        `${key}: got "1.34"; EKS extended support for 1.34 ended 2027-12-02 (EKS creates no new cluster on it and upgrades existing control planes on its own); expected one of 1.35, 1.36 (the versions EKS runs on 2027-12-02, facts/eks-versions.ts)`,
      ],
    },
    {
      name: "1.31 the day before its end of extended support: still accepted, with its cost",
      today: "2026-11-25",
      version: "1.31",
      type: "EXTENDED",
      warnings: [
        `${key}: 1.31 is in EKS extended support since 2025-11-26 (until 2026-11-26, in 1 days): the control plane bills ${COST}; ${UPGRADE}`,
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(outcome(c.today, c.version, c.type), {
        warnings: c.warnings ?? [],
        problems: c.problems ?? [],
      });
    });
  }

  it("the committed prod and the default are in standard support today, with no version warning", () => {
    const today = new Date().toISOString().slice(0, 10);
    for (const stack of ["prod", "dev"]) {
      const { config, warnings } = parse(
        raw({ stack, config: stack === "dev" ? eks({}).config : {} }),
        stack,
        true,
        today,
      );
      assert.ok(config.platform === "eks");
      assert.equal(config.eks.kubernetesSupportType, "STANDARD");
      assert.deepEqual(
        warnings.filter((w) => w.startsWith(`${key}:`)),
        [],
        `${stack} on ${config.eks.kubernetesVersion}, ${today}`,
      );
    }
  });
});

describe("Pulumi.yaml declares exactly the keys config/keys.ts knows", () => {
  const project = readProject();

  it("same keys; only platform is required", () => {
    assert.deepEqual(Object.keys(project.config).sort(), Object.keys(CONFIG_KEYS).sort());
    const required = Object.entries(project.config).filter(([, spec]) => spec.default === undefined);
    assert.deepEqual(
      required.map(([key]) => key),
      ["platform"],
    );
  });

  it("every default is of its declared type and valid under the key's schema", () => {
    const jsType = { string: "string", integer: "number", boolean: "boolean", array: "object" } as const;
    for (const [key, spec] of Object.entries(project.config)) {
      if (spec.default === undefined || spec.type === undefined) continue;
      assert.equal(typeof spec.default, jsType[spec.type], key);
      assert.equal(Array.isArray(spec.default), spec.type === "array", key);
      const text = typeof spec.default === "string" ? spec.default : JSON.stringify(spec.default);
      const schema = CONFIG_KEYS[key as keyof typeof CONFIG_KEYS].schema;
      assert.ok(schema.safeParse(text).success, `${key}: default ${text} fails its own schema`);
    }
  });

  it("every key has a description", () => {
    for (const [key, spec] of Object.entries(project.config)) {
      assert.ok((spec.description ?? "").length > 20, `${key} needs a description`);
    }
  });

  it("uses the nodejs runtime with TypeScript (loaded through tsconfig.pulumi.json) and npm", () => {
    assert.equal(project.name, "fastify-deploy");
    assert.deepEqual(project.runtime, {
      name: "nodejs",
      options: { typescript: true, tsconfig: "tsconfig.pulumi.json", packagemanager: "npm" },
    });
  });
});

describe("issue 28: each silent mistake refused (or warned) with one exact line", () => {
  const key = (k: string) => `fastify-deploy:${k}`;
  const usGovCert =
    "arn:aws-us-gov:acm:us-gov-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012";
  const partitionLine = (k: string, arn: string, partition: string) =>
    `${key(k)}: got ${JSON.stringify(arn)} in partition ${partition}; expected an ARN in partition aws, the partition of aws:region us-east-1 (AWS partitions are separate: a stack's resources can use no ARN of another)`;
  const warnings = (options: Omit<RunOptions, "stack">): string[] => parse(raw(options)).warnings;
  const refused: { name: string; options: Omit<RunOptions, "stack">; expected: string[] }[] = [
    {
      // facts/instance-catalog.ts: t3.micro has 2 ENIs × 2 IPv4 addresses: 2 × (2 − 1) + 2 = 4 pods, all
      // taken by the four DaemonSets every node runs.
      name: "eks: t3.micro nodes cannot hold the cluster's own pods and the app",
      options: eks({ nodeInstanceTypes: ["t3.micro"] }),
      expected: [
        `${key("nodeInstanceTypes")}: got ["t3.micro"], whose t3.micro runs at most 4 pods per node (the VPC CNI's limit), 4 of them the cluster's own on every node (aws-node 1, kube-proxy 1, eks-pod-identity-agent 1, fluent-bit 1): nodeMaxSize 4 nodes leave room for 0; expected room for 7, the cluster's own 6 (coredns 2, metrics-server 1, aws-load-balancer-controller 2, cluster-autoscaler 1) and minCount 1 app pods: a larger type (t3.medium runs 17, m6i.large 29) or more nodes`,
      ],
    },
    {
      name: "eks: a misspelt node type, with the type it resembles",
      options: eks({ nodeInstanceTypes: ["m6i.lage"] }),
      expected: [
        `${key("nodeInstanceTypes")}: got "m6i.lage", which is not an EC2 instance type in facts/instance-catalog.ts; expected one such as t3.medium or m6i.large (did you mean m6i.large?); a type newer than the catalog: regenerate it (scripts/instance-catalog.ts)`,
      ],
    },
    {
      name: "eks: a misspelt bastion type",
      options: eks({ bastionInstanceType: "t3.micr" }),
      expected: [
        `${key("bastionInstanceType")}: got "t3.micr", which is not an EC2 instance type in facts/instance-catalog.ts; expected one such as t3.medium or m6i.large (did you mean t3.micro?); a type newer than the catalog: regenerate it (scripts/instance-catalog.ts)`,
      ],
    },
    {
      name: "eks: adminRoleArns in aws-cn and certificateArn in aws-us-gov on a us-east-1 stack (one line each)",
      options: eks({ adminRoleArns: ["arn:aws-cn:iam::123456789012:role/admin"], certificateArn: usGovCert }),
      expected: [
        partitionLine("certificateArn", usGovCert, "aws-us-gov"),
        partitionLine("adminRoleArns", "arn:aws-cn:iam::123456789012:role/admin", "aws-cn"),
      ],
    },
    {
      name: "eks: deployerRoleArn and hostedZoneRoleArn go through the same partition rule",
      options: eks({
        deployerRoleArn: "arn:aws-us-gov:iam::123456789012:role/deployer",
        domainName: "api.example.com",
        hostedZoneId: "Z0123456789ABCDEFGHIJ",
        hostedZoneRoleArn: "arn:aws-cn:iam::123456789012:role/dns",
      }),
      expected: [
        partitionLine("hostedZoneRoleArn", "arn:aws-cn:iam::123456789012:role/dns", "aws-cn"),
        partitionLine("deployerRoleArn", "arn:aws-us-gov:iam::123456789012:role/deployer", "aws-us-gov"),
      ],
    },
    {
      name: "the provider's aws:assumeRoles go through the same partition rule",
      options: { config: { "aws:assumeRoles": [{ roleArn: "arn:aws-cn:iam::123456789012:role/deployer" }] } },
      expected: [
        `aws:assumeRoles: got "arn:aws-cn:iam::123456789012:role/deployer" in partition aws-cn; expected an ARN in partition aws, the partition of aws:region us-east-1 (AWS partitions are separate: a stack's resources can use no ARN of another)`,
      ],
    },
    {
      name: "aws:region given an Availability Zone",
      options: { config: { "aws:region": "us-east-1a" } },
      expected: [
        `aws:region: got "us-east-1a"; expected an AWS region such as us-east-1 or eu-central-1 (not an Availability Zone); did you mean us-east-1?`,
      ],
    },
    {
      name: "aws:region given half a region name",
      options: { config: { "aws:region": "eu-central" } },
      expected: [
        `aws:region: got "eu-central"; expected an AWS region such as us-east-1 or eu-central-1 (not an Availability Zone); did you mean eu-central-1?`,
      ],
    },
    {
      name: "an invalid domainName reports itself only, not a false 'hostedZoneId without domainName'",
      options: { config: { domainName: "Bad_Domain", hostedZoneId: "Z0123456789ABCDEFGHIJ" } },
      expected: [
        `${key("domainName")}: got "Bad_Domain"; expected a lower-case DNS host name such as app.example.com`,
      ],
    },
    {
      name: "kubernetes: an invalid ingressClassName reports itself only, not a false 'ingressHost without ingressClassName'",
      options: {
        config: { platform: "kubernetes", ingressClassName: "Bad_Class", ingressHost: "app.example.com" },
        secrets: { kubeconfig: readFileSync(path.join(ROOT, "test/fixtures/kubeconfig.yaml"), "utf8") },
      },
      expected: [
        `${key("ingressClassName")}: got "Bad_Class"; expected an IngressClass name such as nginx or alb`,
      ],
    },
    {
      // client-go clientcmd/api/v1 types.go: certificate-authority, client-certificate, client-key name files.
      name: "kubernetes: a kubeconfig whose certificates and key are file references",
      options: {
        config: { platform: "kubernetes" },
        secrets: {
          kubeconfig: [
            "apiVersion: v1",
            "clusters: [{name: kind, cluster: {server: 'https://127.0.0.1:6443', certificate-authority: /home/me/.minikube/ca.crt}}]",
            "users: [{name: kind, user: {client-certificate: /home/me/client.crt, client-key: /home/me/client.key}}]",
            "contexts: [{name: kind, context: {cluster: kind, user: kind}}]",
            "current-context: kind",
          ].join("\n"),
        },
      },
      expected: [
        `${key("kubeconfig")}: context "kind": got file references (clusters[].cluster.certificate-authority, users[].user.client-certificate, users[].user.client-key), which work only on the machine that wrote them; expected their contents inline: pulumi config set --secret kubeconfig "$(kubectl config view --raw --flatten --minify)"`,
      ],
    },
  ];
  for (const { name, options, expected } of refused) {
    it(name, () => assert.deepEqual(problems(options), expected));
  }

  it("the committed node types fit: prod's m6i.large, and t3.small is enough for dev's eks form", () => {
    assert.doesNotThrow(() => parse(raw(eks({ nodeInstanceTypes: ["t3.small"] }))));
    assert.doesNotThrow(() => parse(raw({ stack: "prod" }), "prod"));
  });

  it("an ARN in the stack's own partition passes (aws-us-gov on a us-gov-west-1 stack)", () => {
    const result = parse(raw(eks({ "aws:region": "us-gov-west-1", certificateArn: usGovCert })));
    assert.equal(result.config.platform, "eks");
  });

  it("aws:regoin and other keys the AWS provider does not read warn, with the key they resemble", () => {
    assert.deepEqual(warnings({ config: { "aws:regoin": "eu-west-1", "aws:colour": "blue" } }), [
      "aws:colour is not a setting of the AWS provider (@pulumi/aws 7.48.0 reads 35 aws: keys; facts/aws-regions.ts), so nothing reads it",
      "aws:regoin is not a setting of the AWS provider (@pulumi/aws 7.48.0 reads 35 aws: keys; facts/aws-regions.ts), so nothing reads it; did you mean aws:region?",
    ]);
  });

  it("a region-shaped name the table does not list warns (it may be newer than the table); with aws:skipRegionValidation any name only warns", () => {
    const unlisted = (region: string) =>
      `aws:region ${JSON.stringify(region)} is not in the region table (facts/aws-regions.ts, the AWS SDK's partitions as of 2026-12-07): if it is a new region, add it there; if not, pulumi up fails at its first AWS call`;
    assert.deepEqual(warnings({ config: { "aws:region": "eu-west-9" } }), [unlisted("eu-west-9")]);
    assert.deepEqual(
      warnings({ config: { "aws:region": "my-local-region", "aws:skipRegionValidation": true } }),
      [unlisted("my-local-region")],
    );
    assert.deepEqual(warnings({ config: { "aws:region": "ap-south-1" } }), []);
  });
});

describe("tracing (issue 31): one exact line per rule", () => {
  const key = (k: string) => `fastify-deploy:${k}`;
  const kubernetes = (config: Record<string, unknown>): Omit<RunOptions, "stack"> => ({
    config: { platform: "kubernetes", ...config },
    secrets: { kubeconfig: KUBECONFIG },
  });
  const cases: { name: string; options: Omit<RunOptions, "stack">; expected: string[] }[] = [
    {
      name: "an unknown mode and a non-URL endpoint",
      options: { config: { tracing: "jaeger", otlpEndpoint: "collector:4318" } },
      expected: [
        `${key("tracing")}: got "jaeger"; expected one of off, xray, otlp`,
        `${key("otlpEndpoint")}: got "collector:4318"; expected an http(s):// URL of an OTLP/HTTP traces receiver, e.g. http://otel-collector.observability:4318/v1/traces`,
      ],
    },
    {
      name: "otlp without its endpoint",
      options: { config: { tracing: "otlp" } },
      expected: [
        `${key("otlpEndpoint")}: got nothing with tracing otlp; expected the OTLP/HTTP traces URL of a collector, e.g. http://otel-collector.observability:4318/v1/traces`,
      ],
    },
    {
      name: "an endpoint nothing uses",
      options: { config: { tracing: "xray", otlpEndpoint: "http://10.0.0.5:4318/v1/traces" } },
      expected: [
        `${key("otlpEndpoint")}: got "http://10.0.0.5:4318/v1/traces" with tracing xray; expected it unset unless tracing is otlp (nothing would use it)`,
      ],
    },
    {
      name: "xray on kubernetes",
      options: kubernetes({ tracing: "xray" }),
      expected: [
        `${key("tracing")}: got "xray" on platform kubernetes; expected off or otlp (X-Ray takes SigV4-signed spans from an AWS identity, which a cluster we know nothing about does not give the app: run a collector there and set tracing otlp with otlpEndpoint)`,
      ],
    },
    {
      name: "otlp on kubernetes to a host no NetworkPolicy can name",
      options: kubernetes({ tracing: "otlp", otlpEndpoint: "https://otlp.example.com/v1/traces" }),
      expected: [
        `${key("otlpEndpoint")}: got "https://otlp.example.com/v1/traces", whose host is neither an IPv4 address nor an in-cluster Service name (<service>.<namespace>[.svc[.<domain>]]); expected an in-cluster Service URL (http://<service>.<namespace>:<port>/v1/traces) or an IPv4 address on kubernetes, which the app's NetworkPolicy admits as its one egress`,
      ],
    },
  ];
  for (const { name, options, expected } of cases) {
    it(name, () => {
      assert.deepEqual(problems(options), expected);
    });
  }

  it("maps each mode into the app's settings; ecs takes any OTLP host", () => {
    const settings = (options: Omit<RunOptions, "stack">) => {
      const { config } = parse(raw(options));
      return config.platform === "ecs"
        ? config.ecs.app.tracing
        : config.platform === "kubernetes"
          ? config.kubernetes.app.tracing
          : config.eks.app.tracing;
    };
    assert.deepEqual(settings({ config: {} }), { mode: "off" });
    assert.deepEqual(settings({ config: { tracing: "xray" } }), { mode: "xray" });
    assert.deepEqual(
      settings({ config: { tracing: "otlp", otlpEndpoint: "https://otlp.example.com/v1/traces" } }),
      {
        mode: "otlp",
        endpoint: "https://otlp.example.com/v1/traces",
      },
    );
    const endpoint = "http://otel-collector.observability:4318/v1/traces";
    assert.deepEqual(settings(kubernetes({ tracing: "otlp", otlpEndpoint: endpoint })), {
      mode: "otlp",
      endpoint,
    });
  });
});

describe("tracing: the ADOT collector pin ages (facts/tracing.ts)", () => {
  it("warns with xray once the pin was checked more than 120 days ago, not before, not without xray", () => {
    const on = { tracing: "xray" } as Valid;
    const off = { tracing: "off" } as Valid;
    assert.deepEqual(tracingWarnings(on, "2027-04-06", "2026-12-07"), []);
    assert.deepEqual(tracingWarnings(on, "2027-04-07", "2026-12-07"), [
      `fastify-deploy:tracing: the ADOT collector pin ${ADOT_COLLECTOR_IMAGE} was last checked 2026-12-07 (121 days ago): look for a newer release (github.com/aws-observability/aws-otel-collector/releases) and update facts/tracing.ts`,
    ]);
    assert.deepEqual(tracingWarnings(off, "2030-01-01", "2026-12-07"), []);
    // The committed pin is within its window today, so the committed stacks do not warn.
    assert.deepEqual(tracingWarnings(on, TODAY), []);
  });
});

describe("progressive delivery (issue 29): the ECS API's limits, one exact line per rule", () => {
  const key = (k: string) => `fastify-deploy:${k}`;
  const cases: { name: string; options: Omit<RunOptions, "stack">; expected: string[] }[] = [
    {
      name: "an unknown strategy",
      options: { config: { rolloutStrategy: "blue-green" } },
      expected: [
        `${key("rolloutStrategy")}: got "blue-green"; expected one of rolling, canary, linear, blueGreen`,
      ],
    },
    {
      name: "a canary of 0 % (CanaryConfiguration: 0.1 to 100.0)",
      options: { config: { rolloutStrategy: "canary", canaryPercent: "0" } },
      expected: [`${key("canaryPercent")}: got 0; expected a number from 0.1 to 100 in steps of 0.1`],
    },
    {
      name: "a canary above 100 %",
      options: { config: { rolloutStrategy: "canary", canaryPercent: "100.1" } },
      expected: [`${key("canaryPercent")}: got 100.1; expected a number from 0.1 to 100 in steps of 0.1`],
    },
    {
      name: "a canary percent finer than 0.1 (multiples of 0.1 only)",
      options: { config: { rolloutStrategy: "canary", canaryPercent: "2.55" } },
      expected: [`${key("canaryPercent")}: got "2.55"; expected a number from 0.1 to 100 in steps of 0.1`],
    },
    {
      name: "a linear step below 3 % (LinearConfiguration: 3.0 to 100.0)",
      options: { config: { rolloutStrategy: "linear", linearStepPercent: "2.9" } },
      expected: [`${key("linearStepPercent")}: got 2.9; expected a number from 3 to 100 in steps of 0.1`],
    },
    {
      name: "a bake above 24 hours (0 to 1440 minutes)",
      options: { config: { rolloutStrategy: "blueGreen", rolloutBakeMinutes: 1441 } },
      expected: [`${key("rolloutBakeMinutes")}: got 1441; expected an integer from 0 to 1440`],
    },
    {
      name: "a canary baked shorter than the rollback alarms' window",
      options: { config: { rolloutStrategy: "canary", rolloutBakeMinutes: 4 } },
      expected: [
        `${key("rolloutBakeMinutes")}: got 4 with rolloutStrategy canary; expected at least 5 (the rollback alarms judge 5 one-minute periods, and a step that bakes less is promoted before they can fire)`,
      ],
    },
    {
      name: "blue/green with no bake (the old revision would be gone before an alarm could fire)",
      options: { config: { rolloutStrategy: "blueGreen", rolloutBakeMinutes: 0 } },
      expected: [
        `${key("rolloutBakeMinutes")}: got 0 with rolloutStrategy blueGreen; expected at least 5 (the rollback alarms judge 5 one-minute periods, and a step that bakes less is promoted before they can fire)`,
      ],
    },
    {
      name: "every problem at once, with the other keys' problems",
      options: {
        config: {
          rolloutStrategy: "linear",
          linearStepPercent: "101",
          rolloutBakeMinutes: 2,
          desiredCount: 0,
        },
      },
      expected: [
        `${key("desiredCount")}: got 0; expected an integer from 1 to 100`,
        `${key("linearStepPercent")}: got 101; expected a number from 3 to 100 in steps of 0.1`,
        `${key("rolloutBakeMinutes")}: got 2 with rolloutStrategy linear; expected at least 5 (the rollback alarms judge 5 one-minute periods, and a step that bakes less is promoted before they can fire)`,
      ],
    },
  ];
  for (const { name, options, expected } of cases) {
    it(name, () => {
      assert.deepEqual(problems(options), expected);
    });
  }

  it("rolling needs no bake: 0 passes, and the default is today's rolling update", () => {
    const { config } = parse(raw({ config: { rolloutBakeMinutes: 0 } }));
    assert.equal(config.platform, "ecs");
    assert.deepEqual(config.platform === "ecs" && config.ecs.rollout, {
      strategy: "rolling",
      canaryPercent: 5,
      linearStepPercent: 10,
      bakeMinutes: 0,
    });
  });

  it("the edges of each range pass, and reach every platform's Args as `rollout`", () => {
    const rollout = { strategy: "canary", canaryPercent: 0.1, linearStepPercent: 3, bakeMinutes: 1440 };
    const config = {
      rolloutStrategy: "canary",
      canaryPercent: "0.1",
      linearStepPercent: "3.0",
      rolloutBakeMinutes: 1440,
    };
    const ecs = parse(raw({ config })).config;
    assert.deepEqual(ecs.platform === "ecs" && ecs.ecs.rollout, rollout);
    const prod = parse(raw({ stack: "prod", config })).config;
    assert.deepEqual(prod.platform === "eks" && prod.eks.rollout, rollout);
    const k8s = parse(
      raw({ config: { ...config, platform: "kubernetes" }, secrets: { kubeconfig: KUBECONFIG } }),
    ).config;
    assert.deepEqual(k8s.platform === "kubernetes" && k8s.kubernetes.rollout, rollout);
    const top = parse(
      raw({ config: { ...config, canaryPercent: "100", linearStepPercent: "100.0" } }),
    ).config;
    assert.deepEqual(top.platform === "ecs" && top.ecs.rollout, {
      ...rollout,
      canaryPercent: 100,
      linearStepPercent: 100,
    });
  });
});

describe("secrets (issue 25): one exact line per rule", () => {
  const SM = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf";
  const SSM = "arn:aws:ssm:us-east-1:123456789012:parameter/prod/api-key";
  const FORMS =
    "a Secrets Manager ARN arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-<6 chars>[:<json-key>:<version-stage>:<version-id>] or an SSM parameter ARN arn:<partition>:ssm:<region>:<account>:parameter/<name>";
  const key = "fastify-deploy:secrets";
  const json = (value: unknown) => JSON.stringify(value);
  const k8s = (config: Record<string, unknown>) => ({
    config: { platform: "kubernetes", ...config },
    secrets: { kubeconfig: KUBECONFIG },
  });
  const cases: { name: string; options: Omit<RunOptions, "stack">; expected: string[] }[] = [
    {
      name: "not a JSON object",
      options: { config: { secrets: "[1]" } },
      expected: [
        `${key}: got "[1]"; expected a JSON object from environment variable name to secret ARN, e.g. {"DB_PASSWORD":"arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"} (pulumi config set secrets '{"DB_PASSWORD":"arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"}')`,
      ],
    },
    {
      name: "a bad name, a reserved name and a bad ARN, all at once",
      options: { config: { secrets: json({ "1X": SM, PORT: SM, TOKEN: "arn:aws:s3:::bucket/key" }) } },
      expected: [
        `${key}: got "1X" as a name; expected an environment variable name (1..128 of A-Z a-z 0-9 _, not starting with a digit)`,
        `${key}: got "PORT" as a name; expected a name the platform does not set itself (reserved: PORT, HOST, LOG_LEVEL, SHUTDOWN_DRAIN_DELAY_MS, SHUTDOWN_TIMEOUT_MS, APP_COMMIT, APP_PLATFORM, TRACING, OTLP_TRACES_ENDPOINT, NODE_ENV, SECRET_ENV_NAMES, NODE_OPTIONS)`,
        `${key}: got "arn:aws:s3:::bucket/key" for TOKEN; expected ${FORMS}`,
      ],
    },
    {
      name: "a Secrets Manager ARN without its 6-character suffix",
      options: {
        config: { secrets: json({ DB: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db" }) },
      },
      expected: [
        `${key}: got "arn:aws:secretsmanager:us-east-1:123456789012:secret:db" for DB; expected ${FORMS}`,
      ],
    },
    {
      name: "another partition than aws:region's",
      options: { config: { secrets: json({ DB: SM.replace("arn:aws:", "arn:aws-cn:") }) } },
      expected: [
        `${key}: got "${SM.replace("arn:aws:", "arn:aws-cn:")}" for DB in partition aws-cn; expected an ARN in partition aws, aws:region us-east-1's (a role in one partition is never granted another's secrets)`,
      ],
    },
    {
      name: "eks: another region (the CSI driver's AWS provider reads one)",
      options: eks({ secrets: json({ DB: SM.replace("us-east-1", "eu-west-1") }) }),
      expected: [
        `${key}: got "${SM.replace("us-east-1", "eu-west-1")}" for DB in region eu-west-1; expected a secret in aws:region us-east-1 (the CSI driver's AWS provider reads one region; replicate the secret there)`,
      ],
    },
    {
      name: "a KMS key without secrets",
      options: {
        config: {
          secretsKmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        },
      },
      expected: [
        `fastify-deploy:secretsKmsKeyArn: got "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" without secrets; expected "" (the key only decrypts the declared secrets) or set secrets`,
      ],
    },
    {
      name: "a KMS alias instead of a key",
      options: { config: { secretsKmsKeyArn: "arn:aws:kms:us-east-1:123456789012:alias/db" } },
      expected: [
        'fastify-deploy:secretsKmsKeyArn: got "arn:aws:kms:us-east-1:123456789012:alias/db"; expected a KMS key ARN arn:<partition>:kms:<region>:<12-digit account>:key/<key id>',
      ],
    },
    {
      name: "kubernetes: secrets without the program's refresher",
      options: k8s({ secrets: json({ DB: SM }), imagePullSecret: "regcred" }),
      expected: [
        `${key}: got 1 secret(s) with imagePullSecret "regcred"; expected the ECR image pulled through the program's refresher (imagePullSecret "" and an ECR imageUri or none), which is what reads the secrets into the cluster on kubernetes (docs/secrets.md)`,
      ],
    },
    {
      name: "kubernetes: an issuer that is not https",
      options: k8s({ serviceAccountIssuer: "http://issuer.example.com/" }),
      expected: [
        `fastify-deploy:serviceAccountIssuer: got "http://issuer.example.com/"; expected the cluster's service-account issuer as its tokens' iss claim says it, an https:// URL without query, fragment or trailing slash (kubectl get --raw /.well-known/openid-configuration)`,
      ],
    },
  ];
  for (const { name, options, expected } of cases) {
    it(name, () => assert.deepEqual(problems(options), expected));
  }

  it("maps to every platform's Args sorted by name, with the names' order never the config's", () => {
    const config = { secrets: json({ Z_KEY: SSM, DB_PASSWORD: `${SM}:password::` }) };
    const expected = {
      env: [
        { name: "DB_PASSWORD", valueFrom: `${SM}:password::` },
        { name: "Z_KEY", valueFrom: SSM },
      ],
    };
    for (const options of [{ config }, eks(config), k8s(config)]) {
      const parsed = parse(raw(options)).config as unknown as Record<string, { secrets: unknown }>;
      const platform = (parsed as unknown as { platform: string }).platform;
      assert.deepEqual(parsed[platform]?.secrets, expected, platform);
    }
  });

  it("kubernetes: a public issuer federates; without one the key slots follow the rotation schedule", () => {
    const access = (config: Record<string, unknown>, today: string) => {
      const parsed = parse(raw(k8s(config)), "dev", true, today).config;
      return parsed.platform === "kubernetes" ? parsed.kubernetes.awsAccess : undefined;
    };
    assert.deepEqual(access({ serviceAccountIssuer: "https://oidc.example.com/cluster" }, TODAY), {
      webIdentity: { issuer: "https://oidc.example.com/cluster" },
    });
    // 2026-12-07 is day 20794 since 1970-01-01: generation 693 (odd), so slot b is the newer key.
    const now = access({ clusterEgressCidrs: json(["198.51.100.0/24"]) }, TODAY);
    assert.deepEqual(now, {
      accessKey: { generations: { a: 692, b: 693 }, egressCidrs: ["198.51.100.0/24"] },
    });
    // 30 days on, slot a is renewed (694) while b (693) stays: two keys overlap, one moves at a time.
    assert.deepEqual(access({}, "2027-01-06"), {
      accessKey: { generations: { a: 694, b: 693 }, egressCidrs: [] },
    });
  });
});
