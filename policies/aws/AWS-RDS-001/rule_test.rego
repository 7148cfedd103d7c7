package assay.aws.rds.public

import rego.v1

tf(type, after, after_unknown) := {
	"address": sprintf("%s.main", [type]), "mode": "managed", "type": type, "name": "main",
	"change": {"actions": ["create"], "before": null, "after": after, "after_unknown": after_unknown},
}

test_terraform_public if {
	fs := deny with input as tf("aws_db_instance", {"engine": "postgres", "publicly_accessible": true}, {})
	count(fs) == 1
	some f in fs
	f.msg == "aws_db_instance.main is publicly accessible (publicly_accessible is true)"
	f.path == ["change", "after", "publicly_accessible"]
	not f.fix
	count(deny) == 1 with input as tf("aws_rds_cluster_instance", {"engine": "aurora-postgresql", "publicly_accessible": true}, {})
}

test_terraform_private_and_unknown if {
	count(deny) == 0 with input as tf("aws_db_instance", {"publicly_accessible": false}, {})
	count(deny) == 0 with input as tf("aws_db_instance", {"engine": "mysql"}, {"publicly_accessible": true})
}

test_cloudformation_public if {
	fs := deny with input as {"Type": "AWS::RDS::DBInstance", "Properties": {"Engine": "mysql", "PubliclyAccessible": "true"}}
	some f in fs
	f.msg == "AWS::RDS::DBInstance is publicly accessible (PubliclyAccessible is true)"
	f.path == ["Properties", "PubliclyAccessible"]
	f.fix == [{"op": "replace", "path": ["Properties", "PubliclyAccessible"], "value": false}]
}

test_cloudformation_unset_or_unknown if {
	# unset: the default depends on the subnet group, so nothing to judge
	count(deny) == 0 with input as {"Type": "AWS::RDS::DBInstance", "Properties": {"Engine": "mysql"}}
	count(deny) == 0 with input as {"Type": "AWS::RDS::DBInstance", "Properties": {"PubliclyAccessible": {"Ref": "Public"}}}
	count(deny) == 0 with input as {"Type": "AWS::RDS::DBInstance", "Properties": {"PubliclyAccessible": false}}
}

test_live_public if {
	fs := deny with input as {"DBInstanceIdentifier": "orders", "Engine": "postgres", "PubliclyAccessible": true}
	some f in fs
	f.msg == "orders is publicly accessible (PubliclyAccessible is true)"
	f.fix == {"action": "rds:ModifyDBInstance", "params": {"DBInstanceIdentifier": "orders", "PubliclyAccessible": false}}
	count(deny) == 0 with input as {"DBInstanceIdentifier": "orders", "PubliclyAccessible": false}
}

test_aws_config_item if {
	item := {"ResourceType": "AWS::RDS::DBInstance", "ResourceId": "db-ABCDEFGHIJ", "ResourceName": "orders",
		"Configuration": {"dBInstanceIdentifier": "orders", "engine": "postgres", "publiclyAccessible": true}}
	fs := deny with input as item
	some f in fs
	f.msg == "orders is publicly accessible (publiclyAccessible is true)"
	f.path == ["Configuration", "publiclyAccessible"]
	f.fix == {"action": "rds:ModifyDBInstance", "params": {"DBInstanceIdentifier": "orders", "PubliclyAccessible": false}}
	count(deny) == 0 with input as object.union(item, {"Configuration": {"publiclyAccessible": false}})
}
