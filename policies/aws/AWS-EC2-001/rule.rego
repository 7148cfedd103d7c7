# METADATA
# title: Security groups must not allow SSH from the internet
# description: >-
#   SSH open to the whole internet invites brute-force and exploit attempts on
#   every instance in the group. Flags each ingress permission from 0.0.0.0/0
#   or ::/0 whose protocol is TCP, UDP or all (-1) and whose port range
#   includes 22, in Terraform plans, CloudFormation templates and live groups.
# custom:
#   id: AWS-EC2-001
#   severity: high
#   kinds: [aws_security_group, aws_default_security_group, aws_security_group_rule, aws_vpc_security_group_ingress_rule, "AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"]
#   frameworks:
#     cis-aws: ["5.2", "5.3"]
#   remediation: >-
#     Remove the permission, or narrow its source to the address range that
#     administers the instances (VPN, bastion); prefer SSM Session Manager to SSH.
package assay.aws.ec2.ssh_from_internet

import rego.v1

import data.assay.lib.aws

deny contains aws.finding(msg, p.path, p.fix) if {
	some p in aws.ingress
	aws.open_to_world(p)
	aws.covers_port(p, 22)
	msg := sprintf("%s allows SSH (22) from %s in %s", [aws.label, p.cidr, p.rule])
}
