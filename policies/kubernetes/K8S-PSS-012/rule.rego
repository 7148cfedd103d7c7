# METADATA
# title: Only safe sysctls may be set
# description: >-
#   Sysctls can disable security mechanisms or affect every workload on the
#   node. PSS baseline allows only the namespaced "safe" set in
#   spec.securityContext.sysctls (as of Kubernetes 1.37).
# custom:
#   id: K8S-PSS-012
#   severity: medium
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   frameworks:
#     pss: [baseline]
#   triggers: [sysctls]
#   remediation: Remove the sysctl, or move the workload to a dedicated node configured for it.
package assay.kubernetes.pss.sysctls

import rego.v1

import data.assay.lib.kubernetes as k8s

safe := {
	"kernel.shm_rmid_forced",
	"net.ipv4.ip_local_port_range",
	"net.ipv4.ip_unprivileged_port_start",
	"net.ipv4.tcp_syncookies",
	"net.ipv4.ping_group_range",
	"net.ipv4.ip_local_reserved_ports",
	"net.ipv4.tcp_keepalive_time",
	"net.ipv4.tcp_fin_timeout",
	"net.ipv4.tcp_keepalive_intvl",
	"net.ipv4.tcp_keepalive_probes",
	"net.ipv4.tcp_rmem",
	"net.ipv4.tcp_wmem",
	"net.ipv4.tcp_slow_start_after_idle",
	"net.ipv4.tcp_notsent_lowat",
}

deny contains {"msg": msg, "path": path} if {
	sysctls := k8s.pod_security_context.sysctls
	is_array(sysctls)
	some i, sysctl in sysctls
	name := object.get(sysctl, "name", "")
	not name in safe
	path := array.concat(k8s.pod_spec.path, ["securityContext", "sysctls", i, "name"])
	msg := sprintf("pod must not set forbidden sysctl %q", [name])
}
