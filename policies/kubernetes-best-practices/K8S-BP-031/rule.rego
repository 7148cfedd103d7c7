# METADATA
# title: Containers should run with a high UID and GID
# description: >-
#   Advisory. Low user and group IDs overlap with accounts on the node (UID
#   1000 is often the first real user), so after a container escape, or on a
#   shared hostPath, the process acts as that host account. Warns when
#   runAsUser or runAsGroup, set on a container or inherited from the pod
#   securityContext, is below 10000. Unset IDs (the image's USER decides)
#   and Windows pods are not checked.
# custom:
#   id: K8S-BP-031
#   severity: low
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   frameworks:
#     best-practices: [security]
#   triggers: [runAsUser, runAsGroup]
#   remediation: >-
#     Set securityContext.runAsUser and runAsGroup to IDs of 10000 or more that
#     are not used on the nodes (e.g. 10001), and build the image to work as that user.
package assay.kubernetes.bestpractice.high_uid

import rego.v1

import data.assay.lib.bestpractice as bp
import data.assay.lib.kubernetes as k8s

fields := {"runAsUser": "UID", "runAsGroup": "GID"}

minimum := 10000

warn contains {"msg": msg, "path": path} if {
	not bp.windows_pod
	some c in bp.workload_containers
	some field, label in fields
	id := c.security_context[field]
	is_number(id)
	id < minimum
	path := array.concat(c.path, ["securityContext", field])
	msg := sprintf("%s runs with %s %v (securityContext.%s); use %d or more", [c.label, label, id, field, minimum])
}

warn contains {"msg": msg, "path": path} if {
	not bp.windows_pod
	some field, label in fields
	id := k8s.pod_security_context[field]
	is_number(id)
	id < minimum
	some c in bp.workload_containers
	object.get(c.security_context, field, null) == null
	path := array.concat(k8s.pod_spec.path, ["securityContext", field])
	msg := sprintf("pod runs with %s %v (securityContext.%s); use %d or more", [label, id, field, minimum])
}
