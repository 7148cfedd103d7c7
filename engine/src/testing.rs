//! Running Rego unit tests (`test_*` rules), the core of `assay test`.
//!
//! Every module (tests included) is loaded into one engine; each rule whose
//! name starts with `test_` is evaluated and passes only when it is `true`,
//! as in `opa test`: undefined fails, an evaluation error is reported.

use crate::policy::PolicyModule;
use std::collections::BTreeSet;

/// The outcome of one test rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestResult {
    /// `data.<package>.<rule>`.
    pub name: String,
    /// File that defines it.
    pub file: String,
    /// 1-based line of its first definition.
    pub line: u32,
    /// `Ok(())` on pass, `Err(reason)` on failure or error.
    pub outcome: Result<(), String>,
}

fn package_of(text: &str) -> Option<&str> {
    text.lines().find_map(|l| {
        let rest = l.trim_start().strip_prefix("package ")?;
        Some(rest.split('#').next().unwrap_or(rest).trim())
    })
}

/// Run every `test_*` rule of `modules`. Load errors come back as failing results.
pub fn run_tests(modules: &[PolicyModule]) -> Vec<TestResult> {
    let mut engine = regorus::Engine::new();
    let mut results = Vec::new();
    for m in modules {
        if let Err(e) = engine.add_policy(m.path.clone(), m.text.clone()) {
            results.push(TestResult {
                name: format!("load {}", m.path),
                file: m.path.clone(),
                line: 1,
                outcome: Err(format!("{e:#}")),
            });
        }
    }
    for m in modules {
        let Some(pkg) = package_of(&m.text) else {
            continue;
        };
        let mut seen = BTreeSet::new();
        for (i, line) in m.text.lines().enumerate() {
            let name: String = line
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.starts_with("test_") || !seen.insert(name.clone()) {
                continue;
            }
            let full = format!("data.{pkg}.{name}");
            let outcome = match engine.eval_rule(full.clone()) {
                Ok(regorus::Value::Bool(true)) => Ok(()),
                Ok(regorus::Value::Undefined) => Err("undefined (a test must be true)".to_string()),
                Ok(other) => Err(format!("evaluated to {other}, not true")),
                Err(e) => Err(format!("{e:#}")),
            };
            results.push(TestResult {
                name: full,
                file: m.path.clone(),
                line: u32::try_from(i + 1).unwrap_or(u32::MAX),
                outcome,
            });
        }
    }
    results
}
