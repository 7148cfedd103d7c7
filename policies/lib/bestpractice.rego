# METADATA
# title: Kubernetes best-practice helpers
# description: >-
#   What the best-practices pack shares: which containers a check looks at,
#   whether a workload is long-running, image reference parsing and label
#   selector matching. The view of `data.inventory` that the cross-resource
#   rules share is in inventory.rego.
package assay.lib.bestpractice

import rego.v1

import data.assay.lib.kubernetes as k8s

# ---------------------------------------------------------------------------
# Containers of the resource in `input`.

# Containers that run as part of the workload: init (including sidecar) and
# regular containers. Ephemeral containers are debugging tools added to a
# running pod; the API forbids resources, ports and probes on them. (The
# list a container comes from is the next-to-last step of its path, read
# inline: a helper function per container costs the VM more than the test.)
# On the VM, Assay derives this and the other per-workload lists below
# natively and passes them as `data.assay_native.bestpractice`, as it does
# the containers (see lib/kubernetes.rego); the rules here compute them
# wherever that is absent.
workload_containers := data.assay_native.bestpractice.workload_containers

workload_containers := [c |
	some c in k8s.containers
	c.path[count(c.path) - 2] != "ephemeralContainers"
] if not data.assay_native.bestpractice

# Regular containers only (spec.containers).
app_containers := data.assay_native.bestpractice.app_containers

app_containers := [c |
	some c in k8s.containers
	c.path[count(c.path) - 2] == "containers"
] if not data.assay_native.bestpractice

# Controllers whose pods are meant to run until replaced.
long_running_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController"}

# The workload in `input` runs indefinitely: a long-running controller, or a
# bare Pod whose restartPolicy is Always (the default). Jobs, CronJobs and
# run-to-completion Pods are not.
long_running if input.kind in long_running_kinds

long_running if {
	input.kind == "Pod"
	object.get(input, ["spec", "restartPolicy"], null) in {null, "Always"}
}

# The pod runs Windows containers (Linux-only securityContext fields do not apply).
windows_pod if k8s.pod_spec.spec.os.name == "windows"

# ---------------------------------------------------------------------------
# Image references.

# `[registry/]repository[:tag][@digest]` split into its tag and digest. The
# tag is looked for only in the last path segment, so a registry port
# (`registry:5000/app`) is not mistaken for a tag.
image_ref(image) := {"tag": tag, "digest": digest} if {
	is_string(image)
	parts := split(image, "@")
	digest := concat("@", array.slice(parts, 1, count(parts)))
	segments := split(parts[0], "/")
	tag := tag_of(segments[count(segments) - 1])
}

tag_of(segment) := substring(segment, i + 1, -1) if {
	i := indexof(segment, ":")
	i >= 0
} else := ""

# Each workload container whose image is a string, with the image and its
# reference parsed once per resource for every rule that needs them (on the
# VM a parse costs about what a dozen simple comparisons do, and three rules
# ask).
workload_images := data.assay_native.bestpractice.workload_images

workload_images := [{"container": c, "image": image, "ref": ref, "mutable": is_mutable_ref(ref)} |
	some c in workload_containers
	image := c.container.image
	is_string(image)
	ref := image_ref(image)
] if not data.assay_native.bestpractice

# The image may resolve to different content over time: no digest, and no
# tag or the `latest` tag.
mutable_image(image) if mutable_ref(image_ref(image))

# The same for a reference `image_ref` has already split, so that a rule
# that also needs its tag or digest parses the image once.
mutable_ref(ref) if {
	ref.digest == ""
	ref.tag in {"", "latest"}
}

# mutable_ref as true or false.
is_mutable_ref(ref) if mutable_ref(ref)

else := false

# ---------------------------------------------------------------------------
# Label selectors.

# A metav1.LabelSelector (matchLabels and matchExpressions, ANDed) selects
# `labels`. An empty selector selects everything; a missing one (null)
# selects nothing.
selector_matches(selector, labels) if {
	is_object(selector)
	every k, v in object.get(selector, "matchLabels", {}) {
		labels[k] == v
	}
	every e in object.get(selector, "matchExpressions", []) {
		expression_matches(e, labels)
	}
}

expression_matches(e, labels) if {
	e.operator == "In"
	labels[e.key] in object.get(e, "values", [])
}

expression_matches(e, labels) if {
	e.operator == "NotIn"
	not labels[e.key] in object.get(e, "values", [])
}

expression_matches(e, labels) if {
	e.operator == "Exists"
	has_key(labels, e.key)
}

expression_matches(e, labels) if {
	e.operator == "DoesNotExist"
	not has_key(labels, e.key)
}

has_key(obj, key) if _ = obj[key]

# A Service's map selector selects `labels`. An empty or missing selector
# selects no pods (the Service's endpoints are managed by hand).
map_selector_matches(selector, labels) if {
	is_object(selector)
	count(selector) > 0
	every k, v in selector {
		labels[k] == v
	}
}

# A PodDisruptionBudget selects `labels`. In policy/v1 an empty selector
# selects every pod in the namespace; in policy/v1beta1 it selects none.
pdb_selects(pdb, labels) if {
	selector := object.get(pdb, ["spec", "selector"], null)
	not empty_v1beta1_selector(pdb, selector)
	selector_matches(selector, labels)
}

empty_v1beta1_selector(pdb, selector) if {
	pdb.apiVersion == "policy/v1beta1"
	count(object.get(selector, "matchLabels", {})) == 0
	count(object.get(selector, "matchExpressions", [])) == 0
}

# ---------------------------------------------------------------------------
# Resources.

# (A rule reports a missing resources section with `"field":
# array.concat(c.path, ["resources", section])`: Assay points at the
# section or its nearest existing parent.)

# The `<section>.<name>` entries ("requests.cpu", "limits.memory", …) that
# `resources` sets (non-null); none when it is not an object.
resources_set(resources) := {concat(".", [section, name]) |
	some section in ["requests", "limits"]
	values := resources[section]
	is_object(values)
	some name in ["cpu", "memory"]
	values[name] != null
} if is_object(resources)

else := set()

# What the pod spec's own resources set (pod-level resources bound all its
# containers together); computed once per resource for the four rules.
pod_resources := data.assay_native.bestpractice.pod_resources

pod_resources := resources_set(object.get(k8s.pod_spec.spec, "resources", {})) if not data.assay_native.bestpractice

# Each workload container with what its resources set.
container_resources := data.assay_native.bestpractice.container_resources

container_resources := [{"container": c, "set": resources_set(object.get(c.container, "resources", {}))} |
	some c in workload_containers
] if not data.assay_native.bestpractice

# ---------------------------------------------------------------------------
# Probes.

# The container a missing pod-level probe is reported on: the first regular
# container that declares a port (the one serving traffic), else the first.
probe_target := c if {
	with_ports := [i |
		some i, c in object.get(k8s.pod_spec.spec, "containers", [])
		ports := object.get(c, "ports", [])
		is_array(ports)
		count(ports) > 0
	]
	count(with_ports) > 0
	c := container_at(min(with_ports))
} else := container_at(0)

container_at(i) := c if {
	some c in app_containers
	c.path[count(c.path) - 1] == i
}
