package assay.aws.efs.encrypted

import rego.v1

tf(after, after_unknown) := {
	"address": "aws_efs_file_system.shared", "mode": "managed", "type": "aws_efs_file_system", "name": "shared",
	"change": {"actions": ["create"], "before": null, "after": after, "after_unknown": after_unknown},
}

test_terraform if {
	fs := deny with input as tf({"creation_token": "shared", "encrypted": false}, {})
	count(fs) == 1
	some f in fs
	f.msg == "aws_efs_file_system.shared: EFS file system is not encrypted (encrypted is false)"
	f.path == ["change", "after", "encrypted"]
	not f.fix
	count(deny) == 0 with input as tf({"encrypted": true}, {})
	# computed when unset: unknown until apply
	count(deny) == 0 with input as tf({"creation_token": "shared"}, {"encrypted": true})
}

test_cloudformation if {
	fs := deny with input as {"Type": "AWS::EFS::FileSystem", "Properties": {"PerformanceMode": "generalPurpose"}}
	some f in fs
	f.msg == "AWS::EFS::FileSystem: EFS file system is not encrypted (Encrypted is not set, and defaults to false)"
	f.path == ["Properties"]
	count(deny) == 1 with input as {"Type": "AWS::EFS::FileSystem", "Properties": {"Encrypted": "false"}}
	count(deny) == 0 with input as {"Type": "AWS::EFS::FileSystem", "Properties": {"Encrypted": true}}
	count(deny) == 0 with input as {"Type": "AWS::EFS::FileSystem", "Properties": {"Encrypted": {"Fn::If": ["Prod", true, false]}}}
}

test_live if {
	fs := deny with input as {"FileSystemId": "fs-0abc", "Encrypted": false, "LifeCycleState": "available"}
	some f in fs
	f.msg == "fs-0abc: EFS file system is not encrypted (Encrypted is false)"
	f.path == ["Encrypted"]
	count(deny) == 0 with input as {"FileSystemId": "fs-0abc", "Encrypted": true}
	count(deny) == 0 with input as {"FileSystemId": "fs-0abc"}
}
