# METADATA
# title: Seccomp must be RuntimeDefault or Localhost
# description: >-
#   Without a seccomp profile a container can issue any syscall. PSS restricted
#   requires seccompProfile.type RuntimeDefault or Localhost on the pod or on
#   every container (a container's profile overrides the pod's) and never
#   another value; pods with spec.os.name windows are exempt.
# custom:
#   id: K8S-PSS-017
#   severity: medium
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   frameworks:
#     pss: [restricted]
#     cis-kubernetes: ["5.6.2"]
#   remediation: Set securityContext.seccompProfile.type to RuntimeDefault (or Localhost with a localhostProfile) on the pod, or on every container, and never to Unconfined.
package assay.kubernetes.pss.seccomp_restricted

import rego.v1

import data.assay.lib.kubernetes as k8s
import data.assay.lib.pss

allowed_types := {"RuntimeDefault", "Localhost"}

runtime_default := {"type": "RuntimeDefault"}

pod_profile_path := array.concat(k8s.pod_spec.path, ["securityContext", "seccompProfile"])

# The pod sets a profile (any value but null).
pod_sets_it if k8s.pod_security_context.seccompProfile != null

deny contains {"msg": msg, "field": field, "fix": [{"op": "ensure", "path": pod_profile_path, "value": runtime_default}]} if {
	not pss.windows
	profile := k8s.pod_security_context.seccompProfile
	is_object(profile)
	kind := profile_type(profile)
	not kind in allowed_types
	field := array.concat(pod_profile_path, ["type"])
	msg := sprintf("pod must not set securityContext.seccompProfile.type to %q", [kind])
}

deny contains {"msg": msg, "field": field, "fix": [{"op": "ensure", "path": profile_path, "value": runtime_default}]} if {
	not pss.windows
	some c in k8s.containers
	profile := c.security_context.seccompProfile
	is_object(profile)
	kind := profile_type(profile)
	not kind in allowed_types
	profile_path := array.concat(c.path, ["securityContext", "seccompProfile"])
	field := array.concat(profile_path, ["type"])
	msg := sprintf("%s must not set securityContext.seccompProfile.type to %q", [c.label, kind])
}

# A container without a profile inherits the pod's; with none on the pod it
# runs unconfined. (A pod that sets a wrong type is reported above.)
deny contains {"msg": msg, "field": field, "fix": [{"op": "ensure", "path": field, "value": runtime_default}]} if {
	not pss.windows
	not pod_sets_it
	some c in k8s.containers
	object.get(c.security_context, "seccompProfile", null) == null
	field := array.concat(c.path, ["securityContext", "seccompProfile"])
	msg := sprintf("pod or %s must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"", [c.label])
}

# A missing or null type is the empty string, as in the API.
profile_type(profile) := t if {
	t := profile.type
	is_string(t)
} else := ""
