# METADATA
# title: Container images should be pinned by digest
# description: >-
#   Advisory. A version tag can still be re-pushed to point at other
#   content; only a digest (@sha256:...) names exactly one image, which makes
#   deployments reproducible and stops a compromised registry from swapping
#   the image. Warns for images of containers and init containers that have
#   a version tag but no digest (images with no tag or `latest` already fail
#   K8S-BP-008).
# custom:
#   id: K8S-BP-009
#   severity: low
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   frameworks:
#     best-practices: [images]
#   remediation: >-
#     Append the digest of the tested image, keeping the tag for readability:
#     `nginx:1.25.4@sha256:<digest>` (e.g. from `crane digest nginx:1.25.4`), and let
#     a bot such as Renovate keep it up to date.
package assay.kubernetes.bestpractice.image_digest

import rego.v1

import data.assay.lib.bestpractice as bp

warn contains {"msg": msg, "path": path} if {
	some i in bp.workload_images
	i.ref.digest == ""
	not i.mutable
	c := i.container
	path := array.concat(c.path, ["image"])
	msg := sprintf("%s image %q is not pinned by digest", [c.label, i.image])
}
