# METADATA
# title: Containers should not add the NET_BIND_SERVICE capability
# description: >-
#   CIS 5.2.9 asks that containers run without Linux capabilities where the
#   application allows it. K8S-PSS-018 already fails containers that do not
#   drop ALL or that add any capability but NET_BIND_SERVICE, the one PSS
#   restricted lets a container add back; this rule warns about each
#   NET_BIND_SERVICE in securityContext.capabilities.add, so that it too is
#   justified. A warning, because binding a port below 1024 is a legitimate
#   need and this is often the least privilege that serves it.
# custom:
#   id: K8S-CIS-015
#   severity: low
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   frameworks:
#     cis-kubernetes: ["5.2.9"]
#   triggers: [add]
#   remediation: >-
#     Have the application listen on a port above 1024 (and map the Service
#     port to it), then remove NET_BIND_SERVICE from
#     securityContext.capabilities.add.
package assay.kubernetes.cis.added_capabilities

import rego.v1

import data.assay.lib.kubernetes as k8s

warn contains {"msg": msg, "path": path} if {
	some c in k8s.containers
	added := c.security_context.capabilities.add
	is_array(added)
	some i, capability in added
	capability == "NET_BIND_SERVICE"
	path := array.concat(c.path, ["securityContext", "capabilities", "add", i])
	msg := sprintf("%s adds the capability NET_BIND_SERVICE; listen on a port above 1024 to run without it", [c.label])
}
