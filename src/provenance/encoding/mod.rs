//! The canonical encoding of a rulebook: its rules written in a fixed,
//! versioned form that depends only on the language, never on the names of
//! Rust types or fields. The provenance hash is the SHA-256 of it, and the
//! structural diff compares items by it. docs/language.md ("The canonical
//! encoding") is the specification; this module is its one implementation.
//!
//! In short: a first line `rochdale-canonical 1`, then the header and each
//! top-level item on a line of its own, each a node `(TAG child child ...)`.
//! A tag is the language's keyword for the construct (`rule`, `+`,
//! `rounding half up`); a child is a node, a string written
//! `LENGTH:BYTES`, a number in normalised decimal form (`0.035`, `-5`) or a
//! date (`2026-04-05`). No tag word starts with a digit, and every other
//! child starts with `(`, a digit or `-` and a digit, so the tag ends where
//! the first child begins; a string says its length, so no text can be
//! read as structure. An optional part is a node with its own tag when
//! present and nothing when absent; a list is its elements in order.
//!
//! Every enumeration of the syntax tree is encoded by one `match` without a
//! catch-all arm, and every structure is taken apart with all its fields
//! named (positions explicitly ignored), so adding a variant or a field
//! does not compile until its encoding is decided.

use std::fmt::{self, Write};

use rust_decimal::Decimal;

use crate::syntax::ast;

mod acts;
mod expr;
mod items;
mod plans;

/// The version of the encoding, on its first line. Changing anything this
/// module writes changes every rulebook's hash: do it deliberately, with a
/// new version, and update the pinned hashes in tests/provenance.rs.
pub const VERSION: u32 = 1;

/// Writes the whole rulebook's encoding into `out`, a piece at a time: a
/// hasher can take it without the text of the whole ever being built.
pub fn write_rulebook(book: &ast::Rulebook, out: &mut dyn Write) -> fmt::Result {
    let ast::Rulebook { header, items } = book;
    writeln!(out, "rochdale-canonical {VERSION}")?;
    let mut e = Encoder::new(out);
    // A motion's effective date is encoded only where it differs from its
    // resolution's: the same rules written two ways hash the same.
    for item in items {
        let resolutions = match item {
            ast::Item::Resolution(r) => std::slice::from_ref(r),
            ast::Item::Article(a) => a.resolutions.as_slice(),
            _ => &[],
        };
        for r in resolutions {
            if let Some((when, _)) = r.effective {
                e.effective.push((r.name.name.clone(), when));
            }
        }
    }
    header.encode(&mut e)?;
    e.end_line()?;
    for item in items {
        item.encode(&mut e)?;
        e.end_line()?;
    }
    Ok(())
}

/// The encoding of one part of a rulebook (a rule, a parameter, an act...),
/// without the version line: what the structural diff compares.
pub fn encode<T: Canonical + ?Sized>(node: &T) -> String {
    let mut out = String::new();
    // Writing into a `String` cannot fail.
    let _ = node.encode(&mut Encoder::new(&mut out));
    out
}

/// The encoding of an article's heading alone (number, title, legal text
/// and sources, not its items): the diff compares an article's items one by
/// one, and the article itself by this.
pub fn article_heading(article: &ast::Article) -> String {
    let mut out = String::new();
    let mut e = Encoder::new(&mut out);
    // Writing into a `String` cannot fail.
    let _ = items::heading(article, &mut e).and_then(|()| e.close());
    out
}

/// A part of the syntax tree that has a canonical encoding.
pub trait Canonical {
    /// Writes this part's encoding.
    fn encode(&self, e: &mut Encoder<'_>) -> fmt::Result;
}

/// Writes nodes, strings and numbers, with the spaces between them.
pub struct Encoder<'a> {
    out: &'a mut dyn Write,
    /// At the start of a line no space comes before a node.
    line_start: bool,
    /// Each resolution's `amendments effective`, where it declares one.
    effective: Vec<(String, ast::Effective)>,
}

impl<'a> Encoder<'a> {
    fn new(out: &'a mut dyn Write) -> Self {
        Encoder {
            out,
            line_start: true,
            effective: Vec::new(),
        }
    }

    fn open(&mut self, tag: &str) -> fmt::Result {
        if !self.line_start {
            self.out.write_char(' ')?;
        }
        self.line_start = false;
        self.out.write_char('(')?;
        self.out.write_str(tag)
    }

    fn close(&mut self) -> fmt::Result {
        self.out.write_char(')')
    }

    fn end_line(&mut self) -> fmt::Result {
        self.line_start = true;
        self.out.write_char('\n')
    }

    /// `(TAG ...)` with `children` written inside.
    fn node(&mut self, tag: &str, children: impl FnOnce(&mut Self) -> fmt::Result) -> fmt::Result {
        self.open(tag)?;
        children(self)?;
        self.close()
    }

    /// `(TAG)`.
    fn leaf(&mut self, tag: &str) -> fmt::Result {
        self.open(tag)?;
        self.close()
    }

    /// A name or a text: its length in bytes, a colon, then the bytes.
    fn string(&mut self, s: &str) -> fmt::Result {
        self.line_start = false;
        write!(self.out, " {}:", s.len())?;
        self.out.write_str(s)
    }

    /// A number by its value: `1.00` and `1` are one number; no sign on 0.
    fn number(&mut self, d: Decimal) -> fmt::Result {
        self.line_start = false;
        write!(self.out, " {}", d.normalize())
    }

    fn date(&mut self, d: time::Date) -> fmt::Result {
        self.line_start = false;
        write!(
            self.out,
            " {:04}-{:02}-{:02}",
            d.year(),
            u8::from(d.month()),
            d.day()
        )
    }

    /// When the amendments of resolution `name`'s motions take effect
    /// unless a motion says (on adoption if it declares nothing).
    fn default_effective(&self, name: &str) -> ast::Effective {
        self.effective
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, w)| *w)
            .unwrap_or_default()
    }

    /// `(effective ...)`, written only when not on adoption: a rulebook
    /// that does not use effective dates keeps its hash.
    fn effective(&mut self, when: ast::Effective) -> fmt::Result {
        match when {
            ast::Effective::OnAdoption => Ok(()),
            ast::Effective::On(d) => self.node("effective", |e| e.date(d)),
            ast::Effective::DaysAfter(n) => self.node("effective", |e| {
                e.node("days after adoption", |e| e.number(Decimal::from(n)))
            }),
            ast::Effective::NextPeriod => self.node("effective", |e| e.leaf("next period")),
        }
    }

    fn ident(&mut self, id: &ast::Ident) -> fmt::Result {
        let ast::Ident { name, span: _ } = id;
        self.string(name)
    }

    fn text(&mut self, t: &ast::Text) -> fmt::Result {
        let ast::Text { value, span: _ } = t;
        self.string(value)
    }

    /// `(TAG STRING)`.
    fn tagged_text(&mut self, tag: &str, t: &ast::Text) -> fmt::Result {
        self.node(tag, |e| e.text(t))
    }

    /// `(TAG EXPR)`.
    fn tagged_expr(&mut self, tag: &str, x: &ast::Expr) -> fmt::Result {
        self.node(tag, |e| x.encode(e))
    }

    /// `(TAG NAME VALUE)`: a binding, tagged by what it gives a value to.
    fn binding(&mut self, tag: &str, b: &ast::Binding) -> fmt::Result {
        let ast::Binding { name, value } = b;
        self.node(tag, |e| {
            e.ident(name)?;
            value.encode(e)
        })
    }

    /// `(where EXPR)`, when there is a filter.
    fn filter(&mut self, filter: Option<&ast::Expr>) -> fmt::Result {
        match filter {
            Some(f) => self.tagged_expr("where", f),
            None => Ok(()),
        }
    }

    fn all<T: Canonical>(&mut self, nodes: &[T]) -> fmt::Result {
        nodes.iter().try_for_each(|n| n.encode(self))
    }
}

impl<T: Canonical> Canonical for Option<T> {
    fn encode(&self, e: &mut Encoder<'_>) -> fmt::Result {
        match self {
            Some(node) => node.encode(e),
            None => Ok(()),
        }
    }
}

impl<T: Canonical + ?Sized> Canonical for Box<T> {
    fn encode(&self, e: &mut Encoder<'_>) -> fmt::Result {
        (**self).encode(e)
    }
}

/// A list: its elements in order (for a part of an item, such as an
/// article's legal text, compared on its own).
impl<T: Canonical> Canonical for [T] {
    fn encode(&self, e: &mut Encoder<'_>) -> fmt::Result {
        e.all(self)
    }
}

/// A text alone: its string.
impl Canonical for ast::Text {
    fn encode(&self, e: &mut Encoder<'_>) -> fmt::Result {
        e.text(self)
    }
}

/// A name alone: its string.
impl Canonical for ast::Ident {
    fn encode(&self, e: &mut Encoder<'_>) -> fmt::Result {
        e.ident(self)
    }
}
