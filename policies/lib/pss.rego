# METADATA
# title: Pod Security Standards helpers
# description: >-
#   Conditions that pod-security-admission's restricted checks share: the
#   Windows exemption (spec.os.name: windows, Kubernetes 1.25+), the user
#   namespace relaxation (spec.hostUsers: false, Kubernetes 1.35+), and the
#   nearest existing node on the way to a missing field, for finding paths.
package assay.lib.pss

import rego.v1

import data.assay.lib.kubernetes as k8s

# The pod declares it runs on Windows; pod-security-admission exempts such pods
# from the Linux-only restricted checks (allowPrivilegeEscalation, seccomp,
# capabilities), because API validation forbids those fields on them.
windows if k8s.pod_spec.spec.os.name == "windows"

# The pod runs in its own user namespace (hostUsers explicitly false).
user_namespace if k8s.pod_spec.spec.hostUsers == false

# The longest prefix of `path` that exists (non-null) in the input document:
# the field itself when set, else its nearest existing parent. A result
# that gives `"field": path` instead of a `path` gets this from Assay,
# computed natively (on the VM this function costs a fifth of a firing
# rule); the built-in rules do that.
nearest(path) := nearest_in(input, path)

# `nearest` in any document. (A prefix that exists implies all shorter ones
# do, so the field and its three nearest parents, the usual answers, are
# checked first: on the VM the general case costs several times as much.)
nearest_in(doc, path) := path if {
	object.get(doc, path, null) != null
} else := prefix if {
	count(path) > 0
	prefix := array.slice(path, 0, count(path) - 1)
	object.get(doc, prefix, null) != null
} else := prefix if {
	count(path) > 1
	prefix := array.slice(path, 0, count(path) - 2)
	object.get(doc, prefix, null) != null
} else := prefix if {
	count(path) > 2
	prefix := array.slice(path, 0, count(path) - 3)
	object.get(doc, prefix, null) != null
} else := array.slice(path, 0, n) if {
	n := max([i |
		some i in numbers.range(0, count(path))
		object.get(doc, array.slice(path, 0, i), null) != null
	])
}

# Where Assay reports result `f` of a rule evaluated on `doc`: its `path`,
# else the nearest existing parent of its `field` (a list), else the root.
# For tests of rules whose results give a `field`.
reported_path(f, doc) := path if {
	path := f.path
} else := nearest_in(doc, f.field) if {
	is_array(f.field)
} else := []
