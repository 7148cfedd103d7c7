//! Remediation (mBOT): plans built from the fixes rules attach to findings,
//! and their execution — server-side apply for Kubernetes, the narrowest API
//! call for AWS — each with a before-state and an inverse for rollback.

pub mod files;
pub mod patch;
pub mod plan;

#[cfg(feature = "kubernetes")]
pub mod kubernetes;

#[cfg(feature = "aws")]
pub mod aws;

pub use plan::{plan, AwsChange, Change, K8sChange, Plan, Selector, Skip};
