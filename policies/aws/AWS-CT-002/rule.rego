# METADATA
# title: CloudTrail logs must be encrypted with a KMS key
# description: >-
#   With SSE-KMS, reading CloudTrail logs needs decrypt permission on a
#   customer managed key as well as read access to the bucket, and key use is
#   itself logged. Flags trails without kms_key_id / KMSKeyId, and live trails
#   without KmsKeyId.
# custom:
#   id: AWS-CT-002
#   severity: medium
#   kinds: [aws_cloudtrail, "AWS::CloudTrail::Trail"]
#   frameworks:
#     cis-aws: ["3.5"]
#   remediation: >-
#     Create a customer managed KMS key whose policy lets CloudTrail encrypt
#     and your log readers decrypt, and set kms_key_id (KMSKeyId) on the trail
#     to its ARN.
package assay.aws.cloudtrail.kms_encryption

import rego.v1

import data.assay.lib.aws

key := {"terraform": ["kms_key_id"], "cloudformation": ["KMSKeyId"], "live": ["KmsKeyId"]}

deny contains aws.finding(msg, p, null) if {
	rel := key[aws.format]
	not aws.unknown(rel)
	aws.get(rel) in {null, ""}
	p := aws.locate(rel)
	msg := sprintf("%s does not encrypt its logs with a KMS key (%s is not set)", [aws.label, aws.field(rel)])
}
