//! Differences between two states: resources added, removed and changed
//! (field by field, as JSON pointers), and findings new, resolved and
//! unchanged (matched by fingerprint).

use crate::store::View;
use assay_engine::finding::{Finding, Status};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeSet;

/// The marker shown instead of a secret value.
pub const REDACTED: &str = "<redacted>";

/// One changed field.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldChange {
    /// JSON pointer (RFC 6901) into the resource body.
    pub pointer: String,
    /// Value before (absent when the field was added).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    /// Value after (absent when the field was removed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
}

/// A resource present on both sides with a different body.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ResourceChange {
    /// Resource identity.
    pub resource: String,
    /// The fields that differ.
    pub changes: Vec<FieldChange>,
}

/// Findings compared by fingerprint.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct FindingsDiff {
    /// Present after, not before.
    pub new: Vec<Finding>,
    /// Present before, not after.
    pub resolved: Vec<Finding>,
    /// Present on both sides.
    pub unchanged: usize,
}

/// Everything that moved between two states.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Diff {
    /// The older state's label.
    pub from: String,
    /// The newer state's label.
    pub to: String,
    /// Resources only in the newer state.
    pub added: Vec<String>,
    /// Resources only in the older state.
    pub removed: Vec<String>,
    /// Resources in both, with field-level changes.
    pub changed: Vec<ResourceChange>,
    /// Resources identical on both sides.
    pub unchanged: usize,
    /// Findings.
    pub findings: FindingsDiff,
}

impl Diff {
    /// True when nothing moved.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.changed.is_empty()
            && self.findings.new.is_empty()
            && self.findings.resolved.is_empty()
    }
}

/// Keys of resources whose hash differs on the two sides (bodies needed).
pub fn changed_keys(a: &View, b: &View) -> Vec<String> {
    a.resources
        .iter()
        .filter(|(k, e)| b.resources.get(*k).is_some_and(|o| o.hash != e.hash))
        .map(|(k, _)| k.clone())
        .collect()
}

/// Findings that matter for "what changed": failing, warning or erroring
/// (waived ones are decided, not open).
fn open(f: &Finding) -> bool {
    matches!(f.status, Status::Fail | Status::Warn | Status::Error)
}

/// A finding's identity across scans: rule, resource, and the field it
/// points at (or, without a path, its message). Unlike the fingerprint it
/// ignores the file and a message that only restates a changed value
/// ("runs 3 replicas" → "runs 4 replicas"), so a re-worded finding about the
/// same field is not reported as one resolved and one new.
pub fn identity(f: &Finding) -> String {
    format!(
        "{}\u{0}{}\u{0}{}",
        f.rule,
        f.resource.id,
        f.path.as_deref().unwrap_or(&f.message)
    )
}

/// Compare findings by [`identity`].
pub fn diff_findings(old: &[Finding], new: &[Finding]) -> FindingsDiff {
    let before: BTreeSet<String> = old.iter().filter(|f| open(f)).map(identity).collect();
    let after: BTreeSet<String> = new.iter().filter(|f| open(f)).map(identity).collect();
    let mut seen_new = BTreeSet::new();
    let mut seen_old = BTreeSet::new();
    let mut out = FindingsDiff::default();
    for f in new.iter().filter(|f| open(f)) {
        let id = identity(f);
        if !seen_new.insert(id.clone()) {
            continue;
        }
        if before.contains(&id) {
            out.unchanged += 1;
        } else {
            out.new.push(f.clone());
        }
    }
    for f in old.iter().filter(|f| open(f)) {
        let id = identity(f);
        if seen_old.insert(id.clone()) && !after.contains(&id) {
            out.resolved.push(f.clone());
        }
    }
    out
}

/// Compare two views whose changed entries have bodies loaded
/// (see [`changed_keys`]).
pub fn diff(a: &View, b: &View) -> Diff {
    let mut d = Diff {
        from: a.label.clone(),
        to: b.label.clone(),
        ..Diff::default()
    };
    for (key, entry) in &b.resources {
        match a.resources.get(key) {
            None => d.added.push(key.clone()),
            Some(old) if old.hash == entry.hash => d.unchanged += 1,
            Some(old) => {
                let null = Value::Null;
                let mut changes = Vec::new();
                let secret = is_secret(key);
                diff_values(
                    old.body.as_ref().unwrap_or(&null),
                    entry.body.as_ref().unwrap_or(&null),
                    &mut String::new(),
                    &mut changes,
                );
                if secret {
                    for c in &mut changes {
                        redact(c);
                    }
                }
                d.changed.push(ResourceChange {
                    resource: key.clone(),
                    changes,
                });
            }
        }
    }
    d.removed = a
        .resources
        .keys()
        .filter(|k| !b.resources.contains_key(*k))
        .cloned()
        .collect();
    d.findings = diff_findings(&a.findings, &b.findings);
    d
}

fn is_secret(key: &str) -> bool {
    key.starts_with("kubernetes:v1/Secret:")
}

/// Never show a Secret's values, whatever the collector did.
fn redact(c: &mut FieldChange) {
    let sensitive = c.pointer.starts_with("/data")
        || c.pointer.starts_with("/stringData")
        || c.pointer.contains("last-applied-configuration");
    if sensitive {
        for v in [&mut c.old, &mut c.new].into_iter().flatten() {
            *v = Value::String(REDACTED.to_string());
        }
    }
}

/// Escape one pointer segment (RFC 6901).
pub fn escape(seg: &str) -> String {
    seg.replace('~', "~0").replace('/', "~1")
}

/// Field-level differences from `old` to `new`, appended to `out`.
pub fn diff_values(old: &Value, new: &Value, at: &mut String, out: &mut Vec<FieldChange>) {
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for k in keys {
                let len = at.len();
                at.push('/');
                at.push_str(&escape(k));
                match (a.get(k), b.get(k)) {
                    (Some(x), Some(y)) => diff_values(x, y, at, out),
                    (x, y) => out.push(FieldChange {
                        pointer: at.clone(),
                        old: x.cloned(),
                        new: y.cloned(),
                    }),
                }
                at.truncate(len);
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, j) in pairs(a, b) {
                let len = at.len();
                at.push('/');
                at.push_str(&j.or(i).unwrap_or(0).to_string());
                match (i.and_then(|i| a.get(i)), j.and_then(|j| b.get(j))) {
                    (Some(x), Some(y)) => diff_values(x, y, at, out),
                    (x, y) => out.push(FieldChange {
                        pointer: at.clone(),
                        old: x.cloned(),
                        new: y.cloned(),
                    }),
                }
                at.truncate(len);
            }
        }
        (x, y) if same_scalar(x, y) => {}
        (x, y) => out.push(FieldChange {
            pointer: if at.is_empty() {
                String::new()
            } else {
                at.clone()
            },
            old: Some(x.clone()),
            new: Some(y.clone()),
        }),
    }
}

/// Which item of `a` corresponds to which of `b`: by `name` when every item
/// of both lists has a unique one (containers, ports, env — so a reorder is
/// not a change), else by index. In `b`'s order, then what only `a` has.
pub fn pairs(a: &[Value], b: &[Value]) -> Vec<(Option<usize>, Option<usize>)> {
    match (names(a), names(b)) {
        (Some(na), Some(nb)) => {
            let mut v: Vec<(Option<usize>, Option<usize>)> = nb
                .iter()
                .enumerate()
                .map(|(j, n)| (na.iter().position(|m| m == n), Some(j)))
                .collect();
            v.extend(
                na.iter()
                    .enumerate()
                    .filter(|(_, n)| !nb.contains(n))
                    .map(|(i, _)| (Some(i), None)),
            );
            v
        }
        _ => (0..a.len().max(b.len()))
            .map(|i| ((i < a.len()).then_some(i), (i < b.len()).then_some(i)))
            .collect(),
    }
}

/// Equal, counting `1` and `1.0` as the same number.
fn same_scalar(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// The `name` of every item, when every item is an object with a unique one.
pub fn names(items: &[Value]) -> Option<Vec<&str>> {
    if items.is_empty() {
        return None;
    }
    let names: Vec<&str> = items
        .iter()
        .map(|v| v.get("name").and_then(Value::as_str))
        .collect::<Option<_>>()?;
    let unique: BTreeSet<&&str> = names.iter().collect();
    (unique.len() == names.len()).then_some(names)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Entry;
    use serde_json::json;

    fn view(label: &str, items: &[(&str, Value)]) -> View {
        View {
            label: label.into(),
            resources: items
                .iter()
                .map(|(k, v)| {
                    let body = serde_json::to_vec(v).unwrap();
                    (
                        (*k).to_string(),
                        Entry {
                            hash: crate::store::content_hash(k, &body),
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
    fn added_removed_and_field_level_changes() {
        let a = view(
            "a",
            &[
                (
                    "kubernetes:apps/v1/Deployment:shop/web",
                    json!({"spec": {"replicas": 2, "template": {"spec": {"containers": [{"name": "app", "image": "web:1"}, {"name": "side", "image": "s:1"}]}}}}),
                ),
                ("kubernetes:v1/Pod:shop/gone", json!({})),
                ("kubernetes:v1/Pod:shop/same", json!({"a": 1})),
            ],
        );
        let b = view(
            "b",
            &[
                (
                    "kubernetes:apps/v1/Deployment:shop/web",
                    json!({"spec": {"replicas": 3, "paused": true, "template": {"spec": {"containers": [{"name": "side", "image": "s:1"}, {"name": "app", "image": "web:2"}]}}}}),
                ),
                ("kubernetes:v1/Pod:shop/new", json!({})),
                ("kubernetes:v1/Pod:shop/same", json!({"a": 1.0})),
            ],
        );
        let d = diff(&a, &b);
        assert_eq!(d.added, vec!["kubernetes:v1/Pod:shop/new"]);
        assert_eq!(d.removed, vec!["kubernetes:v1/Pod:shop/gone"]);
        assert_eq!(d.changed.len(), 2, "{d:?}");
        let web = &d.changed[0];
        let got: Vec<(&str, Option<&Value>, Option<&Value>)> = web
            .changes
            .iter()
            .map(|c| (c.pointer.as_str(), c.old.as_ref(), c.new.as_ref()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("/spec/paused", None, Some(&json!(true))),
                ("/spec/replicas", Some(&json!(2)), Some(&json!(3))),
                // matched by name, so the reorder alone is not a change
                (
                    "/spec/template/spec/containers/1/image",
                    Some(&json!("web:1")),
                    Some(&json!("web:2"))
                ),
            ]
        );
        // 1 and 1.0 hash differently but are the same value
        assert!(d.changed[1].changes.is_empty());
    }

    #[test]
    fn secret_values_are_never_shown() {
        let a = view(
            "a",
            &[(
                "kubernetes:v1/Secret:shop/db",
                json!({"data": {"password": "aHVudGVyMg=="}}),
            )],
        );
        let b = view(
            "b",
            &[(
                "kubernetes:v1/Secret:shop/db",
                json!({"data": {"password": "c2VjcmV0"}}),
            )],
        );
        let text = serde_json::to_string(&diff(&a, &b)).unwrap();
        assert!(text.contains("/data/password"), "{text}");
        assert!(
            !text.contains("aHVudGVyMg") && !text.contains("c2VjcmV0"),
            "{text}"
        );
    }

    #[test]
    fn pointer_segments_are_escaped() {
        let mut out = Vec::new();
        diff_values(
            &json!({"metadata": {"annotations": {"a/b~c": "1"}}}),
            &json!({"metadata": {"annotations": {"a/b~c": "2"}}}),
            &mut String::new(),
            &mut out,
        );
        assert_eq!(out[0].pointer, "/metadata/annotations/a~1b~0c");
    }
}
