package assay.kubernetes.bestpractice.hpa_replicas

import rego.v1

hpa(kind, name) := {"spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": kind, "name": name}, "maxReplicas": 5}}

test_replicas_with_hpa_denied if {
	findings := deny with data.inventory as {"namespace": {"shop": {
		"apps/v1": {"Deployment": {"web": {"spec": {"replicas": 2}}}},
		"autoscaling/v2": {"HorizontalPodAutoscaler": {"web-hpa": hpa("Deployment", "web")}},
	}}}
	findings == {{
		"msg": "Deployment \"web\" sets spec.replicas although HorizontalPodAutoscaler \"web-hpa\" scales it",
		"path": ["spec", "replicas"],
		"resource": {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "shop", "name": "web"},
		"fix": [{"op": "remove", "path": ["spec", "replicas"]}],
	}}
}

test_statefulsets_checked if {
	count(deny) == 1 with data.inventory as {"namespace": {"shop": {
		"apps/v1": {"StatefulSet": {"db": {"spec": {"replicas": 3}}}},
		"autoscaling/v1": {"HorizontalPodAutoscaler": {"db": hpa("StatefulSet", "db")}},
	}}}
}

test_no_replicas_passes if {
	count(deny) == 0 with data.inventory as {"namespace": {"shop": {
		"apps/v1": {"Deployment": {"web": {"spec": {}}}},
		"autoscaling/v2": {"HorizontalPodAutoscaler": {"web": hpa("Deployment", "web")}},
	}}}
}

test_hpa_must_target_this_object if {
	count(deny) == 0 with data.inventory as {"namespace": {
		"shop": {
			"apps/v1": {"Deployment": {"web": {"spec": {"replicas": 2}}}},
			"autoscaling/v2": {"HorizontalPodAutoscaler": {"a": hpa("Deployment", "api"), "b": hpa("StatefulSet", "web")}},
		},
		"ops": {"autoscaling/v2": {"HorizontalPodAutoscaler": {"web": hpa("Deployment", "web")}}},
	}}
}
