//! `assay scan`: files in, findings out.
//!
//! Files stream through a rayon pipeline (read → parse → evaluate) so that
//! memory holds only the files in flight and their findings, never the whole
//! corpus; findings are sorted at the end, so the output does not depend on
//! scheduling.

use crate::cli::{ColorArg, FormatArg, ScanArgs};
use crate::policies::{self, PolicyChoice};
use crate::EXIT_FAILED;
use assay_collectors::files::{self, FileLimits, Input};
use assay_engine::baseline::Baseline;
use assay_engine::finding::sort_findings;
use assay_engine::framework::{self, Compliance};
use assay_engine::policy::Limits;
use assay_engine::waiver::{parse_waivers, Date};
use assay_engine::{Diagnostic, EvalContext, Evaluator, Report, Severity};
use assay_reporters::{Context, Format};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Today's date in UTC (or `ASSAY_TODAY=YYYY-MM-DD`, for reproducible runs).
pub fn today() -> Date {
    if let Some(d) = std::env::var("ASSAY_TODAY")
        .ok()
        .and_then(|s| Date::parse(&s))
    {
        return d;
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Date::from_unix_days(i64::try_from(secs / 86_400).unwrap_or(0))
}

/// What else a scan does with each resource it sees: record it in the
/// state store, list it for JUnit's passing test cases.
#[derive(Default)]
pub struct Hooks<'a> {
    /// Records resource versions.
    pub recorder: Option<&'a assay_state::Recorder>,
    /// Collects each resource and the rules that judged it.
    pub checked: Option<&'a std::sync::Mutex<Vec<assay_reporters::Checked>>>,
}

impl Hooks<'_> {
    fn see(&self, set: &assay_engine::PolicySet, r: &assay_engine::Resource) {
        if let Some(rec) = self.recorder {
            rec.add(r);
        }
        if let Some(list) = self.checked {
            let mut rules: Vec<String> = set
                .rules()
                .iter()
                .filter(|x| x.applies_to(&r.id.kind, r.id.short_kind()))
                .map(|x| x.meta.id.clone())
                .collect();
            rules.dedup();
            let c = assay_reporters::Checked {
                resource: assay_engine::finding::ResourceRef::from(&r.id),
                file: r.source.file().map(str::to_string),
                rules,
            };
            if let Ok(mut l) = list.lock() {
                l.push(c);
            }
        }
    }
}

/// The result of a scan before rendering.
pub struct ScanOutcome {
    /// What was scanned, as history names it.
    pub target: String,
    /// The report.
    pub report: Report,
    /// Metadata of every loaded rule.
    pub rules: Vec<assay_engine::metadata::RuleMetadata>,
    /// Exit code.
    pub exit_code: i32,
}

/// Run a scan without rendering it.
pub fn run(args: &ScanArgs) -> ScanOutcome {
    run_hooked(args, &Hooks::default())
}

/// The target name of a scan of `paths`.
pub fn files_target(paths: &[String]) -> String {
    format!("files:{}", paths.join(","))
}

/// Run a scan, calling `hooks` on every resource.
pub fn run_hooked(args: &ScanArgs, hooks: &Hooks<'_>) -> ScanOutcome {
    let show_progress =
        !args.quiet && std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
    let mut phases = crate::timings::Phases::start();
    let (mut set, mut errors) = policies::load(&PolicyChoice {
        no_builtin: args.policy.no_builtin,
        packs: args.policy.packs.clone(),
        paths: args.policy.policies.clone(),
        namespaces: args.namespaces.clone(),
        framework: args.framework.clone(),
        limits: Limits {
            timeout: Duration::from_secs_f64(args.timeout.clamp(0.001, 86_400.0)),
        },
    });
    let mut waivers = Vec::new();
    if let Some(path) = &args.waivers {
        let name = path.to_string_lossy().to_string();
        match std::fs::read_to_string(path) {
            Ok(text) => match parse_waivers(&name, &text) {
                Ok(w) => waivers = w,
                Err(d) => errors.push(d),
            },
            Err(e) => {
                errors.push(Diagnostic::new(format!("cannot read waivers: {e}")).in_file(name))
            }
        }
    }
    let named = |mut o: ScanOutcome| {
        if let Some(t) = &args.target {
            o.target = t.clone();
        }
        o
    };
    if let Some(path) = &args.snapshot {
        return named(run_snapshot(args, path, set, errors, waivers, hooks));
    }
    if args.aws {
        let (resources, target) = match collect_account(&args.account) {
            Ok(c) => {
                errors.extend(c.errors);
                let target = aws_target(args.account.profile.as_deref(), &c.regions);
                (c.resources, target)
            }
            Err(d) => {
                errors.push(d);
                (
                    Vec::new(),
                    aws_target(args.account.profile.as_deref(), &args.account.regions),
                )
            }
        };
        let mut outcome = run_resources(args, resources, set, errors, waivers, hooks);
        outcome.target = target;
        return named(outcome);
    }
    if args.k8s {
        let (resources, notes, target) = match collect_cluster(&args.cluster) {
            Ok(c) => {
                errors.extend(c.errors);
                let target = format!("k8s:{}", c.context);
                (c.resources, c.skipped, target)
            }
            Err(d) => {
                errors.push(d);
                let ctx = args
                    .cluster
                    .context
                    .clone()
                    .unwrap_or_else(|| "current".into());
                (Vec::new(), Vec::new(), format!("k8s:{ctx}"))
            }
        };
        let mut outcome = run_resources(args, resources, set, errors, waivers, hooks);
        outcome.report.notes.extend(notes);
        outcome.target = target;
        return named(outcome);
    }
    phases.mark("load policies");
    let inputs = discover(&args.paths, &mut errors);

    let ctx = EvalContext {
        waivers,
        today: today(),
    };
    let limits = FileLimits::default();
    let done = AtomicUsize::new(0);
    let total = inputs.len();
    let progress = |n: usize| {
        if show_progress && total >= 200 && n.is_multiple_of(50) {
            eprint!("\rscanning: {n}/{total} files");
        }
    };
    // Cross-resource rules need the other resources: keep the kinds they
    // read. When per-resource rules read `data.inventory`, every file is
    // loaded before any resource is evaluated; otherwise files stream.
    let keep_all = set.per_resource_reads_inventory();
    let keep = set.needs_inventory().then(|| set.inventory_kinds());
    let wanted = |r: &assay_engine::Resource| match &keep {
        None => false,
        Some(None) => true,
        Some(Some(kinds)) => kinds.contains(r.id.short_kind()),
    };
    let mut report = Report {
        rules: set.rules().len(),
        ..Report::default()
    };
    let mut kept = Vec::new();
    let mut kinds: BTreeSet<String> = BTreeSet::new();
    if keep_all {
        let loaded: Vec<_> = inputs
            .par_iter()
            .map(|input| {
                let scan = files::load(input, &limits);
                progress(done.fetch_add(1, Ordering::Relaxed) + 1);
                scan
            })
            .collect();
        for scan in loaded {
            for r in &scan.resources {
                hooks.see(&set, r);
            }
            errors.extend(scan.errors);
            report.notes.extend(scan.notes);
            report.resources += scan.resources.len();
            kinds.extend(scan.resources.iter().map(|r| r.id.kind.clone()));
            kept.extend(scan.resources);
        }
        match assay_engine::evaluate_snapshot(&mut set, &ctx, &kept, true) {
            Ok(f) => report.findings = f,
            Err(e) => errors.push(Diagnostic::new(format!("cannot build data.inventory: {e}"))),
        }
    } else {
        type PerFile = (
            Vec<assay_engine::Finding>,
            Vec<Diagnostic>,
            Vec<Diagnostic>,
            (usize, BTreeSet<String>),
            Vec<assay_engine::Resource>,
        );
        let per_file: Vec<PerFile> = inputs
            .par_iter()
            .map_init(
                || Evaluator::new(&set, &ctx),
                |ev, input: &Input| {
                    let scan = files::load(input, &limits);
                    let mut findings = Vec::new();
                    for r in &scan.resources {
                        ev.evaluate(r, &mut findings);
                        hooks.see(&set, r);
                    }
                    progress(done.fetch_add(1, Ordering::Relaxed) + 1);
                    let count = scan.resources.len();
                    let kinds: BTreeSet<String> =
                        scan.resources.iter().map(|r| r.id.kind.clone()).collect();
                    let kept: Vec<_> = scan.resources.into_iter().filter(|r| wanted(r)).collect();
                    (findings, scan.errors, scan.notes, (count, kinds), kept)
                },
            )
            .collect();
        for (f, e, n, (count, k), r) in per_file {
            report.findings.extend(f);
            errors.extend(e);
            report.notes.extend(n);
            report.resources += count;
            kinds.extend(k);
            kept.extend(r);
        }
        if keep.is_some() {
            if let Err(e) = set.set_inventory(assay_engine::inventory::build(&kept)) {
                errors.push(Diagnostic::new(format!("cannot build data.inventory: {e}")));
            }
        }
    }
    if show_progress && total >= 200 {
        eprint!("\r\x1b[2K");
    }
    phases.mark("read and evaluate files");
    if !keep_all && set.inventory_rules().next().is_some() {
        Evaluator::new(&set, &ctx).evaluate_inventory(&kept, &mut report.findings);
        phases.mark("cross-resource rules");
    }
    let mut outcome = finish(args, &set, report, &kinds, errors);
    phases.mark("sort and summarise");
    outcome.target = files_target(&args.paths);
    named(outcome)
}

/// The target name of an AWS scan.
pub fn aws_target(profile: Option<&str>, regions: &[String]) -> String {
    let mut regions = regions.to_vec();
    regions.sort();
    format!(
        "aws:{}/{}",
        profile.unwrap_or("default"),
        if regions.is_empty() {
            "all".to_string()
        } else {
            regions.join(",")
        }
    )
}

/// Sort, apply the baseline, summarise compliance, decide the exit code.
fn finish(
    args: &ScanArgs,
    set: &assay_engine::PolicySet,
    mut report: Report,
    kinds: &BTreeSet<String>,
    mut errors: Vec<Diagnostic>,
) -> ScanOutcome {
    sort_findings(&mut report.findings);
    if let Some(path) = &args.baseline {
        let name = path.to_string_lossy().to_string();
        match std::fs::read_to_string(path) {
            Ok(text) => match Baseline::from_report_json(&name, &text) {
                Ok(b) => b.apply(&mut report.findings),
                Err(d) => errors.push(d),
            },
            Err(e) => {
                errors.push(Diagnostic::new(format!("cannot read baseline: {e}")).in_file(name))
            }
        }
    }
    report.compliance = compliance(
        set,
        args.framework.as_deref(),
        &report.findings,
        kinds,
        &mut errors,
    );
    report.errors = errors;
    let exit_code = report.outcome(Severity::from(args.fail_on)).code();
    ScanOutcome {
        target: String::new(),
        report,
        rules: set.rules().iter().map(|r| r.meta.clone()).collect(),
        exit_code,
    }
}

/// `scan --snapshot`: every resource of a snapshot, in memory.
fn run_snapshot(
    args: &ScanArgs,
    path: &std::path::Path,
    set: assay_engine::PolicySet,
    mut errors: Vec<Diagnostic>,
    waivers: Vec<assay_engine::waiver::Waiver>,
    hooks: &Hooks<'_>,
) -> ScanOutcome {
    let name = path.to_string_lossy().to_string();
    let mut notes = Vec::new();
    let mut target = format!("snapshot:{name}");
    let resources = match read_snapshot(path) {
        Ok(snap) => {
            errors.extend(snap.errors);
            notes = snap.notes;
            target = snapshot_target(&snap.collector, &snap.scope).unwrap_or(target);
            snap.resources
        }
        Err(d) => {
            errors.push(d);
            Vec::new()
        }
    };
    let mut outcome = run_resources(args, resources, set, errors, waivers, hooks);
    outcome.report.notes.extend(notes);
    outcome.target = target;
    outcome
}

/// Read and check a snapshot file.
pub fn read_snapshot(
    path: &std::path::Path,
) -> Result<assay_engine::snapshot::Snapshot, Diagnostic> {
    let name = path.to_string_lossy().to_string();
    std::fs::read_to_string(path)
        .map_err(|e| Diagnostic::new(format!("cannot read snapshot: {e}")).in_file(name.clone()))
        .and_then(|text| assay_engine::snapshot::Snapshot::from_json(&name, &text))
}

/// A snapshot of a cluster or account is a state of the same target as a
/// live scan of it.
pub fn snapshot_target(collector: &str, scope: &[String]) -> Option<String> {
    let get = |k: &str| {
        scope
            .iter()
            .filter_map(|s| s.strip_prefix(k))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    match collector {
        "kubernetes" => get("context=").first().map(|c| format!("k8s:{c}")),
        "aws" => Some(aws_target(
            get("profile=").first().map(String::as_str),
            &get("region="),
        )),
        "files" => Some(files_target(scope)),
        _ => None,
    }
}

/// Collect the live cluster `--k8s` names (on a runtime of its own).
pub fn collect_cluster(
    cluster: &crate::cli::ClusterArgs,
) -> Result<assay_collectors::kubernetes::Collection, Diagnostic> {
    let opts = assay_collectors::kubernetes::Options {
        kubeconfig: cluster.kubeconfig.clone(),
        context: cluster.context.clone(),
        namespaces: cluster.k8s_namespaces.clone(),
        kinds: cluster.kinds.clone(),
        page_size: cluster.page_size,
        concurrency: cluster.list_concurrency,
        timeout_secs: 60,
    };
    block_on(assay_collectors::kubernetes::collect(&opts))?
        .map_err(|e| Diagnostic::new(e.to_string()))
}

/// Every input the paths name, sorted, each once; bad paths become errors.
pub fn discover_inputs(paths: &[String], errors: &mut Vec<Diagnostic>) -> Vec<Input> {
    discover(paths, errors)
}

fn discover(paths: &[String], errors: &mut Vec<Diagnostic>) -> Vec<Input> {
    let mut inputs = Vec::new();
    for p in paths {
        match files::discover(std::slice::from_ref(p)) {
            Ok(found) => inputs.extend(found),
            Err(e) => errors.push(Diagnostic::new(e.to_string())),
        }
    }
    inputs.sort();
    inputs.dedup();
    inputs
}

/// Run a collector on a small runtime of its own.
fn block_on<F: std::future::Future>(f: F) -> Result<F::Output, Diagnostic> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Diagnostic::new(format!("cannot start the runtime: {e}")))?;
    Ok(runtime.block_on(f))
}

/// Collect the live AWS account `--aws` names.
pub fn collect_account(
    account: &crate::cli::AccountArgs,
) -> Result<assay_collectors::aws::Collection, Diagnostic> {
    let opts = assay_collectors::aws::Options {
        profile: account.profile.clone(),
        regions: account.regions.clone(),
        concurrency: account.region_concurrency,
    };
    block_on(assay_collectors::aws::collect(&opts))?.map_err(|e| Diagnostic::new(e.to_string()))
}

/// Evaluate resources already in memory (a snapshot, a live collection).
fn run_resources(
    args: &ScanArgs,
    resources: Vec<assay_engine::Resource>,
    mut set: assay_engine::PolicySet,
    mut errors: Vec<Diagnostic>,
    waivers: Vec<assay_engine::waiver::Waiver>,
    hooks: &Hooks<'_>,
) -> ScanOutcome {
    let ctx = EvalContext {
        waivers,
        today: today(),
    };
    let mut report = Report {
        rules: set.rules().len(),
        resources: resources.len(),
        ..Report::default()
    };
    for r in &resources {
        hooks.see(&set, r);
    }
    match assay_engine::evaluate_snapshot(&mut set, &ctx, &resources, true) {
        Ok(f) => report.findings = f,
        Err(e) => errors.push(Diagnostic::new(format!("cannot build data.inventory: {e}"))),
    }
    let kinds: BTreeSet<String> = resources.iter().map(|r| r.id.kind.clone()).collect();
    finish(args, &set, report, &kinds, errors)
}

/// `assay snapshot PATH…`: collect files into a snapshot.
pub fn snapshot(args: &crate::cli::SnapshotArgs) -> i32 {
    let c = crate::state::collect(
        &args.paths,
        None,
        args.k8s.then_some(&args.cluster),
        args.aws.then_some(&args.account),
    );
    if c.unreachable {
        for e in &c.errors {
            eprintln!("error: {e}");
        }
        return EXIT_FAILED;
    }
    let errors = c.errors.clone();
    let mut snap = assay_engine::snapshot::Snapshot::new(
        &c.collector,
        c.scope,
        assay_engine::snapshot::rfc3339(crate::state::unix_now()),
        env!("CARGO_PKG_VERSION"),
        c.resources,
        c.errors,
    );
    snap.notes = c.notes;
    let written = match &args.output {
        Some(path) => std::fs::File::create(path).and_then(|f| {
            let mut w = std::io::BufWriter::new(f);
            serde_json::to_writer_pretty(&mut w, &snap)?;
            writeln!(w)?;
            w.flush()
        }),
        None => {
            let mut w = std::io::BufWriter::new(std::io::stdout().lock());
            serde_json::to_writer_pretty(&mut w, &snap)
                .map_err(std::io::Error::from)
                .and_then(|()| writeln!(w))
                .and_then(|()| w.flush())
        }
    };
    for e in &errors {
        eprintln!("error: {e}");
    }
    match written {
        Err(e) => {
            eprintln!("error: cannot write snapshot: {e}");
            EXIT_FAILED
        }
        Ok(()) if errors.is_empty() => crate::EXIT_CLEAN,
        Ok(()) => EXIT_FAILED,
    }
}

/// Compliance summaries: the chosen framework, or every built-in framework
/// that a loaded rule belongs to.
fn compliance(
    set: &assay_engine::PolicySet,
    chosen: Option<&str>,
    findings: &[assay_engine::Finding],
    kinds: &BTreeSet<String>,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Compliance> {
    let (frameworks, problems) = crate::builtin::frameworks();
    errors.extend(problems);
    let metas: Vec<_> = set.rules().iter().map(|r| r.meta.clone()).collect();
    let applicable = |m: &assay_engine::metadata::RuleMetadata| {
        set.rules().iter().filter(|r| r.meta.id == m.id).any(|r| {
            kinds
                .iter()
                .any(|k| r.applies_to(k, k.rsplit('/').next().unwrap_or(k)))
        })
    };
    frameworks
        .iter()
        .filter(|f| match chosen {
            Some(c) => f.id == c,
            None => metas.iter().any(|m| f.includes(m)),
        })
        .map(|f| framework::summarize(f, &metas, findings, &applicable))
        .collect()
}

/// `assay scan`: run, render, write; returns the exit code.
pub fn scan(args: &ScanArgs) -> i32 {
    scan_with(args, |_, _| {})
}

/// A scan that ran (and was recorded, when asked).
pub struct Executed {
    /// The scan.
    pub outcome: ScanOutcome,
    /// Its id in the state store, when recorded.
    pub scan_id: Option<i64>,
    /// The store it was recorded in.
    pub store: Option<assay_state::Store>,
    /// Resources and the rules that judged them (JUnit only).
    pub checked: Vec<assay_reporters::Checked>,
    /// The exit code so far.
    pub code: i32,
}

/// The reporter format of a `--format`.
pub fn format_of(arg: FormatArg) -> Format {
    match arg {
        FormatArg::Text => Format::Text,
        FormatArg::Json => Format::Json,
        FormatArg::Sarif => Format::Sarif,
        FormatArg::Junit => Format::Junit,
        FormatArg::Markdown => Format::Markdown,
        FormatArg::Html => Format::Html,
    }
}

/// Run a scan and record it (with `--record`) as coming from `origin`.
/// `Err` is the exit code when the store cannot be opened.
pub fn execute(
    args: &ScanArgs,
    origin: &str,
    adjust: impl FnOnce(&mut Report, &[assay_engine::metadata::RuleMetadata]),
) -> Result<Executed, i32> {
    let started = crate::state::now();
    let mut store = None;
    let mut recorder = None;
    if args.record {
        match crate::state::open(&args.state).and_then(|s| {
            let r = s.recorder().map_err(|e| e.to_string())?;
            Ok((s, r))
        }) {
            Ok((s, r)) => {
                store = Some(s);
                recorder = Some(r);
            }
            Err(e) => {
                eprintln!("error: {e}");
                return Err(EXIT_FAILED);
            }
        }
    }
    let checked = (args.format == FormatArg::Junit).then(std::sync::Mutex::default);
    let hooks = Hooks {
        recorder: recorder.as_ref(),
        checked: checked.as_ref(),
    };
    let mut outcome = run_hooked(args, &hooks);
    adjust(&mut outcome.report, &outcome.rules);
    outcome.exit_code = outcome.report.outcome(Severity::from(args.fail_on)).code();
    let mut code = outcome.exit_code;
    let mut scan_id = None;
    if let (Some(store), Some(rec)) = (store.as_mut(), recorder) {
        let packs = packs_of(args);
        match crate::state::record(store, rec, &outcome, origin, &packs, &started) {
            Ok(id) => {
                scan_id = Some(id);
                if !args.quiet {
                    eprintln!(
                        "recorded scan {id} of {} in {}",
                        outcome.target,
                        store.path()
                    );
                }
            }
            Err(e) => {
                eprintln!("error: cannot record the scan: {e}");
                code = EXIT_FAILED;
            }
        }
    }
    Ok(Executed {
        outcome,
        scan_id,
        store,
        checked: checked
            .and_then(|m| m.into_inner().ok())
            .unwrap_or_default(),
        code,
    })
}

/// Write the report of an executed scan (and `--write-baseline`); returns
/// the exit code.
pub fn render_executed(args: &ScanArgs, ex: &Executed) -> i32 {
    let format = format_of(args.format);
    let outcome = &ex.outcome;
    let mut code = ex.code;
    let history = if format == Format::Html {
        trend_for(args, ex.store.as_ref(), outcome, ex.scan_id)
    } else {
        Vec::new()
    };
    let color = match args.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            args.output.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let ctx = Context {
        rules: &outcome.rules,
        tool_version: env!("CARGO_PKG_VERSION"),
        exit_code: outcome.exit_code,
        color,
        compliance_detail: args.framework.is_some(),
        checked: &ex.checked,
        history: &history,
        target: (args.record || format == Format::Html).then_some(outcome.target.as_str()),
    };
    if let Some(path) = &args.write_baseline {
        let written = std::fs::File::create(path)
            .and_then(|mut f| assay_reporters::render(Format::Json, &outcome.report, &ctx, &mut f));
        if let Err(e) = written {
            eprintln!("error: cannot write baseline `{}`: {e}", path.display());
            code = EXIT_FAILED;
        }
    }
    let written = match &args.output {
        Some(path) => std::fs::File::create(path).and_then(|f| {
            let mut w = std::io::BufWriter::new(f);
            assay_reporters::render(format, &outcome.report, &ctx, &mut w)?;
            w.flush()
        }),
        None => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::new(stdout.lock());
            assay_reporters::render(format, &outcome.report, &ctx, &mut w).and_then(|()| w.flush())
        }
    };
    if let Err(e) = written {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write report: {e}");
            code = EXIT_FAILED;
        }
    }
    // With a report file or a machine format on stdout, errors also go to stderr.
    if args.output.is_some() || format != Format::Text {
        for e in &outcome.report.errors {
            eprintln!("error: {e}");
        }
    }
    code
}

/// `scan`, with a last say over the report before it is rendered (the exit
/// code is recomputed afterwards).
pub fn scan_with(
    args: &ScanArgs,
    adjust: impl FnOnce(&mut Report, &[assay_engine::metadata::RuleMetadata]),
) -> i32 {
    // Read the notification routes first: a bad config must not cost a scan.
    let routes = match crate::config::routes(args.notify.as_deref()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_FAILED;
        }
    };
    let ex = match execute(args, "scan", adjust) {
        Ok(ex) => ex,
        Err(code) => return code,
    };
    let mut phases = crate::timings::Phases::start();
    let code = render_executed(args, &ex);
    phases.mark("render report");
    if let (Some(store), Some(id)) = (ex.store.as_ref(), ex.scan_id) {
        if !routes.is_empty() {
            crate::state::notify(store, &routes, &ex.outcome.target, id, args.quiet);
        }
    }
    // Half a million findings take a third of a second to free: do it off
    // the path to the exit code (the process may end before it is done).
    // The state store is closed here, in order.
    let Executed { outcome, store, .. } = ex;
    drop(store);
    std::thread::spawn(move || drop(outcome));
    phases.mark("hand off");
    code
}

/// What a scan evaluated, for history: the packs, or `builtin`, plus policy paths.
pub fn packs_of(args: &ScanArgs) -> Vec<String> {
    let mut packs = if args.policy.no_builtin {
        Vec::new()
    } else if args.policy.packs.is_empty() {
        vec!["builtin".to_string()]
    } else {
        args.policy.packs.clone()
    };
    packs.extend(args.policy.policies.iter().map(|p| p.display().to_string()));
    if let Some(f) = &args.framework {
        packs.push(format!("framework={f}"));
    }
    packs
}

/// The trend of the HTML report: recorded scans of the target, and this
/// scan as the last point when it was not recorded.
fn trend_for(
    args: &ScanArgs,
    store: Option<&assay_state::Store>,
    outcome: &ScanOutcome,
    recorded: Option<i64>,
) -> Vec<assay_reporters::TrendPoint> {
    let opened;
    let store = match store {
        Some(s) => Some(s),
        None => {
            opened = crate::state::open_existing(&args.state);
            opened.as_ref()
        }
    };
    let mut points = store.map_or_else(Vec::new, |s| crate::state::trend(s, &outcome.target, 30));
    if recorded.is_none() {
        let s = outcome.report.summary();
        points.push(assay_reporters::TrendPoint {
            scan: "this run".into(),
            time: crate::state::now(),
            failing: s.by_severity.values().sum(),
            by_severity: s.by_severity,
        });
        if points.len() == 1 {
            points.clear();
        }
    }
    points
}
