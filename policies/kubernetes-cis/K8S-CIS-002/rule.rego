# METADATA
# title: Roles should not grant read access to secrets
# description: >-
#   Secrets hold service account tokens and workload credentials; whoever can
#   read them can take over those identities. CIS 5.1.2 asks to minimize get,
#   list and watch on secrets. Every rule of a Role or ClusterRole granting one
#   of these verbs (or "*") on secrets (or "*") in the core API group is
#   reported, except rules limited to named secrets by resourceNames and
#   built-in roles.
# custom:
#   id: K8S-CIS-002
#   severity: high
#   kinds: [Role, ClusterRole]
#   frameworks:
#     cis-kubernetes: ["5.1.2"]
#   remediation: >-
#     Remove get, list and watch on secrets from the rule, or limit it to the
#     secrets the subject needs with resourceNames.
package assay.kubernetes.cis.secrets_access

import rego.v1

import data.assay.lib.rbac

deny contains {"msg": rbac.grant_message(g), "path": g.path} if {
	some g in rbac.grants({""}, {"secrets"}, {"get", "list", "watch"}, true)
}
