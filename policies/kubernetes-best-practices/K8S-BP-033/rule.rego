# METADATA
# title: Environment variables should be defined once per container
# description: >-
#   When a container's env lists the same name twice, only the last entry
#   takes effect, so the first silently does nothing; server-side apply
#   rejects the manifest outright (duplicate entries for key name), and
#   client-side apply may drop one of them when patching. Fails for every
#   env entry whose name an earlier entry of the same container already
#   uses.
# custom:
#   id: K8S-BP-033
#   severity: low
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   frameworks:
#     best-practices: [hygiene]
#   triggers: [env]
#   remediation: Keep one entry per variable name in the container's env and delete the others.
package assay.kubernetes.bestpractice.duplicate_env

import rego.v1

import data.assay.lib.kubernetes as k8s

deny contains {"msg": msg, "path": path} if {
	some c in k8s.containers
	env := c.container.env
	is_array(env)
	some j, var in env
	first := min({i | some i, e in env; e.name == var.name})
	first < j
	path := array.concat(c.path, ["env", j, "name"])
	msg := sprintf("%s defines env %s again (first at env[%d]); only the last definition takes effect", [c.label, var.name, first])
}
