//! Pretty JSON documents whose one big array (a report's findings, a SARIF
//! log's results) is formatted on all cores, with the same bytes as
//! serde_json's pretty printer gives for the whole document.

use rayon::prelude::*;
use std::io::{self, Write};

/// Items formatted per parallel task.
const CHUNK: usize = 1024;
/// Items formatted before they are written (bounds the memory held).
const WINDOW: usize = 64 * CHUNK;

/// Write `doc` — pretty-printed, with its big array left empty — with the
/// elements `items` map to spliced into the array at `field` (the first
/// `"field": []` whose line is indented `depth - 1` levels), then a newline.
/// `element` may skip an item (`None`). A `doc` without that empty array
/// is a caller's bug: an error, with nothing written.
pub(crate) fn write_spliced<'a, D, T, E>(
    doc: &D,
    field: &str,
    depth: usize,
    items: &'a [T],
    element: impl Fn(&'a T) -> Option<E> + Sync,
    out: &mut dyn Write,
) -> io::Result<()>
where
    D: serde::Serialize,
    T: Sync,
    E: serde::Serialize,
{
    let shell = serde_json::to_string_pretty(doc)?;
    let marker = format!("\n{}\"{field}\": []", "  ".repeat(depth.saturating_sub(1)));
    let Some(at) = shell.find(&marker) else {
        return Err(io::Error::other(format!(
            "internal: no empty `{field}` array at depth {depth} to write into"
        )));
    };
    let bytes = shell.as_bytes();
    let end = at + marker.len();
    out.write_all(bytes.get(..end - 2).unwrap_or_default())?;
    write_elements(items, depth, element, out)?;
    out.write_all(bytes.get(end..).unwrap_or_default())?;
    writeln!(out)
}

/// The array of what `element` gives for each of `items`, from `[` to `]`,
/// as serde_json pretty-prints it `depth` levels deep.
fn write_elements<'a, T: Sync, E: serde::Serialize>(
    items: &'a [T],
    depth: usize,
    element: impl Fn(&'a T) -> Option<E> + Sync,
    out: &mut dyn Write,
) -> io::Result<()> {
    let indent = "  ".repeat(depth);
    out.write_all(b"[")?;
    let mut first = true;
    for window in items.chunks(WINDOW) {
        let parts: Vec<Vec<u8>> = window
            .par_chunks(CHUNK)
            .map(|chunk| {
                let mut buf = Vec::with_capacity(chunk.len() * 1024);
                for e in chunk.iter().filter_map(&element) {
                    buf.push(b',');
                    buf.push(b'\n');
                    buf.extend_from_slice(indent.as_bytes());
                    let text = serde_json::to_vec_pretty(&e)?;
                    // JSON escapes newlines in strings: each raw one is the
                    // formatter's, and the lines after it need the indent.
                    for (n, line) in text.split(|&b| b == b'\n').enumerate() {
                        if n > 0 {
                            buf.push(b'\n');
                            buf.extend_from_slice(indent.as_bytes());
                        }
                        buf.extend_from_slice(line);
                    }
                }
                Ok(buf)
            })
            .collect::<io::Result<_>>()?;
        for part in parts.iter().filter(|p| !p.is_empty()) {
            // Each element carries its comma; the array's first has none.
            let part = if first {
                part.get(1..).unwrap_or_default()
            } else {
                part
            };
            first = false;
            out.write_all(part)?;
        }
    }
    if first {
        return out.write_all(b"]");
    }
    out.write_all(b"\n")?;
    out.write_all(indent.get(2..).unwrap_or("").as_bytes())?;
    out.write_all(b"]")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Spliced output equals serde_json's for the whole document.
    #[test]
    fn same_bytes_as_serde_json_pretty() {
        let items: Vec<serde_json::Value> = (0..3000)
            .map(|i| json!({"n": i, "text": "line\nbreak \"quoted\"", "nested": {"list": [1, {"k": []}], "empty": {}}}))
            .collect();
        for (count, every) in [(0, 1), (1, 1), (3000, 1), (3000, 7), (3000, 100_000)] {
            let items = &items[..count];
            let keep = |v: &serde_json::Value| v["n"].as_u64().filter(|n| n % every == 0);
            let expected = json!({"a": 1, "runs": [{"before": [], "results": items.iter().filter(|v| keep(v).is_some()).collect::<Vec<_>>(), "after": {"x": []}}]});
            let mut want = serde_json::to_vec_pretty(&expected).unwrap();
            want.push(b'\n');
            let shell =
                json!({"a": 1, "runs": [{"before": [], "results": [], "after": {"x": []}}]});
            let mut got = Vec::new();
            write_spliced(
                &shell,
                "results",
                4,
                items,
                |v| keep(v).map(|_| v),
                &mut got,
            )
            .unwrap();
            assert_eq!(
                String::from_utf8(got).unwrap(),
                String::from_utf8(want).unwrap(),
                "{count} items, every {every}th"
            );
        }
    }

    #[test]
    fn no_such_array_is_an_error_and_writes_nothing() {
        let mut got = Vec::new();
        let r = write_spliced(
            &json!({"results": [1]}),
            "results",
            2,
            &[1],
            |v| Some(*v),
            &mut got,
        );
        assert!(r.is_err() && got.is_empty());
    }
}
