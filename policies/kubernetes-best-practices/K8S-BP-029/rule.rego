# METADATA
# title: Containers should use a read-only root filesystem
# description: >-
#   A writable root filesystem lets an intruder drop tools and binaries or
#   tamper with the application, and hides state that vanishes on restart.
#   Fails for every container and init container of a Linux pod whose
#   securityContext.readOnlyRootFilesystem is not true. Ephemeral debug
#   containers and Windows pods are not checked.
# custom:
#   id: K8S-BP-029
#   severity: low
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   frameworks:
#     best-practices: [security]
#   remediation: >-
#     Set securityContext.readOnlyRootFilesystem: true on the container and
#     mount an emptyDir volume at each path it must write to (e.g. /tmp).
package assay.kubernetes.bestpractice.read_only_root

import rego.v1

import data.assay.lib.bestpractice as bp

deny contains {"msg": msg, "field": array.concat(c.path, ["securityContext", "readOnlyRootFilesystem"])} if {
	not bp.windows_pod
	some c in bp.workload_containers
	object.get(c.security_context, "readOnlyRootFilesystem", null) != true
	msg := sprintf("%s must set securityContext.readOnlyRootFilesystem=true", [c.label])
}
