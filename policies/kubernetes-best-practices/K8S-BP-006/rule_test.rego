package assay.kubernetes.bestpractice.liveness_probe

import rego.v1

test_missing_probe_warns if {
	some f in warn with input as {"kind": "DaemonSet", "spec": {"template": {"spec": {"containers": [{"name": "a"}]}}}}
	f.msg == "container \"a\" has no livenessProbe (no container in the pod has one)"
	f.path == ["spec", "template", "spec", "containers", 0]
}

test_reported_on_the_container_with_ports if {
	findings := warn with input as {"kind": "Pod", "spec": {"containers": [{"name": "log"}, {"name": "app", "ports": [{"containerPort": 8080}]}]}}
	{f.path | some f in findings} == {["spec", "containers", 1]}
}

test_probe_present if {
	count(warn) == 0 with input as {"kind": "Pod", "spec": {"containers": [{"name": "app", "livenessProbe": {"tcpSocket": {"port": 8080}}}]}}
}

test_init_and_ephemeral_probes_do_not_count if {
	count(warn) == 1 with input as {"kind": "Pod", "spec": {
		"initContainers": [{"name": "sidecar", "restartPolicy": "Always", "livenessProbe": {"tcpSocket": {"port": 1}}}],
		"containers": [{"name": "a"}],
		"ephemeralContainers": [{"name": "e"}],
	}}
}

test_batch_workloads_skipped if {
	count(warn) == 0 with input as {"kind": "Job", "spec": {"template": {"spec": {"containers": [{"name": "a"}]}}}}
	count(warn) == 0 with input as {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "a"}]}}}}}}
	count(warn) == 0 with input as {"kind": "Pod", "spec": {"restartPolicy": "Never", "containers": [{"name": "a"}]}}
}
