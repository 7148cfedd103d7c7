package assay.kubernetes.cis.default_namespace

import rego.v1

test_default_namespace_denied if {
	findings := deny with input as {"kind": "Deployment", "metadata": {"name": "web", "namespace": "default"}}
	findings == {{"msg": "Deployment \"web\" must not be placed in the default namespace", "path": ["metadata", "namespace"]}}
}

test_custom_kinds_in_default_denied if {
	count(deny) == 1 with input as {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w", "namespace": "default"}}
}

test_other_namespaces_allowed if {
	count(deny) == 0 with input as {"kind": "Deployment", "metadata": {"name": "web", "namespace": "shop"}}
	count(warn) == 0 with input as {"kind": "Deployment", "metadata": {"name": "web", "namespace": "shop"}}
}

test_system_objects_allowed if {
	count(deny) == 0 with input as {"kind": "Service", "metadata": {"name": "kubernetes", "namespace": "default"}}
	count(deny) == 0 with input as {"kind": "ServiceAccount", "metadata": {"name": "default", "namespace": "default"}}
	count(deny) == 0 with input as {"kind": "ConfigMap", "metadata": {"name": "kube-root-ca.crt", "namespace": "default"}}
	count(deny) == 0 with input as {"kind": "Event", "metadata": {"name": "web.17a", "namespace": "default"}}
	count(warn) == 0 with input as {"kind": "ServiceAccount", "metadata": {"name": "default"}}
}

test_missing_namespace_warned if {
	findings := warn with input as {"kind": "ConfigMap", "metadata": {"name": "settings"}}
	findings == {{"msg": "ConfigMap \"settings\" sets no metadata.namespace, so it is created in default unless a namespace is chosen when applying", "path": ["metadata", "name"]}}
	count(deny) == 0 with input as {"kind": "ConfigMap", "metadata": {"name": "settings"}}
}

test_empty_or_null_namespace_warned if {
	some f in warn with input as {"kind": "Secret", "metadata": {"name": "s", "namespace": ""}}
	f.path == ["metadata", "namespace"]
	count(warn) == 1 with input as {"kind": "Secret", "metadata": {"name": "s", "namespace": null}}
}

test_cluster_scoped_and_custom_kinds_not_warned if {
	count(warn) == 0 with input as {"kind": "ClusterRole", "metadata": {"name": "r"}}
	count(warn) == 0 with input as {"kind": "Namespace", "metadata": {"name": "shop"}}
	count(warn) == 0 with input as {"kind": "ClusterIssuer", "metadata": {"name": "letsencrypt"}}
	count(deny) == 0 with input as {"kind": "ClusterRole", "metadata": {"name": "r", "namespace": "default"}}
}

test_warning_points_at_nearest_metadata if {
	some f in warn with input as {"kind": "ConfigMap", "metadata": {"generateName": "cfg-"}}
	f.path == ["metadata"]
	some g in warn with input as {"kind": "ConfigMap"}
	g.path == []
}
