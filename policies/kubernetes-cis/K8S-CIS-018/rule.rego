# METADATA
# title: Pods and containers should set a securityContext
# description: >-
#   The securityContext holds the operating-system settings of a pod and its
#   containers (user and group, capabilities, seccomp, SELinux, privilege
#   escalation); left out, every one of them takes the permissive default.
#   CIS 5.6.3 asks that security contexts are applied at both levels. The
#   pod spec and every container, init container and ephemeral container
#   must have a securityContext with at least one setting; a missing, null
#   or empty one is reported.
# custom:
#   id: K8S-CIS-018
#   severity: low
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   frameworks:
#     cis-kubernetes: ["5.6.3"]
#   remediation: >-
#     Add a securityContext to the pod spec (e.g. runAsNonRoot, seccompProfile)
#     and to each container (e.g. allowPrivilegeEscalation: false,
#     capabilities.drop: [ALL], readOnlyRootFilesystem: true).
package assay.kubernetes.cis.security_context

import rego.v1

import data.assay.lib.kubernetes as k8s

deny contains {"msg": msg, "path": path} if {
	count(k8s.pod_security_context) == 0
	path := where(k8s.pod_spec.spec, k8s.pod_spec.path)
	msg := "pod must set a securityContext"
}

deny contains {"msg": msg, "path": path} if {
	some c in k8s.containers
	count(c.security_context) == 0
	path := where(c.container, c.path)
	msg := sprintf("%s must set a securityContext", [c.label])
}

# The (empty or null) securityContext when present, else the object that should hold it.
where(obj, path) := array.concat(path, ["securityContext"]) if "securityContext" in object.keys(obj)

else := path
