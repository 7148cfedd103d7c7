//! `assay fix`: remediation plans first; applied changes audited in the
//! state store; `fix log` and `fix rollback`.
//!
//! Exit codes: plan — 0 nothing to fix, 1 changes planned; apply — 0 every
//! change applied, 2 when one failed or conflicted (or the run failed).

use crate::cli::{DiffFormatArg, FixAction, FixArgs, FixLogArgs, FixRollbackArgs};
use crate::policies;
use crate::{EXIT_CLEAN, EXIT_FAILED, EXIT_FINDINGS};
use assay_engine::{EvalContext, Severity};
use assay_remediators::plan::render;
use assay_remediators::{Change, Plan, Selector};
use assay_reporters::markdown::cell;
use assay_state::store::NewAction;
use serde_json::{json, Value};
use std::io::{IsTerminal, Write};

/// `assay fix …`.
pub fn command(args: &FixArgs) -> i32 {
    match &args.action {
        Some(FixAction::Log(a)) => log(a),
        Some(FixAction::Rollback(a)) => rollback(a),
        None => fix(args),
    }
}

fn actor() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown".into());
    let host = std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "localhost".into());
    format!("{user}@{host}")
}

/// Ask before changing anything (unless `yes`), then start the runtime the
/// changes run on; `None` (after saying why) when either fails.
fn confirmed_runtime(what: &str, yes: bool) -> Option<tokio::runtime::Runtime> {
    let rt = confirm(what, yes).and_then(|()| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the runtime: {e}"))
    });
    rt.map_err(|e| eprintln!("error: {e}")).ok()
}

fn confirm(what: &str, yes: bool) -> Result<(), String> {
    if yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        return Err(format!(
            "refusing to {what} without --yes when not interactive"
        ));
    }
    eprint!("{what}? [y/N] ");
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    if matches!(line.trim(), "y" | "Y" | "yes") {
        Ok(())
    } else {
        Err("not confirmed; nothing changed".into())
    }
}

/// A file rewritten by fixes.
pub struct FileChange {
    /// The file.
    pub path: String,
    /// Rules fixed in it.
    pub rules: Vec<String>,
    /// Its content now.
    pub before: String,
    /// Its content fixed.
    pub after: String,
}

/// Collect, evaluate and plan: (plan, target, input errors, file rewrites).
pub fn plan_of(args: &FixArgs) -> Result<(Plan, String, usize, Vec<FileChange>), String> {
    let c = args.source.collect();
    for e in &c.errors {
        eprintln!("error: {e}");
    }
    if c.resources.is_empty() && !c.errors.is_empty() {
        return Err("nothing was collected".into());
    }
    let Some(mut set) = policies::load_strict(&args.policy, args.framework.clone()) else {
        return Err("policies did not load".into());
    };
    let ctx = EvalContext {
        waivers: Vec::new(),
        today: crate::scan::today(),
    };
    let findings = assay_engine::evaluate_snapshot(&mut set, &ctx, &c.resources, true)?;
    let sel = Selector {
        rules: args.rules.clone(),
        min_severity: args.severity.map(Severity::from),
        resource: args.resource.clone(),
    };
    let mut plan = assay_remediators::plan(&findings, &c.resources, &sel);
    let files = materialize(&mut plan, &c.resources);
    Ok((plan, c.target, c.errors.len(), files))
}

/// Rewrite each planned file in memory; what cannot be rewritten safely
/// becomes a skip with the reason.
fn materialize(plan: &mut Plan, resources: &[assay_engine::Resource]) -> Vec<FileChange> {
    let mut out = Vec::new();
    for fp in std::mem::take(&mut plan.files) {
        let skip_all = |plan: &mut Plan, reason: &str| {
            for (id, rules, _) in &fp.resources {
                for rule in rules {
                    plan.skipped.push(assay_remediators::Skip {
                        resource: id.clone(),
                        rule: rule.clone(),
                        reason: reason.to_string(),
                    });
                }
            }
        };
        if fp.path == "-" {
            skip_all(plan, "standard input cannot be rewritten; use a file");
            continue;
        }
        let before = match std::fs::read_to_string(&fp.path) {
            Ok(t) => t,
            Err(e) => {
                skip_all(plan, &format!("cannot read {}: {e}", fp.path));
                continue;
            }
        };
        let mut fixes = Vec::new();
        for (id, _, ops) in &fp.resources {
            if let Some(r) = resources
                .iter()
                .find(|r| r.id.to_string() == *id && r.source.file() == Some(fp.path.as_str()))
            {
                fixes.push((r, ops.as_slice()));
            }
        }
        match assay_remediators::files::rewrite(&before, &fixes) {
            Ok(after) if after == before => {}
            Ok(after) => {
                let mut rules: Vec<String> = fp
                    .resources
                    .iter()
                    .flat_map(|(_, r, _)| r.clone())
                    .collect();
                rules.sort();
                rules.dedup();
                out.push(FileChange {
                    path: fp.path.clone(),
                    rules,
                    before,
                    after,
                });
            }
            Err(e) => skip_all(plan, &format!("not rewritten in place: {e}")),
        }
    }
    out
}

fn print_plan(plan: &Plan, files: &[FileChange], format: DiffFormatArg) {
    let diffs: Vec<(String, Vec<String>, String)> = files
        .iter()
        .map(|f| {
            (
                f.path.clone(),
                f.rules.clone(),
                assay_remediators::files::unified_diff(&f.path, &f.before, &f.after),
            )
        })
        .collect();
    match format {
        DiffFormatArg::Json => {
            let mut v = serde_json::to_value(plan).unwrap_or(Value::Null);
            if let Some(m) = v.as_object_mut() {
                m.insert(
                    "files".into(),
                    diffs
                        .iter()
                        .map(|(p, r, d)| json!({"path": p, "rules": r, "diff": d}))
                        .collect(),
                );
            }
            println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        DiffFormatArg::Text => {
            for (path, rules, diff) in &diffs {
                println!("~ {path} ({})", rules.join(", "));
                print!("{diff}");
            }
            if !diffs.is_empty() {
                println!(
                    "{} file{} to rewrite",
                    diffs.len(),
                    if diffs.len() == 1 { "" } else { "s" }
                );
            }
            print!("{}", render(plan, diffs.len()));
        }
        DiffFormatArg::Markdown => {
            println!(
                "## Assay fix plan: {} changes\n",
                plan.changes.len() + diffs.len()
            );
            for (_, _, diff) in &diffs {
                println!("```diff\n{diff}```\n");
            }
            println!("| Resource | Rules | Change |\n|---|---|---|");
            for c in &plan.changes {
                let what = match c {
                    Change::Kubernetes(k) => k
                        .fields
                        .iter()
                        .map(|(p, (b, a))| format!("`{}`: `{b}` → `{a}`", cell(p)))
                        .collect::<Vec<_>>()
                        .join("<br>"),
                    Change::Aws(a) => format!("`{}` `{}`", a.action, cell(&a.params.to_string())),
                };
                println!(
                    "| `{}` | {} | {what} |",
                    cell(c.resource()),
                    c.rules().join(", ")
                );
            }
        }
    }
}

fn fix(args: &FixArgs) -> i32 {
    let (plan, target, collect_errors, files) = match plan_of(args) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_FAILED;
        }
    };
    if args.diff {
        for f in &files {
            print!(
                "{}",
                assay_remediators::files::unified_diff(&f.path, &f.before, &f.after)
            );
        }
    } else {
        print_plan(&plan, &files, args.format);
    }
    let total = plan.changes.len() + files.len();
    if !args.apply {
        return if collect_errors > 0 {
            EXIT_FAILED
        } else if total == 0 {
            EXIT_CLEAN
        } else {
            EXIT_FINDINGS
        };
    }
    if args.source.snapshot.is_some() {
        eprintln!("error: a snapshot is a copy: --apply works on files, --k8s or --aws");
        return EXIT_FAILED;
    }
    apply_changes(
        &plan.changes,
        &files,
        &ApplyOptions {
            target: &target,
            cluster: &args.source.cluster,
            account: &args.source.account,
            state: &args.state,
            yes: args.yes,
            max_changes: args.max_changes,
            force_conflicts: args.force_conflicts,
        },
    )
}

/// Where and how planned changes are applied.
pub struct ApplyOptions<'a> {
    /// What the changes are applied to (`k8s:ctx`, `aws:…`, `files`).
    pub target: &'a str,
    /// The cluster connection.
    pub cluster: &'a crate::cli::ClusterArgs,
    /// The AWS connection.
    pub account: &'a crate::cli::AccountArgs,
    /// The audit trail.
    pub state: &'a crate::cli::StateArgs,
    /// Do not ask.
    pub yes: bool,
    /// Refuse more changes than this.
    pub max_changes: usize,
    /// Server-side apply force.
    pub force_conflicts: bool,
}

/// Apply planned changes: confirm, record each as pending, perform it,
/// record the result. Returns the exit code.
pub fn apply_changes(changes: &[Change], files: &[FileChange], o: &ApplyOptions<'_>) -> i32 {
    let total = changes.len() + files.len();
    if total == 0 {
        eprintln!("nothing to apply");
        return EXIT_CLEAN;
    }
    if total > o.max_changes {
        eprintln!(
            "error: the plan has {total} changes, more than --max-changes {}; narrow it with --rule/--severity/--resource or raise the limit",
            o.max_changes
        );
        return EXIT_FAILED;
    }
    // Open the audit trail before changing anything.
    let Some(store) = crate::state::open_or_report(o.state) else {
        return EXIT_FAILED;
    };
    let Some(rt) = confirmed_runtime(&format!("apply {total} changes to {}", o.target), o.yes)
    else {
        return EXIT_FAILED;
    };
    let connection = json!({
        "kubeconfig": o.cluster.kubeconfig, "context": o.cluster.context,
        "profile": o.account.profile,
    });
    let who = actor();
    let mut code = EXIT_CLEAN;
    for f in files {
        let change_json = json!({"file": {"path": f.path, "before": f.before, "after": f.after}});
        let at = crate::state::now();
        let id = match store.record_action(&NewAction {
            at: &at,
            actor: &who,
            target: "files",
            resource: &f.path,
            rules: &f.rules,
            change: &change_json,
            before: &Value::Null,
            after: &Value::Null,
            result: "pending",
            detail: "",
            rollback_of: None,
        }) {
            Ok(id) => id,
            Err(e) => {
                eprintln!("error: cannot record the action, so it was not performed: {e}");
                return EXIT_FAILED;
            }
        };
        let (result, detail) = match swap_file(&f.path, &f.before, &f.after) {
            Ok(()) => ("applied", String::new()),
            Err(e) => ("conflict", e),
        };
        if result != "applied" {
            code = EXIT_FAILED;
        }
        let digest = |t: &str| json!({"bytes": t.len(), "lines": t.lines().count()});
        if let Err(e) = store.finish_action_with_before(
            id,
            result,
            &digest(&f.before),
            &digest(&f.after),
            &detail,
        ) {
            eprintln!(
                "error: action #{id} ran ({result}) but its result could not be recorded: {e}"
            );
            code = EXIT_FAILED;
        }
        println!(
            "{result:<9} #{id} {} ({}){}",
            f.path,
            f.rules.join(", "),
            if detail.is_empty() {
                String::new()
            } else {
                format!(": {detail}")
            }
        );
    }
    for change in changes {
        // Recorded as pending before it runs: nothing is ever changed unrecorded.
        let change_json = json!({"plan": change, "connection": connection});
        let at = crate::state::now();
        let pending = store.record_action(&NewAction {
            at: &at,
            actor: &who,
            target: o.target,
            resource: change.resource(),
            rules: change.rules(),
            change: &change_json,
            before: &Value::Null,
            after: &Value::Null,
            result: "pending",
            detail: "",
            rollback_of: None,
        });
        let id = match pending {
            Ok(id) => id,
            Err(e) => {
                eprintln!("error: cannot record the action, so it was not performed: {e}");
                return EXIT_FAILED;
            }
        };
        let (result, before, after, detail) = execute(&rt, o, change);
        if result != "applied" {
            code = EXIT_FAILED;
        }
        if let Err(e) = store.finish_action_with_before(id, result, &before, &after, &detail) {
            eprintln!(
                "error: action #{id} ran ({result}) but its result could not be recorded: {e}"
            );
            code = EXIT_FAILED;
        }
        println!(
            "{result:<9} #{id} {} ({}){}",
            change.resource(),
            change.rules().join(", "),
            if detail.is_empty() {
                String::new()
            } else {
                format!(": {detail}")
            }
        );
    }
    code
}

/// The changed fields as the server now has them, and the resourceVersion
/// it left (what a later rollback is conditional on).
fn field_values(k: &assay_remediators::K8sChange, obj: &Value) -> Value {
    let rv = "/metadata/resourceVersion".to_string();
    Value::Object(
        k.fields
            .keys()
            .chain(std::iter::once(&rv))
            .map(|p| (p.clone(), obj.pointer(p).cloned().unwrap_or(Value::Null)))
            .collect(),
    )
}

/// Replace `path`'s content `from` by `to`, atomically (a temporary file
/// renamed over it), only if it still reads `from`.
fn swap_file(path: &str, from: &str, to: &str) -> Result<(), String> {
    let now = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    if now != from {
        return Err(format!("{path} changed since it was read; not overwritten"));
    }
    let p = std::path::Path::new(path);
    let tmp = p.with_file_name(format!(
        ".{}.assay-{}",
        p.file_name().and_then(|n| n.to_str()).unwrap_or("file"),
        std::process::id()
    ));
    std::fs::write(&tmp, to).map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    if let Ok(meta) = std::fs::metadata(p) {
        let _ = std::fs::set_permissions(&tmp, meta.permissions());
    }
    std::fs::rename(&tmp, p).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("cannot replace {path}: {e}")
    })
}

/// Perform one change: (result, before, after, detail).
fn execute(
    rt: &tokio::runtime::Runtime,
    o: &ApplyOptions<'_>,
    change: &Change,
) -> (&'static str, Value, Value, String) {
    match change {
        Change::Kubernetes(k) => {
            let before: serde_json::Map<String, Value> = k
                .fields
                .iter()
                .map(|(p, (b, _))| (p.clone(), b.clone()))
                .collect();
            let opts = k8s_options(o.cluster.kubeconfig.clone(), o.cluster.context.clone());
            match rt.block_on(assay_remediators::kubernetes::apply_checked(
                &opts,
                &k.apply,
                o.force_conflicts,
            )) {
                Ok(obj) => (
                    "applied",
                    Value::Object(before),
                    field_values(k, &obj),
                    String::new(),
                ),
                Err(assay_remediators::kubernetes::ApplyError::Conflict(m)) => {
                    ("conflict", Value::Object(before), Value::Null, m)
                }
                Err(e) => ("failed", Value::Object(before), Value::Null, e.to_string()),
            }
        }
        Change::Aws(a) => {
            let opts = aws_options(o.account.profile.clone());
            match rt.block_on(assay_remediators::aws::execute(
                &opts, &a.region, &a.action, &a.params,
            )) {
                Ok(resp) => ("applied", a.before.clone(), resp, String::new()),
                Err(e) => ("failed", a.before.clone(), Value::Null, e),
            }
        }
    }
}

fn k8s_options(
    kubeconfig: Option<std::path::PathBuf>,
    context: Option<String>,
) -> assay_collectors::kubernetes::Options {
    assay_collectors::kubernetes::Options {
        kubeconfig,
        context,
        timeout_secs: 30,
        page_size: 500,
        concurrency: 1,
        ..Default::default()
    }
}

fn aws_options(profile: Option<String>) -> assay_collectors::aws::Options {
    assay_collectors::aws::Options {
        profile,
        regions: Vec::new(),
        concurrency: 1,
    }
}

fn log(args: &FixLogArgs) -> i32 {
    let Some(store) = crate::state::open_or_report(&args.state) else {
        return EXIT_FAILED;
    };
    let actions = match store.actions(args.limit) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_FAILED;
        }
    };
    let mut out = std::io::stdout().lock();
    let written = match args.format {
        DiffFormatArg::Json => serde_json::to_writer_pretty(&mut out, &actions)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out)),
        DiffFormatArg::Markdown => (|| {
            writeln!(
                out,
                "| # | When | Who | Result | Resource | Rules |\n|---:|---|---|---|---|---|"
            )?;
            for a in &actions {
                writeln!(
                    out,
                    "| {} | {} | {} | {} | `{}` | {} |",
                    a.id,
                    a.at,
                    cell(&a.actor),
                    a.result,
                    cell(&a.resource),
                    a.rules.join(", ")
                )?;
            }
            Ok(())
        })(),
        DiffFormatArg::Text => (|| {
            if actions.is_empty() {
                writeln!(out, "no actions recorded in {}", store.path())?;
            }
            for a in &actions {
                let undo = a
                    .rollback_of
                    .map_or(String::new(), |r| format!(" (undoes #{r})"));
                writeln!(
                    out,
                    "#{:<4} {}  {:<20} {:<11} {}  [{}]{undo}",
                    a.id,
                    a.at,
                    a.actor,
                    a.result,
                    a.resource,
                    a.rules.join(", ")
                )?;
                if let (Value::Object(b), after) = (&a.before, &a.after) {
                    for (p, old) in b {
                        let new = after.get(p).cloned().unwrap_or(Value::Null);
                        writeln!(out, "        {p}: {old} → {new}")?;
                    }
                } else if !a.before.is_null() {
                    writeln!(out, "        before: {}", a.before)?;
                }
                if !a.detail.is_empty() {
                    writeln!(out, "        {}", a.detail)?;
                }
            }
            Ok(())
        })(),
    };
    match written {
        Ok(()) => EXIT_CLEAN,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_CLEAN,
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_FAILED
        }
    }
}

fn rollback(args: &FixRollbackArgs) -> i32 {
    let Some(store) = crate::state::open_or_report(&args.state) else {
        return EXIT_FAILED;
    };
    let action = match store.action(args.id) {
        Ok(Some(a)) => a,
        Ok(None) => {
            eprintln!("error: no action #{} (see `assay fix log`)", args.id);
            return EXIT_FAILED;
        }
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_FAILED;
        }
    };
    if action.result != "applied" {
        eprintln!(
            "error: action #{} is `{}`; only applied actions can be rolled back",
            action.id, action.result
        );
        return EXIT_FAILED;
    }
    if let Some(file) = action.change.get("file") {
        return rollback_file(&store, &action, file, args.yes);
    }
    let change: Change =
        match serde_json::from_value(action.change.get("plan").cloned().unwrap_or(Value::Null)) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("error: action #{} has no readable change: {e}", action.id);
                return EXIT_FAILED;
            }
        };
    let conn = action
        .change
        .get("connection")
        .cloned()
        .unwrap_or(Value::Null);
    let text = |k: &str| conn.get(k).and_then(Value::as_str).map(str::to_string);
    let what = format!("roll back action #{} on {}", action.id, action.resource);
    let Some(rt) = confirmed_runtime(&what, args.yes) else {
        return EXIT_FAILED;
    };
    // What cannot be undone automatically is said, not attempted.
    match &change {
        Change::Kubernetes(k) if k.rollback.is_null() => {
            eprintln!(
                "error: action #{} created {}; to undo it, delete the object (kubectl delete {} {}{})",
                action.id,
                action.resource,
                k.kind.to_ascii_lowercase(),
                k.name,
                k.namespace.as_ref().map_or(String::new(), |n| format!(" -n {n}"))
            );
            return EXIT_FAILED;
        }
        Change::Aws(a) if a.rollback.is_none() => {
            eprintln!(
                "error: action #{} ({}) has no automatic inverse; restore by hand: {}",
                action.id, a.action, a.before
            );
            return EXIT_FAILED;
        }
        _ => {}
    }
    finish_rollback(&store, &action, || match &change {
        Change::Kubernetes(k) => {
            let mut config = k.rollback.clone();
            // Only if nobody changed the object since the fix.
            if let Some(rv) = action
                .after
                .get("/metadata/resourceVersion")
                .filter(|v| !v.is_null())
            {
                if let Some(meta) = config.get_mut("metadata").and_then(Value::as_object_mut) {
                    meta.insert("resourceVersion".into(), rv.clone());
                }
            }
            let opts = k8s_options(
                args.kubeconfig
                    .clone()
                    .or_else(|| text("kubeconfig").map(Into::into)),
                text("context"),
            );
            match rt.block_on(assay_remediators::kubernetes::apply_checked(
                &opts, &config, false,
            )) {
                Ok(obj) => ("rollback", field_values(k, &obj), String::new()),
                Err(assay_remediators::kubernetes::ApplyError::Conflict(m)) => {
                    ("conflict", Value::Null, m)
                }
                Err(e) => ("failed", Value::Null, e.to_string()),
            }
        }
        Change::Aws(a) => match &a.rollback {
            None => ("failed", Value::Null, "no automatic inverse".to_string()),
            Some((act, params)) => {
                let opts = aws_options(args.profile.clone().or_else(|| text("profile")));
                match rt.block_on(assay_remediators::aws::execute(
                    &opts, &a.region, act, params,
                )) {
                    Ok(resp) => ("rollback", resp, String::new()),
                    Err(e) => ("failed", Value::Null, e),
                }
            }
        },
    })
}

fn rollback_file(
    store: &assay_state::Store,
    action: &assay_state::store::Action,
    file: &Value,
    yes: bool,
) -> i32 {
    let text = |k: &str| {
        file.get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let (path, before, after) = (text("path"), text("before"), text("after"));
    if let Err(e) = confirm(&format!("roll back action #{} on {path}", action.id), yes) {
        eprintln!("error: {e}");
        return EXIT_FAILED;
    }
    finish_rollback(store, action, || match swap_file(&path, &after, &before) {
        Ok(()) => ("rollback", Value::Null, String::new()),
        Err(e) => ("conflict", Value::Null, e),
    })
}

/// Record a rollback of `action` as pending, perform it with `run`
/// (result, after, detail), record the outcome and mark `action`
/// rolled back when it worked. Returns the exit code.
fn finish_rollback(
    store: &assay_state::Store,
    action: &assay_state::store::Action,
    run: impl FnOnce() -> (&'static str, Value, String),
) -> i32 {
    let at = crate::state::now();
    let id = match store.record_action(&NewAction {
        at: &at,
        actor: &actor(),
        target: &action.target,
        resource: &action.resource,
        rules: &action.rules,
        change: &action.change,
        before: &action.after,
        after: &Value::Null,
        result: "pending",
        detail: "",
        rollback_of: Some(action.id),
    }) {
        Ok(id) => id,
        Err(e) => {
            eprintln!("error: cannot record the rollback, so it was not performed: {e}");
            return EXIT_FAILED;
        }
    };
    let (result, after, detail) = run();
    if let Err(e) = store.finish_action_with_before(id, result, &action.after, &after, &detail) {
        eprintln!("error: the rollback ran ({result}) but could not be recorded: {e}");
    }
    if result == "rollback" {
        if let Err(e) = store.set_action_result(action.id, "rolled-back") {
            eprintln!("error: {e}");
        }
    }
    println!(
        "{result:<9} #{id} undoes #{} on {}{}",
        action.id,
        action.resource,
        if detail.is_empty() {
            String::new()
        } else {
            format!(": {detail}")
        }
    );
    if result == "rollback" {
        EXIT_CLEAN
    } else {
        EXIT_FAILED
    }
}
