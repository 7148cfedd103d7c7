//! Evaluation: each resource against the rules that apply to its kind.
//!
//! The policy set is compiled once; every worker thread clones its engine
//! (modules are shared behind `Arc`) and evaluates resources independently.
//! Results are sorted afterwards, so parallel output is byte-identical to a
//! single-threaded run.

use crate::finding::{fingerprint, sort_findings, Finding, Location, ResourceRef, Status};
use crate::policy::{Aggregate, Entry, PolicyModule, PolicySet, Rule};
use crate::resource::{json_pointer, PathSegment, Resource};
use crate::waiver::{self, Date, Waiver};
use rayon::prelude::*;
use serde_json::Value;

/// Inputs to evaluation that do not come from policies or resources.
#[derive(Clone, Debug)]
pub struct EvalContext {
    /// File waivers.
    pub waivers: Vec<Waiver>,
    /// Today, for waiver expiry.
    pub today: Date,
}

/// One worker's evaluator: a private copy of the compiled engine.
pub struct Evaluator<'p> {
    set: &'p PolicySet,
    ctx: &'p EvalContext,
    engine: regorus::Engine,
}

impl<'p> Evaluator<'p> {
    /// A new evaluator over `set`.
    pub fn new(set: &'p PolicySet, ctx: &'p EvalContext) -> Self {
        Self {
            set,
            ctx,
            engine: set.engine.clone(),
        }
    }

    /// Evaluate one resource, appending its findings to `out`.
    pub fn evaluate(&mut self, resource: &Resource, out: &mut Vec<Finding>) {
        let start = out.len();
        let (kind, short) = (resource.id.kind.as_str(), resource.id.short_kind());
        let group = self.set.group(short);
        if !group.members.is_empty() {
            self.engine.set_input(to_regorus(&resource.body));
            // On any aggregate error, evaluate rule by rule so the error is
            // attributed to the rule that raised it.
            let done = group
                .aggregate
                .as_ref()
                .is_some_and(|agg| self.eval_aggregate(agg, resource, out));
            if !done {
                for rule in self.set.rules_for(kind, short) {
                    for (entry, path) in &rule.entries {
                        match self.engine.eval_rule(path.clone()) {
                            Ok(value) => collect(rule, *entry, &value, resource, out),
                            Err(e) => out.push(rule_error(rule, resource, &format!("{e:#}"))),
                        }
                    }
                }
            }
        }
        if let Some(found) = out.get_mut(start..) {
            waiver::apply(found, resource, &self.ctx.waivers, self.ctx.today);
        }
    }

    fn eval_aggregate(
        &mut self,
        agg: &Aggregate,
        resource: &Resource,
        out: &mut Vec<Finding>,
    ) -> bool {
        let Ok(regorus::Value::Object(all)) = self.engine.eval_rule(agg.rule.clone()) else {
            return false;
        };
        for (i, entry, key) in &agg.outputs {
            if let (Some(rule), Some(value)) = (self.set.rules().get(*i), all.get(key)) {
                collect(rule, *entry, value, resource, out);
            }
        }
        true
    }
}

/// Convert a body to a regorus value without cloning it first (regorus's own
/// `From<serde_json::Value>` takes ownership and goes through serde).
fn to_regorus(v: &Value) -> regorus::Value {
    match v {
        Value::Null => regorus::Value::Null,
        Value::Bool(b) => regorus::Value::from(*b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                regorus::Value::from(i)
            } else if let Some(u) = n.as_u64() {
                regorus::Value::from(u)
            } else {
                regorus::Value::from(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        Value::String(s) => regorus::Value::from(s.as_str()),
        Value::Array(items) => {
            regorus::Value::from(items.iter().map(to_regorus).collect::<Vec<_>>())
        }
        Value::Object(map) => regorus::Value::from(
            map.iter()
                .map(|(k, v)| (regorus::Value::from(k.as_str()), to_regorus(v)))
                .collect::<std::collections::BTreeMap<_, _>>(),
        ),
    }
}

/// Evaluate every resource on all cores; findings come back sorted.
pub fn evaluate_all(set: &PolicySet, ctx: &EvalContext, resources: &[Resource]) -> Vec<Finding> {
    let mut findings: Vec<Finding> = resources
        .par_iter()
        .map_init(
            || Evaluator::new(set, ctx),
            |ev, r| {
                let mut out = Vec::new();
                ev.evaluate(r, &mut out);
                out
            },
        )
        .flatten()
        .collect();
    sort_findings(&mut findings);
    findings
}

/// Evaluate on the calling thread only (the reference for determinism tests).
pub fn evaluate_sequential(
    set: &PolicySet,
    ctx: &EvalContext,
    resources: &[Resource],
) -> Vec<Finding> {
    let mut ev = Evaluator::new(set, ctx);
    let mut findings = Vec::new();
    for r in resources {
        ev.evaluate(r, &mut findings);
    }
    sort_findings(&mut findings);
    findings
}

fn collect(
    rule: &Rule,
    entry: Entry,
    value: &regorus::Value,
    resource: &Resource,
    out: &mut Vec<Finding>,
) {
    let status = match entry {
        Entry::Deny | Entry::Violation => Status::Fail,
        Entry::Warn => Status::Warn,
    };
    match value {
        regorus::Value::Undefined | regorus::Value::Null => {}
        regorus::Value::Bool(false) => {}
        regorus::Value::Bool(true) => out.push(make(
            rule,
            status,
            resource,
            rule.meta.title.clone(),
            Vec::new(),
            None,
        )),
        regorus::Value::Set(items) => {
            for item in items.iter() {
                push_item(rule, status, item, resource, out);
            }
        }
        regorus::Value::Array(items) => {
            for item in items.iter() {
                push_item(rule, status, item, resource, out);
            }
        }
        other => push_item(rule, status, other, resource, out),
    }
}

fn push_item(
    rule: &Rule,
    status: Status,
    item: &regorus::Value,
    resource: &Resource,
    out: &mut Vec<Finding>,
) {
    let json = serde_json::to_value(item).unwrap_or(Value::Null);
    let (message, path, fix) = match &json {
        Value::String(s) => (s.clone(), Vec::new(), None),
        Value::Object(m) => {
            let msg = m
                .get("msg")
                .or_else(|| m.get("message"))
                .and_then(Value::as_str)
                .map_or_else(|| rule.meta.title.clone(), str::to_string);
            let path = m.get("path").map(parse_path).unwrap_or_default();
            (msg, path, m.get("fix").filter(|f| !f.is_null()).cloned())
        }
        other => (other.to_string(), Vec::new(), None),
    };
    out.push(make(rule, status, resource, message, path, fix));
}

/// A `path` is a list of keys and indices, or a JSON pointer string.
fn parse_path(v: &Value) -> Vec<PathSegment> {
    match v {
        Value::Array(items) => items
            .iter()
            .filter_map(|s| match s {
                Value::String(k) => Some(PathSegment::Key(k.clone())),
                Value::Number(n) => n
                    .as_u64()
                    .and_then(|i| usize::try_from(i).ok())
                    .map(PathSegment::Index),
                _ => None,
            })
            .collect(),
        Value::String(p) => p
            .split('/')
            .skip(usize::from(p.starts_with('/')))
            .filter(|s| !s.is_empty())
            .map(|s| match s.parse::<usize>() {
                Ok(i) => PathSegment::Index(i),
                Err(_) => PathSegment::Key(s.replace("~1", "/").replace("~0", "~")),
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn make(
    rule: &Rule,
    status: Status,
    resource: &Resource,
    message: String,
    path: Vec<PathSegment>,
    fix: Option<Value>,
) -> Finding {
    let location = resource.locate(&path);
    let id = resource.id.to_string();
    let file = match &location {
        Location::File { file, .. } => file.as_str(),
        Location::Live { endpoint, .. } => endpoint.as_str(),
    };
    Finding {
        fingerprint: fingerprint(&rule.meta.id, &id, file, &message),
        rule: rule.meta.id.clone(),
        title: rule.meta.title.clone(),
        severity: rule.meta.severity,
        status,
        message,
        resource: ResourceRef::from(&resource.id),
        location,
        path: (!path.is_empty()).then(|| json_pointer(&path)),
        frameworks: rule.meta.frameworks.clone(),
        remediation: rule.meta.remediation.clone(),
        fix,
        waiver: None,
        baseline: false,
    }
}

fn rule_error(rule: &Rule, resource: &Resource, text: &str) -> Finding {
    let d = crate::policy::regorus_diagnostic::<PolicyModule>(text, &[]);
    let message = format!("rule failed to evaluate: {d}");
    make(rule, Status::Error, resource, message, Vec::new(), None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn to_regorus_matches_regorus_own_conversion() {
        let v = json!({"a": [1, -2, 3.5, 18446744073709551615u64, null, true], "b": {"c": "d"}, "": ""});
        assert_eq!(to_regorus(&v), regorus::Value::from(v.clone()));
    }
}
