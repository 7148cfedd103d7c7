//! Remediation plans and their execution against Kubernetes and AWS. Not built yet: `assay fix` is a later issue; the crate exists so the workspace has its final shape.
