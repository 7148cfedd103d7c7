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
