# METADATA
# title: Containers must not run privileged
# description: >-
#   Privileged containers disable most security mechanisms and have access to
#   all host devices. PSS baseline forbids securityContext.privileged=true on
#   every container, init container and ephemeral container.
# custom:
#   id: K8S-PSS-003
#   severity: critical
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   frameworks:
#     pss: [baseline]
#     cis-kubernetes: ["5.2.2"]
#   triggers: [privileged]
#   remediation: Remove securityContext.privileged or set it to false.
package assay.kubernetes.pss.privileged

import rego.v1

import data.assay.lib.kubernetes as k8s

deny contains {"msg": msg, "path": path, "fix": [{"op": "replace", "path": path, "value": false}]} if {
	some c in k8s.containers
	c.security_context.privileged == true
	path := array.concat(c.path, ["securityContext", "privileged"])
	msg := sprintf("%s must not set securityContext.privileged=true", [c.label])
}
