//! Assay's state store (sBOT): every recorded scan, the resources it saw and
//! the findings it made, in one embedded SQLite database; diffs between any
//! two states; drift of live state from a blessed baseline.
//!
//! Storage is content-addressed. A resource version is `(identity, body)`
//! hashed with SHA-256; a version seen before costs nothing but its id in the
//! new scan's membership set, and membership sets are stored as
//! delta-encoded varints (one or two bytes per resource when ids are dense).
//! Findings are stored the same way. A re-scan where 99% of resources are
//! unchanged therefore writes 1% of the bodies plus a few bytes a resource.

pub mod codec;
pub mod diff;
pub mod drift;
pub mod store;

pub use diff::{Diff, FieldChange, FindingsDiff, ResourceChange};
pub use drift::{Drift, DriftKind, DriftOptions};
pub use store::{Recorder, ScanMeta, Store, View};

/// What can go wrong with the store.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// SQLite failed.
    #[error("state store {path}: {source}")]
    Sqlite {
        /// Database path.
        path: String,
        /// The SQLite error.
        #[source]
        source: rusqlite::Error,
    },
    /// The database directory could not be created.
    #[error("cannot create the state directory {path}: {source}")]
    Io {
        /// Directory.
        path: String,
        /// Cause.
        #[source]
        source: std::io::Error,
    },
    /// The database was written by a newer assay.
    #[error("state store {path} has schema version {found}; this assay knows up to {known} (upgrade assay)")]
    TooNew {
        /// Database path.
        path: String,
        /// Version found.
        found: i64,
        /// Newest version this build knows.
        known: i64,
    },
    /// A stored row is not what this build wrote.
    #[error("state store {path}: corrupt record: {detail}")]
    Corrupt {
        /// Database path.
        path: String,
        /// What was wrong.
        detail: String,
    },
    /// A scan reference (`42`, `latest`, `latest~1`) names no scan.
    #[error("no scan `{0}` in the state store (see `assay history`)")]
    NoScan(String),
    /// A baseline name is unknown.
    #[error("no baseline `{0}` (set one with `assay baseline set`)")]
    NoBaseline(String),
}
