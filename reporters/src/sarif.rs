//! SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.
//!
//! - every loaded rule is listed in `tool.driver.rules`, with
//!   `properties.security-severity` (GitHub's 0–10 scale) and tags;
//! - results point at the offending field (`region.startLine/startColumn`);
//! - `partialFingerprints` carry Assay's fingerprint, which does not change
//!   when unrelated lines move;
//! - waived findings are results with `suppressions`; rule errors and input
//!   errors are `toolExecutionNotifications` of the single invocation.

use crate::Context;
use assay_engine::finding::{Finding, Location, Status};
use assay_engine::{Diagnostic, Report, Severity};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::io::{self, Write};

/// GitHub's security-severity for each of our severities.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// Percent-encode a path into a relative URI reference.
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn pascal(title: &str) -> String {
    title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|c| c.to_ascii_uppercase().to_string() + cs.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn rule_descriptor(m: &assay_engine::metadata::RuleMetadata) -> Value {
    let mut tags = vec!["security".to_string()];
    for (fw, controls) in m.frameworks.iter() {
        tags.push(fw.clone());
        tags.extend(controls.iter().map(|c| format!("{fw}:{c}")));
    }
    let help_text = if m.remediation.is_empty() {
        m.title.clone()
    } else {
        m.remediation.clone()
    };
    json!({
        "id": m.id,
        "name": pascal(&m.title),
        "shortDescription": {"text": m.title},
        "fullDescription": {"text": if m.description.is_empty() { &*m.title } else { m.description.as_str() }},
        "help": {
            "text": help_text,
            "markdown": format!("**{}**\n\n{}\n\n**Remediation:** {}", m.title, m.description, help_text),
        },
        "defaultConfiguration": {"level": level(m.severity)},
        "properties": {
            "security-severity": security_severity(m.severity),
            "severity": m.severity.as_str(),
            "precision": "very-high",
            "problem.severity": if m.severity >= Severity::High { "error" } else if m.severity == Severity::Medium { "warning" } else { "recommendation" },
            "tags": tags,
        },
    })
}

fn location(loc: &Location, resource_id: &str) -> Value {
    match loc {
        Location::File { file, line, column } => json!({
            "physicalLocation": {
                "artifactLocation": {"uri": uri(file)},
                "region": {"startLine": (*line).max(1), "startColumn": (*column).max(1)},
            },
            "logicalLocations": [{"fullyQualifiedName": resource_id, "kind": "resource"}],
        }),
        Location::Live { endpoint, pointer } => json!({
            "logicalLocations": [{
                "fullyQualifiedName": format!("{resource_id}{pointer}"),
                "name": endpoint,
                "kind": "resource",
            }],
        }),
    }
}

fn result(f: &Finding, index: Option<usize>) -> Value {
    let mut r = Map::new();
    r.insert("ruleId".into(), json!(f.rule));
    if let Some(i) = index {
        r.insert("ruleIndex".into(), json!(i));
    }
    let lvl = if f.status == Status::Warn {
        "warning"
    } else {
        level(f.severity)
    };
    r.insert("level".into(), json!(lvl));
    r.insert("message".into(), json!({"text": f.message}));
    r.insert(
        "locations".into(),
        json!([location(&f.location, &f.resource.id)]),
    );
    r.insert(
        "partialFingerprints".into(),
        json!({"assayFindingHash/v1": f.fingerprint}),
    );
    if let Some(w) = f.waiver.as_ref().filter(|_| f.status == Status::Waived) {
        let kind = if w.source == "annotation" {
            "inSource"
        } else {
            "external"
        };
        r.insert(
            "suppressions".into(),
            json!([{"kind": kind, "status": "accepted", "justification": w.reason}]),
        );
    }
    if f.baseline {
        r.insert("baselineState".into(), json!("unchanged"));
    }
    let mut props = Map::new();
    props.insert("severity".into(), json!(f.severity.as_str()));
    props.insert("status".into(), json!(f.status.as_str()));
    props.insert("resource".into(), json!(f.resource.id));
    if let Some(p) = &f.path {
        props.insert("path".into(), json!(p));
    }
    if !f.frameworks.is_empty() {
        props.insert("frameworks".into(), json!(f.frameworks));
    }
    r.insert("properties".into(), Value::Object(props));
    Value::Object(r)
}

fn notification(d: &Diagnostic) -> Value {
    let mut n = Map::new();
    n.insert("level".into(), json!("error"));
    n.insert("message".into(), json!({"text": d.message}));
    if let Some(file) = &d.file {
        let mut region = Map::new();
        if let Some(l) = d.line.filter(|l| *l > 0) {
            region.insert("startLine".into(), json!(l));
            if let Some(c) = d.column.filter(|c| *c > 0) {
                region.insert("startColumn".into(), json!(c));
            }
        }
        let mut phys = Map::new();
        phys.insert("artifactLocation".into(), json!({"uri": uri(file)}));
        if !region.is_empty() {
            phys.insert("region".into(), Value::Object(region));
        }
        n.insert("locations".into(), json!([{"physicalLocation": phys}]));
    }
    Value::Object(n)
}

/// The results, each built and written in turn: a log of 500,000
/// results is never held in memory as one JSON tree.
struct Results<'a> {
    findings: &'a [Finding],
    index: HashMap<&'a str, usize>,
}

impl Results<'_> {
    /// The result for finding `f`; none for a rule error (a notification).
    fn element(&self, f: &Finding) -> Option<Value> {
        (f.status != Status::Error).then(|| result(f, self.index.get(f.rule.as_str()).copied()))
    }
}

impl serde::Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(None)?;
        for v in self.findings.iter().filter_map(|f| self.element(f)) {
            seq.serialize_element(&v)?;
        }
        seq.end()
    }
}

#[derive(serde::Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Value,
    invocations: Value,
    column_kind: &'static str,
    results: Results<'a>,
    properties: Value,
}

fn log<'a>(report: &'a Report, ctx: &Context<'a>) -> Log<'a> {
    let index: HashMap<&'a str, usize> = ctx
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let rules: Vec<Value> = ctx.rules.iter().map(rule_descriptor).collect();
    let mut notifications: Vec<Value> = report.errors.iter().map(notification).collect();
    for f in report.findings.iter().filter(|f| f.status == Status::Error) {
        notifications.push(json!({
            "level": "error",
            "message": {"text": format!("{}: {}", f.rule, f.message)},
            "locations": [location(&f.location, &f.resource.id)],
            "associatedRule": {"id": f.rule},
        }));
    }
    Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [Run {
            tool: json!({"driver": {
                "name": "assay",
                "informationUri": "https://github.com/assay-dev/assay",
                "version": ctx.tool_version,
                "semanticVersion": ctx.tool_version,
                "rules": rules,
            }}),
            invocations: json!([{
                "executionSuccessful": ctx.exit_code != 2,
                "exitCode": ctx.exit_code,
                "toolExecutionNotifications": notifications,
            }]),
            column_kind: "unicodeCodePoints",
            results: Results {
                findings: &report.findings,
                index,
            },
            properties: json!({"compliance": report.compliance}),
        }],
    }
}

/// The SARIF log as a JSON value.
pub fn to_value(report: &Report, ctx: &Context<'_>) -> Value {
    serde_json::to_value(log(report, ctx)).unwrap_or(Value::Null)
}

/// Write the SARIF log.
pub fn render(report: &Report, ctx: &Context<'_>, out: &mut dyn Write) -> io::Result<()> {
    // The results (nearly all of a large log) are built and formatted on
    // all cores, spliced into the rest; same bytes as one pretty write.
    let mut doc = log(report, ctx);
    let [run] = &mut doc.runs;
    let results = Results {
        findings: std::mem::take(&mut run.results.findings),
        index: std::mem::take(&mut run.results.index),
    };
    crate::pretty::write_spliced(
        &doc,
        "results",
        4,
        results.findings,
        |f| results.element(f),
        out,
    )
}
