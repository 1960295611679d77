/**
 * Checks the pinned add-on charts (and the Argo Rollouts controller's, issue 29) against their repositories before a deploy (needs the network):
 * each repository's index.yaml must list the pinned digest for the pinned version, and the .tgz must
 * hash to it. Exits 1 with one line per problem. Run: `npx tsx scripts/verify-charts.ts`.
 */
import { AWS_LOAD_BALANCER_CONTROLLER_CHART } from "../platforms/eks/load-balancer-controller";
import { verifyPinnedChart } from "../platforms/eks/pinned-chart";
import {
  CLUSTER_AUTOSCALER_CHART,
  FLUENT_BIT_CHART,
  SECRETS_STORE_PROVIDER_CHART,
} from "../platforms/eks/versions";
import { ARGO_ROLLOUTS_CHART } from "../platforms/workload";

async function main(): Promise<void> {
  const problems = (
    await Promise.all(
      [
        AWS_LOAD_BALANCER_CONTROLLER_CHART,
        CLUSTER_AUTOSCALER_CHART,
        FLUENT_BIT_CHART,
        ARGO_ROLLOUTS_CHART,
        SECRETS_STORE_PROVIDER_CHART,
      ].map((c) => verifyPinnedChart(c)),
    )
  ).flat();
  for (const p of problems) console.error(p);
  if (problems.length > 0) process.exit(1);
  console.log("pinned charts verified");
}

main().catch((error: unknown) => {
  console.error(`could not verify the pinned charts: ${String(error)}`);
  process.exit(1);
});
