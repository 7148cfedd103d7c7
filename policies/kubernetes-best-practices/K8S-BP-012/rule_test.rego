package assay.kubernetes.bestpractice.pdb_zero_disruptions

import rego.v1

test_max_unavailable_zero_denied if {
	some f in deny with input as {"kind": "PodDisruptionBudget", "spec": {"maxUnavailable": 0}}
	f.msg == "PodDisruptionBudget sets maxUnavailable 0, which blocks every voluntary eviction"
	f.path == ["spec", "maxUnavailable"]
	count(deny) == 1 with input as {"kind": "PodDisruptionBudget", "spec": {"maxUnavailable": "0%"}}
}

test_min_available_all_denied if {
	some f in deny with input as {"kind": "PodDisruptionBudget", "spec": {"minAvailable": "100%"}}
	f.path == ["spec", "minAvailable"]
}

test_budgets_that_allow_disruption_pass if {
	count(deny) == 0 with input as {"kind": "PodDisruptionBudget", "spec": {"maxUnavailable": 1}}
	count(deny) == 0 with input as {"kind": "PodDisruptionBudget", "spec": {"maxUnavailable": "25%"}}
	count(deny) == 0 with input as {"kind": "PodDisruptionBudget", "spec": {"minAvailable": "50%"}}
	count(deny) == 0 with input as {"kind": "PodDisruptionBudget", "spec": {"minAvailable": 1}}
	count(deny) == 0 with input as {"kind": "PodDisruptionBudget", "spec": {"maxUnavailable": null}}
}
