//! Evaluation: each resource against the rules that apply to its kind.
//!
//! The policy set is compiled once; every worker thread clones its engine
//! (modules are shared behind `Arc`) and evaluates resources independently.
//! Results are sorted afterwards, so parallel output is byte-identical to a
//! single-threaded run.

use crate::finding::{fingerprint, sort_findings, Finding, Location, ResourceRef, Status};
use crate::policy::{entry_suffix, Aggregate, Entry, Output, Pick, PolicyModule, PolicySet, Rule};
use crate::resource::{json_pointer, PathSegment, Resource};
use crate::waiver::{self, Date, Waiver};
use rayon::prelude::*;
use serde_json::Value;

/// Inputs to evaluation that do not come from policies or resources.
#[derive(Clone, Debug)]
pub struct EvalContext {
    /// File waivers.
    pub waivers: Vec<Waiver>,
    /// Today, for waiver expiry.
    pub today: Date,
}

/// How much of a finding an evaluator makes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Detail {
    /// Everything a report shows (the default).
    #[default]
    Full,
    /// What a verdict needs: rule, status, severity, message, resource,
    /// location and path; no `fix` and an empty `fingerprint` (converting a
    /// fix and hashing cost a tenth of a webhook review's evaluation).
    Verdict,
}

/// One worker's evaluator: a private copy of the compiled engine. `S` and
/// `C` are references (a scan) or `Arc`s (a long-lived server whose policy
/// set may be swapped while old requests finish).
pub struct Evaluator<S = &'static PolicySet, C = &'static EvalContext>
where
    S: std::ops::Deref<Target = PolicySet>,
    C: std::ops::Deref<Target = EvalContext>,
{
    set: S,
    ctx: C,
    engine: regorus::Engine,
    /// One virtual machine per compiled aggregate, made on first use.
    /// `None` for a program the VM cannot run here (its data did not load).
    vms: std::collections::HashMap<String, Option<regorus::rvm::vm::RegoVM>>,
    /// The current resource as a regorus value.
    input: regorus::Value,
    /// `data` for the VM on the current resource: the set's, with the facts
    /// [`crate::native`] derives from the resource; made by the first VM
    /// run on the resource (many run only on the interpreter, or nothing).
    vm_data: Option<regorus::Value>,
    /// When the current request must be answered (`assay serve`): every
    /// rule run may take only what is left of it, and none starts after it.
    deadline: Option<std::time::Instant>,
    /// How much of each finding to make.
    detail: Detail,
}

impl<S, C> Evaluator<S, C>
where
    S: std::ops::Deref<Target = PolicySet> + Clone,
    C: std::ops::Deref<Target = EvalContext>,
{
    /// A new evaluator over `set`.
    pub fn new(set: S, ctx: C) -> Self {
        let engine = set.engine.clone();
        Self {
            set,
            ctx,
            engine,
            vms: std::collections::HashMap::new(),
            input: regorus::Value::Null,
            vm_data: None,
            deadline: None,
            detail: Detail::Full,
        }
    }

    /// Make findings with `detail` from now on (see [`Detail`]).
    pub fn set_detail(&mut self, detail: Detail) {
        self.detail = detail;
    }

    /// Bound the evaluations that follow by `at` (None: only by the rule
    /// time limit). A rule still running at `at` fails; after it, no rule
    /// starts. See [`Self::expired`].
    pub fn set_deadline(&mut self, at: Option<std::time::Instant>) {
        self.deadline = at;
        if at.is_none() {
            let limit = self.set.limits.timeout;
            self.engine
                .set_execution_timer_config(crate::policy::interpreter_timer(limit));
            for vm in self.vms.values_mut().flatten() {
                vm.set_execution_timer_config(Some(timer(limit)));
            }
        }
    }

    /// Whether the deadline has passed: findings since it was set may be
    /// missing rules, so the caller must not treat them as a verdict.
    pub fn expired(&self) -> bool {
        self.deadline
            .is_some_and(|at| std::time::Instant::now() >= at)
    }

    /// The time the next rule run may take: the rule limit, cut to what is
    /// left of the deadline; None once the deadline has passed.
    fn budget(&self) -> Option<std::time::Duration> {
        let limit = self.set.limits.timeout;
        match self.deadline {
            None => Some(limit),
            Some(at) => {
                let left = at.checked_duration_since(std::time::Instant::now())?;
                (!left.is_zero()).then(|| left.min(limit))
            }
        }
    }

    /// Before a run on the interpreter: false if there is no time left.
    fn interpreter_budget(&mut self) -> bool {
        if self.deadline.is_none() {
            return true;
        }
        match self.budget() {
            Some(left) => {
                self.engine
                    .set_execution_timer_config(crate::policy::interpreter_timer(left));
                true
            }
            None => false,
        }
    }

    /// Evaluate one resource, appending its findings to `out`.
    pub fn evaluate(&mut self, resource: &Resource, out: &mut Vec<Finding>) {
        let start = out.len();
        let (kind, short) = (resource.id.kind.as_str(), resource.id.short_kind());
        // A handle of our own, so rules can be borrowed while `self` evaluates.
        let set = self.set.clone();
        let group = set.group(kind, short);
        if !group.members.is_empty() {
            let subject = Subject::new(resource, self.detail);
            let resource = &subject;
            let body = &resource.resource.body;
            // The body becomes a regorus value only if some rule runs: a
            // resource without any trigger key may skip them all.
            let mut loaded = false;
            // Rego rules run inside the aggregates; a rule whose aggregate
            // failed runs alone, so an error names the rule that raised it.
            // Nothing is allocated when every aggregate succeeds.
            let mut failed: Vec<usize> = Vec::new();
            for whole in &group.aggregates {
                let (agg, part) = match whole.pick(body) {
                    Pick::Skip => continue,
                    Pick::Run(agg) => (agg, None),
                    Pick::Part(mask) => (whole, whole.part(&set, mask)),
                };
                self.load(resource.resource, &mut loaded);
                match part {
                    Some(part) => {
                        if !self.eval_part(&part, resource, out) {
                            failed.extend(&part.members);
                        }
                    }
                    None => {
                        if !self.eval_aggregate(agg, resource, out) {
                            failed.extend(&agg.members);
                        }
                    }
                }
            }
            let alone = if failed.is_empty() {
                std::borrow::Cow::Borrowed(group.loose.as_slice())
            } else {
                failed.extend(&group.loose);
                failed.sort_unstable();
                std::borrow::Cow::Owned(failed)
            };
            for &i in alone.iter() {
                let Some(rule) = set.rules().get(i) else {
                    continue;
                };
                let triggered = rule.triggers.as_ref().is_none_or(|t| t.any_in(body));
                if triggered && rule.applies_to(kind, short) {
                    self.load(resource.resource, &mut loaded);
                    self.eval_rule(rule, resource, out);
                }
            }
            // Constraints and CEL policies set their own `input`: last.
            for &i in &group.foreign {
                let Some(rule) = set.rules().get(i) else {
                    continue;
                };
                if !rule.applies_to(kind, short) {
                    continue;
                }
                if rule.vap.is_some() {
                    self.eval_vap(rule, resource, out);
                } else {
                    self.eval_constraint(rule, resource, out);
                }
            }
        }
        if let Some(found) = out.get_mut(start..) {
            waiver::apply(found, resource, &self.ctx.waivers, self.ctx.today);
        }
    }

    /// Make `resource` the input of the engine, once per resource.
    fn load(&mut self, resource: &Resource, loaded: &mut bool) {
        if !*loaded {
            self.input = to_regorus(&resource.body);
            self.engine.set_input(self.input.clone());
            self.vm_data = None;
            *loaded = true;
        }
    }

    /// A Gatekeeper constraint: its match, then its template with
    /// `input.review` and `input.parameters`.
    fn eval_constraint(&mut self, rule: &Rule, subject: &Subject, out: &mut Vec<Finding>) {
        let Some(c) = &rule.gatekeeper else { return };
        let resource = subject.resource;
        let body = &resource.body;
        let api = body.get("apiVersion").and_then(Value::as_str).unwrap_or("");
        let group = api.split_once('/').map_or("", |(g, _)| g);
        let kind = body.get("kind").and_then(Value::as_str).unwrap_or("");
        let namespace = crate::inventory::key(resource)
            .map(|k| k.namespace)
            .unwrap_or_default();
        let labels = |ns: &str| self.set.namespaces.get(ns).map(crate::gatekeeper::labels);
        if !c.matcher.matches(body, group, kind, &namespace, &labels) {
            return;
        }
        let input = crate::gatekeeper::review_input(body, &c.parameters, &namespace);
        self.engine.set_input(to_regorus(&input));
        self.eval_rule(rule, subject, out);
    }

    /// A ValidatingAdmissionPolicy binding, in CEL.
    fn eval_vap(&mut self, rule: &Rule, subject: &Subject, out: &mut Vec<Finding>) {
        let Some(b) = &rule.vap else { return };
        let resource = subject.resource;
        let namespace = crate::inventory::key(resource)
            .map(|k| k.namespace)
            .unwrap_or_default();
        let scope = crate::vap::Scope {
            namespace_object: self.set.namespaces.get(&namespace),
            params: &self.set.params,
        };
        let status = rule
            .entries
            .first()
            .map_or(Status::Fail, |(e, _)| status_of(*e));
        match b.evaluate(&resource.body, &namespace, &scope) {
            crate::vap::Verdict::Pass => {}
            crate::vap::Verdict::Violations(msgs) => {
                for m in msgs {
                    out.push(make(rule, status, subject, m, Vec::new(), None));
                }
            }
            crate::vap::Verdict::Error(e) => {
                let message = format!("rule failed to evaluate: {e}");
                out.push(make(
                    rule,
                    Status::Error,
                    subject,
                    message,
                    Vec::new(),
                    None,
                ));
            }
        }
    }

    /// One rule, entry by entry, on the current input.
    fn eval_rule(&mut self, rule: &Rule, resource: &Subject, out: &mut Vec<Finding>) {
        if !self.interpreter_budget() {
            return;
        }
        let mut values = Vec::new();
        for (j, (_, path)) in rule.entries.iter().enumerate() {
            match self.engine.eval_rule(path.clone()) {
                Ok(value) => values.push((j, value)),
                Err(e) => out.push(rule_error(rule, resource, &format!("{e:#}"))),
            }
        }
        let exception = match &rule.exception {
            Some(path) => match self.engine.eval_rule(path.clone()) {
                Ok(v) => Some(v),
                Err(e) => {
                    out.push(rule_error(rule, resource, &format!("{e:#}")));
                    None
                }
            },
            None => None,
        };
        emit(rule, &values, exception.as_ref(), resource, out);
    }

    fn eval_aggregate(
        &mut self,
        agg: &Aggregate,
        resource: &Subject,
        out: &mut Vec<Finding>,
    ) -> bool {
        let program = agg.program.as_ref().and_then(|lazy| {
            lazy.get_or_init(|| crate::policy::compile_program(&mut self.engine, &agg.rule))
                .clone()
        });
        let result = match &program {
            Some(program) => self.run_vm(&agg.rule, program),
            None => {
                if !self.interpreter_budget() {
                    return false;
                }
                // A first-use compile may have reset the engine's input.
                self.engine.set_input(self.input.clone());
                self.engine.eval_rule(agg.rule.clone()).ok()
            }
        };
        self.emit_outputs(result, resource, out)
    }

    /// Part of an aggregate (the members a resource's trigger keys select),
    /// on the VM. Its outputs are the aggregate's: the members it leaves
    /// out are simply absent from its result.
    fn eval_part(
        &mut self,
        part: &crate::policy::Part,
        resource: &Subject,
        out: &mut Vec<Finding>,
    ) -> bool {
        let result = self.run_vm(&part.rule, &part.program);
        self.emit_outputs(result, resource, out)
    }

    /// Findings from an aggregate's result object; false if it failed.
    /// Its fields are read in one pass, and only the non-empty ones are
    /// looked at (most rules find nothing).
    fn emit_outputs(
        &self,
        result: Option<regorus::Value>,
        resource: &Subject,
        out: &mut Vec<Finding>,
    ) -> bool {
        let Some(regorus::Value::Object(all)) = result else {
            return false;
        };
        let mut found: Vec<(usize, Output, &regorus::Value)> = all
            .iter()
            .filter(|(_, v)| !is_empty_result(v))
            .filter_map(|(k, v)| {
                let (i, what) = Output::parse(k.as_string().ok()?)?;
                Some((i, what, v))
            })
            .collect();
        found.sort_unstable_by_key(|&(i, what, _)| (i, what));
        for group in found.chunk_by(|a, b| a.0 == b.0) {
            let mut values = Vec::new();
            let mut exception = None;
            for &(_, what, value) in group {
                match what {
                    Output::Entry(j) => values.push((j, value.clone())),
                    Output::Exception => exception = Some(value.clone()),
                }
            }
            let rule = group.first().and_then(|&(i, _, _)| self.set.rules().get(i));
            if let (Some(rule), false) = (rule, values.is_empty()) {
                emit(rule, &values, exception.as_ref(), resource, out);
            }
        }
        true
    }

    /// Run a compiled aggregate on the current input in this worker's VM.
    fn run_vm(
        &mut self,
        rule: &str,
        program: &std::sync::Arc<regorus::rvm::program::Program>,
    ) -> Option<regorus::Value> {
        if !self.vms.contains_key(rule) {
            let vm = new_vm(program, self.set.data.clone(), self.set.limits.timeout);
            self.vms.insert(rule.to_string(), vm);
        }
        let left = self.budget()?;
        let data = self
            .vm_data
            .get_or_insert_with(|| vm_data(self.set.data.as_ref(), &self.input))
            .clone();
        let vm = self.vms.get_mut(rule)?.as_mut()?;
        if self.deadline.is_some() {
            vm.set_execution_timer_config(Some(timer(left)));
        }
        vm.set_input(self.input.clone());
        vm.set_data(data).ok()?;
        vm.execute().ok()
    }

    /// Evaluate the inventory-scoped rules once over `resources`, which
    /// must be the resources `data.inventory` was built from. Each rule
    /// entry runs as a task of its own on a copy of the engine (a few
    /// rules take most of the time; one task each lets the cores share
    /// them out), while the key index of the resources is built; then the
    /// results become findings, in chunks, on all cores.
    pub fn evaluate_inventory<R>(&mut self, resources: &[R], out: &mut Vec<Finding>)
    where
        R: std::borrow::Borrow<Resource> + Sync,
        S: Sync,
        C: Sync,
    {
        let start = out.len();
        let set: &PolicySet = &self.set;
        let ctx: &EvalContext = &self.ctx;
        let detail = self.detail;
        let entries: Vec<(&Rule, Status, &str)> = set
            .inventory_rules()
            .flat_map(|(_, r)| {
                r.entries
                    .iter()
                    .map(move |(e, p)| (r, status_of(*e), p.as_str()))
            })
            .collect();
        let (index, values) = rayon::join(
            || crate::inventory::index(resources),
            || {
                entries
                    .par_iter()
                    .with_max_len(1)
                    .map_init(
                        || {
                            let mut engine = set.engine.clone();
                            engine.set_input(regorus::Value::new_object());
                            engine
                        },
                        |engine, (_, _, path)| inventory_value(set, engine, path),
                    )
                    .collect::<Vec<_>>()
            },
        );
        let mut items = Vec::new();
        for (&(rule, status, _), value) in entries.iter().zip(&values) {
            match value {
                Ok(v) => items.extend(result_items(v).into_iter().map(|i| (rule, status, i))),
                Err(e) => out.push(inventory_error(rule, e)),
            }
        }
        let found: Vec<Vec<Finding>> = items
            .par_chunks(1024)
            .map(|chunk| {
                let mut out = Vec::new();
                for &(rule, status, item) in chunk {
                    let resource = crate::inventory::target_of(item)
                        .and_then(|k| index.get(&k))
                        .and_then(|&r| resources.get(r))
                        .map(std::borrow::Borrow::borrow);
                    match resource {
                        Some(resource) => {
                            let at = out.len();
                            push_item(rule, status, item, &Subject::new(resource, detail), &mut out);
                            if let Some(new) = out.get_mut(at..) {
                                waiver::apply(new, resource, &ctx.waivers, ctx.today);
                            }
                        }
                        None => out.push(inventory_error(
                            rule,
                            &format!(
                                "an inventory rule's result must name a scanned resource in `resource` ({{apiVersion, kind, namespace, name}}), got {}",
                                serde_json::to_value(item).unwrap_or(Value::Null)
                            ),
                        )),
                    }
                }
                out
            })
            .collect();
        out.extend(found.into_iter().flatten());
        if let Some(found) = out.get_mut(start..) {
            sort_findings(found);
        }
    }
}

/// An inventory rule's entry: on the VM when the rule runs there (its
/// program compiled on first use, shared by the workers), else on the
/// interpreter. `input` is an empty object either way.
fn inventory_value(
    set: &PolicySet,
    engine: &mut regorus::Engine,
    path: &str,
) -> Result<regorus::Value, String> {
    let program = set.inventory_programs.get(path).and_then(|lazy| {
        lazy.get_or_init(|| crate::policy::compile_program(engine, path))
            .clone()
    });
    let vm = program.and_then(|p| new_vm(&p, set.data.clone(), set.limits.timeout));
    match vm {
        Some(mut vm) => {
            vm.set_input(regorus::Value::new_object());
            vm.execute().map_err(|e| format!("{e}"))
        }
        None => {
            // A first-use compile may have reset the engine's input.
            engine.set_input(regorus::Value::new_object());
            engine
                .eval_rule(path.to_string())
                .map_err(|e| format!("{e:#}"))
        }
    }
}

/// `data` for the VM on `input`: the set's `data`, and under
/// `assay_native` what [`crate::native`] derives from `input`.
fn vm_data(data: Option<&regorus::Value>, input: &regorus::Value) -> regorus::Value {
    let mut data = data.cloned().unwrap_or_else(regorus::Value::new_object);
    if let Some(facts) = crate::native::facts(input) {
        if let Ok(o) = data.as_object_mut() {
            o.insert(regorus::Value::from("assay_native"), facts);
        }
    }
    data
}

/// A VM for `program` with `data` loaded and the rule time limit set;
/// `None` when the data does not load.
fn new_vm(
    program: &std::sync::Arc<regorus::rvm::program::Program>,
    data: Option<regorus::Value>,
    timeout: std::time::Duration,
) -> Option<regorus::rvm::vm::RegoVM> {
    let mut vm = regorus::rvm::vm::RegoVM::new();
    vm.load_program(program.clone());
    vm.set_max_instructions(usize::MAX);
    vm.set_execution_timer_config(Some(timer(timeout)));
    match data {
        Some(data) => vm.set_data(data).ok().map(|()| vm),
        None => Some(vm),
    }
}

/// A VM time limit of `limit`. The clock is read every 1024 instructions
/// (tens of microseconds): a looping rule still ends within its limit, a
/// normal one pays little.
fn timer(limit: std::time::Duration) -> regorus::utils::limits::ExecutionTimerConfig {
    regorus::utils::limits::ExecutionTimerConfig {
        limit,
        check_interval: std::num::NonZeroU32::MIN.saturating_add(1023),
    }
}

/// A result that makes no finding: what [`collect`] skips.
fn is_empty_result(value: &regorus::Value) -> bool {
    match value {
        regorus::Value::Undefined | regorus::Value::Null | regorus::Value::Bool(false) => true,
        regorus::Value::Set(items) => items.is_empty(),
        regorus::Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

/// The items of a result set (a set, an array, or a single value).
fn result_items(value: &regorus::Value) -> Vec<&regorus::Value> {
    match value {
        regorus::Value::Undefined | regorus::Value::Null | regorus::Value::Bool(false) => {
            Vec::new()
        }
        regorus::Value::Set(items) => items.iter().collect(),
        regorus::Value::Array(items) => items.iter().collect(),
        other => vec![other],
    }
}

fn status_of(entry: Entry) -> Status {
    match entry {
        Entry::Deny | Entry::Violation => Status::Fail,
        Entry::Warn => Status::Warn,
    }
}

/// Turn one rule's entry values into findings; conftest `exception` names
/// exempt entries (`deny_foo` by `foo`, the bare `deny` by `deny` or ``).
fn emit(
    rule: &Rule,
    values: &[(usize, regorus::Value)],
    exception: Option<&regorus::Value>,
    resource: &Subject,
    out: &mut Vec<Finding>,
) {
    let exempt: Vec<String> = exception
        .map(|e| {
            result_items(e)
                .into_iter()
                .flat_map(|names| match names {
                    regorus::Value::String(s) => vec![s.to_string()],
                    other => result_items(other)
                        .into_iter()
                        .filter_map(|n| n.as_string().ok().map(|s| s.to_string()))
                        .collect(),
                })
                .collect()
        })
        .unwrap_or_default();
    for (j, value) in values {
        let Some((entry, path)) = rule.entries.get(*j) else {
            continue;
        };
        let start = out.len();
        collect(rule, *entry, value, resource, out);
        if exempt.is_empty() {
            continue;
        }
        let name = path.rsplit('.').next().unwrap_or_default();
        let suffix = entry_suffix(path);
        if exempt.iter().any(|e| e == suffix || e == name) {
            for f in out.iter_mut().skip(start) {
                f.status = Status::Waived;
                f.waiver = Some(crate::finding::WaiverInfo {
                    reason: format!("exception in {}", rule.package),
                    source: "exception".into(),
                    expires: None,
                    expired: false,
                });
            }
        }
    }
}

/// Convert a body to a regorus value without cloning it first (regorus's own
/// `From<serde_json::Value>` takes ownership and goes through serde).
/// Object keys come from a per-thread table: manifests repeat a small
/// vocabulary of keys (`name`, `image`, `securityContext`), so most keys cost
/// a lookup instead of an allocation, and a thread's values share no
/// reference counts with another thread's.
pub(crate) fn to_regorus(v: &Value) -> regorus::Value {
    KEYS.with(|keys| convert(v, &mut keys.borrow_mut()))
}

fn convert(v: &Value, keys: &mut KeyTable) -> regorus::Value {
    match v {
        Value::Null => regorus::Value::Null,
        Value::Bool(b) => regorus::Value::from(*b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                regorus::Value::from(i)
            } else if let Some(u) = n.as_u64() {
                regorus::Value::from(u)
            } else {
                regorus::Value::from(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        Value::String(s) => regorus::Value::from(s.as_str()),
        Value::Array(items) => {
            regorus::Value::from(items.iter().map(|i| convert(i, keys)).collect::<Vec<_>>())
        }
        Value::Object(map) => regorus::Value::from(
            map.iter()
                .map(|(k, v)| (keys.key(k), convert(v, keys)))
                .collect::<std::collections::BTreeMap<_, _>>(),
        ),
    }
}

thread_local! {
    static KEYS: std::cell::RefCell<KeyTable> = std::cell::RefCell::new(KeyTable::default());
}

/// Interned object keys of one thread, bounded: past the limit, or for a long
/// key, a key is allocated as usual. (FNV: the keys are short, and a bounded
/// table private to a thread needs speed, not DoS resistance.)
#[derive(Default)]
struct KeyTable {
    map: std::collections::HashMap<Box<str>, regorus::Value, fnv::FnvBuildHasher>,
}

impl KeyTable {
    const MAX_KEYS: usize = 4096;
    const MAX_LEN: usize = 48;

    fn key(&mut self, k: &str) -> regorus::Value {
        if let Some(v) = self.map.get(k) {
            return v.clone();
        }
        let v = regorus::Value::from(k);
        if k.len() <= Self::MAX_LEN && self.map.len() < Self::MAX_KEYS {
            self.map.insert(k.into(), v.clone());
        }
        v
    }
}

/// Evaluate every resource on all cores; findings come back sorted.
pub fn evaluate_all(set: &PolicySet, ctx: &EvalContext, resources: &[Resource]) -> Vec<Finding> {
    let mut findings: Vec<Finding> = resources
        .par_iter()
        .map_init(
            || Evaluator::new(set, ctx),
            |ev, r| {
                let mut out = Vec::new();
                ev.evaluate(r, &mut out);
                out
            },
        )
        .flatten()
        .collect();
    sort_findings(&mut findings);
    findings
}

/// Evaluate a whole in-memory snapshot: `data.inventory` and namespaces are
/// set first when rules need them, then every resource (on all cores when
/// `parallel`), then the inventory-scoped rules. Findings come back sorted.
pub fn evaluate_snapshot(
    set: &mut PolicySet,
    ctx: &EvalContext,
    resources: &[Resource],
    parallel: bool,
) -> Result<Vec<Finding>, String> {
    // The inventory holds the kinds inventory rules declare, as in a scan.
    let kinds = set.inventory_kinds();
    let kept: Vec<Resource> = match &kinds {
        Some(k) => resources
            .iter()
            .filter(|r| k.contains(r.id.short_kind()))
            .cloned()
            .collect(),
        None => Vec::new(),
    };
    let inventory: &[Resource] = if kinds.is_some() { &kept } else { resources };
    if set.needs_inventory() {
        set.set_inventory(crate::inventory::build(inventory))?;
    }
    set.set_namespaces(resources);
    let set = &*set;
    let mut findings = if parallel {
        evaluate_all(set, ctx, resources)
    } else {
        evaluate_sequential(set, ctx, resources)
    };
    if set.inventory_rules().next().is_some() {
        Evaluator::new(set, ctx).evaluate_inventory(inventory, &mut findings);
        sort_findings(&mut findings);
    }
    Ok(findings)
}

/// Evaluate on the calling thread only (the reference for determinism tests).
pub fn evaluate_sequential(
    set: &PolicySet,
    ctx: &EvalContext,
    resources: &[Resource],
) -> Vec<Finding> {
    let mut ev = Evaluator::new(set, ctx);
    let mut findings = Vec::new();
    for r in resources {
        ev.evaluate(r, &mut findings);
    }
    sort_findings(&mut findings);
    findings
}

fn collect(
    rule: &Rule,
    entry: Entry,
    value: &regorus::Value,
    resource: &Subject,
    out: &mut Vec<Finding>,
) {
    let status = status_of(entry);
    match value {
        regorus::Value::Undefined | regorus::Value::Null => {}
        regorus::Value::Bool(false) => {}
        regorus::Value::Bool(true) => out.push(make(
            rule,
            status,
            resource,
            rule.meta.title.to_string(),
            Vec::new(),
            None,
        )),
        regorus::Value::Set(items) => {
            for item in items.iter() {
                push_item(rule, status, item, resource, out);
            }
        }
        regorus::Value::Array(items) => {
            for item in items.iter() {
                push_item(rule, status, item, resource, out);
            }
        }
        other => push_item(rule, status, other, resource, out),
    }
}

fn push_item(
    rule: &Rule,
    status: Status,
    item: &regorus::Value,
    resource: &Subject,
    out: &mut Vec<Finding>,
) {
    // Read straight from the engine's value: converting the whole result to
    // JSON first cost more than the rest of making the finding.
    let (message, path, fix) = match item {
        regorus::Value::String(s) => (s.to_string(), Vec::new(), None),
        regorus::Value::Object(m) => {
            let (mut msg, mut message, mut path, mut field, mut fix) =
                (None, None, None, None, None);
            for (k, v) in m.iter() {
                let regorus::Value::String(k) = k else {
                    continue;
                };
                match &**k {
                    "msg" => msg = Some(v),
                    "message" => message = Some(v),
                    "path" => path = Some(v),
                    "field" => field = Some(v),
                    "fix" => fix = Some(v),
                    _ => {}
                }
            }
            let msg = match msg.or(message) {
                Some(regorus::Value::String(s)) => s.to_string(),
                _ => rule.meta.title.to_string(),
            };
            let path = match (path, field) {
                (Some(path), _) => parse_engine_path(path),
                (None, Some(regorus::Value::Array(field))) => {
                    nearest(&resource.resource.body, field.iter())
                }
                _ => Vec::new(),
            };
            let fix = fix
                .filter(|f| resource.detail == Detail::Full && !matches!(f, regorus::Value::Null))
                .map(|f| {
                    let fix = serde_json::to_value(f).unwrap_or(Value::Null);
                    finish_fix(fix, &resource.resource.body)
                });
            (msg, path, fix)
        }
        other => (
            serde_json::to_value(other)
                .unwrap_or(Value::Null)
                .to_string(),
            Vec::new(),
            None,
        ),
    };
    out.push(make(rule, status, resource, message, path, fix));
}

/// The longest prefix of `field` that exists (not null) in `doc`: what a
/// result's `field` reports, as `lib/pss.rego`'s `nearest` computes it in
/// Rego (a fifth of a firing rule's cost on the VM). A step that is neither
/// a key nor an index ends it.
fn nearest<'f>(
    doc: &Value,
    field: impl IntoIterator<Item = &'f regorus::Value>,
) -> Vec<PathSegment> {
    let mut path: Vec<PathSegment> = field.into_iter().map_while(engine_segment).collect();
    path.truncate(existing_prefix(doc, &path));
    path
}

/// How many leading `segments` lead to a value in `doc` that is not null.
fn existing_prefix(doc: &Value, segments: &[PathSegment]) -> usize {
    let mut node = doc;
    for (i, seg) in segments.iter().enumerate() {
        match child(node, seg).filter(|v| !v.is_null()) {
            Some(next) => node = next,
            None => return i,
        }
    }
    segments.len()
}

/// A key or a non-negative index of a path the engine returned.
fn engine_segment(s: &regorus::Value) -> Option<PathSegment> {
    match s {
        regorus::Value::String(k) => Some(PathSegment::Key(k.to_string())),
        regorus::Value::Number(n) => n
            .as_u64()
            .and_then(|i| usize::try_from(i).ok())
            .map(PathSegment::Index),
        _ => None,
    }
}

/// [`parse_path`] of a path as the engine returned it.
fn parse_engine_path(v: &regorus::Value) -> Vec<PathSegment> {
    match v {
        regorus::Value::Array(items) => items.iter().filter_map(engine_segment).collect(),
        regorus::Value::String(p) => parse_path(&Value::String(p.to_string())),
        _ => Vec::new(),
    }
}

/// A fix as the rule gave it, made concrete for `doc`, the resource:
/// - an `ensure` operation (Assay's own: make `path` hold `value`) becomes
///   RFC 6902 `add`s: of `{}` at each missing (or null) parent, from the
///   first, then of the value (an `add` replaces an existing member). The
///   document is walked here, natively: in Rego, on the VM, the same cost
///   a Deployment review several times a simple rule, and a webhook review,
///   which reports no fixes, never pays it.
/// - an operation's `path` and `from` that the rule wrote as a list of keys
///   and indices becomes an RFC 6901 pointer (on the VM a pointer cost
///   ~10 µs a fix).
///
/// Only keys and non-negative indices are converted: anything else stays
/// as given, for the patch to be refused, not silently changed. A fix that
/// is not a patch (an AWS action) passes unchanged.
fn finish_fix(fix: Value, doc: &Value) -> Value {
    let Value::Array(ops) = fix else {
        return fix;
    };
    let mut done = Vec::with_capacity(ops.len());
    for mut op in ops {
        if op.get("op").and_then(Value::as_str) == Some("ensure") {
            if let Some(adds) = expand_ensure(&op, doc) {
                done.extend(adds);
                continue;
            }
        }
        if let Some(m) = op.as_object_mut() {
            for key in ["path", "from"] {
                if let Some(p @ Value::Array(_)) = m.get_mut(key) {
                    if let Some(segments) = exact_path(p) {
                        *p = Value::String(json_pointer(&segments));
                    }
                }
            }
        }
        done.push(op);
    }
    Value::Array(done)
}

/// The `add` operations of an `ensure` on `doc` (see [`finish_fix`]); None
/// when it has no value or its path is not keys and indices.
fn expand_ensure(op: &Value, doc: &Value) -> Option<Vec<Value>> {
    let segments = exact_path(op.get("path")?)?;
    let value = op.get("value")?;
    let parents = segments.len().saturating_sub(1);
    // A parent that exists implies all of its own parents do: the first
    // missing one starts the adds.
    let first = existing_prefix(doc, segments.get(..parents).unwrap_or_default());
    let add = |n: usize, value: Value| {
        let mut op = serde_json::Map::new();
        op.insert("op".into(), Value::from("add"));
        op.insert(
            "path".into(),
            Value::String(json_pointer(segments.get(..n).unwrap_or_default())),
        );
        op.insert("value".into(), value);
        Value::Object(op)
    };
    let mut adds: Vec<Value> = (first..parents)
        .map(|i| add(i + 1, Value::Object(serde_json::Map::new())))
        .collect();
    adds.push(add(segments.len(), value.clone()));
    Some(adds)
}

/// The member or element of `node` at `seg`.
fn child<'v>(node: &'v Value, seg: &PathSegment) -> Option<&'v Value> {
    match (node, seg) {
        (Value::Object(m), PathSegment::Key(k)) => m.get(k),
        (Value::Array(a), PathSegment::Index(i)) => a.get(*i),
        _ => None,
    }
}

/// A path given as a pointer, or as a list of only keys and non-negative
/// indices; None for a list with anything else.
fn exact_path(p: &Value) -> Option<Vec<PathSegment>> {
    let segments = parse_path(p);
    match p {
        Value::Array(items) if items.len() != segments.len() => None,
        Value::Array(_) | Value::String(_) => Some(segments),
        _ => None,
    }
}

/// A `path` is a list of keys and indices, or a JSON pointer string.
fn parse_path(v: &Value) -> Vec<PathSegment> {
    match v {
        Value::Array(items) => items
            .iter()
            .filter_map(|s| match s {
                Value::String(k) => Some(PathSegment::Key(k.clone())),
                Value::Number(n) => n
                    .as_u64()
                    .and_then(|i| usize::try_from(i).ok())
                    .map(PathSegment::Index),
                _ => None,
            })
            .collect(),
        Value::String(p) => p
            .split('/')
            .skip(usize::from(p.starts_with('/')))
            .filter(|s| !s.is_empty())
            .map(|s| match s.parse::<usize>() {
                Ok(i) => PathSegment::Index(i),
                Err(_) => PathSegment::Key(s.replace("~1", "/").replace("~0", "~")),
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The resource findings are made for, and what all of its findings share,
/// made on its first finding only: its [`ResourceRef`] (two formatted
/// strings a finding otherwise).
struct Subject<'a> {
    resource: &'a Resource,
    reference: std::cell::OnceCell<ResourceRef>,
    detail: Detail,
}

impl<'a> Subject<'a> {
    fn new(resource: &'a Resource, detail: Detail) -> Self {
        Self {
            resource,
            reference: std::cell::OnceCell::new(),
            detail,
        }
    }

    fn reference(&self) -> &ResourceRef {
        self.reference
            .get_or_init(|| ResourceRef::from(&self.resource.id))
    }
}

fn make(
    rule: &Rule,
    status: Status,
    subject: &Subject,
    message: String,
    path: Vec<PathSegment>,
    fix: Option<Value>,
) -> Finding {
    let location = subject.resource.locate(&path);
    let reference = subject.reference().clone();
    let fingerprint = match subject.detail {
        Detail::Full => {
            let file = match &location {
                Location::File { file, .. } => file.as_str(),
                Location::Live { endpoint, .. } => endpoint.as_str(),
            };
            fingerprint(&rule.meta.id, &reference.id, file, &message)
        }
        Detail::Verdict => String::new(),
    };
    // A live location holds the pointer already.
    let path = (!path.is_empty()).then(|| match &location {
        Location::Live { pointer, .. } => pointer.clone(),
        Location::File { .. } => json_pointer(&path),
    });
    Finding {
        fingerprint,
        rule: rule.meta.id.clone(),
        title: rule.meta.title.clone(),
        severity: rule.meta.severity,
        status,
        message,
        resource: reference,
        location,
        path,
        frameworks: rule.meta.frameworks.clone(),
        remediation: rule.meta.remediation.clone(),
        fix,
        waiver: None,
        baseline: false,
    }
}

/// An inventory rule that failed: attributed to a pseudo-resource, since no
/// scanned resource is to blame.
fn inventory_error(rule: &Rule, text: &str) -> Finding {
    let resource = Resource {
        id: crate::resource::ResourceId {
            provider: crate::resource::Provider::File,
            kind: "Inventory".into(),
            scope: String::new(),
            name: rule.meta.id.clone(),
        },
        source: crate::resource::Source::Live {
            endpoint: rule.file.clone(),
        },
        body: Value::Null,
    };
    rule_error(rule, &Subject::new(&resource, Detail::Full), text)
}

fn rule_error(rule: &Rule, resource: &Subject, text: &str) -> Finding {
    let d = crate::policy::regorus_diagnostic::<PolicyModule>(text, &[]);
    let message = format!("rule failed to evaluate: {d}");
    make(rule, Status::Error, resource, message, Vec::new(), None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_field_is_reported_at_its_nearest_existing_parent() {
        let doc = json!({"spec": {"containers": [
            {"name": "a", "securityContext": null},
            {"name": "b", "securityContext": {"privileged": false, "runAsUser": null}},
        ]}});
        let at = |field: serde_json::Value| {
            let regorus::Value::Array(steps) = regorus::Value::from(field) else {
                return String::new();
            };
            json_pointer(&nearest(&doc, steps.iter()))
        };
        let c = |i: usize, rest: &[&str]| {
            let mut f = json!(["spec", "containers", i]);
            if let Some(a) = f.as_array_mut() {
                a.extend(rest.iter().map(|s| json!(s)));
            }
            f
        };
        // The field itself; a false value exists.
        assert_eq!(
            at(c(1, &["securityContext", "privileged"])),
            "/spec/containers/1/securityContext/privileged"
        );
        // A missing or null field, or a null parent: the nearest non-null parent.
        assert_eq!(
            at(c(1, &["securityContext", "capabilities", "drop"])),
            "/spec/containers/1/securityContext"
        );
        assert_eq!(
            at(c(1, &["securityContext", "runAsUser"])),
            "/spec/containers/1/securityContext"
        );
        assert_eq!(
            at(c(0, &["securityContext", "runAsUser"])),
            "/spec/containers/0"
        );
        // An index past the end, a key into an array, a number into an object.
        assert_eq!(at(c(5, &[])), "/spec/containers");
        assert_eq!(
            at(json!(["spec", "containers", "name"])),
            "/spec/containers"
        );
        assert_eq!(at(json!(["spec", 0])), "/spec");
        // A step that is neither a key nor an index ends the walk.
        assert_eq!(at(json!(["spec", true, "containers"])), "/spec");
        assert_eq!(at(json!(["spec", "containers", -1])), "/spec/containers");
        assert_eq!(at(json!([])), "");
    }

    #[test]
    fn ensure_becomes_adds_of_missing_parents_and_value() {
        let doc = json!({
            "spec": {"containers": [{"name": "a"}], "securityContext": null, "x": {"y": false}},
        });
        let cases = [
            // Parent exists: one add (which replaces an existing value).
            (json!(["spec", "x", "y"]), json!(["/spec/x/y"])),
            // One missing parent, under an array element.
            (
                json!(["spec", "containers", 0, "securityContext", "privileged"]),
                json!([
                    "/spec/containers/0/securityContext",
                    "/spec/containers/0/securityContext/privileged"
                ]),
            ),
            // A null parent counts as missing; so does everything below it.
            (
                json!(["spec", "securityContext", "seccompProfile", "type"]),
                json!([
                    "/spec/securityContext",
                    "/spec/securityContext/seccompProfile",
                    "/spec/securityContext/seccompProfile/type"
                ]),
            ),
            // A missing array element is a missing parent too.
            (
                json!(["spec", "containers", 3, "image"]),
                json!(["/spec/containers/3", "/spec/containers/3/image"]),
            ),
            // Top level, and a pointer string.
            (json!(["automount"]), json!(["/automount"])),
            (json!("/spec/x/z"), json!(["/spec/x/z"])),
            (json!([]), json!([""])),
        ];
        for (path, pointers) in cases {
            let fix = json!([{"op": "ensure", "path": path.clone(), "value": true}]);
            let got = finish_fix(fix, &doc);
            let pointers = pointers.as_array().unwrap();
            let want: Vec<Value> = pointers
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let value = if i + 1 == pointers.len() {
                        json!(true)
                    } else {
                        json!({})
                    };
                    json!({"op": "add", "path": p, "value": value})
                })
                .collect();
            assert_eq!(got, Value::Array(want), "{path}");
        }
        // Without a value, or with a path that is not keys and indices: not
        // expanded, for the patch to be refused (a list path that can be a
        // pointer still becomes one).
        let bare = json!([{"op": "ensure", "path": ["a"]}]);
        assert_eq!(
            finish_fix(bare, &doc),
            json!([{"op": "ensure", "path": "/a"}])
        );
        let odd = json!([{"op": "ensure", "path": ["a", -1], "value": 1}]);
        assert_eq!(finish_fix(odd.clone(), &doc), odd);
        // Other operations around an ensure keep their order.
        let fix = json!([
            {"op": "remove", "path": ["spec", "containers", 0, "name"]},
            {"op": "ensure", "path": ["spec", "x", "y"], "value": 1},
        ]);
        assert_eq!(
            finish_fix(fix, &doc),
            json!([
                {"op": "remove", "path": "/spec/containers/0/name"},
                {"op": "add", "path": "/spec/x/y", "value": 1},
            ])
        );
    }

    #[test]
    fn fix_paths_given_as_lists_become_pointers() {
        let fix = json!([
            {"op": "add", "path": ["spec", "containers", 0, "securityContext"], "value": {}},
            {"op": "add", "path": ["metadata", "annotations", "a/b~c", "-"], "value": "x"},
            {"op": "move", "from": ["a"], "path": "/b"},
            {"op": "remove", "path": []},
        ]);
        assert_eq!(
            finish_fix(fix, &Value::Null),
            json!([
                {"op": "add", "path": "/spec/containers/0/securityContext", "value": {}},
                {"op": "add", "path": "/metadata/annotations/a~1b~0c/-", "value": "x"},
                {"op": "move", "from": "/a", "path": "/b"},
                {"op": "remove", "path": ""},
            ])
        );
        // A segment that is neither a key nor an index: left as given.
        let odd = json!([{"op": "remove", "path": ["spec", -1]}]);
        assert_eq!(finish_fix(odd.clone(), &Value::Null), odd);
        // Not a patch (an AWS action): unchanged.
        let action = json!({"action": "s3:PutPublicAccessBlock", "path": ["x"]});
        assert_eq!(finish_fix(action.clone(), &Value::Null), action);
    }

    #[test]
    fn to_regorus_matches_regorus_own_conversion() {
        let v = json!({"a": [1, -2, 3.5, 18446744073709551615u64, null, true], "b": {"c": "d"}, "": ""});
        assert_eq!(to_regorus(&v), regorus::Value::from(v.clone()));
        // Interned keys, a key too long to intern, and a second conversion
        // that takes its keys from the table.
        let long = "k".repeat(KeyTable::MAX_LEN + 1);
        let v = json!({"spec": {"spec": [{"spec": 1}]}, long: {"a": {"b": "a"}}});
        for _ in 0..2 {
            assert_eq!(to_regorus(&v), regorus::Value::from(v.clone()));
        }
    }
}
