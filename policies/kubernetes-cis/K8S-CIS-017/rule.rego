# METADATA
# title: Secrets should be mounted as files, not passed as environment variables
# description: >-
#   Applications and crash handlers often log their environment, and the
#   environment is visible to anything that can inspect the process, so
#   secrets in environment variables leak easily. CIS 5.4.1 prefers secrets
#   mounted as files. Reported: every env entry with valueFrom.secretKeyRef
#   and every envFrom entry with secretRef, in containers, init containers
#   and ephemeral containers.
# custom:
#   id: K8S-CIS-017
#   severity: low
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   frameworks:
#     cis-kubernetes: ["5.4.1"]
#   triggers: [secretKeyRef, secretRef]
#   remediation: >-
#     Mount the secret as a volume (volumes[].secret with a volumeMount) and
#     have the application read the value from the file.
package assay.kubernetes.cis.secrets_in_env

import rego.v1

import data.assay.lib.kubernetes as k8s

list(x) := x if is_array(x)

else := []

deny contains {"msg": msg, "path": path} if {
	some c in k8s.containers
	some i, env in list(object.get(c.container, "env", []))
	ref := env.valueFrom.secretKeyRef
	is_object(ref)
	path := array.concat(c.path, ["env", i, "valueFrom", "secretKeyRef"])
	msg := sprintf("%s takes environment variable %s from key %q of secret %q; mount the secret as a file instead", [
		c.label, object.get(env, "name", ""), object.get(ref, "key", ""), object.get(ref, "name", ""),
	])
}

deny contains {"msg": msg, "path": path} if {
	some c in k8s.containers
	some i, source in list(object.get(c.container, "envFrom", []))
	ref := source.secretRef
	is_object(ref)
	path := array.concat(c.path, ["envFrom", i, "secretRef"])
	msg := sprintf("%s loads secret %q into environment variables; mount the secret as a file instead", [c.label, object.get(ref, "name", "")])
}
