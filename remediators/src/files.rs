//! Fixes applied to manifest files in place: the YAML text is edited where
//! the fix changes it and nowhere else, so comments, key order, quoting and
//! formatting of every other line stay as they were.
//!
//! Edits are made from the span map the collector recorded (the position of
//! every node): a changed scalar is replaced where it stands; a missing
//! field is inserted as a block at the end of its parent mapping, indented
//! like its siblings (a flow mapping such as `{}` is re-rendered in flow
//! style); a removed field loses its lines. The result is then parsed again
//! and must equal, document for document, what the JSON Patch gives — a
//! file that cannot be edited that safely is not edited.

use crate::patch;
use assay_engine::resource::{PathSegment, Resource, Source};
use serde_json::Value;

/// Why a file cannot be rewritten in place.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RewriteError(pub String);

fn err<T>(msg: impl Into<String>) -> Result<T, RewriteError> {
    Err(RewriteError(msg.into()))
}

/// One text edit: replace `start..end` (bytes) by `text`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Edit {
    start: usize,
    end: usize,
    text: String,
    /// Indentation of an insertion: at one offset, deeper ones come first.
    depth: usize,
}

struct Text<'a> {
    src: &'a str,
    /// Byte offset of each line start.
    lines: Vec<usize>,
}

impl<'a> Text<'a> {
    fn new(src: &'a str) -> Self {
        let mut lines = vec![0];
        lines.extend(src.match_indices('\n').map(|(i, _)| i + 1));
        Self { src, lines }
    }

    fn line(&self, n: usize) -> &'a str {
        let start = self.lines.get(n).copied().unwrap_or(self.src.len());
        let end = self.lines.get(n + 1).map_or(self.src.len(), |e| e - 1);
        self.src.get(start..end.max(start)).unwrap_or("")
    }

    /// Byte offset of 1-based `line`:`col` (columns count characters).
    fn offset(&self, line: u32, col: u32) -> Option<usize> {
        let l = usize::try_from(line).ok()?.checked_sub(1)?;
        let start = *self.lines.get(l)?;
        let text = self.line(l);
        let c = usize::try_from(col).ok()?.checked_sub(1)?;
        let within = text.char_indices().nth(c).map_or(text.len(), |(i, _)| i);
        Some(start + within)
    }

    fn line_of(&self, offset: usize) -> usize {
        match self.lines.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// A scalar as YAML: plain when that reads back as the same string.
pub fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => {
            let plain = !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_./-".contains(c))
                && !s.starts_with(['-', '.'])
                && s.parse::<f64>().is_err()
                && !matches!(
                    s.to_ascii_lowercase().as_str(),
                    "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n" | "~"
                );
            if plain {
                s.clone()
            } else {
                Value::String(s.clone()).to_string()
            }
        }
        Value::Null => "null".into(),
        Value::Object(m) if m.is_empty() => "{}".into(),
        Value::Array(a) if a.is_empty() => "[]".into(),
        Value::Object(_) | Value::Array(_) => flow(v),
        other => other.to_string(),
    }
}

/// A value in flow style (`{a: 1, b: [x]}`).
pub fn flow(v: &Value) -> String {
    match v {
        Value::Object(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, x)| format!("{}: {}", scalar(&Value::String(k.clone())), flow(x)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Array(a) => format!("[{}]", a.iter().map(flow).collect::<Vec<_>>().join(", ")),
        other => scalar(other),
    }
}

/// `key: value` as block lines at `indent` spaces.
fn block_entry(key: &str, v: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    let k = scalar(&Value::String(key.to_string()));
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push_str(&format!("{pad}{k}:\n"));
            for (ck, cv) in m {
                block_entry(ck, cv, indent + 2, out);
            }
        }
        Value::Array(a) if !a.is_empty() => {
            out.push_str(&format!("{pad}{k}:\n"));
            for item in a {
                out.push_str(&format!("{pad}  - {}\n", flow(item)));
            }
        }
        other => out.push_str(&format!("{pad}{k}: {}\n", scalar(other))),
    }
}

fn segs(pointer: &str) -> Result<Vec<String>, RewriteError> {
    patch::segments(pointer).map_err(|e| RewriteError(e.to_string()))
}

fn path_of(body: &Value, segs: &[String]) -> Vec<PathSegment> {
    let mut out = Vec::new();
    let mut cur = Some(body);
    for s in segs {
        match cur {
            Some(Value::Array(a)) => {
                let i = s.parse::<usize>().unwrap_or(usize::MAX);
                out.push(PathSegment::Index(i));
                cur = a.get(i);
            }
            _ => {
                out.push(PathSegment::Key(s.clone()));
                cur = cur.and_then(|c| c.get(s));
            }
        }
    }
    out
}

fn pointer_of(segs: &[String]) -> String {
    segs.iter()
        .map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1")))
        .collect()
}

struct Doc<'t, 'a> {
    text: &'t Text<'a>,
    r: &'t Resource,
    spans: &'t assay_engine::resource::SpanMap,
}

impl Doc<'_, '_> {
    /// Byte offset of the node at `segs` (a member's key, an item's start).
    fn at(&self, segs: &[String]) -> Result<usize, RewriteError> {
        let path = path_of(&self.r.body, segs);
        let pos = self
            .spans
            .locate(&self.r.body, &path)
            .ok_or_else(|| RewriteError(format!("no position for {}", pointer_of(segs))))?;
        self.text
            .offset(pos.line, pos.column)
            .ok_or_else(|| RewriteError("position outside the file".into()))
    }

    fn is_item(&self, segs: &[String]) -> bool {
        !segs.is_empty()
            && patch::get(
                &self.r.body,
                &pointer_of(segs.get(..segs.len() - 1).unwrap_or(&[])),
            )
            .is_some_and(Value::is_array)
    }

    /// Where the value of the member/item at `segs` starts (byte offset).
    fn value_start(&self, segs: &[String]) -> Result<usize, RewriteError> {
        let at = self.at(segs)?;
        if segs.is_empty() || self.is_item(segs) {
            return Ok(at);
        }
        let src = self.text.src;
        let rest = src.get(at..).unwrap_or("");
        // Skip the key (possibly quoted), then `:`.
        let key_len = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => rest
                .get(1..)
                .and_then(|r| r.find(q))
                .map(|i| i + 2)
                .unwrap_or(0),
            _ => rest.find(':').unwrap_or(0),
        };
        let after_key = at + key_len;
        let colon = src
            .get(after_key..)
            .and_then(|r| r.find(':'))
            .map(|i| after_key + i + 1)
            .ok_or_else(|| RewriteError("no `:` after the key".into()))?;
        let skip = src
            .get(colon..)
            .map_or(0, |r| r.len() - r.trim_start_matches([' ', '\t']).len());
        Ok(colon + skip)
    }

    /// End of a scalar or flow node starting at `start`.
    fn value_end(&self, start: usize, in_flow: bool) -> Result<usize, RewriteError> {
        let src = self.text.src;
        let rest = src.get(start..).unwrap_or("");
        let mut chars = rest.char_indices();
        match chars.next() {
            Some((_, '"')) => {
                let mut escaped = false;
                for (i, c) in chars {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        return Ok(start + i + 1);
                    }
                }
                err("unterminated string")
            }
            Some((_, '\'')) => {
                let bytes = rest.as_bytes();
                let mut i = 1;
                while i < bytes.len() {
                    if bytes.get(i) == Some(&b'\'') {
                        if bytes.get(i + 1) == Some(&b'\'') {
                            i += 2;
                            continue;
                        }
                        return Ok(start + i + 1);
                    }
                    i += 1;
                }
                err("unterminated string")
            }
            Some((_, open @ ('{' | '['))) => {
                let mut depth = 0usize;
                let mut quote: Option<char> = None;
                for (i, c) in rest.char_indices() {
                    match (quote, c) {
                        (Some(q), c) if c == q => quote = None,
                        (Some(_), _) => {}
                        (None, '"' | '\'') => quote = Some(c),
                        (None, '{' | '[') => depth += 1,
                        (None, '}' | ']') => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                let _ = open;
                                return Ok(start + i + 1);
                            }
                        }
                        _ => {}
                    }
                }
                err("unterminated flow collection")
            }
            _ => {
                let line_end = rest.find('\n').unwrap_or(rest.len());
                let mut end = line_end;
                if let Some(c) = rest.get(..line_end).and_then(|l| l.find(" #")) {
                    end = end.min(c);
                }
                if in_flow {
                    if let Some(c) = rest.get(..end).and_then(|l| l.find([',', '}', ']'])) {
                        end = c;
                    }
                }
                let trimmed = rest.get(..end).unwrap_or("").trim_end();
                Ok(start + trimmed.len())
            }
        }
    }

    fn in_flow(&self, offset: usize) -> bool {
        let before = self.text.src.get(..offset).unwrap_or("");
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let head = before.get(line_start..).unwrap_or("");
        head.matches(['{', '[']).count() > head.matches(['}', ']']).count()
    }

    /// Replace the value at `segs` by `v`.
    fn replace(&self, segs: &[String], v: &Value) -> Result<Edit, RewriteError> {
        let start = self.value_start(segs)?;
        let flow_ctx = self.in_flow(start);
        let first = self.text.src.get(start..).and_then(|r| r.chars().next());
        if matches!(first, Some('\n' | '#' | '|' | '>') | None)
            || (v.is_object() || v.is_array()) && !flow_ctx && !matches!(first, Some('{' | '['))
        {
            return err(format!(
                "{}: block values are not rewritten in place",
                pointer_of(segs)
            ));
        }
        let end = self.value_end(start, flow_ctx)?;
        Ok(Edit {
            start,
            end,
            text: if v.is_object() || v.is_array() {
                flow(v)
            } else {
                scalar(v)
            },
            depth: 0,
        })
    }

    /// Insert `key: value` into the mapping at `segs`.
    fn insert(&self, segs: &[String], key: &str, v: &Value) -> Result<Edit, RewriteError> {
        let ptr = pointer_of(segs);
        let Some(Value::Object(map)) = patch::get(&self.r.body, &ptr) else {
            return err(format!("{ptr} is not a mapping"));
        };
        if map.is_empty() {
            // `x: {}` in flow style: render the new mapping in its place.
            if segs.is_empty() {
                return err("an empty document");
            }
            let mut full = serde_json::Map::new();
            full.insert(key.to_string(), v.clone());
            return self.replace(segs, &Value::Object(full));
        }
        // The first child tells block from flow style, and the indentation.
        let mut child = segs.to_vec();
        child.push(map.keys().next().cloned().unwrap_or_default());
        let first = self.at(&child)?;
        if self.in_flow(first) {
            let mut merged = map.clone();
            merged.insert(key.to_string(), v.clone());
            return self.replace(segs, &Value::Object(merged));
        }
        let line_no = self.text.line_of(first);
        let line_start = self.text.lines.get(line_no).copied().unwrap_or(0);
        let col = self
            .text
            .src
            .get(line_start..first)
            .map_or(0, |s| s.chars().count());
        // The end of the mapping: after its last entry's last line.
        let mut last = segs.to_vec();
        last.push(map.keys().next_back().cloned().unwrap_or_default());
        let last_line = self.text.line_of(self.at(&last)?);
        let mut end_line = last_line;
        let mut n = last_line + 1;
        while n < self.text.lines.len() {
            let l = self.text.line(n);
            let t = l.trim();
            if t == "---" || t == "..." {
                break;
            }
            if t.is_empty() || (t.starts_with('#') && indent_of(l) > col) {
                n += 1;
                continue;
            }
            let ind = indent_of(l);
            if ind > col || (ind == col && t.starts_with("- ")) {
                end_line = n;
                n += 1;
                continue;
            }
            break;
        }
        let at = self
            .text
            .lines
            .get(end_line + 1)
            .copied()
            .unwrap_or(self.text.src.len());
        let mut text = String::new();
        if at == self.text.src.len() && !self.text.src.ends_with('\n') {
            text.push('\n');
        }
        block_entry(key, v, col, &mut text);
        Ok(Edit {
            start: at,
            end: at,
            text,
            depth: col,
        })
    }

    /// Remove the member at `segs` (its lines, in block style).
    fn remove(&self, segs: &[String]) -> Result<Edit, RewriteError> {
        if self.is_item(segs) {
            return err(format!(
                "{}: removing list items is not done in place",
                pointer_of(segs)
            ));
        }
        let at = self.at(segs)?;
        if self.in_flow(at) {
            return err(format!(
                "{}: removing from a flow mapping is not done in place",
                pointer_of(segs)
            ));
        }
        let line_no = self.text.line_of(at);
        let line = self.text.line(line_no);
        let col = indent_of(line);
        if line.trim_start().starts_with("- ") {
            return err(format!(
                "{}: the first key of a list item is not removed in place",
                pointer_of(segs)
            ));
        }
        let mut end = line_no;
        let mut n = line_no + 1;
        while n < self.text.lines.len() {
            let l = self.text.line(n);
            let t = l.trim();
            if !t.is_empty()
                && (indent_of(l) < col || (indent_of(l) == col && !t.starts_with("- ")))
            {
                break;
            }
            if !t.is_empty() {
                end = n;
            }
            n += 1;
        }
        let start = self.text.lines.get(line_no).copied().unwrap_or(0);
        let stop = self
            .text
            .lines
            .get(end + 1)
            .copied()
            .unwrap_or(self.text.src.len());
        Ok(Edit {
            start,
            end: stop,
            text: String::new(),
            depth: 0,
        })
    }
}

/// The edits that make `r`'s document in `text` what `ops` make of its body.
fn edits_for(
    text: &Text<'_>,
    r: &Resource,
    ops: &[Value],
) -> Result<(Vec<Edit>, Value), RewriteError> {
    let Source::File { spans, .. } = &r.source else {
        return err("not from a file");
    };
    let mut desired = r.body.clone();
    patch::apply(&mut desired, ops).map_err(|e| RewriteError(e.to_string()))?;
    let doc = Doc { text, r, spans };
    let mut edits: Vec<Edit> = Vec::new();
    let mut inserted: Vec<Vec<String>> = Vec::new();
    for leaf in patch::touched(ops) {
        let s = segs(&leaf)?;
        let old = patch::get(&r.body, &leaf);
        let new = patch::get(&desired, &leaf);
        match (old, new) {
            (Some(a), Some(b)) if a == b => {}
            (Some(_), Some(b)) => edits.push(doc.replace(&s, b)?),
            (Some(_), None) => edits.push(doc.remove(&s)?),
            (None, None) => {}
            (None, Some(_)) => {
                // The deepest ancestor that exists gets the missing subtree.
                let mut depth = s.len();
                while depth > 0
                    && patch::get(&r.body, &pointer_of(s.get(..depth - 1).unwrap_or(&[]))).is_none()
                {
                    depth -= 1;
                }
                let parent = s.get(..depth.saturating_sub(1)).unwrap_or(&[]).to_vec();
                let key = s.get(depth.saturating_sub(1)).cloned().unwrap_or_default();
                let mut at = parent.clone();
                at.push(key.clone());
                if inserted.contains(&at) {
                    continue;
                }
                inserted.push(at.clone());
                let value = patch::get(&desired, &pointer_of(&at))
                    .cloned()
                    .unwrap_or(Value::Null);
                edits.push(doc.insert(&parent, &key, &value)?);
            }
        }
    }
    Ok((edits, desired))
}

/// Rewrite `text` (the file `resources` came from) so each resource's
/// document becomes what its JSON Patch operations make of it.
pub fn rewrite(text: &str, fixes: &[(&Resource, &[Value])]) -> Result<String, RewriteError> {
    let t = Text::new(text);
    let mut all = Vec::new();
    let mut want: Vec<(usize, Value)> = Vec::new();
    for (r, ops) in fixes {
        let Source::File { document, .. } = &r.source else {
            return err("not from a file");
        };
        let (edits, desired) = edits_for(&t, r, ops)?;
        all.extend(edits);
        want.push((*document, desired));
    }
    // Back to front, so earlier offsets stay valid; at one offset the
    // shallower insertion is applied first and so ends up after the deeper.
    all.sort_by(|a, b| {
        b.start
            .cmp(&a.start)
            .then(b.end.cmp(&a.end))
            .then(a.depth.cmp(&b.depth))
    });
    for w in all.windows(2) {
        if let [later, earlier] = w {
            if earlier.end > later.start {
                return err("two fixes edit the same text");
            }
        }
    }
    let mut out = text.to_string();
    for e in &all {
        out.replace_range(e.start..e.end, &e.text);
    }
    // Read it back: every fixed document must be exactly what the patch says.
    let parsed = assay_engine::yaml::parse_stream(&out, &Default::default());
    if let Some(e) = parsed.errors.first() {
        return err(format!(
            "the edited file does not parse ({}:{}: {})",
            e.line, e.column, e.message
        ));
    }
    for (doc, desired) in &want {
        let got = parsed
            .documents
            .iter()
            .find(|d| d.index == *doc)
            .map(|d| &d.value);
        if got != Some(desired) {
            return err("the edited document would not equal the fixed one; not rewritten");
        }
    }
    Ok(out)
}

/// A unified diff of `before` → `after` (3 lines of context).
pub fn unified_diff(path: &str, before: &str, after: &str) -> String {
    let a: Vec<&str> = before.lines().collect();
    let b: Vec<&str> = after.lines().collect();
    let (n, m) = (a.len(), b.len());
    // LCS table, rows of a, columns of b.
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            let v = if a.get(i) == b.get(j) {
                lcs.get(i + 1)
                    .and_then(|r| r.get(j + 1))
                    .copied()
                    .unwrap_or(0)
                    + 1
            } else {
                let down = lcs.get(i + 1).and_then(|r| r.get(j)).copied().unwrap_or(0);
                let right = lcs.get(i).and_then(|r| r.get(j + 1)).copied().unwrap_or(0);
                down.max(right)
            };
            if let Some(cell) = lcs.get_mut(i).and_then(|r| r.get_mut(j)) {
                *cell = v;
            }
        }
    }
    // (tag, a index, b index)
    let mut ops: Vec<(char, usize, usize)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    let at = |i: usize, j: usize| lcs.get(i).and_then(|r| r.get(j)).copied().unwrap_or(0);
    while i < n || j < m {
        if i < n && j < m && a.get(i) == b.get(j) {
            ops.push((' ', i, j));
            i += 1;
            j += 1;
        } else if i < n && (j == m || at(i + 1, j) >= at(i, j + 1)) {
            ops.push(('-', i, j));
            i += 1;
        } else {
            ops.push(('+', i, j));
            j += 1;
        }
    }
    let rel = path.trim_start_matches('/');
    let mut out = format!("--- a/{rel}\n+++ b/{rel}\n");
    let changed: Vec<usize> = ops
        .iter()
        .enumerate()
        .filter(|(_, o)| o.0 != ' ')
        .map(|(k, _)| k)
        .collect();
    let mut k = 0;
    while k < changed.len() {
        let first = changed.get(k).copied().unwrap_or(0);
        let mut last = first;
        while let Some(&next) = changed.get(k + 1) {
            if next - last > 6 {
                break;
            }
            last = next;
            k += 1;
        }
        k += 1;
        let lo = first.saturating_sub(3);
        let hi = (last + 3).min(ops.len() - 1);
        let slice = ops.get(lo..=hi).unwrap_or(&[]);
        let a_start = slice.first().map_or(0, |o| o.1);
        let b_start = slice.first().map_or(0, |o| o.2);
        let a_len = slice.iter().filter(|o| o.0 != '+').count();
        let b_len = slice.iter().filter(|o| o.0 != '-').count();
        out.push_str(&format!(
            "@@ -{},{a_len} +{},{b_len} @@\n",
            a_start + 1,
            b_start + 1
        ));
        for (tag, ai, bj) in slice {
            let line = if *tag == '+' { b.get(*bj) } else { a.get(*ai) };
            out.push_str(&format!("{tag}{}\n", line.unwrap_or(&"")));
        }
    }
    out
}

#[cfg(test)]
mod tests;
