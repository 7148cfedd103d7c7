# METADATA
# title: Network ACLs must not allow remote administration from the internet
# description: >-
#   A network ACL admitting SSH (22) or RDP (3389) from 0.0.0.0/0 or ::/0
#   leaves security groups as the only barrier. Flags ALLOW ingress entries
#   from a /0 CIDR over TCP, UDP or all protocols covering 22 or 3389, except
#   ports a lower-numbered DENY of the same ACL blocks from everywhere.
# custom:
#   id: AWS-EC2-008
#   severity: medium
#   kinds: [aws_network_acl, aws_default_network_acl, aws_network_acl_rule, "AWS::EC2::NetworkAclEntry", "AWS::EC2::NetworkAcl"]
#   frameworks:
#     cis-aws: ["5.1"]
#   remediation: >-
#     Narrow the entry's CIDR to the administration network, or add a
#     lower-numbered DENY entry for ports 22 and 3389 from 0.0.0.0/0 and ::/0
#     ahead of broad ALLOW entries (such as ephemeral port ranges).
package assay.aws.ec2.nacl_admin_ports

import rego.v1

import data.assay.lib.aws

admin_ports := {22: "SSH (22)", 3389: "RDP (3389)"}

deny contains aws.finding(msg, e.path, null) if {
	some e in entries
	e.allow
	aws.open_to_world(e)
	open := [admin_ports[p] | some p in [22, 3389]; reaches(e, p)]
	count(open) > 0
	msg := sprintf("%s allows %s from %s in %s", [aws.label, concat(" and ", open), e.cidr, e.name])
}

# Some TCP or UDP traffic to `port` from everywhere gets through `e`: it
# carries that traffic and no earlier DENY of the same ACL, from everywhere
# in the same address family, blocks it.
reaches(e, port) if {
	some proto in ["tcp", "udp"]
	carries(e, proto, port)
	not denied_before(e, proto, port)
}

carries(e, _, _) if e.protocol == "all"

carries(e, proto, port) if {
	e.protocol == proto
	aws.covers_port(e, port)
}

denied_before(e, proto, port) if {
	some d in entries
	not d.allow
	d.acl == e.acl
	d.acl != null
	is_number(d.number)
	is_number(e.number)
	d.number < e.number
	d.family == e.family
	aws.open_to_world(d)
	carries(d, proto, port)
}

# Ingress entries: {protocol, from_port, to_port, cidr, family, allow,
# number (null when not known), acl ("this" for entries of the whole ACL in
# `input`, null for a standalone entry whose siblings are not visible), path,
# name}.
entries contains e if {
	aws.type in {"aws_network_acl", "aws_default_network_acl"}
	some i, r in aws.array_at(["ingress"])
	is_object(r)
	some key, family in {"cidr_block": "IPv4", "ipv6_cidr_block": "IPv6"}
	e := entry(r, ["protocol", "from_port", "to_port", "action", "rule_no"], key, family, ["ingress", i, key], sprintf("ingress[%d]", [i]), "this")
}

entries contains e if {
	aws.type == "aws_network_acl_rule"
	egress := object.get(aws.attrs, "egress", false)
	aws.to_bool(egress) == false
	some key, family in {"cidr_block": "IPv4", "ipv6_cidr_block": "IPv6"}
	e := entry(aws.attrs, ["protocol", "from_port", "to_port", "rule_action", "rule_number"], key, family, [key], key, null)
}

entries contains e if {
	aws.type == "AWS::EC2::NetworkAclEntry"
	aws.to_bool(object.get(aws.attrs, "Egress", false)) == false
	r := object.union(aws.attrs, port_range(object.get(aws.attrs, "PortRange", null)))
	some key, family in {"CidrBlock": "IPv4", "Ipv6CidrBlock": "IPv6"}
	e := entry(r, ["Protocol", "From", "To", "RuleAction", "RuleNumber"], key, family, [key], key, null)
}

entries contains e if {
	aws.format == "live"
	aws.type == "AWS::EC2::NetworkAcl"
	some i, r in aws.array_at(["Entries"])
	is_object(r)
	r.Egress == false
	rr := object.union(r, port_range(object.get(r, "PortRange", null)))
	some key, family in {"CidrBlock": "IPv4", "Ipv6CidrBlock": "IPv6"}
	e := entry(rr, ["Protocol", "From", "To", "RuleAction", "RuleNumber"], key, family, ["Entries", i, key], sprintf("Entries[%d] (rule %v)", [i, object.get(r, "RuleNumber", "?")]), "this")
}

# PortRange {From, To} as entry fields; null (all protocols) has none.
port_range(range) := {"From": object.get(range, "From", null), "To": object.get(range, "To", null)} if is_object(range)

port_range(range) := {"From": null, "To": null} if not is_object(range)

# keys: protocol, from, to, action, number.
entry(r, keys, cidr_key, family, rel, name, acl) := {
	"protocol": aws.protocol(object.get(r, keys[0], null)),
	"from_port": aws.port(object.get(r, keys[1], null)),
	"to_port": aws.port(object.get(r, keys[2], null)),
	"cidr": cidr,
	"family": family,
	"allow": lower(action) == "allow",
	"number": aws.port(object.get(r, keys[4], null)),
	"acl": acl,
	"path": aws.path(rel),
	"name": name,
} if {
	is_object(r)
	cidr := object.get(r, cidr_key, null)
	is_string(cidr)
	aws.literal(cidr)
	action := object.get(r, keys[3], null)
	is_string(action)
	aws.literal(action)
}
