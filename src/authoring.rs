//! The policy author's loop: `assay test`, `assay check`, `assay eval`.

use crate::cli::{AuthorFormatArg, CheckArgs, EvalArgs, EvalFormatArg, TestArgs};
use crate::policies::read_modules;
use crate::{EXIT_CLEAN, EXIT_FAILED, EXIT_FINDINGS};
use assay_engine::framework::{parse_framework, unknown_references};
use assay_engine::metadata::rule_metadata;
use assay_engine::query::evaluate_query;
use assay_engine::testing::{self, Coverage, TestOptions, TestOutcome, TestRun};
use assay_engine::{Diagnostic, PolicyModule, PolicySetBuilder};
use serde_json::{json, Value};
use std::io::Write;
use std::path::Path;

/// Rego modules and data documents found under the given paths.
#[derive(Debug, Default)]
pub struct Sources {
    /// `.rego` files.
    pub modules: Vec<PolicyModule>,
    /// `data.json` / `data.yaml` documents, nested at their directory's path
    /// relative to the root they were found under (as `opa` does).
    pub data: Vec<Value>,
    /// Files that could not be read or parsed.
    pub errors: Vec<Diagnostic>,
}

/// Read modules and data files from files and directories.
pub fn read_sources(paths: &[impl AsRef<Path>]) -> Sources {
    let mut s = Sources::default();
    for root in paths {
        let root = root.as_ref();
        match read_modules(root) {
            Ok(m) => s.modules.extend(m),
            Err(d) => {
                s.errors.push(d);
                continue;
            }
        }
        if !root.is_dir() {
            continue;
        }
        for entry in ignore::WalkBuilder::new(root)
            .sort_by_file_name(std::cmp::Ord::cmp)
            .build()
            .flatten()
        {
            let p = entry.path();
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if !matches!(name, "data.json" | "data.yaml" | "data.yml") || !p.is_file() {
                continue;
            }
            match read_data_file(p) {
                Ok(value) => {
                    let rel = p
                        .parent()
                        .and_then(|d| d.strip_prefix(root).ok())
                        .map(Path::to_path_buf)
                        .unwrap_or_default();
                    let mut nested = value;
                    let parts: Vec<String> = rel
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy().to_string())
                        .collect();
                    for part in parts.into_iter().rev() {
                        nested = json!({ part: nested });
                    }
                    s.data.push(nested);
                }
                Err(d) => s.errors.push(d),
            }
        }
    }
    s
}

/// Read one JSON or YAML document.
pub fn read_data_file(path: &Path) -> Result<Value, Diagnostic> {
    let name = path.to_string_lossy().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| Diagnostic::new(format!("cannot read: {e}")).in_file(name.clone()))?;
    parse_document(&name, &text)
}

/// Parse one YAML (or JSON, a subset) document with positions in errors.
pub fn parse_document(name: &str, text: &str) -> Result<Value, Diagnostic> {
    let stream = assay_engine::yaml::parse_stream(text, &Default::default());
    if let Some(e) = stream.errors.first() {
        return Err(Diagnostic::new(e.message.clone()).in_file(name).at(
            e.line,
            e.column,
            Some(text),
        ));
    }
    match stream.documents.len() {
        0 => Ok(Value::Null),
        1 => Ok(stream
            .documents
            .into_iter()
            .next()
            .map(|d| d.value)
            .unwrap_or(Value::Null)),
        // Several documents: an array of them, as `conftest --combine` sees them.
        _ => Ok(Value::Array(
            stream.documents.into_iter().map(|d| d.value).collect(),
        )),
    }
}

/// `assay test`.
pub fn test(args: &TestArgs, out: &mut dyn Write) -> std::io::Result<i32> {
    let sources = read_sources(&args.paths);
    let filter = match args.run.as_deref().map(regex::Regex::new).transpose() {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: --run is not a valid regular expression: {e}");
            return Ok(EXIT_FAILED);
        }
    };
    let matches = |name: &str| filter.as_ref().is_none_or(|re| re.is_match(name));
    let run = testing::run(
        &sources.modules,
        &TestOptions {
            filter: Some(&matches),
            coverage: args.coverage || args.threshold.is_some(),
            data: sources.data,
        },
    );
    let below = match (&run.coverage, args.threshold) {
        (Some(c), Some(t)) => c.percent() < t,
        _ => false,
    };
    match args.format {
        AuthorFormatArg::Text => write_text(&run, args, below, out)?,
        AuthorFormatArg::Json => write_json(&run, out)?,
    }
    for e in &sources.errors {
        eprintln!("error: {e}");
    }
    let failed = run.results.iter().any(testing::TestResult::failed);
    Ok(if !sources.errors.is_empty() {
        EXIT_FAILED
    } else if failed || below || run.results.is_empty() {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}

fn write_text(
    run: &TestRun,
    args: &TestArgs,
    below: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let (mut pass, mut fail, mut error, mut skip) = (0, 0, 0, 0);
    for r in &run.results {
        let (label, reason) = match &r.outcome {
            TestOutcome::Pass => {
                pass += 1;
                ("PASS", None)
            }
            TestOutcome::Fail(m) => {
                fail += 1;
                ("FAIL", Some(m))
            }
            TestOutcome::Error(m) => {
                error += 1;
                ("ERROR", Some(m))
            }
            TestOutcome::Skip => {
                skip += 1;
                ("SKIP", None)
            }
        };
        if reason.is_none() && !args.verbose {
            continue;
        }
        writeln!(
            out,
            "{label:<5} {} ({}:{}) {:.1?}",
            r.name, r.file, r.line, r.duration
        )?;
        if let Some(reason) = reason {
            for line in reason.lines() {
                writeln!(out, "      {line}")?;
            }
            if args.verbose {
                for p in &r.prints {
                    writeln!(out, "      print: {p}")?;
                }
            }
        }
    }
    if run.results.is_empty() {
        writeln!(out, "no tests found")?;
    }
    writeln!(
        out,
        "{pass} passed, {fail} failed, {error} errored, {skip} skipped"
    )?;
    if let Some(c) = &run.coverage {
        write_coverage(c, out)?;
        if below {
            writeln!(
                out,
                "coverage {:.1}% is below the threshold {:.1}%",
                c.percent(),
                args.threshold.unwrap_or_default()
            )?;
        }
    }
    Ok(())
}

fn write_coverage(c: &Coverage, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "\ncoverage:")?;
    for f in &c.files {
        let missed = ranges(f.not_covered.iter().copied());
        writeln!(
            out,
            "  {:>6.1}%  {}{}",
            f.percent(),
            f.file,
            if missed.is_empty() {
                String::new()
            } else {
                format!("  not covered: {missed}")
            }
        )?;
    }
    writeln!(out, "  {:>6.1}%  total", c.percent())
}

/// `1, 2, 3, 7` → `1-3, 7`.
fn ranges(lines: impl Iterator<Item = u32>) -> String {
    let mut parts: Vec<(u32, u32)> = Vec::new();
    for l in lines {
        match parts.last_mut() {
            Some((_, end)) if *end + 1 == l => *end = l,
            _ => parts.push((l, l)),
        }
    }
    parts
        .iter()
        .map(|(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn write_json(run: &TestRun, out: &mut dyn Write) -> std::io::Result<()> {
    let tests: Vec<Value> = run
        .results
        .iter()
        .map(|r| {
            let (outcome, message) = match &r.outcome {
                TestOutcome::Pass => ("pass", None),
                TestOutcome::Fail(m) => ("fail", Some(m)),
                TestOutcome::Error(m) => ("error", Some(m)),
                TestOutcome::Skip => ("skip", None),
            };
            json!({
                "name": r.name, "file": r.file, "line": r.line, "outcome": outcome,
                "message": message, "prints": r.prints,
                "duration_ns": u64::try_from(r.duration.as_nanos()).unwrap_or(u64::MAX),
            })
        })
        .collect();
    let count = |o: &str| tests.iter().filter(|t| t["outcome"] == o).count();
    let mut doc = json!({
        "tests": tests,
        "summary": {"pass": count("pass"), "fail": count("fail"), "error": count("error"), "skip": count("skip")},
    });
    if let (Some(c), Some(obj)) = (&run.coverage, doc.as_object_mut()) {
        obj.insert(
            "coverage".into(),
            json!({
                "percent": c.percent(),
                "files": c.files.iter().map(|f| json!({
                    "file": f.file, "percent": f.percent(),
                    "covered": f.covered, "not_covered": f.not_covered,
                })).collect::<Vec<_>>(),
            }),
        );
    }
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

/// `assay check`.
pub fn check(args: &CheckArgs, out: &mut dyn Write) -> std::io::Result<i32> {
    let sources = read_sources(&args.paths);
    let mut errors = sources.errors;
    let mut warnings = Vec::new();
    let mut builder = PolicySetBuilder::new();
    builder.include_tests(true);
    for m in &sources.modules {
        builder.add(m.clone());
    }
    let set = builder.build();
    errors.extend(set.diagnostics().iter().cloned());

    // Frameworks: the built-in ones plus any `frameworks/*.yaml` checked here.
    let (mut frameworks, problems) = crate::builtin::frameworks();
    errors.extend(problems);
    for root in &args.paths {
        let dir = if root.ends_with("frameworks") {
            root.clone()
        } else {
            root.join("frameworks")
        };
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for p in paths
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        {
            let name = p.to_string_lossy().to_string();
            match std::fs::read_to_string(p) {
                Ok(text) => match parse_framework(&name, &text) {
                    Ok(f) => {
                        frameworks.retain(|b| b.id != f.id);
                        frameworks.push(f);
                    }
                    Err(d) => errors.push(d),
                },
                Err(e) => errors.push(Diagnostic::new(format!("cannot read: {e}")).in_file(name)),
            }
        }
    }
    let metas: Vec<_> = set.rules().iter().map(|r| r.meta.clone()).collect();
    let at_rule = |id: &str, msg: String| {
        let r = set.rules().iter().find(|r| r.meta.id == id);
        let text = r.and_then(|r| sources.modules.iter().find(|m| m.path == r.file));
        let d = Diagnostic::new(msg);
        match r {
            Some(r) => d
                .in_file(r.file.clone())
                .at(r.line, 1, text.map(|m| m.text.as_str())),
            None => d,
        }
    };
    for (rule, fw, control) in unknown_references(&frameworks, &metas) {
        let known: Vec<&str> = frameworks.iter().map(|f| f.id.as_str()).collect();
        errors.push(match control {
            Some(c) => at_rule(rule, format!("rule `{rule}` names control `{c}` of `{fw}`, which the framework does not list"))
                .with_hint(format!("see policies/frameworks/{fw}.yaml for the control ids")),
            None => at_rule(rule, format!("rule `{rule}` names framework `{fw}`, which is not defined"))
                .with_hint(format!("known frameworks: {}", known.join(", "))),
        });
    }
    for fw in &frameworks {
        for c in &fw.controls {
            for id in &c.rules {
                if !metas.iter().any(|m| &m.id == id)
                    && args
                        .paths
                        .iter()
                        .any(|p| fw.file.starts_with(&*p.to_string_lossy()))
                {
                    errors.push(
                        Diagnostic::new(format!(
                            "control `{}` lists rule `{id}`, which does not exist",
                            c.id
                        ))
                        .in_file(fw.file.clone())
                        .at(c.line, 1, None),
                    );
                }
            }
        }
    }
    let tests: Vec<&PolicyModule> = sources
        .modules
        .iter()
        .filter(|m| m.path.ends_with("_test.rego"))
        .collect();
    for r in set.rules() {
        let m = sources.modules.iter().find(|m| m.path == r.file);
        let has_meta = m.is_some_and(|m| rule_metadata(&m.path, &m.text).ok().flatten().is_some());
        if !has_meta {
            warnings.push(
                Diagnostic::new(format!("package `{}` defines rules but has no METADATA block with custom.id", r.package))
                    .in_file(r.file.clone())
                    .at(1, 1, m.map(|m| m.text.as_str()))
                    .with_hint("add `# METADATA` with title and custom.{id, severity, kinds, remediation} so findings have an id, severity and fix"),
            );
            continue;
        }
        if let Some(m) = m {
            if let Some(d) = missing_keys(m, r.line) {
                errors.push(d);
            }
        }
        let pkg = r.package.trim_start_matches("data.");
        let tested = tests.iter().any(|t| {
            t.text.lines().any(|l| l.trim() == format!("package {pkg}"))
                || t.text.contains(&format!("data.{pkg}"))
        });
        if !tested {
            warnings.push(
                at_rule(&r.meta.id, format!("rule `{}` has no tests", r.meta.id))
                    .with_hint(format!("add a `*_test.rego` in package `{pkg}` with test_* rules for passing and failing input")),
            );
        }
    }
    for d in &errors {
        writeln!(out, "error: {d}")?;
    }
    for d in &warnings {
        writeln!(out, "warning: {d}")?;
    }
    writeln!(
        out,
        "{} modules, {} rules, {} frameworks: {} errors, {} warnings",
        sources.modules.len(),
        set.rules().len(),
        frameworks.len(),
        errors.len(),
        warnings.len()
    )?;
    Ok(
        if !errors.is_empty() || (args.strict && !warnings.is_empty()) {
            EXIT_FINDINGS
        } else {
            EXIT_CLEAN
        },
    )
}

/// Metadata keys a rule must have beyond what loading requires.
fn missing_keys(m: &PolicyModule, line: u32) -> Option<Diagnostic> {
    let block = assay_engine::metadata::find_blocks(&m.text)
        .into_iter()
        .find(|b| b.line == line)?;
    let stream = assay_engine::yaml::parse_stream(&block.yaml, &Default::default());
    let doc = stream.documents.first()?;
    let custom = doc.value.get("custom")?;
    let missing: Vec<&str> = ["kinds", "remediation"]
        .into_iter()
        .filter(|k| custom.get(*k).is_none())
        .collect();
    let no_description = doc.value.get("description").is_none();
    if missing.is_empty() && !no_description {
        return None;
    }
    let mut names: Vec<String> = missing.iter().map(|k| format!("custom.{k}")).collect();
    if no_description {
        names.push("description".into());
    }
    Some(
        Diagnostic::new(format!("METADATA is missing {}", names.join(", ")))
            .in_file(m.path.clone())
            .at(line, 1, Some(&m.text))
            .with_hint("kinds: the resource kinds the rule judges ([\"*\"] for any); remediation: how to fix a failure; description: what is checked and why"),
    )
}

/// `assay eval`.
pub fn eval(args: &EvalArgs, out: &mut dyn Write) -> std::io::Result<i32> {
    let mut modules = Vec::new();
    let mut data = Vec::new();
    let mut errors = Vec::new();
    for p in &args.data {
        let is_data = p.is_file()
            && p.extension()
                .is_some_and(|e| e == "json" || e == "yaml" || e == "yml");
        if is_data {
            match read_data_file(p) {
                Ok(v) => data.push(v),
                Err(d) => errors.push(d),
            }
        } else {
            let s = read_sources(std::slice::from_ref(p));
            modules.extend(s.modules);
            data.extend(s.data);
            errors.extend(s.errors);
        }
    }
    let input = match args.input.as_deref() {
        None => None,
        Some(p) if p == Path::new("-") => {
            let mut text = String::new();
            match std::io::Read::read_to_string(&mut std::io::stdin(), &mut text) {
                Ok(_) => match parse_document("-", &text) {
                    Ok(v) => Some(v),
                    Err(d) => {
                        errors.push(d);
                        None
                    }
                },
                Err(e) => {
                    errors.push(Diagnostic::new(format!("cannot read stdin: {e}")));
                    None
                }
            }
        }
        Some(p) => match read_data_file(p) {
            Ok(v) => Some(v),
            Err(d) => {
                errors.push(d);
                None
            }
        },
    };
    if !errors.is_empty() {
        for e in &errors {
            eprintln!("error: {e}");
        }
        return Ok(EXIT_FAILED);
    }
    match evaluate_query(&modules, &data, input.as_ref(), &args.query) {
        Ok(result) => {
            match args.format {
                EvalFormatArg::Json => {
                    serde_json::to_writer_pretty(&mut *out, &result)?;
                    writeln!(out)?;
                }
                EvalFormatArg::Raw => match result.pointer("/result/0/expressions/0/value") {
                    Some(Value::String(s)) => writeln!(out, "{s}")?,
                    Some(v) => {
                        serde_json::to_writer_pretty(&mut *out, v)?;
                        writeln!(out)?;
                    }
                    None => {}
                },
            }
            Ok(EXIT_CLEAN)
        }
        Err(errs) => {
            for e in &errs {
                eprintln!("error: {e}");
            }
            Ok(EXIT_FAILED)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_ranges_are_compact() {
        assert_eq!(ranges([1, 2, 3, 7, 9, 10].into_iter()), "1-3, 7, 9-10");
        assert_eq!(ranges(std::iter::empty()), "");
    }
}
