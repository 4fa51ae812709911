//! A scenario written as JSON (docs/scenarios.md), read as a stream: its
//! name, parameters and members first, then its steps one at a time, each
//! deserialised into [`JsonStep`] and lowered by the one lowering of steps
//! ([`crate::check::steps`]).

use std::collections::{BTreeMap, HashSet, VecDeque};
use std::fmt;
use std::io::{BufRead, BufReader, Read};

use serde::Deserialize;
use serde::de::{MapAccess, Visitor};
use serde_json::Value as Json;

use super::json_scan::{Fault, Scanner};
use super::values::TextValues;
use super::{MemberTable, ScenarioHeader};
use crate::check::repeat;
use crate::check::steps::{self, Loc, Origin, RawKind, RawStep, StepLowerer, Vocabulary, Written};
use crate::diagnostic::{Code, Diagnostic};
use crate::program::{MEMBER_SINCE, MEMBER_UNTIL, OpeningEntry, Program, StepDef};
use crate::span::Span;
use crate::syntax::ast;
use crate::types::Type;
use crate::value::Value;

/// The entries of a JSON object in the order written (`{"markup": "12.5%"}`).
#[derive(Debug, Default)]
struct Entries(Vec<(String, Json)>);

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(EntriesVisitor)
    }
}

struct EntriesVisitor;

impl<'de> Visitor<'de> for EntriesVisitor {
    type Value = Entries;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of names and values")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries, A::Error> {
        let mut out = Vec::new();
        while let Some(entry) = map.next_entry::<String, Json>()? {
            out.push(entry);
        }
        Ok(Entries(out))
    }
}

/// A close: `true` (every figure from the books) or the figures given.
#[derive(Debug)]
struct Close(Entries);

impl<'de> Deserialize<'de> for Close {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct CloseVisitor;
        impl<'de> Visitor<'de> for CloseVisitor {
            type Value = Close;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("`true` or an object of the period's figures")
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Close, E> {
                if v {
                    Ok(Close(Entries::default()))
                } else {
                    Err(E::invalid_value(serde::de::Unexpected::Bool(v), &self))
                }
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Close, A::Error> {
                EntriesVisitor.visit_map(map).map(Close)
            }
        }
        d.deserialize_any(CloseVisitor)
    }
}

/// One step of a JSON scenario, as written: exactly one of `act` (with
/// `args`), `motion` (with `title`, `for`, `against`, `abstain`, `amend`)
/// and `close`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonStep {
    /// When; a step repeated by `every` has none of its own.
    date: Option<String>,
    /// `"every": "month"`: the steps of `steps` repeated (docs/scenarios.md).
    every: Option<String>,
    /// The first occurrence's first day, for `every`.
    from: Option<String>,
    /// The last occurrence starts on or before it, for `every`.
    to: Option<String>,
    /// How many occurrences, for `every` (in place of `to`).
    times: Option<u32>,
    /// What `every` repeats.
    steps: Option<Vec<Json>>,
    /// `"on": "last day"`: a repeated step on each occurrence's last day.
    on: Option<String>,
    act: Option<String>,
    args: Option<Vec<Json>>,
    motion: Option<String>,
    title: Option<String>,
    #[serde(rename = "for")]
    for_: Option<Vec<String>>,
    against: Option<Vec<String>>,
    abstain: Option<Vec<String>>,
    amend: Option<Entries>,
    /// `"effective": "28 days after adoption"`: when a motion's amendments
    /// take effect.
    effective: Option<String>,
    /// `"sitting": "second call"` or `"confirming"`: which meeting a
    /// motion is voted at (the first call if not given).
    sitting: Option<String>,
    /// `"notice_given": "2026-05-20"`: when the meeting's notice was sent.
    notice_given: Option<String>,
    /// `"proxies": [{"voter": "d", "holder": "b"}]`: d's vote, cast by b,
    /// present, in the order written.
    proxies: Option<Vec<JsonProxy>>,
    /// `"by_post": ["f"]`: votes sent by post.
    by_post: Option<Vec<String>>,
    /// `"then": {"act": "expel", "args": ["cy"]}`: the act a motion
    /// decides, done if it passes.
    then: Option<JsonAct>,
    close: Option<Close>,
    /// `"election": "committee"`: an election's ballots counted.
    election: Option<String>,
    /// Who stands, for `election`.
    candidates: Option<Vec<String>>,
    /// Each voter's ballot, for `election`.
    ballots: Option<Vec<JsonBallot>>,
    /// What a lot is drawn from, for `election`.
    seed: Option<u64>,
}

/// `{"act": "expel", "args": ["cy"]}`: the act a motion decides.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonAct {
    act: String,
    #[serde(default)]
    args: Vec<Json>,
}

/// `{"voter": "d", "holder": "b"}`: d's vote on a motion, cast by b.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonProxy {
    voter: String,
    holder: String,
}

/// `{"voter": "ann", "ranking": ["bob", "cy"]}`: one ballot of an election.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonBallot {
    voter: String,
    ranking: Vec<String>,
}

impl JsonStep {
    /// What the step says, or why it says nothing that can be read.
    fn raw(self) -> Result<RawStep<Json>, (steps::Part<'static>, Diagnostic)> {
        let Some(written) = &self.date else {
            return Err((
                steps::Part::Step,
                Diagnostic::error(Code::BadInputFile, "a step needs a \"date\"").help(
                    "write {\"date\": \"1845-01-01\", ...}; steps repeated by \"every\" take their dates from it",
                ),
            ));
        };
        let date = steps::read_date(written).map_err(|d| (steps::Part::Date, d))?;
        self.raw_on(date)
    }

    /// What the step says, on `date`.
    fn raw_on(self, date: time::Date) -> Result<RawStep<Json>, (steps::Part<'static>, Diagnostic)> {
        if let Some(field) = self.repetition_field() {
            return Err((
                steps::Part::Step,
                Diagnostic::error(
                    Code::BadInputFile,
                    format!("`{field}` belongs to a repetition (\"every\")"),
                )
                .help("a repetition is {\"every\": \"month\", \"from\": \"2026-04-30\", \"to\": \"2027-03-31\", \"steps\": [...]}: see docs/scenarios.md"),
            ));
        }
        if self.election.is_some() {
            if let Some(field) = self
                .motion_field()
                .or(self.args.as_ref().map(|_| "args"))
                .or(self.act.as_ref().map(|_| "act"))
                .or(self.motion.as_ref().map(|_| "motion"))
                .or(self.close.as_ref().map(|_| "close"))
            {
                return Err((
                    steps::Part::Step,
                    Diagnostic::error(
                        Code::BadInputFile,
                        format!("`{field}` does not belong to an election"),
                    )
                    .help("an election's step is {\"date\", \"election\", \"candidates\", \"ballots\": [{\"voter\", \"ranking\"}], \"seed\"}: see docs/scenarios.md"),
                ));
            }
            let name = |s: String| Written::new(s, Loc::default());
            return Ok(RawStep {
                date: Written::new(date, Loc::default()),
                kind: RawKind::Election {
                    election: name(self.election.unwrap_or_default()),
                    candidates: self
                        .candidates
                        .unwrap_or_default()
                        .into_iter()
                        .map(name)
                        .collect(),
                    ballots: self
                        .ballots
                        .unwrap_or_default()
                        .into_iter()
                        .map(|b| (name(b.voter), b.ranking.into_iter().map(name).collect()))
                        .collect(),
                    seed: self.seed,
                },
            });
        }
        if let Some(field) = self.election_field() {
            return Err((
                steps::Part::Step,
                Diagnostic::error(
                    Code::BadInputFile,
                    format!("`{field}` belongs to an election"),
                )
                .help("give the step its \"election\", or leave the field out"),
            ));
        }
        let kinds = [
            self.act.is_some(),
            self.motion.is_some(),
            self.close.is_some(),
        ];
        let shape = |message: String| {
            (
                steps::Part::Step,
                Diagnostic::error(Code::BadInputFile, message).help(
                    "a step is {\"date\", \"act\", \"args\"}, {\"date\", \"motion\", ...} or {\"date\", \"close\"}: see docs/scenarios.md",
                ),
            )
        };
        let name = |s: String| Written::new(s, Loc::default());
        let named = |e: Entries| {
            e.0.into_iter()
                .map(|(k, v)| (name(k), Written::new(v, Loc::default())))
                .collect()
        };
        let kind = match kinds {
            [true, false, false] => {
                if let Some(field) = self.motion_field() {
                    return Err(shape(format!("`{field}` belongs to a motion, not an act")));
                }
                RawKind::Act {
                    name: name(self.act.unwrap_or_default()),
                    args: self
                        .args
                        .unwrap_or_default()
                        .into_iter()
                        .map(|a| Written::new(a, Loc::default()))
                        .collect(),
                    args_loc: Loc::default(),
                }
            }
            [false, true, false] => {
                if self.args.is_some() {
                    return Err(shape("`args` belongs to an act, not a motion".into()));
                }
                let names = |list: Option<Vec<String>>| {
                    list.unwrap_or_default().into_iter().map(name).collect()
                };
                let effective = match &self.effective {
                    Some(text) => Some(Written::new(
                        steps::read_effective(text).map_err(|d| (steps::Part::Effective, d))?,
                        Loc::default(),
                    )),
                    None => None,
                };
                let sitting = match &self.sitting {
                    Some(text) => {
                        steps::read_sitting(text).map_err(|d| (steps::Part::Sitting, d))?
                    }
                    None => crate::syntax::ast::Sitting::First,
                };
                let notice = match &self.notice_given {
                    Some(text) => Some(Written::new(
                        steps::read_date(text).map_err(|d| (steps::Part::Notice, d))?,
                        Loc::default(),
                    )),
                    None => None,
                };
                // In the order written: beyond a holder's limit, the
                // proxies written first are the ones that count.
                let mut absent: Vec<(Written<String>, Option<Written<String>>)> = self
                    .proxies
                    .unwrap_or_default()
                    .into_iter()
                    .map(|p| (name(p.voter), Some(name(p.holder))))
                    .collect();
                absent.extend(
                    self.by_post
                        .unwrap_or_default()
                        .into_iter()
                        .map(|voter| (name(voter), None)),
                );
                let then = self.then.map(|t| {
                    Box::new(steps::RawAct {
                        name: name(t.act),
                        args: t
                            .args
                            .into_iter()
                            .map(|a| Written::new(a, Loc::default()))
                            .collect(),
                        args_loc: Loc::default(),
                    })
                });
                RawKind::Motion {
                    effective,
                    absent,
                    sitting,
                    notice,
                    then,
                    resolution: name(self.motion.unwrap_or_default()),
                    title: self.title,
                    votes: [names(self.for_), names(self.against), names(self.abstain)],
                    amend: self.amend.map(named).unwrap_or_default(),
                }
            }
            [false, false, true] => {
                if let Some(field) = self.motion_field().or(self.args.as_ref().map(|_| "args")) {
                    return Err(shape(format!("`{field}` does not belong to a close")));
                }
                RawKind::Close {
                    figures: self.close.map(|c| named(c.0)).unwrap_or_default(),
                }
            }
            [false, false, false] => {
                return Err(shape(
                    "a step has an \"act\", a \"motion\" or a \"close\"".into(),
                ));
            }
            _ => {
                return Err(shape(
                    "a step is one of an \"act\", a \"motion\" and a \"close\", not several".into(),
                ));
            }
        };
        Ok(RawStep {
            date: Written::new(date, Loc::default()),
            kind,
        })
    }

    /// A field of an act, a motion or a close given to a repetition.
    fn kind_field(&self) -> Option<&'static str> {
        [
            (self.act.is_some(), "act"),
            (self.args.is_some(), "args"),
            (self.close.is_some(), "close"),
        ]
        .into_iter()
        .find_map(|(given, field)| given.then_some(field))
        .or_else(|| self.motion.as_ref().map(|_| "motion"))
        .or_else(|| self.motion_field())
        .or_else(|| self.election_field())
    }

    /// A field of a repetition given to a step that is not one.
    fn repetition_field(&self) -> Option<&'static str> {
        [
            (self.every.is_some(), "every"),
            (self.from.is_some(), "from"),
            (self.to.is_some(), "to"),
            (self.times.is_some(), "times"),
            (self.steps.is_some(), "steps"),
            (self.on.is_some(), "on"),
        ]
        .into_iter()
        .find_map(|(given, field)| given.then_some(field))
    }

    /// A field of an election.
    fn election_field(&self) -> Option<&'static str> {
        [
            (self.election.is_some(), "election"),
            (self.candidates.is_some(), "candidates"),
            (self.ballots.is_some(), "ballots"),
            (self.seed.is_some(), "seed"),
        ]
        .into_iter()
        .find_map(|(given, field)| given.then_some(field))
    }

    /// A field of a motion given to a step that is not one.
    fn motion_field(&self) -> Option<&'static str> {
        [
            (self.title.is_some(), "title"),
            (self.for_.is_some(), "for"),
            (self.against.is_some(), "against"),
            (self.abstain.is_some(), "abstain"),
            (self.amend.is_some(), "amend"),
            (self.effective.is_some(), "effective"),
            (self.sitting.is_some(), "sitting"),
            (self.notice_given.is_some(), "notice_given"),
            (self.proxies.is_some(), "proxies"),
            (self.by_post.is_some(), "by_post"),
            (self.then.is_some(), "then"),
        ]
        .into_iter()
        .find_map(|(given, field)| given.then_some(field))
    }
}

/// A problem with the value at `path`, placed at `span` in the file.
fn at_path(path: &str, span: Span, d: Diagnostic, label: &str) -> Diagnostic {
    let d = Diagnostic {
        message: format!("{path}: {}", d.message),
        ..d
    };
    if d.span.is_some() {
        d
    } else {
        d.at(span, label)
    }
}

/// A fault as a diagnostic: not JSON at all, or JSON of another shape than
/// the value at `path` has.
fn fault(path: &str, f: Fault) -> Diagnostic {
    if f.syntax {
        Diagnostic::error(
            Code::BadInputFile,
            format!(
                "not valid JSON: {} at line {} column {}",
                f.message, f.line, f.column
            ),
        )
        .at(f.span(), "here")
        .help("check the brackets, commas and quotes around this point")
    } else {
        let path = if path.is_empty() { "(top)" } else { path };
        Diagnostic::error(Code::BadInputFile, format!("{path}: {}", f.message))
            .at(f.span(), "here")
            .help("see docs/scenarios.md for the fields of a scenario and of a step")
    }
}

/// Where the reader is in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Inside `steps`.
    Steps,
    /// After `steps`, in the rest of the object.
    Rest,
    /// Finished (or stopped at a fault).
    Done,
}

/// The steps of a JSON scenario, read and lowered one at a time: the
/// iterator [`steps_from_json_reader`] returns. Problems with the header
/// come first, before any step; a document that is not JSON stops the
/// stream where it breaks.
pub struct JsonSteps<'p, R> {
    program: &'p Program,
    scan: Scanner<R>,
    values: TextValues<'p>,
    lowerer: StepLowerer<'p>,
    pending: VecDeque<Diagnostic>,
    state: State,
    /// The index of the next step.
    index: usize,
    /// The fields of the outer object read so far.
    seen: HashSet<String>,
    /// Steps ready to be given out, in order.
    ready: VecDeque<StepDef>,
    /// Steps of repetitions not yet given out, by date and then by the
    /// order they were made in: each is given out before the first written
    /// step dated after it, as a rulebook's are merged by date and place.
    repeated: BTreeMap<(time::Date, u64), StepDef>,
    /// The number of repeated steps made so far.
    made: u64,
    /// What remains of [`repeat::MAX_REPEATED_STEPS`].
    budget: usize,
    /// The closes against the rulebook's financial year, if it has one.
    calendar: Option<steps::CalendarCheck>,
    /// Without a financial year: a motion effective from the next period
    /// waiting for a close (reported when the steps end).
    next_period: Option<steps::NextPeriodCheck>,
}

/// The fields of a scenario's outer object.
const FIELDS: [&str; 5] = ["name", "parameters", "members", "opening_balances", "steps"];

/// Reads a JSON scenario from `reader` as a stream. The header (name,
/// parameters, members) is read at once; the steps are read, checked and
/// lowered as the iterator is advanced, each in memory only while it is
/// read. `name`, `parameters`, `members` and `opening_balances` come
/// before `steps` (as
/// [`super::scenario_to_json`] writes them); one after it is an error.
/// Stop at the first `Err` to run only what is right.
pub fn steps_from_json_reader<R: Read>(
    program: &Program,
    reader: R,
) -> (ScenarioHeader, JsonSteps<'_, BufReader<R>>) {
    json_steps(program, BufReader::with_capacity(64 * 1024, reader))
}

/// [`steps_from_json_reader`] over a reader that buffers already (a text in memory).
pub(super) fn json_steps<R: BufRead>(
    program: &Program,
    reader: R,
) -> (ScenarioHeader, JsonSteps<'_, R>) {
    let mut header = ScenarioHeader::empty(program);
    let mut steps = JsonSteps {
        program,
        scan: Scanner::new(reader),
        values: TextValues::new(program),
        lowerer: StepLowerer::new(Vocabulary::of(program), None),
        pending: VecDeque::new(),
        state: State::Done,
        index: 0,
        seen: HashSet::new(),
        ready: VecDeque::new(),
        repeated: BTreeMap::new(),
        made: 0,
        budget: repeat::MAX_REPEATED_STEPS,
        calendar: program.calendar.map(steps::CalendarCheck::new),
        next_period: program
            .calendar
            .is_none()
            .then(steps::NextPeriodCheck::default),
    };
    match steps.open(&mut header) {
        Ok(state) => steps.state = state,
        Err(f) => steps.pending.push_back(fault("", f)),
    }
    (header, steps)
}

impl<R: BufRead> JsonSteps<'_, R> {
    /// Reads the outer object up to its steps (or its end).
    fn open(&mut self, header: &mut ScenarioHeader) -> Result<State, Fault> {
        if !self.scan.eat(b'{')? {
            let message = match self.scan.peek()? {
                None => "the file is empty",
                Some(_) => "a scenario is a JSON object",
            };
            return Err(Fault {
                syntax: false,
                ..self.scan.fault(message)
            });
        }
        if self.scan.eat(b'}')? {
            return self.close();
        }
        loop {
            let key = self.key()?;
            match key.as_str() {
                "steps" => {
                    if self.scan.peek()? == Some(b'[') {
                        self.scan.expect(b'[')?;
                        return Ok(State::Steps);
                    }
                    let span = self.scan.value()?;
                    self.pending.push_back(
                        Diagnostic::error(Code::BadInputFile, "steps: a list of steps is expected")
                            .at(span, "not a list")
                            .help("write \"steps\": [{\"date\": \"1845-01-01\", \"act\": \"join\", \"args\": [\"ada\", \"£4.00\"]}]"),
                    );
                }
                "name" => {
                    let span = self.scan.value()?;
                    match self.scan.parse::<String>() {
                        Ok(name) => header.name = name,
                        Err(f) => self.pending.push_back(at_path(
                            "name",
                            span,
                            Diagnostic::error(Code::BadInputFile, f.message)
                                .help("write the scenario's name as a string"),
                            "here",
                        )),
                    }
                }
                "parameters" => self.parameters(header)?,
                "members" => self.members(&mut header.members)?,
                "opening_balances" => self.opening(&mut header.opening)?,
                _ => self.unknown_field(&key)?,
            }
            if !self.scan.eat(b',')? {
                self.scan.expect(b'}')?;
                return self.close();
            }
        }
    }

    /// A field's name and its colon; a name seen before is reported.
    fn key(&mut self) -> Result<String, Fault> {
        if self.scan.peek()? != Some(b'"') {
            return Err(self.scan.fault("expected a field's name in double quotes"));
        }
        let span = self.scan.value()?;
        let key: String = self.scan.parse()?;
        self.scan.expect(b':')?;
        if !self.seen.insert(key.clone()) && FIELDS.contains(&key.as_str()) {
            self.pending.push_back(
                Diagnostic::error(Code::BadInputFile, format!("{key}: given twice"))
                    .at(span, "again")
                    .help("give each field of the scenario once"),
            );
        }
        Ok(key)
    }

    fn unknown_field(&mut self, key: &str) -> Result<(), Fault> {
        let span = self.scan.value()?;
        self.pending.push_back(
            Diagnostic::error(Code::BadInputFile, format!("{key}: unknown field"))
                .at(span, "not a field of a scenario")
                .help("the fields are name, parameters, members, opening_balances and steps"),
        );
        Ok(())
    }

    /// The end of the outer object: nothing may follow it.
    fn close(&mut self) -> Result<State, Fault> {
        if !self.scan.at_end()? {
            return Err(self
                .scan
                .fault("there is more after the scenario's closing brace"));
        }
        Ok(State::Done)
    }

    /// `"parameters": {"markup": "12.5%"}`: each read as an amendment's is.
    fn parameters(&mut self, header: &mut ScenarioHeader) -> Result<(), Fault> {
        let span = self.scan.value()?;
        let entries = match self.scan.parse::<Entries>() {
            Ok(e) => e,
            Err(f) => {
                self.pending.push_back(fault("parameters", f));
                return Ok(());
            }
        };
        let params = &self.program.params;
        let mut set = Vec::new();
        for (name, v) in entries.0 {
            let path = format!("parameters.{name}");
            let read = steps::parameter(params, &name).and_then(|p| {
                steps::settable_for_a_scenario(params, p)?;
                self.values
                    .json(&v, params[p].ty, &params[p].name, false)
                    .map(|v| (p, v))
            });
            match read {
                Ok((p, v)) => {
                    header.params[p] = v;
                    set.push((p, path, span));
                }
                Err(d) => self
                    .pending
                    .push_back(at_path(&path, span, d, "the parameters")),
            }
        }
        // A legal limit the values break refuses the scenario before it
        // runs, rather than every act in it.
        for breach in crate::eval::parameter_limit_breaches(self.program, header.params.clone()) {
            if let Some(d) = crate::eval::scenario_breach_diagnostic(self.program, &breach, &set) {
                self.pending.push_back(d);
            }
        }
        Ok(())
    }

    /// `"opening_balances": [{"account": "cash", "debit": "£58.00"},
    /// {"account": "capital", "member": "ada", "credit": "£5.00"}]`.
    fn opening(&mut self, out: &mut Vec<OpeningEntry>) -> Result<(), Fault> {
        const SHAPE: &str = "write \"opening_balances\": [{\"account\": \"cash\", \"debit\": \"£58.00\"}, {\"account\": \"capital\", \"member\": \"ada\", \"credit\": \"£5.00\"}]";
        let span = self.scan.value()?;
        let list = match self.scan.parse::<Vec<Entries>>() {
            Ok(list) => list,
            Err(f) => {
                self.pending
                    .push_back(fault("opening_balances", f).help(SHAPE));
                return Ok(());
            }
        };
        let money = self.program.currency.map_or(Type::Decimal, Type::Money);
        for (i, entry) in list.into_iter().enumerate() {
            let path = format!("opening_balances[{i}]");
            let problem = |message: String, help: &str| {
                Diagnostic::error(Code::BadOpening, format!("{path}{message}"))
                    .at(span, "these balances")
                    .help(help)
            };
            let (mut account, mut member) = (None, None);
            let mut sides = [rust_decimal::Decimal::ZERO; 2];
            let mut ok = true;
            for (k, v) in &entry.0 {
                match (k.as_str(), v) {
                    ("account", Json::String(a)) => account = Some(a.clone()),
                    ("member", Json::String(m)) => member = Some(m.clone()),
                    ("debit" | "credit", v) => {
                        let side = usize::from(k == "credit");
                        match self.values.json(v, money, k, true) {
                            Ok(Value::Number(n)) if !n.is_sign_negative() => sides[side] = n,
                            Ok(_) => {
                                ok = false;
                                self.pending.push_back(problem(
                                    format!(".{k}: a balance is never negative"),
                                    "a balance is written on its side: a negative debit is a credit",
                                ));
                            }
                            Err(d) => {
                                ok = false;
                                self.pending.push_back(at_path(
                                    &format!("{path}.{k}"),
                                    span,
                                    d,
                                    "these balances",
                                ));
                            }
                        }
                    }
                    _ => {
                        ok = false;
                        self.pending.push_back(problem(
                            format!(".{k}: not a field of an opening balance, or not text"),
                            "an opening balance has an `account` (text), a `member` (text) for a member's account, and a `debit` or a `credit`",
                        ));
                    }
                }
            }
            let Some(account) = account else {
                self.pending
                    .push_back(problem(": no `account`".into(), SHAPE));
                continue;
            };
            if ok {
                out.push(OpeningEntry {
                    account,
                    member,
                    debit: sides[0],
                    credit: sides[1],
                    place: path,
                    span: Some(span),
                });
            }
        }
        Ok(())
    }

    /// `"members": [{"name": "ada", "age": 30}, ...]`, one person at a time.
    fn members(&mut self, table: &mut MemberTable) -> Result<(), Fault> {
        if self.scan.peek()? != Some(b'[') {
            let span = self.scan.value()?;
            self.pending.push_back(
                Diagnostic::error(Code::BadInputFile, "members: a list of people is expected")
                    .at(span, "not a list")
                    .help("write \"members\": [{\"name\": \"ada\", \"age\": 30}]"),
            );
            return Ok(());
        }
        self.scan.expect(b'[')?;
        let mut seen: HashSet<String> = table.names.iter().cloned().collect();
        for i in 0.. {
            if self.scan.eat(b']')? {
                break;
            }
            if i > 0 {
                self.scan.expect(b',')?;
            }
            let span = self.scan.value()?;
            let path = format!("members[{i}]");
            match self.scan.parse::<Entries>() {
                Ok(person) => self.person(person, &path, span, &mut seen, table),
                Err(f) => self.pending.push_back(fault(&path, f)),
            }
        }
        Ok(())
    }

    /// One person of `members`.
    fn person(
        &mut self,
        person: Entries,
        path: &str,
        span: Span,
        seen: &mut HashSet<String>,
        table: &mut MemberTable,
    ) {
        let problem = |message: String, help: &str| {
            Diagnostic::error(Code::BadInputFile, format!("{path}: {message}"))
                .at(span, "this person")
                .help(help)
        };
        let Some(name) = person
            .0
            .iter()
            .find(|(k, _)| k == "name")
            .and_then(|(_, v)| v.as_str())
        else {
            self.pending.push_back(problem(
                "a member needs a \"name\"".into(),
                "write {\"name\": \"ada\", ...}",
            ));
            return;
        };
        if !seen.insert(name.to_string()) {
            self.pending.push_back(problem(
                format!("`{name}` is listed twice"),
                "each person appears once",
            ));
            return;
        }
        let attrs = &self.program.member_attrs;
        let mut row: Vec<Option<Value>> = attrs.iter().map(|a| a.default.clone()).collect();
        // The day a member before the timeline joined, and left.
        let mut dates = [None, None];
        for (k, v) in &person.0 {
            if k == "name" {
                continue;
            }
            let at = format!("{path}.{k}");
            let since = [MEMBER_SINCE, MEMBER_UNTIL].iter().position(|d| d == k);
            match (self.program.member_attr_id(k), since) {
                // A member's money is a balance: exact to the minor unit.
                (Some(a), _) => match self.values.json(v, attrs[a].ty, k, true) {
                    Ok(v) => row[a] = Some(v),
                    Err(d) => self.pending.push_back(at_path(&at, span, d, "this person")),
                },
                (None, Some(slot)) => match self.values.json(v, Type::Date, k, true) {
                    Ok(Value::Date(d)) => dates[slot] = Some(d),
                    Ok(_) => {}
                    Err(d) => self.pending.push_back(at_path(&at, span, d, "this person")),
                },
                (None, None) => {
                    let help = crate::check::nearest(k, attrs.iter().map(|a| a.name.as_str()))
                        .map(|n| format!("did you mean `{n}`?"))
                        .unwrap_or_else(|| "name one of the member schema's attributes".into());
                    self.pending.push_back(
                        Diagnostic::error(
                            Code::BadInputFile,
                            format!("{at}: members have no attribute `{k}`"),
                        )
                        .at(span, "this person")
                        .help(help),
                    );
                }
            }
        }
        match dates {
            [None, Some(_)] => self.pending.push_back(problem(
                format!("`{name}` left, but has no date they joined"),
                "write when they joined too: {\"joined\": \"2019-05-01\", \"left\": \"2025-12-31\"}",
            )),
            [Some(j), Some(l)] if l < j => self.pending.push_back(problem(
                format!("`{name}` left before they joined"),
                "a member leaves on or after the day they joined",
            )),
            [None, None] => {}
            [joined, left] => {
                let before = table.names.len();
                table.joined.resize(before, None);
                table.left.resize(before, None);
                table.joined.push(joined);
                table.left.push(left);
            }
        }
        table.names.push(name.to_string());
        for (column, v) in table.columns.iter_mut().zip(row) {
            column.push(v);
        }
    }

    /// The next step of `steps`, or the end of the array.
    fn next_step(&mut self) -> Result<Option<StepDef>, Fault> {
        if self.scan.eat(b']')? {
            self.state = State::Rest;
            // What the repetitions make after the last written step.
            let rest = std::mem::take(&mut self.repeated);
            self.ready.extend(rest.into_values());
            return Ok(None);
        }
        if self.index > 0 {
            self.scan.expect(b',')?;
            if self.scan.peek()? == Some(b']') {
                return Err(self.scan.fault("a comma before `]`: no step follows it"));
            }
        }
        let index = self.index;
        self.index += 1;
        let span = self.scan.value()?;
        let origin = Origin::Json { index, span };
        let step = match self.scan.parse::<JsonStep>() {
            Ok(step) => step,
            Err(f) => {
                self.pending.push_back(fault(&origin.describe(), f));
                return Ok(None);
            }
        };
        if step.every.is_some() {
            self.repetition(step, &origin);
            return Ok(None);
        }
        let raw = match step.raw() {
            Ok(raw) => raw,
            Err((part, d)) => {
                let label = match part {
                    steps::Part::Date => "not a date",
                    _ => "this step",
                };
                self.pending
                    .push_back(origin.place(part, Loc::default(), d, label));
                return Ok(None);
            }
        };
        let mut errors = Vec::new();
        let def = self
            .lowerer
            .lower(raw, &origin, &mut self.values, &mut errors);
        self.pending.extend(errors);
        if let Some(def) = def {
            // The repeated steps dated on or before this one come first.
            while let Some(entry) = self.repeated.first_entry() {
                if entry.key().0 > def.date {
                    break;
                }
                self.ready.push_back(entry.remove());
            }
            self.ready.push_back(def);
        }
        Ok(None)
    }

    /// `{"every": "month", "from": ..., "to": ..., "steps": [...]}`: each
    /// step of it checked once, then dated for every occurrence.
    fn repetition(&mut self, step: JsonStep, origin: &Origin) {
        let mut raws = Vec::new();
        let every = match json_every(step, true, &mut raws) {
            Ok(every) => every,
            Err(d) => {
                self.pending.push_back(origin.place(
                    steps::Part::Step,
                    Loc::default(),
                    d,
                    "this repetition",
                ));
                return;
            }
        };
        let mut errors = Vec::new();
        for repeated in repeat::expand(&every, &mut self.budget, &mut errors) {
            let (Some(first), Some(raw)) = (repeated.dates.first(), raws.get(repeated.span.start))
            else {
                continue;
            };
            let mut raw = raw.clone();
            raw.date = Written::new(*first, Loc::default());
            let mut found = Vec::new();
            let Some(def) =
                self.lowerer
                    .lower_at_any_date(raw, origin, &mut self.values, &mut found)
            else {
                errors.extend(found);
                continue;
            };
            errors.extend(found);
            for date in &repeated.dates {
                let mut step = def.clone();
                step.date = *date;
                self.repeated.insert((*date, self.made), step);
                self.made += 1;
            }
        }
        for d in errors {
            self.pending.push_back(origin.place(
                steps::Part::Step,
                Loc::default(),
                d,
                "this repetition",
            ));
        }
    }

    /// After `steps`: the rest of the outer object, where the header may
    /// not be.
    fn rest(&mut self) -> Result<(), Fault> {
        while self.scan.eat(b',')? {
            let key = self.key()?;
            if FIELDS.contains(&key.as_str()) && key != "steps" {
                let span = self.scan.value()?;
                self.pending.push_back(
                    Diagnostic::error(
                        Code::BadInputFile,
                        format!("{key}: comes after `steps`"),
                    )
                    .at(span, "after the steps")
                    .help("write `name`, `parameters`, `members` and `opening_balances` before `steps`: the steps are read as a stream, after them"),
                );
            } else if key == "steps" {
                self.scan.value()?;
            } else {
                self.unknown_field(&key)?;
            }
        }
        self.scan.expect(b'}')?;
        self.state = self.close()?;
        Ok(())
    }
}

impl<R: BufRead> Iterator for JsonSteps<'_, R> {
    type Item = Result<StepDef, Diagnostic>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(d) = self.pending.pop_front() {
                return Some(Err(d));
            }
            if let Some(step) = self.ready.pop_front() {
                // In the order the steps run, after repetitions are merged.
                if let Some(d) = self.calendar.as_mut().and_then(|c| c.step(&step)) {
                    return Some(Err(Diagnostic {
                        message: format!("{}: {}", step.place, d.message),
                        ..d
                    }));
                }
                if let Some(check) = &mut self.next_period {
                    check.step(&step, &self.program.resolutions);
                }
                return Some(Ok(step));
            }
            let read = match self.state {
                State::Done => return self.next_period.take()?.finish().map(Err),
                State::Steps => self.next_step(),
                State::Rest => self.rest().map(|()| None),
            };
            match read {
                Ok(Some(step)) => {
                    if let Some(check) = &mut self.next_period {
                        check.step(&step, &self.program.resolutions);
                    }
                    return Some(Ok(step));
                }
                Ok(None) => {}
                Err(f) => {
                    let path = match self.state {
                        State::Steps => format!("steps[{}]", self.index.saturating_sub(1)),
                        _ => String::new(),
                    };
                    self.pending.push_back(fault(&path, f));
                    self.state = State::Done;
                }
            }
        }
    }
}

/// Reads a scenario written as JSON (docs/scenarios.md), given as text:
/// the stream of [`steps_from_json_reader`], collected. Returns the scenario
/// and the members it lists, or every problem.
pub fn read_json(
    program: &Program,
    text: &str,
) -> Result<(crate::program::ScenarioDef, MemberTable), Vec<Diagnostic>> {
    let (header, steps) = json_steps(program, text.as_bytes());
    super::collect(header, steps)
}

/// A repetition written in JSON, as the rulebook's `every` block it stands
/// for (so that one expansion, `check::repeat`, serves both), with the
/// steps it repeats: the block's step `k` is `raws[k]` (its span's start).
fn json_every(
    step: JsonStep,
    top: bool,
    raws: &mut Vec<RawStep<Json>>,
) -> Result<ast::Every, Diagnostic> {
    let problem = |message: String| {
        Diagnostic::error(Code::BadInputFile, message).help(
            "a repetition is {\"every\": \"month\", \"from\": \"2026-04-30\", \"to\": \"2027-03-31\", \"steps\": [...]} (or \"times\": 12 in place of \"to\"); a repetition inside one has only \"every\" and \"steps\": see docs/scenarios.md",
        )
    };
    let unit = step.every.clone().unwrap_or_default();
    if step.date.is_some() || step.on.is_some() {
        return Err(problem(format!(
            "a repetition takes no `{}`: its steps are dated by it",
            if step.date.is_some() { "date" } else { "on" }
        )));
    }
    if let Some(field) = step.kind_field() {
        return Err(problem(format!(
            "`{field}` belongs to a step inside the repetition's \"steps\""
        )));
    }
    let during = match (top, &step.from, &step.to, step.times) {
        (false, None, None, None) => None,
        (false, ..) => {
            return Err(problem(
                "a repetition inside another takes its dates from the one around it: no `from`, `to` or `times`".into(),
            ));
        }
        (true, None, ..) => return Err(problem(format!("`every {unit}` needs a \"from\" date"))),
        (true, Some(from), to, times) => {
            let from = steps::read_date(from)?;
            let until = match (to, times) {
                (Some(to), None) => ast::EveryUntil::To(steps::read_date(to)?),
                (None, Some(count)) => ast::EveryUntil::For {
                    count,
                    unit: ident(&format!("{unit}s")),
                },
                _ => {
                    return Err(problem(format!(
                        "`every {unit}` needs one of \"to\" (a date) and \"times\" (a number)"
                    )));
                }
            };
            Some(ast::EverySpan {
                from,
                until,
                span: Span::default(),
            })
        }
    };
    let mut items = Vec::new();
    for (i, inner) in step.steps.unwrap_or_default().into_iter().enumerate() {
        let inner: JsonStep =
            serde_json::from_value(inner).map_err(|e| problem(format!("steps[{i}]: {e}")))?;
        if inner.every.is_some() {
            items.push(ast::EveryItem::Every(json_every(inner, false, raws)?));
            continue;
        }
        if inner.date.is_some() {
            return Err(problem(format!(
                "steps[{i}]: a repeated step takes its dates from the repetition, not a \"date\""
            )));
        }
        let last_day = match inner.on.as_deref() {
            None => false,
            Some("last day") => true,
            Some(other) => {
                return Err(problem(format!(
                    "steps[{i}]: \"on\" is \"last day\" or nothing, not \"{other}\""
                )));
            }
        };
        let inner = JsonStep { on: None, ..inner };
        // The date is a placeholder: each occurrence gives its own.
        let raw = inner.raw_on(time::Date::MIN).map_err(|(_, d)| Diagnostic {
            message: format!("steps[{i}]: {}", d.message),
            ..d
        })?;
        let k = raws.len();
        raws.push(raw);
        items.push(ast::EveryItem::Step {
            last_day,
            kind: ast::StepKind::Close {
                figures: Vec::new(),
            },
            span: Span {
                start: k,
                end: k,
                ..Span::default()
            },
        });
    }
    Ok(ast::Every {
        unit: ident(&unit),
        during,
        items,
        span: Span::default(),
    })
}

fn ident(name: &str) -> ast::Ident {
    ast::Ident {
        name: name.to_string(),
        span: Span::default(),
    }
}
