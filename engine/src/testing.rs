//! Running Rego unit tests (`test_*` rules), the core of `assay test`.
//!
//! Every module (tests included) is loaded into one engine, with any data
//! documents; each rule whose name starts with `test_` is evaluated and
//! passes only when it is `true`, as in `opa test`: undefined fails, an
//! evaluation error is reported. `todo_test_*` rules are listed as skipped.

use crate::policy::{add_module, regorus_diagnostic, PolicyModule};
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

/// What a test run does beyond pass/fail.
#[derive(Default)]
pub struct TestOptions<'a> {
    /// Only tests whose full name (`data.pkg.test_x`) this accepts run.
    pub filter: Option<&'a dyn Fn(&str) -> bool>,
    /// Gather line coverage of the non-test modules.
    pub coverage: bool,
    /// Data documents merged into `data` before the run.
    pub data: Vec<serde_json::Value>,
}

/// How one test ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TestOutcome {
    /// It was true.
    Pass,
    /// Undefined or not true.
    Fail(String),
    /// Evaluation (or loading) raised an error.
    Error(String),
    /// A `todo_test_*` rule: not run.
    Skip,
}

/// The outcome of one test rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestResult {
    /// `data.<package>.<rule>`.
    pub name: String,
    /// File that defines it.
    pub file: String,
    /// 1-based line of its first definition.
    pub line: u32,
    /// Pass, fail, error or skip.
    pub outcome: TestOutcome,
    /// Output of `print()` during the test.
    pub prints: Vec<String>,
    /// Wall time.
    pub duration: Duration,
}

impl TestResult {
    /// Whether the test counts against the run.
    pub fn failed(&self) -> bool {
        matches!(self.outcome, TestOutcome::Fail(_) | TestOutcome::Error(_))
    }
}

/// Line coverage of one policy file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileCoverage {
    /// Module path.
    pub file: String,
    /// Lines evaluated.
    pub covered: BTreeSet<u32>,
    /// Lines that could have been evaluated but were not.
    pub not_covered: BTreeSet<u32>,
}

impl FileCoverage {
    /// Covered share in percent (100 for a file with nothing to cover).
    pub fn percent(&self) -> f64 {
        percent(self.covered.len(), self.not_covered.len())
    }
}

/// Coverage of a whole run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Coverage {
    /// Per file, sorted by path.
    pub files: Vec<FileCoverage>,
}

impl Coverage {
    /// Total covered share in percent.
    pub fn percent(&self) -> f64 {
        let covered = self.files.iter().map(|f| f.covered.len()).sum();
        let missed = self.files.iter().map(|f| f.not_covered.len()).sum();
        percent(covered, missed)
    }
}

#[allow(clippy::cast_precision_loss, reason = "line counts are small")]
fn percent(covered: usize, missed: usize) -> f64 {
    let total = covered + missed;
    if total == 0 {
        100.0
    } else {
        covered as f64 * 100.0 / total as f64
    }
}

/// Results of a test run.
#[derive(Clone, Debug, Default)]
pub struct TestRun {
    /// One per test rule (and one per module that did not load).
    pub results: Vec<TestResult>,
    /// With [`TestOptions::coverage`].
    pub coverage: Option<Coverage>,
}

/// Run every `test_*` rule of `modules`. Load errors come back as errored results.
pub fn run_tests(modules: &[PolicyModule]) -> Vec<TestResult> {
    run(modules, &TestOptions::default()).results
}

/// Run the tests of `modules` with options.
pub fn run(modules: &[PolicyModule], options: &TestOptions<'_>) -> TestRun {
    let mut engine = regorus::Engine::new();
    engine.set_gather_prints(true);
    let mut run = TestRun::default();
    for d in &options.data {
        let value = regorus::Value::from(d.clone());
        if let Err(e) = engine.add_data(value) {
            run.results.push(load_error("data", 1, format!("{e:#}")));
        }
    }
    let mut loaded = Vec::new();
    for m in modules {
        match add_module(&mut engine, m, None) {
            Ok((package, _)) => loaded.push((m, package)),
            Err(d) => {
                let line = d.line.unwrap_or(1);
                run.results.push(load_error(&m.path, line, d.to_string()));
            }
        }
    }
    if options.coverage {
        engine.set_enable_coverage(true);
    }
    for (m, pkg) in &loaded {
        let mut seen = BTreeSet::new();
        for (i, line) in m.text.lines().enumerate() {
            let name: String = line
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let todo = name.starts_with("todo_test_");
            if !(name.starts_with("test_") || todo) || !seen.insert(name.clone()) {
                continue;
            }
            let full = format!("{pkg}.{name}");
            if options.filter.is_some_and(|f| !f(&full)) {
                continue;
            }
            let start = Instant::now();
            let outcome = if todo {
                TestOutcome::Skip
            } else {
                match engine.eval_rule(full.clone()) {
                    Ok(regorus::Value::Bool(true)) => TestOutcome::Pass,
                    Ok(regorus::Value::Undefined) => {
                        TestOutcome::Fail("undefined (a test must be true)".to_string())
                    }
                    Ok(other) => TestOutcome::Fail(format!("evaluated to {other}, not true")),
                    Err(e) => {
                        let d = regorus_diagnostic(&format!("{e:#}"), std::slice::from_ref(*m));
                        TestOutcome::Error(d.to_string())
                    }
                }
            };
            run.results.push(TestResult {
                name: full,
                file: m.path.clone(),
                line: u32::try_from(i + 1).unwrap_or(u32::MAX),
                outcome,
                prints: engine.take_prints().unwrap_or_default(),
                duration: start.elapsed(),
            });
        }
    }
    if options.coverage {
        run.coverage = Some(coverage(&engine, &loaded));
    }
    run
}

fn load_error(file: &str, line: u32, message: String) -> TestResult {
    TestResult {
        name: format!("load {file}"),
        file: file.to_string(),
        line,
        outcome: TestOutcome::Error(message),
        prints: Vec::new(),
        duration: Duration::ZERO,
    }
}

fn coverage(engine: &regorus::Engine, loaded: &[(&PolicyModule, String)]) -> Coverage {
    let tests: BTreeSet<&str> = loaded
        .iter()
        .filter(|(m, _)| m.path.ends_with("_test.rego"))
        .map(|(m, _)| m.path.as_str())
        .collect();
    let mut files: BTreeMap<String, FileCoverage> = BTreeMap::new();
    if let Ok(report) = engine.get_coverage_report() {
        for f in report.files {
            if tests.contains(f.path.as_str()) {
                continue;
            }
            files.insert(
                f.path.clone(),
                FileCoverage {
                    file: f.path,
                    covered: f.covered,
                    not_covered: f.not_covered,
                },
            );
        }
    }
    Coverage {
        files: files.into_values().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(path: &str, text: &str) -> PolicyModule {
        PolicyModule {
            path: path.into(),
            text: text.into(),
            pack: None,
        }
    }

    #[test]
    fn pass_fail_undefined_error_and_todo_are_told_apart() {
        let m = module("t_test.rego", "package t\n\nimport rego.v1\n\ntest_pass if 1 == 1\n\ntest_false := false\n\ntest_undefined if 1 == 2\n\ntest_error if {\n  x := 1 / 0\n  x > 0\n}\n\ntodo_test_later if false\n\nhelper := 1\n");
        let results = run_tests(&[m]);
        let by_name: Vec<(&str, &str, u32)> = results
            .iter()
            .map(|r| {
                let o = match r.outcome {
                    TestOutcome::Pass => "pass",
                    TestOutcome::Fail(_) => "fail",
                    TestOutcome::Error(_) => "error",
                    TestOutcome::Skip => "skip",
                };
                (r.name.as_str(), o, r.line)
            })
            .collect();
        assert_eq!(
            by_name,
            vec![
                ("data.t.test_pass", "pass", 5),
                ("data.t.test_false", "fail", 7),
                ("data.t.test_undefined", "fail", 9),
                ("data.t.test_error", "error", 11),
                ("data.t.todo_test_later", "skip", 16),
            ]
        );
    }

    #[test]
    fn prints_filter_data_and_coverage() {
        let policy = module(
            "p.rego",
            "package p\n\nimport rego.v1\n\nallow if {\n  input.x == data.limits.x\n}\n\nunused if {\n  input.y == 2\n}\n",
        );
        let tests = module(
            "p_test.rego",
            "package p\n\nimport rego.v1\n\ntest_allow if {\n  print(\"checking\", 1)\n  allow with input as {\"x\": 3}\n}\n\ntest_other if false\n",
        );
        let only_allow = |n: &str| n.ends_with("test_allow");
        let run = run(
            &[policy, tests],
            &TestOptions {
                filter: Some(&only_allow),
                coverage: true,
                data: vec![serde_json::json!({"limits": {"x": 3}})],
            },
        );
        assert_eq!(run.results.len(), 1);
        let r = run.results.first().unwrap();
        assert_eq!(r.outcome, TestOutcome::Pass);
        assert_eq!(r.prints.len(), 1);
        assert!(
            r.prints.first().unwrap().contains("checking 1"),
            "{:?}",
            r.prints
        );
        let cov = run.coverage.unwrap();
        assert_eq!(cov.files.len(), 1, "test modules are left out");
        let f = cov.files.first().unwrap();
        assert_eq!(f.file, "p.rego");
        assert!(f.covered.contains(&6), "{f:?}");
        assert!(f.not_covered.contains(&10), "{f:?}");
        assert!(cov.percent() > 0.0 && cov.percent() < 100.0);
    }

    #[test]
    fn a_module_that_does_not_parse_is_an_error_with_its_line() {
        let results = run_tests(&[module(
            "bad.rego",
            "package b\n\nimport rego.v1\n\nx := [\n",
        )]);
        let r = results.first().unwrap();
        assert!(matches!(r.outcome, TestOutcome::Error(_)));
        assert_eq!(r.file, "bad.rego");
        assert!(r.line > 1);
    }
}
