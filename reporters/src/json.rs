//! Assay's JSON report. The schema is `docs/report.schema.json`; bump
//! [`SCHEMA_VERSION`] on any incompatible change.

use crate::Context;
use assay_engine::Report;
use serde_json::json;
use std::io::{self, Write};

/// Version of the JSON report schema.
pub const SCHEMA_VERSION: &str = "1";

/// The report as a JSON value.
pub fn to_value(report: &Report, ctx: &Context<'_>) -> serde_json::Value {
    json!({
        "version": SCHEMA_VERSION,
        "tool": {"name": "assay", "version": ctx.tool_version},
        "exit_code": ctx.exit_code,
        "summary": report.summary(),
        "findings": report.findings,
        "errors": report.errors,
        "notes": report.notes,
        "compliance": report.compliance,
    })
}

/// Write the report as pretty JSON.
pub fn render(report: &Report, ctx: &Context<'_>, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &to_value(report, ctx))?;
    writeln!(out)
}
