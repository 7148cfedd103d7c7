# METADATA
# title: Containers must set allowPrivilegeEscalation to false
# description: >-
#   Unless it is explicitly false, a process can gain more privileges than its
#   parent, e.g. through set-user-ID binaries. PSS restricted requires
#   securityContext.allowPrivilegeEscalation=false on every container, init
#   container and ephemeral container; pods with spec.os.name windows are exempt.
# custom:
#   id: K8S-PSS-014
#   severity: medium
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   frameworks:
#     pss: [restricted]
#     cis-kubernetes: ["5.2.6"]
#   remediation: Set securityContext.allowPrivilegeEscalation to false on the container.
package assay.kubernetes.pss.allow_privilege_escalation

import rego.v1

import data.assay.lib.kubernetes as k8s
import data.assay.lib.pss

deny contains {"msg": msg, "field": field, "fix": [{"op": "ensure", "path": field, "value": false}]} if {
	not pss.windows
	some c in k8s.containers
	not c.security_context.allowPrivilegeEscalation == false
	field := array.concat(c.path, ["securityContext", "allowPrivilegeEscalation"])
	msg := sprintf("%s must set securityContext.allowPrivilegeEscalation=false", [c.label])
}
