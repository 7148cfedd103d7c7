# METADATA
# title: EFS file systems must be encrypted
# description: >-
#   An unencrypted EFS file system stores its data, and its backups, in the
#   clear. Flags file systems whose encrypted / Encrypted setting is false, or
#   left out (the API and CloudFormation default to unencrypted).
# custom:
#   id: AWS-EFS-001
#   severity: medium
#   kinds: [aws_efs_file_system, "AWS::EFS::FileSystem"]
#   frameworks:
#     cis-aws: ["2.4.1"]
#   remediation: >-
#     Set encrypted = true (Encrypted: true), optionally with a KMS key. An
#     existing file system cannot be encrypted: create an encrypted one and copy
#     the data over (AWS DataSync or a backup restore).
package assay.aws.efs.encrypted

import rego.v1

import data.assay.lib.aws

setting := {"terraform": ["encrypted"], "cloudformation": ["Encrypted"], "live": ["Encrypted"]}

deny contains aws.finding(msg, f.path, null) if {
	f := aws.flag(setting)
	f.value == false
	msg := sprintf("%s: EFS file system is not encrypted (%s is false)", [aws.label, f.field])
}

deny contains aws.finding(msg, f.path, null) if {
	aws.format != "live"
	f := aws.unset(setting)
	msg := sprintf("%s: EFS file system is not encrypted (%s is not set, and defaults to false)", [aws.label, f.field])
}
