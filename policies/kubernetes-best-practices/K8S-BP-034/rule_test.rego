package assay.kubernetes.bestpractice.recommended_labels

import rego.v1

test_missing_label_warns if {
	some f in warn with input as {"kind": "Deployment", "metadata": {"name": "web", "labels": {"app": "web"}}}
	f.msg == "Deployment has no app.kubernetes.io/name label"
	f.path == ["metadata", "labels"]
}

test_no_labels_points_at_metadata if {
	some f in warn with input as {"kind": "Job", "metadata": {"name": "j"}}
	f.path == ["metadata"]
	count(warn) == 1 with input as {"kind": "Job", "metadata": {"name": "j", "labels": null}}
	count(warn) == 1 with input as {"kind": "Job", "metadata": {"name": "j", "labels": {"app.kubernetes.io/name": " "}}}
}

test_label_present_passes if {
	count(warn) == 0 with input as {"kind": "StatefulSet", "metadata": {"name": "db", "labels": {"app.kubernetes.io/name": "postgresql"}}}
}
