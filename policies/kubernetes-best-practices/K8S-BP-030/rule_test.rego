package assay.kubernetes.bestpractice.dangerous_capabilities

import rego.v1

pod(field, caps) := {"kind": "Pod", "spec": {field: [{"name": "a", "securityContext": {"capabilities": {"add": caps}}}]}}

test_sys_admin_denied if {
	some f in deny with input as pod("containers", ["NET_BIND_SERVICE", "SYS_ADMIN"])
	f.msg == "container \"a\" adds the dangerous capability SYS_ADMIN"
	f.path == ["spec", "containers", 0, "securityContext", "capabilities", "add", 1]
}

test_names_normalized if {
	findings := deny with input as pod("containers", ["cap_sys_ptrace", "net_admin", "all"])
	{f.msg | some f in findings} == {
		"container \"a\" adds the dangerous capability SYS_PTRACE",
		"container \"a\" adds the dangerous capability NET_ADMIN",
		"container \"a\" adds the dangerous capability ALL",
	}
}

test_init_and_ephemeral_containers_checked if {
	count(deny) == 1 with input as pod("initContainers", ["SYS_MODULE"])
	count(deny) == 1 with input as pod("ephemeralContainers", ["SYS_PTRACE"])
}

test_harmless_or_dropped_capabilities_pass if {
	count(deny) == 0 with input as pod("containers", ["NET_BIND_SERVICE", "CHOWN"])
	count(deny) == 0 with input as pod("containers", null)
	count(deny) == 0 with input as {"kind": "Pod", "spec": {"containers": [{"name": "a", "securityContext": {"capabilities": {"drop": ["ALL", "SYS_ADMIN"]}}}]}}
}
