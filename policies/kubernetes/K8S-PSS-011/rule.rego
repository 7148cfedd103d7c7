# METADATA
# title: Seccomp must not be disabled
# description: >-
#   Running Unconfined removes the syscall filter that limits the kernel's
#   attack surface. PSS baseline allows seccompProfile.type only
#   RuntimeDefault or Localhost (or the profile unset) on the pod and on
#   every container.
# custom:
#   id: K8S-PSS-011
#   severity: medium
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   frameworks:
#     pss: [baseline]
#   triggers: [seccompProfile]
#   remediation: Set seccompProfile.type to RuntimeDefault (or a Localhost profile), or remove it.
package assay.kubernetes.pss.seccomp

import rego.v1

import data.assay.lib.kubernetes as k8s

allowed_types := {"RuntimeDefault", "Localhost"}

deny contains {"msg": msg, "path": path, "fix": [{"op": "replace", "path": path, "value": "RuntimeDefault"}]} if {
	profile := k8s.pod_security_context.seccompProfile
	profile != null
	kind := object.get(profile, "type", "")
	not kind in allowed_types
	path := array.concat(k8s.pod_spec.path, ["securityContext", "seccompProfile", "type"])
	msg := sprintf("pod must not set securityContext.seccompProfile.type to %q", [kind])
}

deny contains {"msg": msg, "path": path, "fix": [{"op": "replace", "path": path, "value": "RuntimeDefault"}]} if {
	some c in k8s.containers
	profile := c.security_context.seccompProfile
	profile != null
	kind := object.get(profile, "type", "")
	not kind in allowed_types
	path := array.concat(c.path, ["securityContext", "seccompProfile", "type"])
	msg := sprintf("%s must not set securityContext.seccompProfile.type to %q", [c.label, kind])
}
