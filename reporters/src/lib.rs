//! Reporters: one output format per module, each a pure function from a
//! [`Report`] to bytes. Timestamps and absolute paths are never invented
//! here, so output is reproducible and snapshot-testable.

pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod notify;
mod pretty;
pub mod sarif;
pub mod text;

pub use junit::Checked;

use assay_engine::metadata::RuleMetadata;
use assay_engine::Report;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// One recorded scan of the target, for the HTML trend chart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrendPoint {
    /// Scan id.
    pub scan: String,
    /// When it ran (RFC 3339).
    pub time: String,
    /// Failing findings (waived and baseline excluded).
    pub failing: usize,
    /// Failing findings by severity.
    pub by_severity: BTreeMap<String, usize>,
}

/// Everything a reporter may need beyond the report itself.
#[derive(Clone, Copy, Debug)]
pub struct Context<'a> {
    /// Metadata of every loaded rule (SARIF lists them all).
    pub rules: &'a [RuleMetadata],
    /// `assay` version.
    pub tool_version: &'a str,
    /// The exit code the run ends with.
    pub exit_code: i32,
    /// Colour the text output.
    pub color: bool,
    /// Text output lists every control of each compliance summary (not just totals).
    pub compliance_detail: bool,
    /// Resources evaluated and the rules that judged them (JUnit's passing cases).
    pub checked: &'a [Checked],
    /// Earlier scans of the same target, oldest first (HTML trend).
    pub history: &'a [TrendPoint],
    /// What was scanned, when the state store names it.
    pub target: Option<&'a str>,
}

impl<'a> Context<'a> {
    /// A context with nothing optional set.
    pub fn new(rules: &'a [RuleMetadata], tool_version: &'a str, exit_code: i32) -> Self {
        Self {
            rules,
            tool_version,
            exit_code,
            color: false,
            compliance_detail: false,
            checked: &[],
            history: &[],
            target: None,
        }
    }
}

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Human-readable text.
    Text,
    /// Assay's JSON report (see `docs/report.schema.json`).
    Json,
    /// SARIF 2.1.0.
    Sarif,
    /// JUnit XML.
    Junit,
    /// Markdown (PR comments, CI step summaries).
    Markdown,
    /// One self-contained HTML page.
    Html,
}

/// Render `report` in `format`.
pub fn render(
    format: Format,
    report: &Report,
    ctx: &Context<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Text => text::render(report, ctx, out),
        Format::Json => json::render(report, ctx, out),
        Format::Sarif => sarif::render(report, ctx, out),
        Format::Junit => junit::render(report, ctx, out),
        Format::Markdown => markdown::render(report, ctx, out),
        Format::Html => html::render(report, ctx, out),
    }
}
