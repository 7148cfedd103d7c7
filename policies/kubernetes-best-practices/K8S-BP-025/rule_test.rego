package assay.kubernetes.bestpractice.ingress_tls

import rego.v1

ingress(extra) := object.union({"kind": "Ingress", "metadata": {"name": "i"}, "spec": {"rules": [{"host": "shop.example.com"}]}}, extra)

test_no_tls_denied if {
	some f in deny with input as ingress({})
	f.msg == "Ingress has no spec.tls, so it serves plain HTTP"
	f.path == ["spec"]
	count(deny) == 1 with input as ingress({"spec": {"tls": []}})
	count(deny) == 1 with input as ingress({"spec": {"tls": null}})
	count(deny) == 1 with input as ingress({"metadata": {"annotations": {"alb.ingress.kubernetes.io/certificate-arn": ""}}})
	count(deny) == 1 with input as ingress({"metadata": {"annotations": {"alb.ingress.kubernetes.io/listen-ports": "[{\"HTTP\": 80}]"}}})
}

test_tls_passes if {
	count(deny) == 0 with input as ingress({"spec": {"tls": [{"hosts": ["shop.example.com"], "secretName": "shop-tls"}]}})
}

test_certificate_annotations_pass if {
	count(deny) == 0 with input as ingress({"metadata": {"annotations": {"alb.ingress.kubernetes.io/certificate-arn": "arn:aws:acm:eu-west-1:123456789012:certificate/abc"}}})
	count(deny) == 0 with input as ingress({"metadata": {"annotations": {"alb.ingress.kubernetes.io/listen-ports": "[{\"HTTPS\": 443}]"}}})
	count(deny) == 0 with input as ingress({"metadata": {"annotations": {"networking.gke.io/managed-certificates": "shop-cert"}}})
}
