package assay.kubernetes.cis.default_service_account

import rego.v1

test_default_account_without_setting_denied if {
	findings := deny with input as {"kind": "ServiceAccount", "metadata": {"name": "default", "namespace": "shop"}}
	findings == {{
		"msg": "ServiceAccount \"default\" must set automountServiceAccountToken=false",
		"path": ["metadata", "name"],
		"fix": [{"op": "ensure", "path": ["automountServiceAccountToken"], "value": false}],
	}}
}

test_default_account_automount_true_denied if {
	findings := deny with input as {"kind": "ServiceAccount", "metadata": {"name": "default"}, "automountServiceAccountToken": true}
	findings == {{
		"msg": "ServiceAccount \"default\" must set automountServiceAccountToken=false, not true",
		"path": ["automountServiceAccountToken"],
		"fix": [{"op": "replace", "path": ["automountServiceAccountToken"], "value": false}],
	}}
}

test_default_account_automount_null_denied if {
	count(deny) == 1 with input as {"kind": "ServiceAccount", "metadata": {"name": "default"}, "automountServiceAccountToken": null}
}

test_default_account_disabled_allowed if {
	count(deny) == 0 with input as {"kind": "ServiceAccount", "metadata": {"name": "default"}, "automountServiceAccountToken": false}
}

test_other_accounts_allowed if {
	count(deny) == 0 with input as {"kind": "ServiceAccount", "metadata": {"name": "app"}}
}

test_binding_to_default_account_denied if {
	findings := deny with input as {
		"kind": "RoleBinding", "metadata": {"name": "b", "namespace": "shop"},
		"roleRef": {"kind": "Role", "name": "reader"},
		"subjects": [{"kind": "ServiceAccount", "name": "app", "namespace": "shop"}, {"kind": "ServiceAccount", "name": "default", "namespace": "shop"}],
	}
	findings == {{"msg": "RoleBinding \"b\" grants Role \"reader\" to the default service account of namespace \"shop\"", "path": ["subjects", 1, "name"]}}
}

test_binding_to_service_account_groups_denied if {
	findings := deny with input as {
		"kind": "ClusterRoleBinding", "metadata": {"name": "b"},
		"roleRef": {"kind": "ClusterRole", "name": "view"},
		"subjects": [{"kind": "Group", "name": "system:serviceaccounts:shop"}, {"kind": "Group", "name": "system:serviceaccounts"}, {"kind": "Group", "name": "system:authenticated"}],
	}
	count(findings) == 2
	some f in findings
	f.msg == "ClusterRoleBinding \"b\" grants ClusterRole \"view\" to group system:serviceaccounts:shop, which includes the default service account"
}

test_builtin_bindings_skipped if {
	count(deny) == 0 with input as {
		"kind": "ClusterRoleBinding", "metadata": {"name": "system:service-account-issuer-discovery"},
		"roleRef": {"kind": "ClusterRole", "name": "system:service-account-issuer-discovery"},
		"subjects": [{"kind": "Group", "name": "system:serviceaccounts"}],
	}
}

test_user_named_default_allowed if {
	count(deny) == 0 with input as {"kind": "RoleBinding", "metadata": {"name": "b"}, "roleRef": {"kind": "Role", "name": "r"}, "subjects": [{"kind": "User", "name": "default"}]}
}
