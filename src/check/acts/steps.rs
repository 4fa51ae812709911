//! One lowering of a scenario's steps, wherever they are written: in a
//! rulebook's `scenario { ... }`, in a JSON scenario or in a CSV act log.
//!
//! Each source says what a step says as a [`RawStep`] (a date, an act's name
//! and its arguments as written, a motion's votes and amendments, a close's
//! figures), each piece with its [`Loc`], and the step with its [`Origin`].
//! [`StepLowerer::lower`] checks it against the rulebook and lowers it to a
//! [`StepDef`]. Every rule (an unknown act, the wrong number of arguments, a
//! value of the wrong type, steps out of date order, an unknown parameter or
//! figure, ...) is checked here, once, with one code; the origin only places
//! the problem: a span in the rulebook, a JSON path (`steps[3].args[1]`), a
//! CSV cell (`acts.csv:4:17`).

use std::collections::HashSet;
use std::sync::Arc;

use super::super::suggest;
use crate::diagnostic::{Code, Diagnostic};
use crate::program::{
    ActDef, Effective, ElectionDef, FieldDef, ParamDef, Program, ResolutionDef, ScenarioDef,
    StepArg, StepDef, StepDefKind,
};
use crate::span::Span;
use crate::types::Type;
use crate::value::Value;

/// Where a piece of a step is written: its span (in the rulebook, or in the
/// input file when known) and, for a cell of a CSV file, its column.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Loc {
    /// The bytes it covers; empty when only the step's place is known.
    pub span: Span,
    /// Its column, from 1, in a CSV file (0 elsewhere).
    pub column: u32,
    /// Its line, from 1, in a CSV file whose step is written over several
    /// lines (a ballots file: one ballot a line); 0: the step's own line.
    pub line: u64,
}

impl Loc {
    /// At `span`, with no column or line of its own.
    pub fn at(span: Span) -> Self {
        Loc {
            span,
            column: 0,
            line: 0,
        }
    }
}

/// A piece of a step as written, with where it is written.
#[derive(Debug, Clone)]
pub struct Written<T> {
    /// What is written: a name, a date, or a value as the source has it.
    pub value: T,
    /// Where.
    pub loc: Loc,
}

impl<T> Written<T> {
    /// `value` written at `loc`.
    pub fn new(value: T, loc: Loc) -> Self {
        Written { value, loc }
    }
}

/// What a step says, before it is checked: `V` is how the source writes a
/// value (syntax in a rulebook, text in a JSON or CSV file).
#[derive(Debug, Clone)]
pub struct RawStep<V> {
    /// When.
    pub date: Written<time::Date>,
    /// What happens.
    pub kind: RawKind<V>,
}

/// What happens at a step, as written.
#[derive(Debug, Clone)]
pub enum RawKind<V> {
    /// An act and its arguments.
    Act {
        /// The act's name.
        name: Written<String>,
        /// Its arguments, in order.
        args: Vec<Written<V>>,
        /// Where the arguments are written as a whole (the step, if not known).
        args_loc: Loc,
    },
    /// A vote under a resolution.
    Motion {
        /// The resolution's name.
        resolution: Written<String>,
        /// What the motion is.
        title: Option<String>,
        /// Members voting for, against, abstaining.
        votes: [Vec<Written<String>>; 3],
        /// Parameters and their new values, if it passes.
        amend: Vec<(Written<String>, Written<V>)>,
        /// When they take effect, if the step says.
        effective: Option<Written<Effective>>,
        /// Votes not given in person: the voter and the proxy's holder
        /// (`None`: by post).
        absent: Vec<(Written<String>, Option<Written<String>>)>,
        /// The first call, a second call or a confirming meeting.
        sitting: crate::syntax::ast::Sitting,
        /// When the meeting's notice was sent, if the step says.
        notice: Option<Written<time::Date>>,
        /// The act the motion decides, done if it passes.
        then: Option<Box<RawAct<V>>>,
    },
    /// The period closes, with the figures given.
    Close {
        /// Figures and their values.
        figures: Vec<(Written<String>, Written<V>)>,
    },
    /// An election's ballots.
    Election {
        /// The election's name.
        election: Written<String>,
        /// Who stands.
        candidates: Vec<Written<String>>,
        /// Each voter with their choices, in order of preference.
        ballots: Vec<(Written<String>, Vec<Written<String>>)>,
        /// What a lot is drawn from.
        seed: Option<u64>,
    },
}

/// An act as a step writes it: its name, its arguments, and where the
/// arguments are written as a whole.
#[derive(Debug, Clone)]
pub struct RawAct<V> {
    /// The act's name.
    pub name: Written<String>,
    /// Its arguments, in order.
    pub args: Vec<Written<V>>,
    /// Where the arguments are written (the step, if not known).
    pub args_loc: Loc,
}

/// A motion's meeting, as the step writes it.
pub struct Meeting {
    /// Votes not given in person (see [`RawKind::Motion`]).
    pub absent: Vec<(Written<String>, Option<Written<String>>)>,
    /// Which meeting.
    pub sitting: crate::syntax::ast::Sitting,
    /// When its notice was sent.
    pub notice: Option<Written<time::Date>>,
    /// The step's date: the meeting's.
    pub date: time::Date,
}

/// The three groups of a vote, in the order of [`RawKind::Motion`]'s `votes`.
pub const VOTE_GROUPS: [&str; 3] = ["for", "against", "abstain"];

/// A part of a step, for placing a problem with it.
#[derive(Debug, Clone, Copy)]
pub enum Part<'a> {
    /// The step as a whole.
    Step,
    /// Its date.
    Date,
    /// The act's name.
    Act,
    /// The act's arguments as a whole.
    Args,
    /// The act's argument N (from 0).
    Arg(usize),
    /// The motion's resolution.
    Resolution,
    /// Name N (from 0) of a vote group (`for`, `against`, `abstain`).
    Vote(&'static str, usize),
    /// An amendment of this parameter.
    Amend(&'a str),
    /// When the amendments take effect.
    Effective,
    /// The holder of the proxy of this voter.
    Proxy(&'a str),
    /// Which meeting the motion is voted at.
    Sitting,
    /// When the meeting's notice was sent.
    Notice,
    /// A figure of a close.
    Figure(&'a str),
    /// The election's name.
    Election,
    /// Candidate N (from 0) of an election.
    Candidate(usize),
    /// The voter of ballot N (from 0).
    Voter(usize),
    /// Choice M (from 0) of ballot N.
    Choice(usize, usize),
}

/// Where a step comes from.
#[derive(Debug, Clone)]
pub enum Origin {
    /// Step `number` (from 1) of a scenario written in the rulebook.
    Rulebook {
        /// Its number.
        number: usize,
        /// Where it is written.
        span: Span,
    },
    /// `steps[index]` of a JSON scenario.
    Json {
        /// Its index in `steps`.
        index: usize,
        /// Its bytes in the file.
        span: Span,
    },
    /// A line of a CSV act log.
    Csv {
        /// The file's name, as shown.
        file: Arc<str>,
        /// The line, from 1.
        line: u64,
        /// The line's bytes in the file.
        span: Span,
    },
}

impl Origin {
    /// The step's own place: the span a [`StepDef`] keeps, which is the
    /// rulebook's only (the engine places members it cannot find there).
    fn rulebook_span(&self, loc: Loc) -> Span {
        match self {
            Origin::Rulebook { span, .. } if loc.span.is_empty() => *span,
            Origin::Rulebook { .. } => loc.span,
            _ => Span::default(),
        }
    }

    /// The whole step's bytes, in the rulebook or in the input file.
    pub fn span(&self) -> Span {
        match self {
            Origin::Rulebook { span, .. }
            | Origin::Json { span, .. }
            | Origin::Csv { span, .. } => *span,
        }
    }

    /// How messages name the step: `step 4 of the scenario`, `steps[3]`,
    /// `acts.csv:5`.
    pub fn describe(&self) -> String {
        match self {
            Origin::Rulebook { number, .. } => format!("step {number} of the scenario"),
            Origin::Json { index, .. } => format!("steps[{index}]"),
            Origin::Csv { file, line, .. } => format!("{file}:{line}"),
        }
    }

    /// The JSON path of a part of step `index`.
    fn json_path(index: usize, part: Part<'_>) -> String {
        let step = format!("steps[{index}]");
        match part {
            Part::Step => step,
            Part::Date => format!("{step}.date"),
            Part::Act => format!("{step}.act"),
            Part::Args => format!("{step}.args"),
            Part::Arg(i) => format!("{step}.args[{i}]"),
            Part::Resolution => format!("{step}.motion"),
            Part::Vote(group, i) => format!("{step}.{group}[{i}]"),
            Part::Amend(name) => format!("{step}.amend.{name}"),
            Part::Effective => format!("{step}.effective"),
            Part::Proxy(voter) => format!("{step}.proxies.{voter}"),
            Part::Sitting => format!("{step}.sitting"),
            Part::Notice => format!("{step}.notice_given"),
            Part::Figure(name) => format!("{step}.close.{name}"),
            Part::Election => format!("{step}.election"),
            Part::Candidate(i) => format!("{step}.candidates[{i}]"),
            Part::Voter(i) => format!("{step}.ballots[{i}].voter"),
            Part::Choice(i, j) => format!("{step}.ballots[{i}].ranking[{j}]"),
        }
    }

    /// Places a problem with `part` of the step (written at `loc`): at its
    /// span in the rulebook, or named by its JSON path or CSV cell and
    /// pointed at in the file. A diagnostic that already has a span (the
    /// checker gives one for a value in the rulebook) keeps it.
    pub fn place(&self, part: Part<'_>, loc: Loc, d: Diagnostic, label: &str) -> Diagnostic {
        let span = if loc.span.is_empty() {
            self.span()
        } else {
            loc.span
        };
        let d = match self {
            Origin::Rulebook { .. } => d,
            Origin::Json { index, .. } => Diagnostic {
                message: format!("{}: {}", Self::json_path(*index, part), d.message),
                ..d
            },
            Origin::Csv { file, line, .. } => Diagnostic {
                message: format!(
                    "{file}:{}:{}: {}",
                    if loc.line == 0 { *line } else { loc.line },
                    loc.column.max(1),
                    d.message
                ),
                ..d
            },
        };
        if d.span.is_some() || span.is_empty() {
            d
        } else {
            d.at(span, label)
        }
    }
}

/// Reads the values of one source: how it writes a value and a name.
pub trait ReadValue<V> {
    /// Reads `written` for a place of type `ty` named `owner`. Money that
    /// is a balance (`balance`: a period's figure) must be exact to the
    /// minor unit.
    fn value(
        &mut self,
        written: &V,
        ty: Type,
        owner: &str,
        balance: bool,
    ) -> Result<Value, Diagnostic>;

    /// The member's name `written` is, if it is a name at all.
    fn member(&self, written: &V) -> Option<String>;
}

/// The names a step can use: the rulebook's acts, resolutions, parameters
/// and period figures.
#[derive(Debug, Clone, Copy)]
pub struct Vocabulary<'a> {
    /// Acts.
    pub acts: &'a [ActDef],
    /// Resolutions.
    pub resolutions: &'a [ResolutionDef],
    /// Elections.
    pub elections: &'a [ElectionDef],
    /// Parameters.
    pub params: &'a [ParamDef],
    /// The figures of a period.
    pub period_fields: &'a [FieldDef],
}

impl<'a> Vocabulary<'a> {
    /// The names of a checked program.
    pub fn of(program: &'a Program) -> Self {
        Vocabulary {
            acts: &program.acts,
            resolutions: &program.resolutions,
            elections: &program.elections,
            params: &program.params,
            period_fields: &program.period_fields,
        }
    }
}

/// A member named twice in one vote, in an example's `votes` or at a
/// motion of a scenario (E0201, placed by the caller).
pub fn votes_twice(name: &str) -> Diagnostic {
    Diagnostic::error(Code::Duplicate, format!("`{name}` votes twice"))
        .help("each member has one vote on a resolution")
}

/// The parameter called `name`, or why there is none (placed by the caller).
pub fn parameter(params: &[ParamDef], name: &str) -> Result<usize, Diagnostic> {
    params.iter().position(|p| p.name == name).ok_or_else(|| {
        let hint = suggest::did_you_mean(name, params.iter().map(|p| p.name.as_str()));
        Diagnostic::error(Code::UnknownName, format!("there is no parameter `{name}`"))
            .help(hint.unwrap_or_else(|| "only the rulebook's parameters can be set".into()))
    })
}

/// Why a motion of resolution `by` may not amend parameter `p`: another
/// resolution alone amends it (`alone amends p`) and `by` does not name it.
/// The one definition, read by the checker and by the engine's motion step.
pub fn reserved_for_another(
    resolutions: &[ResolutionDef],
    by: usize,
    p: usize,
    params: &[ParamDef],
) -> Option<Diagnostic> {
    let names = |r: &&ResolutionDef| r.alone_amends.contains(&p);
    if resolutions.get(by).is_some_and(|r| names(&r)) {
        return None;
    }
    let owners: Vec<&str> = resolutions
        .iter()
        .filter(names)
        .map(|r| r.name.as_str())
        .collect();
    let first = owners.first()?;
    let param = params.get(p).map_or("?", |d| d.name.as_str());
    let by = resolutions.get(by).map_or("?", |r| r.name.as_str());
    Some(
        Diagnostic::error(
            Code::ReservedParameter,
            format!(
                "a motion of `{by}` cannot amend `{param}`: only {} may amend it",
                owners
                    .iter()
                    .map(|o| format!("`{o}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
        )
        .help(format!(
            "amend `{param}` by a motion of `{first}`, or let `{by}` amend it too: `alone amends {param}` in `resolution {by}`"
        )),
    )
}

/// A scenario sets parameter `i` to one value for its whole run: refused
/// for a dated parameter, whose values the rulebook gives by date (a
/// motion may still amend it, from the motion's date on).
pub fn settable_for_a_scenario(params: &[ParamDef], i: usize) -> Result<(), Diagnostic> {
    match params.get(i) {
        Some(p) if !p.dated.is_empty() => Err(Diagnostic::error(
            Code::BadScenario,
            format!(
                "`{}` changes by date in the rulebook; a scenario cannot set it to one value",
                p.name
            ),
        )
        .help("change its dated values in the rulebook, or amend it by a motion, which changes it from the motion's date")),
        _ => Ok(()),
    }
}

/// The period figure called `name`, or why there is none.
fn figure(fields: &[FieldDef], name: &str) -> Result<usize, Diagnostic> {
    fields.iter().position(|f| f.name == name).ok_or_else(|| {
        let hint = suggest::did_you_mean(name, fields.iter().map(|f| f.name.as_str()));
        Diagnostic::error(
            Code::UnknownAttribute,
            format!("the period has no attribute `{name}`"),
        )
        .help(hint.unwrap_or_else(|| {
            format!(
                "the attributes are: {}",
                fields
                    .iter()
                    .map(|f| f.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }))
    })
}

/// A date written as text in an input file: `YYYY-MM-DD` (a rulebook's
/// dates are read by its grammar).
pub fn read_date(text: &str) -> Result<time::Date, Diagnostic> {
    let not_a_date = || {
        Diagnostic::error(Code::BadValue, format!("`{text}` is not a date"))
            .help("write dates as YYYY-MM-DD, such as 1845-03-31")
    };
    let mut parts = text.trim().split('-');
    let mut number = |max_digits: usize| -> Option<u32> {
        let part = parts.next()?;
        if part.is_empty() || part.len() > max_digits || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    let (Some(y), Some(m), Some(d)) = (number(4), number(2), number(2)) else {
        return Err(not_a_date());
    };
    if parts.next().is_some() {
        return Err(not_a_date());
    }
    time::Month::try_from(m as u8)
        .ok()
        .and_then(|month| time::Date::from_calendar_date(y as i32, month, d as u8).ok())
        .ok_or_else(|| {
            Diagnostic::error(
                Code::BadDate,
                format!("{} is not a date that exists", text.trim()),
            )
            .help("check the month and the day")
        })
}

/// Lowers the steps of one timeline in order, remembering what the next
/// step is checked against (the date before it).
pub struct StepLowerer<'a> {
    vocabulary: Vocabulary<'a>,
    /// The people a step can name, when they are known before the steps
    /// (a rulebook's scenario without a members file); otherwise members are
    /// found when the timeline runs.
    members: Option<(&'a [String], HashSet<&'a str>)>,
    /// The date of the step before, and where it is.
    last: Option<(time::Date, Span)>,
}

impl<'a> StepLowerer<'a> {
    /// A lowerer for steps naming `vocabulary`, and the people of `members`
    /// when they are known in advance.
    pub fn new(vocabulary: Vocabulary<'a>, members: Option<&'a [String]>) -> Self {
        StepLowerer {
            vocabulary,
            members: members.map(|m| (m, m.iter().map(String::as_str).collect())),
            last: None,
        }
    }

    /// Checks and lowers one step. Problems go to `errors`, each placed by
    /// `origin`; a step with a problem gives no [`StepDef`].
    pub fn lower<V>(
        &mut self,
        raw: RawStep<V>,
        origin: &Origin,
        values: &mut impl ReadValue<V>,
        errors: &mut Vec<Diagnostic>,
    ) -> Option<StepDef> {
        let before = errors.len();
        self.date_in_order(&raw.date, origin, errors);
        let kind = match raw.kind {
            RawKind::Act {
                name,
                args,
                args_loc,
            } => self.act(name, args, args_loc, origin, values, errors),
            RawKind::Motion {
                resolution,
                title,
                votes,
                amend,
                effective,
                absent,
                sitting,
                notice,
                then,
            } => {
                let meeting = Meeting {
                    absent,
                    sitting,
                    notice,
                    date: raw.date.value,
                };
                let decided = then.map(|t| {
                    let RawAct {
                        name,
                        args,
                        args_loc,
                    } = *t;
                    let at = name.loc;
                    let first = errors.len();
                    let act = self.act(name, args, args_loc, origin, values, errors);
                    // In JSON the act is the motion's `then`.
                    if let Origin::Json { index, .. } = origin {
                        let step = format!("steps[{index}].");
                        for d in &mut errors[first..] {
                            if let Some(rest) = d.message.strip_prefix(&step) {
                                d.message = format!("{step}then.{rest}");
                            }
                        }
                    }
                    (act, at)
                });
                if let (Some(_), false) = (&decided, amend.is_empty()) {
                    let d = Diagnostic::error(
                        Code::BadScenario,
                        "a motion amends parameters or decides an act, not both",
                    )
                    .help("vote the amendments and the act as two motions");
                    let at = decided.as_ref().map_or_else(Loc::default, |(_, l)| *l);
                    errors.push(origin.place(Part::Act, at, d, "and an act"));
                }
                if decided.is_some() && sitting == crate::syntax::ast::Sitting::Confirming {
                    let d = Diagnostic::error(
                        Code::BadMeeting,
                        "a confirming motion decides nothing of its own",
                    )
                    .help("write the act on the first motion: it is done when the motion is confirmed");
                    errors.push(origin.place(Part::Sitting, Loc::default(), d, "confirming"));
                }
                let then = match decided {
                    Some((Some(StepDefKind::Act { act, args }), _)) => Some(Box::new((act, args))),
                    _ => None,
                };
                let kind = self.motion(
                    resolution, title, votes, amend, meeting, origin, values, errors,
                );
                if let Some(when) = &effective {
                    if let Err(d) = effective_on_or_after(when.value, raw.date.value) {
                        errors.push(origin.place(Part::Effective, when.loc, d, "before adoption"));
                    }
                }
                kind.map(|mut k| {
                    if let StepDefKind::Motion { then: t, .. } = &mut k {
                        *t = then;
                    }
                    if let StepDefKind::Motion { effective: e, .. } = &mut k {
                        *e = effective.map(|w| w.value);
                    }
                    k
                })
            }
            RawKind::Close { figures } => self.close(figures, origin, values, errors),
            RawKind::Election {
                election,
                candidates,
                ballots,
                seed,
            } => self.election(election, candidates, ballots, seed, origin, errors),
        };
        match kind {
            Some(kind) if errors.len() == before => Some(StepDef {
                date: raw.date.value,
                span: origin.rulebook_span(Loc::default()),
                place: origin.describe(),
                kind,
            }),
            _ => None,
        }
    }

    /// Checks and lowers a repeated step, whose dates are merged with the
    /// others' afterwards: it is not held to the order of the steps
    /// written before it, and the steps after it are not held to its date.
    pub fn lower_at_any_date<V>(
        &mut self,
        raw: RawStep<V>,
        origin: &Origin,
        values: &mut impl ReadValue<V>,
        errors: &mut Vec<Diagnostic>,
    ) -> Option<StepDef> {
        let last = self.last.take();
        let def = self.lower(raw, origin, values, errors);
        self.last = last;
        def
    }

    /// Steps are in date order.
    fn date_in_order(
        &mut self,
        date: &Written<time::Date>,
        origin: &Origin,
        errors: &mut Vec<Diagnostic>,
    ) {
        let here = if date.loc.span.is_empty() {
            origin.span()
        } else {
            date.loc.span
        };
        if let Some((previous, previous_span)) = self.last {
            if date.value < previous {
                let mut d = Diagnostic::error(
                    Code::BadScenario,
                    format!(
                        "this step is dated {}, before the step above it ({})",
                        crate::value::format_date(date.value),
                        crate::value::format_date(previous)
                    ),
                )
                .help("write the timeline in date order");
                if !here.is_empty() {
                    d = d.at(here, "out of order");
                }
                if !previous_span.is_empty() {
                    d = d.related(previous_span, "the later step above");
                }
                errors.push(origin.place(Part::Date, date.loc, d, "out of order"));
            }
        }
        self.last = Some((date.value, here));
    }

    fn act<V>(
        &mut self,
        name: Written<String>,
        args: Vec<Written<V>>,
        args_loc: Loc,
        origin: &Origin,
        values: &mut impl ReadValue<V>,
        errors: &mut Vec<Diagnostic>,
    ) -> Option<StepDefKind> {
        let acts = self.vocabulary.acts;
        let Some(act) = acts.iter().position(|a| a.name == name.value) else {
            let help = suggest::did_you_mean(&name.value, acts.iter().map(|a| a.name.as_str()))
                .unwrap_or_else(|| match acts.len() {
                    0 => {
                        "the rulebook has no acts; declare one with `act NAME(...) { ... }`".into()
                    }
                    _ => format!(
                        "the rulebook's acts are {}",
                        acts.iter()
                            .map(|a| format!("`{}`", a.name))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                });
            let d = Diagnostic::error(
                Code::UnknownName,
                format!("there is no act `{}`", name.value),
            )
            .help(help);
            errors.push(origin.place(Part::Act, name.loc, d, "unknown act"));
            return None;
        };
        let def = &acts[act];
        if def.params.len() != args.len() {
            let d = Diagnostic::error(
                Code::ArgumentCount,
                format!(
                    "the act `{}` takes {} argument{}, but is given {}",
                    def.name,
                    def.params.len(),
                    if def.params.len() == 1 { "" } else { "s" },
                    args.len()
                ),
            )
            .help(if def.params.is_empty() {
                format!("`{}` takes no arguments", def.name)
            } else {
                format!(
                    "give `{}` its arguments: {}",
                    def.name,
                    def.params
                        .iter()
                        .map(|(n, _)| n.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            });
            errors.push(origin.place(Part::Args, args_loc, d, "wrong number of arguments"));
            return None;
        }
        let mut lowered = Vec::with_capacity(args.len());
        for (i, ((param, ty), arg)) in def.params.iter().zip(args).enumerate() {
            if *ty == Type::Member {
                match values.member(&arg.value) {
                    Some(member) => {
                        self.known(&member, arg.loc, Part::Arg(i), origin, errors);
                        lowered.push(StepArg::Member(member, origin.rulebook_span(arg.loc)));
                    }
                    None => {
                        let d = Diagnostic::error(
                            Code::BadValue,
                            format!("`{param}` is a member: give a member's name"),
                        )
                        .help("write the member's name as listed in the scenario, such as `ada`");
                        errors.push(origin.place(Part::Arg(i), arg.loc, d, "not a member"));
                    }
                }
                continue;
            }
            match values.value(&arg.value, *ty, param, false) {
                Ok(v) => lowered.push(StepArg::Value(v)),
                Err(d) => errors.push(origin.place(Part::Arg(i), arg.loc, d, "this value")),
            }
        }
        Some(StepDefKind::Act { act, args: lowered })
    }

    /// A person named by a step must be one of the scenario's, when they
    /// are known before the timeline runs.
    fn known(
        &self,
        name: &str,
        loc: Loc,
        part: Part<'_>,
        origin: &Origin,
        errors: &mut Vec<Diagnostic>,
    ) {
        let Some((names, set)) = &self.members else {
            return;
        };
        if set.contains(name) {
            return;
        }
        let help = suggest::did_you_mean(name, names.iter().map(String::as_str))
            .unwrap_or_else(|| "list the member under `members { ... }` in the scenario".into());
        let d = Diagnostic::error(
            Code::UnknownName,
            format!("`{name}` is not a member of this scenario"),
        )
        .help(help);
        errors.push(origin.place(part, loc, d, "unknown member"));
    }

    #[allow(clippy::too_many_arguments)]
    #[allow(clippy::too_many_arguments)]
    fn motion<V>(
        &mut self,
        resolution: Written<String>,
        title: Option<String>,
        votes: [Vec<Written<String>>; 3],
        amend: Vec<(Written<String>, Written<V>)>,
        meeting: Meeting,
        origin: &Origin,
        values: &mut impl ReadValue<V>,
        errors: &mut Vec<Diagnostic>,
    ) -> Option<StepDefKind> {
        let resolutions = self.vocabulary.resolutions;
        let Some(index) = resolutions.iter().position(|r| r.name == resolution.value) else {
            let help = suggest::did_you_mean(
                &resolution.value,
                resolutions.iter().map(|r| r.name.as_str()),
            )
            .unwrap_or_else(|| "a motion is voted on as one of the rulebook's resolutions".into());
            let d = Diagnostic::error(
                Code::UnknownName,
                format!("there is no resolution `{}`", resolution.value),
            )
            .help(help);
            errors.push(origin.place(Part::Resolution, resolution.loc, d, "not a resolution"));
            return None;
        };
        let mut groups: [Vec<(String, Span)>; 3] = Default::default();
        let mut voted: std::collections::HashMap<String, Loc> = Default::default();
        for (g, (names, out)) in votes.into_iter().zip(groups.iter_mut()).enumerate() {
            for (i, name) in names.into_iter().enumerate() {
                let part = Part::Vote(VOTE_GROUPS[g], i);
                self.known(&name.value, name.loc, part, origin, errors);
                // One member, one vote: a name given twice is a slip to
                // correct, not a vote to count twice or to drop.
                if let Some(first) = voted.get(&name.value) {
                    let mut d = votes_twice(&name.value);
                    if !first.span.is_empty() && !name.loc.span.is_empty() {
                        d = d
                            .at(name.loc.span, "second vote")
                            .related(first.span, "first vote");
                    }
                    // Of the two, the one written somewhere is shown (a
                    // ballot from a file, beside a step's own vote).
                    let at = if name.loc.span.is_empty() {
                        *first
                    } else {
                        name.loc
                    };
                    errors.push(origin.place(part, at, d, "a vote given twice"));
                    continue;
                }
                voted.insert(name.value.clone(), name.loc);
                out.push((name.value, origin.rulebook_span(name.loc)));
            }
        }
        let absent = self.meeting(&resolutions[index], &groups, &meeting, origin, errors);
        if !amend.is_empty() && meeting.sitting == crate::syntax::ast::Sitting::Confirming {
            let d = Diagnostic::error(
                Code::BadMeeting,
                "a confirming motion amends nothing of its own",
            )
            .help(
                "write the amendments on the first motion: they take effect when it is confirmed",
            );
            errors.push(origin.place(Part::Sitting, Loc::default(), d, "confirming"));
        }
        let mut amendments = Vec::with_capacity(amend.len());
        for (name, value) in amend {
            let part = Part::Amend(&name.value);
            let p = match parameter(self.vocabulary.params, &name.value) {
                Ok(p) => p,
                Err(d) => {
                    errors.push(origin.place(part, name.loc, d, "not a parameter"));
                    continue;
                }
            };
            if let Some(d) = reserved_for_another(resolutions, index, p, self.vocabulary.params) {
                errors.push(origin.place(part, name.loc, d, "reserved to another resolution"));
                continue;
            }
            let param = &self.vocabulary.params[p];
            match values.value(&value.value, param.ty, &param.name, false) {
                Ok(v) => amendments.push((p, v)),
                Err(d) => errors.push(origin.place(part, value.loc, d, "this value")),
            }
        }
        let [for_, against, abstain] = groups;
        Some(StepDefKind::Motion {
            resolution: index,
            title,
            for_,
            against,
            abstain,
            amendments,
            effective: None,
            absent,
            sitting: meeting.sitting,
            notice: meeting.notice.map(|n| n.value),
            then: None,
        })
    }

    /// The meeting of a motion, checked (E0323): a second call or a
    /// confirmation its resolution provides for, notice dated on or before
    /// the meeting, each proxy held by another person of the scenario for
    /// someone who votes. Gives the votes not given in person, by name.
    fn meeting(
        &mut self,
        def: &ResolutionDef,
        groups: &[Vec<(String, Span)>; 3],
        meeting: &Meeting,
        origin: &Origin,
        errors: &mut Vec<Diagnostic>,
    ) -> Vec<(String, Option<String>)> {
        use crate::syntax::ast::Sitting;
        let problem =
            |message: String, help: String| Diagnostic::error(Code::BadMeeting, message).help(help);
        match meeting.sitting {
            Sitting::SecondCall if def.procedure.second_call.is_none() => {
                let d = problem(
                    format!("the resolution `{}` has no second call", def.name),
                    format!(
                        "give `{}` its second call's quorum: `second call quorum 10% of members`",
                        def.name
                    ),
                );
                errors.push(origin.place(Part::Sitting, Loc::default(), d, "second call"));
            }
            Sitting::Confirming if def.procedure.confirmation.is_none() => {
                let d = problem(
                    format!("the resolution `{}` needs no confirmation", def.name),
                    format!(
                        "a motion is confirmed only under a resolution that says so: `confirmed at a later meeting not less than 14 days nor more than 1 month after, when for more than half of cast` in `{}`",
                        def.name
                    ),
                );
                errors.push(origin.place(Part::Sitting, Loc::default(), d, "confirming"));
            }
            _ => {}
        }
        if let Some(notice) = &meeting.notice {
            if notice.value > meeting.date {
                let d = problem(
                    format!(
                        "the notice is dated {}, after the meeting on {}",
                        crate::syntax::ast::format_date(notice.value),
                        crate::syntax::ast::format_date(meeting.date)
                    ),
                    "notice is given before the meeting it calls".into(),
                );
                errors.push(origin.place(Part::Notice, notice.loc, d, "after the meeting"));
            }
        }
        let voting = |name: &str| groups.iter().flatten().any(|(n, _)| n == name);
        let mut out: Vec<(String, Option<String>)> = Vec::with_capacity(meeting.absent.len());
        for (voter, holder) in &meeting.absent {
            let part = Part::Proxy(&voter.value);
            if !voting(&voter.value) {
                let d = problem(
                    format!(
                        "`{}` votes by proxy or by post but casts no vote",
                        voter.value
                    ),
                    "list them under for, against or abstain as well".into(),
                );
                errors.push(origin.place(part, voter.loc, d, "no vote"));
                continue;
            }
            if out.iter().any(|(n, _)| *n == voter.value) {
                let d = Diagnostic::error(
                    Code::Duplicate,
                    format!("`{}` is given two proxies or postal votes", voter.value),
                )
                .help("a member's vote is given one way");
                errors.push(origin.place(part, voter.loc, d, "again"));
                continue;
            }
            if let Some(h) = holder {
                if h.value == voter.value {
                    let d = problem(
                        format!("`{}` cannot hold their own proxy", voter.value),
                        "a proxy is held by another member present: `d by proxy b`".into(),
                    );
                    errors.push(origin.place(part, h.loc, d, "the voter"));
                    continue;
                }
                self.known(&h.value, h.loc, part, origin, errors);
            }
            out.push((
                voter.value.clone(),
                holder.as_ref().map(|h| h.value.clone()),
            ));
        }
        out
    }

    /// An election's ballots: a known election, as many candidates as
    /// seats at least, each named once (E0904, E0902), every choice a
    /// candidate (E0901), named once on a ballot (E0902), no more marks
    /// than seats by plurality (E0902), one ballot a voter (E0903).
    fn election(
        &mut self,
        election: Written<String>,
        candidates: Vec<Written<String>>,
        ballots: Vec<(Written<String>, Vec<Written<String>>)>,
        seed: Option<u64>,
        origin: &Origin,
        errors: &mut Vec<Diagnostic>,
    ) -> Option<StepDefKind> {
        use crate::syntax::ast::ElectionMethod;
        let elections = self.vocabulary.elections;
        let Some(index) = elections.iter().position(|e| e.name == election.value) else {
            let help =
                suggest::did_you_mean(&election.value, elections.iter().map(|e| e.name.as_str()))
                    .unwrap_or_else(|| {
                        "ballots are counted in one of the rulebook's elections".into()
                    });
            let d = Diagnostic::error(
                Code::UnknownName,
                format!("there is no election `{}`", election.value),
            )
            .help(help);
            errors.push(origin.place(Part::Election, election.loc, d, "not an election"));
            return None;
        };
        let def = &elections[index];
        let mut standing: Vec<(String, Span)> = Vec::with_capacity(candidates.len());
        for (i, c) in candidates.iter().enumerate() {
            self.known(&c.value, c.loc, Part::Candidate(i), origin, errors);
            if standing.iter().any(|(n, _)| *n == c.value) {
                let d = Diagnostic::error(
                    Code::RepeatedChoice,
                    format!("`{}` is listed twice as a candidate", c.value),
                )
                .help("list each candidate once");
                errors.push(origin.place(Part::Candidate(i), c.loc, d, "listed again"));
                continue;
            }
            standing.push((c.value.clone(), origin.rulebook_span(c.loc)));
        }
        if standing.len() < def.seats {
            let d = Diagnostic::error(
                Code::TooFewCandidates,
                format!(
                    "{} candidate{} for {} seat{} in `{}`",
                    standing.len(),
                    if standing.len() == 1 { "" } else { "s" },
                    def.seats,
                    if def.seats == 1 { "" } else { "s" },
                    def.name
                ),
            )
            .help("an election needs at least as many candidates as seats: list them after `candidates`");
            errors.push(origin.place(Part::Election, election.loc, d, "too few candidates"));
        }
        let mut lowered: Vec<(String, Span, Vec<usize>)> = Vec::with_capacity(ballots.len());
        for (b, (voter, choices)) in ballots.into_iter().enumerate() {
            self.known(&voter.value, voter.loc, Part::Voter(b), origin, errors);
            if lowered.iter().any(|(v, _, _)| *v == voter.value) {
                let d = Diagnostic::error(
                    Code::SecondBallot,
                    format!("`{}` gives two ballots in `{}`", voter.value, def.name),
                )
                .help("each member gives one ballot: keep one of the two");
                errors.push(origin.place(Part::Voter(b), voter.loc, d, "a second ballot"));
                continue;
            }
            if def.method == ElectionMethod::Plurality && choices.len() > def.seats {
                let d = Diagnostic::error(
                    Code::RepeatedChoice,
                    format!(
                        "`{}` marks {} candidates for {} seat{}",
                        voter.value,
                        choices.len(),
                        def.seats,
                        if def.seats == 1 { "" } else { "s" }
                    ),
                )
                .help(format!(
                    "by plurality a voter marks at most as many candidates as there are seats ({})",
                    def.seats
                ));
                errors.push(origin.place(Part::Voter(b), voter.loc, d, "too many marks"));
            }
            let mut picks: Vec<usize> = Vec::with_capacity(choices.len());
            for (j, choice) in choices.iter().enumerate() {
                let Some(c) = standing.iter().position(|(n, _)| *n == choice.value) else {
                    let help = suggest::did_you_mean(
                        &choice.value,
                        standing.iter().map(|(n, _)| n.as_str()),
                    )
                    .unwrap_or_else(|| {
                        format!(
                            "the candidates are: {}",
                            standing
                                .iter()
                                .map(|(n, _)| n.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    });
                    let d = Diagnostic::error(
                        Code::UnknownCandidate,
                        format!("`{}` is not a candidate in `{}`", choice.value, def.name),
                    )
                    .help(help);
                    errors.push(origin.place(Part::Choice(b, j), choice.loc, d, "not a candidate"));
                    continue;
                };
                if picks.contains(&c) {
                    let d = Diagnostic::error(
                        Code::RepeatedChoice,
                        format!("`{}` names `{}` twice", voter.value, choice.value),
                    )
                    .help("a ballot names each candidate once, in order of preference");
                    errors.push(origin.place(Part::Choice(b, j), choice.loc, d, "named again"));
                    continue;
                }
                picks.push(c);
            }
            lowered.push((voter.value, origin.rulebook_span(voter.loc), picks));
        }
        Some(StepDefKind::Election {
            election: index,
            candidates: standing,
            ballots: lowered,
            seed,
        })
    }

    fn close<V>(
        &mut self,
        figures: Vec<(Written<String>, Written<V>)>,
        origin: &Origin,
        values: &mut impl ReadValue<V>,
        errors: &mut Vec<Diagnostic>,
    ) -> Option<StepDefKind> {
        let fields = self.vocabulary.period_fields;
        let mut given: Vec<(usize, Value)> = Vec::with_capacity(figures.len());
        let mut first: Vec<Option<Loc>> = vec![None; fields.len()];
        for (name, value) in figures {
            let part = Part::Figure(&name.value);
            let f = match figure(fields, &name.value) {
                Ok(f) => f,
                Err(d) => {
                    errors.push(origin.place(part, name.loc, d, "unknown attribute"));
                    continue;
                }
            };
            if let Some(earlier) = first[f] {
                let mut d =
                    Diagnostic::error(Code::Duplicate, format!("`{}` is given twice", name.value))
                        .help("keep one of the two values");
                if !earlier.span.is_empty() && !name.loc.span.is_empty() {
                    d = d
                        .at(name.loc.span, "given again here")
                        .related(earlier.span, "first given here");
                }
                errors.push(origin.place(part, name.loc, d, "given again here"));
                continue;
            }
            first[f] = Some(name.loc);
            let field = &fields[f];
            // A period's figure is a booked balance: exact to the minor unit.
            match values.value(&value.value, field.ty, &field.name, true) {
                Ok(v) => given.push((f, v)),
                Err(d) => errors.push(origin.place(part, value.loc, d, "this value")),
            }
        }
        Some(StepDefKind::Close { figures: given })
    }
}

/// An amendment's effective date is not before its adoption on `adopted`:
/// E0709 if it is (only a date can be).
pub fn effective_on_or_after(when: Effective, adopted: time::Date) -> Result<(), Diagnostic> {
    use crate::value::format_date;
    match when {
        Effective::On(date) if date < adopted => Err(Diagnostic::error(
            Code::BadEffective,
            format!(
                "an amendment cannot take effect before it is adopted: effective {}, adopted {}",
                format_date(date),
                format_date(adopted)
            ),
        )
        .help(format!(
            "give a date on or after {}, or `N days after adoption`",
            format_date(adopted)
        ))),
        _ => Ok(()),
    }
}

/// Reads an effective date as a JSON scenario writes it: `"on adoption"`,
/// `"2026-04-29"`, `"28 days after adoption"` or `"next period"`.
pub fn read_effective(text: &str) -> Result<Effective, Diagnostic> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let bad = || {
        Diagnostic::error(
            Code::BadEffective,
            format!("`{text}` is not when an amendment takes effect"),
        )
        .help("write \"on adoption\", a date such as \"2026-04-29\", \"28 days after adoption\" or \"next period\"")
    };
    match words.as_slice() {
        ["on", "adoption"] => Ok(Effective::OnAdoption),
        ["next", "period"] => Ok(Effective::NextPeriod),
        [n, "days" | "day", "after", "adoption"] if n.bytes().all(|b| b.is_ascii_digit()) => {
            n.parse().map(Effective::DaysAfter).map_err(|_| bad())
        }
        [date] if date.starts_with(|c: char| c.is_ascii_digit()) => {
            read_date(date).map(Effective::On)
        }
        _ => Err(bad()),
    }
}

/// Reads which meeting a motion is voted at, as a JSON scenario or an act
/// log writes it: `"first call"`, `"second call"` or `"confirming"`.
pub fn read_sitting(text: &str) -> Result<crate::syntax::ast::Sitting, Diagnostic> {
    use crate::syntax::ast::Sitting;
    match text.split_whitespace().collect::<Vec<_>>().as_slice() {
        ["first", "call"] => Ok(Sitting::First),
        ["second", "call"] => Ok(Sitting::SecondCall),
        ["confirming"] => Ok(Sitting::Confirming),
        _ => Err(Diagnostic::error(
            Code::BadMeeting,
            format!("`{text}` is not a meeting a motion is voted at"),
        )
        .help("write \"second call\" for a meeting reconvened after an inquorate first call, or \"confirming\" for a later meeting confirming a motion")),
    }
}

/// A scenario whose motion's amendments take effect from the `next period`
/// needs a close after the motion to end its period, when the rulebook has
/// no financial year to say when the period ends: E0709 for a motion with
/// no close after it. Fed the steps in the order they run.
#[derive(Debug, Default)]
pub struct NextPeriodCheck {
    /// The motion waiting for a close: its place, description and span.
    waiting: Option<(String, Span)>,
}

impl NextPeriodCheck {
    /// The next step of the timeline.
    pub fn step(&mut self, step: &StepDef, resolutions: &[ResolutionDef]) {
        match &step.kind {
            StepDefKind::Close { .. } => self.waiting = None,
            StepDefKind::Motion {
                resolution,
                effective,
                ..
            } if self.waiting.is_none() => {
                let when = effective.unwrap_or_else(|| {
                    resolutions
                        .get(*resolution)
                        .map(|r| r.effective)
                        .unwrap_or_default()
                });
                if when == Effective::NextPeriod {
                    self.waiting = Some((step.place.clone(), step.span));
                }
            }
            _ => {}
        }
    }

    /// After the last step: the problem, if a motion is still waiting.
    pub fn finish(self) -> Option<Diagnostic> {
        let (place, span) = self.waiting?;
        let d = Diagnostic::error(
            Code::BadEffective,
            format!("{place}: the amendments take effect from the next period, but no close follows to end this one"),
        )
        .help("close the period after the motion, give the rulebook a `financial year`, or give the amendments a date");
        Some(if span.is_empty() {
            d
        } else {
            d.at(span, "no close after this motion")
        })
    }
}

/// The scenario as a projection over `years` financial years
/// (`rochdale simulate --years 5`, the API's `years`): each `every year`
/// block written at its top is expanded again `for N years` from the date
/// it starts on, by the one expansion the checker uses, and merged with
/// the scenario's other steps by date and place in the text, as the checker
/// merges them; so `--years 3` of a block written `for 2 years` is the
/// scenario written `for 3 years`. The timeline is checked against the
/// financial year again (a step written after the block may now fall in a
/// year left open). A projection needs an `every year` block and a
/// financial year: E0710 without either, or for no years.
pub fn with_years(
    program: &Program,
    scenario: &ScenarioDef,
    years: u32,
) -> Result<ScenarioDef, Vec<Diagnostic>> {
    use super::repeat;
    use crate::syntax::ast;
    let at = |d: Diagnostic, span: Span, label: &str| {
        if span.is_empty() {
            d
        } else {
            d.at(span, label)
        }
    };
    let Some(first) = scenario.projection.first() else {
        let d = Diagnostic::error(
            Code::BadRepetition,
            format!(
                "the scenario \"{}\" has no `every year` block to repeat",
                scenario.name
            ),
        )
        .help(if scenario.heading.is_empty() {
            "`--years` repeats the `every year` block of a scenario written in the rulebook; a scenario file runs as written"
        } else {
            "`--years` repeats a scenario's `every year` block; this scenario has none"
        });
        return Err(vec![at(d, scenario.heading, "no `every year` block")]);
    };
    if program.calendar.is_none() {
        let d = Diagnostic::error(
            Code::BadRepetition,
            "a projection counts financial years, but the rulebook declares none",
        )
        .help("declare the financial year in the rulebook's header, such as `financial year from 1 April`, so that a projection knows when each year ends");
        return Err(vec![at(
            d,
            first.every.unit.span,
            "the years of this block",
        )]);
    }
    if years == 0 {
        let d = Diagnostic::error(
            Code::BadRepetition,
            "a projection over no years has no occurrence",
        )
        .help("ask for one year or more, such as `--years 5`");
        return Err(vec![at(d, first.every.unit.span, "repeated for no year")]);
    }
    let blocks = &scenario.projection;
    let within = |span: Span| {
        !span.is_empty()
            && blocks
                .iter()
                .any(|b| b.every.span.start <= span.start && span.end <= b.every.span.end)
    };
    // The steps written outside the blocks (and other blocks' steps) stay;
    // each block's are dated again.
    let mut steps: Vec<StepDef> = scenario
        .steps
        .iter()
        .filter(|s| !within(s.span))
        .cloned()
        .collect();
    let mut budget = repeat::MAX_REPEATED_STEPS.saturating_sub(steps.len());
    let mut errors = Vec::new();
    for block in blocks {
        let mut every = block.every.clone();
        if let Some(during) = &mut every.during {
            during.until = ast::EveryUntil::For {
                count: years,
                unit: ast::Ident {
                    name: "years".into(),
                    span: during.span,
                },
            };
        }
        for repeated in repeat::expand(&every, &mut budget, &mut errors) {
            let Some(def) = block.steps.iter().find(|s| s.span == repeated.span) else {
                continue;
            };
            steps.extend(repeated.dates.iter().map(|date| StepDef {
                date: *date,
                ..def.clone()
            }));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // As the checker orders them: by date, then by place in the text
    // (a stable sort keeps one written step's order).
    steps.sort_by_key(|s| (s.date, s.span.start));
    for (i, step) in steps.iter_mut().enumerate() {
        step.place = format!("step {} of the scenario", i + 1);
    }
    if let Some(calendar) = program.calendar {
        let mut check = CalendarCheck::new(calendar);
        errors.extend(steps.iter().filter_map(|step| check.step(step)));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ScenarioDef {
        name: scenario.name.clone(),
        span: scenario.span,
        heading: scenario.heading,
        member_names: scenario.member_names.clone(),
        members: scenario.members.clone(),
        member_dates: scenario.member_dates.clone(),
        members_file: scenario.members_file.clone(),
        opening: scenario.opening.clone(),
        params: scenario.params.clone(),
        steps,
        projection: scenario.projection.clone(),
    })
}

/// Checks a scenario's steps, in the order they run, against the
/// rulebook's financial year: each period is closed on its last day
/// (E0704 for a close on another day), and a step after a period's last
/// day finds it closed (E0705). A scenario may stop in the middle of a
/// period. The same check serves a rulebook's scenarios and JSON ones.
pub struct CalendarCheck {
    calendar: crate::units::Calendar,
    /// The period the next step falls in: its first and last day.
    period: Option<(time::Date, time::Date)>,
}

impl CalendarCheck {
    /// A check against `calendar`.
    pub fn new(calendar: crate::units::Calendar) -> Self {
        CalendarCheck {
            calendar,
            period: None,
        }
    }

    /// The next step of the timeline: a problem with it, if there is one
    /// (placed at the step; the caller names the step).
    pub fn step(&mut self, step: &StepDef) -> Option<Diagnostic> {
        use crate::semantics::time::period_containing;
        use crate::value::format_date;
        let date = step.date;
        let (start, last) = match self.period {
            Some(p) => p,
            None => period_containing(&self.calendar, date)?,
        };
        if let StepDefKind::Close { .. } = step.kind {
            // The close ends the period it is in, or the one still open.
            self.period = date
                .next_day()
                .and_then(|next| period_containing(&self.calendar, next));
            if date == last {
                return None;
            }
            return Some(
                Diagnostic::error(
                    Code::CloseOffCalendar,
                    format!(
                        "this close is dated {}, but the period runs from {} to {}",
                        format_date(date),
                        format_date(start),
                        format_date(last)
                    ),
                )
                .at(step.span, "not the period's last day")
                .help(format!(
                    "{}; date the close on its period's last day",
                    self.ends()
                )),
            );
        }
        if date <= last {
            self.period = Some((start, last));
            return None;
        }
        self.period = period_containing(&self.calendar, date);
        Some(
            Diagnostic::error(
                Code::MissingClose,
                format!(
                    "the period that ended on {} was not closed",
                    format_date(last)
                ),
            )
            .at(step.span, "a step after the period's end")
            .help(format!(
                "add `on {} close period` before this step: {}",
                format_date(last),
                self.ends()
            )),
        )
    }

    /// "the periods end on 20 March, 20 June, 20 September and 20
    /// December (financial year from 21 December in quarters)".
    fn ends(&self) -> String {
        use crate::semantics::time::add_months;
        let cal = &self.calendar;
        let Ok(start) = time::Date::from_calendar_date(2001, cal.month, cal.day) else {
            return String::new();
        };
        let months = cal.length.months();
        let ends: Vec<String> = (1..=12 / months)
            .filter_map(|k| add_months(start, k * months)?.previous_day())
            .map(|d| {
                format!(
                    "{} {}",
                    d.day(),
                    crate::syntax::MONTHS[usize::from(u8::from(d.month())) - 1]
                )
            })
            .collect();
        let year = format!(
            "financial year from {} {}{}",
            cal.day,
            crate::syntax::MONTHS[usize::from(u8::from(cal.month)) - 1],
            cal.length
                .name()
                .map(|n| format!(" in {n}"))
                .unwrap_or_default()
        );
        match ends.split_last() {
            Some((only, [])) => format!("the year ends on {only} ({year})"),
            Some((last, rest)) => {
                format!("the periods end on {} and {last} ({year})", rest.join(", "))
            }
            None => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_strictly() {
        assert_eq!(
            read_date("1845-03-31").ok(),
            time::Date::from_calendar_date(1845, time::Month::March, 31).ok()
        );
        assert_eq!(
            read_date(" 1845-3-1 ").ok(),
            time::Date::from_calendar_date(1845, time::Month::March, 1).ok()
        );
        for bad in [
            "",
            "1845",
            "1845-03",
            "1845-03-31-1",
            "31/03/1845",
            "1845-+3-01",
            "yesterday",
        ] {
            assert_eq!(
                read_date(bad).map_err(|d| d.code),
                Err(Code::BadValue),
                "{bad}"
            );
        }
        assert_eq!(
            read_date("1845-02-30").map_err(|d| d.code),
            Err(Code::BadDate)
        );
        assert_eq!(
            read_date("1845-13-01").map_err(|d| d.code),
            Err(Code::BadDate)
        );
    }

    #[test]
    fn origins_name_the_place_of_a_part() {
        let d = || Diagnostic::error(Code::BadValue, "bad");
        let json = Origin::Json {
            index: 3,
            span: Span::new(10, 20),
        };
        let placed = json.place(Part::Arg(1), Loc::default(), d(), "here");
        assert_eq!(placed.message, "steps[3].args[1]: bad");
        assert_eq!(placed.span, Some(Span::new(10, 20)));
        let placed = json.place(Part::Amend("markup"), Loc::default(), d(), "here");
        assert_eq!(placed.message, "steps[3].amend.markup: bad");
        let csv = Origin::Csv {
            file: "acts.csv".into(),
            line: 5,
            span: Span::new(40, 60),
        };
        let cell = Loc {
            span: Span::new(52, 57),
            column: 13,
            line: 0,
        };
        let placed = csv.place(Part::Arg(0), cell, d(), "here");
        assert_eq!(placed.message, "acts.csv:5:13: bad");
        assert_eq!(placed.span, Some(Span::new(52, 57)));
        // A piece on a line of its own (a ballot) is named by that line.
        let ballot = Loc { line: 9, ..cell };
        let placed = csv.place(Part::Voter(0), ballot, d(), "here");
        assert_eq!(placed.message, "acts.csv:9:13: bad");
        let rulebook = Origin::Rulebook {
            number: 2,
            span: Span::new(5, 9),
        };
        let placed = rulebook.place(Part::Date, Loc::default(), d(), "here");
        assert_eq!(placed.message, "bad");
        assert_eq!(placed.span, Some(Span::new(5, 9)));
        assert_eq!(rulebook.describe(), "step 2 of the scenario");
        assert_eq!(csv.describe(), "acts.csv:5");
    }
}
