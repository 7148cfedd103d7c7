package assay.lib.pss

import rego.v1

test_windows if {
	windows with input as {"kind": "Pod", "spec": {"os": {"name": "windows"}}}
	not windows with input as {"kind": "Pod", "spec": {"os": {"name": "linux"}}}
	not windows with input as {"kind": "Pod", "spec": {"os": null}}
	not windows with input as {"kind": "Pod", "spec": {}}
}

test_windows_is_case_sensitive if {
	not windows with input as {"kind": "Pod", "spec": {"os": {"name": "Windows"}}}
}

test_windows_in_templates if {
	windows with input as {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {"os": {"name": "windows"}}}}}}}
}

test_user_namespace if {
	user_namespace with input as {"kind": "Pod", "spec": {"hostUsers": false}}
	not user_namespace with input as {"kind": "Pod", "spec": {"hostUsers": true}}
	not user_namespace with input as {"kind": "Pod", "spec": {"hostUsers": null}}
	not user_namespace with input as {"kind": "Pod", "spec": {}}
}

test_nearest if {
	doc := {"kind": "Pod", "spec": {"containers": [{"name": "a", "securityContext": {"runAsNonRoot": false}}, {"name": "b", "securityContext": null}]}}
	nearest(["spec", "containers", 0, "securityContext", "runAsNonRoot"]) == ["spec", "containers", 0, "securityContext", "runAsNonRoot"] with input as doc
	nearest(["spec", "containers", 0, "securityContext", "capabilities", "drop"]) == ["spec", "containers", 0, "securityContext"] with input as doc
	nearest(["spec", "containers", 1, "securityContext", "runAsNonRoot"]) == ["spec", "containers", 1] with input as doc
	nearest(["spec", "containers", 1, "securityContext", "seccompProfile", "type"]) == ["spec", "containers", 1] with input as doc
	nearest(["spec", "os", "name"]) == ["spec"] with input as doc
	nearest([]) == [] with input as doc
}

test_nearest_past_its_shortcuts if {
	# Four and more missing steps take the general case.
	doc := {"kind": "Pod", "spec": {"containers": [{"name": "a"}]}}
	nearest(["spec", "containers", 0, "securityContext", "seLinuxOptions", "level", "x"]) == ["spec", "containers", 0] with input as doc
	nearest(["metadata", "labels", "a", "b"]) == [] with input as doc
}

test_reported_path if {
	doc := {"spec": {"containers": [{"name": "a"}]}}
	reported_path({"msg": "m", "path": ["spec", "x"], "field": ["spec"]}, doc) == ["spec", "x"]
	reported_path({"msg": "m", "field": ["spec", "containers", 0, "securityContext", "x"]}, doc) == ["spec", "containers", 0]
	reported_path({"msg": "m", "field": "spec"}, doc) == []
	reported_path({"msg": "m"}, doc) == []
}
