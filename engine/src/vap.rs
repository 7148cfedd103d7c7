//! Kubernetes `ValidatingAdmissionPolicy` + `ValidatingAdmissionPolicyBinding`
//! (admissionregistration.k8s.io/v1), evaluated with the `cel` crate as the
//! API server would on a CREATE of each scanned object.
//!
//! Supported: `matchConstraints` and the binding's `matchResources`
//! (resourceRules, excludeResourceRules, namespaceSelector, objectSelector),
//! `matchConditions`, `variables`, `validations` (`expression`, `message`,
//! `messageExpression`, `reason`), `validationActions`, `failurePolicy`,
//! `paramKind` with `paramRef` (name, namespace, selector,
//! parameterNotFoundAction) resolved against the scanned resources. CEL
//! variables: `object`, `oldObject` (null), `request`, `params`,
//! `namespaceObject`, `variables`. Functions: CEL's standard library, the
//! strings/lists/math extensions, and Kubernetes' regex `find`/`findAll`.
//! Any other function is an evaluation error naming it — never a pass.

use crate::diagnostic::Diagnostic;
use crate::gatekeeper::{labels, selects, strings};
use crate::yaml::YamlDocument;
use cel::extractors::This;
use cel::{Context, Env, Program, Value as Cel};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

/// The CEL environment: standard library plus extensions.
fn env() -> Arc<Env> {
    static ENV: OnceLock<Arc<Env>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Env::stdlib();
        // These cannot fail on a fresh environment; if one did, its
        // functions would be reported as unknown at evaluation time.
        let _ = env.add_extension(cel::extensions::strings);
        let _ = env.add_extension(cel::extensions::lists);
        let _ = env.add_extension(cel::extensions::math);
        Arc::new(env)
    })
    .clone()
}

/// A compiled expression with its source and where it was written.
pub struct Expr {
    /// CEL source.
    pub source: String,
    /// `spec.validations[0].expression`.
    pub field: String,
    program: Program,
}

impl std::fmt::Debug for Expr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Expr")
            .field("source", &self.source)
            .finish()
    }
}

/// One validation.
#[derive(Debug)]
pub struct Validation {
    /// The expression that must be true.
    pub expr: Expr,
    /// Static message.
    pub message: Option<String>,
    /// Expression producing the message.
    pub message_expr: Option<Expr>,
    /// `reason` (Invalid, Forbidden, …).
    pub reason: Option<String>,
}

/// Resource rules of a match.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct MatchResources {
    /// (apiGroups, apiVersions, resources, operations).
    pub rules: Vec<[Vec<String>; 4]>,
    /// Same shape, excluded.
    pub exclude: Vec<[Vec<String>; 4]>,
    /// Namespace label selector.
    pub namespace_selector: Option<Value>,
    /// Object label selector.
    pub object_selector: Option<Value>,
}

/// A compiled ValidatingAdmissionPolicy.
#[derive(Debug)]
pub struct Policy {
    /// `metadata.name`.
    pub name: String,
    /// File it came from.
    pub file: String,
    /// 1-based line of the document.
    pub line: u32,
    /// `spec.matchConstraints`.
    pub matcher: MatchResources,
    /// `spec.matchConditions`: (name, expression).
    pub conditions: Vec<(String, Expr)>,
    /// `spec.variables`, in order.
    pub variables: Vec<(String, Expr)>,
    /// `spec.validations`.
    pub validations: Vec<Validation>,
    /// `spec.failurePolicy` is `Ignore`.
    pub ignore_failures: bool,
    /// `spec.paramKind` as (apiVersion, kind).
    pub param_kind: Option<(String, String)>,
}

/// A binding of a policy, with the policy it binds.
#[derive(Debug, Clone)]
pub struct Binding {
    /// `metadata.name`.
    pub name: String,
    /// File it came from.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// The policy.
    pub policy: Arc<Policy>,
    /// `spec.matchResources`, narrowing the policy's.
    pub matcher: Option<MatchResources>,
    /// `spec.validationActions`.
    pub actions: Vec<String>,
    /// `spec.paramRef`.
    pub param_ref: Option<Value>,
}

impl PartialEq for Binding {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.policy.name == other.policy.name && self.file == other.file
    }
}
impl Eq for Binding {}

fn match_resources(v: Option<&Value>) -> MatchResources {
    let rules = |key: &str| -> Vec<[Vec<String>; 4]> {
        v.and_then(|m| m.get(key))
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|r| {
                        [
                            strings(r.get("apiGroups")),
                            strings(r.get("apiVersions")),
                            strings(r.get("resources")),
                            strings(r.get("operations")),
                        ]
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    MatchResources {
        rules: rules("resourceRules"),
        exclude: rules("excludeResourceRules"),
        namespace_selector: v.and_then(|m| m.get("namespaceSelector")).cloned(),
        object_selector: v.and_then(|m| m.get("objectSelector")).cloned(),
    }
}

/// Policies and bindings found in a stream.
#[derive(Debug, Default)]
pub struct Found {
    /// Compiled policies.
    pub policies: Vec<Arc<Policy>>,
    /// Raw bindings: (file, document), resolved against policies later.
    pub bindings: Vec<(String, YamlDocument)>,
    /// Problems, e.g. a CEL syntax error.
    pub diagnostics: Vec<Diagnostic>,
}

impl Found {
    /// Merge another file's finds.
    pub fn extend(&mut self, other: Found) {
        self.policies.extend(other.policies);
        self.bindings.extend(other.bindings);
        self.diagnostics.extend(other.diagnostics);
    }

    /// Resolve every binding to its policy.
    pub fn resolve(self) -> (Vec<Binding>, Vec<Diagnostic>) {
        let mut diagnostics = self.diagnostics;
        let mut out = Vec::new();
        for (file, d) in self.bindings {
            let v = &d.value;
            let name = v
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let policy_name = v
                .pointer("/spec/policyName")
                .and_then(Value::as_str)
                .unwrap_or("");
            let Some(policy) = self.policies.iter().find(|p| p.name == policy_name) else {
                diagnostics.push(
                    Diagnostic::new(format!(
                        "ValidatingAdmissionPolicyBinding `{name}` binds `{policy_name}`, which is not loaded"
                    ))
                    .in_file(file)
                    .at(d.line, d.column, None),
                );
                continue;
            };
            let mut actions = strings(v.pointer("/spec/validationActions"));
            if actions.is_empty() {
                actions.push("Deny".into());
            }
            out.push(Binding {
                name,
                line: d.line,
                file,
                policy: policy.clone(),
                matcher: v
                    .pointer("/spec/matchResources")
                    .map(|m| match_resources(Some(m))),
                actions,
                param_ref: v.pointer("/spec/paramRef").cloned(),
            });
        }
        (out, diagnostics)
    }
}

/// Pick ValidatingAdmissionPolicies and bindings out of parsed documents.
pub fn find(file: &str, text: &str, docs: &[YamlDocument]) -> Found {
    let mut found = Found::default();
    for d in docs {
        let v = &d.value;
        let api = v.get("apiVersion").and_then(Value::as_str).unwrap_or("");
        if !api.starts_with("admissionregistration.k8s.io/") {
            continue;
        }
        match v.get("kind").and_then(Value::as_str) {
            Some("ValidatingAdmissionPolicy") => match policy(file, text, d) {
                Ok(p) => found.policies.push(Arc::new(p)),
                Err(diags) => found.diagnostics.extend(diags),
            },
            Some("ValidatingAdmissionPolicyBinding") => {
                found.bindings.push((file.to_string(), d.clone()));
            }
            _ => {}
        }
    }
    found
}

fn policy(file: &str, text: &str, d: &YamlDocument) -> Result<Policy, Vec<Diagnostic>> {
    let v = &d.value;
    let spec = v.get("spec");
    let mut errors = Vec::new();
    let env = env();
    let mut compile = |field: String, source: &str| -> Option<Expr> {
        match env.compile(source) {
            Ok(program) => Some(Expr {
                source: source.to_string(),
                field,
                program,
            }),
            Err(e) => {
                let path: Vec<crate::PathSegment> = field
                    .split(['.', '[', ']'])
                    .filter(|s| !s.is_empty())
                    .map(|s| match s.parse::<usize>() {
                        Ok(i) => crate::PathSegment::Index(i),
                        Err(_) => crate::PathSegment::Key(s.to_string()),
                    })
                    .collect();
                let pos = d.spans.locate(&d.value, &path);
                let (line, col) = pos.map_or((d.line, d.column), |p| (p.line, p.column));
                errors.push(
                    Diagnostic::new(format!(
                        "CEL does not compile in {field}: {}",
                        e.to_string().lines().next().unwrap_or("")
                    ))
                    .in_file(file)
                    .at(line, col, Some(text)),
                );
                None
            }
        }
    };
    let list = |key: &str| -> Vec<Value> {
        spec.and_then(|s| s.get(key))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let named =
        |key: &str, compile: &mut dyn FnMut(String, &str) -> Option<Expr>| -> Vec<(String, Expr)> {
            list(key)
                .iter()
                .enumerate()
                .filter_map(|(i, c)| {
                    let name = c
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string();
                    let src = c.get("expression").and_then(Value::as_str)?;
                    compile(format!("spec.{key}[{i}].expression"), src).map(|e| (name, e))
                })
                .collect()
        };
    let conditions = named("matchConditions", &mut compile);
    let variables = named("variables", &mut compile);
    let mut validations = Vec::new();
    for (i, c) in list("validations").iter().enumerate() {
        let Some(src) = c.get("expression").and_then(Value::as_str) else {
            continue;
        };
        let expr = compile(format!("spec.validations[{i}].expression"), src);
        let message_expr = c
            .get("messageExpression")
            .and_then(Value::as_str)
            .and_then(|m| compile(format!("spec.validations[{i}].messageExpression"), m));
        if let Some(expr) = expr {
            validations.push(Validation {
                expr,
                message: c.get("message").and_then(Value::as_str).map(str::to_string),
                message_expr,
                reason: c.get("reason").and_then(Value::as_str).map(str::to_string),
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let param_kind = spec.and_then(|s| s.get("paramKind")).map(|p| {
        (
            p.get("apiVersion")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            p.get("kind")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
        )
    });
    Ok(Policy {
        name: v
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
        file: file.to_string(),
        line: d.line,
        matcher: match_resources(spec.and_then(|s| s.get("matchConstraints"))),
        conditions,
        variables,
        validations,
        ignore_failures: spec
            .and_then(|s| s.get("failurePolicy"))
            .and_then(Value::as_str)
            == Some("Ignore"),
        param_kind,
    })
}

/// The REST resource name of a kind: `Deployment` → `deployments`.
pub fn plural(kind: &str) -> String {
    let lower = kind.to_ascii_lowercase();
    match lower.as_str() {
        "endpoints" => lower,
        _ if lower.ends_with("policy") => format!("{}ies", lower.trim_end_matches('y')),
        _ if lower.ends_with('s')
            || lower.ends_with("ch")
            || lower.ends_with("sh")
            || lower.ends_with('x') =>
        {
            format!("{lower}es")
        }
        _ if lower.ends_with('y') && !lower.ends_with("ay") && !lower.ends_with("ey") => {
            format!("{}ies", lower.trim_end_matches('y'))
        }
        _ => format!("{lower}s"),
    }
}

fn any(list: &[String], value: &str) -> bool {
    list.iter().any(|x| x == "*" || x == value)
}

impl Policy {
    /// Whether any expression mentions `name`.
    pub fn mentions(&self, name: &str) -> bool {
        let named = self
            .conditions
            .iter()
            .chain(&self.variables)
            .map(|(_, e)| e);
        let validations = self
            .validations
            .iter()
            .flat_map(|v| std::iter::once(&v.expr).chain(v.message_expr.as_ref()));
        named.chain(validations).any(|e| e.source.contains(name))
    }
}

impl MatchResources {
    fn rule_hit(rules: &[[Vec<String>; 4]], group: &str, version: &str, resource: &str) -> bool {
        rules.iter().any(|[g, v, r, o]| {
            any(g, group)
                && any(v, version)
                && any(r, resource)
                && (o.is_empty() || any(o, "CREATE"))
        })
    }

    /// Whether an object (group/version, plural resource, labels,
    /// namespace labels) is selected.
    fn matches(
        &self,
        group: &str,
        version: &str,
        resource: &str,
        obj: &Value,
        ns_labels: Option<&BTreeMap<String, String>>,
    ) -> bool {
        if !self.rules.is_empty() && !Self::rule_hit(&self.rules, group, version, resource) {
            return false;
        }
        if Self::rule_hit(&self.exclude, group, version, resource) {
            return false;
        }
        if let Some(sel) = &self.object_selector {
            if !selects(sel, &labels(obj)) {
                return false;
            }
        }
        if let Some(sel) = &self.namespace_selector {
            let empty = BTreeMap::new();
            // Cluster-scoped objects are not filtered by namespace selectors.
            if let Some(l) = ns_labels {
                if !selects(sel, l) {
                    return false;
                }
            } else if obj.pointer("/metadata/namespace").is_some() && !selects(sel, &empty) {
                return false;
            }
        }
        true
    }
}

/// What evaluating a binding on an object produced.
#[derive(Debug, PartialEq)]
pub enum Verdict {
    /// Not selected, or all validations held.
    Pass,
    /// Failed validations: messages.
    Violations(Vec<String>),
    /// An expression could not be evaluated.
    Error(String),
}

/// What the evaluator needs about the rest of the scan.
pub struct Scope<'a> {
    /// The object's namespace object, if scanned.
    pub namespace_object: Option<&'a Value>,
    /// Objects of the policy's `paramKind`, if any.
    pub params: &'a [Value],
}

fn to_cel(v: &Value) -> Cel {
    cel::to_value(v).unwrap_or(Cel::Null)
}

fn run(expr: &Expr, ctx: &Context<'_, '_>) -> Result<Cel, String> {
    expr.program
        .execute(ctx)
        .map_err(|e| format!("{}: {e} (in `{}`)", expr.field, expr.source))
}

fn add_kubernetes_functions(ctx: &mut Context<'_, '_>) {
    // Kubernetes' regex library: `"abc".find("[a-z]")`, `.findAll(re[, n])`.
    let _ = ctx.add_function(
        "find",
        |This(s): This<Arc<String>>, re: Arc<String>| -> Result<Arc<String>, cel::ExecutionError> {
            let re = regex::Regex::new(&re)
                .map_err(|e| cel::ExecutionError::function_error("find", e))?;
            Ok(Arc::new(
                re.find(&s)
                    .map(|m| m.as_str().to_string())
                    .unwrap_or_default(),
            ))
        },
    );
    let _ = ctx.add_function(
        "findAll",
        |This(s): This<Arc<String>>, re: Arc<String>| -> Result<Cel, cel::ExecutionError> {
            let re = regex::Regex::new(&re)
                .map_err(|e| cel::ExecutionError::function_error("findAll", e))?;
            Ok(Cel::from(
                re.find_iter(&s)
                    .map(|m| m.as_str().to_string())
                    .collect::<Vec<_>>(),
            ))
        },
    );
}

impl Binding {
    /// Evaluate on `obj` (of `kind` in `namespace`, empty if cluster-scoped).
    pub fn evaluate(&self, obj: &Value, namespace: &str, scope: &Scope<'_>) -> Verdict {
        let api = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("");
        let (group, version) = api.split_once('/').unwrap_or(("", api));
        let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
        let resource = plural(kind);
        let ns_labels = scope.namespace_object.map(labels);
        let p = &self.policy;
        if !p
            .matcher
            .matches(group, version, &resource, obj, ns_labels.as_ref())
        {
            return Verdict::Pass;
        }
        if let Some(m) = &self.matcher {
            if !m.matches(group, version, &resource, obj, ns_labels.as_ref()) {
                return Verdict::Pass;
            }
        }
        // Params: none, one per matching object (each evaluated), or missing.
        let params: Vec<Option<&Value>> = match &p.param_kind {
            None => vec![None],
            Some((pv, pk)) => {
                let r = self.param_ref.as_ref();
                let name = r.and_then(|r| r.get("name")).and_then(Value::as_str);
                let ns = r.and_then(|r| r.get("namespace")).and_then(Value::as_str);
                let selector = r.and_then(|r| r.get("selector"));
                let found: Vec<Option<&Value>> = scope
                    .params
                    .iter()
                    .filter(|o| {
                        o.get("apiVersion").and_then(Value::as_str) == Some(pv.as_str())
                            && o.get("kind").and_then(Value::as_str) == Some(pk.as_str())
                            && name.is_none_or(|n| {
                                o.pointer("/metadata/name").and_then(Value::as_str) == Some(n)
                            })
                            && ns.is_none_or(|n| {
                                o.pointer("/metadata/namespace").and_then(Value::as_str) == Some(n)
                            })
                            && selector.is_none_or(|s| selects(s, &labels(o)))
                    })
                    .map(Some)
                    .collect();
                if found.is_empty() {
                    let deny = r
                        .and_then(|r| r.get("parameterNotFoundAction"))
                        .and_then(Value::as_str)
                        == Some("Deny");
                    return if deny {
                        Verdict::Violations(vec![format!(
                            "no params of kind {pk} found for binding {}",
                            self.name
                        )])
                    } else {
                        Verdict::Pass
                    };
                }
                found
            }
        };
        let mut messages = Vec::new();
        for param in params {
            match self.evaluate_with(
                obj, group, version, kind, &resource, namespace, param, scope,
            ) {
                Ok(m) => messages.extend(m),
                Err(e) if p.ignore_failures => {
                    let _ = e;
                }
                Err(e) => return Verdict::Error(e),
            }
        }
        if messages.is_empty() {
            Verdict::Pass
        } else {
            Verdict::Violations(messages)
        }
    }

    #[allow(clippy::too_many_arguments, reason = "the request's parts")]
    fn evaluate_with(
        &self,
        obj: &Value,
        group: &str,
        version: &str,
        kind: &str,
        resource: &str,
        namespace: &str,
        params: Option<&Value>,
        scope: &Scope<'_>,
    ) -> Result<Vec<String>, String> {
        let p = &self.policy;
        let mut ctx = Context::with_env(env());
        add_kubernetes_functions(&mut ctx);
        let name = obj
            .pointer("/metadata/name")
            .cloned()
            .unwrap_or(Value::Null);
        let request = serde_json::json!({
            "kind": {"group": group, "version": version, "kind": kind},
            "resource": {"group": group, "version": version, "resource": resource},
            "name": name, "namespace": namespace, "operation": "CREATE",
            "userInfo": {}, "dryRun": false,
        });
        ctx.add_variable_from_value("object", to_cel(obj));
        ctx.add_variable_from_value("oldObject", Cel::Null);
        ctx.add_variable_from_value("request", to_cel(&request));
        ctx.add_variable_from_value("params", params.map_or(Cel::Null, to_cel));
        ctx.add_variable_from_value(
            "namespaceObject",
            scope.namespace_object.map_or(Cel::Null, to_cel),
        );
        ctx.add_variable_from_value(
            "variables",
            Cel::from(std::collections::HashMap::<String, Cel>::new()),
        );
        for (name, cond) in &p.conditions {
            match run(cond, &ctx)? {
                Cel::Bool(true) => {}
                Cel::Bool(false) => return Ok(Vec::new()),
                other => return Err(format!("matchCondition `{name}` is not a bool: {other:?}")),
            }
        }
        let mut vars: std::collections::HashMap<String, Cel> = std::collections::HashMap::new();
        for (name, expr) in &p.variables {
            let value = run(expr, &ctx)?;
            vars.insert(name.clone(), value);
            ctx.add_variable_from_value("variables", Cel::from(vars.clone()));
        }
        let mut messages = Vec::new();
        for v in &p.validations {
            match run(&v.expr, &ctx)? {
                Cel::Bool(true) => {}
                Cel::Bool(false) => {
                    let from_expr = v.message_expr.as_ref().and_then(|m| match run(m, &ctx) {
                        Ok(Cel::String(s)) if !s.trim().is_empty() => Some(s.to_string()),
                        _ => None,
                    });
                    let msg = from_expr
                        .or_else(|| v.message.clone())
                        .unwrap_or_else(|| format!("failed expression: {}", v.expr.source));
                    messages.push(match &v.reason {
                        Some(r) => format!("{msg} (reason: {r})"),
                        None => msg,
                    });
                }
                other => return Err(format!("{} must be a bool, got {other:?}", v.expr.field)),
            }
        }
        Ok(messages)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const POLICY: &str = r#"apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: replicas}
spec:
  paramKind: {apiVersion: v1, kind: ConfigMap}
  matchConstraints:
    resourceRules:
      - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}
  matchConditions:
    - name: not-exempt
      expression: "!('exempt' in object.metadata.?labels.orValue({}))"
  variables:
    - name: max
      expression: "int(params.data.max)"
  validations:
    - expression: "object.spec.replicas <= variables.max"
      messageExpression: "'replicas ' + string(object.spec.replicas) + ' > ' + string(variables.max)"
    - expression: "object.metadata.name.find('[0-9]+') == ''"
      message: name must not contain digits
      reason: Invalid
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: replicas-binding}
spec:
  policyName: replicas
  validationActions: [Deny]
  paramRef: {name: limits, namespace: default, parameterNotFoundAction: Deny}
"#;

    fn bindings(text: &str) -> Vec<Binding> {
        let stream = crate::yaml::parse_stream(text, &Default::default());
        let found = find("vap.yaml", text, &stream.documents);
        let (b, d) = found.resolve();
        assert!(d.is_empty(), "{d:?}");
        b
    }

    #[test]
    fn params_variables_conditions_and_messages() {
        let b = bindings(POLICY);
        let b = b.first().unwrap();
        let params = vec![
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "limits", "namespace": "default"}, "data": {"max": "3"}}),
        ];
        let scope = Scope {
            namespace_object: None,
            params: &params,
        };
        let dep = |name: &str, replicas: i64, labels: Value| json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "labels": labels}, "spec": {"replicas": replicas}});
        assert_eq!(
            b.evaluate(&dep("web", 2, json!({})), "default", &scope),
            Verdict::Pass
        );
        assert_eq!(
            b.evaluate(&dep("web2", 5, json!({})), "default", &scope),
            Verdict::Violations(vec![
                "replicas 5 > 3".into(),
                "name must not contain digits (reason: Invalid)".into()
            ])
        );
        assert_eq!(
            b.evaluate(&dep("web2", 5, json!({"exempt": "yes"})), "default", &scope),
            Verdict::Pass
        );
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p1"}});
        assert_eq!(
            b.evaluate(&pod, "default", &scope),
            Verdict::Pass,
            "not matched"
        );
        let none = Scope {
            namespace_object: None,
            params: &[],
        };
        assert!(matches!(
            b.evaluate(&dep("web", 2, json!({})), "default", &none),
            Verdict::Violations(_)
        ));
    }

    #[test]
    fn unknown_functions_are_errors_not_passes() {
        let text = POLICY.replace(
            "object.spec.replicas <= variables.max",
            "quantity('1Gi').isGreaterThan(quantity('1Mi'))",
        );
        let b = bindings(&text);
        let params = vec![
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "limits", "namespace": "default"}, "data": {"max": "3"}}),
        ];
        let scope = Scope {
            namespace_object: None,
            params: &params,
        };
        let dep = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": {"replicas": 1}});
        match b.first().unwrap().evaluate(&dep, "default", &scope) {
            Verdict::Error(e) => assert!(
                e.contains("quantity") && e.contains("spec.validations[0].expression"),
                "{e}"
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn syntax_errors_point_at_the_expression() {
        let text = POLICY.replace("int(params.data.max)", "int(params.data.max");
        let stream = crate::yaml::parse_stream(&text, &Default::default());
        let found = find("vap.yaml", &text, &stream.documents);
        let d = found.diagnostics.first().unwrap();
        assert_eq!(d.line, Some(14), "{d}");
        assert!(d.message.contains("spec.variables[0].expression"), "{d}");
    }

    #[test]
    fn plurals() {
        assert_eq!(plural("Deployment"), "deployments");
        assert_eq!(plural("Ingress"), "ingresses");
        assert_eq!(plural("NetworkPolicy"), "networkpolicies");
        assert_eq!(plural("Endpoints"), "endpoints");
        assert_eq!(plural("Gateway"), "gateways");
    }
}
