# METADATA
# title: Autoscaled workloads should not set spec.replicas
# description: >-
#   When a HorizontalPodAutoscaler scales a Deployment or StatefulSet, a
#   spec.replicas in the manifest resets the replica count on every apply,
#   undoing the autoscaler's decision (scaling a loaded service down) until
#   it reacts again. Kubernetes recommends removing spec.replicas from such
#   manifests. Fails for each Deployment or StatefulSet that sets
#   spec.replicas and that a HorizontalPodAutoscaler in the same namespace
#   targets through spec.scaleTargetRef.
# custom:
#   id: K8S-BP-014
#   severity: low
#   scope: inventory
#   kinds: [Deployment, StatefulSet, HorizontalPodAutoscaler]
#   frameworks:
#     best-practices: [reliability]
#   engine: interpreter  # regorus 0.14 VM: keyed partial sets (x[k] contains v) come out flat
#   remediation: Remove spec.replicas from the manifest and let the HorizontalPodAutoscaler own the replica count.
package assay.kubernetes.bestpractice.hpa_replicas

import rego.v1

import data.assay.lib.inventory as inv

deny contains inv.finding_with_fix(o, msg, ["spec", "replicas"], [{"op": "remove", "path": ["spec", "replicas"]}]) if {
	some kind in ["Deployment", "StatefulSet"]
	some o in inv.objects_of_kind(kind)
	o.object.spec.replicas != null
	hpas := sort([h.name | some h in inv.hpas_for(o)])
	count(hpas) > 0
	msg := sprintf("%s %q sets spec.replicas although HorizontalPodAutoscaler %q scales it", [o.kind, o.name, hpas[0]])
}
