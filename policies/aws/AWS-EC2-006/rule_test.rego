package assay.aws.ec2.ebs_encryption_by_default

import rego.v1

tf(after, after_unknown) := {
	"address": "aws_ebs_encryption_by_default.this", "mode": "managed", "type": "aws_ebs_encryption_by_default", "name": "this",
	"change": {"actions": ["create"], "before": null, "after": after, "after_unknown": after_unknown},
}

test_terraform_disabled if {
	fs := deny with input as tf({"enabled": false}, {"id": true})
	count(fs) == 1
	some f in fs
	f.msg == "aws_ebs_encryption_by_default.this: EBS encryption by default is disabled (enabled is false)"
	f.path == ["change", "after", "enabled"]
	not f.fix
}

test_terraform_enabled_default_and_unknown if {
	count(deny) == 0 with input as tf({"enabled": true}, {})
	count(deny) == 0 with input as tf({}, {"enabled": true})
	count(deny) == 0 with input as tf({"enabled": null}, {})
}

test_live_disabled_with_fix if {
	fs := deny with input as {"EbsEncryptionByDefault": false, "SseType": "sse-ebs"}
	some f in fs
	f.msg == "AWS::EC2::EBSEncryptionByDefault: EBS encryption by default is disabled (EbsEncryptionByDefault is false)"
	f.path == ["EbsEncryptionByDefault"]
	f.fix == {"action": "ec2:EnableEbsEncryptionByDefault"}
}

test_live_enabled if {
	count(deny) == 0 with input as {"EbsEncryptionByDefault": true}
}

test_cloudformation_has_no_such_resource if {
	# not a CloudFormation type: nothing to judge even if handed one
	count(deny) == 0 with input as {"Type": "AWS::EC2::EBSEncryptionByDefault", "Properties": {"EbsEncryptionByDefault": false}}
}
