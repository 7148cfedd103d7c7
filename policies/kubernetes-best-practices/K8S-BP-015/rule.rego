# METADATA
# title: HorizontalPodAutoscalers should target an existing workload
# description: >-
#   An autoscaler whose scaleTargetRef names no workload does nothing, and the
#   workload it was meant for is left at a fixed size; the usual cause is a
#   renamed Deployment or a wrong kind. Fails for each HorizontalPodAutoscaler
#   whose target (a Deployment, StatefulSet, ReplicaSet or
#   ReplicationController) is not among the scanned objects of its namespace.
#   Namespaces holding custom resources are skipped, since an operator may
#   create the target.
# custom:
#   id: K8S-BP-015
#   severity: medium
#   scope: inventory
#   kinds: [HorizontalPodAutoscaler, "*"]
#   frameworks:
#     best-practices: [reliability]
#   remediation: >-
#     Point spec.scaleTargetRef (apiVersion, kind, name) at the workload to
#     scale, in the autoscaler's namespace, or delete the stale autoscaler.
package assay.kubernetes.bestpractice.hpa_target

import rego.v1

import data.assay.lib.inventory as inv

scalable_kinds := {"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"}

deny contains inv.finding(h, msg, ["spec", "scaleTargetRef", "name"]) if {
	some h in inv.objects_of_kind("HorizontalPodAutoscaler")
	target := h.object.spec.scaleTargetRef
	target.kind in scalable_kinds
	not inv.operator_managed(h.namespace)
	count(inv.objects_named(h.namespace, target.kind, target.name)) == 0
	msg := sprintf("HorizontalPodAutoscaler targets %s %q, which is not among the scanned objects of namespace %q", [target.kind, target.name, h.namespace])
}
