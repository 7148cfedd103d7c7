# METADATA
# title: Containers must run as non-root
# description: >-
#   A container running as UID 0 is root on the node if it escapes. PSS
#   restricted requires securityContext.runAsNonRoot=true on every container
#   (container value wins; unset inherits the pod's), forbids false at pod or
#   container level, and exempts pods with spec.hostUsers: false (1.35+).
# custom:
#   id: K8S-PSS-015
#   severity: medium
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   frameworks:
#     pss: [restricted]
#     cis-kubernetes: ["5.2.7"]
#   remediation: Set securityContext.runAsNonRoot to true on the pod (or on every container), and run the image as a non-zero UID.
package assay.kubernetes.pss.run_as_non_root

import rego.v1

import data.assay.lib.kubernetes as k8s
import data.assay.lib.pss

# The pod sets runAsNonRoot (to anything but null).
pod_sets_it if k8s.pod_security_context.runAsNonRoot != null

deny contains {"msg": msg, "path": path, "fix": [{"op": "replace", "path": path, "value": true}]} if {
	not pss.user_namespace
	k8s.pod_security_context.runAsNonRoot == false
	path := array.concat(k8s.pod_spec.path, ["securityContext", "runAsNonRoot"])
	msg := "pod must not set securityContext.runAsNonRoot=false"
}

deny contains {"msg": msg, "path": path, "fix": [{"op": "replace", "path": path, "value": true}]} if {
	not pss.user_namespace
	some c in k8s.containers
	c.security_context.runAsNonRoot == false
	path := array.concat(c.path, ["securityContext", "runAsNonRoot"])
	msg := sprintf("%s must not set securityContext.runAsNonRoot=false", [c.label])
}

# A container that leaves it unset inherits the pod's value; with the pod's
# unset too it may run as root. (When the pod sets false, the finding on the
# pod covers the containers that inherit it.)
deny contains {"msg": msg, "field": field, "fix": [{"op": "ensure", "path": field, "value": true}]} if {
	not pss.user_namespace
	not pod_sets_it
	some c in k8s.containers
	object.get(c.security_context, "runAsNonRoot", null) == null
	field := array.concat(c.path, ["securityContext", "runAsNonRoot"])
	msg := sprintf("pod or %s must set securityContext.runAsNonRoot=true", [c.label])
}
