package assay.kubernetes.bestpractice.ingress_backend

import rego.v1

path_backend(service, port) := {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": service, "port": port}}}

ingress(paths) := {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "spec": {"rules": [{"host": "shop.example.com", "http": {"paths": paths}}]}}

service(ports) := {"kind": "Service", "spec": {"selector": {"app": "x"}, "ports": ports}}

test_missing_service_denied if {
	findings := deny with data.inventory as {"namespace": {"shop": {
		"networking.k8s.io/v1": {"Ingress": {"shop": ingress([path_backend("web", {"number": 80})])}},
		"v1": {"Service": {"api": service([{"port": 80}])}},
	}}}
	findings == {{
		"msg": "Ingress backend Service \"web\" is not among the scanned objects of namespace \"shop\"",
		"path": ["spec", "rules", 0, "http", "paths", 0, "backend", "service", "name"],
		"resource": {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "namespace": "shop", "name": "shop"},
	}}
}

test_missing_port_denied if {
	findings := deny with data.inventory as {"namespace": {"shop": {
		"networking.k8s.io/v1": {"Ingress": {"shop": ingress([
			path_backend("web", {"number": 8080}),
			path_backend("web", {"name": "https"}),
			path_backend("web", {"number": 80}),
			path_backend("web", {"name": "http"}),
		])}},
		"v1": {"Service": {"web": service([{"name": "http", "port": 80, "targetPort": 8080}])}},
	}}}
	{[f.msg, f.path] | some f in findings} == {
		["Ingress backend Service \"web\" has no port 8080", ["spec", "rules", 0, "http", "paths", 0, "backend", "service", "port"]],
		["Ingress backend Service \"web\" has no port named \"https\"", ["spec", "rules", 0, "http", "paths", 1, "backend", "service", "port"]],
	}
}

test_default_backend_checked if {
	some f in deny with data.inventory as {"namespace": {"shop": {"networking.k8s.io/v1": {"Ingress": {"shop": {"spec": {"defaultBackend": {"service": {"name": "fallback", "port": {"number": 80}}}}}}}}}}
	f.path == ["spec", "defaultBackend", "service", "name"]
}

test_v1beta1_backends_checked if {
	findings := deny with data.inventory as {"namespace": {"shop": {
		"extensions/v1beta1": {"Ingress": {"old": {"spec": {
			"backend": {"serviceName": "web", "servicePort": "80"},
			"rules": [{"http": {"paths": [{"backend": {"serviceName": "web", "servicePort": 9090}}, {"backend": {"serviceName": "gone", "servicePort": 80}}]}}],
		}}}},
		"v1": {"Service": {"web": service([{"port": 80}])}},
	}}}
	{f.path | some f in findings} == {
		["spec", "rules", 0, "http", "paths", 0, "backend", "servicePort"],
		["spec", "rules", 0, "http", "paths", 1, "backend", "serviceName"],
	}
}

test_resource_backends_external_services_and_operator_namespaces_skipped if {
	count(deny) == 0 with data.inventory as {"namespace": {
		"shop": {
			"networking.k8s.io/v1": {"Ingress": {"shop": {"spec": {
				"defaultBackend": {"resource": {"apiGroup": "k8s.example.com", "kind": "StorageBucket", "name": "static"}},
				"rules": [{"http": {"paths": [path_backend("ext", {"number": 443})]}}],
			}}}},
			"v1": {"Service": {"ext": {"spec": {"type": "ExternalName", "externalName": "shop.example.net"}}}},
		},
		"monitoring": {
			"monitoring.coreos.com/v1": {"Prometheus": {"k8s": {}}},
			"networking.k8s.io/v1": {"Ingress": {"prom": ingress([path_backend("prometheus-operated", {"name": "web"})])}},
		},
	}}
}
