//! `assay serve`: the Kubernetes validating admission webhook, and the
//! certificates and manifests to deploy it.

pub mod certs;
pub mod manifests;
pub mod metrics;
pub mod review;
pub mod server;
