package assay.aws.s3.block_public_access

import rego.v1

tf(type, after, after_unknown) := {
	"address": sprintf("%s.site", [type]), "mode": "managed", "type": type, "name": "site",
	"change": {"actions": ["create"], "before": null, "after": after, "after_unknown": after_unknown},
}

all_on := {"block_public_acls": true, "block_public_policy": true, "ignore_public_acls": true, "restrict_public_buckets": true}

# --- Terraform ---

test_terraform_setting_off if {
	fs := deny with input as tf("aws_s3_bucket_public_access_block", object.union(all_on, {"block_public_policy": false}), {"bucket": true})
	count(fs) == 1
	some f in fs
	f.msg == "aws_s3_bucket_public_access_block.site: Block Public Access setting BlockPublicPolicy is off (block_public_policy is false)"
	f.path == ["change", "after", "block_public_policy"]
	not f.fix
}

test_terraform_account_block_all_off if {
	count(deny) == 4 with input as tf("aws_s3_account_public_access_block", {"block_public_acls": false, "block_public_policy": false, "ignore_public_acls": false, "restrict_public_buckets": false}, {})
}

test_terraform_compliant_and_unknown if {
	count(deny) == 0 with input as tf("aws_s3_bucket_public_access_block", all_on, {})
	count(deny) == 0 with input as tf("aws_s3_bucket_public_access_block", object.remove(all_on, ["restrict_public_buckets"]), {"restrict_public_buckets": true})
}

# --- CloudFormation ---

test_cloudformation_partial_configuration if {
	fs := deny with input as {"Type": "AWS::S3::Bucket", "Properties": {"PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": "false"}}}
	{f.msg | some f in fs} == {
		"AWS::S3::Bucket: Block Public Access setting BlockPublicPolicy is off (PublicAccessBlockConfiguration.BlockPublicPolicy is false)",
		"AWS::S3::Bucket: Block Public Access setting RestrictPublicBuckets is off (PublicAccessBlockConfiguration.RestrictPublicBuckets is not set)",
	}
	some f in fs
	f.path == ["Properties", "PublicAccessBlockConfiguration"]
	f.fix == [{"op": "ensure", "path": ["Properties", "PublicAccessBlockConfiguration", "RestrictPublicBuckets"], "value": true}]
}

test_cloudformation_default_and_unknown if {
	# no configuration: S3 blocks public access on new buckets by default
	count(deny) == 0 with input as {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "logs"}}
	count(deny) == 0 with input as {"Type": "AWS::S3::Bucket"}
	count(deny) == 0 with input as {"Type": "AWS::S3::Bucket", "Properties": {"PublicAccessBlockConfiguration": {"Fn::If": ["Public", {}, {}]}}}
	count(deny) == 0 with input as {"Type": "AWS::S3::Bucket", "Properties": {"PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": {"Ref": "Restrict"}}}}
}

# --- live ---

test_live_bucket if {
	fs := deny with input as {"Name": "site-assets", "PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": false, "RestrictPublicBuckets": false}}
	count(fs) == 2
	some f in fs
	f.path == ["PublicAccessBlockConfiguration", "BlockPublicPolicy"]
	f.msg == "site-assets: Block Public Access setting BlockPublicPolicy is off (PublicAccessBlockConfiguration.BlockPublicPolicy is false)"
	f.fix == {"action": "s3:PutPublicAccessBlock", "params": {"Bucket": "site-assets", "PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": true}}}
}

test_live_compliant_or_not_collected if {
	count(deny) == 0 with input as {"Name": "b", "PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": true}}
	count(deny) == 0 with input as {"Name": "b", "CreationDate": "2024-01-01T00:00:00Z"}
}

test_aws_config_item if {
	item := {"ResourceType": "AWS::S3::Bucket", "ResourceId": "acme-logs", "ResourceName": "acme-logs", "Configuration": {"name": "acme-logs"},
		"SupplementaryConfiguration": {"PublicAccessBlockConfiguration": {"blockPublicAcls": true, "ignorePublicAcls": true, "blockPublicPolicy": false, "restrictPublicBuckets": true}}}
	fs := deny with input as item
	count(fs) == 1
	some f in fs
	f.msg == "acme-logs: Block Public Access setting BlockPublicPolicy is off (SupplementaryConfiguration.PublicAccessBlockConfiguration.blockPublicPolicy is false)"
	f.path == ["SupplementaryConfiguration", "PublicAccessBlockConfiguration", "blockPublicPolicy"]
	f.fix.params.Bucket == "acme-logs"
	# no configuration recorded: nothing to judge
	count(deny) == 0 with input as object.union(item, {"SupplementaryConfiguration": {"PublicAccessBlockConfiguration": null}})
}
