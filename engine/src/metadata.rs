//! `# METADATA` blocks, parsed in Rust (regorus does not read them).
//!
//! The block is OPA's: a comment line `# METADATA` followed by comment lines
//! holding YAML, ended by the first line that is not a comment. Assay reads
//! `title`, `description` and `custom.{id, severity, kinds, frameworks,
//! remediation}`. Errors point at the line inside the block.

use crate::diagnostic::Diagnostic;
use crate::severity::Severity;
use crate::yaml::{parse_stream, YamlLimits};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Typed metadata of one rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleMetadata {
    /// Stable id, e.g. `K8S-PSS-004`.
    pub id: String,
    /// One line. (Shared: every finding of the rule holds this `Arc`.)
    pub title: Arc<str>,
    /// Longer explanation.
    #[serde(default)]
    pub description: String,
    /// Severity of a failure.
    pub severity: Severity,
    /// Kinds the rule applies to (short or fully qualified); empty means any.
    #[serde(default)]
    pub kinds: Vec<String>,
    /// Framework → control ids. (Shared with the rule's findings.)
    #[serde(default)]
    pub frameworks: Arc<BTreeMap<String, Vec<String>>>,
    /// How to fix a failure. (Shared with the rule's findings.)
    #[serde(default)]
    pub remediation: Arc<str>,
    /// Whether the rule judges one resource at a time or the whole inventory.
    #[serde(default, skip_serializing_if = "Scope::is_resource")]
    pub scope: Scope,
    /// Object keys a resource must have (at any depth; `prefix*` for a
    /// prefix) for the rule to possibly fire; empty: it may fire on any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub triggers: Vec<String>,
    /// Which Rego engine runs a built-in rule (user rules always run on
    /// the interpreter).
    #[serde(default, skip_serializing_if = "RegoEngine::is_vm")]
    pub engine: RegoEngine,
}

/// The engine a built-in rule runs on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RegoEngine {
    /// regorus's register VM (the default for built-in packs).
    #[default]
    Vm,
    /// regorus's interpreter: for a rule that trips a VM defect (the
    /// fixture test holds every VM rule to the interpreter's findings).
    Interpreter,
}

impl RegoEngine {
    fn is_vm(&self) -> bool {
        *self == RegoEngine::Vm
    }
}

impl RuleMetadata {
    /// Metadata for a rule that has none of its own (a conftest package, a
    /// Gatekeeper constraint, a ValidatingAdmissionPolicy binding): severity
    /// medium, any kind, no frameworks.
    pub fn untitled(id: impl Into<String>, title: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            title: title.into().into(),
            description: String::new(),
            severity: Severity::Medium,
            kinds: Vec::new(),
            frameworks: Arc::default(),
            remediation: Arc::default(),
            scope: Scope::Resource,
            triggers: Vec::new(),
            engine: RegoEngine::Vm,
        }
    }
}

/// What a rule's `input` is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// One resource's body, once per resource of the declared kinds.
    #[default]
    Resource,
    /// Evaluated once per scan over `data.inventory`; every result names its resource.
    Inventory,
}

impl Scope {
    fn is_resource(&self) -> bool {
        *self == Scope::Resource
    }
}

/// A raw METADATA block: its YAML text and the line its first YAML line is on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MetadataBlock {
    /// YAML with the comment markers removed.
    pub yaml: String,
    /// 1-based line of the `# METADATA` marker.
    pub line: u32,
}

/// Find every `# METADATA` block in a Rego module.
pub fn find_blocks(rego: &str) -> Vec<MetadataBlock> {
    let mut blocks = Vec::new();
    let mut lines = rego.lines().enumerate().peekable();
    while let Some((i, line)) = lines.next() {
        if line.trim() != "# METADATA" {
            continue;
        }
        let mut yaml = String::new();
        while let Some((_, next)) = lines.peek() {
            let t = next.trim_start();
            let Some(rest) = t.strip_prefix('#') else {
                break;
            };
            yaml.push_str(rest.strip_prefix(' ').unwrap_or(rest));
            yaml.push('\n');
            lines.next();
        }
        blocks.push(MetadataBlock {
            yaml,
            line: u32::try_from(i + 1).unwrap_or(u32::MAX),
        });
    }
    blocks
}

/// Parse the rule metadata of a module: the first block that has `custom.id`.
///
/// `Ok(None)` when no block declares an id (a library or a plain conftest
/// module); `Err` when a block is malformed or misses required keys.
pub fn rule_metadata(file: &str, rego: &str) -> Result<Option<(RuleMetadata, u32)>, Diagnostic> {
    for block in find_blocks(rego) {
        let stream = parse_stream(&block.yaml, &YamlLimits::default());
        if let Some(e) = stream.errors.first() {
            let line = block.line + e.line;
            return Err(
                Diagnostic::new(format!("malformed METADATA: {}", e.message))
                    .in_file(file)
                    .at(line, e.column + 2, Some(rego)),
            );
        }
        let Some(doc) = stream.documents.first() else {
            continue;
        };
        let Some(custom) = doc.value.get("custom") else {
            continue;
        };
        if custom.get("id").is_none() {
            continue;
        }
        return from_value(&doc.value, custom)
            .map(|m| Some((m, block.line)))
            .map_err(|msg| {
                Diagnostic::new(msg)
                    .in_file(file)
                    .at(block.line, 1, Some(rego))
                    .with_hint("a rule's METADATA needs title and custom.id, custom.severity (critical|high|medium|low|info) and custom.kinds")
            });
    }
    Ok(None)
}

/// `custom.<key>`: a list of strings (a lone string is a list of one).
fn strings(custom: &Value, key: &str, what: &str) -> Result<Vec<String>, String> {
    match custom.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|k| {
                k.as_str().map(str::to_string).ok_or_else(|| {
                    format!("METADATA `custom.{key}` entries must be strings, not `{k}`")
                })
            })
            .collect(),
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(other) => Err(format!(
            "METADATA `custom.{key}` must be {what}, not `{other}`"
        )),
    }
}

/// `custom.<key>`: one of `options` by name; the first when absent.
fn choice<T: Copy>(custom: &Value, key: &str, options: &[(&str, T)]) -> Result<T, String> {
    let Some(name) = custom.get(key).and_then(Value::as_str) else {
        return options
            .first()
            .map(|(_, v)| *v)
            .ok_or_else(|| format!("METADATA `custom.{key}` has no default"));
    };
    options
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| *v)
        .ok_or_else(|| {
            let names: Vec<String> = options.iter().map(|(n, _)| format!("`{n}`")).collect();
            format!(
                "METADATA `custom.{key}` must be {}, not `{name}`",
                names.join(" or ")
            )
        })
}

fn from_value(root: &Value, custom: &Value) -> Result<RuleMetadata, String> {
    let text = |v: Option<&Value>, what: &str| -> Result<String, String> {
        match v {
            Some(Value::String(s)) => Ok(s.clone()),
            Some(Value::Null) | None => Err(format!("METADATA is missing `{what}`")),
            Some(other) => Err(format!("METADATA `{what}` must be a string, not `{other}`")),
        }
    };
    let id = text(custom.get("id"), "custom.id")?;
    let title = text(root.get("title"), "title")?;
    let description = root
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim()
        .to_string();
    let severity: Severity = text(custom.get("severity"), "custom.severity")?
        .parse()
        .map_err(|e: crate::severity::UnknownSeverity| format!("METADATA {e}"))?;
    let kinds = strings(custom, "kinds", "a list")?;
    let mut frameworks = BTreeMap::new();
    if let Some(fw) = custom.get("frameworks") {
        let Value::Object(map) = fw else {
            return Err(
                "METADATA `custom.frameworks` must map a framework to a list of controls".into(),
            );
        };
        for (name, controls) in map {
            let list = match controls {
                Value::Array(items) => items
                    .iter()
                    .map(|c| match c {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect(),
                Value::String(s) => vec![s.clone()],
                other => vec![other.to_string()],
            };
            frameworks.insert(name.clone(), list);
        }
    }
    let remediation = custom
        .get("remediation")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim()
        .to_string();
    let scope = choice(
        custom,
        "scope",
        &[
            ("resource", Scope::Resource),
            ("inventory", Scope::Inventory),
        ],
    )?;
    let triggers = strings(custom, "triggers", "a list of object keys")?;
    crate::trigger::check(&triggers)?;
    if scope == Scope::Inventory && !triggers.is_empty() {
        return Err("METADATA `custom.triggers` only applies to rules of scope `resource`".into());
    }
    let engine = choice(
        custom,
        "engine",
        &[
            ("vm", RegoEngine::Vm),
            ("interpreter", RegoEngine::Interpreter),
        ],
    )?;
    Ok(RuleMetadata {
        id,
        title: title.into(),
        description,
        severity,
        kinds,
        frameworks: Arc::new(frameworks),
        remediation: remediation.into(),
        scope,
        triggers,
        engine,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODULE: &str = "# METADATA\n# title: No privileged\n# description: >-\n#   Long text.\n# custom:\n#   id: K8S-1\n#   severity: high\n#   kinds: [Pod, Deployment]\n#   frameworks:\n#     pss: [baseline]\n#     cis-kubernetes: [\"5.2.2\"]\n#   remediation: Do not.\npackage x\n";

    #[test]
    fn parses_the_block() {
        let (m, line) = rule_metadata("x.rego", MODULE).unwrap().unwrap();
        assert_eq!(line, 1);
        assert_eq!(m.id, "K8S-1");
        assert_eq!(m.severity, Severity::High);
        assert_eq!(m.kinds, vec!["Pod", "Deployment"]);
        assert_eq!(m.frameworks["cis-kubernetes"], vec!["5.2.2"]);
        assert_eq!(m.description, "Long text.");
    }

    #[test]
    fn bad_severity_names_the_file_and_line() {
        let bad = MODULE.replace("severity: high", "severity: severe");
        let d = rule_metadata("x.rego", &bad).unwrap_err();
        assert_eq!((d.file.as_deref(), d.line), (Some("x.rego"), Some(1)));
        assert!(d.message.contains("unknown severity `severe`"), "{d}");
    }

    #[test]
    fn triggers_are_read_and_checked() {
        let with = MODULE.replace(
            "#   remediation",
            "#   triggers: [hostPath, \"prefix/*\"]\n#   remediation",
        );
        let (m, _) = rule_metadata("x.rego", &with).unwrap().unwrap();
        assert_eq!(m.triggers, vec!["hostPath", "prefix/*"]);
        let bad = MODULE.replace("#   remediation", "#   triggers: [\"*\"]\n#   remediation");
        let d = rule_metadata("x.rego", &bad).unwrap_err();
        assert!(d.message.contains("custom.triggers"), "{d}");
    }

    #[test]
    fn the_engine_is_read_and_checked() {
        let (m, _) = rule_metadata("x.rego", MODULE).unwrap().unwrap();
        assert_eq!(m.engine, RegoEngine::Vm);
        let with = MODULE.replace(
            "#   remediation",
            "#   engine: interpreter\n#   remediation",
        );
        let (m, _) = rule_metadata("x.rego", &with).unwrap().unwrap();
        assert_eq!(m.engine, RegoEngine::Interpreter);
        let bad = MODULE.replace("#   remediation", "#   engine: jit\n#   remediation");
        let d = rule_metadata("x.rego", &bad).unwrap_err();
        assert!(d.message.contains("custom.engine"), "{d}");
    }

    #[test]
    fn modules_without_ids_have_no_rule_metadata() {
        assert_eq!(
            rule_metadata("l.rego", "# METADATA\n# title: lib\npackage l\n").unwrap(),
            None
        );
        assert_eq!(rule_metadata("l.rego", "package l\n").unwrap(), None);
    }
}
