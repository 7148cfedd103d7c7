# METADATA
# title: Kubernetes best-practice helpers
# description: >-
#   What the best-practices pack shares: which containers a check looks at,
#   whether a workload is long-running, image reference parsing, label
#   selector matching, and a view of `data.inventory` (every scanned object
#   with its pod template) for the cross-resource rules.
package assay.lib.bestpractice

import rego.v1

import data.assay.lib.kubernetes as k8s

# ---------------------------------------------------------------------------
# Containers of the resource in `input`.

# The list a container comes from: initContainers, containers or ephemeralContainers.
field(c) := c.path[count(c.path) - 2]

# Containers that run as part of the workload: init (including sidecar) and
# regular containers. Ephemeral containers are debugging tools added to a
# running pod; the API forbids resources, ports and probes on them.
workload_containers contains c if {
	some c in k8s.containers
	field(c) != "ephemeralContainers"
}

# Regular containers only (spec.containers).
app_containers contains c if {
	some c in k8s.containers
	field(c) == "containers"
}

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

# The image may resolve to different content over time: no digest, and no
# tag or the `latest` tag.
mutable_image(image) if {
	ref := image_ref(image)
	ref.digest == ""
	ref.tag in {"", "latest"}
}

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
# Inventory (cross-resource rules).

# Every namespaced object in `data.inventory`.
objects contains {"namespace": ns, "apiVersion": api_version, "kind": kind, "name": name, "object": obj} if {
	some ns, by_api_version in data.inventory.namespace
	some api_version, by_kind in by_api_version
	some kind, by_name in by_kind
	some name, obj in by_name
}

objects_of_kind(kind) := {o | some o in objects; o.kind == kind}

# The `resource` a finding of an inventory rule names.
ref(o) := {"apiVersion": o.apiVersion, "kind": o.kind, "namespace": o.namespace, "name": o.name}

# A finding about inventory object `o`, at `path` inside it.
finding(o, msg, path) := {"msg": msg, "path": path, "resource": ref(o)}

finding_with_fix(o, msg, path, ops) := {"msg": msg, "path": path, "resource": ref(o), "fix": ops}

# Labels of the pods an object creates: a Pod's own labels, or the labels of
# the pod template at spec.template (any kind that has one, including custom
# controllers such as Argo Rollouts) or spec.jobTemplate.spec.template.
pod_labels(o) := labels if {
	o.kind == "Pod"
	labels := object.get(o.object, ["metadata", "labels"], {})
} else := labels if {
	template := o.object.spec.template
	is_object(template)
	labels := object.get(template, ["metadata", "labels"], {})
} else := labels if {
	template := o.object.spec.jobTemplate.spec.template
	is_object(template)
	labels := object.get(template, ["metadata", "labels"], {})
}

# Objects that create pods, each with the labels of those pods.
pod_sources contains {"object": o, "labels": labels} if {
	some o in objects
	labels := pod_labels(o)
	is_object(labels)
}

# The HorizontalPodAutoscalers that scale object `o`.
hpas_for(o) := {h |
	some h in objects_of_kind("HorizontalPodAutoscaler")
	h.namespace == o.namespace
	target := object.get(h.object, ["spec", "scaleTargetRef"], {})
	target.kind == o.kind
	target.name == o.name
}

# API groups that ship with Kubernetes (plus `*.k8s.io` and `*.x-k8s.io`
# groups), add-on groups whose resources never create pods or Services, and
# the passive kinds of the Prometheus operator (whose Prometheus and
# Alertmanager resources do create pods).
builtin_groups := {"", "apps", "batch", "autoscaling", "policy", "extensions"}

passive_groups := {
	"cert-manager.io", "networking.istio.io", "security.istio.io",
	"external-secrets.io", "bitnami.com", "traefik.io", "traefik.containo.us",
}

passive_kinds := {"monitoring.coreos.com": {
	"ServiceMonitor", "PodMonitor", "PrometheusRule", "Probe", "ScrapeConfig", "AlertmanagerConfig",
}}

group(api_version) := "" if not contains(api_version, "/")

else := split(api_version, "/")[0]

passive(o) if group(o.apiVersion) in builtin_groups

passive(o) if group(o.apiVersion) in passive_groups

passive(o) if endswith(group(o.apiVersion), ".k8s.io")

passive(o) if endswith(group(o.apiVersion), ".x-k8s.io")

passive(o) if o.kind in passive_kinds[group(o.apiVersion)]

# Namespace `ns` holds a custom resource that may make an operator create
# pods or Services the scan cannot see (a Prometheus, an Elasticsearch, ...);
# rules that report a missing target skip such namespaces. The engine keeps
# in `data.inventory` only the kinds inventory rules declare, so rules using
# this declare `"*"` among their kinds.
operator_managed(ns) if {
	some o in objects
	o.namespace == ns
	not passive(o)
}

# ---------------------------------------------------------------------------
# Resources.

# Path of container.resources.<section>, or of its deepest existing parent.
resources_path(c, section) := array.concat(c.path, ["resources", section]) if {
	is_object(c.container.resources[section])
} else := array.concat(c.path, ["resources"]) if {
	is_object(c.container.resources)
} else := c.path

# The container sets resources.<section>.<name>.
container_sets(c, section, name) if object.get(c.container, ["resources", section, name], null) != null

# The pod sets spec.resources.<section>.<name> (pod-level resources), which
# bounds all its containers together.
pod_sets(section, name) if object.get(k8s.pod_spec.spec, ["resources", section, name], null) != null

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

# ---------------------------------------------------------------------------
# Security context.

# Path of container.securityContext.<key>, or of its deepest existing parent.
security_context_path(c, key) := array.concat(c.path, ["securityContext", key]) if {
	object.get(c.security_context, key, null) != null
} else := array.concat(c.path, ["securityContext"]) if {
	is_object(c.container.securityContext)
} else := c.path
