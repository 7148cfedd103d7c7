package assay.aws.kms.rotation

import rego.v1

tf(after, after_unknown) := {
	"address": "aws_kms_key.app", "mode": "managed", "type": "aws_kms_key", "name": "app",
	"change": {"actions": ["create"], "before": null, "after": after, "after_unknown": after_unknown},
}

test_terraform if {
	fs := deny with input as tf({"customer_master_key_spec": "SYMMETRIC_DEFAULT", "enable_key_rotation": false}, {})
	count(fs) == 1
	some f in fs
	f.msg == "aws_kms_key.app does not rotate its key material automatically (enable_key_rotation is false)"
	f.path == ["change", "after", "enable_key_rotation"]
	not f.fix
	count(deny) == 1 with input as tf({"enable_key_rotation": null}, {})
}

test_terraform_not_rotatable_unknown_and_compliant if {
	count(deny) == 0 with input as tf({"customer_master_key_spec": "RSA_2048", "key_usage": "SIGN_VERIFY", "enable_key_rotation": false}, {})
	count(deny) == 0 with input as tf({"customer_master_key_spec": "HMAC_256", "enable_key_rotation": false}, {})
	count(deny) == 0 with input as tf({"enable_key_rotation": false}, {"custom_key_store_id": true})
	count(deny) == 0 with input as tf({"enable_key_rotation": false, "custom_key_store_id": "cks-1"}, {})
	count(deny) == 0 with input as tf({"enable_key_rotation": true}, {})
	count(deny) == 0 with input as tf({}, {"enable_key_rotation": true})
}

test_cloudformation if {
	fs := deny with input as {"Type": "AWS::KMS::Key", "Properties": {"Description": "app data"}}
	some f in fs
	f.msg == "AWS::KMS::Key does not rotate its key material automatically (EnableKeyRotation is not set, and defaults to false)"
	f.path == ["Properties"]
	f.fix == [{"op": "ensure", "path": ["Properties", "EnableKeyRotation"], "value": true}]
	count(deny) == 1 with input as {"Type": "AWS::KMS::Key", "Properties": {"KeySpec": "SYMMETRIC_DEFAULT", "EnableKeyRotation": false}}
	count(deny) == 0 with input as {"Type": "AWS::KMS::Key", "Properties": {"KeySpec": "ECC_NIST_P256", "KeyUsage": "SIGN_VERIFY"}}
	count(deny) == 0 with input as {"Type": "AWS::KMS::Key", "Properties": {"Origin": "EXTERNAL"}}
	count(deny) == 0 with input as {"Type": "AWS::KMS::Key", "Properties": {"KeySpec": {"Ref": "Spec"}}}
	count(deny) == 0 with input as {"Type": "AWS::KMS::Key", "Properties": {"EnableKeyRotation": true}}
}

test_live if {
	key := {"KeyId": "1234abcd-12ab-34cd-56ef-1234567890ab", "KeyManager": "CUSTOMER", "KeySpec": "SYMMETRIC_DEFAULT", "Origin": "AWS_KMS", "KeyState": "Enabled", "KeyRotationEnabled": false}
	fs := deny with input as key
	some f in fs
	f.msg == "1234abcd-12ab-34cd-56ef-1234567890ab does not rotate its key material automatically (KeyRotationEnabled is false)"
	f.fix == {"action": "kms:EnableKeyRotation", "params": {"KeyId": "1234abcd-12ab-34cd-56ef-1234567890ab"}}
	count(deny) == 0 with input as object.union(key, {"KeyManager": "AWS"})
	count(deny) == 0 with input as object.union(key, {"KeyState": "PendingDeletion"})
	count(deny) == 0 with input as object.union(key, {"KeyRotationEnabled": true})
	count(deny) == 0 with input as object.remove(key, ["KeyRotationEnabled"])
}
