# METADATA
# title: Workloads should carry the app.kubernetes.io/name label
# description: >-
#   Advisory. app.kubernetes.io/name is the first of the Kubernetes
#   recommended labels; dashboards, cost reports, `kubectl get -l` and
#   policy exceptions rely on it to tell which application an object
#   belongs to. Warns when a workload's metadata.labels lacks it or sets it
#   empty.
# custom:
#   id: K8S-BP-034
#   severity: info
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   frameworks:
#     best-practices: [hygiene]
#   remediation: >-
#     Add `app.kubernetes.io/name: <application>` to metadata.labels (and,
#     ideally, app.kubernetes.io/instance, version, component, part-of and
#     managed-by).
package assay.kubernetes.bestpractice.recommended_labels

import rego.v1

label := "app.kubernetes.io/name"

warn contains {"msg": msg, "path": path} if {
	value := object.get(input, ["metadata", "labels", label], "")
	not non_empty_string(value)
	path := labels_path
	msg := sprintf("%s has no %s label", [input.kind, label])
}

non_empty_string(v) if {
	is_string(v)
	trim_space(v) != ""
}

labels_path := ["metadata", "labels"] if is_object(input.metadata.labels)

else := ["metadata"]
