package assay.kubernetes.cis.security_context

import rego.v1

test_missing_everywhere_denied if {
	findings := deny with input as {"kind": "Pod", "spec": {"containers": [{"name": "a"}]}}
	findings == {
		{"msg": "pod must set a securityContext", "path": ["spec"]},
		{"msg": "container \"a\" must set a securityContext", "path": ["spec", "containers", 0]},
	}
}

test_empty_and_null_denied if {
	findings := deny with input as {"kind": "Deployment", "spec": {"template": {"spec": {"securityContext": {}, "containers": [{"name": "a", "securityContext": null}]}}}}
	findings == {
		{"msg": "pod must set a securityContext", "path": ["spec", "template", "spec", "securityContext"]},
		{"msg": "container \"a\" must set a securityContext", "path": ["spec", "template", "spec", "containers", 0, "securityContext"]},
	}
}

test_set_at_both_levels_allowed if {
	count(deny) == 0 with input as {"kind": "Pod", "spec": {
		"securityContext": {"runAsNonRoot": true},
		"initContainers": [{"name": "i", "securityContext": {"readOnlyRootFilesystem": true}}],
		"containers": [{"name": "a", "securityContext": {"allowPrivilegeEscalation": false}}],
	}}
}

test_each_level_reported_alone if {
	findings := deny with input as {"kind": "Pod", "spec": {
		"securityContext": {"runAsNonRoot": true},
		"containers": [{"name": "a", "securityContext": {"privileged": false}}],
		"ephemeralContainers": [{"name": "debug"}],
	}}
	findings == {{"msg": "container \"debug\" must set a securityContext", "path": ["spec", "ephemeralContainers", 0]}}
}

test_other_kinds_ignored if {
	count(deny) == 0 with input as {"kind": "Service", "spec": {}}
}
