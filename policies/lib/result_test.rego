package assay.lib.result

import rego.v1

test_pointer_escapes_keys if {
	pointer(["metadata", "annotations", "a/b~c", 0]) == "/metadata/annotations/a~1b~0c/0"
}

test_set_to_builds_a_replace_op if {
	set_to(["spec", "hostPID"], false) == [{"op": "replace", "path": "/spec/hostPID", "value": false}]
}
