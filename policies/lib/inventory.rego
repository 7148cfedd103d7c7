# METADATA
# title: Inventory views for cross-resource rules
# description: >-
#   A view of `data.inventory` (every scanned object, with the labels of the
#   pods it creates) for the best-practices rules with `scope: inventory`.
#   Rules look related objects up (by kind and name straight in
#   `data.inventory`; by label or target in the indexes below, rules without
#   arguments built once per evaluation) instead of scanning every object
#   for each candidate, which is quadratic in the number of objects. These
#   helpers live apart from the per-resource ones in bestpractice.rego, so
#   evaluating those for each resource never builds the indexes.
package assay.lib.inventory

import rego.v1

import data.assay.lib.bestpractice as bp

# Every namespaced object in `data.inventory`.
objects contains {"namespace": ns, "apiVersion": api_version, "kind": kind, "name": name, "object": obj} if {
	some ns, by_api_version in data.inventory.namespace
	some api_version, by_kind in by_api_version
	some kind, by_name in by_kind
	some name, obj in by_name
}

# The objects of kind `kind`. Read straight from `data.inventory`, so only
# the objects of that kind are visited.
objects_of_kind(kind) := {{"namespace": ns, "apiVersion": api_version, "kind": kind, "name": name, "object": obj} |
	some ns, by_api_version in data.inventory.namespace
	some api_version, by_kind in by_api_version
	some name, obj in by_kind[kind]
}

# The objects of `kind` named `name` in namespace `ns` (one for each
# apiVersion that has it), looked up in `data.inventory`.
objects_named(ns, kind, name) := {{"namespace": ns, "apiVersion": api_version, "kind": kind, "name": name, "object": obj} |
	some api_version, by_kind in object.get(data.inventory.namespace, ns, {})
	by_name := by_kind[kind]
	obj := by_name[name]
}

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

# The distinct label sets of the pods each pod source of a namespace
# creates, by each label in them: pod_label_sets[ns][key][value] holds the
# label sets (as pod_labels gives them) that carry key=value. Built over
# `data.inventory` in two passes (Pods, then the pod templates of the other
# kinds), without pod_sources.
pod_label_sets[ns][k][v] contains labels if {
	some ns, by_api_version in data.inventory.namespace
	some by_kind in by_api_version
	some obj in by_kind.Pod
	labels := object.get(obj, ["metadata", "labels"], {})
	is_object(labels)
	some k, v in labels
}

pod_label_sets[ns][k][v] contains labels if {
	some ns, by_api_version in data.inventory.namespace
	some by_kind in by_api_version
	some kind, by_name in by_kind
	kind != "Pod"
	some obj in by_name
	labels := template_labels(obj)
	is_object(labels)
	some k, v in labels
}

# The labels (as set, maybe not an object) of an object's pod template at
# spec.template, else at spec.jobTemplate.spec.template: one pass over the
# objects for both places.
template_labels(obj) := object.get(template, ["metadata", "labels"], {}) if {
	template := obj.spec.template
	is_object(template)
} else := object.get(template, ["metadata", "labels"], {}) if {
	template := obj.spec.jobTemplate.spec.template
	is_object(template)
}

# Some pod source of namespace `ns` has labels that the Service map
# `selector` selects (see map_selector_matches): for one label, some pod
# carries it; for more, only the label sets that carry the rarest of them
# are checked.
selects_any_pod(ns, selector) if {
	is_object(selector)
	count(selector) == 1
	some k, v in selector
	object.get(pod_label_sets, [ns, k, v], null) != null
}

selects_any_pod(ns, selector) if {
	is_object(selector)
	count(selector) > 1
	[_, k] := min([[count(object.get(pod_label_sets, [ns, key, value], set())), key] | some key, value in selector])
	some labels in object.get(pod_label_sets, [ns, k, selector[k]], set())
	bp.map_selector_matches(selector, labels)
}

# Services by namespace and by each label of their map selector:
# services_by_selector_label[ns][key][value] holds the Services whose
# spec.selector requires label key=value.
services_by_selector_label[ns][k][v] contains s if {
	some s in objects_of_kind("Service")
	ns := s.namespace
	selector := s.object.spec.selector
	is_object(selector)
	some k, v in selector
}

# Each Service under one label of its selector only, the one the fewest
# Services of its namespace require: a Service selects `labels` only if
# `labels` carry all of its selector, so it is found under any one of them,
# and the rarest keeps the Services found but not selecting few.
services_by_rarest_selector_label[ns][k][v] contains s if {
	some s in objects_of_kind("Service")
	ns := s.namespace
	selector := s.object.spec.selector
	is_object(selector)
	count(selector) > 0
	[_, k] := min([[count(object.get(services_by_selector_label, [ns, key, value], set())), key] | some key, value in selector])
	v := selector[k]
}

# The Services of namespace `ns` whose map selector selects `labels` (see
# map_selector_matches).
services_selecting(ns, labels) := {s |
	is_object(labels)
	some k, v in labels
	some s in object.get(services_by_rarest_selector_label, [ns, k, v], set())
	bp.map_selector_matches(s.object.spec.selector, labels)
}

# HorizontalPodAutoscalers by the namespace, kind and name of their target.
hpas_by_target[ns][kind][name] contains h if {
	some h in objects_of_kind("HorizontalPodAutoscaler")
	target := object.get(h.object, ["spec", "scaleTargetRef"], {})
	ns := h.namespace
	kind := target.kind
	name := target.name
}

# The HorizontalPodAutoscalers that scale object `o`.
hpas_for(o) := found if {
	found := object.get(hpas_by_target, [o.namespace, o.kind, o.name], set())
} else := set()

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

# The apiVersion and kind of every object in `data.inventory`, and those of
# custom resources that may make an operator create pods or Services the
# scan cannot see (a Prometheus, an Elasticsearch, ...). Whether a kind is
# passive depends only on its apiVersion and kind, so each is checked once.
inventory_kinds contains [api_version, kind] if {
	some by_api_version in data.inventory.namespace
	some api_version, by_kind in by_api_version
	some kind, by_name in by_kind
	count(by_name) > 0
}

operator_kinds contains [api_version, kind] if {
	some [api_version, kind] in inventory_kinds
	not passive({"apiVersion": api_version, "kind": kind})
}

# Namespaces holding such a custom resource.
operator_namespaces contains ns if {
	some [api_version, kind] in operator_kinds
	some ns, by_api_version in data.inventory.namespace
	count(object.get(by_api_version, [api_version, kind], {})) > 0
}

# Namespace `ns` holds such a custom resource; rules that report a missing
# target skip these namespaces. The engine keeps in `data.inventory` only
# the kinds inventory rules declare, so rules using this declare `"*"`
# among their kinds.
operator_managed(ns) if ns in operator_namespaces
