package assay.aws.iam.password_length

import rego.v1

tf(after, after_unknown) := {
	"address": "aws_iam_account_password_policy.strict", "mode": "managed", "type": "aws_iam_account_password_policy", "name": "strict",
	"change": {"actions": ["create"], "before": null, "after": after, "after_unknown": after_unknown},
}

test_terraform if {
	fs := deny with input as tf({"minimum_password_length": 8, "require_symbols": true}, {})
	count(fs) == 1
	some f in fs
	f.msg == "aws_iam_account_password_policy.strict allows passwords shorter than 14 characters (minimum_password_length is 8)"
	f.path == ["change", "after", "minimum_password_length"]
	not f.fix
	gs := deny with input as tf({"require_symbols": true}, {})
	some g in gs
	g.msg == "aws_iam_account_password_policy.strict allows passwords shorter than 14 characters (minimum_password_length is not set, and IAM requires 6)"
	g.path == ["change", "after"]
}

test_terraform_compliant_and_unknown if {
	count(deny) == 0 with input as tf({"minimum_password_length": 14}, {})
	count(deny) == 0 with input as tf({"minimum_password_length": 32}, {})
	count(deny) == 0 with input as tf({}, {"minimum_password_length": true})
}

test_live if {
	fs := deny with input as {"MinimumPasswordLength": 8, "RequireSymbols": true, "ExpirePasswords": false, "PasswordReusePrevention": 24}
	some f in fs
	f.msg == "AWS::IAM::AccountPasswordPolicy allows passwords shorter than 14 characters (MinimumPasswordLength is 8)"
	f.path == ["MinimumPasswordLength"]
	f.fix == {"action": "iam:UpdateAccountPasswordPolicy", "params": {"MinimumPasswordLength": 14, "RequireSymbols": true, "PasswordReusePrevention": 24}}
	count(deny) == 0 with input as {"MinimumPasswordLength": 14}
}

test_cloudformation_has_no_such_resource if {
	count(deny) == 0 with input as {"Type": "AWS::IAM::AccountPasswordPolicy", "Properties": {"MinimumPasswordLength": 6}}
}
