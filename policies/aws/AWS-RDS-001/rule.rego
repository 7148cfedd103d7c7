# METADATA
# title: RDS instances must not be publicly accessible
# description: >-
#   A publicly accessible DB instance gets a public DNS name and address, so
#   its security groups are all that stands between the database and the
#   internet. Flags DB instances (including Aurora cluster instances) with
#   publicly_accessible / PubliclyAccessible set to true.
# custom:
#   id: AWS-RDS-001
#   severity: high
#   kinds: [aws_db_instance, aws_rds_cluster_instance, "AWS::RDS::DBInstance"]
#   frameworks:
#     cis-aws: ["2.3.3"]
#   remediation: >-
#     Set publicly_accessible = false (PubliclyAccessible: false), place the
#     instance in private subnets, and reach it through a VPN, bastion or
#     RDS Proxy.
package assay.aws.rds.public

import rego.v1

import data.assay.lib.aws

setting := {"terraform": ["publicly_accessible"], "cloudformation": ["PubliclyAccessible"], "live": ["PubliclyAccessible"], "config": ["publiclyAccessible"]}

deny contains aws.finding(msg, f.path, fix(f)) if {
	f := aws.flag(setting)
	f.value == true
	msg := sprintf("%s is publicly accessible (%s is true)", [aws.label, f.field])
}

fix(f) := [{"op": "replace", "path": f.path, "value": false}] if aws.format == "cloudformation"

# Applied immediately, whatever ApplyImmediately says.
fix(_) := {"action": "rds:ModifyDBInstance", "params": {"DBInstanceIdentifier": aws.db_instance_identifier, "PubliclyAccessible": false}} if aws.live

fix(_) := null if aws.format == "terraform"
