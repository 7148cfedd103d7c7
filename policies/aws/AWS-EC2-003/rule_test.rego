package assay.aws.ec2.all_traffic_from_internet

import rego.v1

tf(type, after, after_unknown) := {
	"address": sprintf("%s.open", [type]), "mode": "managed", "type": type, "name": "open",
	"change": {"actions": ["create"], "before": null, "after": after, "after_unknown": after_unknown},
}

# --- Terraform ---

test_terraform_all_protocols if {
	fs := deny with input as tf("aws_security_group", {"ingress": [
		{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": []},
	]}, {})
	count(fs) == 1
	some f in fs
	f.msg == "aws_security_group.open allows all traffic from 0.0.0.0/0 in ingress[0]"
	f.path == ["change", "after", "ingress", 0, "cidr_blocks", 0]
	not f.fix
}

test_terraform_every_tcp_port if {
	fs := deny with input as tf("aws_security_group_rule", {"type": "ingress", "protocol": "tcp", "from_port": 0, "to_port": 65535, "ipv6_cidr_blocks": ["::/0"]}, {})
	some f in fs
	f.msg == "aws_security_group_rule.open allows all TCP ports (0-65535) from ::/0 in ipv6_cidr_blocks[0]"
	count(deny) == 1 with input as tf("aws_vpc_security_group_ingress_rule", {"ip_protocol": "-1", "cidr_ipv4": "0.0.0.0/0"}, {})
	count(deny) == 1 with input as tf("aws_default_security_group", {"ingress": [{"protocol": "udp", "from_port": 1, "to_port": 65535, "cidr_blocks": ["0.0.0.0/0"]}]}, {})
}

test_terraform_compliant_and_unknown if {
	count(deny) == 0 with input as tf("aws_security_group", {"ingress": [
		{"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["10.0.0.0/8"], "self": true},
		{"protocol": "tcp", "from_port": 1024, "to_port": 65535, "cidr_blocks": ["0.0.0.0/0"]},
	]}, {})
	count(deny) == 0 with input as tf("aws_security_group_rule", {"type": "egress", "protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}, {})
	count(deny) == 0 with input as tf("aws_security_group_rule", {"type": "ingress", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}, {"protocol": true})
}

# --- CloudFormation ---

test_cloudformation if {
	fs := deny with input as {"Type": "AWS::EC2::SecurityGroup", "Properties": {"SecurityGroupIngress": [{"IpProtocol": -1, "CidrIp": "0.0.0.0/0"}]}}
	some f in fs
	f.msg == "AWS::EC2::SecurityGroup allows all traffic from 0.0.0.0/0 in SecurityGroupIngress[0]"
	f.fix == [
		{"op": "test", "path": ["Properties", "SecurityGroupIngress", 0], "value": {"IpProtocol": -1, "CidrIp": "0.0.0.0/0"}},
		{"op": "remove", "path": ["Properties", "SecurityGroupIngress", 0]},
	]
	gs := deny with input as {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {"IpProtocol": "udp", "FromPort": "0", "ToPort": "65535", "CidrIpv6": "::/0"}}
	some g in gs
	g.msg == "AWS::EC2::SecurityGroupIngress allows all UDP ports (0-65535) from ::/0 in CidrIpv6"
}

test_cloudformation_unknown_and_compliant if {
	count(deny) == 0 with input as {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {"IpProtocol": {"Ref": "Proto"}, "CidrIp": "0.0.0.0/0"}}
	count(deny) == 0 with input as {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {"IpProtocol": "tcp", "FromPort": 0, "ToPort": {"Ref": "Top"}, "CidrIp": "0.0.0.0/0"}}
	count(deny) == 0 with input as {"Type": "AWS::EC2::SecurityGroup", "Properties": {"SecurityGroupIngress": [{"IpProtocol": "-1", "SourceSecurityGroupId": "sg-1"}]}}
}

# --- live ---

test_live if {
	fs := deny with input as {"GroupId": "sg-0open", "IpPermissions": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [{"CidrIpv6": "::/0"}], "UserIdGroupPairs": []}]}
	count(fs) == 2
	some f in fs
	f.msg == "sg-0open allows all traffic from 0.0.0.0/0 in IpPermissions[0].IpRanges[0]"
	f.fix == {"action": "ec2:RevokeSecurityGroupIngress", "params": {"GroupId": "sg-0open", "IpPermissions": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}}
}

test_live_compliant if {
	count(deny) == 0 with input as {"GroupId": "sg-0open", "IpPermissions": [{"IpProtocol": "-1", "IpRanges": [], "UserIdGroupPairs": [{"GroupId": "sg-0open"}]}]}
}

test_live_collector_shape_null_ports if {
	# the collector writes absent ports as null
	fs := deny with input as {"GroupId": "sg-0open", "GroupName": "open", "IpPermissions": [{"IpProtocol": "-1", "FromPort": null, "ToPort": null, "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": null}], "Ipv6Ranges": [], "UserIdGroupPairs": [], "PrefixListIds": []}], "IpPermissionsEgress": []}
	some f in fs
	f.msg == "sg-0open allows all traffic from 0.0.0.0/0 in IpPermissions[0].IpRanges[0]"
	f.fix.params.IpPermissions == [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
}
