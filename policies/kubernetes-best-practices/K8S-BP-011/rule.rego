# METADATA
# title: Replicated workloads should have a PodDisruptionBudget
# description: >-
#   Without a PodDisruptionBudget a node drain (cluster upgrade, autoscaler
#   scale-down) may evict every replica at once and take the service down.
#   Fails for each Deployment and StatefulSet that runs more than one replica
#   (spec.replicas, or minReplicas of a HorizontalPodAutoscaler that scales
#   it) when no PodDisruptionBudget in the same namespace selects its pod
#   template labels (matchLabels and matchExpressions).
# custom:
#   id: K8S-BP-011
#   severity: medium
#   scope: inventory
#   kinds: [Deployment, StatefulSet, HorizontalPodAutoscaler, PodDisruptionBudget]
#   frameworks:
#     best-practices: [reliability]
#   remediation: >-
#     Add a policy/v1 PodDisruptionBudget in the same namespace whose
#     spec.selector matches the pod template labels, with `maxUnavailable: 1`
#     (or a minAvailable below the replica count).
package assay.kubernetes.bestpractice.pdb_required

import rego.v1

import data.assay.lib.bestpractice as bp

deny contains bp.finding(o, msg, path) if {
	some o in bp.objects
	o.kind in {"Deployment", "StatefulSet"}
	count(bp.hpas_for(o)) == 0
	n := o.object.spec.replicas
	is_number(n)
	n > 1
	not protected(o)
	path := ["spec", "replicas"]
	msg := sprintf("%s %q runs %d replicas but no PodDisruptionBudget selects its pods", [o.kind, o.name, n])
}

deny contains bp.finding(o, msg, path) if {
	some o in bp.objects
	o.kind in {"Deployment", "StatefulSet"}
	some h in bp.hpas_for(o)
	n := object.get(h.object, ["spec", "minReplicas"], 1)
	is_number(n)
	n > 1
	not protected(o)
	path := path_of(o)
	msg := sprintf("%s %q runs at least %d replicas (HorizontalPodAutoscaler %q) but no PodDisruptionBudget selects its pods", [o.kind, o.name, n, h.name])
}

path_of(o) := ["spec", "replicas"] if o.object.spec.replicas != null

else := ["spec"]

protected(o) if {
	labels := bp.pod_labels(o)
	some pdb in bp.objects_of_kind("PodDisruptionBudget")
	pdb.namespace == o.namespace
	bp.pdb_selects(object.union(pdb.object, {"apiVersion": pdb.apiVersion}), labels)
}
