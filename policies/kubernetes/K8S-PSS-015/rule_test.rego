package assay.kubernetes.pss.run_as_non_root

import rego.v1

import data.assay.lib.pss

pod(pod_sc, containers) := {"kind": "Pod", "spec": {"securityContext": pod_sc, "containers": containers}}

test_pod_level_true_covers_containers if {
	count(deny) == 0 with input as pod({"runAsNonRoot": true}, [{"name": "a"}, {"name": "b", "securityContext": {}}])
}

test_container_level_true_passes if {
	count(deny) == 0 with input as pod(null, [{"name": "a", "securityContext": {"runAsNonRoot": true}}])
}

test_unset_everywhere_denied if {
	doc := pod({}, [{"name": "a"}, {"name": "b", "securityContext": {"runAsUser": 1000}}])
	findings := deny with input as doc
	{pss.reported_path(f, doc) | some f in findings} == {["spec", "containers", 0], ["spec", "containers", 1, "securityContext"]}
	some f in findings
	f.msg == "pod or container \"a\" must set securityContext.runAsNonRoot=true"
	f.fix == [{"op": "ensure", "path": ["spec", "containers", 0, "securityContext", "runAsNonRoot"], "value": true}]
}

# runAsUser alone does not satisfy the check.
test_non_zero_run_as_user_is_not_enough if {
	count(deny) == 1 with input as pod({"runAsUser": 1000}, [{"name": "a"}])
}

test_container_false_overrides_pod_true if {
	doc := pod({"runAsNonRoot": true}, [{"name": "a", "securityContext": {"runAsNonRoot": false}}, {"name": "b"}])
	findings := deny with input as doc
	count(findings) == 1
	some f in findings
	f.msg == "container \"a\" must not set securityContext.runAsNonRoot=false"
	pss.reported_path(f, doc) == ["spec", "containers", 0, "securityContext", "runAsNonRoot"]
	f.fix == [{"op": "replace", "path": ["spec", "containers", 0, "securityContext", "runAsNonRoot"], "value": true}]
}

test_pod_false_denied_even_when_containers_set_true if {
	doc := pod({"runAsNonRoot": false}, [{"name": "a", "securityContext": {"runAsNonRoot": true}}])
	findings := deny with input as doc
	count(findings) == 1
	some f in findings
	f.msg == "pod must not set securityContext.runAsNonRoot=false"
	pss.reported_path(f, doc) == ["spec", "securityContext", "runAsNonRoot"]
}

# Containers that inherit the pod's false are covered by the pod finding.
test_pod_false_reported_once if {
	findings := deny with input as pod({"runAsNonRoot": false}, [{"name": "a"}, {"name": "b"}])
	{f.msg | some f in findings} == {"pod must not set securityContext.runAsNonRoot=false"}
}

test_null_is_unset if {
	count(deny) == 1 with input as pod({"runAsNonRoot": null}, [{"name": "a", "securityContext": {"runAsNonRoot": null}}])
	count(deny) == 0 with input as pod({"runAsNonRoot": true}, [{"name": "a", "securityContext": {"runAsNonRoot": null}}])
}

test_init_and_ephemeral_containers_checked if {
	findings := deny with input as {"kind": "Job", "spec": {"template": {"spec": {
		"initContainers": [{"name": "i"}],
		"containers": [{"name": "c", "securityContext": {"runAsNonRoot": true}}],
		"ephemeralContainers": [{"name": "e", "securityContext": {"runAsNonRoot": false}}],
	}}}}
	{f.msg | some f in findings} == {
		"pod or container \"i\" must set securityContext.runAsNonRoot=true",
		"container \"e\" must not set securityContext.runAsNonRoot=false",
	}
}

test_user_namespace_pods_exempt if {
	count(deny) == 0 with input as {"kind": "Pod", "spec": {
		"hostUsers": false,
		"securityContext": {"runAsNonRoot": false},
		"containers": [{"name": "a"}, {"name": "b", "securityContext": {"runAsNonRoot": false}}],
	}}
	count(deny) == 2 with input as {"kind": "Pod", "spec": {"hostUsers": true, "containers": [{"name": "a"}, {"name": "b"}]}}
}

# No Windows exemption in this check.
test_windows_pods_not_exempt if {
	count(deny) == 1 with input as {"kind": "Pod", "spec": {"os": {"name": "windows"}, "containers": [{"name": "a"}]}}
}
