//! `assay serve` over real HTTPS with AdmissionReview bodies as a
//! kube-apiserver sends them: decisions, exemptions, bad input, the deadline
//! and failure policy, metrics, mutual TLS, hot reload under load, graceful
//! shutdown.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "integration tests fail loudly by design"
)]

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

struct Server {
    child: Child,
    addr: String,
    certs: PathBuf,
    log: Arc<Mutex<Vec<String>>>,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_assay")
}

fn certs(dir: &Path) -> PathBuf {
    let out = dir.join("certs");
    let st = Command::new(bin())
        .args([
            "certs",
            "generate",
            "--san",
            "localhost",
            "--client",
            "kube-apiserver",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    out
}

/// Start `assay serve` on a free port; wait until policies are loaded.
fn start(args: &[&str]) -> Server {
    start_with(args, false)
}

/// With `mtls`, clients must present a certificate from the server's CA.
fn start_with(args: &[&str], mtls: bool) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let certs = certs(dir.path());
    let mut cmd = Command::new(bin());
    cmd.args(["serve", "--addr", "127.0.0.1:0"])
        .arg("--tls-cert")
        .arg(certs.join("tls.crt"))
        .arg("--tls-key")
        .arg(certs.join("tls.key"));
    if mtls {
        cmd.arg("--client-ca").arg(certs.join("ca.crt"));
    }
    let mut child = cmd
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let log = Arc::new(Mutex::new(Vec::new()));
    let (tx, rx) = std::sync::mpsc::channel();
    let sink = log.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            let _ = tx.send(line.clone());
            sink.lock().unwrap().push(line);
        }
    });
    let mut addr = None;
    loop {
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("server did not start");
        let v: Value = serde_json::from_str(&line).unwrap_or(Value::Null);
        if v["msg"] == "listening" {
            addr = Some(v["addr"].as_str().unwrap().to_string());
        }
        if v["msg"] == "policies loaded" {
            break;
        }
        assert_ne!(v["level"], "error", "{line}");
    }
    Server {
        child,
        addr: addr.unwrap(),
        certs,
        log,
        _dir: dir,
    }
}

/// Wait (up to 30 s) until `n` log lines contain `needle`.
fn wait_log(server: &Server, needle: &str, n: usize) {
    for _ in 0..600 {
        let count = server
            .log
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.contains(needle))
            .count();
        if count >= n {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("no `{needle}` in the log: {:?}", server.log.lock().unwrap());
}

fn tls(certs: &Path, client_cert: bool) -> tokio_rustls::TlsConnector {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    let mut roots = rustls::RootCertStore::empty();
    for c in CertificateDer::pem_file_iter(certs.join("ca.crt")).unwrap() {
        roots.add(c.unwrap()).unwrap();
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let b = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots);
    let config = if client_cert {
        let chain: Vec<CertificateDer<'static>> =
            CertificateDer::pem_file_iter(certs.join("client.crt"))
                .unwrap()
                .map(Result::unwrap)
                .collect();
        let key = PrivateKeyDer::from_pem_file(certs.join("client.key")).unwrap();
        b.with_client_auth_cert(chain, key).unwrap()
    } else {
        b.with_no_client_auth()
    };
    tokio_rustls::TlsConnector::from(Arc::new(config))
}

/// One request over a fresh TLS connection: (status, body).
async fn call(
    server: &Server,
    method: &str,
    path: &str,
    body: Vec<u8>,
    client_cert: bool,
) -> Result<(u16, String), String> {
    let tcp = tokio::net::TcpStream::connect(&server.addr)
        .await
        .map_err(|e| e.to_string())?;
    let name = rustls_pki_types::ServerName::try_from("localhost").unwrap();
    let stream = tls(&server.certs, client_cert)
        .connect(name, tcp)
        .await
        .map_err(|e| e.to_string())?;
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .map_err(|e| e.to_string())?;
    tokio::spawn(conn);
    let req = hyper::Request::builder()
        .method(method)
        .uri(path)
        .header("host", "localhost")
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body)))
        .unwrap();
    let resp = sender.send_request(req).await.map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    let bytes = resp
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    Ok((status, String::from_utf8_lossy(&bytes).to_string()))
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn pod(name: &str, privileged: bool) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": "shop", "labels": {"app.kubernetes.io/name": name}},
        "spec": {
            "securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}},
            "containers": [{
                "name": "app", "image": "registry.example/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                "securityContext": {"privileged": privileged, "allowPrivilegeEscalation": privileged, "readOnlyRootFilesystem": true, "capabilities": {"drop": ["ALL"]}},
                "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}, "limits": {"cpu": "1", "memory": "128Mi"}},
            }],
        },
    })
}

/// An AdmissionReview as the API server sends it.
fn review(uid: &str, op: &str, ns: &str, object: Value, extra: Value) -> Vec<u8> {
    let mut r = json!({
        "uid": uid,
        "kind": {"group": "", "version": "v1", "kind": "Pod"},
        "resource": {"group": "", "version": "v1", "resource": "pods"},
        "requestKind": {"group": "", "version": "v1", "kind": "Pod"},
        "requestResource": {"group": "", "version": "v1", "resource": "pods"},
        "name": object["metadata"]["name"], "namespace": ns, "operation": op,
        "userInfo": {"username": "alice", "uid": "4f1", "groups": ["system:authenticated"]},
        "object": object, "oldObject": null, "dryRun": false,
        "options": {"apiVersion": "meta.k8s.io/v1", "kind": "CreateOptions"},
    });
    for (k, v) in extra.as_object().unwrap() {
        r[k] = v.clone();
    }
    serde_json::to_vec(
        &json!({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": r}),
    )
    .unwrap()
}

async fn verdict(server: &Server, body: Vec<u8>) -> Value {
    let (status, text) = call(server, "POST", "/validate", body, false)
        .await
        .unwrap();
    assert_eq!(status, 200, "{text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    v["response"].clone()
}

#[test]
fn decisions_over_https() {
    let server = start(&["--exempt-group", "system:masters"]);
    rt().block_on(async {
        let bad = verdict(&server, review("u-1", "CREATE", "shop", pod("bad", true), json!({}))).await;
        assert_eq!(bad["uid"], "u-1");
        assert_eq!(bad["allowed"], false);
        let msg = bad["status"]["message"].as_str().unwrap();
        assert!(msg.contains("[K8S-PSS-003] container \"app\" must not set securityContext.privileged=true"), "{msg}");
        assert_eq!(bad["status"]["code"], 403);
        assert!(bad["auditAnnotations"]["assay.dev/rules"].as_str().unwrap().contains("K8S-PSS-003"));

        let good = verdict(&server, review("u-2", "CREATE", "shop", pod("good", false), json!({}))).await;
        assert_eq!(good["allowed"], true, "{good}");
        assert!(good.get("status").is_none());

        // UPDATE is judged on the new object; dry runs are judged the same.
        let update = review("u-3", "UPDATE", "shop", pod("bad", true), json!({"oldObject": pod("bad", false)}));
        assert_eq!(verdict(&server, update).await["allowed"], false);
        let dry = review("u-4", "CREATE", "shop", pod("bad", true), json!({"dryRun": true}));
        assert_eq!(verdict(&server, dry).await["allowed"], false);

        // Nothing to judge, or not to be judged.
        let delete = review("u-5", "DELETE", "shop", Value::Null, json!({"oldObject": pod("bad", true), "name": "bad"}));
        assert_eq!(verdict(&server, delete).await["allowed"], true);
        let status = review("u-6", "UPDATE", "shop", pod("bad", true), json!({"subResource": "status"}));
        assert_eq!(verdict(&server, status).await["allowed"], true);
        let system = review("u-7", "CREATE", "kube-system", pod("bad", true), json!({}));
        assert_eq!(verdict(&server, system).await["allowed"], true);
        let admin = review("u-8", "CREATE", "shop", pod("bad", true), json!({"userInfo": {"username": "root", "groups": ["system:masters"]}}));
        assert_eq!(verdict(&server, admin).await["allowed"], true);

        // Bad input: a clear 400, and the server carries on.
        let (code, text) = call(&server, "POST", "/validate", b"{\"apiVersion\":".to_vec(), false).await.unwrap();
        assert_eq!(code, 400);
        assert!(text.contains("malformed JSON"), "{text}");
        let (code, text) = call(&server, "POST", "/validate", br#"{"apiVersion":"v1","kind":"Pod"}"#.to_vec(), false).await.unwrap();
        assert_eq!((code, text.contains("not an admission.k8s.io/v1 AdmissionReview")), (400, true));
        let (code, _) = call(&server, "GET", "/validate", Vec::new(), false).await.unwrap();
        assert_eq!(code, 405);

        let (code, ok) = call(&server, "GET", "/healthz", Vec::new(), false).await.unwrap();
        assert_eq!((code, ok.as_str()), (200, "ok\n"));
        let (code, _) = call(&server, "GET", "/readyz", Vec::new(), false).await.unwrap();
        assert_eq!(code, 200);
        let (_, metrics) = call(&server, "GET", "/metrics", Vec::new(), false).await.unwrap();
        assert!(metrics.contains("assay_admission_requests_total{operation=\"CREATE\",allowed=\"false\",outcome=\"denied\"} 2"), "{metrics}");
        assert!(metrics.contains("assay_admission_decisions_total{rule=\"K8S-PSS-003\",action=\"deny\"} 3"), "{metrics}");
        assert!(metrics.contains("assay_admission_errors_total{reason=\"bad_request\"} 2"), "{metrics}");
        let rules: usize = metrics
            .lines()
            .find_map(|l| l.strip_prefix("assay_policy_rules "))
            .and_then(|n| n.parse().ok())
            .unwrap();
        assert!(rules >= 73, "{metrics}");
        assert!(metrics.contains("assay_admission_request_duration_seconds_count 8"), "{metrics}");
    });
    // The audit trail: one JSON line per denial, naming who, what and which rule.
    wait_log(&server, "\"denied\"", 3);
    let log = server.log.lock().unwrap().clone();
    let denials: Vec<Value> = log
        .iter()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["msg"] == "denied")
        .collect();
    assert_eq!(denials.len(), 3);
    assert_eq!(denials[0]["user"], "alice");
    assert_eq!(denials[0]["uid"], "u-1");
    assert_eq!(denials[0]["rules"][0]["rule"], "K8S-PSS-003");
}

#[test]
fn oversized_bodies_are_rejected_with_400() {
    let server = start(&[
        "--max-body-bytes",
        "2048",
        "--no-builtin",
        "--policy",
        "testdata/webhook/policies",
    ]);
    rt().block_on(async {
        let mut big = pod("big", false);
        big["metadata"]["annotations"] = json!({"blob": "x".repeat(4096)});
        let (code, text) = call(
            &server,
            "POST",
            "/validate",
            review("u", "CREATE", "shop", big, json!({})),
            false,
        )
        .await
        .unwrap();
        assert_eq!(code, 400);
        assert!(text.contains("request body exceeds 2048 bytes"), "{text}");
        let ok = verdict(
            &server,
            review("u2", "CREATE", "shop", pod("small", false), json!({})),
        )
        .await;
        assert_eq!(ok["allowed"], true);
    });
}

#[test]
fn a_looping_policy_hits_the_deadline_and_the_failure_policy_decides() {
    for (policy, allowed) in [("fail", false), ("ignore", true)] {
        let server = start(&[
            "--no-builtin",
            "--policy",
            "testdata/webhook/looping.rego",
            "--deadline-ms",
            "300",
            "--failure-policy",
            policy,
        ]);
        rt().block_on(async {
            let r = verdict(
                &server,
                review("u", "CREATE", "shop", pod("p", false), json!({})),
            )
            .await;
            assert_eq!(r["allowed"], allowed, "{policy}: {r}");
            if !allowed {
                let msg = r["status"]["message"].as_str().unwrap();
                assert!(
                    msg.contains("could not evaluate") && msg.contains("300 ms deadline"),
                    "{r}"
                );
            }
        });
        wait_log(&server, "evaluation failed", 1);
    }
}

#[test]
fn mutual_tls_requires_a_client_certificate() {
    let server = start_with(
        &["--no-builtin", "--policy", "testdata/webhook/policies"],
        true,
    );
    rt().block_on(async {
        let (code, _) = call(&server, "GET", "/healthz", Vec::new(), true)
            .await
            .unwrap();
        assert_eq!(
            code, 200,
            "a client certificate from the trusted CA is accepted"
        );
        assert!(
            call(&server, "GET", "/healthz", Vec::new(), false)
                .await
                .is_err(),
            "no client certificate: refused"
        );
    });
    // A client certificate from another CA: refused.
    let other = tempfile::tempdir().unwrap();
    let foreign = certs(other.path());
    std::fs::copy(foreign.join("client.crt"), server.certs.join("client.crt")).unwrap();
    std::fs::copy(foreign.join("client.key"), server.certs.join("client.key")).unwrap();
    rt().block_on(async {
        assert!(call(&server, "GET", "/healthz", Vec::new(), true)
            .await
            .is_err());
    });
}

#[test]
fn hot_reload_under_load_drops_nothing_and_rejects_broken_policies() {
    let dir = tempfile::tempdir().unwrap();
    let policies = dir.path().join("policies");
    std::fs::create_dir(&policies).unwrap();
    let rule = |label: &str| {
        format!(
            "# METADATA\n# title: Label {label} is forbidden\n# custom:\n#   id: TEST-LABEL\n#   severity: high\n#   kinds: [Pod]\npackage test.label\n\nimport rego.v1\n\ndeny contains \"label {label} is forbidden\" if input.metadata.labels.{label}\n"
        )
    };
    std::fs::write(policies.join("rule.rego"), rule("red")).unwrap();
    let server = start(&[
        "--no-builtin",
        "--policy",
        policies.to_str().unwrap(),
        "--watch-seconds",
        "0",
    ]);
    let pid = server.child.id().to_string();
    let labelled = |label: &str| {
        let mut p = pod("p", false);
        p["metadata"]["labels"][label] = json!("yes");
        p
    };
    let runtime = rt();
    let server = Arc::new(server);
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    // Two clients hammer the server while policies change under them.
    let clients: Vec<_> = (0..2)
        .map(|i| {
            let server = server.clone();
            let stop = stop.clone();
            let body = review(
                &format!("load-{i}"),
                "CREATE",
                "shop",
                labelled("red"),
                json!({}),
            );
            runtime.spawn(async move {
                let (mut ok, mut bad) = (0u32, Vec::new());
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    match call(&server, "POST", "/validate", body.clone(), false).await {
                        Ok((200, text)) if text.contains("\"uid\"") => ok += 1,
                        other => bad.push(format!("{other:?}")),
                    }
                }
                (ok, bad)
            })
        })
        .collect();
    let hup = || {
        assert!(Command::new("kill")
            .args(["-HUP", &pid])
            .status()
            .unwrap()
            .success());
    };
    let wait_for = |msg: &str, n: usize| wait_log(&server, msg, n);
    std::thread::sleep(Duration::from_millis(500));
    // A broken policy is rejected; the old one keeps deciding.
    std::fs::write(
        policies.join("rule.rego"),
        "package test.label\n\ndeny contains x if {\n",
    )
    .unwrap();
    hup();
    wait_for("policy reload rejected", 1);
    runtime.block_on(async {
        let r = verdict(
            &server,
            review("after-bad", "CREATE", "shop", labelled("red"), json!({})),
        )
        .await;
        assert_eq!(r["allowed"], false, "the old policy must still serve: {r}");
    });
    // A good new policy takes over atomically.
    std::fs::write(policies.join("rule.rego"), rule("blue")).unwrap();
    hup();
    wait_for("policies loaded", 2);
    runtime.block_on(async {
        let red = verdict(
            &server,
            review("red", "CREATE", "shop", labelled("red"), json!({})),
        )
        .await;
        assert_eq!(red["allowed"], true, "{red}");
        let blue = verdict(
            &server,
            review("blue", "CREATE", "shop", labelled("blue"), json!({})),
        )
        .await;
        assert_eq!(blue["allowed"], false, "{blue}");
    });
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut total = 0;
    for c in clients {
        let (ok, bad) = runtime.block_on(c).unwrap();
        assert!(bad.is_empty(), "failed requests during reload: {bad:?}");
        total += ok;
    }
    assert!(total > 20, "only {total} requests under load");
}

#[test]
fn sigterm_finishes_in_flight_requests() {
    let server = start(&[
        "--no-builtin",
        "--policy",
        "testdata/webhook/looping.rego",
        "--deadline-ms",
        "1500",
        "--failure-policy",
        "ignore",
    ]);
    let runtime = rt();
    let server = Arc::new(server);
    let s = server.clone();
    let in_flight = runtime.spawn(async move {
        call(
            &s,
            "POST",
            "/validate",
            review("slow", "CREATE", "shop", pod("p", false), json!({})),
            false,
        )
        .await
    });
    std::thread::sleep(Duration::from_millis(400));
    let pid = server.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let (code, text) = runtime.block_on(in_flight).unwrap().unwrap();
    assert_eq!(code, 200, "{text}");
    assert!(text.contains("\"uid\":\"slow\""), "{text}");
    wait_log(&server, "\"stopped\"", 1);
}

#[test]
fn printed_manifests_pass_the_built_in_packs() {
    let dir = tempfile::tempdir().unwrap();
    let ca = certs(dir.path());
    let out = Command::new(bin())
        .args(["serve", "--print-manifests", "--ca-bundle"])
        .arg(ca.join("ca.crt"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let yaml = String::from_utf8(out.stdout).unwrap();
    for kind in [
        "kind: Deployment",
        "kind: PodDisruptionBudget",
        "kind: Service",
        "kind: ValidatingWebhookConfiguration",
        "sideEffects: None",
        "caBundle: ",
        "timeoutSeconds: 5",
    ] {
        assert!(yaml.contains(kind), "{kind} missing");
    }
    let path = dir.path().join("manifests.yaml");
    std::fs::write(&path, yaml).unwrap();
    let scan = Command::new(bin())
        .args(["scan", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&scan.stdout).unwrap();
    let fails: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "fail")
        .collect();
    assert!(fails.is_empty(), "{fails:#?}");
    assert_eq!(scan.status.code(), Some(0));
}

#[test]
fn gate_k8s_gives_the_webhooks_verdicts_before_apply() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(&[]);
    for (name, privileged) in [("bad", true), ("good", false)] {
        let path = dir.path().join(format!("{name}.json"));
        std::fs::write(&path, serde_json::to_vec(&pod(name, privileged)).unwrap()).unwrap();
        let out = Command::new(bin())
            .args(["gate", "k8s", "--format", "json"])
            .arg(&path)
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        let webhook = rt().block_on(verdict(
            &server,
            review(name, "CREATE", "shop", pod(name, privileged), json!({})),
        ));
        assert_eq!(
            out.status.code() == Some(0),
            webhook["allowed"] == true,
            "{name}: {report:#}\n{webhook}"
        );
        if privileged {
            let denied = webhook["status"]["message"].as_str().unwrap();
            for f in report["findings"].as_array().unwrap() {
                if f["status"] == "fail"
                    && matches!(f["severity"].as_str(), Some("high" | "critical"))
                {
                    assert!(denied.contains(f["rule"].as_str().unwrap()), "{f}");
                }
            }
        }
    }
}
