//! The cooperative constructs: exceptions, limits, allocations and
//! resolutions, checked and lowered. Also the analysis that says whether a
//! money amount is exact to the minor unit (so that booked amounts are
//! rounded).

use rust_decimal::Decimal;

use super::{Checker, Global, expr::ExprChecker, suggest};
use crate::currency::Currency;
use crate::diagnostic::{Code, Diagnostic};
use crate::program::*;
use crate::semantics::builtins::{self, Form};
use crate::span::Span;
use crate::syntax::ast;
use crate::types::Type;
use crate::units::Units;
use crate::value::{Value, compare};

// ---------------------------------------------------------------- exceptions

/// One conjunct of a condition, reduced to "this expression compared with
/// that constant", when it has that shape.
struct Atom {
    key: String,
    op: crate::program::CompareOp,
    value: Value,
}

/// A condition's conjuncts, as fingerprints and, where possible, as atoms.
fn conjuncts(ir: &Ir) -> Vec<&Ir> {
    let mut out = Vec::new();
    let mut stack = vec![ir];
    while let Some(node) = stack.pop() {
        match &node.kind {
            IrKind::And(l, r) => {
                stack.push(r);
                stack.push(l);
            }
            IrKind::Because { condition, .. } => stack.push(condition),
            _ => out.push(node),
        }
    }
    out
}

fn atom(ir: &Ir) -> Option<Atom> {
    use crate::program::CompareOp::*;
    match &ir.kind {
        IrKind::Compare(op, l, r) => match (&l.kind, &r.kind) {
            (_, IrKind::Const(v)) => Some(Atom {
                key: fingerprint(l),
                op: *op,
                value: v.clone(),
            }),
            (IrKind::Const(v), _) => Some(Atom {
                key: fingerprint(r),
                op: match op {
                    Lt => Gt,
                    Le => Ge,
                    Gt => Lt,
                    Ge => Le,
                    other => *other,
                },
                value: v.clone(),
            }),
            _ => None,
        },
        IrKind::Not(inner) => Some(Atom {
            key: fingerprint(inner),
            op: Eq,
            value: Value::Bool(false),
        }),
        _ if ir.ty == Type::Bool => Some(Atom {
            key: fingerprint(ir),
            op: Eq,
            value: Value::Bool(true),
        }),
        _ => None,
    }
}

/// Whether no value satisfies both atoms (they must share a key).
fn atoms_disjoint(a: &Atom, b: &Atom) -> bool {
    use crate::program::CompareOp::*;
    use std::cmp::Ordering::*;
    if a.key != b.key {
        return false;
    }
    let Some(ord) = compare(&a.value, &b.value) else {
        return false;
    };
    // Does some x satisfy `x a.op a.value` and `x b.op b.value`?
    match (a.op, b.op) {
        (Eq, Eq) => ord != Equal,
        (Eq, Ne) | (Ne, Eq) => ord == Equal,
        (Eq, other) => !holds(&a.value, other, &b.value),
        (other, Eq) => !holds(&b.value, other, &a.value),
        // a below, b above: disjoint when the ranges do not meet.
        (Lt | Le, Gt | Ge) => ord == Less || (ord == Equal && (a.op == Lt || b.op == Gt)),
        (Gt | Ge, Lt | Le) => ord == Greater || (ord == Equal && (a.op == Gt || b.op == Lt)),
        _ => false,
    }
}

fn holds(x: &Value, op: crate::program::CompareOp, y: &Value) -> bool {
    compare(x, y).is_none_or(|o| op.holds(o))
}

/// A text that is equal for two nodes exactly when they compute the same
/// thing in the same way (spans ignored).
pub(super) fn fingerprint(ir: &Ir) -> String {
    strip_spans(&format!("{:?}", ir.kind))
}

/// Removes every `Span { start: N, end: N }` (with the `span: ` before it).
fn strip_spans(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("Span { start: ") {
        let mut cut = &rest[..i];
        if let Some(stripped) = cut.strip_suffix("span: ") {
            cut = stripped;
        }
        out.push_str(cut);
        match rest[i..].find('}') {
            Some(j) => rest = &rest[i + j + 1..],
            None => rest = "",
        }
    }
    out.push_str(rest);
    out
}

impl ExprChecker<'_> {
    /// An expression that must be a date.
    pub(super) fn date_of(&mut self, e: &ast::Expr, what: &str) -> Ir {
        let ir = self.expr(e);
        if !ir.ty.fits(Type::Date) {
            self.report(
                Diagnostic::error(
                    Code::TypeMismatch,
                    format!(
                        "{what} must be a date, but this is {}",
                        ir.ty.plain(self.units())
                    ),
                )
                .at(e.span, format!("{} here", ir.ty.plain(self.units())))
                .help("write a date, such as `today - 30` or `2026-03-31`"),
            );
        }
        ir
    }

    /// Lowers a rule's exceptions around its base value, checking that two
    /// exceptions that can both apply do not disagree.
    pub(super) fn lower_exceptions(&mut self, base: Ir, written: &[ast::Exception]) -> Ir {
        let span = base.span;
        let mut lowered = Vec::with_capacity(written.len());
        let mut ty = base.ty;
        for e in written {
            let condition = self.condition_of(&e.condition, "the condition of an exception");
            let value = self.expr(&e.value);
            match Type::unify(ty, value.ty) {
                Some(t) => ty = t,
                None => self.report(
                    Diagnostic::error(
                        Code::TypeMismatch,
                        format!(
                            "the exception gives {} but the rule gives {}",
                            value.ty.plain(self.units()),
                            ty.plain(self.units())
                        ),
                    )
                    .at(e.value.span, format!("{} here", value.ty.plain(self.units())))
                    .related(span, format!("{} here", ty.plain(self.units())))
                    .help("an exception replaces the rule's value, so it must be the same kind of value"),
                ),
            }
            lowered.push((condition, value, e.prevailing, e.span));
        }
        // Which pairs may both apply and disagree?
        let atoms: Vec<Vec<Option<Atom>>> = lowered
            .iter()
            .map(|(c, ..)| conjuncts(c).into_iter().map(atom).collect())
            .collect();
        let prints: Vec<Vec<String>> = lowered
            .iter()
            .map(|(c, ..)| conjuncts(c).into_iter().map(fingerprint).collect())
            .collect();
        let specific = |i: usize, j: usize| {
            // i is more specific than j: it has every condition of j, and more.
            prints[i].len() > prints[j].len() && prints[j].iter().all(|p| prints[i].contains(p))
        };
        for j in 0..lowered.len() {
            for i in 0..j {
                let disjoint = atoms[i]
                    .iter()
                    .flatten()
                    .any(|a| atoms[j].iter().flatten().any(|b| atoms_disjoint(a, b)));
                let same_value = fingerprint(&lowered[i].1) == fingerprint(&lowered[j].1);
                let one_prevails = lowered[i].2 != lowered[j].2;
                if !(disjoint || same_value || one_prevails || specific(i, j) || specific(j, i)) {
                    self.report(
                        Diagnostic::error(
                            Code::ConflictingExceptions,
                            "two exceptions can both apply and give different values",
                        )
                        .at(lowered[j].3, "this exception")
                        .related(lowered[i].3, "can apply together with this one")
                        .help("make their conditions exclusive, or mark the one that wins `except prevailing when ...`"),
                    );
                }
            }
        }
        // Order of trial: prevailing first, then the more specific (more
        // conditions), then the later.
        let mut order: Vec<usize> = (0..lowered.len()).collect();
        order.sort_by(|&a, &b| {
            lowered[b]
                .2
                .cmp(&lowered[a].2)
                .then(prints[b].len().cmp(&prints[a].len()))
                .then(b.cmp(&a))
        });
        Ir {
            kind: IrKind::Exceptions {
                base: Box::new(base),
                exceptions: lowered
                    .into_iter()
                    .map(|(condition, value, _, span)| ExceptionIr {
                        condition,
                        value,
                        span,
                        waiver: false,
                    })
                    .collect(),
                order,
            },
            ty,
            span,
        }
    }
}

impl Checker {
    // ------------------------------------------------------------ limits

    pub(super) fn limit(&mut self, limit: &ast::Limit, article: Option<usize>) -> Option<LimitDef> {
        let member_param: Vec<(String, Type)> = limit
            .each
            .iter()
            .map(|m| (m.name.clone(), Type::Member))
            .collect();
        let mut cx = ExprChecker::new(self, &member_param, &[]);
        cx.set_article(article);
        let condition = cx.condition_of(&limit.condition, "a limit");
        let frame_size = cx.frame_size();
        if let Some(m) = &limit.each {
            if let Some((what, first)) = self.globals.get(&m.name).map(|(g, s)| (*g, *s)) {
                self.error(
                    Diagnostic::error(
                        Code::Duplicate,
                        format!("`{}` is already the name of {}", m.name, what.describe()),
                    )
                    .at(m.span, "this name is taken")
                    .related(first, "defined here")
                    .help("name the member something else, such as `m`"),
                );
            }
        }
        Some(LimitDef {
            name: limit.name.name.clone(),
            condition,
            each_member: limit.each.is_some(),
            frame_size,
            source: limit.source.as_ref().map(|s| s.value.clone()),
            article,
            span: limit.span,
        })
    }

    // -------------------------------------------------------- allocations

    pub(super) fn allocation_body(
        &mut self,
        a: &ast::Allocation,
        article: Option<usize>,
        index: usize,
    ) -> Option<AllocationDef> {
        let locals = [("remainder".to_string(), Type::Error)];
        let mut cx = ExprChecker::new(self, &locals, &[]);
        cx.set_article(article);
        let amount = cx.expr(&a.amount);
        let currency = match amount.ty {
            Type::Money(c) => c,
            Type::Error => return None,
            other => {
                cx.report(
                    Diagnostic::error(
                        Code::TypeMismatch,
                        format!("only money can be allocated, but this is {}", other.plain(cx.units())),
                    )
                    .at(a.amount.span, format!("{} here", other.plain(cx.units())))
                    .help("allocate an amount of money, such as `allocate surplus rounding down { ... }`"),
                );
                return None;
            }
        };
        let record_date = a
            .record_date
            .as_ref()
            .map(|e| cx.date_of(e, "a record date"));
        let money = Type::Money(currency);
        cx.set_local_type(REMAINDER_SLOT, money);
        cx.enable_remainder();
        let mut tranches = Vec::with_capacity(a.tranches.len());
        let mut constant_share = Some(Decimal::ZERO);
        let mut has_remainder = false;
        for t in &a.tranches {
            let amount_def = match &t.amount {
                ast::TrancheAmount::Expr(e) => {
                    let v = cx.expr(e);
                    if e.kind.is_remainder() {
                        has_remainder = true;
                    }
                    match v.ty {
                        Type::Percent => {
                            constant_share = match (&v.kind, constant_share) {
                                (IrKind::Const(Value::Number(p)), Some(total)) => Some(total + *p),
                                (IrKind::Param(p), Some(total)) => {
                                    cx.param_default(*p).map(|d| total + d)
                                }
                                _ => None,
                            };
                            TrancheAmount::Share(v)
                        }
                        t if t == money || t == Type::Error => {
                            if !e.kind.is_remainder() {
                                constant_share = None;
                            }
                            TrancheAmount::Amount(v)
                        }
                        other => {
                            cx.report(tranche_type_error(e.span, other, currency, cx.units()));
                            TrancheAmount::Amount(v)
                        }
                    }
                }
                ast::TrancheAmount::EachMember { var, filter, value } => {
                    constant_share = None;
                    let (filter, value) = cx.with_member(var, |cx| {
                        let f = filter
                            .as_ref()
                            .map(|f| cx.condition_of(f, "the `where` filter"));
                        (f, cx.expr(value))
                    });
                    if !value.ty.fits(money) {
                        cx.report(tranche_type_error(
                            value.span,
                            value.ty,
                            currency,
                            cx.units(),
                        ));
                    }
                    TrancheAmount::EachMember {
                        var: var.name.clone(),
                        filter,
                        value,
                    }
                }
            };
            let money_option = |cx: &mut ExprChecker<'_>, e: &ast::Expr, what: &str| {
                let v = cx.expr(e);
                if !v.ty.fits(money) {
                    cx.report(
                        Diagnostic::error(
                            Code::TypeMismatch,
                            format!(
                                "{what} must be an amount of money ({currency}), but this is {}",
                                v.ty.plain(cx.units())
                            ),
                        )
                        .at(e.span, format!("{} here", v.ty.plain(cx.units())))
                        .help("write an amount, such as `at most remainder` or `at most £500`"),
                    );
                }
                v
            };
            let at_most = t
                .at_most
                .as_ref()
                .map(|e| money_option(&mut cx, e, "a cap"));
            let at_least = t
                .at_least
                .as_ref()
                .map(|e| money_option(&mut cx, e, "a floor"));
            let split = t.split.as_ref().map(|s| split_def(&mut cx, s));
            if let (Some(o), None) = (&t.otherwise, &t.split) {
                cx.report(
                    Diagnostic::error(
                        Code::BadAllocation,
                        "only a tranche shared among members can say where its money goes when nobody is entitled",
                    )
                    .at(o.span, "no split to fall back from")
                    .help("write `else to reserve \"NAME\"` after `to each member m ... in proportion to W`"),
                );
            }
            if let (TrancheAmount::EachMember { .. }, Some(s)) = (&amount_def, &t.split) {
                cx.report(
                    Diagnostic::error(
                        Code::BadAllocation,
                        "a tranche of each member's amount is already shared; it cannot be split again",
                    )
                    .at(s.span, "second way of sharing")
                    .help("keep either `each member m: ...` or `to each member m in proportion to ...`"),
                );
            }
            let credited = t.credited.as_ref().and_then(|c| {
                let var = match (&t.amount, &t.split) {
                    (_, Some(s)) => Some(&s.var),
                    (ast::TrancheAmount::EachMember { var, .. }, None) => Some(var),
                    _ => None,
                };
                let Some(var) = var else {
                    cx.report(
                        Diagnostic::error(
                            Code::BadAllocation,
                            "only a tranche shared among members can be credited to their shares",
                        )
                        .at(c.span, "no member's share to credit")
                        .help("credit a tranche shared with `to each member m ... in proportion to W` or `each member m: ...`"),
                    );
                    return None;
                };
                if c.member.name != var.name {
                    cx.report(
                        Diagnostic::error(
                            Code::UnknownName,
                            format!("`{}` is not the tranche's member, `{}`", c.member.name, var.name),
                        )
                        .at(c.member.span, "another name")
                        .help(format!("write `credited to {}.{} ...`", var.name, c.attribute.name)),
                    );
                    return None;
                }
                let attr = cx.attribute_index(&c.attribute)?;
                let ty = cx.attribute_type(attr);
                if !ty.fits(money) {
                    cx.report(
                        Diagnostic::error(
                            Code::TypeMismatch,
                            format!(
                                "a tranche is credited to money ({currency}), but `{}` is {}",
                                c.attribute.name,
                                ty.plain(cx.units())
                            ),
                        )
                        .at(c.attribute.span, "not money")
                        .help("credit the member's shares, an attribute of money such as `shares: Money = £0`"),
                    );
                }
                let ceiling = cx.with_member(var, |cx| money_option(cx, &c.ceiling, "a ceiling"));
                Some(CreditedDef {
                    attr,
                    ceiling,
                    account: c.account.value.as_str().into(),
                })
            });
            tranches.push(TrancheDef {
                label: t.label.value.clone(),
                amount: amount_def,
                at_most,
                at_least,
                split,
                otherwise: t.otherwise.as_ref().map(|o| o.value.clone()),
                credited,
                span: t.span,
            });
        }
        let loss = a.loss.as_ref().map(|block| {
            let forms = block
                .forms
                .iter()
                .map(|form| match form {
                    ast::LossForm::Reserve {
                        name,
                        at_most,
                        span,
                    } => {
                        let at_most = at_most.as_ref().map(|e| {
                            let v = cx.expr(e);
                            if !(v.ty == Type::Percent || v.ty.fits(money)) {
                                cx.report(
                                    Diagnostic::error(
                                        Code::TypeMismatch,
                                        format!(
                                            "a reserve's limit is a percentage of its balance or an amount of money ({currency}), but this is {}",
                                            v.ty.plain(cx.units())
                                        ),
                                    )
                                    .at(e.span, format!("{} here", v.ty.plain(cx.units())))
                                    .help("write `from reserve \"compulsory reserve\", at most 50%` or `at most £500`"),
                                );
                            }
                            v
                        });
                        LossFormDef::Reserve {
                            name: name.value.clone(),
                            at_most,
                            span: *span,
                        }
                    }
                    ast::LossForm::Members(s) => {
                        let split = split_def(&mut cx, s);
                        LossFormDef::Members {
                            split,
                            span: s.span,
                        }
                    }
                    ast::LossForm::CarriedForward(span) => {
                        LossFormDef::CarriedForward { span: *span }
                    }
                })
                .collect();
            LossDef {
                forms,
                span: block.span,
            }
        });
        let frame_size = cx.frame_size();
        drop(cx);
        if let Some(l) = &loss {
            if l.carries_forward() {
                if self.carried_forward_by.is_some() {
                    self.error(
                        Diagnostic::error(
                            Code::BadAllocation,
                            "only one allocation may carry a loss forward",
                        )
                        .at(l.span, "a second allocation carrying a loss forward")
                        .help("the losses carried forward are one account, set against the next surplus of one allocation; charge this loss to a reserve or to members"),
                    );
                }
                self.carried_forward_by = Some(index);
            }
        }

        // What happens in the years that go badly: a loss, and a tranche
        // nobody is entitled to. The close would fail on either (E0407).
        if a.loss.is_none() && !self.never_negative(&amount) {
            let currency_zero = crate::value::money_display(Decimal::ZERO, currency);
            self.error(
                Diagnostic::warning(
                    Code::MayBeLoss,
                    "this allocation may have a loss to divide, and does not say how a loss is charged",
                )
                .at(a.amount.span, "may be negative: it is worked out by a subtraction or from a negative figure")
                .help(format!(
                    "add `if a loss {{ ... }}` after the tranches, its forms in the order the rules charge a loss: `from reserve \"NAME\"` (or `, at most 50%` of it), `to each member m in proportion to W`, `carried forward`; if the rules deal with a loss elsewhere, allocate `max(..., {currency_zero})`"
                )),
            );
        }
        for t in &a.tranches {
            if let (Some(split), None) = (&t.split, &t.otherwise) {
                if let Some(filter) = &split.filter {
                    self.error(
                        Diagnostic::warning(
                            Code::MayFindNobody,
                            format!(
                                "\"{}\" is shared among the members who pass a filter, and does not say where its money goes if none does",
                                t.label.value
                            ),
                        )
                        .at(filter.span, "no member may pass this")
                        .help("add `else to reserve \"NAME\"` on the line after the split: the tranche's money then goes to that reserve instead of the close failing"),
                    );
                }
            }
        }

        // The guarantees: no more than 100%, nothing left over unallocated.
        let total = constant_share.unwrap_or(Decimal::ZERO);
        let shares_total: Decimal = tranches
            .iter()
            .filter_map(|t| match &t.amount {
                TrancheAmount::Share(v) => match &v.kind {
                    IrKind::Const(Value::Number(p)) => Some(*p),
                    IrKind::Param(p) => self.params.get(*p).and_then(|d| d.value.as_number()),
                    _ => None,
                },
                _ => None,
            })
            .sum();
        if shares_total > Decimal::ONE {
            self.error(
                Diagnostic::error(
                    Code::OverAllocated,
                    format!(
                        "the percentages of this allocation add up to {}%, more than the whole",
                        (shares_total * Decimal::ONE_HUNDRED).normalize()
                    ),
                )
                .at(a.span, "more than 100%")
                .help("lower the percentages so that they add up to at most 100%"),
            );
        }
        let last_takes_rest = !has_remainder && constant_share.is_some() && total == Decimal::ONE;
        if !has_remainder && !last_takes_rest {
            self.error(
                Diagnostic::error(
                    Code::MayLeaveUnallocated,
                    "this allocation may leave money unallocated",
                )
                .at(a.span, "no tranche takes the remainder")
                .help("end with a tranche that takes what is left, such as `\"carried forward\": remainder`"),
            );
        }
        if !self.exact_to_minor_unit(&amount, currency) {
            self.error(unrounded(a.amount.span, currency, "the amount allocated"));
        }
        let Some((mode, _)) = a.rounding else {
            self.error(
                Diagnostic::error(
                    Code::BadRounding,
                    "an allocation must say how its tranches are rounded",
                )
                .at(a.amount.span, "no rounding mode")
                .help("write `allocate surplus rounding down { ... }` (or half up, half even, up, floor, ceiling)"),
            );
            return None;
        };
        if a.scope.is_none() {
            self.unstated_member_rounding(&tranches, currency, mode);
        }
        self.allocation_currency[index] = Some(currency);
        Some(AllocationDef {
            amount,
            currency,
            record_date,
            mode,
            round_each_member: matches!(a.scope, Some((ast::RoundingScope::Each, _))),
            tranches,
            last_takes_rest,
            loss,
            frame_size,
            article,
            span: a.span,
        })
    }

    /// Warns of each tranche of members' amounts that may carry fractions of
    /// the minor unit when the allocation does not say whether its rounding
    /// is pooled or each member's own: the two give different figures.
    fn unstated_member_rounding(
        &mut self,
        tranches: &[TrancheDef],
        currency: Currency,
        mode: ast::RoundingMode,
    ) {
        for t in tranches {
            let TrancheAmount::EachMember { value, .. } = &t.amount else {
                continue;
            };
            if self.exact_to_minor_unit(value, currency) {
                continue;
            }
            let mode = mode.as_str();
            self.error(
                Diagnostic::warning(
                    Code::UnstatedMemberRounding,
                    format!(
                        "\"{}\" rounds its total, not each member's amount, and the two may differ by a minor unit",
                        t.label
                    ),
                )
                .at(value.span, "each member's amount may have fractions of the minor unit")
                .help(format!(
                    "say which is meant: `rounding {mode} each` rounds every member's amount on its own (the total is their sum); `rounding {mode} pooled` rounds the total and shares it by largest remainder (what is done now)"
                )),
            );
        }
    }

    // -------------------------------------------------------- resolutions

    /// The member attribute a resolution's votes are `weighted` or
    /// `counted` by, with its classes: it must exist and list classes.
    fn class_attribute(&mut self, name: &ast::Ident, how: &str) -> Option<(usize, Vec<String>)> {
        let attr = self.member_attrs.iter().position(|a| a.name == name.name);
        let Some(attr) = attr else {
            let names: Vec<&str> = self.member_attrs.iter().map(|a| a.name.as_str()).collect();
            let help =
                suggest::did_you_mean(&name.name, names.iter().copied()).unwrap_or_else(|| {
                    format!("votes are {how} by a member attribute that lists classes")
                });
            self.error(
                Diagnostic::error(
                    Code::UnknownAttribute,
                    format!("members have no attribute `{}`", name.name),
                )
                .at(name.span, "not in the member schema")
                .help(help),
            );
            return None;
        };
        let Type::Enum(e) = self.member_attrs[attr].ty else {
            self.error(
                Diagnostic::error(
                    Code::TypeMismatch,
                    format!(
                        "votes can be {how} by a class, but `{}` is not a list of classes",
                        name.name
                    ),
                )
                .at(name.span, "not a class")
                .help("declare the attribute as a list of choices, such as `class: Worker or Consumer`"),
            );
            return None;
        };
        Some((attr, self.enums[e.0 as usize].variants.clone()))
    }

    pub(super) fn resolution(
        &mut self,
        r: &ast::Resolution,
        article: Option<usize>,
    ) -> Option<ResolutionDef> {
        let Some(threshold) = r.threshold.clone() else {
            self.error(
                Diagnostic::error(
                    Code::NoThreshold,
                    format!("the resolution `{}` does not say when it passes", r.name.name),
                )
                .at(r.name.span, "no threshold")
                .help("add a threshold, such as `passes when for > against` or `passes when for >= 75% of cast`"),
            );
            return None;
        };
        let share = match threshold.measure {
            ast::ThresholdMeasure::Share(p, _) => Some(p),
            ast::ThresholdMeasure::Fraction(_, den, _) if den.is_zero() => Some(Decimal::ZERO),
            ast::ThresholdMeasure::Fraction(num, den, _) => num.checked_div(den),
            ast::ThresholdMeasure::Against => None,
        };
        if let Some(p) = share {
            if p <= Decimal::ZERO || p > Decimal::ONE {
                self.error(
                    Diagnostic::error(
                        Code::NoThreshold,
                        "a threshold must be more than 0% and at most 100%",
                    )
                    .at(threshold.span, "impossible threshold")
                    .help("write a share such as `75% of cast`"),
                );
            }
        }
        let class_weights = match &r.weights {
            None => None,
            Some(w) => {
                let (attr, variants) = self.class_attribute(&w.attribute, "weighted")?;
                let mut weights = vec![None; variants.len()];
                for (class, weight) in &w.weights {
                    match variants.iter().position(|v| *v == class.name) {
                        Some(i) => weights[i] = Some(*weight),
                        None => self.error(
                            Diagnostic::error(
                                Code::UnknownName,
                                format!(
                                    "`{}` is not a class of `{}`",
                                    class.name, w.attribute.name
                                ),
                            )
                            .at(class.span, "unknown class")
                            .help(format!("the classes are {}", variants.join(", "))),
                        ),
                    }
                }
                let missing: Vec<&str> = variants
                    .iter()
                    .zip(&weights)
                    .filter(|(_, w)| w.is_none())
                    .map(|(v, _)| v.as_str())
                    .collect();
                if !missing.is_empty() {
                    let help = if w.share.is_some() {
                        "give every class its share of the vote, 0% for a class that does not vote"
                    } else {
                        "give every class a weight, 0 for a class that does not vote"
                    };
                    self.error(
                        Diagnostic::error(
                            Code::BadValue,
                            format!(
                                "the classes {} have no {}",
                                missing.join(", "),
                                if w.share.is_some() { "share" } else { "weight" }
                            ),
                        )
                        .at(w.span, "incomplete weights")
                        .help(help),
                    );
                    return None;
                }
                // Class shares divide the whole vote: exactly 100% in all.
                let total: Decimal = weights.iter().flatten().sum();
                if w.share.is_some() && total != Decimal::ONE {
                    let shown: Vec<String> = w
                        .weights
                        .iter()
                        .map(|(_, s)| crate::value::percent_display(*s))
                        .collect();
                    self.error(
                        Diagnostic::error(
                            Code::BadValue,
                            format!(
                                "the classes' shares of the vote add up to {}, not 100%",
                                crate::value::percent_display(total)
                            ),
                        )
                        .at(w.span, format!("{} in all", shown.join(" + ")))
                        .help("class shares divide the whole vote among the classes: make them add up to exactly 100%"),
                    );
                    return None;
                }
                Some((
                    attr,
                    weights.into_iter().map(|w| w.unwrap_or_default()).collect(),
                ))
            }
        };
        let consent = match &r.consent {
            None => None,
            Some(c) => {
                let (attr, variants) = self.class_attribute(&c.attribute, "counted")?;
                let mut classes = Vec::with_capacity(c.classes.len());
                for class in &c.classes {
                    match variants.iter().position(|v| *v == class.name) {
                        Some(i) if classes.contains(&(i as u32)) => self.error(
                            Diagnostic::error(
                                Code::Duplicate,
                                format!("the class `{}` is named twice", class.name),
                            )
                            .at(class.span, "named again")
                            .help("name each class whose consent is needed once"),
                        ),
                        Some(i) => classes.push(i as u32),
                        None => {
                            let help = suggest::did_you_mean(
                                &class.name,
                                variants.iter().map(String::as_str),
                            )
                            .unwrap_or_else(|| format!("the classes are {}", variants.join(", ")));
                            self.error(
                                Diagnostic::error(
                                    Code::UnknownName,
                                    format!(
                                        "`{}` is not a class of `{}`",
                                        class.name, c.attribute.name
                                    ),
                                )
                                .at(class.span, "unknown class")
                                .help(help),
                            );
                        }
                    }
                }
                Some(ConsentDef {
                    attr,
                    classes,
                    threshold: c.threshold.clone(),
                })
            }
        };
        let mut alone_amends = Vec::new();
        for p in &r.alone_amends {
            match self.params.iter().position(|d| d.name == p.name) {
                Some(i) => alone_amends.push(i),
                None => {
                    let help =
                        suggest::did_you_mean(&p.name, self.params.iter().map(|d| d.name.as_str()))
                            .unwrap_or_else(|| {
                                "`alone amends` names parameters of the rulebook".into()
                            });
                    self.error(
                        Diagnostic::error(
                            Code::UnknownName,
                            format!("there is no parameter `{}`", p.name),
                        )
                        .at(p.span, "not a parameter")
                        .help(help),
                    );
                }
            }
        }
        self.check_procedure(&r.procedure);
        // A quorum of votes is of the members' weighted votes; under class
        // shares a class's share is of the votes it casts, not of a roll.
        let shared = r.weights.as_ref().is_some_and(|w| w.share.is_some());
        let second = r.procedure.second_call.iter().flat_map(|c| c.quorum.iter());
        for (q, span) in r.quorum.iter().chain(second) {
            match q {
                ast::QuorumTerm::Votes(_) if shared => self.error(
                    Diagnostic::error(
                        Code::BadValue,
                        "a quorum of votes under class shares",
                    )
                    .at(*span, "of votes")
                    .help("under `weighted by class share` a quorum is of members: `50% of members`"),
                ),
                ast::QuorumTerm::Votes(p) | ast::QuorumTerm::Share(p)
                    if *p > rust_decimal::Decimal::ONE =>
                {
                    self.error(
                        Diagnostic::error(Code::BadValue, "a quorum of more than the whole")
                            .at(*span, "more than 100%")
                            .help("a quorum is a share of at most 100%"),
                    )
                }
                _ => {}
            }
        }
        Some(ResolutionDef {
            name: r.name.name.clone(),
            title: r.title.as_ref().map(|t| t.value.clone()),
            class_weights,
            class_share: r.weights.as_ref().and_then(|w| w.share),
            quorum: r.quorum.iter().map(|(q, _)| *q).collect(),
            quorum_lesser: r.quorum_form == ast::QuorumForm::Lesser,
            alone_amends,
            effective: r.effective.map(|(w, _)| w).unwrap_or_default(),
            threshold,
            consent,
            abstentions_against: r.abstentions_against,
            ties_pass: r.ties_pass,
            record_date: None,
            voter: None,
            procedure: (*r.procedure).clone(),
            article,
            span: r.span,
        })
    }

    /// A window that closes before it opens (E0323): notice of at least
    /// more than its most, or a confirmation not less than more than its
    /// not more than. Days and months are compared from 1 February, the
    /// shortest month: a window empty in any month is a defect of the rules.
    fn check_procedure(&mut self, procedure: &ast::Procedure) {
        use crate::semantics::meeting::{after, describe};
        let from = time::Date::from_calendar_date(2026, time::Month::February, 1).ok();
        let empty = |least: ast::Interval, most: ast::Interval| match from {
            Some(from) => after(from, least) > after(from, most),
            None => false,
        };
        if let Some(n) = &procedure.notice {
            if let Some(most) = n.most.filter(|m| empty(n.least, *m)) {
                self.error(
                    Diagnostic::error(
                        Code::BadMeeting,
                        format!(
                            "notice of at least {} can never be at most {}",
                            describe(n.least),
                            describe(most)
                        ),
                    )
                    .at(n.span, "no notice meets both")
                    .help("the least notice comes first: `notice at least 15 days and at most 2 months`"),
                );
            }
        }
        if let Some(c) = &procedure.confirmation {
            if empty(c.earliest, c.latest) {
                self.error(
                    Diagnostic::error(
                        Code::BadMeeting,
                        format!(
                            "a confirming meeting cannot be held not less than {} nor more than {} after the first",
                            describe(c.earliest),
                            describe(c.latest)
                        ),
                    )
                    .at(c.span, "no day meets both")
                    .help("the earliest comes first: `not less than 14 days nor more than 1 month after`"),
                );
            }
        }
    }

    // ---------------------------------------------------------- precision

    /// Whether `ir` always gives an amount with no more digits than the
    /// currency's minor unit (so it can be booked as it is).
    pub(super) fn exact_to_minor_unit(&self, ir: &Ir, currency: Currency) -> bool {
        let digits = currency.minor_digits();
        let exact_number = |d: &Decimal| d.normalize().scale() <= digits;
        match &ir.kind {
            IrKind::Const(Value::Number(d)) => exact_number(d),
            IrKind::Const(_) => true,
            IrKind::Param(p) => self.param_exact.get(*p).copied().unwrap_or(false),
            // Booked inputs (attributes, period figures) are checked to the
            // minor unit when given.
            IrKind::Attr { .. } | IrKind::Period(_) => true,
            IrKind::Local(_) => ir.ty != Type::Decimal && ir.ty != Type::Percent,
            IrKind::Allocated { .. } => true,
            IrKind::Call { rule, .. } => self
                .rule_exact
                .get(*rule)
                .copied()
                .flatten()
                .unwrap_or(false),
            IrKind::Neg(x) => self.exact_to_minor_unit(x, currency),
            IrKind::Arith(op, l, r) => match op {
                ArithOp::Add | ArithOp::Sub => {
                    self.exact_to_minor_unit(l, currency) && self.exact_to_minor_unit(r, currency)
                }
                ArithOp::Mul => {
                    (l.ty == Type::Integer && self.exact_to_minor_unit(r, currency))
                        || (r.ty == Type::Integer && self.exact_to_minor_unit(l, currency))
                }
                ArithOp::Div => false,
            },
            IrKind::Builtin {
                builtin,
                args,
                rounding,
            } => match &builtins::get(*builtin).form {
                Form::Function(f) => (f.exact)(
                    args.iter().all(|a| self.exact_to_minor_unit(a, currency)),
                    *rounding,
                    digits,
                ),
                _ => false,
            },
            IrKind::If {
                branches,
                otherwise,
            } => {
                branches
                    .iter()
                    .all(|(_, v)| self.exact_to_minor_unit(v, currency))
                    && self.exact_to_minor_unit(otherwise, currency)
            }
            IrKind::Exceptions {
                base, exceptions, ..
            } => {
                self.exact_to_minor_unit(base, currency)
                    && exceptions
                        .iter()
                        .all(|e| self.exact_to_minor_unit(&e.value, currency))
            }
            IrKind::Aggregate { value, .. } => value
                .as_ref()
                .is_none_or(|v| self.exact_to_minor_unit(v, currency)),
            _ => false,
        }
    }

    // ---------------------------------------------------------- sign

    /// Whether `ir` is never below zero, as far as the checker can tell
    /// from how it is written: a difference (`sales - costs`), a minus sign
    /// or a negative figure may be, unless `max(..., £0)` or `abs` bounds
    /// it. Inputs (members' attributes, the period's figures) are taken as
    /// given: what is asked is whether the rules themselves can make a
    /// loss.
    pub(super) fn never_negative(&self, ir: &Ir) -> bool {
        match &ir.kind {
            IrKind::Const(Value::Number(d)) => !d.is_sign_negative() || d.is_zero(),
            IrKind::Const(_) => true,
            IrKind::Param(p) => self
                .params
                .get(*p)
                .and_then(|d| d.value.as_number())
                .is_none_or(|d| d >= Decimal::ZERO),
            IrKind::Attr { .. } | IrKind::Period(_) | IrKind::Local(_) => true,
            IrKind::Allocated { .. } | IrKind::Accrued { .. } => true,
            IrKind::DaysMember(_) | IrKind::DaysHeld { .. } => true,
            IrKind::Call { rule, .. } => self
                .rule_never_negative
                .get(*rule)
                .copied()
                .flatten()
                .unwrap_or(false),
            IrKind::Neg(_) => false,
            IrKind::Arith(op, l, r) => match op {
                ArithOp::Sub => false,
                ArithOp::Add | ArithOp::Mul | ArithOp::Div => {
                    self.never_negative(l) && self.never_negative(r)
                }
            },
            IrKind::Builtin { builtin, args, .. } => match &builtins::get(*builtin).form {
                Form::Function(f) => {
                    let signs: Vec<bool> = args.iter().map(|a| self.never_negative(a)).collect();
                    (f.never_negative)(&signs)
                }
                _ => false,
            },
            IrKind::If {
                branches,
                otherwise,
            } => {
                branches.iter().all(|(_, v)| self.never_negative(v))
                    && self.never_negative(otherwise)
            }
            IrKind::Exceptions {
                base, exceptions, ..
            } => {
                self.never_negative(base)
                    && exceptions.iter().all(|e| self.never_negative(&e.value))
            }
            IrKind::Aggregate { value, .. } => {
                value.as_ref().is_none_or(|v| self.never_negative(v))
            }
            _ => false,
        }
    }
}

fn tranche_type_error(span: Span, found: Type, currency: Currency, units: &Units) -> Diagnostic {
    Diagnostic::error(
        Code::TypeMismatch,
        format!(
            "a tranche is a percentage of the amount or an amount of money ({currency}), but this is {}",
            found.plain(units)
        ),
    )
    .at(span, format!("{} here", found.plain(units)))
    .help("write a tranche as `10%`, `£500`, `remainder`, or `each member m: ...`")
}

/// The diagnostic for a booked amount that may carry more digits than the
/// minor unit.
pub(super) fn unrounded(span: Span, currency: Currency, what: &str) -> Diagnostic {
    let unit = if currency.minor_digits() == 2 {
        "pence or cents"
    } else {
        "the currency's smallest unit"
    };
    Diagnostic::error(
        Code::UnroundedBooking,
        format!("{what} may have more digits than {unit}, so it cannot be booked exactly"),
    )
    .at(span, "not rounded")
    .help(format!(
        "round it to the {} unit, as in `round(x, to {}, half up)`",
        if currency.minor_digits() == 0 {
            "whole"
        } else {
            "minor"
        },
        if currency.minor_digits() == 0 {
            "1".to_string()
        } else {
            format!("0.{}1", "0".repeat(currency.minor_digits() as usize - 1))
        }
    ))
}

impl Global {
    /// Whether this global is a resolution.
    pub(super) fn resolution(self) -> Option<usize> {
        match self {
            Global::Resolution(r) => Some(r),
            _ => None,
        }
    }
}

/// `to each member m [where C] in proportion to W`, checked: in a tranche
/// or in a loss block.
fn split_def(cx: &mut ExprChecker<'_>, s: &ast::Split) -> SplitDef {
    let (filter, weight) = cx.with_member(&s.var, |cx| {
        let f = s
            .filter
            .as_ref()
            .map(|f| cx.condition_of(f, "the `where` filter"));
        (f, cx.expr(&s.weight))
    });
    if !(weight.ty.is_numeric() || weight.ty == Type::Error) {
        cx.report(
            Diagnostic::error(
                Code::TypeMismatch,
                format!(
                    "a share is in proportion to a number or an amount, not {}",
                    weight.ty.plain(cx.units())
                ),
            )
            .at(
                s.weight.span,
                format!("{} here", weight.ty.plain(cx.units())),
            )
            .help("write `in proportion to m.purchases` or another number per member"),
        );
    }
    SplitDef {
        var: s.var.name.clone(),
        filter,
        weight,
    }
}
