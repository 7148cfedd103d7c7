package assay.lib.rbac

import rego.v1

test_builtin_objects if {
	builtin({"kind": "ClusterRole", "metadata": {"name": "system:controller:job-controller"}})
	builtin({"kind": "ClusterRole", "metadata": {"name": "admin", "labels": {"kubernetes.io/bootstrapping": "rbac-defaults"}}})
	builtin({"kind": "ClusterRoleBinding", "metadata": {"name": "cluster-admin"}, "roleRef": {"name": "cluster-admin"}})
	not builtin({"kind": "ClusterRole", "metadata": {"name": "admin"}})
	not builtin({"kind": "RoleBinding", "metadata": {"name": "cluster-admin"}, "roleRef": {"name": "cluster-admin"}})
	not builtin({"kind": "Role"})
}

test_rules_skip_builtin_and_non_objects if {
	rs := rules with input as {"kind": "ClusterRole", "metadata": {"name": "r"}, "rules": [{"verbs": ["get"]}, null]}
	rs == {{"rule": {"verbs": ["get"]}, "index": 0, "path": ["rules", 0]}}
	count(rules) == 0 with input as {"kind": "ClusterRole", "metadata": {"name": "system:x"}, "rules": [{"verbs": ["get"]}]}
	count(rules) == 0 with input as {"kind": "RoleBinding", "rules": [{"verbs": ["get"]}]}
	count(rules) == 0 with input as {"kind": "Role", "rules": null}
}

test_subjects if {
	ss := subjects with input as {"kind": "RoleBinding", "metadata": {"name": "b"}, "subjects": [{"kind": "User", "name": "u"}]}
	ss == {{"subject": {"kind": "User", "name": "u"}, "index": 0, "path": ["subjects", 0]}}
	count(subjects) == 0 with input as {"kind": "RoleBinding", "metadata": {"name": "b"}}
}

test_resource_hits if {
	resource_hits({"apiGroups": [""], "resources": ["pods", "secrets"]}, {""}, {"secrets"}) == {1}
	resource_hits({"apiGroups": ["*"], "resources": ["*"]}, {""}, {"secrets"}) == {0}
	resource_hits({"apiGroups": ["apps"], "resources": ["secrets"]}, {""}, {"secrets"}) == set()
	resource_hits({"resources": ["secrets"]}, {""}, {"secrets"}) == set()
	resource_hits({"apiGroups": [""], "resources": ["*/proxy", "nodes/status"]}, {""}, {"nodes/proxy"}) == {0}
	resource_hits({"apiGroups": [""], "resources": ["nodes"]}, {""}, {"nodes/proxy"}) == set()
	resource_hits({"apiGroups": ["authentication.k8s.io"], "resources": ["userextras/scopes"]}, {"authentication.k8s.io"}, {"userextras/*"}) == {0}
}

test_verb_hits if {
	verb_hits({"verbs": ["get", "list", "create"]}, {"get", "list", "watch"}) == {"get", "list"}
	verb_hits({"verbs": ["*"]}, {"create"}) == {"*"}
	verb_hits({"verbs": null}, {"create"}) == set()
}

test_named if {
	named({"resourceNames": ["a"]})
	not named({"resourceNames": []})
	not named({})
}

test_label if {
	label == "Role \"r\"" with input as {"kind": "Role", "metadata": {"name": "r"}}
	join({"b", "a"}) == "a, b"
}

test_subject_label if {
	subject_label({"kind": "ServiceAccount", "name": "d", "namespace": "ci"}) == "ServiceAccount ci/d"
	subject_label({"kind": "ServiceAccount", "name": "d"}) == "ServiceAccount d"
	subject_label({"kind": "Group", "name": "g"}) == "Group g"
}

test_grants if {
	gs := grants({""}, {"secrets"}, {"get", "list", "watch"}, true) with input as {"kind": "Role", "metadata": {"name": "r"}, "rules": [
		{"apiGroups": [""], "resources": ["pods", "secrets"], "verbs": ["get", "list", "create"]},
		{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"], "resourceNames": ["tls"]},
		{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]},
		{"apiGroups": [""], "resources": ["secrets"], "verbs": ["create"]},
	]}
	gs == {
		{"path": ["rules", 0, "resources", 1], "index": 0, "entry": "secrets", "covered": {"secrets"}, "verbs": {"get", "list"}},
		{"path": ["rules", 2, "resources", 0], "index": 2, "entry": "*", "covered": {"secrets"}, "verbs": {"*"}},
	}
}

test_grants_keeps_named_rules_unless_asked if {
	gs := grants({""}, {"secrets"}, {"get"}, false) with input as {"kind": "Role", "rules": [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"], "resourceNames": ["tls"]}]}
	count(gs) == 1
}

test_grant_message if {
	m1 := grant_message({"index": 0, "entry": "secrets", "covered": {"secrets"}, "verbs": {"list", "get"}}) with input as {"kind": "Role", "metadata": {"name": "r"}}
	m1 == "Role \"r\" rules[0] grants get, list on secrets"
	m2 := grant_message({"index": 2, "entry": "*", "covered": {"secrets"}, "verbs": {"*"}}) with input as {"kind": "ClusterRole", "metadata": {"name": "c"}}
	m2 == "ClusterRole \"c\" rules[2] grants every verb (\"*\") on secrets (through \"*\")"
}
