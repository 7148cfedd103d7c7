package assay.aws.ec2.rdp_from_internet

import rego.v1

tf(type, after, after_unknown) := {
	"address": sprintf("%s.win", [type]), "mode": "managed", "type": type, "name": "win",
	"change": {"actions": ["update"], "before": {}, "after": after, "after_unknown": after_unknown},
}

# --- Terraform ---

test_terraform_security_group_rdp_from_anywhere if {
	fs := deny with input as tf("aws_security_group", {"ingress": [
		{"protocol": "tcp", "from_port": 3389, "to_port": 3389, "cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": ["::/0"]},
	]}, {})
	count(fs) == 2
	some f in fs
	f.msg == "aws_security_group.win allows RDP (3389) from ::/0 in ingress[0]"
	f.path == ["change", "after", "ingress", 0, "ipv6_cidr_blocks", 0]
	not f.fix
}

test_terraform_udp_ranges_and_all_protocols if {
	count(deny) == 1 with input as tf("aws_security_group_rule", {"type": "ingress", "protocol": "udp", "from_port": 3389, "to_port": 3389, "cidr_blocks": ["0.0.0.0/0"]}, {})
	count(deny) == 1 with input as tf("aws_security_group_rule", {"type": "ingress", "protocol": "all", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}, {})
	count(deny) == 1 with input as tf("aws_vpc_security_group_ingress_rule", {"ip_protocol": "6", "from_port": 3000, "to_port": 4000, "cidr_ipv4": "0.0.0.0/0"}, {})
	count(deny) == 1 with input as tf("aws_vpc_security_group_ingress_rule", {"ip_protocol": "-1", "cidr_ipv4": "0.0.0.0/0"}, {})
}

test_terraform_compliant if {
	count(deny) == 0 with input as tf("aws_security_group", {"ingress": [
		{"protocol": "tcp", "from_port": 3389, "to_port": 3389, "cidr_blocks": ["10.0.0.0/8"]},
		{"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["0.0.0.0/0"]},
		{"protocol": "tcp", "from_port": 3390, "to_port": 65535, "cidr_blocks": ["0.0.0.0/0"]},
	]}, {})
}

test_terraform_unknown_values_not_reported if {
	count(deny) == 0 with input as tf("aws_vpc_security_group_ingress_rule", {"ip_protocol": "tcp", "from_port": 3389, "to_port": 3389}, {"cidr_ipv4": true})
	count(deny) == 0 with input as tf("aws_security_group_rule", {"type": "ingress", "from_port": 3389, "to_port": 3389, "cidr_blocks": ["0.0.0.0/0"]}, {"protocol": true})
}

# --- CloudFormation ---

test_cloudformation_security_group if {
	fs := deny with input as {"Type": "AWS::EC2::SecurityGroup", "Properties": {"SecurityGroupIngress": [
		{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0"},
		{"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389, "CidrIpv6": "::/0"},
	]}}
	count(fs) == 1
	some f in fs
	f.msg == "AWS::EC2::SecurityGroup allows RDP (3389) from ::/0 in SecurityGroupIngress[1]"
	f.path == ["Properties", "SecurityGroupIngress", 1, "CidrIpv6"]
	f.fix[1] == {"op": "remove", "path": ["Properties", "SecurityGroupIngress", 1]}
}

test_cloudformation_unknown_and_compliant if {
	count(deny) == 0 with input as {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389, "CidrIp": {"Fn::ImportValue": "OfficeCidr"}}}
	count(deny) == 0 with input as {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389, "SourceSecurityGroupId": {"Ref": "Bastion"}}}
	count(deny) == 0 with input as {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {"IpProtocol": "icmp", "FromPort": -1, "ToPort": -1, "CidrIp": "0.0.0.0/0"}}
}

# --- live ---

test_live_security_group if {
	fs := deny with input as {"GroupId": "sg-0win", "GroupName": "win", "IpPermissions": [
		{"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389, "IpRanges": [], "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
	]}
	some f in fs
	f.msg == "sg-0win allows RDP (3389) from ::/0 in IpPermissions[0].Ipv6Ranges[0]"
	f.fix == {"action": "ec2:RevokeSecurityGroupIngress", "params": {"GroupId": "sg-0win", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}]}}
}

test_live_security_group_rule if {
	fs := deny with input as {"SecurityGroupRuleId": "sgr-1", "GroupId": "sg-0win", "IsEgress": false, "IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389, "CidrIpv4": "0.0.0.0/0"}
	some f in fs
	f.msg == "sgr-1 allows RDP (3389) from 0.0.0.0/0 in CidrIpv4"
	f.fix.params.SecurityGroupRuleIds == ["sgr-1"]
}

test_live_compliant if {
	count(deny) == 0 with input as {"GroupId": "sg-0win", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389, "IpRanges": [{"CidrIp": "203.0.113.10/32"}]}]}
}
