# METADATA
# title: Ingresses should terminate TLS
# description: >-
#   An Ingress without TLS serves its hosts over plain HTTP, exposing
#   credentials and session cookies to anyone on the path. Fails when
#   spec.tls is empty and no controller annotation attaches a certificate
#   instead (AWS Load Balancer Controller certificate-arn or an HTTPS
#   listen-port, GKE pre-shared or managed certificates, Azure Application
#   Gateway appgw-ssl-certificate).
# custom:
#   id: K8S-BP-025
#   severity: medium
#   kinds: [Ingress]
#   frameworks:
#     best-practices: [networking]
#   remediation: >-
#     Add spec.tls with the Ingress hosts and a secretName holding their
#     certificate (cert-manager can issue and renew it), and redirect HTTP to HTTPS.
package assay.kubernetes.bestpractice.ingress_tls

import rego.v1

certificate_annotations := {
	"alb.ingress.kubernetes.io/certificate-arn",
	"ingress.gcp.kubernetes.io/pre-shared-cert",
	"networking.gke.io/managed-certificates",
	"appgw.ingress.kubernetes.io/appgw-ssl-certificate",
}

annotations := object.get(input, ["metadata", "annotations"], {})

deny contains {"msg": "Ingress has no spec.tls, so it serves plain HTTP", "path": ["spec"]} if {
	is_object(input.spec)
	not tls
}

tls if {
	entries := input.spec.tls
	is_array(entries)
	count(entries) > 0
}

tls if {
	some key in certificate_annotations
	value := annotations[key]
	is_string(value)
	trim_space(value) != ""
}

tls if contains(upper(annotations["alb.ingress.kubernetes.io/listen-ports"]), "HTTPS")
