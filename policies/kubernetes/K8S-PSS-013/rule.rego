# METADATA
# title: Volumes must use only the restricted volume types
# description: >-
#   Inline volume sources such as nfs, iscsi, gitRepo or hostPath bypass the
#   PersistentVolume layer and its access controls. PSS restricted requires
#   every spec.volumes entry to set configMap, csi, downwardAPI, emptyDir,
#   ephemeral, image, persistentVolumeClaim, projected or secret.
# custom:
#   id: K8S-PSS-013
#   severity: medium
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   frameworks:
#     pss: [restricted]
#   triggers: [volumes]
#   remediation: Mount the storage through a persistentVolumeClaim (a PersistentVolume can carry nfs, iscsi or a cloud disk) or a CSI volume, or use configMap, secret, projected, downwardAPI, emptyDir, ephemeral or image.
package assay.kubernetes.pss.restricted_volumes

import rego.v1

import data.assay.lib.kubernetes as k8s

# A volume that sets any of these (non-null) passes.
allowed_types := [
	"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image",
	"persistentVolumeClaim", "projected", "secret",
]

# The forbidden volume sources pod-security-admission names, in its order.
restricted_types := [
	"hostPath", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "nfs",
	"iscsi", "glusterfs", "rbd", "flexVolume", "cinder", "cephfs", "flocker",
	"fc", "azureFile", "vsphereVolume", "quobyte", "azureDisk",
	"photonPersistentDisk", "portworxVolume", "scaleIO", "storageos",
]

deny contains {"msg": msg, "path": path} if {
	some i, volume in volumes
	is_object(volume)
	not uses_allowed_type(volume)
	found := [t | some t in restricted_types; volume[t] != null]
	count(found) > 0
	path := array.concat(k8s.pod_spec.path, ["volumes", i, found[0]])
	msg := sprintf("volume %q must not use restricted volume type %q", [object.get(volume, "name", ""), found[0]])
}

# No allowed and no known volume source: pod-security-admission's "unknown".
deny contains {"msg": msg, "path": path} if {
	some i, volume in volumes
	is_object(volume)
	not uses_allowed_type(volume)
	not uses_restricted_type(volume)
	path := array.concat(k8s.pod_spec.path, ["volumes", i])
	msg := sprintf("volume %q must set one of %s", [object.get(volume, "name", ""), concat(", ", allowed_types)])
}

volumes := list if {
	list := k8s.pod_spec.spec.volumes
	is_array(list)
} else := []

uses_allowed_type(volume) if {
	some t in allowed_types
	volume[t] != null
}

uses_restricted_type(volume) if {
	some t in restricted_types
	volume[t] != null
}
