//! Which optional values a condition proves are there.
//!
//! An optional value (`m.notice_given: Date?`) may be used as its plain
//! type only where a condition already checked it: on the right of `P is
//! not none and ...`, on the right of `P is none or ...`, in the `then` of
//! `if P is not none` and in the `else` of `if P is none`. These functions
//! read the conditions as written and name the values they prove present;
//! the checker keeps the names in scope while it checks the guarded part.
//! The executors need nothing for this: `and`, `or` and `if` already stop
//! before the guarded part when the check fails.

use crate::syntax::ast::{BinaryOp, Expr, ExprKind};

/// How a value is named for narrowing: `m.notice_given`, or a parameter's
/// name.
pub(super) fn path_of(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Attribute(m, a) => Some(format!("{}.{}", m.name, a.name)),
        ExprKind::Name(id) => Some(id.name.clone()),
        _ => None,
    }
}

/// The values `e` proves present when it holds: each `P is not none` among
/// the clauses joined by `and` (reasons and brackets looked through).
pub(super) fn present_when_true(e: &Expr, out: &mut Vec<String>) {
    match &e.kind {
        ExprKind::IsNone(x, true) => out.extend(path_of(x)),
        ExprKind::Binary(BinaryOp::And, l, r) => {
            present_when_true(l, out);
            present_when_true(r, out);
        }
        ExprKind::Because(x, _) => present_when_true(x, out),
        _ => {}
    }
}

/// The values `e` proves present when it fails: each `P is none` among the
/// clauses joined by `or`.
pub(super) fn present_when_false(e: &Expr, out: &mut Vec<String>) {
    match &e.kind {
        ExprKind::IsNone(x, false) => out.extend(path_of(x)),
        ExprKind::Binary(BinaryOp::Or, l, r) => {
            present_when_false(l, out);
            present_when_false(r, out);
        }
        ExprKind::Because(x, _) => present_when_false(x, out),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse_expression;

    fn facts(source: &str, when: bool) -> Vec<String> {
        let e = parse_expression(source, 0).expect("parses");
        let mut out = Vec::new();
        if when {
            present_when_true(&e, &mut out);
        } else {
            present_when_false(&e, &mut out);
        }
        out
    }

    #[test]
    fn a_check_proves_its_value_present_only_on_its_own_side() {
        assert_eq!(
            facts("m.a is not none and x > 1 and m.b is not none", true),
            ["m.a", "m.b"]
        );
        assert!(facts("m.a is not none or x", true).is_empty());
        assert!(facts("m.a is none", true).is_empty());
        assert_eq!(
            facts("m.a is none or p is none because \"r\"", false),
            ["m.a", "p"]
        );
        assert!(facts("m.a is none and x", false).is_empty());
        assert!(facts("not m.a is none", true).is_empty());
    }
}
