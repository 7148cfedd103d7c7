package assay.kubernetes.bestpractice.loadbalancer_source_ranges

import rego.v1

lb(extra) := object.union({"kind": "Service", "metadata": {"name": "s"}, "spec": {"type": "LoadBalancer", "ports": [{"port": 443}]}}, extra)

test_open_load_balancer_warns if {
	some f in warn with input as lb({})
	f.msg == "LoadBalancer Service accepts traffic from any address (no loadBalancerSourceRanges)"
	f.path == ["spec", "type"]
	count(warn) == 1 with input as lb({"spec": {"loadBalancerSourceRanges": []}})
	count(warn) == 1 with input as lb({"metadata": {"annotations": {"service.beta.kubernetes.io/aws-load-balancer-internal": "false"}}})
	count(warn) == 1 with input as lb({"metadata": {"annotations": {"service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing"}}})
}

test_source_ranges_pass if {
	count(warn) == 0 with input as lb({"spec": {"loadBalancerSourceRanges": ["10.0.0.0/8"]}})
	count(warn) == 0 with input as lb({"spec": {"loadBalancerSourceRanges": ["0.0.0.0/0"]}})
	count(warn) == 0 with input as lb({"metadata": {"annotations": {"service.beta.kubernetes.io/load-balancer-source-ranges": "203.0.113.0/24"}}})
}

test_internal_load_balancers_pass if {
	count(warn) == 0 with input as lb({"metadata": {"annotations": {"service.beta.kubernetes.io/aws-load-balancer-internal": "true"}}})
	count(warn) == 0 with input as lb({"metadata": {"annotations": {"service.beta.kubernetes.io/aws-load-balancer-scheme": "internal"}}})
	count(warn) == 0 with input as lb({"metadata": {"annotations": {"networking.gke.io/load-balancer-type": "Internal"}}})
	count(warn) == 0 with input as lb({"metadata": {"annotations": {"service.beta.kubernetes.io/azure-load-balancer-internal": "true"}}})
}

test_other_types_pass if {
	count(warn) == 0 with input as {"kind": "Service", "spec": {"type": "ClusterIP"}}
	count(warn) == 0 with input as {"kind": "Service", "spec": {}}
}
