// The kubernetes wing's face: the shared workload on any cluster reached through a kubeconfig.
export { KubernetesPlatform, type KubernetesPlatformArgs } from "./kubernetes-platform";
