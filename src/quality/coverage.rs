//! `rochdale test --coverage`: which parts of a rulebook its examples and
//! scenarios exercise. docs/coverage.md defines "covered" for each kind.
//!
//! Examples run through the one example runner with a probe on the row
//! executor, which records every node's place and value; scenarios run
//! through the one simulation, and their step outcomes say which acts ran,
//! which requirements refused, and what each tranche took at a close.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use serde::Serialize;

use crate::diagnostic::{Code, Diagnostic};
use crate::eval::{Evaluator, Probe};
use crate::example::{example_inputs, run_example_probed};
use crate::files::Files;
use crate::program::{Ir, IrKind, Program, StepDefKind, TrancheAmount};
use crate::simulate::StepStatus;
use crate::span::{SourceFile, Span};
use crate::syntax::ast::AggregateKind;
use crate::types::Type;
use crate::value::Value;

use super::{percent, snippet};

/// The kinds of part whose coverage is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A rule: covered once an example evaluates it.
    Rule,
    /// A clause of a condition: covered once examples have seen it both
    /// true and false.
    Clause,
    /// An `except when`: covered once it applies in an example.
    Exception,
    /// A tranche of an allocation: covered once it takes a non-zero amount
    /// in an example that reads the allocation, or at a scenario's close.
    Tranche,
    /// A limit: covered once it has both held and been breached.
    Limit,
    /// An act: covered once a scenario runs it.
    Act,
    /// A `requires` of an act: covered once a scenario's act has met it
    /// and one has been refused by it.
    Requirement,
}

impl Kind {
    /// The kind as written in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Rule => "rule",
            Kind::Clause => "clause",
            Kind::Exception => "exception",
            Kind::Tranche => "tranche",
            Kind::Limit => "limit",
            Kind::Act => "act",
            Kind::Requirement => "requirement",
        }
    }
}

/// One part of the rulebook and whether it is covered.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    /// What kind of part.
    pub kind: Kind,
    /// Its name or text: `eligible`, `m.age >= minimum_age`.
    pub name: String,
    /// A clause's reason (`because "..."`), if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Where it is written.
    pub span: Span,
    /// Whether the examples and scenarios exercise it.
    pub covered: bool,
    /// What is missing when not covered: "never false", "never runs".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing: Option<String>,
}

/// The coverage of one rulebook.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    /// The file's name.
    pub file: String,
    /// The rulebook's name, once it checks.
    pub rulebook: Option<String>,
    /// Problems that stopped the rulebook from checking.
    pub diagnostics: Vec<Diagnostic>,
    /// Every part, in the order of the text.
    pub items: Vec<Item>,
    /// Parts covered.
    pub covered: usize,
    /// Parts in all.
    pub total: usize,
    /// `covered / total` in percent, rounded down to a tenth (100 only
    /// when every part is covered).
    pub percent: f64,
}

impl Coverage {
    /// Each part not covered, as a warning drawn at its place.
    pub fn uncovered(&self) -> Vec<Diagnostic> {
        self.items
            .iter()
            .filter(|i| !i.covered)
            .map(|i| {
                let missing = i.missing.as_deref().unwrap_or("not covered");
                let what = match &i.reason {
                    Some(r) => format!("{} `{}` (\"{r}\")", i.kind.as_str(), i.name),
                    None => format!("{} `{}`", i.kind.as_str(), i.name),
                };
                Diagnostic::warning(Code::NotCovered, format!("{what}: {missing}"))
                    .at(i.span, missing.to_string())
                    .help(help(i.kind, missing))
            })
            .collect()
    }
}

fn help(kind: Kind, missing: &str) -> String {
    match kind {
        Kind::Rule => "add an example whose `expect` line reads this rule".into(),
        Kind::Clause => format!(
            "add an example in which this clause is {}",
            if missing.contains("true") {
                "true"
            } else {
                "false"
            }
        ),
        Kind::Exception => "add an example in which this exception applies".into(),
        Kind::Tranche => {
            "add an example that reads this allocation with an amount that reaches this tranche"
                .into()
        }
        Kind::Limit => format!(
            "add an example in which the limit is {} (`expect breach NAME` when it is broken)",
            if missing.contains("breached") {
                "breached"
            } else {
                "kept"
            }
        ),
        Kind::Act => "add a scenario step that runs this act".into(),
        Kind::Requirement => format!(
            "add a scenario step whose act is {} by this requirement",
            if missing.contains("refuses") {
                "refused"
            } else {
                "allowed"
            }
        ),
    }
}

/// What the probe saw: for each place, whether a node there was evaluated,
/// and whether it was once true and once false.
#[derive(Debug, Default)]
struct Seen {
    places: HashMap<Span, (bool, bool)>,
    allocations_read: HashSet<usize>,
}

impl Seen {
    fn saw(&mut self, ir: &Ir, value: &Value) {
        let entry = self.places.entry(ir.span).or_default();
        match value {
            Value::Bool(true) => entry.0 = true,
            Value::Bool(false) => entry.1 = true,
            _ => {}
        }
        if let IrKind::Allocated { allocation, .. } | IrKind::LossBorne { allocation, .. } = ir.kind
        {
            self.allocations_read.insert(allocation);
        }
    }

    fn evaluated(&self, span: Span) -> bool {
        self.places.contains_key(&span)
    }

    fn both(&self, span: Span) -> (bool, bool) {
        self.places.get(&span).copied().unwrap_or_default()
    }
}

/// What the scenarios showed.
#[derive(Debug, Default)]
struct Ran {
    acts_done: HashSet<usize>,
    /// Reasons given when an act was refused, by act.
    refusals: HashMap<usize, Vec<String>>,
    /// (allocation, tranche) that took a non-zero amount at a close.
    tranches: HashSet<(usize, usize)>,
    /// Limits breached in a refused step, by name in the reason.
    refused_text: Vec<String>,
}

/// Measures a rulebook's coverage. `files` is where its examples' and
/// scenarios' member files are.
pub fn coverage(file: &SourceFile, files: Files) -> Coverage {
    let checked = match crate::syntax::parse(&file.text) {
        Ok(book) => crate::pipeline::check_book_in(&book, files),
        Err(diagnostics) => crate::check::Checked {
            program: None,
            diagnostics,
        },
    };
    let Some(program) = checked.program else {
        return Coverage {
            file: file.name.clone(),
            rulebook: None,
            diagnostics: checked.diagnostics,
            items: Vec::new(),
            covered: 0,
            total: 0,
            percent: 0.0,
        };
    };
    let seen = Rc::new(RefCell::new(Seen::default()));
    let mut tranches_taken: HashSet<(usize, usize)> = HashSet::new();
    for example in &program.examples {
        let recorder = Rc::clone(&seen);
        let probe: Probe<'_> = Box::new(move |ir, value| recorder.borrow_mut().saw(ir, value));
        run_example_probed(&program, example, Some(probe));
        // The tranches of each allocation this example read, by the one
        // allocation of the row executor (a second, unprobed run).
        let read: Vec<usize> = seen.borrow().allocations_read.iter().copied().collect();
        let inputs = example_inputs(example);
        let mut evaluator = Evaluator::new(&program, &inputs);
        for a in read {
            if let Ok(outcome) = evaluator.allocation(a) {
                for (t, tranche) in outcome.tranches.iter().enumerate() {
                    if !tranche.total.is_zero() {
                        tranches_taken.insert((a, t));
                    }
                }
            }
        }
        seen.borrow_mut().allocations_read.clear();
    }
    let ran = run_scenarios(&program, files);
    tranches_taken.extend(ran.tranches.iter().copied());
    let seen = seen.borrow();
    let mut items = Vec::new();
    let mut parts = Parts {
        file,
        seen: &seen,
        items: &mut items,
    };
    parts.rules(&program);
    parts.limits(&program);
    parts.tranches(&program, &tranches_taken);
    parts.acts(&program, &ran);
    items.sort_by_key(|i| (i.span.start, i.span.end));
    let covered = items.iter().filter(|i| i.covered).count();
    let total = items.len();
    Coverage {
        file: file.name.clone(),
        rulebook: Some(program.name.clone()),
        diagnostics: checked.diagnostics,
        percent: percent(covered, total),
        items,
        covered,
        total,
    }
}

/// Runs every scenario of the rulebook and notes what its steps did.
fn run_scenarios(program: &Program, files: Files) -> Ran {
    let mut ran = Ran::default();
    for scenario in &program.scenarios {
        let Ok(members) = crate::simulate::input::scenario_members_in(program, scenario, files)
        else {
            continue;
        };
        let outcome = crate::simulate::simulate(program, scenario, members);
        for step in &outcome.steps {
            let Some(def) = step.step.checked_sub(1).and_then(|i| scenario.steps.get(i)) else {
                continue;
            };
            if let StepDefKind::Act { act, .. } = def.kind {
                match step.status {
                    StepStatus::Done => {
                        ran.acts_done.insert(act);
                    }
                    StepStatus::Refused => {
                        ran.refusals
                            .entry(act)
                            .or_default()
                            .extend(step.reasons.iter().cloned());
                    }
                    StepStatus::Failed => {}
                }
            }
            if step.status == StepStatus::Refused {
                ran.refused_text.extend(step.reasons.iter().cloned());
            }
        }
        for period in &outcome.periods {
            for (a, allocation) in period.allocations.iter().enumerate() {
                for (t, tranche) in allocation.tranches.iter().enumerate() {
                    let zero = tranche
                        .total
                        .value
                        .parse::<rust_decimal::Decimal>()
                        .is_ok_and(|d| d.is_zero());
                    if !zero {
                        ran.tranches.insert((a, t));
                    }
                }
            }
        }
    }
    ran
}

/// Collects the parts of a program with their coverage.
struct Parts<'a> {
    file: &'a SourceFile,
    seen: &'a Seen,
    items: &'a mut Vec<Item>,
}

impl Parts<'_> {
    fn push(&mut self, kind: Kind, name: String, span: Span, missing: Option<&str>) {
        self.items.push(Item {
            kind,
            name,
            reason: None,
            span,
            covered: missing.is_none(),
            missing: missing.map(str::to_string),
        });
    }

    fn rules(&mut self, program: &Program) {
        for rule in &program.rules {
            let missing = (!self.seen.evaluated(rule.body.span)).then_some("never evaluated");
            self.push(Kind::Rule, rule.name.clone(), rule.span, missing);
            self.walk(&rule.body, rule.result == Type::Bool);
        }
    }

    fn limits(&mut self, program: &Program) {
        for limit in &program.limits {
            let (held, broke) = self.seen.both(limit.condition.span);
            let missing = match (held, broke) {
                (true, true) => None,
                (true, false) => Some("never breached"),
                (false, true) => Some("never kept"),
                (false, false) => Some("never checked"),
            };
            self.push(Kind::Limit, limit.name.clone(), limit.span, missing);
            // A limit of one clause is that clause: only a condition of
            // several clauses has clauses of its own.
            if is_connective(&limit.condition) {
                self.walk(&limit.condition, true);
            } else {
                self.operands(&limit.condition);
            }
        }
    }

    fn tranches(&mut self, program: &Program, taken: &HashSet<(usize, usize)>) {
        for (a, allocation) in program.allocations.iter().enumerate() {
            self.operands(&allocation.amount);
            for (t, tranche) in allocation.tranches.iter().enumerate() {
                let missing = (!taken.contains(&(a, t))).then_some("never takes an amount");
                self.push(Kind::Tranche, tranche.label.clone(), tranche.span, missing);
                match &tranche.amount {
                    TrancheAmount::Share(x) | TrancheAmount::Amount(x) => self.operands(x),
                    TrancheAmount::EachMember { filter, value, .. } => {
                        if let Some(f) = filter {
                            self.walk(f, true);
                        }
                        self.operands(value);
                    }
                }
                for x in [&tranche.at_most, &tranche.at_least].into_iter().flatten() {
                    self.operands(x);
                }
                if let Some(split) = &tranche.split {
                    if let Some(f) = &split.filter {
                        self.walk(f, true);
                    }
                    self.operands(&split.weight);
                }
            }
        }
    }

    fn acts(&mut self, program: &Program, ran: &Ran) {
        for (a, act) in program.acts.iter().enumerate() {
            let done = ran.acts_done.contains(&a);
            let missing = (!done).then_some("never runs in a scenario");
            self.push(Kind::Act, act.name.clone(), act.span, missing);
            let refusals = ran.refusals.get(&a).map(Vec::as_slice).unwrap_or(&[]);
            for requirement in &act.requires {
                let mut reasons = Vec::new();
                reasons_in(program, requirement, &mut reasons, &mut Vec::new());
                // A refusal gives a reason with its figures filled in.
                let reasons: Vec<String> = reasons
                    .iter()
                    .map(|r| crate::semantics::wording::fill_declared(r, program))
                    .collect();
                let refused = if reasons.is_empty() {
                    let generic = format!("a requirement of `{}` does not hold", act.name);
                    refusals.contains(&generic)
                } else {
                    refusals
                        .iter()
                        .any(|r| reasons.iter().any(|reason| r.contains(reason.as_str())))
                };
                let missing = match (done, refused) {
                    (true, true) => None,
                    (true, false) => Some("never refuses an act in a scenario"),
                    (false, true) => Some("never met in a scenario"),
                    (false, false) => Some("never checked in a scenario"),
                };
                let name = snippet(self.file, requirement.span);
                self.push(Kind::Requirement, name, requirement.span, missing);
            }
        }
    }

    /// A condition's clauses (when `condition`), and the conditions inside
    /// its operands.
    fn walk(&mut self, ir: &Ir, condition: bool) {
        match &ir.kind {
            IrKind::And(l, r) | IrKind::Or(l, r) => {
                self.walk(l, true);
                self.walk(r, true);
            }
            IrKind::Not(x) => self.walk(x, true),
            IrKind::Because {
                condition: inner,
                reason,
                ..
            } => {
                self.clause(ir, Some(reason.clone()));
                self.inside(inner);
            }
            IrKind::Const(_) | IrKind::Local(_) => {}
            IrKind::Exceptions {
                base, exceptions, ..
            } => {
                let bool_valued = ir.ty == Type::Bool;
                self.walk(base, condition || bool_valued);
                for e in exceptions {
                    let missing = (!self.seen.evaluated(e.value.span)).then_some("never applies");
                    let name = snippet(self.file, e.condition.span);
                    self.push(Kind::Exception, name, e.span, missing);
                    self.walk(&e.condition, true);
                    self.walk(&e.value, condition || bool_valued);
                }
            }
            _ => {
                if condition && ir.ty == Type::Bool {
                    self.clause(ir, None);
                }
                self.operands(ir);
            }
        }
    }

    /// Inside one clause (a `because` of several parts): no clauses of its
    /// own, but conditions inside its operands.
    fn inside(&mut self, ir: &Ir) {
        match &ir.kind {
            IrKind::And(l, r) | IrKind::Or(l, r) => {
                self.inside(l);
                self.inside(r);
            }
            IrKind::Not(x) => self.inside(x),
            _ => self.operands(ir),
        }
    }

    /// The conditions inside a node's operands: an `if`'s conditions, an
    /// aggregate's filter, `any`/`all`'s condition.
    fn operands(&mut self, ir: &Ir) {
        match &ir.kind {
            IrKind::Const(_)
            | IrKind::Param(_)
            | IrKind::Period(_)
            | IrKind::Local(_)
            | IrKind::Today
            | IrKind::PeriodBound(_)
            | IrKind::Resolution { .. } => {}
            IrKind::Attr { member, .. }
            | IrKind::Accrued { member, .. }
            | IrKind::DaysHeld { member, .. }
            | IrKind::DaysMember(member) => self.walk(member, false),
            IrKind::Call { args, .. } | IrKind::Builtin { args, .. } => {
                for a in args {
                    self.walk(a, false);
                }
            }
            IrKind::Neg(x) | IrKind::IsNone(x) => self.walk(x, false),
            IrKind::Not(x) => self.walk(x, true),
            IrKind::Arith(_, l, r) | IrKind::Compare(_, l, r) => {
                self.walk(l, false);
                self.walk(r, false);
            }
            IrKind::And(..) | IrKind::Or(..) | IrKind::Because { .. } => self.walk(ir, true),
            IrKind::Exceptions { .. } => self.walk(ir, false),
            IrKind::If {
                branches,
                otherwise,
            } => {
                for (c, v) in branches {
                    self.walk(c, true);
                    self.walk(v, false);
                }
                self.walk(otherwise, false);
            }
            IrKind::Allocated { member, .. } | IrKind::LossBorne { member, .. } => {
                if let Some(m) = member {
                    self.walk(m, false);
                }
            }
            IrKind::Aggregate {
                kind,
                value,
                filter,
                ..
            } => {
                if let Some(f) = filter {
                    self.walk(f, true);
                }
                if let Some(v) = value {
                    self.walk(v, matches!(kind, AggregateKind::Any | AggregateKind::All));
                }
            }
        }
    }

    fn clause(&mut self, ir: &Ir, reason: Option<String>) {
        let (mut t, mut f) = self.seen.both(ir.span);
        // A refusal's reasons are found by evaluating each clause's
        // condition on its own, without its `because` node.
        if let IrKind::Because { condition, .. } = &ir.kind {
            let (ct, cf) = self.seen.both(condition.span);
            t |= ct;
            f |= cf;
        }
        let missing = match (t, f) {
            (true, true) => None,
            (true, false) => Some("never false in the examples"),
            (false, true) => Some("never true in the examples"),
            (false, false) => Some("never evaluated by the examples"),
        };
        let name = match &ir.kind {
            IrKind::Because { condition, .. } => snippet(self.file, condition.span),
            _ => snippet(self.file, ir.span),
        };
        self.items.push(Item {
            kind: Kind::Clause,
            name,
            reason,
            span: ir.span,
            covered: missing.is_none(),
            missing: missing.map(str::to_string),
        });
    }
}

fn is_connective(ir: &Ir) -> bool {
    matches!(ir.kind, IrKind::And(..) | IrKind::Or(..) | IrKind::Not(_))
}

/// The reasons (`because "..."`) a condition can refuse with: its own, and
/// those of the yes-or-no rules it calls (each rule once).
fn reasons_in(program: &Program, ir: &Ir, out: &mut Vec<String>, rules: &mut Vec<usize>) {
    match &ir.kind {
        IrKind::Because {
            condition, reason, ..
        } => {
            out.push(reason.clone());
            reasons_in(program, condition, out, rules);
        }
        IrKind::And(l, r) | IrKind::Or(l, r) => {
            reasons_in(program, l, out, rules);
            reasons_in(program, r, out, rules);
        }
        IrKind::Not(x) => reasons_in(program, x, out, rules),
        IrKind::Call { rule, .. } if ir.ty == Type::Bool && !rules.contains(rule) => {
            rules.push(*rule);
            if let Some(def) = program.rules.get(*rule) {
                reasons_in(program, &def.body, out, rules);
            }
        }
        IrKind::Exceptions {
            base, exceptions, ..
        } => {
            reasons_in(program, base, out, rules);
            for e in exceptions {
                reasons_in(program, &e.value, out, rules);
            }
        }
        _ => {}
    }
}
