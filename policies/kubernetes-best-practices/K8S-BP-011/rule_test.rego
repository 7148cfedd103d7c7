package assay.kubernetes.bestpractice.pdb_required

import rego.v1

deployment(replicas, labels) := {"apiVersion": "apps/v1", "kind": "Deployment", "spec": {
	"replicas": replicas,
	"selector": {"matchLabels": labels},
	"template": {"metadata": {"labels": labels}},
}}

budget(api_version, selector) := {"apiVersion": api_version, "kind": "PodDisruptionBudget", "spec": {"maxUnavailable": 1, "selector": selector}}

test_replicated_deployment_without_pdb_denied if {
	findings := deny with data.inventory as {"namespace": {"shop": {"apps/v1": {"Deployment": {"web": deployment(3, {"app": "web"})}}}}}
	findings == {{
		"msg": "Deployment \"web\" runs 3 replicas but no PodDisruptionBudget selects its pods",
		"path": ["spec", "replicas"],
		"resource": {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "shop", "name": "web"},
	}}
}

test_matching_pdb_passes if {
	count(deny) == 0 with data.inventory as {"namespace": {"shop": {
		"apps/v1": {"Deployment": {"web": deployment(3, {"app": "web", "tier": "front"})}},
		"policy/v1": {"PodDisruptionBudget": {"web": budget("policy/v1", {"matchLabels": {"app": "web"}})}},
	}}}
}

test_match_expressions_supported if {
	count(deny) == 0 with data.inventory as {"namespace": {"shop": {
		"apps/v1": {"Deployment": {"web": deployment(3, {"app": "web"})}},
		"policy/v1": {"PodDisruptionBudget": {"all": budget("policy/v1", {"matchExpressions": [{"key": "app", "operator": "In", "values": ["web", "api"]}]})}},
	}}}
}

test_pdb_in_other_namespace_or_other_labels_does_not_count if {
	count(deny) == 2 with data.inventory as {"namespace": {
		"shop": {
			"apps/v1": {"Deployment": {"web": deployment(2, {"app": "web"})}, "StatefulSet": {"db": object.union(deployment(3, {"app": "db"}), {"kind": "StatefulSet"})}},
			"policy/v1": {"PodDisruptionBudget": {"other": budget("policy/v1", {"matchLabels": {"app": "api"}})}},
		},
		"ops": {"policy/v1": {"PodDisruptionBudget": {"web": budget("policy/v1", {"matchLabels": {"app": "web"}})}}},
	}}
}

test_empty_selector_depends_on_api_version if {
	count(deny) == 0 with data.inventory as {"namespace": {"shop": {
		"apps/v1": {"Deployment": {"web": deployment(3, {"app": "web"})}},
		"policy/v1": {"PodDisruptionBudget": {"all": budget("policy/v1", {})}},
	}}}
	count(deny) == 1 with data.inventory as {"namespace": {"shop": {
		"apps/v1": {"Deployment": {"web": deployment(3, {"app": "web"})}},
		"policy/v1beta1": {"PodDisruptionBudget": {"all": budget("policy/v1beta1", {})}},
	}}}
}

test_single_replica_and_default_skipped if {
	count(deny) == 0 with data.inventory as {"namespace": {"shop": {"apps/v1": {"Deployment": {
		"one": deployment(1, {"app": "one"}),
		"unset": {"kind": "Deployment", "spec": {"template": {"metadata": {"labels": {"app": "unset"}}}}},
	}}}}}
}

test_hpa_min_replicas_counts if {
	findings := deny with data.inventory as {"namespace": {"shop": {
		"apps/v1": {"Deployment": {"web": {"kind": "Deployment", "spec": {"template": {"metadata": {"labels": {"app": "web"}}}}}}},
		"autoscaling/v2": {"HorizontalPodAutoscaler": {"web-hpa": {"spec": {"minReplicas": 2, "maxReplicas": 5, "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}}}}},
	}}}
	some f in findings
	f.msg == "Deployment \"web\" runs at least 2 replicas (HorizontalPodAutoscaler \"web-hpa\") but no PodDisruptionBudget selects its pods"
	f.path == ["spec"]
}

test_hpa_with_min_one_skipped_even_if_replicas_set if {
	count(deny) == 0 with data.inventory as {"namespace": {"shop": {
		"apps/v1": {"Deployment": {"web": deployment(3, {"app": "web"})}},
		"autoscaling/v2": {"HorizontalPodAutoscaler": {"web": {"spec": {"maxReplicas": 5, "scaleTargetRef": {"kind": "Deployment", "name": "web"}}}}},
	}}}
}
