# METADATA
# title: Long-running pods should consider a liveness probe
# description: >-
#   Advisory. A liveness probe lets the kubelet restart a container that is
#   deadlocked or wedged without exiting; without one such a pod stays up
#   doing nothing. A badly tuned liveness probe also causes restart storms,
#   so this is a warning. Checks the same workloads as the readiness rule:
#   at least one of spec.containers should define livenessProbe. Jobs,
#   CronJobs, init and ephemeral containers are not checked.
# custom:
#   id: K8S-BP-006
#   severity: low
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController]
#   frameworks:
#     best-practices: [health-checks]
#   remediation: >-
#     Add a livenessProbe that checks only that the process itself is healthy
#     (not its dependencies), with a failureThreshold generous enough to ride
#     out load spikes, e.g. `livenessProbe: {httpGet: {path: /healthz, port: http}, failureThreshold: 6}`.
package assay.kubernetes.bestpractice.liveness_probe

import rego.v1

import data.assay.lib.bestpractice as bp

warn contains {"msg": msg, "path": c.path} if {
	bp.long_running
	not any_probe("livenessProbe")
	c := bp.probe_target
	msg := sprintf("%s has no livenessProbe (no container in the pod has one)", [c.label])
}

any_probe(probe) if {
	some c in bp.app_containers
	object.get(c.container, probe, null) != null
}
