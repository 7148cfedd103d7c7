# METADATA
# title: S3 bucket ACLs must not grant access to everyone
# description: >-
#   A grant to AllUsers makes a bucket readable (or writable) by anyone; to
#   AuthenticatedUsers, by any AWS account. Flags the canned ACLs public-read,
#   public-read-write, authenticated-read (PublicRead, PublicReadWrite,
#   AuthenticatedRead) and explicit grants to either group.
# custom:
#   id: AWS-S3-002
#   severity: high
#   kinds: [aws_s3_bucket_acl, aws_s3_bucket, "AWS::S3::Bucket"]
#   remediation: >-
#     Use the private ACL (or disable ACLs with ObjectOwnership:
#     BucketOwnerEnforced) and grant access through bucket policies to specific
#     principals; serve public content through CloudFront.
package assay.aws.s3.public_acl

import rego.v1

import data.assay.lib.aws

deny contains aws.finding(msg, g.path, fix(g)) if {
	some g in aws.public_grants
	msg := sprintf("%s grants %s access to %s: %s is %q", [aws.label, g.access, g.grantee, g.field, g.value])
}

# CloudFormation: the private canned ACL instead of a public one.
fix(g) := [{"op": "replace", "path": g.path, "value": "Private"}] if {
	aws.format == "cloudformation"
	g.field == "AccessControl"
}

fix(g) := null if {
	not cloudformation_canned(g)
}

cloudformation_canned(g) if {
	aws.format == "cloudformation"
	g.field == "AccessControl"
}
