package assay.kubernetes.bestpractice.statefulset_service

import rego.v1

sts(service_name) := {"kind": "StatefulSet", "spec": {"serviceName": service_name}}

test_missing_service_denied if {
	findings := deny with data.inventory as {"namespace": {"db": {"apps/v1": {"StatefulSet": {"pg": sts("pg")}}}}}
	findings == {{
		"msg": "StatefulSet names Service \"pg\", which is not among the scanned objects of namespace \"db\"",
		"path": ["spec", "serviceName"],
		"resource": {"apiVersion": "apps/v1", "kind": "StatefulSet", "namespace": "db", "name": "pg"},
	}}
}

test_service_with_cluster_ip_denied if {
	some f in deny with data.inventory as {"namespace": {"db": {
		"apps/v1": {"StatefulSet": {"pg": sts("pg")}},
		"v1": {"Service": {"pg": {"spec": {"selector": {"app": "pg"}}}}},
	}}}
	f.msg == "StatefulSet names Service \"pg\", which is not headless (spec.clusterIP: None)"
}

test_headless_service_passes if {
	count(deny) == 0 with data.inventory as {"namespace": {"db": {
		"apps/v1": {"StatefulSet": {"pg": sts("pg-headless")}},
		"v1": {"Service": {"pg-headless": {"spec": {"clusterIP": "None"}}}},
	}}}
}

test_service_in_other_namespace_does_not_count if {
	count(deny) == 1 with data.inventory as {"namespace": {
		"db": {"apps/v1": {"StatefulSet": {"pg": sts("pg")}}},
		"ops": {"v1": {"Service": {"pg": {"spec": {"clusterIP": "None"}}}}},
	}}
}

test_unset_service_name_and_operator_namespaces_skipped if {
	count(deny) == 0 with data.inventory as {"namespace": {
		"a": {"apps/v1": {"StatefulSet": {"x": {"spec": {}}, "y": sts("")}}},
		"b": {"apps/v1": {"StatefulSet": {"z": sts("z")}}, "rabbitmq.com/v1beta1": {"RabbitmqCluster": {"z": {}}}},
	}}
}
