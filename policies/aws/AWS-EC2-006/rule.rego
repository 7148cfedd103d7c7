# METADATA
# title: EBS encryption by default must be enabled
# description: >-
#   With EBS encryption by default on, every new volume and snapshot copy in
#   the region is encrypted, whatever the template or console says. Flags
#   aws_ebs_encryption_by_default with enabled = false and, live, regions
#   where GetEbsEncryptionByDefault returns false (it is a per-region setting).
# custom:
#   id: AWS-EC2-006
#   severity: medium
#   kinds: [aws_ebs_encryption_by_default, "AWS::EC2::EBSEncryptionByDefault"]
#   frameworks:
#     cis-aws: ["2.2.1"]
#   remediation: >-
#     Set enabled = true on aws_ebs_encryption_by_default (or remove the
#     attribute, it defaults to true), or run aws ec2 enable-ebs-encryption-by-default
#     in every region in use.
package assay.aws.ec2.ebs_encryption_by_default

import rego.v1

import data.assay.lib.aws

setting := {"terraform": ["enabled"], "live": ["EbsEncryptionByDefault"]}

deny contains aws.finding(msg, f.path, fix) if {
	f := aws.flag(setting)
	f.value == false
	msg := sprintf("%s: EBS encryption by default is disabled (%s is false)", [aws.label, f.field])
	fix := live_fix
}

live_fix := {"action": "ec2:EnableEbsEncryptionByDefault"} if aws.format == "live"

live_fix := null if aws.format != "live"
