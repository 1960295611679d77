/**
 * A container's securityContext under Pod Security "restricted": a fixed non-root uid/gid, no privilege
 * escalation, every capability dropped, a read-only root filesystem, the runtime's seccomp profile. One
 * definition for every container this program runs (the app, the ECR pull-secret refresher).
 */
export function restrictedContainerSecurityContext(uid: number, gid: number) {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: gid,
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/**
 * A pod's securityContext under Pod Security "restricted" for a pod that mounts no volume it must own
 * (no fsGroup): non-root uid/gid and the runtime's seccomp profile. The in-cluster helpers (ECR
 * pull-secret refresher, synthetic client).
 */
export function restrictedPodSecurityContext(uid: number, gid: number) {
  return { runAsNonRoot: true, runAsUser: uid, runAsGroup: gid, seccompProfile: { type: "RuntimeDefault" } };
}
