/** Elastic Load Balancing: an Application Load Balancer's hours, LCUs and public addresses. */
import { HOURS_PER_MONTH } from "../assumptions";
import type { Line } from "../estimate";
import type { Context, Rule } from "./common";
import { arr, charge, free, hourly, notPriced, publicIpv4, rate, str } from "./common";

export function albLines(ctx: Context, what: string, publicAddresses: number): Omit<Line, "resource">[] {
  const lcu = ctx.assumptions.albLcuPerHour;
  const lines = [
    charge(ctx, `${what}: hours`, "albHour", 1, 1, (p) => hourly(1, 1, p)),
    charge(
      ctx,
      `${what}: ${lcu} LCU (assumption albLcuPerHour)`,
      "albLcuHour",
      lcu,
      lcu,
      (p) => `${lcu} LCU × ${HOURS_PER_MONTH} h × ${rate(p)}`,
    ),
  ];
  if (publicAddresses > 0) {
    lines.push(
      publicIpv4(
        ctx,
        `internet-facing ALB: one per AZ it spans; AWS may add more as it scales`,
        publicAddresses,
        publicAddresses,
      ),
    );
  }
  return lines;
}

const loadBalancerRule: Rule = (r, ctx) => {
  const type = str(r.inputs.loadBalancerType) ?? "application";
  if (type !== "application") return [notPriced(`${type} load balancer`, "only ALBs have a price rule")];
  const internal = r.inputs.internal === true;
  return albLines(ctx, "Application Load Balancer", internal ? 0 : arr(r.inputs.subnets).length);
};

export const ELB_RULES: Readonly<Record<string, Rule>> = {
  "aws:lb/loadBalancer:LoadBalancer": loadBalancerRule,
  "aws:lb/targetGroup:TargetGroup": free("part of the load balancer's hourly and LCU price"),
  "aws:lb/listener:Listener": free("part of the load balancer's hourly and LCU price"),
  // Issue 29: the production and test rules of an ECS canary/linear/blue-green deployment. A rule has no
  // price of its own; rule evaluations are one of the LCU's dimensions (1,000 a second per LCU: ELB
  // pricing, https://aws.amazon.com/elasticloadbalancing/pricing/, as transcribed on 2026-09-20 in
  // api-evangelist/amazon-elastic-load-balancing plans/…-plans-pricing.yml, read 2026-12-07), far from
  // the dimension that sets this app's LCUs. The alternate target group is free like the first (above);
  // the per-target-group alarms are priced by cloudwatch.ts like every alarm.
  "aws:lb/listenerRule:ListenerRule": free("part of the load balancer's hourly and LCU price"),
};
