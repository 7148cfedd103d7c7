//! Assay's engine: the resource model, policy loading, evaluation, findings,
//! waivers and baselines.
//!
//! It does no network or database I/O and reads no clock: callers hand it
//! policy text, resources and today's date, and get back findings and
//! diagnostics. Evaluation problems are data (findings with status `error`,
//! diagnostics), never panics.

pub mod baseline;
pub mod builtins;
pub mod diagnostic;
pub mod eval;
pub mod finding;
pub mod framework;
pub mod gatekeeper;
pub mod inventory;
mod lexer;
pub mod metadata;
mod native;
pub mod policy;
pub mod query;
pub mod resource;
pub mod severity;
pub mod snapshot;
pub mod testing;
pub mod trigger;
pub mod vap;
pub mod waiver;
pub mod yaml;

pub use diagnostic::Diagnostic;
pub use eval::{evaluate_all, evaluate_sequential, evaluate_snapshot, EvalContext, Evaluator};
pub use finding::{Finding, Location, Outcome, Report, Status};
pub use metadata::{RegoEngine, Scope};
pub use policy::{PolicyModule, PolicySet, PolicySetBuilder, Rule};
pub use resource::{PathSegment, Provider, Resource, ResourceId, Source};
pub use severity::Severity;
