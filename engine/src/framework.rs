//! Compliance frameworks (`policies/frameworks/<id>.yaml`): the controls of
//! a standard, the rules that implement each, and the controls no rule can
//! decide (`manual`, `not_applicable`, each with its reason); and the
//! control-by-control compliance summary of a scan.

use crate::diagnostic::Diagnostic;
use crate::finding::{Finding, Status};
use crate::metadata::RuleMetadata;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// One framework.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Framework {
    /// The key rules use under `custom.frameworks`, e.g. `cis-kubernetes`.
    pub id: String,
    /// Display name.
    pub title: String,
    /// Version of the standard followed.
    #[serde(default)]
    pub version: String,
    /// Where the standard is published.
    #[serde(default)]
    pub source: String,
    /// Controls in document order.
    pub controls: Vec<Control>,
    /// The file it came from.
    #[serde(skip)]
    pub file: String,
}

/// One control of a framework.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Control {
    /// E.g. `5.1.1`.
    pub id: String,
    /// The control's title.
    pub title: String,
    /// Rules that implement it (in addition to rules tagging it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<String>,
    /// Why it cannot be decided from resources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manual: Option<String>,
    /// Why it does not apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_applicable: Option<String>,
    /// 1-based line in the framework file.
    #[serde(skip)]
    pub line: u32,
}

/// Parse a framework file.
pub fn parse_framework(file: &str, text: &str) -> Result<Framework, Diagnostic> {
    let stream = crate::yaml::parse_stream(text, &crate::yaml::YamlLimits::default());
    if let Some(e) = stream.errors.first() {
        return Err(Diagnostic::new(e.message.clone()).in_file(file).at(
            e.line,
            e.column,
            Some(text),
        ));
    }
    let Some(doc) = stream.documents.into_iter().next() else {
        return Err(Diagnostic::new("empty framework file").in_file(file));
    };
    let mut fw: Framework = serde_json::from_value(doc.value.clone()).map_err(|e| {
        Diagnostic::new(format!("not a framework: {e}"))
            .in_file(file)
            .with_hint("a framework has id, title, version, source and controls: [{id, title, rules?, manual?, not_applicable?}]")
    })?;
    fw.file = file.to_string();
    let items = doc
        .spans
        .array_items(&doc.value, &[crate::PathSegment::Key("controls".into())]);
    for (c, spans) in fw.controls.iter_mut().zip(items) {
        c.line = spans.0.first().map_or(1, |&(l, _)| l);
    }
    let mut seen = HashSet::new();
    for c in &fw.controls {
        if !seen.insert(c.id.as_str()) {
            return Err(
                Diagnostic::new(format!("control `{}` is listed twice", c.id))
                    .in_file(file)
                    .at(c.line, 1, Some(text)),
            );
        }
    }
    Ok(fw)
}

impl Framework {
    /// Rule ids implementing `control`: listed in the control, or tagging it.
    pub fn rules_of<'a>(&self, control: &Control, rules: &'a [RuleMetadata]) -> Vec<&'a str> {
        rules
            .iter()
            .filter(|r| {
                control.rules.contains(&r.id)
                    || r.frameworks
                        .get(&self.id)
                        .is_some_and(|ids| ids.contains(&control.id))
            })
            .map(|r| r.id.as_str())
            .collect()
    }

    /// Whether a rule belongs to the framework.
    pub fn includes(&self, rule: &RuleMetadata) -> bool {
        rule.frameworks.contains_key(&self.id)
            || self.controls.iter().any(|c| c.rules.contains(&rule.id))
    }
}

/// A control's verdict on one scan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ControlStatus {
    /// Its rules ran on at least one resource and nothing failed.
    Passed,
    /// A rule failed (or errored) on some resource.
    Failed,
    /// No scanned resource is of a kind its rules judge.
    NotApplicable,
    /// Needs a person (or data Assay does not collect).
    Manual,
}

/// One control in a compliance summary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControlResult {
    /// Control id.
    pub id: String,
    /// Control title.
    pub title: String,
    /// Verdict.
    pub status: ControlStatus,
    /// Rules consulted.
    pub rules: Vec<String>,
    /// Failing findings.
    pub failed: usize,
    /// Why manual / not applicable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The compliance summary of one framework.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Compliance {
    /// Framework id.
    pub framework: String,
    /// Title and version.
    pub title: String,
    /// Version.
    pub version: String,
    /// Per control.
    pub controls: Vec<ControlResult>,
    /// Count per status.
    pub counts: BTreeMap<String, usize>,
    /// passed / (passed + failed), in percent; `None` when nothing was decidable.
    pub percent: Option<f64>,
}

/// Summarise `findings` against `fw`. `applicable(rule)` tells whether a
/// rule judged at least one scanned resource.
pub fn summarize(
    fw: &Framework,
    rules: &[RuleMetadata],
    findings: &[Finding],
    applicable: &dyn Fn(&RuleMetadata) -> bool,
) -> Compliance {
    // Failing findings by rule, counted once (not once per control).
    let mut failed_by_rule: std::collections::HashMap<&str, usize> =
        std::collections::HashMap::new();
    for f in findings {
        if matches!(f.status, Status::Fail | Status::Error) {
            *failed_by_rule.entry(f.rule.as_str()).or_default() += 1;
        }
    }
    let mut controls = Vec::new();
    for c in &fw.controls {
        // Rule ids are unique in a set, so no finding is counted twice.
        let ids = fw.rules_of(c, rules);
        let failed = ids
            .iter()
            .map(|id| failed_by_rule.get(id).copied().unwrap_or(0))
            .sum();
        let any_applicable = rules
            .iter()
            .filter(|r| ids.contains(&r.id.as_str()))
            .any(applicable);
        let (status, reason) = if let Some(m) = &c.manual {
            (ControlStatus::Manual, Some(m.clone()))
        } else if let Some(na) = &c.not_applicable {
            (ControlStatus::NotApplicable, Some(na.clone()))
        } else if ids.is_empty() {
            (
                ControlStatus::Manual,
                Some("no loaded rule implements this control".into()),
            )
        } else if failed > 0 {
            (ControlStatus::Failed, None)
        } else if any_applicable {
            (ControlStatus::Passed, None)
        } else {
            (
                ControlStatus::NotApplicable,
                Some("no scanned resource is of a kind this control's rules judge".into()),
            )
        };
        controls.push(ControlResult {
            id: c.id.clone(),
            title: c.title.clone(),
            status,
            rules: ids.iter().map(|s| (*s).to_string()).collect(),
            failed,
            reason,
        });
    }
    let mut counts = BTreeMap::new();
    for s in ["passed", "failed", "not-applicable", "manual"] {
        counts.insert(s.to_string(), 0);
    }
    for c in &controls {
        let key = match serde_json::to_value(c.status) {
            Ok(Value::String(s)) => s,
            _ => continue,
        };
        *counts.entry(key).or_default() += 1;
    }
    let passed = counts.get("passed").copied().unwrap_or(0);
    let failed = counts.get("failed").copied().unwrap_or(0);
    #[allow(clippy::cast_precision_loss, reason = "control counts are small")]
    let percent = (passed + failed > 0).then(|| passed as f64 * 100.0 / (passed + failed) as f64);
    Compliance {
        framework: fw.id.clone(),
        title: fw.title.clone(),
        version: fw.version.clone(),
        controls,
        counts,
        percent,
    }
}

/// Frameworks a set of rules refers to that no framework file defines,
/// and controls they name that the file does not list:
/// (rule id, framework, control or `None` for an unknown framework).
pub fn unknown_references<'a>(
    frameworks: &[Framework],
    rules: &'a [RuleMetadata],
) -> Vec<(&'a str, &'a str, Option<&'a str>)> {
    let mut out = Vec::new();
    for r in rules {
        for (fw_id, controls) in r.frameworks.iter() {
            match frameworks.iter().find(|f| &f.id == fw_id) {
                None => out.push((r.id.as_str(), fw_id.as_str(), None)),
                Some(fw) => {
                    let known: BTreeSet<&str> = fw.controls.iter().map(|c| c.id.as_str()).collect();
                    for c in controls {
                        if !known.contains(c.as_str()) {
                            out.push((r.id.as_str(), fw_id.as_str(), Some(c.as_str())));
                        }
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::severity::Severity;

    const FW: &str = "id: demo\ntitle: Demo\nversion: '1'\ncontrols:\n  - id: a\n    title: A\n  - id: b\n    title: B\n    rules: [R-2]\n  - id: c\n    title: C\n    manual: needs a person\n  - id: d\n    title: D\n    rules: [R-3]\n";

    fn rule(id: &str, tags: &[&str]) -> RuleMetadata {
        let mut frameworks = BTreeMap::new();
        if !tags.is_empty() {
            frameworks.insert(
                "demo".to_string(),
                tags.iter().map(|s| (*s).to_string()).collect(),
            );
        }
        RuleMetadata {
            id: id.into(),
            title: id.into(),
            description: String::new(),
            severity: Severity::High,
            kinds: vec!["Pod".into()],
            frameworks: frameworks.into(),
            remediation: "".into(),
            scope: crate::metadata::Scope::Resource,
            triggers: Vec::new(),
            engine: Default::default(),
        }
    }

    #[test]
    fn controls_pass_fail_are_not_applicable_or_manual() {
        let fw = parse_framework("demo.yaml", FW).unwrap();
        assert_eq!(fw.controls.get(2).unwrap().line, 10);
        let rules = vec![rule("R-1", &["a"]), rule("R-2", &[]), rule("R-3", &[])];
        let failing: Finding = serde_json::from_value(serde_json::json!({
            "rule": "R-1", "title": "t", "severity": "high", "status": "fail", "message": "m",
            "resource": {"provider": "kubernetes", "kind": "v1/Pod", "namespace": "", "name": "p", "id": "kubernetes:v1/Pod:p"},
            "location": {"file": "f", "line": 1, "column": 1}, "fingerprint": "x",
        }))
        .unwrap();
        let applicable = |r: &RuleMetadata| r.id != "R-3";
        let s = summarize(&fw, &rules, &[failing], &applicable);
        let got: Vec<(&str, ControlStatus)> = s
            .controls
            .iter()
            .map(|c| (c.id.as_str(), c.status))
            .collect();
        assert_eq!(
            got,
            vec![
                ("a", ControlStatus::Failed),
                ("b", ControlStatus::Passed),
                ("c", ControlStatus::Manual),
                ("d", ControlStatus::NotApplicable),
            ]
        );
        assert_eq!(s.percent, Some(50.0));
    }

    #[test]
    fn unknown_controls_and_frameworks_are_reported() {
        let fw = parse_framework("demo.yaml", FW).unwrap();
        let mut r = rule("R-1", &["a", "zz"]);
        std::sync::Arc::make_mut(&mut r.frameworks).insert("nope".into(), vec!["1".into()]);
        let rules = vec![r];
        assert_eq!(
            unknown_references(&[fw], &rules),
            vec![("R-1", "demo", Some("zz")), ("R-1", "nope", None)]
        );
    }

    #[test]
    fn duplicate_controls_are_an_error_at_their_line() {
        let d = parse_framework(
            "x.yaml",
            "id: x\ntitle: X\ncontrols:\n  - {id: a, title: A}\n  - {id: a, title: A}\n",
        )
        .unwrap_err();
        assert_eq!(d.line, Some(5));
    }
}
