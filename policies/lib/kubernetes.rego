# METADATA
# title: Kubernetes workload helpers
# description: >-
#   The pod spec of every workload kind that carries a pod template, and every
#   container in it (initContainers, containers, ephemeralContainers, in the
#   order pod-security-admission visits them), each with its path in the
#   document so findings point at the exact line.
package assay.lib.kubernetes

import rego.v1

# Kinds whose pod template sits at spec.template.
template_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"}

# Every kind that carries a pod spec; rules list these in `custom.kinds`.
workload_kinds := template_kinds | {"Pod", "CronJob"}

# The pod spec of the input, with its path and the pod template's metadata.
# (On the VM, Assay derives this, `containers` and `pod_security_context`
# natively and passes them as `data.assay_native.kubernetes`, at a small
# fraction of the cost; the second definitions compute them wherever that
# is absent: on the interpreter, in unit tests, and for the rare workload
# Assay leaves to the library. They are guarded by `not`, not written as
# `else`: regorus 0.14's VM never takes an `else` after a body whose data
# reference is undefined. A built-in rule must not evaluate these `with
# input as` another object.)
pod_spec := data.assay_native.kubernetes.pod_spec

pod_spec := pod_spec_of(input) if not data.assay_native.kubernetes

# The pod spec of any object (`pod_spec` is that of the input): for
# cross-resource rules that visit objects of `data.inventory`.
pod_spec_of(obj) := {
	"spec": obj.spec,
	"path": ["spec"],
	"metadata": object.get(obj, "metadata", {}),
	"metadata_path": ["metadata"],
} if {
	obj.kind == "Pod"
	is_object(obj.spec)
}

pod_spec_of(obj) := {
	"spec": obj.spec.template.spec,
	"path": ["spec", "template", "spec"],
	"metadata": object.get(obj.spec.template, "metadata", {}),
	"metadata_path": ["spec", "template", "metadata"],
} if {
	obj.kind in template_kinds
	is_object(obj.spec.template.spec)
}

pod_spec_of(obj) := {
	"spec": obj.spec.jobTemplate.spec.template.spec,
	"path": ["spec", "jobTemplate", "spec", "template", "spec"],
	"metadata": object.get(obj.spec.jobTemplate.spec.template, "metadata", {}),
	"metadata_path": ["spec", "jobTemplate", "spec", "template", "metadata"],
} if {
	obj.kind == "CronJob"
	is_object(obj.spec.jobTemplate.spec.template.spec)
}

container_fields := ["initContainers", "containers", "ephemeralContainers"]

# Each container with its name, path, and its securityContext (or {}), in
# that order. (An array: a set would compare whole containers on insert.)
containers := data.assay_native.kubernetes.containers

containers := [{
	"container": c,
	"name": name,
	"path": array.concat(pod_spec.path, [field, i]),
	"security_context": security_context(c),
	"label": sprintf("container %q", [name]),
} |
	some field in container_fields
	list := object.get(pod_spec.spec, field, [])
	is_array(list)
	some i, c in list
	is_object(c)
	name := object.get(c, "name", "")
] if not data.assay_native.kubernetes

# The pod-level securityContext, or {} when absent or null.
pod_security_context := data.assay_native.kubernetes.pod_security_context

pod_security_context := pod_security_context_of(pod_spec) if not data.assay_native.kubernetes

pod_security_context_of(pod) := sc if {
	sc := pod.spec.securityContext
	is_object(sc)
} else := {}

security_context(c) := c.securityContext if is_object(c.securityContext)

else := {}

# `who` in messages: `pod` or `container "name"`.
container_label(c) := sprintf("container %q", [c.name])
