//! Facts the built-in library derives from a Kubernetes workload, computed
//! natively for the VM.
//!
//! `lib/kubernetes.rego` finds a workload's pod spec and its containers
//! (each with its path, name, label and securityContext) for every rule
//! that reads them. On regorus's VM that took about 90,000 instructions of
//! a two-container Deployment's review, a twelfth of it; here it takes a
//! few thousand. The evaluator hands the facts to the VM as
//! `data.assay_native.kubernetes` and the library takes them from there
//! when they are present; without them (on the interpreter, which runs
//! user policies, and in `assay test`) it computes them itself. The
//! fixture test holds the two to the same findings on every built-in
//! fixture. (A rule on the VM that swapped `input` with `with input as`
//! would read the facts of the real input: no built-in rule does, which a
//! test checks.)
//!
//! Only what is certain to come out exactly as the Rego would is computed:
//! a container name that is not plain printable text (whose `%q` quoting
//! the Rego leaves to `sprintf`) leaves the whole workload to the library.

use regorus::Value;
use std::collections::BTreeMap;

/// Kinds whose pod template sits at `spec.template` (the library's
/// `template_kinds`).
const TEMPLATE_KINDS: [&str; 6] = [
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
];

/// The container lists of a pod spec, in the order pod-security-admission
/// visits them (the library's `container_fields`).
const CONTAINER_FIELDS: [&str; 3] = ["initContainers", "containers", "ephemeralContainers"];

/// `{"pod_spec": …, "containers": […]}` as the library's `pod_spec` and
/// `containers` are for `input`; None when `input` has no pod spec or is
/// not covered exactly (see the module documentation).
pub(crate) fn kubernetes(input: &Value) -> Option<Value> {
    let (pod_spec, spec, path) = pod_spec(input)?;
    let mut containers = Vec::new();
    for field in CONTAINER_FIELDS {
        // `object.get(spec, field, [])`, then `is_array`.
        let Some(Value::Array(list)) = get(spec, field) else {
            continue;
        };
        for (i, c) in list.iter().enumerate() {
            if !matches!(c, Value::Object(_)) {
                continue;
            }
            let name = match get(c, "name") {
                None => Value::from(""),
                Some(name) => name.clone(),
            };
            let label = format!("container \"{}\"", plain(&name)?);
            let security_context = match get(c, "securityContext") {
                Some(sc @ Value::Object(_)) => sc.clone(),
                _ => Value::new_object(),
            };
            let mut item_path = path.clone();
            item_path.push(Value::from(field));
            item_path.push(Value::from(i));
            containers.push(object([
                ("container", c.clone()),
                ("label", Value::from(label)),
                ("name", name),
                ("path", Value::from(item_path)),
                ("security_context", security_context),
            ]));
        }
    }
    Some(object([
        ("containers", Value::from(containers)),
        ("pod_spec", pod_spec),
    ]))
}

/// The library's `pod_spec` object, its `spec`, and its path.
fn pod_spec(input: &Value) -> Option<(Value, &Value, Vec<Value>)> {
    let kind = get(input, "kind")?.as_string().ok()?;
    let spec = get(input, "spec")?;
    // (holder of the pod spec and its metadata, its path)
    let (holder, at): (&Value, &[&str]) = match &**kind {
        "Pod" => (input, &[]),
        k if TEMPLATE_KINDS.contains(&k) => (get(spec, "template")?, &["spec", "template"]),
        "CronJob" => {
            let template = get(get(get(spec, "jobTemplate")?, "spec")?, "template")?;
            (template, &["spec", "jobTemplate", "spec", "template"])
        }
        _ => return None,
    };
    let pod = get(holder, "spec")?;
    if !matches!(pod, Value::Object(_)) {
        return None;
    }
    let path_to = |last: &str| -> Vec<Value> {
        at.iter()
            .chain(std::iter::once(&last))
            .map(|s| Value::from(*s))
            .collect()
    };
    let path = path_to("spec");
    // `object.get(holder, "metadata", {})`: present (even null), or {}.
    let metadata = get(holder, "metadata")
        .cloned()
        .unwrap_or_else(Value::new_object);
    let value = object([
        ("metadata", metadata),
        ("metadata_path", Value::from(path_to("metadata"))),
        ("path", Value::from(path.clone())),
        ("spec", pod.clone()),
    ]);
    Some((value, pod, path))
}

/// The member `key` of an object (None for a missing key or a non-object).
fn get<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    match v {
        Value::Object(o) => o.get(&Value::from(key)),
        _ => None,
    }
}

/// A name that `sprintf("%q")` quotes by adding the quotes alone.
fn plain(name: &Value) -> Option<&str> {
    let s = name.as_string().ok()?;
    s.bytes()
        .all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\')
        .then_some(&**s)
}

fn object<const N: usize>(fields: [(&str, Value); N]) -> Value {
    Value::from(
        fields
            .into_iter()
            .map(|(k, v)| (Value::from(k), v))
            .collect::<BTreeMap<_, _>>(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn facts(input: serde_json::Value) -> Option<serde_json::Value> {
        kubernetes(&Value::from(input)).map(|v| serde_json::to_value(v).unwrap_or_default())
    }

    #[test]
    fn a_deployment_s_pod_spec_and_containers() {
        let got = facts(json!({
            "kind": "Deployment",
            "spec": {"template": {"spec": {
                "initContainers": [{"name": "init"}],
                "containers": [
                    {"name": "app", "securityContext": {"privileged": true}},
                    "not a container",
                    {"securityContext": null},
                ],
            }}},
        }));
        let path = |f: &str, i: usize| json!(["spec", "template", "spec", f, i]);
        assert_eq!(
            got,
            Some(json!({
                "pod_spec": {
                    "spec": {
                        "initContainers": [{"name": "init"}],
                        "containers": [
                            {"name": "app", "securityContext": {"privileged": true}},
                            "not a container",
                            {"securityContext": null},
                        ],
                    },
                    "path": ["spec", "template", "spec"],
                    "metadata": {},
                    "metadata_path": ["spec", "template", "metadata"],
                },
                "containers": [
                    {"container": {"name": "init"}, "name": "init", "label": "container \"init\"",
                     "path": path("initContainers", 0), "security_context": {}},
                    {"container": {"name": "app", "securityContext": {"privileged": true}},
                     "name": "app", "label": "container \"app\"", "path": path("containers", 0),
                     "security_context": {"privileged": true}},
                    {"container": {"securityContext": null}, "name": "", "label": "container \"\"",
                     "path": path("containers", 2), "security_context": {}},
                ],
            }))
        );
    }

    #[test]
    fn pods_and_cron_jobs_and_their_metadata() {
        let pod = facts(json!({"kind": "Pod", "metadata": null, "spec": {"containers": []}}));
        assert_eq!(
            pod.map(|f| f["pod_spec"].clone()),
            Some(
                json!({"spec": {"containers": []}, "path": ["spec"], "metadata": null, "metadata_path": ["metadata"]})
            )
        );
        let cron = facts(
            json!({"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {
                "metadata": {"labels": {"a": "b"}},
                "spec": {"containers": [{"name": "c"}]},
            }}}}}),
        );
        let cron = cron.unwrap_or_default();
        assert_eq!(cron["pod_spec"]["metadata"], json!({"labels": {"a": "b"}}));
        assert_eq!(
            cron["containers"][0]["path"],
            json!([
                "spec",
                "jobTemplate",
                "spec",
                "template",
                "spec",
                "containers",
                0
            ])
        );
    }

    #[test]
    fn left_to_the_library() {
        for input in [
            // No pod spec.
            json!({"kind": "Service", "spec": {}}),
            json!({"kind": "Deployment", "spec": {"template": {"spec": null}}}),
            json!({"kind": "Pod", "spec": []}),
            json!({"spec": {"containers": []}}),
            // A name whose quoting sprintf decides.
            json!({"kind": "Pod", "spec": {"containers": [{"name": "a\"b"}]}}),
            json!({"kind": "Pod", "spec": {"containers": [{"name": "é"}]}}),
            json!({"kind": "Pod", "spec": {"containers": [{"name": 7}]}}),
        ] {
            assert_eq!(facts(input.clone()), None, "{input}");
        }
    }
}
