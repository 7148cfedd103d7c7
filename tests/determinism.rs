//! Parallel evaluation gives byte-identical output to a single-threaded run.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "integration tests fail loudly by design"
)]

use assay_collectors::files::{parse, FileLimits};
use assay_engine::waiver::Date;
use assay_engine::{evaluate_all, evaluate_sequential, EvalContext, PolicySetBuilder};

#[test]
fn parallel_output_is_byte_identical_to_sequential() {
    let mut text = String::new();
    for name in [
        "web.yaml",
        "node-agent.yaml",
        "batch.yaml",
        "compliant.yaml",
    ] {
        let doc = std::fs::read_to_string(format!(
            "{}/testdata/demo/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        for i in 0..60 {
            text.push_str("---\n");
            text.push_str(&doc.replace("name: ", &format!("name: n{i}-")));
            text.push('\n');
        }
    }
    let scan = parse("many.yaml", &text, &FileLimits::default());
    assert!(scan.errors.is_empty(), "{:?}", scan.errors);
    assert!(scan.resources.len() >= 300);
    let mut builder = PolicySetBuilder::new();
    for m in assay::builtin::modules(&[]) {
        builder.add(m);
    }
    let set = builder.build();
    let ctx = EvalContext {
        waivers: Vec::new(),
        today: Date::from_unix_days(20_000),
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .unwrap();
    let parallel = pool.install(|| evaluate_all(&set, &ctx, &scan.resources));
    let sequential = evaluate_sequential(&set, &ctx, &scan.resources);
    assert!(parallel.len() >= 600, "{}", parallel.len());
    assert_eq!(
        serde_json::to_string(&parallel).unwrap(),
        serde_json::to_string(&sequential).unwrap()
    );
}
