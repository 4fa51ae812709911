//! Expressions, constant values and literals.

use std::fmt;

use super::{Canonical, Encoder};
use crate::syntax::ast;

impl Canonical for ast::Value {
    fn encode(&self, e: &mut Encoder<'_>) -> fmt::Result {
        match self {
            ast::Value::Literal(literal, _) => literal.encode(e),
            ast::Value::Name(name) => e.node("name", |e| e.ident(name)),
        }
    }
}

impl Canonical for ast::Literal {
    fn encode(&self, e: &mut Encoder<'_>) -> fmt::Result {
        match self {
            ast::Literal::Integer(d) => e.node("integer", |e| e.number(*d)),
            ast::Literal::Decimal(d) => e.node("decimal", |e| e.number(*d)),
            ast::Literal::Percent(fraction) => e.node("percent", |e| e.number(*fraction)),
            ast::Literal::Money { amount, currency } => e.node("money", |e| {
                e.number(*amount)?;
                e.string(currency)
            }),
            ast::Literal::Measure {
                amount,
                percent,
                currency,
                unit,
                per,
            } => e.node("measure", |e| {
                // A percentage rate is marked; every other measure is
                // encoded as before, so existing hashes stay.
                if *percent {
                    e.node("percent", |e| e.number(*amount))?;
                } else {
                    e.number(*amount)?;
                }
                if let Some(c) = currency {
                    e.node("in", |e| e.string(c))?;
                }
                if let Some(u) = unit {
                    e.node("unit", |e| e.ident(u))?;
                }
                if let Some(p) = per {
                    e.node("per", |e| e.ident(p))?;
                }
                Ok(())
            }),
            ast::Literal::Date(d) => e.node("date", |e| e.date(*d)),
            ast::Literal::Text(t) => e.node("text", |e| e.string(t)),
            ast::Literal::Bool(true) => e.leaf("true"),
            ast::Literal::Bool(false) => e.leaf("false"),
            ast::Literal::None => e.leaf("none"),
        }
    }
}

impl Canonical for ast::Expr {
    fn encode(&self, e: &mut Encoder<'_>) -> fmt::Result {
        let ast::Expr { kind, span: _ } = self;
        kind.encode(e)
    }
}

impl Canonical for ast::ExprKind {
    fn encode(&self, e: &mut Encoder<'_>) -> fmt::Result {
        match self {
            ast::ExprKind::Literal(literal) => literal.encode(e),
            ast::ExprKind::Name(name) => e.node("name", |e| e.ident(name)),
            ast::ExprKind::IsNone(x, negated) => e
                .node(if *negated { "is not none" } else { "is none" }, |e| {
                    x.encode(e)
                }),
            ast::ExprKind::Because(condition, reasons) => e.node("because", |e| {
                condition.encode(e)?;
                reasons.iter().try_for_each(|r| e.text(r))
            }),
            ast::ExprKind::Allocated { label, member } => e.node("allocated", |e| {
                e.text(label)?;
                if let Some(m) = member {
                    e.node("to", |e| e.ident(m))?;
                }
                Ok(())
            }),
            ast::ExprKind::LossBorne(by) => e.node("loss borne", |e| match by {
                ast::LossBearer::Reserve(t) => e.node("reserve", |e| e.text(t)),
                ast::LossBearer::Member(m) => e.ident(m),
                ast::LossBearer::CarriedForward => e.leaf("carried forward"),
            }),
            ast::ExprKind::Remainder => e.leaf("remainder"),
            ast::ExprKind::Attribute(member, attribute) => e.node(".", |e| {
                e.ident(member)?;
                e.ident(attribute)
            }),
            ast::ExprKind::Period(figure) => e.node("period", |e| e.ident(figure)),
            ast::ExprKind::Unary(op, x) => {
                let tag = match op {
                    ast::UnaryOp::Neg => "-",
                    ast::UnaryOp::Not => "not",
                };
                e.tagged_expr(tag, x)
            }
            ast::ExprKind::Binary(op, a, b) => e.node(binary(*op), |e| {
                a.encode(e)?;
                b.encode(e)
            }),
            ast::ExprKind::If {
                branches,
                otherwise,
            } => e.node("if", |e| {
                for (condition, value) in branches {
                    e.node("then", |e| {
                        condition.encode(e)?;
                        value.encode(e)
                    })?;
                }
                e.tagged_expr("else", otherwise)
            }),
            ast::ExprKind::Call { name, args } => e.node("call", |e| {
                e.ident(name)?;
                e.all(args)
            }),
            ast::ExprKind::Aggregate {
                kind,
                value,
                who,
                var,
                filter,
            } => {
                let tag = match kind {
                    ast::AggregateKind::Sum => "sum",
                    ast::AggregateKind::Count => "count",
                    ast::AggregateKind::Min => "min",
                    ast::AggregateKind::Max => "max",
                    ast::AggregateKind::Any => "any",
                    ast::AggregateKind::All => "all",
                };
                e.node(tag, |e| {
                    // Only when not over the members: the encoding of every
                    // aggregate written before statuses is as it was.
                    if *who != ast::Who::Members {
                        e.node("each", |e| e.leaf(who.words()))?;
                    }
                    e.ident(var)?;
                    if let Some(v) = value {
                        v.encode(e)?;
                    }
                    e.filter(filter.as_deref())
                })
            }
        }
    }
}

/// The operator as the encoding spells it. Written here rather than taken
/// from [`ast::BinaryOp::as_str`]: the encoding is pinned by its version,
/// and must not follow a change in how operators are displayed.
fn binary(op: ast::BinaryOp) -> &'static str {
    match op {
        ast::BinaryOp::Add => "+",
        ast::BinaryOp::Sub => "-",
        ast::BinaryOp::Mul => "*",
        ast::BinaryOp::Div => "/",
        ast::BinaryOp::Eq => "=",
        ast::BinaryOp::Ne => "!=",
        ast::BinaryOp::Lt => "<",
        ast::BinaryOp::Le => "<=",
        ast::BinaryOp::Gt => ">",
        ast::BinaryOp::Ge => ">=",
        ast::BinaryOp::And => "and",
        ast::BinaryOp::Or => "or",
        ast::BinaryOp::ExceptWhen => "except when",
    }
}

impl Canonical for ast::Argument {
    fn encode(&self, e: &mut Encoder<'_>) -> fmt::Result {
        match self {
            ast::Argument::Expr(x) => x.encode(e),
            ast::Argument::Step(step, _) => e.tagged_expr("to", step),
            ast::Argument::Mode(mode, _) => e.leaf(&format!("mode {}", mode_words(*mode))),
        }
    }
}

/// A rounding mode in the language's words, as the encoding spells it
/// (written here, not taken from [`ast::RoundingMode::as_str`], for the
/// reason given at [`binary`]).
pub(super) fn mode_words(mode: ast::RoundingMode) -> &'static str {
    match mode {
        ast::RoundingMode::HalfUp => "half up",
        ast::RoundingMode::HalfDown => "half down",
        ast::RoundingMode::HalfEven => "half even",
        ast::RoundingMode::Down => "down",
        ast::RoundingMode::Up => "up",
        ast::RoundingMode::Floor => "floor",
        ast::RoundingMode::Ceiling => "ceiling",
    }
}
