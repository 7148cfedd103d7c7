# METADATA
# title: Manifests should not use removed API versions
# description: >-
#   Kubernetes stops serving deprecated beta API versions after a few
#   releases; a manifest that still uses one fails to apply on every current
#   cluster ("no matches for kind"). Fails when apiVersion and kind are one
#   of the pairs the Kubernetes Deprecated API Migration Guide lists as
#   removed (1.16 through 1.32), naming the release and the replacement.
# custom:
#   id: K8S-BP-035
#   severity: medium
#   kinds:
#     - APIService
#     - CertificateSigningRequest
#     - ClusterRole
#     - ClusterRoleBinding
#     - CronJob
#     - CSIDriver
#     - CSINode
#     - CSIStorageCapacity
#     - CustomResourceDefinition
#     - DaemonSet
#     - Deployment
#     - EndpointSlice
#     - Event
#     - FlowSchema
#     - HorizontalPodAutoscaler
#     - Ingress
#     - IngressClass
#     - Lease
#     - LocalSubjectAccessReview
#     - MutatingWebhookConfiguration
#     - NetworkPolicy
#     - PodDisruptionBudget
#     - PodSecurityPolicy
#     - PriorityClass
#     - PriorityLevelConfiguration
#     - ReplicaSet
#     - Role
#     - RoleBinding
#     - RuntimeClass
#     - SelfSubjectAccessReview
#     - SelfSubjectRulesReview
#     - StatefulSet
#     - StorageClass
#     - SubjectAccessReview
#     - TokenReview
#     - ValidatingWebhookConfiguration
#     - VolumeAttachment
#   frameworks:
#     best-practices: [hygiene]
#   remediation: >-
#     Change apiVersion to the replacement named in the message and adapt the
#     fields that changed (see the Kubernetes Deprecated API Migration Guide;
#     `kubectl convert` can do most of it).
package assay.kubernetes.bestpractice.removed_api

import rego.v1

# apiVersion → kind → [release that stopped serving it, replacement].
removed := {
	"extensions/v1beta1": {
		"DaemonSet": ["1.16", "apps/v1"],
		"Deployment": ["1.16", "apps/v1"],
		"ReplicaSet": ["1.16", "apps/v1"],
		"NetworkPolicy": ["1.16", "networking.k8s.io/v1"],
		"PodSecurityPolicy": ["1.16", "Pod Security Admission (PodSecurityPolicy was removed in 1.25)"],
		"Ingress": ["1.22", "networking.k8s.io/v1"],
	},
	"apps/v1beta1": {
		"Deployment": ["1.16", "apps/v1"],
		"StatefulSet": ["1.16", "apps/v1"],
		"ReplicaSet": ["1.16", "apps/v1"],
	},
	"apps/v1beta2": {
		"DaemonSet": ["1.16", "apps/v1"],
		"Deployment": ["1.16", "apps/v1"],
		"StatefulSet": ["1.16", "apps/v1"],
		"ReplicaSet": ["1.16", "apps/v1"],
	},
	"admissionregistration.k8s.io/v1beta1": {
		"MutatingWebhookConfiguration": ["1.22", "admissionregistration.k8s.io/v1"],
		"ValidatingWebhookConfiguration": ["1.22", "admissionregistration.k8s.io/v1"],
	},
	"apiextensions.k8s.io/v1beta1": {"CustomResourceDefinition": ["1.22", "apiextensions.k8s.io/v1"]},
	"apiregistration.k8s.io/v1beta1": {"APIService": ["1.22", "apiregistration.k8s.io/v1"]},
	"authentication.k8s.io/v1beta1": {"TokenReview": ["1.22", "authentication.k8s.io/v1"]},
	"authorization.k8s.io/v1beta1": {
		"LocalSubjectAccessReview": ["1.22", "authorization.k8s.io/v1"],
		"SelfSubjectAccessReview": ["1.22", "authorization.k8s.io/v1"],
		"SubjectAccessReview": ["1.22", "authorization.k8s.io/v1"],
		"SelfSubjectRulesReview": ["1.22", "authorization.k8s.io/v1"],
	},
	"certificates.k8s.io/v1beta1": {"CertificateSigningRequest": ["1.22", "certificates.k8s.io/v1"]},
	"coordination.k8s.io/v1beta1": {"Lease": ["1.22", "coordination.k8s.io/v1"]},
	"networking.k8s.io/v1beta1": {
		"Ingress": ["1.22", "networking.k8s.io/v1"],
		"IngressClass": ["1.22", "networking.k8s.io/v1"],
	},
	"rbac.authorization.k8s.io/v1beta1": {
		"ClusterRole": ["1.22", "rbac.authorization.k8s.io/v1"],
		"ClusterRoleBinding": ["1.22", "rbac.authorization.k8s.io/v1"],
		"Role": ["1.22", "rbac.authorization.k8s.io/v1"],
		"RoleBinding": ["1.22", "rbac.authorization.k8s.io/v1"],
	},
	"scheduling.k8s.io/v1beta1": {"PriorityClass": ["1.22", "scheduling.k8s.io/v1"]},
	"storage.k8s.io/v1beta1": {
		"CSIDriver": ["1.22", "storage.k8s.io/v1"],
		"CSINode": ["1.22", "storage.k8s.io/v1"],
		"StorageClass": ["1.22", "storage.k8s.io/v1"],
		"VolumeAttachment": ["1.22", "storage.k8s.io/v1"],
		"CSIStorageCapacity": ["1.27", "storage.k8s.io/v1"],
	},
	"batch/v1beta1": {"CronJob": ["1.25", "batch/v1"]},
	"discovery.k8s.io/v1beta1": {"EndpointSlice": ["1.25", "discovery.k8s.io/v1"]},
	"events.k8s.io/v1beta1": {"Event": ["1.25", "events.k8s.io/v1"]},
	"autoscaling/v2beta1": {"HorizontalPodAutoscaler": ["1.25", "autoscaling/v2"]},
	"autoscaling/v2beta2": {"HorizontalPodAutoscaler": ["1.26", "autoscaling/v2"]},
	"policy/v1beta1": {
		"PodDisruptionBudget": ["1.25", "policy/v1"],
		"PodSecurityPolicy": ["1.25", "Pod Security Admission"],
	},
	"node.k8s.io/v1beta1": {"RuntimeClass": ["1.25", "node.k8s.io/v1"]},
	"flowcontrol.apiserver.k8s.io/v1beta1": {
		"FlowSchema": ["1.26", "flowcontrol.apiserver.k8s.io/v1"],
		"PriorityLevelConfiguration": ["1.26", "flowcontrol.apiserver.k8s.io/v1"],
	},
	"flowcontrol.apiserver.k8s.io/v1beta2": {
		"FlowSchema": ["1.29", "flowcontrol.apiserver.k8s.io/v1"],
		"PriorityLevelConfiguration": ["1.29", "flowcontrol.apiserver.k8s.io/v1"],
	},
	"flowcontrol.apiserver.k8s.io/v1beta3": {
		"FlowSchema": ["1.32", "flowcontrol.apiserver.k8s.io/v1"],
		"PriorityLevelConfiguration": ["1.32", "flowcontrol.apiserver.k8s.io/v1"],
	},
}

deny contains {"msg": msg, "path": ["apiVersion"]} if {
	entry := removed[input.apiVersion][input.kind]
	msg := sprintf("%s %s is no longer served since Kubernetes %s; use %s", [input.kind, input.apiVersion, entry[0], entry[1]])
}
