# METADATA
# title: Containers must drop ALL capabilities and add only NET_BIND_SERVICE
# description: >-
#   The runtime's default capabilities (e.g. NET_RAW, CHOWN, SETUID) are more
#   than most workloads need. PSS restricted requires "ALL" in every
#   container's securityContext.capabilities.drop and allows only
#   NET_BIND_SERVICE in capabilities.add; pods with spec.os.name windows are exempt.
# custom:
#   id: K8S-PSS-018
#   severity: medium
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   frameworks:
#     pss: [restricted]
#     cis-kubernetes: ["5.2.9"]
#   remediation: Set securityContext.capabilities.drop to ["ALL"] on every container, and add back at most NET_BIND_SERVICE.
package assay.kubernetes.pss.capabilities_restricted

import rego.v1

import data.assay.lib.kubernetes as k8s
import data.assay.lib.pss

deny contains {"msg": msg, "field": field, "fix": fix} if {
	not pss.windows
	some c in k8s.containers
	not drops_all(c)
	field := array.concat(c.path, ["securityContext", "capabilities", "drop"])
	fix := add_all(field)
	msg := sprintf("%s must set securityContext.capabilities.drop=[\"ALL\"]", [c.label])
}

deny contains {"msg": msg, "path": path} if {
	not pss.windows
	some c in k8s.containers
	added := c.security_context.capabilities.add
	is_array(added)
	some i, capability in added
	capability != "NET_BIND_SERVICE"
	path := array.concat(c.path, ["securityContext", "capabilities", "add", i])
	msg := sprintf("%s must not include %q in securityContext.capabilities.add", [c.label, capability])
}

# Exactly "ALL" (pod-security-admission compares case-sensitively).
drops_all(c) if {
	dropped := c.security_context.capabilities.drop
	is_array(dropped)
	"ALL" in dropped
}

# Append to an existing drop list; otherwise create it.
add_all(field) := [{"op": "add", "path": array.concat(field, ["-"]), "value": "ALL"}] if {
	is_array(object.get(input, field, null))
} else := [{"op": "ensure", "path": field, "value": ["ALL"]}]
