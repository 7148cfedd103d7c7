//! Reporters: one output format per module, each a pure function from a
//! [`Report`] to bytes. Timestamps and absolute paths are never invented
//! here, so output is reproducible and snapshot-testable.

pub mod json;
pub mod sarif;
pub mod text;

use assay_engine::metadata::RuleMetadata;
use assay_engine::Report;
use std::io::{self, Write};

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
    }
}
