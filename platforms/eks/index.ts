// The eks wing's face: the EKS cluster, its node groups, add-ons, bastion and the shared workload on
// it. What both AWS platforms build lives in ../aws; the workload shared with `kubernetes` in ../workload.
export { EksPlatform, type EksPlatformArgs } from "./eks-platform";
