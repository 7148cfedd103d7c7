# METADATA
# title: LoadBalancer Services should restrict their source ranges
# description: >-
#   Advisory. A LoadBalancer Service usually gets a public address open to
#   the whole internet. Warns when spec.type is LoadBalancer, neither
#   spec.loadBalancerSourceRanges nor the
#   service.beta.kubernetes.io/load-balancer-source-ranges annotation is set,
#   and no cloud annotation makes the load balancer internal (AWS, GKE,
#   Azure, OCI, OpenStack, IBM, Alibaba). An intentionally public endpoint
#   can state that with `loadBalancerSourceRanges: [0.0.0.0/0]`.
# custom:
#   id: K8S-BP-024
#   severity: medium
#   kinds: [Service]
#   frameworks:
#     best-practices: [networking]
#   remediation: >-
#     Set spec.loadBalancerSourceRanges to the client CIDRs that need access,
#     make the load balancer internal with your cloud's annotation, or publish
#     HTTP services through an Ingress or Gateway instead.
package assay.kubernetes.bestpractice.loadbalancer_source_ranges

import rego.v1

# Annotation → values (lower-cased) that make the load balancer internal.
internal_annotations := {
	"service.beta.kubernetes.io/aws-load-balancer-scheme": {"internal"},
	"networking.gke.io/load-balancer-type": {"internal"},
	"cloud.google.com/load-balancer-type": {"internal"},
	"service.beta.kubernetes.io/azure-load-balancer-internal": {"true"},
	"service.beta.kubernetes.io/oci-load-balancer-internal": {"true"},
	"oci-network-load-balancer.oraclecloud.com/internal": {"true"},
	"service.beta.kubernetes.io/openstack-internal-load-balancer": {"true"},
	"service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type": {"private"},
	"service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type": {"intranet"},
}

annotations := object.get(input, ["metadata", "annotations"], {})

warn contains {"msg": msg, "path": ["spec", "type"]} if {
	input.spec.type == "LoadBalancer"
	not restricted
	not internal
	msg := "LoadBalancer Service accepts traffic from any address (no loadBalancerSourceRanges)"
}

restricted if {
	ranges := input.spec.loadBalancerSourceRanges
	is_array(ranges)
	count(ranges) > 0
}

restricted if {
	ranges := annotations["service.beta.kubernetes.io/load-balancer-source-ranges"]
	is_string(ranges)
	trim_space(ranges) != ""
}

internal if {
	some key, values in internal_annotations
	lower(sprintf("%v", [annotations[key]])) in values
}

# The in-tree AWS provider treats any value but "false" as internal.
internal if {
	value := annotations["service.beta.kubernetes.io/aws-load-balancer-internal"]
	lower(sprintf("%v", [value])) != "false"
}
