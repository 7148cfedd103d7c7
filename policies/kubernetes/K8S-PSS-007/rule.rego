# METADATA
# title: Probes and lifecycle hooks must not target other hosts
# description: >-
#   A probe or lifecycle handler with a host makes the kubelet connect to an
#   arbitrary address on the pod's behalf. PSS baseline (Kubernetes 1.34+)
#   forbids a non-empty host in httpGet and tcpSocket of livenessProbe,
#   readinessProbe, startupProbe and lifecycle postStart/preStop.
# custom:
#   id: K8S-PSS-007
#   severity: medium
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   frameworks:
#     pss: [baseline]
#   triggers: [host]
#   remediation: Remove the host field so the probe or hook targets the pod's own IP.
package assay.kubernetes.pss.host_probes

import rego.v1

import data.assay.lib.kubernetes as k8s

handler_paths := [
	["livenessProbe"], ["readinessProbe"], ["startupProbe"],
	["lifecycle", "postStart"], ["lifecycle", "preStop"],
]

deny contains {"msg": msg, "path": path} if {
	some c in k8s.containers
	some handler_path in handler_paths
	handler := object.get(c.container, handler_path, null)
	is_object(handler)
	some action in ["httpGet", "tcpSocket"]
	host := object.get(handler, [action, "host"], "")
	host != ""
	host != null
	path := array.concat(c.path, array.concat(handler_path, [action, "host"]))
	msg := sprintf("%s uses probe or lifecycle host %q", [c.label, host])
}
