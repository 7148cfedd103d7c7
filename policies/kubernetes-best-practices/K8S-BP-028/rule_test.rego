package assay.kubernetes.bestpractice.external_ips

import rego.v1

test_external_ips_warn if {
	some f in warn with input as {"kind": "Service", "spec": {"externalIPs": ["203.0.113.10", "203.0.113.11"]}}
	f.msg == "Service sets spec.externalIPs 203.0.113.10, 203.0.113.11, capturing traffic for those addresses on every node"
	f.path == ["spec", "externalIPs"]
}

test_no_external_ips_pass if {
	count(warn) == 0 with input as {"kind": "Service", "spec": {"ports": [{"port": 80}]}}
	count(warn) == 0 with input as {"kind": "Service", "spec": {"externalIPs": []}}
	count(warn) == 0 with input as {"kind": "Service", "spec": {"externalIPs": null}}
}
