package assay.kubernetes.pss.privileged

import rego.v1

test_privileged_container_denied if {
	some f in deny with input as {"kind": "Pod", "spec": {"containers": [{"name": "a", "securityContext": {"privileged": true}}]}}
	f.msg == "container \"a\" must not set securityContext.privileged=true"
	f.path == ["spec", "containers", 0, "securityContext", "privileged"]
}

test_init_and_ephemeral_containers_checked if {
	findings := deny with input as {"kind": "Job", "spec": {"template": {"spec": {
		"initContainers": [{"name": "i", "securityContext": {"privileged": true}}],
		"ephemeralContainers": [{"name": "e", "securityContext": {"privileged": true}}],
		"containers": [{"name": "c"}],
	}}}}
	count(findings) == 2
}

test_unprivileged_allowed if {
	count(deny) == 0 with input as {"kind": "Pod", "spec": {"containers": [{"name": "a", "securityContext": {"privileged": false}}, {"name": "b"}]}}
}
