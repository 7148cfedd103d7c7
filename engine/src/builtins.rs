//! Load-time detection of OPA builtins that regorus does not implement
//! (`io.jwt.*`, `crypto.*`, `units.parse`, some `regex.*`/`net.*`), so a
//! policy that calls one is reported with its location when it loads, not
//! as an error on every resource it later meets.

/// A dotted call to a function that is neither a regorus builtin nor a
/// function reached through an import alias or `data`: (name, line, column).
pub fn unsupported_calls(rego: &str) -> Vec<(String, u32, u32)> {
    let aliases = import_aliases(rego);
    let mut out = Vec::new();
    for (name, line, col) in dotted_calls(rego) {
        let first = name.split('.').next().unwrap_or("");
        if first == "data" || first == "input" || aliases.iter().any(|a| a == first) {
            continue;
        }
        if regorus::unstable::BUILTINS.contains_key(name.as_str()) {
            continue;
        }
        out.push((name, line, col));
    }
    out
}

/// The names imports bind: `import data.a.b` → `b`, `import data.a as x` → `x`.
fn import_aliases(rego: &str) -> Vec<String> {
    rego.lines()
        .filter_map(|l| l.trim().strip_prefix("import "))
        .map(|rest| {
            let mut parts = rest.split_whitespace();
            let path = parts.next().unwrap_or("");
            match (parts.next(), parts.next()) {
                (Some("as"), Some(alias)) => alias.to_string(),
                _ => path.rsplit('.').next().unwrap_or(path).to_string(),
            }
        })
        .collect()
}

/// Every `a.b(`-shaped call outside strings and comments.
fn dotted_calls(rego: &str) -> Vec<(String, u32, u32)> {
    crate::lexer::names(rego)
        .into_iter()
        .filter(|n| n.next == Some('(') && n.text.contains('.') && !n.after_dot)
        .map(|n| (n.text.to_string(), n.line, n.col))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_unsupported_builtins_only() {
        let rego = "package p\n\nimport data.lib.k8s\nimport data.x.y as z\n\n# io.jwt.decode(x) in a comment\ndeny contains m if {\n  [_, payload, _] := io.jwt.decode(input.token)\n  k8s.helper(input)\n  z.f(1)\n  s := \"crypto.md5(x)\"\n  count(input.a) > 0\n  object.get(input, \"a\", 1)\n  m := sprintf(\"%v\", [crypto.sha256(input.a)])\n}\n";
        let got = unsupported_calls(rego);
        assert_eq!(
            got,
            vec![
                ("io.jwt.decode".to_string(), 8, 22),
                ("crypto.sha256".to_string(), 14, 23)
            ]
        );
    }
}
