# METADATA
# title: The default security group of every VPC must allow no traffic
# description: >-
#   Instances launched without a security group land in the VPC's default
#   group, which out of the box lets its members talk to each other and reach
#   anywhere. Flags every ingress and egress rule of aws_default_security_group
#   resources and of live security groups named "default".
# custom:
#   id: AWS-EC2-007
#   severity: medium
#   kinds: [aws_default_security_group, "AWS::EC2::SecurityGroup"]
#   frameworks:
#     cis-aws: ["5.4"]
#   remediation: >-
#     Remove every ingress and egress rule from the default security group
#     (an aws_default_security_group without ingress/egress blocks does that),
#     and give workloads least-privilege security groups of their own.
package assay.aws.ec2.default_security_group

import rego.v1

import data.assay.lib.aws

directions := {
	"terraform": {"ingress": "ingress", "egress": "egress"},
	"live": {"IpPermissions": "ingress", "IpPermissionsEgress": "egress"},
}

deny contains aws.finding(msg, aws.path([key, i]), fix(direction, rule)) if {
	default_group
	some key, direction in directions[aws.format]
	not aws.unknown([key])
	some i, rule in aws.array_at([key])
	msg := sprintf("%s is a VPC's default security group and must allow no traffic, but has the %s rule %s", [aws.label, direction, aws.field([key, i])])
}

default_group if aws.type == "aws_default_security_group"

default_group if {
	aws.format == "live"
	input.GroupName == "default"
}

# Revoke exactly that rule, as EC2 matches it (no descriptions, no nulls).
fix(direction, rule) := {
	"action": sprintf("ec2:RevokeSecurityGroup%s", [{"ingress": "Ingress", "egress": "Egress"}[direction]]),
	"params": {"GroupId": input.GroupId, "IpPermissions": [revocable(rule)]},
} if aws.format == "live"

fix(_, _) := null if aws.format != "live"

revocable(rule) := object.union(
	{k: v | some k, v in rule; k in {"IpProtocol", "FromPort", "ToPort"}; v != null},
	{list: items |
		some list, keys in revocable_lists
		items := [{k: v | some k, v in r; k in keys; v != null} | some r in aws.as_list(object.get(rule, list, []))]
		count(items) > 0
	},
)

revocable_lists := {
	"IpRanges": {"CidrIp"},
	"Ipv6Ranges": {"CidrIpv6"},
	"PrefixListIds": {"PrefixListId"},
	"UserIdGroupPairs": {"GroupId", "UserId"},
}
