package assay.aws.iam.password_reuse

import rego.v1

tf(after, after_unknown) := {
	"address": "aws_iam_account_password_policy.strict", "mode": "managed", "type": "aws_iam_account_password_policy", "name": "strict",
	"change": {"actions": ["create"], "before": null, "after": after, "after_unknown": after_unknown},
}

test_terraform if {
	fs := deny with input as tf({"minimum_password_length": 14, "password_reuse_prevention": 5}, {})
	count(fs) == 1
	some f in fs
	f.msg == "aws_iam_account_password_policy.strict lets users reuse passwords older than the last 5 (password_reuse_prevention is 5, must be 24)"
	f.path == ["change", "after", "password_reuse_prevention"]
	not f.fix
	gs := deny with input as tf({"minimum_password_length": 14, "password_reuse_prevention": null}, {})
	some g in gs
	g.msg == "aws_iam_account_password_policy.strict lets users reuse passwords (password_reuse_prevention is not set, must be 24)"
	g.path == ["change", "after", "password_reuse_prevention"]
}

test_terraform_compliant_and_unknown if {
	count(deny) == 0 with input as tf({"password_reuse_prevention": 24}, {})
	count(deny) == 0 with input as tf({}, {"password_reuse_prevention": true})
}

test_live if {
	fs := deny with input as {"MinimumPasswordLength": 14, "ExpirePasswords": false}
	some f in fs
	f.msg == "AWS::IAM::AccountPasswordPolicy lets users reuse passwords (PasswordReusePrevention is not set, must be 24)"
	f.path == []
	f.fix == {"action": "iam:UpdateAccountPasswordPolicy", "params": {"MinimumPasswordLength": 14, "PasswordReusePrevention": 24}}
	count(deny) == 1 with input as {"MinimumPasswordLength": 14, "PasswordReusePrevention": 3}
	count(deny) == 0 with input as {"MinimumPasswordLength": 14, "PasswordReusePrevention": 24}
}
