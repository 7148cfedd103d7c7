//! From findings to a remediation plan: what will change, where, and how to
//! undo it. Pure: nothing here touches a cluster or an account.
//!
//! - Kubernetes: every fix of one object (JSON Patch operations from the
//!   rules) is combined into one change. A Pod, ReplicaSet or Job that a
//!   controller owns is not patched — its controller would revert it — but
//!   fixed at the owner, whose template carries the same finding. The change
//!   is a server-side apply configuration holding only the touched fields
//!   (named list items keep their `name`, the merge key) and the
//!   `resourceVersion` the plan saw, so an object changed since is a conflict,
//!   not an overwrite. Its rollback is the same fields with their old values
//!   (fields that did not exist are left out, so applying it releases them).
//! - AWS: the rule's named action with its parameters (the narrowest change:
//!   one permission, not the group), the before-state, and the inverse action
//!   where one exists.

use crate::patch;
use assay_engine::finding::{Finding, Status};
use assay_engine::resource::{Provider, Resource, Source};
use assay_engine::Severity;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// The AWS actions `assay fix` can perform (and undo).
pub const AWS_ACTIONS: &[&str] = &[
    "ec2:RevokeSecurityGroupIngress",
    "ec2:RevokeSecurityGroupEgress",
    "ec2:AuthorizeSecurityGroupIngress",
    "ec2:AuthorizeSecurityGroupEgress",
    "ec2:ModifyInstanceMetadataOptions",
    "ec2:EnableEbsEncryptionByDefault",
    "ec2:DisableEbsEncryptionByDefault",
];

/// Which findings to fix.
#[derive(Clone, Debug, Default)]
pub struct Selector {
    /// Only these rules (empty: all).
    pub rules: Vec<String>,
    /// Only findings at or above this severity.
    pub min_severity: Option<Severity>,
    /// Only resources whose id contains this text.
    pub resource: Option<String>,
}

impl Selector {
    fn wants(&self, f: &Finding) -> bool {
        (self.rules.is_empty() || self.rules.contains(&f.rule))
            && self.min_severity.is_none_or(|s| f.severity >= s)
            && self
                .resource
                .as_ref()
                .is_none_or(|r| f.resource.id.contains(r.as_str()))
    }
}

/// A change to one Kubernetes object.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct K8sChange {
    /// Resource identity.
    pub resource: String,
    /// `apps/v1`.
    pub api_version: String,
    /// `Deployment`.
    pub kind: String,
    /// Namespace, when namespaced.
    pub namespace: Option<String>,
    /// Name.
    pub name: String,
    /// Rules whose findings this fixes.
    pub rules: Vec<String>,
    /// The JSON Patch operations combined.
    pub ops: Vec<Value>,
    /// Fields changed: pointer → (before, after); `null` when absent.
    pub fields: BTreeMap<String, (Value, Value)>,
    /// The server-side apply configuration.
    pub apply: Value,
    /// The apply configuration that restores the old values.
    pub rollback: Value,
}

/// A cloud API call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AwsChange {
    /// Resource identity.
    pub resource: String,
    /// Region.
    pub region: String,
    /// Rules whose findings this fixes.
    pub rules: Vec<String>,
    /// `ec2:RevokeSecurityGroupIngress`.
    pub action: String,
    /// Its parameters.
    pub params: Value,
    /// What the resource looked like, as far as the action changes it.
    pub before: Value,
    /// The inverse call, when one exists.
    pub rollback: Option<(String, Value)>,
}

/// One planned change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "target", rename_all = "lowercase")]
pub enum Change {
    /// A Kubernetes object.
    Kubernetes(K8sChange),
    /// An AWS resource.
    Aws(AwsChange),
}

impl Change {
    /// The resource it changes.
    pub fn resource(&self) -> &str {
        match self {
            Change::Kubernetes(c) => &c.resource,
            Change::Aws(c) => &c.resource,
        }
    }
    /// The rules it answers.
    pub fn rules(&self) -> &[String] {
        match self {
            Change::Kubernetes(c) => &c.rules,
            Change::Aws(c) => &c.rules,
        }
    }
}

/// A finding with a fix that the plan leaves alone, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Skip {
    /// Resource.
    pub resource: String,
    /// Rule.
    pub rule: String,
    /// Why.
    pub reason: String,
}

/// The plan.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Plan {
    /// Changes, one per resource (Kubernetes) or per action (AWS).
    pub changes: Vec<Change>,
    /// Fixes of documents in files, per file (rewritten by [`crate::files`]).
    pub files: Vec<FilePlan>,
    /// Findings not fixed, with the reason.
    pub skipped: Vec<Skip>,
}

/// The fixes of the documents of one file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FilePlan {
    /// The file.
    pub path: String,
    /// Per resource id: the rules and their combined JSON Patch operations.
    pub resources: Vec<(String, Vec<String>, Vec<Value>)>,
}

fn controller_of(body: &Value) -> Option<String> {
    body.pointer("/metadata/ownerReferences")?
        .as_array()?
        .iter()
        .find(|o| o.get("controller").and_then(Value::as_bool) == Some(true))
        .map(|o| {
            format!(
                "{} {}",
                o.get("kind").and_then(Value::as_str).unwrap_or("?"),
                o.get("name").and_then(Value::as_str).unwrap_or("?")
            )
        })
}

/// The smallest object holding the values of `obj` at `paths`, with list
/// items keyed by `name` (their merge key); a list without names is taken
/// whole (atomic).
pub fn extract(obj: &Value, paths: &[String]) -> Value {
    let mut out = Value::Object(Map::new());
    for p in paths {
        let Ok(segs) = patch::segments(p) else {
            continue;
        };
        if patch::get(obj, p).is_none() {
            continue; // absent: leaving it out releases it
        }
        let mut src = obj;
        let mut dst = &mut out;
        for (i, s) in segs.iter().enumerate() {
            let last = i + 1 == segs.len();
            match src {
                Value::Object(m) => {
                    let Some(next) = m.get(s) else { break };
                    if last {
                        if let Value::Object(d) = dst {
                            d.insert(s.clone(), next.clone());
                        }
                        break;
                    }
                    let Value::Object(d) = dst else { break };
                    let empty = if next.is_array() {
                        json!([])
                    } else {
                        json!({})
                    };
                    dst = d.entry(s.clone()).or_insert(empty);
                    src = next;
                }
                Value::Array(a) => {
                    let Some(item) = s.parse::<usize>().ok().and_then(|i| a.get(i)) else {
                        break;
                    };
                    let name = item.get("name").cloned();
                    let Value::Array(d) = dst else { break };
                    match name {
                        Some(n) if !last => {
                            let pos = match d.iter().position(|x| x.get("name") == Some(&n)) {
                                Some(pos) => pos,
                                None => {
                                    d.push(json!({"name": n}));
                                    d.len() - 1
                                }
                            };
                            let Some(slot) = d.get_mut(pos) else { break };
                            dst = slot;
                            src = item;
                        }
                        _ => {
                            // Atomic list: the whole list, as it is.
                            *d = a.clone();
                            break;
                        }
                    }
                }
                _ => break,
            }
        }
    }
    out
}

fn apply_config(obj: &Value, paths: &[String], before: &Value) -> Value {
    let mut cfg = extract(obj, paths);
    if let Value::Object(m) = &mut cfg {
        m.insert(
            "apiVersion".into(),
            before.get("apiVersion").cloned().unwrap_or(Value::Null),
        );
        m.insert(
            "kind".into(),
            before.get("kind").cloned().unwrap_or(Value::Null),
        );
        let mut meta = Map::new();
        for k in ["name", "namespace", "resourceVersion"] {
            if let Some(v) = before.pointer(&format!("/metadata/{k}")) {
                meta.insert(k.into(), v.clone());
            }
        }
        m.insert("metadata".into(), Value::Object(meta));
    }
    cfg
}

fn aws_change(f: &Finding, r: &Resource, fix: &Value) -> Result<AwsChange, String> {
    let action = fix
        .get("action")
        .and_then(Value::as_str)
        .ok_or("the fix names no action")?
        .to_string();
    let params = fix.get("params").cloned().unwrap_or(json!({}));
    let region =
        r.id.scope
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_string();
    let (before, rollback) = match action.as_str() {
        "ec2:RevokeSecurityGroupIngress" | "ec2:RevokeSecurityGroupEgress" => {
            let inverse = action.replace("Revoke", "Authorize");
            if let Some(perms) = params.get("IpPermissions") {
                (
                    json!({"IpPermissions": perms}),
                    Some((inverse, params.clone())),
                )
            } else {
                (r.body.clone(), None)
            }
        }
        "ec2:ModifyInstanceMetadataOptions" => {
            let tokens = r
                .body
                .pointer("/MetadataOptions/HttpTokens")
                .cloned()
                .unwrap_or(json!("optional"));
            let mut back = params.clone();
            if let Some(m) = back.as_object_mut() {
                m.insert("HttpTokens".into(), tokens.clone());
            }
            (json!({"HttpTokens": tokens}), Some((action.clone(), back)))
        }
        "ec2:EnableEbsEncryptionByDefault" => (
            json!({"EbsEncryptionByDefault": false}),
            Some(("ec2:DisableEbsEncryptionByDefault".to_string(), json!({}))),
        ),
        _ => (r.body.clone(), None),
    };
    Ok(AwsChange {
        resource: f.resource.id.clone(),
        region,
        rules: vec![f.rule.clone()],
        action,
        params,
        before,
        rollback,
    })
}

/// The change that `ops` make to the live object `r` (`None` when they
/// change nothing).
pub fn k8s_change(
    r: &Resource,
    rules: Vec<String>,
    ops: Vec<Value>,
) -> Result<Option<K8sChange>, patch::PatchError> {
    let before = &r.body;
    let mut after = before.clone();
    patch::apply(&mut after, &ops)?;
    let mut fields = BTreeMap::new();
    for p in patch::touched(&ops) {
        let b = patch::get(before, &p).cloned().unwrap_or(Value::Null);
        let a = patch::get(&after, &p).cloned().unwrap_or(Value::Null);
        if a != b {
            fields.insert(p, (b, a));
        }
    }
    if fields.is_empty() {
        return Ok(None);
    }
    let changed: Vec<String> = fields.keys().cloned().collect();
    let text = |k: &str| {
        before
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    Ok(Some(K8sChange {
        resource: r.id.to_string(),
        api_version: text("apiVersion"),
        kind: text("kind"),
        namespace: (!r.id.scope.is_empty()).then(|| r.id.scope.clone()),
        name: r.id.name.clone(),
        rules,
        apply: apply_config(&after, &changed, before),
        rollback: apply_config(before, &changed, before),
        ops,
        fields,
    }))
}

/// Re-create a deleted object from its desired state: an apply without a
/// `resourceVersion` (it must not exist). Its inverse is deleting it, which
/// rollback leaves to a person.
pub fn k8s_create(desired: &Value, resource: &str, rules: Vec<String>) -> K8sChange {
    let mut apply = desired.clone();
    if let Some(meta) = apply.get_mut("metadata").and_then(Value::as_object_mut) {
        for k in [
            "resourceVersion",
            "uid",
            "creationTimestamp",
            "generation",
            "managedFields",
            "selfLink",
        ] {
            meta.remove(k);
        }
    }
    if let Some(m) = apply.as_object_mut() {
        m.remove("status");
    }
    let text = |p: &str| apply.pointer(p).and_then(Value::as_str).map(str::to_string);
    K8sChange {
        resource: resource.to_string(),
        api_version: text("/apiVersion").unwrap_or_default(),
        kind: text("/kind").unwrap_or_default(),
        namespace: text("/metadata/namespace"),
        name: text("/metadata/name").unwrap_or_default(),
        rules,
        ops: vec![json!({"op": "add", "path": "", "value": apply.clone()})],
        fields: BTreeMap::from([(String::new(), (Value::Null, json!("(the whole object)")))]),
        rollback: Value::Null,
        apply,
    }
}

/// Plan the fixes of `findings` (on `resources`) that `sel` selects.
pub fn plan(findings: &[Finding], resources: &[Resource], sel: &Selector) -> Plan {
    let by_id: BTreeMap<String, &Resource> =
        resources.iter().map(|r| (r.id.to_string(), r)).collect();
    let mut out = Plan::default();
    let mut k8s: BTreeMap<String, (Vec<String>, Vec<Value>)> = BTreeMap::new();
    for f in findings {
        if f.status != Status::Fail || f.baseline || !sel.wants(f) {
            continue;
        }
        let skip = |reason: &str| Skip {
            resource: f.resource.id.clone(),
            rule: f.rule.clone(),
            reason: reason.to_string(),
        };
        let Some(fix) = &f.fix else {
            out.skipped.push(skip(NO_FIX));
            continue;
        };
        let Some(r) = by_id.get(&f.resource.id) else {
            out.skipped
                .push(skip("the resource is not in the collected state"));
            continue;
        };
        match (r.id.provider, &r.source, fix) {
            (Provider::Kubernetes, Source::Live { .. }, Value::Array(ops)) => {
                if let Some(owner) = controller_of(&r.body) {
                    out.skipped.push(skip(&format!(
                        "managed by {owner}: fixed at the owner, whose template has the same finding"
                    )));
                    continue;
                }
                let entry = k8s.entry(f.resource.id.clone()).or_default();
                if !entry.0.contains(&f.rule) {
                    entry.0.push(f.rule.clone());
                }
                for op in ops {
                    if !entry.1.contains(op) {
                        entry.1.push(op.clone());
                    }
                }
            }
            (Provider::Aws, Source::Live { .. }, Value::Object(_)) => match aws_change(f, r, fix) {
                Ok(c) if !AWS_ACTIONS.contains(&c.action.as_str()) => {
                    out.skipped.push(skip(&format!(
                        "`{}` is not performed automatically yet; the fix is {}",
                        c.action, c.params
                    )))
                }
                Ok(c) => {
                    let dup = out.changes.iter_mut().find_map(|x| match x {
                        Change::Aws(a) if a.action == c.action && a.params == c.params => Some(a),
                        _ => None,
                    });
                    match dup {
                        Some(a) => {
                            if !a.rules.contains(&f.rule) {
                                a.rules.push(f.rule.clone());
                                a.rules.sort();
                            }
                        }
                        None => out.changes.push(Change::Aws(c)),
                    }
                }
                Err(e) => out.skipped.push(skip(&e)),
            },
            (_, Source::File { path, .. }, Value::Array(ops)) => {
                let file = match out.files.iter_mut().position(|p| &p.path == path) {
                    Some(i) => i,
                    None => {
                        out.files.push(FilePlan {
                            path: path.clone(),
                            resources: Vec::new(),
                        });
                        out.files.len() - 1
                    }
                };
                if let Some(fp) = out.files.get_mut(file) {
                    let id = f.resource.id.clone();
                    let entry = match fp.resources.iter().position(|(r, _, _)| *r == id) {
                        Some(i) => i,
                        None => {
                            fp.resources.push((id, Vec::new(), Vec::new()));
                            fp.resources.len() - 1
                        }
                    };
                    if let Some((_, rules, all)) = fp.resources.get_mut(entry) {
                        if !rules.contains(&f.rule) {
                            rules.push(f.rule.clone());
                            rules.sort();
                        }
                        for op in ops {
                            if !all.contains(op) {
                                all.push(op.clone());
                            }
                        }
                    }
                }
            }
            _ => out.skipped.push(skip("the fix does not fit the resource")),
        }
    }
    for (id, (mut rules, ops)) in k8s {
        rules.sort();
        let Some(r) = by_id.get(&id) else { continue };
        match k8s_change(r, rules.clone(), ops) {
            Ok(Some(c)) => out.changes.push(Change::Kubernetes(c)),
            Ok(None) => {} // already as the fix wants it
            Err(e) => {
                for rule in rules {
                    out.skipped.push(Skip {
                        resource: id.clone(),
                        rule,
                        reason: format!("the fix does not apply: {e}"),
                    });
                }
            }
        }
    }
    out.changes.sort_by(|a, b| a.resource().cmp(b.resource()));
    out.files.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// The plan as text: per change, what will change, field by field.
/// The plan as text; `extra` counts changes planned elsewhere (file rewrites).
pub fn render(plan: &Plan, extra: usize) -> String {
    let mut s = String::new();
    let show = |v: &Value| {
        if v.is_null() {
            "(absent)".to_string()
        } else {
            v.to_string()
        }
    };
    for c in &plan.changes {
        match c {
            Change::Kubernetes(k) => {
                s.push_str(&format!("~ {} ({})\n", k.resource, k.rules.join(", ")));
                for (p, (b, a)) in &k.fields {
                    s.push_str(&format!("    {p}: {} → {}\n", show(b), show(a)));
                }
                s.push_str(
                    "    server-side apply, field manager `assay`, at the resourceVersion seen\n",
                );
            }
            Change::Aws(a) => {
                s.push_str(&format!("~ {} ({})\n", a.resource, a.rules.join(", ")));
                s.push_str(&format!("    call {} {}\n", a.action, a.params));
                match &a.rollback {
                    Some((act, _)) => {
                        s.push_str(&format!("    undo: {act} (before: {})\n", a.before))
                    }
                    None => s.push_str("    undo: not automatic\n"),
                }
            }
        }
    }
    // Findings of rules without a fix are many and alike: one line.
    let mut manual: Vec<&str> = Vec::new();
    let mut manual_count = 0;
    for k in &plan.skipped {
        if k.reason == NO_FIX {
            manual_count += 1;
            if !manual.contains(&k.rule.as_str()) {
                manual.push(&k.rule);
            }
        } else {
            s.push_str(&format!("- {} {}: {}\n", k.resource, k.rule, k.reason));
        }
    }
    if manual_count > 0 {
        manual.sort_unstable();
        s.push_str(&format!(
            "- {manual_count} finding{} of rules without an automatic fix ({}): see their remediation\n",
            if manual_count == 1 { "" } else { "s" },
            manual.join(", ")
        ));
    }
    let changes = plan.changes.len() + extra;
    s.push_str(&format!(
        "{} change{} planned, {} finding{} left as they are\n",
        changes,
        if changes == 1 { "" } else { "s" },
        plan.skipped.len(),
        if plan.skipped.len() == 1 { "" } else { "s" }
    ));
    s
}

/// Why a finding without a fix is left alone.
pub const NO_FIX: &str = "the rule has no automatic fix; see its remediation";

#[cfg(test)]
mod tests;
