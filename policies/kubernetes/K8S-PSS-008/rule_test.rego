package assay.kubernetes.pss.apparmor

import rego.v1

test_unconfined_field_denied if {
	findings := deny with input as {"kind": "Pod", "spec": {"securityContext": {"appArmorProfile": {"type": "Unconfined"}}, "containers": [{"name": "a", "securityContext": {"appArmorProfile": {"type": "Unconfined"}}}]}}
	{f.msg | some f in findings} == {"pod must not set AppArmor profile type to \"Unconfined\"", "container \"a\" must not set AppArmor profile type to \"Unconfined\""}
}

test_allowed_types if {
	count(deny) == 0 with input as {"kind": "Pod", "spec": {"securityContext": {"appArmorProfile": {"type": "RuntimeDefault"}}, "containers": [{"name": "a", "securityContext": {"appArmorProfile": {"type": "Localhost", "localhostProfile": "p"}}}]}}
}

test_annotations if {
	findings := deny with input as {"kind": "Deployment", "spec": {"template": {
		"metadata": {"annotations": {
			"container.apparmor.security.beta.kubernetes.io/a": "unconfined",
			"container.apparmor.security.beta.kubernetes.io/b": "runtime/default",
			"container.apparmor.security.beta.kubernetes.io/c": "localhost/x",
			"container.apparmor.security.beta.kubernetes.io/d": "",
			"container.apparmor.security.beta.kubernetes.io/e": "RUNTIME/DEFAULT",
		}},
		"spec": {"containers": [{"name": "a"}]},
	}}}
	{f.path[4] | some f in findings} == {"container.apparmor.security.beta.kubernetes.io/a", "container.apparmor.security.beta.kubernetes.io/e"}
}
