# METADATA
# title: Objects should not be placed in the default namespace
# description: >-
#   Objects left in the default namespace share it with everything else
#   created without a namespace, which makes RBAC, network policies and
#   quotas hard to scope. CIS 5.6.4 asks that only system-managed objects
#   (such as the kubernetes Service) live there. Objects with
#   metadata.namespace "default" fail. Namespaced objects with no
#   metadata.namespace get a warning: they land in whatever namespace
#   kubectl, Helm or Kustomize applies them to, which is default unless one
#   is chosen.
# custom:
#   id: K8S-CIS-019
#   severity: low
#   kinds: ["*"]
#   frameworks:
#     cis-kubernetes: ["5.6.4"]
#   remediation: >-
#     Create a namespace for the application and set metadata.namespace to it
#     (or set the namespace in the Kustomize or Helm configuration that
#     applies these files).
package assay.kubernetes.cis.default_namespace

import rego.v1

kind := object.get(input, "kind", "")

name := object.get(input, ["metadata", "name"], "")

namespace := object.get(input, ["metadata", "namespace"], "")

# Objects the control plane itself keeps in the default namespace.
system_managed := {
	["Service", "kubernetes"],
	["Endpoints", "kubernetes"],
	["EndpointSlice", "kubernetes"],
	["ServiceAccount", "default"],
	["ConfigMap", "kube-root-ca.crt"],
}

# Cluster-scoped kinds: a namespace on them means nothing.
cluster_scoped := {
	"Namespace", "Node", "PersistentVolume", "ClusterRole", "ClusterRoleBinding",
	"CustomResourceDefinition", "StorageClass", "PriorityClass", "RuntimeClass",
	"IngressClass", "CSIDriver", "CSINode", "VolumeAttachment", "APIService",
	"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration",
	"ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
	"MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding",
	"CertificateSigningRequest", "FlowSchema", "PriorityLevelConfiguration",
	"ComponentStatus",
}

# Built-in namespaced kinds, for objects that omit their namespace (a custom
# kind without a namespace may well be cluster-scoped).
namespaced := {
	"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController",
	"Job", "CronJob", "PodTemplate", "Service", "Endpoints", "EndpointSlice", "Ingress",
	"NetworkPolicy", "ConfigMap", "Secret", "ServiceAccount", "Role", "RoleBinding",
	"PersistentVolumeClaim", "PodDisruptionBudget", "HorizontalPodAutoscaler",
	"LimitRange", "ResourceQuota", "Lease", "ControllerRevision", "CSIStorageCapacity",
}

system_object if [kind, name] in system_managed

system_object if kind == "Event"

deny contains {"msg": msg, "path": ["metadata", "namespace"]} if {
	namespace == "default"
	not kind in cluster_scoped
	not system_object
	msg := sprintf("%s %q must not be placed in the default namespace", [kind, name])
}

warn contains {"msg": msg, "path": path} if {
	namespace in {"", null}
	kind in namespaced
	not system_object
	path := where
	msg := sprintf("%s %q sets no metadata.namespace, so it is created in default unless a namespace is chosen when applying", [kind, name])
}

where := ["metadata", "namespace"] if "namespace" in object.keys(object.get(input, "metadata", {}))

else := ["metadata", "name"] if is_string(input.metadata.name)

else := ["metadata"] if is_object(input.metadata)

else := []
