//! One self-contained HTML file (no external CSS, fonts or scripts): the
//! summary, a trend chart of failing findings over the recorded scans of
//! the target (inline SVG, drawn here, so the page works offline and prints),
//! the compliance table, findings by severity, and input errors. A small
//! inline script filters the findings table; the page reads fine without it.

use crate::junit::xml as esc;
use crate::markdown::{location, resource};
use crate::{Context, TrendPoint};
use assay_engine::finding::{Finding, Status};
use assay_engine::{Report, Severity};
use std::fmt::Write as _;
use std::io::{self, Write};

const STYLE: &str = "body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1200px;padding:0 1rem;color:#1f2328}
h1{font-size:1.6rem;margin:0 0 .2rem}h2{font-size:1.2rem;margin:2rem 0 .6rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}
.muted{color:#656d76}.cards{display:flex;gap:.8rem;flex-wrap:wrap;margin:1rem 0}
.card{border:1px solid #d0d7de;border-radius:8px;padding:.6rem 1rem;min-width:7rem}.card b{display:block;font-size:1.5rem}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #eaeef2;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.num,th.num{text-align:right}code{font-size:.85em;background:#f6f8fa;padding:0 .2rem;border-radius:4px}
.sev{font-weight:600;text-transform:uppercase;font-size:.75rem;padding:.1rem .4rem;border-radius:4px;color:#fff}
.critical{background:#8250df}.high{background:#cf222e}.medium{background:#bc4c00}.low{background:#0969da}.info{background:#6e7781}
.fail{color:#cf222e}.pass{color:#1a7f37}input[type=search]{padding:.3rem .5rem;width:20rem;max-width:100%}
svg text{font-size:11px;fill:#656d76}";

const SCRIPT: &str = "document.getElementById('filter').addEventListener('input',function(e){var q=e.target.value.toLowerCase();var rows=document.querySelectorAll('#findings tbody tr');var shown=0;rows.forEach(function(r){var hit=r.textContent.toLowerCase().indexOf(q)>=0;r.style.display=hit?'':'none';if(hit){shown++;}});document.getElementById('shown').textContent=String(shown);});document.body.setAttribute('data-ready','1');";

/// A line of the trend chart: name, colour, value of a point.
type Series = (&'static str, &'static str, fn(&TrendPoint) -> usize);

fn sev_count(p: &TrendPoint, sev: &str) -> usize {
    p.by_severity.get(sev).copied().unwrap_or(0)
}

fn sev_class(s: Severity) -> &'static str {
    s.as_str()
}

/// The trend chart: failing findings per recorded scan, one polyline per
/// severity plus the total. Empty when fewer than one point.
pub fn trend_svg(points: &[TrendPoint]) -> String {
    if points.is_empty() {
        return String::new();
    }
    let (w, h, left, bottom, top) = (760.0_f64, 220.0_f64, 44.0_f64, 28.0_f64, 12.0_f64);
    let max = points.iter().map(|p| p.failing).max().unwrap_or(0).max(1) as f64;
    let n = points.len();
    let x = |i: usize| {
        if n == 1 {
            left + (w - left - 12.0) / 2.0
        } else {
            left + (w - left - 12.0) * i as f64 / (n - 1) as f64
        }
    };
    let y = |v: usize| top + (h - top - bottom) * (1.0 - v as f64 / max);
    let mut svg = format!(
        "<svg id=\"trend\" role=\"img\" aria-label=\"failing findings over the last {n} scans\" viewBox=\"0 0 {w} {h}\" width=\"100%\" height=\"{h}\">"
    );
    for frac in [0.0, 0.5, 1.0] {
        let v = (max * frac).round() as usize;
        let _ = write!(
            svg,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y0:.1}\" y2=\"{y0:.1}\" stroke=\"#eaeef2\"/><text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{v}</text>",
            w - 12.0,
            left - 6.0,
            y(v) + 4.0,
            y0 = y(v)
        );
    }
    let series: [Series; 4] = [
        ("total", "#1f2328", |p| p.failing),
        ("critical", "#8250df", |p| sev_count(p, "critical")),
        ("high", "#cf222e", |p| sev_count(p, "high")),
        ("medium", "#bc4c00", |p| sev_count(p, "medium")),
    ];
    for (name, colour, value) in &series {
        let pts: Vec<String> = points
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{:.1},{:.1}", x(i), y(value(p))))
            .collect();
        let _ = write!(
            svg,
            "<polyline class=\"series-{name}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{}\" points=\"{}\"/>",
            if *name == "total" { 2.5 } else { 1.5 },
            pts.join(" ")
        );
    }
    for (i, p) in points.iter().enumerate() {
        let _ = write!(
            svg,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"#1f2328\"><title>scan {} at {}: {} failing</title></circle>",
            x(i),
            y(p.failing),
            esc(&p.scan),
            esc(&p.time),
            p.failing
        );
    }
    if let (Some(first), Some(last)) = (points.first(), points.last()) {
        let _ = write!(
            svg,
            "<text x=\"{left}\" y=\"{:.1}\">{}</text><text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            h - 8.0,
            esc(&first.time),
            w - 12.0,
            h - 8.0,
            esc(&last.time)
        );
    }
    let mut legend = String::new();
    for (name, colour, _) in &series {
        let _ = write!(
            legend,
            "<span style=\"color:{colour}\">&#9644; {name}</span> "
        );
    }
    svg.push_str("</svg>");
    format!("{svg}<div class=\"muted\">{legend}</div>")
}

fn row(f: &Finding) -> String {
    let status = match (f.status, f.baseline) {
        (_, true) => "baseline",
        (Status::Fail, _) => "fail",
        (Status::Warn, _) => "warn",
        (Status::Error, _) => "error",
        (Status::Waived, _) => "waived",
    };
    format!(
        "<tr data-severity=\"{sev}\" data-status=\"{status}\"><td><span class=\"sev {sev}\">{sev}</span></td><td>{status}</td><td><code>{}</code><br><span class=\"muted\">{}</span></td><td>{}</td><td><code>{}</code></td><td>{}<br><span class=\"muted\">{}</span></td></tr>",
        esc(&f.rule),
        esc(&f.title),
        esc(&resource(f)),
        esc(&location(f)),
        esc(&f.message),
        esc(&f.remediation),
        sev = sev_class(f.severity),
    )
}

/// Write the HTML report.
pub fn render(report: &Report, ctx: &Context<'_>, out: &mut dyn Write) -> io::Result<()> {
    let s = report.summary();
    let failing: usize = s.by_severity.values().sum();
    let mut html = String::with_capacity(16 * 1024 + report.findings.len() * 400);
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>Assay report: {failing} failing</title><style>{STYLE}</style></head><body>"
    );
    let _ = write!(
        html,
        "<h1>Assay report</h1><div class=\"muted\">{}assay {} · {} resources · {} rules · exit code {}</div>",
        ctx.target
            .map(|t| format!("target <code>{}</code> · ", esc(t)))
            .unwrap_or_default(),
        esc(ctx.tool_version),
        s.resources,
        s.rules,
        ctx.exit_code
    );
    let _ = write!(
        html,
        "<div class=\"cards\"><div class=\"card\" id=\"failing\"><b class=\"{}\">{failing}</b>failing</div>",
        if failing == 0 { "pass" } else { "fail" }
    );
    for sev in Severity::ALL {
        let n = s.by_severity.get(sev.as_str()).copied().unwrap_or(0);
        let _ = write!(
            html,
            "<div class=\"card\" id=\"count-{sev}\"><b>{n}</b><span class=\"sev {sev}\">{sev}</span></div>"
        );
    }
    for (k, label) in [
        ("warn", "warnings"),
        ("waived", "waived"),
        ("error", "rule errors"),
    ] {
        let n = s.by_status.get(k).copied().unwrap_or(0);
        let _ = write!(html, "<div class=\"card\"><b>{n}</b>{label}</div>");
    }
    let _ = write!(
        html,
        "<div class=\"card\"><b>{}</b>input errors</div></div>",
        report.errors.len()
    );
    if !ctx.history.is_empty() {
        let _ = write!(
            html,
            "<h2>Trend</h2><p class=\"muted\">Failing findings over the last {} recorded scans of this target.</p>{}",
            ctx.history.len(),
            trend_svg(ctx.history)
        );
    }
    let decided: Vec<_> = report
        .compliance
        .iter()
        .filter(|c| c.percent.is_some() || ctx.compliance_detail)
        .collect();
    if !decided.is_empty() {
        html.push_str("<h2>Compliance</h2><table id=\"compliance\"><thead><tr><th>Framework</th><th class=\"num\">Compliant</th><th class=\"num\">Passed</th><th class=\"num\">Failed</th><th class=\"num\">Not applicable</th><th class=\"num\">Manual</th></tr></thead><tbody>");
        for c in decided {
            let n = |k: &str| c.counts.get(k).copied().unwrap_or(0);
            let _ = write!(
                html,
                "<tr><td>{} <span class=\"muted\">{}</span></td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                esc(&c.title),
                esc(&c.version),
                c.percent.map_or_else(|| "n/a".into(), |p| format!("{p:.1}%")),
                n("passed"),
                n("failed"),
                n("not-applicable"),
                n("manual")
            );
        }
        html.push_str("</tbody></table>");
    }
    let mut ordered: Vec<&Finding> = report.findings.iter().collect();
    ordered.sort_by_key(|f| {
        (
            f.baseline || f.status == Status::Waived,
            std::cmp::Reverse(f.severity),
            f.status,
        )
    });
    let _ = write!(
        html,
        "<h2>Findings</h2><p><input type=\"search\" id=\"filter\" placeholder=\"Filter by rule, resource, file or message\" aria-label=\"filter findings\"> <span class=\"muted\">showing <span id=\"shown\">{n}</span> of {n}</span></p>",
        n = ordered.len()
    );
    html.push_str("<table id=\"findings\"><thead><tr><th>Severity</th><th>Status</th><th>Rule</th><th>Resource</th><th>Location</th><th>Message and fix</th></tr></thead><tbody>");
    for f in ordered {
        html.push_str(&row(f));
    }
    html.push_str("</tbody></table>");
    if !report.errors.is_empty() {
        html.push_str("<h2>Input errors</h2><ul id=\"errors\">");
        for e in &report.errors {
            let _ = write!(html, "<li><pre>{}</pre></li>", esc(&e.to_string()));
        }
        html.push_str("</ul>");
    }
    let _ = write!(html, "<script>{SCRIPT}</script></body></html>");
    writeln!(out, "{html}")
}
