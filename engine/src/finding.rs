//! Findings and the report a scan returns.

use crate::diagnostic::Diagnostic;
use crate::resource::{Provider, ResourceId};
use crate::severity::Severity;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// What happened when a rule met a resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// A `deny` or `violation` result.
    Fail,
    /// A `warn` result.
    Warn,
    /// The rule could not be evaluated.
    Error,
    /// A failure that a waiver covers.
    Waived,
}

impl Status {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Fail => "fail",
            Status::Warn => "warn",
            Status::Error => "error",
            Status::Waived => "waived",
        }
    }
}

/// The resource a finding is about, flattened for reporters.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ResourceRef {
    /// Provider.
    pub provider: Provider,
    /// Fully qualified kind.
    pub kind: String,
    /// Namespace (or account/region); empty when unscoped.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// The printable [`ResourceId`].
    pub id: String,
}

impl From<&ResourceId> for ResourceRef {
    fn from(id: &ResourceId) -> Self {
        Self {
            provider: id.provider,
            kind: id.kind.clone(),
            namespace: id.scope.clone(),
            name: id.name.clone(),
            id: id.to_string(),
        }
    }
}

/// Where a finding points.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Location {
    /// A position in a file.
    File {
        /// Path as the user gave it.
        file: String,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
    },
    /// A live resource and a JSON pointer into it.
    Live {
        /// Cluster or account endpoint.
        endpoint: String,
        /// JSON pointer into the resource body.
        pointer: String,
    },
}

/// Why a finding is (or was) waived.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct WaiverInfo {
    /// The reason given.
    pub reason: String,
    /// `annotation` or the waivers file path and line.
    pub source: String,
    /// Expiry date, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// True when the waiver has expired and no longer waives.
    pub expired: bool,
}

/// One rule's verdict on one resource (or on one field of it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Rule id.
    pub rule: String,
    /// Rule title (shared with every finding of the rule).
    pub title: std::sync::Arc<str>,
    /// Severity.
    pub severity: Severity,
    /// Status.
    pub status: Status,
    /// What is wrong, in the rule's words.
    pub message: String,
    /// The resource.
    pub resource: ResourceRef,
    /// Where to look.
    pub location: Location,
    /// JSON pointer to the offending field, when the rule gave a path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Framework → controls (shared with every finding of the rule).
    #[serde(default)]
    pub frameworks: std::sync::Arc<BTreeMap<String, Vec<String>>>,
    /// How to fix it (shared with every finding of the rule).
    #[serde(default)]
    pub remediation: std::sync::Arc<str>,
    /// A machine-readable fix (JSON Patch operations), when the rule has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<Value>,
    /// The waiver that applies (or applied, if expired).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<WaiverInfo>,
    /// True when the finding is in the baseline and so does not count.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub baseline: bool,
    /// Stable across unrelated edits: rule, resource, file and message.
    pub fingerprint: String,
}

impl Finding {
    /// Whether this finding makes the run fail at threshold `fail_on`.
    pub fn counts_at(&self, fail_on: Severity) -> bool {
        self.status == Status::Fail && !self.baseline && self.severity >= fail_on
    }

    /// Sort key: file position first, so text output reads top to bottom.
    fn sort_key(&self) -> (&Location, &str, &str, &str) {
        (&self.location, &self.resource.id, &self.rule, &self.message)
    }
}

/// Sort findings into their canonical order. Large reports are sorted on all cores (a stable sort either way, so
/// the order is the same).
pub fn sort_findings(findings: &mut [Finding]) {
    use rayon::slice::ParallelSliceMut;
    if findings.len() > 4096 {
        findings.par_sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    } else {
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }
}

/// Computes a finding's fingerprint (FNV-1a, 64 bits, hex).
pub fn fingerprint(rule: &str, resource: &str, file: &str, message: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [rule, resource, file, message] {
        for b in part.bytes().chain(std::iter::once(0u8)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// Counts for a summary line.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Resources evaluated.
    pub resources: usize,
    /// Rules loaded.
    pub rules: usize,
    /// Findings by status.
    pub by_status: BTreeMap<String, usize>,
    /// Failing findings by severity (waived and baseline excluded).
    pub by_severity: BTreeMap<String, usize>,
    /// Findings present in the baseline.
    pub baseline: usize,
    /// Problems reading input or policies.
    pub errors: usize,
}

/// What a scan returns: findings, problems, and counts.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Findings in canonical order.
    pub findings: Vec<Finding>,
    /// Problems reading input or policies (exit code 2).
    pub errors: Vec<Diagnostic>,
    /// Documents that were skipped (not errors), e.g. non-Kubernetes YAML.
    pub notes: Vec<Diagnostic>,
    /// Resources evaluated.
    pub resources: usize,
    /// Rules loaded.
    pub rules: usize,
    /// Control-by-control compliance, per framework the loaded rules cover.
    pub compliance: Vec<crate::framework::Compliance>,
}

/// The three outcomes of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing at or above the threshold.
    Clean,
    /// Findings at or above the threshold.
    Findings,
    /// The run itself failed.
    Failed,
}

impl Outcome {
    /// The process exit code.
    pub fn code(self) -> i32 {
        match self {
            Outcome::Clean => 0,
            Outcome::Findings => 1,
            Outcome::Failed => 2,
        }
    }
}

impl Report {
    /// Counts by status and severity.
    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            resources: self.resources,
            rules: self.rules,
            errors: self.errors.len(),
            ..Summary::default()
        };
        for st in [Status::Fail, Status::Warn, Status::Error, Status::Waived] {
            s.by_status.insert(st.as_str().to_string(), 0);
        }
        for sev in Severity::ALL {
            s.by_severity.insert(sev.as_str().to_string(), 0);
        }
        for f in &self.findings {
            *s.by_status
                .entry(f.status.as_str().to_string())
                .or_default() += 1;
            if f.baseline {
                s.baseline += 1;
            } else if f.status == Status::Fail {
                *s.by_severity
                    .entry(f.severity.as_str().to_string())
                    .or_default() += 1;
            }
        }
        s
    }

    /// The outcome at threshold `fail_on`.
    pub fn outcome(&self, fail_on: Severity) -> Outcome {
        if !self.errors.is_empty() || self.findings.iter().any(|f| f.status == Status::Error) {
            Outcome::Failed
        } else if self.findings.iter().any(|f| f.counts_at(fail_on)) {
            Outcome::Findings
        } else {
            Outcome::Clean
        }
    }
}
