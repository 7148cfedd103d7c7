# METADATA
# title: Liveness and readiness probes should differ
# description: >-
#   Advisory. When a container's livenessProbe is the same as its
#   readinessProbe, a pod that is merely overloaded is restarted at the very
#   moment it is taken out of the Service, turning a slowdown into a cascade
#   of restarts. Warns when both probes are present and equal once the
#   Kubernetes defaults (periodSeconds 10, timeoutSeconds 1, failureThreshold
#   3, successThreshold 1, initialDelaySeconds 0) are filled in.
# custom:
#   id: K8S-BP-007
#   severity: low
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   frameworks:
#     best-practices: [health-checks]
#   remediation: >-
#     Make the livenessProbe more tolerant than the readinessProbe (a higher
#     failureThreshold or periodSeconds), or point it at a cheaper endpoint that
#     checks only the process itself and not its dependencies.
package assay.kubernetes.bestpractice.identical_probes

import rego.v1

import data.assay.lib.bestpractice as bp

defaults := {
	"initialDelaySeconds": 0,
	"periodSeconds": 10,
	"timeoutSeconds": 1,
	"successThreshold": 1,
	"failureThreshold": 3,
}

warn contains {"msg": msg, "path": path} if {
	some c in bp.workload_containers
	liveness := c.container.livenessProbe
	readiness := c.container.readinessProbe
	is_object(liveness)
	is_object(readiness)
	# Implied by the comparison below, and far cheaper: most pairs of
	# probes differ here (another path or port).
	object.get(liveness, "httpGet", null) == object.get(readiness, "httpGet", null)
	normalized(liveness) == normalized(readiness)
	path := array.concat(c.path, ["livenessProbe"])
	msg := sprintf("%s uses the same probe for livenessProbe and readinessProbe", [c.label])
}

# The probe with defaults filled in and unset (null) fields dropped.
normalized(probe) := object.union(defaults, {k: v | some k, v in probe; v != null})
