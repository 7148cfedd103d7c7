# METADATA
# title: PodDisruptionBudgets should allow at least one disruption
# description: >-
#   A PodDisruptionBudget with maxUnavailable 0 (or 0%) or minAvailable 100%
#   never allows a voluntary eviction, so `kubectl drain`, node upgrades and
#   the cluster autoscaler hang on its pods until someone deletes the budget
#   by hand. Fails on those values of spec.maxUnavailable and
#   spec.minAvailable.
# custom:
#   id: K8S-BP-012
#   severity: medium
#   kinds: [PodDisruptionBudget]
#   frameworks:
#     best-practices: [reliability]
#   remediation: >-
#     Use `maxUnavailable: 1` (or a minAvailable below the replica count) and run
#     enough replicas that losing one is safe; for a singleton that must not be
#     interrupted, schedule maintenance explicitly instead of blocking drains.
package assay.kubernetes.bestpractice.pdb_zero_disruptions

import rego.v1

deny contains {"msg": msg, "path": ["spec", "maxUnavailable"]} if {
	value := input.spec.maxUnavailable
	value in {0, "0%"}
	msg := sprintf("PodDisruptionBudget sets maxUnavailable %v, which blocks every voluntary eviction", [value])
}

deny contains {"msg": msg, "path": ["spec", "minAvailable"]} if {
	input.spec.minAvailable == "100%"
	msg := "PodDisruptionBudget sets minAvailable 100%, which blocks every voluntary eviction"
}
