# METADATA
# title: Pods and containers must not set runAsUser to 0
# description: >-
#   runAsUser: 0 runs the container's processes as root. PSS restricted
#   forbids securityContext.runAsUser=0 on the pod and on every container,
#   init container and ephemeral container, except in pods that run in a user
#   namespace (spec.hostUsers: false, Kubernetes 1.35+).
# custom:
#   id: K8S-PSS-016
#   severity: high
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   frameworks:
#     pss: [restricted]
#     cis-kubernetes: ["5.2.7"]
#   triggers: [runAsUser]
#   remediation: Set securityContext.runAsUser to a non-zero UID the image supports, or remove it.
package assay.kubernetes.pss.run_as_user

import rego.v1

import data.assay.lib.kubernetes as k8s
import data.assay.lib.pss

deny contains {"msg": msg, "path": path} if {
	not pss.user_namespace
	k8s.pod_security_context.runAsUser == 0
	path := array.concat(k8s.pod_spec.path, ["securityContext", "runAsUser"])
	msg := "pod must not set securityContext.runAsUser=0"
}

deny contains {"msg": msg, "path": path} if {
	not pss.user_namespace
	some c in k8s.containers
	c.security_context.runAsUser == 0
	path := array.concat(c.path, ["securityContext", "runAsUser"])
	msg := sprintf("%s must not set securityContext.runAsUser=0", [c.label])
}
