package assay.kubernetes.bestpractice.removed_api

import rego.v1

test_removed_versions_denied if {
	some f in deny with input as {"apiVersion": "extensions/v1beta1", "kind": "Deployment"}
	f.msg == "Deployment extensions/v1beta1 is no longer served since Kubernetes 1.16; use apps/v1"
	f.path == ["apiVersion"]
	count(deny) == 1 with input as {"apiVersion": "batch/v1beta1", "kind": "CronJob"}
	count(deny) == 1 with input as {"apiVersion": "policy/v1beta1", "kind": "PodDisruptionBudget"}
	count(deny) == 1 with input as {"apiVersion": "autoscaling/v2beta2", "kind": "HorizontalPodAutoscaler"}
	count(deny) == 1 with input as {"apiVersion": "networking.k8s.io/v1beta1", "kind": "Ingress"}
	count(deny) == 1 with input as {"apiVersion": "flowcontrol.apiserver.k8s.io/v1beta3", "kind": "FlowSchema"}
}

test_ingress_in_extensions_removed_in_1_22 if {
	some f in deny with input as {"apiVersion": "extensions/v1beta1", "kind": "Ingress"}
	f.msg == "Ingress extensions/v1beta1 is no longer served since Kubernetes 1.22; use networking.k8s.io/v1"
}

test_current_versions_pass if {
	count(deny) == 0 with input as {"apiVersion": "apps/v1", "kind": "Deployment"}
	count(deny) == 0 with input as {"apiVersion": "batch/v1", "kind": "CronJob"}
	count(deny) == 0 with input as {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler"}
	count(deny) == 0 with input as {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget"}
	count(deny) == 0 with input as {"apiVersion": "storage.k8s.io/v1beta1", "kind": "SomethingElse"}
}
