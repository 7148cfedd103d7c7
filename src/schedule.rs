//! `assay schedule`: a long-running scheduler of recorded, notifying scans.
//!
//! Each job of `assay.yaml` has a cron expression (UTC). A job never
//! overlaps itself: a tick that arrives while the previous run is still
//! going is skipped and logged. The start of every run is written to the
//! state store, so after a restart a job whose scheduled time passed while
//! the scheduler was down runs once, at start-up. SIGTERM or Ctrl-C stops
//! scheduling and waits for running jobs to finish. Every event is one JSON
//! line on standard error.

use crate::cli::{FormatArg, PolicyArgs, ScanArgs, ScheduleArgs, SeverityArg, StateArgs};
use crate::config::{Config, Job};
use crate::cron::Cron;
use crate::{EXIT_CLEAN, EXIT_FAILED};
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

fn log(event: serde_json::Value) {
    eprintln!("{event}");
}

/// The `scan` a job runs.
pub fn job_scan_args(job: &Job, state: &StateArgs) -> ScanArgs {
    let (format, output) = match &job.report {
        Some(path) => {
            let ext = path
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("")
                .to_ascii_lowercase();
            let format = match ext.as_str() {
                "html" | "htm" => FormatArg::Html,
                "json" => FormatArg::Json,
                "sarif" => FormatArg::Sarif,
                "md" | "markdown" => FormatArg::Markdown,
                "xml" => FormatArg::Junit,
                _ => FormatArg::Text,
            };
            (format, Some(path.clone()))
        }
        None => (FormatArg::Json, None),
    };
    let policy = PolicyArgs {
        policies: job.policies.clone(),
        no_builtin: false,
        packs: job.packs.clone(),
    };
    let mut args =
        crate::gate::scan_args(job.paths.clone(), format, output, SeverityArg::Low, &policy);
    if let Some(k) = &job.k8s {
        args.k8s = true;
        args.cluster.kubeconfig = k.kubeconfig.clone();
        args.cluster.context = k.context.clone();
        args.cluster.k8s_namespaces = k.namespaces.clone();
        args.cluster.kinds = k.kinds.clone();
        args.cluster.page_size = 500;
        args.cluster.list_concurrency = 4;
    }
    if let Some(a) = &job.aws {
        args.aws = true;
        args.account.profile = a.profile.clone();
        args.account.regions = a.regions.clone();
        args.account.region_concurrency = 4;
    }
    args.framework = job.framework.clone();
    args.record = true;
    args.state = state.clone();
    args.quiet = true;
    args
}

/// Run one job now: scan, record, write its report, notify its routes.
/// Returns the scan's exit code.
pub fn run_job(config: &Config, job: &Job, state: &StateArgs) -> i32 {
    let started = crate::state::unix_now();
    let t0 = std::time::Instant::now();
    log(json!({"event": "job-start", "job": job.name, "at": crate::state::now()}));
    if let Ok(store) = crate::state::open(state) {
        if let Err(e) = store.set_job_run(&job.name, started, None) {
            log(json!({"event": "error", "job": job.name, "error": e.to_string()}));
        }
    }
    let args = job_scan_args(job, state);
    let origin = format!("schedule:{}", job.name);
    let ex = match crate::scan::execute(&args, &origin, |_, _| {}) {
        Ok(ex) => ex,
        Err(code) => {
            log(
                json!({"event": "job-end", "job": job.name, "exit_code": code, "error": "cannot open the state store"}),
            );
            return code;
        }
    };
    let mut code = ex.code;
    if args.output.is_some() {
        code = code.max(crate::scan::render_executed(&args, &ex));
    }
    let routes: Vec<_> = config
        .notifications
        .iter()
        .filter(|r| {
            job.notify
                .as_ref()
                .is_none_or(|names| names.contains(&r.name))
        })
        .cloned()
        .collect();
    let mut change = json!(null);
    if let (Some(store), Some(id)) = (ex.store.as_ref(), ex.scan_id) {
        if let Err(e) = store.set_job_run(&job.name, started, Some(id)) {
            log(json!({"event": "error", "job": job.name, "error": e.to_string()}));
        }
        if let Ok(c) = crate::state::change(store, &ex.outcome.target, id) {
            change =
                json!({"new": c.new.len(), "resolved": c.resolved.len(), "previous": c.previous});
        }
        if !routes.is_empty() {
            crate::state::notify(store, &routes, &ex.outcome.target, id, false);
        }
    }
    for e in &ex.outcome.report.errors {
        log(json!({"event": "input-error", "job": job.name, "error": e.headline()}));
    }
    if let Some(step) = &job.fix {
        code = code.max(fix_step(job, step, &args, state));
    }
    let s = ex.outcome.report.summary();
    log(
        json!({"event": "job-end", "job": job.name, "scan": ex.scan_id, "target": ex.outcome.target,
        "exit_code": code, "resources": s.resources, "failing": s.by_severity.values().sum::<usize>(),
        "changes": change, "seconds": t0.elapsed().as_secs_f64()}),
    );
    code
}

/// The `fix` arguments of a job's remediation step.
fn fix_args(
    job: &Job,
    step: &crate::config::FixStep,
    scan: &ScanArgs,
    state: &StateArgs,
) -> crate::cli::FixArgs {
    crate::cli::FixArgs {
        action: None,
        source: crate::cli::SourceArgs {
            paths: scan.paths.clone(),
            k8s: scan.k8s,
            cluster: scan.cluster.clone(),
            aws: scan.aws,
            account: scan.account.clone(),
            snapshot: None,
        },
        policy: scan.policy.clone(),
        framework: job.framework.clone(),
        rules: step.rules.clone(),
        severity: step.severity.map(severity_arg),
        resource: None,
        apply: step.apply,
        diff: false,
        yes: true,
        max_changes: step.max_changes,
        force_conflicts: false,
        format: crate::cli::DiffFormatArg::Json,
        state: state.clone(),
    }
}

fn severity_arg(s: assay_engine::Severity) -> SeverityArg {
    match s {
        assay_engine::Severity::Critical => SeverityArg::Critical,
        assay_engine::Severity::High => SeverityArg::High,
        assay_engine::Severity::Medium => SeverityArg::Medium,
        assay_engine::Severity::Low => SeverityArg::Low,
        assay_engine::Severity::Info => SeverityArg::Info,
    }
}

/// mBOT then tBOT: plan (and, when the job says so, apply) the fixes, then
/// re-scan to confirm they took. Returns an exit code.
fn fix_step(job: &Job, step: &crate::config::FixStep, scan: &ScanArgs, state: &StateArgs) -> i32 {
    let args = fix_args(job, step, scan, state);
    let (plan, target, _, files) = match crate::fix::plan_of(&args) {
        Ok(p) => p,
        Err(e) => {
            log(json!({"event": "fix-error", "job": job.name, "error": e}));
            return EXIT_FAILED;
        }
    };
    let planned = plan.changes.len() + files.len();
    let changes: Vec<serde_json::Value> = plan
        .changes
        .iter()
        .map(|c| json!({"resource": c.resource(), "rules": c.rules()}))
        .chain(
            files
                .iter()
                .map(|f| json!({"resource": f.path, "rules": f.rules})),
        )
        .collect();
    log(
        json!({"event": "fix-plan", "job": job.name, "planned": planned, "changes": changes, "apply": step.apply}),
    );
    if !step.apply || planned == 0 {
        return crate::EXIT_CLEAN;
    }
    let code = crate::fix::apply_changes(
        &plan.changes,
        &files,
        &crate::fix::ApplyOptions {
            target: &target,
            cluster: &args.source.cluster,
            account: &args.source.account,
            state,
            yes: true,
            max_changes: step.max_changes,
            force_conflicts: false,
        },
    );
    // Re-validate: the fixed findings must be gone.
    let mut verify = scan.clone();
    verify.output = None;
    let origin = format!("schedule:{}:verify", job.name);
    let remaining = match crate::scan::execute(&verify, &origin, |_, _| {}) {
        Ok(ex) => ex
            .outcome
            .report
            .findings
            .iter()
            .filter(|f| f.status == assay_engine::finding::Status::Fail)
            .filter(|f| {
                let in_file = |path: &str| {
                    matches!(&f.location, assay_engine::finding::Location::File { file, .. } if file == path)
                };
                plan.changes.iter().any(|c| c.resource() == f.resource.id && c.rules().contains(&f.rule))
                    || files.iter().any(|fc| in_file(&fc.path) && fc.rules.contains(&f.rule))
            })
            .count(),
        Err(c) => return c,
    };
    log(
        json!({"event": "fix-verified", "job": job.name, "applied": code == crate::EXIT_CLEAN,
               "remaining": remaining}),
    );
    if remaining > 0 {
        EXIT_FAILED
    } else {
        code
    }
}

/// What the scheduler knows about one job.
struct Slot {
    job: Job,
    cron: Cron,
    next: u64,
    running: Option<std::thread::JoinHandle<i32>>,
}

/// Start `slot`'s job on a thread of its own, unless its previous run is
/// still going (a job never overlaps itself). Returns whether it started.
fn start(slot: &mut Slot, config: &Arc<Config>, state: &StateArgs) -> bool {
    if slot.running.as_ref().is_some_and(|h| !h.is_finished()) {
        log(
            json!({"event": "skipped", "job": slot.job.name, "reason": "the previous run is still going"}),
        );
        return false;
    }
    if let Some(h) = slot.running.take() {
        let _ = h.join();
    }
    let (config, job, state) = (config.clone(), slot.job.clone(), state.clone());
    slot.running = Some(std::thread::spawn(move || run_job(&config, &job, &state)));
    true
}

/// Jobs whose scheduled time passed while nothing ran them: their last
/// recorded start is before a scheduled time that is not in the future.
pub fn missed(cron: &Cron, last_run: Option<u64>, now: u64) -> bool {
    last_run.is_some_and(|last| cron.last_at_or_before(now, last + 1).is_some())
}

/// `assay schedule`.
pub fn command(args: &ScheduleArgs) -> i32 {
    let config = match crate::config::load(&args.config) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_FAILED;
        }
    };
    let state = StateArgs {
        path: args.state.path.clone().or_else(|| config.state.clone()),
    };
    if args.print_cronjobs {
        return match crate::cronjob::cronjobs(&config, &args.config, &args.image) {
            Ok(yaml) => {
                print!("{yaml}");
                EXIT_CLEAN
            }
            Err(e) => {
                eprintln!("error: {e}");
                EXIT_FAILED
            }
        };
    }
    if let Some(name) = &args.once {
        return match config.jobs.iter().find(|j| &j.name == name) {
            Some(job) => run_job(&config, job, &state),
            None => {
                eprintln!(
                    "error: no job `{name}` in {} (jobs: {})",
                    args.config.display(),
                    config
                        .jobs
                        .iter()
                        .map(|j| j.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                EXIT_FAILED
            }
        };
    }
    if config.jobs.is_empty() {
        eprintln!("error: {} has no jobs", args.config.display());
        return EXIT_FAILED;
    }
    let store = match crate::state::open(&state) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_FAILED;
        }
    };
    let now = crate::state::unix_now();
    let mut slots: BTreeMap<String, Slot> = BTreeMap::new();
    let mut due_now = Vec::new();
    for job in &config.jobs {
        let Ok(cron) = Cron::parse(&job.schedule) else {
            continue; // load() checked every schedule
        };
        let last = store.job_last_run(&job.name).ok().flatten().map(|(t, _)| t);
        if missed(&cron, last, now) {
            log(
                json!({"event": "missed-run", "job": job.name, "last_run": last.map(assay_engine::snapshot::rfc3339)}),
            );
            due_now.push(job.name.clone());
        }
        let next = cron.next_after(now).unwrap_or(u64::MAX);
        log(
            json!({"event": "scheduled", "job": job.name, "schedule": job.schedule, "next": assay_engine::snapshot::rfc3339(next)}),
        );
        slots.insert(
            job.name.clone(),
            Slot {
                job: job.clone(),
                cron,
                next,
                running: None,
            },
        );
    }
    drop(store);
    let config = Arc::new(config);
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return EXIT_FAILED;
        }
    };
    {
        let stop = stop.clone();
        runtime.spawn(async move {
            wait_for_signal().await;
            stop.store(true, std::sync::atomic::Ordering::SeqCst);
        });
    }
    for name in due_now {
        if let Some(slot) = slots.get_mut(&name) {
            start(slot, &config, &state);
        }
    }
    while !stop.load(std::sync::atomic::Ordering::SeqCst) {
        let now = crate::state::unix_now();
        for slot in slots.values_mut() {
            if slot.next <= now {
                start(slot, &config, &state);
                slot.next = slot.cron.next_after(now).unwrap_or(u64::MAX);
            }
        }
        // Wake at least once a second: to notice signals, and clock jumps.
        runtime.block_on(async { tokio::time::sleep(Duration::from_millis(250)).await });
    }
    log(
        json!({"event": "shutdown", "running": slots.values().filter(|s| s.running.as_ref().is_some_and(|h| !h.is_finished())).map(|s| s.job.name.clone()).collect::<Vec<_>>()}),
    );
    for slot in slots.values_mut() {
        if let Some(h) = slot.running.take() {
            let _ = h.join();
        }
    }
    log(json!({"event": "stopped"}));
    EXIT_CLEAN
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_never_overlaps_itself() {
        let job: Job = serde_json::from_value(serde_json::json!(
            {"name": "slow", "schedule": "* * * * *", "paths": ["/nonexistent"]}
        ))
        .unwrap();
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let mut slot = Slot {
            job,
            cron: Cron::parse("* * * * *").unwrap(),
            next: 0,
            // The previous run, still going until told to finish.
            running: Some(std::thread::spawn(move || {
                let _ = rx.recv();
                0
            })),
        };
        let config = Arc::new(Config::default());
        let state = StateArgs {
            path: Some(
                std::env::temp_dir().join(format!("assay-overlap-{}.db", std::process::id())),
            ),
        };
        assert!(!start(&mut slot, &config, &state), "skipped while running");
        assert!(slot.running.as_ref().is_some_and(|h| !h.is_finished()));
        tx.send(()).unwrap();
        while slot.running.as_ref().is_some_and(|h| !h.is_finished()) {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert!(
            start(&mut slot, &config, &state),
            "starts once the previous run ended"
        );
        let code = slot.running.take().unwrap().join().unwrap();
        assert_eq!(code, crate::EXIT_FAILED, "the path does not exist");
        let db = state.path.unwrap();
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
        }
    }

    #[test]
    fn a_run_missed_while_down_is_detected_once() {
        let cron = Cron::parse("0 2 * * *").unwrap();
        let day = 86_400;
        let last = 10 * day + 2 * 3600; // day 10, 02:00
        assert!(
            !missed(&cron, None, 20 * day),
            "never ran: nothing was missed"
        );
        assert!(
            !missed(&cron, Some(last), 10 * day + 12 * 3600),
            "same day: next run is tomorrow"
        );
        assert!(
            missed(&cron, Some(last), 11 * day + 3 * 3600),
            "02:00 on day 11 passed"
        );
    }
}
