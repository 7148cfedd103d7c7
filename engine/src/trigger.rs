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

/// A compiled set of trigger keys. Each key carries a bit mask: one bit for
/// a single rule's keys, one bit per rule in an index over several rules.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Triggers {
    exact: std::collections::HashMap<Box<str>, u64, fnv::FnvBuildHasher>,
    prefixes: Vec<(Box<str>, u64)>,
}

impl Triggers {
    /// Keys as METADATA writes them (`hostPath`, `container.apparmor…/*`).
    pub fn new<'a>(keys: impl IntoIterator<Item = &'a str>) -> Self {
        let mut t = Self::default();
        for key in keys {
            t.add(key, 1);
        }
        t
    }

    fn add(&mut self, key: &str, bit: u64) {
        match key.strip_suffix('*') {
            Some(prefix) => self.prefixes.push((prefix.into(), bit)),
            None => *self.exact.entry(key.into()).or_default() |= bit,
        }
    }

    /// An index over several rules' triggers: the keys of the `k`-th set
    /// carry bit `k` (sets past the 64th share bit 63).
    pub fn indexed<'a>(all: impl IntoIterator<Item = &'a Triggers>) -> Self {
        let mut t = Self::default();
        for (k, other) in all.into_iter().enumerate() {
            let bit = 1u64 << k.min(63);
            for key in other.exact.keys() {
                t.add(key, bit);
            }
            for (prefix, _) in &other.prefixes {
                t.prefixes.push((prefix.clone(), bit));
            }
        }
        t
    }

    /// The bits of the trigger keys some object in `body` has, at any depth.
    pub fn mask_in(&self, body: &Value) -> u64 {
        let mut mask = 0;
        self.collect(body, &mut mask);
        mask
    }

    fn collect(&self, body: &Value, mask: &mut u64) {
        match body {
            Value::Object(map) => {
                for (k, v) in map {
                    if let Some(bits) = self.exact.get(k.as_str()) {
                        *mask |= bits;
                    }
                    for (p, bit) in &self.prefixes {
                        if k.starts_with(&**p) {
                            *mask |= bit;
                        }
                    }
                    self.collect(v, mask);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| self.collect(v, mask)),
            _ => {}
        }
    }

    /// Whether some object in `body`, at any depth, has a trigger key.
    pub fn any_in(&self, body: &Value) -> bool {
        self.mask_in(body) != 0
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
    fn an_index_tells_which_rules_are_triggered() {
        let t = Triggers::indexed([&Triggers::new(["a"]), &Triggers::new(["b*", "a"])]);
        assert_eq!(t.mask_in(&json!({"x": [{"a": 1}]})), 0b11);
        assert_eq!(t.mask_in(&json!({"bc": 1})), 0b10);
        assert_eq!(t.mask_in(&json!({"c": {"d": "a"}})), 0);
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
