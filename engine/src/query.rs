//! Ad-hoc queries, the core of `assay eval`.

use crate::diagnostic::Diagnostic;
use crate::policy::{add_module, regorus_diagnostic, PolicyModule};
use serde_json::Value;

/// Evaluate `query` over `modules` and `data` with `input`; the result in
/// OPA's shape (`{"result": [{"expressions": [...], "bindings": {...}}]}`,
/// `{}` when undefined).
pub fn evaluate_query(
    modules: &[PolicyModule],
    data: &[Value],
    input: Option<&Value>,
    query: &str,
) -> Result<Value, Vec<Diagnostic>> {
    let mut engine = regorus::Engine::new();
    let mut errors = Vec::new();
    for d in data {
        if let Err(e) = engine.add_data(regorus::Value::from(d.clone())) {
            errors.push(Diagnostic::new(format!("cannot merge data: {e:#}")));
        }
    }
    for m in modules {
        if let Err(d) = add_module(&mut engine, m, None) {
            errors.push(d);
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if let Some(input) = input {
        engine.set_input(regorus::Value::from(input.clone()));
    }
    let results = engine
        .eval_query(query.to_string(), false)
        .map_err(|e| vec![regorus_diagnostic(&format!("{e:#}"), modules)])?;
    serde_json::to_value(&results).map_err(|e| vec![Diagnostic::new(e.to_string())])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn results_have_opas_shape() {
        let m = PolicyModule {
            path: "p.rego".into(),
            text: "package p\n\nimport rego.v1\n\nbig contains n if {\n  some n in input.xs\n  n > data.min\n}\n".into(),
            pack: None,
        };
        let got = evaluate_query(
            &[m],
            &[json!({"min": 1})],
            Some(&json!({"xs": [1, 2, 3]})),
            "data.p.big",
        )
        .unwrap();
        assert_eq!(got["result"][0]["expressions"][0]["value"], json!([2, 3]));
        assert_eq!(got["result"][0]["expressions"][0]["text"], "data.p.big");
        let undefined = evaluate_query(&[], &[], None, "data.nothing").unwrap();
        assert_eq!(undefined, json!({}));
    }

    #[test]
    fn a_broken_module_is_a_diagnostic_with_its_position() {
        let m = PolicyModule {
            path: "bad.rego".into(),
            text: "package b\n\nx := [\n".into(),
            pack: None,
        };
        let errs = evaluate_query(&[m], &[], None, "true").unwrap_err();
        assert_eq!(errs[0].file.as_deref(), Some("bad.rego"));
    }
}
