# METADATA
# title: The one shape of every finding
# description: >-
#   Every rule builds its results here, so each has a message, the path of
#   the offending field (which Assay turns into file:line:column), and, where
#   a safe automatic change exists, a JSON Patch `fix` that remediators apply.
#   An operation's `path` (and `from`) may be a list of keys and indices, as
#   here: Assay turns it into the RFC 6901 pointer of the patch it reports,
#   which costs far less than building the pointer in Rego.
package assay.lib.result

import rego.v1

finding(msg, path) := {"msg": msg, "path": path}

finding_with_fix(msg, path, ops) := {"msg": msg, "path": path, "fix": ops}

# A JSON Patch that sets the value at `path`.
set_to(path, value) := [{"op": "replace", "path": path, "value": value}]

# RFC 6901 pointer for a path of keys and indices, for a rule that needs the
# string itself (a fix needs none: see above). Keys rarely contain `~`
# or `/`, so the segments are first joined as they are, by one sprintf of
# "/%v" per segment (a third cheaper than a sprintf each on the VM), and
# escaped one by one only when that finds one.
pointer(path) := joined if {
	count(path) > 0
	joined := sprintf(concat("", ["/%v" | some _ in path]), path)
	not contains(joined, "~")
	count(split(joined, "/")) == count(path) + 1
} else := concat("", [sprintf("/%v", [escape(p)]) | some p in path])

escape(p) := replace(replace(p, "~", "~0"), "/", "~1") if is_string(p)

else := p

# (A rule fixing its input can write `[{"op": "ensure", "path": path,
# "value": value}]` instead: Assay expands that operation to the same patch
# natively, when a report needs it. The built-in rules do.)
#
# A JSON Patch that makes the value at `path` in `doc` equal `value`, first
# adding `{}` for every missing (or null) parent object, so the patch applies
# whether or not e.g. `securityContext` exists yet. An `add` on an existing
# member replaces it (RFC 6902), so the patch is idempotent. A parent that
# exists implies all of its own parents do, so the common cases (the parent
# exists; only the parent is missing) are checked first.
ensure(doc, path, value) := [add_op(path, value)] if {
	count(path) > 0
	object.get(doc, array.slice(path, 0, count(path) - 1), null) != null
} else := [add_op(parent, {}), add_op(path, value)] if {
	count(path) > 1
	object.get(doc, array.slice(path, 0, count(path) - 2), null) != null
	parent := array.slice(path, 0, count(path) - 1)
} else := [add_op(grandparent, {}), add_op(parent, {}), add_op(path, value)] if {
	# (The general case below, for the common missing securityContext,
	# at a fraction of its cost on the VM.)
	count(path) > 2
	object.get(doc, array.slice(path, 0, count(path) - 3), null) != null
	grandparent := array.slice(path, 0, count(path) - 2)
	parent := array.slice(path, 0, count(path) - 1)
} else := array.concat(parents, [add_op(path, value)]) if {
	n := count(path)
	missing := [i |
		some i in numbers.range(0, n - 1)
		i < n - 1
		object.get(doc, array.slice(path, 0, i + 1), null) == null
	]
	first := min(array.concat(missing, [n]))
	parents := [add_op(array.slice(path, 0, i + 1), {}) |
		some i in numbers.range(0, n - 1)
		i < n - 1
		i >= first
	]
}

add_op(path, value) := {"op": "add", "path": path, "value": value}
