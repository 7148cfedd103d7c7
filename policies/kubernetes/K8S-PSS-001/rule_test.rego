package assay.kubernetes.pss.host_process

import rego.v1

test_pod_level_host_process_denied if {
	some f in deny with input as {"kind": "Pod", "spec": {"securityContext": {"windowsOptions": {"hostProcess": true}}, "containers": [{"name": "a"}]}}
	f.path == ["spec", "securityContext", "windowsOptions", "hostProcess"]
	f.fix == [{"op": "replace", "path": ["spec", "securityContext", "windowsOptions", "hostProcess"], "value": false}]
}

test_ephemeral_container_host_process_denied if {
	some f in deny with input as {"kind": "Pod", "spec": {"ephemeralContainers": [{"name": "dbg", "securityContext": {"windowsOptions": {"hostProcess": true}}}]}}
	f.msg == "container \"dbg\" must not set securityContext.windowsOptions.hostProcess=true"
}

test_false_or_unset_allowed if {
	count(deny) == 0 with input as {"kind": "Deployment", "spec": {"template": {"spec": {"securityContext": {"windowsOptions": {"hostProcess": false}}, "containers": [{"name": "a", "securityContext": {"windowsOptions": {}}}]}}}}
}
