package assay.kubernetes.cis.node_proxy

import rego.v1

test_node_proxy_denied if {
	findings := deny with input as {"kind": "ClusterRole", "metadata": {"name": "monitor"}, "rules": [{"apiGroups": [""], "resources": ["nodes", "nodes/proxy"], "verbs": ["get"]}]}
	findings == {{"msg": "ClusterRole \"monitor\" rules[0] grants get on nodes/proxy", "path": ["rules", 0, "resources", 1]}}
}

test_subresource_wildcard_denied if {
	some f in deny with input as {"kind": "ClusterRole", "metadata": {"name": "p"}, "rules": [{"apiGroups": [""], "resources": ["*/proxy"], "verbs": ["create"]}]}
	f.msg == "ClusterRole \"p\" rules[0] grants create on nodes/proxy (through \"*/proxy\")"
}

test_named_nodes_still_denied if {
	count(deny) == 1 with input as {"kind": "ClusterRole", "metadata": {"name": "p"}, "rules": [{"apiGroups": [""], "resources": ["nodes/proxy"], "resourceNames": ["node-1"], "verbs": ["get"]}]}
}

test_other_node_access_allowed if {
	count(deny) == 0 with input as {"kind": "ClusterRole", "metadata": {"name": "n"}, "rules": [
		{"apiGroups": [""], "resources": ["nodes", "nodes/metrics", "nodes/stats"], "verbs": ["get", "list"]},
		{"apiGroups": ["metrics.k8s.io"], "resources": ["nodes"], "verbs": ["get"]},
	]}
}

test_builtin_roles_skipped if {
	count(deny) == 0 with input as {"kind": "ClusterRole", "metadata": {"name": "system:kubelet-api-admin"}, "rules": [{"apiGroups": [""], "resources": ["nodes/proxy"], "verbs": ["*"]}]}
}
