package assay.kubernetes.pss.host_probes

import rego.v1

test_probe_host_denied if {
	some f in deny with input as {"kind": "Pod", "spec": {"containers": [{"name": "a", "livenessProbe": {"httpGet": {"host": "example.com", "port": 80}}}]}}
	f.msg == "container \"a\" uses probe or lifecycle host \"example.com\""
	f.path == ["spec", "containers", 0, "livenessProbe", "httpGet", "host"]
}

test_lifecycle_host_denied if {
	some f in deny with input as {"kind": "Pod", "spec": {"containers": [{"name": "a", "lifecycle": {"preStop": {"tcpSocket": {"host": "127.0.0.1", "port": 1}}}}]}}
	f.path == ["spec", "containers", 0, "lifecycle", "preStop", "tcpSocket", "host"]
}

test_no_host_allowed if {
	count(deny) == 0 with input as {"kind": "Pod", "spec": {"containers": [{"name": "a", "readinessProbe": {"httpGet": {"host": "", "port": 80}}, "startupProbe": {"tcpSocket": {"port": 80}}}]}}
}
