package assay.kubernetes.bestpractice.duplicate_env

import rego.v1

test_duplicate_denied if {
	findings := deny with input as {"kind": "Pod", "spec": {"containers": [{"name": "a", "env": [
		{"name": "MODE", "value": "a"},
		{"name": "LEVEL", "value": "b"},
		{"name": "MODE", "value": "c"},
		{"name": "MODE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
	]}]}}
	findings == {
		{"msg": "container \"a\" defines env MODE again (first at env[0]); only the last definition takes effect", "path": ["spec", "containers", 0, "env", 2, "name"]},
		{"msg": "container \"a\" defines env MODE again (first at env[0]); only the last definition takes effect", "path": ["spec", "containers", 0, "env", 3, "name"]},
	}
}

test_same_name_in_different_containers_passes if {
	count(deny) == 0 with input as {"kind": "Pod", "spec": {
		"initContainers": [{"name": "i", "env": [{"name": "MODE", "value": "a"}]}],
		"containers": [{"name": "a", "env": [{"name": "MODE", "value": "a"}, {"name": "mode", "value": "b"}]}],
	}}
}

test_init_containers_checked if {
	count(deny) == 1 with input as {"kind": "Job", "spec": {"template": {"spec": {"initContainers": [{"name": "i", "env": [{"name": "X"}, {"name": "X"}]}]}}}}
}

test_no_env_passes if {
	count(deny) == 0 with input as {"kind": "Pod", "spec": {"containers": [{"name": "a"}, {"name": "b", "env": null}]}}
}
