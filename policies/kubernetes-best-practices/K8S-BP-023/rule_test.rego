package assay.kubernetes.bestpractice.nodeport

import rego.v1

test_nodeport_denied if {
	some f in deny with input as {"kind": "Service", "spec": {"type": "NodePort", "ports": [{"port": 80, "nodePort": 30080}]}}
	f.msg == "Service of type NodePort exposes its ports on every node"
	f.path == ["spec", "type"]
}

test_other_types_pass if {
	count(deny) == 0 with input as {"kind": "Service", "spec": {"ports": [{"port": 80}]}}
	count(deny) == 0 with input as {"kind": "Service", "spec": {"type": "ClusterIP"}}
	count(deny) == 0 with input as {"kind": "Service", "spec": {"type": "LoadBalancer"}}
	count(deny) == 0 with input as {"kind": "Service", "spec": {"type": "ExternalName", "externalName": "db.example.com"}}
}
