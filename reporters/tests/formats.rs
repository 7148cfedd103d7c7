//! Every format on one report that exercises every status; SARIF and JSON
//! validated against their schemas, all three snapshot-tested.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "integration tests fail loudly by design"
)]

use assay_engine::finding::{fingerprint, Finding, Location, ResourceRef, Status, WaiverInfo};
use assay_engine::metadata::RuleMetadata;
use assay_engine::resource::{Provider, ResourceId};
use assay_engine::{Diagnostic, Report, Severity};
use assay_reporters::{render, Context, Format};
use std::collections::BTreeMap;

fn meta(id: &str, severity: Severity) -> RuleMetadata {
    RuleMetadata {
        id: id.into(),
        title: format!("Rule {id} title").into(),
        description: format!("What {id} checks."),
        severity,
        kinds: vec!["Pod".into()],
        frameworks: BTreeMap::from([("pss".to_string(), vec!["baseline".to_string()])]).into(),
        remediation: format!("Fix {id}.").into(),
        scope: assay_engine::Scope::Resource,
        triggers: Vec::new(),
        engine: Default::default(),
    }
}

fn finding(m: &RuleMetadata, status: Status, line: u32, msg: &str) -> Finding {
    let id = ResourceId {
        provider: Provider::Kubernetes,
        kind: "v1/Pod".into(),
        scope: "shop".into(),
        name: "web".into(),
    };
    Finding {
        rule: m.id.clone(),
        title: m.title.clone(),
        severity: m.severity,
        status,
        message: msg.into(),
        resource: ResourceRef::from(&id),
        location: Location::File {
            file: "k8s/web pod.yaml".into(),
            line,
            column: 7,
        },
        path: Some("/spec/hostPID".into()),
        frameworks: m.frameworks.clone(),
        remediation: m.remediation.clone(),
        fix: None,
        waiver: None,
        baseline: false,
        fingerprint: fingerprint(&m.id, &id.to_string(), "k8s/web pod.yaml", msg),
    }
}

fn sample() -> (Report, Vec<RuleMetadata>) {
    let rules = vec![
        meta("K8S-1", Severity::Critical),
        meta("K8S-2", Severity::Medium),
        meta("K8S-3", Severity::Low),
    ];
    let mut waived = finding(
        &rules[1],
        Status::Waived,
        12,
        "pod must not set hostPID=true",
    );
    waived.waiver = Some(WaiverInfo {
        reason: "node agent".into(),
        source: "annotation".into(),
        expires: None,
        expired: false,
    });
    let mut expired = finding(&rules[1], Status::Fail, 14, "pod must not set hostIPC=true");
    expired.waiver = Some(WaiverInfo {
        reason: "temporary".into(),
        source: "waivers.yaml:3".into(),
        expires: Some("2020-01-01".into()),
        expired: true,
    });
    let mut old = finding(&rules[2], Status::Fail, 20, "old problem");
    old.baseline = true;
    let report = Report {
        findings: vec![
            finding(
                &rules[0],
                Status::Fail,
                9,
                "container \"a\" must not set securityContext.privileged=true",
            ),
            waived,
            expired,
            finding(&rules[2], Status::Warn, 18, "a warning"),
            old,
            finding(
                &rules[0],
                Status::Error,
                1,
                "rule failed to evaluate: timeout",
            ),
        ],
        errors: vec![Diagnostic::new("document 2: did not find expected key")
            .in_file("k8s/bad.yaml")
            .at(3, 5, Some("a: 1\nb: 2\n  - c\n"))],
        notes: vec![],
        resources: 4,
        rules: 3,
        compliance: Vec::new(),
    };
    let fw = assay_engine::framework::parse_framework(
        "pss.yaml",
        "id: pss\ntitle: PSS\nversion: v1.37\ncontrols:\n  - {id: baseline, title: Baseline}\n  - {id: restricted, title: Restricted}\n  - {id: other, title: Other, manual: needs a person}\n",
    )
    .unwrap();
    let compliance = assay_engine::framework::summarize(&fw, &rules, &report.findings, &|_| true);
    let report = Report {
        compliance: vec![compliance],
        ..report
    };
    (report, rules)
}

fn output(format: Format) -> String {
    let (report, rules) = sample();
    let ctx = Context::new(&rules, "0.0.0-test", 2);
    let mut out = Vec::new();
    render(format, &report, &ctx, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// Load a schema. The official SARIF schema's `run.language` pattern ends in
/// a bare `]`, a literal in ECMA-262 regexes but rejected by Rust's regex
/// check of the schema itself; escape it (we never emit `language`).
fn load_schema(path: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap().replace(
        r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#,
        r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#,
    );
    serde_json::from_str(&text).unwrap()
}

fn validate(schema_path: &str, doc: &str) {
    let schema = load_schema(schema_path);
    let instance: serde_json::Value = serde_json::from_str(doc).unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn sarif_is_valid_sarif_2_1_0() {
    let sarif = output(Format::Sarif);
    validate(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/sarif-schema-2.1.0.json"
        ),
        &sarif,
    );
    insta::assert_snapshot!("sarif", sarif);
}

#[test]
fn sarif_schema_check_can_fail() {
    // Guard against a validator that accepts anything.
    let sarif = output(Format::Sarif).replace("\"startLine\": 9", "\"startLine\": 0");
    let schema = load_schema(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/sarif-schema-2.1.0.json"
    ));
    let instance: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    assert!(!jsonschema::is_valid(&schema, &instance));
}

#[test]
fn json_matches_the_documented_schema() {
    let json = output(Format::Json);
    validate(
        concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/report.schema.json"),
        &json,
    );
    insta::assert_snapshot!("json", json);
}

#[test]
fn baseline_warnings_do_not_reduce_the_failing_count() {
    let (mut report, rules) = sample();
    // A warning in the baseline must not be subtracted from the failures.
    report.findings[3].baseline = true;
    let ctx = Context::new(&rules, "0.0.0-test", 2);
    let mut out = Vec::new();
    render(Format::Text, &report, &ctx, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("\n2 failing (1 critical, 1 medium)"),
        "{text}"
    );
}

#[test]
fn text_report() {
    insta::assert_snapshot!("text", output(Format::Text));
}

#[test]
fn markdown_report() {
    let md = output(Format::Markdown);
    assert!(md.starts_with("## ⚠️ Assay: 2 failing"), "{md}");
    insta::assert_snapshot!("markdown", md);
}

/// Parse JUnit XML and check that the totals add up across suites.
fn junit_totals(xml: &str) -> [usize; 4] {
    let doc = roxmltree::Document::parse(xml).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let attr =
        |n: roxmltree::Node<'_, '_>, a: &str| -> usize { n.attribute(a).unwrap().parse().unwrap() };
    let mut sums = [0usize; 4];
    for suite in root.children().filter(|n| n.has_tag_name("testsuite")) {
        let cases: Vec<_> = suite
            .children()
            .filter(|n| n.has_tag_name("testcase"))
            .collect();
        assert_eq!(attr(suite, "tests"), cases.len());
        let count = |tag: &str| {
            cases
                .iter()
                .filter(|c| c.children().any(|n| n.has_tag_name(tag)))
                .count()
        };
        assert_eq!(attr(suite, "failures"), count("failure"));
        assert_eq!(attr(suite, "errors"), count("error"));
        assert_eq!(attr(suite, "skipped"), count("skipped"));
        for (i, a) in ["tests", "failures", "errors", "skipped"]
            .iter()
            .enumerate()
        {
            sums[i] += attr(suite, a);
        }
    }
    for (i, a) in ["tests", "failures", "errors", "skipped"]
        .iter()
        .enumerate()
    {
        assert_eq!(attr(root, a), sums[i], "{a}");
    }
    sums
}

#[test]
fn junit_is_well_formed_and_counts_add_up() {
    let xml = output(Format::Junit);
    // K8S-1: error (the rule error wins over the failure) ; K8S-2: fail ; K8S-3: baseline skip ;
    // input errors: one.
    assert_eq!(junit_totals(&xml), [4, 1, 2, 1]);
    insta::assert_snapshot!("junit", xml);
}

#[test]
fn junit_lists_clean_resources_as_passing_cases() {
    let (report, rules) = sample();
    let clean = assay_engine::finding::ResourceRef::from(&ResourceId {
        provider: Provider::Kubernetes,
        kind: "v1/Pod".into(),
        scope: "shop".into(),
        name: "clean & <tidy>".into(),
    });
    let checked = vec![assay_reporters::Checked {
        resource: clean,
        file: Some("k8s/clean.yaml".into()),
        rules: vec!["K8S-1".into(), "K8S-2".into()],
    }];
    let mut ctx = Context::new(&rules, "0.0.0-test", 2);
    ctx.checked = &checked;
    let mut out = Vec::new();
    render(Format::Junit, &report, &ctx, &mut out).unwrap();
    let xml = String::from_utf8(out).unwrap();
    assert_eq!(junit_totals(&xml), [6, 1, 2, 1]);
    assert!(xml.contains("<testcase name=\"Pod shop/clean &amp; &lt;tidy&gt;\" classname=\"K8S-1\" file=\"k8s/clean.yaml\"/>"), "{xml}");
}

#[test]
fn html_report_is_self_contained_and_shows_the_trend() {
    let (report, rules) = sample();
    let history: Vec<assay_reporters::TrendPoint> = (1..=3)
        .map(|i| assay_reporters::TrendPoint {
            scan: i.to_string(),
            time: format!("2026-11-2{i}T00:00:00Z"),
            failing: 5 - i,
            by_severity: BTreeMap::from([("critical".to_string(), 1)]),
        })
        .collect();
    let mut ctx = Context::new(&rules, "0.0.0-test", 2);
    ctx.history = &history;
    ctx.target = Some("k8s/");
    let mut out = Vec::new();
    render(Format::Html, &report, &ctx, &mut out).unwrap();
    let html = String::from_utf8(out).unwrap();
    for external in ["src=\"http", "href=\"http", "@import", "<link"] {
        assert!(!html.contains(external), "{external}");
    }
    assert_eq!(html.matches("<circle").count(), 3);
    assert_eq!(
        html.matches("<tr data-severity").count(),
        report.findings.len()
    );
    insta::assert_snapshot!("html", html);
}
