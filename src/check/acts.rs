//! Acts and scenarios, checked and lowered. A scenario's steps are lowered
//! by [`steps`], the one lowering that JSON scenarios and CSV act logs go
//! through too.

pub mod repeat;
pub mod steps;

use super::constructs::unrounded;
use super::{Checker, expr::ExprChecker};
use crate::diagnostic::{Code, Diagnostic};
use crate::program::*;
use crate::span::Span;
use crate::syntax::ast::{self, ChangeOp};
use crate::types::Type;
use crate::value::Value;
use rust_decimal::Decimal;
use steps::{Loc, Origin, RawKind, RawStep, ReadValue, StepLowerer, Vocabulary, Written};

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

    /// An election: its seats and its count given (E0900), and who may
    /// stand, a condition over the member.
    pub(super) fn election(&mut self, e: &ast::Election) -> Option<ElectionDef> {
        let missing = |what: &str, example: &str| {
            Diagnostic::error(
                Code::BadElection,
                format!("the election `{}` does not say {what}", e.name.name),
            )
            .at(e.name.span, "this election")
            .help(format!("add `{example}` to the election"))
        };
        let seats = match e.seats {
            Some((0, span)) => {
                self.error(
                    Diagnostic::error(
                        Code::BadElection,
                        format!("the election `{}` has no seat to fill", e.name.name),
                    )
                    .at(span, "no seat")
                    .help("an election fills one seat or more: `seats 1`"),
                );
                None
            }
            Some((n, _)) => Some(n as usize),
            None => {
                self.error(missing("how many seats it fills", "seats 3"));
                None
            }
        };
        let method = match e.method {
            Some((m, _)) => Some(m),
            None => {
                self.error(missing(
                    "how its ballots are counted",
                    "counted by single transferable vote",
                ));
                None
            }
        };
        let mut frame_size = 0;
        let mut condition = |clause: &Option<ast::Candidacy>, what: &str| {
            let c = clause.as_ref()?;
            let params = vec![(c.var.name.clone(), Type::Member)];
            let mut cx = ExprChecker::new(self, &params, &[]);
            let ir = cx.condition_of(&c.condition, what);
            frame_size = frame_size.max(cx.frame_size());
            Some(ir)
        };
        let candidate = condition(&e.candidate, "who may stand");
        let voter = condition(&e.voter, "who may vote");
        let mut reserves = Vec::with_capacity(e.reserves.len());
        for r in &e.reserves {
            let params = vec![(r.var.name.clone(), Type::Member)];
            let mut cx = ExprChecker::new(self, &params, &[]);
            let ir = cx.condition_of(&r.condition, "who a reserved seat is for");
            frame_size = frame_size.max(cx.frame_size());
            reserves.push(ReserveDef {
                seats: r.seats.0 as usize,
                condition: ir,
            });
        }
        let reserved: usize = reserves.iter().map(|r| r.seats).sum();
        if let Some((seats, span)) = e.seats {
            if reserved > seats as usize {
                self.error(
                    Diagnostic::error(
                        Code::BadElection,
                        format!("`{}` reserves {reserved} seats of its {seats}", e.name.name),
                    )
                    .at(span, "the seats")
                    .help("reserve no more seats than the election fills"),
                );
            }
        }
        if let Some(r) = e.reserves.iter().find(|r| r.seats.0 == 0) {
            self.error(
                Diagnostic::error(Code::BadElection, "a reserve of no seat")
                    .at(r.seats.1, "no seat")
                    .help("reserve at least one seat, or leave the clause out"),
            );
        }
        Some(ElectionDef {
            name: e.name.name.clone(),
            title: e.title.as_ref().map(|t| t.value.clone()),
            seats: seats?,
            method: method?,
            candidate,
            voter,
            reserves,
            frame_size: frame_size.max(1),
            ties: e.ties.unwrap_or_default(),
            span: e.span,
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
        let (member_names, members) = self.member_table(&s.members, true);
        let member_dates = self.member_dates(&s.members);
        let mut opening = self.opening(s.opening.as_ref());
        // With every person written in the scenario, the books' opening is
        // checked now, where each line is written; a register or a file
        // is read, and checked, when the scenario runs.
        let lines_read = match s.opening.as_ref().map(|o| &o.source) {
            Some(ast::OpeningSource::Lines(lines)) => lines.len() == opening.written.len(),
            _ => true,
        };
        if s.members_file.is_none() && opening.file.is_none() && lines_read {
            match super::opening::open_books(self.currency, &opening.written, &member_names) {
                Ok(balances) => opening.balances = balances,
                Err(ds) => {
                    let at = s.opening.as_ref().map(|o| o.span);
                    for d in ds {
                        let d = match (d.span, at) {
                            (None, Some(span)) => d.at(span, "these balances"),
                            _ => d,
                        };
                        self.error(d);
                    }
                }
            }
        }
        let mut params: Vec<Value> = self.params.iter().map(|p| p.value.clone()).collect();
        for binding in &s.parameters {
            if let Some((i, v)) = self.parameter_value(binding) {
                match steps::settable_for_a_scenario(&self.params, i) {
                    Ok(()) => params[i] = v,
                    Err(d) => self.error(d.at(binding.name.span, "dated in the rulebook")),
                }
            }
        }
        // The steps read values through the checker while the lowerer holds
        // the names they may use: a copy of those (a few dozen) keeps the
        // two borrows apart.
        let (resolutions, elections, param_defs, period_fields) = (
            self.resolutions.clone(),
            self.elections.clone(),
            self.params.clone(),
            self.period_fields.clone(),
        );
        let vocabulary = Vocabulary {
            acts,
            resolutions: &resolutions,
            elections: &elections,
            params: &param_defs,
            period_fields: &period_fields,
        };
        // With a members file, the people are known only when it is read.
        let known = s.members_file.is_none().then_some(member_names.as_slice());
        let mut lowerer = StepLowerer::new(vocabulary, known);
        let mut errors = Vec::new();
        // Each step with the place it is written, so that steps of one date
        // run in the order written.
        let mut timeline: Vec<(usize, StepDef)> = Vec::with_capacity(s.steps.len());
        for (number, step) in s.steps.iter().enumerate() {
            let origin = Origin::Rulebook {
                number: number + 1,
                span: step.span,
            };
            let raw = raw_step(step.date, &step.kind, step.span);
            if let Some(def) = lowerer.lower(raw, &origin, self, &mut errors) {
                timeline.push((step.span.start, def));
            }
        }
        // Repeated steps: each written step is checked once, then dated for
        // every occurrence, and merged with the dated steps by date.
        let mut budget = repeat::MAX_REPEATED_STEPS;
        let mut projection = Vec::new();
        for every in &s.repeats {
            // An `every year` block is kept with its steps lowered, for a
            // projection over another number of years (`--years`).
            let mut yearly = (every.unit.name == "year").then(|| YearlyBlock {
                every: every.clone(),
                steps: Vec::new(),
            });
            for repeated in repeat::expand(every, &mut budget, &mut errors) {
                let Some(first) = repeated.dates.first() else {
                    continue;
                };
                let origin = Origin::Rulebook {
                    number: 0,
                    span: repeated.span,
                };
                let raw = raw_step(*first, repeated.kind, repeated.span);
                let Some(def) = lowerer.lower_at_any_date(raw, &origin, self, &mut errors) else {
                    continue;
                };
                timeline.extend(repeated.dates.iter().map(|date| {
                    let mut step = def.clone();
                    step.date = *date;
                    (repeated.span.start, step)
                }));
                if let Some(block) = &mut yearly {
                    block.steps.push(def);
                }
            }
            projection.extend(yearly);
        }
        if !s.repeats.is_empty() {
            timeline.sort_by_key(|(place, step)| (step.date, *place));
        }
        let steps: Vec<StepDef> = timeline
            .into_iter()
            .enumerate()
            .map(|(i, (_, mut step))| {
                step.place = format!("step {} of the scenario", i + 1);
                step
            })
            .collect();
        if let Some(calendar) = self.calendar {
            let mut check = steps::CalendarCheck::new(calendar);
            errors.extend(steps.iter().filter_map(|step| check.step(step)));
        } else {
            // With no financial year, only a close ends the period.
            let mut check = steps::NextPeriodCheck::default();
            for step in &steps {
                check.step(step, &self.resolutions);
            }
            errors.extend(check.finish());
        }
        self.diagnostics.extend(errors);
        if let Some(first) = steps.first() {
            self.dated_after_start(&s.members, first.date);
        }
        ScenarioDef {
            name: s.name.value.clone(),
            span: s.span,
            heading: Span::new(s.span.start, s.name.span.end),
            member_names,
            members,
            member_dates,
            members_file: s.members_file.as_ref().map(|f| (f.value.clone(), f.span)),
            opening,
            params,
            steps,
            projection,
        }
    }

    /// Each scenario member's `joined` and `left` dates (for one who was a
    /// member before the timeline begins); empty when no one has them.
    fn member_dates(
        &mut self,
        written: &[ast::ExampleMember],
    ) -> Vec<(Option<time::Date>, Option<time::Date>)> {
        let mut dates = Vec::with_capacity(written.len());
        for member in written {
            let mut joined = None;
            let mut left = None;
            for b in &member.values {
                let slot = match b.name.name.as_str() {
                    MEMBER_SINCE => &mut joined,
                    MEMBER_UNTIL => &mut left,
                    _ => continue,
                };
                if self.member_attrs.iter().any(|a| a.name == b.name.name) {
                    continue;
                }
                if let Some(Value::Date(d)) = self.const_value(&b.value, Type::Date, &b.name.name) {
                    *slot = Some((d, b.name.span));
                }
            }
            match (joined, left) {
                (None, Some((_, at))) => self.error(
                    Diagnostic::error(
                        Code::BadScenario,
                        format!("`{}` left, but has no date they joined", member.name.name),
                    )
                    .at(at, "a former member")
                    .help("write when they joined too: `joined 2019-05-01, left 2025-12-31`"),
                ),
                (Some((j, _)), Some((l, at))) if l < j => self.error(
                    Diagnostic::error(
                        Code::BadScenario,
                        format!("`{}` left before they joined", member.name.name),
                    )
                    .at(at, "earlier than `joined`")
                    .help("a member leaves on or after the day they joined"),
                ),
                _ => {}
            }
            dates.push((joined.map(|(d, _)| d), left.map(|(d, _)| d)));
        }
        if dates.iter().all(|d| *d == (None, None)) {
            dates.clear();
        }
        dates
    }

    /// A member written with a `joined` or `left` date after the first
    /// step: the scenario lists its people as they stand on that day.
    fn dated_after_start(&mut self, written: &[ast::ExampleMember], first: time::Date) {
        for member in written {
            for b in &member.values {
                let what = b.name.name.as_str();
                if ![MEMBER_SINCE, MEMBER_UNTIL].contains(&what)
                    || self.member_attrs.iter().any(|a| a.name == what)
                {
                    continue;
                }
                let ast::Value::Literal(crate::syntax::ast::Literal::Date(d), _) = &b.value else {
                    continue;
                };
                if *d > first {
                    self.error(
                        Diagnostic::error(
                            Code::BadScenario,
                            format!(
                                "`{}` {what} on {}, after the timeline begins ({})",
                                member.name.name,
                                ast::format_date(*d),
                                ast::format_date(first)
                            ),
                        )
                        .at(b.value.span(), "after the first step")
                        .help("the scenario lists its people as they stand on its first day; admit (or remove) them by an act at a step"),
                    );
                }
            }
        }
    }

    /// A scenario's opening balances as written: each line checked (an
    /// amount of the rulebook's currency, exact to the minor unit), or the
    /// file they are in.
    fn opening(&mut self, written: Option<&ast::OpeningBalances>) -> Opening {
        let mut opening = Opening::default();
        let Some(written) = written else {
            return opening;
        };
        let lines = match &written.source {
            ast::OpeningSource::File(file) => {
                opening.file = Some((file.value.clone(), file.span));
                return opening;
            }
            ast::OpeningSource::Lines(lines) => lines,
        };
        let ty = self.currency.map_or(Type::Decimal, Type::Money);
        for line in lines {
            let name = &line.account.name.value;
            let value = self.const_value(&line.amount, ty, name);
            self.booked_input(&line.amount, ty, &value);
            let Some(Value::Number(n)) = value else {
                continue;
            };
            if n.is_sign_negative() {
                self.error(
                    Diagnostic::error(
                        Code::BadOpening,
                        format!("the opening balance of \"{name}\" is negative"),
                    )
                    .at(line.amount.span(), "a negative balance")
                    .help(
                        "write a balance on the other side instead: `credit` for a negative debit",
                    ),
                );
                continue;
            }
            let (debit, credit) = if line.debit {
                (n, Decimal::ZERO)
            } else {
                (Decimal::ZERO, n)
            };
            opening.written.push(OpeningEntry {
                account: name.clone(),
                member: line.account.member.as_ref().map(|m| m.name.clone()),
                debit,
                credit,
                place: "the scenario's opening balances".into(),
                span: Some(line.span),
            });
        }
        opening
    }

    /// A parameter given a new value (in an example or scenario).
    pub(super) fn parameter_value(&mut self, binding: &ast::Binding) -> Option<(usize, Value)> {
        match steps::parameter(&self.params, &binding.name.name) {
            Ok(i) => {
                let ty = self.params[i].ty;
                let v = self.const_value(&binding.value, ty, &binding.name.name)?;
                Some((i, v))
            }
            Err(d) => {
                self.error(d.at(binding.name.span, "not a parameter"));
                None
            }
        }
    }

    /// Members written in an example or scenario: names, and values by attribute.
    ///
    /// With `dates` (a scenario's), `joined DATE` and `left DATE` are a
    /// member's dates ([`Self::member_dates`]) unless the rulebook has
    /// attributes of those names.
    pub(super) fn member_table(
        &mut self,
        written: &[ast::ExampleMember],
        dates: bool,
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
            let attrs = &self.member_attrs;
            let values: Vec<ast::Binding> = member
                .values
                .iter()
                .filter(|b| {
                    !dates
                        || ![MEMBER_SINCE, MEMBER_UNTIL].contains(&b.name.name.as_str())
                        || attrs.iter().any(|a| a.name == b.name.name)
                })
                .cloned()
                .collect();
            let values = self.bindings(&values, false);
            for (attr, column) in columns.iter_mut().enumerate() {
                column.push(values[attr].clone());
            }
        }
        (names, columns)
    }
}

/// What a step of a rulebook's scenario says, for [`StepLowerer`]: its
/// values stay syntax, read by the checker.
fn raw_step(date: time::Date, kind: &ast::StepKind, span: Span) -> RawStep<&ast::Value> {
    fn name(i: &ast::Ident) -> Written<String> {
        Written::new(i.name.clone(), at(i.span))
    }
    fn named_list(bs: &[ast::Binding]) -> Vec<(Written<String>, Written<&ast::Value>)> {
        bs.iter()
            .map(|b| (name(&b.name), Written::new(&b.value, at(b.value.span()))))
            .collect()
    }
    let kind = match kind {
        ast::StepKind::Act { name: act, args } => RawKind::Act {
            name: name(act),
            args: args.iter().map(|a| Written::new(a, at(a.span()))).collect(),
            args_loc: at(span),
        },
        ast::StepKind::Motion {
            votes,
            title,
            amendments,
            effective,
            sitting,
            notice,
            then,
        } => RawKind::Motion {
            resolution: name(&votes.resolution),
            title: title.as_ref().map(|t| t.value.clone()),
            votes: [&votes.for_, &votes.against, &votes.abstain]
                .map(|group| group.iter().map(name).collect()),
            amend: named_list(amendments),
            effective: effective.map(|(w, span)| Written::new(w, at(span))),
            absent: votes
                .absent
                .iter()
                .map(|(voter, means)| {
                    let holder = match means {
                        ast::VoteMeans::Proxy(h) => Some(name(h)),
                        ast::VoteMeans::Post => None,
                    };
                    (name(voter), holder)
                })
                .collect(),
            sitting: *sitting,
            notice: notice.map(|(d, span)| Written::new(d, at(span))),
            then: then.as_ref().map(|t| {
                Box::new(steps::RawAct {
                    name: name(&t.name),
                    args: t
                        .args
                        .iter()
                        .map(|a| Written::new(a, at(a.span())))
                        .collect(),
                    args_loc: at(t.span),
                })
            }),
        },
        ast::StepKind::Close { figures } => RawKind::Close {
            figures: named_list(figures),
        },
        ast::StepKind::Election(b) => RawKind::Election {
            election: name(&b.election),
            candidates: b.candidates.iter().map(name).collect(),
            ballots: b
                .ballots
                .iter()
                .map(|ballot| {
                    (
                        name(&ballot.voter),
                        ballot.choices.iter().map(name).collect(),
                    )
                })
                .collect(),
            seed: b.seed.map(|(s, _)| s),
        },
    };
    RawStep {
        date: Written::new(date, Loc::default()),
        kind,
    }
}

fn at(span: Span) -> Loc {
    Loc::at(span)
}

/// A rulebook's values are read by the checker, which places its own
/// diagnostics at the value's span.
impl ReadValue<&ast::Value> for Checker {
    fn value(
        &mut self,
        written: &&ast::Value,
        ty: Type,
        owner: &str,
        balance: bool,
    ) -> Result<Value, Diagnostic> {
        let before = self.diagnostics.len();
        let value = self.const_value(written, ty, owner);
        if balance {
            self.booked_input(written, ty, &value);
        }
        let mut found = self.diagnostics.split_off(before);
        match (value, found.is_empty()) {
            (Some(v), true) => Ok(v),
            _ if !found.is_empty() => {
                let first = found.remove(0);
                self.diagnostics.extend(found);
                Err(first)
            }
            _ => Err(Diagnostic::error(
                Code::BadValue,
                format!("this is not a value `{owner}` can take"),
            )
            .at(written.span(), "not a value")
            .help(format!("`{owner}` needs {}", ty.plain(&self.units)))),
        }
    }

    fn member(&self, written: &&ast::Value) -> Option<String> {
        match written {
            ast::Value::Name(name) => Some(name.name.clone()),
            ast::Value::Literal(..) => None,
        }
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
            who,
            var,
            filter,
            effects,
        } => {
            // `for each member` visits the members: admitting one of them
            // would quietly do nothing.
            for e in effects {
                if let ast::Effect::Admit(m) = e {
                    if m.name == var.name && *who == ast::Who::Members {
                        cx.report(
                            Diagnostic::error(
                                Code::IdleEffect,
                                format!("`admit {}` admits no one: `for each member {}` visits only those who are members already", m.name, var.name),
                            )
                            .at(m.span, "a member already")
                            .help("admit a person named by the act (`act join(p) { admit p }`), one step for each; a scenario or register can also start with members (`joined` dates)"),
                        );
                    }
                }
            }
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
                    who: *who,
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
            let attr = cx.attribute_index(attribute);
            let value_ir = match attr {
                Some(a) => cx.value_for(value, cx.attribute_type(a)),
                None => cx.expr(value),
            };
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
