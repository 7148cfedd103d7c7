package assay.kubernetes.pss.proc_mount_restricted

import rego.v1

test_unmasked_denied if {
	findings := deny with input as {"kind": "Pod", "spec": {"containers": [{"name": "a", "securityContext": {"procMount": "Unmasked"}}]}}
	count(findings) == 1
	some f in findings
	f.msg == "container \"a\" must not set securityContext.procMount to \"Unmasked\""
	f.path == ["spec", "containers", 0, "securityContext", "procMount"]
	f.fix == [{"op": "replace", "path": ["spec", "containers", 0, "securityContext", "procMount"], "value": "Default"}]
}

# The difference from the baseline rule: no relaxation for user namespaces.
test_user_namespace_pods_not_exempt if {
	count(deny) == 1 with input as {"kind": "Pod", "spec": {"hostUsers": false, "containers": [{"name": "a", "securityContext": {"procMount": "Unmasked"}}]}}
}

test_default_or_unset_passes if {
	count(deny) == 0 with input as {"kind": "Pod", "spec": {"containers": [
		{"name": "a", "securityContext": {"procMount": "Default"}},
		{"name": "b", "securityContext": {"procMount": null}},
		{"name": "c"},
	]}}
}

test_init_and_ephemeral_containers_checked if {
	count(deny) == 2 with input as {"kind": "Job", "spec": {"template": {"spec": {
		"initContainers": [{"name": "i", "securityContext": {"procMount": "Unmasked"}}],
		"containers": [{"name": "c"}],
		"ephemeralContainers": [{"name": "e", "securityContext": {"procMount": "Unmasked"}}],
	}}}}
}
