# METADATA
# title: Roles should not grant the bind, escalate or impersonate verbs
# description: >-
#   bind lets a subject bind roles it does not hold, escalate lets it widen
#   roles beyond its own rights, and impersonate lets it act as another user,
#   group or service account; each can lead to cluster-admin. CIS 5.1.8 asks
#   to limit them. Reported: every verb entry of a Role or ClusterRole rule
#   that grants bind or escalate (or "*") on roles or clusterroles in
#   rbac.authorization.k8s.io, or impersonate (or "*") on users, groups,
#   serviceaccounts, uids or userextras, except in built-in roles.
# custom:
#   id: K8S-CIS-008
#   severity: high
#   kinds: [Role, ClusterRole]
#   frameworks:
#     cis-kubernetes: ["5.1.8"]
#   remediation: >-
#     Remove bind, escalate and impersonate from the rule, and replace "*"
#     with the verbs the subject needs; keep them only for subjects that
#     must manage RBAC or impersonate, and review those.
package assay.kubernetes.cis.escalation_verbs

import rego.v1

import data.assay.lib.rbac

permissions := [
	{
		"verbs": {"bind", "escalate"},
		"groups": {"rbac.authorization.k8s.io"},
		"resources": {"roles", "clusterroles"},
	},
	{
		"verbs": {"impersonate"},
		"groups": {"", "authentication.k8s.io"},
		"resources": {"users", "groups", "serviceaccounts", "uids", "userextras/*"},
	},
]

deny contains {"msg": msg, "path": path} if {
	some r in rbac.rules
	some p in permissions
	some j, verb in rbac.field(r.rule, "verbs")
	rbac.covers(verb, p.verbs)
	hits := rbac.resource_hits(r.rule, p.groups, p.resources)
	count(hits) > 0
	covered := {name(w) | some k in hits; some w in p.resources; rbac.resource_covers(r.rule.resources[k], w)}
	path := array.concat(r.path, ["verbs", j])
	msg := sprintf("%s rules[%d] grants %s on %s", [rbac.label, r.index, granted(verb, p.verbs), rbac.join(covered)])
}

granted("*", verbs) := sprintf("%s (through \"*\")", [concat(" and ", sort(verbs))])

granted(verb, _) := verb if verb != "*"

name(w) := trim_suffix(w, "/*")
