# METADATA
# title: Containers should not add dangerous capabilities
# description: >-
#   Some Linux capabilities are close to root on the node: SYS_ADMIN (mount,
#   namespaces, the usual container escape), SYS_MODULE (load kernel
#   modules), SYS_PTRACE (read other processes), NET_ADMIN (rewrite routing
#   and firewall rules), SYS_RAWIO, DAC_READ_SEARCH, BPF, PERFMON, SYS_BOOT,
#   SYS_TIME, MAC_ADMIN, MAC_OVERRIDE, and ALL. Fails for each of them in
#   securityContext.capabilities.add of any container (names compared
#   case-insensitively, with or without the CAP_ prefix). PSS baseline
#   (K8S-PSS-004) restricts added capabilities more broadly.
# custom:
#   id: K8S-BP-030
#   severity: high
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   frameworks:
#     best-practices: [security]
#   triggers: [add]
#   remediation: >-
#     Remove the capability from securityContext.capabilities.add (and drop ALL);
#     if a node agent truly needs it, isolate that workload in a dedicated,
#     tightly controlled namespace and waive this finding there.
package assay.kubernetes.bestpractice.dangerous_capabilities

import rego.v1

import data.assay.lib.kubernetes as k8s

dangerous := {
	"ALL", "SYS_ADMIN", "SYS_MODULE", "SYS_PTRACE", "NET_ADMIN", "SYS_RAWIO", "DAC_READ_SEARCH",
	"BPF", "PERFMON", "SYS_BOOT", "SYS_TIME", "MAC_ADMIN", "MAC_OVERRIDE",
}

deny contains {"msg": msg, "path": path} if {
	some c in k8s.containers
	added := c.security_context.capabilities.add
	is_array(added)
	some i, capability in added
	is_string(capability)
	name := trim_prefix(upper(capability), "CAP_")
	name in dangerous
	path := array.concat(c.path, ["securityContext", "capabilities", "add", i])
	msg := sprintf("%s adds the dangerous capability %s", [c.label, name])
}
