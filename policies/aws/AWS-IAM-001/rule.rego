# METADATA
# title: The IAM password policy must require at least 14 characters
# description: >-
#   Long passwords resist guessing and cracking. Checks the account password
#   policy's minimum length (minimum_password_length, MinimumPasswordLength):
#   below 14, or left out of the Terraform policy (IAM then requires 6), fails.
# custom:
#   id: AWS-IAM-001
#   severity: medium
#   kinds: [aws_iam_account_password_policy, "AWS::IAM::AccountPasswordPolicy"]
#   frameworks:
#     cis-aws: ["1.8"]
#   remediation: >-
#     Set minimum_password_length = 14 or more (or run aws iam
#     update-account-password-policy --minimum-password-length 14 with the
#     other settings you keep).
package assay.aws.iam.password_length

import rego.v1

import data.assay.lib.aws

minimum := 14

key := {"terraform": ["minimum_password_length"], "live": ["MinimumPasswordLength"]}

deny contains aws.finding(msg, aws.path(rel), fix) if {
	rel := key[aws.format]
	not aws.unknown(rel)
	n := aws.to_int(aws.get(rel))
	n < minimum
	msg := sprintf("%s allows passwords shorter than %d characters (%s is %d)", [aws.label, minimum, aws.field(rel), n])
	fix := fix_for
}

deny contains aws.finding(msg, aws.locate(rel), null) if {
	aws.format == "terraform"
	rel := key.terraform
	aws.absent(rel)
	msg := sprintf("%s allows passwords shorter than %d characters (%s is not set, and IAM requires 6)", [aws.label, minimum, aws.field(rel)])
}

fix_for := aws.password_policy_fix("MinimumPasswordLength", minimum) if aws.format == "live"

fix_for := null if aws.format != "live"
