package assay.kubernetes.bestpractice.cronjob_concurrency

import rego.v1

test_unset_policy_warns if {
	some f in warn with input as {"kind": "CronJob", "spec": {"schedule": "@daily"}}
	f.msg == "CronJob does not set spec.concurrencyPolicy, so runs may overlap (default Allow)"
	f.path == ["spec"]
	count(warn) == 1 with input as {"kind": "CronJob", "spec": {"schedule": "@daily", "concurrencyPolicy": null}}
}

test_explicit_policy_passes if {
	count(warn) == 0 with input as {"kind": "CronJob", "spec": {"concurrencyPolicy": "Forbid"}}
	count(warn) == 0 with input as {"kind": "CronJob", "spec": {"concurrencyPolicy": "Replace"}}
	count(warn) == 0 with input as {"kind": "CronJob", "spec": {"concurrencyPolicy": "Allow"}}
}
