# METADATA
# title: EC2 instances and launch templates must require IMDSv2
# description: >-
#   IMDSv1 answers unauthenticated requests, so an SSRF on the instance can
#   read its role credentials; IMDSv2 needs a session token. Checks that
#   http_tokens / HttpTokens is "required" (unset is EC2's default "optional");
#   a disabled metadata endpoint passes, unknown values are skipped.
# custom:
#   id: AWS-EC2-004
#   severity: high
#   kinds: [aws_instance, aws_launch_template, aws_launch_configuration, "AWS::EC2::Instance", "AWS::EC2::LaunchTemplate", "AWS::AutoScaling::LaunchConfiguration"]
#   frameworks:
#     cis-aws: ["5.6"]
#   remediation: >-
#     Set metadata_options { http_tokens = "required" } (Terraform),
#     MetadataOptions: {HttpTokens: required} (CloudFormation), or run
#     aws ec2 modify-instance-metadata-options --http-tokens required on running
#     instances, after checking the software on them uses IMDSv2.
package assay.aws.ec2.imdsv2

import rego.v1

import data.assay.lib.aws

deny contains aws.finding(msg, item.path, fix(item)) if {
	some item in aws.imds
	item.tokens != "required"
	item.set
	msg := sprintf("%s allows IMDSv1: %s is %q, must be \"required\"", [aws.label, item.field, item.tokens])
}

deny contains aws.finding(msg, item.path, fix(item)) if {
	some item in aws.imds
	not item.set
	msg := sprintf("%s allows IMDSv1: %s is not set (EC2 defaults to \"optional\" unless the AMI or account default requires IMDSv2), must be \"required\"", [aws.label, item.field])
}

# CloudFormation: set the property. Live instances: the EC2 call. Terraform
# plans cannot be patched; live launch templates need a new version.
fix(item) := [{"op": "ensure", "path": item.fix_path, "value": "required"}] if item.fix_path != null

fix(item) := {"action": "ec2:ModifyInstanceMetadataOptions", "params": {"InstanceId": input.InstanceId, "HttpTokens": "required"}} if {
	aws.format == "live"
	aws.type == "AWS::EC2::Instance"
}

fix(item) := null if {
	item.fix_path == null
	not live_instance
}

live_instance if {
	aws.format == "live"
	aws.type == "AWS::EC2::Instance"
}
