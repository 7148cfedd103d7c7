# METADATA
# title: Deployments behind a Service should run more than one replica
# description: >-
#   Advisory. A Service backed by a single pod is down whenever that pod is
#   rescheduled, evicted or its node fails. Warns for each Deployment whose
#   pods a Service in the same namespace selects and that runs one replica
#   (spec.replicas 1 or unset) without a HorizontalPodAutoscaler scaling it.
#   Deployments no Service selects (workers, singletons) are not checked.
# custom:
#   id: K8S-BP-013
#   severity: low
#   scope: inventory
#   kinds: [Deployment, Service, HorizontalPodAutoscaler]
#   frameworks:
#     best-practices: [reliability]
#   engine: interpreter  # regorus 0.14 VM: keyed partial sets (x[k] contains v) come out flat
#   remediation: >-
#     Set spec.replicas to 2 or more (with a PodDisruptionBudget and spreading
#     across nodes), or let a HorizontalPodAutoscaler with minReplicas >= 2 manage it.
package assay.kubernetes.bestpractice.single_replica

import rego.v1

import data.assay.lib.inventory as inv

warn contains inv.finding(o, msg, path_of(o)) if {
	some o in inv.objects_of_kind("Deployment")
	replicas(o) == 1
	count(inv.hpas_for(o)) == 0
	labels := inv.pod_labels(o)
	services := sort([s.name |
		some s in inv.services_selecting(o.namespace, labels)
		object.get(s.object, ["spec", "type"], "ClusterIP") != "ExternalName"
	])
	count(services) > 0
	msg := sprintf("Deployment %q runs a single replica behind Service %q", [o.name, services[0]])
}

replicas(o) := n if {
	n := o.object.spec.replicas
	n != null
} else := 1

path_of(o) := ["spec", "replicas"] if o.object.spec.replicas != null

else := ["spec"]
