# METADATA
# title: The IAM password policy must prevent reusing the last 24 passwords
# description: >-
#   Remembering previous passwords stops users cycling back to a password that
#   may already be compromised. Checks the account password policy's
#   password_reuse_prevention (PasswordReusePrevention): unset allows reuse,
#   and CIS asks for 24, the most IAM remembers.
# custom:
#   id: AWS-IAM-002
#   severity: medium
#   kinds: [aws_iam_account_password_policy, "AWS::IAM::AccountPasswordPolicy"]
#   frameworks:
#     cis-aws: ["1.9"]
#   remediation: >-
#     Set password_reuse_prevention = 24 (or run aws iam
#     update-account-password-policy --password-reuse-prevention 24 with the
#     other settings you keep).
package assay.aws.iam.password_reuse

import rego.v1

import data.assay.lib.aws

remembered := 24

key := {"terraform": ["password_reuse_prevention"], "live": ["PasswordReusePrevention"]}

deny contains aws.finding(msg, aws.path(rel), fix_for) if {
	rel := key[aws.format]
	not aws.unknown(rel)
	n := aws.to_int(aws.get(rel))
	n < remembered
	msg := sprintf("%s lets users reuse passwords older than the last %d (%s is %d, must be %d)", [aws.label, n, aws.field(rel), n, remembered])
}

deny contains aws.finding(msg, aws.locate(rel), fix_for) if {
	rel := key[aws.format]
	aws.absent(rel)
	msg := sprintf("%s lets users reuse passwords (%s is not set, must be %d)", [aws.label, aws.field(rel), remembered])
}

fix_for := aws.password_policy_fix("PasswordReusePrevention", remembered) if aws.format == "live"

fix_for := null if aws.format != "live"
