package assay.kubernetes.cis.cluster_admin_binding

import rego.v1

binding(kind, name, role) := {
	"kind": kind,
	"metadata": {"name": name},
	"roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
	"subjects": [{"kind": "User", "name": "alice"}, {"kind": "Group", "name": "ops"}],
}

test_cluster_role_binding_denied if {
	some f in deny with input as binding("ClusterRoleBinding", "alice-admin", "cluster-admin")
	f.msg == "ClusterRoleBinding \"alice-admin\" binds the cluster-admin ClusterRole to User alice, Group ops"
	f.path == ["roleRef", "name"]
}

test_role_binding_denied if {
	count(deny) == 1 with input as binding("RoleBinding", "ns-admin", "cluster-admin")
}

test_no_subjects if {
	some f in deny with input as {"kind": "RoleBinding", "metadata": {"name": "b"}, "roleRef": {"kind": "ClusterRole", "name": "cluster-admin"}}
	f.msg == "RoleBinding \"b\" binds the cluster-admin ClusterRole"
}

test_other_roles_allowed if {
	count(deny) == 0 with input as binding("ClusterRoleBinding", "alice-view", "view")
}

test_role_named_cluster_admin_is_not_the_cluster_role if {
	count(deny) == 0 with input as {"kind": "RoleBinding", "metadata": {"name": "b"}, "roleRef": {"kind": "Role", "name": "cluster-admin"}}
}

test_builtin_bindings_skipped if {
	count(deny) == 0 with input as binding("ClusterRoleBinding", "cluster-admin", "cluster-admin")
	count(deny) == 0 with input as binding("ClusterRoleBinding", "system:kube-controller-manager", "cluster-admin")
}
