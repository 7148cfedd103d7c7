package assay.kubernetes.bestpractice.high_uid

import rego.v1

test_low_container_uid_warns if {
	some f in warn with input as {"kind": "Pod", "spec": {"containers": [{"name": "a", "securityContext": {"runAsUser": 1000}}]}}
	f.msg == "container \"a\" runs with UID 1000 (securityContext.runAsUser); use 10000 or more"
	f.path == ["spec", "containers", 0, "securityContext", "runAsUser"]
}

test_low_pod_gid_warns_once if {
	findings := warn with input as {"kind": "Deployment", "spec": {"template": {"spec": {
		"securityContext": {"runAsUser": 10001, "runAsGroup": 0},
		"containers": [{"name": "a"}, {"name": "b"}],
	}}}}
	findings == {{"msg": "pod runs with GID 0 (securityContext.runAsGroup); use 10000 or more", "path": ["spec", "template", "spec", "securityContext", "runAsGroup"]}}
}

test_container_override_hides_pod_value if {
	count(warn) == 0 with input as {"kind": "Pod", "spec": {
		"securityContext": {"runAsUser": 1000},
		"containers": [{"name": "a", "securityContext": {"runAsUser": 10001}}],
	}}
}

test_init_checked_ephemeral_ignored if {
	count(warn) == 1 with input as {"kind": "Pod", "spec": {
		"initContainers": [{"name": "i", "securityContext": {"runAsGroup": 100}}],
		"containers": [{"name": "a"}],
		"ephemeralContainers": [{"name": "e", "securityContext": {"runAsUser": 0}}],
	}}
}

test_high_or_unset_ids_pass if {
	count(warn) == 0 with input as {"kind": "Pod", "spec": {"securityContext": {"runAsUser": 10000, "runAsGroup": 65532}, "containers": [{"name": "a"}, {"name": "b", "securityContext": {"runAsUser": null}}]}}
}

test_windows_pods_skipped if {
	count(warn) == 0 with input as {"kind": "Pod", "spec": {"os": {"name": "windows"}, "containers": [{"name": "a", "securityContext": {"runAsUser": 1}}]}}
}
