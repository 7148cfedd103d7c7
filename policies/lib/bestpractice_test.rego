package assay.lib.bestpractice

import rego.v1

test_image_ref_splits_tag_and_digest if {
	image_ref("nginx") == {"tag": "", "digest": ""}
	image_ref("nginx:1.25") == {"tag": "1.25", "digest": ""}
	image_ref("registry:5000/team/app") == {"tag": "", "digest": ""}
	image_ref("registry:5000/team/app:v2") == {"tag": "v2", "digest": ""}
	image_ref("app@sha256:abc") == {"tag": "", "digest": "sha256:abc"}
	image_ref("app:1.0@sha256:abc") == {"tag": "1.0", "digest": "sha256:abc"}
}

test_mutable_image if {
	mutable_image("nginx")
	mutable_image("nginx:latest")
	mutable_image("registry:5000/nginx")
	not mutable_image("nginx:1.25")
	not mutable_image("nginx@sha256:abc")
	not mutable_image("nginx:latest@sha256:abc")
}

test_selector_matches if {
	labels := {"app": "web", "tier": "front"}
	selector_matches({}, labels)
	selector_matches({"matchLabels": {"app": "web"}}, labels)
	not selector_matches({"matchLabels": {"app": "api"}}, labels)
	selector_matches({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["front", "back"]}]}, labels)
	not selector_matches({"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["front"]}]}, labels)
	selector_matches({"matchExpressions": [{"key": "zone", "operator": "NotIn", "values": ["a"]}]}, labels)
	selector_matches({"matchExpressions": [{"key": "app", "operator": "Exists"}]}, labels)
	not selector_matches({"matchExpressions": [{"key": "app", "operator": "DoesNotExist"}]}, labels)
	selector_matches({"matchExpressions": [{"key": "zone", "operator": "DoesNotExist"}]}, labels)
	not selector_matches(null, labels)
}

test_map_selector_matches if {
	map_selector_matches({"app": "web"}, {"app": "web", "x": "y"})
	not map_selector_matches({"app": "web", "x": "z"}, {"app": "web", "x": "y"})
	not map_selector_matches({}, {"app": "web"})
	not map_selector_matches(null, {"app": "web"})
}

test_pdb_empty_selector_depends_on_version if {
	pdb_selects({"apiVersion": "policy/v1", "spec": {"selector": {}}}, {"app": "web"})
	not pdb_selects({"apiVersion": "policy/v1beta1", "spec": {"selector": {}}}, {"app": "web"})
	not pdb_selects({"apiVersion": "policy/v1", "spec": {}}, {"app": "web"})
	pdb_selects({"apiVersion": "policy/v1beta1", "spec": {"selector": {"matchLabels": {"app": "web"}}}}, {"app": "web"})
}

test_long_running if {
	long_running with input as {"kind": "Deployment", "spec": {}}
	long_running with input as {"kind": "Pod", "spec": {}}
	long_running with input as {"kind": "Pod", "spec": {"restartPolicy": "Always"}}
	not long_running with input as {"kind": "Pod", "spec": {"restartPolicy": "Never"}}
	not long_running with input as {"kind": "Job", "spec": {}}
	not long_running with input as {"kind": "CronJob", "spec": {}}
}

test_container_sets if {
	pod := {"kind": "Pod", "spec": {
		"initContainers": [{"name": "i"}],
		"containers": [{"name": "a"}],
		"ephemeralContainers": [{"name": "e"}],
	}}
	{c.name | some c in workload_containers} == {"i", "a"} with input as pod
	{c.name | some c in app_containers} == {"a"} with input as pod
}

test_probe_target_prefers_the_container_with_ports if {
	pod := {"kind": "Pod", "spec": {"containers": [{"name": "log", "ports": null}, {"name": "app", "ports": [{"containerPort": 80}]}]}}
	probe_target.name == "app" with input as pod
	probe_target.name == "log" with input as {"kind": "Pod", "spec": {"containers": [{"name": "log"}, {"name": "app"}]}}
}

test_workload_images_parse_each_string_image_once if {
	pod := {"kind": "Pod", "spec": {"containers": [
		{"name": "a", "image": "registry:5000/app"},
		{"name": "b", "image": "app:1.2@sha256:abc"},
		{"name": "c", "image": 7},
	]}}
	images := workload_images with input as pod
	[[i.container.name, i.ref, i.mutable] | some i in images] == [
		["a", {"tag": "", "digest": ""}, true],
		["b", {"tag": "1.2", "digest": "sha256:abc"}, false],
	]
}

test_resources_set_once_per_container_and_pod if {
	pod := {"kind": "Pod", "spec": {
		"resources": {"limits": {"memory": "1Gi"}},
		"containers": [
			{"name": "a", "resources": {"requests": {"cpu": "1", "memory": null}, "limits": {"cpu": "2"}}},
			{"name": "b", "resources": null},
			{"name": "c"},
		],
	}}
	pod_resources == {"limits.memory"} with input as pod
	[[r.container.name, r.set] | some r in container_resources] == [
		["a", {"requests.cpu", "limits.cpu"}],
		["b", set()],
		["c", set()],
	] with input as pod
}
