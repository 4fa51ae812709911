//! `rochdale lsp`: a language server over standard input and output, for
//! editors. It reads the open rulebooks through the same stages as every
//! other interface (parse, check, the constant limits: `pipeline`) and
//! answers from their results: diagnostics as the text changes, hover,
//! definition and references, rename, formatting (`format`), completion,
//! the outline, and code lenses that run an example.
//!
//! The protocol's plumbing is rust-analyzer's `lsp-server`; this module is
//! the loop that answers it ([`run`]) and a small file for each question.

pub mod completion;
pub mod diagnostics;
pub mod document;
pub mod hover;
pub mod index;
pub mod lenses;
pub mod navigation;
pub mod position;
pub mod rename;
pub mod symbols;

mod server;

pub use server::{publish, run};
