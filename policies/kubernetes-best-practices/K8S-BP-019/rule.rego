# METADATA
# title: CronJobs should choose a concurrencyPolicy
# description: >-
#   Advisory. The default concurrencyPolicy, Allow, starts a new run even
#   while the previous one is still going, so a slow or stuck job piles up
#   overlapping copies that compete for the same data and resources. Warns
#   when spec.concurrencyPolicy is unset; an explicit value, Allow included,
#   records a deliberate choice and passes.
# custom:
#   id: K8S-BP-019
#   severity: low
#   kinds: [CronJob]
#   frameworks:
#     best-practices: [reliability]
#   remediation: >-
#     Set spec.concurrencyPolicy: Forbid to skip a run while the previous one
#     is active, Replace to cancel the old run, or Allow if overlapping runs
#     are safe.
package assay.kubernetes.bestpractice.cronjob_concurrency

import rego.v1

warn contains {"msg": msg, "path": ["spec"]} if {
	is_object(input.spec)
	object.get(input.spec, "concurrencyPolicy", null) == null
	msg := "CronJob does not set spec.concurrencyPolicy, so runs may overlap (default Allow)"
}
