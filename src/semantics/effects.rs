//! What the effects of an act do, defined once.
//!
//! An act is a transaction: every effect is computed from the state before
//! the act (a change reads the changes made earlier in the same act, so
//! `add 1 to m.x` twice adds 2), the changes land together, and the limits
//! are checked on the new state. These functions are the rules of single
//! effects; the executors ([`crate::simulate`] member by member, the column
//! executor for `for each member` over every member) call them.

use rust_decimal::Decimal;

use super::operators::Result;
use crate::diagnostic::{Code, Diagnostic};
use crate::span::Span;
use crate::syntax::ast::ChangeOp;

/// A posting of `amount`: `None` when it is zero (nothing is booked), an
/// error when it is below zero (a posting is never negative).
pub fn posting(amount: Decimal, span: Span) -> Result<Option<Decimal>> {
    if amount < Decimal::ZERO {
        return Err(Box::new(negative_post(amount, span)));
    }
    Ok((!amount.is_zero()).then_some(amount))
}

/// An act that would post a negative amount.
pub fn negative_post(amount: Decimal, span: Span) -> Diagnostic {
    Diagnostic::error(
        Code::AllocationFailed,
        format!("a negative amount ({amount}) cannot be posted"),
    )
    .at(span, "negative")
    .help("post the amount the other way round: swap the debit and credit accounts")
}

/// A member's figure after `add` or `subtract`; `old` is `None` when the
/// member has no value (and no default) to change.
pub fn changed(
    op: ChangeOp,
    old: Option<Decimal>,
    delta: Decimal,
    who: &str,
    attr: &str,
    span: Span,
) -> Result<Decimal> {
    let Some(old) = old else {
        return Err(Box::new(
            Diagnostic::error(
                Code::MissingValue,
                format!("`{who}` has no `{attr}` to change"),
            )
            .at(span, "needed here")
            .help(format!("give `{attr}` a default in the member schema")),
        ));
    };
    let result = match op {
        ChangeOp::Set => Some(delta),
        ChangeOp::Add => old.checked_add(delta),
        ChangeOp::Subtract => old.checked_sub(delta),
    };
    result.ok_or_else(|| change_overflow(span))
}

/// A change whose result is too large to hold.
pub fn change_overflow(span: Span) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error(
            Code::Overflow,
            "the result is too large to represent exactly",
        )
        .at(span, "overflows")
        .help("check the figures for a mistake of magnitude"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postings() {
        assert_eq!(
            posting(Decimal::new(150, 2), Span::default()).unwrap(),
            Some(Decimal::new(150, 2))
        );
        assert_eq!(posting(Decimal::ZERO, Span::default()).unwrap(), None);
        let e = posting(Decimal::new(-1, 2), Span::default()).unwrap_err();
        assert_eq!(e.message, "a negative amount (-0.01) cannot be posted");
    }

    #[test]
    fn changes() {
        let s = Span::default();
        let d = |n| Decimal::from(n);
        assert_eq!(
            changed(ChangeOp::Add, Some(d(4)), d(3), "ada", "shares", s).unwrap(),
            d(7)
        );
        assert_eq!(
            changed(ChangeOp::Subtract, Some(d(4)), d(5), "ada", "shares", s).unwrap(),
            d(-1)
        );
        let e = changed(ChangeOp::Add, None, d(1), "ada", "shares", s).unwrap_err();
        assert_eq!(e.message, "`ada` has no `shares` to change");
        assert!(changed(ChangeOp::Add, Some(Decimal::MAX), d(1), "ada", "shares", s).is_err());
    }
}
