//! The file collector: paths, directories, globs and stdin to resources.
//!
//! Directories are walked with the `ignore` crate, so `.gitignore`,
//! `.ignore` and hidden files are honoured as ripgrep does; only `.yaml`,
//! `.yml` and `.json` files are read from directories, while a file named
//! explicitly is read whatever its name. Every problem is a diagnostic naming
//! file:line:col, and one bad file or document never stops the others.

use crate::error::CollectError;
use assay_engine::resource::{PathSegment, Provider, Resource, ResourceId, Source, SpanMap};
use assay_engine::yaml::{parse_stream, YamlLimits};
use assay_engine::Diagnostic;
use serde_json::Value;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Where documents come from.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Input {
    /// A file on disk.
    File(PathBuf),
    /// Standard input.
    Stdin,
}

impl Input {
    /// The name used in findings and messages.
    pub fn display(&self) -> String {
        match self {
            Input::File(p) => {
                let s = p.to_string_lossy();
                s.strip_prefix("./").unwrap_or(&s).to_string()
            }
            Input::Stdin => "-".to_string(),
        }
    }
}

/// Limits on what one file may cost.
#[derive(Clone, Copy, Debug)]
pub struct FileLimits {
    /// Largest file read, in bytes.
    pub max_bytes: u64,
    /// YAML limits per document.
    pub yaml: YamlLimits,
}

impl Default for FileLimits {
    fn default() -> Self {
        Self {
            max_bytes: 64 * 1024 * 1024,
            yaml: YamlLimits::default(),
        }
    }
}

/// What one file yielded.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FileScan {
    /// Resources, in document order.
    pub resources: Vec<Resource>,
    /// Documents or files that could not be read.
    pub errors: Vec<Diagnostic>,
    /// Documents skipped on purpose (not Kubernetes objects).
    pub notes: Vec<Diagnostic>,
}

const EXTENSIONS: [&str; 3] = ["yaml", "yml", "json"];

fn has_glob(s: &str) -> bool {
    s.contains(['*', '?', '[', '{'])
}

/// Expand command-line paths into inputs, sorted and de-duplicated.
pub fn discover(paths: &[String]) -> Result<Vec<Input>, CollectError> {
    let mut out = Vec::new();
    for p in paths {
        if p == "-" {
            out.push(Input::Stdin);
            continue;
        }
        let path = Path::new(p);
        if path.is_file() {
            out.push(Input::File(path.to_path_buf()));
        } else if path.is_dir() {
            walk(path, None, &mut out);
        } else if has_glob(p) {
            let glob = globset::GlobBuilder::new(p)
                .literal_separator(true)
                .build()
                .map_err(|e| CollectError::BadGlob {
                    pattern: p.clone(),
                    reason: e.kind().to_string(),
                })?
                .compile_matcher();
            // Walk from the longest literal directory prefix of the pattern.
            let root: PathBuf = Path::new(p)
                .components()
                .take_while(|c| !has_glob(&c.as_os_str().to_string_lossy()))
                .collect();
            let root = if root.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                root
            };
            let before = out.len();
            walk(&root, Some(&glob), &mut out);
            if out.len() == before {
                return Err(CollectError::NoSuchPath(p.clone()));
            }
        } else {
            return Err(CollectError::NoSuchPath(p.clone()));
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn walk(root: &Path, glob: Option<&globset::GlobMatcher>, out: &mut Vec<Input>) {
    let walker = ignore::WalkBuilder::new(root)
        .sort_by_file_name(std::cmp::Ord::cmp)
        .build();
    for entry in walker.flatten() {
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path();
        let wanted = match glob {
            Some(g) => g.is_match(path) || g.is_match(path.strip_prefix("./").unwrap_or(path)),
            None => path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str())),
        };
        if wanted {
            out.push(Input::File(path.to_path_buf()));
        }
    }
}

/// Read an input, within the size limit.
pub fn read(input: &Input, limits: &FileLimits) -> Result<String, Diagnostic> {
    let name = input.display();
    let mut bytes = Vec::new();
    let result = match input {
        Input::File(p) => std::fs::File::open(p)
            .and_then(|f| f.take(limits.max_bytes + 1).read_to_end(&mut bytes)),
        Input::Stdin => std::io::stdin()
            .lock()
            .take(limits.max_bytes + 1)
            .read_to_end(&mut bytes),
    };
    if let Err(e) = result {
        return Err(Diagnostic::new(format!("cannot read file: {e}")).in_file(name));
    }
    if bytes.len() as u64 > limits.max_bytes {
        return Err(Diagnostic::new(format!(
            "file is larger than the {} MiB limit",
            limits.max_bytes / (1024 * 1024)
        ))
        .in_file(name));
    }
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let head = e.as_bytes().get(..offset).unwrap_or_default();
        let line = head.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = offset - head.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1) + 1;
        Diagnostic::new("file is not valid UTF-8").in_file(name).at(
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(column).unwrap_or(u32::MAX),
            None,
        )
    })
}

/// Read and parse one input.
pub fn load(input: &Input, limits: &FileLimits) -> FileScan {
    match read(input, limits) {
        Ok(text) => parse(&input.display(), &text, limits),
        Err(d) => FileScan {
            errors: vec![d],
            ..FileScan::default()
        },
    }
}

/// Parse the documents of one file into resources.
pub fn parse(file: &str, text: &str, limits: &FileLimits) -> FileScan {
    let stream = parse_stream(text.strip_prefix('\u{feff}').unwrap_or(text), &limits.yaml);
    let mut scan = FileScan::default();
    // A malformed Secret must not leak a value through the quoted source line.
    let quote_source = !text.contains("Secret");
    for e in stream.errors {
        scan.errors.push(
            Diagnostic::new(format!("document {}: {}", e.index + 1, e.message))
                .in_file(file)
                .at(e.line, e.column, quote_source.then_some(text)),
        );
    }
    for doc in stream.documents {
        if crate::iac::is_terraform_plan(&doc.value) || crate::iac::is_cloudformation(&doc.value) {
            let d = crate::iac::Doc {
                file,
                index: doc.index,
                value: &doc.value,
                spans: &doc.spans,
            };
            if crate::iac::is_terraform_plan(&doc.value) {
                scan.resources.extend(crate::iac::terraform(&d));
            } else {
                scan.resources.extend(crate::iac::cloudformation(&d));
            }
            continue;
        }
        let is_list = doc
            .value
            .get("kind")
            .and_then(Value::as_str)
            .is_some_and(|k| k.ends_with("List"))
            && doc.value.get("items").is_some_and(Value::is_array);
        if !is_list {
            let at = Origin {
                file,
                document: doc.index,
                line: doc.line,
                column: doc.column,
            };
            push_object(doc.value, &at, doc.spans, &mut scan);
            continue;
        }
        let items_path = [PathSegment::Key("items".into())];
        let spans = doc.spans.array_items(&doc.value, &items_path);
        let Value::Object(mut list) = doc.value else {
            continue;
        };
        let Some(Value::Array(items)) = list.remove("items") else {
            continue;
        };
        for (item, spans) in items.into_iter().zip(spans) {
            let (line, column) = spans.0.first().copied().unwrap_or((doc.line, doc.column));
            let at = Origin {
                file,
                document: doc.index,
                line,
                column,
            };
            push_object(item, &at, spans, &mut scan);
        }
    }
    scan
}

/// Where a document (or a `List` item) starts.
struct Origin<'a> {
    file: &'a str,
    document: usize,
    line: u32,
    column: u32,
}

fn push_object(mut body: Value, at: &Origin<'_>, spans: SpanMap, scan: &mut FileScan) {
    let api_version = body.get("apiVersion").and_then(Value::as_str);
    let kind = body.get("kind").and_then(Value::as_str);
    let (Some(api_version), Some(kind)) = (api_version, kind) else {
        scan.notes.push(
            Diagnostic::new(format!(
                "document {} skipped: not a Kubernetes object (no apiVersion and kind)",
                at.document + 1
            ))
            .in_file(at.file)
            .at(at.line, at.column, None),
        );
        return;
    };
    let meta = body.get("metadata");
    let text = |k: &str| {
        meta.and_then(|m| m.get(k))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let name = text("name")
        .or_else(|| text("generateName"))
        .unwrap_or_else(|| format!("{}#{}", at.file, at.document + 1));
    let id = ResourceId {
        provider: Provider::Kubernetes,
        kind: format!("{api_version}/{kind}"),
        scope: text("namespace").unwrap_or_default(),
        name,
    };
    if kind == "Secret" && api_version == "v1" {
        redact_secret(&mut body);
    }
    let source = Source::File {
        path: at.file.to_string(),
        document: at.document,
        line: at.line,
        column: at.column,
        spans,
    };
    scan.resources.push(Resource { id, source, body });
}

/// The text that replaces every secret value.
pub const REDACTED: &str = "<redacted>";

/// Blank out a Secret's values (keys stay, so rules can still see them),
/// including the copy kubectl keeps in `last-applied-configuration`.
pub fn redact_secret(body: &mut Value) {
    for field in ["data", "stringData"] {
        if let Some(Value::Object(map)) = body.get_mut(field) {
            for v in map.values_mut() {
                *v = Value::String(REDACTED.to_string());
            }
        }
    }
    if let Some(Value::Object(ann)) = body
        .get_mut("metadata")
        .and_then(|m| m.get_mut("annotations"))
    {
        if let Some(v) = ann.get_mut("kubectl.kubernetes.io/last-applied-configuration") {
            *v = Value::String(REDACTED.to_string());
        }
    }
}

#[cfg(test)]
mod tests;
