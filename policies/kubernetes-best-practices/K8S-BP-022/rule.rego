# METADATA
# title: Containers should not use host ports
# description: >-
#   A hostPort publishes the container on that port of every node it runs
#   on, outside Services and NetworkPolicies, and lets only one such pod fit
#   per node, so replicas stay Pending. Fails for every container port with
#   a hostPort other than 0, except in hostNetwork pods, where hostPort only
#   restates containerPort (hostNetwork itself is K8S-PSS-002's finding).
#   PSS baseline forbids host ports too (K8S-PSS-006).
# custom:
#   id: K8S-BP-022
#   severity: medium
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   frameworks:
#     best-practices: [networking]
#   triggers: [hostPort]
#   remediation: >-
#     Remove hostPort and expose the pods through a Service (ClusterIP behind
#     an Ingress or Gateway, or a LoadBalancer).
package assay.kubernetes.bestpractice.host_port

import rego.v1

import data.assay.lib.kubernetes as k8s

deny contains {"msg": msg, "path": path} if {
	not k8s.pod_spec.spec.hostNetwork == true
	some c in k8s.containers
	ports := c.container.ports
	is_array(ports)
	some i, port in ports
	host_port := object.get(port, "hostPort", 0)
	host_port != null
	host_port != 0
	path := array.concat(c.path, ["ports", i, "hostPort"])
	msg := sprintf("%s binds hostPort %v on the node", [c.label, host_port])
}
