//! Markdown for pull-request comments and CI step summaries
//! (`$GITHUB_STEP_SUMMARY`): a headline, counts by severity, the failing
//! findings as a table (capped, so a comment stays under GitHub's 65,536
//! characters), the rest folded away, and the compliance table.

use crate::Context;
use assay_engine::finding::{Finding, Location, ResourceRef, Status};
use assay_engine::framework::Compliance;
use assay_engine::{Report, Severity};
use std::io::{self, Write};

/// Findings listed in full before the table is cut short.
pub const MAX_ROWS: usize = 200;

/// Escape text for a table cell: pipes, newlines, and HTML-ish brackets.
pub fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '|' => out.push_str("\\|"),
            '\n' | '\r' => out.push(' '),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '`' => out.push('\''),
            _ => out.push(ch),
        }
    }
    out
}

/// An emoji that survives every Markdown renderer, for a severity.
pub fn badge(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "🟣",
        Severity::High => "🔴",
        Severity::Medium => "🟠",
        Severity::Low => "🔵",
        Severity::Info => "⚪",
    }
}

/// `file:line:col` or `endpoint#pointer`.
pub fn location(f: &Finding) -> String {
    match &f.location {
        Location::File { file, line, column } => format!("{file}:{line}:{column}"),
        Location::Live { endpoint, pointer } => format!("{endpoint}#{pointer}"),
    }
}

/// `Kind namespace/name` of a finding's resource.
pub fn resource(f: &Finding) -> String {
    label(&f.resource)
}

/// `Kind namespace/name`.
pub fn label(r: &ResourceRef) -> String {
    let kind = r.kind.rsplit('/').next().unwrap_or(&r.kind);
    if r.namespace.is_empty() {
        format!("{kind} {}", r.name)
    } else {
        format!("{kind} {}/{}", r.namespace, r.name)
    }
}

/// A folded section: title and which findings go in it.
type Group = (&'static str, fn(&Finding) -> bool);

fn table(rows: &[&Finding], out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "| Severity | Rule | Resource | Location | Message |")?;
    writeln!(out, "|---|---|---|---|---|")?;
    for f in rows.iter().take(MAX_ROWS) {
        writeln!(
            out,
            "| {} {} | `{}` | {} | `{}` | {} |",
            badge(f.severity),
            f.severity,
            cell(&f.rule),
            cell(&resource(f)),
            cell(&location(f)),
            cell(&f.message)
        )?;
    }
    if rows.len() > MAX_ROWS {
        writeln!(
            out,
            "\n…and {} more; the JSON or SARIF report has them all.",
            rows.len() - MAX_ROWS
        )?;
    }
    Ok(())
}

/// Write the Markdown report.
pub fn render(report: &Report, _ctx: &Context<'_>, out: &mut dyn Write) -> io::Result<()> {
    let s = report.summary();
    let failing: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail && !f.baseline)
        .collect();
    let icon = if !report.errors.is_empty() || s.by_status.get("error").copied().unwrap_or(0) > 0 {
        "⚠️"
    } else if failing.is_empty() {
        "✅"
    } else {
        "❌"
    };
    writeln!(
        out,
        "## {icon} Assay: {} failing · {} resources, {} rules\n",
        failing.len(),
        s.resources,
        s.rules
    )?;
    writeln!(out, "| Severity | Failing |\n|---|---:|")?;
    for sev in Severity::ALL {
        let n = s.by_severity.get(sev.as_str()).copied().unwrap_or(0);
        writeln!(out, "| {} {sev} | {n} |", badge(sev))?;
    }
    let count = |k: &str| s.by_status.get(k).copied().unwrap_or(0);
    let mut extra = Vec::new();
    for (k, label) in [
        ("warn", "warnings"),
        ("waived", "waived"),
        ("error", "rule errors"),
    ] {
        if count(k) > 0 {
            extra.push(format!("{} {label}", count(k)));
        }
    }
    if s.baseline > 0 {
        extra.push(format!("{} in baseline", s.baseline));
    }
    if !report.errors.is_empty() {
        extra.push(format!("{} input errors", report.errors.len()));
    }
    if !extra.is_empty() {
        writeln!(out, "\nAlso: {}.", extra.join(", "))?;
    }
    if !failing.is_empty() {
        writeln!(out, "\n### Failing findings\n")?;
        table(&failing, out)?;
    }
    let groups: [Group; 4] = [
        ("Rule errors", |f| f.status == Status::Error),
        ("Warnings", |f| f.status == Status::Warn && !f.baseline),
        ("Waived", |f| f.status == Status::Waived),
        ("In the baseline", |f| f.baseline),
    ];
    for (title, pick) in groups {
        let rows: Vec<&Finding> = report.findings.iter().filter(|f| pick(f)).collect();
        if rows.is_empty() {
            continue;
        }
        writeln!(
            out,
            "\n<details><summary>{title} ({})</summary>\n",
            rows.len()
        )?;
        table(&rows, out)?;
        writeln!(out, "\n</details>")?;
    }
    if !report.errors.is_empty() {
        writeln!(out, "\n### Input errors\n")?;
        for e in &report.errors {
            writeln!(out, "- {}", cell(&e.headline()))?;
        }
    }
    compliance(&report.compliance, out)
}

fn compliance(list: &[Compliance], out: &mut dyn Write) -> io::Result<()> {
    let decided: Vec<&Compliance> = list.iter().filter(|c| c.percent.is_some()).collect();
    if decided.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n### Compliance\n")?;
    writeln!(
        out,
        "| Framework | Compliant | Passed | Failed | Not applicable | Manual |"
    )?;
    writeln!(out, "|---|---:|---:|---:|---:|---:|")?;
    for c in decided {
        let n = |k: &str| c.counts.get(k).copied().unwrap_or(0);
        writeln!(
            out,
            "| {} {} | {} | {} | {} | {} | {} |",
            cell(&c.title),
            cell(&c.version),
            c.percent
                .map_or_else(|| "n/a".into(), |p| format!("{p:.1}%")),
            n("passed"),
            n("failed"),
            n("not-applicable"),
            n("manual")
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_break_the_table() {
        assert_eq!(cell("a|b\nc<script>`x`"), "a\\|b c&lt;script&gt;'x'");
    }
}
