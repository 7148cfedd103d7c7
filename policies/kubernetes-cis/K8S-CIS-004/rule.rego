# METADATA
# title: Roles should not grant permission to create pods
# description: >-
#   Whoever can create pods in a namespace can run them as any service account
#   of that namespace and mount what the admission policy lets through, a
#   path to privilege escalation. CIS 5.1.4 asks to minimize create access to
#   pod objects. Every rule of a Role or ClusterRole granting create (or "*")
#   on pods (or "*") in the core API group is reported, except built-in
#   roles.
# custom:
#   id: K8S-CIS-004
#   severity: medium
#   kinds: [Role, ClusterRole]
#   frameworks:
#     cis-kubernetes: ["5.1.4"]
#   remediation: >-
#     Remove create on pods from the rule unless the subject must create pods directly.
package assay.kubernetes.cis.create_pods

import rego.v1

import data.assay.lib.rbac

deny contains {"msg": rbac.grant_message(g), "path": g.path} if {
	some g in rbac.grants({""}, {"pods"}, {"create"}, true)
}
