package assay.aws.ec2.ebs_encrypted

import rego.v1

tf(type, after, after_unknown) := {
	"address": sprintf("%s.data", [type]), "mode": "managed", "type": type, "name": "data",
	"change": {"actions": ["create"], "before": null, "after": after, "after_unknown": after_unknown},
}

# --- Terraform ---

test_terraform_volume_not_encrypted if {
	fs := deny with input as tf("aws_ebs_volume", {"availability_zone": "eu-west-1a", "size": 10, "encrypted": false}, {})
	count(fs) == 1
	some f in fs
	f.msg == "aws_ebs_volume.data: EBS volume is not encrypted (encrypted is false)"
	f.path == ["change", "after", "encrypted"]
	not f.fix
}

test_terraform_instance_block_devices if {
	fs := deny with input as tf("aws_instance", {
		"root_block_device": [{"encrypted": false, "volume_size": 20}],
		"ebs_block_device": [{"device_name": "/dev/sdb", "encrypted": true}, {"device_name": "/dev/sdc", "encrypted": false}],
	}, {})
	{f.msg | some f in fs} == {
		"aws_instance.data: EBS volume is not encrypted (root_block_device[0].encrypted is false)",
		"aws_instance.data: EBS volume is not encrypted (ebs_block_device[1].encrypted is false)",
	}
}

test_terraform_launch_template_string_booleans if {
	fs := deny with input as tf("aws_launch_template", {"block_device_mappings": [{"device_name": "/dev/xvda", "ebs": [{"encrypted": "false", "volume_size": 50}]}]}, {})
	some f in fs
	f.path == ["change", "after", "block_device_mappings", 0, "ebs", 0, "encrypted"]
	count(deny) == 0 with input as tf("aws_launch_template", {"block_device_mappings": [{"ebs": [{"encrypted": "", "volume_size": 50}]}]}, {})
}

test_terraform_unknown_and_compliant if {
	# encrypted is computed when unset: unknown until apply
	count(deny) == 0 with input as tf("aws_ebs_volume", {"size": 10}, {"encrypted": true})
	count(deny) == 0 with input as tf("aws_instance", {"root_block_device": [{"volume_size": 20}]}, {"root_block_device": [{"encrypted": true}]})
	count(deny) == 0 with input as tf("aws_ebs_volume", {"encrypted": true}, {})
}

# --- CloudFormation ---

test_cloudformation_volume_without_encrypted if {
	fs := deny with input as {"Type": "AWS::EC2::Volume", "Properties": {"AvailabilityZone": "eu-west-1a", "Size": 100}}
	some f in fs
	f.msg == "AWS::EC2::Volume: EBS volume is not encrypted (Encrypted is not set, so only EBS encryption by default would encrypt it)"
	f.path == ["Properties"]
}

test_cloudformation_explicit_false if {
	fs := deny with input as {"Type": "AWS::EC2::Instance", "Properties": {"BlockDeviceMappings": [
		{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 50}},
		{"DeviceName": "/dev/sdf", "Ebs": {"VolumeSize": 100, "Encrypted": "false"}},
	]}}
	count(fs) == 1
	some f in fs
	f.msg == "AWS::EC2::Instance: EBS volume is not encrypted (BlockDeviceMappings[1].Ebs.Encrypted is false)"
	count(deny) == 1 with input as {"Type": "AWS::EC2::Volume", "Properties": {"Encrypted": false, "SnapshotId": "snap-1"}}
}

test_cloudformation_unknown_and_compliant if {
	count(deny) == 0 with input as {"Type": "AWS::EC2::Volume", "Properties": {"Encrypted": {"Ref": "Encrypt"}}}
	count(deny) == 0 with input as {"Type": "AWS::EC2::Volume", "Properties": {"SnapshotId": "snap-1"}}
	count(deny) == 0 with input as {"Type": "AWS::EC2::Volume", "Properties": {"Encrypted": true, "KmsKeyId": {"Ref": "Key"}}}
	count(deny) == 0 with input as {"Type": "AWS::EC2::LaunchTemplate", "Properties": {"LaunchTemplateData": {"BlockDeviceMappings": [{"Ebs": {"Encrypted": true}}, {"NoDevice": ""}]}}}
}

# --- live ---

test_live_volume if {
	fs := deny with input as {"VolumeId": "vol-0abc", "Size": 8, "State": "in-use", "Encrypted": false}
	some f in fs
	f.msg == "vol-0abc: EBS volume is not encrypted (Encrypted is false)"
	f.path == ["Encrypted"]
	not f.fix
	count(deny) == 0 with input as {"VolumeId": "vol-0abc", "Encrypted": true, "KmsKeyId": "arn:aws:kms:eu-west-1:111122223333:key/1"}
}
