package assay.kubernetes.pss.capabilities_restricted

import rego.v1

import data.assay.lib.pss

pod(containers) := {"kind": "Pod", "spec": {"containers": containers}}

test_drop_all_passes if {
	count(deny) == 0 with input as pod([
		{"name": "a", "securityContext": {"capabilities": {"drop": ["ALL"]}}},
		{"name": "b", "securityContext": {"capabilities": {"drop": ["NET_RAW", "ALL"], "add": ["NET_BIND_SERVICE"]}}},
	])
}

test_missing_capabilities_denied_at_nearest_parent if {
	doc := pod([
		{"name": "a"},
		{"name": "b", "securityContext": {"runAsNonRoot": true}},
		{"name": "c", "securityContext": {"capabilities": {"add": ["NET_BIND_SERVICE"]}}},
		{"name": "d", "securityContext": {"capabilities": {"drop": ["NET_RAW"]}}},
	])
	findings := deny with input as doc
	{pss.reported_path(f, doc) | some f in findings} == {
		["spec", "containers", 0],
		["spec", "containers", 1, "securityContext"],
		["spec", "containers", 2, "securityContext", "capabilities"],
		["spec", "containers", 3, "securityContext", "capabilities", "drop"],
	}
	some f in findings
	f.msg == "container \"a\" must set securityContext.capabilities.drop=[\"ALL\"]"
}

test_fix_creates_or_appends if {
	created := deny with input as pod([{"name": "a"}])
	{f.fix | some f in created} == {[{"op": "ensure", "path": ["spec", "containers", 0, "securityContext", "capabilities", "drop"], "value": ["ALL"]}]}
	appended := deny with input as pod([{"name": "a", "securityContext": {"capabilities": {"drop": ["NET_RAW"]}}}])
	{f.fix | some f in appended} == {[{"op": "add", "path": ["spec", "containers", 0, "securityContext", "capabilities", "drop", "-"], "value": "ALL"}]}
}

test_all_is_case_sensitive if {
	count(deny) == 1 with input as pod([{"name": "a", "securityContext": {"capabilities": {"drop": ["all"]}}}])
}

test_added_capabilities_other_than_net_bind_service_denied if {
	doc := pod([{"name": "a", "securityContext": {"capabilities": {
		"drop": ["ALL"],
		"add": ["NET_BIND_SERVICE", "CHOWN", "SYS_ADMIN", "CAP_NET_BIND_SERVICE"],
	}}}])
	findings := deny with input as doc
	{pss.reported_path(f, doc) | some f in findings} == {
		["spec", "containers", 0, "securityContext", "capabilities", "add", 1],
		["spec", "containers", 0, "securityContext", "capabilities", "add", 2],
		["spec", "containers", 0, "securityContext", "capabilities", "add", 3],
	}
	some f in findings
	f.msg == "container \"a\" must not include \"SYS_ADMIN\" in securityContext.capabilities.add"
}

test_missing_drop_and_bad_add_both_reported if {
	count(deny) == 2 with input as pod([{"name": "a", "securityContext": {"capabilities": {"add": ["NET_ADMIN"]}}}])
}

test_init_and_ephemeral_containers_checked if {
	doc := {"kind": "ReplicationController", "spec": {"template": {"spec": {
		"initContainers": [{"name": "i"}],
		"containers": [{"name": "c", "securityContext": {"capabilities": {"drop": ["ALL"]}}}],
		"ephemeralContainers": [{"name": "e"}],
	}}}}
	findings := deny with input as doc
	{pss.reported_path(f, doc) | some f in findings} == {
		["spec", "template", "spec", "initContainers", 0],
		["spec", "template", "spec", "ephemeralContainers", 0],
	}
}

test_windows_pods_exempt if {
	count(deny) == 0 with input as {"kind": "Pod", "spec": {"os": {"name": "windows"}, "containers": [{"name": "a", "securityContext": {"capabilities": {"add": ["SYS_ADMIN"]}}}]}}
}
