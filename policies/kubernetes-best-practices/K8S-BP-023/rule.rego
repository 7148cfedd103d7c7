# METADATA
# title: Services should not be of type NodePort
# description: >-
#   A NodePort Service opens a port from the 30000-32767 range on every
#   node's IP, which bypasses the ingress path, is easy to leave reachable
#   from outside the cluster network, and ties clients to node addresses.
#   Fails when spec.type is NodePort. (LoadBalancer Services also allocate
#   node ports, but as plumbing for the load balancer; see K8S-BP-024.)
# custom:
#   id: K8S-BP-023
#   severity: low
#   kinds: [Service]
#   frameworks:
#     best-practices: [networking]
#   remediation: >-
#     Use type ClusterIP behind an Ingress or Gateway, or a LoadBalancer with
#     loadBalancerSourceRanges, instead of NodePort.
package assay.kubernetes.bestpractice.nodeport

import rego.v1

deny contains {"msg": msg, "path": ["spec", "type"]} if {
	input.spec.type == "NodePort"
	msg := "Service of type NodePort exposes its ports on every node"
}
