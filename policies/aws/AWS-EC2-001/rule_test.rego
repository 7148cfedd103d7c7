package assay.aws.ec2.ssh_from_internet

import rego.v1

tf(type, after, after_unknown) := {
	"address": sprintf("%s.web", [type]), "mode": "managed", "type": type, "name": "web",
	"change": {"actions": ["create"], "before": null, "after": after, "after_unknown": after_unknown},
}

# --- Terraform ---

test_terraform_security_group_ssh_from_anywhere if {
	fs := deny with input as tf("aws_security_group", {"ingress": [
		{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": []},
		{"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["10.0.0.0/8", "0.0.0.0/0"], "ipv6_cidr_blocks": ["::/0"]},
	]}, {})
	count(fs) == 2
	some f in fs
	f.msg == "aws_security_group.web allows SSH (22) from 0.0.0.0/0 in ingress[1]"
	f.path == ["change", "after", "ingress", 1, "cidr_blocks", 1]
	not f.fix
}

test_terraform_port_range_and_all_protocols if {
	count(deny) == 1 with input as tf("aws_security_group_rule", {"type": "ingress", "protocol": "tcp", "from_port": 0, "to_port": 1024, "cidr_blocks": ["0.0.0.0/0"]}, {})
	count(deny) == 1 with input as tf("aws_security_group_rule", {"type": "ingress", "protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}, {})
	count(deny) == 1 with input as tf("aws_vpc_security_group_ingress_rule", {"ip_protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_ipv6": "::/0"}, {})
}

test_terraform_compliant if {
	count(deny) == 0 with input as tf("aws_security_group", {"ingress": [
		{"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["10.0.0.0/8"]},
		{"protocol": "tcp", "from_port": 23, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"]},
		{"protocol": "icmp", "from_port": -1, "to_port": -1, "cidr_blocks": ["0.0.0.0/0"]},
	]}, {})
	count(deny) == 0 with input as tf("aws_security_group_rule", {"type": "egress", "protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}, {})
}

test_terraform_unknown_values_not_reported if {
	count(deny) == 0 with input as tf("aws_security_group", {}, {"ingress": true})
	count(deny) == 0 with input as tf("aws_security_group", {"ingress": [{"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": [null]}]}, {"ingress": [{"cidr_blocks": [true]}]})
	count(deny) == 0 with input as tf("aws_vpc_security_group_ingress_rule", {"ip_protocol": "tcp", "cidr_ipv4": "0.0.0.0/0"}, {"from_port": true, "to_port": true})
}

# --- CloudFormation ---

test_cloudformation_security_group if {
	rule := {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"}
	fs := deny with input as {"Type": "AWS::EC2::SecurityGroup", "Properties": {"SecurityGroupIngress": [rule]}}
	count(fs) == 1
	some f in fs
	f.msg == "AWS::EC2::SecurityGroup allows SSH (22) from 0.0.0.0/0 in SecurityGroupIngress[0]"
	f.path == ["Properties", "SecurityGroupIngress", 0, "CidrIp"]
	f.fix == [
		{"op": "test", "path": ["Properties", "SecurityGroupIngress", 0], "value": rule},
		{"op": "remove", "path": ["Properties", "SecurityGroupIngress", 0]},
	]
}

test_cloudformation_standalone_ingress_quoted_ports if {
	fs := deny with input as {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {"GroupId": {"Ref": "Sg"}, "IpProtocol": "6", "FromPort": "22", "ToPort": "22", "CidrIpv6": "::/0"}}
	some f in fs
	f.msg == "AWS::EC2::SecurityGroupIngress allows SSH (22) from ::/0 in CidrIpv6"
	f.path == ["Properties", "CidrIpv6"]
	not f.fix
}

test_cloudformation_intrinsics_not_reported if {
	count(deny) == 0 with input as {"Type": "AWS::EC2::SecurityGroup", "Properties": {"SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": {"Ref": "AdminCidr"}}]}}
	count(deny) == 0 with input as {"Type": "AWS::EC2::SecurityGroup", "Properties": {"SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": {"Ref": "Port"}, "ToPort": {"Ref": "Port"}, "CidrIp": "0.0.0.0/0"}]}}
	count(deny) == 0 with input as {"Type": "AWS::EC2::SecurityGroup", "Properties": {"SecurityGroupIngress": {"Fn::If": ["Open", [], []]}}}
}

test_cloudformation_compliant if {
	count(deny) == 0 with input as {"Type": "AWS::EC2::SecurityGroup", "Properties": {"SecurityGroupIngress": [
		{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "10.0.0.0/16"},
		{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0"},
	]}}
}

# --- live ---

test_live_security_group_revokes_just_the_range if {
	fs := deny with input as {"GroupId": "sg-0abc", "GroupName": "web", "VpcId": "vpc-1", "IpPermissions": [
		{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}, {"CidrIp": "0.0.0.0/0", "Description": "anyone"}], "Ipv6Ranges": [], "UserIdGroupPairs": [], "PrefixListIds": []},
	]}
	count(fs) == 1
	some f in fs
	f.msg == "sg-0abc allows SSH (22) from 0.0.0.0/0 in IpPermissions[0].IpRanges[1]"
	f.path == ["IpPermissions", 0, "IpRanges", 1, "CidrIp"]
	f.fix == {"action": "ec2:RevokeSecurityGroupIngress", "params": {"GroupId": "sg-0abc", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}}
}

test_live_all_protocols_ipv6 if {
	fs := deny with input as {"GroupId": "sg-0abc", "IpPermissions": [{"IpProtocol": "-1", "IpRanges": [], "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}]}
	some f in fs
	f.fix.params.IpPermissions == [{"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}]
}

test_live_compliant if {
	count(deny) == 0 with input as {"GroupId": "sg-0abc", "IpPermissions": [
		{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "192.0.2.0/24"}], "UserIdGroupPairs": [{"GroupId": "sg-bastion"}]},
		{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
	]}
}
