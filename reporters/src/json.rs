//! Assay's JSON report. The schema is `docs/report.schema.json`; bump
//! [`SCHEMA_VERSION`] on any incompatible change.

use crate::Context;
use assay_engine::Report;
use std::io::{self, Write};

/// Version of the JSON report schema.
pub const SCHEMA_VERSION: &str = "1";

/// The report document, serialized straight from the report (no
/// intermediate JSON tree: a report of 500,000 findings is written as it is
/// read).
#[derive(serde::Serialize)]
struct Document<'a> {
    version: &'static str,
    tool: Tool<'a>,
    exit_code: i32,
    summary: assay_engine::finding::Summary,
    findings: &'a [assay_engine::Finding],
    errors: &'a [assay_engine::Diagnostic],
    notes: &'a [assay_engine::Diagnostic],
    compliance: &'a [assay_engine::framework::Compliance],
}

#[derive(serde::Serialize)]
struct Tool<'a> {
    name: &'static str,
    version: &'a str,
}

fn document<'a>(report: &'a Report, ctx: &Context<'a>) -> Document<'a> {
    Document {
        version: SCHEMA_VERSION,
        tool: Tool {
            name: "assay",
            version: ctx.tool_version,
        },
        exit_code: ctx.exit_code,
        summary: report.summary(),
        findings: &report.findings,
        errors: &report.errors,
        notes: &report.notes,
        compliance: &report.compliance,
    }
}

/// The report as a JSON value.
pub fn to_value(report: &Report, ctx: &Context<'_>) -> serde_json::Value {
    serde_json::to_value(document(report, ctx)).unwrap_or(serde_json::Value::Null)
}

/// Write the report as pretty JSON. The findings (nearly all of a large
/// report) are formatted on all cores; the bytes are the same as one
/// `to_writer_pretty` of the document.
pub fn render(report: &Report, ctx: &Context<'_>, out: &mut dyn Write) -> io::Result<()> {
    let mut doc = document(report, ctx);
    let findings = std::mem::take(&mut doc.findings);
    crate::pretty::write_spliced(&doc, "findings", 2, findings, Some, out)
}
