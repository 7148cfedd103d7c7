# METADATA
# title: AWS Config must record all resource types in every region
# description: >-
#   Gaps in AWS Config recording leave gaps in configuration history and
#   change-driven checks. Live: each region needs a recorder of all supported
#   types that is recording, last status SUCCESS. Plans and templates:
#   recorders must not turn AllSupported off, nor recorder status disable it.
# custom:
#   id: AWS-CFG-001
#   severity: medium
#   kinds: [aws_config_configuration_recorder, aws_config_configuration_recorder_status, "AWS::Config::ConfigurationRecorder", "AWS::Config::ConfigurationRecorders"]
#   frameworks:
#     cis-aws: ["3.3"]
#   remediation: >-
#     In every region in use, create a configuration recorder that records all
#     supported resource types (and global IAM types in one region), a
#     delivery channel, and start it (aws configservice
#     start-configuration-recorder).
package assay.aws.config.recording

import rego.v1

import data.assay.lib.aws

all_supported := {
	"terraform": ["recording_group", 0, "all_supported"],
	"cloudformation": ["RecordingGroup", "AllSupported"],
}

deny contains aws.finding(msg, f.path, null) if {
	aws.type in {"aws_config_configuration_recorder", "AWS::Config::ConfigurationRecorder"}
	f := aws.flag(all_supported)
	f.value == false
	msg := sprintf("%s does not record all supported resource types (%s is false)", [aws.label, f.field])
}

deny contains aws.finding(msg, f.path, null) if {
	aws.type == "aws_config_configuration_recorder_status"
	f := aws.flag({"terraform": ["is_enabled"]})
	f.value == false
	msg := sprintf("%s stops the AWS Config recorder (%s is false)", [aws.label, f.field])
}

# Live: one pseudo-resource per region with all its recorders.
deny contains aws.finding(msg, ["ConfigurationRecorders"], null) if {
	aws.format == "live"
	aws.type == "AWS::Config::ConfigurationRecorders"
	count(aws.array_at(["ConfigurationRecorders"])) == 0
	msg := sprintf("%s has no AWS Config recorder", [aws.label])
}

deny contains aws.finding(msg, ["ConfigurationRecorders"], null) if {
	aws.format == "live"
	aws.type == "AWS::Config::ConfigurationRecorders"
	recorders := aws.array_at(["ConfigurationRecorders"])
	count(recorders) > 0
	not any_complete(recorders)
	msg := sprintf("%s has no AWS Config recorder that records all supported resource types and is recording successfully (%s)", [aws.label, concat("; ", [describe(r) | some r in recorders])])
}

any_complete(recorders) if {
	some r in recorders
	complete(r)
}

complete(r) if {
	r.RecordingGroup.AllSupported == true
	r.Status.Recording == true
	r.Status.LastStatus == "SUCCESS"
}

describe(r) := sprintf("%v: AllSupported %v, Recording %v, LastStatus %v", [
	object.get(r, "Name", "?"),
	object.get(obj(object.get(r, "RecordingGroup", null)), "AllSupported", null),
	object.get(obj(object.get(r, "Status", null)), "Recording", null),
	object.get(obj(object.get(r, "Status", null)), "LastStatus", null),
])

obj(v) := v if is_object(v)

obj(v) := {} if not is_object(v)
