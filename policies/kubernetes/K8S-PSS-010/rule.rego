# METADATA
# title: The /proc mount type must be Default
# description: >-
#   An Unmasked /proc mount exposes kernel interfaces that the default mask
#   hides. PSS baseline requires securityContext.procMount to be unset or
#   Default on every container, except in pods that run in a user namespace
#   (spec.hostUsers: false, Kubernetes 1.35+).
# custom:
#   id: K8S-PSS-010
#   severity: medium
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   frameworks:
#     pss: [baseline]
#   triggers: [procMount]
#   remediation: Remove securityContext.procMount or set it to Default.
package assay.kubernetes.pss.proc_mount

import rego.v1

import data.assay.lib.kubernetes as k8s

deny contains {"msg": msg, "path": path, "fix": [{"op": "replace", "path": path, "value": "Default"}]} if {
	not k8s.pod_spec.spec.hostUsers == false
	some c in k8s.containers
	mount := c.security_context.procMount
	mount != null
	mount != "Default"
	path := array.concat(c.path, ["securityContext", "procMount"])
	msg := sprintf("%s must not set securityContext.procMount to %q", [c.label, mount])
}
