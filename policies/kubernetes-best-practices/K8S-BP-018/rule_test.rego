package assay.kubernetes.bestpractice.cronjob_deadline

import rego.v1

test_missing_deadline_denied if {
	some f in deny with input as {"kind": "CronJob", "spec": {"schedule": "@hourly"}}
	f.msg == "CronJob must set spec.startingDeadlineSeconds"
	f.path == ["spec"]
	count(deny) == 1 with input as {"kind": "CronJob", "spec": {"schedule": "@hourly", "startingDeadlineSeconds": null}}
}

test_too_short_deadline_denied if {
	some f in deny with input as {"kind": "CronJob", "spec": {"schedule": "@hourly", "startingDeadlineSeconds": 5}}
	f.msg == "CronJob sets spec.startingDeadlineSeconds 5; below 10 runs may never start"
	f.path == ["spec", "startingDeadlineSeconds"]
}

test_usable_deadline_passes if {
	count(deny) == 0 with input as {"kind": "CronJob", "spec": {"schedule": "@hourly", "startingDeadlineSeconds": 10}}
	count(deny) == 0 with input as {"kind": "CronJob", "spec": {"schedule": "@hourly", "startingDeadlineSeconds": 600}}
}
