# METADATA
# title: The /proc mount type must be Default, even in user namespaces
# description: >-
#   An Unmasked /proc mount exposes kernel interfaces that the default mask
#   hides. Since Kubernetes 1.35 the baseline level allows it in pods with
#   spec.hostUsers: false, but PSS restricted still requires procMount unset or
#   Default on every container, whatever the pod's user namespace setting.
# custom:
#   id: K8S-PSS-019
#   severity: medium
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   frameworks:
#     pss: [restricted]
#   triggers: [procMount]
#   remediation: Remove securityContext.procMount or set it to Default.
package assay.kubernetes.pss.proc_mount_restricted

import rego.v1

import data.assay.lib.kubernetes as k8s

deny contains {"msg": msg, "path": path, "fix": [{"op": "replace", "path": path, "value": "Default"}]} if {
	some c in k8s.containers
	mount := c.security_context.procMount
	mount != null
	mount != "Default"
	path := array.concat(c.path, ["securityContext", "procMount"])
	msg := sprintf("%s must not set securityContext.procMount to %q", [c.label, mount])
}
