//! `data.inventory`: every scanned resource, for cross-resource rules, in
//! Gatekeeper's layout so referential Gatekeeper templates run unchanged:
//! `namespace[ns][apiVersion][kind][name]` and `cluster[apiVersion][kind][name]`.
//! A namespaced object from a file without `metadata.namespace` is filed
//! under `default`, where `kubectl apply` would put it.

use crate::resource::{Provider, Resource};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// Kinds that live outside namespaces (the built-in ones; a custom
/// cluster-scoped kind is recognised by having no namespace).
const CLUSTER_KINDS: &[&str] = &[
    "APIService",
    "CertificateSigningRequest",
    "ClusterRole",
    "ClusterRoleBinding",
    "ComponentStatus",
    "CSIDriver",
    "CSINode",
    "CustomResourceDefinition",
    "FlowSchema",
    "IngressClass",
    "MutatingAdmissionPolicy",
    "MutatingAdmissionPolicyBinding",
    "MutatingWebhookConfiguration",
    "Namespace",
    "Node",
    "PersistentVolume",
    "PodSecurityPolicy",
    "PriorityClass",
    "PriorityLevelConfiguration",
    "RuntimeClass",
    "StorageClass",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "ValidatingWebhookConfiguration",
    "VolumeAttachment",
];

/// Whether a Kubernetes kind is cluster-scoped.
pub fn is_cluster_scoped(kind: &str, body: &Value) -> bool {
    let namespace = body
        .get("metadata")
        .and_then(|m| m.get("namespace"))
        .and_then(Value::as_str);
    match namespace {
        Some(ns) if !ns.is_empty() => false,
        _ => CLUSTER_KINDS.contains(&kind),
    }
}

/// The identity an inventory rule uses to name a resource.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    /// `apps/v1`.
    pub api_version: String,
    /// `Deployment`.
    pub kind: String,
    /// Namespace (`default` when a namespaced object has none), empty for cluster-scoped.
    pub namespace: String,
    /// `metadata.name`.
    pub name: String,
}

/// The inventory key of a Kubernetes resource.
pub fn key(r: &Resource) -> Option<Key> {
    if r.id.provider != Provider::Kubernetes {
        return None;
    }
    let b = &r.body;
    let api_version = b.get("apiVersion")?.as_str()?.to_string();
    let kind = b.get("kind")?.as_str()?.to_string();
    let meta = b.get("metadata");
    let name = meta?.get("name")?.as_str()?.to_string();
    let namespace = if is_cluster_scoped(&kind, b) {
        String::new()
    } else {
        meta.and_then(|m| m.get("namespace"))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .unwrap_or("default")
            .to_string()
    };
    Some(Key {
        api_version,
        kind,
        namespace,
        name,
    })
}

/// The key a result's `resource` field names (`namespace` may be omitted
/// for cluster-scoped objects; `apiVersion` may be omitted when the kind
/// is unambiguous — see [`index`]).
pub fn target(result: &Value) -> Option<Key> {
    resource_key(result.get("resource")?)
}

/// [`target`] of a result as the engine gives it (only its `resource` is
/// converted).
pub fn target_of(result: &regorus::Value) -> Option<Key> {
    let regorus::Value::Object(fields) = result else {
        return None;
    };
    let resource = fields.get(&regorus::Value::from("resource"))?;
    resource_key(&serde_json::to_value(resource).ok()?)
}

fn resource_key(r: &Value) -> Option<Key> {
    let s = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let key = Key {
        api_version: s("apiVersion"),
        kind: s("kind"),
        namespace: s("namespace"),
        name: s("name"),
    };
    (!key.kind.is_empty() && !key.name.is_empty()).then_some(key)
}

/// Key → resource index, also under the key without `apiVersion`.
pub fn index<R: std::borrow::Borrow<Resource>>(resources: &[R]) -> HashMap<Key, usize> {
    let mut map = HashMap::new();
    for (i, r) in resources.iter().enumerate() {
        if let Some(k) = key(r.borrow()) {
            let loose = Key {
                api_version: String::new(),
                ..k.clone()
            };
            map.entry(k).or_insert(i);
            map.entry(loose).or_insert(i);
        }
    }
    map
}

/// Build `data.inventory` from Kubernetes resources.
pub fn build<'r>(resources: impl IntoIterator<Item = &'r Resource>) -> regorus::Value {
    use rayon::prelude::*;
    type Tree = BTreeMap<String, BTreeMap<String, BTreeMap<String, regorus::Value>>>;
    // Converting the bodies is the work: on all cores, each straight to a
    // regorus value (no intermediate JSON tree). Order is kept, so a later
    // duplicate still replaces an earlier one.
    let resources: Vec<&Resource> = resources.into_iter().collect();
    let converted: Vec<(Key, regorus::Value)> = resources
        .par_iter()
        .filter_map(|r| Some((key(r)?, crate::eval::to_regorus(&r.body))))
        .collect();
    let mut namespaced: BTreeMap<String, Tree> = BTreeMap::new();
    let mut cluster: Tree = BTreeMap::new();
    for (k, body) in converted {
        let tree = if k.namespace.is_empty() {
            &mut cluster
        } else {
            namespaced.entry(k.namespace).or_default()
        };
        tree.entry(k.api_version)
            .or_default()
            .entry(k.kind)
            .or_default()
            .insert(k.name, body);
    }
    fn object<V>(map: BTreeMap<String, V>, f: impl Fn(V) -> regorus::Value) -> regorus::Value {
        regorus::Value::from(
            map.into_iter()
                .map(|(k, v)| (regorus::Value::from(k.as_str()), f(v)))
                .collect::<BTreeMap<_, _>>(),
        )
    }
    let tree = |t: Tree| object(t, |kinds| object(kinds, |names| object(names, |v| v)));
    let mut top = BTreeMap::new();
    top.insert("namespace".to_string(), object(namespaced, tree));
    top.insert("cluster".to_string(), tree(cluster));
    object(top, |v| v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::{ResourceId, Source};
    use serde_json::json;

    fn res(body: Value) -> Resource {
        Resource {
            id: ResourceId {
                provider: Provider::Kubernetes,
                kind: "x".into(),
                scope: String::new(),
                name: "x".into(),
            },
            source: Source::Live {
                endpoint: "t".into(),
            },
            body,
        }
    }

    #[test]
    fn a_result_names_its_target_the_same_as_engine_value_and_as_json() {
        let results = [
            json!({"msg": "m", "resource": {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "prod", "name": "web"}}),
            json!({"resource": {"kind": "Namespace", "name": "prod"}}),
            json!({"resource": {"kind": "Deployment", "namespace": "prod"}}),
            json!({"resource": {"kind": 3, "name": "web"}}),
            json!({"msg": "no resource"}),
            json!("a string"),
        ];
        let mut named = 0;
        for r in &results {
            let value = crate::eval::to_regorus(r);
            assert_eq!(target_of(&value), target(r), "{r}");
            named += usize::from(target(r).is_some());
        }
        assert_eq!(named, 2);
    }

    #[test]
    fn layout_is_gatekeepers() {
        let rs = vec![
            res(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "prod"}})),
            res(
                json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}}),
            ),
            res(json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "svc"}})),
        ];
        let inv = serde_json::to_value(build(&rs)).unwrap();
        assert_eq!(
            inv["cluster"]["v1"]["Namespace"]["prod"]["metadata"]["name"],
            "prod"
        );
        assert_eq!(
            inv["namespace"]["prod"]["apps/v1"]["Deployment"]["web"]["kind"],
            "Deployment"
        );
        assert_eq!(
            inv["namespace"]["default"]["v1"]["Service"]["svc"]["kind"],
            "Service"
        );
        let idx = index(&rs);
        let t = target(
            &json!({"resource": {"kind": "Service", "namespace": "default", "name": "svc"}}),
        )
        .unwrap();
        assert_eq!(idx.get(&t), Some(&2));
    }
}
