//! Errors that stop a collector from starting at all. Per-file and
//! per-document problems are [`assay_engine::Diagnostic`]s instead.

/// A collector could not run.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    /// A path given on the command line does not exist and matches nothing.
    #[error("`{0}` does not exist and matches no files")]
    NoSuchPath(String),
    /// A glob pattern is malformed.
    #[error("bad glob `{pattern}`: {reason}")]
    BadGlob {
        /// The pattern.
        pattern: String,
        /// Why.
        reason: String,
    },
}
