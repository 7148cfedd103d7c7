package assay.kubernetes.pss.proc_mount

import rego.v1

test_unmasked_denied if {
	some f in deny with input as {"kind": "Pod", "spec": {"containers": [{"name": "a", "securityContext": {"procMount": "Unmasked"}}]}}
	f.msg == "container \"a\" must not set securityContext.procMount to \"Unmasked\""
	f.fix == [{"op": "replace", "path": ["spec", "containers", 0, "securityContext", "procMount"], "value": "Default"}]
}

test_default_allowed if {
	count(deny) == 0 with input as {"kind": "Pod", "spec": {"containers": [{"name": "a", "securityContext": {"procMount": "Default"}}]}}
}

test_user_namespace_pods_allowed if {
	count(deny) == 0 with input as {"kind": "Pod", "spec": {"hostUsers": false, "containers": [{"name": "a", "securityContext": {"procMount": "Unmasked"}}]}}
}

test_host_users_true_still_denied if {
	count(deny) == 1 with input as {"kind": "Pod", "spec": {"hostUsers": true, "containers": [{"name": "a", "securityContext": {"procMount": "default"}}]}}
}
