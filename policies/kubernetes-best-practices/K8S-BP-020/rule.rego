# METADATA
# title: Pods should be managed by a controller
# description: >-
#   Advisory. A bare Pod is not recreated when its node fails, is drained or
#   the pod is evicted, and it cannot be rolled out or scaled. Warns for Pod
#   manifests without metadata.ownerReferences, except Helm hooks and tests
#   (helm.sh/hook annotation), kubelet mirror pods and static control-plane
#   pods (priorityClassName system-node-critical or system-cluster-critical).
# custom:
#   id: K8S-BP-020
#   severity: low
#   kinds: [Pod]
#   frameworks:
#     best-practices: [reliability]
#   remediation: >-
#     Wrap the pod spec in a Deployment (or StatefulSet or DaemonSet) for a
#     service, or in a Job for a task that runs to completion.
package assay.kubernetes.bestpractice.naked_pod

import rego.v1

exempt_annotations := {"helm.sh/hook", "kubernetes.io/config.mirror"}

critical_classes := {"system-node-critical", "system-cluster-critical"}

warn contains {"msg": "Pod is not managed by a controller, so nothing recreates it if it is evicted or its node fails", "path": ["kind"]} if {
	not owned
	not exempt
}

exempt if {
	some key in exempt_annotations
	object.get(input, ["metadata", "annotations", key], null) != null
}

exempt if object.get(input, ["spec", "priorityClassName"], "") in critical_classes

owned if {
	owners := input.metadata.ownerReferences
	is_array(owners)
	count(owners) > 0
}
