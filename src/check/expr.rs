//! Expressions: names resolved to slots, types checked, lowered to [`Ir`].
//!
//! On an error the node gets [`Type::Error`], which combines silently with
//! anything, so one mistake is reported once rather than at every use.

use rust_decimal::Decimal;

use super::{Checker, Global, suggest};
use crate::diagnostic::{Code, Diagnostic};
use crate::program::{
    ArithOp, BuiltinId, CompareOp, ExceptionIr, Ir, IrKind, ResolutionQuery, Rounding,
};
use crate::semantics::builtins::{self, Arguments, Builtin, EachValue, Form, Function};
use crate::semantics::operators::internal;
use crate::span::Span;
use crate::syntax::ast::{self, AggregateKind, Argument, BinaryOp, ExprKind, UnaryOp};
use crate::types::{self, Type};
use crate::units::Units;
use crate::value::Value;

pub(super) struct ExprChecker<'c> {
    checker: &'c mut Checker,
    /// Names in scope with their slot and type; innermost last.
    locals: Vec<(String, Type)>,
    /// Members of the example being checked, by name.
    example_members: &'c [String],
    frame_size: usize,
    /// The article of the rule being checked, for reasons.
    article: Option<usize>,
    /// Inside an allocation: `remainder` is local slot 0.
    remainder: bool,
    /// The rule whose body this is, if it is one.
    rule: Option<String>,
    /// Optional values a condition around this point has proved present
    /// (`m.notice_given`, a parameter's name): see [`super::narrow`].
    present: Vec<String>,
}

fn error_node(span: Span) -> Ir {
    Ir {
        kind: IrKind::Const(Value::Bool(false)),
        ty: Type::Error,
        span,
    }
}

impl<'c> ExprChecker<'c> {
    pub(super) fn new(
        checker: &'c mut Checker,
        params: &[(String, Type)],
        example_members: &'c [String],
    ) -> Self {
        ExprChecker {
            checker,
            locals: params.to_vec(),
            example_members,
            frame_size: params.len(),
            article: None,
            remainder: false,
            rule: None,
            present: Vec::new(),
        }
    }

    /// The rule whose body is checked, to write it in a help line.
    pub(super) fn set_rule(&mut self, name: &str) {
        self.rule = Some(name.to_string());
    }

    /// The rulebook's units, to name them in messages.
    pub(super) fn units(&self) -> &Units {
        &self.checker.units
    }

    /// How many local names are in scope (the next one takes this slot).
    pub(super) fn local_count(&self) -> usize {
        self.locals.len()
    }

    pub(super) fn set_article(&mut self, article: Option<usize>) {
        self.article = article;
    }

    pub(super) fn set_local_type(&mut self, slot: usize, ty: Type) {
        if let Some(local) = self.locals.get_mut(slot) {
            local.1 = ty;
        }
    }

    pub(super) fn enable_remainder(&mut self) {
        self.remainder = true;
    }

    /// The index of a member attribute, reporting an unknown one.
    pub(super) fn attribute_index(&mut self, attr: &ast::Ident) -> Option<usize> {
        let found = self
            .checker
            .member_attrs
            .iter()
            .position(|a| a.name == attr.name);
        if found.is_none() {
            let names: Vec<&str> = self
                .checker
                .member_attrs
                .iter()
                .map(|a| a.name.as_str())
                .collect();
            let help = suggest::did_you_mean(&attr.name, names.iter().copied())
                .unwrap_or_else(|| format!("the member schema declares: {}", names.join(", ")));
            self.report(
                Diagnostic::error(
                    Code::UnknownAttribute,
                    format!("members have no attribute `{}`", attr.name),
                )
                .at(attr.span, "not in the member schema")
                .help(help),
            );
        }
        found
    }

    /// The type of member attribute `attr`.
    pub(super) fn attribute_type(&self, attr: usize) -> Type {
        self.checker
            .member_attrs
            .get(attr)
            .map_or(Type::Error, |a| a.ty)
    }

    pub(super) fn param_default(&self, p: usize) -> Option<Decimal> {
        self.checker.params.get(p).and_then(|d| d.value.as_number())
    }

    /// Runs `f` with `var` bound to a member in the next local slot.
    pub(super) fn with_member<T>(&mut self, var: &ast::Ident, f: impl FnOnce(&mut Self) -> T) -> T {
        if let Some(d) = self.name_taken(var) {
            self.report(d);
        }
        self.locals.push((var.name.clone(), Type::Member));
        self.frame_size = self.frame_size.max(self.locals.len());
        let out = f(self);
        self.locals.pop();
        out
    }

    /// Why `var` cannot name a member here, if it cannot.
    fn name_taken(&self, var: &ast::Ident) -> Option<Diagnostic> {
        if let Some((what, first)) = self.checker.globals.get(&var.name).map(|(g, s)| (*g, *s)) {
            return Some(
                Diagnostic::error(
                    Code::Duplicate,
                    format!("`{}` is already the name of {}", var.name, what.describe()),
                )
                .at(var.span, "this name is taken")
                .related(first, "defined here")
                .help("name the member something else, such as `m`"),
            );
        }
        if self.locals.iter().any(|(n, _)| *n == var.name)
            || self.example_members.contains(&var.name)
        {
            return Some(
                Diagnostic::error(
                    Code::Duplicate,
                    format!("`{}` is already in use here", var.name),
                )
                .at(var.span, "this name is taken")
                .help("give each member variable its own name, such as `m` and `n`"),
            );
        }
        None
    }

    pub(super) fn frame_size(&self) -> usize {
        self.frame_size
    }

    pub(super) fn report(&mut self, diagnostic: Diagnostic) {
        self.checker.error(diagnostic);
    }

    fn fail(&mut self, diagnostic: Diagnostic, span: Span) -> Ir {
        self.report(diagnostic);
        error_node(span)
    }

    /// Checks an expression whose value must be there: an optional value
    /// not proved present is E0706.
    pub(super) fn expr(&mut self, e: &ast::Expr) -> Ir {
        let ir = self.expr_maybe(e);
        match ir.ty {
            Type::Optional(_) => {
                let what =
                    snippet(e).map_or_else(|| "this value".to_string(), |s| format!("`{s}`"));
                let check = snippet(e).unwrap_or_else(|| "m.notice_given".into());
                let d = Diagnostic::error(Code::MaybeMissing, format!("{what} may be none here"))
                    .at(e.span, ir.ty.plain(self.units()))
                    .help(format!(
                        "check it first: `if {check} is none then ... else ...`, or `{check} is not none and ...`"
                    ));
                self.fail(d, e.span)
            }
            _ => ir,
        }
    }

    /// Checks `e` with the values in `present` known to be there.
    fn expr_given(&mut self, e: &ast::Expr, present: Vec<String>) -> Ir {
        let before = self.present.len();
        self.present.extend(present);
        let ir = self.expr(e);
        self.present.truncate(before);
        ir
    }

    /// The value for a place of type `ty` (an attribute set by an act):
    /// `none` there when `ty` is optional.
    pub(super) fn value_for(&mut self, e: &ast::Expr, ty: Type) -> Ir {
        if let (ExprKind::Literal(ast::Literal::None), true) = (&e.kind, ty.is_optional()) {
            return Ir {
                kind: IrKind::Const(Value::None),
                ty,
                span: e.span,
            };
        }
        if ty.is_optional() {
            self.expr_maybe(e)
        } else {
            self.expr(e)
        }
    }

    /// The type of a read of `path` of type `ty`: its present type where a
    /// condition proved it there.
    fn narrowed(&self, path: &str, ty: Type) -> Type {
        match ty {
            Type::Optional(p) if self.present.iter().any(|n| n == path) => p.ty(),
            other => other,
        }
    }

    fn is_none(&mut self, operand: &ast::Expr, negated: bool, span: Span) -> Ir {
        let inner = self.expr_maybe(operand);
        if !inner.ty.is_optional() && inner.ty != Type::Error {
            let what =
                snippet(operand).map_or_else(|| "this value".to_string(), |s| format!("`{s}`"));
            let d = Diagnostic::error(
                Code::MaybeMissing,
                format!("{what} always has a value, so it is never none"),
            )
            .at(operand.span, inner.ty.plain(self.units()))
            .help("`is none` asks of optional values, declared with `?` (`notice_given: Date?`)");
            return self.fail(d, span);
        }
        let test = Ir {
            kind: IrKind::IsNone(Box::new(inner)),
            ty: Type::Bool,
            span,
        };
        if negated {
            Ir {
                kind: IrKind::Not(Box::new(test)),
                ty: Type::Bool,
                span,
            }
        } else {
            test
        }
    }

    /// Checks an expression that may be an optional value (the operand of
    /// `is none`, a value set on an optional attribute).
    pub(super) fn expr_maybe(&mut self, e: &ast::Expr) -> Ir {
        let span = e.span;
        match &e.kind {
            ExprKind::IsNone(operand, negated) => self.is_none(operand, *negated, span),
            ExprKind::Literal(literal) => match self.checker.literal(literal, span) {
                Some((value, ty)) => Ir {
                    kind: IrKind::Const(value),
                    ty,
                    span,
                },
                None => error_node(span),
            },
            ExprKind::Name(id) => self.name(id),
            ExprKind::Attribute(member, attr) => self.attribute(member, attr, span),
            ExprKind::Period(field) => self.period(field, span),
            ExprKind::Unary(op, operand) => self.unary(*op, operand, span),
            ExprKind::Binary(op, left, right) => self.binary(*op, left, right, span),
            ExprKind::If {
                branches,
                otherwise,
            } => self.if_expr(branches, otherwise, span),
            ExprKind::Call { name, args } => self.call(name, args, span),
            ExprKind::Because(condition, reasons) => self.because(condition, reasons, span),
            ExprKind::Remainder => {
                if self.remainder {
                    Ir {
                        kind: IrKind::Local(crate::program::REMAINDER_SLOT),
                        ty: self.locals[crate::program::REMAINDER_SLOT].1,
                        span,
                    }
                } else {
                    let d = Diagnostic::error(
                        Code::BadAllocation,
                        "`remainder` means what is left to allocate, so it can be used only in an allocation's tranches",
                    )
                    .at(span, "outside an allocation")
                    .help("use `allocated \"label\"` to read a tranche from a rule");
                    self.fail(d, span)
                }
            }
            ExprKind::Allocated { label, member } => self.allocated(label, member.as_ref(), span),
            ExprKind::LossBorne(by) => self.loss_borne(by, span),
            ExprKind::Aggregate {
                kind,
                value,
                who,
                var,
                filter,
            } => self.aggregate(*kind, *who, value.as_deref(), var, filter.as_deref(), span),
        }
    }

    // ------------------------------------------------------------- names

    fn visible_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.locals.iter().map(|(n, _)| n.clone()).collect();
        names.extend(self.example_members.iter().cloned());
        names.extend(self.checker.globals.keys().cloned());
        names.extend(
            builtins::BUILTINS
                .iter()
                .filter(|b| matches!(b.form, Form::Today))
                .map(|b| b.name.to_string()),
        );
        names.sort();
        names.dedup();
        names
    }

    fn unknown_name(&mut self, id: &ast::Ident) -> Ir {
        if let Some((_, row)) = builtins::called(&id.name) {
            let d = Diagnostic::error(
                Code::WrongKind,
                format!("`{}` is a built-in function, not a value", id.name),
            )
            .at(id.span, "used without its arguments")
            .help(row.usage);
            return self.fail(d, id.span);
        }
        let names = self.visible_names();
        let mut d = Diagnostic::error(Code::UnknownName, format!("unknown name `{}`", id.name))
            .at(id.span, "not defined");
        d = d.help(
            match suggest::did_you_mean(&id.name, names.iter().map(String::as_str)) {
                Some(s) => s,
                None => "define it as a parameter or a rule, or check the spelling".into(),
            },
        );
        self.fail(d, id.span)
    }

    fn name(&mut self, id: &ast::Ident) -> Ir {
        let span = id.span;
        if let Some(slot) = self.locals.iter().rposition(|(n, _)| *n == id.name) {
            return Ir {
                kind: IrKind::Local(slot),
                ty: self.locals[slot].1,
                span,
            };
        }
        if let Some(i) = self.example_members.iter().position(|n| *n == id.name) {
            return Ir {
                kind: IrKind::Const(Value::Member(i as u32)),
                ty: Type::Member,
                span,
            };
        }
        match self.checker.globals.get(&id.name).map(|(g, _)| *g) {
            Some(Global::Param(p)) => Ir {
                kind: IrKind::Param(p),
                ty: self.narrowed(&id.name, self.checker.params[p].ty),
                span,
            },
            Some(Global::Rule(r)) => {
                let arity = self.checker.signatures[r].params.len();
                if arity > 0 {
                    let d = Diagnostic::error(
                        Code::ArgumentCount,
                        format!("the rule `{}` needs {}", id.name, count_args(arity)),
                    )
                    .at(span, "used without its arguments")
                    .help(format!(
                        "write `{}({})`",
                        id.name,
                        self.param_list(r)
                    ));
                    return self.fail(d, span);
                }
                Ir {
                    kind: IrKind::Call {
                        rule: r,
                        args: Vec::new(),
                    },
                    ty: self.rule_result(r),
                    span,
                }
            }
            Some(Global::Variant(e, v)) => Ir {
                kind: IrKind::Const(Value::Enum(v)),
                ty: Type::Enum(e),
                span,
            },
            Some(other @ (Global::Limit(_) | Global::Resolution(_))) => {
                let help = match other {
                    Global::Resolution(_) => {
                        let queries: Vec<String> = builtins::vote_queries()
                            .map(|q| format!("`{q}({})`", id.name))
                            .collect();
                        format!("ask about its vote with {}", join_or(&queries))
                    }
                    _ => "a limit is checked on its own; it has no value to use in a rule"
                        .to_string(),
                };
                let d = Diagnostic::error(
                    Code::WrongKind,
                    format!("`{}` is {}, not a value", id.name, other.describe()),
                )
                .at(span, "not a value")
                .help(help);
                self.fail(d, span)
            }
            None => match builtins::value(&id.name) {
                Some(row) => Ir {
                    kind: IrKind::Today,
                    ty: (row.result)(Type::Error, None),
                    span,
                },
                None => self.unknown_name(id),
            },
        }
    }

    fn param_list(&self, rule: usize) -> String {
        self.checker.signatures[rule]
            .params
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn rule_result(&self, rule: usize) -> Type {
        let sig = &self.checker.signatures[rule];
        sig.result.or(sig.declared).unwrap_or(Type::Error)
    }

    fn attribute(&mut self, member: &ast::Ident, attr: &ast::Ident, span: Span) -> Ir {
        let known = self.locals.iter().any(|(n, _)| *n == member.name)
            || self.example_members.contains(&member.name)
            || self.checker.globals.contains_key(&member.name);
        if let (false, true, Some(rule)) = (known, self.locals.is_empty(), &self.rule) {
            // `rule adult = m.age >= 18`: the member was never introduced.
            let d = Diagnostic::error(Code::UnknownName, format!("unknown name `{}`", member.name))
                .at(member.span, "not defined in this rule")
                .help(format!(
                    "a rule about a member takes it in brackets after its name: `rule {rule}({m}) = {m}.{a} ...`, used as `{rule}(ada)`",
                    m = member.name,
                    a = attr.name
                ));
            return self.fail(d, span);
        }
        let target = self.name(member);
        match target.ty {
            Type::Error => return error_node(span),
            Type::Member => {}
            other => {
                let d = Diagnostic::error(
                    Code::WrongKind,
                    format!(
                        "`{}` is {}, and only members have attributes",
                        member.name,
                        other.plain(self.units())
                    ),
                )
                .at(member.span, format!("{} here", other.plain(self.units())))
                .help(
                    "write `m.attribute` where `m` is a member, such as a rule's member parameter",
                );
                return self.fail(d, span);
            }
        }
        match self
            .checker
            .member_attrs
            .iter()
            .position(|a| a.name == attr.name)
        {
            Some(i) => Ir {
                kind: IrKind::Attr {
                    member: Box::new(target),
                    attr: i,
                },
                ty: self.narrowed(
                    &format!("{}.{}", member.name, attr.name),
                    self.checker.member_attrs[i].ty,
                ),
                span,
            },
            None => {
                let names: Vec<&str> = self
                    .checker
                    .member_attrs
                    .iter()
                    .map(|a| a.name.as_str())
                    .collect();
                let help = suggest::did_you_mean(&attr.name, names.iter().copied())
                    .unwrap_or_else(|| format!("the member schema declares: {}", names.join(", ")));
                let d = Diagnostic::error(
                    Code::UnknownAttribute,
                    format!("members have no attribute `{}`", attr.name),
                )
                .at(attr.span, "not in the member schema")
                .help(help);
                self.fail(d, span)
            }
        }
    }

    fn period(&mut self, field: &ast::Ident, span: Span) -> Ir {
        match self
            .checker
            .period_fields
            .iter()
            .position(|f| f.name == field.name)
        {
            Some(i) => Ir {
                kind: IrKind::Period(i),
                ty: self.checker.period_fields[i].ty,
                span,
            },
            // The period's own dates, unless the schema takes the names.
            None if field.name == "start" || field.name == "end" => Ir {
                kind: IrKind::PeriodBound(field.name == "end"),
                ty: Type::Date,
                span,
            },
            None => {
                let names: Vec<&str> = self
                    .checker
                    .period_fields
                    .iter()
                    .map(|a| a.name.as_str())
                    .collect();
                let help = suggest::did_you_mean(&field.name, names.iter().copied())
                    .unwrap_or_else(|| {
                        if names.is_empty() {
                            "declare the period's figures in a `period { ... }` block".into()
                        } else {
                            format!("the period schema declares: {}", names.join(", "))
                        }
                    });
                let d = Diagnostic::error(
                    Code::UnknownAttribute,
                    format!("the period has no figure `{}`", field.name),
                )
                .at(field.span, "not in the period schema")
                .help(help);
                self.fail(d, span)
            }
        }
    }

    // --------------------------------------------------------- operators

    fn unary(&mut self, op: UnaryOp, operand: &ast::Expr, span: Span) -> Ir {
        let inner = self.expr(operand);
        match op {
            UnaryOp::Neg => {
                if !(inner.ty.is_numeric() || inner.ty == Type::Error) {
                    let d = Diagnostic::error(
                        Code::BadArithmetic,
                        format!("{} cannot be negative", inner.ty.plain(self.units())),
                    )
                    .at(
                        operand.span,
                        format!("{} here", inner.ty.plain(self.units())),
                    )
                    .help("only numbers, percentages and money have a minus sign");
                    return self.fail(d, span);
                }
                Ir {
                    ty: inner.ty,
                    kind: IrKind::Neg(Box::new(inner)),
                    span,
                }
            }
            UnaryOp::Not => {
                if !inner.ty.fits(Type::Bool) {
                    let d = Diagnostic::error(
                        Code::TypeMismatch,
                        format!(
                            "`not` needs a yes/no condition, but this is {}",
                            inner.ty.plain(self.units())
                        ),
                    )
                    .at(
                        operand.span,
                        format!("{} here", inner.ty.plain(self.units())),
                    )
                    .help("`not` turns a condition around, as in `not m.suspended`");
                    return self.fail(d, span);
                }
                Ir {
                    kind: IrKind::Not(Box::new(inner)),
                    ty: Type::Bool,
                    span,
                }
            }
        }
    }

    fn binary(&mut self, op: BinaryOp, left: &ast::Expr, right: &ast::Expr, span: Span) -> Ir {
        let l = self.expr(left);
        // The right of `and` runs only when the left holds, of `or` only
        // when it fails: what the left proves present is there.
        let mut proved = Vec::new();
        match op {
            BinaryOp::And => super::narrow::present_when_true(left, &mut proved),
            BinaryOp::Or => super::narrow::present_when_false(left, &mut proved),
            _ => {}
        }
        let r = self.expr_given(right, proved);
        match op {
            BinaryOp::And | BinaryOp::Or | BinaryOp::ExceptWhen => {
                for (side, node) in [(left, &l), (right, &r)] {
                    if !node.ty.fits(Type::Bool) {
                        let d = Diagnostic::error(
                            Code::TypeMismatch,
                            format!(
                                "`{}` joins yes/no conditions, but this is {}",
                                op.as_str(),
                                node.ty.plain(self.units())
                            ),
                        )
                        .at(side.span, format!("{} here", node.ty.plain(self.units())))
                        .help(if op == BinaryOp::ExceptWhen {
                            "write `CONDITION except when EXCEPTION`, such as `m.age >= 16 except when m.apprentice`; to give another value, write the exception on the rule: `rule r(m): Money = £10 except when m.age < 18 then £0`"
                        } else {
                            "make each side a condition, such as `m.age >= 16`"
                        });
                        return self.fail(d, span);
                    }
                }
                if op == BinaryOp::Or {
                    self.reason_of_one_side(left, right, span);
                }
                let (l, r) = (Box::new(l), Box::new(r));
                let kind = match op {
                    BinaryOp::And => IrKind::And(l, r),
                    BinaryOp::Or => IrKind::Or(l, r),
                    _ => waived(l, *r),
                };
                Ir {
                    kind,
                    ty: Type::Bool,
                    span,
                }
            }
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div => {
                let (mut l, mut r) = (l, r);
                if let Some(d) = self.align_time(op, &mut l, &mut r, span) {
                    return self.fail(*d, span);
                }
                let names = (snippet(left), snippet(right));
                match types::arithmetic(
                    op,
                    l.ty,
                    r.ty,
                    (names.0.as_deref(), names.1.as_deref()),
                    self.units(),
                ) {
                    Ok(ty) => {
                        let arith = match op {
                            BinaryOp::Add => ArithOp::Add,
                            BinaryOp::Sub => ArithOp::Sub,
                            BinaryOp::Mul => ArithOp::Mul,
                            _ => ArithOp::Div,
                        };
                        Ir {
                            kind: IrKind::Arith(arith, Box::new(l), Box::new(r)),
                            ty,
                            span,
                        }
                    }
                    Err(e) => {
                        let code = match e.kind {
                            types::Mismatch::Currency => Code::CurrencyMismatch,
                            types::Mismatch::Units => Code::UnitMismatch,
                            types::Mismatch::RateUnit => Code::RateUnit,
                            types::Mismatch::General => Code::BadArithmetic,
                        };
                        let d = Diagnostic::error(code, e.message)
                            .at(
                                span,
                                format!(
                                    "{} {} {}",
                                    l.ty.plain(self.units()),
                                    op.as_str(),
                                    r.ty.plain(self.units())
                                ),
                            )
                            .help(e.help);
                        self.fail(d, span)
                    }
                }
            }
            _ => {
                let (mut l, mut r) = (l, r);
                match self.align_time(op, &mut l, &mut r, span) {
                    Some(d) => self.fail(*d, span),
                    None => self.comparison(op, l, r, span),
                }
            }
        }
    }

    /// Converts one side in place where only their units of time differ
    /// (`super::time_units`); the diagnostic where they cannot be. Kept
    /// out of line: `binary` recurses once per operator of a chain, and
    /// its frame stays small.
    #[inline(never)]
    fn align_time(
        &mut self,
        op: BinaryOp,
        l: &mut Ir,
        r: &mut Ir,
        span: Span,
    ) -> Option<Box<Diagnostic>> {
        if !super::time_units::has_time(l, self.units())
            && !super::time_units::has_time(r, self.units())
        {
            return None;
        }
        let placeholder = || error_node(span);
        let (a, b) = (
            std::mem::replace(l, placeholder()),
            std::mem::replace(r, placeholder()),
        );
        match super::time_units::align(a, b, op, self.units(), span) {
            super::time_units::Aligned::AsIs(a, b)
            | super::time_units::Aligned::Converted(a, b) => {
                *l = a;
                *r = b;
                None
            }
            super::time_units::Aligned::Refused(d) => Some(Box::new(d)),
        }
    }

    fn comparison(&mut self, op: BinaryOp, l: Ir, r: Ir, span: Span) -> Ir {
        let cmp = match op {
            BinaryOp::Eq => CompareOp::Eq,
            BinaryOp::Ne => CompareOp::Ne,
            BinaryOp::Lt => CompareOp::Lt,
            BinaryOp::Le => CompareOp::Le,
            BinaryOp::Gt => CompareOp::Gt,
            _ => CompareOp::Ge,
        };
        let label = format!(
            "{} {} {}",
            l.ty.plain(self.units()),
            op.as_str(),
            r.ty.plain(self.units())
        );
        if let (Type::Money(a), Type::Money(b)) = (l.ty, r.ty) {
            if a != b {
                let d = Diagnostic::error(
                    Code::CurrencyMismatch,
                    format!("this compares money in {a} with money in {b}"),
                )
                .at(span, label)
                .help("amounts in different currencies cannot be compared; convert one of them with an exchange-rate parameter first");
                return self.fail(d, span);
            }
        }
        let Some(common) = Type::unify(l.ty, r.ty) else {
            let help = match (l.ty, r.ty) {
                (Type::Percent, Type::Integer | Type::Decimal)
                | (Type::Integer | Type::Decimal, Type::Percent) => {
                    "write the number as a percentage, such as `50%` for one half".to_string()
                }
                (Type::Money(c), Type::Integer | Type::Decimal)
                | (Type::Integer | Type::Decimal, Type::Money(c)) => format!(
                    "write the number as money, such as `{}`",
                    c.symbol()
                        .map_or_else(|| format!("5.00 {}", c.code()), |s| format!("{s}5.00"))
                ),
                _ => "compare values of the same kind".to_string(),
            };
            let d = Diagnostic::error(
                Code::BadComparison,
                format!(
                    "{} cannot be compared with {}",
                    l.ty.plain(self.units()),
                    r.ty.plain(self.units())
                ),
            )
            .at(span, label)
            .help(help);
            return self.fail(d, span);
        };
        let ordering = !matches!(cmp, CompareOp::Eq | CompareOp::Ne);
        if ordering && !(common.is_numeric() || common == Type::Date || common == Type::Error) {
            let d = Diagnostic::error(
                Code::BadComparison,
                format!(
                    "{} cannot be larger or smaller than another",
                    common.plain(self.units())
                ),
            )
            .at(span, label)
            .help("only numbers, percentages, money and dates can be ordered; use `=` or `!=`");
            return self.fail(d, span);
        }
        Ir {
            kind: IrKind::Compare(cmp, Box::new(l), Box::new(r)),
            ty: Type::Bool,
            span,
        }
    }

    pub(super) fn condition_of(&mut self, e: &ast::Expr, what: &str) -> Ir {
        let c = self.expr(e);
        if !c.ty.fits(Type::Bool) {
            let d = Diagnostic::error(
                Code::TypeMismatch,
                format!(
                    "{what} must be a yes/no condition, but this is {}",
                    c.ty.plain(self.units())
                ),
            )
            .at(e.span, format!("{} here", c.ty.plain(self.units())))
            .help("write a condition, such as `m.age >= 16`");
            return self.fail(d, e.span);
        }
        c
    }

    fn if_expr(
        &mut self,
        branches: &[(ast::Expr, ast::Expr)],
        otherwise: &ast::Expr,
        span: Span,
    ) -> Ir {
        let mut lowered = Vec::with_capacity(branches.len());
        let mut ty = Type::Error;
        let mut first_span: Option<Span> = None;
        let mut mismatch = false;
        // A branch is reached when its condition holds and every earlier
        // one failed: what those prove present is there.
        let before = self.present.len();
        for (c, v) in branches {
            let cond = self.condition_of(c, "the condition of an `if`");
            let mut proved = Vec::new();
            super::narrow::present_when_true(c, &mut proved);
            let value = self.expr_given(v, proved);
            ty = self.join_branch(ty, &value, v.span, &mut first_span, &mut mismatch);
            lowered.push((cond, value));
            let mut failed = Vec::new();
            super::narrow::present_when_false(c, &mut failed);
            self.present.extend(failed);
        }
        let other = self.expr(otherwise);
        self.present.truncate(before);
        ty = self.join_branch(ty, &other, otherwise.span, &mut first_span, &mut mismatch);
        if mismatch {
            return error_node(span);
        }
        Ir {
            kind: IrKind::If {
                branches: lowered,
                otherwise: Box::new(other),
            },
            ty,
            span,
        }
    }

    fn join_branch(
        &mut self,
        so_far: Type,
        value: &Ir,
        value_span: Span,
        first_span: &mut Option<Span>,
        mismatch: &mut bool,
    ) -> Type {
        let Some(first) = *first_span else {
            *first_span = Some(value_span);
            return value.ty;
        };
        match Type::unify(so_far, value.ty) {
            Some(t) => t,
            None => {
                if !*mismatch {
                    self.report(
                        Diagnostic::error(
                            Code::TypeMismatch,
                            format!(
                                "the branches of this `if` give different kinds of value: {} and {}",
                                so_far.plain(self.units()),
                                value.ty.plain(self.units())
                            ),
                        )
                        .at(value_span, format!("{} here", value.ty.plain(self.units())))
                        .related(first, format!("{} here", so_far.plain(self.units())))
                        .help("every branch of an `if` must give the same kind of value"),
                    );
                }
                *mismatch = true;
                so_far
            }
        }
    }

    // ------------------------------------------------------------- calls

    fn call(&mut self, name: &ast::Ident, args: &[Argument], span: Span) -> Ir {
        // A rulebook's own name comes first. Only `today` can be both: every
        // other built-in name is reserved.
        if !self.checker.globals.contains_key(&name.name) {
            return match builtins::called(&name.name) {
                Some((id, row)) => self.builtin_call(name, id, row, args, span),
                None => self.unknown_function(name, span),
            };
        }
        match self.plain_values(name, args, span) {
            Some(values) => self.rule_call(name, values, span),
            None => error_node(span),
        }
    }

    /// The arguments of a call that takes plain values only (every call but
    /// `round`'s), reporting a rounding step or mode given to it.
    fn plain_values(
        &mut self,
        name: &ast::Ident,
        args: &[Argument],
        span: Span,
    ) -> Option<Vec<(Ir, Span)>> {
        let mut values = Vec::with_capacity(args.len());
        for arg in args {
            match arg {
                Argument::Expr(e) => values.push((self.expr(e), e.span)),
                Argument::Step(_, s) | Argument::Mode(_, s) => {
                    let d = Diagnostic::error(
                        Code::BadRounding,
                        format!("`{}` takes no rounding step or mode", name.name),
                    )
                    .at(*s, "only `round` takes this")
                    .help("write `round(value, to 0.01, half up)` to round");
                    self.fail(d, span);
                    return None;
                }
            }
        }
        Some(values)
    }

    /// A call of a built-in, as its row of the table says.
    fn builtin_call(
        &mut self,
        name: &ast::Ident,
        id: BuiltinId,
        row: &'static Builtin,
        args: &[Argument],
        span: Span,
    ) -> Ir {
        match &row.form {
            Form::Function(f) if f.arguments == Arguments::Rounded => {
                self.round(id, row, args, span)
            }
            Form::Function(f) => match self.plain_values(name, args, span) {
                Some(values) => self.function(name, id, row, f, values, span),
                None => error_node(span),
            },
            Form::Vote(query) => self.resolution_query(name, row, *query, args, span),
            Form::DaysMember => match self.plain_values(name, args, span) {
                Some(values) => match <[(Ir, Span); 1]>::try_from(values) {
                    Ok([(member, _)]) if member.ty == Type::Member => Ir {
                        kind: IrKind::DaysMember(Box::new(member)),
                        ty: Type::Integer,
                        span,
                    },
                    Ok([(other, _)]) if other.ty == Type::Error => error_node(span),
                    _ => {
                        let d = Diagnostic::error(
                            Code::TypeMismatch,
                            format!("`{}` needs {}", name.name, row.takes),
                        )
                        .at(span, "not one member")
                        .help(row.usage);
                        self.fail(d, span)
                    }
                },
                None => error_node(span),
            },
            Form::Accrued => match self.plain_values(name, args, span) {
                Some(values) => self.accrued(name, row, values, span),
                None => error_node(span),
            },
            Form::DaysHeld => match self.plain_values(name, args, span) {
                Some(values) => self.days_held(name, row, values, span),
                None => error_node(span),
            },
            Form::Aggregate(_) => {
                let d = Diagnostic::error(
                    Code::BadAggregate,
                    format!(
                        "`{}` is an aggregate over the members, not a function of values",
                        name.name
                    ),
                )
                .at(span, "not written over the members")
                .help(row.usage);
                self.fail(d, span)
            }
            Form::Today => {
                let d = Diagnostic::error(
                    Code::WrongKind,
                    format!("`{}` is {}, not a function", name.name, row.doc),
                )
                .at(name.span, "cannot be called")
                .help(row.usage);
                self.fail(d, span)
            }
        }
    }

    /// `accrued(m.shares, capital_interest)`: a member's attribute and a
    /// rate parameter per a unit of time, both followed day by day.
    fn accrued(
        &mut self,
        name: &ast::Ident,
        row: &'static Builtin,
        values: Vec<(Ir, Span)>,
        span: Span,
    ) -> Ir {
        let bad = |message: String, at: Span, label: &str| {
            Diagnostic::error(Code::BadAccrual, message)
                .at(at, label.to_string())
                .help(row.usage)
        };
        let [(figure, figure_at), (rate, rate_at)] = match self.exactly(name, row, values, span) {
            Ok(args) => args,
            Err(node) => return node,
        };
        let IrKind::Attr { member, attr } = figure.kind else {
            if figure.ty == Type::Error {
                return error_node(span);
            }
            let d = bad(
                "`accrued` follows a member's figure day by day: its first argument is an attribute such as `m.shares`".into(),
                figure_at,
                "not a member's attribute",
            );
            return self.fail(d, span);
        };
        let IrKind::Param(p) = rate.kind else {
            if rate.ty == Type::Error {
                return error_node(span);
            }
            let d = bad(
                "the rate of `accrued` must be a parameter, so its value on each day is known"
                    .into(),
                rate_at,
                "not a parameter",
            );
            return self.fail(d, span);
        };
        let units = self.units();
        let time = rate.ty.dim().and_then(|d| {
            let mut t = d.time_units(units);
            match (t.next(), t.next()) {
                (Some((_, unit, -1)), None) => Some((unit, d.without_time(units))),
                _ => None,
            }
        });
        let Some((unit, _)) = time.filter(|(_, d)| *d == crate::units::Dim::PERCENT) else {
            let d = bad(
                format!(
                    "the rate of `accrued` must be a percentage per a unit of time, but `{}` is {}",
                    self.checker.params.get(p).map_or("?", |d| d.name.as_str()),
                    rate.ty.plain(units)
                ),
                rate_at,
                "not a percentage per year, month, quarter, week or day",
            );
            return self.fail(d, span);
        };
        let held = figure.ty;
        if !held.is_numeric() {
            let d = bad(
                format!(
                    "`accrued` counts a number or money, but this is {}",
                    held.plain(units)
                ),
                figure_at,
                "not a number",
            );
            return self.fail(d, span);
        }
        if unit.group() == crate::units::TimeGroup::Months && self.checker.day_count.is_none() {
            let d = Diagnostic::error(
                Code::NoDayCount,
                format!("`accrued` counts days at a rate per {unit}, but the rulebook names no day count"),
            )
            .at(span, "which day count?")
            .related(self.checker.header_span, "the header, where it is named")
            .help("add `day count actual/365` or `day count actual/actual` to the rulebook's header, under its first line");
            return self.fail(d, span);
        }
        let slot = self.history_slot(attr);
        if !self.checker.accrual_rates.contains(&p) {
            self.checker.accrual_rates.push(p);
        }
        Ir {
            kind: IrKind::Accrued {
                member,
                attr,
                slot,
                rate: p,
                unit,
            },
            ty: held,
            span,
        }
    }

    /// A built-in's `N` arguments, or E0205 (as the error node to return)
    /// when it is given another number.
    fn exactly<const N: usize>(
        &mut self,
        name: &ast::Ident,
        row: &'static Builtin,
        values: Vec<(Ir, Span)>,
        span: Span,
    ) -> Result<[(Ir, Span); N], Ir> {
        let given = values.len();
        <[(Ir, Span); N]>::try_from(values).map_err(|_| {
            let got = count_args(given);
            let d = Diagnostic::error(
                Code::ArgumentCount,
                format!(
                    "`{}` needs {}, but is given {got}",
                    name.name,
                    count_args(N)
                ),
            )
            .at(span, format!("{got} given"))
            .help(row.usage);
            self.fail(d, span)
        })
    }

    /// The slot of the history the engine keeps of a member attribute that
    /// `accrued` or `days_held` follows day by day (one per attribute).
    fn history_slot(&mut self, attr: usize) -> usize {
        match self.checker.histories.iter().position(|a| *a == attr) {
            Some(slot) => slot,
            None => {
                self.checker.histories.push(attr);
                self.checker.histories.len() - 1
            }
        }
    }

    /// `days_held(m.shares)`: a member's numeric attribute, followed day by
    /// day; the days it was above zero.
    fn days_held(
        &mut self,
        name: &ast::Ident,
        row: &'static Builtin,
        values: Vec<(Ir, Span)>,
        span: Span,
    ) -> Ir {
        let [(figure, figure_at)] = match self.exactly(name, row, values, span) {
            Ok(args) => args,
            Err(node) => return node,
        };
        if figure.ty == Type::Error {
            return error_node(span);
        }
        let (IrKind::Attr { member, attr }, true) = (figure.kind, figure.ty.is_numeric()) else {
            let d = Diagnostic::error(
                Code::BadAccrual,
                "`days_held` follows a member's figure day by day: its argument is a numeric attribute such as `m.shares`",
            )
            .at(figure_at, "not a member's number or money")
            .help(row.usage);
            return self.fail(d, span);
        };
        let slot = self.history_slot(attr);
        Ir {
            kind: IrKind::DaysHeld { member, attr, slot },
            ty: Type::Integer,
            span,
        }
    }

    fn unknown_function(&mut self, name: &ast::Ident, span: Span) -> Ir {
        let mut candidates: Vec<String> = self
            .checker
            .globals
            .iter()
            .filter(|(_, (g, _))| matches!(g, Global::Rule(_)))
            .map(|(n, _)| n.clone())
            .collect();
        candidates.extend(
            builtins::BUILTINS
                .iter()
                .filter(|b| !matches!(b.form, Form::Today))
                .map(|b| b.name.to_string()),
        );
        candidates.sort();
        candidates.dedup();
        let help = suggest::did_you_mean(&name.name, candidates.iter().map(String::as_str))
            .unwrap_or_else(|| {
                let functions: Vec<String> = builtins::BUILTINS
                    .iter()
                    .filter(|b| {
                        matches!(
                            b.form,
                            Form::Function(_)
                                | Form::Vote(_)
                                | Form::Accrued
                                | Form::DaysMember
                                | Form::DaysHeld
                        )
                    })
                    .map(|b| b.name.to_string())
                    .collect();
                format!(
                    "the functions are {}, and the rulebook's rules",
                    join_and(&functions)
                )
            });
        let d = Diagnostic::error(
            Code::UnknownFunction,
            format!("there is no rule or function `{}`", name.name),
        )
        .at(name.span, "unknown")
        .help(help);
        self.fail(d, span)
    }

    /// A call of a function of values: its count, one kind of value across
    /// its arguments, and a kind the function takes.
    fn function(
        &mut self,
        name: &ast::Ident,
        id: BuiltinId,
        row: &'static Builtin,
        f: &Function,
        values: Vec<(Ir, Span)>,
        span: Span,
    ) -> Ir {
        let Some(((first, _), rest)) = values
            .split_first()
            .filter(|_| f.arguments.allows(values.len()))
        else {
            let got = count_args(values.len());
            let d = Diagnostic::error(
                Code::ArgumentCount,
                format!(
                    "`{}` needs {}, but is given {got}",
                    name.name,
                    f.arguments.needs()
                ),
            )
            .at(span, format!("{got} given"))
            .help(row.usage);
            return self.fail(d, span);
        };
        let mut ty = first.ty;
        for (v, vs) in rest {
            match Type::unify(ty, v.ty) {
                Some(t) => ty = t,
                None => {
                    let d = Diagnostic::error(
                        Code::TypeMismatch,
                        format!(
                            "`{}` compares values of one kind, but is given {} and {}",
                            name.name,
                            ty.plain(self.units()),
                            v.ty.plain(self.units())
                        ),
                    )
                    .at(*vs, format!("{} here", v.ty.plain(self.units())))
                    .help("give every argument the same kind of value");
                    return self.fail(d, span);
                }
            }
        }
        if ty != Type::Error && !(row.accepts)(ty) {
            // One argument is pointed at; several at once, the whole call.
            let at = match values.as_slice() {
                [(_, vs)] => *vs,
                _ => span,
            };
            let d = Diagnostic::error(
                Code::TypeMismatch,
                format!(
                    "`{}` needs {}, but is given {}",
                    name.name,
                    row.takes,
                    ty.plain(self.units())
                ),
            )
            .at(at, format!("{} here", ty.plain(self.units())))
            .help(format!("`{}` gives {}", row.call, row.doc));
            return self.fail(d, span);
        }
        let mut args: Vec<Ir> = values.into_iter().map(|(v, _)| v).collect();
        let mut result = (row.result)(ty, None);
        if f.counts_days {
            // Days become years under the rulebook's day count, passed as
            // one more argument (its row in `DAY_COUNTS`); the value is a
            // quantity in years, so a rate per year times it is an amount.
            let Some(day_count) = self.checker.day_count else {
                let d = Diagnostic::error(
                    Code::NoDayCount,
                    format!("`{}` counts days as years, but the rulebook names no day count", name.name),
                )
                .at(span, "which day count?")
                .related(self.checker.header_span, "the header, where it is named")
                .help("add `day count actual/365` or `day count actual/actual` to the rulebook's header, under its first line");
                return self.fail(d, span);
            };
            args.push(Ir {
                kind: IrKind::Const(Value::Number(Decimal::from(day_count.index()))),
                ty: Type::Integer,
                span,
            });
            result = self
                .units()
                .time_id(crate::units::TimeUnit::Year)
                .map_or(Type::Error, |year| {
                    Type::Measure(crate::units::Dim::unit(year))
                });
        }
        Ir {
            kind: IrKind::Builtin {
                builtin: id,
                args,
                rounding: None,
            },
            ty: result,
            span,
        }
    }

    fn rule_call(&mut self, name: &ast::Ident, values: Vec<(Ir, Span)>, span: Span) -> Ir {
        let rule = match self.checker.globals.get(&name.name).map(|(g, _)| *g) {
            Some(Global::Rule(r)) => r,
            Some(other) => {
                let d = Diagnostic::error(
                    Code::WrongKind,
                    format!(
                        "`{}` is {}, not a rule, so it takes no arguments",
                        name.name,
                        other.describe()
                    ),
                )
                .at(name.span, "cannot be called")
                .help(format!("write `{}` without brackets", name.name));
                return self.fail(d, span);
            }
            None => return self.unknown_function(name, span),
        };
        let params = self.checker.signatures[rule].params.clone();
        if params.len() != values.len() {
            let d = Diagnostic::error(
                Code::ArgumentCount,
                format!(
                    "the rule `{}` needs {}, but is given {}",
                    name.name,
                    count_args(params.len()),
                    count_args(values.len())
                ),
            )
            .at(span, format!("{} given", count_args(values.len())))
            .help(format!("write `{}({})`", name.name, self.param_list(rule)));
            return self.fail(d, span);
        }
        let mut args = Vec::with_capacity(values.len());
        let mut failed = false;
        for ((param, ty), (value, vs)) in params.iter().zip(values) {
            // `rent_for(2 weeks)` for a `span: day`: converted exactly.
            let value = match super::time_units::coerce(value, *ty, self.units()) {
                Ok(v) => v,
                Err(d) => {
                    self.report(d);
                    failed = true;
                    continue;
                }
            };
            if !value.ty.fits(*ty) {
                let d = Diagnostic::error(
                    if matches!((value.ty, ty), (Type::Money(_), Type::Money(_))) {
                        Code::CurrencyMismatch
                    } else {
                        Code::TypeMismatch
                    },
                    format!(
                        "the rule `{}` needs {} for `{param}`, but is given {}",
                        name.name,
                        ty.plain(self.units()),
                        value.ty.plain(self.units())
                    ),
                )
                .at(vs, format!("{} here", value.ty.plain(self.units())))
                .help(format!("give `{param}` {}", ty.plain(self.units())));
                self.report(d);
                failed = true;
            }
            args.push(value);
        }
        if failed {
            return error_node(span);
        }
        Ir {
            kind: IrKind::Call { rule, args },
            ty: self.rule_result(rule),
            span,
        }
    }

    fn round(&mut self, id: BuiltinId, row: &'static Builtin, args: &[Argument], span: Span) -> Ir {
        let (value, step, mode) = match args {
            [
                Argument::Expr(v),
                Argument::Step(s, _),
                Argument::Mode(m, _),
            ] => (v, s, *m),
            _ => {
                let missing_mode = !args.iter().any(|a| matches!(a, Argument::Mode(..)));
                let d = Diagnostic::error(
                    Code::BadRounding,
                    if missing_mode {
                        "`round` needs a rounding mode: rounding is always explicit"
                    } else {
                        "`round` takes a value, a step and a mode, in that order"
                    },
                )
                .at(span, "incomplete rounding")
                .help(row.usage);
                return self.fail(d, span);
            }
        };
        let v = self.expr(value);
        if v.ty == Type::Error {
            return error_node(span);
        }
        if !(row.accepts)(v.ty) {
            let d = Diagnostic::error(
                Code::BadRounding,
                format!(
                    "only {} can be rounded, not {}",
                    row.takes,
                    v.ty.plain(self.units())
                ),
            )
            .at(value.span, format!("{} here", v.ty.plain(self.units())))
            .help("round an amount, such as `round(price, to 0.01, half up)`");
            return self.fail(d, span);
        }
        // The step is a constant in the value's own unit.
        let step_value = match &step.kind {
            ExprKind::Literal(lit) => match (lit, v.ty) {
                (
                    ast::Literal::Integer(d) | ast::Literal::Decimal(d),
                    Type::Money(_) | Type::Integer | Type::Decimal | Type::Measure(_),
                ) => Some(*d),
                (ast::Literal::Money { amount, currency }, Type::Money(c))
                    if currency == c.code() =>
                {
                    Some(*amount)
                }
                (ast::Literal::Percent(d), Type::Percent) => Some(*d),
                _ => None,
            },
            _ => None,
        };
        let Some(step_value) = step_value else {
            let example = match v.ty {
                Type::Percent => "`to 0.1%`",
                Type::Money(_) => "`to 0.01` (a penny) or `to 0.05`",
                _ => "`to 0.01` or `to 1`",
            };
            let d = Diagnostic::error(
                Code::BadRounding,
                format!(
                    "the step of `round` must be a constant that fits {}",
                    v.ty.plain(self.units())
                ),
            )
            .at(step.span, "not a usable step")
            .help(format!("write the step as a constant, such as {example}"));
            return self.fail(d, span);
        };
        if step_value <= Decimal::ZERO {
            let d = Diagnostic::error(
                Code::BadRounding,
                "the step of `round` must be more than zero",
            )
            .at(step.span, "not positive")
            .help("round to a positive step, such as `to 0.01`");
            return self.fail(d, span);
        }
        let rounding = Rounding {
            step: step_value,
            mode,
        };
        Ir {
            ty: (row.result)(v.ty, Some(rounding)),
            kind: IrKind::Builtin {
                builtin: id,
                args: vec![v],
                rounding: Some(rounding),
            },
            span,
        }
    }

    // -------------------------------------------------------- aggregates

    #[allow(clippy::too_many_arguments)]
    fn aggregate(
        &mut self,
        kind: AggregateKind,
        who: ast::Who,
        value: Option<&ast::Expr>,
        var: &ast::Ident,
        filter: Option<&ast::Expr>,
        span: Span,
    ) -> Ir {
        if let Some(d) = self.name_taken(var) {
            return self.fail(d, span);
        }
        let slot = self.locals.len();
        self.locals.push((var.name.clone(), Type::Member));
        self.frame_size = self.frame_size.max(self.locals.len());
        let filter_ir = filter.map(|f| self.condition_of(f, "the `where` filter"));
        let value_ir = value.map(|v| self.expr(v));
        self.locals.pop();

        let Some((row, each)) = builtins::aggregate(kind) else {
            let d = internal("an aggregate without its row in the table", span);
            return self.fail(*d, span);
        };
        let value_ty = value_ir.as_ref().map(|v| v.ty);
        let ty = match (each.value, value_ty) {
            (_, Some(Type::Error)) => Type::Error,
            (EachValue::None, Some(_)) => {
                let d = Diagnostic::error(
                    Code::BadAggregate,
                    format!("`{}` counts members and takes no value", row.name),
                )
                .at(span, format!("value given to {}", row.name))
                .help(row.usage);
                return self.fail(d, span);
            }
            (EachValue::Required, None) => {
                let d = Diagnostic::error(
                    Code::BadAggregate,
                    format!("`{}` needs a value for each member", row.name),
                )
                .at(span, "no value given")
                .help(row.usage);
                return self.fail(d, span);
            }
            (_, Some(t)) if !(row.accepts)(t) => {
                let d = Diagnostic::error(
                    Code::BadAggregate,
                    format!(
                        "`{}` needs {}, but is given {}",
                        row.name,
                        row.takes,
                        t.plain(self.units())
                    ),
                )
                .at(
                    value.map_or(span, |v| v.span),
                    format!("{} here", t.plain(self.units())),
                )
                .help("check what is aggregated for each member");
                return self.fail(d, span);
            }
            (_, t) => (row.result)(t.unwrap_or(Type::Error), None),
        };
        Ir {
            kind: IrKind::Aggregate {
                kind,
                who,
                var: slot,
                value: value_ir.map(Box::new),
                filter: filter_ir.map(Box::new),
            },
            ty,
            span,
        }
    }
}

impl ExprChecker<'_> {
    /// `m.local or m.works_here because "..."`: the reason binds to the
    /// nearest clause, `m.works_here`, though an `or` is refused only when
    /// both sides fail; a warning shows the brackets that give it to both.
    fn reason_of_one_side(&mut self, left: &ast::Expr, right: &ast::Expr, span: Span) {
        let (side, other, reasons) = match (&left.kind, &right.kind) {
            (_, ExprKind::Because(inner, reasons)) => (inner, left, reasons),
            (ExprKind::Because(inner, reasons), _) => (inner, right, reasons),
            _ => return,
        };
        let Some(reason) = reasons.first() else {
            return;
        };
        let name = |e: &ast::Expr, fallback: &str| snippet(e).unwrap_or_else(|| fallback.into());
        let clause = name(side, "that clause");
        let whole = if matches!(right.kind, ExprKind::Because(..)) {
            format!("({} or {})", name(other, "A"), name(side, "B"))
        } else {
            format!("({} or {})", name(side, "A"), name(other, "B"))
        };
        let d = Diagnostic::warning(
            Code::BadReason,
            format!("this reason is given for `{clause}` alone, not for the `or`"),
        )
        .at(reason.span, format!("the reason of `{clause}` only"))
        .related(span, "an `or` is refused only when both sides fail")
        .help(format!(
            "`because` binds to the nearest clause; for the reason of the whole condition, write `{whole} because \"{}\"`",
            reason.value
        ));
        self.report(d);
    }

    /// Checks the figures of a reason (see [`Checker::wording`]).
    pub(super) fn wording(&mut self, text: &ast::Text, stated: &[usize]) {
        self.checker.wording(text, stated);
    }

    fn because(&mut self, condition: &ast::Expr, reasons: &[ast::Text], span: Span) -> Ir {
        let inner = self.expr(condition);
        if !inner.ty.fits(Type::Bool) {
            let d = Diagnostic::error(
                Code::BadReason,
                format!("`because` gives the reason for a condition, but this is {}", inner.ty.plain(self.units())),
            )
            .at(condition.span, format!("{} here", inner.ty.plain(self.units())))
            .help("attach the reason to a condition, as in `m.age >= 16 because \"members must be 16 or over\"`");
            return self.fail(d, span);
        }
        if reasons.len() != 1 {
            let d = Diagnostic::error(Code::BadReason, "a condition has one reason")
                .at(span, format!("{} reasons", reasons.len()))
                .help("split the condition into clauses joined by `and`, each with its own `because`; several reasons belong in an `expect not ... because` line");
            return self.fail(d, span);
        }
        let mut stated = Vec::new();
        Checker::params_read(&inner, &mut stated);
        self.wording(&reasons[0], &stated);
        Ir {
            kind: IrKind::Because {
                condition: Box::new(inner),
                reason: reasons[0].value.clone(),
                article: self.article,
            },
            ty: Type::Bool,
            span,
        }
    }

    /// `loss borne by reserve "X"`, `loss borne by m`, `loss carried
    /// forward`: the form of an `if a loss` block that bears it.
    fn loss_borne(&mut self, by: &ast::LossBearer, span: Span) -> Ir {
        use super::LossKey;
        let (key, what) = match by {
            ast::LossBearer::Reserve(t) => (
                LossKey::Reserve(t.value.clone()),
                format!("the reserve \"{}\"", t.value),
            ),
            ast::LossBearer::Member(_) => (LossKey::Members, "the members".to_string()),
            ast::LossBearer::CarriedForward => (
                LossKey::CarriedForward,
                "the losses carried forward".to_string(),
            ),
        };
        let found: Vec<(usize, usize)> = self
            .checker
            .loss_forms
            .iter()
            .filter(|(_, _, k)| *k == key)
            .map(|(a, f, _)| (*a, *f))
            .collect();
        let (allocation, form) = match found.as_slice() {
            [one] => *one,
            [] => {
                let reserves: Vec<&str> = self
                    .checker
                    .loss_forms
                    .iter()
                    .filter_map(|(_, _, k)| match k {
                        LossKey::Reserve(n) => Some(n.as_str()),
                        _ => None,
                    })
                    .collect();
                let help = match by {
                    ast::LossBearer::Reserve(t) => {
                        suggest::did_you_mean(&t.value, reserves.iter().copied())
                    }
                    _ => None,
                }
                .unwrap_or_else(|| {
                    "`loss borne by` reads a form of an allocation's `if a loss { ... }` block: `from reserve \"NAME\"`, `to each member m in proportion to W` or `carried forward`".into()
                });
                let d = Diagnostic::error(
                    Code::BadAllocation,
                    format!("no `if a loss` block charges a loss to {what}"),
                )
                .at(span, "charged nothing by the rules")
                .help(help);
                return self.fail(d, span);
            }
            _ => {
                let d = Diagnostic::error(
                    Code::BadAllocation,
                    format!("more than one `if a loss` form charges a loss to {what}"),
                )
                .at(span, "which one is meant is not clear")
                .help("charge each reserve, and the members, in one form of one allocation, so that `loss borne by` names one");
                return self.fail(d, span);
            }
        };
        let member = match by {
            ast::LossBearer::Member(m) => {
                let target = self.name(m);
                if !target.ty.fits(Type::Member) {
                    let d = Diagnostic::error(
                        Code::WrongKind,
                        format!("`{}` is {}, not a member", m.name, target.ty.plain(self.units())),
                    )
                    .at(m.span, "not a member")
                    .help("write `loss borne by m` with a member, or `loss borne by reserve \"NAME\"`");
                    return self.fail(d, span);
                }
                Some(Box::new(target))
            }
            _ => None,
        };
        let ty = self.checker.allocation_currency[allocation].map_or(Type::Error, Type::Money);
        Ir {
            kind: IrKind::LossBorne {
                allocation,
                form,
                member,
            },
            ty,
            span,
        }
    }

    fn allocated(&mut self, label: &ast::Text, member: Option<&ast::Ident>, span: Span) -> Ir {
        let Some((allocation, tranche, _)) = self.checker.tranche_labels.get(&label.value).copied()
        else {
            let labels: Vec<&str> = self
                .checker
                .tranche_labels
                .keys()
                .map(String::as_str)
                .collect();
            let mut sorted = labels.clone();
            sorted.sort_unstable();
            let help = suggest::did_you_mean(&label.value, sorted.iter().copied()).unwrap_or_else(|| {
                if sorted.is_empty() {
                    "the rulebook has no allocation; declare one with `allocate AMOUNT rounding down { ... }`".into()
                } else {
                    format!("the tranches are: {}", sorted.join(", "))
                }
            });
            let d = Diagnostic::error(
                Code::BadAllocation,
                format!("no tranche is labelled \"{}\"", label.value),
            )
            .at(label.span, "unknown tranche")
            .help(help);
            return self.fail(d, span);
        };
        let ty = self.checker.allocation_currency[allocation].map_or(Type::Error, Type::Money);
        let member = match member {
            None => None,
            Some(m) => {
                let target = self.name(m);
                if !target.ty.fits(Type::Member) {
                    let d = Diagnostic::error(
                        Code::WrongKind,
                        format!(
                            "`{}` is {}, not a member",
                            m.name,
                            target.ty.plain(self.units())
                        ),
                    )
                    .at(m.span, "not a member")
                    .help("write `allocated \"label\" to m` with a member");
                    return self.fail(d, span);
                }
                Some(Box::new(target))
            }
        };
        Ir {
            kind: IrKind::Allocated {
                allocation,
                tranche,
                member,
            },
            ty,
            span,
        }
    }

    fn resolution_query(
        &mut self,
        name: &ast::Ident,
        row: &'static Builtin,
        query: ResolutionQuery,
        args: &[Argument],
        span: Span,
    ) -> Ir {
        let target = match args {
            [
                Argument::Expr(ast::Expr {
                    kind: ExprKind::Name(r),
                    ..
                }),
            ] => r,
            _ => {
                let d = Diagnostic::error(
                    Code::ArgumentCount,
                    format!("`{}` takes {}", name.name, row.takes),
                )
                .at(span, "not a resolution's name")
                .help(row.usage);
                return self.fail(d, span);
            }
        };
        let Some(resolution) = self
            .checker
            .globals
            .get(&target.name)
            .and_then(|(g, _)| g.resolution())
        else {
            let candidates: Vec<&str> = self
                .checker
                .resolutions
                .iter()
                .map(|r| r.name.as_str())
                .collect();
            let help = suggest::did_you_mean(&target.name, candidates.iter().copied())
                .unwrap_or_else(|| "name one of the rulebook's resolutions".into());
            let d = Diagnostic::error(
                Code::UnknownName,
                format!("there is no resolution `{}`", target.name),
            )
            .at(target.span, "not a resolution")
            .help(help);
            return self.fail(d, span);
        };
        Ir {
            kind: IrKind::Resolution { resolution, query },
            ty: (row.result)(Type::Error, None),
            span,
        }
    }
}

/// `a, b and c`.
fn join_and(items: &[String]) -> String {
    join_with(items, "and")
}

/// `a, b or c`.
fn join_or(items: &[String]) -> String {
    join_with(items, "or")
}

fn join_with(items: &[String], last_word: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} {last_word} {last}", rest.join(", ")),
    }
}

fn count_args(n: usize) -> String {
    match n {
        0 => "no arguments".into(),
        1 => "1 argument".into(),
        n => format!("{n} arguments"),
    }
}

/// A short operand as it would be written, for quoting in a help line.
fn snippet(e: &ast::Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Name(id) => Some(id.name.clone()),
        ExprKind::Attribute(m, a) => Some(format!("{}.{}", m.name, a.name)),
        ExprKind::Period(f) => Some(format!("period.{}", f.name)),
        ExprKind::Literal(ast::Literal::Percent(p)) => {
            Some(format!("{}%", (*p * Decimal::ONE_HUNDRED).normalize()))
        }
        ExprKind::Literal(ast::Literal::Integer(d) | ast::Literal::Decimal(d)) => {
            Some(d.to_string())
        }
        _ => None,
    }
}

/// `C except when E`, lowered as a rule's exception is: when `E` holds the
/// condition holds (it is waived), otherwise it is `C`, with `C`'s reasons.
/// The executors and explanations then treat it as every other exception.
fn waived(condition: Box<Ir>, exception: Ir) -> IrKind {
    let span = exception.span;
    IrKind::Exceptions {
        base: condition,
        exceptions: vec![ExceptionIr {
            value: Ir {
                kind: IrKind::Const(Value::Bool(true)),
                ty: Type::Bool,
                span,
            },
            condition: exception,
            span,
            waiver: true,
        }],
        order: vec![0],
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::{Code, Diagnostic};
    use crate::types::Type;

    const HEADER: &str = "rulebook \"T\" currency GBP\n\
        resolution special {\n  passes when for > against\n}\n";

    /// The errors of a rulebook made of the header and `body`.
    fn errors(body: &str) -> Vec<Diagnostic> {
        crate::check::check(&crate::syntax::parse(&format!("{HEADER}{body}\n")).expect("parses"))
            .diagnostics
            .into_iter()
            .filter(Diagnostic::is_error)
            .collect()
    }

    /// The one error of `body`: its code, message and help.
    fn error(body: &str) -> (Code, String, String) {
        let found = errors(body);
        assert_eq!(found.len(), 1, "{body}: {found:?}");
        let d = &found[0];
        (
            d.code,
            d.message.clone(),
            d.help.clone().unwrap_or_default(),
        )
    }

    fn rule_type(body: &str, rule: &str) -> Type {
        let checked = crate::check::check(
            &crate::syntax::parse(&format!("{HEADER}{body}\n")).expect("parses"),
        );
        let program = checked
            .program
            .unwrap_or_else(|| panic!("{body}: {:?}", checked.diagnostics));
        let id = program.rule_id(rule).expect("the rule");
        program.rules[id].result
    }

    #[test]
    fn wrong_calls_get_their_rows_help() {
        assert_eq!(
            error("rule r: Money = min(£1)"),
            (
                Code::ArgumentCount,
                "`min` needs at least 2 arguments, but is given 1 argument".into(),
                "write `min(a, b)` with two or more values".into()
            )
        );
        assert_eq!(
            error("rule r: Money = abs(£1, £2)").1,
            "`abs` needs 1 argument, but is given 2 arguments"
        );
        assert_eq!(
            error("rule r = abs(true)"),
            (
                Code::TypeMismatch,
                "`abs` needs a number, money or a percentage, but is given a yes/no value".into(),
                "`abs(x)` gives `x` without its sign".into()
            )
        );
        assert_eq!(
            error("rule r = max(\"a\", \"b\")").1,
            "`max` needs numbers, money, percentages or dates, but is given a text"
        );
        assert_eq!(
            error("rule r = passes(1)"),
            (
                Code::ArgumentCount,
                "`passes` takes the name of one resolution".into(),
                "write `passes(special)` where `special` is a resolution".into()
            )
        );
    }

    #[test]
    fn aggregates_and_today_are_not_calls_of_values() {
        assert_eq!(
            error("rule r: Integer = sum(1, 2)"),
            (
                Code::BadAggregate,
                "`sum` is an aggregate over the members, not a function of values".into(),
                "write `sum(VALUE for each member m)`".into()
            )
        );
        assert_eq!(error("rule r = today(1)").0, Code::WrongKind);
        assert_eq!(
            error("rule r = abs"),
            (
                Code::WrongKind,
                "`abs` is a built-in function, not a value".into(),
                "write `abs(x)`: the size of a number, money or a percentage without its sign"
                    .into()
            )
        );
    }

    #[test]
    fn names_come_from_the_table() {
        // Misspelt built-ins are suggested, vote queries as well as `round`.
        assert_eq!(error("rule r = pases(special)").2, "did you mean `passes`?");
        // Far from every name: the functions, as the table lists them.
        assert_eq!(
            error("rule r = zzzzzz(1)").2,
            "the functions are round, min, max, abs, years, accrued, days_member, days_held, passes, quorate, votes_for, \
             votes_against and share_for, and the rulebook's rules"
        );
        // A resolution used as a value: every query of the table.
        assert_eq!(
            error("rule r = special").2,
            "ask about its vote with `passes(special)`, `quorate(special)`, \
             `votes_for(special)`, `votes_against(special)` or `share_for(special)`"
        );
        // Reserved: every built-in's name but `today`'s.
        assert_eq!(
            error("rule count: Integer = 3").1,
            "`count` is the name of a built-in function"
        );
        assert!(errors("parameter today: Integer = 3\nrule r: Integer = today + 1").is_empty());
        assert!(errors("rule r: Date = today").is_empty());
    }

    #[test]
    fn result_types_come_from_the_rows() {
        let body = "parameter n: Integer = 7\n\
            rule a = round(n, to 0.5, down)\n\
            rule b = round(n, to 5, down)\n\
            rule c = share_for(special)\n\
            rule d = votes_against(special)\n\
            rule e = max(n, 2)";
        assert_eq!(rule_type(body, "a"), Type::Decimal);
        assert_eq!(rule_type(body, "b"), Type::Integer);
        assert_eq!(rule_type(body, "c"), Type::Percent);
        assert_eq!(rule_type(body, "d"), Type::Decimal);
        assert_eq!(rule_type(body, "e"), Type::Integer);
    }
}
