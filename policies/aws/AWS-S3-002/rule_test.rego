package assay.aws.s3.public_acl

import rego.v1

tf(type, after, after_unknown) := {
	"address": sprintf("%s.site", [type]), "mode": "managed", "type": type, "name": "site",
	"change": {"actions": ["create"], "before": null, "after": after, "after_unknown": after_unknown},
}

all_users := "http://acs.amazonaws.com/groups/global/AllUsers"

# --- Terraform ---

test_terraform_canned_acl if {
	fs := deny with input as tf("aws_s3_bucket_acl", {"acl": "public-read"}, {"bucket": true})
	count(fs) == 1
	some f in fs
	f.msg == "aws_s3_bucket_acl.site grants READ access to everyone: acl is \"public-read\""
	f.path == ["change", "after", "acl"]
	not f.fix
	count(deny) == 1 with input as tf("aws_s3_bucket", {"bucket": "site", "acl": "authenticated-read"}, {})
}

test_terraform_explicit_grant if {
	fs := deny with input as tf("aws_s3_bucket_acl", {"access_control_policy": [{"grant": [{"grantee": [{"type": "Group", "uri": all_users}], "permission": "WRITE"}], "owner": [{"id": "abc"}]}]}, {})
	some f in fs
	f.msg == sprintf("aws_s3_bucket_acl.site grants WRITE access to everyone: access_control_policy[0].grant[0].grantee[0].uri is %q", [all_users])
}

test_terraform_compliant_and_unknown if {
	count(deny) == 0 with input as tf("aws_s3_bucket_acl", {"acl": "private"}, {})
	count(deny) == 0 with input as tf("aws_s3_bucket_acl", {}, {"acl": true})
	count(deny) == 0 with input as tf("aws_s3_bucket_acl", {"access_control_policy": [{"grant": [{"grantee": [{"type": "CanonicalUser", "id": "abc"}], "permission": "FULL_CONTROL"}]}]}, {})
}

# --- CloudFormation ---

test_cloudformation_access_control if {
	fs := deny with input as {"Type": "AWS::S3::Bucket", "Properties": {"AccessControl": "PublicReadWrite"}}
	some f in fs
	f.msg == "AWS::S3::Bucket grants READ and WRITE access to everyone: AccessControl is \"PublicReadWrite\""
	f.path == ["Properties", "AccessControl"]
	f.fix == [{"op": "replace", "path": ["Properties", "AccessControl"], "value": "Private"}]
}

test_cloudformation_compliant_and_unknown if {
	count(deny) == 0 with input as {"Type": "AWS::S3::Bucket", "Properties": {"AccessControl": "LogDeliveryWrite"}}
	count(deny) == 0 with input as {"Type": "AWS::S3::Bucket", "Properties": {"AccessControl": {"Fn::If": ["Public", "PublicRead", "Private"]}}}
	count(deny) == 0 with input as {"Type": "AWS::S3::Bucket"}
}

# --- live ---

test_live_grants if {
	fs := deny with input as {"Name": "site-assets", "Grants": [
		{"Grantee": {"Type": "CanonicalUser", "ID": "abc"}, "Permission": "FULL_CONTROL"},
		{"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"}, "Permission": "READ"},
	]}
	count(fs) == 1
	some f in fs
	f.msg == "site-assets grants READ access to every AWS account: Grants[1].Grantee.URI is \"http://acs.amazonaws.com/groups/global/AuthenticatedUsers\""
	f.path == ["Grants", 1, "Grantee", "URI"]
	not f.fix
}

test_live_compliant if {
	count(deny) == 0 with input as {"Name": "b", "Grants": [{"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/s3/LogDelivery"}, "Permission": "WRITE"}]}
}

test_aws_config_item if {
	acl := {"grantSet": null, "owner": {"id": "abc"}, "grantList": [{"grantee": {"id": "abc", "displayName": null}, "permission": "FullControl"}, {"grantee": "AllUsers", "permission": "Read"}]}
	item := {"ResourceType": "AWS::S3::Bucket", "ResourceId": "site", "ResourceName": "site", "Configuration": {"name": "site"}, "SupplementaryConfiguration": {"AccessControlList": json.marshal(acl)}}
	fs := deny with input as item
	some f in fs
	f.msg == "site grants READ access to everyone: AccessControlList.grantList[1].grantee is \"AllUsers\""
	not f.fix
	count(deny) == 0 with input as object.union(item, {"SupplementaryConfiguration": {"AccessControlList": {"grantList": [{"grantee": "LogDelivery", "permission": "Write"}]}}})
}
