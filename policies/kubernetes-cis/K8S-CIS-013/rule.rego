# METADATA
# title: Roles should not grant permission to create service account tokens
# description: >-
#   Whoever can create the token subresource of a ServiceAccount can mint
#   credentials for it that outlive the creator's own access. CIS 5.1.13 asks
#   to minimize this access. Every rule of a Role or ClusterRole granting
#   create (or "*") on serviceaccounts/token (or "*", "*/token") in the core
#   API group is reported, except built-in roles.
# custom:
#   id: K8S-CIS-013
#   severity: medium
#   kinds: [Role, ClusterRole]
#   frameworks:
#     cis-kubernetes: ["5.1.13"]
#   remediation: >-
#     Remove serviceaccounts/token from the rule; let the kubelet mount projected tokens into pods instead.
package assay.kubernetes.cis.service_account_token

import rego.v1

import data.assay.lib.rbac

deny contains {"msg": rbac.grant_message(g), "path": g.path} if {
	some g in rbac.grants({""}, {"serviceaccounts/token"}, {"create"}, false)
}
