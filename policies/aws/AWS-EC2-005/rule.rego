# METADATA
# title: EBS volumes must be encrypted
# description: >-
#   Unencrypted EBS volumes and their snapshots expose data to whoever gets
#   at the storage. Flags volumes and instance / launch template block devices
#   with encryption false, and CloudFormation volumes that leave Encrypted out
#   without a source snapshot (mappings that leave it out follow the AMI).
# custom:
#   id: AWS-EC2-005
#   severity: medium
#   kinds: [aws_ebs_volume, aws_instance, aws_launch_template, aws_launch_configuration, "AWS::EC2::Volume", "AWS::EC2::Instance", "AWS::EC2::LaunchTemplate", "AWS::AutoScaling::LaunchConfiguration"]
#   remediation: >-
#     Set encrypted = true (Terraform) or Encrypted: true (CloudFormation),
#     optionally with a KMS key; this replaces the volume, so move existing data
#     through an encrypted snapshot copy. Enable EBS encryption by default too.
package assay.aws.ec2.ebs_encrypted

import rego.v1

import data.assay.lib.aws

deny contains result if {
	some v in aws.ebs_volumes
	v.encrypted == false
	v.set
	msg := sprintf("%s: EBS volume is not encrypted (%s is false)", [aws.label, v.field])
	result := aws.finding(msg, v.path, null)
}

deny contains result if {
	some v in aws.ebs_volumes
	v.encrypted == false
	not v.set
	msg := sprintf("%s: EBS volume is not encrypted (%s is not set, so only EBS encryption by default would encrypt it)", [aws.label, v.field])
	result := aws.finding(msg, v.path, null)
}
