package assay.kubernetes.bestpractice.hpa_target

import rego.v1

hpa(kind, name) := {"spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": kind, "name": name}, "maxReplicas": 5}}

test_missing_target_denied if {
	findings := deny with data.inventory as {"namespace": {"shop": {
		"apps/v1": {"Deployment": {"web": {}}},
		"autoscaling/v2": {"HorizontalPodAutoscaler": {"web": hpa("Deployment", "web-v2")}},
	}}}
	findings == {{
		"msg": "HorizontalPodAutoscaler targets Deployment \"web-v2\", which is not among the scanned objects of namespace \"shop\"",
		"path": ["spec", "scaleTargetRef", "name"],
		"resource": {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "namespace": "shop", "name": "web"},
	}}
}

test_wrong_kind_or_namespace_denied if {
	count(deny) == 2 with data.inventory as {"namespace": {
		"shop": {
			"apps/v1": {"Deployment": {"db": {}}},
			"autoscaling/v2": {"HorizontalPodAutoscaler": {"db": hpa("StatefulSet", "db"), "api": hpa("Deployment", "api")}},
		},
		"ops": {"apps/v1": {"Deployment": {"api": {}}}},
	}}
}

test_existing_target_passes if {
	count(deny) == 0 with data.inventory as {"namespace": {"shop": {
		"apps/v1": {"Deployment": {"web": {}}, "StatefulSet": {"db": {}}},
		"autoscaling/v2": {"HorizontalPodAutoscaler": {"web": hpa("Deployment", "web"), "db": hpa("StatefulSet", "db")}},
	}}}
}

test_custom_targets_and_operator_namespaces_skipped if {
	count(deny) == 0 with data.inventory as {"namespace": {
		"shop": {"autoscaling/v2": {"HorizontalPodAutoscaler": {"ro": {"spec": {"scaleTargetRef": {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "name": "ro"}}}}}},
		"kafka": {
			"kafka.strimzi.io/v1beta2": {"KafkaConnect": {"c": {}}},
			"autoscaling/v2": {"HorizontalPodAutoscaler": {"c": hpa("Deployment", "c-connect")}},
		},
	}}
}
