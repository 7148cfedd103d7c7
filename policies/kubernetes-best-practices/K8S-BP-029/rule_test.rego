package assay.kubernetes.bestpractice.read_only_root

import rego.v1

import data.assay.lib.pss

test_writable_root_denied if {
	doc := {"kind": "Pod", "spec": {"containers": [{"name": "a", "securityContext": {"readOnlyRootFilesystem": false}}]}}
	some f in deny with input as doc
	f.msg == "container \"a\" must set securityContext.readOnlyRootFilesystem=true"
	pss.reported_path(f, doc) == ["spec", "containers", 0, "securityContext", "readOnlyRootFilesystem"]
}

test_missing_field_points_at_parent if {
	doc := {"kind": "Pod", "spec": {"containers": [{"name": "a", "securityContext": {"runAsNonRoot": true}}]}}
	some f in deny with input as doc
	pss.reported_path(f, doc) == ["spec", "containers", 0, "securityContext"]
	doc2 := {"kind": "Pod", "spec": {"containers": [{"name": "a", "securityContext": null}]}}
	some g in deny with input as doc2
	pss.reported_path(g, doc2) == ["spec", "containers", 0]
}

test_init_checked_ephemeral_ignored if {
	findings := deny with input as {"kind": "Pod", "spec": {
		"initContainers": [{"name": "i"}],
		"containers": [{"name": "a", "securityContext": {"readOnlyRootFilesystem": true}}],
		"ephemeralContainers": [{"name": "e"}],
	}}
	{f.msg | some f in findings} == {"container \"i\" must set securityContext.readOnlyRootFilesystem=true"}
}

test_read_only_passes if {
	count(deny) == 0 with input as {"kind": "Deployment", "spec": {"template": {"spec": {"containers": [{"name": "a", "securityContext": {"readOnlyRootFilesystem": true}}]}}}}
}

test_windows_pods_skipped if {
	count(deny) == 0 with input as {"kind": "Pod", "spec": {"os": {"name": "windows"}, "containers": [{"name": "a"}]}}
}
