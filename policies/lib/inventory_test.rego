package assay.lib.inventory

import rego.v1

inventory := {"namespace": {
	"shop": {
		"apps/v1": {"Deployment": {"web": {"kind": "Deployment", "spec": {"template": {"metadata": {"labels": {"app": "web"}}}}}}},
		"batch/v1": {"CronJob": {"report": {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"metadata": {"labels": {"app": "report"}}}}}}}}},
		"v1": {"Pod": {"debug": {"kind": "Pod", "metadata": {"labels": {"app": "debug"}}}}},
		"autoscaling/v2": {"HorizontalPodAutoscaler": {"web": {"spec": {"scaleTargetRef": {"kind": "Deployment", "name": "web"}}}}},
		"monitoring.coreos.com/v1": {"ServiceMonitor": {"web": {}}},
		"cert-manager.io/v1": {"Certificate": {"web": {}}},
		"gateway.networking.k8s.io/v1": {"HTTPRoute": {"web": {}}},
		"inference.networking.x-k8s.io/v1alpha2": {"InferencePool": {"web": {}}},
	},
	"db": {"postgresql.cnpg.io/v1": {"Cluster": {"pg": {}}}},
	"monitoring": {"monitoring.coreos.com/v1": {"Prometheus": {"k8s": {}}}},
}}

test_inventory_views if {
	{s.labels.app | some s in pod_sources} == {"web", "report", "debug"} with data.inventory as inventory
	some o in objects_of_kind("Deployment") with data.inventory as inventory
	count(hpas_for(o)) == 1 with data.inventory as inventory
	ref(o) == {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "shop", "name": "web"}
	finding(o, "m", ["spec"]) == {"msg": "m", "path": ["spec"], "resource": ref(o)}
}

test_operator_managed_namespaces if {
	operator_managed("db") with data.inventory as inventory
	operator_managed("monitoring") with data.inventory as inventory
	not operator_managed("shop") with data.inventory as inventory
}

test_objects_named if {
	{o.apiVersion | some o in objects_named("shop", "Deployment", "web")} == {"apps/v1"} with data.inventory as inventory
	count(objects_named("shop", "Deployment", "api")) == 0 with data.inventory as inventory
	count(objects_named("db", "Deployment", "web")) == 0 with data.inventory as inventory
	count(objects_named("shop", "Deployment", "web")) == 0
}

test_selects_any_pod if {
	selects_any_pod("shop", {"app": "web"}) with data.inventory as inventory
	selects_any_pod("shop", {"app": "report"}) with data.inventory as inventory
	not selects_any_pod("shop", {"app": "api"}) with data.inventory as inventory
	not selects_any_pod("db", {"app": "web"}) with data.inventory as inventory
	not selects_any_pod("shop", {}) with data.inventory as inventory
	not selects_any_pod("shop", {"app": "web"})
}

test_selects_any_pod_needs_every_label_on_one_pod if {
	pods := {"namespace": {"shop": {"v1": {"Pod": {
		"a": {"metadata": {"labels": {"app": "web", "tier": "front"}}},
		"b": {"metadata": {"labels": {"app": "api", "zone": "x"}}},
	}}}}}
	selects_any_pod("shop", {"app": "web", "tier": "front"}) with data.inventory as pods
	not selects_any_pod("shop", {"app": "web", "zone": "x"}) with data.inventory as pods
}

test_services_selecting if {
	services := {"namespace": {"shop": {"v1": {"Service": {
		"web": {"spec": {"selector": {"app": "web"}}},
		"both": {"spec": {"selector": {"app": "web", "tier": "front"}}},
		"manual": {"spec": {}},
		"empty": {"spec": {"selector": {}}},
	}}}}}
	{s.name | some s in services_selecting("shop", {"app": "web"})} == {"web"} with data.inventory as services
	{s.name | some s in services_selecting("shop", {"app": "web", "tier": "front"})} == {"web", "both"} with data.inventory as services
	count(services_selecting("ops", {"app": "web"})) == 0 with data.inventory as services
	count(services_selecting("shop", null)) == 0 with data.inventory as services
}
