# METADATA
# title: CloudTrail trails must validate log files
# description: >-
#   Log file validation writes signed digest files, so tampering with or
#   deleting delivered CloudTrail logs can be detected. Flags trails whose
#   enable_log_file_validation / EnableLogFileValidation is false or left out
#   (it defaults to false), and live trails with LogFileValidationEnabled false.
# custom:
#   id: AWS-CT-001
#   severity: medium
#   kinds: [aws_cloudtrail, "AWS::CloudTrail::Trail"]
#   frameworks:
#     cis-aws: ["3.2"]
#   remediation: >-
#     Set enable_log_file_validation = true (EnableLogFileValidation: true), or
#     run aws cloudtrail update-trail --name <trail> --enable-log-file-validation.
package assay.aws.cloudtrail.log_file_validation

import rego.v1

import data.assay.lib.aws

setting := {"terraform": ["enable_log_file_validation"], "cloudformation": ["EnableLogFileValidation"], "live": ["LogFileValidationEnabled"]}

deny contains aws.finding(msg, f.path, fix) if {
	f := aws.flag(setting)
	f.value == false
	msg := sprintf("%s does not validate its log files (%s is false)", [aws.label, f.field])
	fix := fix_for(f.path)
}

deny contains aws.finding(msg, f.path, fix) if {
	f := aws.unset(setting)
	aws.format != "live"
	msg := sprintf("%s does not validate its log files (%s is not set, and defaults to false)", [aws.label, f.field])
	fix := fix_for(aws.path(setting.cloudformation))
}

fix_for(p) := [{"op": "ensure", "path": p, "value": true}] if aws.format == "cloudformation"

fix_for(_) := {"action": "cloudtrail:UpdateTrail", "params": {"Name": input.TrailARN, "EnableLogFileValidation": true}} if aws.format == "live"

fix_for(_) := null if aws.format == "terraform"
