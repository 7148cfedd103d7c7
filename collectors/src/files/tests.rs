use super::*;
use assay_engine::resource::Position;

fn scan(text: &str) -> FileScan {
    parse("m.yaml", text, &FileLimits::default())
}

#[test]
fn kubernetes_objects_become_resources() {
    let s = scan("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: prod\n---\nfoo: bar\n");
    assert_eq!(s.resources.len(), 1);
    let r = &s.resources[0];
    assert_eq!(r.id.to_string(), "kubernetes:apps/v1/Deployment:prod/web");
    assert_eq!(s.notes.len(), 1);
    assert!(
        s.notes[0]
            .to_string()
            .starts_with("m.yaml:7:1: document 2 skipped"),
        "{}",
        s.notes[0]
    );
}

#[test]
fn lists_are_flattened_with_positions() {
    let text = "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Pod\n    metadata: {name: a}\n  - apiVersion: v1\n    kind: Pod\n    metadata:\n      name: b\n    spec:\n      hostPID: true\n";
    let s = scan(text);
    let names: Vec<&str> = s.resources.iter().map(|r| r.id.name.as_str()).collect();
    assert_eq!(names, vec!["a", "b"]);
    let b = &s.resources[1];
    let Source::File { spans, line, .. } = &b.source else {
        panic!()
    };
    assert_eq!(*line, 7);
    assert_eq!(
        spans.locate(
            &b.body,
            &[
                PathSegment::Key("spec".into()),
                PathSegment::Key("hostPID".into())
            ]
        ),
        Some(Position {
            line: 12,
            column: 7
        })
    );
}

#[test]
fn secrets_are_redacted_at_collection() {
    let text = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: '{\"data\":{\"password\":\"aHVudGVyMg==\"}}'\ndata:\n  password: aHVudGVyMg==\nstringData:\n  token: hunter2\n";
    let s = scan(text);
    let body = serde_json::to_string(&s.resources[0].body).unwrap();
    assert!(!body.contains("aHVudGVyMg"), "{body}");
    assert!(!body.contains("hunter2"), "{body}");
    assert!(body.contains("\"password\":\"<redacted>\""), "{body}");
}

#[test]
fn malformed_secret_errors_do_not_quote_the_line() {
    let s = scan("apiVersion: v1\nkind: Secret\nstringData:\n  token: \"hunter2\n");
    assert_eq!(s.errors.len(), 1);
    assert!(
        !s.errors[0].to_string().contains("hunter2"),
        "{}",
        s.errors[0]
    );
}

#[test]
fn errors_name_file_line_and_column() {
    let s = scan("apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n    x: y\n");
    let e = s.errors.first().unwrap();
    assert_eq!(e.file.as_deref(), Some("m.yaml"));
    assert!(e.line.is_some() && e.column.is_some());
    assert!(e.source_line.is_some());
}

#[test]
fn discover_walks_directories_and_globs_honouring_gitignore() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("k8s/skip")).unwrap();
    std::fs::write(root.join("k8s/a.yaml"), "a: 1").unwrap();
    std::fs::write(root.join("k8s/b.json"), "{}").unwrap();
    std::fs::write(root.join("k8s/notes.txt"), "x").unwrap();
    std::fs::write(root.join("k8s/skip/c.yaml"), "c: 1").unwrap();
    std::fs::write(root.join("k8s/.ignore"), "skip/\n").unwrap();
    let found = discover(&[root.join("k8s").to_string_lossy().to_string()]).unwrap();
    let names: Vec<String> = found
        .iter()
        .map(|i| match i {
            Input::File(p) => p.file_name().unwrap().to_string_lossy().to_string(),
            Input::Stdin => "-".into(),
        })
        .collect();
    assert_eq!(names, vec!["a.yaml", "b.json"]);
    let glob = format!("{}/k8s/*.json", root.display());
    assert_eq!(discover(&[glob]).unwrap().len(), 1);
    assert!(matches!(
        discover(&[format!("{}/nope.yaml", root.display())]),
        Err(CollectError::NoSuchPath(_))
    ));
}

#[test]
fn oversized_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("big.yaml");
    std::fs::write(&p, "a: 1\n".repeat(100)).unwrap();
    let limits = FileLimits {
        max_bytes: 64,
        ..FileLimits::default()
    };
    let s = load(&Input::File(p), &limits);
    assert!(
        s.errors[0].message.contains("larger than"),
        "{}",
        s.errors[0]
    );
}
