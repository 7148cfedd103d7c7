# METADATA
# title: The one shape of every finding
# description: >-
#   Every rule builds its results here, so each has a message, the path of
#   the offending field (which Assay turns into file:line:column), and, where
#   a safe automatic change exists, a JSON Patch `fix` that remediators apply.
package assay.lib.result

import rego.v1

finding(msg, path) := {"msg": msg, "path": path}

finding_with_fix(msg, path, ops) := {"msg": msg, "path": path, "fix": ops}

# A JSON Patch that sets the value at `path`.
set_to(path, value) := [{"op": "replace", "path": pointer(path), "value": value}]

# RFC 6901 pointer for a path of keys and indices.
pointer(path) := concat("", [sprintf("/%v", [escape(p)]) | some p in path])

escape(p) := replace(replace(p, "~", "~0"), "/", "~1") if is_string(p)

else := p

# A JSON Patch that makes the value at `path` in `doc` equal `value`, first
# adding `{}` for every missing (or null) parent object, so the patch applies
# whether or not e.g. `securityContext` exists yet. An `add` on an existing
# member replaces it (RFC 6902), so the patch is idempotent.
ensure(doc, path, value) := array.concat(parents, [{"op": "add", "path": pointer(path), "value": value}]) if {
	n := count(path)
	missing := [i |
		some i in numbers.range(0, n - 1)
		i < n - 1
		object.get(doc, array.slice(path, 0, i + 1), null) == null
	]
	first := min(array.concat(missing, [n]))
	parents := [{"op": "add", "path": pointer(array.slice(path, 0, i + 1)), "value": {}} |
		some i in numbers.range(0, n - 1)
		i < n - 1
		i >= first
	]
}
