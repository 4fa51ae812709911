//! Provenance: which rules produced a figure. Every outcome names the
//! rulebook, its version and a hash of its content, so any figure can be
//! traced to the exact rules; amendments adopted during a simulation make a
//! new hash from the old one and the amendment.
//!
//! The hash is of the rulebook's structure, its syntax tree without
//! positions or comments: re-laying out the text, or changing a comment,
//! leaves it; changing a rule, a figure or a word of legal text changes it.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::syntax::ast;

/// The rules a figure was computed under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Provenance {
    /// The rulebook's name.
    pub rulebook: String,
    /// Its version, as its header says.
    pub version: Option<String>,
    /// SHA-256 (hex) of its structure and of every amendment since.
    pub hash: String,
    /// Amendments adopted since the rulebook was written, in order:
    /// `1845-07-01: markup = 12.5% by special (22 for, 4 against)`.
    pub amendments: Vec<String>,
}

/// The rulebook's structure as text: its syntax tree without positions.
pub fn canonical(book: &ast::Rulebook) -> String {
    strip_spans(&format!("{book:?}"))
}

/// Removes every `Span { start: N, end: N }` (with the `span: ` before it).
pub(crate) fn strip_spans(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("Span { start: ") {
        let mut cut = &rest[..i];
        if let Some(stripped) = cut.strip_suffix("span: ") {
            cut = stripped;
        }
        out.push_str(cut);
        match rest[i..].find('}') {
            Some(j) => rest = &rest[i + j + 1..],
            None => rest = "",
        }
    }
    out.push_str(rest);
    out
}

fn sha256(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

impl Provenance {
    /// The provenance of a rulebook as written.
    pub fn of(book: &ast::Rulebook) -> Self {
        Provenance {
            rulebook: book.header.name.value.clone(),
            version: book.header.version.as_ref().map(|v| v.value.clone()),
            hash: sha256(&canonical(book)),
            amendments: Vec::new(),
        }
    }

    /// The rules after one more amendment.
    pub fn amended(&self, amendment: &str) -> Self {
        let mut next = self.clone();
        next.hash = sha256(&format!("{}\n{amendment}", self.hash));
        next.amendments.push(amendment.to_string());
        next
    }

    /// `version 1844.1, rules 3f2a9c1b`, with amendments if any.
    pub fn label(&self) -> String {
        let version = self
            .version
            .as_ref()
            .map(|v| format!("version {v}, "))
            .unwrap_or_default();
        let short = self.hash.get(..12).unwrap_or(&self.hash);
        if self.amendments.is_empty() {
            format!("{version}rules {short}")
        } else {
            format!(
                "{version}as amended on {}, rules {short}",
                self.amendments.join("; and on ")
            )
        }
    }
}
