package assay.kubernetes.pss.seccomp_restricted

import rego.v1

import data.assay.lib.pss

pod(pod_sc, containers) := {"kind": "Pod", "spec": {"securityContext": pod_sc, "containers": containers}}

test_pod_level_profile_covers_containers if {
	count(deny) == 0 with input as pod({"seccompProfile": {"type": "RuntimeDefault"}}, [{"name": "a"}, {"name": "b", "securityContext": {"seccompProfile": null}}])
	count(deny) == 0 with input as pod({"seccompProfile": {"type": "Localhost", "localhostProfile": "p.json"}}, [{"name": "a"}])
}

test_container_level_profiles_pass if {
	count(deny) == 0 with input as pod(null, [
		{"name": "a", "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}},
		{"name": "b", "securityContext": {"seccompProfile": {"type": "Localhost", "localhostProfile": "p.json"}}},
	])
}

test_unset_everywhere_denied if {
	doc := pod({"runAsNonRoot": true}, [{"name": "a"}, {"name": "b", "securityContext": {"runAsNonRoot": true}}])
	findings := deny with input as doc
	{pss.reported_path(f, doc) | some f in findings} == {["spec", "containers", 0], ["spec", "containers", 1, "securityContext"]}
	some f in findings
	pss.reported_path(f, doc) == ["spec", "containers", 1, "securityContext"]
	f.msg == "pod or container \"b\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\""
	f.fix == [{"op": "ensure", "path": ["spec", "containers", 1, "securityContext", "seccompProfile"], "value": {"type": "RuntimeDefault"}}]
}

test_container_unconfined_overrides_pod if {
	doc := pod({"seccompProfile": {"type": "RuntimeDefault"}}, [{"name": "a", "securityContext": {"seccompProfile": {"type": "Unconfined"}}}])
	findings := deny with input as doc
	count(findings) == 1
	some f in findings
	f.msg == "container \"a\" must not set securityContext.seccompProfile.type to \"Unconfined\""
	pss.reported_path(f, doc) == ["spec", "containers", 0, "securityContext", "seccompProfile", "type"]
	f.fix == [{"op": "ensure", "path": ["spec", "containers", 0, "securityContext", "seccompProfile"], "value": {"type": "RuntimeDefault"}}]
}

test_pod_unconfined_denied_even_when_containers_set_profiles if {
	doc := pod({"seccompProfile": {"type": "Unconfined"}}, [{"name": "a", "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}}])
	findings := deny with input as doc
	count(findings) == 1
	some f in findings
	f.msg == "pod must not set securityContext.seccompProfile.type to \"Unconfined\""
	pss.reported_path(f, doc) == ["spec", "securityContext", "seccompProfile", "type"]
}

# Containers inheriting a wrong pod profile are covered by the pod finding.
test_pod_unconfined_reported_once if {
	findings := deny with input as pod({"seccompProfile": {"type": "Unconfined"}}, [{"name": "a"}, {"name": "b"}])
	{f.msg | some f in findings} == {"pod must not set securityContext.seccompProfile.type to \"Unconfined\""}
}

test_profile_without_type_denied if {
	doc := pod(null, [{"name": "a", "securityContext": {"seccompProfile": {"localhostProfile": "p.json"}}}])
	findings := deny with input as doc
	count(findings) == 1
	some f in findings
	f.msg == "container \"a\" must not set securityContext.seccompProfile.type to \"\""
	pss.reported_path(f, doc) == ["spec", "containers", 0, "securityContext", "seccompProfile"]
}

test_type_is_case_sensitive if {
	count(deny) == 1 with input as pod({"seccompProfile": {"type": "runtimedefault"}}, [{"name": "a"}])
}

test_init_and_ephemeral_containers_checked if {
	doc := {"kind": "Deployment", "spec": {"template": {"spec": {
		"initContainers": [{"name": "i"}],
		"containers": [{"name": "c", "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}}],
		"ephemeralContainers": [{"name": "e", "securityContext": {"seccompProfile": {"type": "Unconfined"}}}],
	}}}}
	findings := deny with input as doc
	{pss.reported_path(f, doc) | some f in findings} == {
		["spec", "template", "spec", "initContainers", 0],
		["spec", "template", "spec", "ephemeralContainers", 0, "securityContext", "seccompProfile", "type"],
	}
}

test_windows_pods_exempt if {
	count(deny) == 0 with input as {"kind": "Pod", "spec": {"os": {"name": "windows"}, "containers": [{"name": "a"}]}}
	count(deny) == 1 with input as {"kind": "Pod", "spec": {"os": {"name": "linux"}, "containers": [{"name": "a"}]}}
}
