package assay.kubernetes.bestpractice.image_digest

import rego.v1

test_tag_without_digest_warns if {
	some f in warn with input as {"kind": "Pod", "spec": {"containers": [{"name": "a", "image": "nginx:1.25.4"}]}}
	f.msg == "container \"a\" image \"nginx:1.25.4\" is not pinned by digest"
	f.path == ["spec", "containers", 0, "image"]
}

test_init_containers_checked if {
	count(warn) == 1 with input as {"kind": "Job", "spec": {"template": {"spec": {"initContainers": [{"name": "i", "image": "alpine:3.19"}], "containers": [{"name": "a", "image": "alpine@sha256:abc"}]}}}}
}

test_digest_passes if {
	count(warn) == 0 with input as {"kind": "Pod", "spec": {"containers": [
		{"name": "a", "image": "nginx@sha256:abc"},
		{"name": "b", "image": "nginx:1.25.4@sha256:abc"},
	]}}
}

test_mutable_images_left_to_the_tag_rule if {
	count(warn) == 0 with input as {"kind": "Pod", "spec": {"containers": [{"name": "a", "image": "nginx"}, {"name": "b", "image": "nginx:latest"}]}}
}

test_ephemeral_containers_ignored if {
	count(warn) == 0 with input as {"kind": "Pod", "spec": {"ephemeralContainers": [{"name": "e", "image": "busybox:1.36"}]}}
}
