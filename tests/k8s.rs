//! The live Kubernetes collector, driven through the real `kube` client
//! against a small in-process API server that speaks the real REST shapes:
//! discovery (`/api`, `/apis`, resource lists), lists with `limit`/`continue`
//! pagination and items without apiVersion/kind, namespaced paths, a CRD, and
//! a 403 Status for a kind the credentials may not list.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "integration tests fail loudly by design"
)]

use http_body_util::Full;
use hyper::body::Bytes;
use serde_json::{json, Value};
use std::process::Command;
use std::sync::{Arc, Mutex};

type Log = Arc<Mutex<Vec<String>>>;

fn objects() -> Vec<(&'static str, &'static str, Option<&'static str>, Value)> {
    // (list path, kind, namespace, object without apiVersion/kind)
    let mut v = vec![
        (
            "/api/v1/namespaces",
            "Namespace",
            None,
            json!({"metadata": {"name": "shop", "labels": {"team": "web"}}}),
        ),
        (
            "/api/v1/namespaces",
            "Namespace",
            None,
            json!({"metadata": {"name": "kube-system"}}),
        ),
        (
            "/api/v1/secrets",
            "Secret",
            Some("shop"),
            json!({"metadata": {"name": "db", "namespace": "shop"}, "type": "Opaque", "data": {"password": "aHVudGVyMg=="}}),
        ),
        (
            "/apis/apps/v1/deployments",
            "Deployment",
            Some("shop"),
            json!({"metadata": {"name": "web", "namespace": "shop", "managedFields": [{"manager": "kubectl"}]}, "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "web:1"}]}}}}),
        ),
        (
            "/apis/example.com/v1/widgets",
            "Widget",
            Some("shop"),
            json!({"metadata": {"name": "w1", "namespace": "shop"}, "spec": {"size": 3}}),
        ),
    ];
    for i in 0..5 {
        let privileged = i == 3;
        v.push((
            "/api/v1/pods",
            "Pod",
            Some(if i == 4 { "kube-system" } else { "shop" }),
            json!({"metadata": {"name": format!("pod-{i}"), "namespace": if i == 4 { "kube-system" } else { "shop" }},
                   "spec": {"containers": [{"name": "c", "image": "nginx:1", "securityContext": {"privileged": privileged}}]}}),
        ));
    }
    v
}

fn discovery(path: &str) -> Option<Value> {
    let res = |name: &str, kind: &str, namespaced: bool, verbs: &[&str]| json!({"name": name, "singularName": "", "namespaced": namespaced, "kind": kind, "verbs": verbs});
    Some(match path {
        "/api" => {
            json!({"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []})
        }
        "/api/v1" => json!({"kind": "APIResourceList", "groupVersion": "v1", "resources": [
            res("pods", "Pod", true, &["get", "list", "watch"]),
            res("pods/status", "Pod", true, &["get", "patch"]),
            res("namespaces", "Namespace", false, &["get", "list"]),
            res("secrets", "Secret", true, &["get", "list"]),
            res("bindings", "Binding", true, &["create"]),
        ]}),
        "/apis" => {
            let g = |name: &str| json!({"name": name, "versions": [{"groupVersion": format!("{name}/v1"), "version": "v1"}], "preferredVersion": {"groupVersion": format!("{name}/v1"), "version": "v1"}});
            json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": [g("apps"), g("rbac.authorization.k8s.io"), g("example.com")]})
        }
        "/apis/apps/v1" => {
            json!({"kind": "APIResourceList", "groupVersion": "apps/v1", "resources": [res("deployments", "Deployment", true, &["list", "get"])]})
        }
        "/apis/rbac.authorization.k8s.io/v1" => {
            json!({"kind": "APIResourceList", "groupVersion": "rbac.authorization.k8s.io/v1", "resources": [res("clusterroles", "ClusterRole", false, &["list", "get"])]})
        }
        "/apis/example.com/v1" => {
            json!({"kind": "APIResourceList", "groupVersion": "example.com/v1", "resources": [res("widgets", "Widget", true, &["list", "get"])]})
        }
        _ => return None,
    })
}

/// Answer one request as a kube-apiserver would.
fn answer(path: &str, query: &str) -> (u16, Value) {
    if let Some(d) = discovery(path) {
        return (200, d);
    }
    if path == "/apis/rbac.authorization.k8s.io/v1/clusterroles" {
        return (
            403,
            json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": "clusterroles.rbac.authorization.k8s.io is forbidden: User \"scanner\" cannot list resource \"clusterroles\"",
            "reason": "Forbidden", "code": 403}),
        );
    }
    // /api/v1/namespaces/{ns}/{plural} and /apis/{g}/{v}/namespaces/{ns}/{plural}
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let (base, ns) = match parts.as_slice() {
        ["api", "v1", "namespaces", ns, plural] => (format!("/api/v1/{plural}"), Some(*ns)),
        ["apis", g, v, "namespaces", ns, plural] => (format!("/apis/{g}/{v}/{plural}"), Some(*ns)),
        _ => (path.to_string(), None),
    };
    let all: Vec<(&str, Value)> = objects()
        .into_iter()
        .filter(|(p, _, n, _)| *p == base && (ns.is_none() || *n == ns))
        .map(|(_, kind, _, o)| (kind, o))
        .collect();
    if all.is_empty() && discovery(&base).is_none() && !objects().iter().any(|(p, ..)| *p == base) {
        return (
            404,
            json!({"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound", "code": 404, "message": "not found"}),
        );
    }
    let param = |k: &str| {
        query
            .split('&')
            .find_map(|kv| kv.strip_prefix(&format!("{k}=")))
            .map(str::to_string)
    };
    let limit: usize = param("limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(usize::MAX);
    let start: usize = param("continue")
        .and_then(|c| c.strip_prefix("off-").and_then(|o| o.parse().ok()))
        .unwrap_or(0);
    let kind = all.first().map_or("Unknown", |(k, _)| *k);
    let page: Vec<Value> = all
        .iter()
        .skip(start)
        .take(limit)
        .map(|(_, o)| o.clone())
        .collect();
    let next = start + page.len();
    let mut meta = json!({"resourceVersion": "4711"});
    if next < all.len() {
        meta["continue"] = json!(format!("off-{next}"));
        meta["remainingItemCount"] = json!(all.len() - next);
    }
    let api_version = if base.starts_with("/api/") {
        "v1".to_string()
    } else {
        base.split('/')
            .skip(2)
            .take(2)
            .collect::<Vec<_>>()
            .join("/")
    };
    (
        200,
        json!({"kind": format!("{kind}List"), "apiVersion": api_version, "metadata": meta, "items": page}),
    )
}

/// Serve on 127.0.0.1 (plain HTTP) on a thread of its own; returns the port.
fn serve(log: Log) -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    continue;
                };
                let log = log.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(
                        move |req: hyper::Request<hyper::body::Incoming>| {
                            let log = log.clone();
                            async move {
                                let path = req.uri().path().to_string();
                                let query = req.uri().query().unwrap_or("").to_string();
                                log.lock().unwrap().push(format!("{path}?{query}"));
                                let (status, body) = answer(&path, &query);
                                let mut resp =
                                    hyper::Response::new(Full::new(Bytes::from(body.to_string())));
                                *resp.status_mut() = hyper::StatusCode::from_u16(status).unwrap();
                                resp.headers_mut()
                                    .insert("content-type", "application/json".parse().unwrap());
                                Ok::<_, std::convert::Infallible>(resp)
                            }
                        },
                    );
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(tcp), service)
                        .await;
                });
            }
        });
    });
    port
}

fn kubeconfig(dir: &std::path::Path, port: u16) -> std::path::PathBuf {
    let path = dir.join("kubeconfig");
    std::fs::write(
        &path,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster:\n    server: http://127.0.0.1:{port}\ncontexts:\n- name: test-ctx\n  context:\n    cluster: fake\n    user: scanner\ncurrent-context: test-ctx\nusers:\n- name: scanner\n  user:\n    token: not-a-real-token\n"
        ),
    )
    .unwrap();
    path
}

fn assay(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_assay"))
        .args(args)
        .env_remove("KUBECONFIG")
        .output()
        .unwrap()
}

#[test]
fn snapshot_of_a_cluster_pages_redacts_skips_forbidden_kinds_and_includes_crds() {
    let log: Log = Arc::default();
    let port = serve(log.clone());
    let dir = tempfile::tempdir().unwrap();
    let kc = kubeconfig(dir.path(), port);
    let snap = dir.path().join("snap.json");
    let out = assay(&[
        "snapshot",
        "--k8s",
        "--kubeconfig",
        kc.to_str().unwrap(),
        "--page-size",
        "2",
        "-o",
        snap.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("not allowed to list clusterroles (403 Forbidden); skipped"),
        "{stderr}"
    );
    let s: Value = serde_json::from_str(&std::fs::read_to_string(&snap).unwrap()).unwrap();
    assert_eq!(s["collector"], "kubernetes");
    assert_eq!(s["scope"][0], "context=test-ctx");
    let ids: Vec<String> = s["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{}:{}/{}",
                r["id"]["kind"],
                r["id"]["scope"].as_str().unwrap(),
                r["id"]["name"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(ids.len(), 10, "{ids:?}");
    assert!(
        ids.contains(&"\"example.com/v1/Widget\":shop/w1".to_string()),
        "CRDs are discovered: {ids:?}"
    );
    let secret = s["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"]["name"] == "db")
        .unwrap();
    assert_eq!(secret["body"]["data"]["password"], "<redacted>");
    assert_eq!(
        secret["body"]["kind"], "Secret",
        "list items get their apiVersion/kind back"
    );
    let deploy = s["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"]["name"] == "web")
        .unwrap();
    assert!(deploy["body"]["metadata"].get("managedFields").is_none());
    assert!(s["notes"][0]["message"]
        .as_str()
        .unwrap()
        .contains("clusterroles"));
    // Five pods at two per page: three requests, the later ones continuing.
    let pods: Vec<String> = log
        .lock()
        .unwrap()
        .iter()
        .filter(|l| l.starts_with("/api/v1/pods?"))
        .cloned()
        .collect();
    assert_eq!(pods.len(), 3, "{pods:?}");
    assert!(
        pods[1].contains("continue=off-2") && pods[2].contains("continue=off-4"),
        "{pods:?}"
    );
    assert!(!String::from_utf8_lossy(&std::fs::read(&snap).unwrap()).contains("aHVudGVyMg=="));
}

#[test]
fn scan_k8s_finds_live_violations_and_cross_resource_ones() {
    let log: Log = Arc::default();
    let port = serve(log.clone());
    let dir = tempfile::tempdir().unwrap();
    let kc = kubeconfig(dir.path(), port);
    let out = assay(&[
        "scan",
        "--k8s",
        "--kubeconfig",
        kc.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let findings = report["findings"].as_array().unwrap();
    let privileged: Vec<&Value> = findings
        .iter()
        .filter(|f| f["rule"] == "K8S-PSS-003")
        .collect();
    assert_eq!(privileged.len(), 1);
    assert_eq!(privileged[0]["resource"]["name"], "pod-3");
    assert_eq!(privileged[0]["location"]["endpoint"], "k8s://test-ctx");
    assert_eq!(
        privileged[0]["location"]["pointer"],
        "/spec/containers/0/securityContext/privileged"
    );
    // data.inventory holds the cluster: namespace shop has no NetworkPolicy.
    let netpol: Vec<&Value> = findings
        .iter()
        .filter(|f| f["rule"] == "K8S-CIS-016")
        .collect();
    assert!(
        netpol.iter().any(|f| f["resource"]["name"] == "shop"),
        "{netpol:?}"
    );
    assert!(report["notes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["message"].as_str().unwrap().contains("clusterroles")));
}

#[test]
fn namespace_and_kind_filters_narrow_the_lists() {
    let log: Log = Arc::default();
    let port = serve(log.clone());
    let dir = tempfile::tempdir().unwrap();
    let kc = kubeconfig(dir.path(), port);
    let out = assay(&[
        "snapshot",
        "--k8s",
        "--kubeconfig",
        kc.to_str().unwrap(),
        "--k8s-namespace",
        "shop",
        "--kinds",
        "Pod,apps/v1/Deployment",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = s["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["web", "pod-0", "pod-1", "pod-2", "pod-3"]);
    let lists: Vec<String> = log
        .lock()
        .unwrap()
        .iter()
        .filter(|l| l.contains("/namespaces/shop/"))
        .cloned()
        .collect();
    assert_eq!(lists.len(), 2, "{lists:?}");
}

#[test]
fn an_unreachable_cluster_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let kc = kubeconfig(dir.path(), port);
    let out = assay(&["scan", "--k8s", "--kubeconfig", kc.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!(
            "cannot reach the Kubernetes API server at http://127.0.0.1:{port}"
        )),
        "{text}"
    );
}
