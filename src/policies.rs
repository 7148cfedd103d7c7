//! Loading policy sets for the CLI, and `assay policies list|show`.

use crate::builtin;
use crate::cli::{ListArgs, ShowArgs};
use crate::{EXIT_CLEAN, EXIT_FAILED};
use assay_engine::framework::Framework;
use assay_engine::policy::Limits;
use assay_engine::{Diagnostic, PolicyModule, PolicySet, PolicySetBuilder};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Which policies to load.
#[derive(Clone, Debug, Default)]
pub struct PolicyChoice {
    /// Skip the built-in packs.
    pub no_builtin: bool,
    /// Only these built-in packs (all when empty).
    pub packs: Vec<String>,
    /// Extra directories or files.
    pub paths: Vec<PathBuf>,
    /// Evaluation limits.
    pub limits: Limits,
    /// conftest namespaces: packages without rule metadata run only when listed.
    pub namespaces: Vec<String>,
    /// Only the rules of this framework.
    pub framework: Option<String>,
}

/// The framework called `name`, or a diagnostic listing the known ones.
pub fn framework(name: &str) -> Result<Framework, Diagnostic> {
    let (all, _) = builtin::frameworks();
    let known: Vec<String> = all.iter().map(|f| f.id.clone()).collect();
    all.into_iter().find(|f| f.id == name).ok_or_else(|| {
        Diagnostic::new(format!("unknown framework `{name}`"))
            .with_hint(format!("built-in frameworks: {}", known.join(", ")))
    })
}

/// Read `.rego` modules from a file or a directory (recursively).
pub fn read_modules(path: &Path) -> Result<Vec<PolicyModule>, Diagnostic> {
    let display = path.to_string_lossy().to_string();
    let mut files = Vec::new();
    if path.is_dir() {
        for entry in ignore::WalkBuilder::new(path)
            .sort_by_file_name(std::cmp::Ord::cmp)
            .build()
            .flatten()
        {
            let p = entry.path();
            if p.is_file() && p.extension().is_some_and(|e| e == "rego") {
                files.push(p.to_path_buf());
            }
        }
    } else if path.is_file() {
        files.push(path.to_path_buf());
    } else {
        return Err(Diagnostic::new("policy path does not exist").in_file(display));
    }
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).map_err(|e| {
                Diagnostic::new(format!("cannot read policy: {e}")).in_file(p.to_string_lossy())
            })?;
            Ok(PolicyModule {
                path: p
                    .to_string_lossy()
                    .strip_prefix("./")
                    .map(str::to_string)
                    .unwrap_or_else(|| p.to_string_lossy().to_string()),
                text,
                pack: None,
            })
        })
        .collect()
}

/// Gatekeeper ConstraintTemplates and constraints, and ValidatingAdmission
/// Policies and bindings, in the YAML files of a policy path. Other YAML
/// (fixtures, framework data) is ignored; a malformed file is reported only
/// when it mentions one of those.
pub fn read_yaml_policies(
    path: &Path,
) -> (assay_engine::gatekeeper::Found, assay_engine::vap::Found) {
    let mut found = assay_engine::gatekeeper::Found::default();
    let mut vap = assay_engine::vap::Found::default();
    let mut files = Vec::new();
    let is_yaml = |p: &Path| p.extension().is_some_and(|e| e == "yaml" || e == "yml");
    if path.is_dir() {
        for entry in ignore::WalkBuilder::new(path)
            .sort_by_file_name(std::cmp::Ord::cmp)
            .build()
            .flatten()
        {
            if entry.path().is_file() && is_yaml(entry.path()) {
                files.push(entry.path().to_path_buf());
            }
        }
    } else if path.is_file() && is_yaml(path) {
        files.push(path.to_path_buf());
    }
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        if !text.contains("gatekeeper.sh") && !text.contains("ValidatingAdmissionPolicy") {
            continue;
        }
        let name = f.to_string_lossy().to_string();
        let stream = assay_engine::yaml::parse_stream(&text, &Default::default());
        for e in &stream.errors {
            found
                .diagnostics
                .push(Diagnostic::new(e.message.clone()).in_file(name.clone()).at(
                    e.line,
                    e.column,
                    Some(&text),
                ));
        }
        let more = assay_engine::gatekeeper::find(&name, &stream.documents);
        found.templates.extend(more.templates);
        found.constraints.extend(more.constraints);
        found.diagnostics.extend(more.diagnostics);
        vap.extend(assay_engine::vap::find(&name, &text, &stream.documents));
    }
    (found, vap)
}

/// Build the policy set; problems come back as diagnostics beside it.
/// The policies `--policy/--no-builtin/--pack` and `--framework` name, or
/// `None` after printing why they do not load (commands that must not run
/// on a partial set).
pub fn load_strict(
    policy: &crate::cli::PolicyArgs,
    framework: Option<String>,
) -> Option<PolicySet> {
    let (set, errors) = load(&PolicyChoice {
        no_builtin: policy.no_builtin,
        packs: policy.packs.clone(),
        paths: policy.policies.clone(),
        namespaces: Vec::new(),
        framework,
        limits: assay_engine::policy::Limits::default(),
    });
    for e in &errors {
        eprintln!("error: {e}");
    }
    errors.is_empty().then_some(set)
}

/// Load the built-in and given policies; problems come back as diagnostics.
pub fn load(choice: &PolicyChoice) -> (PolicySet, Vec<Diagnostic>) {
    let mut errors = Vec::new();
    let mut builder = PolicySetBuilder::new();
    builder.limits(choice.limits);
    if !choice.namespaces.is_empty() {
        builder.namespaces(choice.namespaces.clone());
    }
    if let Some(name) = &choice.framework {
        match framework(name) {
            Ok(f) => {
                builder.framework(f);
            }
            Err(d) => errors.push(d),
        }
    }
    if !choice.no_builtin {
        let known = builtin::packs();
        for p in &choice.packs {
            if !known.contains(&p.as_str()) {
                errors.push(
                    Diagnostic::new(format!("unknown pack `{p}`"))
                        .with_hint(format!("built-in packs: {}", known.join(", "))),
                );
            }
        }
        for m in builtin::modules(&choice.packs) {
            builder.add(m);
        }
    }
    for path in &choice.paths {
        let is_yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
        if !is_yaml {
            match read_modules(path) {
                Ok(mods) => {
                    for m in mods {
                        builder.add(m);
                    }
                }
                Err(d) => errors.push(d),
            }
        } else if !path.is_file() {
            errors.push(
                Diagnostic::new("policy path does not exist").in_file(path.to_string_lossy()),
            );
        }
        let (gatekeeper, vap) = read_yaml_policies(path);
        builder.gatekeeper(gatekeeper).vap(vap);
    }
    let set = builder.build();
    errors.extend(set.diagnostics().iter().cloned());
    (set, errors)
}

/// `assay policies list`.
pub fn list(args: &ListArgs, out: &mut dyn Write) -> std::io::Result<i32> {
    let (set, errors) = load(&PolicyChoice {
        packs: args.packs.clone(),
        paths: args.policies.clone(),
        framework: args.framework.clone(),
        ..PolicyChoice::default()
    });
    for e in &errors {
        eprintln!("error: {e}");
    }
    if args.json {
        let rules: Vec<serde_json::Value> = set
            .rules()
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.meta.id, "title": r.meta.title, "severity": r.meta.severity,
                    "kinds": r.meta.kinds, "frameworks": r.meta.frameworks, "scope": r.meta.scope,
                    "pack": r.pack, "file": r.file,
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &rules)?;
        writeln!(out)?;
    } else {
        let mut rules: Vec<_> = set.rules().iter().collect();
        rules.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
        for r in rules {
            let fw: Vec<String> = r
                .meta
                .frameworks
                .iter()
                .map(|(k, v)| format!("{k}:{}", v.join(",")))
                .collect();
            writeln!(
                out,
                "{:<14} {:<9} {:<62} {}",
                r.meta.id,
                r.meta.severity,
                r.meta.title,
                fw.join(" ")
            )?;
        }
    }
    Ok(if errors.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_FAILED
    })
}

/// `assay policies show ID`.
pub fn show(args: &ShowArgs, out: &mut dyn Write) -> std::io::Result<i32> {
    let (set, _) = load(&PolicyChoice {
        paths: args.policies.clone(),
        ..PolicyChoice::default()
    });
    let Some(r) = set
        .rules()
        .iter()
        .find(|r| r.meta.id.eq_ignore_ascii_case(&args.id))
    else {
        eprintln!(
            "error: no rule with id `{}` (see `assay policies list`)",
            args.id
        );
        return Ok(EXIT_FAILED);
    };
    let m = &r.meta;
    writeln!(out, "{}  {}", m.id, m.title)?;
    writeln!(out, "severity:    {}", m.severity)?;
    writeln!(
        out,
        "kinds:       {}",
        if m.kinds.is_empty() {
            "any".to_string()
        } else {
            m.kinds.join(", ")
        }
    )?;
    for (fw, controls) in m.frameworks.iter() {
        writeln!(out, "framework:   {fw}: {}", controls.join(", "))?;
    }
    if !m.triggers.is_empty() {
        // Only resources with one of these keys are evaluated by the rule.
        writeln!(out, "triggers:    {}", m.triggers.join(", "))?;
    }
    writeln!(out, "package:     {}", r.package)?;
    writeln!(out, "source:      {}:{}", r.file, r.line)?;
    if !m.description.is_empty() {
        writeln!(out, "\n{}", m.description)?;
    }
    if !m.remediation.is_empty() {
        writeln!(out, "\nremediation: {}", m.remediation)?;
    }
    Ok(EXIT_CLEAN)
}
