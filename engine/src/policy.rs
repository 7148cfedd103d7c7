//! Loading Rego modules into a compiled, immutable, kind-indexed policy set.
//!
//! A *rule* is a Rego package that defines `deny`, `warn` or `violation`;
//! its identity and severity come from the package's `# METADATA` block. A
//! package without metadata still runs (conftest style) under its package
//! name. Modules that do not compile are reported as diagnostics with
//! `file:line:col` and left out; the rest of the set still loads.

use crate::diagnostic::Diagnostic;
use crate::metadata::{rule_metadata, RuleMetadata};
use crate::severity::Severity;
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

/// One Rego source file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyModule {
    /// Path shown in messages, e.g. `policies/kubernetes/pss/privileged.rego`.
    pub path: String,
    /// Rego source.
    pub text: String,
    /// The built-in pack it came from, if any.
    pub pack: Option<String>,
}

/// The result sets a rule may define, and the status each produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Entry {
    /// `deny` → fail.
    Deny,
    /// `violation` → fail.
    Violation,
    /// `warn` → warn.
    Warn,
}

impl Entry {
    /// Rule name in Rego.
    pub fn name(self) -> &'static str {
        match self {
            Entry::Deny => "deny",
            Entry::Violation => "violation",
            Entry::Warn => "warn",
        }
    }
    const ALL: [Entry; 3] = [Entry::Deny, Entry::Violation, Entry::Warn];
}

/// A loaded rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// Metadata (synthesised for packages without a METADATA block).
    pub meta: RuleMetadata,
    /// Rego package, `data.` prefixed.
    pub package: String,
    /// Result sets it defines, with their full rule paths.
    pub entries: Vec<(Entry, String)>,
    /// File that holds the metadata (or the first module of the package).
    pub file: String,
    /// Line of the METADATA block (1 when there is none).
    pub line: u32,
    /// Built-in pack name, if any.
    pub pack: Option<String>,
}

/// Limits applied to every evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Wall time one rule may take on one resource.
    pub timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(5),
        }
    }
}

/// Collects modules, then compiles them once.
#[derive(Debug, Default)]
pub struct PolicySetBuilder {
    modules: Vec<PolicyModule>,
    limits: Limits,
}

impl PolicySetBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a module.
    pub fn add(&mut self, module: PolicyModule) -> &mut Self {
        self.modules.push(module);
        self
    }

    /// Set evaluation limits.
    pub fn limits(&mut self, limits: Limits) -> &mut Self {
        self.limits = limits;
        self
    }

    /// Compile everything. Bad modules become diagnostics; test modules
    /// (`*_test.rego`) are left out of scans.
    pub fn build(self) -> PolicySet {
        let mut diagnostics = Vec::new();
        let mut accepted: Vec<(PolicyModule, bool)> = Vec::new();
        // Parse each module on its own so one broken file cannot hide others.
        for m in self
            .modules
            .into_iter()
            .filter(|m| !m.path.ends_with("_test.rego"))
        {
            match check_parse(&m) {
                Ok(v0) => accepted.push((m, v0)),
                Err(d) => diagnostics.push(d),
            }
        }
        // Whole-set compile errors (conflicts, unknown functions) name a file:
        // drop that module and retry, so the rest still runs.
        let engine = loop {
            let mut engine = new_engine(&self.limits);
            let mut failed = None;
            for (i, (m, v0)) in accepted.iter().enumerate() {
                engine.set_rego_v0(*v0);
                if let Err(e) = engine.add_policy(m.path.clone(), m.text.clone()) {
                    failed = Some((i, format!("{e:#}")));
                    break;
                }
            }
            engine.set_rego_v0(false);
            if failed.is_none() {
                if let Err(e) = engine.eval_query("true".to_string(), false) {
                    let text = format!("{e:#}");
                    let d = regorus_diagnostic(&text, &accepted);
                    let index = d
                        .file
                        .as_ref()
                        .and_then(|f| accepted.iter().position(|(m, _)| &m.path == f));
                    failed = Some((index.unwrap_or(usize::MAX), text));
                }
            }
            match failed {
                None => break engine,
                Some((i, text)) => {
                    diagnostics.push(regorus_diagnostic(&text, &accepted));
                    if i < accepted.len() {
                        accepted.remove(i);
                    } else {
                        accepted.clear();
                    }
                }
            }
        };
        let rules = collect_rules(&engine, &accepted, &mut diagnostics);
        PolicySet::new(engine, rules, diagnostics)
    }
}

fn new_engine(limits: &Limits) -> regorus::Engine {
    let mut engine = regorus::Engine::new();
    engine.set_execution_timer_config(regorus::utils::limits::ExecutionTimerConfig {
        limit: limits.timeout,
        check_interval: std::num::NonZeroU32::MIN.saturating_add(63),
    });
    engine
}

/// Parse one module alone; `Ok(true)` when it only parses as Rego v0.
fn check_parse(m: &PolicyModule) -> Result<bool, Diagnostic> {
    let mut engine = regorus::Engine::new();
    match engine.add_policy(m.path.clone(), m.text.clone()) {
        Ok(_) => Ok(false),
        Err(v1_err) => {
            let mut v0 = regorus::Engine::new();
            v0.set_rego_v0(true);
            if v0.add_policy(m.path.clone(), m.text.clone()).is_ok() {
                Ok(true)
            } else {
                Err(regorus_diagnostic(
                    &format!("{v1_err:#}"),
                    std::slice::from_ref(&(m.clone(), false)),
                ))
            }
        }
    }
}

/// Turn regorus's `--> file:line:col` error text into a diagnostic.
pub(crate) fn regorus_diagnostic(text: &str, modules: &[(PolicyModule, bool)]) -> Diagnostic {
    let mut message = text.trim().to_string();
    let mut loc = None;
    for line in text.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("--> ") {
            let mut parts = rest.rsplitn(3, ':');
            let col = parts.next().and_then(|c| c.trim().parse::<u32>().ok());
            let ln = parts.next().and_then(|l| l.trim().parse::<u32>().ok());
            let file = parts.next();
            if let (Some(file), Some(ln), Some(col)) = (file, ln, col) {
                loc = Some((file.to_string(), ln, col));
            }
        } else if let Some(rest) = line.strip_prefix("error: ") {
            message = rest.to_string();
        }
    }
    if loc.is_none() {
        // Errors without a span: keep the first line only.
        message = text
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or(text)
            .trim()
            .to_string();
    }
    match loc {
        Some((file, line, col)) => {
            let src = modules
                .iter()
                .find(|(m, _)| m.path == file)
                .map(|(m, _)| m.text.as_str());
            Diagnostic::new(message).in_file(file).at(line, col, src)
        }
        None => Diagnostic::new(message),
    }
}

fn collect_rules(
    engine: &regorus::Engine,
    modules: &[(PolicyModule, bool)],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Rule> {
    // Group modules by package: a rule may span several files.
    let mut by_package: BTreeMap<String, Vec<&PolicyModule>> = BTreeMap::new();
    for (m, _) in modules {
        if let Some(pkg) = package_of(&m.text) {
            by_package.entry(pkg).or_default().push(m);
        }
    }
    let mut rules = Vec::new();
    for (package, mods) in by_package {
        let mut entries = Vec::new();
        for entry in Entry::ALL {
            let defined = mods.iter().any(|m| {
                engine
                    .has_declared_rule_rooted_at(&m.path, entry.name())
                    .unwrap_or(false)
            });
            if defined {
                entries.push((entry, format!("data.{package}.{}", entry.name())));
            }
        }
        if entries.is_empty() {
            continue;
        }
        let mut meta = None;
        for m in &mods {
            match rule_metadata(&m.path, &m.text) {
                Ok(Some((md, line))) => {
                    meta.get_or_insert((md, m, line));
                }
                Ok(None) => {}
                Err(d) => diagnostics.push(d),
            }
        }
        let Some(first) = mods.first() else { continue };
        let (meta, module, line) = meta.unwrap_or_else(|| {
            (
                RuleMetadata {
                    id: package.clone(),
                    title: package.clone(),
                    description: String::new(),
                    severity: Severity::Medium,
                    kinds: Vec::new(),
                    frameworks: BTreeMap::new(),
                    remediation: String::new(),
                },
                first,
                1,
            )
        });
        rules.push(Rule {
            meta,
            package: format!("data.{package}"),
            entries,
            file: module.path.clone(),
            line,
            pack: module.pack.clone(),
        });
    }
    // Two packages must not claim one id.
    let mut seen: HashMap<String, String> = HashMap::new();
    rules.retain(|r| match seen.get(&r.meta.id) {
        Some(other) => {
            diagnostics.push(
                Diagnostic::new(format!(
                    "rule id `{}` is already used by `{other}`",
                    r.meta.id
                ))
                .in_file(r.file.clone())
                .at(r.line, 1, None),
            );
            false
        }
        None => {
            seen.insert(r.meta.id.clone(), r.file.clone());
            true
        }
    });
    rules
}

/// The package path (without `data.`) declared by a module.
fn package_of(text: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let rest = l.trim_start().strip_prefix("package ")?;
        let pkg = rest.split('#').next().unwrap_or(rest).trim();
        (!pkg.is_empty()).then(|| pkg.to_string())
    })
}

/// A compiled, immutable policy set, indexed by kind.
#[derive(Clone)]
pub struct PolicySet {
    pub(crate) engine: regorus::Engine,
    rules: Vec<Rule>,
    /// Short kind → rules that declare it.
    by_kind: HashMap<String, Vec<usize>>,
    /// Rules that declare no kinds (apply to every resource).
    any_kind: Vec<usize>,
    diagnostics: Vec<Diagnostic>,
    aggregates: HashMap<String, Aggregate>,
    any_aggregate: Option<Aggregate>,
}

/// A generated rule that evaluates several rules' result sets at once,
/// as an object keyed `r<rule index>_<entry>`.
#[derive(Clone, Debug)]
pub(crate) struct Aggregate {
    /// Full path of the aggregate rule.
    pub(crate) rule: String,
    /// Indices of the rules it covers.
    pub(crate) members: Vec<usize>,
}

fn is_plain_package(pkg: &str) -> bool {
    pkg.strip_prefix("data.").is_some_and(|p| {
        p.split('.').all(|seg| {
            !seg.is_empty()
                && seg.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !seg.starts_with(|c: char| c.is_ascii_digit())
        })
    })
}

impl std::fmt::Debug for PolicySet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PolicySet")
            .field("rules", &self.rules.len())
            .field("diagnostics", &self.diagnostics)
            .finish()
    }
}

impl PolicySet {
    fn new(mut engine: regorus::Engine, rules: Vec<Rule>, diagnostics: Vec<Diagnostic>) -> Self {
        let mut by_kind: HashMap<String, Vec<usize>> = HashMap::new();
        let mut any_kind = Vec::new();
        for (i, r) in rules.iter().enumerate() {
            if r.meta.kinds.is_empty() || r.meta.kinds.iter().any(|k| k == "*") {
                any_kind.push(i);
                continue;
            }
            for k in &r.meta.kinds {
                let short = k.rsplit('/').next().unwrap_or(k).to_string();
                let list = by_kind.entry(short).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        // One aggregate rule per short kind: evaluating all of a kind's rules
        // in one call lets shared helpers (pod spec, containers) be computed
        // once per resource instead of once per rule.
        let mut aggregates = HashMap::new();
        let mut any_aggregate = None;
        let mut groups: Vec<(Option<String>, Vec<usize>)> = by_kind
            .iter()
            .map(|(k, list)| {
                let mut all: Vec<usize> = list.iter().chain(any_kind.iter()).copied().collect();
                all.sort_unstable();
                (Some(k.clone()), all)
            })
            .collect();
        groups.push((None, any_kind.clone()));
        groups.sort();
        for (n, (kind, members)) in groups.into_iter().enumerate() {
            if members.is_empty() {
                continue;
            }
            let plain = members.iter().all(|&i| {
                rules.get(i).is_some_and(|r| {
                    !r.meta.kinds.iter().any(|k| k.contains('/')) && is_plain_package(&r.package)
                })
            });
            if !plain {
                continue;
            }
            let package = format!("assay_internal.aggregate{n}");
            let mut text = format!("package {package}\n\nimport rego.v1\n\n");
            let mut fields = Vec::new();
            for &i in &members {
                let Some(r) = rules.get(i) else { continue };
                for (entry, path) in &r.entries {
                    let name = format!("r{i}_{}", entry.name());
                    text.push_str(&format!("default {name} := null\n\n{name} := {path}\n\n"));
                    fields.push(format!("\"{name}\": {name}"));
                }
            }
            text.push_str(&format!("all := {{{}}}\n", fields.join(", ")));
            if engine.add_policy(format!("<aggregate {n}>"), text).is_err() {
                continue;
            }
            let agg = Aggregate {
                rule: format!("data.{package}.all"),
                members,
            };
            match kind {
                Some(k) => {
                    aggregates.insert(k, agg);
                }
                None => any_aggregate = Some(agg),
            }
        }
        Self {
            engine,
            rules,
            by_kind,
            any_kind,
            diagnostics,
            aggregates,
            any_aggregate,
        }
    }

    /// The aggregate rule for a short kind, when its rules can be evaluated together.
    pub(crate) fn aggregate_for(&self, short_kind: &str) -> Option<&Aggregate> {
        if self.by_kind.contains_key(short_kind) {
            self.aggregates.get(short_kind)
        } else {
            self.any_aggregate.as_ref()
        }
    }

    /// Loaded rules, in package order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Problems found while loading.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Rule indices that apply to a resource of this kind. A kind entry with
    /// a `/` (`apps/v1/Deployment`) must match the full kind exactly.
    pub fn rules_for(&self, kind: &str, short_kind: &str) -> impl Iterator<Item = &Rule> + '_ {
        let indexed = self
            .by_kind
            .get(short_kind)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let kind = kind.to_string();
        let short = short_kind.to_string();
        let mut idx: Vec<usize> = indexed
            .iter()
            .chain(self.any_kind.iter())
            .copied()
            .collect();
        idx.sort_unstable();
        idx.into_iter().filter_map(move |i| {
            let r = self.rules.get(i)?;
            let applies = r.meta.kinds.is_empty()
                || r.meta.kinds.iter().any(|k| {
                    k == "*"
                        || if k.contains('/') {
                            *k == kind
                        } else {
                            *k == short
                        }
                });
            applies.then_some(r)
        })
    }
}
