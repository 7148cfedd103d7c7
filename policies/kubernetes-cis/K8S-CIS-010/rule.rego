# METADATA
# title: Roles should not grant access to the proxy subresource of nodes
# description: >-
#   nodes/proxy gives direct access to the kubelet API, which can run commands
#   in any container on the node and bypasses audit logging and admission
#   control. CIS 5.1.10 asks to minimize access to it. Every rule of a Role or
#   ClusterRole granting any verb on nodes/proxy (or "*", "*/proxy") in the
#   core API group is reported, except built-in roles.
# custom:
#   id: K8S-CIS-010
#   severity: high
#   kinds: [Role, ClusterRole]
#   frameworks:
#     cis-kubernetes: ["5.1.10"]
#   remediation: >-
#     Remove nodes/proxy from the rule; read node metrics through the metrics API instead.
package assay.kubernetes.cis.node_proxy

import rego.v1

import data.assay.lib.rbac

deny contains {"msg": rbac.grant_message(g), "path": g.path} if {
	some g in rbac.grants({""}, {"nodes/proxy"}, {"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "proxy"}, false)
}
