package assay.kubernetes.cis.token_automount

import rego.v1

deployment(name, pod_spec) := {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": "shop"}, "spec": {"template": {"spec": pod_spec}}}

account(name, automount) := {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name, "namespace": "shop"}, "automountServiceAccountToken": automount}

inventory(deployments, accounts) := {"namespace": {"shop": {
	"apps/v1": {"Deployment": deployments},
	"v1": {"ServiceAccount": accounts},
}}}

test_default_account_token_warned if {
	findings := warn with data.inventory as inventory({"web": deployment("web", {"containers": [{"name": "a"}]})}, {})
	findings == {{
		"msg": "pod mounts the token of the default service account; set automountServiceAccountToken=false, or run as a dedicated service account if the workload calls the Kubernetes API",
		"path": ["spec", "template", "spec"],
		"resource": {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "shop", "name": "web"},
	}}
}

test_named_account_without_setting_warned if {
	findings := warn with data.inventory as inventory({"web": deployment("web", {"serviceAccountName": "web", "containers": []})}, {"web": account("web", null)})
	findings == {{
		"msg": "pod mounts the token of service account \"web\"; set automountServiceAccountToken=false unless the workload calls the Kubernetes API",
		"path": ["spec", "template", "spec", "serviceAccountName"],
		"resource": {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "shop", "name": "web"},
	}}
}

test_deprecated_service_account_field if {
	some f in warn with data.inventory as inventory({"web": deployment("web", {"serviceAccount": "legacy", "containers": []})}, {})
	f.path == ["spec", "template", "spec", "serviceAccount"]
	contains(f.msg, "\"legacy\"")
}

test_account_disabling_automount_passes if {
	count(warn) == 0 with data.inventory as inventory({"web": deployment("web", {"serviceAccountName": "web", "containers": []})}, {"web": account("web", false)})
	count(warn) == 0 with data.inventory as inventory({"web": deployment("web", {"containers": []})}, {"default": account("default", false)})
}

test_pod_setting_wins if {
	count(warn) == 0 with data.inventory as inventory({"web": deployment("web", {"automountServiceAccountToken": false, "serviceAccountName": "web"})}, {"web": account("web", true)})
	findings := warn with data.inventory as inventory({"web": deployment("web", {"automountServiceAccountToken": true, "serviceAccountName": "web"})}, {"web": account("web", false)})
	findings == {{
		"msg": "pod sets automountServiceAccountToken=true; mount the service account token only if the workload calls the Kubernetes API",
		"path": ["spec", "template", "spec", "automountServiceAccountToken"],
		"resource": {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "shop", "name": "web"},
	}}
}

test_account_in_other_namespace_does_not_count if {
	count(warn) == 1 with data.inventory as {"namespace": {
		"shop": {"apps/v1": {"Deployment": {"web": deployment("web", {"serviceAccountName": "web"})}}},
		"other": {"v1": {"ServiceAccount": {"web": account("web", false)}}},
	}}
}

test_every_workload_kind if {
	findings := warn with data.inventory as {"namespace": {"default": {
		"v1": {
			"Pod": {"p": {"kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": []}}},
			"ConfigMap": {"m": {"kind": "ConfigMap", "metadata": {"name": "m"}}},
		},
		"batch/v1": {"CronJob": {"c": {"kind": "CronJob", "metadata": {"name": "c"}, "spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": []}}}}}}}},
	}}}
	{[f.resource.kind, f.path] | some f in findings} == {
		["Pod", ["spec"]],
		["CronJob", ["spec", "jobTemplate", "spec", "template", "spec"]],
	}
}

test_no_inventory if {
	count(warn) == 0
}
