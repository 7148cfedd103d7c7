package assay.aws.ec2.imdsv2

import rego.v1

tf(type, after, after_unknown) := {
	"address": sprintf("%s.app", [type]), "mode": "managed", "type": type, "name": "app",
	"change": {"actions": ["create"], "before": null, "after": after, "after_unknown": after_unknown},
}

# --- Terraform ---

test_terraform_optional_tokens if {
	fs := deny with input as tf("aws_instance", {"ami": "ami-1", "metadata_options": [{"http_endpoint": "enabled", "http_tokens": "optional"}]}, {})
	count(fs) == 1
	some f in fs
	f.msg == "aws_instance.app allows IMDSv1: metadata_options[0].http_tokens is \"optional\", must be \"required\""
	f.path == ["change", "after", "metadata_options", 0, "http_tokens"]
	not f.fix
}

test_terraform_missing_block_is_the_default if {
	fs := deny with input as tf("aws_launch_template", {"name": "app", "metadata_options": []}, {})
	some f in fs
	f.msg == "aws_launch_template.app allows IMDSv1: metadata_options.http_tokens is not set (EC2 defaults to \"optional\" unless the AMI or account default requires IMDSv2), must be \"required\""
	f.path == ["change", "after", "metadata_options"]
	count(deny) == 1 with input as tf("aws_launch_configuration", {"image_id": "ami-1"}, {})
}

test_terraform_endpoint_unknown_still_judged_on_tokens if {
	# http_endpoint is computed when unset: only an explicit "disabled" exempts
	count(deny) == 1 with input as tf("aws_instance", {"metadata_options": [{"http_tokens": "optional"}]}, {"metadata_options": [{"http_endpoint": true}]})
}

test_terraform_unknown_not_reported if {
	count(deny) == 0 with input as tf("aws_instance", {"ami": "ami-1"}, {"metadata_options": true})
	count(deny) == 0 with input as tf("aws_instance", {"metadata_options": [{"http_endpoint": "enabled"}]}, {"metadata_options": [{"http_tokens": true}]})
}

test_terraform_compliant if {
	count(deny) == 0 with input as tf("aws_instance", {"metadata_options": [{"http_tokens": "required"}]}, {})
	count(deny) == 0 with input as tf("aws_instance", {"metadata_options": [{"http_tokens": "optional", "http_endpoint": "disabled"}]}, {})
	count(deny) == 0 with input as tf("aws_instance", {"launch_template": [{"id": "lt-1", "version": "$Latest"}], "metadata_options": []}, {})
}

# --- CloudFormation ---

test_cloudformation_launch_template_optional if {
	fs := deny with input as {"Type": "AWS::EC2::LaunchTemplate", "Properties": {"LaunchTemplateData": {"MetadataOptions": {"HttpTokens": "optional"}}}}
	some f in fs
	f.msg == "AWS::EC2::LaunchTemplate allows IMDSv1: LaunchTemplateData.MetadataOptions.HttpTokens is \"optional\", must be \"required\""
	f.path == ["Properties", "LaunchTemplateData", "MetadataOptions", "HttpTokens"]
	f.fix == [{"op": "ensure", "path": ["Properties", "LaunchTemplateData", "MetadataOptions", "HttpTokens"], "value": "required"}]
}

test_cloudformation_instance_without_options if {
	fs := deny with input as {"Type": "AWS::EC2::Instance", "Properties": {"ImageId": "ami-1"}}
	some f in fs
	f.path == ["Properties"]
	f.fix == [{"op": "ensure", "path": ["Properties", "MetadataOptions", "HttpTokens"], "value": "required"}]
}

test_cloudformation_unknown_and_compliant if {
	count(deny) == 0 with input as {"Type": "AWS::EC2::Instance", "Properties": {"MetadataOptions": {"HttpTokens": {"Ref": "Tokens"}}}}
	count(deny) == 0 with input as {"Type": "AWS::EC2::Instance", "Properties": {"LaunchTemplate": {"LaunchTemplateId": {"Ref": "Lt"}, "Version": "1"}}}
	count(deny) == 0 with input as {"Type": "AWS::EC2::LaunchTemplate", "Properties": {"LaunchTemplateData": {"MetadataOptions": {"HttpTokens": "required"}}}}
	count(deny) == 0 with input as {"Type": "AWS::AutoScaling::LaunchConfiguration", "Properties": {"MetadataOptions": {"HttpEndpoint": "disabled"}}}
}

# --- live ---

test_live_instance if {
	fs := deny with input as {"InstanceId": "i-0abc", "MetadataOptions": {"State": "applied", "HttpTokens": "optional", "HttpEndpoint": "enabled"}}
	some f in fs
	f.msg == "i-0abc allows IMDSv1: MetadataOptions.HttpTokens is \"optional\", must be \"required\""
	f.path == ["MetadataOptions", "HttpTokens"]
	f.fix == {"action": "ec2:ModifyInstanceMetadataOptions", "params": {"InstanceId": "i-0abc", "HttpTokens": "required"}}
}

test_live_launch_template_version if {
	fs := deny with input as {"LaunchTemplateId": "lt-0abc", "VersionNumber": 3, "LaunchTemplateData": {"ImageId": "ami-1"}}
	some f in fs
	f.msg == "lt-0abc allows IMDSv1: LaunchTemplateData.MetadataOptions.HttpTokens is not set (EC2 defaults to \"optional\" unless the AMI or account default requires IMDSv2), must be \"required\""
	not f.fix
}

test_live_compliant if {
	count(deny) == 0 with input as {"InstanceId": "i-0abc", "MetadataOptions": {"HttpTokens": "required", "HttpEndpoint": "enabled"}}
	count(deny) == 0 with input as {"InstanceId": "i-0abc", "MetadataOptions": {"HttpTokens": "optional", "HttpEndpoint": "disabled"}}
	count(deny) == 0 with input as {"InstanceId": "i-0abc"}
}
