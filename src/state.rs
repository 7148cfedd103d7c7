//! The state commands: `history`, `diff`, `baseline`, `drift`, and what
//! `scan --record` / `--notify` do after a scan.

use crate::cli::{
    BaselineListArgs, BaselineSetArgs, DiffArgs, DiffFormatArg, DriftArgs, HistoryArgs, StateArgs,
};
use crate::{EXIT_CLEAN, EXIT_FAILED, EXIT_FINDINGS};
use assay_engine::finding::Finding;
use assay_engine::{Diagnostic, Resource};
use assay_reporters::markdown::cell;
use assay_reporters::notify::{Change, Outcome, Retry};
use assay_reporters::TrendPoint;
use assay_state::diff::{changed_keys, diff, diff_findings};
use assay_state::drift::{counts, drift, Drift, DriftOptions};
use assay_state::store::{NewScan, View};
use assay_state::{Diff, Store};
use serde_json::{json, Value};
use std::io::Write;
use std::path::Path;

/// Now, RFC 3339 UTC (`SOURCE_DATE_EPOCH` wins, for reproducible runs).
pub fn now() -> String {
    assay_engine::snapshot::rfc3339(unix_now())
}

/// Seconds since the epoch (`SOURCE_DATE_EPOCH` wins).
pub fn unix_now() -> u64 {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
        })
}

/// Open the store `--state` names (or the default one).
pub fn open(args: &StateArgs) -> Result<Store, String> {
    let path = args
        .path
        .clone()
        .unwrap_or_else(assay_state::store::default_path);
    Store::open(&path).map_err(|e| e.to_string())
}

/// Open the store, or print why not.
pub fn open_or_report(args: &StateArgs) -> Option<Store> {
    open(args).map_err(|e| eprintln!("error: {e}")).ok()
}

/// Open the store only if it exists already (reading trends must not create one).
pub fn open_existing(args: &StateArgs) -> Option<Store> {
    let path = args
        .path
        .clone()
        .unwrap_or_else(assay_state::store::default_path);
    path.exists().then(|| Store::open(&path).ok()).flatten()
}

fn failing(summary: &Value) -> usize {
    summary
        .get("by_severity")
        .and_then(Value::as_object)
        .map_or(0, |m| {
            m.values()
                .filter_map(Value::as_u64)
                .map(|n| usize::try_from(n).unwrap_or(0))
                .sum()
        })
}

/// Write a finished scan into the store.
pub fn record(
    store: &mut Store,
    recorder: assay_state::Recorder,
    outcome: &crate::scan::ScanOutcome,
    origin: &str,
    packs: &[String],
    started: &str,
) -> Result<i64, String> {
    let summary = serde_json::to_value(outcome.report.summary()).unwrap_or(Value::Null);
    let compliance = serde_json::to_value(&outcome.report.compliance).unwrap_or(Value::Null);
    let errors = serde_json::to_value(&outcome.report.errors).unwrap_or(Value::Null);
    let finished = now();
    store
        .commit_scan(
            recorder,
            &NewScan {
                target: &outcome.target,
                origin,
                started,
                finished: &finished,
                tool_version: env!("CARGO_PKG_VERSION"),
                packs,
                summary,
                compliance,
                errors,
                exit_code: outcome.exit_code,
                findings: &outcome.report.findings,
            },
        )
        .map_err(|e| e.to_string())
}

/// The last `limit` scans of `target`, oldest first, for the HTML trend.
pub fn trend(store: &Store, target: &str, limit: usize) -> Vec<TrendPoint> {
    let mut points: Vec<TrendPoint> = store
        .history(Some(target), limit)
        .unwrap_or_default()
        .into_iter()
        .map(|m| TrendPoint {
            scan: m.id.to_string(),
            time: m.finished.clone(),
            failing: failing(&m.summary),
            by_severity: m
                .summary
                .get("by_severity")
                .and_then(|v| serde_json::from_value(v.clone()).ok())
                .unwrap_or_default(),
        })
        .collect();
    points.reverse();
    points
}

/// What changed in `target` between its previous recorded scan and `scan`.
pub fn change(store: &Store, target: &str, scan: i64) -> Result<Change, String> {
    let previous = store
        .history(Some(target), 2)
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|m| m.id)
        .find(|id| *id < scan);
    let now = store.view(scan).map_err(|e| e.to_string())?;
    let before = match previous {
        Some(p) => store.view(p).map_err(|e| e.to_string())?.findings,
        None => Vec::new(),
    };
    let d = diff_findings(&before, &now.findings);
    let open: Vec<Finding> = now
        .findings
        .iter()
        .filter(|f| {
            matches!(
                f.status,
                assay_engine::finding::Status::Fail
                    | assay_engine::finding::Status::Warn
                    | assay_engine::finding::Status::Error
            )
        })
        .cloned()
        .collect();
    Ok(Change {
        target: target.to_string(),
        scan,
        previous,
        new: d.new,
        resolved: d.resolved,
        open,
    })
}

/// Notify `routes` (all of the config's, or the named ones) of what changed
/// with `scan`; log and record every outcome. Never fails the scan.
pub fn notify(
    store: &Store,
    routes: &[assay_reporters::notify::Route],
    target: &str,
    scan: i64,
    quiet: bool,
) -> Vec<Outcome> {
    let change = match change(store, target, scan) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: cannot compute what changed for notifications: {e}");
            return Vec::new();
        }
    };
    let retry = retry_policy();
    let outcomes = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt.block_on(assay_reporters::notify::send_all(routes, &change, retry)),
        Err(e) => {
            eprintln!("error: cannot start the runtime for notifications: {e}");
            return Vec::new();
        }
    };
    let at = now();
    for o in &outcomes {
        let line = json!({"event": "notification", "route": o.route, "status": o.status,
            "attempts": o.attempts, "detail": o.detail, "scan": scan, "target": target});
        if o.status == "failed" {
            eprintln!("error: notification {line}");
        } else if !quiet {
            eprintln!("{line}");
        }
        if let Err(e) =
            store.record_notification(scan, &o.route, o.status, o.attempts, &o.detail, &at)
        {
            eprintln!("error: cannot record the notification: {e}");
        }
    }
    outcomes
}

/// Backoff for notifications; `ASSAY_NOTIFY_BACKOFF_MS` shortens it in tests.
pub fn retry_policy() -> Retry {
    let mut r = Retry::default();
    if let Some(ms) = std::env::var("ASSAY_NOTIFY_BACKOFF_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        r.backoff = std::time::Duration::from_millis(ms);
    }
    r
}

/// `assay history`.
pub fn history(args: &HistoryArgs, out: &mut dyn Write) -> std::io::Result<i32> {
    let Some(store) = crate::state::open_or_report(&args.state) else {
        return Ok(EXIT_FAILED);
    };
    let scans = match store.history(args.target.as_deref(), args.limit) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(EXIT_FAILED);
        }
    };
    match args.format {
        DiffFormatArg::Json => {
            serde_json::to_writer_pretty(&mut *out, &scans)?;
            writeln!(out)?;
        }
        DiffFormatArg::Markdown => {
            writeln!(
                out,
                "| Scan | Finished | Target | Origin | Resources | Failing | Exit |"
            )?;
            writeln!(out, "|---:|---|---|---|---:|---:|---:|")?;
            for m in &scans {
                writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} | {} |",
                    m.id,
                    m.finished,
                    cell(&m.target),
                    cell(&m.origin),
                    m.resources,
                    failing(&m.summary),
                    m.exit_code
                )?;
            }
        }
        DiffFormatArg::Text => {
            if scans.is_empty() {
                writeln!(
                    out,
                    "no recorded scans in {} (record one with `assay scan … --record`)",
                    store.path()
                )?;
                return Ok(EXIT_CLEAN);
            }
            writeln!(
                out,
                "{:>5}  {:<20}  {:<32}  {:<10}  {:>9}  {:>7}  EXIT",
                "SCAN", "FINISHED", "TARGET", "ORIGIN", "RESOURCES", "FAILING"
            )?;
            for m in &scans {
                writeln!(
                    out,
                    "{:>5}  {:<20}  {:<32}  {:<10}  {:>9}  {:>7}  {}",
                    m.id,
                    m.finished,
                    m.target,
                    m.origin,
                    m.resources,
                    failing(&m.summary),
                    m.exit_code
                )?;
            }
        }
    }
    Ok(EXIT_CLEAN)
}

/// A state for `diff`: a snapshot file (evaluated with the given policies)
/// or a recorded scan.
fn load_side(store: Option<&Store>, reference: &str, args: &DiffArgs) -> Result<View, String> {
    let path = Path::new(reference);
    if path.is_file() {
        let snap = crate::scan::read_snapshot(path).map_err(|d| d.to_string())?;
        let scan_args = crate::cli::ScanArgs {
            snapshot: Some(path.to_path_buf()),
            ..crate::gate::scan_args(
                Vec::new(),
                crate::cli::FormatArg::Json,
                None,
                crate::cli::SeverityArg::Low,
                &args.policy,
            )
        };
        let outcome = crate::scan::run(&scan_args);
        return Ok(View::of_resources(
            reference,
            &snap.resources,
            outcome.report.findings,
        ));
    }
    let store = store.ok_or_else(|| {
        format!("`{reference}` is neither a snapshot file nor a scan (no state store)")
    })?;
    let id = store
        .resolve(reference, args.target.as_deref())
        .map_err(|e| e.to_string())?;
    store.view(id).map_err(|e| e.to_string())
}

/// `assay diff A B`: exit 0 when nothing moved, 1 when something did.
pub fn diff_command(args: &DiffArgs, out: &mut dyn Write) -> std::io::Result<i32> {
    let needs_store = [&args.from, &args.to]
        .iter()
        .any(|r| !Path::new(r.as_str()).is_file());
    let store = if needs_store {
        match open(&args.state) {
            Ok(s) => Some(s),
            Err(e) => {
                eprintln!("error: {e}");
                return Ok(EXIT_FAILED);
            }
        }
    } else {
        None
    };
    let (mut a, mut b) = match (
        load_side(store.as_ref(), &args.from, args),
        load_side(store.as_ref(), &args.to, args),
    ) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: {e}");
            return Ok(EXIT_FAILED);
        }
    };
    if let Some(store) = &store {
        let keys = changed_keys(&a, &b);
        if let Err(e) = store
            .load_bodies(&mut a, &keys)
            .and_then(|()| store.load_bodies(&mut b, &keys))
        {
            eprintln!("error: {e}");
            return Ok(EXIT_FAILED);
        }
    }
    let d = diff(&a, &b);
    match args.format {
        DiffFormatArg::Json => {
            serde_json::to_writer_pretty(&mut *out, &d)?;
            writeln!(out)?;
        }
        DiffFormatArg::Text => write_diff_text(&d, out)?,
        DiffFormatArg::Markdown => write_diff_markdown(&d, out)?,
    }
    Ok(if d.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    })
}

fn show(v: Option<&Value>) -> String {
    match v {
        None => "(absent)".to_string(),
        Some(v) => {
            let s = v.to_string();
            if s.chars().count() > 120 {
                s.chars().take(117).collect::<String>() + "..."
            } else {
                s
            }
        }
    }
}

fn finding_line(f: &Finding) -> String {
    format!(
        "{:<8} {:<14} {} — {}",
        f.severity.as_str().to_uppercase(),
        f.rule,
        assay_reporters::markdown::resource(f),
        f.message
    )
}

fn write_diff_text(d: &Diff, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "{} → {}", d.from, d.to)?;
    writeln!(
        out,
        "resources: {} added, {} removed, {} changed, {} unchanged",
        d.added.len(),
        d.removed.len(),
        d.changed.len(),
        d.unchanged
    )?;
    for k in &d.added {
        writeln!(out, "  + {k}")?;
    }
    for k in &d.removed {
        writeln!(out, "  - {k}")?;
    }
    for c in &d.changed {
        writeln!(out, "  ~ {}", c.resource)?;
        for f in &c.changes {
            writeln!(
                out,
                "      {}: {} → {}",
                if f.pointer.is_empty() {
                    "/"
                } else {
                    &f.pointer
                },
                show(f.old.as_ref()),
                show(f.new.as_ref())
            )?;
        }
    }
    writeln!(
        out,
        "findings: {} new, {} resolved, {} unchanged",
        d.findings.new.len(),
        d.findings.resolved.len(),
        d.findings.unchanged
    )?;
    for f in &d.findings.new {
        writeln!(out, "  + {}", finding_line(f))?;
    }
    for f in &d.findings.resolved {
        writeln!(out, "  - {}", finding_line(f))?;
    }
    Ok(())
}

fn write_diff_markdown(d: &Diff, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "## Assay diff: {} → {}\n", cell(&d.from), cell(&d.to))?;
    writeln!(
        out,
        "**Resources:** {} added, {} removed, {} changed, {} unchanged · **Findings:** {} new, {} resolved, {} unchanged\n",
        d.added.len(),
        d.removed.len(),
        d.changed.len(),
        d.unchanged,
        d.findings.new.len(),
        d.findings.resolved.len(),
        d.findings.unchanged
    )?;
    if !(d.added.is_empty() && d.removed.is_empty() && d.changed.is_empty()) {
        writeln!(out, "| Change | Resource | Field | Before | After |")?;
        writeln!(out, "|---|---|---|---|---|")?;
        for k in &d.added {
            writeln!(out, "| added | `{}` | | | |", cell(k))?;
        }
        for k in &d.removed {
            writeln!(out, "| removed | `{}` | | | |", cell(k))?;
        }
        for c in &d.changed {
            for f in &c.changes {
                writeln!(
                    out,
                    "| changed | `{}` | `{}` | `{}` | `{}` |",
                    cell(&c.resource),
                    cell(&f.pointer),
                    cell(&show(f.old.as_ref())),
                    cell(&show(f.new.as_ref()))
                )?;
            }
        }
        writeln!(out)?;
    }
    for (title, list) in [
        ("New findings", &d.findings.new),
        ("Resolved findings", &d.findings.resolved),
    ] {
        if list.is_empty() {
            continue;
        }
        writeln!(
            out,
            "### {title}\n\n| Severity | Rule | Resource | Message |\n|---|---|---|---|"
        )?;
        for f in list {
            writeln!(
                out,
                "| {} {} | `{}` | {} | {} |",
                assay_reporters::markdown::badge(f.severity),
                f.severity,
                cell(&f.rule),
                cell(&assay_reporters::markdown::resource(f)),
                cell(&f.message)
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// Resources from files, a snapshot, a cluster or an account, in memory.
pub struct Collected {
    /// Resources.
    pub resources: Vec<Resource>,
    /// Problems.
    pub errors: Vec<Diagnostic>,
    /// What was skipped on purpose (kinds the credentials may not list).
    pub notes: Vec<Diagnostic>,
    /// `files`, `kubernetes` or `aws` (a snapshot's own collector).
    pub collector: String,
    /// What was collected (`context=…`, `region=…`, paths).
    pub scope: Vec<String>,
    /// Target name in history (`k8s:ctx`, `aws:profile/regions`, `files:paths`).
    pub target: String,
    /// True when a live source could not be reached at all.
    pub unreachable: bool,
}

/// Collect what a command names, whole, in memory.
pub fn collect(
    paths: &[String],
    snapshot: Option<&Path>,
    k8s: Option<&crate::cli::ClusterArgs>,
    aws: Option<&crate::cli::AccountArgs>,
) -> Collected {
    let mut c = Collected {
        resources: Vec::new(),
        errors: Vec::new(),
        notes: Vec::new(),
        collector: "files".into(),
        scope: paths.to_vec(),
        target: String::new(),
        unreachable: false,
    };
    if let Some(path) = snapshot {
        match crate::scan::read_snapshot(path) {
            Ok(s) => {
                c.collector = s.collector;
                c.scope = s.scope;
                c.errors = s.errors;
                c.notes = s.notes;
                c.resources = s.resources;
            }
            Err(d) => c.errors.push(d),
        }
        c.target = crate::scan::snapshot_target(&c.collector, &c.scope)
            .unwrap_or_else(|| format!("snapshot:{}", path.display()));
        return c;
    }
    if let Some(cluster) = k8s {
        c.collector = "kubernetes".into();
        match crate::scan::collect_cluster(cluster) {
            Ok(k) => {
                c.scope = vec![
                    format!("context={}", k.context),
                    format!("server={}", k.server),
                ];
                c.scope.extend(
                    cluster
                        .k8s_namespaces
                        .iter()
                        .map(|n| format!("namespace={n}")),
                );
                c.scope
                    .extend(cluster.kinds.iter().map(|k| format!("kind={k}")));
                c.resources = k.resources;
                c.errors = k.errors;
                c.notes = k.skipped;
            }
            Err(d) => {
                let ctx = cluster.context.clone().unwrap_or_else(|| "current".into());
                c.scope = vec![format!("context={ctx}")];
                c.errors.push(d);
                c.unreachable = true;
            }
        }
    } else if let Some(account) = aws {
        c.collector = "aws".into();
        let regions = match crate::scan::collect_account(account) {
            Ok(a) => {
                c.resources = a.resources;
                c.errors = a.errors;
                a.regions
            }
            Err(d) => {
                c.errors.push(d);
                c.unreachable = true;
                account.regions.clone()
            }
        };
        c.scope = regions.iter().map(|r| format!("region={r}")).collect();
        if let Some(p) = &account.profile {
            c.scope.insert(0, format!("profile={p}"));
        }
    } else {
        let limits = assay_collectors::files::FileLimits::default();
        for input in crate::scan::discover_inputs(paths, &mut c.errors) {
            let scan = assay_collectors::files::load(&input, &limits);
            c.errors.extend(scan.errors);
            c.resources.extend(scan.resources);
        }
    }
    c.target = crate::scan::snapshot_target(&c.collector, &c.scope).unwrap_or_default();
    for n in &c.notes {
        eprintln!("note: {n}");
    }
    c
}

/// `assay baseline set`.
pub fn baseline_set(args: &BaselineSetArgs) -> i32 {
    let Some(mut store) = crate::state::open_or_report(&args.state) else {
        return EXIT_FAILED;
    };
    let created = now();
    let first = args.sources.first().map(String::as_str).unwrap_or("");
    let is_path = Path::new(first).exists();
    if args.sources.len() == 1 && !is_path {
        let result = store.resolve(first, args.target.as_deref()).and_then(|id| {
            store
                .set_baseline_from_scan(&args.name, id, &created)
                .map(|n| (id, n))
        });
        return match result {
            Ok((id, n)) => {
                eprintln!("baseline `{}` set from scan {id}: {n} resources", args.name);
                EXIT_CLEAN
            }
            Err(e) => {
                eprintln!("error: {e}");
                EXIT_FAILED
            }
        };
    }
    let snapshot = (args.sources.len() == 1
        && Path::new(first).is_file()
        && crate::scan::read_snapshot(Path::new(first)).is_ok())
    .then(|| Path::new(first));
    let c = collect(&args.sources, snapshot, None, None);
    for e in &c.errors {
        eprintln!("error: {e}");
    }
    if !c.errors.is_empty() {
        eprintln!("error: baseline not set: fix the input errors first");
        return EXIT_FAILED;
    }
    let rec = match store.recorder() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_FAILED;
        }
    };
    for r in &c.resources {
        rec.add(r);
    }
    let source = args.sources.join(" ");
    match store.set_baseline(&args.name, &source, &created, rec) {
        Ok(n) => {
            eprintln!("baseline `{}` set from {source}: {n} resources", args.name);
            EXIT_CLEAN
        }
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_FAILED
        }
    }
}

/// `assay baseline list`.
pub fn baseline_list(args: &BaselineListArgs, out: &mut dyn Write) -> std::io::Result<i32> {
    let Some(store) = crate::state::open_or_report(&args.state) else {
        return Ok(EXIT_FAILED);
    };
    match store.baselines() {
        Ok(list) => {
            for (name, created, source, n) in list {
                writeln!(out, "{name}\t{created}\t{n} resources\t{source}")?;
            }
            Ok(EXIT_CLEAN)
        }
        Err(e) => {
            eprintln!("error: {e}");
            Ok(EXIT_FAILED)
        }
    }
}

/// `assay drift`: exit 0 when live state matches the baseline, 1 on drift,
/// 2 when the comparison could not be made.
pub fn drift_command(args: &DriftArgs, out: &mut dyn Write) -> std::io::Result<i32> {
    let Some(store) = crate::state::open_or_report(&args.state) else {
        return Ok(EXIT_FAILED);
    };
    let (created, source, baseline) = match store.baseline(&args.baseline) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(EXIT_FAILED);
        }
    };
    if args.source.is_empty() {
        eprintln!("error: say what to compare: --k8s, --aws, --snapshot FILE, or paths");
        return Ok(EXIT_FAILED);
    }
    let c = args.source.collect();
    for e in &c.errors {
        eprintln!("error: {e}");
    }
    let live = View::of_resources(&c.target, &c.resources, Vec::new());
    let opts = DriftOptions {
        unmanaged: args.unmanaged,
        ignore: args.ignore.clone(),
    };
    let found = drift(&baseline, &live, &opts);
    if args.restore {
        return Ok(restore(args, &baseline, &c, &found));
    }
    match args.format {
        DriftFormat::Json => {
            let n = counts(&found);
            serde_json::to_writer_pretty(
                &mut *out,
                &json!({"baseline": {"name": args.baseline, "created": created, "source": source},
                        "live": c.target, "counts": n, "drift": found,
                        "errors": c.errors}),
            )?;
            writeln!(out)?;
        }
        DriftFormat::Text => write_drift_text(&args.baseline, &source, &c.target, &found, out)?,
        DriftFormat::Markdown => write_drift_markdown(&args.baseline, &c.target, &found, out)?,
    }
    Ok(if !c.errors.is_empty() {
        EXIT_FAILED
    } else if found.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    })
}

use DiffFormatArg as DriftFormat;

fn write_drift_text(
    name: &str,
    source: &str,
    live: &str,
    found: &[Drift],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let n = counts(found);
    let mut last = "";
    for d in found {
        if d.resource != last {
            let what = match d.kind {
                assay_state::DriftKind::Missing => " (missing: in the baseline, not live)",
                assay_state::DriftKind::Unmanaged => " (unmanaged: live, not in the baseline)",
                assay_state::DriftKind::Changed => "",
            };
            writeln!(out, "{}{what}", d.resource)?;
            last = &d.resource;
        }
        if d.kind == assay_state::DriftKind::Changed {
            writeln!(
                out,
                "  {}: expected {}, live {}",
                d.pointer,
                show(d.expected.as_ref()),
                show(d.actual.as_ref())
            )?;
        }
    }
    writeln!(
        out,
        "{} drift{} from baseline `{name}` ({source}) in {live}: {} changed fields, {} missing, {} unmanaged",
        found.len(),
        if found.len() == 1 { "" } else { "s" },
        n.get("changed").copied().unwrap_or(0),
        n.get("missing").copied().unwrap_or(0),
        n.get("unmanaged").copied().unwrap_or(0)
    )
}

fn write_drift_markdown(
    name: &str,
    live: &str,
    found: &[Drift],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(
        out,
        "## Assay drift: {} from baseline `{}` in {}\n",
        found.len(),
        cell(name),
        cell(live)
    )?;
    if found.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "| Resource | Drift | Field | Expected | Live |\n|---|---|---|---|---|"
    )?;
    for d in found {
        writeln!(
            out,
            "| `{}` | {:?} | `{}` | `{}` | `{}` |",
            cell(&d.resource),
            d.kind,
            cell(&d.pointer),
            cell(&show(d.expected.as_ref())),
            cell(&show(d.actual.as_ref()))
        )?;
    }
    Ok(())
}

/// `drift --restore`: the changes that put live objects back to the
/// baseline, planned (and applied with `--apply`) like `assay fix`.
fn restore(args: &DriftArgs, baseline: &View, live: &Collected, found: &[Drift]) -> i32 {
    use assay_remediators::plan::{k8s_change, k8s_create, render};
    use assay_remediators::{Change, Plan, Skip};
    let rule = vec!["ASSAY-DRIFT".to_string()];
    let mut plan = Plan::default();
    let mut ops: std::collections::BTreeMap<&str, Vec<Value>> = std::collections::BTreeMap::new();
    for d in found {
        match d.kind {
            assay_state::DriftKind::Changed => match &d.expected {
                Some(v) => ops.entry(d.resource.as_str()).or_default().push(
                    json!({"op": "add", "path": d.pointer, "value": v}),
                ),
                None => plan.skipped.push(Skip {
                    resource: d.resource.clone(),
                    rule: "ASSAY-DRIFT".into(),
                    reason: format!(
                        "{} was added live; server-side apply does not remove another manager's field: remove it by hand",
                        d.pointer
                    ),
                }),
            },
            assay_state::DriftKind::Missing => {
                match baseline.resources.get(&d.resource).and_then(|e| e.body.as_ref()) {
                    Some(body) => plan.changes.push(Change::Kubernetes(k8s_create(body, &d.resource, rule.clone()))),
                    None => plan.skipped.push(Skip {
                        resource: d.resource.clone(),
                        rule: "ASSAY-DRIFT".into(),
                        reason: "the baseline has no body for it".into(),
                    }),
                }
            }
            assay_state::DriftKind::Unmanaged => plan.skipped.push(Skip {
                resource: d.resource.clone(),
                rule: "ASSAY-DRIFT".into(),
                reason: "not in the baseline; left alone".into(),
            }),
        }
    }
    for (key, ops) in ops {
        let Some(r) = live.resources.iter().find(|r| r.id.to_string() == key) else {
            continue;
        };
        match k8s_change(r, rule.clone(), ops) {
            Ok(Some(c)) => plan.changes.push(Change::Kubernetes(c)),
            Ok(None) => {}
            Err(e) => plan.skipped.push(Skip {
                resource: key.to_string(),
                rule: "ASSAY-DRIFT".into(),
                reason: format!("cannot restore: {e}"),
            }),
        }
    }
    print!("{}", render(&plan, 0));
    if !args.apply {
        return if plan.changes.is_empty() {
            EXIT_CLEAN
        } else {
            EXIT_FINDINGS
        };
    }
    crate::fix::apply_changes(
        &plan.changes,
        &[],
        &crate::fix::ApplyOptions {
            target: &live.target,
            cluster: &args.source.cluster,
            account: &args.source.account,
            state: &args.state,
            yes: args.yes,
            max_changes: args.max_changes,
            force_conflicts: true,
        },
    )
}
