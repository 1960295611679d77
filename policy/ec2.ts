/**
 * EC2 policies: security groups (what the internet may reach), the awsx VPC, launch templates and
 * instances (the bastion).
 */
import { LOAD_BALANCER } from "./alb";
import { resourcePolicy, stackPolicy } from "./define";
import {
  asArray,
  asObject,
  coversPort,
  type IngressRule,
  idFromArn,
  ingressRules,
  isObject,
  isWebOnly,
  isWholeInternet,
  SECURITY_GROUP,
  SECURITY_GROUP_RULE,
  VPC_INGRESS_RULE,
} from "./rules";

const RULE_TYPES = [SECURITY_GROUP, SECURITY_GROUP_RULE, VPC_INGRESS_RULE] as const;
const describeRule = (r: IngressRule): string =>
  `${r.protocol === "-1" ? "all traffic" : `${r.protocol} ${r.fromPort}-${r.toPort}`} from ${r.cidrs.filter(isWholeInternet).join(", ")}`;

export const noSshFromInternet = resourcePolicy(
  "security-group-no-ssh-from-internet",
  "No security group admits port 22 from 0.0.0.0/0 or ::/0, in any mode.",
  RULE_TYPES,
  (props, args) =>
    ingressRules(args.type, props)
      .filter((r) => coversPort(r, 22) && r.cidrs.some(isWholeInternet))
      .map(
        (r) =>
          `${args.name}: admits ${describeRule(r)}, which includes SSH. Reach instances through SSM Session Manager, or admit port 22 from specific CIDRs only.`,
      ),
);

export const internetIngressWebOnly = resourcePolicy(
  "security-group-internet-ingress-web-only",
  "Ingress from 0.0.0.0/0 or ::/0 is TCP 80 or 443 only.",
  RULE_TYPES,
  (props, args) =>
    ingressRules(args.type, props)
      .filter((r) => r.cidrs.some(isWholeInternet) && !isWebOnly(r))
      .map(
        (r) =>
          `${args.name}: admits ${describeRule(r)}. From the internet only TCP 80 and 443 (one port per rule) may be open, and only on a load balancer's security group; use a specific CIDR or a referenced security group otherwise.`,
      ),
);

export const internetIngressLoadBalancerOnly = stackPolicy(
  "security-group-internet-ingress-load-balancer-only",
  "Rules that admit the whole internet belong to a security group attached to a load balancer.",
  (args) => {
    const groups = args.resources.filter((r) => r.type === SECURITY_GROUP);
    const lbGroupIds = new Set(
      args.resources
        .filter((r) => r.type === LOAD_BALANCER)
        .flatMap((lb) => asArray(lb.props.securityGroups).map(String)),
    );
    const lbGroupUrns = new Set(
      args.resources
        .filter((r) => r.type === LOAD_BALANCER)
        .flatMap((lb) => (lb.propertyDependencies.securityGroups ?? []).map((d) => d.urn)),
    );
    const out: Array<[string, string | undefined]> = [];
    for (const resource of args.resources) {
      if (!(RULE_TYPES as readonly string[]).includes(resource.type)) continue;
      for (const rule of ingressRules(resource.type, resource.props)) {
        if (!rule.cidrs.some(isWholeInternet)) continue;
        const owner =
          resource.type === SECURITY_GROUP
            ? resource
            : (groups.find((g) =>
                (resource.propertyDependencies.securityGroupId ?? []).some((d) => d.urn === g.urn),
              ) ?? groups.find((g) => idFromArn(g.props.arn) === rule.securityGroupId));
        const ownerId = owner ? idFromArn(owner.props.arn) : rule.securityGroupId;
        const onLoadBalancer =
          (owner && lbGroupUrns.has(owner.urn)) || (ownerId !== undefined && lbGroupIds.has(ownerId));
        if (!onLoadBalancer) {
          out.push([
            `${resource.name}: admits ${describeRule(rule)} to a security group that no load balancer uses. Only a load balancer's security group may be open to the internet; admit the load balancer's security group instead (referencedSecurityGroupId).`,
            resource.urn,
          ]);
        }
      }
    }
    return out;
  },
);

export const awsxVpcExplicit = resourcePolicy(
  "awsx-vpc-explicit",
  "awsx VPCs set their NAT strategy and AZ count explicitly (awsx defaults to 3 AZs with one NAT gateway each).",
  ["awsx:ec2:Vpc"],
  (props, args) => {
    const out: string[] = [];
    const strategy = asObject(props.natGateways).strategy;
    if (!["None", "Single", "OnePerAz"].includes(String(strategy))) {
      out.push(
        `VPC ${args.name}: the NAT gateway strategy is left to awsx's default. Set natGateways: { strategy: "None" | "Single" | "OnePerAz" }.`,
      );
    }
    if (typeof props.numberOfAvailabilityZones !== "number") {
      out.push(`VPC ${args.name}: the AZ count is left to awsx's default. Set numberOfAvailabilityZones.`);
    }
    return out;
  },
);

export const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
export const VPC = "awsx:ec2:Vpc";

export const launchTemplateHardened = resourcePolicy(
  "launch-template-hardened",
  "Launch templates require IMDSv2 with a response hop limit of 1 (pods cannot reach the node role) and encrypt every EBS volume they declare.",
  [LAUNCH_TEMPLATE],
  (props, args) => {
    const out: string[] = [];
    const metadata = asObject(props.metadataOptions);
    if (metadata.httpTokens !== "required") {
      out.push(
        `Launch template ${args.name}: IMDSv1 is allowed. Set metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 }.`,
      );
    } else if (metadata.httpPutResponseHopLimit !== 1) {
      // Unset means the account's or AMI's default, which may be 2 (EKS AMIs' own default): a pod's
      // request then reaches IMDS and the node role's credentials (EC2 User Guide, "Configure the
      // instance metadata options", hop limit; read 2026-12-07).
      out.push(
        `Launch template ${args.name}: the IMDS response hop limit is ${String(metadata.httpPutResponseHopLimit ?? "unset")}, so containers can reach the node's credentials. Set metadataOptions.httpPutResponseHopLimit: 1.`,
      );
    }
    for (const mapping of asArray(props.blockDeviceMappings).map(asObject)) {
      const ebs = asObject(mapping.ebs);
      if (isObject(mapping.ebs) && String(ebs.encrypted) !== "true") {
        out.push(
          `Launch template ${args.name}: volume ${String(mapping.deviceName)} is not encrypted. Set ebs.encrypted: "true".`,
        );
      }
    }
    return out;
  },
);

const INSTANCE = "aws:ec2/instance:Instance";

export const ec2InstanceHardened = resourcePolicy(
  "ec2-instance-hardened",
  "EC2 instances (the bastion) require IMDSv2, encrypt their volumes and have no key pair.",
  [INSTANCE],
  (props, args) => {
    const out: string[] = [];
    if (asObject(props.metadataOptions).httpTokens !== "required") {
      out.push(`Instance ${args.name}: IMDSv1 is allowed. Set metadataOptions: { httpTokens: "required" }.`);
    }
    if (asObject(props.rootBlockDevice).encrypted !== true) {
      out.push(
        `Instance ${args.name}: the root volume is not encrypted. Set rootBlockDevice: { encrypted: true }.`,
      );
    }
    for (const device of asArray(props.ebsBlockDevices).map(asObject)) {
      if (device.encrypted !== true) {
        out.push(
          `Instance ${args.name}: volume ${String(device.deviceName)} is not encrypted. Set encrypted: true.`,
        );
      }
    }
    if (props.keyName !== undefined && props.keyName !== "") {
      out.push(
        `Instance ${args.name}: a long-lived key pair (keyName). Remove it; use SSM Session Manager or EC2 Instance Connect.`,
      );
    }
    return out;
  },
);

export const instancePublicIpOnlyForSsh = stackPolicy(
  "ec2-public-ip-only-for-restricted-ssh",
  "An instance gets a public IP only in SSH mode: its security groups admit port 22 from specific CIDRs and nothing else.",
  (args) => {
    const groups = args.resources.filter((r) => r.type === SECURITY_GROUP);
    const rules = args.resources.filter((r) => r.type === VPC_INGRESS_RULE || r.type === SECURITY_GROUP_RULE);
    const out: Array<[string, string | undefined]> = [];
    for (const instance of args.resources.filter((r) => r.type === INSTANCE)) {
      if (instance.props.associatePublicIpAddress !== true) continue;
      const groupIds = asArray(instance.props.vpcSecurityGroupIds).map(String);
      const inbound = [
        ...groups
          .filter((g) => groupIds.includes(idFromArn(g.props.arn) ?? ""))
          .flatMap((g) => ingressRules(g.type, g.props)),
        ...rules
          .flatMap((r) => ingressRules(r.type, r.props))
          .filter((r) => groupIds.includes(r.securityGroupId ?? "")),
      ];
      const sshOnly =
        inbound.length > 0 &&
        inbound.every(
          (r) =>
            r.protocol === "tcp" &&
            r.fromPort === 22 &&
            r.toPort === 22 &&
            r.cidrs.length > 0 &&
            !r.cidrs.some(isWholeInternet),
        );
      if (!sshOnly) {
        out.push([
          `Instance ${instance.name}: has a public IP but its security groups do not restrict it to SSH from specific CIDRs. Set associatePublicIpAddress: false (SSM mode) or admit only TCP 22 from configured CIDRs.`,
          instance.urn,
        ]);
      }
    }
    return out;
  },
);
