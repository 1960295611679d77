// The pinned Helm release moved to the workload wing (issue 29): the `kubernetes` platform installs a
// pinned chart too (the Argo Rollouts controller), and a platform folder never imports another.
export { type FetchBytes, type PinnedChart, pinnedRelease, verifyPinnedChart } from "../workload";
