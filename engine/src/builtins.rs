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
    let chars: Vec<char> = rego.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line, mut col) = (0usize, 1u32, 1u32);
    let advance = |c: char, line: &mut u32, col: &mut u32| {
        if c == '\n' {
            *line += 1;
            *col = 1;
        } else {
            *col += 1;
        }
    };
    while let Some(&c) = chars.get(i) {
        match c {
            '#' => {
                while let Some(&c) = chars.get(i) {
                    if c == '\n' {
                        break;
                    }
                    advance(c, &mut line, &mut col);
                    i += 1;
                }
            }
            '"' | '`' => {
                let quote = c;
                advance(c, &mut line, &mut col);
                i += 1;
                while let Some(&c) = chars.get(i) {
                    advance(c, &mut line, &mut col);
                    i += 1;
                    if quote == '"' && c == '\\' {
                        if let Some(&n) = chars.get(i) {
                            advance(n, &mut line, &mut col);
                            i += 1;
                        }
                    } else if c == quote {
                        break;
                    }
                }
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let (start_line, start_col) = (line, col);
                let preceded_by_dot = i > 0 && chars.get(i - 1) == Some(&'.');
                let mut name = String::new();
                while let Some(&c) = chars.get(i) {
                    if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
                        name.push(c);
                        advance(c, &mut line, &mut col);
                        i += 1;
                    } else {
                        break;
                    }
                }
                if chars.get(i) == Some(&'(') && name.contains('.') && !preceded_by_dot {
                    out.push((name, start_line, start_col));
                }
            }
            _ => {
                advance(c, &mut line, &mut col);
                i += 1;
            }
        }
    }
    out
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
