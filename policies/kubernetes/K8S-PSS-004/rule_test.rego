package assay.kubernetes.pss.capabilities

import rego.v1

pod(caps) := {"kind": "Pod", "spec": {"containers": [{"name": "a", "securityContext": {"capabilities": {"add": caps}}}]}}

test_baseline_capabilities_allowed if {
	count(deny) == 0 with input as pod(["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"])
}

test_other_capabilities_denied if {
	findings := deny with input as pod(["SYS_ADMIN", "NET_RAW", "CHOWN"])
	{f.path | some f in findings} == {
		["spec", "containers", 0, "securityContext", "capabilities", "add", 0],
		["spec", "containers", 0, "securityContext", "capabilities", "add", 1],
	}
}

test_spelling_is_exact if {
	count(deny) == 2 with input as pod(["CAP_CHOWN", "chown"])
}

test_drop_is_ignored if {
	count(deny) == 0 with input as {"kind": "Pod", "spec": {"containers": [{"name": "a", "securityContext": {"capabilities": {"drop": ["ALL"]}}}]}}
}
