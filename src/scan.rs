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
use assay_engine::policy::Limits;
use assay_engine::waiver::{parse_waivers, Date};
use assay_engine::{Diagnostic, EvalContext, Evaluator, Report, Severity};
use assay_reporters::{Context, Format};
use rayon::prelude::*;
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

/// The result of a scan before rendering.
pub struct ScanOutcome {
    /// The report.
    pub report: Report,
    /// Metadata of every loaded rule.
    pub rules: Vec<assay_engine::metadata::RuleMetadata>,
    /// Exit code.
    pub exit_code: i32,
}

/// Run a scan without rendering it.
pub fn run(args: &ScanArgs) -> ScanOutcome {
    let show_progress =
        !args.quiet && std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
    let (set, mut errors) = policies::load(&PolicyChoice {
        no_builtin: args.no_builtin,
        packs: args.packs.clone(),
        paths: args.policies.clone(),
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
    let mut inputs = Vec::new();
    for p in &args.paths {
        match files::discover(std::slice::from_ref(p)) {
            Ok(found) => inputs.extend(found),
            Err(e) => errors.push(Diagnostic::new(e.to_string())),
        }
    }
    inputs.sort();
    inputs.dedup();

    let ctx = EvalContext {
        waivers,
        today: today(),
    };
    let limits = FileLimits::default();
    let done = AtomicUsize::new(0);
    let total = inputs.len();
    let per_file: Vec<(Vec<_>, Vec<Diagnostic>, Vec<Diagnostic>, usize)> = inputs
        .par_iter()
        .map_init(
            || Evaluator::new(&set, &ctx),
            |ev, input: &Input| {
                let scan = files::load(input, &limits);
                let mut findings = Vec::new();
                for r in &scan.resources {
                    ev.evaluate(r, &mut findings);
                }
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                if show_progress && total >= 200 && n.is_multiple_of(50) {
                    eprint!("\rscanning: {n}/{total} files");
                }
                (findings, scan.errors, scan.notes, scan.resources.len())
            },
        )
        .collect();
    if show_progress && total >= 200 {
        eprint!("\r\x1b[2K");
    }
    let mut report = Report {
        rules: set.rules().len(),
        ..Report::default()
    };
    for (f, e, n, count) in per_file {
        report.findings.extend(f);
        errors.extend(e);
        report.notes.extend(n);
        report.resources += count;
    }
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
    report.errors = errors;
    let exit_code = report.outcome(Severity::from(args.fail_on)).code();
    ScanOutcome {
        report,
        rules: set.rules().iter().map(|r| r.meta.clone()).collect(),
        exit_code,
    }
}

/// `assay scan`: run, render, write; returns the exit code.
pub fn scan(args: &ScanArgs) -> i32 {
    let outcome = run(args);
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
    };
    let format = match args.format {
        FormatArg::Text => Format::Text,
        FormatArg::Json => Format::Json,
        FormatArg::Sarif => Format::Sarif,
    };
    let mut code = outcome.exit_code;
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
