//! The state store end to end through the real binary: `scan --record`,
//! `history`, `diff`, `baseline`/`drift`, notifications to a local HTTP
//! receiver, `schedule`, concurrent writers, `kill -9` mid-write, and the
//! HTML report in a real headless browser.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "integration tests fail loudly by design"
)]

mod common;

use common::receiver::receiver;
use common::{json, root};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Run assay with a private state store.
fn run(state: &Path, args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_assay"));
    cmd.args(args)
        .current_dir(root())
        .env("ASSAY_STATE", state)
        .env("ASSAY_TODAY", "2026-06-01")
        .env("ASSAY_NOTIFY_BACKOFF_MS", "20")
        .env_remove("SOURCE_DATE_EPOCH");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

/// A private copy of the demo manifests.
fn demo_copy(dir: &Path) -> PathBuf {
    let to = dir.join("demo");
    std::fs::create_dir_all(&to).unwrap();
    for e in std::fs::read_dir(root().join("testdata/demo")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
    to
}

/// Make the demo's web Deployment run 4 replicas and its init container unprivileged.
fn change_demo(demo: &Path) {
    let web = demo.join("web.yaml");
    let text = std::fs::read_to_string(&web).unwrap();
    assert!(text.contains("replicas: 3") && text.contains("privileged: true"));
    let text = text.replace("replicas: 3", "replicas: 4").replacen(
        "privileged: true",
        "privileged: false",
        1,
    );
    std::fs::write(&web, text).unwrap();
}

#[test]
fn record_history_and_diff() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.db");
    let demo = demo_copy(dir.path());
    let d = demo.to_str().unwrap();
    let first = run(&state, &["scan", d, "--record", "-q"], &[]);
    assert_eq!(first.status.code(), Some(1), "{}", stderr(&first));
    change_demo(&demo);
    let second = run(&state, &["scan", d, "--record"], &[]);
    assert_eq!(second.status.code(), Some(1));
    assert!(
        stderr(&second).contains("recorded scan 2 of files:"),
        "{}",
        stderr(&second)
    );

    let history = json(&run(&state, &["history", "-f", "json"], &[]));
    let scans = history.as_array().unwrap();
    assert_eq!(scans.len(), 2);
    assert_eq!(scans[0]["id"], 2);
    assert_eq!(scans[0]["target"], scans[1]["target"]);
    assert_eq!(scans[0]["resources"], 6);
    assert!(stdout(&run(&state, &["history"], &[])).contains("RESOURCES"));

    let out = run(&state, &["diff", "latest~1", "latest", "-f", "json"], &[]);
    assert_eq!(out.status.code(), Some(1), "a diff with changes exits 1");
    let d = json(&out);
    assert_eq!(d["added"], serde_json::json!([]));
    assert_eq!(d["changed"].as_array().unwrap().len(), 1);
    let changes: Vec<(String, Value, Value)> = d["changed"][0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["pointer"].as_str().unwrap().to_string(),
                c["old"].clone(),
                c["new"].clone(),
            )
        })
        .collect();
    assert!(
        changes.contains(&("/spec/replicas".into(), 3.into(), 4.into())),
        "{changes:?}"
    );
    let resolved: Vec<&str> = d["findings"]["resolved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(resolved.contains(&"K8S-PSS-003"), "{resolved:?}");
    // A reworded finding about the same field is not new.
    let new: Vec<&str> = d["findings"]["new"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(!new.contains(&"K8S-BP-011"), "{new:?}");

    let md = stdout(&run(&state, &["diff", "1", "2", "-f", "markdown"], &[]));
    assert!(
        md.contains(
            "| changed | `kubernetes:apps/v1/Deployment:shop/web` | `/spec/replicas` | `3` | `4` |"
        ),
        "{md}"
    );
    let same = run(&state, &["diff", "2", "latest"], &[]);
    assert_eq!(same.status.code(), Some(0), "{}", stdout(&same));
    let missing = run(&state, &["diff", "latest~5", "latest"], &[]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("no scan `latest~5`"));
}

#[test]
fn diff_of_snapshot_files_never_shows_secret_values() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("unused.db");
    let secret = |v: &str| {
        format!("apiVersion: v1\nkind: Secret\nmetadata: {{name: db, namespace: shop}}\ndata: {{password: {v}}}\n")
    };
    let m = dir.path().join("m.yaml");
    std::fs::write(&m, secret("aHVudGVyMg==")).unwrap();
    let a = dir.path().join("a.json");
    let b = dir.path().join("b.json");
    assert!(run(
        &state,
        &["snapshot", m.to_str().unwrap(), "-o", a.to_str().unwrap()],
        &[]
    )
    .status
    .success());
    std::fs::write(
        &m,
        secret("c2VjcmV0LXRvbw==")
            + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra, namespace: shop}\n",
    )
    .unwrap();
    assert!(run(
        &state,
        &["snapshot", m.to_str().unwrap(), "-o", b.to_str().unwrap()],
        &[]
    )
    .status
    .success());
    let out = run(
        &state,
        &[
            "diff",
            a.to_str().unwrap(),
            b.to_str().unwrap(),
            "-f",
            "json",
        ],
        &[],
    );
    let text = stdout(&out);
    assert!(
        !text.contains("aHVudGVyMg") && !text.contains("c2VjcmV0LXRvbw"),
        "{text}"
    );
    let d: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        d["added"],
        serde_json::json!(["kubernetes:v1/ConfigMap:shop/extra"])
    );
    assert!(!state.exists(), "diffing two files needs no state store");
}

fn big_manifest(dir: &Path, n: usize, variant: usize) -> PathBuf {
    let mut text = String::new();
    for i in 0..n {
        let image = if i < variant { "web:2" } else { "web:1" };
        text.push_str(&format!(
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-{i}\n  namespace: ns-{}\n  labels: {{app: app-{i}, team: t{}}}\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {{app: app-{i}}}\n  template:\n    metadata:\n      labels: {{app: app-{i}}}\n    spec:\n      containers:\n        - name: app\n          image: registry.example/{image}\n          ports: [{{containerPort: 8080}}]\n          resources: {{requests: {{cpu: 100m, memory: 128Mi}}, limits: {{memory: 256Mi}}}}\n          env: [{{name: MODE, value: production}}, {{name: INDEX, value: \"{i}\"}}]\n",
            i % 20,
            i % 7
        ));
    }
    let p = dir.join("big.yaml");
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn unchanged_resources_cost_almost_nothing_to_record() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.db");
    let n = 1000;
    let p = big_manifest(dir.path(), n, 0);
    let args = [
        "scan",
        p.to_str().unwrap(),
        "--record",
        "-q",
        "--pack",
        "kubernetes",
        "-f",
        "json",
    ];
    assert_eq!(run(&state, &args, &[]).status.code(), Some(1));
    let store = assay_state::Store::open(&state).unwrap();
    let (versions_1, rest_1) = store.payload_bytes().unwrap();
    drop(store);
    big_manifest(dir.path(), n, n / 100); // 1% changed
    assert_eq!(run(&state, &args, &[]).status.code(), Some(1));
    let store = assay_state::Store::open(&state).unwrap();
    let (versions_2, rest_2) = store.payload_bytes().unwrap();
    let first = versions_1 + rest_1;
    let added = (versions_2 + rest_2) - first;
    assert!(
        added * 20 < first,
        "second scan added {added} bytes, first stored {first}"
    );
    assert!(store.verify().unwrap().is_empty());
}

#[test]
fn concurrent_scans_all_land_and_kill_9_leaves_a_consistent_store() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.db");
    let p = big_manifest(dir.path(), 400, 0);
    let path = p.to_str().unwrap().to_string();
    let spawn = |variant: usize| {
        big_manifest(dir.path(), 400, variant);
        Command::new(env!("CARGO_BIN_EXE_assay"))
            .args(["scan", &path, "--record", "-q", "-f", "json"])
            .env("ASSAY_STATE", &state)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    // Four at once.
    let children: Vec<_> = (0..4).map(|_| spawn(0)).collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let store = assay_state::Store::open(&state).unwrap();
    assert_eq!(store.history(None, 100).unwrap().len(), 4);
    drop(store);
    // Killed at different moments of their run, new content each time.
    for (i, delay) in [30u64, 120, 250, 400, 600, 900].iter().enumerate() {
        let mut c = spawn(i + 1);
        std::thread::sleep(Duration::from_millis(*delay));
        c.kill().unwrap(); // SIGKILL
        c.wait().unwrap();
    }
    let store = assay_state::Store::open(&state).unwrap();
    let problems = store.verify().unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    let before = store.history(None, 100).unwrap().len();
    drop(store);
    let out = spawn(0).wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let store = assay_state::Store::open(&state).unwrap();
    assert_eq!(store.history(None, 100).unwrap().len(), before + 1);
    assert!(store.verify().unwrap().is_empty());
}

#[test]
fn notifications_send_only_changes_signed_and_retried() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.db");
    let demo = demo_copy(dir.path());
    let (slack_url, slack) = receiver(vec![200]);
    let (hook_url, hook) = receiver(vec![503, 200]); // one retry
    let (dead_url, dead) = receiver(vec![500]);
    let config = dir.path().join("assay.yaml");
    std::fs::write(
        &config,
        format!(
            "notifications:\n  - {{name: slack, type: slack, url: '{slack_url}/services/T/B/X'}}\n  - {{name: siem, type: webhook, url: '{hook_url}/hook', secret: '${{HOOK_SECRET}}'}}\n  - {{name: critical-only, type: webhook, url: '{dead_url}/x', min_severity: critical}}\n"
        ),
    )
    .unwrap();
    let scan = |extra: &[&str]| {
        let mut args = vec![
            "scan",
            demo.to_str().unwrap(),
            "--record",
            "--notify",
            config.to_str().unwrap(),
            "-f",
            "json",
        ];
        args.extend_from_slice(extra);
        run(&state, &args, &[("HOOK_SECRET", "s3cret")])
    };
    // First scan: everything is new.
    let out = scan(&[]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a failed notification never changes the exit code: {}",
        stderr(&out)
    );
    let err = stderr(&out);
    assert!(
        err.contains("\"route\":\"critical-only\"") && err.contains("\"status\":\"failed\""),
        "{err}"
    );
    {
        let s = slack.lock().unwrap();
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].path, "/services/T/B/X");
        let msg = s[0].json();
        assert!(
            msg["text"].as_str().unwrap().starts_with("Assay: "),
            "{msg}"
        );
        let blocks = msg["blocks"].as_array().unwrap();
        assert_eq!(blocks[0]["type"], "header");
        assert!(
            blocks.iter().any(|b| b["text"]["text"]
                .as_str()
                .is_some_and(|t| t.contains("K8S-PSS-003"))),
            "{msg}"
        );
        let h = hook.lock().unwrap();
        assert_eq!(h.len(), 2, "503 then 200");
        let sig = h[1].header("x-assay-signature").unwrap();
        assert_eq!(
            sig,
            format!(
                "sha256={}",
                assay_reporters::notify::hmac_sha256_hex(b"s3cret", &h[1].body)
            )
        );
        assert_ne!(
            sig,
            format!(
                "sha256={}",
                assay_reporters::notify::hmac_sha256_hex(b"wrong", &h[1].body)
            )
        );
        let body = h[1].json();
        assert_eq!(body["previous"], Value::Null);
        assert!(!body["new"].as_array().unwrap().is_empty());
        assert_eq!(
            dead.lock().unwrap().len(),
            4,
            "four attempts, then recorded as failed"
        );
    }
    let store = assay_state::Store::open(&state).unwrap();
    let attempts = store.notifications(1).unwrap();
    assert!(
        attempts.contains(&(
            "critical-only".into(),
            "failed".into(),
            4,
            "HTTP 500: ok".into()
        )),
        "{attempts:?}"
    );
    drop(store);

    // Nothing changed: nothing is sent.
    scan(&[]);
    assert_eq!(slack.lock().unwrap().len(), 1);
    assert_eq!(hook.lock().unwrap().len(), 2);

    // A fix: the resolved findings are sent; the critical route hears of it too.
    change_demo(&demo);
    scan(&[]);
    let s = slack.lock().unwrap();
    assert_eq!(s.len(), 2);
    let h = hook.lock().unwrap();
    let body = h.last().unwrap().json();
    assert_eq!(body["previous"], 2);
    let resolved: Vec<&str> = body["resolved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(resolved.contains(&"K8S-PSS-003"), "{body}");
    let d = dead.lock().unwrap();
    let last = d.last().unwrap().json();
    assert!(
        last["new"]
            .as_array()
            .unwrap()
            .iter()
            .chain(last["resolved"].as_array().unwrap())
            .all(|f| f["severity"] == "critical"),
        "{last}"
    );
}

#[test]
fn a_bad_notification_config_costs_no_scan() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.db");
    let config = dir.path().join("assay.yaml");
    std::fs::write(
        &config,
        "notifications:\n  - {name: x, type: slack, url: '${ASSAY_NOT_SET_ANYWHERE}'}\n",
    )
    .unwrap();
    let out = run(
        &state,
        &[
            "scan",
            "testdata/demo",
            "--record",
            "--notify",
            config.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("ASSAY_NOT_SET_ANYWHERE"),
        "{}",
        stderr(&out)
    );
    assert!(!state.exists(), "nothing was recorded");
}

#[test]
fn drift_from_blessed_manifests_and_from_a_scan() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.db");
    let demo = demo_copy(dir.path());
    let set = run(&state, &["baseline", "set", demo.to_str().unwrap()], &[]);
    assert!(set.status.success(), "{}", stderr(&set));
    assert!(stdout(&run(&state, &["baseline", "list"], &[])).starts_with("default\t"));
    // Live state: the same manifests, as a cluster would return them.
    let live = dir.path().join("live.json");
    let same = run(
        &state,
        &[
            "snapshot",
            demo.to_str().unwrap(),
            "-o",
            live.to_str().unwrap(),
        ],
        &[],
    );
    assert!(same.status.success());
    let out = run(
        &state,
        &["drift", "--snapshot", live.to_str().unwrap()],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    change_demo(&demo);
    std::fs::remove_file(demo.join("batch.yaml")).unwrap();
    run(
        &state,
        &[
            "snapshot",
            demo.to_str().unwrap(),
            "-o",
            live.to_str().unwrap(),
        ],
        &[],
    );
    let out = run(
        &state,
        &["drift", "--snapshot", live.to_str().unwrap(), "-f", "json"],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    let d = json(&out);
    let drift = d["drift"].as_array().unwrap();
    assert!(
        drift
            .iter()
            .any(|x| x["pointer"] == "/spec/replicas" && x["expected"] == 3 && x["actual"] == 4),
        "{d}"
    );
    assert!(drift.iter().any(|x| x["kind"] == "missing"), "{d}");
    assert_eq!(d["counts"]["changed"], 2);
    // Bless a recorded scan instead, then the same state shows no drift.
    run(
        &state,
        &[
            "scan",
            demo.to_str().unwrap(),
            "--record",
            "-q",
            "-f",
            "json",
        ],
        &[],
    );
    assert!(run(
        &state,
        &["baseline", "set", "latest", "--name", "scanned"],
        &[]
    )
    .status
    .success());
    let out = run(
        &state,
        &[
            "drift",
            "--snapshot",
            live.to_str().unwrap(),
            "--against",
            "scanned",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let none = run(
        &state,
        &[
            "drift",
            "--snapshot",
            live.to_str().unwrap(),
            "--against",
            "nope",
        ],
        &[],
    );
    assert_eq!(none.status.code(), Some(2));
    assert!(stderr(&none).contains("no baseline `nope`"));
}

#[test]
fn schedule_runs_a_missed_job_at_start_up_and_shuts_down_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.db");
    let demo = demo_copy(dir.path());
    let report = dir.path().join("nightly.html");
    let config = dir.path().join("assay.yaml");
    std::fs::write(
        &config,
        format!(
            "jobs:\n  - name: nightly\n    schedule: '0 2 * * *'\n    paths: ['{}']\n    report: '{}'\n",
            demo.display(),
            report.display()
        ),
    )
    .unwrap();
    let c = config.to_str().unwrap();
    // A run two days ago.
    let two_days_ago = (std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        - 2 * 86_400)
        .to_string();
    let once = run(
        &state,
        &["schedule", "-c", c, "--once", "nightly"],
        &[("SOURCE_DATE_EPOCH", &two_days_ago)],
    );
    assert_eq!(once.status.code(), Some(1), "{}", stderr(&once));
    assert!(report.exists());
    assert!(
        stderr(&run(&state, &["schedule", "-c", c, "--once", "nope"], &[]))
            .contains("no job `nope`")
    );
    // The scheduler sees the missed 02:00 run and runs it at once.
    let mut child = Command::new(env!("CARGO_BIN_EXE_assay"))
        .args(["schedule", "-c", c])
        .env("ASSAY_STATE", &state)
        .env_remove("SOURCE_DATE_EPOCH")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = lines.clone();
    let err = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(err).lines() {
            sink.lock().unwrap().push(line.unwrap());
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    while !lines
        .lock()
        .unwrap()
        .iter()
        .any(|l| l.contains("\"event\":\"job-end\""))
    {
        assert!(Instant::now() < deadline, "{:?}", lines.lock().unwrap());
        std::thread::sleep(Duration::from_millis(50));
    }
    let term = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let status = child.wait().unwrap();
    reader.join().unwrap();
    assert_eq!(status.code(), Some(0));
    let lines = lines.lock().unwrap();
    let events: Vec<String> = lines
        .iter()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .map(|v| v["event"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        events,
        vec![
            "missed-run",
            "scheduled",
            "job-start",
            "job-end",
            "shutdown",
            "stopped"
        ],
        "{lines:?}"
    );
    let history = json(&run(&state, &["history", "-f", "json"], &[]));
    assert_eq!(history.as_array().unwrap().len(), 2);
    assert_eq!(history[0]["origin"], "schedule:nightly");
}

#[test]
fn cronjobs_for_the_jobs_pass_the_built_in_packs() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("assay.yaml");
    std::fs::write(
        &config,
        "jobs:\n  - {name: Nightly Cluster, schedule: '0 2 * * *', k8s: {}}\n",
    )
    .unwrap();
    let out = run(
        &dir.path().join("s.db"),
        &[
            "schedule",
            "-c",
            config.to_str().unwrap(),
            "--print-cronjobs",
        ],
        &[],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let yaml = stdout(&out);
    assert!(
        yaml.contains("name: \"assay-nightly-cluster\"")
            && yaml.contains("concurrencyPolicy: \"Forbid\""),
        "{yaml}"
    );
    let scan = common::assay_stdin(&["scan", "-", "-f", "json"], Some(&yaml));
    assert_eq!(scan.status.code(), Some(0), "{}", stdout(&scan));
    assert_eq!(json(&scan)["summary"]["resources"], 8);
}

fn chromium() -> Option<&'static str> {
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        });
    if found.is_none() && std::env::var_os("ASSAY_REQUIRE_CHROMIUM").is_some() {
        panic!("ASSAY_REQUIRE_CHROMIUM is set but no chromium is installed");
    }
    found
}

#[test]
fn html_report_renders_in_a_headless_browser() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.db");
    let demo = demo_copy(dir.path());
    let d = demo.to_str().unwrap();
    run(&state, &["scan", d, "--record", "-q", "-f", "json"], &[]);
    change_demo(&demo);
    run(&state, &["scan", d, "--record", "-q", "-f", "json"], &[]);
    let html = dir.path().join("report.html");
    let out = run(
        &state,
        &[
            "scan",
            d,
            "--record",
            "-q",
            "-f",
            "html",
            "-o",
            html.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    let text = std::fs::read_to_string(&html).unwrap();
    assert_eq!(
        text.matches("<circle").count(),
        3,
        "three recorded scans in the trend"
    );
    let Some(browser) = chromium() else {
        eprintln!("chromium not installed: browser check skipped (CI sets ASSAY_REQUIRE_CHROMIUM)");
        return;
    };
    let profile = dir.path().join("profile");
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    let dom = stdout(&out);
    let log = stderr(&out);
    assert!(
        dom.contains("data-ready=\"1\""),
        "the page script ran to its end:\n{log}"
    );
    assert!(
        !log.contains("Uncaught") && !log.contains(":CONSOLE("),
        "console errors:\n{log}"
    );
    let report: Value = json(&run(&state, &["history", "-f", "json", "-n", "1"], &[]));
    let failing: u64 = report[0]["summary"]["by_severity"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert!(
        dom.contains(&format!("<b class=\"fail\">{failing}</b>failing")),
        "the page shows the failing count {failing}"
    );
}

#[test]
fn a_scheduled_job_can_fix_and_then_confirms_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.db");
    let demo = demo_copy(dir.path());
    let config = dir.path().join("assay.yaml");
    let write = |apply: bool| {
        std::fs::write(
            &config,
            format!(
                "jobs:\n  - name: manifests\n    schedule: '@daily'\n    paths: ['{}']\n    fix: {{rules: [K8S-PSS-003], apply: {apply}}}\n",
                demo.display()
            ),
        )
        .unwrap();
    };
    let events = |o: &Output| -> Vec<Value> {
        stderr(o)
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    };
    let web = std::fs::read_to_string(demo.join("web.yaml")).unwrap();
    // Plan only by default: nothing is written.
    write(false);
    let out = run(
        &state,
        &[
            "schedule",
            "-c",
            config.to_str().unwrap(),
            "--once",
            "manifests",
        ],
        &[],
    );
    let plan = events(&out)
        .into_iter()
        .find(|e| e["event"] == "fix-plan")
        .unwrap();
    assert_eq!(plan["planned"], 1, "{plan}");
    assert_eq!(plan["apply"], false);
    assert_eq!(std::fs::read_to_string(demo.join("web.yaml")).unwrap(), web);
    // With apply: the file is fixed, and a re-scan confirms it.
    write(true);
    let out = run(
        &state,
        &[
            "schedule",
            "-c",
            config.to_str().unwrap(),
            "--once",
            "manifests",
        ],
        &[],
    );
    let ev = events(&out);
    let verified = ev
        .iter()
        .find(|e| e["event"] == "fix-verified")
        .unwrap_or_else(|| panic!("{}", stderr(&out)));
    assert_eq!(verified["remaining"], 0, "{verified}");
    assert!(std::fs::read_to_string(demo.join("web.yaml"))
        .unwrap()
        .contains("privileged: false"));
    let history = json(&run(&state, &["history", "-f", "json"], &[]));
    assert_eq!(history[0]["origin"], "schedule:manifests:verify");
}
