//! Loading Rego modules into a compiled, immutable, kind-indexed policy set.
//!
//! A *rule* is a Rego package that defines `deny`, `warn` or `violation`;
//! its identity and severity come from the package's `# METADATA` block. A
//! package without metadata still runs (conftest style) under its package
//! name. Modules that do not compile are reported as diagnostics with
//! `file:line:col` and left out; the rest of the set still loads.

use crate::diagnostic::Diagnostic;
use crate::metadata::{rule_metadata, RuleMetadata, Scope};
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

    /// The entry a rule name defines: `deny`, `deny_x`, `warn_y`, … (conftest).
    pub fn of(name: &str) -> Option<Entry> {
        [Entry::Deny, Entry::Violation, Entry::Warn]
            .into_iter()
            .find(|e| {
                name.strip_prefix(e.name())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('_'))
            })
    }
}

/// The part of an entry's rule name after `deny_`/`warn_`/`violation_`
/// (empty for the bare names), as conftest's `exception` names them.
pub fn entry_suffix(path: &str) -> &str {
    let name = path.rsplit('.').next().unwrap_or(path);
    name.split_once('_').map_or("", |(_, rest)| rest)
}

/// Candidate entry names: identifiers at the start of a line.
fn entry_names(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| {
            l.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect::<String>()
        })
        .filter(|n| Entry::of(n).is_some())
        .collect()
}

/// Whether every definition of rule `name` in `text` (a line that starts
/// with the name) defines a partial set or object: `name contains …` or
/// `name[…]`, never `name := …`, `name if …` or `name = …`.
fn only_partial(text: &str, name: &str) -> bool {
    text.lines().all(|line| {
        let Some(rest) = line.strip_prefix(name) else {
            return true;
        };
        if rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
            return true; // a longer name: `deny_x`
        }
        rest.starts_with('[') || rest.starts_with(" contains ")
    })
}

/// A loaded rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// Metadata (synthesised for packages without a METADATA block).
    pub meta: RuleMetadata,
    /// Rego package, `data.` prefixed.
    pub package: String,
    /// Result sets it defines, with their full rule paths: `deny`, `warn`,
    /// `violation` and conftest's suffixed forms such as `deny_no_root`.
    pub entries: Vec<(Entry, String)>,
    /// conftest's `exception` rule: names of entries it exempts.
    pub exception: Option<String>,
    /// The rule's modules mention `data.inventory`: it needs the other resources.
    pub reads_inventory: bool,
    /// A Gatekeeper constraint: evaluated with `input.review`/`input.parameters`.
    pub gatekeeper: Option<Box<crate::gatekeeper::Constraint>>,
    /// A ValidatingAdmissionPolicy binding: evaluated with CEL.
    pub vap: Option<Box<crate::vap::Binding>>,
    /// File that holds the metadata (or the first module of the package).
    pub file: String,
    /// Line of the METADATA block (1 when there is none).
    pub line: u32,
    /// Built-in pack name, if any.
    pub pack: Option<String>,
    /// Every entry (and the exception) is a partial set or object
    /// (`deny contains …`, `deny[msg] …`): never undefined, only empty.
    pub always_defined: bool,
    /// The compiled `custom.triggers`: a resource with none of these keys
    /// skips the rule. `None`: it runs on every resource of its kinds.
    pub triggers: Option<crate::trigger::Triggers>,
}

impl Rule {
    /// Whether the rule runs on regorus's VM: built-in rules do, unless
    /// their METADATA says `engine: interpreter`.
    pub fn on_vm(&self) -> bool {
        self.pack.is_some() && self.meta.engine == crate::metadata::RegoEngine::Vm
    }
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
    namespaces: Option<Vec<String>>,
    framework: Option<crate::framework::Framework>,
    include_tests: bool,
    gatekeeper: crate::gatekeeper::Found,
    vap: crate::vap::Found,
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

    /// Run packages without a METADATA rule id (conftest policies) only when
    /// they are one of these namespaces, as `conftest --namespace` does.
    pub fn namespaces(&mut self, namespaces: Vec<String>) -> &mut Self {
        self.namespaces = Some(namespaces);
        self
    }

    /// Keep only the rules of this framework (tagging it or listed by it).
    pub fn framework(&mut self, framework: crate::framework::Framework) -> &mut Self {
        self.framework = Some(framework);
        self
    }

    /// Add Gatekeeper templates and constraints.
    pub fn gatekeeper(&mut self, found: crate::gatekeeper::Found) -> &mut Self {
        self.gatekeeper.templates.extend(found.templates);
        self.gatekeeper.constraints.extend(found.constraints);
        self.gatekeeper.diagnostics.extend(found.diagnostics);
        self
    }

    /// Add ValidatingAdmissionPolicies and their bindings.
    pub fn vap(&mut self, found: crate::vap::Found) -> &mut Self {
        self.vap.extend(found);
        self
    }

    /// Compile `*_test.rego` modules too (for `assay check`).
    pub fn include_tests(&mut self, yes: bool) -> &mut Self {
        self.include_tests = yes;
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
        let mut engine = new_engine(&self.limits);
        let mut accepted: Vec<Accepted> = Vec::new();
        // Each module is parsed once, on its own, so one broken file cannot
        // hide the others.
        for module in self
            .modules
            .into_iter()
            .filter(|m| self.include_tests || !m.path.ends_with("_test.rego"))
        {
            let missing = unsupported(&module);
            if !missing.is_empty() {
                diagnostics.extend(missing);
                continue;
            }
            match add_module(&mut engine, &module, None) {
                Ok((package, v0)) => accepted.push(Accepted {
                    module,
                    package,
                    v0,
                }),
                Err(d) => diagnostics.push(d),
            }
        }
        // Whole-set errors (e.g. an unsafe variable) name a file: drop that
        // module and rebuild from the rest, so the rest still runs.
        while let Err(e) = engine.eval_query("true".to_string(), false) {
            let text = format!("{e:#}");
            let d = regorus_diagnostic(&text, &accepted);
            let culprit = d
                .file
                .as_ref()
                .and_then(|f| accepted.iter().position(|a| &a.module.path == f));
            diagnostics.push(d);
            match culprit {
                Some(i) => {
                    accepted.remove(i);
                }
                None => accepted.clear(),
            }
            engine = new_engine(&self.limits);
            for a in &accepted {
                // These parsed a moment ago; parsing is deterministic.
                let _ = add_module(&mut engine, &a.module, Some(a.v0));
            }
        }
        let mut rules = collect_rules(
            &engine,
            &accepted,
            self.namespaces.as_deref(),
            &mut diagnostics,
        );
        rules.extend(gatekeeper_rules(
            &mut engine,
            self.gatekeeper,
            &self.limits,
            &mut diagnostics,
        ));
        rules.extend(vap_rules(self.vap, &mut diagnostics));
        if let Some(fw) = &self.framework {
            rules.retain(|r| fw.includes(&r.meta));
        }
        PolicySet::new(engine, rules, diagnostics, self.limits)
    }
}

/// Compile each template (its libs and Rego) on a scratch engine first, so a
/// broken template costs only itself, then add it and turn every constraint
/// of its kind into a rule.
fn gatekeeper_rules(
    engine: &mut regorus::Engine,
    found: crate::gatekeeper::Found,
    limits: &Limits,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Rule> {
    diagnostics.extend(found.diagnostics);
    let mut packages: HashMap<String, (String, bool, &crate::gatekeeper::Template)> =
        HashMap::new();
    for t in &found.templates {
        let mut modules: Vec<PolicyModule> = t
            .libs
            .iter()
            .enumerate()
            .map(|(i, lib)| PolicyModule {
                path: format!("{}#{}.lib{i}", t.file, t.kind),
                text: lib.clone(),
                pack: None,
            })
            .collect();
        modules.push(PolicyModule {
            path: format!("{}#{}", t.file, t.kind),
            text: t.rego.clone(),
            pack: None,
        });
        let mut scratch = new_engine(limits);
        let mut result = Ok(String::new());
        for m in &modules {
            match add_module(&mut scratch, m, None) {
                Ok((pkg, _)) => result = Ok(pkg),
                Err(d) => {
                    result = Err(d);
                    break;
                }
            }
        }
        if result.is_ok() {
            if let Err(e) = scratch.eval_query("true".to_string(), false) {
                result = Err(regorus_diagnostic(&format!("{e:#}"), &modules));
            }
        }
        match result {
            Ok(pkg) => {
                let mut ok = true;
                for m in &modules {
                    if let Err(d) = add_module(engine, m, None) {
                        diagnostics.push(d);
                        ok = false;
                    }
                }
                if ok {
                    let reads = modules.iter().any(|m| m.text.contains("data.inventory"));
                    packages.insert(t.kind.clone(), (pkg, reads, t));
                }
            }
            Err(d) => diagnostics.push(d.with_hint(format!(
                "in the Rego of ConstraintTemplate `{}` ({}:{})",
                t.kind, t.file, t.line
            ))),
        }
    }
    let mut rules = Vec::new();
    for c in found.constraints {
        let Some((pkg, reads, t)) = packages.get(&c.kind) else {
            diagnostics.push(
                Diagnostic::new(format!(
                    "constraint `{}` is of kind `{}`, but no ConstraintTemplate for that kind loaded",
                    c.name, c.kind
                ))
                .in_file(c.file.clone())
                .at(c.line, 1, None),
            );
            continue;
        };
        let severity = match c.severity.as_deref().map(str::parse::<Severity>) {
            Some(Ok(s)) => s,
            _ => Severity::Medium,
        };
        let entry = if c.enforcement == "deny" {
            Entry::Violation
        } else {
            Entry::Warn
        };
        let mut kinds: Vec<String> = c
            .matcher
            .kinds
            .iter()
            .flat_map(|(_, k)| k.iter().cloned())
            .collect();
        if kinds.iter().any(|k| k == "*") {
            kinds.clear();
        }
        let pkg_name = pkg.strip_prefix("data.").unwrap_or(pkg);
        rules.push(Rule {
            meta: RuleMetadata {
                description: t.description.clone(),
                severity,
                kinds,
                ..RuleMetadata::untitled(format!("{}/{}", c.kind, c.name), t.title.clone())
            },
            package: format!("data.{pkg_name}"),
            entries: vec![(entry, format!("data.{pkg_name}.violation"))],
            exception: None,
            reads_inventory: *reads || c.matcher.namespace_selector.is_some(),
            file: c.file.clone(),
            line: c.line,
            pack: None,
            always_defined: false,
            triggers: None,
            gatekeeper: Some(Box::new(c)),
            vap: None,
        });
    }
    rules
}

/// Every ValidatingAdmissionPolicyBinding as a rule.
fn vap_rules(found: crate::vap::Found, diagnostics: &mut Vec<Diagnostic>) -> Vec<Rule> {
    let (bindings, problems) = found.resolve();
    diagnostics.extend(problems);
    bindings
        .into_iter()
        .map(|b| {
            let entry = if b.actions.iter().any(|a| a == "Deny") {
                Entry::Deny
            } else {
                Entry::Warn
            };
            let p = &b.policy;
            let reads = p.param_kind.is_some()
                || p.mentions("namespaceObject")
                || p.matcher.namespace_selector.is_some()
                || b.matcher
                    .as_ref()
                    .is_some_and(|m| m.namespace_selector.is_some());
            Rule {
                meta: RuleMetadata::untitled(
                    format!("VAP/{}", b.name),
                    format!("ValidatingAdmissionPolicy {}", p.name),
                ),
                package: String::new(),
                entries: vec![(entry, String::new())],
                exception: None,
                reads_inventory: reads,
                file: b.file.clone(),
                line: b.line,
                pack: None,
                always_defined: false,
                triggers: None,
                gatekeeper: None,
                vap: Some(Box::new(b)),
            }
        })
        .collect()
}

/// Every call to a builtin regorus does not implement.
fn unsupported(m: &PolicyModule) -> Vec<Diagnostic> {
    crate::builtins::unsupported_calls(&m.text)
        .into_iter()
        .map(|(name, line, col)| {
            Diagnostic::new(format!("unsupported builtin `{name}`"))
                .in_file(m.path.clone())
                .at(line, col, Some(&m.text))
                .with_hint("Assay evaluates Rego with regorus, which does not implement this OPA builtin; see docs/authoring.md (compatibility)")
        })
        .collect()
}

/// A module that parsed, with its package (`data.`-prefixed) and dialect.
struct Accepted {
    module: PolicyModule,
    package: String,
    v0: bool,
}

fn new_engine(limits: &Limits) -> regorus::Engine {
    let mut engine = regorus::Engine::new();
    engine.set_execution_timer_config(interpreter_timer(limits.timeout));
    engine
}

/// The interpreter's time limit of `limit`, its clock read every 64 steps.
pub(crate) fn interpreter_timer(
    limit: std::time::Duration,
) -> regorus::utils::limits::ExecutionTimerConfig {
    regorus::utils::limits::ExecutionTimerConfig {
        limit,
        check_interval: std::num::NonZeroU32::MIN.saturating_add(63),
    }
}

/// Add one module as Rego v1, or as v0 when only that parses (conftest
/// policies are often v0). `dialect` forces one. Returns the package and
/// whether v0 was used; on failure, the v1 error.
pub(crate) fn add_module(
    engine: &mut regorus::Engine,
    m: &PolicyModule,
    dialect: Option<bool>,
) -> Result<(String, bool), Diagnostic> {
    let mut errors = Vec::new();
    // Built-in packs run on the VM, where an aliased reference costs the
    // whole imported package (see `lexer::expand_import_aliases`). User
    // modules keep their exact text, so every position in a message is theirs.
    let text = match &m.pack {
        Some(_) => crate::lexer::expand_import_aliases(&m.text).unwrap_or_else(|| m.text.clone()),
        None => m.text.clone(),
    };
    for v0 in dialect.map_or(vec![false, true], |d| vec![d]) {
        engine.set_rego_v0(v0);
        let added = engine.add_policy(m.path.clone(), text.clone());
        engine.set_rego_v0(false);
        match added {
            Ok(package) => return Ok((package, v0)),
            Err(e) => errors.push(format!("{e:#}")),
        }
    }
    // A v0 module fails v1 on its first rule (no `if`): its v0 error is the
    // one that says what is really wrong.
    let v1_syntax = errors.first().is_some_and(|e| {
        e.contains("`if` keyword is required") || e.contains("`contains` keyword is required")
    });
    let text = if v1_syntax && errors.len() > 1 && !m.text.contains("rego.v1") {
        errors.pop().unwrap_or_default()
    } else {
        errors.into_iter().next().unwrap_or_default()
    };
    Err(regorus_diagnostic(&text, std::slice::from_ref(m)))
}

/// Turn regorus's `--> file:line:col` error text into a diagnostic.
pub(crate) fn regorus_diagnostic<M: AsRef<PolicyModule>>(text: &str, modules: &[M]) -> Diagnostic {
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
                .map(AsRef::as_ref)
                .find(|m| m.path == file)
                .map(|m| m.text.as_str());
            Diagnostic::new(message).in_file(file).at(line, col, src)
        }
        None => Diagnostic::new(message),
    }
}

fn collect_rules(
    engine: &regorus::Engine,
    modules: &[Accepted],
    namespaces: Option<&[String]>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Rule> {
    // Group modules by package: a rule may span several files.
    let mut by_package: BTreeMap<&str, Vec<&PolicyModule>> = BTreeMap::new();
    for a in modules {
        let pkg = a.package.strip_prefix("data.").unwrap_or(&a.package);
        by_package.entry(pkg).or_default().push(&a.module);
    }
    let mut rules = Vec::new();
    for (package, mods) in by_package {
        let declared = |name: &str| {
            mods.iter().any(|m| {
                engine
                    .has_declared_rule_rooted_at(&m.path, name)
                    .unwrap_or(false)
            })
        };
        let mut names = std::collections::BTreeSet::new();
        for m in &mods {
            names.extend(entry_names(&m.text));
        }
        let mut entries = Vec::new();
        for name in names {
            let Some(entry) = Entry::of(&name) else {
                continue;
            };
            if declared(&name) {
                entries.push((entry, format!("data.{package}.{name}")));
            }
        }
        entries.sort();
        if entries.is_empty() {
            continue;
        }
        let exception = declared("exception").then(|| format!("data.{package}.exception"));
        let reads_inventory = mods.iter().any(|m| m.text.contains("data.inventory"));
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
        let always_defined = entries
            .iter()
            .map(|(_, path)| path.as_str())
            .chain(exception.as_deref())
            .all(|path| {
                let name = path.rsplit('.').next().unwrap_or(path);
                mods.iter().all(|m| only_partial(&m.text, name))
            });
        let Some(first) = mods.first() else { continue };
        if meta.is_none() && namespaces.is_some_and(|ns| !ns.iter().any(|n| n == package)) {
            continue;
        }
        let (meta, module, line) =
            meta.unwrap_or_else(|| (RuleMetadata::untitled(package, package), first, 1));
        let sources: Vec<&str> = mods.iter().map(|m| m.text.as_str()).collect();
        let triggers = match crate::trigger::unmentioned(&meta.triggers, &sources) {
            None if meta.triggers.is_empty() => None,
            None => Some(crate::trigger::Triggers::new(
                meta.triggers.iter().map(String::as_str),
            )),
            Some(key) => {
                // Run the rule everywhere rather than skip it wrongly.
                diagnostics.push(
                    Diagnostic::new(format!(
                        "rule `{}` lists trigger `{key}`, which its source never mentions",
                        meta.id
                    ))
                    .in_file(module.path.clone())
                    .at(line, 1, None)
                    .with_hint("a trigger is an object key the rule tests; resources without any trigger key skip the rule"),
                );
                None
            }
        };
        rules.push(Rule {
            meta,
            package: format!("data.{package}"),
            entries,
            exception,
            reads_inventory,
            gatekeeper: None,
            vap: None,
            file: module.path.clone(),
            line,
            pack: module.pack.clone(),
            always_defined,
            triggers,
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

/// A compiled, immutable policy set, indexed by kind.
#[derive(Clone)]
pub struct PolicySet {
    pub(crate) engine: regorus::Engine,
    rules: Vec<Rule>,
    /// Namespace → its object, for `namespaceSelector`s and `namespaceObject`.
    pub(crate) namespaces: HashMap<String, serde_json::Value>,
    /// Objects of the kinds ValidatingAdmissionPolicies take as params.
    pub(crate) params: Vec<serde_json::Value>,
    /// `data` added after compilation (the inventory), for the VMs.
    pub(crate) data: Option<regorus::Value>,
    /// Evaluation limits.
    pub(crate) limits: Limits,
    /// Resources with one trigger mask before its part is compiled.
    pub(crate) part_after: u32,
    /// Compile parts on a thread of their own (a server: no request waits
    /// for one) instead of in the evaluation that reaches `part_after`.
    pub(crate) parts_in_background: bool,
    /// Entry path → VM program, for the inventory rules that run on the VM.
    pub(crate) inventory_programs: HashMap<String, Lazy>,
    /// Short kind → the rules that declare it, plus the any-kind rules.
    groups: HashMap<String, KindGroup>,
    /// Non-Kubernetes kinds no rule names: only the any-kind rules.
    other: KindGroup,
    /// Kubernetes kinds no rule names: the any-kind and `*` rules.
    other_k8s: KindGroup,
    diagnostics: Vec<Diagnostic>,
}

/// The candidate rules of one short kind.
#[derive(Clone, Debug)]
pub(crate) struct KindGroup {
    /// Rule indices, sorted.
    pub(crate) members: Vec<usize>,
    /// Fused evaluations of the members: one over the rules that run on
    /// the VM (the built-in packs'), one over the rest (run by the
    /// interpreter, whose semantics are OPA's most exactly).
    pub(crate) aggregates: Vec<Aggregate>,
    /// Rego members no aggregate covers, sorted: they run alone.
    pub(crate) loose: Vec<usize>,
    /// Gatekeeper constraints and ValidatingAdmissionPolicy bindings, sorted.
    pub(crate) foreign: Vec<usize>,
}

impl KindGroup {
    fn new(rules: &[Rule], members: Vec<usize>, aggregates: Vec<Aggregate>) -> Self {
        let (rego, foreign): (Vec<usize>, Vec<usize>) = members
            .iter()
            .partition(|&&i| rules.get(i).is_some_and(Rule::is_rego));
        let loose = rego
            .into_iter()
            .filter(|i| !aggregates.iter().any(|a| a.members.contains(i)))
            .collect();
        Self {
            members,
            aggregates,
            loose,
            foreign,
        }
    }
}

/// A generated rule that evaluates several rules' result sets at once.
#[derive(Clone, Debug)]
pub(crate) struct Aggregate {
    /// Full path of the aggregate rule.
    pub(crate) rule: String,
    /// The rules it covers.
    pub(crate) members: Vec<usize>,
    /// The rule compiled for regorus's virtual machine (several times faster
    /// than its tree-walking interpreter), when it compiles.
    pub(crate) program: Option<Lazy>,
    /// When some members have trigger keys: how to run fewer members on a
    /// resource that has only some, or none, of them.
    pub(crate) lean: Option<Lean>,
    /// Its number, unique in the set.
    pub(crate) id: usize,
}

/// How an aggregate narrows itself to the members a resource can trigger.
#[derive(Clone, Debug)]
pub(crate) struct Lean {
    /// The trigger keys of `triggered`: bit k for `triggered[k]`.
    pub(crate) triggers: crate::trigger::Triggers,
    /// The members that declare triggers.
    pub(crate) triggered: Vec<usize>,
    /// The aggregate of the other members (a resource with no trigger key
    /// runs only these); `None` if there are none.
    pub(crate) aggregate: Option<Box<Aggregate>>,
    /// VM programs for resources that trigger some members, not all, by
    /// trigger mask, shared by every copy of the set.
    pub(crate) parts: std::sync::Arc<std::sync::Mutex<Parts>>,
}

/// The parts of one aggregate, made once a trigger mask has been seen often
/// enough to pay for compiling (a part of a large aggregate costs about as
/// much to compile as a few hundred resources cost to evaluate).
#[derive(Debug, Default)]
pub(crate) struct Parts {
    /// Mask → how often it was seen, or its part once made (`None`: it did
    /// not compile; the whole aggregate runs).
    by_mask: HashMap<u64, PartState>,
    /// How many parts were made.
    made: usize,
}

#[derive(Debug)]
enum PartState {
    Seen(u32),
    /// Being compiled (outside the lock; in the background for a server).
    Compiling,
    Made(Option<std::sync::Arc<Part>>),
}

/// An aggregate narrowed to the members one trigger mask selects.
#[derive(Debug)]
pub(crate) struct Part {
    /// Full path of its rule.
    pub(crate) rule: String,
    /// Its members (the untriggered ones and the triggered ones selected).
    pub(crate) members: Vec<usize>,
    /// Compiled for the VM.
    pub(crate) program: std::sync::Arc<regorus::rvm::program::Program>,
}

/// At most this many parts per aggregate, and masks counted (then the
/// whole aggregate runs).
const MAX_PARTS: usize = 64;
const MAX_MASKS: usize = 4096;

/// What to evaluate for one resource.
pub(crate) enum Pick<'a> {
    /// Nothing: the aggregate's members all have triggers, none present.
    Skip,
    /// This aggregate (the whole one, or its lean part).
    Run(&'a Aggregate),
    /// The members that mask selects, and the untriggered ones.
    Part(u64),
}

impl Aggregate {
    /// What to evaluate on `body`.
    pub(crate) fn pick(&self, body: &serde_json::Value) -> Pick<'_> {
        let Some(lean) = &self.lean else {
            return Pick::Run(self);
        };
        let mask = lean.triggers.mask_in(body);
        let all = u64::MAX >> 64usize.saturating_sub(lean.triggered.len()).min(63);
        if mask == 0 {
            lean.aggregate.as_deref().map_or(Pick::Skip, Pick::Run)
        } else if mask & all == all || self.program.is_none() {
            // Every member, or the interpreter (whose engine holds only the
            // aggregates generated at load).
            Pick::Run(self)
        } else {
            Pick::Part(mask)
        }
    }

    /// The part of this aggregate for a trigger mask, once the mask has
    /// been seen `set.part_after` times; `None` before, or when it cannot be
    /// made (then run the whole aggregate).
    pub(crate) fn part(&self, set: &PolicySet, mask: u64) -> Option<std::sync::Arc<Part>> {
        let lean = self.lean.as_ref()?;
        let mut parts = lean.parts.lock().ok()?;
        if parts.by_mask.len() >= MAX_MASKS && !parts.by_mask.contains_key(&mask) {
            return None;
        }
        let made = parts.made;
        match parts.by_mask.entry(mask).or_insert(PartState::Seen(0)) {
            PartState::Made(part) => return part.clone(),
            PartState::Compiling => return None,
            PartState::Seen(n) => {
                *n = n.saturating_add(1);
                if *n < set.part_after || made >= MAX_PARTS {
                    return None;
                }
            }
        }
        // Compiled without the lock: evaluations of other masks go on.
        parts.by_mask.insert(mask, PartState::Compiling);
        parts.made += 1;
        drop(parts);
        let members: Vec<usize> = self
            .members
            .iter()
            .copied()
            .filter(|i| match lean.triggered.iter().position(|t| t == i) {
                Some(k) => mask & (1u64 << k.min(63)) != 0,
                None => true,
            })
            .collect();
        let package = format!("assay_internal.aggregate{}_{mask:x}", self.id);
        let text = aggregate_text(set.rules(), &members, &package);
        let engine = set.engine.clone();
        let shared = lean.parts.clone();
        let compile = move || {
            let made = text.and_then(|text| compile_part(engine, text, &package, members));
            if let Ok(mut parts) = shared.lock() {
                parts.by_mask.insert(mask, PartState::Made(made.clone()));
            }
            made
        };
        if set.parts_in_background {
            // If no thread can be started, the part is never made and the
            // whole aggregate keeps running for this mask.
            let _ = std::thread::Builder::new()
                .name("assay-part".into())
                .spawn(compile);
            None
        } else {
            compile()
        }
    }

    /// This aggregate and its lean part.
    fn with_lean(&self) -> impl Iterator<Item = &Aggregate> {
        std::iter::once(self).chain(self.lean.iter().filter_map(|l| l.aggregate.as_deref()))
    }

    /// Set or clear the VM program of this aggregate and its lean part.
    fn set_program(&mut self, program: impl Fn() -> Option<Lazy>) {
        self.program = program();
        if let Some(lean) = self.lean.as_mut().and_then(|l| l.aggregate.as_mut()) {
            lean.program = program();
        }
    }
}

/// Compile the aggregate `text` of `members` (package `package`) as a part.
fn compile_part(
    mut engine: regorus::Engine,
    text: String,
    package: &str,
    members: Vec<usize>,
) -> Option<std::sync::Arc<Part>> {
    engine.add_policy(format!("<{package}>"), text).ok()?;
    let rule = format!("data.{package}.all");
    let program = compile_program(&mut engine, &rule)?;
    Some(std::sync::Arc::new(Part {
        rule,
        members,
        program,
    }))
}

/// A program compiled on first use and shared by every copy of the set: a
/// scan that meets three kinds compiles three programs, not all of them.
pub(crate) type Lazy =
    std::sync::Arc<std::sync::OnceLock<Option<std::sync::Arc<regorus::rvm::program::Program>>>>;

/// One value a rule contributes to an aggregate (entries in order, then
/// the exception set).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Output {
    /// The rule's `entries[j]`.
    Entry(usize),
    /// Its `exception` set.
    Exception,
}

impl Output {
    /// Its field in the aggregate's object, for rule `rule`: `r{rule}_{j}`
    /// or `r{rule}_x`.
    fn name(self, rule: usize) -> String {
        match self {
            Output::Entry(j) => format!("r{rule}_{j}"),
            Output::Exception => format!("r{rule}_x"),
        }
    }

    /// The rule and output a field of an aggregate's object stands for
    /// ([`Output::name`] read back).
    pub(crate) fn parse(name: &str) -> Option<(usize, Output)> {
        let (rule, what) = name.strip_prefix('r')?.split_once('_')?;
        let what = match what {
            "x" => Output::Exception,
            j => Output::Entry(j.parse().ok()?),
        };
        Some((rule.parse().ok()?, what))
    }
}

/// A full Kubernetes kind (`v1/Pod`, `apps/v1/Deployment`): Kubernetes
/// kinds carry their API version; Terraform (`aws_instance`) and
/// CloudFormation/AWS (`AWS::EC2::Instance`) kinds do not.
fn is_kubernetes_kind(kind: &str) -> bool {
    kind.contains('/')
}

/// A short kind as rules name Kubernetes kinds (`Deployment`), not
/// `aws_instance` or `AWS::EC2::Instance`.
fn is_kubernetes_short_kind(kind: &str) -> bool {
    !kind.contains("::")
        && !kind.contains('_')
        && kind.starts_with(|c: char| c.is_ascii_uppercase())
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

impl Rule {
    /// An Assay/conftest Rego rule (not a Gatekeeper constraint or a VAP binding).
    pub fn is_rego(&self) -> bool {
        self.gatekeeper.is_none() && self.vap.is_none()
    }

    /// Whether the rule applies to a resource of this kind. A kind entry with
    /// a `/` (`apps/v1/Deployment`) must match the full kind exactly.
    pub fn applies_to(&self, kind: &str, short_kind: &str) -> bool {
        self.meta.kinds.is_empty()
            || self.meta.kinds.iter().any(|k| {
                (k == "*" && is_kubernetes_kind(kind))
                    || if k.contains('/') {
                        k == kind
                    } else {
                        k == short_kind
                    }
            })
    }
}

impl PolicySet {
    fn new(
        mut engine: regorus::Engine,
        rules: Vec<Rule>,
        diagnostics: Vec<Diagnostic>,
        limits: Limits,
    ) -> Self {
        // No kinds: any resource of any provider. `*`: any Kubernetes kind.
        let mut any_kind = Vec::new();
        let mut any_k8s = Vec::new();
        let mut by_kind: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, r) in rules.iter().enumerate() {
            if r.meta.scope == Scope::Inventory {
                continue;
            }
            if r.meta.kinds.is_empty() {
                any_kind.push(i);
                continue;
            }
            if r.meta.kinds.iter().any(|k| k == "*") {
                any_k8s.push(i);
            }
            for k in r.meta.kinds.iter().filter(|k| *k != "*") {
                let short = k.rsplit('/').next().unwrap_or(k).to_string();
                let list = by_kind.entry(short).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        let mut n = 0usize;
        let mut group = |members: Vec<usize>| {
            let (vm, interpreted): (Vec<usize>, Vec<usize>) = members
                .iter()
                .partition(|&&i| rules.get(i).is_some_and(Rule::on_vm));
            let mut aggregates = Vec::new();
            for part in [vm, interpreted] {
                n += 1;
                let Some(mut agg) = aggregate(&mut engine, &rules, &part, n) else {
                    continue;
                };
                let (triggered, always): (Vec<usize>, Vec<usize>) = agg
                    .members
                    .iter()
                    .partition(|&&i| rules.get(i).is_some_and(|r| r.triggers.is_some()));
                if !triggered.is_empty() {
                    n += 1;
                    let triggers = crate::trigger::Triggers::indexed(
                        triggered
                            .iter()
                            .filter_map(|&i| rules.get(i).and_then(|r| r.triggers.as_ref())),
                    );
                    agg.lean = Some(Lean {
                        triggers,
                        triggered,
                        aggregate: aggregate(&mut engine, &rules, &always, n).map(Box::new),
                        parts: Default::default(),
                    });
                }
                aggregates.push(agg);
            }
            KindGroup::new(&rules, members, aggregates)
        };
        let groups = by_kind
            .into_iter()
            .map(|(kind, mut members)| {
                members.extend(&any_kind);
                if is_kubernetes_short_kind(&kind) {
                    members.extend(&any_k8s);
                }
                members.sort_unstable();
                members.dedup();
                (kind, group(members))
            })
            .collect();
        let mut other_k8s_members: Vec<usize> = any_kind.iter().chain(&any_k8s).copied().collect();
        other_k8s_members.sort_unstable();
        other_k8s_members.dedup();
        let mut other_k8s = group(other_k8s_members);
        let mut other = group(any_kind);
        // The built-in packs' aggregates run on the VM, compiled on first
        // use. (regorus 0.14's VM mis-evaluates a few constructs — `else`
        // after an undefined user-function assignment or an iteration that
        // finds nothing, keyed partial sets, functions of more than 8
        // arguments — so only rules whose fixtures prove VM and
        // interpreter agree run on it; the others say `engine:
        // interpreter`, and user rules keep the interpreter.)
        let mut groups: HashMap<String, KindGroup> = groups;
        for g in groups
            .values_mut()
            .chain(std::iter::once(&mut other))
            .chain(std::iter::once(&mut other_k8s))
        {
            for agg in &mut g.aggregates {
                let on_vm = agg
                    .members
                    .iter()
                    .all(|&i| rules.get(i).is_some_and(Rule::on_vm));
                if on_vm {
                    agg.set_program(|| Some(Lazy::default()));
                }
            }
        }
        let inventory_programs = rules
            .iter()
            .filter(|r| r.meta.scope == Scope::Inventory && r.on_vm())
            .flat_map(|r| {
                r.entries
                    .iter()
                    .map(|(_, path)| (path.clone(), Lazy::default()))
            })
            .collect();
        // Prepare (analyse, schedule) once, so the copies every worker
        // makes start prepared instead of each redoing it.
        let _ = engine.eval_query("true".to_string(), false);
        Self {
            engine,
            namespaces: HashMap::new(),
            params: Vec::new(),
            data: None,
            limits,
            part_after: 256,
            parts_in_background: false,
            inventory_programs,
            rules,
            groups,
            other,
            other_k8s,
            diagnostics,
        }
    }

    /// The reference evaluation, for tests that hold the fast paths to it:
    /// every aggregate and inventory rule on the interpreter, and every
    /// rule run on every resource of its kinds (no trigger keys).
    pub fn without_vm(&self) -> PolicySet {
        let mut set = self.clone();
        for g in set
            .groups
            .values_mut()
            .chain(std::iter::once(&mut set.other))
            .chain(std::iter::once(&mut set.other_k8s))
        {
            for a in &mut g.aggregates {
                a.set_program(|| None);
                a.lean = None;
            }
        }
        for r in &mut set.rules {
            r.triggers = None;
        }
        set.inventory_programs.clear();
        set
    }

    /// How many resources must share a trigger mask before the rules it
    /// selects get a program of their own (default 256; until then, and
    /// for rarer masks, every rule of the kind runs). Tests set 1 so that
    /// every narrowed program is exercised.
    pub fn set_part_threshold(&mut self, resources: u32) {
        self.part_after = resources.max(1);
    }

    /// Compile narrowed programs on a thread of their own: the evaluation
    /// that reaches the threshold, and those after it until the program is
    /// ready, run the whole aggregate instead of waiting (tens of
    /// milliseconds). For a server; a scan compiles in line, which costs
    /// the same CPU and narrows sooner.
    pub fn compile_parts_in_background(&mut self, yes: bool) {
        self.parts_in_background = yes;
    }

    /// Compile every kind's VM program now instead of on first use: for a
    /// server, whose first review of a kind should cost what later ones do.
    pub fn compile_programs(&self) {
        let mut engine = self.engine.clone();
        let groups = self.groups.values().chain([&self.other, &self.other_k8s]);
        for agg in groups
            .flat_map(|g| &g.aggregates)
            .flat_map(Aggregate::with_lean)
        {
            if let Some(lazy) = &agg.program {
                lazy.get_or_init(|| compile_program(&mut engine, &agg.rule));
            }
        }
    }

    /// The kinds (short names; `*` for any other Kubernetes kind, `` for
    /// any other kind) where a rule meant for the VM would run on the
    /// interpreter instead, because its kind's generated program could
    /// not be made or compiled: several times slower, and silent
    /// otherwise. Compiles every kind's program, as
    /// [`compile_programs`](Self::compile_programs) does.
    pub fn off_vm(&self) -> Vec<String> {
        self.compile_programs();
        let compiled = |agg: &Aggregate| {
            agg.program
                .as_ref()
                .is_some_and(|lazy| matches!(lazy.get(), Some(Some(_))))
        };
        let groups = self
            .groups
            .iter()
            .map(|(k, g)| (k.as_str(), g))
            .chain([("*", &self.other_k8s), ("", &self.other)]);
        let mut off: Vec<String> = groups
            .filter(|(_, g)| {
                g.members
                    .iter()
                    .filter(|&&i| self.rules.get(i).is_some_and(|r| r.is_rego() && r.on_vm()))
                    .any(|i| {
                        !g.aggregates.iter().any(|a| {
                            a.members.contains(i)
                                && compiled(a)
                                && a.lean
                                    .as_ref()
                                    .and_then(|l| l.aggregate.as_deref())
                                    .is_none_or(compiled)
                        })
                    })
            })
            .map(|(k, _)| k.to_string())
            .collect();
        off.sort();
        off
    }

    /// The rules a short kind may apply, with their aggregate if any.
    pub(crate) fn group(&self, kind: &str, short_kind: &str) -> &KindGroup {
        match self.groups.get(short_kind) {
            Some(g) => g,
            None if is_kubernetes_kind(kind) => &self.other_k8s,
            None => &self.other,
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

    /// Rules evaluated once over the whole inventory.
    pub fn inventory_rules(&self) -> impl Iterator<Item = (usize, &Rule)> {
        self.rules
            .iter()
            .enumerate()
            .filter(|(_, r)| r.meta.scope == Scope::Inventory)
    }

    /// Whether any rule reads `data.inventory` (so a scan must gather it).
    pub fn needs_inventory(&self) -> bool {
        self.rules
            .iter()
            .any(|r| r.reads_inventory || r.meta.scope == Scope::Inventory)
    }

    /// Whether per-resource rules read `data.inventory`, so every resource
    /// must be collected before any is evaluated.
    pub fn per_resource_reads_inventory(&self) -> bool {
        self.rules
            .iter()
            .any(|r| r.reads_inventory && r.meta.scope == Scope::Resource)
    }

    /// The short kinds the inventory must hold: those inventory rules
    /// declare. `None` means every kind (a rule declares none, or
    /// per-resource rules read the inventory).
    pub fn inventory_kinds(&self) -> Option<std::collections::HashSet<String>> {
        if self.per_resource_reads_inventory() {
            return None;
        }
        let mut kinds = std::collections::HashSet::new();
        for (_, r) in self.inventory_rules() {
            if r.meta.kinds.is_empty() || r.meta.kinds.iter().any(|k| k == "*") {
                return None;
            }
            kinds.extend(
                r.meta
                    .kinds
                    .iter()
                    .map(|k| k.rsplit('/').next().unwrap_or(k).to_string()),
            );
        }
        Some(kinds)
    }

    /// Record every scanned Namespace (for `namespaceSelector` and
    /// `namespaceObject`) and the objects policies take as params.
    pub fn set_namespaces(&mut self, resources: &[crate::Resource]) {
        let param_kinds: Vec<(String, String)> = self
            .rules
            .iter()
            .filter_map(|r| r.vap.as_ref()?.policy.param_kind.clone())
            .collect();
        for r in resources {
            let kind = r.body.get("kind").and_then(|k| k.as_str()).unwrap_or("");
            let api = r
                .body
                .get("apiVersion")
                .and_then(|k| k.as_str())
                .unwrap_or("");
            if kind == "Namespace" {
                if let Some(name) = r.body.pointer("/metadata/name").and_then(|n| n.as_str()) {
                    self.namespaces.insert(name.to_string(), r.body.clone());
                }
            }
            if param_kinds.iter().any(|(a, k)| a == api && k == kind) {
                self.params.push(r.body.clone());
            }
        }
    }

    /// Make `data.inventory` available to every evaluator made from now on.
    pub fn set_inventory(&mut self, inventory: regorus::Value) -> Result<(), String> {
        let mut data = std::collections::BTreeMap::new();
        data.insert(regorus::Value::from("inventory"), inventory);
        let data = regorus::Value::from(data);
        self.data = Some(data.clone());
        self.engine.add_data(data).map_err(|e| format!("{e:#}"))?;
        let _ = self.engine.eval_query("true".to_string(), false);
        Ok(())
    }

    /// Rules that apply to a resource of this kind, in package order.
    pub fn rules_for<'a>(
        &'a self,
        kind: &'a str,
        short_kind: &'a str,
    ) -> impl Iterator<Item = &'a Rule> + 'a {
        self.group(kind, short_kind)
            .members
            .iter()
            .filter_map(|&i| self.rules.get(i))
            .filter(move |r| r.applies_to(kind, short_kind))
    }
}

/// Compile a rule to an RVM program; `None` when the compiler does not
/// support something in it (the interpreter then evaluates it).
pub(crate) fn compile_program(
    engine: &mut regorus::Engine,
    rule: &str,
) -> Option<std::sync::Arc<regorus::rvm::program::Program>> {
    let entry: regorus::Rc<str> = rule.into();
    let compiled = engine.compile_with_entrypoint(&entry).ok()?;
    regorus::languages::rego::compiler::Compiler::compile_from_policy(&compiled, &[rule]).ok()
}

/// Generate the aggregate rule for a group: every member's result sets as
/// one object, so a resource costs one evaluation and shared helpers (pod
/// spec, containers) are computed once. `None` when a member cannot take
/// part (a full-kind filter, or a package path that needs quoting).
fn aggregate(
    engine: &mut regorus::Engine,
    rules: &[Rule],
    members: &[usize],
    n: usize,
) -> Option<Aggregate> {
    let members: Vec<usize> = members
        .iter()
        .copied()
        .filter(|&i| rules.get(i).is_some_and(Rule::is_rego))
        .collect();
    if members.is_empty() {
        return None;
    }
    let plain = members.iter().all(|&i| {
        rules.get(i).is_some_and(|r| {
            !r.meta.kinds.iter().any(|k| k.contains('/')) && is_plain_package(&r.package)
        })
    });
    if !plain {
        return None;
    }
    let package = format!("assay_internal.aggregate{n}");
    let text = aggregate_text(rules, &members, &package)?;
    engine.add_policy(format!("<aggregate {n}>"), text).ok()?;
    Some(Aggregate {
        rule: format!("data.{package}.all"),
        members,
        program: None,
        lean: None,
        id: n,
    })
}

/// The text of an aggregate over `members` in `package`: one object with a
/// field per output of each member, named by [`Output::name`].
fn aggregate_text(rules: &[Rule], members: &[usize], package: &str) -> Option<String> {
    let mut text = format!("package {package}\n\nimport rego.v1\n\n");
    let mut fields = Vec::new();
    for &i in members {
        let r = rules.get(i)?;
        let exception = r.exception.iter().map(|p| (Output::Exception, p));
        let entries = r
            .entries
            .iter()
            .enumerate()
            .map(|(j, (_, p))| (Output::Entry(j), p));
        for (what, path) in entries.chain(exception) {
            let name = what.name(i);
            // A partial set is never undefined: the object takes it as it
            // is (a rule of its own costs the VM a rule call per resource,
            // about 4% of a Deployment's evaluation over the built-in
            // packs). Anything else may be undefined, which would leave the
            // whole object undefined: it gets a rule with a default.
            if r.always_defined {
                fields.push(format!("\"{name}\": {path}"));
            } else {
                text.push_str(&format!("default {name} := null\n\n{name} := {path}\n\n"));
                fields.push(format!("\"{name}\": {name}"));
            }
        }
    }
    // One field a line: regorus's lexer rejects lines over 1,024 columns.
    text.push_str(&format!("all := {{\n\t{},\n}}\n", fields.join(",\n\t")));
    Some(text)
}

impl AsRef<PolicyModule> for PolicyModule {
    fn as_ref(&self) -> &PolicyModule {
        self
    }
}

impl AsRef<PolicyModule> for Accepted {
    fn as_ref(&self) -> &PolicyModule {
        &self.module
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::{Provider, Resource, ResourceId, Source};
    use crate::waiver::Date;
    use crate::{evaluate_sequential, EvalContext};

    #[test]
    fn output_names_read_back() {
        for (rule, what) in [
            (0, Output::Entry(0)),
            (7, Output::Entry(12)),
            (130, Output::Exception),
        ] {
            assert_eq!(Output::parse(&what.name(rule)), Some((rule, what)));
        }
        for name in ["", "r", "r1", "x1_0", "r_0", "r1_", "r1_y", "r-1_0"] {
            assert_eq!(Output::parse(name), None, "{name}");
        }
    }

    fn module(id: &str, kinds: &str) -> PolicyModule {
        rule_module(
            id,
            kinds,
            &format!("deny contains \"{id}\" if input.spec.bad"),
            "",
            None,
        )
    }

    /// A rule `id` of `kinds` with `body` and, if any, METADATA `triggers`.
    fn rule_module(
        id: &str,
        kinds: &str,
        body: &str,
        triggers: &str,
        pack: Option<&str>,
    ) -> PolicyModule {
        let pkg = id.to_lowercase().replace('-', "_");
        let triggers = if triggers.is_empty() {
            String::new()
        } else {
            format!("#   triggers: {triggers}\n")
        };
        PolicyModule {
            path: format!("{id}.rego"),
            text: format!(
                "# METADATA\n# title: {id}\n# custom:\n#   id: {id}\n#   severity: low\n#   kinds: {kinds}\n{triggers}package {pkg}\n\nimport rego.v1\n\n{body}\n"
            ),
            pack: pack.map(str::to_string),
        }
    }

    fn fired(set: &PolicySet, kind: &str) -> Vec<String> {
        findings(set, kind, serde_json::json!({"spec": {"bad": true}}))
            .into_iter()
            .map(|f| f.rule)
            .collect()
    }

    /// A live Kubernetes resource `x` of `kind` with `body`.
    fn resource(kind: &str, body: serde_json::Value) -> Resource {
        Resource {
            id: ResourceId {
                provider: Provider::Kubernetes,
                kind: kind.into(),
                scope: String::new(),
                name: "x".into(),
            },
            source: Source::Live {
                endpoint: "test".into(),
            },
            body,
        }
    }

    /// What `set` finds on one resource of `kind` with `body`.
    fn findings(set: &PolicySet, kind: &str, body: serde_json::Value) -> Vec<crate::Finding> {
        let r = resource(kind, body);
        let ctx = EvalContext {
            waivers: Vec::new(),
            today: Date::from_unix_days(0),
        };
        evaluate_sequential(set, &ctx, &[r])
    }

    #[test]
    fn a_deadline_bounds_every_rule_run_and_no_rule_starts_after_it() {
        let looping = "deny contains \"never\" if {\n\tsome i in numbers.range(1, 100000)\n\tsome j in numbers.range(1, 100000)\n\ti + j < 0\n}";
        let mut b = PolicySetBuilder::new();
        // Only the deadline can stop the looping rule.
        b.limits(Limits {
            timeout: std::time::Duration::from_secs(600),
        });
        b.add(rule_module("LOOP-1", "[Job]", looping, "", None));
        for pack in [None, Some("test")] {
            let id = if pack.is_some() { "VM-1" } else { "USER-1" };
            b.add(PolicyModule {
                pack: pack.map(str::to_string),
                ..module(id, "[Pod]")
            });
        }
        let set = b.build();
        let ctx = EvalContext {
            waivers: Vec::new(),
            today: Date::from_unix_days(0),
        };
        let res = |kind: &str| resource(kind, serde_json::json!({"spec": {"bad": true}}));
        let mut ev = crate::Evaluator::new(&set, &ctx);
        let rules = |out: &[crate::Finding]| out.iter().map(|f| f.rule.clone()).collect::<Vec<_>>();

        // The looping rule ends at the deadline; the evaluation is expired.
        let mut out = Vec::new();
        ev.set_deadline(Some(
            std::time::Instant::now() + std::time::Duration::from_millis(200),
        ));
        ev.evaluate(&res("Job"), &mut out);
        assert!(ev.expired());
        // Past the deadline nothing runs: no findings, still expired.
        out.clear();
        ev.evaluate(&res("Pod"), &mut out);
        assert!(out.is_empty(), "{:?}", rules(&out));
        assert!(ev.expired());
        // Without a deadline the same evaluator finds what it should.
        ev.set_deadline(None);
        ev.evaluate(&res("Pod"), &mut out);
        assert_eq!(rules(&out), ["VM-1", "USER-1"]);
        assert!(!ev.expired());
    }

    #[test]
    fn compile_programs_compiles_every_vm_program_up_front() {
        let mut b = PolicySetBuilder::new();
        for (id, kinds) in [("A-1", "[Pod]"), ("B-1", "[Job]")] {
            b.add(PolicyModule {
                pack: Some("test".into()),
                ..module(id, kinds)
            });
        }
        let set = b.build();
        let compiled = |set: &PolicySet| {
            ["Pod", "Job"]
                .iter()
                .flat_map(|k| &set.groups[*k].aggregates)
                .filter_map(|a| a.program.as_ref())
                .filter(|lazy| matches!(lazy.get(), Some(Some(_))))
                .count()
        };
        assert_eq!(compiled(&set), 0, "lazy until asked");
        set.compile_programs();
        assert_eq!(compiled(&set), 2);
        assert_eq!(fired(&set, "v1/Pod"), ["A-1"]);
    }

    fn pod_rule(id: &str, body: &str, triggers: &str, pack: Option<&str>) -> PolicyModule {
        rule_module(id, "[Pod]", body, triggers, pack)
    }

    /// The messages `set` gives a Pod whose spec is `spec`.
    fn pod_messages(set: &PolicySet, spec: &serde_json::Value) -> Vec<String> {
        findings(set, "v1/Pod", serde_json::json!({ "spec": spec }))
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    /// Two rules that fire only with their key, one that always runs.
    fn triggered_set(pack: Option<&str>) -> PolicySet {
        let mut b = PolicySetBuilder::new();
        b.add(pod_rule(
            "T-1",
            "deny contains \"one\" if input.spec.one",
            "[one]",
            pack,
        ));
        b.add(pod_rule(
            "T-2",
            "deny contains \"two\" if input.spec.two",
            "[two]",
            pack,
        ));
        b.add(pod_rule(
            "T-3",
            "deny contains \"all\" if not input.spec.fine",
            "",
            pack,
        ));
        let set = b.build();
        assert!(set.diagnostics().is_empty(), "{:?}", set.diagnostics());
        set
    }

    fn trigger_specs() -> [serde_json::Value; 4] {
        [
            serde_json::json!({}),
            serde_json::json!({"one": true}),
            serde_json::json!({"two": true, "fine": true}),
            serde_json::json!({"one": true, "two": true}),
        ]
    }

    #[test]
    fn trigger_keys_narrow_the_program_to_the_rules_they_select() {
        let mut set = triggered_set(Some("test"));
        let reference = set.without_vm();
        set.set_part_threshold(2);
        for spec in trigger_specs() {
            // Seen once (the whole aggregate runs), twice (its part is made).
            for _ in 0..2 {
                assert_eq!(
                    pod_messages(&set, &spec),
                    pod_messages(&reference, &spec),
                    "{spec}"
                );
            }
        }
        let agg = &set.groups["Pod"].aggregates[0];
        // One part per mask that selects some rules but not all.
        assert_eq!(
            agg.lean.as_ref().map(|l| l.parts.lock().unwrap().made),
            Some(2)
        );
        assert!(
            matches!(agg.pick(&serde_json::json!({"x": 1})), Pick::Run(a) if a.members.len() == 1)
        );
        assert!(
            matches!(agg.pick(&serde_json::json!({"one": 1, "two": 2})), Pick::Run(a) if a.members.len() == 3)
        );
        let part = agg.part(&set, 0b10).unwrap();
        assert_eq!(part.members.len(), 2, "{part:?}");
    }

    #[test]
    fn parts_compiled_in_the_background_never_hold_up_an_evaluation() {
        let mut set = triggered_set(Some("test"));
        let reference = set.without_vm();
        set.set_part_threshold(1);
        set.compile_parts_in_background(true);
        let agg = &set.groups["Pod"].aggregates[0];
        // The evaluation that reaches the threshold runs the whole
        // aggregate; the part appears once its thread has compiled it.
        assert!(agg.part(&set, 0b01).is_none());
        let started = std::time::Instant::now();
        let part = loop {
            if let Some(part) = agg.part(&set, 0b01) {
                break part;
            }
            assert!(
                started.elapsed() < std::time::Duration::from_secs(60),
                "the part was never compiled"
            );
            std::thread::sleep(std::time::Duration::from_millis(5));
        };
        assert_eq!(part.members.len(), 2, "{part:?}");
        for spec in trigger_specs() {
            assert_eq!(
                pod_messages(&set, &spec),
                pod_messages(&reference, &spec),
                "{spec}"
            );
        }
    }

    #[test]
    fn user_rules_with_triggers_skip_on_the_interpreter() {
        let set = triggered_set(None);
        let reference = set.without_vm();
        for spec in trigger_specs() {
            assert_eq!(
                pod_messages(&set, &spec),
                pod_messages(&reference, &spec),
                "{spec}"
            );
        }
        let agg = &set.groups["Pod"].aggregates[0];
        assert!(agg.program.is_none(), "user rules run on the interpreter");
        // No trigger key: only the untriggered rule, in its lean aggregate.
        assert!(matches!(agg.pick(&serde_json::json!({})), Pick::Run(a) if a.members.len() == 1));
        // Some: the whole aggregate (the interpreter has no parts).
        assert!(
            matches!(agg.pick(&serde_json::json!({"one": 1})), Pick::Run(a) if a.members.len() == 3)
        );
    }

    #[test]
    fn a_trigger_the_rule_never_mentions_is_an_error_and_the_rule_runs_everywhere() {
        let mut b = PolicySetBuilder::new();
        b.add(pod_rule(
            "M-1",
            "deny contains \"bad\" if input.spec.bad",
            "[badd]",
            None,
        ));
        let set = b.build();
        let d = set.diagnostics();
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("trigger `badd`"), "{}", d[0]);
        assert!(set.rules()[0].triggers.is_none());
        assert_eq!(
            pod_messages(&set, &serde_json::json!({"bad": true})),
            ["bad"]
        );
    }

    #[test]
    fn only_partial_tells_partial_sets_from_complete_rules() {
        assert!(only_partial("deny contains msg if {\n}\n", "deny"));
        assert!(only_partial("deny[msg] {\n}\ndeny_x := 1\n", "deny"));
        assert!(!only_partial(
            "deny contains 1 if true\ndeny := 2\n",
            "deny"
        ));
        assert!(!only_partial("deny if input.x\n", "deny"));
        assert!(!only_partial("deny = {1}\n", "deny"));
        // Another rule whose name starts with the entry's.
        assert!(only_partial("deny_root := 1\n", "deny"));
    }

    #[test]
    fn complete_entries_keep_their_default_in_the_aggregate() {
        // A-1's `deny` is undefined for this input; without its default the
        // whole aggregate would be undefined (and every member would fall
        // back to running alone, which hides it from the findings).
        let mut b = PolicySetBuilder::new();
        for (id, body) in [
            ("A-1", "deny := {\"a\"} if input.spec.other"),
            ("A-2", "deny contains \"b\" if input.spec.bad"),
        ] {
            let pkg = id.to_lowercase().replace('-', "_");
            b.add(PolicyModule {
                path: format!("{id}.rego"),
                text: format!(
                    "# METADATA\n# title: {id}\n# custom:\n#   id: {id}\n#   severity: low\n#   kinds: [Pod]\npackage {pkg}\n\nimport rego.v1\n\n{body}\n"
                ),
                pack: Some("test".into()),
            });
        }
        let set = b.build();
        assert!(set.diagnostics().is_empty(), "{:?}", set.diagnostics());
        let defined = |id: &str| {
            set.rules()
                .iter()
                .any(|r| r.meta.id == id && r.always_defined)
        };
        assert!(!defined("A-1"));
        assert!(defined("A-2"));
        let agg = &set.group("v1/Pod", "Pod").aggregates[0];
        let mut engine = set.engine.clone();
        engine.set_input(regorus::Value::from(
            serde_json::json!({"spec": {"bad": true}}),
        ));
        let all = engine.eval_rule(agg.rule.clone()).unwrap();
        assert_eq!(all.as_object().unwrap().len(), 2, "{all}");
        assert_eq!(fired(&set, "v1/Pod"), ["A-2"]);
    }

    #[test]
    fn kinds_select_rules_by_short_and_full_kind() {
        let mut b = PolicySetBuilder::new();
        b.add(module("SHORT-1", "[Deployment]"))
            .add(module("FULL-1", "[apps/v1/Deployment]"))
            .add(module("ANY-1", "[]"));
        let set = b.build();
        assert!(set.diagnostics().is_empty(), "{:?}", set.diagnostics());
        assert_eq!(
            fired(&set, "apps/v1/Deployment"),
            vec!["ANY-1", "FULL-1", "SHORT-1"]
        );
        assert_eq!(
            fired(&set, "extensions/v1beta1/Deployment"),
            vec!["ANY-1", "SHORT-1"]
        );
        assert_eq!(fired(&set, "v1/Service"), vec!["ANY-1"]);
    }

    #[test]
    fn a_module_that_fails_whole_set_checks_is_dropped_alone() {
        let mut b = PolicySetBuilder::new();
        b.add(module("GOOD-1", "[Pod]")).add(PolicyModule {
            path: "unsafe.rego".into(),
            text: "package unsafe\n\nimport rego.v1\n\ndeny contains y if {\n  y := nope + 1\n}\n"
                .into(),
            pack: None,
        });
        let set = b.build();
        let d = set.diagnostics().first().unwrap();
        assert_eq!((d.file.as_deref(), d.line), (Some("unsafe.rego"), Some(6)));
        assert_eq!(fired(&set, "v1/Pod"), vec!["GOOD-1"]);
    }

    #[test]
    fn rego_v0_modules_load() {
        let mut b = PolicySetBuilder::new();
        b.add(PolicyModule {
            path: "v0.rego".into(),
            text: "package main\n\ndeny[msg] {\n  input.spec.bad\n  msg := \"v0\"\n}\n".into(),
            pack: None,
        });
        let set = b.build();
        assert!(set.diagnostics().is_empty(), "{:?}", set.diagnostics());
        assert_eq!(fired(&set, "v1/Pod"), vec!["main"]);
    }

    #[test]
    fn aggregated_kinds_give_the_same_findings() {
        let mut b = PolicySetBuilder::new();
        b.add(module("A-1", "[Pod]"))
            .add(module("B-1", "[Pod, Job]"));
        let set = b.build();
        assert!(!set.group("v1/Pod", "Pod").aggregates.is_empty());
        assert_eq!(fired(&set, "v1/Pod"), vec!["A-1", "B-1"]);
        assert_eq!(fired(&set, "batch/v1/Job"), vec!["B-1"]);
    }

    #[test]
    fn a_kind_with_hundreds_of_rules_keeps_one_aggregate() {
        // The generated aggregate once put every field on one line, and
        // regorus rejects lines over 1,024 columns: past ~60 rules a kind
        // lost its aggregate and ran every rule alone (20 times slower).
        // (A VM program holds at most 256 source files: 200 rules fit.)
        let mut b = PolicySetBuilder::new();
        for n in 0..200 {
            b.add(PolicyModule {
                pack: Some("test".into()),
                ..module(&format!("MANY-{n}"), "[Pod]")
            });
        }
        let set = b.build();
        let group = set.group("v1/Pod", "Pod");
        assert!(group.loose.is_empty(), "no rule left out of the aggregate");
        assert_eq!(group.aggregates.len(), 1);
        assert_eq!(
            set.off_vm(),
            Vec::<String>::new(),
            "the aggregate compiles for the VM"
        );
        let all = fired(&set, "v1/Pod");
        assert_eq!(all.len(), 200);
        assert_eq!(all, fired(&set.without_vm(), "v1/Pod"));
    }

    #[test]
    fn builtin_aggregates_run_on_the_vm_and_agree_with_the_interpreter() {
        let mut b = PolicySetBuilder::new();
        let builtin = |m: PolicyModule| PolicyModule {
            pack: Some("test".into()),
            ..m
        };
        b.add(builtin(module("A-1", "[Pod]")))
            .add(builtin(module("B-1", "[Pod, Job]")))
            .add(module("USER-1", "[Pod]"));
        let set = b.build();
        let aggs = &set.group("v1/Pod", "Pod").aggregates;
        assert_eq!(aggs.len(), 2);
        assert!(
            aggs.iter().any(|a| a.program.is_some()),
            "built-in rules on the VM"
        );
        assert!(
            aggs.iter().any(|a| a.program.is_none()),
            "user rules on the interpreter"
        );
        let interpreted = set.without_vm();
        for kind in ["v1/Pod", "batch/v1/Job", "v1/Service"] {
            assert_eq!(fired(&set, kind), fired(&interpreted, kind), "{kind}");
        }
        let compiled = set
            .group("v1/Pod", "Pod")
            .aggregates
            .iter()
            .filter_map(|a| a.program.as_ref())
            .filter(|lazy| matches!(lazy.get(), Some(Some(_))))
            .count();
        assert_eq!(compiled, 1, "the built-in aggregate compiled on first use");
    }
}
