//! Waivers: an accepted risk, with a reason and (in a file) an expiry date.
//!
//! Two sources: the annotation `assay.dev/waive: "RULE-ID[,RULE-ID…]: reason"`
//! on the resource itself, and a waivers file:
//!
//! ```yaml
//! waivers:
//!   - rule: K8S-PSS-001          # a rule id, or `*`
//!     resource:                  # every field optional, `*` globs allowed
//!       kind: Deployment
//!       namespace: payments
//!       name: legacy-*
//!     reason: vendor image needs host networking until v2
//!     expires: 2026-12-31        # after this date the waiver stops waiving
//! ```
//!
//! The engine reads no clock: callers hand it today's [`Date`].

use crate::diagnostic::Diagnostic;
use crate::finding::{Finding, Status, WaiverInfo};
use crate::resource::Resource;
use crate::yaml::{parse_stream, YamlLimits};
use serde_json::Value;
use std::fmt;

/// The annotation that waives rules on a resource.
pub const WAIVE_ANNOTATION: &str = "assay.dev/waive";

/// A calendar date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
    /// Day, 1–31.
    pub day: u32,
}

impl Date {
    /// Parse `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Date> {
        let mut parts = s.trim().splitn(3, '-');
        let year: i32 = parts.next()?.parse().ok()?;
        let month: u32 = parts.next()?.parse().ok()?;
        let day: u32 = parts.next()?.parse().ok()?;
        let d = Date { year, month, day };
        (s.trim().len() == 10 && (1..=12).contains(&month) && day >= 1 && day <= d.days_in_month())
            .then_some(d)
    }

    fn days_in_month(&self) -> u32 {
        match self.month {
            2 if (self.year % 4 == 0 && self.year % 100 != 0) || self.year % 400 == 0 => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        }
    }

    /// Days since 1970-01-01 (the inverse of [`Date::from_unix_days`]).
    pub fn days_since_epoch(self) -> i64 {
        let (m, d) = (i64::from(self.month), i64::from(self.day));
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The civil date `days` days after 1970-01-01 (Howard Hinnant's algorithm).
    pub fn from_unix_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date {
            year: i32::try_from(year).unwrap_or(i32::MAX),
            month: u32::try_from(month).unwrap_or(1),
            day: u32::try_from(day).unwrap_or(1),
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Which resources a file waiver covers; `None` fields match anything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selector {
    /// Provider name (`kubernetes`, `aws`, …).
    pub provider: Option<String>,
    /// Short or fully qualified kind.
    pub kind: Option<String>,
    /// Namespace or scope.
    pub namespace: Option<String>,
    /// Name.
    pub name: Option<String>,
    /// Source file path.
    pub file: Option<String>,
}

/// One entry of a waivers file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waiver {
    /// Rule id or `*`.
    pub rule: String,
    /// Resources covered.
    pub resource: Selector,
    /// Why.
    pub reason: String,
    /// Last day the waiver applies.
    pub expires: Option<Date>,
    /// `file:line` of the entry.
    pub origin: String,
}

/// Parse a waivers file.
pub fn parse_waivers(file: &str, text: &str) -> Result<Vec<Waiver>, Diagnostic> {
    let stream = parse_stream(text, &YamlLimits::default());
    if let Some(e) = stream.errors.first() {
        return Err(Diagnostic::new(e.message.clone()).in_file(file).at(
            e.line,
            e.column,
            Some(text),
        ));
    }
    let Some(doc) = stream.documents.first() else {
        return Ok(Vec::new());
    };
    let entries = match &doc.value {
        Value::Array(items) => items.as_slice(),
        Value::Object(m) => match m.get("waivers") {
            Some(Value::Array(items)) => items.as_slice(),
            _ => {
                return Err(Diagnostic::new(
                    "waivers file must be a list or have a `waivers:` list",
                )
                .in_file(file)
                .at(doc.line, doc.column, Some(text)))
            }
        },
        _ => {
            return Err(
                Diagnostic::new("waivers file must be a list or have a `waivers:` list")
                    .in_file(file)
                    .at(doc.line, doc.column, Some(text)),
            )
        }
    };
    let top_is_list = doc.value.is_array();
    let mut out = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let mut path = Vec::new();
        if !top_is_list {
            path.push(crate::resource::PathSegment::Key("waivers".into()));
        }
        path.push(crate::resource::PathSegment::Index(i));
        let pos = doc.spans.locate(&doc.value, &path);
        let (line, column) = pos.map_or((doc.line, doc.column), |p| (p.line, p.column));
        let err = |msg: String| {
            Diagnostic::new(msg)
                .in_file(file)
                .at(line, column, Some(text))
        };
        let get = |k: &str| entry.get(k).and_then(Value::as_str).map(str::to_string);
        let rule =
            get("rule").ok_or_else(|| err("waiver needs a `rule` (a rule id or `*`)".into()))?;
        let reason = get("reason").unwrap_or_default();
        if reason.trim().is_empty() {
            return Err(err(format!("waiver for `{rule}` needs a `reason`")));
        }
        let expires = match entry.get("expires") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(
                Date::parse(s)
                    .ok_or_else(|| err(format!("`expires: {s}` is not a YYYY-MM-DD date")))?,
            ),
            Some(other) => return Err(err(format!("`expires: {other}` is not a YYYY-MM-DD date"))),
        };
        let sel = entry.get("resource");
        let field = |k: &str| {
            sel.and_then(|s| s.get(k))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        out.push(Waiver {
            rule,
            resource: Selector {
                provider: field("provider"),
                kind: field("kind"),
                namespace: field("namespace"),
                name: field("name"),
                file: field("file"),
            },
            reason,
            expires,
            origin: format!("{file}:{line}"),
        });
    }
    Ok(out)
}

/// `*` matches any run of characters; everything else is literal.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    let (mut star, mut mark) = (None::<usize>, 0usize);
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some(pi);
                mark = ti;
                pi += 1;
            }
            Some(c) if Some(c) == t.get(ti) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some(s) => {
                    pi = s + 1;
                    mark += 1;
                    ti = mark;
                }
                None => return false,
            },
        }
    }
    p.get(pi..)
        .is_some_and(|rest| rest.iter().all(|&c| c == '*'))
}

impl Waiver {
    fn covers(&self, finding: &Finding, resource: &Resource) -> bool {
        let opt = |pat: &Option<String>, v: &str| pat.as_ref().is_none_or(|p| glob_match(p, v));
        let sel = &self.resource;
        (self.rule == "*" || glob_match(&self.rule, &finding.rule))
            && opt(&sel.provider, resource.id.provider.as_str())
            && sel.kind.as_ref().is_none_or(|k| {
                glob_match(k, &resource.id.kind) || glob_match(k, resource.id.short_kind())
            })
            && opt(&sel.namespace, &resource.id.scope)
            && opt(&sel.name, &resource.id.name)
            && sel.file.as_ref().is_none_or(|f| {
                resource
                    .source
                    .file()
                    .is_some_and(|path| glob_match(f, path))
            })
    }
}

/// Rule ids and reason from a resource's waive annotation.
fn annotation_waiver(resource: &Resource) -> Option<(Vec<&str>, &str)> {
    let text = resource.annotation(WAIVE_ANNOTATION)?;
    let (ids, reason) = text.split_once(':').unwrap_or((text, ""));
    let ids: Vec<&str> = ids
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    Some((ids, reason.trim()))
}

/// Apply waivers to the findings of one resource.
pub fn apply(findings: &mut [Finding], resource: &Resource, waivers: &[Waiver], today: Date) {
    let annotated = annotation_waiver(resource);
    for f in findings
        .iter_mut()
        .filter(|f| f.status == Status::Fail || f.status == Status::Warn)
    {
        if let Some((ids, reason)) = &annotated {
            if ids.iter().any(|id| *id == f.rule) {
                f.status = Status::Waived;
                f.waiver = Some(WaiverInfo {
                    reason: if reason.is_empty() {
                        "(no reason given)".into()
                    } else {
                        (*reason).to_string()
                    },
                    source: "annotation".into(),
                    expires: None,
                    expired: false,
                });
                continue;
            }
        }
        let mut expired = None;
        for w in waivers.iter().filter(|w| w.covers(f, resource)) {
            let info = WaiverInfo {
                reason: w.reason.clone(),
                source: w.origin.clone(),
                expires: w.expires.map(|d| d.to_string()),
                expired: w.expires.is_some_and(|d| d < today),
            };
            if info.expired {
                expired.get_or_insert(info);
            } else {
                f.status = Status::Waived;
                f.waiver = Some(info);
                expired = None;
                break;
            }
        }
        if let Some(info) = expired {
            f.waiver = Some(info);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_since_epoch_inverts_from_unix_days() {
        for days in [-1000, 0, 59, 60, 365, 11_016, 20_000, 20_780] {
            assert_eq!(Date::from_unix_days(days).days_since_epoch(), days);
        }
        assert_eq!(
            Date::parse("2026-11-23").unwrap().days_since_epoch(),
            20_780
        );
    }

    #[test]
    fn dates() {
        assert_eq!(Date::from_unix_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_unix_days(20_415).to_string(), "2025-11-23");
        assert_eq!(
            Date::parse("2024-02-29").map(|d| d.to_string()).as_deref(),
            Some("2024-02-29")
        );
        assert_eq!(Date::parse("2023-02-29"), None);
        assert_eq!(Date::parse("2023-2-1"), None);
    }

    #[test]
    fn globs() {
        assert!(glob_match("legacy-*", "legacy-api"));
        assert!(glob_match("*", ""));
        assert!(glob_match("a*b*c", "axxbyyc"));
        assert!(!glob_match("a*b", "ac"));
        assert!(!glob_match("web", "web2"));
    }

    #[test]
    fn waiver_file_errors_name_the_line() {
        let text = "waivers:\n  - rule: A-1\n    reason: ok\n  - rule: A-2\n    expires: 2026-13-01\n    reason: r\n";
        let d = parse_waivers("w.yaml", text).unwrap_err();
        assert_eq!(d.line, Some(4));
        assert!(d.message.contains("2026-13-01"), "{d}");
    }
}
