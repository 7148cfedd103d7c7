# METADATA
# title: A policy that never finishes
# description: Loops for as long as it is allowed to, to test deadlines.
# custom:
#   id: TEST-WH-LOOP
#   severity: high
#   kinds: [Pod]
#   remediation: None; it is a test.
package test.webhook.looping

import rego.v1

deny contains "never" if {
	some i in numbers.range(1, 100000)
	some j in numbers.range(1, 100000)
	i + j < 0
}
