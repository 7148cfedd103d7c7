package assay.aws.ec2.default_security_group

import rego.v1

tf(after, after_unknown) := {
	"address": "aws_default_security_group.default", "mode": "managed", "type": "aws_default_security_group", "name": "default",
	"change": {"actions": ["create"], "before": null, "after": after, "after_unknown": after_unknown},
}

test_terraform_rules_flagged if {
	fs := deny with input as tf({"vpc_id": "vpc-1", "ingress": [{"protocol": "-1", "from_port": 0, "to_port": 0, "self": true, "cidr_blocks": []}], "egress": [{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}]}, {})
	{f.msg | some f in fs} == {
		"aws_default_security_group.default is a VPC's default security group and must allow no traffic, but has the ingress rule ingress[0]",
		"aws_default_security_group.default is a VPC's default security group and must allow no traffic, but has the egress rule egress[0]",
	}
	some f in fs
	f.path == ["change", "after", "ingress", 0]
	not f.fix
}

test_terraform_empty_and_unknown if {
	count(deny) == 0 with input as tf({"vpc_id": "vpc-1", "ingress": [], "egress": []}, {})
	count(deny) == 0 with input as tf({"vpc_id": "vpc-1"}, {"ingress": true, "egress": true})
}

test_cloudformation_groups_are_never_default if {
	count(deny) == 0 with input as {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupName": "default", "SecurityGroupIngress": [{"IpProtocol": "-1", "CidrIp": "0.0.0.0/0"}]}}
}

test_live_default_group if {
	fs := deny with input as {"GroupId": "sg-0def", "GroupName": "default", "VpcId": "vpc-1",
		"IpPermissions": [{"IpProtocol": "-1", "IpRanges": [], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": [{"GroupId": "sg-0def", "UserId": "111122223333", "Description": "self"}]}],
		"IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}],
	}
	count(fs) == 2
	fixes := {f.fix | some f in fs}
	fixes == {
		{"action": "ec2:RevokeSecurityGroupIngress", "params": {"GroupId": "sg-0def", "IpPermissions": [{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": "sg-0def", "UserId": "111122223333"}]}]}},
		{"action": "ec2:RevokeSecurityGroupEgress", "params": {"GroupId": "sg-0def", "IpPermissions": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}},
	}
	some f in fs
	f.msg == "sg-0def is a VPC's default security group and must allow no traffic, but has the ingress rule IpPermissions[0]"
	f.path == ["IpPermissions", 0]
}

test_live_other_groups_and_empty_default if {
	count(deny) == 0 with input as {"GroupId": "sg-0web", "GroupName": "web", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}
	count(deny) == 0 with input as {"GroupId": "sg-0def", "GroupName": "default", "IpPermissions": [], "IpPermissionsEgress": []}
}

test_live_collector_shape_nulls if {
	fs := deny with input as {"GroupId": "sg-0def", "GroupName": "default", "VpcId": "vpc-1",
		"IpPermissions": [{"IpProtocol": "-1", "FromPort": null, "ToPort": null, "IpRanges": [], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": [{"GroupId": "sg-0def", "UserId": null}]}],
		"IpPermissionsEgress": [],
	}
	some f in fs
	f.fix == {"action": "ec2:RevokeSecurityGroupIngress", "params": {"GroupId": "sg-0def", "IpPermissions": [{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": "sg-0def"}]}]}}
}
