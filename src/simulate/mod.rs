//! Simulation: a timeline of cooperative acts over real books.
//!
//! Each act is a transaction. Its requirements are checked first (a refusal
//! lists every failing reason); then every effect is computed from the state
//! before the act; then the legal limits are checked on the new state; only
//! if all is well are the changes kept. A refused or failed act changes
//! nothing and the timeline goes on.

mod books;
pub mod input;
pub mod outcome;
pub mod sheets;
pub mod sink;
pub mod stream;
pub mod text;

use rust_decimal::Decimal;

use crate::diagnostic::{Code, Diagnostic};
use crate::eval::{Evaluator, Inputs};
use crate::program::*;
use crate::semantics::effects;
use crate::span::Span;
use crate::syntax::ast::ChangeOp;
use crate::types::Type;
use crate::value::{Value, ValueView, format_date};

pub use books::{AccountKey, Books, Entry};
pub use outcome::*;
pub use sink::{Collect, Sink};

/// The account into which a closed period's figures go, and from which its
/// allocations are paid.
pub const SURPLUS_ACCOUNT: &str = "surplus";

/// A cooperative during a simulation: its members, books, votes and
/// periods. Steps are run one at a time ([`Engine::run_step`]) from any
/// source (a rulebook's scenario, a JSON file or a CSV act log read as a
/// stream); what each makes goes to a [`Sink`] and is not kept.
pub struct Engine<'p> {
    program: &'p Program,
    inputs: Inputs,
    books: Books,
    /// Entries of the step being run, booked when it is done.
    pending: Vec<Entry>,
    motions: Vec<MotionOutcome>,
    elections: Vec<ElectionResult>,
    amendments: Vec<Amendment>,
    /// Amendments adopted but not yet in force (`effective` later than
    /// adoption), in the order adopted.
    awaiting: Vec<Awaiting>,
    /// Motions passed under a resolution that needs confirmation, awaiting
    /// their confirming meeting.
    unconfirmed: Vec<Unconfirmed>,
    /// First calls that were inquorate, under a resolution with a second
    /// call: (resolution, title, when notice was given).
    inquorate: Vec<(usize, Option<String>, Option<time::Date>)>,
    periods: Vec<PeriodOutcome>,
    /// Attributes counted per period, as they stood at each close: a
    /// column of every person's value per period and attribute.
    period_values: Vec<PeriodColumn>,
    /// Per period, allocation and tranche: each member's share, as
    /// (member, amount). The periods' views leave them out, so that a
    /// million members' shares are held as numbers, not text.
    shares: Vec<PeriodShares>,
    /// The inputs as the last period closed (figures set, before the
    /// per-period reset), when asked for (to explain a figure).
    at_close: Option<Inputs>,
    keep_close: bool,
    /// The rules in force, with amendments adopted so far.
    provenance: crate::provenance::Provenance,
    /// Per act: the slots of the arguments it admits.
    admits: Vec<Vec<usize>>,
    /// The dated parameters that still follow their dates (a motion that
    /// amends one ends that, from its date on).
    dated: Vec<usize>,
    /// Per limit: whether it reads the division of a surplus. Such a limit
    /// is about the close: it is checked there (for every member, if it is
    /// a limit on each), not after an act or a motion, when the division
    /// would be of the figures so far.
    reads_division: Vec<bool>,
    /// Whether a limit on each member reads the division (then every
    /// member is checked at a close): found once, not at every close.
    each_limit_reads_division: bool,
    /// People by name (a fast hash: names are looked up at every step).
    index: rustc_hash::FxHashMap<String, u32>,
    steps_run: usize,
    failures: usize,
    /// Close periods by columns where the allocations allow it.
    by_columns: bool,
    column_closes: usize,
    /// The financial year being run, so far.
    year: YearSoFar,
    /// Each financial year closed.
    years: Vec<YearRow>,
    /// The balances the books opened with.
    opening: Vec<crate::program::OpeningBalance>,
}

/// What a financial year has divided so far, until its last period
/// closes: then it is a [`YearRow`].
#[derive(Debug, Clone, Default)]
struct YearSoFar {
    /// Its first day in the run.
    start: Option<time::Date>,
    /// The allocations' amounts, summed (in the rulebook's currency, which
    /// its allocations divide).
    surplus: Decimal,
    /// Each tranche's total, by label and currency, in the order booked.
    tranches: Vec<(String, Type, Decimal)>,
}

/// Runs a scenario. `members` holds the scenario's members (inline and from
/// a file, as [`input::MemberTable`]).
pub fn simulate(
    program: &Program,
    scenario: &ScenarioDef,
    members: input::MemberTable,
) -> SimulationOutcome {
    simulate_with_progress(program, scenario, members, &mut |_, _| {})
}

/// [`simulate`], calling `progress(done, total)` after each step.
pub fn simulate_with_progress(
    program: &Program,
    scenario: &ScenarioDef,
    members: input::MemberTable,
    progress: &mut dyn FnMut(usize, usize),
) -> SimulationOutcome {
    collect(program, scenario, members, Collect::default(), progress)
}

/// [`simulate`] without the journal in the outcome: every other figure, for
/// a screen that shows statements and funds (the playground), at a fraction
/// of the cost for many members.
pub fn simulate_summary(
    program: &Program,
    scenario: &ScenarioDef,
    members: input::MemberTable,
) -> SimulationOutcome {
    let sink = Collect {
        without_journal: true,
        ..Collect::default()
    };
    collect(program, scenario, members, sink, &mut |_, _| {})
}

/// [`simulate`] closing every period member by member, never by columns:
/// the same outcome, for differential tests (tests/differential.rs).
pub fn simulate_by_rows(
    program: &Program,
    scenario: &ScenarioDef,
    members: input::MemberTable,
) -> SimulationOutcome {
    let mut engine = Engine::of_scenario(program, scenario, members).rows_only();
    let mut sink = Collect::default();
    for step in &scenario.steps {
        let _ = engine.run_step(step, &mut sink);
    }
    engine.into_outcome(&scenario.name, sink)
}

fn collect(
    program: &Program,
    scenario: &ScenarioDef,
    members: input::MemberTable,
    mut sink: Collect,
    progress: &mut dyn FnMut(usize, usize),
) -> SimulationOutcome {
    let mut engine = Engine::of_scenario(program, scenario, members);
    let total = scenario.steps.len();
    for step in &scenario.steps {
        // Collecting into memory cannot fail to write.
        let _ = engine.run_step(step, &mut sink);
        progress(engine.steps_run(), total);
    }
    engine.into_outcome(&scenario.name, sink)
}

/// The inputs of a simulation after step `until` (1-based; all steps when
/// `None`), for evaluating or explaining a figure there. After a step that
/// closes a period, they are the inputs as it closed: the period's figures
/// set, before the attributes counted per period start again.
pub fn inputs_after(
    program: &Program,
    scenario: &ScenarioDef,
    members: input::MemberTable,
    until: Option<usize>,
) -> (Inputs, crate::provenance::Provenance) {
    let mut engine = Engine::of_scenario(program, scenario, members);
    engine.keep_close = true;
    let last = until
        .unwrap_or(scenario.steps.len())
        .min(scenario.steps.len());
    let mut closed_last = false;
    let mut sink = Collect {
        without_journal: true,
        ..Collect::default()
    };
    for step in scenario.steps.iter().take(last) {
        let done = engine.run_step(step, &mut sink).unwrap_or(false);
        sink.steps.clear();
        closed_last = done && matches!(step.kind, StepDefKind::Close { .. });
    }
    let in_force = engine.provenance.clone();
    match (closed_last, engine.at_close.take()) {
        (true, Some(inputs)) => (inputs, in_force),
        _ => (engine.inputs, in_force),
    }
}

impl outcome::Statements for Engine<'_> {
    fn people(&self) -> usize {
        self.inputs.member_count()
    }

    fn statement(&self, m: usize) -> std::borrow::Cow<'_, MemberStatement> {
        std::borrow::Cow::Owned(Engine::statement(self, m))
    }

    fn columns(&self) -> Vec<String> {
        let mut columns: Vec<String> = Vec::new();
        for m in 0..self.inputs.member_count() {
            self.statement_names(m, |name| {
                if !columns.iter().any(|c| c == name) {
                    columns.push(name.to_string());
                }
            });
        }
        columns
    }
}

/// A period's shares: per allocation, per tranche, each (member, amount).
type PeriodShares = Vec<Vec<Vec<(u32, Decimal)>>>;

/// An attribute counted per period, as every person's stood at a close.
#[derive(Debug, Clone)]
struct PeriodColumn {
    /// `purchases in period 1`.
    name: String,
    ty: Type,
    /// By person; `None` for one who was not a member then, or had no value.
    values: Vec<Option<Value>>,
}

/// An amendment adopted that takes effect later.
struct Awaiting {
    /// The day it takes effect; none for `next period` without a financial
    /// year until a close ends the period.
    from: Option<time::Date>,
    /// The parameter and its new value.
    param: usize,
    value: Value,
    /// Its entry in the amendments listed.
    listed: usize,
    /// The day its motion passed.
    adopted: time::Date,
    /// Its provenance line as on adoption (`2026-04-01: share_interest =
    /// 4% per year by special (...)`).
    line: String,
}

/// A motion passed, awaiting confirmation at a later meeting.
struct Unconfirmed {
    resolution: usize,
    title: Option<String>,
    /// The day it passed.
    adopted: time::Date,
    amendments: Vec<(usize, Value)>,
    effective: Option<Effective>,
    /// The act it decides, done when it is confirmed.
    then: Option<Box<(usize, Vec<StepArg>)>>,
}

/// Why a step did not happen.
enum Stop {
    Refused(Vec<String>),
    Failed(Box<Diagnostic>),
}

impl From<Box<Diagnostic>> for Stop {
    fn from(d: Box<Diagnostic>) -> Self {
        Stop::Failed(d)
    }
}

/// A change an act makes, computed before any is applied.
enum Change {
    Attribute {
        member: usize,
        attr: usize,
        value: Value,
    },
    Post {
        debit: AccountKey,
        credit: AccountKey,
        amount: Decimal,
    },
    Admit(usize),
    Remove(usize),
}

impl<'p> Engine<'p> {
    /// A cooperative under `program` with parameters `params`, whose people
    /// are `members` (those with a `joined` date, and no `left`, members
    /// already), with empty books: a scenario's run starts from
    /// [`Engine::of_scenario`].
    pub fn new(program: &'p Program, params: Vec<Value>, members: input::MemberTable) -> Self {
        let count = members.names.len();
        // Who was a member before the timeline began (a register's or a
        // scenario's `joined`), and who has left since.
        let joined: Vec<Option<time::Date>> = (0..count).map(|i| members.joined(i)).collect();
        let left: Vec<Option<time::Date>> = (0..count).map(|i| members.left(i)).collect();
        let active: Vec<bool> = (0..count)
            .map(|i| joined[i].is_some() && left[i].is_none())
            .collect();
        let index: rustc_hash::FxHashMap<String, u32> = members
            .names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), i as u32))
            .collect();
        Engine {
            program,
            inputs: Inputs {
                params,
                member_names: members.names,
                members: members.columns,
                period: vec![None; program.period_fields.len()],
                votes: vec![None; program.resolutions.len()],
                absent_votes: vec![Vec::new(); program.resolutions.len()],
                sitting: crate::syntax::ast::Sitting::First,
                active,
                today: None,
                joined,
                left,
                not_in_force: Vec::new(),
                period_start: None,
                histories: vec![vec![Vec::new(); count]; program.histories.len()],
                schedules: vec![Vec::new(); program.params.len()],
                balances: std::collections::BTreeMap::new(),
            },
            books: Books::default(),
            pending: Vec::new(),
            motions: Vec::new(),
            elections: Vec::new(),
            amendments: Vec::new(),
            awaiting: Vec::new(),
            unconfirmed: Vec::new(),
            inquorate: Vec::new(),
            periods: Vec::new(),
            period_values: Vec::new(),
            shares: Vec::new(),
            at_close: None,
            keep_close: false,
            provenance: program.provenance.clone(),
            admits: program
                .acts
                .iter()
                .map(|def| {
                    def.effects
                        .iter()
                        .filter_map(|e| match e {
                            EffectIr::Admit(Ir {
                                kind: IrKind::Local(slot),
                                ..
                            }) => Some(*slot),
                            _ => None,
                        })
                        .collect()
                })
                .collect(),
            dated: program
                .params
                .iter()
                .enumerate()
                .filter(|(_, p)| !p.dated.is_empty())
                .map(|(i, _)| i)
                .collect(),
            reads_division: program
                .limits
                .iter()
                .map(|l| l.condition.reads_allocation(&program.rules))
                .collect(),
            each_limit_reads_division: program
                .limits
                .iter()
                .any(|l| l.each_member && l.condition.reads_allocation(&program.rules)),
            index,
            steps_run: 0,
            failures: 0,
            by_columns: true,
            column_closes: 0,
            year: YearSoFar::default(),
            years: Vec::new(),
            opening: Vec::new(),
        }
    }

    /// A cooperative at the start of `scenario`'s timeline: its
    /// parameters, `members` (its people, with those already admitted),
    /// and its books opened with its opening balances. Every run of a
    /// scenario starts here; [`Engine::new`] starts with empty books.
    pub fn of_scenario(
        program: &'p Program,
        scenario: &ScenarioDef,
        members: input::MemberTable,
    ) -> Self {
        Engine::new(program, scenario.params.clone(), members)
            .with_opening(&scenario.opening.balances)
    }

    /// The books open with `balances` (checked by
    /// [`input::open_books`]: they balance, and each member's account is
    /// of one of the people), brought forward: they are no movement of
    /// the first period.
    pub fn with_opening(mut self, balances: &[crate::program::OpeningBalance]) -> Self {
        for b in balances {
            let key = AccountKey {
                member: b.member,
                name: b.account.clone(),
            };
            let cell = self.books.totals.entry(key).or_default();
            cell.0 += b.debit;
            cell.1 += b.credit;
        }
        self.opening = balances.to_vec();
        self
    }

    /// How many periods were closed by columns.
    pub fn column_closes(&self) -> usize {
        self.column_closes
    }

    /// Closes every period member by member, never by columns: the same
    /// outcome, more slowly (for differential tests and for comparison).
    pub fn rows_only(mut self) -> Self {
        self.by_columns = false;
        self
    }

    /// How many steps have been run.
    pub fn steps_run(&self) -> usize {
        self.steps_run
    }

    /// How many steps failed on a fault in the rules or figures.
    pub fn failures(&self) -> usize {
        self.failures
    }

    /// Runs the next step, hands its outcome and journal lines to `sink`,
    /// and says whether it was done. An error is the sink's: the step has
    /// been run all the same.
    pub fn run_step(&mut self, step: &StepDef, sink: &mut dyn Sink) -> std::io::Result<bool> {
        self.steps_run += 1;
        let number = self.steps_run;
        self.inputs.today = Some(step.date);
        self.parameters_in_force(step.date);
        self.period_begins(step.date);
        self.rates_on(step.date);
        self.amendments_in_force(step.date);
        if !matches!(step.kind, StepDefKind::Close { .. }) {
            self.figures_so_far();
        }
        let result = match &step.kind {
            StepDefKind::Act { act, args } => self.act(number, step, *act, args),
            StepDefKind::Motion { .. } => self.motion(number, step),
            StepDefKind::Election { .. } => self.election(number, step),
            StepDefKind::Close { figures } => self.close(number, step, figures),
        };
        let (status, reasons, diagnostic) = match result {
            Ok(()) => (StepStatus::Done, Vec::new(), None),
            Err(Stop::Refused(reasons)) => (StepStatus::Refused, distinct(reasons), None),
            Err(Stop::Failed(d)) => (StepStatus::Failed, Vec::new(), Some(*d)),
        };
        let done = status == StepStatus::Done;
        if status == StepStatus::Failed {
            self.failures += 1;
        }
        // A refused or failed step booked nothing (its entries are dropped).
        let entries = std::mem::take(&mut self.pending);
        let journal = sink.wants_journal();
        let mut written = Ok(());
        for entry in entries.iter().filter(|_| done) {
            self.books.post(entry);
            if journal && written.is_ok() {
                written = sink.journal(self.journal_line(entry));
            }
        }
        if done && matches!(step.kind, StepDefKind::Close { .. }) {
            self.year_closes(step.date);
            self.books.start_period();
            self.next_period(step.date);
        } else if done {
            // An amendment adopted by this step is in force from its day.
            self.rates_on(step.date);
        }
        self.pending = entries;
        self.pending.clear();
        written?;
        // What the step was, in words, only for a sink that reads it (and
        // for every failure, which is always reported).
        if sink.wants_steps() || status == StepStatus::Failed {
            let article = diagnostic.as_ref().and_then(|d| self.article_at(d.span));
            sink.step(StepOutcome {
                step: number,
                date: format_date(step.date),
                what: self.describe(step),
                status,
                reasons,
                diagnostic,
                article,
            })?;
        }
        Ok(done)
    }

    /// The article of the rulebook whose text holds `span`, in words:
    /// `article 9 "Division of surplus"`. A span in the scenario's text is
    /// in no article, whatever its offsets.
    fn article_at(&self, span: Option<Span>) -> Option<String> {
        let span = span.filter(|s| s.source == Span::RULEBOOK && !s.is_empty())?;
        self.program
            .articles
            .iter()
            .find(|a| a.span.start <= span.start && span.end <= a.span.end)
            .map(|a| format!("article {} \"{}\"", a.number, a.title))
    }

    /// A step in words: `purchase(ada, £2.50)`, `motion special "..."`.
    fn describe(&self, step: &StepDef) -> String {
        match &step.kind {
            StepDefKind::Act { act, args } => self.describe_act(*act, args),
            StepDefKind::Motion {
                resolution, title, ..
            } => format!(
                "motion {}{}",
                self.program
                    .resolutions
                    .get(*resolution)
                    .map_or("?", |r| r.name.as_str()),
                title
                    .as_ref()
                    .map(|t| format!(" \"{t}\""))
                    .unwrap_or_default()
            ),
            StepDefKind::Close { .. } => "close period".to_string(),
            StepDefKind::Election { election, .. } => format!(
                "election {}",
                self.program
                    .elections
                    .get(*election)
                    .map_or("?", |e| e.name.as_str())
            ),
        }
    }

    fn journal_line(&self, e: &Entry) -> JournalLine {
        let money = self.program.currency.map_or(Type::Decimal, Type::Money);
        JournalLine {
            date: format_date(e.date),
            step: e.step,
            debit: self.account_name(&e.debit),
            credit: self.account_name(&e.credit),
            amount: self.view(&Value::Number(e.amount), money),
        }
    }

    fn view(&self, value: &Value, ty: Type) -> ValueView {
        ValueView::new(value, ty, self.program, &self.inputs.member_names)
    }

    fn describe_act(&self, act: usize, args: &[StepArg]) -> String {
        let Some(def) = self.program.acts.get(act) else {
            return "?".into();
        };
        let shown: Vec<String> = def
            .params
            .iter()
            .zip(args)
            .map(|((_, ty), a)| match a {
                StepArg::Member(name, _) => name.clone(),
                StepArg::Value(v) => self.view(v, *ty).display,
            })
            .collect();
        format!("{}({})", def.name, shown.join(", "))
    }

    fn member(&self, name: &str, span: crate::span::Span, place: &str) -> Result<u32, Stop> {
        self.index.get(name).copied().ok_or_else(|| {
            let mut d = Diagnostic::error(
                Code::UnknownName,
                format!("{place}: `{name}` is not in the scenario's member list"),
            )
            .help("list the person under `members`, or in the members file");
            // A step read from JSON has no place in the rulebook's text.
            if !span.is_empty() {
                d = d.at(span, "unknown member");
            }
            Stop::Failed(Box::new(d))
        })
    }

    fn account(
        &self,
        a: &AccountIr,
        ev: &mut Evaluator<'_>,
        frame: &mut Vec<Value>,
    ) -> Result<AccountKey, Stop> {
        let member = match &a.member {
            None => None,
            Some(m) => match ev.eval(m, frame)? {
                Value::Member(i) => Some(i),
                _ => None,
            },
        };
        Ok(AccountKey {
            member,
            name: a.name.clone(),
        })
    }

    fn act(
        &mut self,
        number: usize,
        step: &StepDef,
        act: usize,
        args: &[StepArg],
    ) -> Result<(), Stop> {
        let program = self.program;
        let def = &program.acts[act];
        let mut frame: Vec<Value> = Vec::with_capacity(def.frame_size);
        for arg in args {
            frame.push(match arg {
                StepArg::Member(name, span) => {
                    Value::Member(self.member(name, *span, &step.place)?)
                }
                StepArg::Value(v) => v.clone(),
            });
        }
        frame.resize(def.frame_size.max(frame.len()), Value::Bool(false));

        // A cooperative act is between the cooperative and its members: a
        // member argument must be a member, unless the act admits them.
        let admitted = &self.admits[act];
        let mut reasons = Vec::new();
        for (slot, (name, ty)) in def.params.iter().enumerate() {
            if let (Type::Member, Some(Value::Member(m))) = (ty, frame.get(slot)) {
                let m = *m as usize;
                let who = &self.inputs.member_names[m];
                if admitted.contains(&slot) {
                    if self.inputs.is_active(m) {
                        reasons.push(format!("{who} is already a member"));
                    }
                } else if !self.inputs.is_active(m) {
                    reasons.push(format!("{who} is not a member (as `{name}`)"));
                }
            }
        }
        if !reasons.is_empty() {
            return Err(Stop::Refused(reasons));
        }

        let mut ev = Evaluator::new(program, &self.inputs);
        for requirement in &def.requires {
            let (holds, refusals) = ev.condition_refusals(requirement, &mut frame)?;
            if !holds {
                if refusals.is_empty() {
                    reasons.push(format!("a requirement of `{}` does not hold", def.name));
                } else {
                    reasons.extend(refusals.iter().map(|r| r.sentence()));
                }
            }
        }
        if !reasons.is_empty() {
            return Err(Stop::Refused(reasons));
        }

        // Every effect from the state before the act.
        let mut changes = Vec::with_capacity(def.effects.len());
        // The attributes changed so far, newest last (an act changes few).
        let mut pending: Vec<((usize, usize), Value)> = Vec::new();
        self.effects(
            &mut ev,
            &def.effects,
            &mut frame,
            &mut pending,
            &mut changes,
        )?;
        drop(ev);

        // Apply, check the limits on the new state, and undo on a breach.
        let mut undo: Vec<(usize, usize, Option<Value>)> = Vec::new();
        let mut undo_active: Vec<(usize, bool)> = Vec::new();
        let mut touched: Vec<usize> = Vec::new();
        for change in &changes {
            match change {
                Change::Attribute {
                    member,
                    attr,
                    value,
                } => {
                    if let Some(cell) = self
                        .inputs
                        .members
                        .get_mut(*attr)
                        .and_then(|c| c.get_mut(*member))
                    {
                        undo.push((*member, *attr, cell.replace(value.clone())));
                        touched.push(*member);
                    }
                }
                Change::Admit(m) => {
                    undo_active.push((*m, self.inputs.active[*m]));
                    self.inputs.active[*m] = true;
                    touched.push(*m);
                }
                Change::Remove(m) => {
                    undo_active.push((*m, self.inputs.active[*m]));
                    self.inputs.active[*m] = false;
                }
                Change::Post { .. } => {}
            }
        }
        let breaches = self.breaches(&touched, false);
        if !breaches.is_empty() {
            for (m, attr, old) in undo.into_iter().rev() {
                self.inputs.members[attr][m] = old;
            }
            for (m, was) in undo_active.into_iter().rev() {
                self.inputs.active[m] = was;
            }
            return Err(Stop::Refused(breaches));
        }
        for change in changes {
            match change {
                Change::Post {
                    debit,
                    credit,
                    amount,
                } => self.pending.push(Entry {
                    date: step.date,
                    step: number,
                    debit,
                    credit,
                    amount,
                }),
                Change::Admit(m) => {
                    self.inputs.joined[m] = Some(step.date);
                    self.inputs.left[m] = None;
                }
                Change::Remove(m) => {
                    self.inputs.left[m] = Some(step.date);
                    touched.push(m);
                }
                Change::Attribute { .. } => {}
            }
        }
        for m in touched {
            self.record_histories(m, step.date);
        }
        Ok(())
    }

    /// The first step of a period: it begins on the later of the rulebook's
    /// `in force` date and the start of the financial-year period holding
    /// `date`; with no financial year, on `date` itself.
    fn period_begins(&mut self, date: time::Date) {
        if self.inputs.period_start.is_some() {
            return;
        }
        let program = self.program;
        let start = program
            .calendar
            .and_then(|c| crate::semantics::time::period_containing(&c, date))
            .map_or(date, |(first, _)| first);
        let start = match program.in_force {
            Some(in_force) if in_force > start && in_force <= date => in_force,
            _ => start,
        };
        self.inputs.period_start = Some(start);
        self.year.start.get_or_insert(start);
    }

    /// After the close of a period on `date`: if it was the last period of
    /// a financial year (the next day begins one), the year's row, with the
    /// balances as the close left them. Without a financial year there
    /// are no years to count.
    fn year_closes(&mut self, date: time::Date) {
        let Some(calendar) = self.program.calendar else {
            return;
        };
        let Some(next) = date.next_day() else {
            return;
        };
        if (next.month(), next.day()) != (calendar.month, calendar.day) {
            return;
        }
        let year = std::mem::take(&mut self.year);
        // The year is named by the years its days fall in: from 1 April
        // 2026 to 31 March 2027 is 2026-27; from 1 January, 2026.
        let first = next.year() - 1;
        let label = if first == date.year() {
            first.to_string()
        } else {
            format!("{first}-{:02}", date.year().rem_euclid(100))
        };
        let mut member_accounts: Vec<(std::sync::Arc<str>, Decimal)> = Vec::new();
        for (key, (debit, credit)) in self.books.totals.iter().filter(|(k, _)| k.member.is_some()) {
            match member_accounts
                .iter_mut()
                .find(|(name, _)| *name == key.name)
            {
                Some((_, sum)) => *sum += *credit - *debit,
                None => member_accounts.push((key.name.clone(), *credit - *debit)),
            }
        }
        member_accounts.sort_by(|a, b| a.0.cmp(&b.0));
        let row = YearRow {
            year: label,
            start: format_date(year.start.unwrap_or(date)),
            end: format_date(date),
            surplus: self.money(year.surplus),
            tranches: year
                .tranches
                .iter()
                .map(|(label, ty, total)| Named {
                    name: label.clone(),
                    value: self.view(&Value::Number(*total), *ty),
                })
                .collect(),
            accounts: self
                .books
                .totals
                .iter()
                .filter(|(k, (d, c))| k.member.is_none() && d != c)
                .map(|(k, (d, c))| Named {
                    name: k.name.to_string(),
                    value: self.money(*c - *d),
                })
                .collect(),
            members: self.inputs.members_now().count(),
            member_accounts: member_accounts
                .into_iter()
                .map(|(name, sum)| Named {
                    name: name.to_string(),
                    value: self.money(sum),
                })
                .collect(),
        };
        self.years.push(row);
        self.year.start = Some(next);
    }

    /// After a close on `date`: the next period begins the day after, and
    /// what `accrued` follows starts again from what is held then.
    fn next_period(&mut self, date: time::Date) {
        let Some(next) = date.next_day() else {
            return;
        };
        self.inputs.period_start = Some(next);
        // Amendments effective from the next period: this one.
        for a in self.awaiting.iter_mut().filter(|a| a.from.is_none()) {
            a.from = Some(next);
            if let Some(listed) = self.amendments.get_mut(a.listed) {
                listed.effective = format_date(next);
            }
        }
        for slot in 0..self.program.histories.len() {
            for m in 0..self.inputs.member_count() {
                self.inputs.histories[slot][m].clear();
                self.record_history(slot, m, next);
            }
        }
        for schedule in &mut self.inputs.schedules {
            if let Some(&(_, last)) = schedule.last() {
                *schedule = vec![(next, last)];
            }
        }
    }

    /// What person `m` holds of each attribute `accrued` follows, from
    /// `date` on: nothing once they are no longer a member.
    fn record_histories(&mut self, m: usize, date: time::Date) {
        for slot in 0..self.program.histories.len() {
            self.record_history(slot, m, date);
        }
    }

    fn record_history(&mut self, slot: usize, m: usize, date: time::Date) {
        let attr = self.program.histories[slot];
        let held = if self.inputs.is_active(m) {
            self.inputs.members[attr][m]
                .as_ref()
                .and_then(Value::as_number)
                .unwrap_or_default()
        } else {
            Decimal::ZERO
        };
        let history = &mut self.inputs.histories[slot][m];
        match history.last_mut() {
            Some((d, v)) if *d == date => *v = held,
            Some((_, v)) if *v == held => {}
            None if held.is_zero() => {}
            _ => history.push((date, held)),
        }
    }

    /// Each rate `accrued` reads, as in force from `date` if it changed: a
    /// dated value from its own date (or the period's start), any other
    /// change (an amendment) from `date`.
    fn rates_on(&mut self, date: time::Date) {
        let program = self.program;
        let start = self.inputs.period_start.unwrap_or(date);
        for &p in &program.accrual_rates {
            let Some(value) = self.inputs.params.get(p).and_then(Value::as_number) else {
                continue;
            };
            let dated = &program.params[p].dated;
            let schedule = &mut self.inputs.schedules[p];
            if schedule.is_empty() {
                // What was in force when the period began.
                let first = if dated.is_empty() {
                    Some(value)
                } else {
                    crate::semantics::time::in_force_on(dated, start).and_then(Value::as_number)
                };
                if let Some(first) = first {
                    schedule.push((start, first));
                }
            }
            if schedule.last().is_some_and(|(_, v)| *v == value) {
                continue;
            }
            let from = crate::semantics::time::in_force_index(dated, date)
                .and_then(|i| dated.get(i))
                .filter(|(_, v)| v.as_number() == Some(value))
                .map_or(date, |(d, _)| (*d).max(start));
            schedule.push((from, value));
        }
    }

    /// Computes the changes `effects` make, from the state before the act.
    fn effects(
        &self,
        ev: &mut Evaluator<'_>,
        effects: &[EffectIr],
        frame: &mut Vec<Value>,
        pending: &mut Vec<((usize, usize), Value)>,
        changes: &mut Vec<Change>,
    ) -> Result<(), Stop> {
        let program = self.program;
        for effect in effects {
            match effect {
                EffectIr::Admit(m) | EffectIr::Remove(m) => {
                    let Value::Member(i) = ev.eval(m, frame)? else {
                        continue;
                    };
                    changes.push(if matches!(effect, EffectIr::Admit(_)) {
                        Change::Admit(i as usize)
                    } else {
                        Change::Remove(i as usize)
                    });
                }
                EffectIr::Post {
                    amount,
                    debit,
                    credit,
                    span,
                } => {
                    let value = ev.eval(amount, frame)?;
                    let amount = value.as_number().unwrap_or_default();
                    let (debit, credit) = (
                        self.account(debit, ev, frame)?,
                        self.account(credit, ev, frame)?,
                    );
                    if let Some(amount) = effects::posting(amount, *span)? {
                        changes.push(Change::Post {
                            debit,
                            credit,
                            amount,
                        });
                    }
                }
                EffectIr::ForEach {
                    who,
                    var,
                    filter,
                    effects,
                } => {
                    if frame.len() <= *var {
                        frame.resize(var + 1, Value::Bool(false));
                    }
                    for m in 0..self.inputs.member_count() {
                        if !self.inputs.standing(*who, m) {
                            continue;
                        }
                        frame[*var] = Value::Member(m as u32);
                        if let Some(f) = filter {
                            if ev.eval(f, frame)? != Value::Bool(true) {
                                continue;
                            }
                        }
                        self.effects(ev, effects, frame, pending, changes)?;
                    }
                }
                EffectIr::Change {
                    op,
                    member,
                    attr,
                    value,
                    span,
                } => {
                    let Value::Member(m) = ev.eval(member, frame)? else {
                        continue;
                    };
                    let m = m as usize;
                    let v = ev.eval(value, frame)?;
                    let new = match op {
                        ChangeOp::Set => v,
                        ChangeOp::Add | ChangeOp::Subtract => {
                            let old = pending
                                .iter()
                                .rev()
                                .find(|(at, _)| *at == (m, *attr))
                                .map(|(_, v)| v.clone())
                                .or_else(|| {
                                    self.inputs
                                        .members
                                        .get(*attr)
                                        .and_then(|c| c.get(m))
                                        .cloned()
                                        .flatten()
                                });
                            Value::Number(effects::changed(
                                *op,
                                old.as_ref().and_then(Value::as_number),
                                v.as_number().unwrap_or_default(),
                                &self.inputs.member_names[m],
                                &program.member_attrs[*attr].name,
                                *span,
                            )?)
                        }
                    };
                    pending.push(((m, *attr), new.clone()));
                    changes.push(Change::Attribute {
                        member: m,
                        attr: *attr,
                        value: new,
                    });
                }
            }
        }
        Ok(())
    }

    /// Breaches, in words, of the limits on the cooperative and on the
    /// members an act touched.
    fn breaches(&self, touched: &[usize], at_close: bool) -> Vec<String> {
        let program = self.program;
        let mut ev = Evaluator::new(program, &self.inputs);
        let mut out = Vec::new();
        let mut frame = Vec::new();
        for (limit, reads_division) in program.limits.iter().zip(&self.reads_division) {
            if *reads_division && !at_close {
                continue;
            }
            let each = touched
                .iter()
                .filter(|m| limit.each_member && self.inputs.is_active(**m))
                .map(|m| Some(*m as u32));
            let once = (!limit.each_member).then_some(None);
            for member in each.chain(once) {
                frame.clear();
                frame.resize(limit.frame_size.max(1), Value::Bool(false));
                if let Some(m) = member {
                    frame[0] = Value::Member(m);
                }
                if let Ok((false, _)) = ev.condition_refusals(&limit.condition, &mut frame) {
                    let detail = ev.detail_of(&limit.condition, &mut frame);
                    let whose = member
                        .map(|m| format!(" for {}", self.inputs.member_names[m as usize]))
                        .unwrap_or_default();
                    out.push(format!(
                        "the limit `{}` would be breached{whose}{}{}",
                        limit.name,
                        detail.map(|d| format!(": {d}")).unwrap_or_default(),
                        limit
                            .source
                            .as_ref()
                            .map(|s| format!(" ({s})"))
                            .unwrap_or_default()
                    ));
                }
            }
        }
        out
    }

    /// An election's ballots counted: every candidate a member who may
    /// stand, every voter a member who may vote, or the step is refused
    /// with the reasons; the count is the evaluator's.
    fn election(&mut self, number: usize, step: &StepDef) -> Result<(), Stop> {
        let StepDefKind::Election {
            election,
            candidates,
            ballots,
            seed,
        } = &step.kind
        else {
            return Ok(());
        };
        let program = self.program;
        let mut reasons = Vec::new();
        let mut ev = Evaluator::new(program, &self.inputs);
        let mut standing: Vec<u32> = Vec::with_capacity(candidates.len());
        for (name, span) in candidates {
            let m = self.member(name, *span, &step.place)?;
            standing.push(m);
            if !self.inputs.is_active(m as usize) {
                reasons.push(format!("{name} is not a member and cannot stand"));
                continue;
            }
            let (may, why) = ev.eligible(*election, m, false)?;
            if !may {
                if why.is_empty() {
                    reasons.push(format!("{name} may not stand"));
                } else {
                    reasons.extend(why.iter().map(|w| format!("{name} may not stand: {w}")));
                }
            }
        }
        for (voter, span, _) in ballots {
            let m = self.member(voter, *span, &step.place)?;
            if !self.inputs.is_active(m as usize) {
                reasons.push(format!("{voter} is not a member and cannot vote"));
                continue;
            }
            let (may, why) = ev.eligible(*election, m, true)?;
            if !may {
                if why.is_empty() {
                    reasons.push(format!(
                        "{voter} may not vote in {}",
                        program.elections[*election].name
                    ));
                } else {
                    reasons.extend(why.iter().map(|w| format!("{voter} may not vote: {w}")));
                }
            }
        }
        if !reasons.is_empty() {
            return Err(Stop::Refused(reasons));
        }
        let reserved = ev.reserves(*election, &standing)?;
        // Reserved seats are for separate groups: a candidate in two would
        // count twice towards what the reserves need.
        for (c, name) in candidates.iter().enumerate() {
            let meets = reserved
                .iter()
                .filter(|r| r.holds.get(c).copied().unwrap_or(false))
                .count();
            if meets > 1 {
                reasons.push(format!(
                    "{} meets the conditions of {meets} reserved seats: a candidate may meet one",
                    name.0
                ));
            }
        }
        for r in &reserved {
            let qualify = r.holds.iter().filter(|&&h| h).count();
            if qualify < r.seats {
                let seats = |n: usize| format!("{n} seat{}", if n == 1 { "" } else { "s" });
                reasons.push(format!(
                    "{} {} reserved, and only {qualify} of the candidates qualif{}",
                    seats(r.seats),
                    if r.seats == 1 { "is" } else { "are" },
                    if qualify == 1 { "ies" } else { "y" }
                ));
            }
        }
        if !reasons.is_empty() {
            return Err(Stop::Refused(reasons));
        }
        let names: Vec<String> = candidates.iter().map(|(n, _)| n.clone()).collect();
        let papers: Vec<Vec<usize>> = ballots.iter().map(|(_, _, c)| c.clone()).collect();
        let outcome = ev.election(*election, &names, &papers, *seed, &reserved)?;
        drop(ev);
        self.elections.push(ElectionResult {
            step: number,
            date: format_date(step.date),
            outcome,
        });
        Ok(())
    }

    fn motion(&mut self, number: usize, step: &StepDef) -> Result<(), Stop> {
        use crate::syntax::ast::Sitting;
        let StepDefKind::Motion {
            resolution,
            title,
            for_,
            against,
            abstain,
            amendments,
            effective,
            absent,
            sitting,
            notice,
            then,
        } = &step.kind
        else {
            return Ok(());
        };
        let program = self.program;
        let def = &program.resolutions[*resolution];
        // A parameter another resolution alone amends (`alone amends`): the
        // motion is refused before its vote, whatever source gave the step.
        let reserved: Vec<String> = amendments
            .iter()
            .filter_map(|(param, _)| {
                crate::check::steps::reserved_for_another(
                    &program.resolutions,
                    *resolution,
                    *param,
                    &program.params,
                )
            })
            .map(|d| d.message)
            .collect();
        if !reserved.is_empty() {
            return Err(Stop::Refused(reserved));
        }
        // The meeting itself, before its vote: a second call reconvenes an
        // inquorate first call (and keeps its notice); a confirming meeting
        // falls in its window; the notice meets the rules.
        let same = |r: usize, t: &Option<String>| r == *resolution && t == title;
        // What the meeting reconvenes or confirms is taken from the
        // engine's state only once its vote is counted: a meeting refused
        // (on notice, a non-member's vote) leaves it as it was.
        let mut notice = *notice;
        let mut reconvenes = None;
        let mut confirms = None;
        match sitting {
            Sitting::First => {}
            Sitting::SecondCall => {
                let Some(i) = self.inquorate.iter().position(|(r, t, _)| same(*r, t)) else {
                    return Err(Stop::Refused(vec![format!(
                        "a second call reconvenes a meeting that was inquorate at its first call, and no inquorate first call of {} is recorded",
                        motion_name(def, title)
                    )]));
                };
                notice = notice.or(self.inquorate[i].2);
                reconvenes = Some(i);
            }
            Sitting::Confirming => {
                let Some(i) = self
                    .unconfirmed
                    .iter()
                    .position(|u| same(u.resolution, &u.title))
                else {
                    return Err(Stop::Refused(vec![format!(
                        "no motion {} passed and awaiting confirmation is recorded",
                        motion_name(def, title)
                    )]));
                };
                if let Some(c) = &def.procedure.confirmation {
                    let adopted = self.unconfirmed[i].adopted;
                    if let Err((why, lapsed)) = confirmation_window(c, adopted, step.date) {
                        if lapsed {
                            self.unconfirmed.remove(i);
                        }
                        return Err(Stop::Refused(vec![why]));
                    }
                }
                confirms = Some(i);
            }
        }
        if let Some(why) = notice_problem(def, notice, step.date) {
            return Err(Stop::Refused(vec![why]));
        }
        let mut votes = vec![Vote::Absent; self.inputs.member_count()];
        for (list, vote) in [
            (for_, Vote::For),
            (against, Vote::Against),
            (abstain, Vote::Abstain),
        ] {
            for (name, span) in list {
                let m = self.member(name, *span, &step.place)? as usize;
                if !self.inputs.is_active(m) {
                    return Err(Stop::Refused(vec![format!(
                        "{name} is not a member and cannot vote"
                    )]));
                }
                votes[m] = vote;
            }
        }
        let mut by = Vec::with_capacity(absent.len());
        for (voter, holder) in absent {
            let span = crate::span::Span::default();
            let voter = self.member(voter, span, &step.place)? as usize;
            let proxy = match holder {
                Some(h) => Some(self.member(h, span, &step.place)? as usize),
                None => None,
            };
            by.push(crate::program::AbsentVote { voter, proxy });
        }
        if self.inputs.absent_votes.len() <= *resolution {
            self.inputs.absent_votes.resize(*resolution + 1, Vec::new());
        }
        self.inputs.votes[*resolution] = Some(votes);
        self.inputs.absent_votes[*resolution] = by;
        self.inputs.sitting = *sitting;
        let outcome = Evaluator::new(program, &self.inputs).resolution(*resolution);
        self.inputs.votes[*resolution] = None;
        self.inputs.absent_votes[*resolution] = Vec::new();
        self.inputs.sitting = Sitting::First;
        let mut outcome = outcome?;
        if let Some(i) = reconvenes {
            self.inquorate.remove(i);
        }
        let confirming = confirms.map(|i| self.unconfirmed.remove(i));
        let record = |outcome: crate::eval::ResolutionOutcome| MotionOutcome {
            step: number,
            date: format_date(step.date),
            title: title.clone(),
            sitting: *sitting,
            outcome,
        };
        let passed = outcome.passed;
        if *sitting == Sitting::First && !outcome.quorate && def.procedure.second_call.is_some() {
            self.inquorate.retain(|(r, t, _)| !same(*r, t));
            self.inquorate.push((*resolution, title.clone(), notice));
        }
        // Passed, under a resolution that needs confirming: nothing takes
        // effect until a later meeting confirms it.
        if let (true, Sitting::First, Some(c)) = (passed, sitting, &def.procedure.confirmation) {
            use crate::semantics::meeting::after;
            let from = after(step.date, c.earliest).map_or_else(String::new, format_date);
            let to = after(step.date, c.latest).map_or_else(String::new, format_date);
            outcome.reason = format!(
                "{}; it takes effect only when confirmed at a later meeting held from {from} to {to}",
                outcome.reason
            );
            self.unconfirmed.retain(|u| !same(u.resolution, &u.title));
            self.unconfirmed.push(Unconfirmed {
                resolution: *resolution,
                title: title.clone(),
                adopted: step.date,
                amendments: amendments.clone(),
                effective: *effective,
                then: then.clone(),
            });
            self.motions.push(record(outcome));
            return Ok(());
        }
        let (amendments, effective, then) = match &confirming {
            Some(pending) => (&pending.amendments, &pending.effective, &pending.then),
            None => (amendments, effective, then),
        };
        // The act the motion decides, by the one definition of acts: a
        // refused act changes nothing, and the motion's step is refused
        // with its reasons (the vote is recorded as it was).
        if let (true, Some(decided)) = (passed, then) {
            let (act, args) = &**decided;
            if let Err(stop) = self.act(number, step, *act, args) {
                self.motions.push(record(outcome));
                return Err(match stop {
                    Stop::Refused(reasons) => {
                        let name = &program.acts[*act].name;
                        Stop::Refused(
                            reasons
                                .into_iter()
                                .map(|r| format!("the motion passed, but `{name}` is refused: {r}"))
                                .collect(),
                        )
                    }
                    failed => failed,
                });
            }
        }
        if passed {
            if let Err(breaches) = self.adopt(
                number,
                step.date,
                *resolution,
                amendments,
                *effective,
                &outcome,
            )? {
                self.motions.push(record(outcome));
                return Err(Stop::Refused(breaches));
            }
        }
        let reason = outcome.reason.clone();
        self.motions.push(record(outcome));
        match (passed, confirming.is_some()) {
            (true, _) => Ok(()),
            (false, true) => Err(Stop::Refused(vec![format!(
                "the motion was not confirmed: {reason}"
            )])),
            (false, false) => Err(Stop::Refused(vec![format!(
                "the motion did not pass: {reason}"
            )])),
        }
    }

    /// A motion's amendments, adopted on `date` by a vote counted as
    /// `outcome`: in force as their resolution or the motion says, or
    /// the limits they would break (nothing then changes).
    #[allow(clippy::type_complexity)]
    fn adopt(
        &mut self,
        number: usize,
        date: time::Date,
        resolution: usize,
        amendments: &[(usize, Value)],
        effective: Option<Effective>,
        outcome: &crate::eval::ResolutionOutcome,
    ) -> Result<Result<(), Vec<String>>, Stop> {
        let program = self.program;
        let old_params = self.inputs.params.clone();
        let old_in_force = self.inputs.not_in_force.clone();
        for (param, value) in amendments {
            self.inputs.params[*param] = value.clone();
            if let Some(slot) = self.inputs.not_in_force.get_mut(*param) {
                *slot = None;
            }
        }
        let breaches = self.breaches(&[], false);
        if !breaches.is_empty() {
            self.inputs.params = old_params;
            self.inputs.not_in_force = old_in_force;
            return Ok(Err(breaches));
        }
        let when = effective.unwrap_or(program.resolutions[resolution].effective);
        let from = self.effective_from(when, date)?;
        let now = from == Some(date);
        if now {
            // An amended dated parameter keeps its new value from now on.
            self.dated
                .retain(|p| !amendments.iter().any(|(amended, _)| amended == p));
        } else {
            // Checked with the new values, in force only from `from`.
            self.inputs.params = old_params.clone();
            self.inputs.not_in_force = old_in_force;
        }
        for (param, value) in amendments {
            let ty = program.params[*param].ty;
            let line = format!(
                "{}: {} = {} by {} ({} for, {} against)",
                format_date(date),
                program.params[*param].name,
                self.view(value, ty).display,
                outcome.name,
                outcome.votes_for.normalize(),
                outcome.votes_against.normalize()
            );
            let in_force = if now {
                self.provenance = self.provenance.amended(&line);
                self.provenance.clone()
            } else {
                // The rules once it is in force, if nothing else is
                // amended first (set again when it takes effect).
                self.provenance.amended(&in_force_from(&line, from, date))
            };
            if !now {
                self.awaiting.push(Awaiting {
                    from,
                    param: *param,
                    value: value.clone(),
                    listed: self.amendments.len(),
                    adopted: date,
                    line,
                });
            }
            self.amendments.push(Amendment {
                step: number,
                date: format_date(date),
                effective: from.map_or_else(|| when.to_string(), format_date),
                parameter: program.params[*param].name.clone(),
                old: self.view(&old_params[*param], ty),
                new: self.view(value, ty),
                resolution: outcome.name.clone(),
                votes_for: outcome.votes_for.normalize().to_string(),
                votes_against: outcome.votes_against.normalize().to_string(),
                reason: outcome.reason.clone(),
                in_force,
            });
        }
        Ok(Ok(()))
    }

    /// The day amendments adopted on `adopted` take effect `when`: none
    /// for `next period` with no financial year, until a close ends the
    /// period. A date before adoption (refused by the checker, E0709) is
    /// taken as adoption.
    fn effective_from(
        &self,
        when: Effective,
        adopted: time::Date,
    ) -> Result<Option<time::Date>, Stop> {
        let too_far = || {
            Stop::Failed(Box::new(
                Diagnostic::error(
                    Code::BadEffective,
                    "the amendments would take effect after the last date the calendar has",
                )
                .help("give the amendments a date, or fewer days after adoption"),
            ))
        };
        Ok(match when {
            Effective::OnAdoption => Some(adopted),
            Effective::On(date) => Some(date.max(adopted)),
            Effective::DaysAfter(days) => Some(
                adopted
                    .checked_add(time::Duration::days(i64::from(days)))
                    .ok_or_else(too_far)?,
            ),
            Effective::NextPeriod => match self.program.calendar {
                Some(calendar) => {
                    let (_, last) = crate::semantics::time::period_containing(&calendar, adopted)
                        .ok_or_else(too_far)?;
                    Some(last.next_day().ok_or_else(too_far)?)
                }
                None => None,
            },
        })
    }

    /// Amendments adopted earlier that take effect on or before `date`, in
    /// the order of their dates (then of adoption): each parameter takes
    /// its new value, the rate `accrued` reads changes on the amendment's
    /// own date (not the step's), and the rules in force are amended then.
    fn amendments_in_force(&mut self, date: time::Date) {
        if self
            .awaiting
            .iter()
            .all(|a| a.from.is_none_or(|f| f > date))
        {
            return;
        }
        let program = self.program;
        let (mut due, rest): (Vec<Awaiting>, Vec<Awaiting>) = std::mem::take(&mut self.awaiting)
            .into_iter()
            .partition(|a| a.from.is_some_and(|f| f <= date));
        self.awaiting = rest;
        due.sort_by_key(|a| a.from);
        let start = self.inputs.period_start.unwrap_or(date);
        for a in due {
            let from = a.from.unwrap_or(date);
            self.inputs.params[a.param] = a.value.clone();
            if let Some(slot) = self.inputs.not_in_force.get_mut(a.param) {
                *slot = None;
            }
            // What the members voted is the value from then on, later
            // dated values included.
            self.dated.retain(|p| *p != a.param);
            if program.accrual_rates.contains(&a.param) {
                if let Some(rate) = a.value.as_number() {
                    let schedule = &mut self.inputs.schedules[a.param];
                    let since = from.max(start);
                    schedule.retain(|(d, _)| *d < since);
                    schedule.push((since, rate));
                }
            }
            self.provenance =
                self.provenance
                    .amended(&in_force_from(&a.line, Some(from), a.adopted));
            if let Some(listed) = self.amendments.get_mut(a.listed) {
                listed.in_force = self.provenance.clone();
            }
        }
    }

    /// Each dated parameter's value in force on `date`, or none yet.
    fn parameters_in_force(&mut self, date: time::Date) {
        let program = self.program;
        for &i in &self.dated {
            let dated = &program.params[i].dated;
            match crate::semantics::time::in_force_on(dated, date) {
                Some(v) => {
                    self.inputs.params[i] = v.clone();
                    if let Some(slot) = self.inputs.not_in_force.get_mut(i) {
                        *slot = None;
                    }
                }
                None => {
                    self.inputs.not_in_force.resize(program.params.len(), None);
                    self.inputs.not_in_force[i] = dated.first().map(|(d, _)| *d);
                }
            }
        }
    }

    /// The period's figures kept in the books, as booked so far: before a
    /// step, the movements of the steps before it (its own postings are
    /// still pending). A figure given at the close stays unset until then.
    fn figures_so_far(&mut self) {
        let program = self.program;
        for (i, field) in program.period_fields.iter().enumerate() {
            self.inputs.period[i] = field.ledger.as_ref().map(|(credits, account)| {
                let (d, c) = self.books.movement(account);
                Value::Number(if *credits { c - d } else { d - c })
            });
        }
    }

    fn close(
        &mut self,
        number: usize,
        step: &StepDef,
        given: &[(usize, Value)],
    ) -> Result<(), Stop> {
        let program = self.program;
        // The period's figures: from the books, or as given.
        self.figures_so_far();
        let mut figures = self.inputs.period.clone();
        for (i, v) in given {
            figures[*i] = Some(v.clone());
        }
        self.inputs.period = figures.clone();
        // What the accounts a loss block names hold: a reserve's credit
        // balance, the losses carried forward's debit balance.
        self.inputs.balances.clear();
        for def in &program.allocations {
            let Some(loss) = &def.loss else { continue };
            for name in loss.reserves() {
                let (d, c) = self.account_total(name);
                self.inputs.balances.insert(name.to_string(), c - d);
            }
            if loss.carries_forward() {
                let (d, c) = self.account_total(LOSSES_CARRIED_FORWARD);
                self.inputs
                    .balances
                    .insert(LOSSES_CARRIED_FORWARD.to_string(), d - c);
            }
        }
        // By columns, every member at once, whenever the allocations can
        // be; else member by member. Both give the same shares.
        let by_columns = self
            .by_columns
            .then(|| crate::batch::period_allocations(program, &self.inputs))
            .flatten();
        let outcomes: Vec<std::sync::Arc<crate::eval::AllocationOutcome>> = match by_columns {
            Some(done) => {
                let done = done?;
                self.column_closes += 1;
                done.into_iter().map(std::sync::Arc::new).collect()
            }
            None => {
                let mut ev = Evaluator::new(program, &self.inputs);
                let mut outcomes = Vec::with_capacity(program.allocations.len());
                for a in 0..program.allocations.len() {
                    outcomes.push(ev.allocation(a)?);
                }
                outcomes
            }
        };

        // The limits on the cooperative hold on the division too (an asset
        // lock says where every penny of a surplus goes): a close that
        // would breach one is refused, and books nothing.
        // A limit on each member that reads the division (nothing shared
        // to a member) is checked for every member now.
        let everyone: Vec<usize> = if self.each_limit_reads_division {
            self.inputs.members_now().collect()
        } else {
            Vec::new()
        };
        let breaches = self.breaches(&everyone, true);
        if !breaches.is_empty() {
            self.inputs.period = vec![None; program.period_fields.len()];
            return Err(Stop::Refused(breaches));
        }

        // Book: the figures from accounts close into the surplus account;
        // each allocation is paid out of it.
        let surplus = AccountKey {
            member: None,
            name: SURPLUS_ACCOUNT.into(),
        };
        let mut entries = Vec::new();
        for (i, field) in program.period_fields.iter().enumerate() {
            if let (Some((credits, account)), Some(Value::Number(amount))) =
                (&field.ledger, &figures[i])
            {
                let key = AccountKey {
                    member: None,
                    name: account.as_str().into(),
                };
                let (debit, credit, amount) = match (*credits, *amount >= Decimal::ZERO) {
                    (true, true) => (key, surplus.clone(), *amount),
                    (true, false) => (surplus.clone(), key, -*amount),
                    (false, true) => (surplus.clone(), key, *amount),
                    (false, false) => (key, surplus.clone(), -*amount),
                };
                if !amount.is_zero() {
                    entries.push((debit, credit, amount));
                }
            }
        }
        let mut views = Vec::new();
        let mut shares: PeriodShares = Vec::with_capacity(outcomes.len());
        // Shares of tranches credited to members' attributes: (member, to
        // what, how much), applied once the close is booked.
        let mut credits: Vec<(usize, Option<&crate::program::CreditedDef>, Decimal)> = Vec::new();
        for (a, outcome) in outcomes.iter().enumerate() {
            let def = &program.allocations[a];
            let money = Type::Money(def.currency);
            let cooperative = |name: &str| AccountKey {
                member: None,
                name: name.into(),
            };
            // Losses carried forward set against this surplus first.
            if !outcome.set_off.is_zero() {
                entries.push((
                    surplus.clone(),
                    cooperative(LOSSES_CARRIED_FORWARD),
                    outcome.set_off,
                ));
            }
            // A loss: each part debited to what bears it, credited to the
            // result, which the loss had left in debit.
            let mut loss_views = Vec::new();
            for part in outcome.loss.iter().flat_map(|l| l.parts.iter()) {
                if part.members.is_empty() {
                    if !part.total.is_zero() {
                        entries.push((cooperative(&part.account), surplus.clone(), part.total));
                    }
                } else {
                    let name: std::sync::Arc<str> = part.account.as_str().into();
                    for (m, amount) in &part.members {
                        entries.push((
                            AccountKey {
                                member: Some(*m),
                                name: name.clone(),
                            },
                            surplus.clone(),
                            *amount,
                        ));
                    }
                }
                loss_views.push(TrancheView {
                    label: part.account.clone(),
                    total: self.view(&Value::Number(part.total), money),
                    how: part.how.clone(),
                    members: part
                        .members
                        .iter()
                        .map(|(m, amount)| Named {
                            name: self.inputs.member_names[*m as usize].clone(),
                            value: self.view(&Value::Number(*amount), money),
                        })
                        .collect(),
                });
            }
            let mut tranches = Vec::new();
            let mut credited_how: Option<String> = None;
            for (t, tdef) in outcome.tranches.iter().zip(&def.tranches) {
                let label: std::sync::Arc<str> = t.label.as_str().into();
                if t.members.is_empty() {
                    if !t.total.is_zero() {
                        // A split nobody was entitled to goes where the
                        // tranche says (`else to reserve`).
                        let account = match &tdef.otherwise {
                            Some(reserve) if tdef.split.is_some() => reserve.as_str().into(),
                            _ => label.clone(),
                        };
                        entries.push((
                            surplus.clone(),
                            AccountKey {
                                member: None,
                                name: account,
                            },
                            t.total,
                        ));
                    }
                } else {
                    let mut into_shares = Decimal::ZERO;
                    for (m, amount) in &t.members {
                        // Credited to the member's shares up to the ceiling,
                        // the rest theirs as the tranche's.
                        let credited = match &tdef.credited {
                            Some(c) => self.credit(c, *m, *amount, def.frame_size)?,
                            None => Decimal::ZERO,
                        };
                        if !credited.is_zero() {
                            into_shares += credited;
                            credits.push((*m as usize, tdef.credited.as_ref(), credited));
                            entries.push((
                                surplus.clone(),
                                AccountKey {
                                    member: Some(*m),
                                    name: tdef
                                        .credited
                                        .as_ref()
                                        .map_or_else(|| label.clone(), |c| c.account.clone()),
                                },
                                credited,
                            ));
                        }
                        if *amount != credited {
                            entries.push((
                                surplus.clone(),
                                AccountKey {
                                    member: Some(*m),
                                    name: label.clone(),
                                },
                                *amount - credited,
                            ));
                        }
                    }
                    if let Some(c) = &tdef.credited {
                        credited_how = Some(format!(
                            "; {} credited to {} (booked to \"{}\"), {} paid as {}",
                            self.money(into_shares).display,
                            program.member_attrs[c.attr].name,
                            c.account,
                            self.money(t.total - into_shares).display,
                            t.label
                        ));
                    }
                }
                tranches.push(TrancheView {
                    label: t.label.clone(),
                    total: self.view(&Value::Number(t.total), money),
                    how: t.how.clone() + credited_how.take().as_deref().unwrap_or(""),
                    // Kept apart, as numbers: see `Engine::shares`.
                    members: Vec::new(),
                });
            }
            views.push(AllocationView {
                amount: self.view(&Value::Number(outcome.amount), money),
                tranches,
                set_off: (!outcome.set_off.is_zero())
                    .then(|| self.view(&Value::Number(outcome.set_off), money)),
                loss: loss_views,
            });
            shares.push(outcome.tranches.iter().map(|t| t.members.clone()).collect());
            // The year's figures: what this close divides, added to them
            // (nothing below can refuse the close any more).
            self.year.surplus += outcome.amount;
            for t in &outcome.tranches {
                match self
                    .year
                    .tranches
                    .iter_mut()
                    .find(|(label, ty, _)| *label == t.label && *ty == money)
                {
                    Some((_, _, total)) => *total += t.total,
                    None => self.year.tranches.push((t.label.clone(), money, t.total)),
                }
            }
        }
        for (debit, credit, amount) in entries {
            self.pending.push(Entry {
                date: step.date,
                step: number,
                debit,
                credit,
                amount,
            });
        }
        if self.keep_close {
            self.at_close = Some(self.inputs.clone());
        }
        // The credits to members' shares, from the day of the close: the
        // period just divided earned on what was held before them.
        for (m, credited, amount) in credits {
            let Some(c) = credited else { continue };
            if let Some(cell) = self
                .inputs
                .members
                .get_mut(c.attr)
                .and_then(|col| col.get_mut(m))
            {
                let held = cell.as_ref().and_then(Value::as_number).unwrap_or_default();
                *cell = Some(Value::Number(held + amount));
                self.record_histories(m, step.date);
            }
        }
        // Attributes counted per period are kept on the statements, then
        // start again.
        let number_now = self.periods.len() + 1;
        for (attr, field) in program.member_attrs.iter().enumerate() {
            if field.each_period {
                let mut values = vec![None; self.inputs.member_count()];
                for (m, value) in values.iter_mut().enumerate() {
                    if self.inputs.is_active(m) {
                        *value = self.inputs.members[attr][m].take();
                    }
                }
                self.period_values.push(PeriodColumn {
                    name: format!("{} in period {number_now}", field.name),
                    ty: field.ty,
                    values,
                });
                for cell in self.inputs.members[attr].iter_mut() {
                    *cell = field.default.clone();
                }
            }
        }
        self.shares.push(shares);
        self.periods.push(PeriodOutcome {
            number: self.periods.len() + 1,
            closed_on: format_date(step.date),
            in_force: self.provenance.clone(),
            figures: program
                .period_fields
                .iter()
                .zip(&figures)
                .filter_map(|(f, v)| {
                    v.as_ref().map(|v| Named {
                        name: f.name.clone(),
                        value: self.view(v, f.ty),
                    })
                })
                .collect(),
            allocations: views,
        });
        self.inputs.period = vec![None; program.period_fields.len()];
        Ok(())
    }

    /// What of member `m`'s share `amount` of a tranche is credited to
    /// their shares, at the ceiling the rules set for them.
    fn credit(
        &self,
        c: &crate::program::CreditedDef,
        m: u32,
        amount: Decimal,
        frame_size: usize,
    ) -> Result<Decimal, Stop> {
        let (ceiling, held) =
            Evaluator::new(self.program, &self.inputs).credit_terms(c, frame_size, m)?;
        Ok(crate::semantics::allocation::credited(
            amount, held, ceiling,
        ))
    }

    /// Total debits and credits of the cooperative's account `name` so far.
    fn account_total(&self, name: &str) -> (Decimal, Decimal) {
        self.books
            .totals
            .get(&AccountKey {
                member: None,
                name: name.into(),
            })
            .copied()
            .unwrap_or_default()
    }

    fn account_name(&self, key: &AccountKey) -> String {
        match key.member {
            Some(m) => format!("{}: {}", self.inputs.member_names[m as usize], key.name),
            None => key.name.to_string(),
        }
    }

    fn money(&self, d: Decimal) -> ValueView {
        let money = self.program.currency.map_or(Type::Decimal, Type::Money);
        self.view(&Value::Number(d), money)
    }

    /// How many people the run knows (members or not).
    pub fn people(&self) -> usize {
        self.inputs.member_count()
    }

    /// The statement of person `m` as things stand.
    pub fn statement(&self, m: usize) -> MemberStatement {
        let program = self.program;
        let from = AccountKey {
            member: Some(m as u32),
            name: "".into(),
        };
        let accounts = self
            .books
            .totals
            .range(from..)
            .take_while(|(k, _)| k.member == Some(m as u32))
            .map(|(k, (d, c))| Named {
                name: k.name.to_string(),
                value: self.money(*c - *d),
            })
            .collect();
        MemberStatement {
            name: self.inputs.member_names[m].clone(),
            member: self.inputs.is_active(m),
            joined: self.inputs.joined[m].map(format_date),
            left: self.inputs.left[m].map(format_date),
            attributes: program
                .member_attrs
                .iter()
                .enumerate()
                .filter_map(|(a, f)| {
                    self.inputs.members[a][m].as_ref().map(|v| Named {
                        name: f.name.clone(),
                        value: self.view(v, f.ty),
                    })
                })
                .collect(),
            accounts,
            periods: self
                .period_values
                .iter()
                .filter_map(|c| {
                    c.values[m].as_ref().map(|v| Named {
                        name: c.name.clone(),
                        value: self.view(v, c.ty),
                    })
                })
                .collect(),
        }
    }

    /// The names a statement of person `m` has, in its order: attributes,
    /// per-period figures, accounts (what [`Engine::statement`] gives, without
    /// writing any value).
    fn statement_names(&self, m: usize, mut each: impl FnMut(&str)) {
        for (a, f) in self.program.member_attrs.iter().enumerate() {
            if self.inputs.members[a][m].is_some() {
                each(&f.name);
            }
        }
        for c in &self.period_values {
            if c.values[m].is_some() {
                each(&c.name);
            }
        }
        let from = AccountKey {
            member: Some(m as u32),
            name: "".into(),
        };
        for (k, _) in self
            .books
            .totals
            .range(from..)
            .take_while(|(k, _)| k.member == Some(m as u32))
        {
            each(&k.name);
        }
    }

    /// Each member's share of tranche `tranche` of allocation `allocation`
    /// in period `period` (all 0-based), as the outcome names them; the
    /// tranche views of [`Engine::summary`] leave them out.
    pub fn shares(
        &self,
        period: usize,
        allocation: usize,
        tranche: usize,
    ) -> impl Iterator<Item = Named> + '_ {
        let money = self
            .program
            .allocations
            .get(allocation)
            .map_or(Type::Decimal, |a| Type::Money(a.currency));
        self.shares
            .get(period)
            .and_then(|p| p.get(allocation))
            .and_then(|a| a.get(tranche))
            .into_iter()
            .flatten()
            .map(move |(m, amount)| Named {
                name: self.inputs.member_names[*m as usize].clone(),
                value: self.view(&Value::Number(*amount), money),
            })
    }

    /// Every closed period with its tranches' shares.
    fn periods_with_shares(&self) -> Vec<PeriodOutcome> {
        let mut periods = self.periods.clone();
        for (p, period) in periods.iter_mut().enumerate() {
            for (a, allocation) in period.allocations.iter_mut().enumerate() {
                for (t, tranche) in allocation.tranches.iter_mut().enumerate() {
                    tranche.members = self.shares(p, a, t).collect();
                }
            }
        }
        periods
    }

    /// Every account's totals, the cooperative's first, then each
    /// member's, by name.
    pub fn trial_balance_lines(&self) -> impl Iterator<Item = AccountLine> + '_ {
        self.books.totals.iter().map(|(k, (d, c))| AccountLine {
            account: self.account_name(k),
            debit: self.money(*d),
            credit: self.money(*c),
        })
    }

    /// The trial balance's totals (with `accounts` left empty: see
    /// [`Engine::trial_balance_lines`]).
    pub fn trial_totals(&self) -> TrialBalance {
        let (total_debit, total_credit) = self.books.trial_totals();
        TrialBalance {
            accounts: Vec::new(),
            total_debit: self.money(total_debit),
            total_credit: self.money(total_credit),
            balanced: total_debit == total_credit,
        }
    }

    /// What the run has said so far, but for its steps, journal, member
    /// statements, trial balance lines and each tranche's shares: the parts
    /// that grow with the members and the timeline, which are read from the
    /// engine ([`Engine::statement`], [`Engine::shares`]) or the sink.
    pub fn summary(&self, scenario: &str) -> SimulationOutcome {
        let program = self.program;
        SimulationOutcome {
            rulebook: program.name.clone(),
            version: program.version.clone(),
            scenario: scenario.to_string(),
            provenance: program.provenance.clone(),
            in_force: self.provenance.clone(),
            steps: Vec::new(),
            journal: Vec::new(),
            trial_balance: self.trial_totals(),
            funds: self
                .books
                .totals
                .iter()
                .filter(|(k, _)| k.member.is_none())
                .map(|(k, (d, c))| Named {
                    name: k.name.to_string(),
                    value: self.money(*c - *d),
                })
                .collect(),
            members: Vec::new(),
            resolutions: self.motions.clone(),
            elections: self.elections.clone(),
            amendments: self.amendments.clone(),
            periods: self.periods.clone(),
            projection: self.years.clone(),
            opening_balances: self
                .opening
                .iter()
                .map(|b| AccountLine {
                    account: self.account_name(&AccountKey {
                        member: b.member,
                        name: b.account.clone(),
                    }),
                    debit: self.money(b.debit),
                    credit: self.money(b.credit),
                })
                .collect(),
            parameters: program
                .params
                .iter()
                .zip(&self.inputs.params)
                .map(|(p, v)| Named {
                    name: p.name.clone(),
                    value: self.view(v, p.ty),
                })
                .collect(),
        }
    }

    /// The whole outcome, with the steps and journal `sink` collected.
    pub fn into_outcome(self, scenario: &str, sink: Collect) -> SimulationOutcome {
        let mut outcome = self.summary(scenario);
        outcome.steps = sink.steps;
        outcome.journal = sink.journal;
        outcome.trial_balance.accounts = self.trial_balance_lines().collect();
        outcome.members = (0..self.people()).map(|m| self.statement(m)).collect();
        outcome.periods = self.periods_with_shares();
        outcome
    }
}

/// An amendment's provenance line: as on adoption, with `, in force from
/// DATE` when it takes effect later (so an amendment in force on adoption
/// keeps the line, and the hash, it always had).
fn in_force_from(line: &str, from: Option<time::Date>, adopted: time::Date) -> String {
    match from {
        Some(from) if from > adopted => format!("{line}, in force from {}", format_date(from)),
        _ => line.to_string(),
    }
}

/// Each reason once, in the order first given: an act that both admits a
/// member and adds to their holding touches them twice, and the same limit
/// breached for the same member is one reason, not two.
fn distinct(reasons: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(reasons.len());
    for r in reasons {
        if !out.contains(&r) {
            out.push(r);
        }
    }
    out
}

/// A motion as messages name it: `"raise the markup" under special`.
fn motion_name(def: &crate::program::ResolutionDef, title: &Option<String>) -> String {
    match title {
        Some(t) => format!("\"{t}\" under {}", def.name),
        None => format!("under {}", def.name),
    }
}

/// Why a meeting on `meeting` called by notice sent on `notice` may not
/// vote under `def`'s notice rule, if it may not: no notice recorded, too
/// little, or more than the rules allow.
fn notice_problem(
    def: &crate::program::ResolutionDef,
    notice: Option<time::Date>,
    meeting: time::Date,
) -> Option<String> {
    use crate::semantics::meeting::{at_least, at_most, days_between, describe};
    let rule = def.procedure.notice?;
    let Some(sent) = notice else {
        return Some(format!(
            "no notice of the meeting is recorded, and the rules require at least {}' notice (`notice given DATE`)",
            describe(rule.least)
        ));
    };
    let unit = rule.least.unit;
    let given = days_between(sent, meeting, unit);
    let clear = if unit == crate::syntax::ast::IntervalUnit::ClearDays {
        " clear"
    } else {
        ""
    };
    let plural = if given == 1 { "day" } else { "days" };
    if !at_least(sent, meeting, rule.least) {
        return Some(format!(
            "the meeting was called with {given}{clear} {plural}' notice (sent {}), and the rules require at least {}",
            format_date(sent),
            describe(rule.least)
        ));
    }
    match rule.most {
        Some(most) if !at_most(sent, meeting, most) => Some(format!(
            "the meeting was called with {given}{clear} {plural}' notice (sent {}), more than the {} the rules allow",
            format_date(sent),
            describe(most)
        )),
        _ => None,
    }
}

/// Whether a confirming meeting on `date` falls in the window after the
/// motion passed on `adopted`: why not if it does not, and whether the
/// window has closed (the motion has lapsed) or not yet opened.
fn confirmation_window(
    c: &crate::syntax::ast::Confirmation,
    adopted: time::Date,
    date: time::Date,
) -> Result<(), (String, bool)> {
    use crate::semantics::meeting::{after, at_least, at_most, describe};
    let early = !at_least(adopted, date, c.earliest);
    let late = !at_most(adopted, date, c.latest);
    if !early && !late {
        return Ok(());
    }
    let days = (date - adopted).whole_days();
    let from = after(adopted, c.earliest).map_or_else(String::new, format_date);
    let to = after(adopted, c.latest).map_or_else(String::new, format_date);
    let why = format!(
        "the confirming meeting is held {days} day{} after the motion passed on {}, and the rules require not less than {} nor more than {} after it: from {from} to {to}{}",
        if days == 1 { "" } else { "s" },
        format_date(adopted),
        describe(c.earliest),
        describe(c.latest),
        if late { "; the motion has lapsed" } else { "" }
    );
    Err((why, late))
}
