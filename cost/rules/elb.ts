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
};
