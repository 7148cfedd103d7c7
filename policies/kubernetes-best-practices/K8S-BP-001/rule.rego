# METADATA
# title: Containers should request CPU
# description: >-
#   The scheduler places pods by their requests; a container without a CPU
#   request can land on a saturated node and is the first to be starved.
#   Checks every container and init container for resources.requests.cpu (a
#   CPU limit alone counts, since Kubernetes then defaults the request to
#   it). Pod-level spec.resources covers all containers.
# custom:
#   id: K8S-BP-001
#   severity: medium
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   frameworks:
#     best-practices: [resources]
#   remediation: Set resources.requests.cpu on the container to the CPU it needs under normal load, e.g. `100m`.
package assay.kubernetes.bestpractice.cpu_requests

import rego.v1

import data.assay.lib.bestpractice as bp

deny contains {"msg": msg, "field": array.concat(c.path, ["resources", "requests"])} if {
	not "requests.cpu" in bp.pod_resources
	not "limits.cpu" in bp.pod_resources
	some r in bp.container_resources
	not "requests.cpu" in r.set
	not "limits.cpu" in r.set
	c := r.container
	msg := sprintf("%s must set resources.requests.cpu", [c.label])
}
