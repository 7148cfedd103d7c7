//! Facts the built-in library derives from a Kubernetes workload, computed
//! natively for the VM.
//!
//! `lib/kubernetes.rego` finds a workload's pod spec and its containers
//! (each with its path, name, label and securityContext), and
//! `lib/bestpractice.rego` the containers a best-practice check looks at,
//! their parsed images and what their resources set, for every rule that
//! reads them. On regorus's VM that took about a fifth of a two-container
//! Deployment's review; here it takes a few thousand instructions. The
//! evaluator hands the facts to the VM as `data.assay_native` and the
//! libraries take them from there when they are present; without them (on
//! the interpreter, which runs user policies, in `assay test`, and for a
//! workload this module leaves alone) a second definition of each, guarded
//! by `not data.assay_native.<library>`, computes them. (Not an `else`:
//! regorus 0.14's VM never takes an `else` after a body whose data
//! reference is undefined, which left such workloads with no containers.) The fixture test holds the two to the same
//! findings on every built-in fixture. (A rule on the VM that swapped
//! `input` with `with input as` would read the facts of the real input: no
//! built-in rule does, which a test checks.)
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

/// A workload's container entries, each with the list it is in
/// (`containers`, `initContainers`, `ephemeralContainers`).
type Containers = Vec<(&'static str, Value)>;

/// `{"kubernetes": {…}, "bestpractice": {…}}`: the facts of the libraries
/// of those names for `input` (see [`kubernetes`] and [`bestpractice`]);
/// None when `input` has no pod spec or is not covered exactly.
pub(crate) fn facts(input: &Value) -> Option<Value> {
    let (kubernetes, spec, containers) = kubernetes(input)?;
    let bestpractice = bestpractice(spec, &containers);
    Some(object([
        ("bestpractice", bestpractice),
        ("kubernetes", kubernetes),
    ]))
}

/// `{"pod_spec": …, "containers": […], "pod_security_context": {…}}` as
/// `lib/kubernetes.rego`'s rules of those names are for `input`, and each
/// container with the list it is in, and the pod spec.
fn kubernetes(input: &Value) -> Option<(Value, &Value, Containers)> {
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
            let entry = object([
                ("container", c.clone()),
                ("label", Value::from(label)),
                ("name", name),
                ("path", Value::from(item_path)),
                ("security_context", security_context),
            ]);
            containers.push((field, entry));
        }
    }
    let list = containers
        .iter()
        .map(|(_, c)| c.clone())
        .collect::<Vec<_>>();
    // `pod_security_context`: the pod's securityContext if an object, else {}.
    let pod_security_context = match get(spec, "securityContext") {
        Some(sc @ Value::Object(_)) => sc.clone(),
        _ => Value::new_object(),
    };
    let facts = object([
        ("containers", Value::from(list)),
        ("pod_security_context", pod_security_context),
        ("pod_spec", pod_spec),
    ]);
    Some((facts, spec, containers))
}

/// `lib/bestpractice.rego`'s `workload_containers`, `app_containers`,
/// `workload_images`, `container_resources` and `pod_resources`, from the
/// pod spec and the containers with the list each is in.
fn bestpractice(spec: &Value, containers: &[(&str, Value)]) -> Value {
    let workload: Vec<&Value> = containers
        .iter()
        .filter(|(field, _)| *field != "ephemeralContainers")
        .map(|(_, c)| c)
        .collect();
    let app = containers
        .iter()
        .filter(|(field, _)| *field == "containers")
        .map(|(_, c)| c.clone());
    let mut images = Vec::new();
    let mut resources = Vec::new();
    for c in &workload {
        let container = get(c, "container");
        if let Some(image @ Value::String(text)) = container.and_then(|k| get(k, "image")) {
            let (tag, digest) = image_ref(text);
            let mutable = digest.is_empty() && (tag.is_empty() || tag == "latest");
            let reference = object([("digest", Value::from(digest)), ("tag", Value::from(tag))]);
            images.push(object([
                ("container", (*c).clone()),
                ("image", image.clone()),
                ("mutable", Value::from(mutable)),
                ("ref", reference),
            ]));
        }
        // (`object.get(c.container, "resources", {})`: a missing section
        // sets nothing, as nothing but an object does.)
        let set = resources_set(container.and_then(|k| get(k, "resources")));
        resources.push(object([("container", (*c).clone()), ("set", set)]));
    }
    let pod_resources = resources_set(get(spec, "resources"));
    object([
        ("app_containers", Value::from(app.collect::<Vec<_>>())),
        ("container_resources", Value::from(resources)),
        ("pod_resources", pod_resources),
        (
            "workload_containers",
            Value::from(workload.into_iter().cloned().collect::<Vec<_>>()),
        ),
        ("workload_images", Value::from(images)),
    ])
}

/// The tag and digest of `[registry/]repository[:tag][@digest]`, as the
/// library's `image_ref` splits it: the digest is all after the first `@`,
/// the tag all after the first `:` of the last `/` segment before it.
fn image_ref(image: &str) -> (&str, &str) {
    let (name, digest) = image.split_once('@').unwrap_or((image, ""));
    let last = name.rsplit('/').next().unwrap_or(name);
    let tag = last.split_once(':').map_or("", |(_, tag)| tag);
    (tag, digest)
}

/// The library's `resources_set`: the `<section>.<name>` entries that
/// `resources` sets to something other than null (none when it is missing
/// or not an object).
fn resources_set(resources: Option<&Value>) -> Value {
    let mut set = std::collections::BTreeSet::new();
    for section in ["requests", "limits"] {
        let Some(values @ Value::Object(_)) = resources.and_then(|r| get(r, section)) else {
            continue;
        };
        for name in ["cpu", "memory"] {
            if get(values, name).is_some_and(|v| *v != Value::Null) {
                set.insert(Value::from(format!("{section}.{name}")));
            }
        }
    }
    Value::from(set)
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

    fn all_facts(input: serde_json::Value) -> Option<serde_json::Value> {
        super::facts(&Value::from(input)).map(|v| serde_json::to_value(v).unwrap_or_default())
    }

    fn facts(input: serde_json::Value) -> Option<serde_json::Value> {
        all_facts(input).map(|f| f["kubernetes"].clone())
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
                "pod_security_context": {},
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
        let pod =
            facts(json!({"kind": "Pod", "spec": {"securityContext": {"runAsNonRoot": true}}}));
        assert_eq!(
            pod.map(|f| f["pod_security_context"].clone()),
            Some(json!({"runAsNonRoot": true}))
        );
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
    fn best_practice_images_and_resources() {
        let got = all_facts(json!({"kind": "Pod", "spec": {
            "resources": {"limits": {"cpu": "1", "memory": null}},
            "initContainers": [{"name": "i", "image": "reg:5000/ns/init",
                "resources": {"requests": {"cpu": "1", "memory": "1Gi"}, "limits": "no"}}],
            "containers": [
                {"name": "a", "image": "app:latest@sha256:ab@c", "resources": null},
                {"name": "b", "image": 7},
            ],
            "ephemeralContainers": [{"name": "e", "image": "debug"}],
        }}))
        .unwrap_or_default();
        let bp = &got["bestpractice"];
        let names = |list: &serde_json::Value| -> Vec<String> {
            let list = list.as_array().cloned().unwrap_or_default();
            list.iter().map(|c| c["name"].to_string()).collect()
        };
        assert_eq!(
            names(&bp["workload_containers"]),
            ["\"i\"", "\"a\"", "\"b\""]
        );
        assert_eq!(names(&bp["app_containers"]), ["\"a\"", "\"b\""]);
        let images: Vec<_> = bp["workload_images"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(|i| (i["image"].clone(), i["ref"].clone(), i["mutable"].clone()))
            .collect();
        assert_eq!(
            images,
            [
                (
                    json!("reg:5000/ns/init"),
                    json!({"tag": "", "digest": ""}),
                    json!(true)
                ),
                (
                    json!("app:latest@sha256:ab@c"),
                    json!({"tag": "latest", "digest": "sha256:ab@c"}),
                    json!(false)
                ),
            ]
        );
        let sets: Vec<_> = bp["container_resources"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(|r| r["set"].clone())
            .collect();
        assert_eq!(
            sets,
            [
                json!(["requests.cpu", "requests.memory"]),
                json!([]),
                json!([])
            ]
        );
        assert_eq!(bp["pod_resources"], json!(["limits.cpu"]));
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
