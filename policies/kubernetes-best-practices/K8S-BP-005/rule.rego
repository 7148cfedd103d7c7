# METADATA
# title: Long-running pods should have a readiness probe
# description: >-
#   Without a readiness probe a pod receives Service traffic as soon as its
#   containers start, before the application can answer, and a rollout of a
#   broken version proceeds because every new pod counts as ready at once.
#   Checks Deployments, StatefulSets, DaemonSets, ReplicaSets,
#   ReplicationControllers and Pods with restartPolicy Always: at least one of
#   spec.containers must define readinessProbe. Jobs, CronJobs, init and
#   ephemeral containers are not checked.
# custom:
#   id: K8S-BP-005
#   severity: medium
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController]
#   frameworks:
#     best-practices: [health-checks]
#   remediation: >-
#     Add a readinessProbe (httpGet, tcpSocket, grpc or exec) to the container
#     that serves traffic, checking that it can answer requests now, e.g.
#     `readinessProbe: {httpGet: {path: /ready, port: http}, periodSeconds: 5}`.
package assay.kubernetes.bestpractice.readiness_probe

import rego.v1

import data.assay.lib.bestpractice as bp

deny contains {"msg": msg, "path": c.path} if {
	bp.long_running
	not any_probe("readinessProbe")
	c := bp.probe_target
	msg := sprintf("%s must define a readinessProbe (no container in the pod has one)", [c.label])
}

any_probe(probe) if {
	some c in bp.app_containers
	object.get(c.container, probe, null) != null
}
