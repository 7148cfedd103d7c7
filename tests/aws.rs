//! The live AWS collector through the real AWS SDK against moto_server (the
//! AWS API emulator) on 127.0.0.1: EC2 in two regions concurrently, AWS
//! Config's discovered resources, `AWS_ENDPOINT_URL`, and the AWS rules on
//! what was collected. `.ci/run` installs moto into a virtualenv; set
//! `ASSAY_MOTO_SERVER` to use another `moto_server`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "integration tests fail loudly by design"
)]

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Moto {
    child: Child,
    url: String,
    python: PathBuf,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn moto_server() -> PathBuf {
    if let Some(p) = std::env::var_os("ASSAY_MOTO_SERVER") {
        return PathBuf::from(p);
    }
    let venv =
        PathBuf::from(std::env::var("HOME").unwrap()).join(".cache/assay/venv/bin/moto_server");
    if venv.exists() {
        return venv;
    }
    panic!("moto_server not found: run .ci/run (it installs moto into ~/.cache/assay/venv) or set ASSAY_MOTO_SERVER");
}

fn start() -> Moto {
    let server = moto_server();
    let python = server.with_file_name("python");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(&server)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Dropping the handle kills and reaps the server, whatever happens next.
    let moto = Moto {
        child,
        url: format!("http://127.0.0.1:{port}"),
        python,
    };
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return moto;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("moto_server did not start");
}

fn aws_env(cmd: &mut Command, url: &str) {
    cmd.env("AWS_ENDPOINT_URL", url)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent");
}

fn seed(moto: &Moto) -> Value {
    let mut cmd = Command::new(&moto.python);
    cmd.arg(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/aws/seed.py"))
        .arg(&moto.url);
    aws_env(&mut cmd, &moto.url);
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn assay(moto: &Moto, args: &[&str]) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_assay"));
    cmd.args(args);
    aws_env(&mut cmd, &moto.url);
    cmd.output().unwrap()
}

fn find<'a>(snap: &'a Value, kind: &str, name: &str) -> &'a Value {
    snap["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"]["kind"] == kind && r["id"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name}"))
}

#[test]
fn snapshot_of_an_account_across_regions_in_the_api_shape() {
    let moto = start();
    let ids = seed(&moto);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aws.json");
    let out = assay(
        &moto,
        &[
            "snapshot",
            "--aws",
            "--region",
            "us-east-1",
            "--region",
            "eu-west-1",
            "-o",
            path.to_str().unwrap(),
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let snap: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(snap["collector"], "aws");
    assert_eq!(
        snap["scope"],
        serde_json::json!(["region=eu-west-1", "region=us-east-1"])
    );
    let sg = find(
        &snap,
        "AWS::EC2::SecurityGroup",
        ids["open_sg"].as_str().unwrap(),
    );
    assert_eq!(sg["id"]["scope"], "us-east-1");
    let ssh = sg["body"]["IpPermissions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["FromPort"] == 22)
        .unwrap();
    assert_eq!(ssh["IpRanges"][0]["CidrIp"], "0.0.0.0/0");
    let legacy = find(&snap, "AWS::EC2::Instance", ids["legacy"].as_str().unwrap());
    assert_eq!(legacy["body"]["MetadataOptions"]["HttpTokens"], "optional");
    let plain = find(&snap, "AWS::EC2::Volume", ids["plain"].as_str().unwrap());
    assert_eq!(plain["body"]["Encrypted"], false);
    let eu = find(
        &snap,
        "AWS::EC2::SecurityGroup",
        ids["eu_sg"].as_str().unwrap(),
    );
    assert_eq!(eu["id"]["scope"], "eu-west-1");
    find(&snap, "AWS::EC2::EBSEncryptionByDefault", "us-east-1");
    // AWS Config's view: the S3 bucket moto's Config discovers. moto returns
    // configuration items with `2026-11-23 18:50:37+00:00` timestamps (AWS
    // sends epoch seconds), which the SDK refuses; the collection then keeps
    // the discovered resources without configuration and reports the
    // service as failed — a partial result, exit 2, nothing dropped.
    let bucket = find(&snap, "AWS::S3::Bucket", "acme-audit-logs");
    assert_eq!(bucket["body"]["ResourceType"], "AWS::S3::Bucket");
    let config_errors: Vec<&Value> = snap["errors"].as_array().unwrap().iter().collect();
    assert!(
        config_errors.iter().all(|e| e["message"]
            .as_str()
            .unwrap()
            .starts_with("config:BatchGetResourceConfig")),
        "only Config's items may fail: {config_errors:?}"
    );
    assert!(matches!(out.status.code(), Some(0 | 2)), "{stderr}");
}

#[test]
fn scan_aws_judges_the_live_account() {
    let moto = start();
    let ids = seed(&moto);
    let out = assay(
        &moto,
        &[
            "scan",
            "--aws",
            "--region",
            "us-east-1",
            "--pack",
            "aws",
            "--format",
            "json",
        ],
    );
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    // 1 (findings), or 2 when moto's Config items could not be read (above).
    assert!(matches!(out.status.code(), Some(1 | 2)), "{report:#}");
    for e in report["errors"].as_array().unwrap() {
        assert!(
            e["message"]
                .as_str()
                .unwrap()
                .contains("config:BatchGetResourceConfig"),
            "{e}"
        );
    }
    let findings = report["findings"].as_array().unwrap();
    let on = |id: &str| -> Vec<String> {
        findings
            .iter()
            .filter(|f| f["resource"]["name"] == id && f["status"] == "fail")
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect()
    };
    let open = on(ids["open_sg"].as_str().unwrap());
    assert!(
        !open.is_empty(),
        "the SSH-open group must fail: {findings:#?}"
    );
    assert!(on(ids["closed_sg"].as_str().unwrap()).is_empty());
    assert!(
        !on(ids["legacy"].as_str().unwrap()).is_empty(),
        "IMDSv1 allowed must fail"
    );
    assert!(
        on(ids["hardened"].as_str().unwrap()).is_empty(),
        "IMDSv2 required passes"
    );
    assert!(
        !on(ids["plain"].as_str().unwrap()).is_empty(),
        "an unencrypted volume fails"
    );
    assert!(on(ids["secret"].as_str().unwrap()).is_empty());
    let f = findings
        .iter()
        .find(|f| f["resource"]["name"] == ids["open_sg"])
        .unwrap();
    assert_eq!(f["location"]["endpoint"], "aws://us-east-1");
}

#[test]
fn no_credentials_or_endpoint_is_a_clear_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_assay"))
        .args(["scan", "--aws"])
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_MAX_ATTEMPTS", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("cannot list the account's regions"));
}

fn failing(moto: &Moto, rule: &str) -> Vec<String> {
    let out = assay(
        moto,
        &["scan", "--aws", "--region", "us-east-1", "--format", "json"],
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule && f["status"] == "fail")
        .map(|f| f["resource"]["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn fix_revokes_the_one_open_permission_and_rolls_back() {
    let moto = start();
    let ids = seed(&moto);
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.db");
    let st = state.to_str().unwrap();
    let open_sg = ids["open_sg"].as_str().unwrap();
    let legacy = ids["legacy"].as_str().unwrap();
    assert_eq!(failing(&moto, "AWS-EC2-001"), vec![open_sg.to_string()]);
    assert!(failing(&moto, "AWS-EC2-004").contains(&legacy.to_string()));
    let fix = |extra: &[&str]| {
        let mut args = vec![
            "fix",
            "--aws",
            "--region",
            "us-east-1",
            "--rule",
            "AWS-EC2-001",
            "--rule",
            "AWS-EC2-004",
            "--state",
            st,
        ];
        args.extend_from_slice(extra);
        assay(&moto, &args)
    };
    let plan = fix(&[]);
    let text = String::from_utf8_lossy(&plan.stdout).to_string();
    // 2 when moto's AWS Config answer trips the SDK (see above); the plan is whole either way.
    assert!(
        matches!(plan.status.code(), Some(1 | 2)),
        "{text}{}",
        String::from_utf8_lossy(&plan.stderr)
    );
    assert!(text.contains("2 changes planned"), "{text}");
    assert!(
        text.contains("call ec2:RevokeSecurityGroupIngress") && text.contains("\"FromPort\":22"),
        "{text}"
    );
    assert!(
        text.contains("undo: ec2:AuthorizeSecurityGroupIngress"),
        "{text}"
    );
    assert!(
        text.contains("call ec2:ModifyInstanceMetadataOptions"),
        "{text}"
    );
    assert_eq!(
        failing(&moto, "AWS-EC2-001"),
        vec![open_sg.to_string()],
        "a plan changes nothing"
    );

    let applied = fix(&["--apply", "--yes"]);
    let text = String::from_utf8_lossy(&applied.stdout).to_string();
    assert_eq!(
        applied.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&applied.stderr)
    );
    assert!(
        failing(&moto, "AWS-EC2-001").is_empty(),
        "the open SSH permission is gone"
    );
    assert!(
        !failing(&moto, "AWS-EC2-004").contains(&legacy.to_string()),
        "IMDSv2 is required now"
    );
    // Only that permission: the group's other rule (HTTPS from the VPC) stays.
    let snap = assay(&moto, &["snapshot", "--aws", "--region", "us-east-1"]);
    let snap: Value = serde_json::from_slice(&snap.stdout).unwrap();
    let sg = find(&snap, "AWS::EC2::SecurityGroup", open_sg);
    let perms = sg["body"]["IpPermissions"].as_array().unwrap();
    assert!(!perms.iter().any(|p| p["FromPort"] == 22), "{perms:?}");
    // Idempotent: nothing left to do.
    let again = fix(&[]);
    assert!(matches!(again.status.code(), Some(0 | 2)));
    assert!(String::from_utf8_lossy(&again.stdout).contains("0 changes planned"));

    let log: Value =
        serde_json::from_slice(&assay(&moto, &["fix", "log", "-f", "json", "--state", st]).stdout)
            .unwrap();
    let revoke = log
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["change"]["plan"]["action"] == "ec2:RevokeSecurityGroupIngress")
        .unwrap();
    assert_eq!(revoke["result"], "applied");
    assert_eq!(revoke["before"]["IpPermissions"][0]["FromPort"], 22);
    let id = revoke["id"].to_string();
    let back = assay(&moto, &["fix", "rollback", &id, "--yes", "--state", st]);
    assert_eq!(
        back.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&back.stderr)
    );
    assert_eq!(
        failing(&moto, "AWS-EC2-001"),
        vec![open_sg.to_string()],
        "rolled back: open again"
    );
}
