//! A small, stateful, in-process Kubernetes API server for tests, speaking
//! the real REST shapes the `kube` client uses:
//! - discovery (`/api`, `/api/v1`, `/apis`, `/apis/{g}/{v}`);
//! - list with `limit`/`continue` pagination and a list `resourceVersion`;
//! - watch (`?watch=true&resourceVersion=N`): a chunked stream of
//!   `{"type": ADDED|MODIFIED|DELETED|ERROR, "object": …}` lines, replaying
//!   events after N from its log, then live ones; after [`ApiServer::expire`]
//!   a resume from an old version gets `410 Gone` (an ERROR event with an
//!   `Expired` Status), which makes clients relist;
//! - get one object; `PATCH` with server-side apply
//!   (`application/apply-patch+yaml`, `fieldManager` required) or JSON merge
//!   patch, `dryRun=All` (validated, not persisted), and optimistic
//!   concurrency (a patch carrying a stale `metadata.resourceVersion` gets
//!   409 Conflict);
//! - every object gets `metadata.resourceVersion`, `uid`, `creationTimestamp`,
//!   `generation` as a real server sets them.
//!
//! Tests change state with [`ApiServer::put`] and [`ApiServer::delete`],
//! which emit watch events like writes through the API would.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly by design"
)]

use http_body_util::BodyExt;
use hyper::body::{Bytes, Frame};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

/// One served resource type.
#[derive(Clone, Debug)]
pub struct Kind {
    /// `""` for the core group.
    pub group: &'static str,
    /// `v1`.
    pub version: &'static str,
    /// `deployments`.
    pub plural: &'static str,
    /// `Deployment`.
    pub kind: &'static str,
    /// Namespaced or cluster-scoped.
    pub namespaced: bool,
}

impl Kind {
    fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }
    fn base(&self) -> String {
        if self.group.is_empty() {
            format!("/api/{}", self.version)
        } else {
            format!("/apis/{}/{}", self.group, self.version)
        }
    }
}

/// The kinds most tests need.
pub fn default_kinds() -> Vec<Kind> {
    vec![
        Kind {
            group: "",
            version: "v1",
            plural: "namespaces",
            kind: "Namespace",
            namespaced: false,
        },
        Kind {
            group: "",
            version: "v1",
            plural: "pods",
            kind: "Pod",
            namespaced: true,
        },
        Kind {
            group: "",
            version: "v1",
            plural: "configmaps",
            kind: "ConfigMap",
            namespaced: true,
        },
        Kind {
            group: "apps",
            version: "v1",
            plural: "deployments",
            kind: "Deployment",
            namespaced: true,
        },
    ]
}

#[derive(Clone, Debug)]
struct Event {
    rv: u64,
    kind: usize,
    kind_type: &'static str,
    object: Value,
}

/// One step into an object as an apply configuration names it: a key, or
/// the item of a named list (the list's merge key is `name`).
#[derive(Clone, Debug, PartialEq)]
enum Seg {
    Key(String),
    Named(Value),
}

/// Every leaf an apply configuration sets (identity fields left out).
fn config_leaves(v: &Value, at: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if at.is_empty() && matches!(k.as_str(), "apiVersion" | "kind" | "metadata") {
                    continue;
                }
                if k == "name" && matches!(at.last(), Some(Seg::Named(_))) {
                    continue;
                }
                at.push(Seg::Key(k.clone()));
                config_leaves(x, at, out);
                at.pop();
            }
            if m.is_empty()
                || (m.len() == 1
                    && m.contains_key("name")
                    && matches!(at.last(), Some(Seg::Named(_))))
            {
                out.push(at.clone());
            }
        }
        Value::Array(a) if !a.is_empty() && a.iter().all(|i| i.get("name").is_some()) => {
            for item in a {
                at.push(Seg::Named(item["name"].clone()));
                config_leaves(item, at, out);
                at.pop();
            }
        }
        _ => out.push(at.clone()),
    }
}

/// Remove the field at `path` from `obj`, if there, and maps it leaves empty
/// (a released field takes its now-empty parents with it).
fn remove_at(obj: &mut Value, path: &[Seg]) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    if rest.is_empty() {
        match (first, obj) {
            (Seg::Key(k), Value::Object(m)) => {
                m.remove(k);
            }
            (Seg::Named(n), Value::Array(a)) => a.retain(|i| i.get("name") != Some(n)),
            _ => {}
        }
        return;
    }
    let child = match (first, &mut *obj) {
        (Seg::Key(k), Value::Object(m)) => m.get_mut(k),
        (Seg::Named(n), Value::Array(a)) => a.iter_mut().find(|i| i.get("name") == Some(n)),
        _ => None,
    };
    let Some(child) = child else { return };
    remove_at(child, rest);
    if child.as_object().is_some_and(serde_json::Map::is_empty) {
        if let (Seg::Key(k), Value::Object(m)) = (first, obj) {
            m.remove(k);
        }
    }
}

#[derive(Default)]
struct State {
    /// (kind, namespace, name) → field manager → its last apply configuration.
    managers: BTreeMap<(usize, String, String), BTreeMap<String, Value>>,
    rv: u64,
    /// (kind index, namespace, name) → object
    objects: BTreeMap<(usize, String, String), Value>,
    log: Vec<Event>,
    /// Events before this version are forgotten: resuming from one is 410 Gone.
    compacted: u64,
    watchers: Vec<(
        usize,
        Option<String>,
        tokio::sync::mpsc::UnboundedSender<Bytes>,
    )>,
    /// Every request: method, path?query, content-type.
    requests: Vec<String>,
}

/// The server.
#[derive(Clone)]
pub struct ApiServer {
    kinds: Arc<Vec<Kind>>,
    state: Arc<Mutex<State>>,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
}

struct ChannelBody(tokio::sync::mpsc::UnboundedReceiver<Bytes>);

impl hyper::body::Body for ChannelBody {
    type Data = Bytes;
    type Error = std::convert::Infallible;
    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        self.0.poll_recv(cx).map(|o| o.map(|b| Ok(Frame::data(b))))
    }
}

type Body = http_body_util::Either<http_body_util::Full<Bytes>, ChannelBody>;

fn status(code: u16, reason: &str, message: &str) -> Value {
    json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
           "message": message, "reason": reason, "code": code})
}

/// Merge `patch` into `target` as server-side apply does for the fields a
/// manifest sets: maps merge, lists of named items merge by name, other
/// lists and scalars are replaced.
pub fn apply_merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    t.remove(k);
                } else {
                    apply_merge(t.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
        (Value::Array(t), Value::Array(p))
            if p.iter().all(|i| i.get("name").is_some())
                && t.iter().all(|i| i.get("name").is_some()) =>
        {
            for item in p {
                match t.iter_mut().find(|x| x.get("name") == item.get("name")) {
                    Some(existing) => apply_merge(existing, item),
                    None => t.push(item.clone()),
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}

/// RFC 7386 JSON merge patch.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    match patch {
        Value::Object(p) => {
            if !target.is_object() {
                *target = json!({});
            }
            let t = target.as_object_mut().unwrap();
            for (k, v) in p {
                if v.is_null() {
                    t.remove(k);
                } else {
                    merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
        other => *target = other.clone(),
    }
}

impl ApiServer {
    /// Start serving `kinds` on a port of its own.
    pub fn start(kinds: Vec<Kind>) -> ApiServer {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        listener.set_nonblocking(true).unwrap();
        let server = ApiServer {
            kinds: Arc::new(kinds),
            state: Arc::new(Mutex::new(State {
                rv: 100,
                compacted: 0,
                ..State::default()
            })),
            url,
        };
        let s = server.clone();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                loop {
                    let Ok((tcp, _)) = listener.accept().await else { continue };
                    let s = s.clone();
                    tokio::spawn(async move {
                        let service = hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                            let s = s.clone();
                            async move { Ok::<_, std::convert::Infallible>(s.handle(req).await) }
                        });
                        let _ = hyper::server::conn::http1::Builder::new()
                            .serve_connection(hyper_util::rt::TokioIo::new(tcp), service)
                            .await;
                    });
                }
            });
        });
        server
    }

    /// A kubeconfig for this server in `dir`.
    pub fn kubeconfig(&self, dir: &std::path::Path) -> std::path::PathBuf {
        let path = dir.join("kubeconfig");
        std::fs::write(
            &path,
            format!(
                "apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster:\n    server: {}\ncontexts:\n- name: test-ctx\n  context:\n    cluster: fake\n    user: u\ncurrent-context: test-ctx\nusers:\n- name: u\n  user:\n    token: not-a-real-token\n",
                self.url
            ),
        )
        .unwrap();
        path
    }

    /// Requests seen so far: `METHOD path?query content-type`.
    pub fn requests(&self) -> Vec<String> {
        self.state.lock().unwrap().requests.clone()
    }

    fn kind_index(&self, kind: &str) -> usize {
        self.kinds
            .iter()
            .position(|k| k.kind == kind)
            .unwrap_or_else(|| panic!("kind {kind} not served"))
    }

    /// Create or replace an object (as a write through the API would).
    pub fn put(&self, mut object: Value) -> Value {
        let k = self.kind_index(object["kind"].as_str().unwrap());
        let ns = object["metadata"]["namespace"]
            .as_str()
            .unwrap_or("")
            .to_string();
        let name = object["metadata"]["name"].as_str().unwrap().to_string();
        let mut st = self.state.lock().unwrap();
        let existing = st.objects.get(&(k, ns.clone(), name.clone())).cloned();
        st.rv += 1;
        let rv = st.rv;
        let meta = object["metadata"].as_object_mut().unwrap();
        meta.insert("resourceVersion".into(), json!(rv.to_string()));
        let (uid, created, generation) = match &existing {
            Some(e) => (
                e["metadata"]["uid"].clone(),
                e["metadata"]["creationTimestamp"].clone(),
                e["metadata"]["generation"].as_u64().unwrap_or(1)
                    + u64::from(e.get("spec") != object.get("spec")),
            ),
            None => (json!(format!("uid-{rv}")), json!("2026-11-23T00:00:00Z"), 1),
        };
        let meta = object["metadata"].as_object_mut().unwrap();
        meta.insert("uid".into(), uid);
        meta.insert("creationTimestamp".into(), created);
        meta.insert("generation".into(), json!(generation));
        let kind_type = if existing.is_some() {
            "MODIFIED"
        } else {
            "ADDED"
        };
        st.objects.insert((k, ns, name), object.clone());
        Self::emit(
            &mut st,
            Event {
                rv,
                kind: k,
                kind_type,
                object: object.clone(),
            },
        );
        object
    }

    /// Delete an object.
    pub fn delete(&self, kind: &str, namespace: &str, name: &str) {
        let k = self.kind_index(kind);
        let mut st = self.state.lock().unwrap();
        if let Some(mut obj) = st
            .objects
            .remove(&(k, namespace.to_string(), name.to_string()))
        {
            st.rv += 1;
            let rv = st.rv;
            obj["metadata"]["resourceVersion"] = json!(rv.to_string());
            Self::emit(
                &mut st,
                Event {
                    rv,
                    kind: k,
                    kind_type: "DELETED",
                    object: obj,
                },
            );
        }
    }

    /// The stored object.
    pub fn get(&self, kind: &str, namespace: &str, name: &str) -> Option<Value> {
        let k = self.kind_index(kind);
        self.state
            .lock()
            .unwrap()
            .objects
            .get(&(k, namespace.to_string(), name.to_string()))
            .cloned()
    }

    /// Forget the event log and end every watch with `410 Gone`, as etcd
    /// compaction does: clients must relist.
    pub fn expire(&self) {
        let mut st = self.state.lock().unwrap();
        st.compacted = st.rv + 1;
        st.log.clear();
        let gone =
            json!({"type": "ERROR", "object": status(410, "Expired", "too old resource version")});
        for (_, _, tx) in st.watchers.drain(..) {
            let _ = tx.send(Bytes::from(format!("{gone}\n")));
        }
    }

    /// End every open watch abruptly (a dropped connection).
    pub fn drop_watches(&self) {
        self.state.lock().unwrap().watchers.clear();
    }

    fn emit(st: &mut State, ev: Event) {
        let line = Bytes::from(format!(
            "{}\n",
            json!({"type": ev.kind_type, "object": ev.object})
        ));
        let ns = ev.object["metadata"]["namespace"]
            .as_str()
            .map(str::to_string);
        st.watchers.retain(|(k, want_ns, tx)| {
            if *k != ev.kind || (want_ns.is_some() && *want_ns != ns) {
                return !tx.is_closed();
            }
            tx.send(line.clone()).is_ok()
        });
        st.log.push(ev);
    }

    fn discovery(&self, path: &str) -> Option<Value> {
        let res = |k: &Kind| {
            json!({"name": k.plural, "singularName": "", "namespaced": k.namespaced, "kind": k.kind,
                                     "verbs": ["get", "list", "watch", "patch", "create", "update", "delete"]})
        };
        if path == "/api" {
            return Some(
                json!({"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []}),
            );
        }
        if path == "/apis" {
            let mut groups: Vec<&Kind> =
                self.kinds.iter().filter(|k| !k.group.is_empty()).collect();
            groups.dedup_by_key(|k| (k.group, k.version));
            let gs: Vec<Value> = groups
                .iter()
                .map(|k| {
                    let gv = json!({"groupVersion": k.api_version(), "version": k.version});
                    json!({"name": k.group, "versions": [gv.clone()], "preferredVersion": gv})
                })
                .collect();
            return Some(json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": gs}));
        }
        let list: Vec<Value> = self
            .kinds
            .iter()
            .filter(|k| k.base() == path)
            .map(res)
            .collect();
        if list.is_empty() {
            return None;
        }
        let gv = path
            .trim_start_matches("/api/")
            .trim_start_matches("/apis/");
        Some(json!({"kind": "APIResourceList", "groupVersion": gv, "resources": list}))
    }

    /// (kind, namespace, name) a path names.
    fn route(&self, path: &str) -> Option<(usize, Option<String>, Option<String>)> {
        for (i, k) in self.kinds.iter().enumerate() {
            let Some(rest) = path.strip_prefix(&k.base()) else {
                continue;
            };
            let parts: Vec<&str> = rest.trim_start_matches('/').split('/').collect();
            match parts.as_slice() {
                [p] if *p == k.plural => return Some((i, None, None)),
                [p, name] if *p == k.plural && !k.namespaced => {
                    return Some((i, None, Some((*name).to_string())))
                }
                ["namespaces", ns, p] if *p == k.plural => {
                    return Some((i, Some((*ns).to_string()), None))
                }
                ["namespaces", ns, p, name] if *p == k.plural => {
                    return Some((i, Some((*ns).to_string()), Some((*name).to_string())))
                }
                _ => {}
            }
        }
        None
    }

    async fn handle(&self, req: hyper::Request<hyper::body::Incoming>) -> hyper::Response<Body> {
        let method = req.method().clone();
        let path = req.uri().path().to_string();
        let query = req.uri().query().unwrap_or("").to_string();
        let ctype = req
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        self.state
            .lock()
            .unwrap()
            .requests
            .push(format!("{method} {path}?{query} {ctype}"));
        let param = |k: &str| {
            query
                .split('&')
                .find_map(|kv| kv.strip_prefix(&format!("{k}=")))
                .map(str::to_string)
        };
        let reply = |code: u16, v: Value| {
            let mut r = hyper::Response::new(Body::Left(http_body_util::Full::new(Bytes::from(
                v.to_string(),
            ))));
            *r.status_mut() = hyper::StatusCode::from_u16(code).unwrap();
            r.headers_mut()
                .insert("content-type", "application/json".parse().unwrap());
            r
        };
        if method == hyper::Method::GET {
            if let Some(d) = self.discovery(&path) {
                return reply(200, d);
            }
        }
        let Some((k, ns, name)) = self.route(&path) else {
            return reply(
                404,
                status(
                    404,
                    "NotFound",
                    &format!("the server could not find the requested resource {path}"),
                ),
            );
        };
        let kind = self.kinds[k].clone();
        match (method.as_str(), name) {
            ("GET", None)
                if param("watch").as_deref() == Some("true")
                    || param("watch").as_deref() == Some("1") =>
            {
                let from: u64 = param("resourceVersion")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
                let mut st = self.state.lock().unwrap();
                if from != 0 && from < st.compacted {
                    let gone = json!({"type": "ERROR", "object": status(410, "Expired", "too old resource version")});
                    let _ = tx.send(Bytes::from(format!("{gone}\n")));
                    drop(tx);
                } else {
                    for ev in st.log.iter().filter(|e| e.rv > from && e.kind == k) {
                        if ns.is_none()
                            || ev.object["metadata"]["namespace"].as_str() == ns.as_deref()
                        {
                            let _ = tx.send(Bytes::from(format!(
                                "{}\n",
                                json!({"type": ev.kind_type, "object": ev.object})
                            )));
                        }
                    }
                    st.watchers.push((k, ns.clone(), tx));
                }
                let mut r = hyper::Response::new(Body::Right(ChannelBody(rx)));
                r.headers_mut()
                    .insert("content-type", "application/json".parse().unwrap());
                r
            }
            ("GET", None) => {
                let st = self.state.lock().unwrap();
                let all: Vec<Value> = st
                    .objects
                    .iter()
                    .filter(|((kk, n, _), _)| *kk == k && (ns.is_none() || Some(n) == ns.as_ref()))
                    .map(|(_, v)| v.clone())
                    .collect();
                let limit: usize = param("limit")
                    .and_then(|l| l.parse().ok())
                    .filter(|l| *l > 0)
                    .unwrap_or(usize::MAX);
                let start: usize = param("continue")
                    .and_then(|c| c.strip_prefix("off-").and_then(|o| o.parse().ok()))
                    .unwrap_or(0);
                let page: Vec<Value> = all
                    .iter()
                    .skip(start)
                    .take(limit)
                    .map(|o| {
                        // List items carry no apiVersion/kind.
                        let mut o = o.clone();
                        o.as_object_mut().unwrap().remove("apiVersion");
                        o.as_object_mut().unwrap().remove("kind");
                        o
                    })
                    .collect();
                let next = start + page.len();
                let mut meta = json!({"resourceVersion": st.rv.to_string()});
                if next < all.len() {
                    meta["continue"] = json!(format!("off-{next}"));
                }
                reply(
                    200,
                    json!({"kind": format!("{}List", kind.kind), "apiVersion": kind.api_version(), "metadata": meta, "items": page}),
                )
            }
            ("GET", Some(name)) => {
                let st = self.state.lock().unwrap();
                match st
                    .objects
                    .get(&(k, ns.clone().unwrap_or_default(), name.clone()))
                {
                    Some(o) => reply(200, o.clone()),
                    None => reply(
                        404,
                        status(
                            404,
                            "NotFound",
                            &format!("{} \"{name}\" not found", kind.plural),
                        ),
                    ),
                }
            }
            ("PATCH", Some(name)) => {
                let body = req
                    .into_body()
                    .collect()
                    .await
                    .map(|b| b.to_bytes())
                    .unwrap_or_default();
                let Ok(patch) = serde_json::from_slice::<Value>(&body) else {
                    return reply(400, status(400, "BadRequest", "the patch is not JSON"));
                };
                let dry = param("dryRun").as_deref() == Some("All");
                let apply = ctype.starts_with("application/apply-patch");
                if apply && param("fieldManager").is_none() {
                    return reply(
                        400,
                        status(
                            400,
                            "BadRequest",
                            "fieldManager is required for apply patch",
                        ),
                    );
                }
                let key = (k, ns.clone().unwrap_or_default(), name.clone());
                let current = self.state.lock().unwrap().objects.get(&key).cloned();
                let Some(current) = current.or_else(|| apply.then(|| json!({"apiVersion": kind.api_version(), "kind": kind.kind, "metadata": {"name": name, "namespace": ns}}))) else {
                    return reply(404, status(404, "NotFound", &format!("{} \"{name}\" not found", kind.plural)));
                };
                if let Some(want) = patch["metadata"]["resourceVersion"].as_str() {
                    if current["metadata"]["resourceVersion"].as_str() != Some(want) {
                        return reply(409, status(409, "Conflict", &format!("Operation cannot be fulfilled on {} \"{name}\": the object has been modified; please apply your changes to the latest version and try again", kind.plural)));
                    }
                }
                let mut next = current.clone();
                if apply {
                    // Fields this manager applied before and leaves out now are
                    // released, and removed when no other manager set them.
                    let manager = param("fieldManager").unwrap_or_default();
                    let st = self.state.lock().unwrap();
                    let owned = st.managers.get(&key).cloned().unwrap_or_default();
                    drop(st);
                    if let Some(previous) = owned.get(&manager) {
                        let (mut old, mut new) = (Vec::new(), Vec::new());
                        config_leaves(previous, &mut Vec::new(), &mut old);
                        config_leaves(&patch, &mut Vec::new(), &mut new);
                        let mut others = Vec::new();
                        for (m, cfg) in &owned {
                            if *m != manager {
                                config_leaves(cfg, &mut Vec::new(), &mut others);
                            }
                        }
                        for leaf in old
                            .iter()
                            .filter(|l| !new.contains(l) && !others.contains(l))
                        {
                            remove_at(&mut next, leaf);
                        }
                    }
                    apply_merge(&mut next, &patch);
                    if !dry {
                        self.state
                            .lock()
                            .unwrap()
                            .managers
                            .entry(key.clone())
                            .or_default()
                            .insert(manager, patch.clone());
                    }
                } else if ctype.starts_with("application/merge-patch+json")
                    || ctype.starts_with("application/strategic-merge-patch+json")
                {
                    merge_patch(&mut next, &patch);
                } else {
                    return reply(
                        415,
                        status(
                            415,
                            "UnsupportedMediaType",
                            &format!("content type {ctype} is not supported"),
                        ),
                    );
                }
                if let Some(m) = next["metadata"].as_object_mut() {
                    m.remove("managedFields");
                    m.insert(
                        "resourceVersion".into(),
                        current["metadata"]["resourceVersion"].clone(),
                    );
                }
                if dry {
                    return reply(200, next);
                }
                reply(200, self.put(next))
            }
            _ => reply(405, status(405, "MethodNotAllowed", "method not allowed")),
        }
    }
}
