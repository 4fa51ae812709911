//! The change to the text, structurally: each named part of a rulebook
//! (article, parameter, rule, limit, allocation, resolution, act, unit,
//! attribute, scenario, example) compared by its canonical encoding
//! (`crate::provenance::encoding`), the same the provenance hash is taken
//! of, so that layout and comments never count as a change.

use serde::Serialize;

use crate::provenance::encoding::{article_heading, encode as canonical};
use crate::span::Span;
use crate::syntax::ast::{self, Item};

/// Added, removed or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Only in the new version.
    Added,
    /// Only in the old version.
    Removed,
    /// In both, written differently.
    Changed,
}

/// One part of the rulebook added, removed or changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct ItemChange {
    /// What kind of part: `parameter`, `rule`, `article`, `header`...
    pub kind: String,
    /// Its name (an article's number; an allocation's amount as written).
    pub name: String,
    /// The article it is in (in the new version, or the old if removed).
    pub article: Option<String>,
    /// Added, removed or changed.
    pub change: ChangeKind,
    /// Which parts changed, for an article or the header: `title`,
    /// `legal text`, `sources`, `moved from article 3`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub parts: Vec<String>,
    /// The old text as written: a parameter's value, or the whole part.
    pub old: Option<String>,
    /// The new text as written.
    pub new: Option<String>,
}

/// One named part of a rulebook, ready to compare.
struct Entry {
    kind: &'static str,
    name: String,
    article: Option<String>,
    /// The canonical encoding: equal when the rules written are equal.
    canonical: String,
    /// What a person is shown: the value or the whole text.
    shown: String,
    /// For an article or the header: each part's canonical encoding, to
    /// name the parts that changed.
    parts: Vec<(&'static str, String)>,
}

fn slice(text: &str, span: Span) -> String {
    text.get(span.start..span.end)
        .unwrap_or("")
        .trim()
        .to_string()
}

fn value_span(value: &ast::Value) -> Span {
    match value {
        ast::Value::Literal(_, span) => *span,
        ast::Value::Name(ident) => ident.span,
    }
}

/// Every named part of `book`, in the order written.
fn entries(book: &ast::Rulebook, text: &str) -> Vec<Entry> {
    let mut out = Vec::new();
    let header = &book.header;
    let header_parts = vec![
        ("name", canonical(&header.name)),
        ("version", canonical(&header.version)),
        ("currency", canonical(&header.currency)),
        (
            "in force",
            header
                .in_force
                .map(|(d, _)| crate::value::format_date(d))
                .unwrap_or_default(),
        ),
    ];
    out.push(Entry {
        kind: "header",
        name: "rulebook".to_string(),
        article: None,
        canonical: canonical(header),
        shown: slice(text, header.span),
        parts: header_parts,
    });
    for item in &book.items {
        match item {
            Item::Unit(unit) => out.push(unit_entry(unit, None, text)),
            Item::MemberSchema(schema) => fields(&mut out, "member attribute", schema, text),
            Item::PeriodSchema(schema) => fields(&mut out, "period figure", schema, text),
            Item::Parameter(p) => out.push(parameter_entry(p, None, text)),
            Item::Rule(r) => out.push(rule_entry(r, None, text)),
            Item::Limit(l) => out.push(limit_entry(l, None, text)),
            Item::Allocation(a) => out.push(allocation_entry(a, None, text)),
            Item::Resolution(r) => out.push(resolution_entry(r, None, text)),
            Item::Election(x) => out.push(plain(
                "election",
                x.name.name.clone(),
                None,
                canonical(x),
                slice(text, x.span),
            )),
            Item::Act(a) => out.push(act_entry(a, None, text)),
            Item::Article(article) => article_entries(&mut out, article, text),
            Item::Scenario(s) => out.push(plain(
                "scenario",
                s.name.value.clone(),
                None,
                canonical(s),
                slice(text, s.span),
            )),
            Item::Example(e) => out.push(plain(
                "example",
                e.name.value.clone(),
                None,
                canonical(e),
                slice(text, e.span),
            )),
            Item::Members(f) => out.push(plain(
                "members",
                f.name.name.clone(),
                None,
                canonical(f),
                slice(text, f.span),
            )),
        }
    }
    out
}

fn plain(
    kind: &'static str,
    name: String,
    article: Option<&str>,
    canonical: String,
    shown: String,
) -> Entry {
    Entry {
        kind,
        name,
        article: article.map(str::to_string),
        canonical,
        shown,
        parts: Vec::new(),
    }
}

fn unit_entry(unit: &ast::UnitDecl, article: Option<&str>, text: &str) -> Entry {
    let shown = match &unit.description {
        Some(d) => format!("{} {}", unit.name.name, slice(text, d.span)),
        None => unit.name.name.clone(),
    };
    plain(
        "unit",
        unit.name.name.clone(),
        article,
        canonical(unit),
        shown,
    )
}

fn fields(out: &mut Vec<Entry>, kind: &'static str, schema: &ast::Schema, text: &str) {
    for field in &schema.fields {
        out.push(plain(
            kind,
            field.name.name.clone(),
            None,
            canonical(field),
            slice(text, field.span),
        ));
    }
}

fn parameter_entry(p: &ast::Parameter, article: Option<&str>, text: &str) -> Entry {
    // The value alone is what a person compares: `10%` against `20%`; the
    // type is shown too when it is what changed.
    let mut value = slice(text, value_span(&p.default));
    // A dated parameter: every value with its date, `£12.60 per hour from
    // 2024-10-01, £13.45 per hour from 2025-10-01`.
    if let Some((from, _)) = p.from {
        value.push_str(&format!(" from {}", ast::format_date(from)));
        for later in &p.later {
            value.push_str(&format!(
                ", {} from {}",
                slice(text, value_span(&later.value)),
                ast::format_date(later.from)
            ));
        }
    }
    let ty = slice(text, p.ty.span());
    plain(
        "parameter",
        p.name.name.clone(),
        article,
        canonical(p),
        format!("{value}: {ty}"),
    )
}

fn rule_entry(r: &ast::RuleDef, article: Option<&str>, text: &str) -> Entry {
    plain(
        "rule",
        r.name.name.clone(),
        article,
        canonical(r),
        slice(text, r.span),
    )
}

fn limit_entry(l: &ast::Limit, article: Option<&str>, text: &str) -> Entry {
    plain(
        "limit",
        l.name.name.clone(),
        article,
        canonical(l),
        slice(text, l.span),
    )
}

fn allocation_entry(a: &ast::Allocation, article: Option<&str>, text: &str) -> Entry {
    plain(
        "allocation",
        slice(text, a.amount.span),
        article,
        canonical(a),
        slice(text, a.span),
    )
}

fn resolution_entry(r: &ast::Resolution, article: Option<&str>, text: &str) -> Entry {
    plain(
        "resolution",
        r.name.name.clone(),
        article,
        canonical(r),
        slice(text, r.span),
    )
}

fn act_entry(a: &ast::ActDef, article: Option<&str>, text: &str) -> Entry {
    plain(
        "act",
        a.name.name.clone(),
        article,
        canonical(a),
        slice(text, a.span),
    )
}

fn article_entries(out: &mut Vec<Entry>, article: &ast::Article, text: &str) {
    let number = article.number.name.as_str();
    let join = |texts: &[ast::Text]| {
        texts
            .iter()
            .map(|t| t.value.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let parts = vec![
        ("title", canonical(&article.title)),
        ("legal text", canonical(article.legal_text.as_slice())),
        ("sources", canonical(article.sources.as_slice())),
    ];
    out.push(Entry {
        kind: "article",
        name: number.to_string(),
        article: Some(number.to_string()),
        canonical: article_heading(article),
        shown: format!("\"{}\"\n{}", article.title.value, join(&article.legal_text)),
        parts,
    });
    let at = Some(number);
    out.extend(article.units.iter().map(|u| unit_entry(u, at, text)));
    out.extend(
        article
            .parameters
            .iter()
            .map(|p| parameter_entry(p, at, text)),
    );
    out.extend(article.rules.iter().map(|r| rule_entry(r, at, text)));
    out.extend(article.limits.iter().map(|l| limit_entry(l, at, text)));
    out.extend(
        article
            .allocations
            .iter()
            .map(|a| allocation_entry(a, at, text)),
    );
    out.extend(
        article
            .resolutions
            .iter()
            .map(|r| resolution_entry(r, at, text)),
    );
    out.extend(article.acts.iter().map(|a| act_entry(a, at, text)));
}

/// What changed between two rulebooks, part by part: changes and removals
/// in the old version's order, then additions in the new version's.
pub fn structural_changes(
    old: &ast::Rulebook,
    old_text: &str,
    new: &ast::Rulebook,
    new_text: &str,
) -> Vec<ItemChange> {
    let old_entries = entries(old, old_text);
    let new_entries = entries(new, new_text);
    let find = |list: &[Entry], e: &Entry| -> Option<usize> {
        list.iter()
            .position(|o| o.kind == e.kind && o.name == e.name)
    };
    let mut changes = Vec::new();
    for o in &old_entries {
        match find(&new_entries, o) {
            None => changes.push(ItemChange {
                kind: o.kind.to_string(),
                name: o.name.clone(),
                article: o.article.clone(),
                change: ChangeKind::Removed,
                parts: Vec::new(),
                old: Some(o.shown.clone()),
                new: None,
            }),
            Some(i) => {
                let n = &new_entries[i];
                let moved = o.kind != "article" && o.article != n.article;
                if o.canonical == n.canonical && !moved {
                    continue;
                }
                let mut parts: Vec<String> = o
                    .parts
                    .iter()
                    .zip(&n.parts)
                    .filter(|(a, b)| a.1 != b.1)
                    .map(|(a, _)| a.0.to_string())
                    .collect();
                if moved {
                    parts.push(match &o.article {
                        Some(a) => format!("moved from article {a}"),
                        None => "moved into an article".to_string(),
                    });
                }
                changes.push(ItemChange {
                    kind: o.kind.to_string(),
                    name: o.name.clone(),
                    article: n.article.clone(),
                    change: ChangeKind::Changed,
                    parts,
                    old: Some(o.shown.clone()),
                    new: Some(n.shown.clone()),
                });
            }
        }
    }
    for n in &new_entries {
        if find(&old_entries, n).is_none() {
            changes.push(ItemChange {
                kind: n.kind.to_string(),
                name: n.name.clone(),
                article: n.article.clone(),
                change: ChangeKind::Added,
                parts: Vec::new(),
                old: None,
                new: Some(n.shown.clone()),
            });
        }
    }
    changes
}
