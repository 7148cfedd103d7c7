//! Trigger keys: a cheap test that a rule cannot fire on a resource.
//!
//! Most Pod Security rules judge a field that is normally absent
//! (`hostNetwork`, `privileged`, `hostPath`, `seLinuxOptions`): a resource
//! without the field cannot violate them. A rule declares such keys in its
//! METADATA (`custom.triggers`); a resource whose body has none of them,
//! at any depth, skips the rule — and when every rule of a kind is skipped,
//! the resource is never even converted for the Rego engine. A key ending
//! in `*` matches any key with that prefix (AppArmor's per-container
//! annotations).

use serde_json::Value;

/// A compiled set of trigger keys.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Triggers {
    exact: std::collections::HashSet<Box<str>, fnv::FnvBuildHasher>,
    prefixes: Vec<Box<str>>,
}

impl Triggers {
    /// Keys as METADATA writes them (`hostPath`, `container.apparmor…/*`).
    pub fn new<'a>(keys: impl IntoIterator<Item = &'a str>) -> Self {
        let mut t = Self::default();
        for key in keys {
            match key.strip_suffix('*') {
                Some(prefix) => t.prefixes.push(prefix.into()),
                None => {
                    t.exact.insert(key.into());
                }
            }
        }
        t
    }

    /// Every key of both sets.
    pub fn union<'a>(all: impl IntoIterator<Item = &'a Triggers>) -> Self {
        let mut t = Self::default();
        for other in all {
            t.exact.extend(other.exact.iter().cloned());
            t.prefixes.extend(other.prefixes.iter().cloned());
        }
        t
    }

    /// Whether `key` is one of the triggers.
    pub fn matches(&self, key: &str) -> bool {
        self.exact.contains(key) || self.prefixes.iter().any(|p| key.starts_with(&**p))
    }

    /// Whether some object in `body`, at any depth, has a trigger key.
    pub fn any_in(&self, body: &Value) -> bool {
        match body {
            Value::Object(map) => map.iter().any(|(k, v)| self.matches(k) || self.any_in(v)),
            Value::Array(items) => items.iter().any(|v| self.any_in(v)),
            _ => false,
        }
    }
}

/// Why METADATA's `custom.triggers` is not usable, if it is not.
pub fn check(keys: &[String]) -> Result<(), String> {
    for key in keys {
        let stem = key.strip_suffix('*').unwrap_or(key);
        if stem.is_empty() || stem.contains('*') {
            return Err(format!(
                "METADATA `custom.triggers` entry `{key}` must be an object key, optionally ending in `*` for a prefix"
            ));
        }
    }
    Ok(())
}

/// The trigger whose key (or prefix) the rule's code never mentions (its
/// comments, METADATA included, do not count): a misspelt trigger would
/// skip the rule on resources it can fire on.
pub fn unmentioned<'a>(keys: &'a [String], sources: &[&str]) -> Option<&'a str> {
    keys.iter().map(String::as_str).find(|key| {
        let stem = key.strip_suffix('*').unwrap_or(key);
        !sources.iter().any(|s| {
            s.lines()
                .any(|l| !l.trim_start().starts_with('#') && l.contains(stem))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_keys_at_any_depth_and_by_prefix() {
        let t = Triggers::new([
            "hostPath",
            "container.apparmor.security.beta.kubernetes.io/*",
        ]);
        let deep = json!({"spec": {"template": {"spec": {"volumes": [{"name": "v", "hostPath": {"path": "/"}}]}}}});
        assert!(t.any_in(&deep));
        let annotated = json!({"metadata": {"annotations": {"container.apparmor.security.beta.kubernetes.io/app": "unconfined"}}});
        assert!(t.any_in(&annotated));
        // Values are not keys; a key that only contains a trigger is not one.
        let clean =
            json!({"spec": {"volumes": [{"name": "hostPath", "emptyDir": {}}], "hostPathX": 1}});
        assert!(!t.any_in(&clean));
        assert!(!Triggers::default().any_in(&deep));
    }

    #[test]
    fn union_keeps_every_key() {
        let u = Triggers::union([&Triggers::new(["a"]), &Triggers::new(["b*"])]);
        assert!(u.matches("a") && u.matches("bc") && !u.matches("c"));
    }

    #[test]
    fn malformed_and_unmentioned_triggers_are_named() {
        assert!(check(&["hostPath".into(), "prefix/*".into()]).is_ok());
        for bad in ["", "*", "a*b"] {
            assert!(check(&[bad.to_string()]).is_err(), "{bad}");
        }
        let keys = ["hostPath".to_string(), "hostPaht".to_string()];
        assert_eq!(
            unmentioned(&keys, &["v.hostPath != null"]),
            Some("hostPaht")
        );
        assert_eq!(unmentioned(&keys[..1], &["v.hostPath != null"]), None);
        let only_in_comments = "# triggers: [hostPath]\n  # hostPath\nallow if true";
        assert_eq!(
            unmentioned(&keys[..1], &[only_in_comments]),
            Some("hostPath")
        );
    }
}
