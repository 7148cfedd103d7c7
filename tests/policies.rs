//! The built-in packs: lint, Rego unit tests, and data-driven fixtures.
//!
//! Each rule directory `policies/<pack>/<RULE-ID>/` holds `rule.rego`,
//! `rule_test.rego`, `input.yaml` and `expected.yaml` (the findings of that
//! rule on the input, as `line:column message`). Run with `ASSAY_BLESS=1` to
//! rewrite `expected.yaml` after a deliberate change, then review the diff.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "integration tests fail loudly by design"
)]

use assay_collectors::files::{parse, FileLimits};
use assay_engine::waiver::Date;
use assay_engine::{EvalContext, PolicySetBuilder};
use std::path::{Path, PathBuf};

fn rule_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let mut dirs = Vec::new();
    for pack in std::fs::read_dir(&root).unwrap() {
        let pack = pack.unwrap().path();
        if !pack.is_dir() || pack.ends_with("lib") {
            continue;
        }
        for rule in std::fs::read_dir(&pack).unwrap() {
            let rule = rule.unwrap().path();
            if rule.is_dir() {
                dirs.push(rule);
            }
        }
    }
    dirs.sort();
    dirs
}

#[test]
fn every_rule_has_metadata_tests_and_fixtures() {
    let dirs = rule_dirs();
    assert!(
        dirs.len() >= 12,
        "expected the PSS baseline rules, found {}",
        dirs.len()
    );
    for dir in dirs {
        let id = dir.file_name().unwrap().to_string_lossy().to_string();
        for file in ["rule.rego", "rule_test.rego", "input.yaml", "expected.yaml"] {
            assert!(dir.join(file).is_file(), "{id}: missing {file}");
        }
        let text = std::fs::read_to_string(dir.join("rule.rego")).unwrap();
        let (meta, _) = assay_engine::metadata::rule_metadata(&id, &text)
            .unwrap_or_else(|d| panic!("{d}"))
            .unwrap_or_else(|| panic!("{id}: no METADATA with custom.id"));
        assert_eq!(meta.id, id, "directory name and rule id differ");
        assert!(!meta.kinds.is_empty(), "{id}: no kinds");
        assert!(!meta.remediation.is_empty(), "{id}: no remediation");
        assert!(!meta.description.is_empty(), "{id}: no description");
    }
}

#[test]
fn builtin_rego_unit_tests_pass() {
    let modules = assay::builtin::modules(&[]);
    let results = assay_engine::testing::run_tests(&modules);
    let failed: Vec<String> = results
        .iter()
        .filter(|r| r.failed())
        .map(|r| format!("{} ({}:{}): {:?}", r.name, r.file, r.line, r.outcome))
        .collect();
    assert!(
        failed.is_empty(),
        "failing Rego tests:\n{}",
        failed.join("\n")
    );
    assert!(
        results.len() >= 40,
        "only {} Rego tests found",
        results.len()
    );
}

#[test]
fn builtin_rules_do_not_swap_their_input() {
    // On the VM, the library's pod spec and containers come from
    // `data.assay_native`, derived from the real input: a rule that
    // evaluated them `with input as` another object would read the wrong
    // ones.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let mut files: Vec<PathBuf> = rule_dirs().iter().map(|d| d.join("rule.rego")).collect();
    for f in std::fs::read_dir(root.join("lib")).unwrap() {
        files.push(f.unwrap().path());
    }
    for f in files {
        let name = f.to_string_lossy();
        if name.ends_with("_test.rego") || !name.ends_with(".rego") {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        let code = text.lines().filter(|l| !l.trim_start().starts_with('#'));
        for line in code {
            assert!(!line.contains("with input"), "{name}: {line}");
        }
    }
}

#[test]
fn builtin_packs_load_without_diagnostics() {
    let (set, errors) = assay::policies::load(&assay::policies::PolicyChoice::default());
    assert!(errors.is_empty(), "{errors:?}");
    assert!(set.rules().len() >= 12);
}

#[test]
fn builtin_rules_meant_for_the_vm_run_on_it() {
    // A kind whose generated program fails to build or compile runs every
    // rule on the interpreter, 20 times slower, without a word (once: a
    // line over regorus's 1,024 columns; a program may also hold at most
    // 256 source files).
    let (set, errors) = assay::policies::load(&assay::policies::PolicyChoice::default());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(set.off_vm(), Vec::<String>::new());
}

#[test]
fn rule_fixtures_match_expected_findings() {
    let mut builder = PolicySetBuilder::new();
    for m in assay::builtin::modules(&[]) {
        builder.add(m);
    }
    let set = builder.build();
    assert!(set.diagnostics().is_empty(), "{:?}", set.diagnostics());
    let ctx = EvalContext {
        waivers: Vec::new(),
        today: Date::from_unix_days(20_000),
    };
    let bless = std::env::var_os("ASSAY_BLESS").is_some();
    let mut mismatches = Vec::new();
    let mut pack_sets: std::collections::HashMap<String, assay_engine::PolicySet> =
        std::collections::HashMap::new();
    for dir in rule_dirs() {
        let id = dir.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(dir.join("input.yaml")).unwrap();
        let scan = parse("input.yaml", &text, &FileLimits::default());
        assert!(scan.errors.is_empty(), "{id}: {:?}", scan.errors);
        // The rule's own pack alone (so an inventory rule that reads a kind
        // it does not declare fails here), fresh per fixture: each fixture
        // is its own snapshot.
        let pack = dir
            .parent()
            .and_then(|p| p.file_name())
            .unwrap()
            .to_string_lossy()
            .to_string();
        let mut set = pack_sets
            .entry(pack.clone())
            .or_insert_with(|| {
                let mut b = PolicySetBuilder::new();
                for m in assay::builtin::modules(&[pack]) {
                    b.add(m);
                }
                b.build()
            })
            .clone();
        // The VM the built-in packs run on must agree with the interpreter,
        // which runs every rule (no trigger keys, no narrowed programs).
        set.set_part_threshold(1);
        let mut interpreted = set.without_vm();
        let findings =
            assay_engine::evaluate_snapshot(&mut set, &ctx, &scan.resources, false).unwrap();
        let reference =
            assay_engine::evaluate_snapshot(&mut interpreted, &ctx, &scan.resources, false)
                .unwrap();
        // Trigger keys: every resource a rule fires on in the reference
        // (which runs every rule on every resource) has one of them.
        for f in &reference {
            let Some(rule) = set.rules().iter().find(|r| r.meta.id == f.rule) else {
                continue;
            };
            let Some(triggers) = &rule.triggers else {
                continue;
            };
            let body = scan
                .resources
                .iter()
                .find(|r| r.id.to_string() == f.resource.id)
                .map(|r| &r.body);
            if !body.is_some_and(|b| triggers.any_in(b)) {
                mismatches.push(format!(
                    "{id}: {} fires on {}, which has none of its triggers {:?}",
                    f.rule, f.resource.id, rule.meta.triggers
                ));
            }
        }
        // Every `ensure` operation of a built-in fix is expanded: a fix is
        // RFC 6902 operations with pointer paths, as a patcher applies them.
        const RFC6902: [&str; 6] = ["add", "remove", "replace", "move", "copy", "test"];
        for f in &findings {
            let Some(ops) = f.fix.as_ref().and_then(|x| x.as_array()) else {
                continue;
            };
            let plain = |op: &serde_json::Value| {
                op["op"].as_str().is_some_and(|o| RFC6902.contains(&o)) && op["path"].is_string()
            };
            if !ops.iter().all(plain) {
                mismatches.push(format!(
                    "{id}: {} has a fix that is not plain JSON Patch: {:?}",
                    f.rule, f.fix
                ));
            }
        }
        // A verdict (the webhook's findings) is the full findings without
        // their fixes and fingerprints.
        for r in &scan.resources {
            let mut full = Vec::new();
            assay_engine::Evaluator::new(&set, &ctx).evaluate(r, &mut full);
            let mut verdict = Vec::new();
            let mut ev = assay_engine::Evaluator::new(&set, &ctx);
            ev.set_detail(assay_engine::eval::Detail::Verdict);
            ev.evaluate(r, &mut verdict);
            for f in &mut full {
                f.fix = None;
                f.fingerprint.clear();
            }
            if verdict != full {
                mismatches.push(format!(
                    "{id}: verdict findings of {} differ from the full ones less fixes and fingerprints",
                    r.id
                ));
            }
        }
        if findings != reference {
            let first = findings
                .iter()
                .zip(&reference)
                .find(|(a, b)| a != b)
                .map(|(a, b)| {
                    (
                        serde_json::to_string(a).unwrap(),
                        serde_json::to_string(b).unwrap(),
                    )
                });
            mismatches.push(format!(
                "{id}: the VM and the interpreter disagree ({} vs {} findings); first difference:\n  vm          {:?}\n  interpreter {:?}",
                findings.len(),
                reference.len(),
                first.as_ref().map(|f| &f.0),
                first.as_ref().map(|f| &f.1),
            ));
        }
        let got: Vec<String> = findings
            .iter()
            .filter(|f| f.rule == id)
            .map(|f| match &f.location {
                assay_engine::Location::File { line, column, .. } => {
                    format!("{line}:{column} {} {}", f.resource.name, f.message)
                }
                other => format!("{other:?}"),
            })
            .collect();
        let expected_path = dir.join("expected.yaml");
        if bless {
            let yaml: String = got
                .iter()
                .map(|g| format!("- {}\n", serde_json::to_string(g).unwrap()))
                .collect();
            std::fs::write(&expected_path, yaml).unwrap();
            continue;
        }
        let expected_text = std::fs::read_to_string(&expected_path).unwrap_or_default();
        let stream = assay_engine::yaml::parse_stream(&expected_text, &Default::default());
        let expected: Vec<String> = stream
            .documents
            .first()
            .and_then(|d| d.value.as_array().cloned())
            .unwrap_or_default()
            .iter()
            .map(|v| v.as_str().unwrap_or_default().to_string())
            .collect();
        assert!(
            !expected.is_empty(),
            "{id}: expected.yaml lists no findings; a fixture must show the rule firing"
        );
        if got != expected {
            mismatches.push(format!("{id}:\n  expected {expected:#?}\n  got {got:#?}"));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
