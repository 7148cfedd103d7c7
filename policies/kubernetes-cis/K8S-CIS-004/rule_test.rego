package assay.kubernetes.cis.create_pods

import rego.v1

test_create_pods_denied if {
	findings := deny with input as {"kind": "Role", "metadata": {"name": "runner"}, "rules": [{"apiGroups": [""], "resources": ["pods", "pods/exec"], "verbs": ["create", "get"]}]}
	findings == {{"msg": "Role \"runner\" rules[0] grants create on pods", "path": ["rules", 0, "resources", 0]}}
}

test_wildcard_verb_denied if {
	some f in deny with input as {"kind": "ClusterRole", "metadata": {"name": "pods"}, "rules": [{"apiGroups": ["", "apps"], "resources": ["pods", "deployments"], "verbs": ["*"]}]}
	f.msg == "ClusterRole \"pods\" rules[0] grants every verb (\"*\") on pods"
}

test_read_and_subresources_allowed if {
	count(deny) == 0 with input as {"kind": "Role", "metadata": {"name": "r"}, "rules": [
		{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list", "watch", "delete"]},
		{"apiGroups": [""], "resources": ["pods/exec", "pods/eviction"], "verbs": ["create"]},
		{"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["create"]},
	]}
}

test_named_rule_cannot_grant_create if {
	count(deny) == 0 with input as {"kind": "Role", "metadata": {"name": "r"}, "rules": [{"apiGroups": [""], "resources": ["pods"], "resourceNames": ["p"], "verbs": ["create"]}]}
}

test_builtin_roles_skipped if {
	count(deny) == 0 with input as {"kind": "ClusterRole", "metadata": {"name": "system:controller:job-controller"}, "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["create"]}]}
}
