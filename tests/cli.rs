//! The real binary, end to end: exit codes, formats, stdin, bad input,
//! broken and looping policies, waivers and baselines.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "integration tests fail loudly by design"
)]

use serde_json::Value;
use std::path::Path;
use std::process::Output;

mod common;
use common::{assay, assay_stdin, json, root};

/// `assay scan ARGS --format json`: the process output and the parsed report.
fn scan_json(args: &[&str]) -> (Output, Value) {
    let mut all = vec!["scan"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let out = assay(&all);
    let report = json(&out);
    (out, report)
}

fn findings<'a>(report: &'a Value, rule: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().to_string()
}

#[test]
fn demo_scan_finds_pss_baseline_violations_at_exact_lines() {
    let out = assay(&["scan", "testdata/demo", "--framework", "pss-baseline"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("9 failing (1 critical, 2 high, 6 medium), 2 waived"),
        "{text}"
    );

    let (_, report) = scan_json(&["testdata/demo", "--framework", "pss-baseline"]);
    let privileged = findings(&report, "K8S-PSS-003");
    assert_eq!(privileged.len(), 1);
    assert_eq!(
        privileged[0]["location"],
        serde_json::json!({"file": "testdata/demo/web.yaml", "line": 20, "column": 13})
    );
    assert_eq!(
        privileged[0]["path"],
        "/spec/template/spec/initContainers/0/securityContext/privileged"
    );
    assert_eq!(report["summary"]["by_status"]["waived"], 2);
    assert_eq!(report["exit_code"], 1);
    // The Secret in the demo never shows its value.
    let all = serde_json::to_string(&report).unwrap();
    assert!(!all.contains("correct-horse"));
}

#[test]
fn fail_on_threshold_sets_the_exit_code() {
    assert_eq!(
        assay(&[
            "scan",
            "testdata/demo",
            "--fail-on",
            "critical",
            "--framework",
            "pss-baseline"
        ])
        .status
        .code(),
        Some(1)
    );
    let clean = assay(&[
        "scan",
        "testdata/demo/batch.yaml",
        "--fail-on",
        "high",
        "--framework",
        "pss-baseline",
    ]);
    assert_eq!(clean.status.code(), Some(0));
    assert_eq!(
        assay(&[
            "scan",
            "testdata/demo/compliant.yaml",
            "--framework",
            "pss-restricted"
        ])
        .status
        .code(),
        Some(0)
    );
}

#[test]
fn stdin_is_scanned_as_dash() {
    let text = std::fs::read_to_string(root().join("testdata/demo/web.yaml")).unwrap();
    let out = assay_stdin(&["scan", "-", "--format", "json"], Some(&text));
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    assert_eq!(findings(&report, "K8S-PSS-003")[0]["location"]["file"], "-");
}

#[test]
fn sarif_output_is_valid_and_points_at_lines() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.sarif");
    let out = assay(&[
        "scan",
        "testdata/demo",
        "--format",
        "sarif",
        "--framework",
        "pss-baseline",
        "--output",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let sarif: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let schema_text =
        std::fs::read_to_string(root().join("reporters/tests/data/sarif-schema-2.1.0.json"))
            .unwrap()
            .replace(
                r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#,
                r#""^[a-zA-Z]{2}""#,
            );
    let schema: Value = serde_json::from_str(&schema_text).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["rules"].as_array().unwrap().len(), 12);
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 11);
    let suppressed = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .count();
    assert_eq!(suppressed, 2);
    assert_eq!(run["invocations"][0]["exitCode"], 1);
}

#[test]
fn bad_files_are_errors_but_the_scan_completes() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(
        dir.path(),
        "bad.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n    oops: 1\n",
    );
    let mut laughs = String::from("a0: &a0 [x,x,x,x,x,x,x,x,x,x]\n");
    for i in 1..12 {
        laughs.push_str(&format!(
            "a{i}: &a{i} [*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p},*a{p}]\n",
            p = i - 1
        ));
    }
    let bomb = write(dir.path(), "bomb.yaml", &laughs);
    let (out, report) = scan_json(&[&bad, &bomb, "testdata/demo/web.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        findings(&report, "K8S-PSS-003").len(),
        1,
        "good file still scanned"
    );
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{errors:?}");
    let e = errors
        .iter()
        .find(|e| e["file"].as_str().unwrap().ends_with("bad.yaml"))
        .unwrap();
    assert_eq!(e["line"], 5);
    assert!(e["column"].as_u64().unwrap() > 0);
    let b = errors
        .iter()
        .find(|e| e["file"].as_str().unwrap().ends_with("bomb.yaml"))
        .unwrap();
    assert!(
        b["message"].as_str().unwrap().contains("alias expansion"),
        "{b}"
    );
    // stderr carries the errors too when the report is machine-readable.
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.yaml:5:"));
}

#[test]
fn missing_paths_fail_the_run_but_not_the_scan() {
    let (out, report) = scan_json(&["no/such/dir", "testdata/demo/web.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!findings(&report, "K8S-PSS-002").is_empty());
    assert!(report["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("no/such/dir"));
}

#[test]
fn broken_rego_is_reported_with_its_location_and_other_rules_still_run() {
    let dir = tempfile::tempdir().unwrap();
    let broken = write(
        dir.path(),
        "broken.rego",
        "package broken\n\nimport rego.v1\n\ndeny contains msg if {\n  msg := \"x\" +\n}\n",
    );
    let (out, report) = scan_json(&["--policy", &broken, "testdata/demo/web.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let e = &report["errors"][0];
    assert!(e["file"].as_str().unwrap().ends_with("broken.rego"), "{e}");
    assert!(e["line"].as_u64().unwrap() >= 6, "{e}");
    assert!(!findings(&report, "K8S-PSS-003").is_empty());
}

#[test]
fn a_looping_policy_times_out_as_an_error_finding() {
    let dir = tempfile::tempdir().unwrap();
    let slow = write(
        dir.path(),
        "slow.rego",
        "# METADATA\n# title: Slow\n# custom:\n#   id: SLOW-1\n#   severity: low\n#   kinds: [Deployment]\npackage slow\n\nimport rego.v1\n\ndeny contains \"never\" if {\n  some i in numbers.range(1, 100000)\n  some j in numbers.range(1, 100000)\n  i + j < 0\n}\n",
    );
    let (out, report) = scan_json(&[
        "--policy",
        &slow,
        "testdata/demo/web.yaml",
        "--timeout",
        "0.3",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let slow = findings(&report, "SLOW-1");
    assert_eq!(slow.len(), 1);
    assert_eq!(slow[0]["status"], "error");
    assert!(!findings(&report, "K8S-PSS-003").is_empty());
}

#[test]
fn conftest_style_policies_without_metadata_run_on_every_document() {
    let dir = tempfile::tempdir().unwrap();
    let policy = write(
        dir.path(),
        "main.rego",
        "package main\n\ndeny[msg] {\n  input.kind == \"Service\"\n  msg := sprintf(\"service %v is not allowed\", [input.metadata.name])\n}\n",
    );
    let (out, report) = scan_json(&[
        "--no-builtin",
        "--policy",
        &policy,
        "testdata/demo/web.yaml",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let f = findings(&report, "main");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["message"], "service web is not allowed");
    assert_eq!(f[0]["location"]["line"], 31);
}

#[test]
fn waivers_file_waives_until_it_expires() {
    let dir = tempfile::tempdir().unwrap();
    let waivers = write(
        dir.path(),
        "waivers.yaml",
        "waivers:\n  - rule: K8S-PSS-003\n    resource: {kind: Deployment, name: we*}\n    reason: init needs it\n    expires: 2026-12-31\n  - rule: K8S-PSS-006\n    resource: {namespace: shop}\n    reason: legacy\n    expires: 2026-01-01\n",
    );
    let (_, report) = scan_json(&["testdata/demo/web.yaml", "--waivers", &waivers]);
    let p = findings(&report, "K8S-PSS-003");
    assert_eq!(p[0]["status"], "waived");
    assert_eq!(p[0]["waiver"]["reason"], "init needs it");
    let h = findings(&report, "K8S-PSS-006");
    assert_eq!(h[0]["status"], "fail");
    assert_eq!(h[0]["waiver"]["expired"], true);

    let bad = write(dir.path(), "bad-waivers.yaml", "waivers:\n  - rule: X-1\n");
    let out = assay(&["scan", "testdata/demo/web.yaml", "--waivers", &bad]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("bad-waivers.yaml:2:"));
}

#[test]
fn baseline_lets_ci_fail_only_on_new_findings() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    let b = baseline.to_str().unwrap();
    assert_eq!(
        assay(&["scan", "testdata/demo/web.yaml", "--write-baseline", b])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        assay(&["scan", "testdata/demo/web.yaml", "--baseline", b])
            .status
            .code(),
        Some(0)
    );
    let (out, report) = scan_json(&[
        "testdata/demo/web.yaml",
        "testdata/demo/batch.yaml",
        "--framework",
        "pss-baseline",
        "--baseline",
        b,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(report["summary"]["baseline"], 4);
    assert_eq!(report["summary"]["by_status"]["fail"], 7);
}

#[test]
fn policies_list_and_show() {
    let out = assay(&["policies", "list", "--framework", "pss-baseline"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text.lines().filter(|l| l.starts_with("K8S-PSS-")).count(),
        12
    );
    let show = assay(&["policies", "show", "K8S-PSS-003"]);
    assert_eq!(show.status.code(), Some(0));
    let shown = String::from_utf8(show.stdout).unwrap();
    assert!(shown.contains("Containers must not run privileged"));
    assert!(shown.contains("triggers:    privileged\n"), "{shown}");
    assert_eq!(
        assay(&["policies", "show", "NOPE-1"]).status.code(),
        Some(2)
    );
}

#[test]
fn a_snapshot_scans_offline_exactly_as_the_files_do() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap.json");
    let out = assay(&[
        "snapshot",
        "testdata/demo",
        "testdata/terraform/plan.json",
        "-o",
        snap.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&snap).unwrap();
    assert!(
        !text.contains("correct-horse"),
        "Secret values must not reach a snapshot"
    );
    assert!(
        !text.contains("c2VjcmV0LWJvb3RzdHJhcA=="),
        "sensitive plan values must not reach a snapshot"
    );
    let direct = assay(&[
        "scan",
        "testdata/demo",
        "testdata/terraform/plan.json",
        "--format",
        "json",
    ]);
    let offline = assay(&[
        "scan",
        "--snapshot",
        snap.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(direct.status.code(), offline.status.code());
    assert_eq!(
        String::from_utf8(direct.stdout).unwrap(),
        String::from_utf8(offline.stdout).unwrap()
    );
    let bad = assay(&["scan", "--snapshot", "testdata/demo/web.yaml"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn gate_terraform_blocks_a_plan_that_opens_ssh_to_the_world() {
    let out = assay(&[
        "gate",
        "terraform",
        "testdata/terraform/plan.json",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    let ssh: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "AWS-EC2-001")
        .collect();
    assert_eq!(ssh.len(), 1, "{report:#}");
    assert_eq!(ssh[0]["resource"]["name"], "aws_security_group.bastion");
    assert_eq!(
        ssh[0]["location"],
        serde_json::json!({"file": "testdata/terraform/plan.json", "line": 22, "column": 30})
    );
    // Kubernetes rules do not judge Terraform resources, and the no-op
    // bucket change is not judged at all.
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["rule"].as_str().unwrap().starts_with("AWS-")));
    assert!(!serde_json::to_string(&report)
        .unwrap()
        .contains("c2VjcmV0LWJvb3RzdHJhcA=="));
    let text = assay(&[
        "gate",
        "terraform",
        "testdata/terraform/plan.json",
        "--fail-on",
        "critical",
    ]);
    assert_eq!(
        text.status.code(),
        Some(0),
        "no critical finding in this plan"
    );
    assert_eq!(
        assay(&["gate", "terraform", "testdata/demo/web.yaml"])
            .status
            .code(),
        Some(2)
    );
}
