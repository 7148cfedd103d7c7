//! `assay fix --k8s` through the real `kube` client against the in-process
//! API server: plan first, server-side apply with a dry run before each
//! change, fixes at the owner, the audit log, rollback, conflicts, limits.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "integration tests fail loudly by design"
)]

mod common;

use common::apiserver::{default_kinds, ApiServer};
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn deployment(name: &str) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": "shop"},
           "spec": {"replicas": 2, "selector": {"matchLabels": {"app": name}},
                    "template": {"metadata": {"labels": {"app": name}},
                                 "spec": {"containers": [
                                     {"name": "side", "image": "side:1"},
                                     {"name": "app", "image": "app:1", "securityContext": {"privileged": true}}]}}}})
}

fn owned_pod() -> Value {
    json!({"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": "web-5d-abc", "namespace": "shop",
                        "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-5d", "uid": "u1", "controller": true}]},
           "spec": {"containers": [{"name": "app", "image": "app:1", "securityContext": {"privileged": true}}]}})
}

fn run(kc: &Path, state: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_assay"))
        .args(args)
        .args([
            "--kubeconfig",
            kc.to_str().unwrap(),
            "--state",
            state.to_str().unwrap(),
        ])
        .env_remove("KUBECONFIG")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn fix_log(state: &Path, format: &str) -> Vec<u8> {
    Command::new(env!("CARGO_BIN_EXE_assay"))
        .args([
            "fix",
            "log",
            "-f",
            format,
            "--state",
            state.to_str().unwrap(),
        ])
        .output()
        .unwrap()
        .stdout
}

fn out(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

const RULES: [&str; 4] = ["--rule", "K8S-PSS-003", "--rule", "K8S-PSS-014"];

#[test]
fn plan_apply_log_rollback_and_conflicts_on_a_live_cluster() {
    let server = ApiServer::start(default_kinds());
    server.put(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}));
    server.put(deployment("web"));
    server.put(deployment("api"));
    server.put(owned_pod());
    let dir = tempfile::tempdir().unwrap();
    let kc = server.kubeconfig(dir.path());
    let state = dir.path().join("state.db");
    let fix = |extra: &[&str]| {
        let mut args = vec!["fix", "--k8s"];
        args.extend_from_slice(&RULES);
        args.extend_from_slice(extra);
        run(&kc, &state, &args)
    };

    // The plan: both Deployments, field by field; the Pod is fixed at its owner.
    let plan = fix(&[]);
    assert_eq!(plan.status.code(), Some(1), "{}", out(&plan));
    let text = out(&plan);
    assert!(
        text.contains("~ kubernetes:apps/v1/Deployment:shop/web (K8S-PSS-003, K8S-PSS-014)"),
        "{text}"
    );
    assert!(
        text.contains("/spec/template/spec/containers/1/securityContext/privileged: true → false"),
        "{text}"
    );
    assert!(text.contains("/spec/template/spec/containers/1/securityContext/allowPrivilegeEscalation: (absent) → false"), "{text}");
    assert!(
        text.contains("managed by ReplicaSet web-5d: fixed at the owner"),
        "{text}"
    );
    assert!(text.contains("2 changes planned"), "{text}");
    assert!(
        !server.requests().iter().any(|r| r.starts_with("PATCH")),
        "a plan touches nothing"
    );

    // Not interactive and no --yes: refused. Over the limit: refused.
    let refused = fix(&["--apply"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(out(&refused).contains("without --yes"), "{}", out(&refused));
    let limited = fix(&["--apply", "--yes", "--max-changes", "1"]);
    assert_eq!(limited.status.code(), Some(2));
    assert!(out(&limited).contains("more than --max-changes 1"));
    assert!(!server.requests().iter().any(|r| r.starts_with("PATCH")));

    // Apply: a server-side dry run, then the apply, as field manager `assay`.
    let applied = fix(&["--apply", "--yes"]);
    assert_eq!(applied.status.code(), Some(0), "{}", out(&applied));
    assert!(
        out(&applied).contains("applied   #1 kubernetes:apps/v1/Deployment:shop/api"),
        "{}",
        out(&applied)
    );
    let patches: Vec<String> = server
        .requests()
        .into_iter()
        .filter(|r| r.starts_with("PATCH"))
        .collect();
    assert_eq!(patches.len(), 4, "{patches:#?}");
    assert!(
        patches[0].contains("dryRun=All")
            && patches[0].contains("fieldManager=assay")
            && patches[0].contains("application/apply-patch"),
        "{patches:#?}"
    );
    assert!(!patches[1].contains("dryRun"), "{patches:#?}");
    let web = server.get("Deployment", "shop", "web").unwrap();
    let sc = &web["spec"]["template"]["spec"]["containers"][1]["securityContext"];
    assert_eq!(
        sc,
        &json!({"privileged": false, "allowPrivilegeEscalation": false})
    );
    assert_eq!(
        web["spec"]["template"]["spec"]["containers"][0],
        json!({"name": "side", "image": "side:1", "securityContext": {"allowPrivilegeEscalation": false}}),
        "untouched fields stay"
    );
    assert_eq!(
        server.get("Pod", "shop", "web-5d-abc").unwrap()["spec"]["containers"][0]
            ["securityContext"]["privileged"],
        true
    );

    // Idempotent: nothing left to fix; a re-scan agrees.
    let again = fix(&[]);
    assert_eq!(again.status.code(), Some(0), "{}", out(&again));
    assert!(out(&again).contains("0 changes planned"));
    let scan = run(
        &kc,
        &state,
        &["scan", "--k8s", "--kinds", "Deployment", "--format", "json"],
    );
    let report: Value = serde_json::from_slice(&scan.stdout).unwrap();
    assert!(
        !report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "K8S-PSS-003"),
        "{report}"
    );

    // The log: who, when, what, before and after.
    let log: Value = serde_json::from_slice(&fix_log(&state, "json")).unwrap();
    let actions = log.as_array().unwrap();
    assert_eq!(actions.len(), 2);
    let web_action = actions
        .iter()
        .find(|a| a["resource"].as_str().unwrap().ends_with("shop/web"))
        .unwrap();
    assert_eq!(web_action["result"], "applied");
    assert_eq!(
        web_action["before"]["/spec/template/spec/containers/1/securityContext/privileged"],
        true
    );
    assert_eq!(
        web_action["after"]["/spec/template/spec/containers/1/securityContext/privileged"],
        false
    );
    assert!(web_action["actor"].as_str().unwrap().contains('@'));
    let web_id = web_action["id"].as_i64().unwrap().to_string();

    // Roll back web: `privileged: true` again, the added field released.
    let back = run(&kc, &state, &["fix", "rollback", &web_id, "--yes"]);
    assert_eq!(back.status.code(), Some(0), "{}", out(&back));
    let web = server.get("Deployment", "shop", "web").unwrap();
    assert_eq!(
        web["spec"]["template"]["spec"]["containers"][1]["securityContext"],
        json!({"privileged": true})
    );
    assert_eq!(
        web["spec"]["template"]["spec"]["containers"][0],
        json!({"name": "side", "image": "side:1"})
    );
    let twice = run(&kc, &state, &["fix", "rollback", &web_id, "--yes"]);
    assert_eq!(twice.status.code(), Some(2));
    assert!(out(&twice).contains("is `rolled-back`"), "{}", out(&twice));

    // Someone changes api after the fix: its rollback is a conflict, not an overwrite.
    let mut api = server.get("Deployment", "shop", "api").unwrap();
    api["spec"]["replicas"] = json!(3);
    server.put(api);
    let api_id = actions
        .iter()
        .find(|a| a["resource"].as_str().unwrap().ends_with("shop/api"))
        .unwrap()["id"]
        .to_string();
    let conflict = run(&kc, &state, &["fix", "rollback", &api_id, "--yes"]);
    assert_eq!(conflict.status.code(), Some(2));
    assert!(out(&conflict).contains("conflict"), "{}", out(&conflict));
    assert_eq!(
        server.get("Deployment", "shop", "api").unwrap()["spec"]["template"]["spec"]["containers"]
            [1]["securityContext"]["privileged"],
        false
    );

    let text = String::from_utf8_lossy(&fix_log(&state, "text")).to_string();
    assert!(
        text.contains("rolled-back")
            && text.contains(&format!("(undoes #{web_id})"))
            && text.contains("conflict"),
        "{text}"
    );
}

#[test]
fn fix_files_in_place_with_diff_log_and_rollback() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("k8s");
    std::fs::create_dir(&demo).unwrap();
    for f in ["web.yaml", "batch.yaml"] {
        std::fs::copy(common::root().join("testdata/demo").join(f), demo.join(f)).unwrap();
    }
    let web = demo.join("web.yaml");
    let original = std::fs::read_to_string(&web).unwrap();
    let state = dir.path().join("state.db");
    let assay = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_assay"))
            .args(args)
            .args(["--state", state.to_str().unwrap()])
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let d = demo.to_str().unwrap();
    // --diff: a unified diff to apply by hand; nothing written.
    let diff = assay(&["fix", d, "--rule", "K8S-PSS-003", "--diff"]);
    assert_eq!(diff.status.code(), Some(1));
    let text = String::from_utf8_lossy(&diff.stdout).to_string();
    assert!(
        text.contains("-            privileged: true\n+            privileged: false\n"),
        "{text}"
    );
    assert!(
        !text.contains("batch.yaml"),
        "only files with a fix for the rule: {text}"
    );
    assert_eq!(std::fs::read_to_string(&web).unwrap(), original);

    // --apply rewrites in place: only the fixed lines change, comments stay.
    let applied = assay(&[
        "fix",
        d,
        "--rule",
        "K8S-PSS-003",
        "--rule",
        "K8S-PSS-014",
        "--apply",
        "--yes",
    ]);
    assert_eq!(applied.status.code(), Some(0), "{}", out(&applied));
    let fixed = std::fs::read_to_string(&web).unwrap();
    assert!(
        fixed.contains("privileged: false") && fixed.contains("allowPrivilegeEscalation: false"),
        "{fixed}"
    );
    let removed: Vec<&str> = original
        .lines()
        .filter(|l| !fixed.lines().any(|f| f == *l))
        .collect();
    assert_eq!(
        removed,
        vec!["            privileged: true"],
        "every other line is kept as it was"
    );
    // The re-scan agrees; a second run has nothing to do.
    let scan = Command::new(env!("CARGO_BIN_EXE_assay"))
        .args(["scan", d, "-f", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&scan.stdout).unwrap();
    assert!(
        !report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "K8S-PSS-003" || f["rule"] == "K8S-PSS-014"),
        "{report}"
    );
    let again = assay(&["fix", d, "--rule", "K8S-PSS-003", "--rule", "K8S-PSS-014"]);
    assert_eq!(again.status.code(), Some(0), "{}", out(&again));

    // Logged, and rolled back to the byte.
    let log: Value = serde_json::from_slice(&fix_log(&state, "json")).unwrap();
    let web_action = log
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["resource"].as_str().unwrap().ends_with("web.yaml"))
        .unwrap();
    assert_eq!(web_action["target"], "files");
    let id = web_action["id"].to_string();
    let back = assay(&["fix", "rollback", &id, "--yes"]);
    assert_eq!(back.status.code(), Some(0), "{}", out(&back));
    assert_eq!(std::fs::read_to_string(&web).unwrap(), original);
    // A file edited since is not overwritten by a rollback.
    let applied = assay(&["fix", d, "--rule", "K8S-PSS-003", "--apply", "--yes"]);
    assert_eq!(applied.status.code(), Some(0), "{}", out(&applied));
    let log: Value = serde_json::from_slice(&fix_log(&state, "json")).unwrap();
    let latest = log[0]["id"].to_string();
    std::fs::write(
        &web,
        std::fs::read_to_string(&web).unwrap() + "# edited by hand\n",
    )
    .unwrap();
    let conflict = assay(&["fix", "rollback", &latest, "--yes"]);
    assert_eq!(conflict.status.code(), Some(2));
    assert!(
        out(&conflict).contains("changed since it was read"),
        "{}",
        out(&conflict)
    );
}

#[test]
fn drift_restore_puts_live_objects_back_to_the_baseline() {
    let server = ApiServer::start(default_kinds());
    let web = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "shop"},
                     "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                              "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "app:1"}]}}}});
    let cfg = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg", "namespace": "shop"}, "data": {"mode": "strict"}});
    server.put(web.clone());
    server.put(cfg.clone());
    let dir = tempfile::tempdir().unwrap();
    let kc = server.kubeconfig(dir.path());
    let state = dir.path().join("state.db");
    let manifests = dir.path().join("desired.yaml");
    std::fs::write(&manifests, format!("{}\n---\n{}\n", web, cfg)).unwrap();
    let set = Command::new(env!("CARGO_BIN_EXE_assay"))
        .args([
            "baseline",
            "set",
            manifests.to_str().unwrap(),
            "--state",
            state.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(set.status.success(), "{}", out(&set));
    // Someone scales by hand, changes the image and deletes the ConfigMap.
    let mut drifted = server.get("Deployment", "shop", "web").unwrap();
    drifted["spec"]["replicas"] = json!(5);
    drifted["spec"]["template"]["spec"]["containers"][0]["image"] = json!("app:hotfix");
    server.put(drifted);
    server.delete("ConfigMap", "shop", "cfg");
    let drift = |extra: &[&str]| {
        let mut args = vec!["drift", "--k8s", "--kinds", "Deployment,ConfigMap"];
        args.extend_from_slice(extra);
        run(&kc, &state, &args)
    };
    assert_eq!(drift(&[]).status.code(), Some(1));
    let plan = drift(&["--restore"]);
    assert_eq!(plan.status.code(), Some(1), "{}", out(&plan));
    let text = out(&plan);
    assert!(text.contains("/spec/replicas: 5 → 2"), "{text}");
    assert!(
        text.contains("/spec/template/spec/containers/0/image: \"app:hotfix\" → \"app:1\""),
        "{text}"
    );
    assert!(
        text.contains("~ kubernetes:v1/ConfigMap:shop/cfg"),
        "{text}"
    );
    assert_eq!(
        server.get("Deployment", "shop", "web").unwrap()["spec"]["replicas"],
        5,
        "a plan changes nothing"
    );
    let applied = drift(&["--restore", "--apply", "--yes"]);
    assert_eq!(applied.status.code(), Some(0), "{}", out(&applied));
    assert_eq!(
        server.get("Deployment", "shop", "web").unwrap()["spec"]["replicas"],
        2
    );
    assert_eq!(
        server.get("ConfigMap", "shop", "cfg").unwrap()["data"],
        json!({"mode": "strict"})
    );
    let after = drift(&[]);
    assert_eq!(
        after.status.code(),
        Some(0),
        "no drift left: {}",
        out(&after)
    );
    let log: Value = serde_json::from_slice(&fix_log(&state, "json")).unwrap();
    assert_eq!(log.as_array().unwrap().len(), 2);
    assert!(log
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["result"] == "applied" && a["rules"] == json!(["ASSAY-DRIFT"])));
}
