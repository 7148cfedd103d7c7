package assay.aws.rds.storage_encrypted

import rego.v1

tf(type, after, after_unknown) := {
	"address": sprintf("%s.main", [type]), "mode": "managed", "type": type, "name": "main",
	"change": {"actions": ["create"], "before": null, "after": after, "after_unknown": after_unknown},
}

# --- Terraform ---

test_terraform_not_encrypted if {
	fs := deny with input as tf("aws_db_instance", {"engine": "postgres", "storage_encrypted": false, "replicate_source_db": null}, {})
	count(fs) == 1
	some f in fs
	f.msg == "aws_db_instance.main: storage is not encrypted (storage_encrypted is false)"
	f.path == ["change", "after", "storage_encrypted"]
	not f.fix
}

test_terraform_unset_defaults_to_false if {
	fs := deny with input as tf("aws_db_instance", {"engine": "mysql", "storage_encrypted": null}, {})
	some f in fs
	f.msg == "aws_db_instance.main: storage is not encrypted (storage_encrypted is not set, and defaults to false)"
	f.path == ["change", "after", "storage_encrypted"]
	count(deny) == 1 with input as tf("aws_rds_cluster", {"engine": "aurora-mysql", "engine_mode": "provisioned", "storage_encrypted": false}, {})
}

test_terraform_inherited_unknown_and_compliant if {
	count(deny) == 0 with input as tf("aws_db_instance", {"engine": "postgres", "storage_encrypted": true}, {})
	count(deny) == 0 with input as tf("aws_db_instance", {"engine": "postgres", "storage_encrypted": false, "replicate_source_db": "arn:aws:rds:eu-west-1:111122223333:db:src"}, {})
	count(deny) == 0 with input as tf("aws_db_instance", {"engine": "postgres"}, {"replicate_source_db": true})
	count(deny) == 0 with input as tf("aws_db_instance", {"engine": "postgres"}, {"storage_encrypted": true})
	count(deny) == 0 with input as tf("aws_rds_cluster", {"engine": "aurora-mysql", "engine_mode": "serverless", "storage_encrypted": false}, {})
	count(deny) == 0 with input as tf("aws_rds_cluster", {"engine": "aurora-mysql"}, {"storage_encrypted": true})
}

# --- CloudFormation ---

test_cloudformation_unset_instance if {
	fs := deny with input as {"Type": "AWS::RDS::DBInstance", "Properties": {"Engine": "postgres", "DBInstanceClass": "db.t3.micro"}}
	some f in fs
	f.msg == "AWS::RDS::DBInstance: storage is not encrypted (StorageEncrypted is not set, and defaults to false)"
	f.path == ["Properties"]
}

test_cloudformation_explicit_false_cluster if {
	fs := deny with input as {"Type": "AWS::RDS::DBCluster", "Properties": {"Engine": "aurora-postgresql", "StorageEncrypted": "false"}}
	some f in fs
	f.path == ["Properties", "StorageEncrypted"]
}

test_cloudformation_inherited_unknown_and_compliant if {
	count(deny) == 0 with input as {"Type": "AWS::RDS::DBInstance", "Properties": {"Engine": "aurora-postgresql", "DBClusterIdentifier": {"Ref": "Cluster"}}}
	count(deny) == 0 with input as {"Type": "AWS::RDS::DBInstance", "Properties": {"Engine": "postgres", "SourceDBInstanceIdentifier": "arn:aws:rds:eu-west-1:111122223333:db:src"}}
	count(deny) == 0 with input as {"Type": "AWS::RDS::DBInstance", "Properties": {"Engine": "postgres", "DBSnapshotIdentifier": {"Ref": "Snapshot"}}}
	count(deny) == 0 with input as {"Type": "AWS::RDS::DBInstance", "Properties": {"Engine": "postgres", "StorageEncrypted": {"Ref": "Encrypt"}}}
	count(deny) == 0 with input as {"Type": "AWS::RDS::DBCluster", "Properties": {"Engine": "aurora-mysql", "EngineMode": "serverless"}}
	count(deny) == 0 with input as {"Type": "AWS::RDS::DBCluster", "Properties": {"Engine": "aurora-mysql", "StorageEncrypted": true}}
}

# --- live ---

test_live if {
	fs := deny with input as {"DBInstanceIdentifier": "orders", "Engine": "postgres", "StorageEncrypted": false}
	some f in fs
	f.msg == "orders: storage is not encrypted (StorageEncrypted is false)"
	f.path == ["StorageEncrypted"]
	count(deny) == 1 with input as {"DBClusterIdentifier": "c1", "Engine": "aurora-mysql", "StorageEncrypted": false}
	count(deny) == 0 with input as {"DBInstanceIdentifier": "orders", "StorageEncrypted": true}
	count(deny) == 0 with input as {"DBInstanceIdentifier": "orders"}
}

test_aws_config_item if {
	item := {"ResourceType": "AWS::RDS::DBInstance", "ResourceId": "db-ABCDEFGHIJ", "ResourceName": "orders",
		"Configuration": {"dBInstanceIdentifier": "orders", "storageEncrypted": false, "readReplicaSourceDBInstanceIdentifier": "primary"}}
	fs := deny with input as item
	some f in fs
	f.msg == "orders: storage is not encrypted (storageEncrypted is false)"
	f.path == ["Configuration", "storageEncrypted"]
	count(deny) == 0 with input as object.union(item, {"Configuration": {"storageEncrypted": true}})
	count(deny) == 0 with input as object.union(item, {"Configuration": {"storageEncrypted": null}})
}

test_live_replica_reports_its_own_state if {
	count(deny) == 1 with input as {"DBInstanceIdentifier": "replica", "ReadReplicaSourceDBInstanceIdentifier": "primary", "DBClusterIdentifier": null, "StorageEncrypted": false}
}
