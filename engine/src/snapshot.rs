//! Snapshots: the resources of one collection, written once and evaluated
//! offline any number of times. The format is versioned JSON; resources are
//! sorted by identity so two snapshots of the same state differ only in their
//! timestamp. Secret values were redacted by the collector before they got
//! here, so a snapshot never holds one.

use crate::diagnostic::Diagnostic;
use crate::resource::Resource;
use serde::{Deserialize, Serialize};

/// Version of the snapshot format; bump on incompatible changes.
pub const SNAPSHOT_VERSION: &str = "1";

/// One snapshot.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Format version.
    pub version: String,
    /// Which collector made it (`files`, `kubernetes`, `aws`).
    pub collector: String,
    /// What it collected: paths, a cluster context, an account and regions.
    pub scope: Vec<String>,
    /// When, RFC 3339 UTC.
    pub created: String,
    /// `assay` version that wrote it.
    pub tool_version: String,
    /// Problems met while collecting (the snapshot is partial when any).
    #[serde(default)]
    pub errors: Vec<Diagnostic>,
    /// What was skipped on purpose (e.g. kinds the credentials may not list).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Diagnostic>,
    /// The resources, sorted.
    pub resources: Vec<Resource>,
}

impl Snapshot {
    /// A snapshot of `resources`, sorted into canonical order.
    pub fn new(
        collector: &str,
        scope: Vec<String>,
        created: String,
        tool_version: &str,
        mut resources: Vec<Resource>,
        errors: Vec<Diagnostic>,
    ) -> Self {
        resources.sort_by(|a, b| {
            (&a.id, a.source.file(), source_doc(a)).cmp(&(&b.id, b.source.file(), source_doc(b)))
        });
        Self {
            version: SNAPSHOT_VERSION.to_string(),
            collector: collector.to_string(),
            scope,
            created,
            tool_version: tool_version.to_string(),
            errors,
            notes: Vec::new(),
            resources,
        }
    }

    /// Read a snapshot, checking its version.
    pub fn from_json(file: &str, text: &str) -> Result<Self, Diagnostic> {
        let snap: Snapshot = serde_json::from_str(text).map_err(|e| {
            Diagnostic::new(format!("not an assay snapshot: {e}"))
                .in_file(file)
                .at(
                    u32::try_from(e.line()).unwrap_or(0),
                    u32::try_from(e.column()).unwrap_or(0),
                    None,
                )
        })?;
        if snap.version != SNAPSHOT_VERSION {
            return Err(Diagnostic::new(format!(
                "snapshot format version `{}` is not supported (this assay reads `{SNAPSHOT_VERSION}`)",
                snap.version
            ))
            .in_file(file));
        }
        Ok(snap)
    }
}

fn source_doc(r: &Resource) -> usize {
    match &r.source {
        crate::resource::Source::File { document, .. } => *document,
        crate::resource::Source::Live { .. } => 0,
    }
}

/// RFC 3339 UTC time for `unix_secs`.
pub fn rfc3339(unix_secs: u64) -> String {
    let days = i64::try_from(unix_secs / 86_400).unwrap_or(0);
    let rem = unix_secs % 86_400;
    let d = crate::waiver::Date::from_unix_days(days);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        d.year,
        d.month,
        d.day,
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::{Provider, ResourceId, Source};

    fn r(name: &str) -> Resource {
        Resource {
            id: ResourceId {
                provider: Provider::Kubernetes,
                kind: "v1/Pod".into(),
                scope: "ns".into(),
                name: name.into(),
            },
            source: Source::Live {
                endpoint: "https://k8s".into(),
            },
            body: serde_json::json!({"kind": "Pod"}),
        }
    }

    #[test]
    fn sorted_versioned_and_round_trips() {
        let s = Snapshot::new(
            "kubernetes",
            vec!["ctx".into()],
            rfc3339(0),
            "0.1.0",
            vec![r("b"), r("a")],
            Vec::new(),
        );
        assert_eq!(s.resources.first().unwrap().id.name, "a");
        assert_eq!(s.created, "1970-01-01T00:00:00Z");
        let text = serde_json::to_string(&s).unwrap();
        assert_eq!(Snapshot::from_json("s.json", &text).unwrap(), s);
        let old = text.replace("\"version\":\"1\"", "\"version\":\"0\"");
        assert!(Snapshot::from_json("s.json", &old)
            .unwrap_err()
            .message
            .contains("not supported"));
        assert!(Snapshot::from_json("s.json", "{")
            .unwrap_err()
            .message
            .contains("not an assay snapshot"));
        assert_eq!(rfc3339(1_795_457_191), "2026-11-23T18:06:31Z");
    }
}
