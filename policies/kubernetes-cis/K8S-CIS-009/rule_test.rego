package assay.kubernetes.cis.create_persistent_volumes

import rego.v1

test_create_persistent_volumes_denied if {
	findings := deny with input as {"kind": "ClusterRole", "metadata": {"name": "storage"}, "rules": [{"apiGroups": [""], "resources": ["persistentvolumeclaims", "persistentvolumes"], "verbs": ["create", "delete"]}]}
	findings == {{"msg": "ClusterRole \"storage\" rules[0] grants create on persistentvolumes", "path": ["rules", 0, "resources", 1]}}
}

test_wildcard_resource_denied if {
	some f in deny with input as {"kind": "ClusterRole", "metadata": {"name": "core"}, "rules": [{"apiGroups": [""], "resources": ["*"], "verbs": ["create"]}]}
	f.msg == "ClusterRole \"core\" rules[0] grants create on persistentvolumes (through \"*\")"
}

test_claims_and_reads_allowed if {
	count(deny) == 0 with input as {"kind": "Role", "metadata": {"name": "r"}, "rules": [
		{"apiGroups": [""], "resources": ["persistentvolumeclaims"], "verbs": ["create"]},
		{"apiGroups": [""], "resources": ["persistentvolumes"], "verbs": ["get", "list", "watch"]},
	]}
}

test_builtin_roles_skipped if {
	count(deny) == 0 with input as {"kind": "ClusterRole", "metadata": {"name": "system:controller:persistent-volume-binder"}, "rules": [{"apiGroups": [""], "resources": ["persistentvolumes"], "verbs": ["create"]}]}
}
