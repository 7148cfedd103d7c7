package assay.kubernetes.bestpractice.image_tag

import rego.v1

test_untagged_image_denied if {
	some f in deny with input as {"kind": "Pod", "spec": {"containers": [{"name": "a", "image": "nginx"}]}}
	f.msg == "container \"a\" image \"nginx\" has no tag and resolves to latest"
	f.path == ["spec", "containers", 0, "image"]
}

test_latest_denied if {
	some f in deny with input as {"kind": "Pod", "spec": {"initContainers": [{"name": "i", "image": "registry:5000/team/app:latest"}]}}
	f.msg == "container \"i\" image \"registry:5000/team/app:latest\" uses the mutable latest tag"
	f.path == ["spec", "initContainers", 0, "image"]
}

test_registry_port_is_not_a_tag if {
	count(deny) == 1 with input as {"kind": "Pod", "spec": {"containers": [{"name": "a", "image": "registry:5000/app"}]}}
}

test_pinned_images_pass if {
	count(deny) == 0 with input as {"kind": "Pod", "spec": {"containers": [
		{"name": "a", "image": "nginx:1.25.4"},
		{"name": "b", "image": "nginx@sha256:0a564e80a3156f2cc825d1720f303d59bd521da19bcbd01316870e1313ecbd23"},
		{"name": "c", "image": "nginx:latest@sha256:0a564e80a3156f2cc825d1720f303d59bd521da19bcbd01316870e1313ecbd23"},
		{"name": "d"},
	]}}
}

test_ephemeral_containers_ignored if {
	count(deny) == 0 with input as {"kind": "Pod", "spec": {"containers": [{"name": "a", "image": "nginx:1.25.4"}], "ephemeralContainers": [{"name": "e", "image": "busybox"}]}}
}
