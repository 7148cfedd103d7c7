package assay.kubernetes.bestpractice.cpu_limits

import rego.v1

import data.assay.lib.pss

test_missing_limit_warns if {
	doc := {"kind": "Pod", "spec": {"containers": [{"name": "a", "resources": {"limits": {"memory": "1Gi"}}}]}}
	some f in warn with input as doc
	f.msg == "container \"a\" has no resources.limits.cpu"
	pss.reported_path(f, doc) == ["spec", "containers", 0, "resources", "limits"]
}

test_init_containers_checked_ephemeral_ignored if {
	findings := warn with input as {"kind": "Pod", "spec": {
		"initContainers": [{"name": "i"}],
		"containers": [{"name": "a", "resources": {"limits": {"cpu": "1"}}}],
		"ephemeralContainers": [{"name": "e"}],
	}}
	{f.msg | some f in findings} == {"container \"i\" has no resources.limits.cpu"}
}

test_limit_set if {
	count(warn) == 0 with input as {"kind": "Pod", "spec": {"containers": [{"name": "a", "resources": {"limits": {"cpu": "500m"}}}]}}
}

test_pod_level_limit_satisfies if {
	count(warn) == 0 with input as {"kind": "Pod", "spec": {"resources": {"limits": {"cpu": "2"}}, "containers": [{"name": "a"}]}}
}
