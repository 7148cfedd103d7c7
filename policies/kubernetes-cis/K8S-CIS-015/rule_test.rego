package assay.kubernetes.cis.added_capabilities

import rego.v1

test_net_bind_service_warned if {
	findings := warn with input as {"kind": "Pod", "spec": {"containers": [{"name": "a", "securityContext": {"capabilities": {"drop": ["ALL"], "add": ["CHOWN", "NET_BIND_SERVICE"]}}}]}}
	findings == {{"msg": "container \"a\" adds the capability NET_BIND_SERVICE; listen on a port above 1024 to run without it", "path": ["spec", "containers", 0, "securityContext", "capabilities", "add", 1]}}
}

test_other_capabilities_left_to_pss if {
	count(warn) == 0 with input as {"kind": "Pod", "spec": {"containers": [{"name": "a", "securityContext": {"capabilities": {"add": ["SYS_ADMIN", "NET_RAW", "CHOWN", "CAP_NET_BIND_SERVICE"]}}}]}}
}

test_init_and_ephemeral_containers_checked if {
	add := {"capabilities": {"add": ["NET_BIND_SERVICE"]}}
	findings := warn with input as {"kind": "Job", "spec": {"template": {"spec": {
		"initContainers": [{"name": "i", "securityContext": add}],
		"containers": [{"name": "c"}],
		"ephemeralContainers": [{"name": "e", "securityContext": add}],
	}}}}
	{f.path | some f in findings} == {
		["spec", "template", "spec", "initContainers", 0, "securityContext", "capabilities", "add", 0],
		["spec", "template", "spec", "ephemeralContainers", 0, "securityContext", "capabilities", "add", 0],
	}
}

test_no_added_capabilities if {
	count(warn) == 0 with input as {"kind": "Pod", "spec": {"containers": [
		{"name": "a", "securityContext": {"capabilities": {"drop": ["ALL"]}}},
		{"name": "b", "securityContext": {"capabilities": {"add": null}}},
		{"name": "c", "securityContext": null},
		{"name": "d"},
	]}}
}
