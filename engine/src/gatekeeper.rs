//! Gatekeeper compatibility: `ConstraintTemplate` and constraint objects run
//! as they would in Gatekeeper's audit. A template's Rego (with its `libs`)
//! is compiled once; each constraint becomes a rule that evaluates it with
//! `input.review` (the resource as an admission review of a CREATE) and
//! `input.parameters`, on the resources its `spec.match` selects.

use crate::diagnostic::Diagnostic;
use crate::yaml::YamlDocument;
use serde_json::Value;
use std::collections::BTreeMap;

/// A `templates.gatekeeper.sh` ConstraintTemplate.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    /// File it came from.
    pub file: String,
    /// 1-based line of the document.
    pub line: u32,
    /// The constraint kind it defines (`spec.crd.spec.names.kind`).
    pub kind: String,
    /// The target's Rego.
    pub rego: String,
    /// The target's `libs`.
    pub libs: Vec<String>,
    /// Title annotation (`metadata.gatekeeper.sh/title`) or the kind.
    pub title: String,
    /// Description annotation.
    pub description: String,
}

/// A `constraints.gatekeeper.sh` constraint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Constraint {
    /// File it came from.
    pub file: String,
    /// 1-based line of the document.
    pub line: u32,
    /// Kind (the template's constraint kind).
    pub kind: String,
    /// `metadata.name`.
    pub name: String,
    /// `spec.parameters` (or `{}`).
    pub parameters: Value,
    /// `spec.match`.
    pub matcher: Match,
    /// `deny`, `warn` or `dryrun`.
    pub enforcement: String,
    /// `assay.dev/severity` annotation, if any.
    pub severity: Option<String>,
}

/// `spec.match` of a constraint.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Match {
    /// (apiGroups, kinds) pairs; empty matches every kind.
    pub kinds: Vec<(Vec<String>, Vec<String>)>,
    /// Namespaces (trailing `*` is a prefix glob).
    pub namespaces: Vec<String>,
    /// Excluded namespaces.
    pub excluded_namespaces: Vec<String>,
    /// The object's labels must match.
    pub label_selector: Option<Value>,
    /// The object's namespace's labels must match.
    pub namespace_selector: Option<Value>,
    /// `*`, `Cluster` or `Namespaced`.
    pub scope: String,
    /// Only objects with this name (trailing `*` is a prefix glob).
    pub name: Option<String>,
}

/// Templates and constraints found in a stream, with problems.
#[derive(Clone, Debug, Default)]
pub struct Found {
    /// Templates.
    pub templates: Vec<Template>,
    /// Constraints.
    pub constraints: Vec<Constraint>,
    /// Problems (e.g. a CEL-only template).
    pub diagnostics: Vec<Diagnostic>,
}

/// The strings of a JSON array (others skipped); empty when absent.
pub(crate) fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Pick the Gatekeeper objects out of parsed documents.
pub fn find(file: &str, docs: &[YamlDocument]) -> Found {
    let mut found = Found::default();
    for d in docs {
        let v = &d.value;
        let api = v.get("apiVersion").and_then(Value::as_str).unwrap_or("");
        let kind = v.get("kind").and_then(Value::as_str).unwrap_or("");
        let at = |msg: String| {
            Diagnostic::new(msg)
                .in_file(file)
                .at(d.line, d.column, None)
        };
        if api.starts_with("templates.gatekeeper.sh/") && kind == "ConstraintTemplate" {
            match template(file, d) {
                Ok(t) => found.templates.push(t),
                Err(msg) => found.diagnostics.push(at(msg)),
            }
        } else if api.starts_with("constraints.gatekeeper.sh/") {
            found.constraints.push(constraint(file, d, kind));
        }
    }
    found
}

fn template(file: &str, d: &YamlDocument) -> Result<Template, String> {
    let v = &d.value;
    let kind = v
        .pointer("/spec/crd/spec/names/kind")
        .and_then(Value::as_str)
        .ok_or("ConstraintTemplate has no spec.crd.spec.names.kind")?
        .to_string();
    let target = v
        .pointer("/spec/targets/0")
        .ok_or("ConstraintTemplate has no spec.targets")?;
    // Rego from `rego`, or from `code[engine=Rego].source.rego`.
    let mut rego = target
        .get("rego")
        .and_then(Value::as_str)
        .map(str::to_string);
    let mut libs = strings(target.get("libs"));
    let mut engines = Vec::new();
    for c in target
        .get("code")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let engine = c.get("engine").and_then(Value::as_str).unwrap_or("");
        engines.push(engine.to_string());
        if engine == "Rego" && rego.is_none() {
            rego = c
                .pointer("/source/rego")
                .and_then(Value::as_str)
                .map(str::to_string);
            libs.extend(strings(c.pointer("/source/libs")));
        }
    }
    let Some(rego) = rego else {
        return Err(format!(
            "ConstraintTemplate `{kind}` has no Rego (engines: {}); CEL-only templates (K8sNativeValidation) are not supported yet",
            if engines.is_empty() { "none".to_string() } else { engines.join(", ") }
        ));
    };
    let ann = |k: &str| {
        v.pointer("/metadata/annotations")
            .and_then(|a| a.get(k))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    Ok(Template {
        file: file.to_string(),
        line: d.line,
        title: ann("metadata.gatekeeper.sh/title").unwrap_or_else(|| kind.clone()),
        description: ann("description").unwrap_or_default(),
        kind,
        rego,
        libs,
    })
}

fn constraint(file: &str, d: &YamlDocument, kind: &str) -> Constraint {
    let v = &d.value;
    let m = v.pointer("/spec/match");
    let get = |k: &str| m.and_then(|m| m.get(k));
    let kinds = get("kinds")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|k| (strings(k.get("apiGroups")), strings(k.get("kinds"))))
                .collect()
        })
        .unwrap_or_default();
    Constraint {
        file: file.to_string(),
        line: d.line,
        kind: kind.to_string(),
        name: v
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
        parameters: v
            .pointer("/spec/parameters")
            .cloned()
            .unwrap_or_else(|| Value::Object(Default::default())),
        matcher: Match {
            kinds,
            namespaces: strings(get("namespaces")),
            excluded_namespaces: strings(get("excludedNamespaces")),
            label_selector: get("labelSelector").cloned(),
            namespace_selector: get("namespaceSelector").cloned(),
            scope: get("scope")
                .and_then(Value::as_str)
                .unwrap_or("*")
                .to_string(),
            name: get("name").and_then(Value::as_str).map(str::to_string),
        },
        enforcement: v
            .pointer("/spec/enforcementAction")
            .and_then(Value::as_str)
            .unwrap_or("deny")
            .to_string(),
        severity: v
            .pointer("/metadata/annotations/assay.dev~1severity")
            .and_then(Value::as_str)
            .map(str::to_string),
    }
}

fn glob(pattern: &str, s: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => s.starts_with(prefix),
        None => pattern == s,
    }
}

/// Does a Kubernetes label selector (`matchLabels`, `matchExpressions`) select `labels`?
pub fn selects(selector: &Value, labels: &BTreeMap<String, String>) -> bool {
    if let Some(ml) = selector.get("matchLabels").and_then(Value::as_object) {
        for (k, v) in ml {
            if labels.get(k).map(String::as_str) != v.as_str() {
                return false;
            }
        }
    }
    for e in selector
        .get("matchExpressions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let key = e.get("key").and_then(Value::as_str).unwrap_or("");
        let values = strings(e.get("values"));
        let have = labels.get(key);
        let ok = match e.get("operator").and_then(Value::as_str).unwrap_or("") {
            "In" => have.is_some_and(|h| values.contains(h)),
            "NotIn" => have.is_none_or(|h| !values.contains(h)),
            "Exists" => have.is_some(),
            "DoesNotExist" => have.is_none(),
            _ => false,
        };
        if !ok {
            return false;
        }
    }
    true
}

/// The labels of an object.
pub fn labels(obj: &Value) -> BTreeMap<String, String> {
    obj.pointer("/metadata/labels")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

impl Match {
    /// Whether the constraint applies to `obj` (of `group`/`kind`, in
    /// `namespace`, empty for cluster-scoped); `ns_labels` gives a
    /// namespace's labels, when known.
    pub fn matches(
        &self,
        obj: &Value,
        group: &str,
        kind: &str,
        namespace: &str,
        ns_labels: &dyn Fn(&str) -> Option<BTreeMap<String, String>>,
    ) -> bool {
        let kind_ok = self.kinds.is_empty()
            || self.kinds.iter().any(|(groups, kinds)| {
                (groups.is_empty() || groups.iter().any(|g| g == "*" || g == group))
                    && (kinds.is_empty() || kinds.iter().any(|k| k == "*" || k == kind))
            });
        if !kind_ok {
            return false;
        }
        match self.scope.as_str() {
            "Cluster" if !namespace.is_empty() => return false,
            "Namespaced" if namespace.is_empty() => return false,
            _ => {}
        }
        // A Namespace object is matched by namespace rules on its own name.
        let ns = if kind == "Namespace" {
            obj.pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("")
        } else {
            namespace
        };
        if !self.namespaces.is_empty() && !self.namespaces.iter().any(|p| glob(p, ns)) {
            return false;
        }
        if !ns.is_empty() && self.excluded_namespaces.iter().any(|p| glob(p, ns)) {
            return false;
        }
        if let Some(name) = &self.name {
            let n = obj
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("");
            if !glob(name, n) {
                return false;
            }
        }
        if let Some(sel) = &self.label_selector {
            if !selects(sel, &labels(obj)) {
                return false;
            }
        }
        if let Some(sel) = &self.namespace_selector {
            let nl = if kind == "Namespace" {
                Some(labels(obj))
            } else {
                ns_labels(ns)
            };
            if !nl.is_some_and(|l| selects(sel, &l)) {
                return false;
            }
        }
        true
    }
}

/// `input` for a constraint on an object, as Gatekeeper's audit builds it.
pub fn review_input(obj: &Value, parameters: &Value, namespace: &str) -> Value {
    let api = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let (group, version) = match api.split_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api),
    };
    serde_json::json!({
        "review": {
            "kind": {"group": group, "version": version, "kind": obj.get("kind").cloned().unwrap_or(Value::Null)},
            "name": obj.pointer("/metadata/name").cloned().unwrap_or(Value::Null),
            "namespace": namespace,
            "operation": "CREATE",
            "object": obj,
            "oldObject": null,
            "userInfo": {},
            "dryRun": false,
        },
        "parameters": parameters,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn selectors_follow_kubernetes_semantics() {
        let l: BTreeMap<String, String> = [("app".to_string(), "web".to_string())].into();
        assert!(selects(&json!({"matchLabels": {"app": "web"}}), &l));
        assert!(!selects(&json!({"matchLabels": {"app": "db"}}), &l));
        assert!(selects(
            &json!({"matchExpressions": [{"key": "app", "operator": "In", "values": ["web", "x"]}]}),
            &l
        ));
        assert!(selects(
            &json!({"matchExpressions": [{"key": "tier", "operator": "DoesNotExist"}]}),
            &l
        ));
        assert!(!selects(
            &json!({"matchExpressions": [{"key": "app", "operator": "NotIn", "values": ["web"]}]}),
            &l
        ));
    }

    #[test]
    fn match_kinds_namespaces_and_scope() {
        let m = Match {
            kinds: vec![(vec!["apps".into()], vec!["Deployment".into()])],
            excluded_namespaces: vec!["kube-*".into()],
            scope: "*".into(),
            ..Match::default()
        };
        let obj = json!({"metadata": {"name": "x"}});
        let none = |_: &str| None;
        assert!(m.matches(&obj, "apps", "Deployment", "prod", &none));
        assert!(!m.matches(&obj, "apps", "Deployment", "kube-system", &none));
        assert!(!m.matches(&obj, "", "Pod", "prod", &none));
    }
}
