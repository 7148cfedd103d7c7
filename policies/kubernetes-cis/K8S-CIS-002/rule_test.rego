package assay.kubernetes.cis.secrets_access

import rego.v1

role(rules) := {"kind": "Role", "metadata": {"name": "app"}, "rules": rules}

test_read_verbs_denied if {
	findings := deny with input as role([{"apiGroups": [""], "resources": ["configmaps", "secrets"], "verbs": ["get", "list", "watch", "create"]}])
	findings == {{"msg": "Role \"app\" rules[0] grants get, list, watch on secrets", "path": ["rules", 0, "resources", 1]}}
}

test_wildcards_denied if {
	findings := deny with input as {"kind": "ClusterRole", "metadata": {"name": "all"}, "rules": [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}]}
	findings == {{"msg": "ClusterRole \"all\" rules[0] grants every verb (\"*\") on secrets (through \"*\")", "path": ["rules", 0, "resources", 0]}}
}

test_named_secrets_allowed if {
	count(deny) == 0 with input as role([{"apiGroups": [""], "resources": ["secrets"], "resourceNames": ["app-tls"], "verbs": ["get"]}])
}

test_other_verbs_groups_and_resources_allowed if {
	count(deny) == 0 with input as role([
		{"apiGroups": [""], "resources": ["secrets"], "verbs": ["create", "delete"]},
		{"apiGroups": ["apps"], "resources": ["secrets"], "verbs": ["get"]},
		{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"]},
	])
}

test_builtin_roles_skipped if {
	count(deny) == 0 with input as {"kind": "ClusterRole", "metadata": {"name": "system:controller:expand-controller"}, "rules": [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]}]}
	count(deny) == 0 with input as {"kind": "ClusterRole", "metadata": {"name": "edit", "labels": {"kubernetes.io/bootstrapping": "rbac-defaults"}}, "rules": [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]}]}
}
