//! The HTTPS server: TLS (optionally mutual), routing, the per-request
//! deadline and failure policy, metrics, structured logs, atomic hot reload
//! and graceful shutdown.

use super::metrics::Metrics;
use super::review::{self, set, Options};
use crate::policies::{self, PolicyChoice};
use anyhow::{anyhow, Context as _};
use assay_engine::eval::Detail;
use assay_engine::{EvalContext, Evaluator, PolicySet};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime};

type PooledEvaluator = Evaluator<Arc<PolicySet>, Arc<EvalContext>>;

/// One compiled generation of the policies, with evaluators to reuse.
pub struct Loaded {
    set: Arc<PolicySet>,
    ctx: Arc<EvalContext>,
    pool: Mutex<Vec<PooledEvaluator>>,
    /// Rules loaded.
    pub rules: usize,
}

impl Loaded {
    fn take(&self) -> PooledEvaluator {
        self.pool
            .lock()
            .ok()
            .and_then(|mut p| p.pop())
            .unwrap_or_else(|| {
                // A review answers with rule ids and messages: no fixes or
                // fingerprints to make.
                let mut ev = Evaluator::new(self.set.clone(), self.ctx.clone());
                ev.set_detail(Detail::Verdict);
                ev
            })
    }

    fn give_back(&self, ev: PooledEvaluator) {
        if let Ok(mut p) = self.pool.lock() {
            if p.len() < 64 {
                p.push(ev);
            }
        }
    }
}

/// How the server behaves.
#[derive(Clone, Debug)]
pub struct Config {
    /// Address to listen on.
    pub addr: String,
    /// PEM certificate chain.
    pub cert: PathBuf,
    /// PEM private key.
    pub key: PathBuf,
    /// PEM CA that client certificates must chain to (mutual TLS).
    pub client_ca: Option<PathBuf>,
    /// Which policies.
    pub policies: PolicyChoice,
    /// Exemptions and thresholds.
    pub options: Options,
    /// Deny (true) or allow (false) when evaluation fails or overruns.
    pub fail_closed: bool,
    /// Per-request deadline.
    pub deadline: Duration,
    /// Largest accepted request body.
    pub max_body: usize,
    /// How often to look for policy changes on disk (`None`: only SIGHUP).
    pub watch_interval: Option<Duration>,
}

/// Everything handlers share.
pub struct State {
    config: Config,
    loaded: RwLock<Option<Arc<Loaded>>>,
    metrics: Metrics,
    shutting_down: AtomicBool,
}

/// A JSON log line on stderr.
pub fn log(level: &str, msg: &str, fields: Value) {
    let ts = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64());
    let mut line = json!({"ts": ts, "level": level, "msg": msg});
    if let (Some(l), Some(f)) = (line.as_object_mut(), fields.as_object()) {
        for (k, v) in f {
            l.insert(k.clone(), v.clone());
        }
    }
    // One write per line: stderr is unbuffered, and formatting a value
    // straight into it costs a system call per token.
    let mut text = line.to_string();
    text.push('\n');
    let _ = std::io::Write::write_all(&mut std::io::stderr().lock(), text.as_bytes());
}

/// Compile the configured policies; any diagnostic rejects the set.
pub fn compile(choice: &PolicyChoice) -> Result<Loaded, Vec<String>> {
    let (mut set, errors) = policies::load(choice);
    if !errors.is_empty() {
        return Err(errors.iter().map(ToString::to_string).collect());
    }
    // Compile every kind's VM program before serving: the first review of
    // a kind must not pay for it (readiness means compiled). Narrowed
    // programs, made once a trigger mask is common, compile beside the
    // requests, which meanwhile run the kind's whole program.
    set.compile_programs();
    set.compile_parts_in_background(true);
    let rules = set.rules().len();
    Ok(Loaded {
        set: Arc::new(set),
        ctx: Arc::new(EvalContext {
            waivers: Vec::new(),
            today: crate::scan::today(),
        }),
        pool: Mutex::new(Vec::new()),
        rules,
    })
}

impl State {
    /// Fresh state; policies load separately.
    pub fn new(config: Config) -> Self {
        Self {
            config,
            loaded: RwLock::new(None),
            metrics: Metrics::default(),
            shutting_down: AtomicBool::new(false),
        }
    }

    fn current(&self) -> Option<Arc<Loaded>> {
        self.loaded.read().ok().and_then(|l| l.clone())
    }

    /// Compile and, if the set is clean, swap it in atomically; a broken
    /// set is logged and the old one keeps serving.
    pub async fn reload(self: &Arc<Self>, why: &str) -> bool {
        let choice = self.config.policies.clone();
        let started = Instant::now();
        let result = tokio::task::spawn_blocking(move || compile(&choice)).await;
        match result {
            Ok(Ok(loaded)) => {
                let rules = loaded.rules;
                if let Ok(mut slot) = self.loaded.write() {
                    *slot = Some(Arc::new(loaded));
                }
                self.metrics.reload(true, rules);
                log(
                    "info",
                    "policies loaded",
                    json!({"trigger": why, "rules": rules, "ms": started.elapsed().as_millis()}),
                );
                true
            }
            Ok(Err(errors)) => {
                self.metrics.reload(false, 0);
                log(
                    "error",
                    "policy reload rejected; the previous policies keep serving",
                    json!({"trigger": why, "errors": errors}),
                );
                false
            }
            Err(e) => {
                self.metrics.reload(false, 0);
                log(
                    "error",
                    "policy reload failed",
                    json!({"trigger": why, "error": e.to_string()}),
                );
                false
            }
        }
    }
}

fn text(status: StatusCode, body: impl Into<Bytes>, content_type: &str) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(body.into()));
    *r.status_mut() = status;
    if let Ok(v) = hyper::header::HeaderValue::from_str(content_type) {
        r.headers_mut().insert(hyper::header::CONTENT_TYPE, v);
    }
    r
}

fn json_response(status: StatusCode, v: &Value) -> Response<Full<Bytes>> {
    text(status, v.to_string(), "application/json")
}

/// Route one request.
pub async fn handle(state: Arc<State>, req: Request<Incoming>) -> Response<Full<Bytes>> {
    match (req.method(), req.uri().path()) {
        (&Method::GET, "/healthz") => text(StatusCode::OK, "ok\n", "text/plain"),
        (&Method::GET, "/readyz") => {
            if state.current().is_some() && !state.shutting_down.load(Ordering::Relaxed) {
                text(StatusCode::OK, "ready\n", "text/plain")
            } else {
                text(StatusCode::SERVICE_UNAVAILABLE, "not ready\n", "text/plain")
            }
        }
        (&Method::GET, "/metrics") => text(
            StatusCode::OK,
            state.metrics.render(),
            "text/plain; version=0.0.4",
        ),
        (&Method::POST, "/validate") => validate(state, req).await,
        (_, "/validate") => text(
            StatusCode::METHOD_NOT_ALLOWED,
            "POST an AdmissionReview to /validate\n",
            "text/plain",
        ),
        _ => text(StatusCode::NOT_FOUND, "not found\n", "text/plain"),
    }
}

async fn validate(state: Arc<State>, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let started = Instant::now();
    let body = match Limited::new(req.into_body(), state.config.max_body)
        .collect()
        .await
    {
        Ok(b) => b.to_bytes(),
        Err(e) => {
            let msg = if e.is::<http_body_util::LengthLimitError>() {
                format!(
                    "request body exceeds {} bytes (--max-body-bytes)",
                    state.config.max_body
                )
            } else {
                format!("cannot read request body: {e}")
            };
            state.metrics.error("bad_request");
            log("warn", "bad request", json!({"error": msg}));
            return text(StatusCode::BAD_REQUEST, format!("{msg}\n"), "text/plain");
        }
    };
    let mut request = match review::parse(&body) {
        Ok(r) => r,
        Err(msg) => {
            state.metrics.error("bad_request");
            log("warn", "bad request", json!({"error": msg}));
            return text(StatusCode::BAD_REQUEST, format!("{msg}\n"), "text/plain");
        }
    };
    let who = json!({
        "uid": request.uid, "user": request.user, "groups": request.groups,
        "operation": request.operation, "namespace": request.namespace,
        "kind": request.object.get("kind"), "name": request.name, "dryRun": request.dry_run,
    });
    let operation = request.operation.clone();
    let reply = |state: &State, allowed: bool, outcome: &str, body: Value| {
        state
            .metrics
            .request(&operation, allowed, outcome, started.elapsed());
        json_response(StatusCode::OK, &body)
    };
    if let Some(why) = review::skip(&request, &state.config.options) {
        let body = review::plain(&request.api_version, &request.uid, true, "");
        return reply(
            &state,
            true,
            &format!("skipped_{why:?}").to_lowercase(),
            body,
        );
    }
    let Some(loaded) = state.current() else {
        return failure(
            &state,
            &request,
            "policies are not loaded yet",
            started,
            who,
        );
    };
    let resource = review::resource(&mut request);
    // Evaluated here, on the connection's worker thread: handing ~0.3 ms of
    // work to another thread cost two thread wake-ups per request, more
    // than the work itself at 1,000 rps. The deadline is kept inside the
    // engine instead: each rule run may take only what is left of it.
    let evaluated = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut ev = loaded.take();
        ev.set_deadline(Some(started + state.config.deadline));
        let mut findings = Vec::new();
        ev.evaluate(&resource, &mut findings);
        let expired = ev.expired();
        loaded.give_back(ev);
        (findings, expired)
    }));
    let findings = match evaluated {
        Ok((_, true)) => {
            let msg = format!(
                "evaluation exceeded the {} ms deadline",
                state.config.deadline.as_millis()
            );
            return failure(&state, &request, &msg, started, who);
        }
        Ok((f, false)) => f,
        Err(panic) => {
            let why = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            return failure(
                &state,
                &request,
                &format!("evaluation failed: {why}"),
                started,
                who,
            );
        }
    };
    let mut findings = findings;
    assay_engine::finding::sort_findings(&mut findings);
    let decision = review::decide(&findings, &state.config.options);
    if !decision.errors.is_empty() {
        let msg = format!("rule errors: {}", decision.errors.join("; "));
        return failure(&state, &request, &msg, started, who);
    }
    for (rule, _) in &decision.denials {
        state.metrics.decision(rule, "deny");
    }
    for w in &decision.warnings {
        if let Some((rule, _)) = w.strip_prefix('[').and_then(|w| w.split_once(']')) {
            state.metrics.decision(rule, "warn");
        }
    }
    if !decision.allowed {
        let mut fields = who;
        set(
            &mut fields,
            "rules",
            json!(decision
                .denials
                .iter()
                .map(|(r, m)| json!({"rule": r, "message": m}))
                .collect::<Vec<_>>()),
        );
        log("info", "denied", fields);
    }
    let body = review::response(&request.api_version, &request.uid, &decision);
    let outcome = if decision.allowed {
        "allowed"
    } else {
        "denied"
    };
    reply(&state, decision.allowed, outcome, body)
}

/// Answer by the failure policy, and say why in the log.
fn failure(
    state: &State,
    request: &review::Request,
    why: &str,
    started: Instant,
    mut who: Value,
) -> Response<Full<Bytes>> {
    let allowed = !state.config.fail_closed;
    state.metrics.error("evaluation");
    state.metrics.request(
        &request.operation,
        allowed,
        "failure_policy",
        started.elapsed(),
    );
    set(&mut who, "error", json!(why));
    set(&mut who, "allowed", json!(allowed));
    log(
        "error",
        if allowed {
            "evaluation failed; allowed by --failure-policy ignore"
        } else {
            "evaluation failed; denied by --failure-policy fail"
        },
        who,
    );
    let body = review::plain(
        &request.api_version,
        &request.uid,
        allowed,
        &format!("assay could not evaluate this request: {why}"),
    );
    json_response(StatusCode::OK, &body)
}

fn tls_config(config: &Config) -> anyhow::Result<rustls::ServerConfig> {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&config.cert)
        .with_context(|| format!("cannot read certificate {}", config.cert.display()))?
        .collect::<Result<_, _>>()
        .with_context(|| format!("malformed certificate {}", config.cert.display()))?;
    if certs.is_empty() {
        return Err(anyhow!("no certificate in {}", config.cert.display()));
    }
    let key = PrivateKeyDer::from_pem_file(&config.key)
        .with_context(|| format!("cannot read private key {}", config.key.display()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .context("TLS protocol versions")?;
    let builder = match &config.client_ca {
        Some(ca) => {
            let mut roots = rustls::RootCertStore::empty();
            for c in CertificateDer::pem_file_iter(ca)
                .with_context(|| format!("cannot read client CA {}", ca.display()))?
            {
                roots
                    .add(c.with_context(|| format!("malformed client CA {}", ca.display()))?)
                    .context("client CA")?;
            }
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                Arc::new(roots),
                provider,
            )
            .build()
            .context("client certificate verifier")?;
            builder.with_client_cert_verifier(verifier)
        }
        None => builder.with_no_client_auth(),
    };
    let mut tls = builder
        .with_single_cert(certs, key)
        .context("certificate and key do not match")?;
    tls.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(tls)
}

/// A cheap fingerprint of the policy paths: every file's path, size, mtime.
fn fingerprint(paths: &[PathBuf]) -> Vec<(PathBuf, u64, Option<SystemTime>)> {
    let mut out = Vec::new();
    for p in paths {
        for entry in ignore::WalkBuilder::new(p).build().flatten() {
            if let Ok(m) = entry.metadata() {
                if m.is_file() {
                    out.push((entry.path().to_path_buf(), m.len(), m.modified().ok()));
                }
            }
        }
    }
    out.sort();
    out
}

/// Serve until SIGTERM/SIGINT; returns the process exit code.
pub async fn run(config: Config) -> anyhow::Result<i32> {
    let tls = Arc::new(tls_config(&config)?);
    let acceptor = tokio_rustls::TlsAcceptor::from(tls);
    let listener = tokio::net::TcpListener::bind(&config.addr)
        .await
        .with_context(|| format!("cannot listen on {}", config.addr))?;
    let local = listener.local_addr()?;
    log(
        "info",
        "listening",
        json!({"addr": local.to_string(), "path": "/validate"}),
    );
    let state = Arc::new(State::new(config));

    // Initial compile: not ready until it succeeds; a broken set at start-up
    // is fatal (the pod crash-loops and says why), unlike a reload.
    if !state.reload("start-up").await {
        return Ok(crate::EXIT_FAILED);
    }
    spawn_reloaders(&state);

    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = Box::pin(shutdown_signal());
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((tcp, peer)) = accepted else { continue };
                let _ = tcp.set_nodelay(true);
                let acceptor = acceptor.clone();
                let state = state.clone();
                let watcher = graceful.watcher();
                tokio::spawn(async move {
                    let tls = match tokio::time::timeout(Duration::from_secs(10), acceptor.accept(tcp)).await {
                        Ok(Ok(s)) => s,
                        Ok(Err(e)) => {
                            state.metrics.error("tls");
                            log("warn", "TLS handshake failed", json!({"peer": peer.to_string(), "error": e.to_string()}));
                            return;
                        }
                        Err(_) => {
                            state.metrics.error("tls");
                            return;
                        }
                    };
                    let io = hyper_util::rt::TokioIo::new(tls);
                    let service = hyper::service::service_fn(move |req| {
                        let state = state.clone();
                        async move { Ok::<_, std::convert::Infallible>(handle(state, req).await) }
                    });
                    let conn = hyper::server::conn::http1::Builder::new()
                        .keep_alive(true)
                        .serve_connection(io, service);
                    let _ = watcher.watch(conn).await;
                });
            }
            () = &mut shutdown => break,
        }
    }
    state.shutting_down.store(true, Ordering::Relaxed);
    drop(listener);
    log(
        "info",
        "shutting down; finishing in-flight requests",
        json!({}),
    );
    tokio::select! {
        () = graceful.shutdown() => log("info", "stopped", json!({})),
        () = tokio::time::sleep(Duration::from_secs(25)) => log("warn", "stopped with requests still in flight after 25 s", json!({})),
    }
    Ok(crate::EXIT_CLEAN)
}

fn spawn_reloaders(state: &Arc<State>) {
    #[cfg(unix)]
    {
        let state = state.clone();
        tokio::spawn(async move {
            let Ok(mut hup) =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
            else {
                return;
            };
            while hup.recv().await.is_some() {
                state.reload("SIGHUP").await;
            }
        });
    }
    if let Some(every) = state.config.watch_interval {
        let paths = state.config.policies.paths.clone();
        if paths.is_empty() {
            return;
        }
        let state = state.clone();
        tokio::spawn(async move {
            let mut last = fingerprint(&paths);
            loop {
                tokio::time::sleep(every).await;
                let p = paths.clone();
                let now = tokio::task::spawn_blocking(move || fingerprint(&p))
                    .await
                    .unwrap_or_default();
                if now != last {
                    last = now;
                    state.reload("policy files changed").await;
                }
            }
        });
    }
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let term = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            () = term => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// `assay serve`: print manifests, or run the server on a Tokio runtime.
pub fn serve_command(args: &crate::cli::ServeArgs) -> i32 {
    use crate::cli::FailurePolicyArg;
    if args.print_manifests {
        let ca_pem = match &args.ca_bundle {
            Some(p) => match std::fs::read_to_string(p) {
                Ok(t) => Some(t),
                Err(e) => {
                    eprintln!("error: cannot read {}: {e}", p.display());
                    return crate::EXIT_FAILED;
                }
            },
            None => None,
        };
        print!(
            "{}",
            super::manifests::render(&super::manifests::Params {
                namespace: args.namespace.clone(),
                image: args.image.clone(),
                replicas: 2,
                ca_pem,
                exempt_namespaces: args.exempt_namespaces.clone(),
                failure_policy: match args.failure_policy {
                    FailurePolicyArg::Fail => "Fail".into(),
                    FailurePolicyArg::Ignore => "Ignore".into(),
                },
            })
        );
        return crate::EXIT_CLEAN;
    }
    let (Some(cert), Some(key)) = (args.tls_cert.clone(), args.tls_key.clone()) else {
        eprintln!("error: --tls-cert and --tls-key are required");
        return crate::EXIT_FAILED;
    };
    let deadline = Duration::from_millis(args.deadline_ms.max(1));
    let config = Config {
        addr: args.addr.clone(),
        cert,
        key,
        client_ca: args.client_ca.clone(),
        policies: PolicyChoice {
            no_builtin: args.policy.no_builtin,
            packs: args.policy.packs.clone(),
            paths: args.policy.policies.clone(),
            // A rule may use the whole deadline, not more.
            limits: assay_engine::policy::Limits { timeout: deadline },
            namespaces: Vec::new(),
            framework: args.framework.clone(),
        },
        options: Options {
            exempt_namespaces: args.exempt_namespaces.clone(),
            exempt_users: args.exempt_users.clone(),
            exempt_groups: args.exempt_groups.clone(),
            deny_on: args.deny_on.into(),
        },
        fail_closed: args.failure_policy == FailurePolicyArg::Fail,
        deadline,
        max_body: args.max_body_bytes,
        watch_interval: (args.watch_seconds > 0).then(|| Duration::from_secs(args.watch_seconds)),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return crate::EXIT_FAILED;
        }
    };
    match runtime.block_on(run(config)) {
        Ok(code) => code,
        Err(e) => {
            log("error", "cannot serve", json!({"error": format!("{e:#}")}));
            crate::EXIT_FAILED
        }
    }
}
