//! `assay schedule --print-cronjobs`: the scheduled scans as Kubernetes
//! CronJobs, for running them in-cluster instead of with a long-running
//! `assay schedule`. Kubernetes then provides what the scheduler does:
//! `concurrencyPolicy: Forbid` (no overlapping runs) and
//! `startingDeadlineSeconds` (a missed run still starts, once). State lives
//! on a PersistentVolumeClaim; the config file in a ConfigMap; secrets for
//! `${VAR}`s in an optional Secret `assay-notify`, mounted as files (read
//! through `ASSAY_SECRETS_DIR`, never as environment variables). The manifests pass
//! Assay's own built-in packs.

use crate::config::Config;
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::path::Path;

/// Render a JSON value as block YAML (strings always double-quoted).
pub fn to_yaml(v: &Value) -> String {
    let mut out = String::new();
    emit(v, 0, &mut out);
    out
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => Value::String(s.clone()).to_string(),
        other => other.to_string(),
    }
}

fn emit(v: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(map) if !map.is_empty() => {
            for (k, val) in map {
                match val {
                    Value::Object(m) if !m.is_empty() => {
                        let _ = writeln!(out, "{pad}{k}:");
                        emit(val, indent + 2, out);
                    }
                    Value::Array(a) if !a.is_empty() => {
                        let _ = writeln!(out, "{pad}{k}:");
                        emit(val, indent, out);
                    }
                    _ => {
                        let _ = writeln!(out, "{pad}{k}: {}", scalar(val));
                    }
                }
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for item in items {
                match item {
                    Value::Object(m) if !m.is_empty() => {
                        let mut inner = String::new();
                        emit(item, indent + 2, &mut inner);
                        // The first line of the item goes after the dash.
                        let body = inner.get(indent + 2..).unwrap_or("");
                        let _ = write!(out, "{pad}- {body}");
                    }
                    _ => {
                        let _ = writeln!(out, "{pad}- {}", scalar(item));
                    }
                }
            }
        }
        Value::Object(_) => out.push_str(&format!("{pad}{{}}\n")),
        Value::Array(_) => out.push_str(&format!("{pad}[]\n")),
        other => {
            let _ = writeln!(out, "{pad}{}", scalar(other));
        }
    }
}

fn dns_name(job: &str) -> String {
    let mut s: String = job
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    s = s.trim_matches('-').to_string();
    s.truncate(40);
    format!("assay-{s}")
}

/// The manifests for every job of `config`.
pub fn cronjobs(config: &Config, config_path: &Path, image: &str) -> Result<String, String> {
    let text = std::fs::read_to_string(config_path)
        .map_err(|e| format!("{}: {e}", config_path.display()))?;
    let ns = "assay";
    let labels =
        json!({"app.kubernetes.io/name": "assay", "app.kubernetes.io/component": "scheduled-scan"});
    let mut docs = vec![
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns, "labels": {"pod-security.kubernetes.io/enforce": "restricted"}}}),
        json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "assay-scanner", "namespace": ns, "labels": labels}, "automountServiceAccountToken": true}),
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "assay-scanner", "labels": labels},
        // Read-only, and not Secrets: what the built-in packs judge.
        "rules": [
            {"apiGroups": [""], "resources": ["namespaces", "pods", "services", "serviceaccounts", "configmaps", "limitranges", "resourcequotas", "persistentvolumeclaims", "replicationcontrollers"], "verbs": ["get", "list", "watch"]},
            {"apiGroups": ["apps"], "resources": ["deployments", "statefulsets", "daemonsets", "replicasets"], "verbs": ["get", "list", "watch"]},
            {"apiGroups": ["batch"], "resources": ["jobs", "cronjobs"], "verbs": ["get", "list", "watch"]},
            {"apiGroups": ["networking.k8s.io"], "resources": ["networkpolicies", "ingresses"], "verbs": ["get", "list", "watch"]},
            {"apiGroups": ["policy"], "resources": ["poddisruptionbudgets"], "verbs": ["get", "list", "watch"]},
            {"apiGroups": ["autoscaling"], "resources": ["horizontalpodautoscalers"], "verbs": ["get", "list", "watch"]},
            {"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["roles", "rolebindings", "clusterroles", "clusterrolebindings"], "verbs": ["get", "list", "watch"]},
            {"apiGroups": ["admissionregistration.k8s.io"], "resources": ["validatingwebhookconfigurations", "mutatingwebhookconfigurations", "validatingadmissionpolicies", "validatingadmissionpolicybindings"], "verbs": ["get", "list", "watch"]}
        ]}),
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": "assay-scanner", "labels": labels},
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "assay-scanner"},
               "subjects": [{"kind": "ServiceAccount", "name": "assay-scanner", "namespace": ns}]}),
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "assay-scanner", "namespace": ns, "labels": labels},
               "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"], "ingress": [],
                        // The API server, AWS, Slack and webhooks: HTTPS; DNS.
                        "egress": [{"ports": [{"port": 443, "protocol": "TCP"}, {"port": 6443, "protocol": "TCP"}]},
                                   {"ports": [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}]}]}}),
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "assay-config", "namespace": ns, "labels": labels},
               "data": {"assay.yaml": text}}),
        json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "assay-state", "namespace": ns, "labels": labels},
               "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}),
    ];
    for job in &config.jobs {
        let name = dns_name(&job.name);
        let pod = json!({
            "metadata": {"labels": labels},
            "spec": {
                "serviceAccountName": "assay-scanner",
                "restartPolicy": "Never",
                "securityContext": {"runAsNonRoot": true, "runAsUser": 65532, "runAsGroup": 65532, "fsGroup": 65532,
                                    "seccompProfile": {"type": "RuntimeDefault"}},
                "containers": [{
                    "name": "assay",
                    "image": image,
                    "imagePullPolicy": "IfNotPresent",
                    "args": ["schedule", "-c", "/etc/assay/assay.yaml", "--once", job.name, "--state", "/var/lib/assay/state.db"],
                    "env": [{"name": "HOME", "value": "/tmp"}, {"name": "ASSAY_SECRETS_DIR", "value": "/etc/assay/secrets"}],
                    "resources": {"requests": {"cpu": "500m", "memory": "512Mi", "ephemeral-storage": "100Mi"},
                                  "limits": {"cpu": "2", "memory": "4Gi", "ephemeral-storage": "1Gi"}},
                    "securityContext": {"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true, "privileged": false,
                                        "runAsNonRoot": true, "capabilities": {"drop": ["ALL"]},
                                        "seccompProfile": {"type": "RuntimeDefault"}},
                    "volumeMounts": [
                        {"name": "config", "mountPath": "/etc/assay", "readOnly": true},
                        {"name": "secrets", "mountPath": "/etc/assay/secrets", "readOnly": true},
                        {"name": "state", "mountPath": "/var/lib/assay"},
                        {"name": "tmp", "mountPath": "/tmp"}
                    ]
                }],
                "volumes": [
                    {"name": "config", "configMap": {"name": "assay-config"}},
                    {"name": "secrets", "secret": {"secretName": "assay-notify", "optional": true}},
                    {"name": "state", "persistentVolumeClaim": {"claimName": "assay-state"}},
                    {"name": "tmp", "emptyDir": {"sizeLimit": "1Gi"}}
                ]
            }
        });
        docs.push(json!({
            "apiVersion": "batch/v1",
            "kind": "CronJob",
            "metadata": {"name": name, "namespace": ns, "labels": labels, "annotations": {
                "assay.dev/waive": "K8S-CIS-006: the scanner reads the Kubernetes API with this token"}},
            "spec": {
                "schedule": job.schedule,
                "timeZone": "Etc/UTC",
                "concurrencyPolicy": "Forbid",
                "startingDeadlineSeconds": 3600,
                "successfulJobsHistoryLimit": 3,
                "failedJobsHistoryLimit": 3,
                "jobTemplate": {"spec": {"backoffLimit": 1, "activeDeadlineSeconds": 3600,
                                         "ttlSecondsAfterFinished": 86400, "template": pod}}
            }
        }));
    }
    let mut out = String::from(
        "# Generated by `assay schedule --print-cronjobs`. Put webhook URLs and\n# secrets in a Secret named `assay-notify` (keys = the ${VAR}s of assay.yaml);
# it is mounted as files, which assay reads through ASSAY_SECRETS_DIR.\n",
    );
    for d in docs {
        out.push_str("---\n");
        out.push_str(&to_yaml(&d));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_round_trips_through_the_parser() {
        let v =
            json!({"a": {"b": [1, {"c": "x: y", "d": []}, [true]], "e": {}}, "f": "multi\nline"});
        let text = to_yaml(&v);
        let parsed = assay_engine::yaml::parse_stream(&text, &Default::default());
        assert!(parsed.errors.is_empty(), "{text}\n{:?}", parsed.errors);
        assert_eq!(parsed.documents[0].value, v, "{text}");
    }
}
