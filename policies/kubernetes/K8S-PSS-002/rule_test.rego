package assay.kubernetes.pss.host_namespaces

import rego.v1

test_each_host_namespace_denied if {
	findings := deny with input as {"kind": "Pod", "spec": {"hostNetwork": true, "hostPID": true, "hostIPC": true}}
	{f.msg | some f in findings} == {"pod must not set hostNetwork=true", "pod must not set hostPID=true", "pod must not set hostIPC=true"}
}

test_cronjob_template_checked if {
	some f in deny with input as {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {"hostPID": true}}}}}}
	f.path == ["spec", "jobTemplate", "spec", "template", "spec", "hostPID"]
}

test_false_allowed if {
	count(deny) == 0 with input as {"kind": "Pod", "spec": {"hostNetwork": false, "hostPID": false}}
}

test_other_kinds_ignored if {
	count(deny) == 0 with input as {"kind": "Service", "spec": {"hostNetwork": true}}
}
