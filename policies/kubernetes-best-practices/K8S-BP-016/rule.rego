# METADATA
# title: Replicated workloads should spread their pods
# description: >-
#   Advisory. Replicas only add availability when they run on different
#   nodes or zones; the scheduler's built-in spreading is best-effort and
#   may still pack them onto one node that then takes them all down. Warns
#   for Deployments and StatefulSets with spec.replicas above 1 whose pod
#   template sets neither topologySpreadConstraints nor
#   affinity.podAntiAffinity.
# custom:
#   id: K8S-BP-016
#   severity: low
#   kinds: [Deployment, StatefulSet]
#   frameworks:
#     best-practices: [reliability]
#   remediation: >-
#     Add topologySpreadConstraints to the pod template, e.g. `{maxSkew: 1,
#     topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway,
#     labelSelector: {matchLabels: <pod labels>}}` (and one for
#     topology.kubernetes.io/zone), or a preferred podAntiAffinity on the same labels.
package assay.kubernetes.bestpractice.spread

import rego.v1

import data.assay.lib.kubernetes as k8s

warn contains {"msg": msg, "path": k8s.pod_spec.path} if {
	n := input.spec.replicas
	is_number(n)
	n > 1
	spec := k8s.pod_spec.spec
	not non_empty(spec, ["topologySpreadConstraints"])
	not non_empty(spec, ["affinity", "podAntiAffinity", "requiredDuringSchedulingIgnoredDuringExecution"])
	not non_empty(spec, ["affinity", "podAntiAffinity", "preferredDuringSchedulingIgnoredDuringExecution"])
	msg := sprintf("%s runs %d replicas without topologySpreadConstraints or podAntiAffinity", [input.kind, n])
}

non_empty(obj, path) if {
	list := object.get(obj, path, null)
	is_array(list)
	count(list) > 0
}
