# METADATA
# title: CronJobs should set a usable startingDeadlineSeconds
# description: >-
#   Without startingDeadlineSeconds a run missed while the controller was
#   down or the cluster was full starts whenever it can, possibly hours late,
#   and after more than 100 missed schedules the CronJob stops starting jobs
#   at all. A deadline under 10 seconds is as bad: the controller checks
#   every 10 seconds, so runs may never start. Fails when
#   spec.startingDeadlineSeconds is unset or below 10.
# custom:
#   id: K8S-BP-018
#   severity: low
#   kinds: [CronJob]
#   frameworks:
#     best-practices: [reliability]
#   remediation: >-
#     Set spec.startingDeadlineSeconds to how late a run may still usefully
#     start, at least 10 and at most the schedule interval (e.g. `300` for an
#     hourly job).
package assay.kubernetes.bestpractice.cronjob_deadline

import rego.v1

deny contains {"msg": "CronJob must set spec.startingDeadlineSeconds", "path": ["spec"]} if {
	is_object(input.spec)
	object.get(input.spec, "startingDeadlineSeconds", null) == null
}

deny contains {"msg": msg, "path": ["spec", "startingDeadlineSeconds"]} if {
	deadline := input.spec.startingDeadlineSeconds
	is_number(deadline)
	deadline < 10
	msg := sprintf("CronJob sets spec.startingDeadlineSeconds %v; below 10 runs may never start", [deadline])
}
