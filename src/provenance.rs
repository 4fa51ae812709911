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

/// The SHA-256 of [`canonical`], computed as the syntax tree is written
/// out, a chunk at a time, rather than from one text of the whole tree: a
/// rulebook of a megabyte writes tens of megabytes of tree.
fn canonical_sha256(book: &ast::Rulebook) -> String {
    use std::fmt::Write as _;
    let mut w = StrippingHasher {
        pending: String::with_capacity(CHUNK * 2),
        hasher: Sha256::new(),
    };
    let _ = write!(w, "{book:?}");
    w.flush_all();
    hex(&w.hasher.finalize())
}

const CHUNK: usize = 1 << 16;

/// Writes text into a hasher with its spans stripped as [`strip_spans`]
/// strips them. Text is passed on up to its last `}`: a span ends with one,
/// so none is ever cut in two, and what follows is kept for the next chunk.
struct StrippingHasher {
    pending: String,
    hasher: Sha256,
}

impl StrippingHasher {
    fn flush_all(&mut self) {
        let text = std::mem::take(&mut self.pending);
        self.hasher.update(strip_spans(&text).as_bytes());
    }
}

impl std::fmt::Write for StrippingHasher {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.pending.push_str(s);
        if self.pending.len() >= CHUNK {
            if let Some(end) = self.pending.rfind('}') {
                let rest = self.pending.split_off(end + 1);
                self.hasher.update(strip_spans(&self.pending).as_bytes());
                self.pending = rest;
            }
        }
        Ok(())
    }
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
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
            hash: canonical_sha256(book),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_streamed_hash_is_the_hash_of_the_canonical_text() {
        let mut big = String::from("rulebook \"Big\" currency GBP\n");
        for i in 0..400 {
            big += &format!(
                "article {i} \"Part {i}\" {{\n  parameter p{i}: Percent = 10%\n  rule r{i}(cost: Money): Money = round(cost * (100% + p{i}), to 0.01, half up)\n}}\n"
            );
        }
        let books = [
            include_str!("../rulebooks/rochdale-1844.coop").to_string(),
            include_str!("../rulebooks/thin-layer-network.coop").to_string(),
            big,
        ];
        for text in books {
            let book = crate::parse(&text).expect("parses");
            assert!(canonical(&book).len() > 2 * CHUNK || text.len() < 100_000);
            assert_eq!(canonical_sha256(&book), sha256(&canonical(&book)));
        }
    }
}
