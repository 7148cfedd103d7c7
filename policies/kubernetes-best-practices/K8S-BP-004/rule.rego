# METADATA
# title: Containers should consider a CPU limit
# description: >-
#   Advisory. A CPU limit caps how much a container can burst, which keeps a
#   noisy neighbour from starving others in shared clusters, but it also
#   causes CFS throttling and latency even on an idle node, so many teams
#   set only a CPU request on latency-sensitive services. Warns when a
#   container or init container has no resources.limits.cpu and the pod has
#   no pod-level CPU limit.
# custom:
#   id: K8S-BP-004
#   severity: low
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   frameworks:
#     best-practices: [resources]
#   remediation: >-
#     Set resources.limits.cpu where bursting must be bounded (batch jobs,
#     multi-tenant namespaces); for latency-sensitive services a CPU request
#     without a limit is a deliberate choice, so waive the warning there.
package assay.kubernetes.bestpractice.cpu_limits

import rego.v1

import data.assay.lib.bestpractice as bp

warn contains {"msg": msg, "field": array.concat(c.path, ["resources", "limits"])} if {
	not "limits.cpu" in bp.pod_resources
	some r in bp.container_resources
	not "limits.cpu" in r.set
	c := r.container
	msg := sprintf("%s has no resources.limits.cpu", [c.label])
}
