# METADATA
# title: Containers must not add capabilities beyond the default set
# description: >-
#   Adding capabilities beyond the container runtime's defaults grants
#   privileges a workload should not need. PSS baseline allows only AUDIT_WRITE,
#   CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP,
#   SETGID, SETPCAP, SETUID and SYS_CHROOT in securityContext.capabilities.add,
#   spelled exactly so (no CAP_ prefix, upper case).
# custom:
#   id: K8S-PSS-004
#   severity: high
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   frameworks:
#     pss: [baseline]
#   triggers: [add]
#   remediation: Remove the capability from securityContext.capabilities.add.
package assay.kubernetes.pss.capabilities

import rego.v1

import data.assay.lib.kubernetes as k8s

allowed := {
	"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
	"NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
}

deny contains {"msg": msg, "path": path} if {
	some c in k8s.containers
	added := c.security_context.capabilities.add
	is_array(added)
	some i, capability in added
	not capability in allowed
	path := array.concat(c.path, ["securityContext", "capabilities", "add", i])
	msg := sprintf("%s must not include %q in securityContext.capabilities.add", [c.label, capability])
}
