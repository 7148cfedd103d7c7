//! A problem found while reading user input (a manifest, a policy, a waivers
//! file), shaped so every reporter can point at `file:line:col`.
//!
//! Diagnostics are data, not `Err`: a scan collects them and carries on, and
//! the presence of any diagnostic turns the exit code into 2.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One problem with where it happened and, when known, the offending line.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Diagnostic {
    /// File path as the user gave it (or `-` for stdin), when the problem is in a file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// 1-based line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// What went wrong, lowercase, no trailing period.
    pub message: String,
    /// The text of the offending line, for display under the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_line: Option<String>,
    /// How to fix it, when we know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with only a message.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            file: None,
            line: None,
            column: None,
            message: message.into(),
            source_line: None,
            hint: None,
        }
    }

    /// Attach a file.
    #[must_use]
    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// Attach a position and, from `text`, the offending source line.
    #[must_use]
    pub fn at(mut self, line: u32, column: u32, text: Option<&str>) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        if let Some(text) = text {
            self.source_line = text
                .lines()
                .nth(line.saturating_sub(1) as usize)
                .map(|l| l.trim_end().to_string());
        }
        self
    }

    /// Attach a hint.
    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl Diagnostic {
    /// `file:line:col: message` on one line, without the source excerpt.
    pub fn headline(&self) -> String {
        match (&self.file, self.line, self.column) {
            (Some(file), Some(l), Some(c)) => format!("{file}:{l}:{c}: {}", self.message),
            (Some(file), Some(l), None) => format!("{file}:{l}: {}", self.message),
            (Some(file), _, _) => format!("{file}: {}", self.message),
            _ => self.message.clone(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.headline())?;
        if let (Some(src), Some(l)) = (&self.source_line, self.line) {
            let gutter = l.to_string().len();
            write!(f, "\n{:gutter$} |\n{l} | {src}", "")?;
            if let Some(c) = self.column {
                write!(
                    f,
                    "\n{:gutter$} | {:pad$}^",
                    "",
                    "",
                    pad = c.saturating_sub(1) as usize
                )?;
            }
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  = help: {hint}")?;
        }
        Ok(())
    }
}
