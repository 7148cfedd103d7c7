# METADATA
# title: Containers must drop the NET_RAW capability
# description: >-
#   NET_RAW lets a process craft raw packets (ARP and DNS spoofing, sniffing
#   on the pod network), and container runtimes such as containerd and
#   Docker grant it by default. CIS 5.2.8 asks that containers run without
#   it. Every container, init container and ephemeral container must list
#   NET_RAW or ALL in securityContext.capabilities.drop, must not add NET_RAW
#   or ALL back, and must not run privileged (which grants every capability).
#   Capability names are matched as the runtimes do: case-insensitive, with
#   or without CAP_. Windows pods (spec.os.name=windows) have no Linux
#   capabilities and are skipped.
# custom:
#   id: K8S-CIS-014
#   severity: medium
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   frameworks:
#     cis-kubernetes: ["5.2.8"]
#   remediation: >-
#     Add NET_RAW (or ALL) to securityContext.capabilities.drop of the
#     container and remove NET_RAW and ALL from capabilities.add.
package assay.kubernetes.cis.net_raw

import rego.v1

import data.assay.lib.kubernetes as k8s

linux if object.get(k8s.pod_spec.spec, ["os", "name"], "") != "windows"

norm(capability) := trim_prefix(upper(capability), "CAP_") if is_string(capability)

list(x) := x if is_array(x)

else := []

capabilities(c) := c.security_context.capabilities if is_object(c.security_context.capabilities)

else := {}

adds_net_raw(c) if {
	some capability in list(object.get(capabilities(c), "add", []))
	norm(capability) in {"NET_RAW", "ALL"}
}

drops_net_raw(c) if {
	some capability in list(object.get(capabilities(c), "drop", []))
	norm(capability) in {"NET_RAW", "ALL"}
}

privileged(c) if c.security_context.privileged == true

# NET_RAW (or ALL) is added back.
deny contains {"msg": msg, "path": path} if {
	linux
	some c in k8s.containers
	not privileged(c)
	some i, capability in list(object.get(capabilities(c), "add", []))
	norm(capability) in {"NET_RAW", "ALL"}
	path := array.concat(c.path, ["securityContext", "capabilities", "add", i])
	msg := sprintf("%s must not add %q to securityContext.capabilities.add", [c.label, capability])
}

# Privileged containers get every capability, whatever capabilities say.
deny contains {"msg": msg, "path": path} if {
	linux
	some c in k8s.containers
	privileged(c)
	path := array.concat(c.path, ["securityContext", "privileged"])
	msg := sprintf("%s runs privileged, which grants NET_RAW", [c.label])
}

# NET_RAW is kept from the runtime's default set.
deny contains {"msg": msg, "path": path, "fix": fix} if {
	linux
	some c in k8s.containers
	not privileged(c)
	not adds_net_raw(c)
	not drops_net_raw(c)
	[path, fix] := drop_fix(c)
	msg := sprintf("%s must drop NET_RAW (or ALL) in securityContext.capabilities.drop", [c.label])
}

drop_path(c) := array.concat(c.path, ["securityContext", "capabilities", "drop"])

# The drop list exists: point at it and append NET_RAW.
drop_fix(c) := [drop_path(c), [{"op": "add", "path": array.concat(drop_path(c), ["-"]), "value": "NET_RAW"}]] if {
	is_array(capabilities(c).drop)
}

# No drop list: point at the nearest existing parent and create the list.
else := [nearest(c), [{"op": "ensure", "path": drop_path(c), "value": ["NET_RAW"]}]]

nearest(c) := array.concat(c.path, ["securityContext", "capabilities"]) if is_object(c.security_context.capabilities)

else := array.concat(c.path, ["securityContext"]) if is_object(c.container.securityContext)

else := c.path
