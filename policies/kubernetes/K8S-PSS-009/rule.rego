# METADATA
# title: SELinux options must not escalate
# description: >-
#   Setting a custom SELinux user or role, or a type other than the container
#   types, can let a container escape its confinement. PSS baseline allows
#   seLinuxOptions.type only empty, container_t, container_init_t,
#   container_kvm_t or container_engine_t, and forbids setting user or role,
#   on the pod and on every container.
# custom:
#   id: K8S-PSS-009
#   severity: medium
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   frameworks:
#     pss: [baseline]
#   triggers: [seLinuxOptions]
#   remediation: Remove seLinuxOptions.user and .role, and use one of the container_* SELinux types.
package assay.kubernetes.pss.selinux

import rego.v1

import data.assay.lib.kubernetes as k8s

allowed_types := {"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"}

# [who, path to securityContext, its seLinuxOptions] wherever they are set.
options contains ["pod", array.concat(k8s.pod_spec.path, ["securityContext"]), opts] if {
	opts := k8s.pod_security_context.seLinuxOptions
	is_object(opts)
}

options contains [c.label, array.concat(c.path, ["securityContext"]), opts] if {
	some c in k8s.containers
	opts := c.security_context.seLinuxOptions
	is_object(opts)
}

deny contains {"msg": msg, "path": path} if {
	some [who, sc_path, opts] in options
	kind := object.get(opts, "type", "")
	not kind in allowed_types
	path := array.concat(sc_path, ["seLinuxOptions", "type"])
	msg := sprintf("%s must not set forbidden securityContext.seLinuxOptions.type %q", [who, kind])
}

deny contains {"msg": msg, "path": path} if {
	some [who, sc_path, opts] in options
	some field in ["user", "role"]
	not object.get(opts, field, "") in {"", null}
	path := array.concat(sc_path, ["seLinuxOptions", field])
	msg := sprintf("%s must not set securityContext.seLinuxOptions.%s", [who, field])
}
