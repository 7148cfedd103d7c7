package assay.kubernetes.bestpractice.memory_requests

import rego.v1

import data.assay.lib.pss

test_missing_request_denied if {
	doc := {"kind": "Pod", "spec": {"containers": [{"name": "a", "resources": {"requests": {"cpu": "100m"}}}]}}
	some f in deny with input as doc
	f.msg == "container \"a\" must set resources.requests.memory"
	pss.reported_path(f, doc) == ["spec", "containers", 0, "resources", "requests"]
}

test_missing_resources_points_at_container if {
	doc := {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "a", "resources": {}}]}}}}}}
	some f in deny with input as doc
	pss.reported_path(f, doc) == ["spec", "jobTemplate", "spec", "template", "spec", "containers", 0, "resources"]
}

test_init_containers_checked_ephemeral_ignored if {
	findings := deny with input as {"kind": "Pod", "spec": {
		"initContainers": [{"name": "i"}],
		"containers": [{"name": "a", "resources": {"requests": {"memory": "1Gi"}}}],
		"ephemeralContainers": [{"name": "e"}],
	}}
	{f.msg | some f in findings} == {"container \"i\" must set resources.requests.memory"}
}

test_request_or_limit_satisfies if {
	count(deny) == 0 with input as {"kind": "Pod", "spec": {"containers": [
		{"name": "a", "resources": {"requests": {"memory": "64Mi"}}},
		{"name": "b", "resources": {"limits": {"memory": "64Mi"}}},
	]}}
}

test_pod_level_resources_satisfy if {
	count(deny) == 0 with input as {"kind": "Pod", "spec": {"resources": {"limits": {"memory": "1Gi"}}, "containers": [{"name": "a"}]}}
}
