//! The open documents: each one's text and what was found in it, worked
//! out again on every change (a 14 KB rulebook parses and checks in a few
//! milliseconds: see docs/performance.md, so nothing is kept between two
//! versions but the text).

use std::collections::HashMap;

use lsp_types::{Position, TextDocumentContentChangeEvent, Uri};

use super::index::Index;
use super::position;
use crate::check::Checked;
use crate::syntax::ast;

/// What was found in one version of a document.
#[derive(Debug)]
pub struct Analysis {
    /// The syntax tree, if the text parses.
    pub book: Option<ast::Rulebook>,
    /// The checker's findings, and the program if it checks.
    pub checked: Checked,
    /// Every name written, if the text parses.
    pub index: Index,
}

impl Analysis {
    /// Parses and checks `text` as `rochdale check` does (the constant
    /// limits included: `pipeline::check_book`).
    pub fn new(text: &str) -> Self {
        match crate::syntax::parse(text) {
            Ok(book) => {
                let checked = crate::pipeline::check_book(&book);
                let index = Index::new(&book, text);
                Analysis {
                    book: Some(book),
                    checked,
                    index,
                }
            }
            Err(diagnostics) => Analysis {
                book: None,
                checked: Checked {
                    program: None,
                    diagnostics,
                },
                index: Index::default(),
            },
        }
    }
}

/// An open document.
#[derive(Debug)]
pub struct Document {
    /// Its text now.
    pub text: String,
    /// The version the client gave it.
    pub version: i32,
    /// What was found in `text`.
    pub analysis: Analysis,
    /// The last outcome of each example run from a code lens, by name.
    pub runs: HashMap<String, String>,
}

impl Document {
    /// A document opened with `text`.
    pub fn new(text: String, version: i32) -> Self {
        let analysis = Analysis::new(&text);
        Document {
            text,
            version,
            analysis,
            runs: HashMap::new(),
        }
    }

    /// Applies the client's changes in order (a change without a range
    /// replaces the whole text) and checks the result again.
    pub fn change(&mut self, version: i32, changes: Vec<TextDocumentContentChangeEvent>) {
        for change in changes {
            match change.range {
                None => self.text = change.text,
                Some(range) => {
                    let start = position::offset(&self.text, range.start);
                    let end = position::offset(&self.text, range.end).max(start);
                    self.text.replace_range(start..end, &change.text);
                }
            }
        }
        self.version = version;
        self.analysis = Analysis::new(&self.text);
        self.runs.clear();
    }

    /// The byte offset of a position of the protocol.
    pub fn offset(&self, at: Position) -> usize {
        position::offset(&self.text, at)
    }
}

/// The documents open in the client, by URI.
#[derive(Debug, Default)]
pub struct Documents {
    open: HashMap<Uri, Document>,
}

impl Documents {
    /// Opens (or reopens) a document.
    pub fn open(&mut self, uri: Uri, text: String, version: i32) -> &Document {
        self.open
            .entry(uri)
            .insert_entry(Document::new(text, version))
            .into_mut()
    }

    /// The open document at `uri`.
    pub fn get(&self, uri: &Uri) -> Option<&Document> {
        self.open.get(uri)
    }

    /// The open document at `uri`, to change.
    pub fn get_mut(&mut self, uri: &Uri) -> Option<&mut Document> {
        self.open.get_mut(uri)
    }

    /// Closes a document.
    pub fn close(&mut self, uri: &Uri) {
        self.open.remove(uri);
    }
}
