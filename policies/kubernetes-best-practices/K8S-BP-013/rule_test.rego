package assay.kubernetes.bestpractice.single_replica

import rego.v1

deployment(spec) := object.union({"kind": "Deployment", "spec": {"template": {"metadata": {"labels": {"app": "web"}}}}}, {"spec": spec})

service(selector) := {"kind": "Service", "spec": {"selector": selector}}

test_single_replica_behind_service_warns if {
	findings := warn with data.inventory as {"namespace": {"shop": {
		"apps/v1": {"Deployment": {"web": deployment({"replicas": 1})}},
		"v1": {"Service": {"web": service({"app": "web"}), "a-web": service({"app": "web"})}},
	}}}
	findings == {{
		"msg": "Deployment \"web\" runs a single replica behind Service \"a-web\"",
		"path": ["spec", "replicas"],
		"resource": {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "shop", "name": "web"},
	}}
}

test_unset_replicas_default_to_one if {
	some f in warn with data.inventory as {"namespace": {"shop": {
		"apps/v1": {"Deployment": {"web": deployment({})}},
		"v1": {"Service": {"web": service({"app": "web"})}},
	}}}
	f.path == ["spec"]
}

test_no_service_no_warning if {
	count(warn) == 0 with data.inventory as {"namespace": {"shop": {
		"apps/v1": {"Deployment": {"web": deployment({"replicas": 1})}},
		"v1": {"Service": {
			"other": service({"app": "api"}),
			"manual": {"kind": "Service", "spec": {}},
			"external": {"kind": "Service", "spec": {"type": "ExternalName", "selector": {"app": "web"}}},
		}},
	}}}
}

test_service_in_other_namespace_ignored if {
	count(warn) == 0 with data.inventory as {"namespace": {
		"shop": {"apps/v1": {"Deployment": {"web": deployment({"replicas": 1})}}},
		"ops": {"v1": {"Service": {"web": service({"app": "web"})}}},
	}}
}

test_replicated_scaled_to_zero_or_autoscaled_skipped if {
	count(warn) == 0 with data.inventory as {"namespace": {"shop": {
		"apps/v1": {"Deployment": {"a": deployment({"replicas": 3}), "b": deployment({"replicas": 0}), "c": deployment({})}},
		"v1": {"Service": {"web": service({"app": "web"})}},
		"autoscaling/v2": {"HorizontalPodAutoscaler": {"c": {"spec": {"scaleTargetRef": {"kind": "Deployment", "name": "c"}}}}},
	}}}
}
