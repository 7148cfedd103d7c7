package assay.kubernetes.bestpractice.spread

import rego.v1

deployment(replicas, pod_spec) := {"kind": "Deployment", "spec": {"replicas": replicas, "template": {"spec": object.union({"containers": [{"name": "a"}]}, pod_spec)}}}

test_replicas_without_spreading_warn if {
	some f in warn with input as deployment(3, {})
	f.msg == "Deployment runs 3 replicas without topologySpreadConstraints or podAntiAffinity"
	f.path == ["spec", "template", "spec"]
}

test_empty_lists_do_not_count if {
	count(warn) == 1 with input as deployment(2, {"topologySpreadConstraints": [], "affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": []}}})
	count(warn) == 1 with input as deployment(2, {"topologySpreadConstraints": null, "affinity": {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{"topologyKey": "x"}]}}})
}

test_spreading_passes if {
	count(warn) == 0 with input as deployment(3, {"topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "kubernetes.io/hostname", "whenUnsatisfiable": "ScheduleAnyway"}]})
	count(warn) == 0 with input as deployment(3, {"affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 100}]}}})
	count(warn) == 0 with input as deployment(3, {"affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{"topologyKey": "kubernetes.io/hostname"}]}}})
}

test_single_or_unset_replicas_skipped if {
	count(warn) == 0 with input as deployment(1, {})
	count(warn) == 0 with input as {"kind": "Deployment", "spec": {"template": {"spec": {"containers": [{"name": "a"}]}}}}
}
