# METADATA
# title: RDS storage must be encrypted
# description: >-
#   Unencrypted RDS storage leaves data, backups, replicas and snapshots
#   readable to whoever gets at them. Flags DB instances and clusters whose
#   storage encryption is false or left out (default false), except restores,
#   replicas, Aurora instances and Serverless v1 clusters, which inherit it.
# custom:
#   id: AWS-RDS-002
#   severity: medium
#   kinds: [aws_db_instance, aws_rds_cluster, "AWS::RDS::DBInstance", "AWS::RDS::DBCluster"]
#   frameworks:
#     cis-aws: ["2.3.1"]
#   remediation: >-
#     Set storage_encrypted = true (StorageEncrypted: true), optionally with a
#     KMS key. An existing database cannot be encrypted in place: restore an
#     encrypted copy of a snapshot and switch over to it.
package assay.aws.rds.storage_encrypted

import rego.v1

import data.assay.lib.aws

setting := {"terraform": ["storage_encrypted"], "cloudformation": ["StorageEncrypted"], "live": ["StorageEncrypted"], "config": ["storageEncrypted"]}

deny contains aws.finding(msg, f.path, null) if {
	f := aws.flag(setting)
	f.value == false
	not inherits_encryption
	msg := sprintf("%s: storage is not encrypted (%s is false)", [aws.label, f.field])
}

deny contains aws.finding(msg, f.path, null) if {
	not aws.live
	f := aws.unset(setting)
	not inherits_encryption
	msg := sprintf("%s: storage is not encrypted (%s is not set, and defaults to false)", [aws.label, f.field])
}

# Where a template's encryption comes from elsewhere: a snapshot or
# replication source, the Aurora cluster of an instance, Serverless v1 (always
# encrypted). A live resource's StorageEncrypted is the outcome itself.
source_keys := {
	"aws_db_instance": ["replicate_source_db", "snapshot_identifier", "restore_to_point_in_time", "s3_import"],
	"aws_rds_cluster": ["snapshot_identifier", "replication_source_identifier", "global_cluster_identifier", "restore_to_point_in_time", "s3_import"],
	"AWS::RDS::DBInstance": ["SourceDBInstanceIdentifier", "DBSnapshotIdentifier", "DBClusterSnapshotIdentifier", "SourceDBInstanceAutomatedBackupsArn", "SourceDbiResourceId", "DBClusterIdentifier"],
	"AWS::RDS::DBCluster": ["SnapshotIdentifier", "SourceDBClusterIdentifier", "ReplicationSourceIdentifier", "GlobalClusterIdentifier"],
}

inherits_encryption if {
	not aws.live
	some key in object.get(source_keys, aws.type, [])
	not empty(aws.get([key]))
}

inherits_encryption if {
	not aws.live
	some key in object.get(source_keys, aws.type, [])
	aws.unknown([key])
}

inherits_encryption if {
	not aws.live
	some key in ["engine", "Engine"]
	engine := aws.get([key])
	is_string(engine)
	startswith(engine, "aurora")
	aws.type in {"aws_db_instance", "AWS::RDS::DBInstance"}
}

inherits_encryption if {
	not aws.live
	some key in ["engine_mode", "EngineMode"]
	aws.get([key]) == "serverless"
}

empty(v) if v == null

empty(v) if v == ""

empty(v) if v == []
