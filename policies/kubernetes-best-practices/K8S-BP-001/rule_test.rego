package assay.kubernetes.bestpractice.cpu_requests

import rego.v1

import data.assay.lib.pss

test_missing_request_denied if {
	doc := {"kind": "Pod", "spec": {"containers": [{"name": "a", "resources": {"requests": {"memory": "64Mi"}}}]}}
	some f in deny with input as doc
	f.msg == "container \"a\" must set resources.requests.cpu"
	pss.reported_path(f, doc) == ["spec", "containers", 0, "resources", "requests"]
}

test_missing_resources_points_at_container if {
	doc := {"kind": "Deployment", "spec": {"template": {"spec": {"containers": [{"name": "a"}]}}}}
	some f in deny with input as doc
	pss.reported_path(f, doc) == ["spec", "template", "spec", "containers", 0]
}

test_init_containers_checked_ephemeral_ignored if {
	findings := deny with input as {"kind": "Pod", "spec": {
		"initContainers": [{"name": "i"}],
		"containers": [{"name": "a", "resources": {"requests": {"cpu": "100m"}}}],
		"ephemeralContainers": [{"name": "e"}],
	}}
	{f.msg | some f in findings} == {"container \"i\" must set resources.requests.cpu"}
}

test_request_or_limit_satisfies if {
	count(deny) == 0 with input as {"kind": "Pod", "spec": {"containers": [
		{"name": "a", "resources": {"requests": {"cpu": "100m"}}},
		{"name": "b", "resources": {"limits": {"cpu": "1"}}},
	]}}
}

test_pod_level_resources_satisfy if {
	count(deny) == 0 with input as {"kind": "Pod", "spec": {"resources": {"requests": {"cpu": "1"}}, "containers": [{"name": "a"}]}}
}

test_null_resources_denied if {
	count(deny) == 1 with input as {"kind": "Pod", "spec": {"containers": [{"name": "a", "resources": {"requests": {"cpu": null}}}]}}
}

# A section that is not an object sets nothing and is where the finding points.
test_malformed_section_points_at_it if {
	doc := {"kind": "Pod", "spec": {"containers": [{"name": "a", "resources": {"requests": "100m"}}]}}
	some f in deny with input as doc
	pss.reported_path(f, doc) == ["spec", "containers", 0, "resources", "requests"]
}
