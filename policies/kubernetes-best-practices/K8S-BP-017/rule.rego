# METADATA
# title: Deployments behind a Service should roll out without downtime
# description: >-
#   Advisory. The Recreate strategy stops every old pod before starting new
#   ones, so the Service has no endpoints for the whole rollout. Warns for
#   each Deployment with spec.strategy.type Recreate whose pods a Service in
#   the same namespace selects. Recreate is right when two versions must not
#   run at once (e.g. pods sharing a ReadWriteOnce volume); waive it there.
# custom:
#   id: K8S-BP-017
#   severity: low
#   scope: inventory
#   kinds: [Deployment, Service]
#   frameworks:
#     best-practices: [reliability]
#   engine: interpreter  # regorus 0.14 VM: keyed partial sets (x[k] contains v) come out flat
#   remediation: >-
#     Use `strategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 0,
#     maxSurge: 1}}` together with a readiness probe, unless old and new pods
#     must never overlap.
package assay.kubernetes.bestpractice.recreate_strategy

import rego.v1

import data.assay.lib.inventory as inv

warn contains inv.finding(o, msg, ["spec", "strategy", "type"]) if {
	some o in inv.objects_of_kind("Deployment")
	o.object.spec.strategy.type == "Recreate"
	labels := inv.pod_labels(o)
	services := sort([s.name |
		some s in inv.services_selecting(o.namespace, labels)
		object.get(s.object, ["spec", "type"], "ClusterIP") != "ExternalName"
	])
	count(services) > 0
	msg := sprintf("Deployment %q uses the Recreate strategy, so Service %q has no endpoints during each rollout", [o.name, services[0]])
}
