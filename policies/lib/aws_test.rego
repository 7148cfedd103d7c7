package assay.lib.aws

import rego.v1

tf(type, after) := {
	"address": sprintf("%s.x", [type]), "mode": "managed", "type": type, "name": "x",
	"change": {"actions": ["create"], "before": null, "after": after, "after_unknown": {}},
}

tf_unknown(type, after, after_unknown) := {
	"address": sprintf("%s.x", [type]), "mode": "managed", "type": type, "name": "x",
	"change": {"actions": ["create"], "before": null, "after": after, "after_unknown": after_unknown},
}

cfn(type, props) := {"Type": type, "Properties": props}

# --- shapes -----------------------------------------------------------------

test_shapes_are_told_apart if {
	format == "terraform" with input as tf("aws_instance", {})
	type == "aws_instance" with input as tf("aws_instance", {})
	attrs_path == ["change", "after"] with input as tf("aws_instance", {})
	label == "aws_instance.x" with input as tf("aws_instance", {})

	format == "cloudformation" with input as cfn("AWS::EC2::Volume", {})
	type == "AWS::EC2::Volume" with input as cfn("AWS::EC2::Volume", {})
	attrs_path == ["Properties"] with input as cfn("AWS::EC2::Volume", {})

	format == "live" with input as {"VolumeId": "vol-1", "Encrypted": false}
	type == "AWS::EC2::Volume" with input as {"VolumeId": "vol-1", "Encrypted": false}
	label == "vol-1" with input as {"VolumeId": "vol-1", "Encrypted": false}
	attrs_path == [] with input as {"VolumeId": "vol-1"}
}

test_cloudformation_without_properties if {
	attrs == {} with input as {"Type": "AWS::S3::Bucket"}
	locate(["Encrypted"]) == [] with input as {"Type": "AWS::EC2::Volume"}
}

test_live_types_by_structure if {
	type == "AWS::EC2::SecurityGroup" with input as {"GroupId": "sg-1", "IpPermissions": []}
	type == "AWS::EC2::SecurityGroupIngress" with input as {"SecurityGroupRuleId": "sgr-1", "GroupId": "sg-1"}
	type == "AWS::EC2::Instance" with input as {"InstanceId": "i-1"}
	type == "AWS::EC2::LaunchTemplate" with input as {"LaunchTemplateId": "lt-1", "LaunchTemplateData": {}}
	type == "AWS::EC2::EBSEncryptionByDefault" with input as {"EbsEncryptionByDefault": false}
	type == "AWS::RDS::DBInstance" with input as {"DBInstanceIdentifier": "db", "DBClusterIdentifier": "c"}
	type == "AWS::RDS::DBCluster" with input as {"DBClusterIdentifier": "c"}
	type == "AWS::S3::Bucket" with input as {"Name": "b"}
}

test_terraform_delete_is_not_live if {
	format == "terraform" with input as {"type": "aws_instance", "change": {"actions": ["delete"], "after": null}}
	not attrs with input as {"type": "aws_instance", "change": {"actions": ["delete"], "after": null}}
}

# --- fields -----------------------------------------------------------------

test_field_names if {
	field(["ingress", 0, "cidr_blocks", 1]) == "ingress[0].cidr_blocks[1]"
	field(["Encrypted"]) == "Encrypted"
}

test_locate_points_at_nearest_existing_parent if {
	locate(["metadata_options", 0, "http_tokens"]) == ["change", "after"] with input as tf("aws_instance", {"ami": "x"})
	locate(["metadata_options", 0, "http_tokens"]) == ["change", "after", "metadata_options", 0] with input as tf("aws_instance", {"metadata_options": [{}]})
	locate(["A", "B"]) == ["Properties", "A", "B"] with input as cfn("T::T", {"A": {"B": 1}})
}

test_unknown_values if {
	unknown(["metadata_options"]) with input as tf_unknown("aws_instance", {}, {"metadata_options": true})
	unknown(["metadata_options", 0, "http_tokens"]) with input as tf_unknown("aws_instance", {}, {"metadata_options": true})
	unknown(["metadata_options", 0, "http_tokens"]) with input as tf_unknown("aws_instance", {"metadata_options": [{}]}, {"metadata_options": [{"http_tokens": true}]})
	unknown(["encrypted"]) with input as tf("aws_ebs_volume", {"encrypted": "<redacted>"})
	unknown(["Encrypted"]) with input as cfn("AWS::EC2::Volume", {"Encrypted": {"Ref": "Enc"}})
	unknown(["MetadataOptions", "HttpTokens"]) with input as cfn("AWS::EC2::Instance", {"MetadataOptions": {"Fn::If": ["c", {}, {}]}})
	unknown(["Password"]) with input as cfn("X::Y", {"Password": "{{resolve:secretsmanager:s}}"})
	not unknown(["encrypted"]) with input as tf("aws_ebs_volume", {"encrypted": false})
}

test_booleans_and_ints if {
	to_bool("true") == true
	to_bool("False") == false
	to_bool(true) == true
	not to_bool("yes")
	to_int("22") == 22
	to_int(22) == 22
	not to_int("ssh")
}

test_flag_and_unset if {
	names := {"terraform": ["publicly_accessible"], "cloudformation": ["PubliclyAccessible"], "live": ["PubliclyAccessible"]}
	flag(names) == {"value": true, "path": ["Properties", "PubliclyAccessible"], "field": "PubliclyAccessible"} with input as cfn("AWS::RDS::DBInstance", {"PubliclyAccessible": "true"})
	not flag(names) with input as cfn("AWS::RDS::DBInstance", {"PubliclyAccessible": {"Ref": "P"}})
	unset(names) == {"path": ["Properties"], "field": "PubliclyAccessible"} with input as cfn("AWS::RDS::DBInstance", {})
	not unset(names) with input as tf_unknown("aws_db_instance", {}, {"publicly_accessible": true})
}

# --- security group ingress -------------------------------------------------

test_terraform_security_group_ingress if {
	ps := ingress with input as tf("aws_security_group", {"ingress": [{
		"protocol": "tcp", "from_port": 22, "to_port": 22,
		"cidr_blocks": ["10.0.0.0/8", "0.0.0.0/0"], "ipv6_cidr_blocks": ["::/0"],
	}]})
	count(ps) == 3
	some p in ps
	p.cidr == "0.0.0.0/0"
	p.path == ["change", "after", "ingress", 0, "cidr_blocks", 1]
	p.rule == "ingress[0]"
	p.protocol == "tcp"
	p.fix == null
	covers_port(p, 22)
	open_to_world(p)
}

test_terraform_unknown_cidr_left_out if {
	# unknown list elements are null in `after`
	count(ingress) == 0 with input as tf_unknown("aws_security_group", {"ingress": [{"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": [null]}]}, {"ingress": [{"cidr_blocks": [true]}]})
	count(ingress) == 0 with input as tf_unknown("aws_security_group", {}, {"ingress": true})
}

test_terraform_security_group_rule_and_vpc_rule if {
	ps := ingress with input as tf("aws_security_group_rule", {"type": "ingress", "protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]})
	some p in ps
	p.protocol == "all"
	p.rule == "cidr_blocks[0]"
	all_traffic(p)
	count(ingress) == 0 with input as tf("aws_security_group_rule", {"type": "egress", "protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]})
	vs := ingress with input as tf("aws_vpc_security_group_ingress_rule", {"ip_protocol": "tcp", "from_port": 3380, "to_port": 3390, "cidr_ipv6": "::/0", "cidr_ipv4": null})
	some v in vs
	v.family == "IPv6"
	v.path == ["change", "after", "cidr_ipv6"]
	covers_port(v, 3389)
	not covers_port(v, 22)
	count(vs) == 1
}

test_cloudformation_security_group_ingress if {
	rule := {"IpProtocol": 6, "FromPort": "0", "ToPort": "1024", "CidrIp": "0.0.0.0/0"}
	ps := ingress with input as cfn("AWS::EC2::SecurityGroup", {"SecurityGroupIngress": [rule, {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": {"Ref": "Cidr"}}]})
	count(ps) == 1
	some p in ps
	p.protocol == "tcp"
	covers_port(p, 22)
	p.path == ["Properties", "SecurityGroupIngress", 0, "CidrIp"]
	p.fix == [
		{"op": "test", "path": ["Properties", "SecurityGroupIngress", 0], "value": rule},
		{"op": "remove", "path": ["Properties", "SecurityGroupIngress", 0]},
	]
	qs := ingress with input as cfn("AWS::EC2::SecurityGroupIngress", {"IpProtocol": "-1", "CidrIpv6": "::/0", "GroupId": {"Ref": "G"}})
	some q in qs
	q.protocol == "all"
	q.rule == "CidrIpv6"
	q.fix == null
}

test_cloudformation_unknown_protocol_left_out if {
	count(ingress) == 0 with input as cfn("AWS::EC2::SecurityGroupIngress", {"IpProtocol": {"Ref": "P"}, "CidrIp": "0.0.0.0/0"})
}

test_live_security_group_permissions if {
	perm := {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}, {"CidrIp": "0.0.0.0/0", "Description": "x"}], "Ipv6Ranges": [], "UserIdGroupPairs": []}
	ps := ingress with input as {"GroupId": "sg-1", "GroupName": "web", "IpPermissions": [perm]}
	count(ps) == 2
	some p in ps
	p.cidr == "0.0.0.0/0"
	p.path == ["IpPermissions", 0, "IpRanges", 1, "CidrIp"]
	p.rule == "IpPermissions[0].IpRanges[1]"
	p.fix == {"action": "ec2:RevokeSecurityGroupIngress", "params": {"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}}
}

test_live_security_group_all_protocols_has_no_ports if {
	ps := ingress with input as {"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}]}
	some p in ps
	p.from_port == null
	all_traffic(p)
	covers_port(p, 3389)
	p.fix.params.IpPermissions == [{"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}]
}

test_live_security_group_rule if {
	ps := ingress with input as {"SecurityGroupRuleId": "sgr-1", "GroupId": "sg-1", "IsEgress": false, "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIpv4": "0.0.0.0/0"}
	some p in ps
	p.fix == {"action": "ec2:RevokeSecurityGroupIngress", "params": {"GroupId": "sg-1", "SecurityGroupRuleIds": ["sgr-1"]}}
	count(ingress) == 0 with input as {"SecurityGroupRuleId": "sgr-1", "GroupId": "sg-1", "IsEgress": true, "IpProtocol": "-1", "CidrIpv4": "0.0.0.0/0"}
}

test_ports_and_protocols if {
	not covers_port({"protocol": "icmp", "from_port": -1, "to_port": -1}, 22)
	not covers_port({"protocol": "tcp", "from_port": null, "to_port": null}, 22)
	not covers_port({"protocol": "tcp", "from_port": 80, "to_port": 443}, 22)
	covers_port({"protocol": "udp", "from_port": 3389, "to_port": 3389}, 3389)
	all_traffic({"protocol": "tcp", "from_port": 0, "to_port": 65535})
	not all_traffic({"protocol": "tcp", "from_port": 1024, "to_port": 65535})
	protocol("TCP") == "tcp"
	protocol(-1) == "all"
	protocol("50") == "50"
	not protocol({"Ref": "P"})
	not open_to_world({"cidr": "10.0.0.0/8"})
}

# --- IMDS -------------------------------------------------------------------

test_imds_terraform_set if {
	items := imds with input as tf("aws_instance", {"metadata_options": [{"http_tokens": "optional", "http_endpoint": "enabled"}]})
	items == {{"tokens": "optional", "set": true, "path": ["change", "after", "metadata_options", 0, "http_tokens"], "field": "metadata_options[0].http_tokens", "fix_path": null}}
}

test_imds_terraform_missing_block_is_default if {
	items := imds with input as tf("aws_launch_template", {"name": "lt", "metadata_options": []})
	items == {{"tokens": "optional", "set": false, "path": ["change", "after", "metadata_options"], "field": "metadata_options.http_tokens", "fix_path": null}}
}

test_imds_terraform_unknown_or_disabled_left_out if {
	count(imds) == 0 with input as tf_unknown("aws_instance", {}, {"metadata_options": true})
	count(imds) == 0 with input as tf_unknown("aws_instance", {"metadata_options": [{}]}, {"metadata_options": [{"http_tokens": true}]})
	count(imds) == 0 with input as tf("aws_instance", {"metadata_options": [{"http_tokens": "optional", "http_endpoint": "disabled"}]})
	count(imds) == 0 with input as tf("aws_instance", {"launch_template": [{"id": "lt-1"}], "metadata_options": []})
}

test_imds_cloudformation if {
	items := imds with input as cfn("AWS::EC2::LaunchTemplate", {"LaunchTemplateData": {"MetadataOptions": {"HttpTokens": "optional"}}})
	some i in items
	i.path == ["Properties", "LaunchTemplateData", "MetadataOptions", "HttpTokens"]
	i.fix_path == i.path
	unset := imds with input as cfn("AWS::EC2::Instance", {"ImageId": "ami-1"})
	unset == {{"tokens": "optional", "set": false, "path": ["Properties"], "field": "MetadataOptions.HttpTokens", "fix_path": ["Properties", "MetadataOptions", "HttpTokens"]}}
	count(imds) == 0 with input as cfn("AWS::EC2::Instance", {"LaunchTemplate": {"LaunchTemplateId": {"Ref": "LT"}}})
	count(imds) == 0 with input as cfn("AWS::EC2::Instance", {"MetadataOptions": {"HttpTokens": {"Ref": "T"}}})
	count(imds) == 0 with input as cfn("AWS::EC2::LaunchTemplate", {"LaunchTemplateData": {"Fn::If": ["c", {}, {}]}})
}

test_imds_live if {
	items := imds with input as {"InstanceId": "i-1", "MetadataOptions": {"HttpTokens": "optional", "HttpEndpoint": "enabled"}}
	some i in items
	i.path == ["MetadataOptions", "HttpTokens"]
	count(imds) == 0 with input as {"InstanceId": "i-1"}
	lt := imds with input as {"LaunchTemplateId": "lt-1", "VersionNumber": 1, "LaunchTemplateData": {"ImageId": "ami-1"}}
	some l in lt
	l.set == false
}

# --- EBS --------------------------------------------------------------------

test_ebs_volumes_terraform if {
	vs := ebs_volumes with input as tf("aws_instance", {
		"root_block_device": [{"encrypted": false}],
		"ebs_block_device": [{"device_name": "/dev/sdb", "encrypted": true}],
	})
	vs == {
		{"encrypted": false, "set": true, "path": ["change", "after", "root_block_device", 0, "encrypted"], "field": "root_block_device[0].encrypted"},
		{"encrypted": true, "set": true, "path": ["change", "after", "ebs_block_device", 0, "encrypted"], "field": "ebs_block_device[0].encrypted"},
	}
	lt := ebs_volumes with input as tf("aws_launch_template", {"block_device_mappings": [{"ebs": [{"encrypted": "false"}]}]})
	some l in lt
	l.encrypted == false
	count(ebs_volumes) == 0 with input as tf_unknown("aws_ebs_volume", {}, {"encrypted": true})
}

test_ebs_volumes_cloudformation if {
	vs := ebs_volumes with input as cfn("AWS::EC2::Volume", {"Size": 10})
	vs == {{"encrypted": false, "set": false, "path": ["Properties"], "field": "Encrypted"}}
	count(ebs_volumes) == 0 with input as cfn("AWS::EC2::Volume", {"SnapshotId": "snap-1"})
	count(ebs_volumes) == 0 with input as cfn("AWS::EC2::Volume", {"Encrypted": {"Ref": "E"}})
	count(ebs_volumes) == 0 with input as cfn("AWS::EC2::Instance", {"BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 50}}]})
	bs := ebs_volumes with input as cfn("AWS::EC2::LaunchTemplate", {"LaunchTemplateData": {"BlockDeviceMappings": [{"Ebs": {"Encrypted": "false"}}]}})
	some b in bs
	b.path == ["Properties", "LaunchTemplateData", "BlockDeviceMappings", 0, "Ebs", "Encrypted"]
}

test_ebs_volumes_live if {
	ebs_volumes == {{"encrypted": false, "set": true, "path": ["Encrypted"], "field": "Encrypted"}} with input as {"VolumeId": "vol-1", "Encrypted": false}
}

# --- S3 Block Public Access -------------------------------------------------

test_public_access_block_terraform if {
	ss := public_access_block with input as tf("aws_s3_bucket_public_access_block", {"bucket": "b", "block_public_acls": true, "block_public_policy": false, "ignore_public_acls": true, "restrict_public_buckets": true})
	count(ss) == 4
	some s in ss
	s.enabled == false
	s.setting == "BlockPublicPolicy"
	s.path == ["change", "after", "block_public_policy"]
}

test_public_access_block_cloudformation if {
	ss := public_access_block with input as cfn("AWS::S3::Bucket", {"PublicAccessBlockConfiguration": {"BlockPublicAcls": true}})
	off := {s.setting | some s in ss; not s.enabled}
	off == {"BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"}
	count(public_access_block) == 0 with input as cfn("AWS::S3::Bucket", {})
	count(public_access_block) == 0 with input as cfn("AWS::S3::Bucket", {"PublicAccessBlockConfiguration": {"Fn::If": ["c", {}, {}]}})
}

test_public_access_block_live if {
	ss := public_access_block with input as {"Name": "b", "PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "IgnorePublicAcls": false}}
	count(ss) == 2
}

# --- findings ---------------------------------------------------------------

test_finding_with_and_without_fix if {
	finding("m", ["a"], null) == {"msg": "m", "path": ["a"]}
	finding("m", ["a"], {"action": "x"}) == {"msg": "m", "path": ["a"], "fix": {"action": "x"}}
}

# --- S3 ACLs ----------------------------------------------------------------

test_public_grants_canned if {
	gs := public_grants with input as tf("aws_s3_bucket_acl", {"acl": "public-read-write"})
	gs == {{"grantee": "everyone", "access": "READ and WRITE", "value": "public-read-write", "path": ["change", "after", "acl"], "field": "acl"}}
	count(public_grants) == 1 with input as cfn("AWS::S3::Bucket", {"AccessControl": "AuthenticatedRead"})
	count(public_grants) == 0 with input as cfn("AWS::S3::Bucket", {"AccessControl": "Private"})
	count(public_grants) == 0 with input as cfn("AWS::S3::Bucket", {"AccessControl": {"Ref": "Acl"}})
}

test_public_grants_explicit if {
	all_users := "http://acs.amazonaws.com/groups/global/AllUsers"
	gs := public_grants with input as tf("aws_s3_bucket_acl", {"access_control_policy": [{"grant": [
		{"grantee": [{"type": "CanonicalUser", "id": "abc"}], "permission": "FULL_CONTROL"},
		{"grantee": [{"type": "Group", "uri": all_users}], "permission": "READ"},
	]}]})
	gs == {{"grantee": "everyone", "access": "READ", "value": all_users, "path": ["change", "after", "access_control_policy", 0, "grant", 1, "grantee", 0, "uri"], "field": "access_control_policy[0].grant[1].grantee[0].uri"}}
	ls := public_grants with input as {"Name": "b", "Grants": [{"Grantee": {"Type": "Group", "URI": all_users}, "Permission": "WRITE"}]}
	some l in ls
	l.path == ["Grants", 0, "Grantee", "URI"]
	l.access == "WRITE"
	bs := public_grants with input as tf("aws_s3_bucket", {"grant": [{"type": "group", "uri": all_users, "permissions": ["READ", "WRITE"]}]})
	some b in bs
	b.access == "READ and WRITE"
}

test_password_policy_fix_keeps_other_settings if {
	password_policy_fix("MinimumPasswordLength", 14) == {"action": "iam:UpdateAccountPasswordPolicy", "params": {"MinimumPasswordLength": 14, "RequireSymbols": true, "PasswordReusePrevention": 24}} with input as {"MinimumPasswordLength": 8, "RequireSymbols": true, "PasswordReusePrevention": 24, "ExpirePasswords": false}
}

# --- AWS Config items -------------------------------------------------------

config_bucket(supplementary) := {
	"ResourceType": "AWS::S3::Bucket", "ResourceId": "acme-logs", "ResourceName": "acme-logs",
	"Configuration": {"name": "acme-logs", "owner": {"id": "abc"}}, "SupplementaryConfiguration": supplementary,
}

test_config_items_are_told_apart if {
	format == "config" with input as config_bucket({})
	type == "AWS::S3::Bucket" with input as config_bucket({})
	label == "acme-logs" with input as config_bucket({})
	attrs_path == ["Configuration"] with input as config_bucket({})
	live with input as config_bucket({})
	live with input as {"VolumeId": "vol-1"}
	not live with input as cfn("AWS::S3::Bucket", {})
	label == "db-ABC" with input as {"ResourceType": "AWS::RDS::DBInstance", "ResourceId": "db-ABC", "ResourceName": null, "Configuration": {}}
}

test_config_public_access_block if {
	ss := public_access_block with input as config_bucket({"PublicAccessBlockConfiguration": {"blockPublicAcls": true, "ignorePublicAcls": false, "blockPublicPolicy": true, "restrictPublicBuckets": true}})
	count(ss) == 4
	some s in ss
	not s.enabled
	s.setting == "IgnorePublicAcls"
	s.path == ["SupplementaryConfiguration", "PublicAccessBlockConfiguration", "ignorePublicAcls"]
	count(public_access_block) == 0 with input as config_bucket({})
}

test_config_public_grants if {
	acl := {"grantSet": null, "owner": {"id": "abc"}, "grantList": [{"grantee": {"id": "abc", "displayName": null}, "permission": "FullControl"}, {"grantee": "AllUsers", "permission": "Read"}]}
	gs := public_grants with input as config_bucket({"AccessControlList": acl})
	gs == {{"grantee": "everyone", "access": "READ", "value": "AllUsers", "path": ["SupplementaryConfiguration", "AccessControlList", "grantList", 1, "grantee"], "field": "AccessControlList.grantList[1].grantee"}}
	# still JSON-encoded
	count(public_grants) == 1 with input as config_bucket({"AccessControlList": json.marshal(acl)})
	count(public_grants) == 0 with input as config_bucket({"AccessControlList": "not json"})
}

test_db_instance_identifier if {
	db_instance_identifier == "orders" with input as {"DBInstanceIdentifier": "orders"}
	db_instance_identifier == "orders" with input as {"ResourceType": "AWS::RDS::DBInstance", "ResourceName": "orders", "Configuration": {"dBInstanceIdentifier": "orders"}}
	db_instance_identifier == "orders" with input as {"ResourceType": "AWS::RDS::DBInstance", "ResourceName": "orders", "Configuration": {}}
}

test_label_without_address if {
	label == "aws_instance" with input as {"type": "aws_instance", "change": {"actions": ["create"], "after": {}}}
}

test_config_key_accepts_either_casing if {
	config_key({"blockPublicAcls": true}, "BlockPublicAcls") == "blockPublicAcls"
	config_key({"BlockPublicAcls": true}, "BlockPublicAcls") == "BlockPublicAcls"
	not config_key({}, "BlockPublicAcls")
}
