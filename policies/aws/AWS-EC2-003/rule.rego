# METADATA
# title: Security groups must not allow all traffic from the internet
# description: >-
#   A permission for every protocol (-1), or for every TCP or UDP port, from
#   0.0.0.0/0 or ::/0 exposes every service on every instance in the group,
#   including remote administration ports. Flags such ingress permissions in
#   Terraform plans, CloudFormation templates and live groups.
# custom:
#   id: AWS-EC2-003
#   severity: critical
#   kinds: [aws_security_group, aws_default_security_group, aws_security_group_rule, aws_vpc_security_group_ingress_rule, "AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"]
#   frameworks:
#     cis-aws: ["5.2", "5.3"]
#   remediation: >-
#     Replace the permission with ones for the ports the service needs, from
#     the sources that need them (for example tcp 443 from 0.0.0.0/0 for a
#     public web server).
package assay.aws.ec2.all_traffic_from_internet

import rego.v1

import data.assay.lib.aws

deny contains aws.finding(msg, p.path, p.fix) if {
	some p in aws.ingress
	aws.open_to_world(p)
	aws.all_traffic(p)
	msg := sprintf("%s allows %s from %s in %s", [aws.label, what(p), p.cidr, p.rule])
}

what(p) := "all traffic" if p.protocol == "all"

what(p) := s if {
	p.protocol != "all"
	s := sprintf("all %s ports (%d-%d)", [upper(p.protocol), p.from_port, p.to_port])
}
