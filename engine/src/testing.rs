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

/// Run every `test_*` rule of `modules`. Load errors come back as failing results.
pub fn run_tests(modules: &[PolicyModule]) -> Vec<TestResult> {
    let mut engine = regorus::Engine::new();
    let mut results = Vec::new();
    let mut loaded = Vec::new();
    for m in modules {
        match engine.add_policy(m.path.clone(), m.text.clone()) {
            Ok(package) => loaded.push((m, package)),
            Err(e) => results.push(TestResult {
                name: format!("load {}", m.path),
                file: m.path.clone(),
                line: 1,
                outcome: Err(format!("{e:#}")),
            }),
        }
    }
    for (m, pkg) in loaded {
        let mut seen = BTreeSet::new();
        for (i, line) in m.text.lines().enumerate() {
            let name: String = line
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.starts_with("test_") || !seen.insert(name.clone()) {
                continue;
            }
            let full = format!("{pkg}.{name}");
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pass_fail_undefined_and_error_are_told_apart() {
        let m = PolicyModule {
            path: "t_test.rego".into(),
            text: "package t\n\nimport rego.v1\n\ntest_pass if 1 == 1\n\ntest_false := false\n\ntest_undefined if 1 == 2\n\ntest_error if {\n  x := 1 / 0\n  x > 0\n}\n\nhelper := 1\n".into(),
            pack: None,
        };
        let results = run_tests(&[m]);
        let by_name: Vec<(&str, bool, u32)> = results
            .iter()
            .map(|r| (r.name.as_str(), r.outcome.is_ok(), r.line))
            .collect();
        assert_eq!(
            by_name,
            vec![
                ("data.t.test_pass", true, 5),
                ("data.t.test_false", false, 7),
                ("data.t.test_undefined", false, 9),
                ("data.t.test_error", false, 11),
            ]
        );
    }
}
