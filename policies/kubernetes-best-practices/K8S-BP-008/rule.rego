# METADATA
# title: Container images should be pinned to a version
# description: >-
#   An image without a tag means `latest`, and `latest` moves: the same
#   manifest runs different code on different nodes and days, and a rollback
#   does not roll back. Fails when an image of a container or init container
#   has no tag or the tag `latest` and no digest (@sha256:...). The tag is
#   read from the last path segment, so a registry port is not a tag.
# custom:
#   id: K8S-BP-008
#   severity: medium
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   frameworks:
#     best-practices: [images]
#   remediation: >-
#     Reference an explicit, immutable version tag (e.g. `nginx:1.25.4`), or
#     better a digest (`nginx@sha256:...`).
package assay.kubernetes.bestpractice.image_tag

import rego.v1

import data.assay.lib.bestpractice as bp

deny contains {"msg": msg, "path": path} if {
	some i in bp.workload_images
	i.mutable
	c := i.container
	path := array.concat(c.path, ["image"])
	msg := sprintf("%s image %q %s", [c.label, i.image, problem(i.ref.tag)])
}

problem("") := "has no tag and resolves to latest"

problem("latest") := "uses the mutable latest tag"
