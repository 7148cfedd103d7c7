//! A minimal Rego lexer: the dotted names of a module outside strings and
//! comments, with their positions. Enough for load-time checks and rewrites
//! that must not touch text inside string literals or comments.

/// One run of identifier characters and dots (`k8s.pod_spec.spec`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Name<'a> {
    /// The run itself.
    pub text: &'a str,
    /// Byte offset of its first character.
    pub start: usize,
    /// 1-based line and column (in characters) of its first character.
    pub line: u32,
    pub col: u32,
    /// The character before it is a `.` (`x[0].name`: `name` is a field).
    pub after_dot: bool,
    /// The first character after it.
    pub next: Option<char>,
}

/// Every dotted name of `rego` outside strings and comments, in order.
pub(crate) fn names(rego: &str) -> Vec<Name<'_>> {
    let mut out = Vec::new();
    let mut chars = rego.char_indices().peekable();
    let (mut line, mut col) = (1u32, 1u32);
    let mut prev: Option<char> = None;
    let advance = |c: char, line: &mut u32, col: &mut u32| {
        if c == '\n' {
            *line += 1;
            *col = 1;
        } else {
            *col += 1;
        }
    };
    while let Some((at, c)) = chars.next() {
        let (start_line, start_col) = (line, col);
        advance(c, &mut line, &mut col);
        match c {
            '#' => {
                while let Some(&(_, n)) = chars.peek() {
                    if n == '\n' {
                        break;
                    }
                    col += 1;
                    chars.next();
                }
            }
            '"' | '`' => {
                let mut escaped = false;
                for (_, n) in chars.by_ref() {
                    advance(n, &mut line, &mut col);
                    if escaped {
                        escaped = false;
                    } else if c == '"' && n == '\\' {
                        escaped = true;
                    } else if n == c {
                        break;
                    }
                }
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let mut end = at + c.len_utf8();
                while let Some(&(i, n)) = chars.peek() {
                    if n.is_ascii_alphanumeric() || n == '_' || n == '.' {
                        end = i + n.len_utf8();
                        col += 1;
                        chars.next();
                    } else {
                        break;
                    }
                }
                out.push(Name {
                    text: &rego[at..end],
                    start: at,
                    line: start_line,
                    col: start_col,
                    after_dot: prev == Some('.'),
                    next: chars.peek().map(|&(_, n)| n),
                });
                prev = rego[..end].chars().next_back();
                continue;
            }
            _ => {}
        }
        prev = Some(c);
    }
    out
}

/// The `data` imports of a module: (the name it binds, the full path), for
/// `import data.a.b` (binds `b`) and `import data.a.b as x` (binds `x`).
pub(crate) fn data_imports(rego: &str) -> Vec<(String, String)> {
    rego.lines()
        .filter_map(|l| l.trim().strip_prefix("import "))
        .filter_map(|rest| {
            let mut parts = rest.split_whitespace();
            let path = parts.next()?;
            let alias = match (parts.next(), parts.next()) {
                (Some("as"), Some(alias)) => alias,
                (None, None) => path.rsplit('.').next()?,
                _ => return None,
            };
            let plain = path
                .split('.')
                .all(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
            (path.starts_with("data.") && plain).then(|| (alias.to_string(), path.to_string()))
        })
        .collect()
}

/// The module with every reference through a `data` import alias written
/// out in full (`k8s.pod_spec` → `data.assay.lib.kubernetes.pod_spec`).
///
/// The meaning is unchanged, but regorus's VM compiles an aliased reference
/// as "evaluate the whole imported package, then index it", which costs
/// every rule of that package on every use (20 µs where the full path
/// costs 1 µs). An alias that is ever used bare (`some k8s in …`, a rule or
/// variable of that name) is left alone: there the name may not mean the
/// import. Returns `None` when nothing changes. Lines keep their numbers;
/// columns after an expanded alias shift.
pub(crate) fn expand_import_aliases(rego: &str) -> Option<String> {
    let imports = data_imports(rego);
    if imports.is_empty() {
        return None;
    }
    let names = names(rego);
    let import_lines: Vec<u32> = rego
        .lines()
        .zip(1u32..)
        .filter(|(l, _)| l.trim_start().starts_with("import "))
        .map(|(_, n)| n)
        .collect();
    let mut edits: Vec<(usize, usize, &str)> = Vec::new();
    for (alias, path) in &imports {
        let mut uses = Vec::new();
        let mut bare = false;
        for n in &names {
            if n.after_dot || import_lines.contains(&n.line) {
                continue;
            }
            let head = n.text.split('.').next().unwrap_or("");
            if head != alias {
                continue;
            }
            if n.text.len() > alias.len() || n.next == Some('[') {
                uses.push((n.start, n.start + alias.len(), path.as_str()));
            } else {
                bare = true;
            }
        }
        if !bare {
            edits.extend(uses);
        }
    }
    if edits.is_empty() {
        return None;
    }
    edits.sort_unstable();
    let mut out = String::with_capacity(rego.len() + edits.len() * 24);
    let mut at = 0;
    for (start, end, path) in edits {
        out.push_str(rego.get(at..start)?);
        out.push_str(path);
        at = end;
    }
    out.push_str(rego.get(at..)?);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_skip_strings_and_comments() {
        let rego = "a.b(x) # c.d(y)\ns := \"e.f \\\" g\"\n`h.i` j[0].k\n";
        let got: Vec<_> = names(rego)
            .iter()
            .map(|n| (n.text, n.line, n.col, n.after_dot, n.next))
            .collect();
        assert_eq!(
            got,
            vec![
                ("a.b", 1, 1, false, Some('(')),
                ("x", 1, 5, false, Some(')')),
                ("s", 2, 1, false, Some(' ')),
                ("j", 3, 7, false, Some('[')),
                ("k", 3, 12, true, Some('\n')),
            ]
        );
    }

    #[test]
    fn aliases_are_written_out() {
        let rego = "package p\n\nimport rego.v1\nimport data.lib.k8s\nimport data.lib.result as r\n\n# k8s.x in a comment\ndeny contains r.finding(m, p) if {\n  some c in k8s.containers\n  k8s[\"pod_spec\"].spec\n  m := \"k8s.x\"\n  p := c.k8s.path\n}\n";
        let got = expand_import_aliases(rego).unwrap();
        assert_eq!(
            got,
            "package p\n\nimport rego.v1\nimport data.lib.k8s\nimport data.lib.result as r\n\n# k8s.x in a comment\ndeny contains data.lib.result.finding(m, p) if {\n  some c in data.lib.k8s.containers\n  data.lib.k8s[\"pod_spec\"].spec\n  m := \"k8s.x\"\n  p := c.k8s.path\n}\n"
        );
    }

    #[test]
    fn an_alias_used_bare_is_left_alone() {
        let rego = "package p\nimport data.lib.k8s\nimport data.lib.other\nf(k8s) := k8s.x\ng := other.y\n";
        let got = expand_import_aliases(rego).unwrap();
        assert_eq!(
            got,
            "package p\nimport data.lib.k8s\nimport data.lib.other\nf(k8s) := k8s.x\ng := data.lib.other.y\n"
        );
        assert_eq!(expand_import_aliases("package p\nimport rego.v1\n"), None);
        assert_eq!(
            expand_import_aliases("package p\nimport input.x as y\nz := y.a\n"),
            None
        );
    }
}
