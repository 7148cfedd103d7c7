# METADATA
# title: Containers should request memory
# description: >-
#   Without a memory request the scheduler can overcommit a node, and the
#   container is among the first evicted under memory pressure. Checks every
#   container and init container for resources.requests.memory (a memory
#   limit alone counts, since Kubernetes then defaults the request to it).
#   Pod-level spec.resources covers all containers.
# custom:
#   id: K8S-BP-002
#   severity: medium
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   frameworks:
#     best-practices: [resources]
#   remediation: Set resources.requests.memory on the container to its normal working set, e.g. `128Mi`.
package assay.kubernetes.bestpractice.memory_requests

import rego.v1

import data.assay.lib.bestpractice as bp

deny contains {"msg": msg, "field": array.concat(c.path, ["resources", "requests"])} if {
	not "requests.memory" in bp.pod_resources
	not "limits.memory" in bp.pod_resources
	some r in bp.container_resources
	not "requests.memory" in r.set
	not "limits.memory" in r.set
	c := r.container
	msg := sprintf("%s must set resources.requests.memory", [c.label])
}
