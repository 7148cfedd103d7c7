# METADATA
# title: Roles should not grant permission to change admission webhook configurations
# description: >-
#   Whoever can create, change or delete validating or mutating webhook
#   configurations can read, change or let through every object admitted to
#   the cluster. CIS 5.1.12 asks to minimize this access. Every rule of a Role
#   or ClusterRole granting create, update, patch, delete or deletecollection
#   (or "*") on validatingwebhookconfigurations or
#   mutatingwebhookconfigurations (or "*") in admissionregistration.k8s.io is
#   reported, except built-in roles.
# custom:
#   id: K8S-CIS-012
#   severity: high
#   kinds: [Role, ClusterRole]
#   frameworks:
#     cis-kubernetes: ["5.1.12"]
#   remediation: >-
#     Remove write access to validatingwebhookconfigurations and mutatingwebhookconfigurations from the rule.
package assay.kubernetes.cis.webhook_configurations

import rego.v1

import data.assay.lib.rbac

deny contains {"msg": rbac.grant_message(g), "path": g.path} if {
	some g in rbac.grants({"admissionregistration.k8s.io"}, {"validatingwebhookconfigurations", "mutatingwebhookconfigurations"}, {"create", "update", "patch", "delete", "deletecollection"}, false)
}
