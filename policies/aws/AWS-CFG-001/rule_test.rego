package assay.aws.config.recording

import rego.v1

tf(type, after, after_unknown) := {
	"address": sprintf("%s.main", [type]), "mode": "managed", "type": type, "name": "main",
	"change": {"actions": ["create"], "before": null, "after": after, "after_unknown": after_unknown},
}

recorder(all, recording, status) := {"Name": "default", "RoleARN": "arn:aws:iam::111122223333:role/config",
	"RecordingGroup": {"AllSupported": all, "IncludeGlobalResourceTypes": true},
	"Status": {"Recording": recording, "LastStatus": status}}

# --- Terraform ---

test_terraform_recorder_subset if {
	fs := deny with input as tf("aws_config_configuration_recorder", {"name": "main", "recording_group": [{"all_supported": false, "resource_types": ["AWS::EC2::Instance"]}]}, {})
	count(fs) == 1
	some f in fs
	f.msg == "aws_config_configuration_recorder.main does not record all supported resource types (recording_group[0].all_supported is false)"
	f.path == ["change", "after", "recording_group", 0, "all_supported"]
	count(deny) == 0 with input as tf("aws_config_configuration_recorder", {"name": "main", "recording_group": [{"all_supported": true}]}, {})
	count(deny) == 0 with input as tf("aws_config_configuration_recorder", {"name": "main", "recording_group": []}, {})
	count(deny) == 0 with input as tf("aws_config_configuration_recorder", {"name": "main"}, {"recording_group": true})
}

test_terraform_recorder_status if {
	fs := deny with input as tf("aws_config_configuration_recorder_status", {"name": "main", "is_enabled": false}, {})
	some f in fs
	f.msg == "aws_config_configuration_recorder_status.main stops the AWS Config recorder (is_enabled is false)"
	count(deny) == 0 with input as tf("aws_config_configuration_recorder_status", {"name": "main", "is_enabled": true}, {})
}

# --- CloudFormation ---

test_cloudformation_recorder if {
	fs := deny with input as {"Type": "AWS::Config::ConfigurationRecorder", "Properties": {"RoleARN": {"Fn::GetAtt": ["ConfigRole", "Arn"]}, "RecordingGroup": {"AllSupported": false, "ResourceTypes": ["AWS::S3::Bucket"]}}}
	some f in fs
	f.path == ["Properties", "RecordingGroup", "AllSupported"]
	count(deny) == 0 with input as {"Type": "AWS::Config::ConfigurationRecorder", "Properties": {"RecordingGroup": {"AllSupported": true}}}
	count(deny) == 0 with input as {"Type": "AWS::Config::ConfigurationRecorder", "Properties": {"RoleARN": "arn"}}
	count(deny) == 0 with input as {"Type": "AWS::Config::ConfigurationRecorder", "Properties": {"RecordingGroup": {"AllSupported": {"Ref": "All"}}}}
}

# --- live ---

test_live_region_without_recorder if {
	fs := deny with input as {"Region": "eu-west-1", "ConfigurationRecorders": []}
	some f in fs
	f.msg == "eu-west-1 has no AWS Config recorder"
	f.path == ["ConfigurationRecorders"]
}

test_live_recorder_stopped_or_partial if {
	fs := deny with input as {"Region": "us-east-1", "ConfigurationRecorders": [recorder(true, false, "SUCCESS")]}
	some f in fs
	f.msg == "us-east-1 has no AWS Config recorder that records all supported resource types and is recording successfully (default: AllSupported true, Recording false, LastStatus SUCCESS)"
	count(deny) == 1 with input as {"Region": "us-east-1", "ConfigurationRecorders": [recorder(false, true, "SUCCESS")]}
	count(deny) == 1 with input as {"Region": "us-east-1", "ConfigurationRecorders": [recorder(true, true, "FAILURE")]}
	count(deny) == 1 with input as {"Region": "us-east-1", "ConfigurationRecorders": [{"Name": "default", "RecordingGroup": null, "Status": null}]}
}

test_live_compliant if {
	count(deny) == 0 with input as {"Region": "us-east-1", "ConfigurationRecorders": [recorder(true, true, "SUCCESS")]}
}
