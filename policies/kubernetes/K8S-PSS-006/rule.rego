# METADATA
# title: Host ports must not be used
# description: >-
#   A hostPort binds a node port for the container, bypassing network policy
#   and limiting scheduling. PSS baseline allows hostPort only unset or 0.
# custom:
#   id: K8S-PSS-006
#   severity: medium
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   frameworks:
#     pss: [baseline]
#     cis-kubernetes: ["5.2.12"]
#   triggers: [hostPort]
#   remediation: Remove hostPort from the container's ports and expose the workload through a Service.
package assay.kubernetes.pss.host_ports

import rego.v1

import data.assay.lib.kubernetes as k8s

deny contains {"msg": msg, "path": path} if {
	some c in k8s.containers
	ports := c.container.ports
	is_array(ports)
	some i, port in ports
	port.hostPort != null
	port.hostPort != 0
	path := array.concat(c.path, ["ports", i, "hostPort"])
	msg := sprintf("%s uses hostPort %v", [c.label, port.hostPort])
}
