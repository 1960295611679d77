/**
 * Helm releases (platforms/eks/pinned-chart.ts): a release installs exactly the chart that was read.
 *
 * What a policy can check here is the release's inputs: an exact chart version from an HTTPS or OCI
 * repository, and no floating image tag in its values. The chart's .tgz digest is not an input of
 * helm.v3.Release (it has no such field, and Helm does not compare the repository index's digest on
 * install), so scripts/verify-charts.ts checks the pinned digests before a deploy. Image digests are not
 * required yet: no first-party source gave the three add-on images' digests (issue 32 item 6, open);
 * once they are pinned, this policy is where to require `image.digest` or `image.tag: <tag>@sha256:…`.
 */
import { resourcePolicy } from "./define";
import { asObject } from "./rules";

export const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";

/** An exact SemVer 2 version: no range (`^`, `~`, `>=`, `x`, `*`), never empty. */
const EXACT_VERSION = /^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
/** Tags that move: a release that names one installs whatever the registry holds that day. */
const FLOATING_TAGS = new Set(["", "latest", "stable", "main", "master"]);

export const helmReleasePinned = resourcePolicy(
  "helm-release-pinned",
  "Helm releases install an exact chart version from an HTTPS or OCI repository, and name no floating image tag (latest, stable, main) in their values.",
  [HELM_RELEASE],
  (props, args) => {
    const problems: string[] = [];
    const chart = String(props.chart ?? "");
    const version = props.version;
    if (typeof version !== "string" || !EXACT_VERSION.test(version)) {
      problems.push(
        `Helm release ${args.name}: chart ${chart} at version ${JSON.stringify(version ?? null)}, which is not one exact version. Set version: "<major.minor.patch>".`,
      );
    }
    const repo = asObject(props.repositoryOpts).repo;
    if (!chart.startsWith("oci://") && !(typeof repo === "string" && repo.startsWith("https://"))) {
      problems.push(
        `Helm release ${args.name}: chart ${chart} from ${JSON.stringify(repo ?? null)}; anyone on the path can swap a chart fetched without TLS. Set repositoryOpts.repo to an https:// repository, or chart to an oci:// reference.`,
      );
    }
    const image = asObject(asObject(props.values).image);
    if ("tag" in image && typeof image.tag === "string" && FLOATING_TAGS.has(image.tag.split("@")[0] ?? "")) {
      problems.push(
        `Helm release ${args.name}: image tag ${JSON.stringify(image.tag)} floats. Set values.image.tag to an exact release (and its digest once known).`,
      );
    }
    return problems;
  },
);
