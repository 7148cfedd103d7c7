# METADATA
# title: Bindings should not name the system:masters group
# description: >-
#   Members of system:masters have unrestricted access hard-coded in the API
#   server: removing bindings cannot take it away, and a client certificate
#   in the group is an irrevocable admin credential. CIS 5.1.7 asks not to
#   use the group. Group memberships live in credentials, not API objects;
#   what is visible is a RoleBinding or ClusterRoleBinding naming the group,
#   so every such subject is reported, except in the built-in bindings.
# custom:
#   id: K8S-CIS-007
#   severity: high
#   kinds: [RoleBinding, ClusterRoleBinding]
#   frameworks:
#     cis-kubernetes: ["5.1.7"]
#   remediation: >-
#     Remove system:masters from the subjects; grant access through a
#     dedicated group bound to a least-privilege role, and do not issue
#     credentials in the system:masters group.
package assay.kubernetes.cis.system_masters

import rego.v1

import data.assay.lib.rbac

deny contains {"msg": msg, "path": path} if {
	some s in rbac.subjects
	s.subject.kind == "Group"
	s.subject.name == "system:masters"
	path := array.concat(s.path, ["name"])
	msg := sprintf("%s must not name the group system:masters in subjects[%d]", [rbac.label, s.index])
}
