//! One AdmissionReview in, one decision out — no I/O, so every case is
//! unit-testable with the JSON bodies a kube-apiserver sends.

use assay_engine::finding::Status;
use assay_engine::resource::{Provider, ResourceId, Source};
use assay_engine::{Finding, Resource, Severity};
use serde_json::{json, Value};

/// Set a key of a JSON object (a no-op on anything else).
pub fn set(v: &mut Value, key: &str, x: Value) {
    if let Some(o) = v.as_object_mut() {
        o.insert(key.to_string(), x);
    }
}

/// What the server was told about exemptions and thresholds.
#[derive(Clone, Debug)]
pub struct Options {
    /// Requests in these namespaces are allowed unexamined.
    pub exempt_namespaces: Vec<String>,
    /// Requests by these users are allowed unexamined.
    pub exempt_users: Vec<String>,
    /// Requests by members of these groups are allowed unexamined.
    pub exempt_groups: Vec<String>,
    /// Failing findings at or above this severity deny; below it they warn.
    pub deny_on: Severity,
}

/// A parsed request.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    /// `apiVersion` of the review, echoed back.
    pub api_version: String,
    /// `request.uid`, echoed back.
    pub uid: String,
    /// CREATE, UPDATE, DELETE, CONNECT.
    pub operation: String,
    /// `request.namespace` (empty for cluster-scoped).
    pub namespace: String,
    /// `request.name` (may be empty on CREATE with generateName).
    pub name: String,
    /// `request.subResource`.
    pub sub_resource: String,
    /// `request.userInfo.username`.
    pub user: String,
    /// `request.userInfo.groups`.
    pub groups: Vec<String>,
    /// `request.dryRun`.
    pub dry_run: bool,
    /// `request.object`.
    pub object: Value,
}

/// Parse an AdmissionReview body.
pub fn parse(body: &[u8]) -> Result<Request, String> {
    let mut v: Value = serde_json::from_slice(body).map_err(|e| format!("malformed JSON: {e}"))?;
    // The object is moved out, not copied (it is most of the body).
    let object = v
        .get_mut("request")
        .and_then(|r| r.get_mut("object"))
        .map(Value::take)
        .unwrap_or(Value::Null);
    let api_version = v
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if !matches!(
        api_version.as_str(),
        "admission.k8s.io/v1" | "admission.k8s.io/v1beta1"
    ) || v.get("kind").and_then(Value::as_str) != Some("AdmissionReview")
    {
        return Err(format!(
            "not an admission.k8s.io/v1 AdmissionReview (apiVersion `{api_version}`)"
        ));
    }
    let r = v
        .get("request")
        .filter(|r| r.is_object())
        .ok_or("AdmissionReview has no request")?;
    let s = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let uid = s("uid");
    if uid.is_empty() {
        return Err("AdmissionReview request has no uid".into());
    }
    let user = r.get("userInfo");
    Ok(Request {
        api_version,
        uid,
        operation: s("operation"),
        namespace: s("namespace"),
        name: s("name"),
        sub_resource: s("subResource"),
        user: user
            .and_then(|u| u.get("username"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
        groups: user
            .and_then(|u| u.get("groups"))
            .and_then(Value::as_array)
            .map(|g| {
                g.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
        dry_run: r.get("dryRun").and_then(Value::as_bool).unwrap_or(false),
        object,
    })
}

/// Why a request was let through without evaluation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Skip {
    /// DELETE/CONNECT or no object: nothing to judge.
    NoObject,
    /// A subresource (status, scale, …): not the object's spec.
    SubResource,
    /// Exempt namespace.
    Namespace,
    /// Exempt user or group.
    User,
}

/// Whether to evaluate at all.
pub fn skip(req: &Request, opts: &Options) -> Option<Skip> {
    if !req.object.is_object() || matches!(req.operation.as_str(), "DELETE" | "CONNECT") {
        return Some(Skip::NoObject);
    }
    if !req.sub_resource.is_empty() {
        return Some(Skip::SubResource);
    }
    if !req.namespace.is_empty() && opts.exempt_namespaces.contains(&req.namespace) {
        return Some(Skip::Namespace);
    }
    if opts.exempt_users.contains(&req.user)
        || req.groups.iter().any(|g| opts.exempt_groups.contains(g))
    {
        return Some(Skip::User);
    }
    None
}

/// The resource under review, secrets redacted as collectors do; the
/// object is moved out of `req` (left `null`).
pub fn resource(req: &mut Request) -> Resource {
    let mut body = std::mem::take(&mut req.object);
    if body.get("kind").and_then(Value::as_str) == Some("Secret") {
        assay_collectors::files::redact_secret(&mut body);
    }
    let api = body.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let kind = body.get("kind").and_then(Value::as_str).unwrap_or("");
    let name = body
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty())
        .or_else(|| {
            body.pointer("/metadata/generateName")
                .and_then(Value::as_str)
        })
        .unwrap_or(&req.name)
        .to_string();
    Resource {
        id: ResourceId {
            provider: Provider::Kubernetes,
            kind: format!("{api}/{kind}"),
            scope: req.namespace.clone(),
            name,
        },
        source: Source::Live {
            endpoint: "admission".into(),
        },
        body,
    }
}

/// The verdict on evaluated findings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    /// Allowed?
    pub allowed: bool,
    /// `[RULE] message` of each denying finding.
    pub denials: Vec<(String, String)>,
    /// Warnings to return to the client.
    pub warnings: Vec<String>,
    /// Rules that raised errors (an internal error: failure policy applies).
    pub errors: Vec<String>,
}

/// Sort findings into deny / warn; waived findings do neither.
pub fn decide(findings: &[Finding], opts: &Options) -> Decision {
    let mut d = Decision {
        allowed: true,
        denials: Vec::new(),
        warnings: Vec::new(),
        errors: Vec::new(),
    };
    for f in findings {
        match f.status {
            Status::Fail if f.severity >= opts.deny_on => {
                d.denials.push((f.rule.clone(), f.message.clone()))
            }
            Status::Fail | Status::Warn => d.warnings.push(format!("[{}] {}", f.rule, f.message)),
            Status::Error => d.errors.push(format!("[{}] {}", f.rule, f.message)),
            Status::Waived => {}
        }
    }
    d.allowed = d.denials.is_empty();
    d
}

/// The AdmissionReview response body.
pub fn response(req_api_version: &str, uid: &str, d: &Decision) -> Value {
    let mut response = json!({"uid": uid, "allowed": d.allowed});
    if !d.allowed {
        let reasons: Vec<String> = d
            .denials
            .iter()
            .map(|(rule, msg)| format!("[{rule}] {msg}"))
            .collect();
        set(
            &mut response,
            "status",
            json!({
                "code": 403,
                "reason": "Forbidden",
                "message": format!("denied by assay: {}", reasons.join("; ")),
            }),
        );
    }
    if !d.warnings.is_empty() {
        set(&mut response, "warnings", json!(d.warnings));
    }
    let rules: Vec<&str> = d
        .denials
        .iter()
        .map(|(r, _)| r.as_str())
        .chain(d.warnings.iter().filter_map(|w| {
            w.strip_prefix('[')
                .and_then(|w| w.split_once(']'))
                .map(|(r, _)| r)
        }))
        .collect();
    if !rules.is_empty() {
        set(
            &mut response,
            "auditAnnotations",
            json!({"assay.dev/rules": rules.join(",")}),
        );
    }
    json!({
        "apiVersion": req_api_version,
        "kind": "AdmissionReview",
        "response": response,
    })
}

/// A response that allows (or, with `allowed = false`, denies) with a message
/// and no evaluation: exemptions, failure policy.
pub fn plain(req_api_version: &str, uid: &str, allowed: bool, message: &str) -> Value {
    let mut response = json!({"uid": uid, "allowed": allowed});
    if !allowed {
        set(
            &mut response,
            "status",
            json!({"code": 500, "reason": "InternalError", "message": message}),
        );
    }
    json!({"apiVersion": req_api_version, "kind": "AdmissionReview", "response": response})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(op: &str, ns: &str, object: Value, extra: Value) -> Vec<u8> {
        let mut r = json!({
            "uid": "705ab4f5-6393-11e8-b7cc-42010a800002",
            "kind": {"group": "", "version": "v1", "kind": "Pod"},
            "resource": {"group": "", "version": "v1", "resource": "pods"},
            "requestKind": {"group": "", "version": "v1", "kind": "Pod"},
            "requestResource": {"group": "", "version": "v1", "resource": "pods"},
            "name": "web", "namespace": ns, "operation": op,
            "userInfo": {"username": "alice", "uid": "1", "groups": ["system:authenticated"]},
            "object": object, "oldObject": null, "dryRun": false,
            "options": {"apiVersion": "meta.k8s.io/v1", "kind": "CreateOptions"},
        });
        if let (Some(r), Some(e)) = (r.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                r.insert(k.clone(), v.clone());
            }
        }
        serde_json::to_vec(
            &json!({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": r}),
        )
        .unwrap_or_default()
    }

    fn opts() -> Options {
        Options {
            exempt_namespaces: vec!["kube-system".into()],
            exempt_users: vec!["system:serviceaccount:ops:deployer".into()],
            exempt_groups: vec!["system:masters".into()],
            deny_on: Severity::High,
        }
    }

    #[test]
    fn parses_a_real_review_and_skips_what_it_should() {
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"}});
        let req = parse(&body("CREATE", "shop", pod.clone(), json!({}))).unwrap();
        assert_eq!(req.uid, "705ab4f5-6393-11e8-b7cc-42010a800002");
        assert_eq!((req.user.as_str(), req.groups.len()), ("alice", 1));
        assert_eq!(skip(&req, &opts()), None);
        let del = parse(&body("DELETE", "shop", Value::Null, json!({}))).unwrap();
        assert_eq!(skip(&del, &opts()), Some(Skip::NoObject));
        let status = parse(&body(
            "UPDATE",
            "shop",
            pod.clone(),
            json!({"subResource": "status"}),
        ))
        .unwrap();
        assert_eq!(skip(&status, &opts()), Some(Skip::SubResource));
        let system = parse(&body("CREATE", "kube-system", pod.clone(), json!({}))).unwrap();
        assert_eq!(skip(&system, &opts()), Some(Skip::Namespace));
        let admin = parse(&body(
            "CREATE",
            "shop",
            pod,
            json!({"userInfo": {"username": "bob", "groups": ["system:masters"]}}),
        ))
        .unwrap();
        assert_eq!(skip(&admin, &opts()), Some(Skip::User));
    }

    #[test]
    fn malformed_bodies_are_errors() {
        assert!(parse(b"{").unwrap_err().contains("malformed JSON"));
        assert!(parse(br#"{"apiVersion":"v1","kind":"Pod"}"#)
            .unwrap_err()
            .contains("not an admission.k8s.io/v1 AdmissionReview"));
        assert!(parse(
            br#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{}}"#
        )
        .unwrap_err()
        .contains("no uid"));
    }

    #[test]
    fn generate_name_and_secret_redaction() {
        let secret = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"generateName": "tok-"}, "data": {"k": "c2VjcmV0"}});
        let mut req = parse(&body("CREATE", "shop", secret, json!({"name": ""}))).unwrap();
        let r = resource(&mut req);
        assert_eq!(r.id.name, "tok-");
        assert_eq!(r.body["data"]["k"], "<redacted>");
    }
}
