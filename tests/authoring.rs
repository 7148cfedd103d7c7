//! The policy author's commands and the policy formats teams already have:
//! `assay test`, `check`, `eval`, conftest policies, Gatekeeper templates
//! and constraints, and cross-resource rules over `data.inventory`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "integration tests fail loudly by design"
)]

mod common;
use common::{assay, json};
use serde_json::Value;

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// (rule, resource name, status, message) of each finding.
fn verdicts(report: &Value) -> Vec<(String, String, String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["resource"]["name"].as_str().unwrap().to_string(),
                f["status"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn assay_test_reports_pass_fail_prints_data_and_coverage() {
    let out = assay(&["test", "testdata/authoring/rego", "--verbose", "--coverage"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(
            "PASS  data.limits.test_too_many (testdata/authoring/rego/limits_test.rego:5)"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "FAIL  data.limits.test_fails_on_purpose (testdata/authoring/rego/limits_test.rego:9)"
        ),
        "{text}"
    );
    assert!(
        text.contains("print: testdata/authoring/rego/limits_test.rego:10: replicas checked: 2"),
        "{text}"
    );
    assert!(
        text.contains("2 passed, 1 failed, 0 errored, 0 skipped"),
        "{text}"
    );
    // `too_few` is never evaluated by a test.
    assert!(
        text.contains("testdata/authoring/rego/limits.rego  not covered: 7"),
        "{text}"
    );

    let only = assay(&[
        "test",
        "testdata/authoring/rego",
        "--run",
        "too_many$",
        "--format",
        "json",
    ]);
    assert_eq!(only.status.code(), Some(0));
    let doc = json(&only);
    assert_eq!(doc["summary"]["pass"], 1);
    assert_eq!(doc["tests"].as_array().unwrap().len(), 1);

    let below = assay(&[
        "test",
        "testdata/authoring/rego",
        "--run",
        "too_many$",
        "--threshold",
        "90",
    ]);
    assert_eq!(below.status.code(), Some(1), "{}", stdout(&below));
    assert!(stdout(&below).contains("is below the threshold 90.0%"));
}

#[test]
fn builtin_packs_pass_assay_test_and_assay_check() {
    let out = assay(&["test", "policies"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let out = assay(&["check", "--strict", "policies"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn assay_check_names_missing_metadata_unknown_controls_and_untested_rules() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("r.rego"),
        "# METADATA\n# title: T\n# custom:\n#   id: X-1\n#   severity: low\n#   frameworks:\n#     cis-kubernetes: [\"9.9.9\"]\npackage x\n\nimport rego.v1\n\ndeny contains \"x\" if input.bad\n",
    )
    .unwrap();
    let out = assay(&["check", dir.path().to_str().unwrap()]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(
            "r.rego:1:1: METADATA is missing custom.kinds, custom.remediation, description"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "names control `9.9.9` of `cis-kubernetes`, which the framework does not list"
        ),
        "{text}"
    );
    assert!(
        text.contains("warning: ") && text.contains("rule `X-1` has no tests"),
        "{text}"
    );
}

#[test]
fn assay_eval_prints_opa_shaped_results() {
    let out = assay(&[
        "eval",
        "-i",
        "testdata/authoring/conftest/deployments.yaml",
        "-d",
        "testdata/authoring/conftest/policy",
        "[d | some doc in input; some d in data.main.deny_run_as_root with input as doc]",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json(&out);
    assert_eq!(
        doc["result"][0]["expressions"][0]["value"],
        serde_json::json!([
            "web: containers must not run as root",
            "legacy: containers must not run as root"
        ])
    );
    let raw = assay(&[
        "eval",
        "--format",
        "raw",
        "-i",
        "testdata/authoring/conftest/deployments.yaml",
        "input[2].kind",
    ]);
    assert_eq!(stdout(&raw), "Service\n");
    let broken = assay(&["eval", "-d", "testdata/demo/web.yaml", "x"]);
    assert_eq!(broken.status.code(), Some(2));
}

#[test]
fn conftest_policies_run_with_suffixed_rules_exceptions_and_namespaces() {
    let base = [
        "scan",
        "--no-builtin",
        "--policy",
        "testdata/authoring/conftest/policy",
        "--format",
        "json",
        "testdata/authoring/conftest/deployments.yaml",
    ];
    let out = assay(&base);
    let got = verdicts(&json(&out));
    let expect = |v: &[(&str, &str, &str, &str)]| -> Vec<(String, String, String, String)> {
        v.iter()
            .map(|(a, b, c, d)| ((*a).into(), (*b).into(), (*c).into(), (*d).into()))
            .collect()
    };
    assert_eq!(
        got,
        expect(&[
            (
                "main",
                "web",
                "fail",
                "web: containers must not run as root"
            ),
            (
                "main",
                "legacy",
                "waived",
                "legacy: containers must not run as root"
            ),
            ("main", "web", "warn", "web has no team label"),
            ("other", "web", "fail", "services are not allowed here"),
        ])
    );
    let mut only_main = base.to_vec();
    only_main.extend(["--namespace", "main"]);
    let got = verdicts(&json(&assay(&only_main)));
    assert!(got.iter().all(|v| v.0 == "main"), "{got:?}");
    assert_eq!(got.len(), 3);
}

#[test]
fn gatekeeper_templates_and_constraints_run_with_match_parameters_and_inventory() {
    let out = assay(&[
        "scan",
        "--no-builtin",
        "--policy",
        "testdata/authoring/gatekeeper/template.yaml",
        "--policy",
        "testdata/authoring/gatekeeper/constraints.yaml",
        "--format",
        "json",
        "testdata/authoring/gatekeeper/resources.yaml",
    ]);
    let report = json(&out);
    assert_eq!(report["errors"], serde_json::json!([]), "{report:#}");
    let got = verdicts(&report);
    let rows: Vec<(&str, &str, &str, &str)> = got
        .iter()
        .map(|(a, b, c, d)| (a.as_str(), b.as_str(), c.as_str(), d.as_str()))
        .collect();
    assert_eq!(
        rows,
        vec![
            (
                "AssayUniqueApp/unique-app",
                "web",
                "warn",
                "label app=web is also used by shop/web-copy"
            ),
            (
                "AssayRequiredLabels/need-owner",
                "web-copy",
                "fail",
                "Deployment web-copy is missing labels [\"owner\"]"
            ),
            (
                "AssayUniqueApp/unique-app",
                "web-copy",
                "warn",
                "label app=web is also used by shop/web"
            ),
        ],
        "kube-system is excluded and tier=test is not selected"
    );
    let sev = report["findings"][1]["severity"].as_str().unwrap();
    assert_eq!(
        sev, "high",
        "the assay.dev/severity annotation sets severity"
    );
}

#[test]
fn a_constraint_without_its_template_is_an_error() {
    let out = assay(&[
        "scan",
        "--no-builtin",
        "--policy",
        "testdata/authoring/gatekeeper/constraints.yaml",
        "testdata/authoring/gatekeeper/resources.yaml",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out).contains("no ConstraintTemplate for that kind loaded"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn inventory_rules_run_once_and_point_at_the_resource_they_name() {
    let (out, report) = {
        let out = assay(&[
            "scan",
            "--no-builtin",
            "--policy",
            "testdata/authoring/inventory/netpol.rego",
            "--format",
            "json",
            "testdata/authoring/inventory/resources.yaml",
        ]);
        let r = json(&out);
        (out, r)
    };
    assert_eq!(out.status.code(), Some(1));
    let got: Vec<(String, String, u64, u64)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["resource"]["name"].as_str().unwrap().to_string(),
                f["status"].as_str().unwrap().to_string(),
                f["location"]["line"].as_u64().unwrap(),
                f["location"]["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("prod".to_string(), "fail".to_string(), 4, 3),
            ("dev".to_string(), "waived".to_string(), 9, 3),
        ]
    );
}

#[test]
fn an_inventory_finding_about_an_unscanned_resource_is_an_error_of_its_rule() {
    let out = assay(&[
        "scan",
        "--no-builtin",
        "--policy",
        "testdata/authoring/inventory/ghost.rego",
        "--format",
        "json",
        "testdata/authoring/inventory/resources.yaml",
    ]);
    let report = json(&out);
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{report:#}");
    assert_eq!(findings[0]["rule"], "TEST-INV-002");
    assert_eq!(findings[0]["status"], "error");
    let message = findings[0]["message"].as_str().unwrap();
    assert!(
        message.contains("must name a scanned resource") && message.contains(r#""name":"ghost""#),
        "{message}"
    );
}

#[test]
fn validating_admission_policies_run_in_cel_with_params_and_namespace_selectors() {
    let out = assay(&[
        "scan",
        "--no-builtin",
        "--policy",
        "testdata/authoring/vap/policy.yaml",
        "--format",
        "json",
        "testdata/authoring/vap/resources.yaml",
    ]);
    let report = json(&out);
    assert_eq!(report["errors"], serde_json::json!([]), "{report:#}");
    let got = verdicts(&report);
    let rows: Vec<(&str, &str, &str, &str)> = got
        .iter()
        .map(|(a, b, c, d)| (a.as_str(), b.as_str(), c.as_str(), d.as_str()))
        .collect();
    assert_eq!(
        rows,
        vec![
            (
                "VAP/replica-limit-prod",
                "web",
                "fail",
                "object.spec.replicas must be no greater than 5 (reason: Invalid)"
            ),
            (
                "VAP/image-registry-warn",
                "debug",
                "warn",
                "images must come from registry.example.com"
            ),
        ],
        "api is within the limit and play is in a namespace the selector leaves out"
    );
}

#[test]
fn a_cel_syntax_error_names_the_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string("testdata/authoring/vap/policy.yaml")
        .unwrap()
        .replace(
            "int(params.data.maxReplicas)",
            "int(params.data.maxReplicas",
        );
    let path = dir.path().join("policy.yaml");
    std::fs::write(&path, text).unwrap();
    let out = assay(&[
        "scan",
        "--no-builtin",
        "--policy",
        path.to_str().unwrap(),
        "testdata/authoring/vap/resources.yaml",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    assert!(
        text.contains("policy.yaml:21:7: CEL does not compile in spec.variables[0].expression"),
        "{text}"
    );
}
