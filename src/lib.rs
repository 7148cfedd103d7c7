//! The `assay` command line as a library: each subcommand is a function from
//! its arguments to an exit code, so tests call them directly and `main`
//! stays a thin shell.

pub mod authoring;
pub mod builtin;
pub mod cli;
pub mod config;
pub mod cron;
pub mod cronjob;
pub mod fix;
pub mod gate;
pub mod policies;
pub mod scan;
pub mod schedule;
pub mod state;
pub mod timings;
pub mod watch;
pub mod webhook;

/// Exit code: nothing at or above `--fail-on`.
pub const EXIT_CLEAN: i32 = 0;
/// Exit code: findings at or above `--fail-on`.
pub const EXIT_FINDINGS: i32 = 1;
/// Exit code: the run itself failed.
pub const EXIT_FAILED: i32 = 2;
