# METADATA
# title: Service selectors should match a workload
# description: >-
#   A Service whose selector matches no pods has no endpoints, so every
#   request to it fails; the usual cause is a label renamed on one side
#   only. Fails for each Service with a non-empty spec.selector (ExternalName
#   Services excluded) when no Pod or pod template (of a Deployment,
#   StatefulSet, DaemonSet, Job, CronJob or any controller with
#   spec.template) in the same namespace carries all of its labels.
#   Namespaces holding custom resources are skipped, since an operator may
#   create the pods.
# custom:
#   id: K8S-BP-026
#   severity: medium
#   scope: inventory
#   kinds: [Service, "*"]
#   frameworks:
#     best-practices: [networking]
#   engine: interpreter  # regorus 0.14 VM: keyed partial sets (x[k] contains v) come out flat
#   remediation: >-
#     Make spec.selector a subset of the pod template labels of the workload
#     the Service fronts (same namespace), or fix the labels on the workload.
package assay.kubernetes.bestpractice.service_selector

import rego.v1

import data.assay.lib.inventory as inv

deny contains inv.finding(s, msg, ["spec", "selector"]) if {
	some s in inv.objects_of_kind("Service")
	object.get(s.object, ["spec", "type"], "ClusterIP") != "ExternalName"
	selector := s.object.spec.selector
	is_object(selector)
	count(selector) > 0
	not inv.operator_managed(s.namespace)
	not inv.selects_any_pod(s.namespace, selector)
	msg := sprintf("Service selector %v matches no pods among the scanned objects of namespace %q", [selector, s.namespace])
}
