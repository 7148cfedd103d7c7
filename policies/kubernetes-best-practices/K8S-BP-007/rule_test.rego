package assay.kubernetes.bestpractice.identical_probes

import rego.v1

probe := {"httpGet": {"path": "/healthz", "port": 8080}}

test_identical_probes_warn if {
	some f in warn with input as {"kind": "Pod", "spec": {"containers": [{"name": "a", "livenessProbe": probe, "readinessProbe": probe}]}}
	f.msg == "container \"a\" uses the same probe for livenessProbe and readinessProbe"
	f.path == ["spec", "containers", 0, "livenessProbe"]
}

test_defaults_are_filled_in if {
	count(warn) == 1 with input as {"kind": "Pod", "spec": {"containers": [{
		"name": "a",
		"livenessProbe": object.union(probe, {"periodSeconds": 10, "failureThreshold": 3}),
		"readinessProbe": object.union(probe, {"timeoutSeconds": null}),
	}]}}
}

test_more_tolerant_liveness_passes if {
	count(warn) == 0 with input as {"kind": "Pod", "spec": {"containers": [{
		"name": "a",
		"livenessProbe": object.union(probe, {"failureThreshold": 6}),
		"readinessProbe": probe,
	}]}}
}

test_different_endpoints_pass if {
	count(warn) == 0 with input as {"kind": "Pod", "spec": {"containers": [{
		"name": "a",
		"livenessProbe": probe,
		"readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}},
	}]}}
}

test_one_probe_only if {
	count(warn) == 0 with input as {"kind": "Pod", "spec": {"containers": [{"name": "a", "livenessProbe": probe}, {"name": "b", "readinessProbe": probe, "livenessProbe": null}]}}
}

test_sidecar_init_containers_checked if {
	count(warn) == 1 with input as {"kind": "Pod", "spec": {
		"initContainers": [{"name": "s", "restartPolicy": "Always", "livenessProbe": probe, "readinessProbe": probe}],
		"containers": [{"name": "a"}],
	}}
}
