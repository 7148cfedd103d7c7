//! `assay serve --print-manifests`: everything a cluster needs to run the
//! webhook — Namespace, ServiceAccount, Deployment (2 replicas, spread, probes,
//! limits, non-root, read-only root filesystem), PodDisruptionBudget,
//! NetworkPolicy, Service and the ValidatingWebhookConfiguration — with the CA bundle embedded
//! (`--ca-bundle`, from `assay certs generate`) or injected by cert-manager.

/// Inputs of the manifests.
#[derive(Clone, Debug)]
pub struct Params {
    /// Namespace the webhook runs in.
    pub namespace: String,
    /// Container image.
    pub image: String,
    /// Replicas (at least 2).
    pub replicas: u32,
    /// PEM of the CA that signed the serving certificate; `None`: cert-manager.
    pub ca_pem: Option<String>,
    /// Namespaces the API server never sends (the webhook's own included).
    pub exempt_namespaces: Vec<String>,
    /// `Fail` or `Ignore`.
    pub failure_policy: String,
}

/// Standard base64 (RFC 4648) with padding.
pub fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                let idx = usize::try_from((n >> (18 - 6 * i)) & 63).unwrap_or(0);
                out.push(char::from(A.get(idx).copied().unwrap_or(b'A')));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The manifests as one multi-document YAML stream.
pub fn render(p: &Params) -> String {
    let ns = &p.namespace;
    let name = "assay-webhook";
    let replicas = p.replicas.max(2);
    let mut exempt: Vec<&str> = p.exempt_namespaces.iter().map(String::as_str).collect();
    if !exempt.contains(&ns.as_str()) {
        exempt.push(ns);
    }
    let exempt_list = exempt
        .iter()
        .map(|e| format!("\"{e}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let exempt_args: String = exempt
        .iter()
        .map(|e| format!("            - --exempt-namespace={e}\n"))
        .collect();
    let (ca_line, annotations, cert_manager) = match &p.ca_pem {
        Some(pem) => (
            format!("      caBundle: {}\n", base64(pem.as_bytes())),
            String::new(),
            String::new(),
        ),
        None => (
            String::new(),
            format!("  annotations:\n    cert-manager.io/inject-ca-from: {ns}/{name}\n"),
            format!(
                r#"---
apiVersion: cert-manager.io/v1
kind: Issuer
metadata:
  name: {name}-selfsigned
  namespace: {ns}
spec:
  selfSigned: {{}}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: {name}
  namespace: {ns}
spec:
  secretName: {name}-tls
  dnsNames:
    - {name}.{ns}.svc
    - {name}.{ns}.svc.cluster.local
  issuerRef:
    name: {name}-selfsigned
"#
            ),
        ),
    };
    format!(
        r#"# Assay validating admission webhook. Certificates: `assay certs generate
# --service {name} --namespace {ns} --out certs/` then
# `kubectl -n {ns} create secret tls {name}-tls --cert certs/tls.crt --key certs/tls.key`
# and print these with `--ca-bundle certs/ca.crt` (or omit it to use cert-manager).
apiVersion: v1
kind: Namespace
metadata:
  name: {ns}
  labels:
    pod-security.kubernetes.io/enforce: restricted
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {name}
  namespace: {ns}
automountServiceAccountToken: false
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: {ns}
  labels:
    app.kubernetes.io/name: {name}
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app.kubernetes.io/name: {name}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 0
      maxSurge: 1
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {name}
    spec:
      serviceAccountName: {name}
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 65532
        runAsGroup: 65532
        seccompProfile:
          type: RuntimeDefault
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                topologyKey: kubernetes.io/hostname
                labelSelector:
                  matchLabels:
                    app.kubernetes.io/name: {name}
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              app.kubernetes.io/name: {name}
      containers:
        - name: webhook
          image: {image}
          imagePullPolicy: IfNotPresent
          args:
            - serve
            - --addr=0.0.0.0:8443
            - --tls-cert=/certs/tls.crt
            - --tls-key=/certs/tls.key
            - --failure-policy={fp_arg}
{exempt_args}          ports:
            - name: https
              containerPort: 8443
          readinessProbe:
            httpGet: {{path: /readyz, port: https, scheme: HTTPS}}
            periodSeconds: 5
          livenessProbe:
            httpGet: {{path: /healthz, port: https, scheme: HTTPS}}
            periodSeconds: 10
          resources:
            requests: {{cpu: 250m, memory: 128Mi}}
            limits: {{cpu: "2", memory: 512Mi}}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: ["ALL"]
          volumeMounts:
            - name: certs
              mountPath: /certs
              readOnly: true
      volumes:
        - name: certs
          secret:
            secretName: {name}-tls
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {name}
  namespace: {ns}
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: {name}
---
# The API server's address is cluster-specific: allow the webhook port from
# anywhere, and no egress at all (the webhook calls nothing).
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {name}
  namespace: {ns}
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/name: {name}
  policyTypes: ["Ingress", "Egress"]
  ingress:
    - ports:
        - port: 8443
          protocol: TCP
  egress: []
---
apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: {ns}
spec:
  selector:
    app.kubernetes.io/name: {name}
  ports:
    - name: https
      port: 443
      targetPort: https
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: {name}
{annotations}webhooks:
  - name: validate.assay.dev
    admissionReviewVersions: ["v1"]
    sideEffects: None
    failurePolicy: {fp}
    timeoutSeconds: 5
    matchPolicy: Equivalent
    clientConfig:
      service:
        name: {name}
        namespace: {ns}
        path: /validate
        port: 443
{ca_line}    namespaceSelector:
      matchExpressions:
        - key: kubernetes.io/metadata.name
          operator: NotIn
          values: [{exempt_list}]
    rules:
      - apiGroups: [""]
        apiVersions: ["v1"]
        operations: ["CREATE", "UPDATE"]
        resources: ["pods", "services", "replicationcontrollers", "serviceaccounts", "namespaces"]
        scope: "*"
      - apiGroups: ["apps"]
        apiVersions: ["v1"]
        operations: ["CREATE", "UPDATE"]
        resources: ["deployments", "statefulsets", "daemonsets", "replicasets"]
        scope: "Namespaced"
      - apiGroups: ["batch"]
        apiVersions: ["v1"]
        operations: ["CREATE", "UPDATE"]
        resources: ["jobs", "cronjobs"]
        scope: "Namespaced"
      - apiGroups: ["networking.k8s.io"]
        apiVersions: ["v1"]
        operations: ["CREATE", "UPDATE"]
        resources: ["ingresses"]
        scope: "Namespaced"
      - apiGroups: ["rbac.authorization.k8s.io"]
        apiVersions: ["v1"]
        operations: ["CREATE", "UPDATE"]
        resources: ["roles", "clusterroles", "rolebindings", "clusterrolebindings"]
        scope: "*"
{cert_manager}"#,
        image = p.image,
        fp = p.failure_policy,
        fp_arg = p.failure_policy.to_lowercase(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(i.as_bytes()), o);
        }
    }
}
