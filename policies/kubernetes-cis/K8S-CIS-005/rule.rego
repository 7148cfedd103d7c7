# METADATA
# title: Default service accounts should not be used
# description: >-
#   Workloads that need the Kubernetes API should run as a service account of
#   their own, so the rights of each are visible and can be reviewed. CIS
#   5.1.5 asks that every default ServiceAccount sets
#   automountServiceAccountToken to false and has no roles bound to it.
#   Reported: a ServiceAccount named default without
#   automountServiceAccountToken=false, and every subject of a RoleBinding or
#   ClusterRoleBinding (built-in ones aside) that is a default
#   ServiceAccount or a system:serviceaccounts group, which includes it.
# custom:
#   id: K8S-CIS-005
#   severity: medium
#   kinds: [ServiceAccount, RoleBinding, ClusterRoleBinding]
#   frameworks:
#     cis-kubernetes: ["5.1.5"]
#   remediation: >-
#     Set automountServiceAccountToken to false on each default
#     ServiceAccount, create a dedicated ServiceAccount for every workload
#     that calls the API, and bind roles to that account instead of default.
package assay.kubernetes.cis.default_service_account

import rego.v1

import data.assay.lib.rbac

# The default ServiceAccount leaves token automounting on (unset or true).
deny contains {"msg": msg, "path": path, "fix": [{"op": "replace", "path": path, "value": false}]} if {
	default_account
	"automountServiceAccountToken" in object.keys(input)
	input.automountServiceAccountToken != false
	path := ["automountServiceAccountToken"]
	msg := sprintf("ServiceAccount \"default\" must set automountServiceAccountToken=false, not %v", [input.automountServiceAccountToken])
}

deny contains {"msg": msg, "path": ["metadata", "name"], "fix": fix} if {
	default_account
	not "automountServiceAccountToken" in object.keys(input)
	fix := [{"op": "ensure", "path": ["automountServiceAccountToken"], "value": false}]
	msg := "ServiceAccount \"default\" must set automountServiceAccountToken=false"
}

default_account if {
	input.kind == "ServiceAccount"
	input.metadata.name == "default"
}

# A binding grants a role to a default ServiceAccount.
deny contains {"msg": msg, "path": path} if {
	some s in rbac.subjects
	s.subject.kind == "ServiceAccount"
	s.subject.name == "default"
	path := array.concat(s.path, ["name"])
	msg := sprintf("%s grants %s to the default service account%s", [rbac.label, role, namespace_text(s.subject)])
}

# A binding grants a role to every service account (of a namespace), default included.
deny contains {"msg": msg, "path": path} if {
	some s in rbac.subjects
	s.subject.kind == "Group"
	all_accounts(s.subject.name)
	path := array.concat(s.path, ["name"])
	msg := sprintf("%s grants %s to group %s, which includes the default service account", [rbac.label, role, s.subject.name])
}

all_accounts("system:serviceaccounts") := true

all_accounts(group) if {
	startswith(group, "system:serviceaccounts:")
	count(split(group, ":")) == 3
}

role := sprintf("%s %q", [object.get(input, ["roleRef", "kind"], ""), object.get(input, ["roleRef", "name"], "")])

namespace_text(subject) := sprintf(" of namespace %q", [subject.namespace]) if {
	is_string(subject.namespace)
	subject.namespace != ""
}

else := ""
