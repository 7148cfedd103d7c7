package assay.kubernetes.pss.host_ports

import rego.v1

test_host_port_denied if {
	some f in deny with input as {"kind": "Pod", "spec": {"containers": [{"name": "a", "ports": [{"containerPort": 80, "hostPort": 80}]}]}}
	f.msg == "container \"a\" uses hostPort 80"
}

test_zero_or_unset_allowed if {
	count(deny) == 0 with input as {"kind": "Pod", "spec": {"containers": [{"name": "a", "ports": [{"containerPort": 80, "hostPort": 0}, {"containerPort": 81}]}]}}
}

test_init_container_ports_checked if {
	count(deny) == 1 with input as {"kind": "ReplicaSet", "spec": {"template": {"spec": {"initContainers": [{"name": "i", "ports": [{"hostPort": 9000}]}]}}}}
}
