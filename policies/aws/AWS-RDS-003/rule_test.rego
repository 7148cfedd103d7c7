package assay.aws.rds.auto_minor_version_upgrade

import rego.v1

tf(type, after, after_unknown) := {
	"address": sprintf("%s.main", [type]), "mode": "managed", "type": type, "name": "main",
	"change": {"actions": ["create"], "before": null, "after": after, "after_unknown": after_unknown},
}

test_terraform_disabled if {
	fs := deny with input as tf("aws_db_instance", {"engine": "postgres", "auto_minor_version_upgrade": false}, {})
	count(fs) == 1
	some f in fs
	f.msg == "aws_db_instance.main does not apply minor engine upgrades automatically (auto_minor_version_upgrade is false)"
	f.path == ["change", "after", "auto_minor_version_upgrade"]
	not f.fix
	count(deny) == 1 with input as tf("aws_rds_cluster_instance", {"auto_minor_version_upgrade": false}, {})
}

test_terraform_default_and_unknown if {
	count(deny) == 0 with input as tf("aws_db_instance", {"auto_minor_version_upgrade": true}, {})
	count(deny) == 0 with input as tf("aws_db_instance", {}, {})
	count(deny) == 0 with input as tf("aws_db_instance", {}, {"auto_minor_version_upgrade": true})
}

test_cloudformation if {
	fs := deny with input as {"Type": "AWS::RDS::DBInstance", "Properties": {"Engine": "mysql", "AutoMinorVersionUpgrade": "false"}}
	some f in fs
	f.msg == "AWS::RDS::DBInstance does not apply minor engine upgrades automatically (AutoMinorVersionUpgrade is false)"
	f.fix == [{"op": "replace", "path": ["Properties", "AutoMinorVersionUpgrade"], "value": true}]
	count(deny) == 0 with input as {"Type": "AWS::RDS::DBInstance", "Properties": {"Engine": "mysql"}}
	count(deny) == 0 with input as {"Type": "AWS::RDS::DBInstance", "Properties": {"AutoMinorVersionUpgrade": {"Ref": "Upgrade"}}}
}

test_live if {
	fs := deny with input as {"DBInstanceIdentifier": "orders", "AutoMinorVersionUpgrade": false}
	some f in fs
	f.path == ["AutoMinorVersionUpgrade"]
	f.fix == {"action": "rds:ModifyDBInstance", "params": {"DBInstanceIdentifier": "orders", "AutoMinorVersionUpgrade": true}}
	count(deny) == 0 with input as {"DBInstanceIdentifier": "orders", "AutoMinorVersionUpgrade": true}
}

test_aws_config_item if {
	fs := deny with input as {"ResourceType": "AWS::RDS::DBInstance", "ResourceId": "db-ABCDEFGHIJ", "ResourceName": "orders", "Configuration": {"autoMinorVersionUpgrade": false}}
	some f in fs
	f.path == ["Configuration", "autoMinorVersionUpgrade"]
	f.fix == {"action": "rds:ModifyDBInstance", "params": {"DBInstanceIdentifier": "orders", "AutoMinorVersionUpgrade": true}}
}
