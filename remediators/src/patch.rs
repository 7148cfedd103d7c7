//! JSON Patch (RFC 6902) on `serde_json` values, and what a patch touched.
//!
//! One deviation, on purpose: an `add` of `{}` where an object already
//! exists keeps that object. The built-in rules prepend such "ensure the
//! parent exists" operations to their fixes, and several fixes of one
//! resource (`securityContext.runAsNonRoot`, then
//! `securityContext.allowPrivilegeEscalation`) must not wipe each other out.

use serde_json::Value;

/// Why a patch does not apply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatchError {
    /// The operation is malformed.
    #[error("bad patch operation: {0}")]
    Bad(String),
    /// The path does not exist where it must.
    #[error("path `{0}` does not exist")]
    Missing(String),
    /// A `test` operation failed.
    #[error("test failed at `{0}`")]
    Test(String),
}

/// Split a JSON pointer into unescaped segments.
pub fn segments(pointer: &str) -> Result<Vec<String>, PatchError> {
    if pointer.is_empty() {
        return Ok(Vec::new());
    }
    let rest = pointer
        .strip_prefix('/')
        .ok_or_else(|| PatchError::Bad(format!("pointer `{pointer}` must start with `/`")))?;
    Ok(rest
        .split('/')
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect())
}

fn parent<'a>(
    doc: &'a mut Value,
    segs: &[String],
    pointer: &str,
) -> Result<&'a mut Value, PatchError> {
    let mut cur = doc;
    for s in segs {
        cur = match cur {
            Value::Object(m) => m.get_mut(s),
            Value::Array(a) => s.parse::<usize>().ok().and_then(|i| a.get_mut(i)),
            _ => None,
        }
        .ok_or_else(|| PatchError::Missing(pointer.to_string()))?;
    }
    Ok(cur)
}

/// The value at `pointer`, if any.
pub fn get<'a>(doc: &'a Value, pointer: &str) -> Option<&'a Value> {
    if pointer.is_empty() {
        return Some(doc);
    }
    doc.pointer(pointer)
}

/// Apply `ops` to `doc` in order.
pub fn apply(doc: &mut Value, ops: &[Value]) -> Result<(), PatchError> {
    for op in ops {
        let kind = op.get("op").and_then(Value::as_str).unwrap_or("");
        let pointer = op
            .get("path")
            .and_then(Value::as_str)
            .ok_or_else(|| PatchError::Bad(format!("no path in {op}")))?;
        let segs = segments(pointer)?;
        let Some((last, init)) = segs.split_last() else {
            match kind {
                "add" | "replace" => {
                    *doc = op.get("value").cloned().unwrap_or(Value::Null);
                    continue;
                }
                _ => return Err(PatchError::Bad(format!("cannot {kind} the whole document"))),
            }
        };
        let value = op.get("value").cloned();
        let target = parent(doc, init, pointer)?;
        match (kind, target) {
            ("add", Value::Object(m)) => {
                let v = value.ok_or_else(|| PatchError::Bad(format!("no value in {op}")))?;
                let keep = v.as_object().is_some_and(serde_json::Map::is_empty)
                    && m.get(last).is_some_and(Value::is_object);
                if !keep {
                    m.insert(last.clone(), v);
                }
            }
            ("add", Value::Array(a)) => {
                let v = value.ok_or_else(|| PatchError::Bad(format!("no value in {op}")))?;
                if last == "-" {
                    a.push(v);
                } else {
                    let i: usize = last
                        .parse()
                        .map_err(|_| PatchError::Bad(format!("bad index in `{pointer}`")))?;
                    if i > a.len() {
                        return Err(PatchError::Missing(pointer.to_string()));
                    }
                    a.insert(i, v);
                }
            }
            ("replace", Value::Object(m)) => {
                let v = value.ok_or_else(|| PatchError::Bad(format!("no value in {op}")))?;
                let slot = m
                    .get_mut(last)
                    .ok_or_else(|| PatchError::Missing(pointer.to_string()))?;
                *slot = v;
            }
            ("replace", Value::Array(a)) => {
                let v = value.ok_or_else(|| PatchError::Bad(format!("no value in {op}")))?;
                let slot = last
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| a.get_mut(i))
                    .ok_or_else(|| PatchError::Missing(pointer.to_string()))?;
                *slot = v;
            }
            ("remove", Value::Object(m)) => {
                m.remove(last)
                    .ok_or_else(|| PatchError::Missing(pointer.to_string()))?;
            }
            ("remove", Value::Array(a)) => {
                let i = last
                    .parse::<usize>()
                    .ok()
                    .filter(|i| *i < a.len())
                    .ok_or_else(|| PatchError::Missing(pointer.to_string()))?;
                a.remove(i);
            }
            ("test", t) => {
                let here = match t {
                    Value::Object(m) => m.get(last),
                    Value::Array(a) => last.parse::<usize>().ok().and_then(|i| a.get(i)),
                    _ => None,
                };
                if here != value.as_ref() {
                    return Err(PatchError::Test(pointer.to_string()));
                }
            }
            (k, _) if !matches!(k, "add" | "replace" | "remove" | "test") => {
                return Err(PatchError::Bad(format!("operation `{k}` is not supported")))
            }
            _ => return Err(PatchError::Missing(pointer.to_string())),
        }
    }
    Ok(())
}

/// The leaf paths a patch sets or removes (for apply configurations and
/// audit records): the op paths, plus every leaf inside an added object.
pub fn touched(ops: &[Value]) -> Vec<String> {
    fn leaves(at: &str, v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) if !m.is_empty() => {
                for (k, x) in m {
                    leaves(
                        &format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                        x,
                        out,
                    );
                }
            }
            _ => out.push(at.to_string()),
        }
    }
    let mut out = Vec::new();
    for op in ops {
        let Some(p) = op.get("path").and_then(Value::as_str) else {
            continue;
        };
        match op.get("op").and_then(Value::as_str) {
            Some("add" | "replace") => {
                // `{}` parents are implied by their leaves.
                if op
                    .get("value")
                    .is_some_and(|v| v.as_object().is_some_and(serde_json::Map::is_empty))
                {
                    continue;
                }
                leaves(p, op.get("value").unwrap_or(&Value::Null), &mut out);
            }
            Some("remove") => out.push(p.to_string()),
            _ => {}
        }
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn applies_rfc_6902_and_keeps_existing_parents() {
        let mut doc = json!({"spec": {"containers": [{"name": "a", "securityContext": {"privileged": true}}]}});
        let ops = vec![
            json!({"op": "replace", "path": "/spec/containers/0/securityContext/privileged", "value": false}),
            json!({"op": "add", "path": "/spec/containers/0/securityContext", "value": {}}),
            json!({"op": "add", "path": "/spec/containers/0/securityContext/runAsNonRoot", "value": true}),
            json!({"op": "add", "path": "/spec/securityContext", "value": {}}),
            json!({"op": "add", "path": "/spec/securityContext/seccompProfile", "value": {"type": "RuntimeDefault"}}),
            json!({"op": "test", "path": "/spec/containers/0/name", "value": "a"}),
        ];
        apply(&mut doc, &ops).unwrap();
        assert_eq!(
            doc,
            json!({"spec": {"containers": [{"name": "a", "securityContext": {"privileged": false, "runAsNonRoot": true}}],
                            "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}}})
        );
        assert_eq!(
            touched(&ops),
            vec![
                "/spec/containers/0/securityContext/privileged",
                "/spec/containers/0/securityContext/runAsNonRoot",
                "/spec/securityContext/seccompProfile/type",
            ]
        );
        let mut d = json!({"a": [1, 2]});
        apply(
            &mut d,
            &[
                json!({"op": "remove", "path": "/a/0"}),
                json!({"op": "add", "path": "/a/-", "value": 3}),
            ],
        )
        .unwrap();
        assert_eq!(d, json!({"a": [2, 3]}));
        assert!(matches!(
            apply(
                &mut d,
                &[json!({"op": "replace", "path": "/nope/x", "value": 1})]
            ),
            Err(PatchError::Missing(_))
        ));
        assert!(matches!(
            apply(&mut d, &[json!({"op": "test", "path": "/a/0", "value": 9})]),
            Err(PatchError::Test(_))
        ));
        assert!(matches!(
            apply(
                &mut d,
                &[json!({"op": "move", "path": "/a/0", "from": "/a/1"})]
            ),
            Err(PatchError::Bad(_))
        ));
    }
}
