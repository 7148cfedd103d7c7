# METADATA
# title: Namespaces must have a NetworkPolicy
# description: A cross-resource rule evaluated once over data.inventory.
# custom:
#   id: TEST-INV-001
#   severity: medium
#   kinds: [Namespace, NetworkPolicy]
#   scope: inventory
#   remediation: Add a default-deny NetworkPolicy to the namespace.
package test.inventory.netpol

import rego.v1

deny contains {"msg": sprintf("namespace %q has no NetworkPolicy", [name]), "path": ["metadata", "name"], "resource": {"apiVersion": "v1", "kind": "Namespace", "name": name}} if {
	some name, _ in data.inventory.cluster.v1.Namespace
	not data.inventory.namespace[name]["networking.k8s.io/v1"].NetworkPolicy
}
