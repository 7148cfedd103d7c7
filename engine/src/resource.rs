//! The resource model every collector produces and every rule reads.
//!
//! A [`Resource`] is a JSON body plus a stable [`ResourceId`] and the
//! [`Source`] it came from. File sources carry a [`SpanMap`]: the position of
//! every node of the body in pre-order, eight bytes a node, so that a finding's
//! `path` resolves to `line:column` without keeping the source text around.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;

/// Where a resource lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// A Kubernetes object (from a file or a cluster).
    Kubernetes,
    /// A live AWS resource.
    Aws,
    /// A resource in a Terraform plan.
    Terraform,
    /// A resource in a CloudFormation template.
    Cloudformation,
    /// Any other structured document.
    File,
}

impl Provider {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Kubernetes => "kubernetes",
            Provider::Aws => "aws",
            Provider::Terraform => "terraform",
            Provider::Cloudformation => "cloudformation",
            Provider::File => "file",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The stable identity of a resource: the key for diffs, waivers and history.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ResourceId {
    /// Which world it belongs to.
    pub provider: Provider,
    /// Fully qualified kind: `apps/v1/Deployment`, `v1/Pod`, `AWS::EC2::SecurityGroup`.
    pub kind: String,
    /// Namespace, or `account/region`; empty when the resource is not scoped.
    #[serde(default)]
    pub scope: String,
    /// Name.
    pub name: String,
}

impl ResourceId {
    /// The kind without its API group and version: `Deployment` for `apps/v1/Deployment`.
    pub fn short_kind(&self) -> &str {
        if self.provider == Provider::Kubernetes {
            self.kind.rsplit('/').next().unwrap_or(&self.kind)
        } else {
            &self.kind
        }
    }
}

impl fmt::Display for ResourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.scope.is_empty() {
            write!(f, "{}:{}:{}", self.provider, self.kind, self.name)
        } else {
            write!(
                f,
                "{}:{}:{}/{}",
                self.provider, self.kind, self.scope, self.name
            )
        }
    }
}

/// A 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Position {
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

/// One step of a path into a JSON body.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PathSegment {
    /// An array index.
    Index(usize),
    /// An object key.
    Key(String),
}

impl fmt::Display for PathSegment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathSegment::Index(i) => write!(f, "{i}"),
            PathSegment::Key(k) => f.write_str(k),
        }
    }
}

/// Renders a path as a JSON pointer (`/spec/containers/0/image`).
pub fn json_pointer(path: &[PathSegment]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(path.len() * 12);
    for seg in path {
        out.push('/');
        match seg {
            PathSegment::Index(i) => {
                let _ = write!(out, "{i}");
            }
            PathSegment::Key(k) if k.contains(['~', '/']) => {
                out.push_str(&k.replace('~', "~0").replace('/', "~1"));
            }
            PathSegment::Key(k) => out.push_str(k),
        }
    }
    out
}

/// Positions of every node of a body, in pre-order (object members in
/// document order, which `serde_json`'s `preserve_order` keeps).
///
/// A member's position is its key's, so a finding on `privileged: true`
/// points at `privileged`. A sequence item's position is the item's.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SpanMap(pub Vec<(u32, u32)>);

impl SpanMap {
    /// The position of the node at `path`, or of its deepest existing
    /// ancestor when the path goes past what the body has (a rule that says
    /// "`securityContext` is missing" points at the container).
    pub fn locate(&self, body: &Value, path: &[PathSegment]) -> Option<Position> {
        let (index, _, _) = walk(body, path);
        self.0
            .get(index)
            .map(|&(line, column)| Position { line, column })
    }

    /// The spans of the node at `path`, re-rooted there (empty when the
    /// path does not exist).
    pub fn subtree(&self, body: &Value, path: &[PathSegment]) -> SpanMap {
        let (index, node, complete) = walk(body, path);
        if !complete {
            return SpanMap(Vec::new());
        }
        let n = node_count(node);
        SpanMap(
            self.0
                .get(index..index + n)
                .map(<[_]>::to_vec)
                .unwrap_or_default(),
        )
    }

    /// The spans of each element of the array at `path`, each re-rooted; in
    /// one pass, so flattening a large `List` stays linear.
    pub fn array_items(&self, body: &Value, path: &[PathSegment]) -> Vec<SpanMap> {
        let (index, node, complete) = walk(body, path);
        let Value::Array(items) = node else {
            return Vec::new();
        };
        if !complete {
            return Vec::new();
        }
        let mut start = index + 1;
        items
            .iter()
            .map(|item| {
                let n = node_count(item);
                let spans = SpanMap(
                    self.0
                        .get(start..start + n)
                        .map(<[_]>::to_vec)
                        .unwrap_or_default(),
                );
                start += n;
                spans
            })
            .collect()
    }
}

/// Follow `path` into `body` as far as it exists: the pre-order index and
/// value of the deepest node reached, and whether the whole path was found.
/// A numeric key into an array and a number into an object are both
/// accepted, since rules build paths either way.
fn walk<'v>(body: &'v Value, path: &[PathSegment]) -> (usize, &'v Value, bool) {
    let mut index = 0usize;
    let mut node = body;
    for seg in path {
        let mut child_index = index + 1;
        let mut found = None;
        match node {
            Value::Object(map) => {
                let key = match seg {
                    PathSegment::Key(k) => std::borrow::Cow::Borrowed(k.as_str()),
                    PathSegment::Index(i) => std::borrow::Cow::Owned(i.to_string()),
                };
                for (k, v) in map {
                    if *k == *key {
                        found = Some(v);
                        break;
                    }
                    child_index += node_count(v);
                }
            }
            Value::Array(items) => {
                let wanted = match seg {
                    PathSegment::Index(i) => Some(*i),
                    PathSegment::Key(k) => k.parse::<usize>().ok(),
                };
                if let Some(wanted) = wanted {
                    for (n, v) in items.iter().enumerate() {
                        if n == wanted {
                            found = Some(v);
                            break;
                        }
                        child_index += node_count(v);
                    }
                }
            }
            _ => {}
        }
        match found {
            Some(v) => {
                index = child_index;
                node = v;
            }
            None => return (index, node, false),
        }
    }
    (index, node, true)
}

/// How many nodes a value has, itself included.
pub fn node_count(v: &Value) -> usize {
    match v {
        Value::Object(m) => 1 + m.values().map(node_count).sum::<usize>(),
        Value::Array(a) => 1 + a.iter().map(node_count).sum::<usize>(),
        _ => 1,
    }
}

/// Where a resource came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Source {
    /// A document in a file.
    File {
        /// Path as given by the user (`-` for stdin).
        path: String,
        /// 0-based index of the document in a multi-document file.
        document: usize,
        /// Position of the document's first node.
        line: u32,
        /// Column of the document's first node.
        column: u32,
        /// Node positions.
        #[serde(default, skip_serializing_if = "spans_empty")]
        spans: SpanMap,
    },
    /// A live endpoint: a cluster context or an AWS account/region.
    Live {
        /// E.g. `https://cluster.example:6443` or `aws://123456789012/eu-west-1`.
        endpoint: String,
    },
}

fn spans_empty(s: &SpanMap) -> bool {
    s.0.is_empty()
}

impl Source {
    /// The file path, for file sources.
    pub fn file(&self) -> Option<&str> {
        match self {
            Source::File { path, .. } => Some(path),
            Source::Live { .. } => None,
        }
    }
}

/// One resource of a snapshot.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    /// Stable identity.
    pub id: ResourceId,
    /// Origin.
    pub source: Source,
    /// The document, with secret values already redacted.
    pub body: Value,
}

impl Resource {
    /// Where `path` points in the source, as a finding location.
    pub fn locate(&self, path: &[PathSegment]) -> crate::finding::Location {
        match &self.source {
            Source::File {
                path: file,
                line,
                column,
                spans,
                ..
            } => {
                let pos = spans.locate(&self.body, path).unwrap_or(Position {
                    line: *line,
                    column: *column,
                });
                crate::finding::Location::File {
                    file: file.clone(),
                    line: pos.line,
                    column: pos.column,
                }
            }
            Source::Live { endpoint } => crate::finding::Location::Live {
                endpoint: endpoint.clone(),
                pointer: json_pointer(path),
            },
        }
    }

    /// A Kubernetes annotation, when the body has `metadata.annotations[key]`.
    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.body
            .get("metadata")?
            .get("annotations")?
            .get(key)?
            .as_str()
    }
}
