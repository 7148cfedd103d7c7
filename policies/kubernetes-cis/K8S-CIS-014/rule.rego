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

# What NET_RAW is listed as, once upper-cased and without CAP_.
net_raw := {"NET_RAW", "ALL"}

# The container's capabilities.add or .drop (`field`) lists NET_RAW or ALL.
# (Tests are inline, not in helpers per container: on the VM a function
# call costs several times a test.)
lists_net_raw(c, field) if {
	listed := c.security_context.capabilities[field]
	is_array(listed)
	some capability in listed
	is_string(capability)
	trim_prefix(upper(capability), "CAP_") in net_raw
}

# NET_RAW (or ALL) is added back.
deny contains {"msg": msg, "path": path} if {
	linux
	some c in k8s.containers
	not c.security_context.privileged == true
	added := c.security_context.capabilities.add
	is_array(added)
	some i, capability in added
	is_string(capability)
	trim_prefix(upper(capability), "CAP_") in net_raw
	path := array.concat(c.path, ["securityContext", "capabilities", "add", i])
	msg := sprintf("%s must not add %q to securityContext.capabilities.add", [c.label, capability])
}

# Privileged containers get every capability, whatever capabilities say.
deny contains {"msg": msg, "path": path} if {
	linux
	some c in k8s.containers
	c.security_context.privileged == true
	path := array.concat(c.path, ["securityContext", "privileged"])
	msg := sprintf("%s runs privileged, which grants NET_RAW", [c.label])
}

# NET_RAW is kept from the runtime's default set.
deny contains {"msg": msg, "path": path, "fix": fix} if {
	linux
	some c in k8s.containers
	not c.security_context.privileged == true
	not lists_net_raw(c, "add")
	not lists_net_raw(c, "drop")
	[path, fix] := drop_fix(c)
	msg := sprintf("%s must drop NET_RAW (or ALL) in securityContext.capabilities.drop", [c.label])
}

drop_path(c) := array.concat(c.path, ["securityContext", "capabilities", "drop"])

# The drop list exists: point at it and append NET_RAW.
drop_fix(c) := [drop_path(c), [{"op": "add", "path": array.concat(drop_path(c), ["-"]), "value": "NET_RAW"}]] if {
	is_array(c.security_context.capabilities.drop)
}

# No drop list: point at the nearest existing parent and create the list.
else := [nearest(c), [{"op": "ensure", "path": drop_path(c), "value": ["NET_RAW"]}]]

nearest(c) := array.concat(c.path, ["securityContext", "capabilities"]) if is_object(c.security_context.capabilities)

else := array.concat(c.path, ["securityContext"]) if is_object(c.container.securityContext)

else := c.path
