# METADATA
# title: AppArmor must not be disabled or overridden
# description: >-
#   PSS baseline allows an AppArmor profile of type RuntimeDefault or Localhost
#   only, in the pod's and every container's securityContext.appArmorProfile,
#   and in the legacy container.apparmor.security.beta.kubernetes.io/*
#   annotations only an empty value, runtime/default or localhost/*.
# custom:
#   id: K8S-PSS-008
#   severity: medium
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   frameworks:
#     pss: [baseline]
#   triggers: [appArmorProfile, "container.apparmor.security.beta.kubernetes.io/*"]
#   remediation: Use appArmorProfile type RuntimeDefault (or a Localhost profile), and remove unconfined AppArmor annotations.
package assay.kubernetes.pss.apparmor

import rego.v1

import data.assay.lib.kubernetes as k8s

allowed_types := {"RuntimeDefault", "Localhost"}

annotation_prefix := "container.apparmor.security.beta.kubernetes.io/"

deny contains {"msg": msg, "path": path} if {
	profile := k8s.pod_security_context.appArmorProfile
	profile != null
	kind := profile_type(profile)
	not kind in allowed_types
	path := array.concat(k8s.pod_spec.path, ["securityContext", "appArmorProfile"])
	msg := sprintf("pod must not set AppArmor profile type to %q", [kind])
}

deny contains {"msg": msg, "path": path} if {
	some c in k8s.containers
	profile := c.security_context.appArmorProfile
	profile != null
	kind := profile_type(profile)
	not kind in allowed_types
	path := array.concat(c.path, ["securityContext", "appArmorProfile"])
	msg := sprintf("%s must not set AppArmor profile type to %q", [c.label, kind])
}

deny contains {"msg": msg, "path": path} if {
	some key, value in object.get(k8s.pod_spec.metadata, "annotations", {})
	startswith(key, annotation_prefix)
	not allowed_annotation(value)
	path := array.concat(k8s.pod_spec.metadata_path, ["annotations", key])
	msg := sprintf("annotation %q must not set AppArmor profile to %q", [key, value])
}

profile_type(profile) := t if {
	t := profile.type
	is_string(t)
} else := ""

allowed_annotation(value) if value == ""

allowed_annotation(value) if value == "runtime/default"

allowed_annotation(value) if startswith(value, "localhost/")
