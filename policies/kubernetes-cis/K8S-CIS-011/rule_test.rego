package assay.kubernetes.cis.csr_approval

import rego.v1

test_approval_denied if {
	findings := deny with input as {"kind": "ClusterRole", "metadata": {"name": "approver"}, "rules": [{"apiGroups": ["certificates.k8s.io"], "resources": ["certificatesigningrequests", "certificatesigningrequests/approval"], "verbs": ["get", "update"]}]}
	findings == {{"msg": "ClusterRole \"approver\" rules[0] grants update on certificatesigningrequests/approval", "path": ["rules", 0, "resources", 1]}}
}

test_wildcards_denied if {
	some f in deny with input as {"kind": "ClusterRole", "metadata": {"name": "a"}, "rules": [{"apiGroups": ["*"], "resources": ["*/approval"], "verbs": ["patch"]}]}
	f.msg == "ClusterRole \"a\" rules[0] grants patch on certificatesigningrequests/approval (through \"*/approval\")"
}

test_request_and_read_allowed if {
	count(deny) == 0 with input as {"kind": "ClusterRole", "metadata": {"name": "r"}, "rules": [
		{"apiGroups": ["certificates.k8s.io"], "resources": ["certificatesigningrequests"], "verbs": ["create", "get", "update"]},
		{"apiGroups": ["certificates.k8s.io"], "resources": ["certificatesigningrequests/approval"], "verbs": ["get"]},
		{"apiGroups": [""], "resources": ["certificatesigningrequests/approval"], "verbs": ["update"]},
	]}
}

test_builtin_roles_skipped if {
	count(deny) == 0 with input as {"kind": "ClusterRole", "metadata": {"name": "system:controller:certificate-controller"}, "rules": [{"apiGroups": ["certificates.k8s.io"], "resources": ["certificatesigningrequests/approval"], "verbs": ["update"]}]}
}
