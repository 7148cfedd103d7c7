use super::*;
use serde_json::json;

fn load(text: &str) -> Vec<Resource> {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("w.yaml");
    std::fs::write(&p, text).unwrap();
    let inputs = assay_collectors::files::discover(&[p.to_string_lossy().to_string()]).unwrap();
    let scan = assay_collectors::files::load(&inputs[0], &Default::default());
    assert!(scan.errors.is_empty(), "{:?}", scan.errors);
    scan.resources
}

const WORKLOADS: &str = include_str!("../../tests/data/workloads.yaml");

#[test]
fn fixes_edit_only_what_they_change_and_keep_comments() {
    let rs = load(WORKLOADS);
    let web_ops = vec![
        json!({"op": "replace", "path": "/spec/template/spec/containers/0/securityContext/privileged", "value": false}),
        json!({"op": "replace", "path": "/spec/template/spec/hostNetwork", "value": false}),
        json!({"op": "add", "path": "/spec/template/spec/containers/0/securityContext/allowPrivilegeEscalation", "value": false}),
        json!({"op": "add", "path": "/spec/template/spec/containers/1/securityContext", "value": {}}),
        json!({"op": "add", "path": "/spec/template/spec/containers/1/securityContext/runAsNonRoot", "value": true}),
        json!({"op": "add", "path": "/spec/template/spec/securityContext", "value": {}}),
        json!({"op": "add", "path": "/spec/template/spec/securityContext/seccompProfile", "value": {"type": "RuntimeDefault"}}),
        json!({"op": "remove", "path": "/spec/replicas"}),
    ];
    let pod_ops = vec![
        json!({"op": "add", "path": "/spec/containers/0/securityContext/readOnlyRootFilesystem", "value": true}),
        json!({"op": "replace", "path": "/spec/containers/0/image", "value": "busybox:1.37"}),
    ];
    let out = rewrite(WORKLOADS, &[(&rs[0], &web_ops), (&rs[1], &pod_ops)]).unwrap();
    insta::assert_snapshot!("workloads_fixed", out);
    insta::assert_snapshot!("workloads_diff", unified_diff("w.yaml", WORKLOADS, &out));
    // Every untouched line is still there, comments included.
    for line in [
        "# Web tier. Reviewed 2026-10-01; do not reorder.",
        "  name: web            # public name",
        "          # the sidecar below ships logs",
    ] {
        assert!(out.contains(line), "{line}");
    }
    // Idempotent: the fixed file needs no edit.
    let again = load(&out);
    let same = rewrite(&out, &[(&again[0], &web_ops[..7]), (&again[1], &pod_ops)]).unwrap();
    assert_eq!(same, out);
}

#[test]
fn what_cannot_be_edited_safely_is_refused() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    args: |\n      run\n";
    let rs = load(text);
    let e = rewrite(
        text,
        &[(
            &rs[0],
            &[json!({"op": "replace", "path": "/spec/containers/0/args", "value": "x"})],
        )],
    )
    .unwrap_err();
    assert!(e.0.contains("block values"), "{e}");
}

#[test]
fn scalars_are_quoted_only_when_needed() {
    assert_eq!(scalar(&json!("RuntimeDefault")), "RuntimeDefault");
    assert_eq!(scalar(&json!("true")), "\"true\"");
    assert_eq!(scalar(&json!("1.5")), "\"1.5\"");
    assert_eq!(scalar(&json!("a b")), "\"a b\"");
    assert_eq!(
        flow(&json!({"type": "RuntimeDefault", "ports": [1, "x y"]})),
        "{type: RuntimeDefault, ports: [1, \"x y\"]}"
    );
    // `n`, `on`, `yes` are booleans to YAML 1.1 readers: quoted.
    assert_eq!(scalar(&json!("n")), "\"n\"");
}
