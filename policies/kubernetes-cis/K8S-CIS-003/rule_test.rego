package assay.kubernetes.cis.rbac_wildcards

import rego.v1

test_each_wildcard_reported if {
	findings := deny with input as {"kind": "ClusterRole", "metadata": {"name": "all"}, "rules": [
		{"apiGroups": ["*"], "resources": ["pods", "*"], "verbs": ["*"]},
		{"nonResourceURLs": ["*"], "verbs": ["get"]},
	]}
	findings == {
		{"msg": "ClusterRole \"all\" rules[0] uses the wildcard \"*\" in apiGroups", "path": ["rules", 0, "apiGroups", 0]},
		{"msg": "ClusterRole \"all\" rules[0] uses the wildcard \"*\" in resources", "path": ["rules", 0, "resources", 1]},
		{"msg": "ClusterRole \"all\" rules[0] uses the wildcard \"*\" in verbs", "path": ["rules", 0, "verbs", 0]},
		{"msg": "ClusterRole \"all\" rules[1] uses the wildcard \"*\" in nonResourceURLs", "path": ["rules", 1, "nonResourceURLs", 0]},
	}
}

test_subresource_wildcard_reported if {
	some f in deny with input as {"kind": "Role", "metadata": {"name": "scaler"}, "rules": [{"apiGroups": ["apps"], "resources": ["*/scale"], "verbs": ["update"]}]}
	f.msg == "Role \"scaler\" rules[0] uses the wildcard \"*/scale\" in resources"
}

test_explicit_lists_allowed if {
	count(deny) == 0 with input as {"kind": "Role", "metadata": {"name": "r"}, "rules": [
		{"apiGroups": ["", "apps"], "resources": ["pods", "deployments/scale"], "verbs": ["get", "update"]},
		{"nonResourceURLs": ["/healthz", "/metrics"], "verbs": ["get"]},
	]}
}

test_builtin_roles_skipped if {
	count(deny) == 0 with input as {"kind": "ClusterRole", "metadata": {"name": "cluster-admin", "labels": {"kubernetes.io/bootstrapping": "rbac-defaults"}}, "rules": [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}]}
}

test_bindings_ignored if {
	count(deny) == 0 with input as {"kind": "RoleBinding", "metadata": {"name": "b"}, "rules": [{"verbs": ["*"]}]}
}
