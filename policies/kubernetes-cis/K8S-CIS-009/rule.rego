# METADATA
# title: Roles should not grant permission to create persistent volumes
# description: >-
#   A PersistentVolume can be a hostPath volume, and Pod Security Admission
#   does not check PersistentVolumes, so whoever can create them can reach
#   files on the node. CIS 5.1.9 asks to minimize create access to
#   PersistentVolume objects. Every rule of a Role or ClusterRole granting
#   create (or "*") on persistentvolumes (or "*") in the core API group is
#   reported, except built-in roles.
# custom:
#   id: K8S-CIS-009
#   severity: medium
#   kinds: [Role, ClusterRole]
#   frameworks:
#     cis-kubernetes: ["5.1.9"]
#   remediation: >-
#     Remove create on persistentvolumes from the rule; provision volumes through StorageClasses and PersistentVolumeClaims.
package assay.kubernetes.cis.create_persistent_volumes

import rego.v1

import data.assay.lib.rbac

deny contains {"msg": rbac.grant_message(g), "path": g.path} if {
	some g in rbac.grants({""}, {"persistentvolumes"}, {"create"}, true)
}
