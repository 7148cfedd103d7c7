//! `assay.yaml`: notification routes and scheduled jobs.
//!
//! ```yaml
//! state: /var/lib/assay/state.db      # optional; else --state / the default
//! notifications:
//!   - name: security
//!     type: slack                     # or: webhook (with optional secret)
//!     url: ${SLACK_WEBHOOK_URL}       # ${VAR} reads the environment
//!     min_severity: high
//!     frameworks: [cis-kubernetes]
//! jobs:
//!   - name: nightly-cluster
//!     schedule: "0 2 * * *"           # cron, UTC: minute hour day month weekday
//!     k8s: {context: prod}
//!     notify: [security]
//!   - name: aws-eu
//!     schedule: "30 2 * * *"
//!     aws: {profile: prod, regions: [eu-west-1]}
//!   - name: manifests
//!     schedule: "*/15 * * * *"
//!     paths: [deploy/]
//!     packs: [kubernetes]
//!     framework: pss-restricted
//!     fix: {rules: [K8S-PSS-003], apply: false}   # plan only unless apply: true
//! ```
//!
//! Secrets belong in the environment: every `${NAME}` in a string is
//! replaced by the variable's value (or the content of the file
//! `$ASSAY_SECRETS_DIR/NAME`, a mounted Secret), and a missing one is an error.

use assay_engine::yaml::{parse_stream, YamlLimits};
use assay_reporters::notify::Route;
use serde::Deserialize;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The whole file.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// State database.
    #[serde(default)]
    pub state: Option<PathBuf>,
    /// Notification routes.
    #[serde(default)]
    pub notifications: Vec<Route>,
    /// Scheduled jobs.
    #[serde(default)]
    pub jobs: Vec<Job>,
}

/// A live cluster target.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct K8sTarget {
    /// Kubeconfig file.
    #[serde(default)]
    pub kubeconfig: Option<PathBuf>,
    /// Context.
    #[serde(default)]
    pub context: Option<String>,
    /// Namespaces (default: all).
    #[serde(default)]
    pub namespaces: Vec<String>,
    /// Kinds (default: all listable).
    #[serde(default)]
    pub kinds: Vec<String>,
}

/// A live AWS target.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsTarget {
    /// Profile.
    #[serde(default)]
    pub profile: Option<String>,
    /// Regions (default: all enabled).
    #[serde(default)]
    pub regions: Vec<String>,
}

/// One scheduled job.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Job {
    /// Name (unique).
    pub name: String,
    /// Cron expression, UTC.
    pub schedule: String,
    /// Files to scan.
    #[serde(default)]
    pub paths: Vec<String>,
    /// A cluster to scan.
    #[serde(default)]
    pub k8s: Option<K8sTarget>,
    /// An AWS account to scan.
    #[serde(default)]
    pub aws: Option<AwsTarget>,
    /// Built-in packs (default: all).
    #[serde(default)]
    pub packs: Vec<String>,
    /// Extra policy paths.
    #[serde(default)]
    pub policies: Vec<PathBuf>,
    /// Only this framework's rules.
    #[serde(default)]
    pub framework: Option<String>,
    /// Route names to notify (default: every route).
    #[serde(default)]
    pub notify: Option<Vec<String>>,
    /// Also write a report here each run (format from the extension:
    /// .html, .json, .sarif, .md, .xml).
    #[serde(default)]
    pub report: Option<PathBuf>,
    /// A remediation step after the scan (plan only unless `apply: true`).
    #[serde(default)]
    pub fix: Option<FixStep>,
}

/// A job's remediation step.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixStep {
    /// Only these rules (empty: every rule with a fix).
    #[serde(default)]
    pub rules: Vec<String>,
    /// Only findings at or above this severity.
    #[serde(default)]
    pub severity: Option<assay_engine::Severity>,
    /// Apply the plan (default: plan only).
    #[serde(default)]
    pub apply: bool,
    /// Refuse plans larger than this.
    #[serde(default = "default_max_changes")]
    pub max_changes: usize,
}

fn default_max_changes() -> usize {
    20
}

/// `NAME` from the environment, else from the file `$ASSAY_SECRETS_DIR/NAME`
/// (a Kubernetes Secret mounted as files), without its trailing newline.
fn lookup(name: &str) -> Option<String> {
    if let Ok(v) = std::env::var(name) {
        return Some(v);
    }
    let dir = std::env::var_os("ASSAY_SECRETS_DIR")?;
    if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
        return None;
    }
    std::fs::read_to_string(std::path::Path::new(&dir).join(name))
        .ok()
        .map(|s| s.trim_end_matches(['\n', '\r']).to_string())
}

/// Replace `${NAME}` in every string by the environment's value.
fn expand(v: &mut Value, file: &str) -> Result<(), String> {
    match v {
        Value::String(s) if s.contains("${") => {
            let mut out = String::new();
            let mut rest = s.as_str();
            while let Some(start) = rest.find("${") {
                out.push_str(rest.get(..start).unwrap_or(""));
                let after = rest.get(start + 2..).unwrap_or("");
                let Some(end) = after.find('}') else {
                    return Err(format!("{file}: unterminated `${{` in `{s}`"));
                };
                let name = after.get(..end).unwrap_or("");
                let value = lookup(name).ok_or_else(|| {
                    format!("{file}: environment variable `{name}` is not set (nor a file of that name in $ASSAY_SECRETS_DIR)")
                })?;
                out.push_str(&value);
                rest = after.get(end + 1..).unwrap_or("");
            }
            out.push_str(rest);
            *s = out;
            Ok(())
        }
        Value::Array(items) => items.iter_mut().try_for_each(|i| expand(i, file)),
        Value::Object(map) => map.values_mut().try_for_each(|i| expand(i, file)),
        _ => Ok(()),
    }
}

/// The notification routes of `--notify FILE` (none without one).
pub fn routes(path: Option<&Path>) -> Result<Vec<Route>, String> {
    path.map_or(Ok(Vec::new()), |p| load(p).map(|c| c.notifications))
}

/// Read and check a config file.
pub fn load(path: &Path) -> Result<Config, String> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{name}: cannot read: {e}"))?;
    let stream = parse_stream(&text, &YamlLimits::default());
    if let Some(e) = stream.errors.first() {
        return Err(format!("{name}:{}:{}: {}", e.line, e.column, e.message));
    }
    let mut value = stream
        .documents
        .into_iter()
        .next()
        .map_or(Value::Object(Default::default()), |d| d.value);
    expand(&mut value, &name)?;
    let config: Config = serde_json::from_value(value).map_err(|e| format!("{name}: {e}"))?;
    let mut seen = std::collections::BTreeSet::new();
    for job in &config.jobs {
        if !seen.insert(job.name.as_str()) {
            return Err(format!("{name}: job `{}` is defined twice", job.name));
        }
        let targets = usize::from(!job.paths.is_empty())
            + usize::from(job.k8s.is_some())
            + usize::from(job.aws.is_some());
        if targets != 1 {
            return Err(format!(
                "{name}: job `{}` needs exactly one of `paths`, `k8s`, `aws`",
                job.name
            ));
        }
        crate::cron::Cron::parse(&job.schedule)
            .map_err(|e| format!("{name}: job `{}`: schedule: {e}", job.name))?;
        for r in job.notify.iter().flatten() {
            if !config.notifications.iter().any(|n| &n.name == r) {
                return Err(format!(
                    "{name}: job `{}` notifies `{r}`, which is not a route in `notifications`",
                    job.name
                ));
            }
        }
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_environment_variables_and_rejects_missing_ones() {
        std::env::set_var("ASSAY_TEST_HOOK", "https://hooks.example/x");
        let mut v = serde_json::json!({"url": "${ASSAY_TEST_HOOK}?a=1", "n": [1]});
        expand(&mut v, "f").unwrap();
        assert_eq!(v["url"], "https://hooks.example/x?a=1");
        let mut v = serde_json::json!(["${ASSAY_SURELY_UNSET_VAR}"]);
        assert!(expand(&mut v, "f")
            .unwrap_err()
            .contains("ASSAY_SURELY_UNSET_VAR"));
    }

    #[test]
    fn jobs_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("assay.yaml");
        std::fs::write(
            &p,
            "jobs:\n  - {name: a, schedule: '0 2 * * *', paths: [x], notify: [nope]}\n",
        )
        .unwrap();
        assert!(load(&p).unwrap_err().contains("not a route"));
        std::fs::write(&p, "jobs:\n  - {name: a, schedule: '0 2 * * *'}\n").unwrap();
        assert!(load(&p).unwrap_err().contains("exactly one"));
        std::fs::write(
            &p,
            "jobs:\n  - {name: a, schedule: '0 25 * * *', paths: [x]}\n",
        )
        .unwrap();
        assert!(load(&p).unwrap_err().contains("schedule"));
        std::fs::write(
            &p,
            "jobs:\n  - {name: a, schedule: '0 2 * * *', paths: [x], typo: 1}\n",
        )
        .unwrap();
        assert!(load(&p).unwrap_err().contains("typo"));
    }
}
