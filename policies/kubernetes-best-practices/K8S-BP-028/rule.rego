# METADATA
# title: Services should not set externalIPs
# description: >-
#   Advisory. kube-proxy sends traffic for a Service's externalIPs to the
#   Service from every node, whoever owns those addresses, which is how
#   CVE-2020-8554 lets a Service intercept traffic meant for other hosts;
#   Kubernetes recommends blocking the field with the DenyServiceExternalIPs
#   admission plugin. Warns when spec.externalIPs is non-empty.
# custom:
#   id: K8S-BP-028
#   severity: medium
#   kinds: [Service]
#   frameworks:
#     best-practices: [security]
#   triggers: [externalIPs]
#   remediation: >-
#     Remove spec.externalIPs and expose the Service through a LoadBalancer
#     (e.g. MetalLB on bare metal), an Ingress or a Gateway.
package assay.kubernetes.bestpractice.external_ips

import rego.v1

warn contains {"msg": msg, "path": ["spec", "externalIPs"]} if {
	ips := input.spec.externalIPs
	is_array(ips)
	count(ips) > 0
	msg := sprintf("Service sets spec.externalIPs %v, capturing traffic for those addresses on every node", [concat(", ", [sprintf("%v", [ip]) | some ip in ips])])
}
