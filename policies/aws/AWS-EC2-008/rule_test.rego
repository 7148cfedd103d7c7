package assay.aws.ec2.nacl_admin_ports

import rego.v1

tf(type, after, after_unknown) := {
	"address": sprintf("%s.public", [type]), "mode": "managed", "type": type, "name": "public",
	"change": {"actions": ["create"], "before": null, "after": after, "after_unknown": after_unknown},
}

nacl_rule(n, action, protocol, from, to, cidr) := {"rule_no": n, "action": action, "protocol": protocol, "from_port": from, "to_port": to, "cidr_block": cidr, "ipv6_cidr_block": ""}

# --- Terraform ---

test_terraform_acl_allows_everything if {
	fs := deny with input as tf("aws_network_acl", {"ingress": [nacl_rule(100, "allow", "-1", 0, 0, "0.0.0.0/0")], "egress": []}, {})
	count(fs) == 1
	some f in fs
	f.msg == "aws_network_acl.public allows SSH (22) and RDP (3389) from 0.0.0.0/0 in ingress[0]"
	f.path == ["change", "after", "ingress", 0, "cidr_block"]
	not f.fix
}

test_terraform_ephemeral_range_includes_rdp if {
	fs := deny with input as tf("aws_network_acl", {"ingress": [
		nacl_rule(100, "allow", "tcp", 443, 443, "0.0.0.0/0"),
		nacl_rule(110, "allow", "tcp", 1024, 65535, "0.0.0.0/0"),
	]}, {})
	{f.msg | some f in fs} == {"aws_network_acl.public allows RDP (3389) from 0.0.0.0/0 in ingress[1]"}
}

test_terraform_earlier_deny_shadows if {
	count(deny) == 0 with input as tf("aws_network_acl", {"ingress": [
		nacl_rule(90, "deny", "tcp", 3389, 3389, "0.0.0.0/0"),
		nacl_rule(110, "allow", "tcp", 1024, 65535, "0.0.0.0/0"),
	]}, {})
	# a later deny does not help; a deny of TCP leaves UDP open under "all"
	count(deny) == 1 with input as tf("aws_network_acl", {"ingress": [
		nacl_rule(100, "allow", "tcp", 1024, 65535, "0.0.0.0/0"),
		nacl_rule(120, "deny", "tcp", 3389, 3389, "0.0.0.0/0"),
	]}, {})
	count(deny) == 1 with input as tf("aws_network_acl", {"ingress": [
		nacl_rule(90, "deny", "6", 0, 65535, "0.0.0.0/0"),
		nacl_rule(100, "allow", "-1", 0, 0, "0.0.0.0/0"),
	]}, {})
}

test_terraform_standalone_rule if {
	fs := deny with input as tf("aws_network_acl_rule", {"rule_number": 200, "egress": false, "protocol": "tcp", "rule_action": "allow", "from_port": 22, "to_port": 22, "ipv6_cidr_block": "::/0"}, {})
	some f in fs
	f.msg == "aws_network_acl_rule.public allows SSH (22) from ::/0 in ipv6_cidr_block"
	count(deny) == 0 with input as tf("aws_network_acl_rule", {"rule_number": 200, "egress": true, "protocol": "-1", "rule_action": "allow", "cidr_block": "0.0.0.0/0"}, {})
	count(deny) == 0 with input as tf("aws_network_acl_rule", {"rule_number": 200, "protocol": "tcp", "rule_action": "deny", "from_port": 22, "to_port": 22, "cidr_block": "0.0.0.0/0"}, {})
}

test_terraform_compliant_and_unknown if {
	count(deny) == 0 with input as tf("aws_network_acl", {"ingress": [nacl_rule(100, "allow", "tcp", 22, 22, "10.0.0.0/8"), nacl_rule(110, "allow", "icmp", -1, -1, "0.0.0.0/0")]}, {})
	count(deny) == 0 with input as tf("aws_network_acl", {}, {"ingress": true})
	count(deny) == 0 with input as tf("aws_network_acl_rule", {"rule_number": 100, "protocol": "tcp", "rule_action": "allow", "from_port": 22, "to_port": 22}, {"cidr_block": true})
}

# --- CloudFormation ---

test_cloudformation_entry if {
	fs := deny with input as {"Type": "AWS::EC2::NetworkAclEntry", "Properties": {"NetworkAclId": {"Ref": "Acl"}, "RuleNumber": 100, "Protocol": 6, "RuleAction": "allow", "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 3389, "To": 3389}}}
	some f in fs
	f.msg == "AWS::EC2::NetworkAclEntry allows RDP (3389) from 0.0.0.0/0 in CidrBlock"
	f.path == ["Properties", "CidrBlock"]
	count(deny) == 1 with input as {"Type": "AWS::EC2::NetworkAclEntry", "Properties": {"RuleNumber": 100, "Protocol": -1, "RuleAction": "allow", "Ipv6CidrBlock": "::/0"}}
}

test_cloudformation_compliant_and_unknown if {
	count(deny) == 0 with input as {"Type": "AWS::EC2::NetworkAclEntry", "Properties": {"RuleNumber": 100, "Protocol": -1, "RuleAction": "allow", "Egress": true, "CidrBlock": "0.0.0.0/0"}}
	count(deny) == 0 with input as {"Type": "AWS::EC2::NetworkAclEntry", "Properties": {"RuleNumber": 100, "Protocol": 6, "RuleAction": "allow", "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 443, "To": 443}}}
	count(deny) == 0 with input as {"Type": "AWS::EC2::NetworkAclEntry", "Properties": {"RuleNumber": 100, "Protocol": -1, "RuleAction": {"Ref": "Action"}, "CidrBlock": "0.0.0.0/0"}}
	count(deny) == 0 with input as {"Type": "AWS::EC2::NetworkAclEntry", "Properties": {"RuleNumber": 100, "Protocol": 6, "RuleAction": "allow", "CidrBlock": "0.0.0.0/0", "PortRange": {"From": {"Ref": "Port"}, "To": {"Ref": "Port"}}}}
}

# --- live ---

test_live_default_acl if {
	fs := deny with input as {"NetworkAclId": "acl-0abc", "IsDefault": true, "VpcId": "vpc-1", "Entries": [
		{"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0"},
		{"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": false, "CidrBlock": "0.0.0.0/0"},
		{"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": true, "CidrBlock": "0.0.0.0/0"},
	]}
	count(fs) == 1
	some f in fs
	f.msg == "acl-0abc allows SSH (22) and RDP (3389) from 0.0.0.0/0 in Entries[0] (rule 100)"
	f.path == ["Entries", 0, "CidrBlock"]
}

test_live_shadowed if {
	count(deny) == 0 with input as {"NetworkAclId": "acl-0abc", "Entries": [
		{"RuleNumber": 50, "Protocol": "-1", "RuleAction": "deny", "Egress": false, "CidrBlock": "0.0.0.0/0"},
		{"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0"},
	]}
}

test_live_collector_shape_nulls if {
	# the collector writes absent fields as null
	fs := deny with input as {"NetworkAclId": "acl-0abc", "VpcId": "vpc-1", "IsDefault": false, "Entries": [
		{"RuleNumber": 100, "Protocol": "6", "RuleAction": "allow", "Egress": false, "CidrBlock": null, "Ipv6CidrBlock": "::/0", "PortRange": {"From": 22, "To": 22}},
		{"RuleNumber": 110, "Protocol": "-1", "RuleAction": "allow", "Egress": false, "CidrBlock": "10.0.0.0/8", "Ipv6CidrBlock": null, "PortRange": null},
	]}
	{f.msg | some f in fs} == {"acl-0abc allows SSH (22) from ::/0 in Entries[0] (rule 100)"}
}
