package assay.aws.cloudtrail.log_file_validation

import rego.v1

tf(after, after_unknown) := {
	"address": "aws_cloudtrail.main", "mode": "managed", "type": "aws_cloudtrail", "name": "main",
	"change": {"actions": ["create"], "before": null, "after": after, "after_unknown": after_unknown},
}

test_terraform if {
	fs := deny with input as tf({"name": "main", "enable_log_file_validation": false}, {})
	count(fs) == 1
	some f in fs
	f.msg == "aws_cloudtrail.main does not validate its log files (enable_log_file_validation is false)"
	f.path == ["change", "after", "enable_log_file_validation"]
	not f.fix
	count(deny) == 1 with input as tf({"name": "main", "enable_log_file_validation": null}, {})
	count(deny) == 0 with input as tf({"name": "main", "enable_log_file_validation": true}, {})
	count(deny) == 0 with input as tf({"name": "main"}, {"enable_log_file_validation": true})
}

test_cloudformation if {
	fs := deny with input as {"Type": "AWS::CloudTrail::Trail", "Properties": {"IsLogging": true, "S3BucketName": "logs"}}
	some f in fs
	f.msg == "AWS::CloudTrail::Trail does not validate its log files (EnableLogFileValidation is not set, and defaults to false)"
	f.path == ["Properties"]
	f.fix == [{"op": "ensure", "path": ["Properties", "EnableLogFileValidation"], "value": true}]
	gs := deny with input as {"Type": "AWS::CloudTrail::Trail", "Properties": {"EnableLogFileValidation": "false"}}
	some g in gs
	g.path == ["Properties", "EnableLogFileValidation"]
	count(deny) == 0 with input as {"Type": "AWS::CloudTrail::Trail", "Properties": {"EnableLogFileValidation": true}}
	count(deny) == 0 with input as {"Type": "AWS::CloudTrail::Trail", "Properties": {"EnableLogFileValidation": {"Ref": "Validate"}}}
}

test_live if {
	trail := {"Name": "org", "TrailARN": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/org", "IsMultiRegionTrail": true, "LogFileValidationEnabled": false}
	fs := deny with input as trail
	some f in fs
	f.msg == "org does not validate its log files (LogFileValidationEnabled is false)"
	f.fix == {"action": "cloudtrail:UpdateTrail", "params": {"Name": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/org", "EnableLogFileValidation": true}}
	count(deny) == 0 with input as object.union(trail, {"LogFileValidationEnabled": true})
}
