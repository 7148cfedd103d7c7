package assay.kubernetes.bestpractice.host_port

import rego.v1

test_host_port_denied if {
	some f in deny with input as {"kind": "Pod", "spec": {"containers": [{"name": "a", "ports": [{"containerPort": 80}, {"containerPort": 443, "hostPort": 443}]}]}}
	f.msg == "container \"a\" binds hostPort 443 on the node"
	f.path == ["spec", "containers", 0, "ports", 1, "hostPort"]
}

test_init_containers_checked if {
	count(deny) == 1 with input as {"kind": "DaemonSet", "spec": {"template": {"spec": {"initContainers": [{"name": "i", "ports": [{"containerPort": 9, "hostPort": 9}]}]}}}}
}

test_no_or_zero_host_port_passes if {
	count(deny) == 0 with input as {"kind": "Pod", "spec": {"containers": [
		{"name": "a", "ports": [{"containerPort": 80, "hostPort": 0}, {"containerPort": 81, "hostPort": null}]},
		{"name": "b", "ports": null},
		{"name": "c"},
	]}}
}

test_host_network_pods_skipped if {
	count(deny) == 0 with input as {"kind": "Pod", "spec": {"hostNetwork": true, "containers": [{"name": "a", "ports": [{"containerPort": 9100, "hostPort": 9100}]}]}}
	count(deny) == 1 with input as {"kind": "Pod", "spec": {"hostNetwork": false, "containers": [{"name": "a", "ports": [{"containerPort": 9100, "hostPort": 9100}]}]}}
}
