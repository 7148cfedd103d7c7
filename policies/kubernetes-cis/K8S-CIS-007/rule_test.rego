package assay.kubernetes.cis.system_masters

import rego.v1

test_system_masters_denied if {
	findings := deny with input as {"kind": "ClusterRoleBinding", "metadata": {"name": "admins"}, "roleRef": {"kind": "ClusterRole", "name": "admin"}, "subjects": [{"kind": "User", "name": "u"}, {"kind": "Group", "name": "system:masters"}]}
	findings == {{"msg": "ClusterRoleBinding \"admins\" must not name the group system:masters in subjects[1]", "path": ["subjects", 1, "name"]}}
}

test_other_groups_allowed if {
	count(deny) == 0 with input as {"kind": "RoleBinding", "metadata": {"name": "b"}, "subjects": [{"kind": "Group", "name": "masters"}, {"kind": "User", "name": "system:masters"}]}
}

test_default_binding_skipped if {
	count(deny) == 0 with input as {"kind": "ClusterRoleBinding", "metadata": {"name": "cluster-admin", "labels": {"kubernetes.io/bootstrapping": "rbac-defaults"}}, "roleRef": {"kind": "ClusterRole", "name": "cluster-admin"}, "subjects": [{"kind": "Group", "name": "system:masters"}]}
}

test_no_subjects if {
	count(deny) == 0 with input as {"kind": "RoleBinding", "metadata": {"name": "b"}, "subjects": null}
}
