//! Server-side apply of a planned change, as field manager `assay`.
//!
//! Every apply carries the `resourceVersion` the plan (or the action being
//! rolled back) saw, so an object changed in between answers 409 Conflict,
//! which is reported, never retried blindly. Fields another manager owns
//! are not taken over unless `force` (`--force-conflicts`) says so. A
//! server-side dry run (`dryRun=All`) precedes every real apply.

use assay_collectors::kubernetes::Options;
use kube::api::{Api, DynamicObject, Patch, PatchParams};
use kube::core::GroupVersionKind;
use serde_json::Value;

/// Field manager of every change Assay makes.
pub const FIELD_MANAGER: &str = "assay";

/// Why an apply did not happen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApplyError {
    /// The object changed since it was read, or another manager owns a field.
    #[error("conflict: {0}")]
    Conflict(String),
    /// Anything else: the cluster refused or could not be reached.
    #[error("{0}")]
    Failed(String),
}

/// Server-side apply `config` (an object with apiVersion, kind, metadata)
/// and return the object as the server has it afterwards.
pub async fn apply(
    opts: &Options,
    config: &Value,
    dry_run: bool,
    force: bool,
) -> Result<Value, ApplyError> {
    let (client, _, _) = assay_collectors::kubernetes::client(opts)
        .await
        .map_err(|e| ApplyError::Failed(e.to_string()))?;
    let api_version = config
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    let kind = config.get("kind").and_then(Value::as_str).unwrap_or("");
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    let gvk = GroupVersionKind::gvk(group, version, kind);
    let (ar, _caps) = kube::discovery::pinned_kind(&client, &gvk)
        .await
        .map_err(|e| {
            ApplyError::Failed(format!(
                "cannot find {api_version}/{kind} on the server: {e}"
            ))
        })?;
    let name = config
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .ok_or_else(|| ApplyError::Failed("the change names no object".into()))?;
    let api: Api<DynamicObject> = match config
        .pointer("/metadata/namespace")
        .and_then(Value::as_str)
    {
        Some(ns) => Api::namespaced_with(client, ns, &ar),
        None => Api::all_with(client, &ar),
    };
    let mut params = PatchParams::apply(FIELD_MANAGER);
    params.dry_run = dry_run;
    params.force = force;
    match api.patch(name, &params, &Patch::Apply(config)).await {
        Ok(obj) => Ok(serde_json::to_value(obj).unwrap_or(Value::Null)),
        Err(kube::Error::Api(s)) if s.code == 409 => Err(ApplyError::Conflict(s.message.clone())),
        Err(e) => Err(ApplyError::Failed(e.to_string())),
    }
}

/// Apply with a dry run first; the dry run's refusal stops the real one.
pub async fn apply_checked(
    opts: &Options,
    config: &Value,
    force: bool,
) -> Result<Value, ApplyError> {
    apply(opts, config, true, force).await?;
    apply(opts, config, false, force).await
}
