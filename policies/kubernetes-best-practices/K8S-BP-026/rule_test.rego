package assay.kubernetes.bestpractice.service_selector

import rego.v1

deployment(labels) := {"kind": "Deployment", "spec": {"template": {"metadata": {"labels": labels}}}}

service(selector) := {"kind": "Service", "spec": {"selector": selector}}

test_selector_without_pods_denied if {
	findings := deny with data.inventory as {"namespace": {"shop": {
		"apps/v1": {"Deployment": {"web": deployment({"app": "web"})}},
		"v1": {"Service": {"web": service({"app": "web-frontend"})}},
	}}}
	findings == {{
		"msg": "Service selector {\"app\": \"web-frontend\"} matches no pods among the scanned objects of namespace \"shop\"",
		"path": ["spec", "selector"],
		"resource": {"apiVersion": "v1", "kind": "Service", "namespace": "shop", "name": "web"},
	}}
}

test_all_selector_labels_must_match if {
	count(deny) == 1 with data.inventory as {"namespace": {"shop": {
		"apps/v1": {"Deployment": {"web": deployment({"app": "web"})}},
		"v1": {"Service": {"web": service({"app": "web", "tier": "front"})}},
	}}}
}

test_pods_in_other_namespace_do_not_count if {
	count(deny) == 1 with data.inventory as {"namespace": {
		"shop": {"v1": {"Service": {"web": service({"app": "web"})}}},
		"ops": {"apps/v1": {"Deployment": {"web": deployment({"app": "web"})}}},
	}}
}

test_matching_workloads_pass if {
	count(deny) == 0 with data.inventory as {"namespace": {"shop": {
		"apps/v1": {"Deployment": {"web": deployment({"app": "web", "tier": "front"})}},
		"batch/v1": {"CronJob": {"job": {"spec": {"jobTemplate": {"spec": {"template": {"metadata": {"labels": {"app": "job"}}}}}}}}},
		"v1": {
			"Pod": {"debug": {"metadata": {"labels": {"app": "debug"}}}},
			"Service": {"web": service({"app": "web"}), "job": service({"app": "job"}), "debug": service({"app": "debug"})},
		},
	}}}
}

test_selectorless_external_and_operator_namespaces_skipped if {
	count(deny) == 0 with data.inventory as {"namespace": {
		"shop": {"v1": {"Service": {
			"manual": {"spec": {"ports": [{"port": 5432}]}},
			"empty": service({}),
			"ext": {"spec": {"type": "ExternalName", "externalName": "db.example.com", "selector": {"app": "db"}}},
		}}},
		"monitoring": {
			"monitoring.coreos.com/v1": {"Prometheus": {"k8s": {}}},
			"v1": {"Service": {"prometheus": service({"app.kubernetes.io/name": "prometheus"})}},
		},
	}}
}

test_custom_controllers_with_templates_count if {
	count(deny) == 0 with data.inventory as {"namespace": {"shop": {
		"argoproj.io/v1alpha1": {"Rollout": {"web": deployment({"app": "web"})}},
		"v1": {"Service": {"web": service({"app": "web"})}},
	}}}
}
