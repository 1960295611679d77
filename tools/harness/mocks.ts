/**
 * What the (mock) providers return. Remote components (awsx, eks) and providers with side effects
 * (docker) are opaque under mocks: the outputs returned for them follow the shapes their SDK typings
 * declare. To support a new resource type or function, add an entry to {@link MOCK_RESOURCE_OUTPUTS}
 * or {@link MOCK_CALLS}; an unmocked function call fails the run, so nothing silently resolves to
 * `undefined`.
 */
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { awsxAutoLayout } from "../../platforms/aws/subnet-layout";

export const MOCK_ACCOUNT_ID = "123456789012";

export interface MockContext {
  stack: string;
  region: string;
  /** A stable 7-character suffix for physical names, like the engine's auto-naming but deterministic. */
  suffix: (seed: string) => string;
  hex: (seed: string, length?: number) => string;
}

/** Deterministic ids and names per stack: the same seed gives the same value on every run. */
export function mockContext(stack: string, region: string): MockContext {
  const hex = (seed: string, length = 64): string =>
    createHash("sha256").update(`${stack}/${seed}`).digest("hex").slice(0, length);
  return { stack, region, hex, suffix: (seed) => hex(`name/${seed}`, 7) };
}

type ResourceMock = (args: pulumi.runtime.MockResourceArgs, ctx: MockContext) => Record<string, unknown>;
type CallMock = (inputs: Record<string, unknown>, ctx: MockContext) => Record<string, unknown>;

const arn = (ctx: MockContext, service: string, resource: string): string =>
  `arn:aws:${service}:${ctx.region}:${MOCK_ACCOUNT_ID}:${resource}`;
const physicalName = (args: pulumi.runtime.MockResourceArgs, ctx: MockContext): string =>
  (args.inputs.name as string | undefined) ?? `${args.name}-${ctx.suffix(args.name)}`;

function subnetIds(ctx: MockContext, vpcName: string, kind: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `subnet-${ctx.hex(`${vpcName}/${kind}/${i}`, 17)}`);
}

/**
 * An IAM resource at the root path: its global ARN (no region) and its unique id, whose prefix IAM
 * uses to name the kind (AROA role, ANPA policy, AIPA instance profile).
 */
function iamResource(kind: string, idKey: string, idPrefix: string): ResourceMock {
  return (args, ctx) => {
    const name = physicalName(args, ctx);
    return {
      name,
      arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:${kind}/${name}`,
      [idKey]: `${idPrefix}${ctx.hex(name, 16).toUpperCase()}`,
    };
  };
}

/**
 * An AWS resource with pulumi-aws v7's per-resource `region` lives there (its ARN names it), whatever
 * the provider's region: the context a resource mock sees carries its effective region.
 */
function inEffectiveRegion(mocks: Record<string, ResourceMock>): Record<string, ResourceMock> {
  return Object.fromEntries(
    Object.entries(mocks).map(([type, mock]) => [
      type,
      (args, ctx) => mock(args, { ...ctx, region: (args.inputs.region as string | undefined) ?? ctx.region }),
    ]),
  );
}

/** Outputs per resource type, merged over the inputs (as a provider echoes its inputs back). */
export const MOCK_RESOURCE_OUTPUTS: Record<string, ResourceMock> = inEffectiveRegion({
  // awsx:ec2:Vpc (remote component): ids per subnet type, one per AZ, as its typings declare.
  "awsx:ec2:Vpc": (args, ctx) => {
    const azs = (args.inputs.numberOfAvailabilityZones as number | undefined) ?? 3;
    const specs = (args.inputs.subnetSpecs as { type: string }[] | undefined) ?? [
      { type: "Public" },
      { type: "Private" },
    ];
    // awsx refuses a layout its allocator cannot fit; so does the mock (the same arithmetic, reproduced).
    if (args.inputs.subnetStrategy === "Auto") {
      awsxAutoLayout(
        (args.inputs.cidrBlock as string | undefined) ?? "10.0.0.0/16",
        azs,
        (specs as { name?: string; type: string; cidrMask?: number }[]).map((s) => ({
          name: s.name ?? s.type.toLowerCase(),
          cidrMask: s.cidrMask ?? 0,
        })),
      );
    }
    const has = (type: string) => specs.some((s) => s.type === type);
    const strategy = (args.inputs.natGateways as { strategy?: string } | undefined)?.strategy;
    const natCount = strategy === "Single" ? 1 : strategy === "OnePerAz" ? azs : 0;
    return {
      vpcId: `vpc-${ctx.hex(args.name, 17)}`,
      publicSubnetIds: has("Public") ? subnetIds(ctx, args.name, "public", azs) : [],
      privateSubnetIds: has("Private") ? subnetIds(ctx, args.name, "private", azs) : [],
      isolatedSubnetIds: has("Isolated") ? subnetIds(ctx, args.name, "isolated", azs) : [],
      natGateways: Array.from({ length: natCount }, (_, i) => ({
        id: `nat-${ctx.hex(`${args.name}/nat/${i}`, 17)}`,
      })),
      eips: [],
      subnetLayout: specs,
    };
  },
  "aws:ecr/repository:Repository": (args, ctx) => {
    const name = physicalName(args, ctx);
    return {
      name,
      arn: arn(ctx, "ecr", `repository/${name}`),
      registryId: MOCK_ACCOUNT_ID,
      repositoryUrl: `${MOCK_ACCOUNT_ID}.dkr.ecr.${ctx.region}.amazonaws.com/${name}`,
    };
  },
  // docker.Image: the registry's manifest digest of the pushed tag.
  "docker:index/image:Image": (args, ctx) => {
    const imageName = args.inputs.imageName as string;
    const repository = imageName.replace(/:[^/:]+$/, "");
    return {
      imageName,
      baseImageName: imageName,
      registryServer: repository.split("/")[0],
      repoDigest: `${repository}@sha256:${ctx.hex(imageName, 64)}`,
    };
  },
  "aws:ec2/securityGroup:SecurityGroup": (args, ctx) => {
    const id = `sg-${ctx.hex(args.name, 17)}`;
    return { id, arn: arn(ctx, "ec2", `security-group/${id}`), name: physicalName(args, ctx) };
  },
  "aws:lb/loadBalancer:LoadBalancer": (args, ctx) => {
    const name = physicalName(args, ctx);
    const id = ctx.hex(args.name, 16);
    return {
      name,
      arn: arn(ctx, "elasticloadbalancing", `loadbalancer/app/${name}/${id}`),
      arnSuffix: `app/${name}/${id}`,
      dnsName: `${name}-${Number.parseInt(id.slice(0, 8), 16)}.${ctx.region}.elb.amazonaws.com`,
      zoneId: "Z35SXDOTRQ7X7K",
    };
  },
  "aws:lb/targetGroup:TargetGroup": (args, ctx) => {
    const name = physicalName(args, ctx);
    const id = ctx.hex(args.name, 16);
    return {
      name,
      arn: arn(ctx, "elasticloadbalancing", `targetgroup/${name}/${id}`),
      arnSuffix: `targetgroup/${name}/${id}`,
    };
  },
  "aws:lb/listener:Listener": (args, ctx) => ({
    arn: arn(ctx, "elasticloadbalancing", `listener/app/${args.name}/${ctx.hex(args.name, 16)}`),
  }),
  // Issue 29: the production and test rules an ECS traffic-shifting deployment moves.
  "aws:lb/listenerRule:ListenerRule": (args, ctx) => ({
    arn: arn(ctx, "elasticloadbalancing", `listener-rule/app/${args.name}/${ctx.hex(args.name, 16)}`),
  }),
  "aws:cloudwatch/logGroup:LogGroup": (args, ctx) => {
    const name = physicalName(args, ctx);
    return { name, arn: arn(ctx, "logs", `log-group:${name}`) };
  },
  // An IAM OIDC provider's ARN names its issuer's host and path (IAM API reference,
  // CreateOpenIDConnectProvider: arn:aws:iam::<account>:oidc-provider/<url without https://>).
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": (args) => ({
    arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:oidc-provider/${String(args.inputs.url).replace(/^https:\/\//, "")}`,
  }),
  "aws:iam/user:User": (args, ctx) => {
    const name = physicalName(args, ctx);
    const userPath = (args.inputs.path as string | undefined) ?? "/";
    return {
      name,
      arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user${userPath}${name}`,
      uniqueId: `AIDA${ctx.hex(name, 16).toUpperCase()}`,
    };
  },
  // The key id is the resource id; the secret is returned once, at creation.
  "aws:iam/accessKey:AccessKey": (args, ctx) => ({
    id: `AKIA${ctx.hex(args.name, 16).toUpperCase()}`,
    secret: `harness-secret-${ctx.hex(`${args.name}/secret`, 32)}`,
    status: "Active",
  }),
  "aws:iam/role:Role": iamResource("role", "uniqueId", "AROA"),
  "aws:ecs/cluster:Cluster": (args, ctx) => {
    const name = physicalName(args, ctx);
    return { name, arn: arn(ctx, "ecs", `cluster/${name}`) };
  },
  "aws:ecs/taskDefinition:TaskDefinition": (args, ctx) => {
    const family = args.inputs.family as string;
    return {
      arn: arn(ctx, "ecs", `task-definition/${family}:1`),
      arnWithoutRevision: arn(ctx, "ecs", `task-definition/${family}`),
      revision: 1,
    };
  },
  "aws:ecs/service:Service": (args, ctx) => {
    const name = physicalName(args, ctx);
    return { name, arn: arn(ctx, "ecs", `service/${name}`) };
  },
  // eks:index:Cluster (remote component): the outputs the eks schema marks required, with
  // `eksCluster` shaped like aws.eks.Cluster and the kubeconfig @pulumi/eks generates (exec auth
  // through `aws eks get-token`, no credential in it).
  "eks:index:Cluster": (args, ctx) => {
    const name =
      (args.inputs.name as string | undefined) ?? `${args.name}-eksCluster-${ctx.suffix(args.name)}`;
    const id = ctx.hex(args.name, 32).toUpperCase();
    const endpoint = `https://${id}.gr7.${ctx.region}.eks.amazonaws.com`;
    const issuer = `oidc.eks.${ctx.region}.amazonaws.com/id/${id}`;
    const caData = Buffer.from(
      `-----BEGIN CERTIFICATE-----\n${ctx.hex(`${args.name}/ca`)}\n-----END CERTIFICATE-----\n`,
    ).toString("base64");
    const clusterSecurityGroupId = `sg-${ctx.hex(`${args.name}/cluster`, 17)}`;
    const kubeconfig = {
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "kubernetes", cluster: { server: endpoint, "certificate-authority-data": caData } }],
      contexts: [{ name: "aws", context: { cluster: "kubernetes", user: "aws" } }],
      "current-context": "aws",
      users: [
        {
          name: "aws",
          user: {
            exec: {
              apiVersion: "client.authentication.k8s.io/v1beta1",
              command: "aws",
              args: ["eks", "get-token", "--cluster-name", name, "--output", "json"],
            },
          },
        },
      ],
    };
    const privateAccess = args.inputs.endpointPrivateAccess ?? false;
    const publicAccess = args.inputs.endpointPublicAccess ?? true;
    return {
      eksCluster: {
        name,
        arn: arn(ctx, "eks", `cluster/${name}`),
        endpoint,
        version: args.inputs.version,
        platformVersion: "eks.1",
        status: "ACTIVE",
        certificateAuthority: { data: caData },
        identities: [{ oidcs: [{ issuer: `https://${issuer}` }] }],
        vpcConfig: {
          clusterSecurityGroupId,
          vpcId: args.inputs.vpcId,
          subnetIds: [
            ...((args.inputs.publicSubnetIds as string[] | undefined) ?? []),
            ...((args.inputs.privateSubnetIds as string[] | undefined) ?? []),
          ],
          endpointPrivateAccess: privateAccess,
          endpointPublicAccess: publicAccess,
          publicAccessCidrs: publicAccess ? (args.inputs.publicAccessCidrs ?? ["0.0.0.0/0"]) : [],
        },
        accessConfig: { authenticationMode: args.inputs.authenticationMode ?? "CONFIG_MAP" },
      },
      kubeconfig,
      kubeconfigJson: JSON.stringify(kubeconfig),
      oidcIssuer: issuer,
      oidcProviderUrl: `https://${issuer}`,
      oidcProviderArn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:oidc-provider/${issuer}`,
      clusterSecurityGroupId,
      nodeSecurityGroupId: `sg-${ctx.hex(`${args.name}/node`, 17)}`,
      clusterIngressRuleId: `sgrule-${ctx.hex(`${args.name}/ingress`, 10)}`,
      defaultNodeGroupAsgName: "",
      fargateProfileId: "",
      fargateProfileStatus: "",
      autoModeNodeRoleName: "",
      instanceRoles: [],
    };
  },
  // eks:index:ManagedNodeGroup (remote component): `nodeGroup` shaped like aws.eks.NodeGroup.
  "eks:index:ManagedNodeGroup": (args, ctx) => {
    const nodeGroupName = `${args.name}-${ctx.suffix(args.name)}`;
    return {
      nodeGroup: {
        nodeGroupName,
        arn: arn(ctx, "eks", `nodegroup/${nodeGroupName}/${ctx.hex(args.name, 36)}`),
        status: "ACTIVE",
        capacityType: args.inputs.capacityType ?? "ON_DEMAND",
        instanceTypes: args.inputs.instanceTypes,
        scalingConfig: args.inputs.scalingConfig,
        resources: [
          { autoscalingGroups: [{ name: `eks-${nodeGroupName}-${ctx.hex(`${args.name}/asg`, 8)}` }] },
        ],
      },
      placementGroupName: "",
    };
  },
  "aws:kms/key:Key": (args, ctx) => {
    const keyId = [8, 4, 4, 4, 12].map((n, i) => ctx.hex(`${args.name}/${i}`, n)).join("-");
    return { id: keyId, keyId, arn: arn(ctx, "kms", `key/${keyId}`) };
  },
  "aws:ec2/launchTemplate:LaunchTemplate": (args, ctx) => {
    const id = `lt-${ctx.hex(args.name, 17)}`;
    return {
      id,
      name: physicalName(args, ctx),
      latestVersion: 1,
      defaultVersion: 1,
      arn: arn(ctx, "ec2", `launch-template/${id}`),
    };
  },
  "aws:iam/policy:Policy": iamResource("policy", "policyId", "ANPA"),
  "aws:iam/instanceProfile:InstanceProfile": iamResource("instance-profile", "uniqueId", "AIPA"),
  "aws:ec2/instance:Instance": (args, ctx) => {
    const id = `i-${ctx.hex(args.name, 17)}`;
    return {
      id,
      arn: arn(ctx, "ec2", `instance/${id}`),
      privateIp: "10.0.32.10",
      privateDns: `ip-10-0-32-10.ec2.internal`,
      instanceState: "running",
      ...(args.inputs.associatePublicIpAddress ? { publicIp: "198.51.100.10" } : {}),
    };
  },
  "aws:eks/accessEntry:AccessEntry": (args, ctx) => ({
    accessEntryArn: arn(ctx, "eks", `access-entry/${ctx.hex(args.name, 36)}`),
  }),
  // EKS Pod Identity association: its id `a-` + 17 hex characters and ARN, as CreatePodIdentityAssociation returns.
  "aws:eks/podIdentityAssociation:PodIdentityAssociation": (args, ctx) => {
    const associationId = `a-${ctx.hex(args.name, 17)}`;
    return {
      associationId,
      associationArn: arn(ctx, "eks", `podidentityassociation/${args.inputs.clusterName}/${associationId}`),
      id: `${args.inputs.clusterName},${associationId}`,
    };
  },
  // The edge (platforms/aws/edge.ts). ACM asks for one CNAME per name, under the domain.
  "aws:acm/certificate:Certificate": (args, ctx) => {
    const domainName = args.inputs.domainName as string;
    const token = ctx.hex(`${args.name}/validation`, 32);
    return {
      arn: arn(
        ctx,
        "acm",
        `certificate/${[8, 4, 4, 4, 12].map((n, i) => ctx.hex(`${args.name}/${i}`, n)).join("-")}`,
      ),
      domainValidationOptions: [
        {
          domainName,
          resourceRecordName: `_${token}.${domainName}.`,
          resourceRecordType: "CNAME",
          resourceRecordValue: `_${ctx.hex(`${args.name}/value`, 32)}.xlfgrmvvlj.acm-validations.aws.`,
        },
      ],
      status: "PENDING_VALIDATION",
    };
  },
  "aws:route53/record:Record": (args) => ({ fqdn: String(args.inputs.name).replace(/\.$/, "") }),
  // The bucket's id is its name, as the provider sets it.
  "aws:s3/bucket:Bucket": (args, ctx) => {
    const bucket = (args.inputs.bucket as string | undefined) ?? `${args.name}-${ctx.suffix(args.name)}`;
    return { id: bucket, bucket, arn: `arn:aws:s3:::${bucket}`, region: ctx.region };
  },
  "aws:wafv2/webAcl:WebAcl": (args, ctx) => {
    const name = physicalName(args, ctx);
    const id = [8, 4, 4, 4, 12].map((n, i) => ctx.hex(`${args.name}/${i}`, n)).join("-");
    return { id, name, arn: arn(ctx, "wafv2", `regional/webacl/${name}/${id}`), capacity: 700 };
  },
  "kubernetes:helm.sh/v3:Release": (args) => ({
    name: args.inputs.name ?? args.name,
    status: {
      name: args.name,
      namespace: args.inputs.namespace,
      chart: args.inputs.chart,
      status: "deployed",
      version: args.inputs.version,
      revision: 1,
    },
  }),
  // Observability (platforms/aws/: alarms.ts, monitoring.ts, synthetic-check.ts).
  "aws:sns/topic:Topic": (args, ctx) => {
    const name = physicalName(args, ctx);
    return { name, arn: arn(ctx, "sns", name) };
  },
  "aws:cloudwatch/metricAlarm:MetricAlarm": (args, ctx) => {
    const name = physicalName(args, ctx);
    return { name, arn: arn(ctx, "cloudwatch", `alarm:${name}`) };
  },
  "aws:cloudwatch/dashboard:Dashboard": (args) => ({
    dashboardArn: `arn:aws:cloudwatch::${MOCK_ACCOUNT_ID}:dashboard/${args.inputs.dashboardName as string}`,
    id: args.inputs.dashboardName,
  }),
  "aws:route53/healthCheck:HealthCheck": (args, ctx) => {
    const id = `${ctx.hex(`${args.name}/a`, 8)}-${ctx.hex(`${args.name}/b`, 4)}-${ctx.hex(`${args.name}/c`, 4)}-${ctx.hex(`${args.name}/d`, 4)}-${ctx.hex(`${args.name}/e`, 12)}`;
    return { id, arn: `arn:aws:route53:::healthcheck/${id}` };
  },
  // A LoadBalancer Service gets an address from the cluster's load balancer implementation (a cloud's, or
  // MetalLB), an IP of TEST-NET-3 here (RFC 5737); with pulumi.com/skipAwait the provider returns the
  // object as created, before anything wrote a status: no address, as for the Ingress below.
  "kubernetes:core/v1:Service": (args, ctx) => {
    if ((args.inputs.spec as { type?: string } | undefined)?.type !== "LoadBalancer") return {};
    const annotations = (args.inputs.metadata as { annotations?: Record<string, string> } | undefined)
      ?.annotations;
    if (annotations?.["pulumi.com/skipAwait"] === "true") return {};
    const host = (Number.parseInt(ctx.hex(`${args.name}/lb`, 2), 16) % 250) + 1;
    return { status: { loadBalancer: { ingress: [{ ip: `203.0.113.${host}` }] } } };
  },
  // The AWS Load Balancer Controller writes the ALB's DNS name into an `alb` Ingress's status; other
  // classes get none here (no controller to simulate).
  // With pulumi.com/skipAwait the provider returns the object as the create answered it, before any
  // controller wrote a status: no address.
  "kubernetes:networking.k8s.io/v1:Ingress": (args, ctx) => {
    if ((args.inputs.spec as { ingressClassName?: string } | undefined)?.ingressClassName !== "alb")
      return {};
    const annotations = (args.inputs.metadata as { annotations?: Record<string, string> } | undefined)
      ?.annotations;
    if (annotations?.["pulumi.com/skipAwait"] === "true") return {};
    const id = Number.parseInt(ctx.hex(`${args.name}/lb`, 8), 16);
    return {
      status: {
        loadBalancer: {
          ingress: [
            {
              hostname: `k8s-${ctx.hex(args.name, 8)}-${ctx.hex(`${args.name}/tg`, 10)}-${id}.${ctx.region}.elb.amazonaws.com`,
            },
          ],
        },
      },
    };
  },
});

/** Results per provider function token. */
/** What the mocked EKS release_version parameters return. */
export const MOCK_NODE_RELEASE_VERSION = "1.36.0-20261201";

/**
 * What a mocked secret holds: the program must never read it (it handles references only), so this
 * string appearing anywhere in a run is a leak (platforms/workload/secret-env.test.ts).
 */
export const MOCK_SECRET_VALUE = "harness-secret-value-must-never-appear-7f3a";

export const MOCK_CALLS: Record<string, CallMock> = {
  // A secret's value, answered so a program that read one would record the sentinel where the leak test
  // sees it. (aws:ssm/getParameter answers the bastion's public AMI parameter below; the test checks no
  // call names a declared parameter.)
  "aws:secretsmanager/getSecretVersion:getSecretVersion": (inputs) => ({
    arn: inputs.secretId,
    id: inputs.secretId,
    secretId: inputs.secretId,
    secretString: MOCK_SECRET_VALUE,
    versionId: "harness-version",
    versionStages: ["AWSCURRENT"],
  }),
  "aws:index/getCallerIdentity:getCallerIdentity": () => ({
    accountId: MOCK_ACCOUNT_ID,
    arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/harness`,
    userId: "AIDAHARNESS",
    id: MOCK_ACCOUNT_ID,
  }),
  "aws:index/getPartition:getPartition": () => ({ partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" }),
  "aws:index/getRegion:getRegion": (_inputs, ctx) => ({
    name: ctx.region,
    region: ctx.region,
    id: ctx.region,
    endpoint: `ec2.${ctx.region}.amazonaws.com`,
    description: ctx.region,
  }),
  "aws:index/getAvailabilityZones:getAvailabilityZones": (_inputs, ctx) => ({
    names: ["a", "b", "c", "d", "e", "f"].map((z) => `${ctx.region}${z}`),
    zoneIds: [1, 2, 3, 4, 5, 6].map((n) => `use1-az${n}`),
    id: ctx.region,
  }),
  // The bastion's AMI: the public Amazon Linux 2023 parameter.
  "aws:ssm/getParameter:getParameter": (inputs, ctx) => ({
    name: inputs.name,
    // EKS's `…/recommended/release_version` parameters hold an AMI release (e.g. 1.36.0-20261201), the
    // rest an AMI id.
    ...(String(inputs.name).endsWith("/release_version")
      ? { value: MOCK_NODE_RELEASE_VERSION, insecureValue: MOCK_NODE_RELEASE_VERSION }
      : { value: "ami-0123456789abcdef0", insecureValue: "ami-0123456789abcdef0" }),
    type: "String",
    version: 1,
    arn: `arn:aws:ssm:${ctx.region}::parameter${inputs.name as string}`,
    id: inputs.name,
  }),
  // A subnet's CIDR, derived from its id (awsx's subnets are opaque under mocks): a /24 of 10.0.0.0/16.
  "aws:ec2/getSubnet:getSubnet": (inputs, ctx) => {
    const id = inputs.id as string;
    const third = Number.parseInt(createHash("sha256").update(id).digest("hex").slice(0, 2), 16);
    return {
      id,
      cidrBlock: `10.0.${third}.0/24`,
      vpcId: `vpc-${ctx.hex(id, 17)}`,
      availabilityZone: `${ctx.region}a`,
      arn: `arn:aws:ec2:${ctx.region}:${MOCK_ACCOUNT_ID}:subnet/${id}`,
    };
  },
  // The ALB and target group the load balancer controller created, found by its tags (platforms/aws/monitoring.ts):
  // named after the `ingress.k8s.aws/stack` tag, as the controller names them k8s-<ns>-<ingress>-<hash>.
  "aws:lb/getLoadBalancer:getLoadBalancer": (inputs, ctx) => {
    const tags = (inputs.tags ?? {}) as Record<string, string>;
    const stack = tags["ingress.k8s.aws/stack"] ?? "";
    const name = `k8s-${stack.replace("/", "-")}-${ctx.hex(stack, 10)}`.slice(0, 32);
    const id = ctx.hex(`${stack}/lb`, 16);
    return {
      name,
      arn: arn(ctx, "elasticloadbalancing", `loadbalancer/app/${name}/${id}`),
      arnSuffix: `app/${name}/${id}`,
      tags,
      id: arn(ctx, "elasticloadbalancing", `loadbalancer/app/${name}/${id}`),
    };
  },
  "aws:lb/getTargetGroup:getTargetGroup": (inputs, ctx) => {
    const tags = (inputs.tags ?? {}) as Record<string, string>;
    const stack = tags["ingress.k8s.aws/stack"] ?? "";
    const name = `k8s-${stack.replace("/", "-")}-${ctx.hex(`${stack}/tg`, 10)}`.slice(0, 32);
    const id = ctx.hex(`${stack}/tg`, 16);
    return {
      name,
      arn: arn(ctx, "elasticloadbalancing", `targetgroup/${name}/${id}`),
      arnSuffix: `targetgroup/${name}/${id}`,
      tags,
      id: arn(ctx, "elasticloadbalancing", `targetgroup/${name}/${id}`),
    };
  },
  // ELB's Route 53 zone for ALB and Classic LB names in the region (us-east-1's, whatever the region).
  "aws:elb/getHostedZoneId:getHostedZoneId": (_inputs, ctx) => ({ id: "Z35SXDOTRQ7X7K", region: ctx.region }),
  "aws:ecr/getAuthorizationToken:getAuthorizationToken": (inputs, ctx) => ({
    authorizationToken: Buffer.from("AWS:harness-ecr-password").toString("base64"),
    userName: "AWS",
    password: "harness-ecr-password",
    proxyEndpoint: `https://${(inputs.registryId as string | undefined) ?? MOCK_ACCOUNT_ID}.dkr.ecr.${ctx.region}.amazonaws.com`,
    expiresAt: "2030-01-01T00:00:00Z",
    region: ctx.region,
    id: ctx.region,
  }),
};
