//! From text to abstract syntax tree.

pub mod ast;
pub mod keywords;
mod parser;
mod prescan;
pub mod wording;

pub use keywords::{KEYWORDS, Keyword};
pub use parser::{MAX_EXPR_DEPTH, MONTHS, parse, parse_expression, parse_value};
pub use prescan::{MAX_NESTING, MAX_SOURCE_BYTES};
