# METADATA
# title: Host namespaces must not be shared
# description: >-
#   Sharing the host's network, PID or IPC namespace breaks pod isolation.
#   PSS baseline forbids spec.hostNetwork, spec.hostPID and spec.hostIPC set
#   to true.
# custom:
#   id: K8S-PSS-002
#   severity: high
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   frameworks:
#     pss: [baseline]
#     cis-kubernetes: ["5.2.3", "5.2.4", "5.2.5"]
#   triggers: [hostNetwork, hostPID, hostIPC]
#   remediation: Remove hostNetwork, hostPID and hostIPC from the pod spec or set them to false.
package assay.kubernetes.pss.host_namespaces

import rego.v1

import data.assay.lib.kubernetes as k8s

deny contains {"msg": msg, "path": path, "fix": [{"op": "replace", "path": path, "value": false}]} if {
	some field in ["hostNetwork", "hostPID", "hostIPC"]
	k8s.pod_spec.spec[field] == true
	path := array.concat(k8s.pod_spec.path, [field])
	msg := sprintf("pod must not set %s=true", [field])
}
