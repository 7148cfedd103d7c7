//! `assay watch --k8s` through the real `kube` runtime watcher against the
//! in-process API server: changes are evaluated and reported as they
//! happen, a compaction (`410 Gone`, relist) and a dropped connection
//! repeat no alert, drift from a baseline is reported, every batch is
//! recorded and notified.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "integration tests fail loudly by design"
)]

mod common;

use common::apiserver::{default_kinds, ApiServer};
use common::receiver::receiver;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn pod(name: &str, privileged: bool) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "shop"},
           "spec": {"containers": [{"name": "c", "image": "registry.example/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                                    "securityContext": {"privileged": privileged}}]}})
}

fn deployment(replicas: u32) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "shop"},
           "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                    "template": {"metadata": {"labels": {"app": "web"}},
                                 "spec": {"containers": [{"name": "app", "image": "web:1"}]}}}})
}

struct Watch {
    child: std::process::Child,
    lines: Arc<Mutex<Vec<Value>>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Watch {
    fn events(&self) -> Vec<Value> {
        self.lines.lock().unwrap().clone()
    }

    /// Wait until `pred` holds for some event; returns it.
    fn wait_for(&self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(v) = self.events().into_iter().find(|v| pred(v)) {
                return v;
            }
            assert!(
                Instant::now() < deadline,
                "no {what} in {:#?}",
                self.events()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn count(&self, pred: impl Fn(&Value) -> bool) -> usize {
        self.events().iter().filter(|v| pred(v)).count()
    }

    fn stop(mut self) -> i32 {
        Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        let code = self.child.wait().unwrap().code().unwrap_or(-1);
        if let Some(r) = self.reader.take() {
            r.join().unwrap();
        }
        code
    }
}

fn is_finding(v: &Value, change: &str, rule: &str, resource_suffix: &str) -> bool {
    v["event"] == "finding"
        && v["change"] == change
        && v["rule"] == rule
        && v["resource"]
            .as_str()
            .is_some_and(|r| r.ends_with(resource_suffix))
}

#[test]
fn watch_reports_changes_once_across_relists_and_reconnects() {
    let server = ApiServer::start(default_kinds());
    server.put(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}));
    server.put(pod("fine", false));
    server.put(deployment(2));
    let dir = tempfile::tempdir().unwrap();
    let kc = server.kubeconfig(dir.path());
    let state = dir.path().join("state.db");
    // Bless the deployment as written in git.
    let manifest = dir.path().join("web.yaml");
    std::fs::write(&manifest, serde_json::to_string(&deployment(2)).unwrap()).unwrap();
    let set = Command::new(env!("CARGO_BIN_EXE_assay"))
        .args([
            "baseline",
            "set",
            manifest.to_str().unwrap(),
            "--state",
            state.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        set.status.success(),
        "{}",
        String::from_utf8_lossy(&set.stderr)
    );
    let (hook_url, hook) = receiver(vec![200]);
    let config = dir.path().join("assay.yaml");
    std::fs::write(&config, format!("notifications:\n  - {{name: hook, type: webhook, url: '{hook_url}/w', min_severity: high}}\n")).unwrap();

    let mut child = Command::new(env!("CARGO_BIN_EXE_assay"))
        .args([
            "watch",
            "--k8s",
            "--kubeconfig",
            kc.to_str().unwrap(),
            "--kinds",
            "Pod,Deployment,Namespace",
            "--record",
            "--against",
            "default",
            "--notify",
            config.to_str().unwrap(),
            "--state",
            state.to_str().unwrap(),
        ])
        .env_remove("KUBECONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = lines.clone();
    let out = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let line = line.unwrap();
            sink.lock()
                .unwrap()
                .push(serde_json::from_str(&line).unwrap_or(json!({"raw": line})));
        }
    });
    let w = Watch {
        child,
        lines,
        reader: Some(reader),
    };
    let synced = w.wait_for("synced", |v| v["event"] == "synced");
    assert_eq!(synced["objects"], 3, "{synced}");
    assert_eq!(
        w.count(|v| v["event"] == "finding"),
        0,
        "the state at start-up is the reference"
    );

    // A privileged pod appears: reported once, as it happens.
    server.put(pod("bad", true));
    let f = w.wait_for("privileged finding", |v| {
        is_finding(v, "new", "K8S-PSS-003", "shop/bad")
    });
    assert!(f["latency_ms"].as_f64().is_some(), "{f}");
    eprintln!(
        "watch: privileged pod reported {} ms after its event arrived",
        f["latency_ms"]
    );
    w.wait_for("recorded scan", |v| v["event"] == "recorded");
    w.wait_for("notification", |v| {
        v["event"] == "notification" && v["status"] == "sent"
    });
    {
        let got = hook.lock().unwrap();
        let body = got[0].json();
        assert!(
            body["new"]
                .as_array()
                .unwrap()
                .iter()
                .all(|f| f["severity"] == "critical" || f["severity"] == "high"),
            "{body}"
        );
        assert!(
            body["new"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["rule"] == "K8S-PSS-003"),
            "{body}"
        );
    }

    // etcd compaction: every watch gets 410 Gone and relists. No repeats.
    server.expire();
    server.put(pod("fine", false)); // same content: no change
    std::thread::sleep(Duration::from_millis(1500));
    // A dropped connection: the watcher reconnects and still sees changes.
    server.drop_watches();
    std::thread::sleep(Duration::from_millis(300));
    server.put(deployment(5)); // drift: replicas 2 → 5
    let drift = w.wait_for("drift", |v| is_finding(v, "new", "ASSAY-DRIFT", "shop/web"));
    assert!(
        drift["message"]
            .as_str()
            .unwrap()
            .contains("/spec/replicas: expected 2, live 5"),
        "{drift}"
    );
    assert_eq!(
        w.count(|v| is_finding(v, "new", "K8S-PSS-003", "shop/bad")),
        1,
        "no duplicate alert after relist"
    );

    // The pod goes away: its findings resolve.
    server.delete("Pod", "shop", "bad");
    w.wait_for("resolved", |v| {
        is_finding(v, "resolved", "K8S-PSS-003", "shop/bad")
    });
    // Drift resolves when the field is restored.
    server.put(deployment(2));
    w.wait_for("drift resolved", |v| {
        is_finding(v, "resolved", "ASSAY-DRIFT", "shop/web")
    });

    let requests = server.requests();
    let watches = requests.iter().filter(|r| r.contains("watch=true")).count();
    assert!(
        watches >= 6,
        "initial watches and re-watches after 410 and the drop: {requests:#?}"
    );
    let code = w.stop();
    assert_eq!(code, 0);

    let store = assay_state::Store::open(&state).unwrap();
    let history = store.history(None, 100).unwrap();
    assert!(history.len() >= 4, "{history:?}");
    assert!(history
        .iter()
        .all(|m| m.origin == "watch" && m.target == "k8s:test-ctx"));
    assert!(store.verify().unwrap().is_empty());
}
