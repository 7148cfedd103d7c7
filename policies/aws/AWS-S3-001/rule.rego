# METADATA
# title: S3 buckets must block public access
# description: >-
#   Block Public Access stops ACLs and bucket policies from making a bucket
#   or its objects public by mistake. Flags each of BlockPublicAcls,
#   IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets that is off
#   (false, or missing from a configuration that exists), bucket or account.
# custom:
#   id: AWS-S3-001
#   severity: high
#   kinds: [aws_s3_bucket_public_access_block, aws_s3_account_public_access_block, "AWS::S3::Bucket"]
#   frameworks:
#     cis-aws: ["2.1.4"]
#   remediation: >-
#     Set all four settings to true (block_public_acls, block_public_policy,
#     ignore_public_acls, restrict_public_buckets, or the PublicAccessBlockConfiguration
#     keys). Serve public content through CloudFront with origin access control instead.
package assay.aws.s3.block_public_access

import rego.v1

import data.assay.lib.aws

deny contains aws.finding(msg, s.path, fix(s)) if {
	some s in aws.public_access_block
	not s.enabled
	s.set
	msg := sprintf("%s: Block Public Access setting %s is off (%s is false)", [aws.label, s.setting, s.field])
}

deny contains aws.finding(msg, s.path, fix(s)) if {
	some s in aws.public_access_block
	not s.enabled
	not s.set
	msg := sprintf("%s: Block Public Access setting %s is off (%s is not set)", [aws.label, s.setting, s.field])
}

fix(s) := [{"op": "ensure", "path": s.target, "value": true}] if aws.format == "cloudformation"

# PutPublicAccessBlock replaces the whole configuration: turn all four on,
# so fixes for several settings of one bucket agree.
fix(_) := {"action": "s3:PutPublicAccessBlock", "params": {"Bucket": bucket, "PublicAccessBlockConfiguration": {
	"BlockPublicAcls": true,
	"IgnorePublicAcls": true,
	"BlockPublicPolicy": true,
	"RestrictPublicBuckets": true,
}}} if aws.live

fix(_) := null if aws.format == "terraform"

bucket := input.Name if aws.format == "live"

bucket := input.ResourceName if aws.format == "config"
