//! Human-readable output: findings grouped by file and resource, a summary
//! line last. Colour only when asked (the CLI asks when stdout is a terminal).

use crate::Context;
use assay_engine::finding::{Location, Status};
use assay_engine::framework::{Compliance, ControlStatus};
use assay_engine::{Report, Severity};
use std::io::{self, Write};

struct Paint(bool);

impl Paint {
    fn sev(&self, s: Severity) -> String {
        let label = format!("{:<8}", s.as_str().to_uppercase());
        if !self.0 {
            return label;
        }
        let code = match s {
            Severity::Critical => "1;35",
            Severity::High => "1;31",
            Severity::Medium => "33",
            Severity::Low => "36",
            Severity::Info => "2",
        };
        format!("\x1b[{code}m{label}\x1b[0m")
    }
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// Write the text report.
pub fn render(report: &Report, ctx: &Context<'_>, out: &mut dyn Write) -> io::Result<()> {
    let p = Paint(ctx.color);
    let mut last_file: Option<String> = None;
    let mut last_resource: Option<&str> = None;
    for f in &report.findings {
        let (file, pos) = match &f.location {
            Location::File { file, line, column } => (file.clone(), format!("{line}:{column}")),
            Location::Live { endpoint, pointer } => (endpoint.clone(), pointer.clone()),
        };
        if last_file.as_deref() != Some(&file) {
            if last_file.is_some() {
                writeln!(out)?;
            }
            writeln!(out, "{}", p.wrap("1;4", &file))?;
            last_file = Some(file);
            last_resource = None;
        }
        if last_resource != Some(f.resource.id.as_str()) {
            let scope = if f.resource.namespace.is_empty() {
                f.resource.name.clone()
            } else {
                format!("{}/{}", f.resource.namespace, f.resource.name)
            };
            writeln!(out, "  {} {}", p.wrap("1", &f.resource.kind), scope)?;
            last_resource = Some(f.resource.id.as_str());
        }
        let status = match f.status {
            Status::Fail => String::new(),
            Status::Warn => p.wrap("33", "[warn] "),
            Status::Error => p.wrap("1;31", "[error] "),
            Status::Waived => p.wrap("2", "[waived] "),
        };
        let baseline = if f.baseline {
            p.wrap("2", "[baseline] ")
        } else {
            String::new()
        };
        writeln!(
            out,
            "    {:<7} {} {:<12} {status}{baseline}{}",
            pos,
            p.sev(f.severity),
            f.rule,
            f.message
        )?;
        if let Some(w) = &f.waiver {
            let note = if w.expired {
                format!(
                    "waiver expired on {} ({}): {}",
                    w.expires.as_deref().unwrap_or("?"),
                    w.source,
                    w.reason
                )
            } else {
                format!("waived ({}): {}", w.source, w.reason)
            };
            writeln!(out, "            {}", p.wrap("2", &note))?;
        } else if f.status == Status::Fail && !f.remediation.is_empty() {
            writeln!(
                out,
                "            {}",
                p.wrap("2", &format!("fix: {}", f.remediation))
            )?;
        }
    }
    if !report.findings.is_empty() {
        writeln!(out)?;
    }
    for e in &report.errors {
        writeln!(out, "{} {e}", p.wrap("1;31", "error:"))?;
    }
    if !report.errors.is_empty() {
        writeln!(out)?;
    }
    // Frameworks nothing scanned bears on are left to JSON/SARIF, unless asked for.
    for c in report
        .compliance
        .iter()
        .filter(|c| ctx.compliance_detail || c.percent.is_some())
    {
        write_compliance(c, ctx.compliance_detail, &p, out)?;
    }
    let s = report.summary();
    let count = |k: &str| s.by_status.get(k).copied().unwrap_or(0);
    // Failing = not waived, not in the baseline: exactly what by_severity counts.
    let failing: usize = s.by_severity.values().sum();
    let mut parts = Vec::new();
    for sev in Severity::ALL {
        let n = s.by_severity.get(sev.as_str()).copied().unwrap_or(0);
        if n > 0 {
            parts.push(format!("{n} {sev}"));
        }
    }
    let mut line = format!(
        "{} failing{}",
        failing,
        if parts.is_empty() {
            String::new()
        } else {
            format!(" ({})", parts.join(", "))
        }
    );
    for (k, label) in [
        ("warn", "warnings"),
        ("waived", "waived"),
        ("error", "rule errors"),
    ] {
        if count(k) > 0 {
            line.push_str(&format!(", {} {label}", count(k)));
        }
    }
    if s.baseline > 0 {
        line.push_str(&format!(", {} in baseline", s.baseline));
    }
    if !report.errors.is_empty() {
        line.push_str(&format!(", {} input errors", report.errors.len()));
    }
    writeln!(out, "{line} · {} resources, {} rules", s.resources, s.rules)
}

fn write_compliance(
    c: &Compliance,
    detail: bool,
    p: &Paint,
    out: &mut dyn Write,
) -> io::Result<()> {
    let n = |k: &str| c.counts.get(k).copied().unwrap_or(0);
    let percent = c
        .percent
        .map_or_else(|| "n/a".to_string(), |v| format!("{v:.1}%"));
    let version = match c.version.as_str() {
        "" => String::new(),
        v if v.starts_with(|ch: char| ch.is_ascii_digit()) => format!(" v{v}"),
        v => format!(" {v}"),
    };
    if detail {
        writeln!(
            out,
            "{}",
            p.wrap("1", &format!("{}{version} — compliance", c.title))
        )?;
        for ctl in &c.controls {
            let (code, label) = match ctl.status {
                ControlStatus::Passed => ("32", "PASS"),
                ControlStatus::Failed => ("31", "FAIL"),
                ControlStatus::NotApplicable => ("2", "N/A "),
                ControlStatus::Manual => ("33", "MANUAL"),
            };
            let extra = match ctl.status {
                ControlStatus::Failed => format!(" ({} findings)", ctl.failed),
                _ => String::new(),
            };
            writeln!(
                out,
                "  {:<7} {:<8} {}{extra}",
                p.wrap(code, label),
                ctl.id,
                ctl.title
            )?;
        }
    }
    writeln!(
        out,
        "{}{version}: {percent} compliant — {} passed, {} failed, {} not applicable, {} manual",
        c.framework,
        n("passed"),
        n("failed"),
        n("not-applicable"),
        n("manual"),
    )?;
    if detail {
        writeln!(out)?;
    }
    Ok(())
}
