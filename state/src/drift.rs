//! Drift: how live state departs from a blessed baseline.
//!
//! Comparison follows apply semantics. Every field the baseline sets must
//! hold the same value live. A field only the live object has is drift too —
//! someone added it — unless the server owns it (`status`, `managedFields`,
//! `resourceVersion`, timestamps…) or it is a default the API server fills
//! in when the manifest leaves it out (`imagePullPolicy`,
//! `terminationMessagePath`, a Service's `clusterIP`…; see [`DEFAULTS`]).
//! Lists of named items (containers, ports, env) are matched by name.

use crate::diff::{escape, pairs};
use crate::store::View;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// Fields the server owns: never drift, on either side.
pub const SERVER_OWNED: &[&str] = &[
    "/status",
    "/metadata/managedFields",
    "/metadata/resourceVersion",
    "/metadata/uid",
    "/metadata/generation",
    "/metadata/creationTimestamp",
    "/metadata/selfLink",
    "/metadata/deletionTimestamp",
    "/metadata/deletionGracePeriodSeconds",
    "/metadata/ownerReferences",
    "/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration",
    "/metadata/annotations/deployment.kubernetes.io~1revision",
    "**/metadata/creationTimestamp",
];

/// Defaults the API server fills in: drift only when the baseline sets them.
/// `*` matches one segment, a leading `**` any number of them.
pub const DEFAULTS: &[&str] = &[
    "/metadata/namespace",
    "/metadata/labels/kubernetes.io~1metadata.name",
    "/metadata/finalizers",
    "/spec/finalizers",
    // workloads
    "/spec/progressDeadlineSeconds",
    "/spec/revisionHistoryLimit",
    "/spec/strategy",
    "/spec/updateStrategy",
    "/spec/podManagementPolicy",
    "/spec/persistentVolumeClaimRetentionPolicy",
    "/spec/replicas",
    "/spec/backoffLimit",
    "/spec/completionMode",
    "/spec/completions",
    "/spec/parallelism",
    "/spec/suspend",
    "/spec/manualSelector",
    "/spec/podReplacementPolicy",
    "/spec/concurrencyPolicy",
    "/spec/failedJobsHistoryLimit",
    "/spec/successfulJobsHistoryLimit",
    "**/template/metadata/labels/batch.kubernetes.io~1controller-uid",
    "**/template/metadata/labels/batch.kubernetes.io~1job-name",
    "**/template/metadata/labels/controller-uid",
    "**/template/metadata/labels/job-name",
    "/spec/selector/matchLabels/batch.kubernetes.io~1controller-uid",
    // pod specs, wherever they sit
    "**/spec/dnsPolicy",
    "**/spec/restartPolicy",
    "**/spec/schedulerName",
    "**/spec/securityContext",
    "**/spec/terminationGracePeriodSeconds",
    "**/spec/serviceAccount",
    "**/spec/serviceAccountName",
    "**/spec/enableServiceLinks",
    "**/spec/preemptionPolicy",
    "**/spec/priority",
    "**/spec/nodeName",
    "**/spec/tolerations",
    "**/containers/*/terminationMessagePath",
    "**/containers/*/terminationMessagePolicy",
    "**/containers/*/imagePullPolicy",
    "**/containers/*/resources",
    "**/containers/*/ports/*/protocol",
    "**/initContainers/*/terminationMessagePath",
    "**/initContainers/*/terminationMessagePolicy",
    "**/initContainers/*/imagePullPolicy",
    "**/initContainers/*/resources",
    // services
    "/spec/clusterIP",
    "/spec/clusterIPs",
    "/spec/ipFamilies",
    "/spec/ipFamilyPolicy",
    "/spec/internalTrafficPolicy",
    "/spec/externalTrafficPolicy",
    "/spec/allocateLoadBalancerNodePorts",
    "/spec/sessionAffinity",
    "/spec/type",
    "/spec/ports/*/protocol",
    "/spec/ports/*/targetPort",
    "/spec/ports/*/nodePort",
];

/// How a resource departs from the baseline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DriftKind {
    /// In the baseline, not live.
    Missing,
    /// Live, with fields that differ.
    Changed,
    /// Live, not in the baseline (reported when asked for).
    Unmanaged,
}

/// One difference from the baseline.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Drift {
    /// Resource identity.
    pub resource: String,
    /// What kind of drift.
    pub kind: DriftKind,
    /// JSON pointer of the field (empty for whole resources).
    pub pointer: String,
    /// What the baseline says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<Value>,
    /// What is live.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual: Option<Value>,
}

/// Knobs.
#[derive(Clone, Debug, Default)]
pub struct DriftOptions {
    /// Report live resources the baseline does not have (of kinds it has).
    pub unmanaged: bool,
    /// Extra pointer patterns to ignore.
    pub ignore: Vec<String>,
}

fn matches(pattern: &str, pointer: &str) -> bool {
    let (anchored, body) = match pattern.strip_prefix("**") {
        Some(rest) => (false, rest),
        None => (true, pattern),
    };
    let pat: Vec<&str> = body.split('/').skip(1).collect();
    let ptr: Vec<&str> = pointer.split('/').skip(1).collect();
    let seg_eq = |p: &&str, s: &&str| *p == "*" || p == s;
    if anchored {
        pat.len() == ptr.len() && pat.iter().zip(&ptr).all(|(p, s)| seg_eq(p, s))
    } else {
        ptr.len() >= pat.len()
            && ptr
                .get(ptr.len() - pat.len()..)
                .is_some_and(|tail| tail.iter().zip(&pat).all(|(s, p)| seg_eq(p, s)))
    }
}

fn any_match(patterns: &[&str], extra: &[String], pointer: &str) -> bool {
    patterns.iter().any(|p| matches(p, pointer)) || extra.iter().any(|p| matches(p, pointer))
}

/// Where a Kubernetes manifest without a namespace lands.
fn in_default_namespace(key: &str) -> Option<String> {
    let rest = key.strip_prefix("kubernetes:")?;
    let (kind, name) = rest.rsplit_once(':')?;
    (!name.contains('/')).then(|| format!("kubernetes:{kind}:default/{name}"))
}

fn kind_of(key: &str) -> &str {
    key.rsplit_once(':').map_or(key, |(k, _)| k)
}

/// Compare live state against the baseline (both with bodies loaded).
pub fn drift(baseline: &View, live: &View, opts: &DriftOptions) -> Vec<Drift> {
    let mut out = Vec::new();
    let mut matched = std::collections::BTreeSet::new();
    let null = Value::Null;
    for (key, want) in &baseline.resources {
        let found = live
            .resources
            .get_key_value(key)
            .or_else(|| in_default_namespace(key).and_then(|k| live.resources.get_key_value(&k)));
        let Some((live_key, have)) = found else {
            out.push(Drift {
                resource: key.clone(),
                kind: DriftKind::Missing,
                pointer: String::new(),
                expected: None,
                actual: None,
            });
            continue;
        };
        matched.insert(live_key.clone());
        let mut fields = Vec::new();
        compare(
            want.body.as_ref().unwrap_or(&null),
            have.body.as_ref().unwrap_or(&null),
            &mut String::new(),
            opts,
            &mut fields,
        );
        for (pointer, expected, actual) in fields {
            let mut d = Drift {
                resource: live_key.clone(),
                kind: DriftKind::Changed,
                pointer,
                expected,
                actual,
            };
            if live_key.starts_with("kubernetes:v1/Secret:")
                && (d.pointer.starts_with("/data") || d.pointer.starts_with("/stringData"))
            {
                for v in [&mut d.expected, &mut d.actual].into_iter().flatten() {
                    *v = Value::String(crate::diff::REDACTED.to_string());
                }
            }
            out.push(d);
        }
    }
    if opts.unmanaged {
        let kinds: std::collections::BTreeSet<&str> =
            baseline.resources.keys().map(|k| kind_of(k)).collect();
        for key in live.resources.keys() {
            if !matched.contains(key) && kinds.contains(kind_of(key)) {
                out.push(Drift {
                    resource: key.clone(),
                    kind: DriftKind::Unmanaged,
                    pointer: String::new(),
                    expected: None,
                    actual: None,
                });
            }
        }
    }
    out.sort_by(|a, b| (&a.resource, a.kind, &a.pointer).cmp(&(&b.resource, b.kind, &b.pointer)));
    out
}

type Field = (String, Option<Value>, Option<Value>);

fn compare(want: &Value, have: &Value, at: &mut String, opts: &DriftOptions, out: &mut Vec<Field>) {
    if !at.is_empty() && any_match(SERVER_OWNED, &opts.ignore, at) {
        return;
    }
    match (want, have) {
        (Value::Object(w), Value::Object(h)) => {
            for (k, wv) in w {
                let len = at.len();
                at.push('/');
                at.push_str(&escape(k));
                match h.get(k) {
                    Some(hv) => compare(wv, hv, at, opts, out),
                    None if any_match(SERVER_OWNED, &opts.ignore, at) => {}
                    None => out.push((at.clone(), Some(wv.clone()), None)),
                }
                at.truncate(len);
            }
            for (k, hv) in h {
                if w.contains_key(k) {
                    continue;
                }
                let len = at.len();
                at.push('/');
                at.push_str(&escape(k));
                if !any_match(SERVER_OWNED, &opts.ignore, at) && !any_match(DEFAULTS, &[], at) {
                    if hv.is_object() {
                        // Judge what is inside field by field (defaults may sit there).
                        compare(&Value::Object(serde_json::Map::new()), hv, at, opts, out);
                    } else {
                        out.push((at.clone(), None, Some(hv.clone())));
                    }
                }
                at.truncate(len);
            }
        }
        (Value::Array(w), Value::Array(h)) => {
            for (i, j) in pairs(w, h) {
                let len = at.len();
                at.push('/');
                at.push_str(&j.or(i).unwrap_or(0).to_string());
                match (i.and_then(|i| w.get(i)), j.and_then(|j| h.get(j))) {
                    (Some(wv), Some(hv)) => compare(wv, hv, at, opts, out),
                    (x, y) => out.push((at.clone(), x.cloned(), y.cloned())),
                }
                at.truncate(len);
            }
        }
        (Value::Number(x), Value::Number(y)) if x.as_f64() == y.as_f64() => {}
        (x, y) if x == y => {}
        (x, y) => out.push((at.clone(), Some(x.clone()), Some(y.clone()))),
    }
}

/// Count drift by kind.
pub fn counts(drift: &[Drift]) -> BTreeMap<&'static str, usize> {
    let mut m = BTreeMap::from([("missing", 0), ("changed", 0), ("unmanaged", 0)]);
    for d in drift {
        let k = match d.kind {
            DriftKind::Missing => "missing",
            DriftKind::Changed => "changed",
            DriftKind::Unmanaged => "unmanaged",
        };
        *m.entry(k).or_default() += 1;
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Entry;
    use serde_json::json;

    fn view(items: &[(&str, Value)]) -> View {
        View {
            label: "v".into(),
            resources: items
                .iter()
                .map(|(k, v)| {
                    (
                        (*k).to_string(),
                        Entry {
                            hash: crate::store::content_hash(k, &serde_json::to_vec(v).unwrap()),
                            version: None,
                            body: Some(v.clone()),
                        },
                    )
                })
                .collect(),
            findings: Vec::new(),
        }
    }

    #[test]
    fn patterns() {
        assert!(matches("/status", "/status"));
        assert!(!matches("/status", "/status/x"));
        assert!(matches(
            "**/containers/*/imagePullPolicy",
            "/spec/template/spec/containers/0/imagePullPolicy"
        ));
        assert!(!matches(
            "**/containers/*/imagePullPolicy",
            "/spec/containers/imagePullPolicy"
        ));
        assert!(matches("/spec/ports/*/protocol", "/spec/ports/3/protocol"));
    }

    #[test]
    fn server_fields_and_defaults_are_not_drift_but_real_changes_are() {
        let desired = view(&[
            (
                "kubernetes:apps/v1/Deployment:web",
                json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
                   "spec": {"replicas": 2, "template": {"spec": {"containers": [
                       {"name": "app", "image": "web:1", "securityContext": {"allowPrivilegeEscalation": false}}]}}}}),
            ),
            ("kubernetes:v1/ConfigMap:shop/gone", json!({})),
        ]);
        let live = view(&[
            (
                "kubernetes:apps/v1/Deployment:default/web",
                json!({"apiVersion": "apps/v1", "kind": "Deployment",
                   "metadata": {"name": "web", "namespace": "default", "uid": "u", "resourceVersion": "9",
                                "generation": 3, "creationTimestamp": "2026-01-01T00:00:00Z",
                                "managedFields": [{"manager": "kubectl"}],
                                "annotations": {"deployment.kubernetes.io/revision": "3"}},
                   "spec": {"replicas": 5, "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600,
                            "strategy": {"type": "RollingUpdate"},
                            "template": {"metadata": {"creationTimestamp": null}, "spec": {
                                "dnsPolicy": "ClusterFirst", "restartPolicy": "Always", "schedulerName": "default-scheduler",
                                "securityContext": {}, "terminationGracePeriodSeconds": 30,
                                "containers": [{"name": "app", "image": "web:1", "imagePullPolicy": "IfNotPresent",
                                    "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
                                    "resources": {},
                                    "securityContext": {"allowPrivilegeEscalation": false, "privileged": true}}]}}},
                   "status": {"replicas": 5}}),
            ),
            ("kubernetes:v1/ConfigMap:shop/extra", json!({})),
        ]);
        let got = drift(&desired, &live, &DriftOptions::default());
        let short: Vec<(&str, DriftKind, &str)> = got
            .iter()
            .map(|d| (d.resource.as_str(), d.kind, d.pointer.as_str()))
            .collect();
        assert_eq!(
            short,
            vec![
                (
                    "kubernetes:apps/v1/Deployment:default/web",
                    DriftKind::Changed,
                    "/spec/replicas"
                ),
                (
                    "kubernetes:apps/v1/Deployment:default/web",
                    DriftKind::Changed,
                    "/spec/template/spec/containers/0/securityContext/privileged"
                ),
                ("kubernetes:v1/ConfigMap:shop/gone", DriftKind::Missing, ""),
            ]
        );
        assert_eq!(got[0].expected, Some(json!(2)));
        assert_eq!(got[0].actual, Some(json!(5)));
        assert_eq!(got[1].expected, None);
        let with_unmanaged = drift(
            &desired,
            &live,
            &DriftOptions {
                unmanaged: true,
                ignore: vec![],
            },
        );
        assert!(with_unmanaged
            .iter()
            .any(|d| d.kind == DriftKind::Unmanaged && d.resource.ends_with("shop/extra")));
    }

    #[test]
    fn live_state_identical_to_the_baseline_has_no_drift() {
        let v = view(&[(
            "aws:AWS::EC2::SecurityGroup:123/eu-west-1/sg-1",
            json!({"IpPermissions": [{"FromPort": 22}]}),
        )]);
        assert!(drift(&v, &v, &DriftOptions::default()).is_empty());
    }
}
