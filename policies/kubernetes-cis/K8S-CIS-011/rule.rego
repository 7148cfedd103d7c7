# METADATA
# title: Roles should not grant permission to approve certificate signing requests
# description: >-
#   Whoever can update the approval subresource of CertificateSigningRequests
#   can approve client certificates for any user or group, up to cluster
#   administrator. CIS 5.1.11 asks to minimize this access. Every rule of a
#   Role or ClusterRole granting update or patch (or "*") on
#   certificatesigningrequests/approval (or "*", "*/approval") in
#   certificates.k8s.io is reported, except built-in roles.
# custom:
#   id: K8S-CIS-011
#   severity: high
#   kinds: [Role, ClusterRole]
#   frameworks:
#     cis-kubernetes: ["5.1.11"]
#   remediation: >-
#     Remove certificatesigningrequests/approval from the rule; leave approval to the controller manager or a dedicated approver.
package assay.kubernetes.cis.csr_approval

import rego.v1

import data.assay.lib.rbac

deny contains {"msg": rbac.grant_message(g), "path": g.path} if {
	some g in rbac.grants({"certificates.k8s.io"}, {"certificatesigningrequests/approval"}, {"update", "patch"}, false)
}
