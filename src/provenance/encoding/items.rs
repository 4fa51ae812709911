//! The header, the schemas, parameters, articles, rules and limits.

use std::fmt;

use super::{Canonical, Encoder};
use crate::syntax::ast;

impl Canonical for ast::Header {
    fn encode(&self, e: &mut Encoder<'_>) -> fmt::Result {
        let ast::Header {
            name,
            version,
            currency,
            in_force,
            financial_year,
            day_count,
            span: _,
        } = self;
        e.node("rulebook", |e| {
            e.text(name)?;
            if let Some(v) = version {
                e.tagged_text("version", v)?;
            }
            if let Some(c) = currency {
                e.node("currency", |e| e.ident(c))?;
            }
            if let Some((date, _)) = in_force {
                e.node("in force", |e| e.date(*date))?;
            }
            // Only where written: a rulebook without one keeps its hash.
            if let Some(fy) = financial_year {
                e.node("financial year from", |e| {
                    e.string(&fy.day.to_string())?;
                    e.string(crate::syntax::MONTHS[usize::from(u8::from(fy.month)) - 1])?;
                    if let Some(p) = &fy.periods {
                        e.node("in", |e| e.ident(p))?;
                    }
                    Ok(())
                })?;
            }
            if let Some(dc) = day_count {
                e.node("day count", |e| e.ident(dc))?;
            }
            Ok(())
        })
    }
}

impl Canonical for ast::Item {
    fn encode(&self, e: &mut Encoder<'_>) -> fmt::Result {
        match self {
            ast::Item::Unit(u) => u.encode(e),
            ast::Item::MemberSchema(s) => schema("member", s, e),
            ast::Item::PeriodSchema(s) => schema("period", s, e),
            ast::Item::Parameter(p) => p.encode(e),
            ast::Item::Article(a) => a.encode(e),
            ast::Item::Rule(r) => r.encode(e),
            ast::Item::Limit(l) => l.encode(e),
            ast::Item::Allocation(a) => a.encode(e),
            ast::Item::Resolution(r) => r.encode(e),
            ast::Item::Election(x) => x.encode(e),
            ast::Item::Act(a) => a.encode(e),
            ast::Item::Scenario(s) => s.encode(e),
            ast::Item::Example(x) => x.encode(e),
            ast::Item::Members(f) => f.encode(e),
        }
    }
}

/// `(member FIELD*)` or `(period FIELD*)`.
fn schema(tag: &str, schema: &ast::Schema, e: &mut Encoder<'_>) -> fmt::Result {
    let ast::Schema { fields, span: _ } = schema;
    e.node(tag, |e| e.all(fields))
}

impl Canonical for ast::UnitDecl {
    fn encode(&self, e: &mut Encoder<'_>) -> fmt::Result {
        let ast::UnitDecl { name, description } = self;
        e.node("unit", |e| {
            e.ident(name)?;
            match description {
                Some(d) => e.text(d),
                None => Ok(()),
            }
        })
    }
}

impl Canonical for ast::Field {
    fn encode(&self, e: &mut Encoder<'_>) -> fmt::Result {
        let ast::Field {
            name,
            ty,
            default,
            ledger,
            each_period,
            span: _,
        } = self;
        e.node("field", |e| {
            e.ident(name)?;
            ty.encode(e)?;
            if let Some(v) = default {
                e.node("=", |e| v.encode(e))?;
            }
            if let Some(ast::LedgerSource { credits, account }) = ledger {
                let tag = if *credits { "credits of" } else { "debits of" };
                e.tagged_text(tag, account)?;
            }
            if *each_period {
                e.leaf("each period")?;
            }
            Ok(())
        })
    }
}

impl Canonical for ast::TypeExpr {
    fn encode(&self, e: &mut Encoder<'_>) -> fmt::Result {
        match self {
            ast::TypeExpr::Named {
                name,
                currency,
                per,
                optional,
                span: _,
            } => e.node("type", |e| {
                e.ident(name)?;
                if let Some(c) = currency {
                    e.node("in", |e| e.ident(c))?;
                }
                if let Some(p) = per {
                    e.node("per", |e| e.ident(p))?;
                }
                // Only where written: a type without `?` keeps its encoding.
                if *optional {
                    e.leaf("optional")?;
                }
                Ok(())
            }),
            ast::TypeExpr::Enum { variants, span: _ } => {
                e.node("enum", |e| variants.iter().try_for_each(|v| e.ident(v)))
            }
        }
    }
}

impl Canonical for ast::Parameter {
    fn encode(&self, e: &mut Encoder<'_>) -> fmt::Result {
        let ast::Parameter {
            name,
            ty,
            default,
            from,
            later,
            span: _,
        } = self;
        e.node("parameter", |e| {
            e.ident(name)?;
            ty.encode(e)?;
            // One value is written as it always was; dated values as
            // `(from DATE VALUE)` each.
            match from {
                None => default.encode(e),
                Some((date, _)) => {
                    e.node("from", |e| {
                        e.date(*date)?;
                        default.encode(e)
                    })?;
                    later.iter().try_for_each(|d| {
                        e.node("from", |e| {
                            e.date(d.from)?;
                            d.value.encode(e)
                        })
                    })
                }
            }
        })
    }
}

/// `(article NUMBER TITLE (text S)* (source S)*`, left open for the items.
pub(super) fn heading(article: &ast::Article, e: &mut Encoder<'_>) -> fmt::Result {
    e.open("article")?;
    e.ident(&article.number)?;
    e.text(&article.title)?;
    for t in &article.legal_text {
        e.tagged_text("text", t)?;
    }
    for s in &article.sources {
        e.tagged_text("source", s)?;
    }
    Ok(())
}

impl Canonical for ast::Article {
    fn encode(&self, e: &mut Encoder<'_>) -> fmt::Result {
        // The syntax tree keeps an article's items by kind, so the encoding
        // does too: each kind in the order written, kinds in this order.
        let ast::Article {
            number: _,
            title: _,
            legal_text: _,
            sources: _,
            parameters,
            rules,
            units,
            limits,
            allocations,
            resolutions,
            acts,
            span: _,
        } = self;
        heading(self, e)?;
        e.all(units)?;
        e.all(parameters)?;
        e.all(rules)?;
        e.all(limits)?;
        e.all(allocations)?;
        e.all(resolutions)?;
        e.all(acts)?;
        e.close()
    }
}

impl Canonical for ast::RuleParam {
    fn encode(&self, e: &mut Encoder<'_>) -> fmt::Result {
        let ast::RuleParam { name, ty } = self;
        e.node("param", |e| {
            e.ident(name)?;
            ty.encode(e)
        })
    }
}

/// `(params PARAM*)` when the parentheses are written, even empty.
pub(super) fn params(params: Option<&Vec<ast::RuleParam>>, e: &mut Encoder<'_>) -> fmt::Result {
    match params {
        Some(list) => e.node("params", |e| e.all(list)),
        None => Ok(()),
    }
}

impl Canonical for ast::RuleDef {
    fn encode(&self, e: &mut Encoder<'_>) -> fmt::Result {
        let ast::RuleDef {
            name,
            params: written,
            result,
            body,
            exceptions,
            span: _,
        } = self;
        e.node("rule", |e| {
            e.ident(name)?;
            params(written.as_ref(), e)?;
            if let Some(ty) = result {
                e.node("result", |e| ty.encode(e))?;
            }
            body.encode(e)?;
            e.all(exceptions)
        })
    }
}

impl Canonical for ast::Exception {
    fn encode(&self, e: &mut Encoder<'_>) -> fmt::Result {
        let ast::Exception {
            prevailing,
            condition,
            value,
            span: _,
        } = self;
        let tag = if *prevailing {
            "except prevailing when"
        } else {
            "except when"
        };
        e.node(tag, |e| {
            condition.encode(e)?;
            value.encode(e)
        })
    }
}

impl Canonical for ast::Limit {
    fn encode(&self, e: &mut Encoder<'_>) -> fmt::Result {
        let ast::Limit {
            name,
            condition,
            each,
            source,
            span: _,
        } = self;
        e.node("limit", |e| {
            e.ident(name)?;
            condition.encode(e)?;
            if let Some(m) = each {
                e.node("for each member", |e| e.ident(m))?;
            }
            if let Some(s) = source {
                e.tagged_text("source", s)?;
            }
            Ok(())
        })
    }
}
