# METADATA
# title: A cross-resource rule whose finding names a resource nobody scanned
# description: Its result is reported as the rule's error, not dropped.
# custom:
#   id: TEST-INV-002
#   severity: medium
#   kinds: [Namespace]
#   scope: inventory
#   remediation: Name a scanned resource in `resource`.
package test.inventory.ghost

import rego.v1

deny contains {"msg": "about a ghost", "resource": {"apiVersion": "v1", "kind": "Namespace", "name": "ghost"}} if {
	data.inventory.cluster.v1.Namespace.prod
}
