package assay.kubernetes.pss.seccomp

import rego.v1

test_unconfined_denied if {
	findings := deny with input as {"kind": "Pod", "spec": {"securityContext": {"seccompProfile": {"type": "Unconfined"}}, "containers": [{"name": "a", "securityContext": {"seccompProfile": {"type": "Unconfined"}}}]}}
	count(findings) == 2
}

test_allowed_or_unset if {
	count(deny) == 0 with input as {"kind": "Pod", "spec": {"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}, "containers": [{"name": "a", "securityContext": {"seccompProfile": {"type": "Localhost", "localhostProfile": "x.json"}}}, {"name": "b"}]}}
}
