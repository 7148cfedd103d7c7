package assay.lib.kubernetes

import rego.v1

test_pod_spec_of_every_workload_kind if {
	pod_spec.path == ["spec"] with input as {"kind": "Pod", "spec": {}}
	pod_spec.path == ["spec", "template", "spec"] with input as {"kind": "Deployment", "spec": {"template": {"spec": {}}}}
	pod_spec.path == ["spec", "jobTemplate", "spec", "template", "spec"] with input as {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {}}}}}}
}

test_no_pod_spec_for_other_kinds if {
	not pod_spec with input as {"kind": "Service", "spec": {}}
}

test_containers_cover_init_and_ephemeral if {
	cs := containers with input as {"kind": "Pod", "spec": {
		"initContainers": [{"name": "i"}],
		"containers": [{"name": "a", "securityContext": {"privileged": true}}],
		"ephemeralContainers": [{"name": "e"}],
	}}
	paths := {c.path | some c in cs}
	paths == {["spec", "initContainers", 0], ["spec", "containers", 0], ["spec", "ephemeralContainers", 0]}
	some c in cs
	c.name == "a"
	c.security_context == {"privileged": true}
}
