package assay.kubernetes.pss.selinux

import rego.v1

test_forbidden_type_user_role if {
	findings := deny with input as {"kind": "Pod", "spec": {"securityContext": {"seLinuxOptions": {"type": "spc_t", "user": "root"}}, "containers": [{"name": "a", "securityContext": {"seLinuxOptions": {"role": "sysadm_r"}}}]}}
	{f.msg | some f in findings} == {
		"pod must not set forbidden securityContext.seLinuxOptions.type \"spc_t\"",
		"pod must not set securityContext.seLinuxOptions.user",
		"container \"a\" must not set securityContext.seLinuxOptions.role",
	}
}

test_container_types_and_level_allowed if {
	count(deny) == 0 with input as {"kind": "Pod", "spec": {"securityContext": {"seLinuxOptions": {"type": "container_engine_t", "level": "s0:c1"}}, "containers": [{"name": "a", "securityContext": {"seLinuxOptions": {"type": "container_t", "user": ""}}}]}}
}
