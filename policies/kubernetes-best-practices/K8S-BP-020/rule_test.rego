package assay.kubernetes.bestpractice.naked_pod

import rego.v1

test_bare_pod_warns if {
	some f in warn with input as {"kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "a"}]}}
	f.msg == "Pod is not managed by a controller, so nothing recreates it if it is evicted or its node fails"
	f.path == ["kind"]
	count(warn) == 1 with input as {"kind": "Pod", "metadata": {"name": "p", "ownerReferences": []}, "spec": {}}
}

test_owned_pod_passes if {
	count(warn) == 0 with input as {"kind": "Pod", "metadata": {"name": "p", "ownerReferences": [{"kind": "ReplicaSet", "name": "web-123"}]}, "spec": {}}
}

test_hooks_mirror_and_static_pods_exempt if {
	count(warn) == 0 with input as {"kind": "Pod", "metadata": {"annotations": {"helm.sh/hook": "test"}}, "spec": {}}
	count(warn) == 0 with input as {"kind": "Pod", "metadata": {"annotations": {"kubernetes.io/config.mirror": "abc"}}, "spec": {}}
	count(warn) == 0 with input as {"kind": "Pod", "metadata": {"name": "kube-apiserver"}, "spec": {"priorityClassName": "system-node-critical"}}
}
