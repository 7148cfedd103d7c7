package assay.kubernetes.pss.run_as_user

import rego.v1

test_pod_and_container_zero_denied if {
	findings := deny with input as {"kind": "Pod", "spec": {
		"securityContext": {"runAsUser": 0},
		"containers": [{"name": "a", "securityContext": {"runAsUser": 0}}, {"name": "b", "securityContext": {"runAsUser": 1000}}],
	}}
	{f.msg | some f in findings} == {
		"pod must not set securityContext.runAsUser=0",
		"container \"a\" must not set securityContext.runAsUser=0",
	}
	{f.path | some f in findings} == {
		["spec", "securityContext", "runAsUser"],
		["spec", "containers", 0, "securityContext", "runAsUser"],
	}
}

# A non-zero container value does not excuse the pod's 0 (each field is checked).
test_pod_zero_denied_even_when_containers_override if {
	count(deny) == 1 with input as {"kind": "Pod", "spec": {
		"securityContext": {"runAsUser": 0},
		"containers": [{"name": "a", "securityContext": {"runAsUser": 1000}}],
	}}
}

test_non_zero_and_unset_pass if {
	count(deny) == 0 with input as {"kind": "Pod", "spec": {
		"securityContext": {"runAsUser": 1000},
		"containers": [{"name": "a"}, {"name": "b", "securityContext": {"runAsUser": 65534}}, {"name": "c", "securityContext": {"runAsUser": null}}],
	}}
}

test_init_and_ephemeral_containers_checked if {
	count(deny) == 2 with input as {"kind": "ReplicaSet", "spec": {"template": {"spec": {
		"initContainers": [{"name": "i", "securityContext": {"runAsUser": 0}}],
		"containers": [{"name": "c"}],
		"ephemeralContainers": [{"name": "e", "securityContext": {"runAsUser": 0}}],
	}}}}
}

test_user_namespace_pods_exempt if {
	count(deny) == 0 with input as {"kind": "Pod", "spec": {
		"hostUsers": false,
		"securityContext": {"runAsUser": 0},
		"containers": [{"name": "a", "securityContext": {"runAsUser": 0}}],
	}}
	count(deny) == 1 with input as {"kind": "Pod", "spec": {"hostUsers": true, "securityContext": {"runAsUser": 0}, "containers": [{"name": "a"}]}}
}
