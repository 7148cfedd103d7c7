package assay.kubernetes.pss.host_path

import rego.v1

test_host_path_denied if {
	some f in deny with input as {"kind": "Pod", "spec": {"volumes": [{"name": "ok", "emptyDir": {}}, {"name": "root", "hostPath": {"path": "/"}}]}}
	f.msg == "volume \"root\" must not use hostPath"
	f.path == ["spec", "volumes", 1, "hostPath"]
}

test_empty_host_path_object_still_denied if {
	count(deny) == 1 with input as {"kind": "Pod", "spec": {"volumes": [{"name": "x", "hostPath": {}}]}}
}

test_other_volumes_allowed if {
	count(deny) == 0 with input as {"kind": "StatefulSet", "spec": {"template": {"spec": {"volumes": [{"name": "c", "configMap": {"name": "c"}}]}}}}
}
