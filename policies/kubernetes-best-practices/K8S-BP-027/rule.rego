# METADATA
# title: Ingress backends should name an existing Service port
# description: >-
#   An Ingress path whose backend Service does not exist, or lacks the named
#   or numbered port, answers 503 or 404 for that path; the usual cause is a
#   renamed Service or port. Checks spec.defaultBackend and every rule path
#   (networking.k8s.io/v1 service.name and service.port, and the old
#   serviceName/servicePort form): the Service must be among the scanned
#   objects of the Ingress's namespace and declare that port in spec.ports.
#   Namespaces holding custom resources are skipped for missing Services.
# custom:
#   id: K8S-BP-027
#   severity: medium
#   scope: inventory
#   kinds: [Ingress, "*"]
#   frameworks:
#     best-practices: [networking]
#   remediation: >-
#     Point the backend at the Service (in the Ingress's namespace) and at a
#     port listed in its spec.ports, by number (port.number) or name (port.name).
package assay.kubernetes.bestpractice.ingress_backend

import rego.v1

import data.assay.lib.inventory as inv

deny contains inv.finding(i, msg, b.name_path) if {
	some i in inv.objects_of_kind("Ingress")
	some b in backends(i.object)
	not inv.operator_managed(i.namespace)
	count(services(i.namespace, b.name)) == 0
	msg := sprintf("Ingress backend Service %q is not among the scanned objects of namespace %q", [b.name, i.namespace])
}

deny contains inv.finding(i, msg, b.port_path) if {
	some i in inv.objects_of_kind("Ingress")
	some b in backends(i.object)
	some s in services(i.namespace, b.name)
	b.port != null
	object.get(s.object, ["spec", "type"], "ClusterIP") != "ExternalName"
	not has_port(s.object, b.port)
	msg := sprintf("Ingress backend Service %q has no port %s", [b.name, describe(b.port)])
}

services(ns, name) := inv.objects_named(ns, "Service", name)

has_port(svc, port) if {
	is_number(port)
	some p in object.get(svc, ["spec", "ports"], [])
	p.port == port
}

has_port(svc, port) if {
	is_string(port)
	some p in object.get(svc, ["spec", "ports"], [])
	p.name == port
}

# A port of an old-style backend given as a numeric string ("80") is a number.
has_port(svc, port) if {
	is_string(port)
	regex.match(`^[0-9]+$`, port)
	has_port(svc, to_number(port))
}

describe(port) := sprintf("%v", [port]) if is_number(port)

else := sprintf("named %q", [port])

# Every Service backend with its name, port, and their paths in the Ingress.
backends(ing) := {b |
	some prefix in backend_paths(ing)
	b := backend(object.get(ing, prefix, null), prefix)
}

backend_paths(ing) := array.concat(
	[p | some p in [["spec", "defaultBackend"], ["spec", "backend"]]; object.get(ing, p, null) != null],
	[["spec", "rules", r, "http", "paths", j, "backend"] |
		some r, rule in object.get(ing, ["spec", "rules"], [])
		some j, _ in object.get(rule, ["http", "paths"], [])
	],
)

# networking.k8s.io/v1: backend.service.{name, port.number | port.name}.
backend(be, prefix) := {
	"name": be.service.name,
	"name_path": array.concat(prefix, ["service", "name"]),
	"port": port,
	"port_path": array.concat(prefix, ["service", "port"]),
} if {
	is_string(be.service.name)
	port := v1_port(object.get(be.service, "port", {}))
}

# extensions/v1beta1 and networking.k8s.io/v1beta1: backend.{serviceName, servicePort}.
backend(be, prefix) := {
	"name": be.serviceName,
	"name_path": array.concat(prefix, ["serviceName"]),
	"port": be.servicePort,
	"port_path": array.concat(prefix, ["servicePort"]),
} if {
	is_string(be.serviceName)
}

v1_port(p) := p.number if p.number != null

else := p.name if p.name != null

else := null
