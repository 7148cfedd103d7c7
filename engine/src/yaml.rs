//! YAML (and JSON) documents to JSON values with the position of every node.
//!
//! Built on `yaml-rust2`'s event parser, the maintained YAML 1.2 parser that
//! reports a line and column for every event (serde_yaml is deprecated and
//! drops positions). Driving the events ourselves lets us:
//! - record a [`SpanMap`] in pre-order while building the value;
//! - bound alias expansion (a billion-laughs document fails fast, with the
//!   alias's position), nesting depth, and nodes per document;
//! - resolve plain scalars the way Kubernetes' YAML decoder does (YAML 1.1
//!   booleans such as `yes`/`on`, `0644` as octal), so rules see what the API
//!   server would see;
//! - reject duplicate keys, as `kubectl` does, instead of silently keeping one;
//! - recover after a malformed document: parsing resumes at the next `---`.

use crate::resource::SpanMap;
use serde_json::{Map, Number, Value};
use std::collections::{HashMap, HashSet};
use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// Bounds that keep hostile input from exhausting time or memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct YamlLimits {
    /// Deepest nesting of collections.
    pub max_depth: usize,
    /// Nodes one document may hold, aliases expanded.
    pub max_nodes: usize,
    /// Nodes that alias expansion may add to one document.
    pub max_alias_nodes: usize,
}

impl Default for YamlLimits {
    fn default() -> Self {
        Self {
            max_depth: 128,
            max_nodes: 5_000_000,
            max_alias_nodes: 100_000,
        }
    }
}

/// One parsed document.
#[derive(Clone, Debug, PartialEq)]
pub struct YamlDocument {
    /// 0-based index of the document in its stream.
    pub index: usize,
    /// The document's value.
    pub value: Value,
    /// Position of every node, pre-order.
    pub spans: SpanMap,
    /// 1-based line of the document's root node.
    pub line: u32,
    /// 1-based column of the document's root node.
    pub column: u32,
}

/// A document that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    /// 0-based index of the document in its stream.
    pub index: usize,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// What went wrong.
    pub message: String,
}

/// Everything read from one stream: good documents and per-document errors.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct YamlStream {
    /// Documents that parsed, in order. Empty documents are left out.
    pub documents: Vec<YamlDocument>,
    /// Documents that did not, in order.
    pub errors: Vec<YamlError>,
}

/// Parse every document of `text`.
///
/// A malformed document is reported and parsing resumes at the next line that
/// starts with `---`, so one bad document costs only itself.
pub fn parse_stream(text: &str, limits: &YamlLimits) -> YamlStream {
    let mut out = YamlStream::default();
    let mut offset_bytes = 0usize;
    let mut offset_lines = 0u32;
    let mut doc_base = 0usize;
    while let Some(rest) = text.get(offset_bytes..) {
        match parse_from(rest, limits, offset_lines, doc_base, &mut out) {
            Ok(()) => break,
            Err((err, err_index_in_rest, docs_seen)) => {
                let failed_index = doc_base + docs_seen;
                out.errors.push(YamlError {
                    index: failed_index,
                    ..err
                });
                // Resume at the first `---` line after the error.
                match next_document_start(rest, err_index_in_rest) {
                    Some(pos) => {
                        offset_lines += count_lines(rest.get(..pos).unwrap_or(""));
                        offset_bytes += pos;
                        doc_base = failed_index + 1;
                    }
                    None => break,
                }
            }
        }
    }
    out
}

fn count_lines(s: &str) -> u32 {
    u32::try_from(s.bytes().filter(|&b| b == b'\n').count()).unwrap_or(u32::MAX)
}

/// Byte offset of the first line starting with `---` strictly after the line
/// holding `from`.
fn next_document_start(text: &str, from: usize) -> Option<usize> {
    let line_end = text.get(from..)?.find('\n').map(|i| from + i + 1)?;
    let mut pos = line_end;
    while let Some(rest) = text.get(pos..) {
        if rest.is_empty() {
            return None;
        }
        if rest.starts_with("---")
            && matches!(
                rest.as_bytes().get(3),
                None | Some(b' ' | b'\n' | b'\r' | b'\t')
            )
        {
            return Some(pos);
        }
        pos += rest.find('\n').map_or(rest.len(), |i| i + 1);
    }
    None
}

enum Frame {
    Seq {
        items: Vec<Value>,
        anchor: usize,
        span_start: usize,
        wrap: Option<&'static str>,
    },
    Map {
        map: Map<String, Value>,
        /// Span ranges of each member's value, in member order.
        ranges: Vec<(usize, usize)>,
        key: Option<(String, (u32, u32))>,
        merged: HashSet<String>,
        reorder: bool,
        anchor: usize,
        span_start: usize,
        /// The parser marks a block mapping's start late; when the mapping
        /// is not a member value, its first key's position stands for it.
        take_first_key_pos: bool,
        wrap: Option<&'static str>,
    },
}

struct Anchored {
    value: Value,
    spans: Vec<(u32, u32)>,
}

type ParseFailure = (YamlError, usize, usize);

struct Builder<'l> {
    limits: &'l YamlLimits,
    line_offset: u32,
    stack: Vec<Frame>,
    spans: Vec<(u32, u32)>,
    anchors: HashMap<usize, Anchored>,
    alias_nodes: usize,
    root: Option<Value>,
    root_pos: (u32, u32),
}

fn fail(m: &Marker, line_offset: u32, message: String) -> YamlError {
    YamlError {
        index: 0,
        line: u32::try_from(m.line())
            .unwrap_or(u32::MAX)
            .saturating_add(line_offset),
        column: u32::try_from(m.col()).unwrap_or(u32::MAX).saturating_add(1),
        message,
    }
}

fn parse_from(
    text: &str,
    limits: &YamlLimits,
    line_offset: u32,
    doc_base: usize,
    out: &mut YamlStream,
) -> Result<(), ParseFailure> {
    let mut parser = Parser::new_from_str(text);
    let mut docs_seen = 0usize;
    let mut b = Builder::new(limits, line_offset);
    loop {
        let (event, mark) = match parser.next_token() {
            Ok(x) => x,
            Err(e) => {
                let m = *e.marker();
                return Err((
                    fail(&m, line_offset, e.info().to_string()),
                    m.index(),
                    docs_seen,
                ));
            }
        };
        match event {
            Event::StreamEnd => return Ok(()),
            Event::StreamStart | Event::Nothing => {}
            Event::DocumentStart => b.reset(),
            Event::DocumentEnd => {
                if let Some(value) = b.root.take().filter(|v| !v.is_null()) {
                    let (line, column) = b.root_pos;
                    out.documents.push(YamlDocument {
                        index: doc_base + docs_seen,
                        value,
                        spans: SpanMap(std::mem::take(&mut b.spans)),
                        line,
                        column,
                    });
                }
                docs_seen += 1;
            }
            other => {
                if let Err(message) = b.event(other, &mark) {
                    return Err((fail(&mark, line_offset, message), mark.index(), docs_seen));
                }
            }
        }
    }
}

impl<'l> Builder<'l> {
    fn new(limits: &'l YamlLimits, line_offset: u32) -> Self {
        Self {
            limits,
            line_offset,
            stack: Vec::new(),
            spans: Vec::new(),
            anchors: HashMap::new(),
            alias_nodes: 0,
            root: None,
            root_pos: (1, 1),
        }
    }

    fn reset(&mut self) {
        self.stack.clear();
        self.spans.clear();
        self.anchors.clear();
        self.alias_nodes = 0;
        self.root = None;
    }

    fn pos(&self, m: &Marker) -> (u32, u32) {
        (
            u32::try_from(m.line())
                .unwrap_or(u32::MAX)
                .saturating_add(self.line_offset),
            u32::try_from(m.col()).unwrap_or(u32::MAX).saturating_add(1),
        )
    }

    /// Position recorded for a node starting at `m`: its key's, inside a mapping.
    fn node_pos(&self, m: &Marker) -> (u32, u32) {
        match self.stack.last() {
            Some(Frame::Map {
                key: Some((_, kpos)),
                ..
            }) => *kpos,
            _ => self.pos(m),
        }
    }

    fn push_span(&mut self, p: (u32, u32)) -> Result<(), String> {
        if self.spans.len() >= self.limits.max_nodes {
            return Err(format!(
                "document has more than {} nodes",
                self.limits.max_nodes
            ));
        }
        self.spans.push(p);
        Ok(())
    }

    fn event(&mut self, event: Event, m: &Marker) -> Result<(), String> {
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                // A scalar in key position of a mapping is a key, not a node.
                let key_pos = self.pos(m);
                let depth = self.stack.len();
                if let Some(Frame::Map {
                    key: key @ None,
                    take_first_key_pos,
                    span_start,
                    ..
                }) = self.stack.last_mut()
                {
                    *key = Some((text, key_pos));
                    if std::mem::take(take_first_key_pos) {
                        if let Some(slot) = self.spans.get_mut(*span_start) {
                            *slot = key_pos;
                        }
                        if depth == 1 {
                            self.root_pos = key_pos;
                        }
                    }
                    return Ok(());
                }
                let p = self.node_pos(m);
                let start = self.spans.len();
                self.push_span(p)?;
                let wrap = intrinsic(tag.as_ref());
                let value = resolve_scalar(text, style, tag.as_ref().filter(|_| wrap.is_none()))?;
                let value = match wrap {
                    Some(key) => self.wrap(key, value, start),
                    None => value,
                };
                if anchor > 0 {
                    self.anchors.insert(
                        anchor,
                        Anchored {
                            value: value.clone(),
                            spans: self.spans.get(start..).unwrap_or_default().to_vec(),
                        },
                    );
                }
                self.complete(value, start)
            }
            Event::SequenceStart(anchor, ref tag) | Event::MappingStart(anchor, ref tag) => {
                let wrap = intrinsic(tag.as_ref());
                if let Some(Frame::Map { key: None, .. }) = self.stack.last() {
                    return Err("complex mapping keys are not supported".into());
                }
                if self.stack.len() >= self.limits.max_depth {
                    return Err(format!(
                        "nesting deeper than {} levels",
                        self.limits.max_depth
                    ));
                }
                let p = self.node_pos(m);
                let is_member = matches!(self.stack.last(), Some(Frame::Map { key: Some(_), .. }));
                let span_start = self.spans.len();
                self.push_span(p)?;
                if self.stack.is_empty() {
                    self.root_pos = p;
                }
                let frame = if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq {
                        items: Vec::new(),
                        anchor,
                        span_start,
                        wrap,
                    }
                } else {
                    Frame::Map {
                        map: Map::new(),
                        ranges: Vec::new(),
                        key: None,
                        merged: HashSet::new(),
                        reorder: false,
                        anchor,
                        span_start,
                        take_first_key_pos: !is_member,
                        wrap,
                    }
                };
                self.stack.push(frame);
                Ok(())
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Err("unbalanced collection end".into());
                };
                let (value, anchor, span_start, wrap) = match frame {
                    Frame::Seq {
                        items,
                        anchor,
                        span_start,
                        wrap,
                    } => (Value::Array(items), anchor, span_start, wrap),
                    Frame::Map {
                        map,
                        ranges,
                        reorder,
                        anchor,
                        span_start,
                        wrap,
                        ..
                    } => {
                        if reorder {
                            // Merged or overridden members: rebuild the
                            // pre-order spans in final member order.
                            let mut rebuilt = Vec::with_capacity(self.spans.len() - span_start);
                            if let Some(&own) = self.spans.get(span_start) {
                                rebuilt.push(own);
                            }
                            for &(a, b) in &ranges {
                                rebuilt.extend_from_slice(self.spans.get(a..b).unwrap_or_default());
                            }
                            self.spans.truncate(span_start);
                            self.spans.extend(rebuilt);
                        }
                        (Value::Object(map), anchor, span_start, wrap)
                    }
                };
                let value = match wrap {
                    Some(key) => self.wrap(key, value, span_start),
                    None => value,
                };
                if anchor > 0 {
                    self.anchors.insert(
                        anchor,
                        Anchored {
                            value: value.clone(),
                            spans: self.spans.get(span_start..).unwrap_or_default().to_vec(),
                        },
                    );
                }
                self.complete(value, span_start)
            }
            Event::Alias(id) => {
                if let Some(Frame::Map { key: None, .. }) = self.stack.last() {
                    return Err("aliases as mapping keys are not supported".into());
                }
                let Some(anchored) = self.anchors.get(&id) else {
                    return Err("alias refers to an unknown anchor".into());
                };
                let n = anchored.spans.len();
                self.alias_nodes = self.alias_nodes.saturating_add(n);
                if self.alias_nodes > self.limits.max_alias_nodes {
                    return Err(format!(
                        "alias expansion exceeds {} nodes (is this a \"billion laughs\" document?)",
                        self.limits.max_alias_nodes
                    ));
                }
                if self.spans.len().saturating_add(n) > self.limits.max_nodes {
                    return Err(format!(
                        "document has more than {} nodes",
                        self.limits.max_nodes
                    ));
                }
                let value = anchored.value.clone();
                let p = self.node_pos(m);
                let start = self.spans.len();
                // The alias's own position stands for every node it expands to.
                self.spans.extend(std::iter::repeat_n(p, n));
                self.complete(value, start)
            }
            _ => Ok(()),
        }
    }

    /// Wrap a finished node (spans from `start`) in `{key: node}`, the long
    /// form of a CloudFormation short-form intrinsic; the wrapper takes the
    /// node's position.
    fn wrap(&mut self, key: &str, value: Value, start: usize) -> Value {
        if let Some(&p) = self.spans.get(start) {
            self.spans.insert(start, p);
        }
        let mut m = Map::new();
        m.insert(key.to_string(), value);
        Value::Object(m)
    }

    /// Attach a finished node (whose spans start at `start`) to its parent.
    fn complete(&mut self, value: Value, start: usize) -> Result<(), String> {
        let end = self.spans.len();
        match self.stack.last_mut() {
            None => {
                if let Some(&p) = self.spans.get(start) {
                    self.root_pos = p;
                }
                self.root = Some(value);
                Ok(())
            }
            Some(Frame::Seq { items, .. }) => {
                items.push(value);
                Ok(())
            }
            Some(Frame::Map {
                map,
                ranges,
                key,
                merged,
                reorder,
                ..
            }) => {
                let Some((k, kpos)) = key.take() else {
                    return Err("mapping value without a key".into());
                };
                if k == "<<" {
                    // Merge key: explicit members win, earlier merges win.
                    let sources: Vec<Value> = match value {
                        Value::Object(_) => vec![value],
                        Value::Array(items) => items,
                        _ => {
                            return Err(
                                "merge key `<<` needs a mapping or a list of mappings".into()
                            )
                        }
                    };
                    self.spans.truncate(start);
                    for src in sources {
                        let Value::Object(src) = src else {
                            return Err(
                                "merge key `<<` needs a mapping or a list of mappings".into()
                            );
                        };
                        for (mk, mv) in src {
                            if map.contains_key(&mk) {
                                continue;
                            }
                            let n = crate::resource::node_count(&mv);
                            let a = self.spans.len();
                            self.spans.extend(std::iter::repeat_n(kpos, n));
                            ranges.push((a, self.spans.len()));
                            merged.insert(mk.clone());
                            map.insert(mk, mv);
                        }
                    }
                    *reorder = true;
                    return Ok(());
                }
                if let Some(slot) = map.get_mut(&k) {
                    if !merged.remove(&k) {
                        return Err(format!("duplicate key `{k}`"));
                    }
                    *slot = value;
                    if let Some(i) = map.keys().position(|x| *x == k) {
                        if let Some(r) = ranges.get_mut(i) {
                            *r = (start, end);
                        }
                    }
                    *reorder = true;
                    return Ok(());
                }
                ranges.push((start, end));
                map.insert(k, value);
                Ok(())
            }
        }
    }
}

/// Resolve a scalar as Kubernetes' YAML decoder (YAML 1.1 rules) would.
/// CloudFormation's short-form intrinsic functions (`!Ref x`, `!GetAtt a.b`,
/// `!Sub …`): the key of their long form, so templates read as CloudFormation
/// reads them (a reference, not the literal text after the tag).
fn intrinsic(tag: Option<&Tag>) -> Option<&'static str> {
    let tag = tag.filter(|t| t.handle == "!")?;
    Some(match tag.suffix.as_str() {
        "Ref" => "Ref",
        "Condition" => "Condition",
        "Base64" => "Fn::Base64",
        "Cidr" => "Fn::Cidr",
        "FindInMap" => "Fn::FindInMap",
        "GetAtt" => "Fn::GetAtt",
        "GetAZs" => "Fn::GetAZs",
        "ImportValue" => "Fn::ImportValue",
        "Join" => "Fn::Join",
        "Select" => "Fn::Select",
        "Split" => "Fn::Split",
        "Sub" => "Fn::Sub",
        "Transform" => "Fn::Transform",
        "And" => "Fn::And",
        "Equals" => "Fn::Equals",
        "If" => "Fn::If",
        "Not" => "Fn::Not",
        "Or" => "Fn::Or",
        "ToJsonString" => "Fn::ToJsonString",
        "Length" => "Fn::Length",
        _ => return None,
    })
}

fn resolve_scalar(text: String, style: TScalarStyle, tag: Option<&Tag>) -> Result<Value, String> {
    if let Some(tag) = tag {
        if tag.handle == "tag:yaml.org,2002:" || tag.handle == "!!" {
            return match tag.suffix.as_str() {
                "str" => Ok(Value::String(text)),
                "null" => Ok(Value::Null),
                "bool" => resolve_bool(&text)
                    .map(Value::Bool)
                    .ok_or_else(|| format!("`{text}` is not a boolean")),
                "int" => resolve_int(&text).ok_or_else(|| format!("`{text}` is not an integer")),
                "float" => resolve_float(&text)
                    .or_else(|| resolve_int(&text))
                    .ok_or_else(|| format!("`{text}` is not a float")),
                _ => Ok(plain(text)),
            };
        }
    }
    if style != TScalarStyle::Plain {
        return Ok(Value::String(text));
    }
    Ok(plain(text))
}

fn plain(text: String) -> Value {
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        _ => {}
    }
    if let Some(b) = resolve_bool(&text) {
        return Value::Bool(b);
    }
    if let Some(v) = resolve_int(&text) {
        return v;
    }
    if let Some(v) = resolve_float(&text) {
        return v;
    }
    Value::String(text)
}

fn resolve_bool(s: &str) -> Option<bool> {
    match s {
        "true" | "True" | "TRUE" | "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => {
            Some(true)
        }
        "false" | "False" | "FALSE" | "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => {
            Some(false)
        }
        _ => None,
    }
}

fn resolve_int(s: &str) -> Option<Value> {
    let (neg, body) = match s.as_bytes().first()? {
        b'-' => (true, s.get(1..)?),
        b'+' => (false, s.get(1..)?),
        _ => (false, s),
    };
    if body.is_empty() || body.starts_with('_') {
        return None;
    }
    let cleaned: String = body.chars().filter(|&c| c != '_').collect();
    let (digits, radix) = if let Some(h) = cleaned.strip_prefix("0x") {
        (h.to_string(), 16)
    } else if let Some(o) = cleaned.strip_prefix("0o") {
        (o.to_string(), 8)
    } else if let Some(b) = cleaned.strip_prefix("0b") {
        (b.to_string(), 2)
    } else if cleaned.len() > 1 && cleaned.starts_with('0') {
        (cleaned.clone(), 8)
    } else {
        (cleaned.clone(), 10)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u64::from_str_radix(&digits, radix).ok()?;
    if neg {
        let v = i64::try_from(magnitude).ok()?.checked_neg()?;
        Some(Value::Number(Number::from(v)))
    } else {
        Some(Value::Number(Number::from(magnitude)))
    }
}

fn resolve_float(s: &str) -> Option<Value> {
    let b = s.as_bytes();
    // YAML floats: digits with a dot and/or an exponent; nothing else.
    let looks_numeric = !b.is_empty()
        && b.iter()
            .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-' | b'_'))
        && b.iter().any(u8::is_ascii_digit)
        && b.iter().any(|c| matches!(c, b'.' | b'e' | b'E'));
    if !looks_numeric {
        return None;
    }
    let cleaned: String = s.chars().filter(|&c| c != '_').collect();
    let f: f64 = cleaned.parse().ok()?;
    Number::from_f64(f).map(Value::Number)
}

#[cfg(test)]
mod tests;
