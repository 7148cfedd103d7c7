package assay.kubernetes.pss.restricted_volumes

import rego.v1

pod(volumes) := {"kind": "Pod", "spec": {"containers": [{"name": "a"}], "volumes": volumes}}

test_allowed_types_pass if {
	count(deny) == 0 with input as pod([
		{"name": "a", "configMap": {"name": "c"}},
		{"name": "b", "csi": {"driver": "d"}},
		{"name": "c", "downwardAPI": {}},
		{"name": "d", "emptyDir": {}},
		{"name": "e", "ephemeral": {"volumeClaimTemplate": {}}},
		{"name": "f", "image": {"reference": "registry.example/data:1"}},
		{"name": "g", "persistentVolumeClaim": {"claimName": "p"}},
		{"name": "h", "projected": {"sources": []}},
		{"name": "i", "secret": {"secretName": "s"}},
	])
}

test_restricted_types_denied if {
	findings := deny with input as pod([
		{"name": "ok", "emptyDir": {}},
		{"name": "share", "nfs": {"server": "nfs", "path": "/"}},
		{"name": "host", "hostPath": {"path": "/var/run"}},
		{"name": "repo", "gitRepo": {"repository": "https://example.com/x.git"}},
	])
	{f.path | some f in findings} == {
		["spec", "volumes", 1, "nfs"],
		["spec", "volumes", 2, "hostPath"],
		["spec", "volumes", 3, "gitRepo"],
	}
	some f in findings
	f.msg == "volume \"share\" must not use restricted volume type \"nfs\""
}

test_every_restricted_type_denied if {
	every t in restricted_types {
		count(deny) == 1 with input as pod([{"name": "v", t: {}}])
	}
}

test_volume_without_known_source_denied if {
	findings := deny with input as pod([{"name": "typo", "emptydir": {}}])
	count(findings) == 1
	some f in findings
	f.path == ["spec", "volumes", 0]
	f.msg == "volume \"typo\" must set one of configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret"
}

# A null source is unset, as in the API (Go pointer nil).
test_null_allowed_source_does_not_count if {
	count(deny) == 1 with input as pod([{"name": "v", "emptyDir": null}])
	count(deny) == 1 with input as pod([{"name": "v", "emptyDir": null, "nfs": {"server": "s", "path": "/"}}])
	count(deny) == 0 with input as pod([{"name": "v", "nfs": null, "emptyDir": {}}])
}

test_workload_templates if {
	findings := deny with input as {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {
		"containers": [{"name": "a"}],
		"volumes": [{"name": "disk", "awsElasticBlockStore": {"volumeID": "vol-1"}}],
	}}}}}}
	{f.path | some f in findings} == {["spec", "jobTemplate", "spec", "template", "spec", "volumes", 0, "awsElasticBlockStore"]}
}

test_no_volumes if {
	count(deny) == 0 with input as {"kind": "Pod", "spec": {"containers": [{"name": "a"}]}}
	count(deny) == 0 with input as {"kind": "Pod", "spec": {"containers": [{"name": "a"}], "volumes": null}}
	count(deny) == 0 with input as {"kind": "Service", "spec": {"volumes": [{"name": "x", "nfs": {}}]}}
}
