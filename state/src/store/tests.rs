use super::*;
use assay_engine::resource::{Provider, ResourceId, Source};
use serde_json::json;

fn pod(name: &str, image: &str) -> Resource {
    Resource {
        id: ResourceId {
            provider: Provider::Kubernetes,
            kind: "v1/Pod".into(),
            scope: "shop".into(),
            name: name.into(),
        },
        source: Source::Live {
            endpoint: "https://k8s".into(),
        },
        body: json!({"metadata": {"name": name}, "spec": {"containers": [{"name": "a", "image": image}]}}),
    }
}

fn new_scan<'a>(target: &'a str, packs: &'a [String]) -> NewScan<'a> {
    NewScan {
        target,
        origin: "scan",
        started: "2026-11-23T00:00:00Z",
        finished: "2026-11-23T00:00:01Z",
        tool_version: "0.0.0",
        packs,
        summary: json!({"resources": 0}),
        compliance: json!([]),
        errors: json!([]),
        exit_code: 0,
        findings: &[],
    }
}

fn record(store: &mut Store, target: &str, pods: &[Resource]) -> i64 {
    let rec = store.recorder().unwrap();
    for p in pods {
        rec.add(p);
    }
    store.commit_scan(rec, &new_scan(target, &[])).unwrap()
}

fn versions(store: &Store) -> i64 {
    store
        .conn
        .query_row("SELECT COUNT(*) FROM versions", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn migrates_once_and_refuses_a_newer_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/state.db");
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    drop(store);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    store
        .conn
        .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    drop(store);
    let err = Store::open(&path).unwrap_err().to_string();
    assert!(err.contains("upgrade assay"), "{err}");
}

#[test]
fn unchanged_resources_cost_no_new_version() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db")).unwrap();
    let pods: Vec<Resource> = (0..50).map(|i| pod(&format!("p{i}"), "web:1")).collect();
    let first = record(&mut store, "k8s:test", &pods);
    assert_eq!(versions(&store), 50);
    let mut changed = pods.clone();
    changed[7] = pod("p7", "web:2");
    let second = record(&mut store, "k8s:test", &changed);
    assert_eq!(versions(&store), 51, "only the changed pod adds a version");
    let cached = store.known.borrow().as_ref().map_or(0, |k| k.len());
    assert_eq!(
        cached, 51,
        "the store knows its own new versions without re-reading"
    );
    assert_eq!(store.resolve("latest", None).unwrap(), second);
    assert_eq!(store.resolve("latest~1", Some("k8s:test")).unwrap(), first);
    assert!(matches!(
        store.resolve("latest~2", None),
        Err(StateError::NoScan(_))
    ));
    assert!(matches!(
        store.resolve("nonsense", None),
        Err(StateError::NoScan(_))
    ));
    let a = store.view(first).unwrap();
    let mut b = store.view(second).unwrap();
    assert_eq!(a.resources.len(), 50);
    let keys = crate::diff::changed_keys(&a, &b);
    assert_eq!(keys, vec!["kubernetes:v1/Pod:shop/p7".to_string()]);
    let mut a = a;
    store.load_bodies(&mut a, &keys).unwrap();
    store.load_bodies(&mut b, &keys).unwrap();
    let d = crate::diff::diff(&a, &b);
    assert_eq!(d.changed.len(), 1);
    assert_eq!(d.changed[0].changes[0].pointer, "/spec/containers/0/image");
    assert_eq!(d.unchanged, 49);
    assert!(store.verify().unwrap().is_empty());
    let history = store.history(Some("k8s:test"), 10).unwrap();
    assert_eq!(
        history.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![second, first]
    );
    assert_eq!(history[0].resources, 50);
}

#[test]
fn small_flushes_during_a_big_scan_give_the_same_ids() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db")).unwrap();
    let rec = store.recorder().unwrap();
    let pods: Vec<Resource> = (0..20).map(|i| pod(&format!("p{i}"), "x")).collect();
    for p in &pods {
        rec.add(p);
        // force a flush after each resource
        let mut inner = rec.inner.lock().unwrap();
        flush(&mut inner, store.path()).unwrap();
    }
    rec.add(&pods[0]);
    let id = store.commit_scan(rec, &new_scan("t", &[])).unwrap();
    assert_eq!(store.view(id).unwrap().resources.len(), 20);
    assert_eq!(versions(&store), 20);
}

#[test]
fn findings_round_trip_and_are_shared_across_scans() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db")).unwrap();
    let f: Finding = serde_json::from_value(json!({
        "rule": "R-1", "title": "t", "severity": "high", "status": "fail", "message": "m",
        "resource": {"provider": "kubernetes", "kind": "v1/Pod", "namespace": "shop", "name": "p", "id": "kubernetes:v1/Pod:shop/p"},
        "location": {"endpoint": "https://k8s", "pointer": "/spec"},
        "fingerprint": "abc"
    }))
    .unwrap();
    for _ in 0..3 {
        let rec = store.recorder().unwrap();
        let findings = [f.clone()];
        let mut scan = new_scan("t", &[]);
        scan.findings = &findings;
        store.commit_scan(rec, &scan).unwrap();
    }
    let n: i64 = store
        .conn
        .query_row("SELECT COUNT(*) FROM findings", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(store.view(3).unwrap().findings, vec![f]);
}

#[test]
fn baselines_from_scans_and_from_recorders() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db")).unwrap();
    let id = record(&mut store, "t", &[pod("a", "1"), pod("b", "1")]);
    assert_eq!(store.set_baseline_from_scan("prod", id, "now").unwrap(), 2);
    let rec = store.recorder().unwrap();
    rec.add(&pod("c", "1"));
    assert_eq!(store.set_baseline("files", "k8s/", "now", rec).unwrap(), 1);
    let (_, source, view) = store.baseline("prod").unwrap();
    assert_eq!(source, "scan 1");
    assert!(view.resources.values().all(|e| e.body.is_some()));
    assert_eq!(store.baselines().unwrap().len(), 2);
    assert!(matches!(
        store.baseline("nope"),
        Err(StateError::NoBaseline(_))
    ));
}

#[test]
fn concurrent_writers_from_many_connections_all_land() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    Store::open(&path).unwrap();
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut store = Store::open(&path).unwrap();
                for i in 0..10 {
                    let pods: Vec<Resource> = (0..20)
                        .map(|j| pod(&format!("p{j}"), &format!("{}", (i + j + t) % 7)))
                        .collect();
                    record(&mut store, &format!("t{t}"), &pods);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.history(None, 1000).unwrap().len(), 40);
    assert!(store.verify().unwrap().is_empty());
}

#[test]
fn an_older_database_is_migrated_in_place_keeping_its_scans() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        // A database as the first schema version left it.
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute(
            "INSERT INTO scans (target, origin, started, finished, tool_version, packs, summary, compliance, errors, exit_code, resource_count, finding_count, resources, findings)
             VALUES ('t', 'scan', 's', 'f', '0', '[]', '{}', '[]', '[]', 0, 0, 0, x'', x'')",
            [],
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(store.history(None, 10).unwrap().len(), 1);
    store.set_job_run("nightly", 42, None).unwrap();
    assert_eq!(store.job_last_run("nightly").unwrap(), Some((42, None)));
    store.set_job_run("nightly", 43, Some(1)).unwrap();
    assert_eq!(store.job_last_run("nightly").unwrap(), Some((43, Some(1))));
}

#[test]
fn an_open_refused_as_busy_is_tried_again_and_other_errors_are_not() {
    let error = |code| StateError::Sqlite {
        path: "x".into(),
        source: rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None),
    };
    let mut calls = 0;
    let opened = retry_busy(|| {
        calls += 1;
        if calls < 3 {
            Err(error(rusqlite::ffi::SQLITE_BUSY))
        } else {
            Ok(calls)
        }
    });
    assert_eq!(opened.unwrap(), 3);
    let mut calls = 0;
    let failed = retry_busy(|| -> Result<(), StateError> {
        calls += 1;
        Err(error(rusqlite::ffi::SQLITE_CORRUPT))
    });
    assert!(failed.is_err());
    assert_eq!(calls, 1);
}
