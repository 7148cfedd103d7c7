package assay.kubernetes.cis.namespace_network_policy

import rego.v1

deployment(ns, name) := {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": ns}, "spec": {"template": {"spec": {"containers": [{"name": "a"}]}}}}

policy(ns) := {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "deny", "namespace": ns}, "spec": {"podSelector": {}}}

namespace(name) := {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}

test_namespace_object_without_policy_reported if {
	findings := deny with data.inventory as {"cluster": {"v1": {"Namespace": {"shop": namespace("shop")}}}}
	findings == {{
		"msg": "namespace \"shop\" has no NetworkPolicy, so its pods accept and send any traffic",
		"path": ["metadata", "name"],
		"resource": {"apiVersion": "v1", "kind": "Namespace", "namespace": "", "name": "shop"},
	}}
}

test_namespace_with_policy_passes if {
	count(deny) == 0 with data.inventory as {
		"cluster": {"v1": {"Namespace": {"shop": namespace("shop")}}},
		"namespace": {"shop": {"networking.k8s.io/v1": {"NetworkPolicy": {"deny": policy("shop")}}}},
	}
}

test_reported_on_namespace_not_on_workloads if {
	findings := deny with data.inventory as {
		"cluster": {"v1": {"Namespace": {"shop": namespace("shop")}}},
		"namespace": {"shop": {"apps/v1": {"Deployment": {"web": deployment("shop", "web")}}}},
	}
	{f.resource.kind | some f in findings} == {"Namespace"}
}

test_namespace_without_object_reported_on_first_workload if {
	findings := deny with data.inventory as {"namespace": {"shop": {
		"apps/v1": {"Deployment": {"web": deployment("shop", "web"), "api": deployment("shop", "api")}, "StatefulSet": {"db": {"kind": "StatefulSet", "metadata": {"name": "db"}}}},
		"v1": {"ConfigMap": {"a": {"kind": "ConfigMap", "metadata": {"name": "a", "namespace": "shop"}}}},
	}}}
	findings == {{
		"msg": "namespace \"shop\" has no NetworkPolicy, so its pods accept and send any traffic",
		"path": ["metadata", "namespace"],
		"resource": {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "shop", "name": "api"},
	}}
}

test_object_without_namespace_points_at_name if {
	some f in deny with data.inventory as {"namespace": {"default": {"v1": {"Pod": {"p": {"kind": "Pod", "metadata": {"name": "p"}, "spec": {}}}}}}}
	f.path == ["metadata", "name"]
	f.resource == {"apiVersion": "v1", "kind": "Pod", "namespace": "default", "name": "p"}
}

test_namespaces_without_workloads_or_object_ignored if {
	count(deny) == 0 with data.inventory as {"namespace": {"shop": {"v1": {"ConfigMap": {"a": {"kind": "ConfigMap", "metadata": {"name": "a"}}}}}}}
}

test_policy_in_other_namespace_does_not_count if {
	findings := deny with data.inventory as {
		"cluster": {"v1": {"Namespace": {"shop": namespace("shop"), "web": namespace("web")}}},
		"namespace": {"web": {"networking.k8s.io/v1": {"NetworkPolicy": {"deny": policy("web")}}}},
	}
	{f.resource.name | some f in findings} == {"shop"}
}

test_system_namespaces_not_exempt if {
	count(deny) == 1 with data.inventory as {"cluster": {"v1": {"Namespace": {"kube-system": namespace("kube-system")}}}}
}

test_empty_inventory if {
	count(deny) == 0 with data.inventory as {}
	count(deny) == 0
}
