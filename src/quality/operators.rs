//! The mutation operators, in one table ([`OPERATORS`]): each says how many
//! mutants it makes of a place in the syntax tree and makes one of them.
//! The matches on the syntax tree's enums have no catch-all, so a new kind
//! of node shows here as a compile error until it is given its mutants.

use rust_decimal::Decimal;

use crate::currency::Currency;
use crate::span::Span;
use crate::syntax::ast::{
    BinaryOp, Exception, Expr, ExprKind, Literal, RoundingMode, Tranche, Value,
};

/// A place in the syntax tree that an operator may change.
pub(super) enum Node<'a> {
    /// An expression of a rule, limit, allocation or act.
    Expr(&'a mut Expr),
    /// A parameter's value, with the parameter's name.
    Parameter(&'a mut Value, &'a str),
    /// A rule's `except when` clauses.
    Exceptions(&'a mut Vec<Exception>),
    /// An allocation's tranches.
    Tranches(&'a mut Vec<Tranche>),
    /// A rounding mode: `round`'s (`false`) or an allocation's (`true`:
    /// its amounts are never negative).
    Rounding(&'a mut RoundingMode, Span, bool),
}

/// What a mutant changed, and the example that would notice.
#[derive(Debug, Clone)]
pub(super) struct Change {
    /// Where.
    pub span: Span,
    /// What was changed, in words.
    pub what: String,
    /// The example to add if no example notices.
    pub suggest: String,
}

/// One mutation operator.
pub(super) struct Operator {
    /// Its name, as the report and docs/mutation.md give it.
    pub name: &'static str,
    /// How many mutants it makes of a node.
    pub count: fn(&Node<'_>) -> usize,
    /// Makes mutant `k` (below `count`) of the node; `text` is the rulebook.
    pub apply: fn(&mut Node<'_>, usize, &str) -> Change,
}

/// Every mutation operator, in the order the report lists them.
pub(super) const OPERATORS: &[Operator] = &[
    Operator {
        name: "comparison",
        count: comparison_count,
        apply: comparison_apply,
    },
    Operator {
        name: "constant",
        count: constant_count,
        apply: constant_apply,
    },
    Operator {
        name: "and-or",
        count: and_or_count,
        apply: and_or_apply,
    },
    Operator {
        name: "drop-because",
        count: drop_because_count,
        apply: drop_because_apply,
    },
    Operator {
        name: "drop-exception",
        count: drop_exception_count,
        apply: drop_exception_apply,
    },
    Operator {
        name: "rounding",
        count: rounding_count,
        apply: rounding_apply,
    },
    Operator {
        name: "tranche-order",
        count: tranche_count,
        apply: tranche_apply,
    },
];

fn text_at(text: &str, span: Span) -> String {
    let s = text.get(span.start..span.end).unwrap_or("");
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ------------------------------------------------------------ comparisons

/// Each comparison's two mutants: negated, and made strict or not strict.
fn comparison_variants(op: BinaryOp) -> &'static [BinaryOp] {
    use BinaryOp::*;
    match op {
        Lt => &[Ge, Le],
        Le => &[Gt, Lt],
        Gt => &[Le, Ge],
        Ge => &[Lt, Gt],
        Eq => &[Ne],
        Ne => &[Eq],
        Add | Sub | Mul | Div | And | Or | ExceptWhen => &[],
    }
}

fn comparison_count(node: &Node<'_>) -> usize {
    match node {
        Node::Expr(Expr {
            kind: ExprKind::Binary(op, ..),
            ..
        }) => comparison_variants(*op).len(),
        _ => 0,
    }
}

fn comparison_apply(node: &mut Node<'_>, k: usize, text: &str) -> Change {
    let Node::Expr(expr) = node else {
        return nothing();
    };
    let span = expr.span;
    let ExprKind::Binary(op, l, r) = &mut expr.kind else {
        return nothing();
    };
    let Some(&new) = comparison_variants(*op).get(k) else {
        return nothing();
    };
    let (left, right) = (text_at(text, l.span), text_at(text, r.span));
    let strictness = matches!(
        (*op, new),
        (BinaryOp::Lt, BinaryOp::Le)
            | (BinaryOp::Le, BinaryOp::Lt)
            | (BinaryOp::Gt, BinaryOp::Ge)
            | (BinaryOp::Ge, BinaryOp::Gt)
    );
    let suggest = if strictness {
        format!("an example at the boundary, where `{left}` = `{right}`")
    } else {
        format!(
            "an example on each side of `{left} {} {right}`",
            op.as_str()
        )
    };
    let what = format!("`{}` made `{}`", op.as_str(), new.as_str());
    *op = new;
    Change {
        span,
        what,
        suggest,
    }
}

// ------------------------------------------------------------ constants

/// One unit of a literal: a penny (the currency's minor unit), 1%, a day,
/// 1, or the last written digit of a decimal.
fn unit_of(literal: &Literal) -> Option<Decimal> {
    match literal {
        Literal::Integer(_) => Some(Decimal::ONE),
        Literal::Decimal(d) => Some(Decimal::new(1, d.scale())),
        Literal::Percent(_) => Some(Decimal::new(1, 2)),
        Literal::Money { currency, .. } => Some(Decimal::new(
            1,
            Currency::from_code(currency).map_or(2, Currency::minor_digits),
        )),
        Literal::Measure { amount, .. } => Some(Decimal::new(1, amount.scale())),
        Literal::Date(_) | Literal::Bool(_) => Some(Decimal::ONE),
        Literal::Text(_) | Literal::None => None,
    }
}

fn literal_count(literal: &Literal) -> usize {
    match literal {
        Literal::Bool(_) => 1,
        Literal::Text(_) | Literal::None => 0,
        Literal::Integer(_)
        | Literal::Decimal(_)
        | Literal::Percent(_)
        | Literal::Money { .. }
        | Literal::Measure { .. }
        | Literal::Date(_) => 2,
    }
}

/// Moves a literal up (k = 0) or down (k = 1) by one unit; says how.
fn move_literal(literal: &mut Literal, k: usize) -> Option<String> {
    let up = k == 0;
    let unit = unit_of(literal)?;
    let step = if up { unit } else { -unit };
    let word = if up { "up" } else { "down" };
    let bump = |d: &mut Decimal| {
        if let Some(moved) = d.checked_add(step) {
            *d = moved;
        }
    };
    match literal {
        Literal::Integer(d) | Literal::Decimal(d) | Literal::Percent(d) => bump(d),
        Literal::Money { amount, .. } | Literal::Measure { amount, .. } => bump(amount),
        Literal::Date(date) => {
            *date = if up {
                date.next_day()?
            } else {
                date.previous_day()?
            };
            return Some(format!("moved a day {word}"));
        }
        Literal::Bool(b) => {
            *b = !*b;
            return Some("negated".into());
        }
        Literal::Text(_) | Literal::None => return None,
    }
    let unit_word = match literal {
        Literal::Percent(_) => "1%".to_string(),
        Literal::Money { .. } => format!("{unit} (one minor unit)"),
        _ => unit.to_string(),
    };
    Some(format!("moved {word} by {unit_word}"))
}

fn constant_count(node: &Node<'_>) -> usize {
    match node {
        Node::Expr(Expr {
            kind: ExprKind::Literal(l),
            ..
        }) => literal_count(l),
        Node::Parameter(Value::Literal(l, _), _) => literal_count(l),
        _ => 0,
    }
}

fn constant_apply(node: &mut Node<'_>, k: usize, text: &str) -> Change {
    match node {
        Node::Expr(expr) => {
            let span = expr.span;
            let written = text_at(text, span);
            let ExprKind::Literal(l) = &mut expr.kind else {
                return nothing();
            };
            let Some(how) = move_literal(l, k) else {
                return nothing();
            };
            Change {
                span,
                what: format!("the constant `{written}` {how}"),
                suggest: format!(
                    "an example whose result turns on `{written}` exactly (one with the figure at `{written}`, one a unit past it)"
                ),
            }
        }
        Node::Parameter(Value::Literal(l, span), name) => {
            let span = *span;
            let written = text_at(text, span);
            let Some(how) = move_literal(l, k) else {
                return nothing();
            };
            Change {
                span,
                what: format!("the parameter `{name}` = `{written}` {how}"),
                suggest: format!("an example at the boundary {name} = {written}"),
            }
        }
        _ => nothing(),
    }
}

// ------------------------------------------------------------ and / or

fn and_or_count(node: &Node<'_>) -> usize {
    match node {
        Node::Expr(Expr {
            kind: ExprKind::Binary(BinaryOp::And | BinaryOp::Or, ..),
            ..
        }) => 1,
        _ => 0,
    }
}

fn and_or_apply(node: &mut Node<'_>, _k: usize, text: &str) -> Change {
    let Node::Expr(expr) = node else {
        return nothing();
    };
    let span = expr.span;
    let ExprKind::Binary(op, l, r) = &mut expr.kind else {
        return nothing();
    };
    let new = if *op == BinaryOp::And {
        BinaryOp::Or
    } else {
        BinaryOp::And
    };
    let (left, right) = (text_at(text, l.span), text_at(text, r.span));
    let what = format!("`{}` made `{}`", op.as_str(), new.as_str());
    *op = new;
    Change {
        span,
        what,
        suggest: format!("an example in which exactly one of `{left}` and `{right}` holds"),
    }
}

// ------------------------------------------------------------ a `because` clause dropped

/// Which sides of an `and`/`or` are clauses with a reason.
fn because_sides(expr: &Expr) -> Vec<bool> {
    match &expr.kind {
        ExprKind::Binary(BinaryOp::And | BinaryOp::Or, l, r) => [l, r]
            .iter()
            .map(|side| matches!(side.kind, ExprKind::Because(..)))
            .collect(),
        _ => Vec::new(),
    }
}

fn drop_because_count(node: &Node<'_>) -> usize {
    match node {
        Node::Expr(e) => because_sides(e).into_iter().filter(|b| *b).count(),
        _ => 0,
    }
}

fn drop_because_apply(node: &mut Node<'_>, k: usize, text: &str) -> Change {
    let Node::Expr(expr) = node else {
        return nothing();
    };
    let Some(side) = because_sides(expr)
        .into_iter()
        .enumerate()
        .filter(|(_, b)| *b)
        .map(|(i, _)| i)
        .nth(k)
    else {
        return nothing();
    };
    let ExprKind::Binary(_, l, r) = &expr.kind else {
        return nothing();
    };
    let (dropped, kept) = if side == 0 { (l, r) } else { (r, l) };
    let span = dropped.span;
    let written = text_at(text, span);
    let kept = (**kept).clone();
    **expr = kept;
    Change {
        span,
        what: format!("the clause `{written}` dropped"),
        suggest: "an example that this clause alone refuses (`expect not ... because \"...\"`)"
            .into(),
    }
}

// ------------------------------------------------------------ an exception dropped

fn drop_exception_count(node: &Node<'_>) -> usize {
    match node {
        Node::Exceptions(list) => list.len(),
        _ => 0,
    }
}

fn drop_exception_apply(node: &mut Node<'_>, k: usize, text: &str) -> Change {
    let Node::Exceptions(list) = node else {
        return nothing();
    };
    if k >= list.len() {
        return nothing();
    }
    let dropped = list.remove(k);
    Change {
        span: dropped.span,
        what: "the exception dropped".into(),
        suggest: format!(
            "an example in which `{}` holds, with the value the exception gives",
            text_at(text, dropped.condition.span)
        ),
    }
}

// ------------------------------------------------------------ rounding

/// The modes a mode may be changed to. An allocation's amounts are never
/// negative, and on them `down` is `floor` and `up` is `ceiling`: that
/// change would make an equivalent mutant, so it is not made.
fn other_modes(mode: RoundingMode, never_negative: bool) -> impl Iterator<Item = RoundingMode> {
    let twin = |m: RoundingMode| match m {
        RoundingMode::Down => Some(RoundingMode::Floor),
        RoundingMode::Floor => Some(RoundingMode::Down),
        RoundingMode::Up => Some(RoundingMode::Ceiling),
        RoundingMode::Ceiling => Some(RoundingMode::Up),
        RoundingMode::HalfUp | RoundingMode::HalfDown | RoundingMode::HalfEven => None,
    };
    RoundingMode::ALL
        .into_iter()
        .filter(move |m| *m != mode && !(never_negative && twin(mode) == Some(*m)))
}

fn rounding_count(node: &Node<'_>) -> usize {
    match node {
        Node::Rounding(mode, _, never_negative) => other_modes(**mode, *never_negative).count(),
        _ => 0,
    }
}

fn rounding_apply(node: &mut Node<'_>, k: usize, _text: &str) -> Change {
    let Node::Rounding(mode, span, never_negative) = node else {
        return nothing();
    };
    let Some(new) = other_modes(**mode, *never_negative).nth(k) else {
        return nothing();
    };
    let what = format!("rounding `{}` made `{}`", mode.as_str(), new.as_str());
    let half = |m: RoundingMode| {
        matches!(
            m,
            RoundingMode::HalfUp | RoundingMode::HalfDown | RoundingMode::HalfEven
        )
    };
    let suggest = if half(**mode) && half(new) {
        "an example whose amount falls exactly half way between two steps".to_string()
    } else {
        "an example whose amount falls between two steps (not on one)".to_string()
    };
    **mode = new;
    Change {
        span: *span,
        what,
        suggest,
    }
}

// ------------------------------------------------------------ tranches reordered

fn tranche_count(node: &Node<'_>) -> usize {
    match node {
        Node::Tranches(list) => list.len().saturating_sub(1),
        _ => 0,
    }
}

fn tranche_apply(node: &mut Node<'_>, k: usize, _text: &str) -> Change {
    let Node::Tranches(list) = node else {
        return nothing();
    };
    if k + 1 >= list.len() {
        return nothing();
    }
    let what = format!(
        "tranches \"{}\" and \"{}\" swapped",
        list[k].label.value,
        list[k + 1].label.value
    );
    let span = list[k].span.to(list[k + 1].span);
    list.swap(k, k + 1);
    Change {
        span,
        what,
        suggest: "an example whose amount is too small for both tranches, so that their order decides what each takes".into(),
    }
}

/// What an operator gives for a node it makes no mutant of (never asked
/// for: the runner asks only below `count`).
fn nothing() -> Change {
    Change {
        span: Span::default(),
        what: String::new(),
        suggest: String::new(),
    }
}
