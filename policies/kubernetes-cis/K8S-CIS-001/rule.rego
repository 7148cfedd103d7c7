# METADATA
# title: The cluster-admin role should only be bound where required
# description: >-
#   cluster-admin grants every action on every resource: cluster-wide through a
#   ClusterRoleBinding, or over a whole namespace through a RoleBinding. CIS
#   5.1.1 asks that each binding to it is justified. Every RoleBinding and
#   ClusterRoleBinding whose roleRef is the ClusterRole cluster-admin is
#   reported, except the built-in ones (the default cluster-admin binding of
#   system:masters and every system: binding).
# custom:
#   id: K8S-CIS-001
#   severity: high
#   kinds: [ClusterRoleBinding, RoleBinding]
#   frameworks:
#     cis-kubernetes: ["5.1.1"]
#   remediation: >-
#     Bind the subjects to a role that grants only the access they need, then
#     delete the binding to cluster-admin.
package assay.kubernetes.cis.cluster_admin_binding

import rego.v1

import data.assay.lib.rbac

deny contains {"msg": msg, "path": ["roleRef", "name"]} if {
	input.kind in rbac.binding_kinds
	not rbac.builtin(input)
	input.roleRef.kind == "ClusterRole"
	input.roleRef.name == "cluster-admin"
	msg := sprintf("%s binds the cluster-admin ClusterRole%s", [rbac.label, subjects_text])
}

names := [rbac.subject_label(s) |
	some s in rbac.list(input.subjects)
	is_object(s)
]

subjects_text := sprintf(" to %s", [concat(", ", names)]) if count(names) > 0

else := ""
