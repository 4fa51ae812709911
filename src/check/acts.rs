//! Acts and scenarios, checked and lowered.

use std::collections::HashMap;

use super::constructs::unrounded;
use super::{Checker, expr::ExprChecker, suggest};
use crate::diagnostic::{Code, Diagnostic};
use crate::program::*;
use crate::span::Span;
use crate::syntax::ast::{self, ChangeOp};
use crate::types::Type;
use crate::value::Value;

impl Checker {
    pub(super) fn act(&mut self, a: &ast::ActDef, article: Option<usize>) -> Option<ActDef> {
        let params = self.params_of(a.params.as_deref().unwrap_or(&[]));
        let mut cx = ExprChecker::new(self, &params, &[]);
        cx.set_article(article);
        let requires: Vec<Ir> = a
            .requires
            .iter()
            .map(|r| cx.condition_of(r, "what an act requires"))
            .collect();
        let mut booked: Vec<(Ir, Span)> = Vec::new();
        let effects: Vec<EffectIr> = a
            .effects
            .iter()
            .map(|e| lower_effect(&mut cx, e, &mut booked))
            .collect();
        let frame_size = cx.frame_size();
        drop(cx);
        // Whatever is booked must be exact to the minor unit.
        for (value, span) in booked {
            if let Type::Money(c) = value.ty {
                if !self.exact_to_minor_unit(&value, c) {
                    self.error(unrounded(span, c, "this amount"));
                }
            }
        }
        Some(ActDef {
            name: a.name.name.clone(),
            params,
            requires,
            effects,
            frame_size,
            article,
            span: a.span,
        })
    }

    /// The parameters of a rule or act, with their types.
    pub(super) fn params_of(&mut self, params: &[ast::RuleParam]) -> Vec<(String, Type)> {
        let mut out: Vec<(String, Type)> = Vec::new();
        for p in params {
            let ty = match &p.ty {
                Some(t) => self.resolve_type(t, &p.name.name, true),
                None => Type::Member,
            };
            if let Some((what, first)) = self.globals.get(&p.name.name).map(|(g, s)| (*g, *s)) {
                self.error(
                    Diagnostic::error(
                        Code::Duplicate,
                        format!(
                            "the parameter `{}` has the name of {}",
                            p.name.name,
                            what.describe()
                        ),
                    )
                    .at(p.name.span, "this name is taken")
                    .related(first, "defined here")
                    .help("give the parameter a name of its own, such as `m` for a member"),
                );
            }
            if out.iter().any(|(n, _)| *n == p.name.name) {
                self.error(
                    Diagnostic::error(
                        Code::Duplicate,
                        format!("two parameters are named `{}`", p.name.name),
                    )
                    .at(p.name.span, "second parameter with this name")
                    .help("rename one of them"),
                );
            }
            out.push((p.name.name.clone(), ty));
        }
        out
    }

    pub(super) fn scenario(&mut self, s: &ast::Scenario, acts: &[ActDef]) -> ScenarioDef {
        let (member_names, members) = self.member_table(&s.members);
        let mut params: Vec<Value> = self.params.iter().map(|p| p.value.clone()).collect();
        for binding in &s.parameters {
            if let Some((i, v)) = self.parameter_value(binding) {
                params[i] = v;
            }
        }
        let known: HashMap<&str, ()> = member_names.iter().map(|n| (n.as_str(), ())).collect();
        let deferred = s.members_file.is_some();
        let member_arg = |checker: &mut Checker, name: &ast::Ident| {
            if !deferred && !known.contains_key(name.name.as_str()) {
                let help =
                    suggest::did_you_mean(&name.name, member_names.iter().map(String::as_str))
                        .unwrap_or_else(|| {
                            "list the member under `members { ... }` in the scenario".into()
                        });
                checker.error(
                    Diagnostic::error(
                        Code::UnknownName,
                        format!("`{}` is not a member of this scenario", name.name),
                    )
                    .at(name.span, "unknown member")
                    .help(help),
                );
            }
            (name.name.clone(), name.span)
        };
        let mut steps = Vec::with_capacity(s.steps.len());
        let mut last_date: Option<(time::Date, Span)> = None;
        for (number, step) in s.steps.iter().enumerate() {
            if let Some((previous, previous_span)) = last_date {
                if step.date < previous {
                    self.error(
                        Diagnostic::error(
                            Code::BadScenario,
                            format!(
                                "this step is dated {}, before the step above it ({})",
                                crate::value::format_date(step.date),
                                crate::value::format_date(previous)
                            ),
                        )
                        .at(step.span, "out of order")
                        .related(previous_span, "the later step above")
                        .help("write the timeline in date order"),
                    );
                }
            }
            last_date = Some((step.date, step.span));
            let kind = match &step.kind {
                ast::StepKind::Act { name, args } => {
                    let Some(act) = acts.iter().position(|a| a.name == name.name) else {
                        let help =
                            suggest::did_you_mean(&name.name, acts.iter().map(|a| a.name.as_str()))
                                .unwrap_or_else(|| {
                                    "declare the act with `act NAME(...) { ... }`".into()
                                });
                        self.error(
                            Diagnostic::error(
                                Code::UnknownName,
                                format!("there is no act `{}`", name.name),
                            )
                            .at(name.span, "unknown act")
                            .help(help),
                        );
                        continue;
                    };
                    let def = &acts[act];
                    if def.params.len() != args.len() {
                        self.error(
                            Diagnostic::error(
                                Code::ArgumentCount,
                                format!(
                                    "the act `{}` takes {} argument{}, but is given {}",
                                    def.name,
                                    def.params.len(),
                                    if def.params.len() == 1 { "" } else { "s" },
                                    args.len()
                                ),
                            )
                            .at(step.span, "wrong number of arguments")
                            .help(format!(
                                "write `{}({})`",
                                def.name,
                                def.params
                                    .iter()
                                    .map(|(n, _)| n.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )),
                        );
                        continue;
                    }
                    let mut lowered = Vec::with_capacity(args.len());
                    for ((param, ty), arg) in def.params.clone().iter().zip(args) {
                        match (ty, arg) {
                            (Type::Member, ast::Value::Name(m)) => {
                                let (n, sp) = member_arg(self, m);
                                lowered.push(StepArg::Member(n, sp));
                            }
                            (Type::Member, other) => self.error(
                                Diagnostic::error(Code::BadValue, format!("`{param}` is a member: give a member's name"))
                                    .at(other.span(), "not a member")
                                    .help("write the member's name as listed in the scenario, such as `ada`"),
                            ),
                            (ty, value) => {
                                if let Some(v) = self.const_value(value, *ty, param) {
                                    lowered.push(StepArg::Value(v));
                                }
                            }
                        }
                    }
                    StepDefKind::Act { act, args: lowered }
                }
                ast::StepKind::Motion {
                    votes,
                    title,
                    amendments,
                } => {
                    let Some(resolution) = self
                        .globals
                        .get(&votes.resolution.name)
                        .and_then(|(g, _)| g.resolution())
                    else {
                        let candidates: Vec<&str> =
                            self.resolutions.iter().map(|r| r.name.as_str()).collect();
                        let help = suggest::did_you_mean(
                            &votes.resolution.name,
                            candidates.iter().copied(),
                        )
                        .unwrap_or_else(|| {
                            "a motion is voted on as one of the rulebook's resolutions".into()
                        });
                        self.error(
                            Diagnostic::error(
                                Code::UnknownName,
                                format!("there is no resolution `{}`", votes.resolution.name),
                            )
                            .at(votes.resolution.span, "not a resolution")
                            .help(help),
                        );
                        continue;
                    };
                    let group =
                        |list: &[ast::Ident], checker: &mut Checker| -> Vec<(String, Span)> {
                            list.iter().map(|m| member_arg(checker, m)).collect()
                        };
                    let for_ = group(&votes.for_, self);
                    let against = group(&votes.against, self);
                    let abstain = group(&votes.abstain, self);
                    let amendments = amendments
                        .iter()
                        .filter_map(|b| self.parameter_value(b))
                        .collect();
                    StepDefKind::Motion {
                        resolution,
                        title: title.as_ref().map(|t| t.value.clone()),
                        for_,
                        against,
                        abstain,
                        amendments,
                    }
                }
                ast::StepKind::Close { figures } => {
                    let values = self.bindings(figures, true);
                    let given: Vec<(usize, Value)> = figures
                        .iter()
                        .filter_map(|b| {
                            self.period_fields
                                .iter()
                                .position(|f| f.name == b.name.name)
                        })
                        .filter_map(|i| values[i].clone().map(|v| (i, v)))
                        .collect();
                    StepDefKind::Close { figures: given }
                }
            };
            steps.push(StepDef {
                date: step.date,
                span: step.span,
                place: format!("step {} of the scenario", number + 1),
                kind,
            });
        }
        ScenarioDef {
            name: s.name.value.clone(),
            span: s.span,
            member_names,
            members,
            members_file: s.members_file.as_ref().map(|f| (f.value.clone(), f.span)),
            params,
            steps,
        }
    }

    /// A parameter given a new value (in an example, scenario or motion).
    pub(super) fn parameter_value(&mut self, binding: &ast::Binding) -> Option<(usize, Value)> {
        match self.params.iter().position(|p| p.name == binding.name.name) {
            Some(i) => {
                let ty = self.params[i].ty;
                let v = self.const_value(&binding.value, ty, &binding.name.name)?;
                Some((i, v))
            }
            None => {
                let hint = suggest::did_you_mean(
                    &binding.name.name,
                    self.params.iter().map(|p| p.name.as_str()),
                );
                self.error(
                    Diagnostic::error(
                        Code::UnknownName,
                        format!("there is no parameter `{}`", binding.name.name),
                    )
                    .at(binding.name.span, "not a parameter")
                    .help(
                        hint.unwrap_or_else(|| "only the rulebook's parameters can be set".into()),
                    ),
                );
                None
            }
        }
    }

    /// Members written in an example or scenario: names, and values by attribute.
    pub(super) fn member_table(
        &mut self,
        written: &[ast::ExampleMember],
    ) -> (Vec<String>, Vec<Vec<Option<Value>>>) {
        let mut names: Vec<String> = Vec::new();
        let mut columns: Vec<Vec<Option<Value>>> = self
            .member_attrs
            .iter()
            .map(|_| Vec::with_capacity(written.len()))
            .collect();
        for member in written {
            if let Some(first) = written.iter().find(|m| m.name.name == member.name.name) {
                if first.span != member.span {
                    self.error(
                        Diagnostic::error(
                            Code::Duplicate,
                            format!("two members are named `{}`", member.name.name),
                        )
                        .at(member.name.span, "second member with this name")
                        .related(first.name.span, "first member")
                        .help("give each member its own name"),
                    );
                }
            }
            if let Some((what, first)) = self.globals.get(&member.name.name).map(|(g, s)| (*g, *s))
            {
                self.error(
                    Diagnostic::error(
                        Code::Duplicate,
                        format!(
                            "the member `{}` has the name of {}",
                            member.name.name,
                            what.describe()
                        ),
                    )
                    .at(member.name.span, "this name is taken")
                    .related(first, "defined here")
                    .help("give the member another name"),
                );
            }
            names.push(member.name.name.clone());
            let values = self.bindings(&member.values, false);
            for (attr, column) in columns.iter_mut().enumerate() {
                column.push(values[attr].clone());
            }
        }
        (names, columns)
    }
}

/// Lowers one effect of an act; amounts that will be booked are collected
/// for the minor-unit check.
fn lower_effect(
    cx: &mut ExprChecker<'_>,
    e: &ast::Effect,
    booked: &mut Vec<(Ir, Span)>,
) -> EffectIr {
    match e {
        ast::Effect::Admit(m) => EffectIr::Admit(cx.member_ref(m)),
        ast::Effect::Remove(m) => EffectIr::Remove(cx.member_ref(m)),
        ast::Effect::Post {
            amount,
            debit,
            credit,
            span,
        } => {
            let value = cx.expr(amount);
            if !matches!(value.ty, Type::Money(_) | Type::Error) {
                cx.report(
                    Diagnostic::error(
                        Code::TypeMismatch,
                        format!("only money is posted to the books, but this is {}", value.ty.plain(cx.units())),
                    )
                    .at(amount.span, format!("{} here", value.ty.plain(cx.units())))
                    .help("post an amount of money, such as `post price(cost) debit \"cash\" credit \"sales\"`"),
                );
            }
            booked.push((value.clone(), amount.span));
            let account = |r: &ast::AccountRef, cx: &mut ExprChecker<'_>| AccountIr {
                name: r.name.value.as_str().into(),
                member: r.member.as_ref().map(|m| cx.member_ref(m)),
            };
            EffectIr::Post {
                amount: value,
                debit: account(debit, cx),
                credit: account(credit, cx),
                span: *span,
            }
        }
        ast::Effect::ForEach {
            var,
            filter,
            effects,
        } => {
            let var_slot = cx.local_count();
            cx.with_member(var, |cx| {
                let filter = filter
                    .as_ref()
                    .map(|f| cx.condition_of(f, "the `where` filter"));
                let effects = effects
                    .iter()
                    .map(|e| lower_effect(cx, e, booked))
                    .collect();
                EffectIr::ForEach {
                    var: var_slot,
                    filter,
                    effects,
                }
            })
        }
        ast::Effect::Change {
            op,
            member,
            attribute,
            value,
            span,
        } => {
            let target = cx.member_ref(member);
            let value_ir = cx.expr(value);
            let attr = cx.attribute_index(attribute);
            if let Some(attr) = attr {
                let ty = cx.attribute_type(attr);
                if *op != ChangeOp::Set && !(ty.is_numeric() || ty == Type::Error) {
                    cx.report(
                        Diagnostic::error(
                            Code::BadArithmetic,
                            format!(
                                "`{}` is {}, so nothing can be added to it",
                                attribute.name,
                                ty.plain(cx.units())
                            ),
                        )
                        .at(*span, "not a number")
                        .help(format!(
                            "write `set {}.{} to ...`",
                            member.name, attribute.name
                        )),
                    );
                } else if !value_ir.ty.fits(ty) {
                    cx.report(
                        Diagnostic::error(
                            if matches!((value_ir.ty, ty), (Type::Money(_), Type::Money(_))) {
                                Code::CurrencyMismatch
                            } else {
                                Code::TypeMismatch
                            },
                            format!(
                                "`{}` is {}, but this is {}",
                                attribute.name,
                                ty.plain(cx.units()),
                                value_ir.ty.plain(cx.units())
                            ),
                        )
                        .at(
                            value.span,
                            format!("{} here", value_ir.ty.plain(cx.units())),
                        )
                        .help(format!(
                            "give `{}` {}",
                            attribute.name,
                            ty.plain(cx.units())
                        )),
                    );
                }
                if matches!(ty, Type::Money(_)) {
                    booked.push((value_ir.clone(), value.span));
                }
            }
            EffectIr::Change {
                op: *op,
                member: target,
                attr: attr.unwrap_or(0),
                value: value_ir,
                span: *span,
            }
        }
    }
}

impl ExprChecker<'_> {
    /// A name that must be a member (a parameter of the act).
    pub(super) fn member_ref(&mut self, m: &ast::Ident) -> Ir {
        let ir = self.expr(&ast::Expr {
            kind: ast::ExprKind::Name(m.clone()),
            span: m.span,
        });
        if !ir.ty.fits(Type::Member) {
            let d = Diagnostic::error(
                Code::WrongKind,
                format!(
                    "`{}` is {}, not a member",
                    m.name,
                    ir.ty.plain(self.units())
                ),
            )
            .at(m.span, "not a member")
            .help("name one of the act's member parameters");
            self.report(d);
        }
        ir
    }
}
