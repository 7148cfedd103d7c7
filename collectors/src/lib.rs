//! Collectors turn the world into [`assay_engine::Resource`]s: files now;
//! live Kubernetes and AWS sit behind features of their own.

#[cfg(feature = "aws")]
pub mod aws;
pub mod error;
pub mod files;
pub mod iac;
#[cfg(feature = "kubernetes")]
pub mod kubernetes;

pub use error::CollectError;
