package assay.lib.result

import rego.v1

test_pointer_escapes_keys if {
	pointer(["metadata", "annotations", "a/b~c", 0]) == "/metadata/annotations/a~1b~0c/0"
	pointer(["metadata", "annotations", "a/b", "c"]) == "/metadata/annotations/a~1b/c"
}

test_pointer_of_plain_keys if {
	pointer(["spec", "containers", 0, "image"]) == "/spec/containers/0/image"
	pointer(["metadata", ""]) == "/metadata/"
	pointer([]) == ""
}

test_set_to_builds_a_replace_op if {
	set_to(["spec", "hostPID"], false) == [{"op": "replace", "path": ["spec", "hostPID"], "value": false}]
}

test_ensure_adds_missing_parents if {
	doc := {"spec": {"containers": [{"name": "a"}]}}
	ops := ensure(doc, ["spec", "containers", 0, "securityContext", "runAsNonRoot"], true)
	ops == [
		{"op": "add", "path": ["spec", "containers", 0, "securityContext"], "value": {}},
		{"op": "add", "path": ["spec", "containers", 0, "securityContext", "runAsNonRoot"], "value": true},
	]
}

test_ensure_replaces_null_parent_and_existing_value if {
	ensure({"spec": {"securityContext": null}}, ["spec", "securityContext", "runAsNonRoot"], true) == [
		{"op": "add", "path": ["spec", "securityContext"], "value": {}},
		{"op": "add", "path": ["spec", "securityContext", "runAsNonRoot"], "value": true},
	]
	ensure({"spec": {"securityContext": {"runAsNonRoot": false}}}, ["spec", "securityContext", "runAsNonRoot"], true) == [{"op": "add", "path": ["spec", "securityContext", "runAsNonRoot"], "value": true}]
}

test_ensure_adds_every_missing_parent if {
	ensure({"spec": {"template": null}}, ["spec", "template", "spec", "hostUsers"], false) == [
		{"op": "add", "path": ["spec", "template"], "value": {}},
		{"op": "add", "path": ["spec", "template", "spec"], "value": {}},
		{"op": "add", "path": ["spec", "template", "spec", "hostUsers"], "value": false},
	]
}

test_ensure_adds_four_missing_parents if {
	ensure({"spec": {}}, ["spec", "a", "b", "c", "d", "e"], 1) == [
		{"op": "add", "path": ["spec", "a"], "value": {}},
		{"op": "add", "path": ["spec", "a", "b"], "value": {}},
		{"op": "add", "path": ["spec", "a", "b", "c"], "value": {}},
		{"op": "add", "path": ["spec", "a", "b", "c", "d"], "value": {}},
		{"op": "add", "path": ["spec", "a", "b", "c", "d", "e"], "value": 1},
	]
}

test_ensure_top_level if {
	ensure({}, ["spec"], {}) == [{"op": "add", "path": ["spec"], "value": {}}]
}
