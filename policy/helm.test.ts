import { describe } from "node:test";
import * as helm from "./helm";
import { describeMutations, describeRejections, fixture, type Mutation, type Rejection } from "./testing";

const rejections: Rejection[] = [
  {
    policy: helm.helmReleasePinned,
    resources: () => [
      fixture(helm.HELM_RELEASE, "ranged", {
        chart: "fluent-bit",
        version: "^0.58.0",
        repositoryOpts: { repo: "https://fluent.github.io/helm-charts" },
        values: { image: { tag: "5.1.1" } },
      }),
      fixture(helm.HELM_RELEASE, "plain-http", {
        chart: "cluster-autoscaler",
        version: "9.59.0",
        repositoryOpts: { repo: "http://charts.example" },
        values: {},
      }),
      fixture(helm.HELM_RELEASE, "latest", {
        chart: "aws-load-balancer-controller",
        version: "3.5.0",
        repositoryOpts: { repo: "https://aws.github.io/eks-charts" },
        values: { image: { tag: "latest" } },
      }),
      fixture(helm.HELM_RELEASE, "pinned", {
        chart: "oci://registry.example/charts/demo",
        version: "1.2.3",
        values: { image: { tag: `v1.2.3@sha256:${"a".repeat(64)}` } },
      }),
    ],
    messages: [
      'Helm release ranged: chart fluent-bit at version "^0.58.0", which is not one exact version. Set version: "<major.minor.patch>".',
      'Helm release plain-http: chart cluster-autoscaler from "http://charts.example"; anyone on the path can swap a chart fetched without TLS. Set repositoryOpts.repo to an https:// repository, or chart to an oci:// reference.',
      'Helm release latest: image tag "latest" floats. Set values.image.tag to an exact release (and its digest once known).',
    ],
  },
];

const mutations: Mutation[] = [
  {
    policy: helm.helmReleasePinned,
    setting: "an exact chart version",
    from: "eks",
    type: helm.HELM_RELEASE,
    name: /-fluent-bit-release$/,
    mutate: (i) => {
      delete i.version;
    },
  },
  {
    policy: helm.helmReleasePinned,
    setting: "an exact image tag",
    from: "eks",
    type: helm.HELM_RELEASE,
    name: /-fluent-bit-release$/,
    mutate: (i) => {
      i.values.image.tag = "latest";
    },
  },
];

describe("Helm release policies", () => {
  describeRejections(helm, rejections);
  describeMutations(helm, mutations);
});
