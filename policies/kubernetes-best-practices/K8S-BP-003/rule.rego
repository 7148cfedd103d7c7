# METADATA
# title: Containers should have a memory limit
# description: >-
#   Memory is not compressible: a container without a memory limit can grow
#   until the node runs out, and the kernel OOM killer then picks victims
#   among its neighbours. Checks every container and init container for
#   resources.limits.memory; a pod-level spec.resources.limits.memory also
#   bounds the pod.
# custom:
#   id: K8S-BP-003
#   severity: medium
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   frameworks:
#     best-practices: [resources]
#   remediation: >-
#     Set resources.limits.memory on the container, usually equal to or a little
#     above resources.requests.memory, e.g. `256Mi`.
package assay.kubernetes.bestpractice.memory_limits

import rego.v1

import data.assay.lib.bestpractice as bp

deny contains {"msg": msg, "field": array.concat(c.path, ["resources", "limits"])} if {
	not "limits.memory" in bp.pod_resources
	some r in bp.container_resources
	not "limits.memory" in r.set
	c := r.container
	msg := sprintf("%s must set resources.limits.memory", [c.label])
}
