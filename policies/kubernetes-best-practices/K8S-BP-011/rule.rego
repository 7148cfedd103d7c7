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
#   engine: interpreter  # regorus 0.14 VM: keyed partial sets (x[k] contains v) come out flat
#   remediation: >-
#     Add a policy/v1 PodDisruptionBudget in the same namespace whose
#     spec.selector matches the pod template labels, with `maxUnavailable: 1`
#     (or a minAvailable below the replica count).
package assay.kubernetes.bestpractice.pdb_required

import rego.v1

import data.assay.lib.bestpractice as bp
import data.assay.lib.inventory as inv

deny contains inv.finding(o, msg, path) if {
	some kind in ["Deployment", "StatefulSet"]
	some o in inv.objects_of_kind(kind)
	count(inv.hpas_for(o)) == 0
	n := o.object.spec.replicas
	is_number(n)
	n > 1
	not protected(o)
	path := ["spec", "replicas"]
	msg := sprintf("%s %q runs %d replicas but no PodDisruptionBudget selects its pods", [o.kind, o.name, n])
}

deny contains inv.finding(o, msg, path) if {
	some kind in ["Deployment", "StatefulSet"]
	some o in inv.objects_of_kind(kind)
	some h in inv.hpas_for(o)
	n := object.get(h.object, ["spec", "minReplicas"], 1)
	is_number(n)
	n > 1
	not protected(o)
	path := path_of(o)
	msg := sprintf("%s %q runs at least %d replicas (HorizontalPodAutoscaler %q) but no PodDisruptionBudget selects its pods", [o.kind, o.name, n, h.name])
}

path_of(o) := ["spec", "replicas"] if o.object.spec.replicas != null

else := ["spec"]

# Some PodDisruptionBudget of the namespace selects the pods of `o`. Only
# the PDBs that require one of those labels, or that have no matchLabels,
# are checked (and the labels are computed only when there are any).
protected(o) if {
	by_label := object.get(pdbs_by_label, o.namespace, {})
	count(by_label) > 0
	labels := inv.pod_labels(o)
	is_object(labels)
	some k, v in labels
	some pdb in object.get(by_label, [k, v], set())
	selects(pdb, labels)
}

protected(o) if {
	some pdb in object.get(pdbs_without_match_labels, o.namespace, set())
	selects(pdb, inv.pod_labels(o))
}

selects(pdb, labels) if bp.pdb_selects(object.union(pdb.object, {"apiVersion": pdb.apiVersion}), labels)

# PodDisruptionBudgets by namespace and by each label their matchLabels require.
pdbs_by_label[ns][k][v] contains pdb if {
	some pdb in inv.objects_of_kind("PodDisruptionBudget")
	ns := pdb.namespace
	some k, v in match_labels(pdb)
}

pdbs_without_match_labels[ns] contains pdb if {
	some pdb in inv.objects_of_kind("PodDisruptionBudget")
	ns := pdb.namespace
	not match_labels(pdb)
}

match_labels(pdb) := labels if {
	labels := pdb.object.spec.selector.matchLabels
	is_object(labels)
	count(labels) > 0
}
