package assay.kubernetes.cis.webhook_configurations

import rego.v1

test_write_access_denied if {
	findings := deny with input as {"kind": "ClusterRole", "metadata": {"name": "hooks"}, "rules": [{"apiGroups": ["admissionregistration.k8s.io"], "resources": ["validatingwebhookconfigurations", "mutatingwebhookconfigurations"], "verbs": ["get", "patch"]}]}
	findings == {
		{"msg": "ClusterRole \"hooks\" rules[0] grants patch on validatingwebhookconfigurations", "path": ["rules", 0, "resources", 0]},
		{"msg": "ClusterRole \"hooks\" rules[0] grants patch on mutatingwebhookconfigurations", "path": ["rules", 0, "resources", 1]},
	}
}

test_wildcard_covers_both if {
	some f in deny with input as {"kind": "ClusterRole", "metadata": {"name": "a"}, "rules": [{"apiGroups": ["admissionregistration.k8s.io"], "resources": ["*"], "verbs": ["*"]}]}
	f.msg == "ClusterRole \"a\" rules[0] grants every verb (\"*\") on mutatingwebhookconfigurations, validatingwebhookconfigurations (through \"*\")"
}

test_named_configuration_still_denied if {
	count(deny) == 1 with input as {"kind": "ClusterRole", "metadata": {"name": "a"}, "rules": [{"apiGroups": ["admissionregistration.k8s.io"], "resources": ["validatingwebhookconfigurations"], "resourceNames": ["mine"], "verbs": ["update"]}]}
}

test_read_access_allowed if {
	count(deny) == 0 with input as {"kind": "ClusterRole", "metadata": {"name": "r"}, "rules": [
		{"apiGroups": ["admissionregistration.k8s.io"], "resources": ["validatingwebhookconfigurations", "mutatingwebhookconfigurations"], "verbs": ["get", "list", "watch"]},
		{"apiGroups": ["admissionregistration.k8s.io"], "resources": ["validatingadmissionpolicies"], "verbs": ["create"]},
	]}
}
