//! Baselines: a previous JSON report whose findings no longer fail the run.
//!
//! Matching is by fingerprint (rule, resource, file, message), which stays
//! stable when unrelated lines move.

use crate::diagnostic::Diagnostic;
use crate::finding::{Finding, Status};
use serde_json::Value;
use std::collections::HashSet;

/// Fingerprints of accepted findings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Baseline {
    fingerprints: HashSet<String>,
}

impl Baseline {
    /// Read a JSON report written by `assay scan --format json` or `--write-baseline`.
    pub fn from_report_json(file: &str, text: &str) -> Result<Baseline, Diagnostic> {
        let v: Value = serde_json::from_str(text).map_err(|e| {
            Diagnostic::new(format!("baseline is not valid JSON: {e}"))
                .in_file(file)
                .at(
                    u32::try_from(e.line()).unwrap_or(0),
                    u32::try_from(e.column()).unwrap_or(0),
                    Some(text),
                )
        })?;
        let Some(findings) = v.get("findings").and_then(Value::as_array) else {
            return Err(Diagnostic::new("baseline has no `findings` list")
                .in_file(file)
                .with_hint("write one with `assay scan ... --write-baseline FILE`"));
        };
        let fingerprints = findings
            .iter()
            .filter_map(|f| f.get("fingerprint").and_then(Value::as_str))
            .map(str::to_string)
            .collect();
        Ok(Baseline { fingerprints })
    }

    /// Mark findings present in the baseline.
    pub fn apply(&self, findings: &mut [Finding]) {
        for f in findings
            .iter_mut()
            .filter(|f| matches!(f.status, Status::Fail | Status::Warn))
        {
            f.baseline = self.fingerprints.contains(&f.fingerprint);
        }
    }

    /// Number of fingerprints.
    pub fn len(&self) -> usize {
        self.fingerprints.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.fingerprints.is_empty()
    }
}
