package assay.kubernetes.cis.service_account_token

import rego.v1

test_token_create_denied if {
	findings := deny with input as {"kind": "Role", "metadata": {"name": "minter"}, "rules": [{"apiGroups": [""], "resources": ["serviceaccounts", "serviceaccounts/token"], "verbs": ["get", "create"]}]}
	findings == {{"msg": "Role \"minter\" rules[0] grants create on serviceaccounts/token", "path": ["rules", 0, "resources", 1]}}
}

test_named_service_account_still_denied if {
	count(deny) == 1 with input as {"kind": "Role", "metadata": {"name": "m"}, "rules": [{"apiGroups": [""], "resources": ["serviceaccounts/token"], "resourceNames": ["builder"], "verbs": ["create"]}]}
}

test_wildcards_denied if {
	some f in deny with input as {"kind": "Role", "metadata": {"name": "m"}, "rules": [{"apiGroups": [""], "resources": ["*/token"], "verbs": ["*"]}]}
	f.msg == "Role \"m\" rules[0] grants every verb (\"*\") on serviceaccounts/token (through \"*/token\")"
}

test_service_accounts_without_token_allowed if {
	count(deny) == 0 with input as {"kind": "Role", "metadata": {"name": "r"}, "rules": [
		{"apiGroups": [""], "resources": ["serviceaccounts"], "verbs": ["create", "get"]},
		{"apiGroups": [""], "resources": ["serviceaccounts/token"], "verbs": ["get"]},
	]}
}
