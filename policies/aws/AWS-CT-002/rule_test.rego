package assay.aws.cloudtrail.kms_encryption

import rego.v1

tf(after, after_unknown) := {
	"address": "aws_cloudtrail.main", "mode": "managed", "type": "aws_cloudtrail", "name": "main",
	"change": {"actions": ["create"], "before": null, "after": after, "after_unknown": after_unknown},
}

test_terraform if {
	fs := deny with input as tf({"name": "main", "kms_key_id": null}, {})
	count(fs) == 1
	some f in fs
	f.msg == "aws_cloudtrail.main does not encrypt its logs with a KMS key (kms_key_id is not set)"
	f.path == ["change", "after", "kms_key_id"]
	not f.fix
	count(deny) == 1 with input as tf({"name": "main"}, {})
	count(deny) == 0 with input as tf({"name": "main", "kms_key_id": "arn:aws:kms:eu-west-1:111122223333:key/1"}, {})
	# a key created in the same plan: its ARN is known after apply
	count(deny) == 0 with input as tf({"name": "main"}, {"kms_key_id": true})
}

test_cloudformation if {
	fs := deny with input as {"Type": "AWS::CloudTrail::Trail", "Properties": {"IsLogging": true}}
	some f in fs
	f.msg == "AWS::CloudTrail::Trail does not encrypt its logs with a KMS key (KMSKeyId is not set)"
	f.path == ["Properties"]
	count(deny) == 0 with input as {"Type": "AWS::CloudTrail::Trail", "Properties": {"KMSKeyId": {"Fn::GetAtt": ["TrailKey", "Arn"]}}}
	count(deny) == 0 with input as {"Type": "AWS::CloudTrail::Trail", "Properties": {"KMSKeyId": "alias/trail"}}
}

test_live if {
	fs := deny with input as {"Name": "org", "TrailARN": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/org"}
	some f in fs
	f.msg == "org does not encrypt its logs with a KMS key (KmsKeyId is not set)"
	f.path == []
	count(deny) == 0 with input as {"Name": "org", "TrailARN": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/org", "KmsKeyId": "arn:aws:kms:eu-west-1:111122223333:key/1"}
}
