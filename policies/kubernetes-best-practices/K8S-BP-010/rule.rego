# METADATA
# title: Images with a mutable tag should be pulled Always
# description: >-
#   Kubernetes pulls an untagged or `latest` image on every start by default
#   (imagePullPolicy Always). Overriding that with IfNotPresent or Never makes
#   each node run whatever `latest` was when it first pulled it, so replicas
#   silently run different code. Fails when a container or init container
#   whose image has no tag or `latest` and no digest sets imagePullPolicy to
#   IfNotPresent or Never. Pinned images may use IfNotPresent.
# custom:
#   id: K8S-BP-010
#   severity: low
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   frameworks:
#     best-practices: [images]
#   remediation: >-
#     Pin the image to a version or digest (K8S-BP-008); until then set
#     imagePullPolicy to Always or remove it so the default (Always) applies.
package assay.kubernetes.bestpractice.image_pull_policy

import rego.v1

import data.assay.lib.bestpractice as bp

deny contains {"msg": message(o), "path": o.path, "fix": [{"op": "replace", "path": o.path, "value": "Always"}]} if {
	some o in offending
	o.policy == "IfNotPresent"
}

# Never is kept for images preloaded on the nodes; switching it is a manual decision.
deny contains {"msg": message(o), "path": o.path} if {
	some o in offending
	o.policy == "Never"
}

offending contains {"container": c, "path": path, "policy": policy} if {
	some i in bp.workload_images
	i.mutable
	c := i.container
	policy := c.container.imagePullPolicy
	policy in {"IfNotPresent", "Never"}
	path := array.concat(c.path, ["imagePullPolicy"])
}

message(o) := sprintf("%s pulls mutable image %q with imagePullPolicy %s; use Always", [o.container.label, o.container.container.image, o.policy])
