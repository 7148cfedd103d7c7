package assay.kubernetes.cis.net_raw

import rego.v1

pod(containers) := {"kind": "Pod", "spec": {"containers": containers}}

test_missing_drop_denied_with_fix if {
	findings := deny with input as pod([{"name": "a"}])
	findings == {{
		"msg": "container \"a\" must drop NET_RAW (or ALL) in securityContext.capabilities.drop",
		"path": ["spec", "containers", 0],
		"fix": [{"op": "ensure", "path": ["spec", "containers", 0, "securityContext", "capabilities", "drop"], "value": ["NET_RAW"]}],
	}}
}

test_drop_list_without_net_raw_appended if {
	findings := deny with input as pod([{"name": "a", "securityContext": {"capabilities": {"drop": ["SYS_ADMIN"]}}}])
	findings == {{
		"msg": "container \"a\" must drop NET_RAW (or ALL) in securityContext.capabilities.drop",
		"path": ["spec", "containers", 0, "securityContext", "capabilities", "drop"],
		"fix": [{"op": "add", "path": ["spec", "containers", 0, "securityContext", "capabilities", "drop", "-"], "value": "NET_RAW"}],
	}}
}

test_points_at_nearest_parent if {
	some f in deny with input as pod([{"name": "a", "securityContext": {"runAsNonRoot": true}}])
	f.path == ["spec", "containers", 0, "securityContext"]
	some g in deny with input as pod([{"name": "a", "securityContext": {"capabilities": {"add": ["CHOWN"]}}}])
	g.path == ["spec", "containers", 0, "securityContext", "capabilities"]
}

test_drop_all_or_net_raw_allowed if {
	count(deny) == 0 with input as pod([
		{"name": "a", "securityContext": {"capabilities": {"drop": ["ALL"]}}},
		{"name": "b", "securityContext": {"capabilities": {"drop": ["NET_RAW"], "add": ["NET_BIND_SERVICE"]}}},
		{"name": "c", "securityContext": {"capabilities": {"drop": ["cap_net_raw"]}}},
		{"name": "d", "securityContext": {"capabilities": {"drop": ["all"]}}},
	])
}

test_adding_net_raw_back_denied if {
	findings := deny with input as pod([{"name": "a", "securityContext": {"capabilities": {"drop": ["ALL"], "add": ["CAP_NET_RAW"]}}}])
	findings == {{"msg": "container \"a\" must not add \"CAP_NET_RAW\" to securityContext.capabilities.add", "path": ["spec", "containers", 0, "securityContext", "capabilities", "add", 0]}}
	count(deny) == 1 with input as pod([{"name": "a", "securityContext": {"capabilities": {"add": ["ALL"]}}}])
}

test_privileged_denied if {
	findings := deny with input as pod([{"name": "a", "securityContext": {"privileged": true, "capabilities": {"drop": ["ALL"]}}}])
	findings == {{"msg": "container \"a\" runs privileged, which grants NET_RAW", "path": ["spec", "containers", 0, "securityContext", "privileged"]}}
}

test_init_and_ephemeral_containers_checked if {
	findings := deny with input as {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {
		"initContainers": [{"name": "i"}],
		"containers": [{"name": "c", "securityContext": {"capabilities": {"drop": ["ALL"]}}}],
		"ephemeralContainers": [{"name": "e", "securityContext": null}],
	}}}}}}
	{f.path | some f in findings} == {
		["spec", "jobTemplate", "spec", "template", "spec", "initContainers", 0],
		["spec", "jobTemplate", "spec", "template", "spec", "ephemeralContainers", 0],
	}
}

test_null_capabilities if {
	some f in deny with input as pod([{"name": "a", "securityContext": {"capabilities": null}}])
	f.path == ["spec", "containers", 0, "securityContext"]
}

test_windows_pods_skipped if {
	count(deny) == 0 with input as {"kind": "Pod", "spec": {"os": {"name": "windows"}, "containers": [{"name": "a"}]}}
	count(deny) == 1 with input as {"kind": "Pod", "spec": {"os": {"name": "linux"}, "containers": [{"name": "a"}]}}
}

test_odd_capability_values if {
	# A non-string entry is skipped; a lower-case CAP_ name still matches.
	added := deny with input as pod([{"name": "a", "securityContext": {"capabilities": {"drop": ["ALL"], "add": [7, "cap_net_raw"]}}}])
	{f.path | some f in added} == {["spec", "containers", 0, "securityContext", "capabilities", "add", 1]}

	# Capabilities that are not an object list nothing: NET_RAW is kept.
	odd := deny with input as pod([{"name": "a", "securityContext": {"capabilities": "ALL"}}])
	{f.path | some f in odd} == {["spec", "containers", 0, "securityContext"]}

	# A drop "list" that is an object drops nothing.
	mapped := deny with input as pod([{"name": "a", "securityContext": {"capabilities": {"drop": {"x": "ALL"}}}}])
	{f.path | some f in mapped} == {["spec", "containers", 0, "securityContext", "capabilities"]}
}
