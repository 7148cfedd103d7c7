# METADATA
# title: AWS resource helpers
# description: >-
#   One AWS resource in any of its three shapes: a Terraform plan's
#   resource_changes entry, a CloudFormation template's Resources entry, or
#   the live object (as the AWS API describes it, or as an AWS Config
#   configuration item). Each shape becomes the same normalised items
#   (security group ingress permissions, instance metadata options, EBS
#   volumes, S3 public access settings and ACL grants, boolean settings),
#   every item carrying the path of the field it came from so findings point
#   at the exact line. Values not known before apply (Terraform after_unknown,
#   redacted sensitive values, CloudFormation intrinsic functions and dynamic
#   references) are unknown: no helper yields an item judged on one. Written
#   for regorus's VM as well as OPA: no `else`, at most 8 function arguments.
package assay.lib.aws

import rego.v1

import data.assay.lib.result

# ---------------------------------------------------------------------------
# The shape of `input`
# ---------------------------------------------------------------------------

# "terraform": `input` is one element of a plan's resource_changes.
format := "terraform" if {
	is_object(input.change)
	is_string(input.type)
}

# "cloudformation": `input` is the value of Resources.<LogicalId>.
format := "cloudformation" if {
	not is_object(input.change)
	is_string(input.Type)
	contains(input.Type, "::")
}

# "live": `input` is what the AWS API describes (EC2's describe-* shape).
format := "live" if {
	not is_object(input.change)
	not cfn_typed
	not config_item
}

# "config": `input` is an AWS Config configuration item of a live resource
# ({ResourceType, ResourceId, ResourceName, Configuration,
# SupplementaryConfiguration}); Configuration is in Config's own casing
# (camelCase for most types: publiclyAccessible, storageEncrypted).
format := "config" if {
	not is_object(input.change)
	not cfn_typed
	config_item
}

config_item if {
	is_string(input.ResourceType)
	has(input, "Configuration")
}

# Both kinds of live resource: the fix is a cloud API call.
live if format in {"live", "config"}

cfn_typed if {
	is_string(input.Type)
	contains(input.Type, "::")
}

# The resource type: the Terraform type (aws_instance) or the CloudFormation
# type (AWS::EC2::Instance, also for live objects, recognised by their ids).
type := input.type if format == "terraform"

type := input.Type if format == "cloudformation"

type := live_type if format == "live"

type := input.ResourceType if format == "config"

# Live objects carry no type: it is the first of these whose identifying
# keys the object has.
live_kinds := [
	["AWS::EC2::SecurityGroupIngress", ["SecurityGroupRuleId"]], # DescribeSecurityGroupRules
	["AWS::EC2::SecurityGroup", ["GroupId", "IpPermissions"]], # DescribeSecurityGroups
	["AWS::EC2::Instance", ["InstanceId"]], # DescribeInstances
	["AWS::EC2::LaunchTemplate", ["LaunchTemplateData"]], # DescribeLaunchTemplateVersions
	["AWS::EC2::Volume", ["VolumeId"]], # DescribeVolumes
	["AWS::EC2::EBSEncryptionByDefault", ["EbsEncryptionByDefault"]], # GetEbsEncryptionByDefault
	["AWS::RDS::DBInstance", ["DBInstanceIdentifier"]], # DescribeDBInstances
	["AWS::RDS::DBCluster", ["DBClusterIdentifier"]], # DescribeDBClusters
	["AWS::EFS::FileSystem", ["FileSystemId"]], # DescribeFileSystems
	["AWS::EC2::NetworkAcl", ["NetworkAclId", "Entries"]], # DescribeNetworkAcls
	["AWS::CloudTrail::Trail", ["TrailARN"]], # DescribeTrails
	["AWS::KMS::Key", ["KeyId", "KeyManager"]], # DescribeKey's KeyMetadata
	["AWS::IAM::AccountPasswordPolicy", ["MinimumPasswordLength"]], # GetAccountPasswordPolicy
	["AWS::Config::ConfigurationRecorders", ["Region", "ConfigurationRecorders"]], # a region's recorders
	["AWS::S3::Bucket", ["Name"]], # ListBuckets
]

live_types := [kind[0] |
	some kind in live_kinds
	count([k | some k in kind[1]; input[k] != null]) == count(kind[1])
]

live_type := live_types[0] if count(live_types) > 0

# The resource's attributes and their path from the input root: the plan's
# `change.after`, the template's `Properties`, or the API object itself.
attrs := input.change.after if {
	format == "terraform"
	is_object(input.change.after)
}

attrs := object.get(input, "Properties", {}) if {
	format == "cloudformation"
	is_object(object.get(input, "Properties", {}))
}

attrs := input if format == "live"

attrs := input.Configuration if {
	format == "config"
	is_object(input.Configuration)
}

attrs_path := ["change", "after"] if format == "terraform"

attrs_path := ["Properties"] if format == "cloudformation"

attrs_path := [] if format == "live"

attrs_path := ["Configuration"] if format == "config"

# How messages name the resource: the Terraform address, the CloudFormation
# type (the finding already carries the logical id), or the live object's id.
label := input.address if {
	format == "terraform"
	is_string(input.address)
}

label := input.type if {
	format == "terraform"
	not is_string(input.address)
}

label := input.Type if format == "cloudformation"

label := live_label if format == "live"

label := input.ResourceName if {
	format == "config"
	is_string(input.ResourceName)
	input.ResourceName != ""
}

label := input.ResourceId if {
	format == "config"
	not config_named
}

config_named if {
	is_string(input.ResourceName)
	input.ResourceName != ""
}

live_id_keys := [
	"SecurityGroupRuleId", "GroupId", "InstanceId", "LaunchTemplateId", "VolumeId",
	"DBInstanceIdentifier", "DBClusterIdentifier", "FileSystemId", "NetworkAclId", "KeyId", "Name", "Region",
]

live_ids := [id | some k in live_id_keys; id := input[k]; is_string(id)]

live_label := live_ids[0] if count(live_ids) > 0

live_label := type if count(live_ids) == 0

# ---------------------------------------------------------------------------
# Fields
# ---------------------------------------------------------------------------

# The value at `rel` (a path relative to attrs), null when absent.
get(rel) := object.get(attrs, rel, null)

# The path from the input root of the field at `rel`.
path(rel) := array.concat(attrs_path, rel)

# The path of the field at `rel` if it exists (even as null), else of its
# nearest existing parent: what a finding about a missing field points at.
locate(rel) := array.slice(full, 0, n) if {
	full := path(rel)
	n := max([i |
		some i in numbers.range(0, count(full))
		present(array.slice(full, 0, i))
	])
}

# The document has a member (perhaps null) at `p`.
present(p) if count(p) == 0

present(p) if {
	count(p) > 0
	parent := object.get(input, array.slice(p, 0, count(p) - 1), null)
	has(parent, p[count(p) - 1])
}

# `parent` has a member `k` (perhaps null). Spelled out rather than as
# `_ := parent[k]`, which regorus's VM treats as always defined.
has(parent, k) if {
	is_object(parent)
	k in object.keys(parent)
}

has(parent, k) if {
	is_array(parent)
	is_number(k)
	k >= 0
	k < count(parent)
}

# How messages name the field at `rel`: ingress[0].cidr_blocks[1].
field(rel) := concat("", [s | some i, k in rel; s := segment(i, k)])

segment(_, k) := s if {
	is_number(k)
	s := sprintf("[%d]", [k])
}

segment(0, k) := k if is_string(k)

segment(i, k) := s if {
	is_string(k)
	i > 0
	s := sprintf(".%s", [k])
}

# The value at `rel` is not known: it, or a parent, is marked unknown in the
# plan's after_unknown, is a redacted sensitive value, is a CloudFormation
# intrinsic function ({"Ref": …}, {"Fn::…": …}) or dynamic reference.
unknown(rel) if {
	some n in numbers.range(1, count(rel))
	opaque(object.get(attrs, array.slice(rel, 0, n), null))
}

unknown(rel) if {
	format == "terraform"
	after_unknown := object.get(input.change, "after_unknown", {})
	some n in numbers.range(0, count(rel))
	object.get(after_unknown, array.slice(rel, 0, n), false) == true
}

# A value that stands for something decided elsewhere.
opaque(v) if is_intrinsic(v)

opaque(v) if v == "<redacted>"

opaque(v) if {
	is_string(v)
	contains(v, "{{resolve:")
}

is_intrinsic(v) if {
	is_object(v)
	count(v) == 1
	some k, _ in v
	intrinsic_key(k)
}

intrinsic_key(k) if k in {"Ref", "Condition"}

intrinsic_key(k) if startswith(k, "Fn::")

# A literal: known and not standing for something else.
literal(v) if {
	v != null
	not opaque(v)
}

# Booleans as Terraform (true), CloudFormation ("true", "True") and the AWS
# API write them.
to_bool(v) := v if is_boolean(v)

to_bool(v) := true if {
	is_string(v)
	lower(v) == "true"
}

to_bool(v) := false if {
	is_string(v)
	lower(v) == "false"
}

# Integers, also CloudFormation's quoted ones ("22").
to_int(v) := v if is_number(v)

to_int(v) := n if {
	is_string(v)
	regex.match(`^-?[0-9]+$`, v)
	n := to_number(v)
}

# The known boolean at `rel`.
bool_at(rel) := b if {
	not unknown(rel)
	b := to_bool(get(rel))
}

# The field at `rel` is absent (or null) and that is known: Terraform would
# mark a value it does not know yet in after_unknown.
absent(rel) if {
	get(rel) == null
	not unknown(rel)
}

# A boolean setting named per shape (format), e.g.
#   flag({"terraform": ["publicly_accessible"], "cloudformation": ["PubliclyAccessible"],
#         "live": ["PubliclyAccessible"], "config": ["publiclyAccessible"]})
# is {value, path, field} when the value is known, undefined otherwise (and
# for shapes the names leave out).
flag(names) := {"value": b, "path": path(rel), "field": field(rel)} if {
	rel := names[format]
	b := bool_at(rel)
}

# The same setting when it is not set at all: {path (nearest parent), field}.
unset(names) := {"path": locate(rel), "field": field(rel)} if {
	rel := names[format]
	absent(rel)
}

# A finding, with `fix` (JSON Patch for templates, a named cloud action for
# live resources) when there is one.
finding(msg, p, fix) := result.finding(msg, p) if fix == null

finding(msg, p, fix) := result.finding_with_fix(msg, p, fix) if fix != null

# ---------------------------------------------------------------------------
# Security group ingress
# ---------------------------------------------------------------------------

# Every ingress permission from one CIDR, whatever the shape:
#   protocol   "tcp" | "udp" | "icmp" | "icmpv6" | "all" | another protocol number
#   from_port, to_port   numbers, or null when absent or not known
#   cidr, family ("IPv4" | "IPv6"), path (of the CIDR), rule (field name for messages)
#   fix        the narrowest fix, or null
# Permissions whose protocol or CIDR is not known are left out.
ingress contains p if {
	type in {"aws_security_group", "aws_default_security_group"}
	some i, rule in array_at(["ingress"])
	is_object(rule)
	some key, family in {"cidr_blocks": "IPv4", "ipv6_cidr_blocks": "IPv6"}
	some j, cidr in as_list(object.get(rule, key, []))
	p := permission(rule, tf_keys, cidr, {"family": family, "rel": ["ingress", i, key, j], "rule": sprintf("ingress[%d]", [i]), "fix": null})
}

ingress contains p if {
	type == "aws_security_group_rule"
	get(["type"]) == "ingress"
	some key, family in {"cidr_blocks": "IPv4", "ipv6_cidr_blocks": "IPv6"}
	some j, cidr in array_at([key])
	p := permission(attrs, tf_keys, cidr, {"family": family, "rel": [key, j], "rule": sprintf("%s[%d]", [key, j]), "fix": null})
}

ingress contains p if {
	type == "aws_vpc_security_group_ingress_rule"
	some key, family in {"cidr_ipv4": "IPv4", "cidr_ipv6": "IPv6"}
	p := permission(attrs, ["ip_protocol", "from_port", "to_port"], get([key]), {"family": family, "rel": [key], "rule": key, "fix": null})
}

ingress contains p if {
	type == "AWS::EC2::SecurityGroup"
	format == "cloudformation"
	some i, rule in array_at(["SecurityGroupIngress"])
	is_object(rule)
	some key, family in {"CidrIp": "IPv4", "CidrIpv6": "IPv6"}
	entry := path(["SecurityGroupIngress", i])
	fix := [
		{"op": "test", "path": entry, "value": rule},
		{"op": "remove", "path": entry},
	]
	p := permission(rule, cfn_keys, object.get(rule, key, null), {"family": family, "rel": ["SecurityGroupIngress", i, key], "rule": sprintf("SecurityGroupIngress[%d]", [i]), "fix": fix})
}

ingress contains p if {
	type == "AWS::EC2::SecurityGroupIngress"
	format == "cloudformation"
	some key, family in {"CidrIp": "IPv4", "CidrIpv6": "IPv6"}
	p := permission(attrs, cfn_keys, get([key]), {"family": family, "rel": [key], "rule": key, "fix": null})
}

ingress contains p if {
	type == "AWS::EC2::SecurityGroup"
	format == "live"
	some i, perm in array_at(["IpPermissions"])
	is_object(perm)
	some key, ranges in live_ranges
	some cidr_key, family in ranges
	some j, r in as_list(object.get(perm, key, []))
	is_object(r)
	cidr := object.get(r, cidr_key, null)
	fix := {
		"action": "ec2:RevokeSecurityGroupIngress",
		"params": {"GroupId": input.GroupId, "IpPermissions": [object.union(
			{k: v | some k, v in perm; k in {"IpProtocol", "FromPort", "ToPort"}; v != null},
			{key: [{cidr_key: cidr}]},
		)]},
	}
	p := permission(perm, cfn_keys, cidr, {"family": family, "rel": ["IpPermissions", i, key, j, cidr_key], "rule": sprintf("IpPermissions[%d].%s[%d]", [i, key, j]), "fix": fix})
}

ingress contains p if {
	type == "AWS::EC2::SecurityGroupIngress"
	format == "live"
	input.IsEgress == false
	some key, family in {"CidrIpv4": "IPv4", "CidrIpv6": "IPv6"}
	fix := {
		"action": "ec2:RevokeSecurityGroupIngress",
		"params": {"GroupId": input.GroupId, "SecurityGroupRuleIds": [input.SecurityGroupRuleId]},
	}
	p := permission(input, cfn_keys, get([key]), {"family": family, "rel": [key], "rule": key, "fix": fix})
}

# IpPermissions range lists: list key -> CIDR key -> family.
live_ranges := {"IpRanges": {"CidrIp": "IPv4"}, "Ipv6Ranges": {"CidrIpv6": "IPv6"}}

# One permission from `rule` (whose protocol and port fields are named by
# `keys`) and one CIDR; `at` carries family, rel (the CIDR's field), rule
# (its name in messages) and fix. (At most 8 function arguments: regorus's
# VM drops the rest.)
permission(rule, keys, cidr, at) := {
	"protocol": protocol(object.get(rule, keys[0], null)),
	"from_port": port(object.get(rule, keys[1], null)),
	"to_port": port(object.get(rule, keys[2], null)),
	"cidr": cidr,
	"family": at.family,
	"path": path(at.rel),
	"rule": at.rule,
	"fix": at.fix,
} if {
	is_object(rule)
	is_string(cidr)
	literal(cidr)
}

tf_keys := ["protocol", "from_port", "to_port"]

cfn_keys := ["IpProtocol", "FromPort", "ToPort"]

# The list at `rel`, or [] when it is absent or not a list.
array_at(rel) := as_list(get(rel))

as_list(v) := v if is_array(v)

as_list(v) := [] if not is_array(v)

# Protocol names as EC2 reads them: names or numbers, "-1" (and Terraform's
# "all") for every protocol. Undefined when not known.
protocol(v) := object.get(protocol_names, s, s) if {
	is_string(v)
	literal(v)
	s := lower(v)
}

protocol(v) := object.get(protocol_names, s, s) if {
	is_number(v)
	s := sprintf("%v", [v])
}

protocol_names := {
	"-1": "all", "all": "all",
	"6": "tcp", "tcp": "tcp",
	"17": "udp", "udp": "udp",
	"1": "icmp", "icmp": "icmp",
	"58": "icmpv6", "icmpv6": "icmpv6",
}

port(v) := n if n := to_int(v)

port(v) := null if not to_int(v)

# Open to the whole internet: a /0 prefix (0.0.0.0/0, ::/0).
open_to_world(p) if endswith(p.cidr, "/0")

# The permission lets traffic to `port` through, over TCP, UDP or every
# protocol (CIS AWS 5.2/5.3 count all three).
covers_port(p, _) if p.protocol == "all"

covers_port(p, n) if {
	p.protocol in {"tcp", "udp"}
	p.from_port <= n
	n <= p.to_port
}

# Every protocol, or every TCP or UDP port.
all_traffic(p) if p.protocol == "all"

all_traffic(p) if {
	p.protocol in {"tcp", "udp"}
	p.from_port <= 1
	p.to_port >= 65535
}

# ---------------------------------------------------------------------------
# Instance metadata service (IMDS)
# ---------------------------------------------------------------------------

# Where each shape sets the metadata options.
imds_block := ["metadata_options", 0] if type in {"aws_instance", "aws_launch_template", "aws_launch_configuration"}

imds_block := ["MetadataOptions"] if {
	format in {"cloudformation", "live"}
	type in {"AWS::EC2::Instance", "AWS::AutoScaling::LaunchConfiguration"}
}

imds_block := ["LaunchTemplateData", "MetadataOptions"] if {
	format in {"cloudformation", "live"}
	type == "AWS::EC2::LaunchTemplate"
}

imds_keys := {"tokens": "http_tokens", "endpoint": "http_endpoint"} if format == "terraform"

imds_keys := {"tokens": "HttpTokens", "endpoint": "HttpEndpoint"} if format != "terraform"

# The instance's (or template's) IMDS token setting, when it can be judged:
#   tokens  "required" | "optional" — the value set, or the default "optional"
#   set     whether it is set explicitly
#   path, field   the token field (or its nearest existing parent when unset)
#   fix_path      where a template fix sets it (CloudFormation), else null
# Left out: metadata endpoint disabled, token setting not known, instances
# whose options come from a launch template, live instances without options.
imds contains item if {
	block := imds_block
	not endpoint_disabled(block)
	rel := array.concat(block, [imds_keys.tokens])
	not unknown(rel)
	v := get(rel)
	is_string(v)
	v != ""
	item := {"tokens": lower(v), "set": true, "path": path(rel), "field": field(rel), "fix_path": imds_fix_path(rel)}
}

imds contains item if {
	block := imds_block
	not endpoint_disabled(block)
	rel := array.concat(block, [imds_keys.tokens])
	not unknown(rel)
	get(rel) in {null, ""}
	default_applies(block)
	shown := imds_shown(rel)
	item := {"tokens": "optional", "set": false, "path": locate(rel), "field": field(shown), "fix_path": imds_fix_path(rel)}
}

endpoint_disabled(block) if {
	v := get(array.concat(block, [imds_keys.endpoint]))
	is_string(v)
	lower(v) == "disabled"
}

# An unset token setting means the EC2 default ("optional") unless the
# options come from elsewhere or are not known.
default_applies(block) if {
	format != "live"
	not unknown(block)
	not options_from_launch_template(block)
}

# A live launch template version that does not set metadata options.
default_applies(block) if {
	format == "live"
	type == "AWS::EC2::LaunchTemplate"
	not unknown(block)
}

# An instance launched from a launch template gets its options from there
# (judged on the template), unless it sets them itself.
options_from_launch_template(block) if {
	type == "aws_instance"
	absent_block(["metadata_options"])
	lt := get(["launch_template"])
	is_array(lt)
	count(lt) > 0
}

options_from_launch_template(block) if {
	type == "aws_instance"
	unknown(["launch_template"])
}

options_from_launch_template(block) if {
	type == "AWS::EC2::Instance"
	get(block) == null
	get(["LaunchTemplate"]) != null
}

absent_block(rel) if get(rel) in {null, []}

# The field named in messages: without Terraform's block index when the
# block is missing altogether.
imds_shown(_) := ["metadata_options", "http_tokens"] if tf_options_absent

imds_shown(rel) := rel if not tf_options_absent

tf_options_absent if {
	format == "terraform"
	absent_block(["metadata_options"])
}

imds_fix_path(rel) := path(rel) if format == "cloudformation"

imds_fix_path(_) := null if format != "cloudformation"

# ---------------------------------------------------------------------------
# EBS volumes
# ---------------------------------------------------------------------------

# Every EBS volume the resource creates or describes whose encryption is
# known: {encrypted, set, path, field}. `set` is false when the template
# leaves encryption out and the volume is then unencrypted (a standalone
# CloudFormation volume not created from a snapshot; it is still encrypted
# when EBS encryption by default is on). Block device mappings that leave it
# out follow the AMI's or snapshot's encryption and are left out.
ebs_volumes contains v if {
	some rel in ebs_fields
	b := bool_at(rel)
	v := {"encrypted": b, "set": true, "path": path(rel), "field": field(rel)}
}

ebs_volumes contains v if {
	type == "AWS::EC2::Volume"
	format == "cloudformation"
	absent(["Encrypted"])
	absent(["SnapshotId"])
	v := {"encrypted": false, "set": false, "path": locate(["Encrypted"]), "field": "Encrypted"}
}

ebs_fields contains ["encrypted"] if type == "aws_ebs_volume"

ebs_fields contains ["Encrypted"] if type == "AWS::EC2::Volume"

ebs_fields contains rel if {
	type in {"aws_instance", "aws_launch_configuration"}
	some key in ["root_block_device", "ebs_block_device"]
	some i, _ in array_at([key])
	rel := [key, i, "encrypted"]
}

ebs_fields contains rel if {
	type == "aws_launch_template"
	some i, m in array_at(["block_device_mappings"])
	is_object(m)
	some j, _ in as_list(object.get(m, "ebs", []))
	rel := ["block_device_mappings", i, "ebs", j, "encrypted"]
}

ebs_fields contains rel if {
	format == "cloudformation"
	some base in block_device_mappings
	some i, _ in array_at(base)
	rel := array.concat(base, [i, "Ebs", "Encrypted"])
}

block_device_mappings contains ["BlockDeviceMappings"] if type in {"AWS::EC2::Instance", "AWS::AutoScaling::LaunchConfiguration"}

block_device_mappings contains ["LaunchTemplateData", "BlockDeviceMappings"] if type == "AWS::EC2::LaunchTemplate"

# ---------------------------------------------------------------------------
# S3 Block Public Access
# ---------------------------------------------------------------------------

# Each of the four Block Public Access settings of a bucket (or account):
# {setting, enabled, set, path, field, target}, `target` being where the
# setting goes when it is missing. A setting left out of a configuration that
# exists is off. A CloudFormation bucket without any configuration gets S3's
# default for new buckets (all four on) and yields nothing; so does a live
# bucket whose configuration was not collected.
public_access_block contains s if {
	type in {"aws_s3_bucket_public_access_block", "aws_s3_account_public_access_block"}
	some setting in public_access_settings
	rel := [setting]
	s := public_access_setting(setting, rel)
}

public_access_block contains s if {
	type == "AWS::S3::Bucket"
	conf := get(["PublicAccessBlockConfiguration"])
	is_object(conf)
	not unknown(["PublicAccessBlockConfiguration"])
	some setting in public_access_settings
	rel := ["PublicAccessBlockConfiguration", public_access_keys[setting]]
	s := public_access_setting(setting, rel)
}

# AWS Config: the bucket's supplementary configuration, in camelCase.
public_access_block contains s if {
	format == "config"
	type == "AWS::S3::Bucket"
	conf := object.get(input, ["SupplementaryConfiguration", "PublicAccessBlockConfiguration"], null)
	is_object(conf)
	some setting in public_access_settings
	name := public_access_keys[setting]
	key := config_key(conf, name)
	b := to_bool(conf[key])
	p := ["SupplementaryConfiguration", "PublicAccessBlockConfiguration", key]
	s := {"setting": name, "enabled": b, "set": true, "path": p, "field": field(p), "target": p}
}

# The key of `obj` that is `name` in camelCase (AWS Config) or as given.
config_key(obj, name) := k if {
	k := concat("", [lower(substring(name, 0, 1)), substring(name, 1, -1)])
	has(obj, k)
}

config_key(obj, name) := name if {
	camel := concat("", [lower(substring(name, 0, 1)), substring(name, 1, -1)])
	not has(obj, camel)
	has(obj, name)
}

public_access_settings := ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"]

public_access_keys := {
	"block_public_acls": "BlockPublicAcls",
	"block_public_policy": "BlockPublicPolicy",
	"ignore_public_acls": "IgnorePublicAcls",
	"restrict_public_buckets": "RestrictPublicBuckets",
}

public_access_setting(setting, rel) := {"setting": public_access_keys[setting], "enabled": b, "set": true, "path": path(rel), "field": field(rel), "target": path(rel)} if {
	b := bool_at(rel)
}

public_access_setting(setting, rel) := {"setting": public_access_keys[setting], "enabled": false, "set": false, "path": locate(rel), "field": field(rel), "target": path(rel)} if {
	format != "live"
	absent(rel)
}

# ---------------------------------------------------------------------------
# S3 ACLs
# ---------------------------------------------------------------------------

# Every ACL grant to everyone or to every AWS account: canned ACLs
# (public-read, PublicReadWrite, …) and explicit grants to the AllUsers and
# AuthenticatedUsers groups. {grantee, access, value, path, field}. Live
# buckets: the Grants of GetBucketAcl on the bucket object.
public_grants contains g if {
	type in {"aws_s3_bucket_acl", "aws_s3_bucket", "AWS::S3::Bucket"}
	some key in ["acl", "AccessControl"]
	v := get([key])
	is_string(v)
	canned := public_canned_acls[v]
	g := {"grantee": canned[0], "access": canned[1], "value": v, "path": path([key]), "field": key}
}

public_grants contains g if {
	some rel, access in grant_fields
	uri := get(rel)
	is_string(uri)
	grantee := public_groups[uri]
	g := {"grantee": grantee, "access": access, "value": uri, "path": path(rel), "field": field(rel)}
}

public_canned_acls := {
	"public-read": ["everyone", "READ"],
	"public-read-write": ["everyone", "READ and WRITE"],
	"authenticated-read": ["every AWS account", "READ"],
	"PublicRead": ["everyone", "READ"],
	"PublicReadWrite": ["everyone", "READ and WRITE"],
	"AuthenticatedRead": ["every AWS account", "READ"],
}

public_groups := {
	"http://acs.amazonaws.com/groups/global/AllUsers": "everyone",
	"http://acs.amazonaws.com/groups/global/AuthenticatedUsers": "every AWS account",
	# AWS Config names the groups without their URI
	"AllUsers": "everyone",
	"AuthenticatedUsers": "every AWS account",
}

# AWS Config: SupplementaryConfiguration.AccessControlList.grantList, the
# list perhaps still a JSON string (Config double-encodes it).
public_grants contains g if {
	format == "config"
	type == "AWS::S3::Bucket"
	acl := config_acl
	some i, grant in as_list(object.get(acl, "grantList", []))
	grantee := object.get(grant, "grantee", null)
	is_string(grantee)
	who := public_groups[grantee]
	p := ["SupplementaryConfiguration", "AccessControlList", "grantList", i, "grantee"]
	g := {"grantee": who, "access": upper(object.get(grant, "permission", "")), "value": grantee, "path": p, "field": field(array.slice(p, 1, count(p)))}
}

config_acl := acl if {
	acl := input.SupplementaryConfiguration.AccessControlList
	is_object(acl)
}

config_acl := acl if {
	text := input.SupplementaryConfiguration.AccessControlList
	is_string(text)
	json.is_valid(text)
	acl := json.unmarshal(text)
	is_object(acl)
}

# The DB instance identifier of a live RDS instance, for fixes.
db_instance_identifier := input.DBInstanceIdentifier if format == "live"

db_instance_identifier := input.Configuration.dBInstanceIdentifier if {
	format == "config"
	is_string(input.Configuration.dBInstanceIdentifier)
}

db_instance_identifier := input.ResourceName if {
	format == "config"
	not is_string(input.Configuration.dBInstanceIdentifier)
}

# Path of each grantee URI -> the access it is granted.
grant_fields[rel] := access if {
	type == "aws_s3_bucket_acl"
	some i, grant in as_list(get(["access_control_policy", 0, "grant"]))
	some j, _ in as_list(object.get(grant, "grantee", []))
	rel := ["access_control_policy", 0, "grant", i, "grantee", j, "uri"]
	access := object.get(grant, "permission", "")
}

grant_fields[rel] := access if {
	type == "aws_s3_bucket"
	some i, grant in array_at(["grant"])
	rel := ["grant", i, "uri"]
	access := concat(" and ", as_list(object.get(grant, "permissions", [])))
}

grant_fields[rel] := access if {
	format == "live"
	type == "AWS::S3::Bucket"
	some i, grant in array_at(["Grants"])
	rel := ["Grants", i, "Grantee", "URI"]
	access := object.get(grant, "Permission", "")
}

# ---------------------------------------------------------------------------
# IAM account password policy
# ---------------------------------------------------------------------------

# The live password policy as iam:UpdateAccountPasswordPolicy parameters
# (the call replaces the whole policy, so a fix carries every setting).
password_policy_params := {k: v |
	some k, v in input
	k in {
		"MinimumPasswordLength", "RequireSymbols", "RequireNumbers", "RequireUppercaseCharacters",
		"RequireLowercaseCharacters", "AllowUsersToChangePassword", "MaxPasswordAge",
		"PasswordReusePrevention", "HardExpiry",
	}
}

# The fix raising one setting of the live password policy to `value`.
password_policy_fix(key, value) := {
	"action": "iam:UpdateAccountPasswordPolicy",
	"params": object.union(password_policy_params, {key: value}),
}
