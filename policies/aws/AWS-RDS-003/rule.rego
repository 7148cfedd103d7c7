# METADATA
# title: RDS instances must apply minor engine upgrades automatically
# description: >-
#   Minor engine versions carry security fixes; with automatic minor version
#   upgrades off they wait for someone to apply them. Flags DB instances
#   (including Aurora cluster instances) with auto_minor_version_upgrade /
#   AutoMinorVersionUpgrade set to false; it defaults to true.
# custom:
#   id: AWS-RDS-003
#   severity: low
#   kinds: [aws_db_instance, aws_rds_cluster_instance, "AWS::RDS::DBInstance"]
#   frameworks:
#     cis-aws: ["2.3.2"]
#   remediation: >-
#     Set auto_minor_version_upgrade = true (AutoMinorVersionUpgrade: true) and
#     pick a maintenance window that suits the workload.
package assay.aws.rds.auto_minor_version_upgrade

import rego.v1

import data.assay.lib.aws

setting := {"terraform": ["auto_minor_version_upgrade"], "cloudformation": ["AutoMinorVersionUpgrade"], "live": ["AutoMinorVersionUpgrade"], "config": ["autoMinorVersionUpgrade"]}

deny contains aws.finding(msg, f.path, fix(f)) if {
	f := aws.flag(setting)
	f.value == false
	msg := sprintf("%s does not apply minor engine upgrades automatically (%s is false)", [aws.label, f.field])
}

fix(f) := [{"op": "replace", "path": f.path, "value": true}] if aws.format == "cloudformation"

fix(_) := {"action": "rds:ModifyDBInstance", "params": {"DBInstanceIdentifier": aws.db_instance_identifier, "AutoMinorVersionUpgrade": true}} if aws.live

fix(_) := null if aws.format == "terraform"
