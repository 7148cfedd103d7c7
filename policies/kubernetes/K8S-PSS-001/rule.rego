# METADATA
# title: Windows HostProcess containers are forbidden
# description: >-
#   Windows pods offer the ability to run HostProcess containers, which enable
#   privileged access to the Windows host. PSS baseline forbids
#   securityContext.windowsOptions.hostProcess=true on the pod and on every
#   container.
# custom:
#   id: K8S-PSS-001
#   severity: critical
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   frameworks:
#     pss: [baseline]
#     cis-kubernetes: ["5.2.10"]
#   triggers: [hostProcess]
#   remediation: Remove securityContext.windowsOptions.hostProcess or set it to false.
package assay.kubernetes.pss.host_process

import rego.v1

import data.assay.lib.kubernetes as k8s

deny contains {"msg": msg, "path": path, "fix": [{"op": "replace", "path": path, "value": false}]} if {
	k8s.pod_security_context.windowsOptions.hostProcess == true
	path := array.concat(k8s.pod_spec.path, ["securityContext", "windowsOptions", "hostProcess"])
	msg := "pod must not set securityContext.windowsOptions.hostProcess=true"
}

deny contains {"msg": msg, "path": path, "fix": [{"op": "replace", "path": path, "value": false}]} if {
	some c in k8s.containers
	c.security_context.windowsOptions.hostProcess == true
	path := array.concat(c.path, ["securityContext", "windowsOptions", "hostProcess"])
	msg := sprintf("%s must not set securityContext.windowsOptions.hostProcess=true", [c.label])
}
