# METADATA
# title: Kubernetes RBAC helpers
# description: >-
#   The policy rules of a Role or ClusterRole and the bindings of a RoleBinding
#   or ClusterRoleBinding, each with its path in the document, and what a rule
#   grants, matched the way the RBAC authorizer matches it ("*" for any verb,
#   API group or resource, "*/sub" for a subresource of every resource).
#   Built-in objects (name prefixed "system:" or labelled
#   kubernetes.io/bootstrapping=rbac-defaults) are left out, as the CIS
#   benchmark asks.
package assay.lib.rbac

import rego.v1

role_kinds := {"Role", "ClusterRole"}

binding_kinds := {"RoleBinding", "ClusterRoleBinding"}

# Built-in RBAC objects that Kubernetes creates and reconciles itself: every
# `system:` role and binding, and the defaults carrying the bootstrapping
# label (cluster-admin, admin, edit, view and their bindings).
builtin(obj) if startswith(object.get(obj, ["metadata", "name"], ""), "system:")

builtin(obj) if object.get(obj, ["metadata", "labels", "kubernetes.io/bootstrapping"], "") == "rbac-defaults"

# The default ClusterRoleBinding "cluster-admin" (subject: group system:masters).
builtin(obj) if {
	obj.kind == "ClusterRoleBinding"
	object.get(obj, ["metadata", "name"], "") == "cluster-admin"
	object.get(obj, ["roleRef", "name"], "") == "cluster-admin"
}

name := object.get(input, ["metadata", "name"], "")

# `Role "x"` / `ClusterRoleBinding "y"` in messages.
label := sprintf("%s %q", [input.kind, name])

# Each policy rule of the input Role or ClusterRole (unless built-in), with
# its index and path.
rules contains {"rule": r, "index": i, "path": ["rules", i]} if {
	input.kind in role_kinds
	not builtin(input)
	some i, r in list(input.rules)
	is_object(r)
}

# Each subject of the input RoleBinding or ClusterRoleBinding (unless
# built-in), with its index and path.
subjects contains {"subject": s, "index": i, "path": ["subjects", i]} if {
	input.kind in binding_kinds
	not builtin(input)
	some i, s in list(input.subjects)
	is_object(s)
}

list(x) := x if is_array(x)

else := []

field(rule, key) := list(object.get(rule, key, []))

# The rule names at least one of `groups` (or "*") in apiGroups.
group_matches(rule, groups) if {
	some g in field(rule, "apiGroups")
	covers(g, groups)
}

covers("*", _) := true

covers(entry, wanted) if entry in wanted

# Indices of the entries of rule.resources that cover one of `resources`
# (given as "secrets" or "nodes/proxy"; a trailing "/*" in a wanted resource,
# like "userextras/*", matches any subresource of it), when the rule also
# covers one of `groups`.
resource_hits(rule, groups, resources) := {j |
	group_matches(rule, groups)
	some j, entry in field(rule, "resources")
	some want in resources
	resource_covers(entry, want)
}

resource_covers("*", _) := true

resource_covers(entry, want) if entry == want

# "*/scale" covers "deployments/scale".
resource_covers(entry, want) if {
	startswith(entry, "*/")
	parts := split(want, "/")
	count(parts) == 2
	entry == concat("/", ["*", parts[1]])
}

# "userextras/*" (wanted) is covered by "userextras/scopes".
resource_covers(entry, want) if {
	endswith(want, "/*")
	startswith(entry, trim_suffix(want, "*"))
}

# The verbs of `verbs` (or "*") that the rule grants.
verb_hits(rule, verbs) := {v |
	some v in field(rule, "verbs")
	covers(v, verbs)
}

# The rule is limited to named objects.
named(rule) if count(field(rule, "resourceNames")) > 0

# `a, b, c` for messages.
join(items) := concat(", ", sort(items))

# What the rules of the input role grant: one entry per rules[i].resources[j]
# that covers one of `resources` (in one of `groups`) in a rule that also
# grants one of `verbs`, with the path of that resources entry, the rule
# index, the resources it covers and the verbs granted. With `skip_named`,
# rules limited by resourceNames are left out.
grants(groups, resources, verbs, skip_named) := {g |
	some r in rules
	not skipped(r.rule, skip_named)
	vs := verb_hits(r.rule, verbs)
	count(vs) > 0
	some j in resource_hits(r.rule, groups, resources)
	entry := r.rule.resources[j]
	g := {
		"path": array.concat(r.path, ["resources", j]),
		"index": r.index,
		"entry": entry,
		"covered": {w | some w in resources; resource_covers(entry, w)},
		"verbs": vs,
	}
}

skipped(rule, true) if named(rule)

# The message of a grant: `Role "x" rules[0] grants get, list on secrets`,
# naming the entry when it is a wildcard.
grant_message(g) := sprintf("%s rules[%d] grants %s on %s%s", [label, g.index, verbs_text(g.verbs), join(g.covered), via(g)])

verbs_text(vs) := "every verb (\"*\")" if "*" in vs

else := join(vs)

via(g) := "" if g.entry in g.covered

else := sprintf(" (through %q)", [g.entry])

# `User alice`, `Group ops`, `ServiceAccount ns/name` for messages.
subject_label(s) := sprintf("ServiceAccount %s/%s", [s.namespace, s.name]) if {
	s.kind == "ServiceAccount"
	is_string(s.namespace)
	s.namespace != ""
}

else := sprintf("%s %s", [object.get(s, "kind", ""), object.get(s, "name", "")])
