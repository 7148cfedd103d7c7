# METADATA
# title: Customer managed KMS keys must rotate automatically
# description: >-
#   Automatic rotation gives a key new material every year, limiting what one
#   key version protects. Flags customer managed symmetric encryption keys
#   with AWS-generated material whose rotation is false or left out (default
#   false); other keys cannot rotate automatically and are left out.
# custom:
#   id: AWS-KMS-001
#   severity: medium
#   kinds: [aws_kms_key, "AWS::KMS::Key"]
#   frameworks:
#     cis-aws: ["3.6"]
#   remediation: >-
#     Set enable_key_rotation = true (EnableKeyRotation: true), or run
#     aws kms enable-key-rotation --key-id <key>.
package assay.aws.kms.rotation

import rego.v1

import data.assay.lib.aws

setting := {"terraform": ["enable_key_rotation"], "cloudformation": ["EnableKeyRotation"], "live": ["KeyRotationEnabled"]}

deny contains aws.finding(msg, f.path, fix) if {
	rotatable
	f := aws.flag(setting)
	f.value == false
	msg := sprintf("%s does not rotate its key material automatically (%s is false)", [aws.label, f.field])
	fix := fix_for(f.path)
}

deny contains aws.finding(msg, f.path, fix) if {
	rotatable
	aws.format != "live"
	f := aws.unset(setting)
	msg := sprintf("%s does not rotate its key material automatically (%s is not set, and defaults to false)", [aws.label, f.field])
	fix := fix_for(aws.path(setting.cloudformation))
}

# Symmetric encryption keys (the default spec) with AWS-generated material,
# customer managed, and known to be so.
rotatable if {
	aws.format != "live"
	some key in spec_keys[aws.format]
	spec_ok(key)
	origin_ok
}

rotatable if {
	aws.format == "live"
	input.KeyManager == "CUSTOMER"
	object.get(input, "KeySpec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
	object.get(input, "Origin", "AWS_KMS") == "AWS_KMS"
	object.get(input, "KeyState", "Enabled") == "Enabled"
}

spec_keys := {
	"terraform": ["customer_master_key_spec"],
	"cloudformation": ["KeySpec"],
}

spec_ok(key) if {
	not aws.unknown([key])
	aws.get([key]) in {null, "SYMMETRIC_DEFAULT"}
}

origin_ok if {
	aws.format == "terraform"
	not aws.unknown(["custom_key_store_id"])
	aws.get(["custom_key_store_id"]) in {null, ""}
}

origin_ok if {
	aws.format == "cloudformation"
	not aws.unknown(["Origin"])
	aws.get(["Origin"]) in {null, "AWS_KMS"}
}

fix_for(p) := [{"op": "ensure", "path": p, "value": true}] if aws.format == "cloudformation"

fix_for(_) := {"action": "kms:EnableKeyRotation", "params": {"KeyId": input.KeyId}} if aws.format == "live"

fix_for(_) := null if aws.format == "terraform"
