# METADATA
# title: HostPath volumes are forbidden
# description: >-
#   HostPath volumes give a pod access to the node's filesystem. PSS baseline
#   forbids any volume with hostPath set, whatever its path or type.
# custom:
#   id: K8S-PSS-005
#   severity: high
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   frameworks:
#     pss: [baseline]
#     cis-kubernetes: ["5.2.11"]
#   triggers: [hostPath]
#   remediation: Replace the hostPath volume with a persistentVolumeClaim, configMap, secret, emptyDir or CSI volume.
package assay.kubernetes.pss.host_path

import rego.v1

import data.assay.lib.kubernetes as k8s

deny contains {"msg": msg, "path": path} if {
	volumes := k8s.pod_spec.spec.volumes
	is_array(volumes)
	some i, volume in volumes
	volume.hostPath != null
	path := array.concat(k8s.pod_spec.path, ["volumes", i, "hostPath"])
	msg := sprintf("volume %q must not use hostPath", [object.get(volume, "name", "")])
}
