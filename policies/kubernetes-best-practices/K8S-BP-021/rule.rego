# METADATA
# title: StatefulSets should name an existing headless Service
# description: >-
#   A StatefulSet's pods get their stable DNS names (pod-0.svc) only from the
#   headless Service named in spec.serviceName; if that Service is missing or
#   has a cluster IP, peers cannot address each other by name. Fails for each
#   StatefulSet whose spec.serviceName names a Service that is not among the
#   scanned objects of its namespace, or one whose spec.clusterIP is not None.
#   Namespaces holding custom resources are skipped for the missing case.
# custom:
#   id: K8S-BP-021
#   severity: low
#   scope: inventory
#   kinds: [StatefulSet, "*"]
#   frameworks:
#     best-practices: [reliability]
#   remediation: >-
#     Create a Service with `clusterIP: None` in the StatefulSet's namespace,
#     named as spec.serviceName and selecting its pods (or remove serviceName if
#     the pods need no stable network identity).
package assay.kubernetes.bestpractice.statefulset_service

import rego.v1

import data.assay.lib.inventory as inv

deny contains inv.finding(o, msg, ["spec", "serviceName"]) if {
	some o in inv.objects_of_kind("StatefulSet")
	name := o.object.spec.serviceName
	is_string(name)
	name != ""
	not inv.operator_managed(o.namespace)
	count(services(o.namespace, name)) == 0
	msg := sprintf("StatefulSet names Service %q, which is not among the scanned objects of namespace %q", [name, o.namespace])
}

deny contains inv.finding(o, msg, ["spec", "serviceName"]) if {
	some o in inv.objects_of_kind("StatefulSet")
	name := o.object.spec.serviceName
	some s in services(o.namespace, name)
	object.get(s.object, ["spec", "clusterIP"], "") != "None"
	msg := sprintf("StatefulSet names Service %q, which is not headless (spec.clusterIP: None)", [name])
}

services(ns, name) := inv.objects_named(ns, "Service", name)
