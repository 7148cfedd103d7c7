//! The built-in policy packs, embedded at build time from `policies/`.

mod files {
    include!(concat!(env!("OUT_DIR"), "/builtin_policies.rs"));
}

use assay_engine::framework::{parse_framework, Framework};
use assay_engine::{Diagnostic, PolicyModule};

/// Every embedded file: (path such as `policies/kubernetes/K8S-PSS-003/rule.rego`, text).
pub fn files() -> &'static [(&'static str, &'static str)] {
    files::FILES
}

/// The pack a built-in file belongs to: the directory under `policies/`.
pub fn pack_of(path: &str) -> &str {
    path.strip_prefix("policies/")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or("")
}

/// Names of the built-in packs (the shared `lib` excluded).
pub fn packs() -> Vec<&'static str> {
    let mut packs: Vec<&str> = files()
        .iter()
        .map(|(p, _)| pack_of(p))
        .filter(|p| *p != "lib" && *p != "frameworks")
        .collect();
    packs.sort_unstable();
    packs.dedup();
    packs
}

/// The Rego modules of the chosen packs (all when `only` is empty), plus `lib`.
pub fn modules(only: &[String]) -> Vec<PolicyModule> {
    files()
        .iter()
        .filter(|(p, _)| p.ends_with(".rego"))
        .filter(|(p, _)| {
            let pack = pack_of(p);
            pack == "lib" || only.is_empty() || only.iter().any(|o| o == pack)
        })
        .map(|(p, text)| PolicyModule {
            path: (*p).to_string(),
            text: (*text).to_string(),
            pack: Some(pack_of(p).to_string()),
        })
        .collect()
}

/// The built-in compliance frameworks (`policies/frameworks/*.yaml`).
pub fn frameworks() -> (Vec<Framework>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (path, text) in files() {
        if pack_of(path) == "frameworks" && path.ends_with(".yaml") {
            match parse_framework(path, text) {
                Ok(f) => out.push(f),
                Err(d) => errors.push(d),
            }
        }
    }
    (out, errors)
}
