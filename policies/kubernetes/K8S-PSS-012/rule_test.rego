package assay.kubernetes.pss.sysctls

import rego.v1

test_unsafe_sysctl_denied if {
	findings := deny with input as {"kind": "Pod", "spec": {"securityContext": {"sysctls": [{"name": "net.ipv4.tcp_syncookies", "value": "1"}, {"name": "kernel.msgmax", "value": "1"}]}}}
	{f.msg | some f in findings} == {"pod must not set forbidden sysctl \"kernel.msgmax\""}
	some f in findings
	f.path == ["spec", "securityContext", "sysctls", 1, "name"]
}

test_safe_sysctls_allowed if {
	count(deny) == 0 with input as {"kind": "Pod", "spec": {"securityContext": {"sysctls": [{"name": "net.ipv4.tcp_rmem"}, {"name": "net.ipv4.ip_local_reserved_ports"}, {"name": "kernel.shm_rmid_forced"}]}}}
}

test_slash_form_not_accepted if {
	count(deny) == 1 with input as {"kind": "Pod", "spec": {"securityContext": {"sysctls": [{"name": "net/ipv4/tcp_syncookies"}]}}}
}
