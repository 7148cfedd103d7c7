package assay.kubernetes.bestpractice.readiness_probe

import rego.v1

test_missing_probe_denied if {
	some f in deny with input as {"kind": "Deployment", "spec": {"template": {"spec": {"containers": [{"name": "a"}]}}}}
	f.msg == "container \"a\" must define a readinessProbe (no container in the pod has one)"
	f.path == ["spec", "template", "spec", "containers", 0]
}

test_reported_on_the_container_with_ports if {
	findings := deny with input as {"kind": "Pod", "spec": {"containers": [{"name": "log"}, {"name": "app", "ports": [{"containerPort": 8080}]}]}}
	{f.path | some f in findings} == {["spec", "containers", 1]}
}

test_one_probe_in_the_pod_is_enough if {
	count(deny) == 0 with input as {"kind": "Pod", "spec": {"containers": [{"name": "log"}, {"name": "app", "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}}}]}}
}

test_null_probe_denied if {
	count(deny) == 1 with input as {"kind": "StatefulSet", "spec": {"template": {"spec": {"containers": [{"name": "a", "readinessProbe": null}]}}}}
}

test_init_and_ephemeral_probes_do_not_count if {
	count(deny) == 1 with input as {"kind": "Pod", "spec": {
		"initContainers": [{"name": "sidecar", "restartPolicy": "Always", "readinessProbe": {"tcpSocket": {"port": 1}}}],
		"containers": [{"name": "a"}],
		"ephemeralContainers": [{"name": "e"}],
	}}
}

test_batch_workloads_skipped if {
	count(deny) == 0 with input as {"kind": "Job", "spec": {"template": {"spec": {"containers": [{"name": "a"}]}}}}
	count(deny) == 0 with input as {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "a"}]}}}}}}
	count(deny) == 0 with input as {"kind": "Pod", "spec": {"restartPolicy": "OnFailure", "containers": [{"name": "a"}]}}
}
