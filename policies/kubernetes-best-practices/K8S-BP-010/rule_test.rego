package assay.kubernetes.bestpractice.image_pull_policy

import rego.v1

test_latest_with_if_not_present_denied_with_fix if {
	some f in deny with input as {"kind": "Pod", "spec": {"containers": [{"name": "a", "image": "app:latest", "imagePullPolicy": "IfNotPresent"}]}}
	f.msg == "container \"a\" pulls mutable image \"app:latest\" with imagePullPolicy IfNotPresent; use Always"
	f.path == ["spec", "containers", 0, "imagePullPolicy"]
	f.fix == [{"op": "replace", "path": ["spec", "containers", 0, "imagePullPolicy"], "value": "Always"}]
}

test_untagged_with_never_denied_without_fix if {
	some f in deny with input as {"kind": "Pod", "spec": {"initContainers": [{"name": "i", "image": "app", "imagePullPolicy": "Never"}]}}
	f.path == ["spec", "initContainers", 0, "imagePullPolicy"]
	not f.fix
}

test_default_or_always_passes if {
	count(deny) == 0 with input as {"kind": "Pod", "spec": {"containers": [
		{"name": "a", "image": "app:latest"},
		{"name": "b", "image": "app", "imagePullPolicy": "Always"},
	]}}
}

test_pinned_images_may_use_if_not_present if {
	count(deny) == 0 with input as {"kind": "Pod", "spec": {"containers": [
		{"name": "a", "image": "app:1.2.3", "imagePullPolicy": "IfNotPresent"},
		{"name": "b", "image": "app@sha256:abc", "imagePullPolicy": "Never"},
	]}}
}

test_ephemeral_containers_ignored if {
	count(deny) == 0 with input as {"kind": "Pod", "spec": {"ephemeralContainers": [{"name": "e", "image": "busybox", "imagePullPolicy": "IfNotPresent"}]}}
}
