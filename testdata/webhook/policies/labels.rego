# METADATA
# title: Pods must carry an app name label
# description: A minimal policy for the webhook tests.
# custom:
#   id: TEST-WH-001
#   severity: high
#   kinds: [Pod]
#   remediation: Add the app.kubernetes.io/name label.
package test.webhook.labels

import rego.v1

deny contains "pod has no app.kubernetes.io/name label" if {
	not input.metadata.labels["app.kubernetes.io/name"]
}
