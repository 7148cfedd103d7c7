# METADATA
# title: Roles should not use wildcards
# description: >-
#   A wildcard grants every current and future verb, API group or resource,
#   including CRDs added later, so access grows without anyone granting it.
#   CIS 5.1.3 asks to replace wildcards with explicit lists. Every "*" in the
#   apiGroups, resources, verbs or nonResourceURLs of a Role or ClusterRole
#   rule is reported, and every "*/subresource" entry in resources, except
#   in built-in roles.
# custom:
#   id: K8S-CIS-003
#   severity: medium
#   kinds: [Role, ClusterRole]
#   frameworks:
#     cis-kubernetes: ["5.1.3"]
#   remediation: Replace the wildcard with the API groups, resources and verbs the subject needs.
package assay.kubernetes.cis.rbac_wildcards

import rego.v1

import data.assay.lib.rbac

fields := ["apiGroups", "resources", "verbs", "nonResourceURLs"]

deny contains {"msg": msg, "path": path} if {
	some r in rbac.rules
	some field in fields
	some j, entry in rbac.field(r.rule, field)
	wildcard(field, entry)
	path := array.concat(r.path, [field, j])
	msg := sprintf("%s rules[%d] uses the wildcard %q in %s", [rbac.label, r.index, entry, field])
}

wildcard(_, "*") := true

wildcard("resources", entry) if startswith(entry, "*/")
