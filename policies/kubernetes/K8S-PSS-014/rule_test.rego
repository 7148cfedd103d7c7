package assay.kubernetes.pss.allow_privilege_escalation

import rego.v1

import data.assay.lib.pss

pod(containers) := {"kind": "Pod", "spec": {"containers": containers}}

test_true_denied_at_the_field if {
	doc := pod([{"name": "a", "securityContext": {"allowPrivilegeEscalation": true}}])
	findings := deny with input as doc
	count(findings) == 1
	some f in findings
	f.msg == "container \"a\" must set securityContext.allowPrivilegeEscalation=false"
	pss.reported_path(f, doc) == ["spec", "containers", 0, "securityContext", "allowPrivilegeEscalation"]
	f.fix == [{"op": "ensure", "path": ["spec", "containers", 0, "securityContext", "allowPrivilegeEscalation"], "value": false}]
}

test_unset_denied_at_the_nearest_parent if {
	doc := pod([
		{"name": "a", "securityContext": {"runAsNonRoot": true}},
		{"name": "b"},
		{"name": "c", "securityContext": null},
		{"name": "d", "securityContext": {"allowPrivilegeEscalation": null}},
	])
	findings := deny with input as doc
	{pss.reported_path(f, doc) | some f in findings} == {
		["spec", "containers", 0, "securityContext"],
		["spec", "containers", 1],
		["spec", "containers", 2],
		["spec", "containers", 3, "securityContext"],
	}
	some f in findings
	pss.reported_path(f, doc) == ["spec", "containers", 1]
	f.fix == [{"op": "ensure", "path": ["spec", "containers", 1, "securityContext", "allowPrivilegeEscalation"], "value": false}]
}

test_false_passes if {
	count(deny) == 0 with input as pod([{"name": "a", "securityContext": {"allowPrivilegeEscalation": false}}])
}

# The pod-level securityContext has no allowPrivilegeEscalation; it does not help.
test_pod_level_is_not_a_default if {
	count(deny) == 1 with input as {"kind": "Pod", "spec": {
		"securityContext": {"allowPrivilegeEscalation": false},
		"containers": [{"name": "a"}],
	}}
}

test_init_and_ephemeral_containers_checked if {
	findings := deny with input as {"kind": "StatefulSet", "spec": {"template": {"spec": {
		"initContainers": [{"name": "i"}],
		"containers": [{"name": "c", "securityContext": {"allowPrivilegeEscalation": false}}],
		"ephemeralContainers": [{"name": "e", "securityContext": {"allowPrivilegeEscalation": true}}],
	}}}}
	{f.msg | some f in findings} == {
		"container \"i\" must set securityContext.allowPrivilegeEscalation=false",
		"container \"e\" must set securityContext.allowPrivilegeEscalation=false",
	}
}

test_windows_pods_exempt if {
	count(deny) == 0 with input as {"kind": "Pod", "spec": {"os": {"name": "windows"}, "containers": [{"name": "a"}]}}
}

test_other_os_not_exempt if {
	count(deny) == 1 with input as {"kind": "Pod", "spec": {"os": {"name": "linux"}, "containers": [{"name": "a"}]}}
	count(deny) == 1 with input as {"kind": "Pod", "spec": {"os": {"name": "Windows"}, "containers": [{"name": "a"}]}}
}

# Windows containers without spec.os are not exempt (pod-security-admission
# only looks at spec.os.name).
test_windows_options_do_not_exempt if {
	count(deny) == 1 with input as pod([{"name": "a", "securityContext": {"windowsOptions": {"runAsUserName": "ContainerUser"}}}])
}
