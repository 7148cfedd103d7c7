package assay.kubernetes.bestpractice.memory_limits

import rego.v1

import data.assay.lib.pss

test_missing_limit_denied if {
	doc := {"kind": "Pod", "spec": {"containers": [{"name": "a", "resources": {"limits": {"cpu": "1"}, "requests": {"memory": "1Gi"}}}]}}
	some f in deny with input as doc
	f.msg == "container \"a\" must set resources.limits.memory"
	pss.reported_path(f, doc) == ["spec", "containers", 0, "resources", "limits"]
}

test_request_alone_is_not_a_limit if {
	doc := {"kind": "DaemonSet", "spec": {"template": {"spec": {"containers": [{"name": "a", "resources": {"requests": {"memory": "1Gi"}}}]}}}}
	some f in deny with input as doc
	pss.reported_path(f, doc) == ["spec", "template", "spec", "containers", 0, "resources"]
}

test_init_containers_checked_ephemeral_ignored if {
	findings := deny with input as {"kind": "Pod", "spec": {
		"initContainers": [{"name": "i"}],
		"containers": [{"name": "a", "resources": {"limits": {"memory": "1Gi"}}}],
		"ephemeralContainers": [{"name": "e"}],
	}}
	{f.msg | some f in findings} == {"container \"i\" must set resources.limits.memory"}
}

test_pod_level_limit_satisfies if {
	count(deny) == 0 with input as {"kind": "Pod", "spec": {"resources": {"limits": {"memory": "1Gi"}}, "containers": [{"name": "a"}]}}
}

test_pod_level_request_does_not_satisfy if {
	count(deny) == 1 with input as {"kind": "Pod", "spec": {"resources": {"requests": {"memory": "1Gi"}}, "containers": [{"name": "a"}]}}
}
