//! `assay gate`: pre-apply checks that give the verdicts the admission
//! webhook would give, before anything reaches the cluster.

use crate::cli::{
    ColorArg, FormatArg, GateK8sArgs, GateTerraformArgs, PolicyArgs, ScanArgs, SeverityArg,
};
use assay_engine::Scope;
use std::path::PathBuf;

/// `assay gate k8s`: like `scan`, but objects in exempt namespaces pass,
/// cross-resource rules stay out (the webhook cannot run them), and only
/// failures at or above `--deny-on` block; the rest are reported.
pub fn k8s(args: &GateK8sArgs) -> i32 {
    let scan = scan_args(
        args.paths.clone(),
        args.format,
        args.output.clone(),
        args.deny_on,
        &args.policy,
    );
    let exempt = args.exempt_namespaces.clone();
    crate::scan::scan_with(&scan, move |report, rules| {
        // The webhook sees one object at a time: cross-resource rules do not
        // run there, so they do not decide here either.
        let inventory: Vec<&str> = rules
            .iter()
            .filter(|r| r.scope == Scope::Inventory)
            .map(|r| r.id.as_str())
            .collect();
        report.findings.retain(|f| {
            let cross_resource = inventory.contains(&f.rule.as_str());
            let exempted = f.resource.provider == assay_engine::Provider::Kubernetes
                && exempt.contains(&f.resource.namespace);
            !cross_resource && !exempted
        });
    })
}

/// `assay gate terraform`: every resource the plan creates or updates, as it
/// will be after `apply`, against the rules; exit 1 on a failure at or above
/// `--fail-on`.
pub fn terraform(args: &GateTerraformArgs) -> i32 {
    // A file that is not a plan must not pass silently.
    if args.plan != "-" {
        let is_plan = std::fs::read_to_string(&args.plan)
            .ok()
            .map(|text| assay_engine::yaml::parse_stream(&text, &Default::default()))
            .is_some_and(|s| {
                s.documents
                    .iter()
                    .any(|d| assay_collectors::iac::is_terraform_plan(&d.value))
            });
        if !is_plan {
            eprintln!(
                "error: {}: not a Terraform plan in JSON (make one with `terraform show -json plan.out > plan.json`)",
                args.plan
            );
            return crate::EXIT_FAILED;
        }
    }
    let scan = scan_args(
        vec![args.plan.clone()],
        args.format,
        args.output.clone(),
        args.fail_on,
        &args.policy,
    );
    crate::scan::scan(&scan)
}

/// The `scan` a gate (or a diff of snapshots) runs.
pub fn scan_args(
    paths: Vec<String>,
    format: FormatArg,
    output: Option<PathBuf>,
    fail_on: SeverityArg,
    policy: &PolicyArgs,
) -> ScanArgs {
    ScanArgs {
        paths,
        snapshot: None,
        k8s: false,
        cluster: crate::cli::ClusterArgs::default(),
        aws: false,
        account: crate::cli::AccountArgs::default(),
        format,
        output,
        fail_on,
        policy: policy.clone(),
        framework: None,
        namespaces: Vec::new(),
        waivers: None,
        baseline: None,
        write_baseline: None,
        timeout: 5.0,
        color: ColorArg::Auto,
        quiet: true,
        record: false,
        target: None,
        notify: None,
        state: crate::cli::StateArgs::default(),
    }
}
