//! Ballots from a file (`rochdale simulate --ballots FILE.csv`,
//! docs/scenarios.md): one ballot a line, each added to the motion or
//! election of the scenario that its date and name pick out. A ballot is
//! checked by the one lowering of steps ([`crate::check::steps`]) together
//! with the votes the step already has, so that every rule (a member who
//! votes twice, a choice that is not a candidate, an own proxy) is the
//! scenario's, with its code; only what is particular to the file (a line
//! that fits no vote of the scenario) is checked here (E0905).
//!
//! ```csv
//! date,motion,member,vote,proxy
//! 2026-09-28,assembly,amaia,for,
//! 2026-09-28,assembly,carmen,for,amaia
//! 2026-09-28,assembly,jon,against,by post
//! 2026-05-01,committee,ann,ann > bob,
//! ```

use std::collections::HashMap;
use std::ops::ControlFlow;
use std::sync::Arc;

use super::act_log::placed_lines;
use crate::check::steps::{
    Loc, Origin, RawKind, RawStep, ReadValue, StepLowerer, Vocabulary, Written, read_date,
    read_sitting,
};
use crate::diagnostic::{Code, Diagnostic};
use crate::program::{Program, ScenarioDef, StepDef, StepDefKind};
use crate::span::{SourceFile, Span};
use crate::syntax::ast::{ElectionMethod, Sitting, format_date};
use crate::types::Type;
use crate::value::Value;

/// The columns of a ballots file, in the order the docs give them.
const COLUMNS: [&str; 6] = ["date", "motion", "member", "vote", "proxy", "sitting"];

/// How the help names the columns.
const SHAPE: &str = "a ballots file has the columns date, motion, member, vote and (optionally) proxy and sitting: `2026-09-28,assembly,amaia,for,` or, in an election, `2026-05-01,committee,ann,ann > bob,`";

/// How a vote not given in person is written in the `proxy` column.
const BY_POST: &str = "by post";

/// The ballots of a file, grouped by the vote they are for, to be added to
/// the steps of a scenario as they come ([`Ballots::add_to`]).
#[derive(Debug)]
pub struct Ballots {
    /// The file's name, as messages show it.
    file: Arc<str>,
    /// Its text, to place a choice within its cell.
    text: String,
    /// One group for each date and name, in the order first written.
    groups: Vec<Group>,
    /// The group of each date, name and sitting.
    index: HashMap<(time::Date, String, Option<Sitting>), usize>,
    /// The votes of the scenario met so far, for help: a date, and the
    /// names a ballot can give it by (a resolution's and a motion's title).
    seen: Vec<(time::Date, Vec<String>)>,
    /// The scenario's people, when known: a voter who is not one is placed
    /// at their line (otherwise found when the timeline runs).
    people: Option<(Vec<String>, std::collections::HashSet<String>)>,
}

/// The lines of one date and name.
#[derive(Debug)]
struct Group {
    date: time::Date,
    /// The name as written in the `motion` column of its first line.
    name: Written<String>,
    /// The meeting its `sitting` column names, if it names one: a first
    /// call and its second call may be held on one day.
    sitting: Option<Sitting>,
    /// The first line: the group's place when a problem is with all of it.
    line: u64,
    span: Span,
    rows: Vec<Row>,
    /// The step (its place, such as `step 4 of the scenario`) the group was
    /// added to.
    added_to: Option<String>,
}

/// One ballot.
#[derive(Debug)]
struct Row {
    voter: Written<String>,
    vote: Written<String>,
    proxy: Option<Proxy>,
}

/// Who gives a vote not cast in person.
#[derive(Debug)]
enum Proxy {
    /// The member who holds the proxy.
    Holder(Written<String>),
    /// Sent by post.
    Post(Loc),
}

/// A step's own pieces are already checked: they are given again with no
/// place of their own, so only a ballot's problem can be placed.
fn unplaced(name: &str) -> Written<String> {
    Written::new(name.to_string(), Loc::default())
}

/// A ballot sets no value: the lowering of a vote never reads one.
struct NoValues;

impl ReadValue<()> for NoValues {
    fn value(&mut self, _: &(), _: Type, owner: &str, _: bool) -> Result<Value, Diagnostic> {
        Err(Diagnostic::error(
            Code::BadBallot,
            format!("a ballots file gives no value of `{owner}`"),
        ))
    }

    fn member(&self, _: &()) -> Option<String> {
        None
    }
}

/// Reads a ballots file given as text (docs/scenarios.md, "Ballots from a
/// file"): every line's problems are reported, each with its line and column.
pub fn read_ballots(file: &SourceFile) -> Result<Ballots, Vec<Diagnostic>> {
    let name: Arc<str> = file.name.as_str().into();
    let mut ballots = Ballots {
        file: name.clone(),
        text: file.text.clone(),
        groups: Vec::new(),
        index: HashMap::new(),
        seen: Vec::new(),
        people: None,
    };
    // Both the lines read and the lines unreadable report here, in the
    // order of the file.
    let errors = std::cell::RefCell::new(Vec::new());
    let mut columns: Option<[Option<usize>; 6]> = None;
    placed_lines(
        &file.text,
        |l| {
            let (record, line) = (l.record, l.line);
            let at = |i: usize| l.at(i);
            let problem = |loc: Loc, code: Code, message: String, label: &str, help: &str| {
                Diagnostic::error(
                    code,
                    format!("{name}:{line}:{}: {message}", loc.column.max(1)),
                )
                .at(loc.span, label)
                .help(help)
            };
            let Some(cols) = columns else {
                match header(record, &at, &problem) {
                    Ok(found) => columns = Some(found),
                    Err(ds) => {
                        errors.borrow_mut().extend(ds);
                        return ControlFlow::Break(());
                    }
                }
                return ControlFlow::Continue(());
            };
            // A cell beyond the header's columns is a slip (an unquoted comma
            // in a ranking, a proxy with no column): never dropped quietly.
            let width = cols.iter().flatten().max().map_or(0, |w| w + 1);
            if let Some((i, extra)) = record
                .iter()
                .enumerate()
                .skip(width)
                .find(|(_, v)| !v.is_empty())
            {
                errors.borrow_mut().push(problem(
                at(i),
                Code::BadBallot,
                format!("`{extra}` is in no column of the header"),
                "beyond the columns",
                "quote a cell that holds a comma (\"eve, bob\"), or name the column in the header (proxy, sitting)",
            ));
                return ControlFlow::Continue(());
            }
            let cell = |c: usize| -> Option<(String, Loc)> {
                let i = cols[c]?;
                record
                    .get(i)
                    .filter(|v| !v.is_empty())
                    .map(|v| (v.to_string(), at(i)))
            };
            let missing = |c: usize| {
                let loc = cols[c].map_or(at(0), &at);
                errors.borrow_mut().push(problem(
                    loc,
                    Code::BadInputFile,
                    format!("the line gives no {}", COLUMNS[c]),
                    "empty",
                    SHAPE,
                ));
            };
            let (Some(date), Some(motion), Some(voter), Some(vote)) =
                (cell(0), cell(1), cell(2), cell(3))
            else {
                for c in 0..4 {
                    if cell(c).is_none() {
                        missing(c);
                    }
                }
                return ControlFlow::Continue(());
            };
            let date_value = match read_date(&date.0) {
                Ok(d) => d,
                Err(d) => {
                    let help = d.help.clone().unwrap_or_default();
                    errors.borrow_mut().push(problem(
                        date.1,
                        d.code,
                        d.message,
                        "not a date",
                        &help,
                    ));
                    return ControlFlow::Continue(());
                }
            };
            let sitting = match cell(5) {
                Some((text, loc)) => match read_sitting(&text) {
                    Ok(s) => Some(s),
                    Err(d) => {
                        let help = d.help.clone().unwrap_or_default();
                        errors.borrow_mut().push(problem(
                            loc,
                            d.code,
                            d.message,
                            "not a sitting",
                            &help,
                        ));
                        return ControlFlow::Continue(());
                    }
                },
                None => None,
            };
            let proxy = cell(4).map(|(p, loc)| {
                if p.eq_ignore_ascii_case(BY_POST) {
                    Proxy::Post(loc)
                } else {
                    Proxy::Holder(Written::new(p, loc))
                }
            });
            let row = Row {
                voter: Written::new(voter.0, voter.1),
                vote: Written::new(vote.0, vote.1),
                proxy,
            };
            let key = (date_value, motion.0.clone(), sitting);
            let g = *ballots.index.entry(key).or_insert_with(|| {
                ballots.groups.push(Group {
                    date: date_value,
                    name: Written::new(motion.0, motion.1),
                    sitting,
                    line,
                    span: l.span,
                    rows: Vec::new(),
                    added_to: None,
                });
                ballots.groups.len() - 1
            });
            ballots.groups[g].rows.push(row);
            ControlFlow::Continue(())
        },
        |line, start, e| {
            errors.borrow_mut().push(
                Diagnostic::error(Code::BadInputFile, format!("{name}:{line}: {e}"))
                    .at(Span::new(start, start), "here")
                    .help("save the ballots file as UTF-8 text, one ballot a line"),
            );
        },
    );
    let mut errors = errors.into_inner();
    if columns.is_none() && errors.is_empty() {
        errors.push(
            Diagnostic::error(
                Code::BadInputFile,
                format!("{name}: the ballots file is empty"),
            )
            .help(SHAPE),
        );
    }
    if errors.is_empty() {
        Ok(ballots)
    } else {
        Err(errors)
    }
}

/// The column of each of [`COLUMNS`] in a header line (`proxy` may be left
/// out); or why the header is not one.
fn header(
    record: &csv::StringRecord,
    at: &dyn Fn(usize) -> Loc,
    problem: &dyn Fn(Loc, Code, String, &str, &str) -> Diagnostic,
) -> Result<[Option<usize>; 6], Vec<Diagnostic>> {
    let mut found: [Option<usize>; 6] = [None; 6];
    let mut errors = Vec::new();
    for (i, cell) in record.iter().enumerate() {
        if cell.is_empty() {
            continue;
        }
        let Some(c) = COLUMNS.iter().position(|n| cell.eq_ignore_ascii_case(n)) else {
            let help = crate::check::nearest(cell, COLUMNS.iter().copied()).map_or_else(
                || SHAPE.to_string(),
                |n| format!("did you mean `{n}`? {SHAPE}"),
            );
            errors.push(problem(
                at(i),
                Code::BadInputFile,
                format!("`{cell}` is not a column of a ballots file"),
                "unknown column",
                &help,
            ));
            continue;
        };
        if found[c].is_some() {
            errors.push(problem(
                at(i),
                Code::BadInputFile,
                format!("the column `{}` is given twice", COLUMNS[c]),
                "again",
                "keep one of the two",
            ));
            continue;
        }
        found[c] = Some(i);
    }
    for (c, column) in COLUMNS.iter().enumerate().take(4) {
        if found[c].is_none() && errors.is_empty() {
            errors.push(problem(
                at(0),
                Code::BadInputFile,
                format!("the ballots file has no `{column}` column"),
                "the header",
                SHAPE,
            ));
        }
    }
    if errors.is_empty() {
        Ok(found)
    } else {
        Err(errors)
    }
}

impl Ballots {
    /// The file's name, as messages show it.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The scenario's people: a ballot from anyone else is a diagnostic at
    /// its line, before the timeline runs.
    pub fn with_people(mut self, names: &[String]) -> Self {
        self.people = Some((names.to_vec(), names.iter().cloned().collect()));
        self
    }

    /// How many ballots the file gives.
    pub fn len(&self) -> usize {
        self.groups.iter().map(|g| g.rows.len()).sum()
    }

    /// Whether the file gives no ballot.
    pub fn is_empty(&self) -> bool {
        self.groups.iter().all(|g| g.rows.is_empty())
    }

    /// Adds the file's ballots to a scenario's steps; every problem, in the
    /// file, and the lines that fit no step of the scenario.
    pub fn add_to_scenario(
        &mut self,
        program: &Program,
        scenario: &mut ScenarioDef,
    ) -> Result<(), Vec<Diagnostic>> {
        let mut errors = Vec::new();
        for step in &mut scenario.steps {
            errors.extend(self.add_to(program, step));
        }
        errors.extend(self.unused());
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Adds to `step`, a motion or an election, the ballots for it: those
    /// of its date whose `motion` names its resolution (or its title) or its
    /// election. Gives the problems with them (placed in the ballots file);
    /// with a problem the step is left as it was.
    pub fn add_to(&mut self, program: &Program, step: &mut StepDef) -> Vec<Diagnostic> {
        let (names, sitting): (Vec<&str>, Option<Sitting>) = match &step.kind {
            StepDefKind::Motion {
                resolution,
                title,
                sitting,
                ..
            } => {
                let mut names = vec![program.resolutions[*resolution].name.as_str()];
                // A title that is its resolution's name is one name.
                names.extend(title.as_deref().filter(|t| *t != names[0]));
                (names, Some(*sitting))
            }
            StepDefKind::Election { election, .. } => {
                (vec![program.elections[*election].name.as_str()], None)
            }
            _ => return Vec::new(),
        };
        self.seen
            .push((step.date, names.iter().map(|n| n.to_string()).collect()));
        let mut errors = Vec::new();
        let mut mine = Vec::new();
        // A line that names no sitting fits any; one that names it, only
        // the motion voted at that sitting.
        let mut keys = Vec::with_capacity(names.len() * 2);
        for name in &names {
            keys.push((step.date, name.to_string(), None));
            if sitting.is_some() {
                keys.push((step.date, name.to_string(), sitting));
            }
        }
        for key in keys {
            let Some(&g) = self.index.get(&key) else {
                continue;
            };
            let group = &self.groups[g];
            if let Some(other) = &group.added_to {
                // The group fits two steps of the day. An election has no
                // title or sitting to say which count.
                let (message, label, help) = match sitting {
                    None => (
                        format!(
                            "is counted twice on {}, at {other} and at {}",
                            format_date(group.date),
                            step.place
                        ),
                        "two counts",
                        "a ballots file gives the ballots of one count of an election a day: write the other count's ballots in the scenario",
                    ),
                    Some(_) => (
                        format!(
                            "on {} could be the motion of {other} or of {}",
                            format_date(group.date),
                            step.place
                        ),
                        "two motions",
                        "write the motion's title in the `motion` column, or its meeting in a `sitting` column (`first call`, `second call`, `confirming`), to say which",
                    ),
                };
                let message = format!("`{}` {message}", group.name.value);
                errors.push(cell_problem(
                    &self.file,
                    group.name.loc,
                    message,
                    label,
                    help,
                ));
                continue;
            }
            mine.push(g);
        }
        if mine.is_empty() {
            return errors;
        }
        for &g in &mine {
            self.groups[g].added_to = Some(step.place.clone());
        }
        let first = &self.groups[mine[0]];
        let origin = Origin::Csv {
            file: self.file.clone(),
            line: first.line,
            span: first.span,
        };
        let rows: Vec<&Row> = mine.iter().flat_map(|&g| &self.groups[g].rows).collect();
        let raw = match &step.kind {
            StepDefKind::Motion { .. } => motion_raw(program, step, &rows, &self.file, &mut errors),
            StepDefKind::Election { .. } => {
                election_raw(program, step, &rows, (&self.file, &self.text), &mut errors)
            }
            _ => None,
        };
        let Some(raw) = raw else {
            return errors;
        };
        // The people are checked only where the step's own names are
        // theirs (a step's unknown voter is the scenario's problem, found
        // when it runs, not a line of this file).
        let own_known = self
            .people
            .as_ref()
            .is_some_and(|(_, set)| step_names(&step.kind).all(|n| set.contains(n)));
        let people = self
            .people
            .as_ref()
            .filter(|_| own_known)
            .map(|(names, _)| names.as_slice());
        let mut lowerer = StepLowerer::new(Vocabulary::of(program), people);
        let mut problems = Vec::new();
        let lowered = lowerer.lower_at_any_date(raw, &origin, &mut NoValues, &mut problems);
        errors.extend(problems);
        if !errors.is_empty() {
            // In the order of the file's lines, as a reader goes through it.
            errors.sort_by_key(|d| d.span.map_or(0, |s| s.start));
            return errors;
        }
        if let Some(lowered) = lowered {
            add_tail(&mut step.kind, lowered.kind);
        }
        errors
    }

    /// The lines added to no step: a diagnostic for each date and name.
    pub fn unused(&self) -> Vec<Diagnostic> {
        self.groups
            .iter()
            .filter(|g| g.added_to.is_none())
            .map(|g| {
                let that_day: Vec<String> = self
                    .seen
                    .iter()
                    .filter(|(d, _)| *d == g.date)
                    .map(|(_, names)| {
                        names
                            .iter()
                            .map(|n| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(" (or ")
                            + if names.len() > 1 { ")" } else { "" }
                    })
                    .collect();
                let other_days: Vec<String> = self
                    .seen
                    .iter()
                    .filter(|(_, names)| names.contains(&g.name.value))
                    .map(|(d, _)| format_date(*d))
                    .collect();
                let help = if !that_day.is_empty() {
                    format!("on {} the scenario votes on {}", format_date(g.date), that_day.join(", "))
                } else if !other_days.is_empty() {
                    format!("`{}` is voted on {}", g.name.value, other_days.join(", "))
                } else {
                    "a ballot is for a motion or an election of the scenario: its date and its resolution's name (or title) or its election's name".to_string()
                };
                let at = match g.sitting {
                    Some(Sitting::First) => " at a first call",
                    Some(Sitting::SecondCall) => " at a second call",
                    Some(Sitting::Confirming) => " at a confirming meeting",
                    None => "",
                };
                let message = format!(
                    "the scenario votes on no `{}` on {}{at}",
                    g.name.value,
                    format_date(g.date)
                );
                cell_problem(&self.file, g.name.loc, message, "no such vote", &help)
            })
            .collect()
    }
}

/// The names a motion or an election step gives: its voters, proxies'
/// holders and candidates.
fn step_names(kind: &StepDefKind) -> Box<dyn Iterator<Item = &str> + '_> {
    match kind {
        StepDefKind::Motion {
            for_,
            against,
            abstain,
            absent,
            ..
        } => Box::new(
            for_.iter()
                .chain(against)
                .chain(abstain)
                .map(|(n, _)| n.as_str())
                .chain(
                    absent
                        .iter()
                        .flat_map(|(v, h)| std::iter::once(v).chain(h))
                        .map(String::as_str),
                ),
        ),
        StepDefKind::Election {
            candidates,
            ballots,
            ..
        } => Box::new(
            candidates
                .iter()
                .map(|(n, _)| n.as_str())
                .chain(ballots.iter().map(|(v, _, _)| v.as_str())),
        ),
        _ => Box::new(std::iter::empty()),
    }
}

/// A problem with one cell of a ballot.
fn cell_problem(file: &str, loc: Loc, message: String, label: &str, help: &str) -> Diagnostic {
    Diagnostic::error(
        Code::BadBallot,
        format!("{file}:{}:{}: {message}", loc.line, loc.column.max(1)),
    )
    .at(loc.span, label)
    .help(help)
}

/// A motion step with the ballots added, as written, to be lowered whole.
fn motion_raw(
    program: &Program,
    step: &StepDef,
    rows: &[&Row],
    file: &str,
    errors: &mut Vec<Diagnostic>,
) -> Option<RawStep<()>> {
    let StepDefKind::Motion {
        resolution,
        title,
        for_,
        against,
        abstain,
        absent,
        sitting,
        notice,
        ..
    } = &step.kind
    else {
        return None;
    };
    let mut votes: [Vec<Written<String>>; 3] =
        [for_, against, abstain].map(|group| group.iter().map(|(n, _)| unplaced(n)).collect());
    let mut away: Vec<(Written<String>, Option<Written<String>>)> = absent
        .iter()
        .map(|(v, h)| (unplaced(v), h.as_deref().map(unplaced)))
        .collect();
    for row in rows {
        let word = row.vote.value.to_ascii_lowercase();
        let Some(g) = crate::check::steps::VOTE_GROUPS
            .iter()
            .position(|w| *w == word)
        else {
            errors.push(cell_problem(
                file,
                row.vote.loc,
                format!("`{}` is not a vote on a motion", row.vote.value),
                "not a vote",
                "a motion's vote is for, against or abstain",
            ));
            continue;
        };
        votes[g].push(Written::new(row.voter.value.clone(), row.voter.loc));
        match &row.proxy {
            Some(Proxy::Holder(h)) => away.push((
                Written::new(row.voter.value.clone(), h.loc),
                Some(Written::new(h.value.clone(), h.loc)),
            )),
            Some(Proxy::Post(loc)) => {
                away.push((Written::new(row.voter.value.clone(), *loc), None))
            }
            None => {}
        }
    }
    Some(RawStep {
        date: Written::new(step.date, Loc::default()),
        kind: RawKind::Motion {
            resolution: unplaced(&program.resolutions[*resolution].name),
            title: title.clone(),
            votes,
            amend: Vec::new(),
            effective: None,
            absent: away,
            sitting: *sitting,
            notice: notice.map(|n| Written::new(n, Loc::default())),
            // Only the votes are lowered again; the step keeps its act.
            then: None,
        },
    })
}

/// An election step with the ballots added, as written, to be lowered whole.
fn election_raw(
    program: &Program,
    step: &StepDef,
    rows: &[&Row],
    (file, text): (&str, &str),
    errors: &mut Vec<Diagnostic>,
) -> Option<RawStep<()>> {
    let StepDefKind::Election {
        election,
        candidates,
        ballots,
        seed,
    } = &step.kind
    else {
        return None;
    };
    let def = &program.elections[*election];
    let mut written: Vec<(Written<String>, Vec<Written<String>>)> = ballots
        .iter()
        .map(|(voter, _, picks)| {
            let choices = picks
                .iter()
                .filter_map(|&c| candidates.get(c))
                .map(|(n, _)| unplaced(n))
                .collect();
            (unplaced(voter), choices)
        })
        .collect();
    for row in rows {
        if let Some(Proxy::Holder(Written { loc, .. }) | Proxy::Post(loc)) = &row.proxy {
            errors.push(cell_problem(
                file,
                *loc,
                format!(
                    "`{}` gives an election's ballot by proxy or by post",
                    row.voter.value
                ),
                "in an election",
                "a ballot in an election is the voter's own: leave the proxy column empty",
            ));
            continue;
        }
        let (separator, wrong, how) = match def.method {
            ElectionMethod::SingleTransferableVote => (
                &['>'][..],
                &[',', ';'][..],
                "a ranking is written in order of preference with `>`: `ann > bob > cy`",
            ),
            ElectionMethod::Plurality => (
                &[',', ';'][..],
                &['>'][..],
                "plurality marks are written `ann; bob` (or with commas, the cell in quotes)",
            ),
        };
        if row.vote.value.contains(wrong) {
            errors.push(cell_problem(
                file,
                row.vote.loc,
                format!(
                    "`{}` is not written as `{}` counts its ballots",
                    row.vote.value, def.name
                ),
                "how it is written",
                how,
            ));
            continue;
        }
        let choices: Vec<&str> = row.vote.value.split(separator).map(str::trim).collect();
        if choices.iter().any(|c| c.is_empty()) {
            errors.push(cell_problem(
                file,
                row.vote.loc,
                format!("`{}` leaves a choice empty", row.vote.value),
                "an empty choice",
                how,
            ));
            continue;
        }
        let choices = within(text, row.vote.loc, &choices)
            .into_iter()
            .zip(&choices)
            .map(|(loc, c)| Written::new(c.to_string(), loc))
            .collect();
        written.push((
            Written::new(row.voter.value.clone(), row.voter.loc),
            choices,
        ));
    }
    Some(RawStep {
        date: Written::new(step.date, Loc::default()),
        kind: RawKind::Election {
            election: unplaced(&def.name),
            candidates: candidates.iter().map(|(n, _)| unplaced(n)).collect(),
            ballots: written,
            seed: *seed,
        },
    })
}

/// Where each of `parts` (found in this order in the cell at `cell`) is in
/// the file's `text`: a problem with one choice points at it, not at the
/// whole ranking. A part not found where expected is placed at the cell.
fn within(text: &str, cell: Loc, parts: &[&str]) -> Vec<Loc> {
    let raw = text.get(cell.span.start..cell.span.end).unwrap_or("");
    let mut from = 0;
    parts
        .iter()
        .map(
            |part| match raw.get(from..).and_then(|rest| rest.find(part)) {
                Some(at) => {
                    let start = from + at;
                    from = start + part.len();
                    let column = cell.column + raw[..start].chars().count() as u32;
                    Loc {
                        span: Span::new(cell.span.start + start, cell.span.start + from),
                        column,
                        line: cell.line,
                    }
                }
                None => cell,
            },
        )
        .collect()
}

/// Adds to a step what lowering it with its ballots gave beyond what it
/// had: the step's own votes keep their places in the rulebook.
fn add_tail(kind: &mut StepDefKind, lowered: StepDefKind) {
    match (kind, lowered) {
        (
            StepDefKind::Motion {
                for_,
                against,
                abstain,
                absent,
                ..
            },
            StepDefKind::Motion {
                for_: f,
                against: a,
                abstain: b,
                absent: p,
                ..
            },
        ) => {
            for (mine, all) in [(for_, f), (against, a), (abstain, b)] {
                let had = mine.len();
                mine.extend(all.into_iter().skip(had));
            }
            let had = absent.len();
            absent.extend(p.into_iter().skip(had));
        }
        (StepDefKind::Election { ballots, .. }, StepDefKind::Election { ballots: all, .. }) => {
            let had = ballots.len();
            ballots.extend(all.into_iter().skip(had));
        }
        _ => {}
    }
}

/// The steps of a stream with a file's ballots added as they come, and the
/// lines added to no step once the stream ends: the iterator
/// [`Ballots::into_steps`] returns.
pub struct StepsWithBallots<'p, I> {
    program: &'p Program,
    steps: I,
    ballots: Ballots,
    /// Problems to give before the next step.
    pending: std::collections::VecDeque<Problem>,
    done: bool,
}

/// A problem met while a stream's steps have ballots added: in the steps
/// (placed in their file) or in the ballots file.
#[derive(Debug, Clone)]
pub enum Problem {
    /// In the scenario or act log.
    Steps(Diagnostic),
    /// In the ballots file.
    Ballots(Diagnostic),
}

impl Ballots {
    /// The steps of `steps` with the file's ballots added.
    pub fn into_steps<I>(self, program: &Program, steps: I) -> StepsWithBallots<'_, I> {
        StepsWithBallots {
            program,
            steps,
            ballots: self,
            pending: Default::default(),
            done: false,
        }
    }
}

impl<I: Iterator<Item = Result<StepDef, Diagnostic>>> Iterator for StepsWithBallots<'_, I> {
    type Item = Result<StepDef, Problem>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(p) = self.pending.pop_front() {
                return Some(Err(p));
            }
            if self.done {
                return None;
            }
            match self.steps.next() {
                Some(Ok(mut step)) => {
                    let problems = self.ballots.add_to(self.program, &mut step);
                    if problems.is_empty() {
                        return Some(Ok(step));
                    }
                    self.pending
                        .extend(problems.into_iter().map(Problem::Ballots));
                }
                Some(Err(d)) => return Some(Err(Problem::Steps(d))),
                None => {
                    self.done = true;
                    self.pending
                        .extend(self.ballots.unused().into_iter().map(Problem::Ballots));
                }
            }
        }
    }
}
