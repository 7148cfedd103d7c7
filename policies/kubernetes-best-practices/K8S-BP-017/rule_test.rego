package assay.kubernetes.bestpractice.recreate_strategy

import rego.v1

deployment(strategy) := {"kind": "Deployment", "spec": {"strategy": strategy, "template": {"metadata": {"labels": {"app": "web"}}}}}

service(selector) := {"kind": "Service", "spec": {"selector": selector}}

test_recreate_behind_service_warns if {
	findings := warn with data.inventory as {"namespace": {"shop": {
		"apps/v1": {"Deployment": {"web": deployment({"type": "Recreate"})}},
		"v1": {"Service": {"web": service({"app": "web"})}},
	}}}
	findings == {{
		"msg": "Deployment \"web\" uses the Recreate strategy, so Service \"web\" has no endpoints during each rollout",
		"path": ["spec", "strategy", "type"],
		"resource": {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "shop", "name": "web"},
	}}
}

test_rolling_update_passes if {
	count(warn) == 0 with data.inventory as {"namespace": {"shop": {
		"apps/v1": {"Deployment": {"a": deployment({"type": "RollingUpdate"}), "b": deployment(null)}},
		"v1": {"Service": {"web": service({"app": "web"})}},
	}}}
}

test_recreate_without_service_passes if {
	count(warn) == 0 with data.inventory as {"namespace": {
		"shop": {
			"apps/v1": {"Deployment": {"web": deployment({"type": "Recreate"})}},
			"v1": {"Service": {"api": service({"app": "api"}), "ext": {"spec": {"type": "ExternalName", "selector": {"app": "web"}}}}},
		},
		"ops": {"v1": {"Service": {"web": service({"app": "web"})}}},
	}}
}
