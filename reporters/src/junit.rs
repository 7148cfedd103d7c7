//! JUnit XML, the format every CI system renders as a test report: one
//! `<testsuite>` per rule, one `<testcase>` per rule × resource. A failing
//! finding is a `<failure>`, a rule error an `<error>`, a waived or
//! baselined one `<skipped>`; a warning passes with the message in
//! `<system-out>`. Resources a rule judged and found clean are passing cases
//! when the CLI passes [`Checked`] lists; input errors form a suite of
//! their own so a broken file fails the CI step visibly.

use crate::Context;
use assay_engine::finding::{Finding, Location, ResourceRef, Status};
use assay_engine::Report;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// A resource the scan evaluated and the rules that applied to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    /// The resource.
    pub resource: ResourceRef,
    /// The file it came from, if any.
    pub file: Option<String>,
    /// Ids of the rules that judged it.
    pub rules: Vec<String>,
}

/// Escape text for XML attributes and character data, dropping characters
/// XML 1.0 cannot carry.
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(ch),
            c if u32::from(c) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

#[derive(Default)]
struct Case<'a> {
    resource: Option<&'a ResourceRef>,
    file: Option<String>,
    line: Option<u32>,
    findings: Vec<&'a Finding>,
}

/// Write the JUnit report.
pub fn render(report: &Report, ctx: &Context<'_>, out: &mut dyn Write) -> io::Result<()> {
    // rule → resource id → case
    let mut suites: BTreeMap<&str, BTreeMap<&str, Case<'_>>> = BTreeMap::new();
    for c in ctx.checked {
        for rule in &c.rules {
            suites
                .entry(rule.as_str())
                .or_default()
                .entry(c.resource.id.as_str())
                .or_insert_with(|| Case {
                    resource: Some(&c.resource),
                    file: c.file.clone(),
                    ..Case::default()
                });
        }
    }
    for f in &report.findings {
        let case = suites
            .entry(f.rule.as_str())
            .or_default()
            .entry(f.resource.id.as_str())
            .or_default();
        case.resource = Some(&f.resource);
        if let Location::File { file, line, .. } = &f.location {
            case.file = Some(file.clone());
            case.line = Some(case.line.map_or(*line, |l| l.min(*line)));
        }
        case.findings.push(f);
    }
    let titles: BTreeMap<&str, &str> = ctx
        .rules
        .iter()
        .map(|m| (m.id.as_str(), &*m.title))
        .collect();

    let mut body = Vec::new();
    let (mut tests, mut failures, mut errors, mut skipped) = (0usize, 0usize, 0usize, 0usize);
    for (rule, cases) in &suites {
        let mut s_fail = 0;
        let mut s_err = 0;
        let mut s_skip = 0;
        let mut inner = Vec::new();
        for case in cases.values() {
            let Some(resource) = case.resource else {
                continue;
            };
            let mut attrs = format!(
                "name=\"{}\" classname=\"{}\"",
                xml(&crate::markdown::label(resource)),
                xml(rule)
            );
            if let Some(file) = &case.file {
                attrs.push_str(&format!(" file=\"{}\"", xml(file)));
            }
            if let Some(line) = case.line {
                attrs.push_str(&format!(" line=\"{line}\""));
            }
            let by = |st: Status, baseline: bool| -> Vec<&Finding> {
                case.findings
                    .iter()
                    .copied()
                    .filter(|f| f.status == st && f.baseline == baseline)
                    .collect()
            };
            let text = |fs: &[&Finding]| -> String {
                fs.iter()
                    .map(|f| {
                        let loc = match &f.location {
                            Location::File { file, line, column } => {
                                format!("{file}:{line}:{column}")
                            }
                            Location::Live { endpoint, pointer } => {
                                format!("{endpoint}#{pointer}")
                            }
                        };
                        let mut t = format!("{loc}: {}", f.message);
                        if !f.remediation.is_empty() && f.status == Status::Fail {
                            t.push_str(&format!("\nfix: {}", f.remediation));
                        }
                        t
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            let fails = by(Status::Fail, false);
            let errs = by(Status::Error, false);
            let mut skips = by(Status::Waived, false);
            skips.extend(case.findings.iter().copied().filter(|f| f.baseline));
            let warns = by(Status::Warn, false);
            let mut children = String::new();
            if let Some(first) = errs.first() {
                // One element per case: the error, with any failures after it.
                s_err += 1;
                let mut all = errs.clone();
                all.extend(fails.iter().copied());
                children.push_str(&format!(
                    "<error message=\"{}\" type=\"error\">{}</error>",
                    xml(&first.message),
                    xml(&text(&all))
                ));
            } else if let Some(first) = fails.first() {
                s_fail += 1;
                children.push_str(&format!(
                    "<failure message=\"{}\" type=\"{}\">{}</failure>",
                    xml(&first.message),
                    first.severity,
                    xml(&text(&fails))
                ));
            } else if let Some(first) = skips.first() {
                s_skip += 1;
                let why = if first.baseline {
                    "in the baseline".to_string()
                } else {
                    first
                        .waiver
                        .as_ref()
                        .map_or_else(|| "waived".to_string(), |w| format!("waived: {}", w.reason))
                };
                children.push_str(&format!("<skipped message=\"{}\"/>", xml(&why)));
            }
            if !warns.is_empty() {
                children.push_str(&format!(
                    "<system-out>warning: {}</system-out>",
                    xml(&text(&warns))
                ));
            }
            if children.is_empty() {
                inner.push(format!("    <testcase {attrs}/>"));
            } else {
                inner.push(format!("    <testcase {attrs}>{children}</testcase>"));
            }
        }
        let title = titles.get(rule).copied().unwrap_or("");
        let name = if title.is_empty() {
            (*rule).to_string()
        } else {
            format!("{rule}: {title}")
        };
        body.push(format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{s_fail}\" errors=\"{s_err}\" skipped=\"{s_skip}\">",
            xml(&name),
            inner.len()
        ));
        tests += inner.len();
        failures += s_fail;
        errors += s_err;
        skipped += s_skip;
        body.extend(inner);
        body.push("  </testsuite>".to_string());
    }
    if !report.errors.is_empty() {
        body.push(format!(
            "  <testsuite name=\"input\" tests=\"{n}\" failures=\"0\" errors=\"{n}\" skipped=\"0\">",
            n = report.errors.len()
        ));
        for e in &report.errors {
            let name = e.file.clone().unwrap_or_else(|| "assay".to_string());
            body.push(format!(
                "    <testcase name=\"{}\" classname=\"input\"><error message=\"{}\" type=\"input\">{}</error></testcase>",
                xml(&name),
                xml(&e.message),
                xml(&e.to_string())
            ));
        }
        tests += report.errors.len();
        errors += report.errors.len();
        body.push("  </testsuite>".to_string());
    }
    writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
    writeln!(
        out,
        "<testsuites name=\"assay {}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\">",
        xml(ctx.tool_version)
    )?;
    for line in body {
        writeln!(out, "{line}")?;
    }
    writeln!(out, "</testsuites>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_control_characters() {
        assert_eq!(xml("a<b>&\"'\u{1}\n"), "a&lt;b&gt;&amp;&quot;&apos;\n");
    }
}
