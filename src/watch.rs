//! `assay watch --k8s`: event-driven evaluation of a live cluster.
//!
//! The `kube` runtime watcher streams every change (reconnecting with
//! backoff; a relist after `410 Gone` arrives as a kind's complete set).
//! Changes are gathered for `--batch-ms`, then only the changed objects are
//! re-evaluated (an object whose content hash did not change is skipped,
//! so a relist costs hashing, not evaluation); cross-resource rules run over
//! the whole state. The open findings (and drift from `--against`) are
//! compared with what was last reported, by finding identity, so a relist
//! or a reconnect never repeats an alert. New and resolved findings are
//! printed as JSON lines, recorded as a scan (`--record`), and sent to the
//! notification routes (`--notify`).

use crate::cli::WatchArgs;
use crate::policies;
use crate::EXIT_FAILED;
use assay_collectors::kubernetes::WatchEvent;
use assay_engine::finding::{fingerprint, Finding, Location, ResourceRef, Status};
use assay_engine::{EvalContext, Evaluator, PolicySet, Resource, Severity};
use assay_state::diff::identity;
use assay_state::store::{content_hash, Hash, View};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::{Duration, Instant};

/// Rule id of drift findings.
pub const DRIFT_RULE: &str = "ASSAY-DRIFT";

/// Drift from a baseline as findings, so they flow through the same
/// reporting, recording and notification as rule findings.
pub fn drift_findings(drift: &[assay_state::Drift], endpoint: &str) -> Vec<Finding> {
    drift
        .iter()
        .map(|d| {
            let show = |v: &Option<serde_json::Value>| {
                v.as_ref()
                    .map_or_else(|| "(absent)".to_string(), ToString::to_string)
            };
            let message = match d.kind {
                assay_state::DriftKind::Missing => "in the baseline but not live".to_string(),
                assay_state::DriftKind::Unmanaged => "live but not in the baseline".to_string(),
                assay_state::DriftKind::Changed => format!(
                    "{}: expected {}, live {}",
                    d.pointer,
                    show(&d.expected),
                    show(&d.actual)
                ),
            };
            // `kubernetes:apps/v1/Deployment:shop/web`
            let rest = d.resource.split_once(':').map_or(d.resource.as_str(), |(_, r)| r);
            let (k, scoped) = rest.rsplit_once(':').unwrap_or(("", rest));
            let (ns, name) = scoped.rsplit_once('/').unwrap_or(("", scoped));
            Finding {
                rule: DRIFT_RULE.into(),
                title: "Live state departs from the baseline".into(),
                severity: Severity::Medium,
                status: Status::Fail,
                message: message.clone(),
                resource: ResourceRef {
                    provider: assay_engine::Provider::Kubernetes,
                    kind: k.to_string(),
                    namespace: ns.to_string(),
                    name: name.to_string(),
                    id: d.resource.clone(),
                },
                location: Location::Live {
                    endpoint: endpoint.to_string(),
                    pointer: d.pointer.clone(),
                },
                path: (!d.pointer.is_empty()).then(|| d.pointer.clone()),
                frameworks: Default::default(),
                remediation: "Restore the field to the baseline (`assay drift`), or bless the new state with `assay baseline set`.".into(),
                fix: None,
                waiver: None,
                baseline: false,
                fingerprint: fingerprint(DRIFT_RULE, &d.resource, "", &message),
            }
        })
        .collect()
}

struct Object {
    resource: Resource,
    hash: Hash,
}

/// The watcher's state.
struct Live {
    objects: BTreeMap<String, Object>,
    findings: HashMap<String, Vec<Finding>>,
    cross: Vec<Finding>,
    drift: Vec<Finding>,
    /// What was last reported open, by identity.
    reported: BTreeMap<String, Finding>,
}

fn key(r: &Resource) -> String {
    r.id.to_string()
}

impl Live {
    /// Put `r`; returns its key when its content changed.
    fn upsert(&mut self, r: Resource) -> Option<String> {
        let k = key(&r);
        let hash = content_hash(&k, &serde_json::to_vec(&r.body).unwrap_or_default());
        if self.objects.get(&k).is_some_and(|o| o.hash == hash) {
            return None;
        }
        self.objects.insert(k.clone(), Object { resource: r, hash });
        Some(k)
    }

    fn remove(&mut self, k: &str) -> bool {
        self.findings.remove(k);
        self.objects.remove(k).is_some()
    }

    fn open(&self) -> Vec<Finding> {
        let mut all: Vec<Finding> = self
            .findings
            .values()
            .flatten()
            .chain(&self.cross)
            .chain(&self.drift)
            .filter(|f| matches!(f.status, Status::Fail | Status::Warn | Status::Error))
            .cloned()
            .collect();
        assay_engine::finding::sort_findings(&mut all);
        all
    }
}

fn emit(v: serde_json::Value) {
    println!("{v}");
}

fn finding_event(change: &str, f: &Finding, latency: Option<Duration>) -> serde_json::Value {
    json!({"event": "finding", "change": change, "rule": f.rule, "severity": f.severity,
           "status": f.status, "resource": f.resource.id, "message": f.message, "path": f.path,
           "latency_ms": latency.map(|d| (d.as_secs_f64() * 1000.0 * 10.0).round() / 10.0)})
}

/// `assay watch`.
pub fn command(args: &WatchArgs) -> i32 {
    let routes = match crate::config::routes(args.notify.as_deref()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_FAILED;
        }
    };
    let Some(mut set) = policies::load_strict(&args.policy, args.framework.clone()) else {
        return EXIT_FAILED;
    };
    let needs_store = args.record || !routes.is_empty() || args.baseline.is_some();
    let mut store = if needs_store {
        match crate::state::open(&args.state) {
            Ok(s) => Some(s),
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_FAILED;
            }
        }
    } else {
        None
    };
    let baseline = match (&args.baseline, &store) {
        (Some(name), Some(s)) => match s.baseline(name) {
            Ok((_, _, view)) => Some(view),
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_FAILED;
            }
        },
        _ => None,
    };
    let opts = assay_collectors::kubernetes::Options {
        kubeconfig: args.cluster.kubeconfig.clone(),
        context: args.cluster.context.clone(),
        namespaces: args.cluster.k8s_namespaces.clone(),
        kinds: args.cluster.kinds.clone(),
        page_size: args.cluster.page_size,
        concurrency: args.cluster.list_concurrency,
        timeout_secs: 290,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return EXIT_FAILED;
        }
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let watcher = runtime.spawn(async move {
        if let Err(e) = assay_collectors::kubernetes::watch(&opts, tx).await {
            eprintln!("error: {e}");
            return false;
        }
        true
    });
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    {
        let on_int = stop.clone();
        runtime.spawn(async move {
            let _ = tokio::signal::ctrl_c().await;
            on_int.store(true, std::sync::atomic::Ordering::SeqCst);
        });
        #[cfg(unix)]
        {
            let stop = stop.clone();
            runtime.spawn(async move {
                if let Ok(mut term) =
                    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                {
                    term.recv().await;
                    stop.store(true, std::sync::atomic::Ordering::SeqCst);
                }
            });
        }
    }
    let deadline = args
        .duration
        .map(|s| Instant::now() + Duration::from_secs_f64(s.max(0.0)));
    let ctx = EvalContext {
        waivers: Vec::new(),
        today: crate::scan::today(),
    };
    let mut live = Live {
        objects: BTreeMap::new(),
        findings: HashMap::new(),
        cross: Vec::new(),
        drift: Vec::new(),
        reported: BTreeMap::new(),
    };
    let mut context = String::new();
    let mut pending_lists: Option<usize> = None;
    let mut synced = false;
    let batch = Duration::from_millis(args.batch_ms.max(1));
    loop {
        if stop.load(std::sync::atomic::Ordering::SeqCst)
            || deadline.is_some_and(|d| Instant::now() >= d)
        {
            break;
        }
        // Wait for the first event of a batch (waking to notice signals).
        let first = runtime
            .block_on(async { tokio::time::timeout(Duration::from_millis(200), rx.recv()).await });
        let first = match first {
            Err(_) => continue,
            Ok(None) => {
                let ok = runtime.block_on(watcher).unwrap_or(false);
                if !ok {
                    return EXIT_FAILED;
                }
                break;
            }
            Ok(Some(ev)) => ev,
        };
        let t0 = Instant::now();
        let mut events = vec![first];
        runtime.block_on(async {
            let end = tokio::time::Instant::now() + batch;
            while let Ok(Some(ev)) = tokio::time::timeout_at(end, rx.recv()).await {
                events.push(ev);
            }
        });
        let mut changed: BTreeSet<String> = BTreeSet::new();
        let mut removed = false;
        for ev in events {
            match ev {
                WatchEvent::Started {
                    context: c,
                    watches,
                } => {
                    context = c;
                    pending_lists = Some(watches);
                }
                WatchEvent::Listed {
                    kind,
                    namespace,
                    resources,
                } => {
                    let mut seen = BTreeSet::new();
                    for r in resources {
                        seen.insert(key(&r));
                        changed.extend(live.upsert(r));
                    }
                    let gone: Vec<String> = live
                        .objects
                        .iter()
                        .filter(|(k, o)| {
                            o.resource.id.kind == kind
                                && namespace.as_ref().is_none_or(|n| *n == o.resource.id.scope)
                                && !seen.contains(*k)
                        })
                        .map(|(k, _)| k.clone())
                        .collect();
                    for k in gone {
                        removed |= live.remove(&k);
                    }
                    if let Some(n) = pending_lists.as_mut() {
                        *n = n.saturating_sub(1);
                    }
                }
                WatchEvent::Applied(r) => changed.extend(live.upsert(r)),
                WatchEvent::Deleted(r) => removed |= live.remove(&key(&r)),
                WatchEvent::Error(d) => {
                    emit(json!({"event": "watch-error", "error": d.headline()}))
                }
            }
        }
        if !synced && pending_lists != Some(0) {
            continue; // still listing: evaluate once everything is in
        }
        if changed.is_empty() && !removed && synced {
            continue;
        }
        evaluate(&mut set, &ctx, &mut live, &changed);
        if let Some(b) = &baseline {
            let live_view = baseline_view(b, &live);
            let found =
                assay_state::drift::drift(b, &live_view, &assay_state::DriftOptions::default());
            live.drift = drift_findings(&found, &format!("k8s://{context}"));
        }
        let target = args
            .target
            .clone()
            .unwrap_or_else(|| format!("k8s:{context}"));
        let open = live.open();
        let now: BTreeMap<String, Finding> =
            open.iter().map(|f| (identity(f), f.clone())).collect();
        if !synced {
            synced = true;
            // Alert on what changed since the last recorded scan of this
            // target; with none, the state at start-up is the reference.
            let previous = store
                .as_ref()
                .and_then(|s| s.history(Some(&target), 1).ok())
                .and_then(|h| h.first().map(|m| m.id))
                .and_then(|id| store.as_ref().and_then(|s| s.view(id).ok()));
            live.reported = match previous {
                Some(v) => v
                    .findings
                    .into_iter()
                    .filter(|f| matches!(f.status, Status::Fail | Status::Warn | Status::Error))
                    .map(|f| (identity(&f), f))
                    .collect(),
                None => now.clone(),
            };
            emit(
                json!({"event": "synced", "target": target, "objects": live.objects.len(),
                        "findings": open.len(), "seconds": t0.elapsed().as_secs_f64()}),
            );
        }
        let new: Vec<Finding> = now
            .iter()
            .filter(|(k, _)| !live.reported.contains_key(*k))
            .map(|(_, f)| f.clone())
            .collect();
        let resolved: Vec<Finding> = live
            .reported
            .iter()
            .filter(|(k, _)| !now.contains_key(*k))
            .map(|(_, f)| f.clone())
            .collect();
        let latency = t0.elapsed();
        for f in &new {
            emit(finding_event("new", f, Some(latency)));
        }
        for f in &resolved {
            emit(finding_event("resolved", f, Some(latency)));
        }
        live.reported = now;
        if new.is_empty() && resolved.is_empty() && !args.record {
            continue;
        }
        if let Some(store) = store.as_mut() {
            if args.record || !routes.is_empty() {
                match record(store, &live, &target, &open) {
                    Ok(id) => {
                        emit(json!({"event": "recorded", "scan": id}));
                        let moved = !new.is_empty() || !resolved.is_empty();
                        if moved && !routes.is_empty() {
                            let change = assay_reporters::notify::Change {
                                target: target.clone(),
                                scan: id,
                                previous: None,
                                new,
                                resolved,
                                open: open.clone(),
                            };
                            notify(&runtime, store, &routes, &change);
                        }
                    }
                    Err(e) => eprintln!("error: cannot record: {e}"),
                }
            }
        }
    }
    drop(rx);
    emit(json!({"event": "stopped"}));
    crate::EXIT_CLEAN
}

/// Re-evaluate the changed objects, and the cross-resource rules over all.
fn evaluate(set: &mut PolicySet, ctx: &EvalContext, live: &mut Live, changed: &BTreeSet<String>) {
    // Borrowed, not copied: the whole state is read on every batch.
    let all: Vec<&Resource> = if set.needs_inventory() || set.inventory_rules().next().is_some() {
        live.objects.values().map(|o| &o.resource).collect()
    } else {
        Vec::new()
    };
    if set.needs_inventory() {
        let kinds = set.inventory_kinds();
        let inventory: Vec<&Resource> = all
            .iter()
            .copied()
            .filter(|r| kinds.as_ref().is_none_or(|k| k.contains(r.id.short_kind())))
            .collect();
        if let Err(e) = set.set_inventory(assay_engine::inventory::build(inventory)) {
            emit(json!({"event": "error", "error": format!("cannot build data.inventory: {e}")}));
        }
    }
    let everything = set.per_resource_reads_inventory();
    let keys: Vec<String> = if everything {
        live.objects.keys().cloned().collect()
    } else {
        changed.iter().cloned().collect()
    };
    let mut ev = Evaluator::new(&*set, ctx);
    for k in keys {
        if let Some(o) = live.objects.get(&k) {
            let mut f = Vec::new();
            ev.evaluate(&o.resource, &mut f);
            live.findings.insert(k, f);
        }
    }
    if set.inventory_rules().next().is_some() {
        let mut cross = Vec::new();
        ev.evaluate_inventory(&all, &mut cross);
        live.cross = cross;
    }
}

/// The live objects the baseline names (a manifest without a namespace
/// matches the object in `default`).
fn baseline_view(baseline: &View, live: &Live) -> View {
    let mut picked = Vec::new();
    for k in baseline.resources.keys() {
        let alt = k
            .strip_prefix("kubernetes:")
            .and_then(|rest| rest.rsplit_once(':'))
            .filter(|(_, name)| !name.contains('/'))
            .map(|(kind, name)| format!("kubernetes:{kind}:default/{name}"));
        for key in std::iter::once(k.clone()).chain(alt) {
            if let Some(o) = live.objects.get(&key) {
                picked.push(o.resource.clone());
            }
        }
    }
    View::of_resources("live", &picked, Vec::new())
}

fn record(
    store: &mut assay_state::Store,
    live: &Live,
    target: &str,
    open: &[Finding],
) -> Result<i64, String> {
    let rec = store.recorder().map_err(|e| e.to_string())?;
    for o in live.objects.values() {
        rec.add(&o.resource);
    }
    let mut by_severity: BTreeMap<String, usize> = Severity::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), 0))
        .collect();
    for f in open.iter().filter(|f| f.status == Status::Fail) {
        *by_severity
            .entry(f.severity.as_str().to_string())
            .or_default() += 1;
    }
    let now = crate::state::now();
    store
        .commit_scan(
            rec,
            &assay_state::store::NewScan {
                target,
                origin: "watch",
                started: &now,
                finished: &now,
                tool_version: env!("CARGO_PKG_VERSION"),
                packs: &[],
                summary: json!({"resources": live.objects.len(), "by_severity": by_severity}),
                compliance: json!([]),
                errors: json!([]),
                exit_code: i32::from(by_severity.values().any(|n| *n > 0)),
                findings: open,
            },
        )
        .map_err(|e| e.to_string())
}

fn notify(
    runtime: &tokio::runtime::Runtime,
    store: &assay_state::Store,
    routes: &[assay_reporters::notify::Route],
    change: &assay_reporters::notify::Change,
) {
    let outcomes = runtime.block_on(assay_reporters::notify::send_all(
        routes,
        change,
        crate::state::retry_policy(),
    ));
    let at = crate::state::now();
    for o in outcomes {
        emit(
            json!({"event": "notification", "route": o.route, "status": o.status, "attempts": o.attempts, "detail": o.detail}),
        );
        if let Err(e) =
            store.record_notification(change.scan, &o.route, o.status, o.attempts, &o.detail, &at)
        {
            eprintln!("error: cannot record the notification: {e}");
        }
    }
}
