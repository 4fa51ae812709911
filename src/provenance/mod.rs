//! Provenance: which rules produced a figure. Every outcome names the
//! rulebook, its version and a hash of its content, so any figure can be
//! traced to the exact rules; amendments adopted during a simulation make a
//! new hash from the old one and the amendment.
//!
//! The hash is the SHA-256 of the rulebook's [canonical encoding](encoding):
//! its rules written in a versioned form of the language itself, without
//! positions, layout or comments. Re-laying out the text, or changing a
//! comment, leaves it; changing a rule, a figure or a word of legal text
//! changes it; renaming a Rust type or field does not.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::syntax::ast;

pub mod encoding;

/// The rules a figure was computed under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
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

/// The rulebook's canonical encoding, whole: what its hash is the hash of.
pub fn canonical(book: &ast::Rulebook) -> String {
    let mut out = String::new();
    // Writing into a `String` cannot fail.
    let _ = encoding::write_rulebook(book, &mut out);
    out
}

/// The SHA-256 of [`canonical`], computed as the encoding is written: a
/// rulebook of a megabyte is never held as one text a second time.
fn canonical_sha256(book: &ast::Rulebook) -> String {
    let mut hasher = Hashing(Sha256::new());
    // Hashing cannot fail.
    let _ = encoding::write_rulebook(book, &mut hasher);
    hex(&hasher.0.finalize())
}

/// Feeds what is written into a hasher.
struct Hashing(Sha256);

impl std::fmt::Write for Hashing {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.update(s.as_bytes());
        Ok(())
    }
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn sha256(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
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
    fn the_streamed_hash_is_the_hash_of_the_whole_encoding() {
        let mut big = String::from("rulebook \"Big\" currency GBP\n");
        for i in 0..400 {
            big += &format!(
                "article {i} \"Part {i}\" {{\n  parameter p{i}: Percent = 10%\n  rule r{i}(cost: Money): Money = round(cost * (100% + p{i}), to 0.01, half up)\n}}\n"
            );
        }
        let books = [
            include_str!("../../rulebooks/rochdale-1844.coop").to_string(),
            include_str!("../../rulebooks/thin-layer-network.coop").to_string(),
            big,
        ];
        for text in books {
            let book = crate::syntax::parse(&text).expect("parses");
            let whole = canonical(&book);
            assert!(whole.starts_with("rochdale-canonical 1\n(rulebook "));
            assert_eq!(canonical_sha256(&book), sha256(&whole));
        }
    }
}
