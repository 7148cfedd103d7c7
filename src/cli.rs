//! Command-line arguments.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Policy-as-code validation and compliance for Kubernetes and cloud.
#[derive(Debug, Parser)]
#[command(name = "assay", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Evaluate files (or stdin, `-`) against the built-in and given policies.
    Scan(Box<ScanArgs>),
    /// The policy catalogue.
    #[command(subcommand)]
    Policies(PoliciesCommand),
    /// Run Rego unit tests (`test_*` rules), as `opa test` does.
    Test(TestArgs),
    /// Compile policies and lint their metadata, as `opa check` does (and more).
    Check(CheckArgs),
    /// Evaluate a Rego query against an input document, as `opa eval` does.
    Eval(EvalArgs),
    /// Serve the Kubernetes validating admission webhook over HTTPS.
    Serve(Box<ServeArgs>),
    /// Certificates for the webhook.
    #[command(subcommand)]
    Certs(CertsCommand),
    /// Collect resources into a snapshot file, to scan offline later.
    Snapshot(SnapshotArgs),
    /// Pre-apply gates: block bad manifests or Terraform plans before they land.
    #[command(subcommand)]
    Gate(GateCommand),
    /// Recorded scans in the state store, newest first.
    History(HistoryArgs),
    /// What changed between two scans or snapshots: resources and findings.
    Diff(DiffArgs),
    /// Bless a desired state that `assay drift` compares live state against.
    #[command(subcommand)]
    Baseline(BaselineCommand),
    /// How live state departs from the blessed baseline.
    Drift(Box<DriftArgs>),
    /// Run the scans of a config file on their cron schedules (recorded, notifying).
    Schedule(ScheduleArgs),
    /// Watch a live cluster: re-evaluate every change, report new and resolved findings.
    Watch(Box<WatchArgs>),
    /// Remediate: plan fixes for findings (default), apply them (`--apply`), see and undo them.
    Fix(Box<FixArgs>),
}

/// Arguments of `assay fix`.
#[derive(Debug, Clone, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct FixArgs {
    /// `log` or `rollback`; without one, plan (and with --apply, apply) fixes.
    #[command(subcommand)]
    pub action: Option<FixAction>,
    /// Where the resources come from.
    #[command(flatten)]
    pub source: SourceArgs,
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// Only this framework's rules.
    #[arg(long, value_name = "NAME")]
    pub framework: Option<String>,
    /// Only findings of this rule (repeatable).
    #[arg(long = "rule", value_name = "ID")]
    pub rules: Vec<String>,
    /// Only findings at or above this severity.
    #[arg(long, value_enum)]
    pub severity: Option<SeverityArg>,
    /// Only resources whose id contains this text (e.g. `shop/web`, `sg-0abc`).
    #[arg(long, value_name = "TEXT")]
    pub resource: Option<String>,
    /// Perform the plan (after a server-side dry run of each change).
    #[arg(long)]
    pub apply: bool,
    /// Print only a unified diff of the file rewrites (to apply with `patch -p1`).
    #[arg(long)]
    pub diff: bool,
    /// Do not ask before applying (for automation).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Refuse to apply more than this many changes.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub max_changes: usize,
    /// Take over fields another field manager owns (server-side apply force).
    #[arg(long)]
    pub force_conflicts: bool,
    /// Output format of the plan and results.
    #[arg(long, short, value_enum, default_value = "text")]
    pub format: DiffFormatArg,
    #[command(flatten)]
    pub state: StateArgs,
}

/// `assay fix log|rollback`.
#[derive(Debug, Clone, Subcommand)]
pub enum FixAction {
    /// Applied actions, newest first: who, when, what, before, after, result.
    Log(FixLogArgs),
    /// Restore the before-state of an applied action.
    Rollback(FixRollbackArgs),
}

/// Arguments of `assay fix log`.
#[derive(Debug, Clone, Args)]
pub struct FixLogArgs {
    /// At most this many actions.
    #[arg(long, short = 'n', default_value_t = 50)]
    pub limit: usize,
    /// Output format.
    #[arg(long, short, value_enum, default_value = "text")]
    pub format: DiffFormatArg,
    #[command(flatten)]
    pub state: StateArgs,
}

/// Arguments of `assay fix rollback`.
#[derive(Debug, Clone, Args)]
pub struct FixRollbackArgs {
    /// The action id (see `assay fix log`).
    pub id: i64,
    /// Kubeconfig for Kubernetes actions (default: as when applied).
    #[arg(long, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,
    /// AWS profile for AWS actions.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Do not ask first.
    #[arg(long, short = 'y')]
    pub yes: bool,
    #[command(flatten)]
    pub state: StateArgs,
}

/// Arguments of `assay watch`.
#[derive(Debug, Clone, Args)]
pub struct WatchArgs {
    /// Watch the live Kubernetes cluster of the current (or --context) kubeconfig context.
    #[arg(long, required = true)]
    pub k8s: bool,
    #[command(flatten)]
    pub cluster: ClusterArgs,
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// Only this framework's rules.
    #[arg(long, value_name = "NAME")]
    pub framework: Option<String>,
    /// Also report drift from this baseline (see `assay baseline set`).
    #[arg(long = "against", value_name = "NAME")]
    pub baseline: Option<String>,
    /// Notify new and resolved findings by the routes of this config file.
    #[arg(long, value_name = "CONFIG")]
    pub notify: Option<PathBuf>,
    /// Record the state as a scan after every batch of changes.
    #[arg(long)]
    pub record: bool,
    /// Name of the target in history (default: k8s:<context>).
    #[arg(long, value_name = "NAME")]
    pub target: Option<String>,
    /// Milliseconds to gather changes before evaluating them.
    #[arg(long, default_value_t = 100)]
    pub batch_ms: u64,
    /// Stop after this many seconds (default: until SIGTERM or Ctrl-C).
    #[arg(long, value_name = "SECONDS")]
    pub duration: Option<f64>,
    #[command(flatten)]
    pub state: StateArgs,
}

/// Arguments of `assay schedule`.
#[derive(Debug, Clone, Args)]
pub struct ScheduleArgs {
    /// The config file: jobs and notification routes (see docs/state.md).
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: PathBuf,
    /// Run this job once, now, and exit with its scan's exit code.
    #[arg(long, value_name = "JOB")]
    pub once: Option<String>,
    /// Print Kubernetes CronJobs (and their RBAC, ConfigMap, PVC) for the jobs, and exit.
    #[arg(long)]
    pub print_cronjobs: bool,
    /// Container image for --print-cronjobs.
    #[arg(long, default_value = "ghcr.io/assay-dev/assay:0.1.0")]
    pub image: String,
    #[command(flatten)]
    pub state: StateArgs,
}

/// The state store.
#[derive(Debug, Clone, Args, Default)]
pub struct StateArgs {
    /// State database (default: $XDG_STATE_HOME/assay/state.db, else ~/.local/state/assay/state.db).
    #[arg(long = "state", value_name = "PATH", env = "ASSAY_STATE")]
    pub path: Option<PathBuf>,
}

/// Arguments of `assay history`.
#[derive(Debug, Clone, Args)]
pub struct HistoryArgs {
    /// Only scans of this target (see the TARGET column).
    #[arg(long, value_name = "NAME")]
    pub target: Option<String>,
    /// At most this many scans.
    #[arg(long, short = 'n', default_value_t = 20)]
    pub limit: usize,
    /// Output format.
    #[arg(long, short, value_enum, default_value = "text")]
    pub format: DiffFormatArg,
    #[command(flatten)]
    pub state: StateArgs,
}

/// Formats of `diff`, `drift` and `history`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DiffFormatArg {
    /// For people.
    Text,
    /// For programs.
    Json,
    /// For pull requests and CI summaries.
    Markdown,
}

/// Arguments of `assay diff`.
#[derive(Debug, Clone, Args)]
pub struct DiffArgs {
    /// The older state: a scan id, `latest`, `latest~N`, or a snapshot file.
    pub from: String,
    /// The newer state (same forms).
    pub to: String,
    /// Resolve `latest` among scans of this target only.
    #[arg(long, value_name = "NAME")]
    pub target: Option<String>,
    /// Output format.
    #[arg(long, short, value_enum, default_value = "text")]
    pub format: DiffFormatArg,
    /// Policies that judge snapshot files (scans carry their findings).
    #[command(flatten)]
    pub policy: PolicyArgs,
    #[command(flatten)]
    pub state: StateArgs,
}

/// `assay baseline …`
#[derive(Debug, Subcommand)]
pub enum BaselineCommand {
    /// Bless a scan (`42`, `latest`), a snapshot file, or manifests (paths).
    Set(BaselineSetArgs),
    /// The baselines in the state store.
    List(BaselineListArgs),
}

/// Arguments of `assay baseline set`.
#[derive(Debug, Clone, Args)]
pub struct BaselineSetArgs {
    /// A scan reference, one snapshot file, or files/directories of manifests.
    #[arg(required = true)]
    pub sources: Vec<String>,
    /// Baseline name.
    #[arg(long, default_value = "default")]
    pub name: String,
    /// Resolve `latest` among scans of this target only.
    #[arg(long, value_name = "NAME")]
    pub target: Option<String>,
    #[command(flatten)]
    pub state: StateArgs,
}

/// Arguments of `assay baseline list`.
#[derive(Debug, Clone, Args)]
pub struct BaselineListArgs {
    #[command(flatten)]
    pub state: StateArgs,
}

/// One source of resources: files, a snapshot, the live cluster or the live
/// account (`fix` and `drift`).
#[derive(Debug, Clone, Args)]
pub struct SourceArgs {
    /// Manifest files or directories (`fix` rewrites them in place, keeping comments and formatting).
    pub paths: Vec<String>,
    /// The live Kubernetes cluster.
    #[arg(long, conflicts_with_all = ["paths", "aws", "snapshot"])]
    pub k8s: bool,
    #[command(flatten)]
    pub cluster: ClusterArgs,
    /// The live AWS account.
    #[arg(long, conflicts_with_all = ["paths", "snapshot"])]
    pub aws: bool,
    #[command(flatten)]
    pub account: AccountArgs,
    /// A snapshot file (from `assay snapshot`; `fix` only plans for one).
    #[arg(long, value_name = "FILE", conflicts_with = "paths")]
    pub snapshot: Option<PathBuf>,
}

impl SourceArgs {
    /// Nothing named at all.
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty() && self.snapshot.is_none() && !self.k8s && !self.aws
    }

    /// Collect the resources of this source.
    pub fn collect(&self) -> crate::state::Collected {
        crate::state::collect(
            &self.paths,
            self.snapshot.as_deref(),
            self.k8s.then_some(&self.cluster),
            self.aws.then_some(&self.account),
        )
    }
}

/// Arguments of `assay drift`.
#[derive(Debug, Clone, Args)]
pub struct DriftArgs {
    /// Where the resources come from.
    #[command(flatten)]
    pub source: SourceArgs,
    /// The baseline to compare against.
    #[arg(long = "against", value_name = "NAME", default_value = "default")]
    pub baseline: String,
    /// Also report live resources the baseline does not have (of kinds it has).
    #[arg(long)]
    pub unmanaged: bool,
    /// JSON pointer pattern to ignore (repeatable; `*` one segment, leading `**` any).
    #[arg(long = "ignore", value_name = "POINTER")]
    pub ignore: Vec<String>,
    /// Plan putting drifted Kubernetes objects back to the baseline (changed
    /// and missing fields, deleted objects).
    #[arg(long, requires = "k8s")]
    pub restore: bool,
    /// With --restore: perform it (server-side apply, dry run first, audited).
    #[arg(long, requires = "restore")]
    pub apply: bool,
    /// Do not ask before applying.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Refuse to apply more than this many changes.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub max_changes: usize,
    /// Output format.
    #[arg(long, short, value_enum, default_value = "text")]
    pub format: DiffFormatArg,
    #[command(flatten)]
    pub state: StateArgs,
}

/// Which cluster and what of it (`--k8s`).
#[derive(Debug, Clone, Args, Default)]
pub struct ClusterArgs {
    /// Kubeconfig file (default: KUBECONFIG, ~/.kube/config, then in-cluster).
    #[arg(long, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,
    /// Kubeconfig context (default: the current one).
    #[arg(long, value_name = "NAME")]
    pub context: Option<String>,
    /// Only this namespace (repeatable; default: all namespaces).
    #[arg(long = "k8s-namespace", value_name = "NS")]
    pub k8s_namespaces: Vec<String>,
    /// Only these kinds, comma-separated (`Deployment,apps/v1/StatefulSet`); default: every listable kind.
    #[arg(long, value_delimiter = ',', value_name = "KINDS")]
    pub kinds: Vec<String>,
    /// Objects per list page.
    #[arg(long, default_value_t = 500)]
    pub page_size: u32,
    /// Kinds listed concurrently.
    #[arg(long, default_value_t = 4)]
    pub list_concurrency: usize,
}

/// Which AWS account and regions (`--aws`).
#[derive(Debug, Clone, Args, Default)]
pub struct AccountArgs {
    /// Named profile (default: the standard credential chain).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Region (repeatable; default: every region enabled for the account).
    #[arg(long = "region", value_name = "REGION")]
    pub regions: Vec<String>,
    /// Regions collected concurrently.
    #[arg(long, default_value_t = 4)]
    pub region_concurrency: usize,
}

/// Arguments of `assay snapshot`.
#[derive(Debug, Clone, Args)]
pub struct SnapshotArgs {
    /// Files, directories or globs (manifests, Terraform plans, CloudFormation templates); `-` for stdin.
    #[arg(required_unless_present_any = ["k8s", "aws"])]
    pub paths: Vec<String>,
    /// Snapshot the live Kubernetes cluster instead.
    #[arg(long, conflicts_with_all = ["paths", "aws"])]
    pub k8s: bool,
    #[command(flatten)]
    pub cluster: ClusterArgs,
    /// Snapshot the live AWS account instead.
    #[arg(long, conflicts_with = "paths")]
    pub aws: bool,
    #[command(flatten)]
    pub account: AccountArgs,
    /// Write the snapshot here (default: standard output).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

/// `assay gate …`
#[derive(Debug, Subcommand)]
pub enum GateCommand {
    /// Manifests about to be applied: the verdicts the admission webhook would give.
    K8s(GateK8sArgs),
    /// A Terraform plan (`terraform show -json plan.out > plan.json`) before `apply`.
    Terraform(GateTerraformArgs),
}

/// Which policies a scan, a gate or the webhook loads.
#[derive(Debug, Clone, Args, Default)]
pub struct PolicyArgs {
    /// Extra policy directory or file (repeatable), adding to the built-ins:
    /// Rego, Gatekeeper templates and constraints, ValidatingAdmissionPolicies.
    #[arg(long = "policy", short = 'p', value_name = "PATH")]
    pub policies: Vec<PathBuf>,
    /// Do not load the built-in packs.
    #[arg(long)]
    pub no_builtin: bool,
    /// Load only this built-in pack (repeatable); see `assay policies list`.
    #[arg(long = "pack", value_name = "NAME")]
    pub packs: Vec<String>,
}

/// Arguments of `assay gate terraform`.
#[derive(Debug, Clone, Args)]
pub struct GateTerraformArgs {
    /// The plan as JSON, from `terraform show -json`; `-` reads standard input.
    pub plan: String,
    /// Exit 1 when a planned change fails a rule at or above this severity.
    #[arg(long, value_enum, default_value = "low")]
    pub fail_on: SeverityArg,
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// Output format.
    #[arg(long, short, value_enum, default_value = "text")]
    pub format: FormatArg,
    /// Write the report to FILE.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

/// Arguments of `assay gate k8s`.
#[derive(Debug, Clone, Args)]
pub struct GateK8sArgs {
    /// Manifest files, directories or globs; `-` reads standard input.
    #[arg(required = true)]
    pub paths: Vec<String>,
    /// Failing findings at or above this severity block (as `serve --deny-on`).
    #[arg(long, value_enum, default_value = "high")]
    pub deny_on: SeverityArg,
    /// Objects in this namespace pass unexamined (repeatable), as in the webhook.
    #[arg(long = "exempt-namespace", value_name = "NS", default_values_t = vec!["kube-system".to_string()])]
    pub exempt_namespaces: Vec<String>,
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// Output format.
    #[arg(long, short, value_enum, default_value = "text")]
    pub format: FormatArg,
    /// Write the report to FILE.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

/// Failure policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailurePolicyArg {
    /// Deny when a request cannot be evaluated in time.
    Fail,
    /// Allow when a request cannot be evaluated in time.
    Ignore,
}

/// Arguments of `assay serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "0.0.0.0:8443")]
    pub addr: String,
    /// PEM certificate (chain) to serve.
    #[arg(long, value_name = "FILE", required_unless_present = "print_manifests")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of the certificate.
    #[arg(long, value_name = "FILE", required_unless_present = "print_manifests")]
    pub tls_key: Option<PathBuf>,
    /// Require client certificates signed by this PEM CA (mutual TLS).
    #[arg(long, value_name = "FILE")]
    pub client_ca: Option<PathBuf>,
    /// Policies, as for `scan`; `--policy` paths are watched for changes.
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// Only the rules of this framework.
    #[arg(long, value_name = "NAME")]
    pub framework: Option<String>,
    /// Never evaluate requests in this namespace (repeatable).
    #[arg(long = "exempt-namespace", value_name = "NS", default_values_t = vec!["kube-system".to_string()])]
    pub exempt_namespaces: Vec<String>,
    /// Never evaluate requests by this user (repeatable).
    #[arg(long = "exempt-user", value_name = "USER")]
    pub exempt_users: Vec<String>,
    /// Never evaluate requests by members of this group (repeatable).
    #[arg(long = "exempt-group", value_name = "GROUP")]
    pub exempt_groups: Vec<String>,
    /// Failing findings at or above this severity deny; below it they are warnings.
    #[arg(long, value_enum, default_value = "high")]
    pub deny_on: SeverityArg,
    /// What to answer when a request cannot be evaluated in time.
    #[arg(long, value_enum, default_value = "fail")]
    pub failure_policy: FailurePolicyArg,
    /// Per-request deadline in milliseconds (keep it well under the webhook's timeoutSeconds).
    #[arg(long, default_value_t = 2000)]
    pub deadline_ms: u64,
    /// Largest request body accepted (larger: HTTP 400).
    #[arg(long, default_value_t = 3 * 1024 * 1024)]
    pub max_body_bytes: usize,
    /// Seconds between checks of the policy paths for changes (0: only SIGHUP).
    #[arg(long, default_value_t = 2)]
    pub watch_seconds: u64,
    /// Print the Kubernetes manifests to deploy the webhook, and exit.
    #[arg(long)]
    pub print_manifests: bool,
    /// Namespace for --print-manifests.
    #[arg(long, default_value = "assay-system")]
    pub namespace: String,
    /// Image for --print-manifests.
    #[arg(long, default_value = concat!("ghcr.io/assay-dev/assay:", env!("CARGO_PKG_VERSION")))]
    pub image: String,
    /// CA certificate (PEM) to embed as caBundle for --print-manifests; without it, cert-manager injects one.
    #[arg(long, value_name = "FILE")]
    pub ca_bundle: Option<PathBuf>,
}

/// `assay certs …`
#[derive(Debug, Subcommand)]
pub enum CertsCommand {
    /// A self-signed CA and a serving certificate for the webhook Service.
    Generate(CertsArgs),
}

/// Arguments of `assay certs generate`.
#[derive(Debug, Clone, Args)]
pub struct CertsArgs {
    /// Service name.
    #[arg(long, default_value = "assay-webhook")]
    pub service: String,
    /// Service namespace.
    #[arg(long, default_value = "assay-system")]
    pub namespace: String,
    /// Extra DNS name or IP address for the serving certificate (repeatable).
    #[arg(long = "san", value_name = "NAME")]
    pub sans: Vec<String>,
    /// Also issue a client certificate with this common name (for --client-ca).
    #[arg(long, value_name = "CN")]
    pub client: Option<String>,
    /// Validity in days.
    #[arg(long, default_value_t = 365)]
    pub days: u32,
    /// Output directory.
    #[arg(long, short, default_value = "certs")]
    pub out: PathBuf,
}

/// Arguments of `assay check`.
#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// Policy directories or .rego files.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Treat warnings (rules without tests, packages without metadata) as errors.
    #[arg(long)]
    pub strict: bool,
}

/// Arguments of `assay eval`.
#[derive(Debug, Clone, Args)]
pub struct EvalArgs {
    /// The query, e.g. `data.main.deny`.
    pub query: String,
    /// Input document (YAML or JSON; several YAML documents become an array); `-` for stdin.
    #[arg(long, short, value_name = "FILE")]
    pub input: Option<PathBuf>,
    /// Policy or data: a directory (its .rego files and data.json/data.yaml), a .rego file, or a JSON/YAML data file (repeatable).
    #[arg(long = "data", short = 'd', value_name = "PATH")]
    pub data: Vec<PathBuf>,
    /// `json`: OPA's result shape; `raw`: only the value of the first expression.
    #[arg(long, short, value_enum, default_value = "json")]
    pub format: EvalFormatArg,
}

/// Output formats of `assay eval`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EvalFormatArg {
    /// `{"result": [{"expressions": [...]}]}` as `opa eval` prints it.
    Json,
    /// The value alone (strings unquoted), as `opa eval --format raw`.
    Raw,
}

/// Output formats of the authoring commands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum AuthorFormatArg {
    /// For people.
    Text,
    /// For tools.
    Json,
}

/// Arguments of `assay test`.
#[derive(Debug, Clone, Args)]
pub struct TestArgs {
    /// Policy directories or .rego files (with their `*_test.rego`); `data.json`/`data.yaml` files load as data.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Only run tests whose full name (`data.pkg.test_x`) matches this regular expression.
    #[arg(long, value_name = "REGEX")]
    pub run: Option<String>,
    /// List every test, and show `print()` output of failing tests.
    #[arg(long, short)]
    pub verbose: bool,
    /// Output format.
    #[arg(long, short, value_enum, default_value = "text")]
    pub format: AuthorFormatArg,
    /// Report covered and not covered lines per policy file.
    #[arg(long)]
    pub coverage: bool,
    /// Fail when total coverage is below PCT (implies --coverage).
    #[arg(long, value_name = "PCT")]
    pub threshold: Option<f64>,
}

/// Output formats of `scan`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Grouped by file and resource, for people.
    Text,
    /// Assay's JSON report (docs/report.schema.json).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// JUnit XML: each rule a suite, each rule × resource a test case.
    Junit,
    /// Markdown, for pull-request comments and CI step summaries.
    Markdown,
    /// One self-contained HTML page (with a trend chart from the state store).
    Html,
}

/// Severity thresholds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    /// Only critical findings fail the run.
    Critical,
    /// High and above.
    High,
    /// Medium and above.
    Medium,
    /// Low and above.
    Low,
    /// Everything.
    Info,
}

impl From<SeverityArg> for assay_engine::Severity {
    fn from(s: SeverityArg) -> Self {
        match s {
            SeverityArg::Critical => Self::Critical,
            SeverityArg::High => Self::High,
            SeverityArg::Medium => Self::Medium,
            SeverityArg::Low => Self::Low,
            SeverityArg::Info => Self::Info,
        }
    }
}

/// Arguments of `assay scan`.
#[derive(Debug, Clone, Args)]
pub struct ScanArgs {
    /// Files, directories or globs to scan; `-` reads standard input.
    #[arg(required_unless_present_any = ["snapshot", "k8s", "aws"])]
    pub paths: Vec<String>,
    /// Evaluate a snapshot (from `assay snapshot`) instead of reading files.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["paths", "k8s", "aws"])]
    pub snapshot: Option<PathBuf>,
    /// Scan the live Kubernetes cluster of the current (or --context) kubeconfig context.
    #[arg(long, conflicts_with_all = ["paths", "aws"])]
    pub k8s: bool,
    #[command(flatten)]
    pub cluster: ClusterArgs,
    /// Scan the live AWS account of the standard credential chain (or --profile).
    #[arg(long, conflicts_with = "paths")]
    pub aws: bool,
    #[command(flatten)]
    pub account: AccountArgs,
    /// Output format.
    #[arg(long, short, value_enum, default_value = "text")]
    pub format: FormatArg,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Exit 1 when a failing finding is at or above this severity.
    #[arg(long, value_enum, default_value = "low")]
    pub fail_on: SeverityArg,
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// Run only the rules of this framework and summarise its controls
    /// (e.g. cis-kubernetes, pss-restricted, best-practices).
    #[arg(long, value_name = "NAME")]
    pub framework: Option<String>,
    /// Run policies without rule metadata (conftest style) only from this
    /// package (repeatable), as `conftest --namespace`; default: all.
    #[arg(long = "namespace", value_name = "PACKAGE")]
    pub namespaces: Vec<String>,
    /// Waivers file (YAML): rule, resource selector, reason, expires.
    #[arg(long, value_name = "FILE")]
    pub waivers: Option<PathBuf>,
    /// A previous JSON report: findings in it do not fail the run.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write this run's findings as a baseline (JSON report) to FILE.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Seconds one rule may spend on one resource before it is an error.
    #[arg(long, default_value_t = 5.0, value_name = "SECONDS")]
    pub timeout: f64,
    /// Colour text output: auto (when stdout is a terminal), always, never.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorArg,
    /// Never show progress.
    #[arg(long, short)]
    pub quiet: bool,
    /// Record this scan in the state store (history, diff, drift, trends).
    #[arg(long)]
    pub record: bool,
    /// Name of what is scanned, in history (default: derived from the inputs).
    #[arg(long, value_name = "NAME")]
    pub target: Option<String>,
    /// Notify what changed since the last recorded scan of the target, by
    /// the routes of this config file (see docs/state.md).
    #[arg(long, value_name = "CONFIG", requires = "record")]
    pub notify: Option<PathBuf>,
    #[command(flatten)]
    pub state: StateArgs,
}

/// Colour choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// When writing to a terminal.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// `assay policies …`
#[derive(Debug, Subcommand)]
pub enum PoliciesCommand {
    /// List rules: id, severity, title, frameworks.
    List(ListArgs),
    /// Show one rule in full.
    Show(ShowArgs),
}

/// Arguments of `assay policies list`.
#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    /// Only this pack.
    #[arg(long = "pack", value_name = "NAME")]
    pub packs: Vec<String>,
    /// Only the rules of this framework (e.g. cis-kubernetes, pss-restricted).
    #[arg(long, value_name = "NAME")]
    pub framework: Option<String>,
    /// Extra policy directories or files.
    #[arg(long = "policy", short = 'p', value_name = "PATH")]
    pub policies: Vec<PathBuf>,
    /// Output as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `assay policies show`.
#[derive(Debug, Clone, Args)]
pub struct ShowArgs {
    /// Rule id, e.g. K8S-PSS-003.
    pub id: String,
    /// Extra policy directories or files.
    #[arg(long = "policy", short = 'p', value_name = "PATH")]
    pub policies: Vec<PathBuf>,
}
