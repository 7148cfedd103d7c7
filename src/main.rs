//! `assay` binary: parse arguments, dispatch, exit.

use assay::cli::{Cli, Command, PoliciesCommand};
use clap::Parser;

// Evaluation allocates and frees many small values per resource (regorus
// values, VM frames): mimalloc's thread-local free lists make that cheaper
// than glibc's malloc on every core (see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // regorus raises (and catches) internal errors while it evaluates; with
    // RUST_BACKTRACE set, anyhow would capture a backtrace for each one.
    // Library backtraces are never shown to users, so switch them off.
    if std::env::var_os("RUST_LIB_BACKTRACE").is_none() {
        std::env::set_var("RUST_LIB_BACKTRACE", "0");
    }
    let cli = Cli::parse();
    let code = match &cli.command {
        Command::Scan(args) => assay::scan::scan(args),
        Command::Policies(PoliciesCommand::List(args)) => {
            assay::policies::list(args, &mut std::io::stdout().lock()).unwrap_or(assay::EXIT_FAILED)
        }
        Command::Policies(PoliciesCommand::Show(args)) => {
            assay::policies::show(args, &mut std::io::stdout().lock()).unwrap_or(assay::EXIT_FAILED)
        }
        Command::Test(args) => assay::authoring::test(args, &mut std::io::stdout().lock())
            .unwrap_or(assay::EXIT_FAILED),
        Command::Check(args) => assay::authoring::check(args, &mut std::io::stdout().lock())
            .unwrap_or(assay::EXIT_FAILED),
        Command::Eval(args) => assay::authoring::eval(args, &mut std::io::stdout().lock())
            .unwrap_or(assay::EXIT_FAILED),
        Command::Serve(args) => assay::webhook::server::serve_command(args),
        Command::Certs(assay::cli::CertsCommand::Generate(args)) => {
            assay::webhook::certs::command(args)
        }
        Command::Snapshot(args) => assay::scan::snapshot(args),
        Command::Gate(assay::cli::GateCommand::K8s(args)) => assay::gate::k8s(args),
        Command::Gate(assay::cli::GateCommand::Terraform(args)) => assay::gate::terraform(args),
        Command::History(args) => {
            assay::state::history(args, &mut std::io::stdout().lock()).unwrap_or(assay::EXIT_FAILED)
        }
        Command::Diff(args) => assay::state::diff_command(args, &mut std::io::stdout().lock())
            .unwrap_or(assay::EXIT_FAILED),
        Command::Baseline(assay::cli::BaselineCommand::Set(args)) => {
            assay::state::baseline_set(args)
        }
        Command::Baseline(assay::cli::BaselineCommand::List(args)) => {
            assay::state::baseline_list(args, &mut std::io::stdout().lock())
                .unwrap_or(assay::EXIT_FAILED)
        }
        Command::Schedule(args) => assay::schedule::command(args),
        Command::Watch(args) => assay::watch::command(args),
        Command::Fix(args) => assay::fix::command(args),
        Command::Drift(args) => assay::state::drift_command(args, &mut std::io::stdout().lock())
            .unwrap_or(assay::EXIT_FAILED),
    };
    std::process::exit(code);
}
