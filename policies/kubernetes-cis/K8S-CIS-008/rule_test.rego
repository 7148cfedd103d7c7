package assay.kubernetes.cis.escalation_verbs

import rego.v1

test_bind_and_escalate_denied if {
	findings := deny with input as {"kind": "ClusterRole", "metadata": {"name": "rbac-manager"}, "rules": [{"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["clusterroles", "rolebindings"], "verbs": ["get", "bind", "escalate"]}]}
	findings == {
		{"msg": "ClusterRole \"rbac-manager\" rules[0] grants bind on clusterroles", "path": ["rules", 0, "verbs", 1]},
		{"msg": "ClusterRole \"rbac-manager\" rules[0] grants escalate on clusterroles", "path": ["rules", 0, "verbs", 2]},
	}
}

test_impersonate_denied if {
	findings := deny with input as {"kind": "ClusterRole", "metadata": {"name": "imp"}, "rules": [
		{"apiGroups": [""], "resources": ["users", "groups", "serviceaccounts"], "verbs": ["impersonate"]},
		{"apiGroups": ["authentication.k8s.io"], "resources": ["userextras/scopes", "uids"], "verbs": ["impersonate"]},
	]}
	findings == {
		{"msg": "ClusterRole \"imp\" rules[0] grants impersonate on groups, serviceaccounts, users", "path": ["rules", 0, "verbs", 0]},
		{"msg": "ClusterRole \"imp\" rules[1] grants impersonate on uids, userextras", "path": ["rules", 1, "verbs", 0]},
	}
}

test_wildcard_verb_denied if {
	findings := deny with input as {"kind": "Role", "metadata": {"name": "r"}, "rules": [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}]}
	findings == {
		{"msg": "Role \"r\" rules[0] grants bind and escalate (through \"*\") on clusterroles, roles", "path": ["rules", 0, "verbs", 0]},
		{"msg": "Role \"r\" rules[0] grants impersonate (through \"*\") on groups, serviceaccounts, uids, userextras, users", "path": ["rules", 0, "verbs", 0]},
	}
}

test_wildcard_verb_on_service_accounts_grants_impersonate if {
	some f in deny with input as {"kind": "Role", "metadata": {"name": "sa"}, "rules": [{"apiGroups": [""], "resources": ["serviceaccounts"], "verbs": ["*"]}]}
	f.msg == "Role \"sa\" rules[0] grants impersonate (through \"*\") on serviceaccounts"
}

test_verbs_on_other_resources_allowed if {
	count(deny) == 0 with input as {"kind": "ClusterRole", "metadata": {"name": "ok"}, "rules": [
		{"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["roles", "rolebindings"], "verbs": ["get", "list", "create"]},
		{"apiGroups": [""], "resources": ["pods"], "verbs": ["*"]},
		{"apiGroups": ["apps"], "resources": ["roles"], "verbs": ["bind"]},
	]}
}

test_builtin_roles_skipped if {
	count(deny) == 0 with input as {"kind": "ClusterRole", "metadata": {"name": "system:controller:clusterrole-aggregation-controller"}, "rules": [{"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["clusterroles"], "verbs": ["escalate"]}]}
}
