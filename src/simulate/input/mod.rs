//! Inputs of a simulation from outside the rulebook (docs/scenarios.md): a
//! member list as CSV, a scenario as JSON, and an act log as CSV. A
//! scenario's steps are read as a stream, one at a time, and lowered by the
//! same code as a rulebook's ([`crate::check::steps`]). A bad value is a
//! diagnostic that names the JSON path, or the CSV line and column.

mod act_log;
mod ballots;
mod export;
mod json;
mod json_scan;
mod opening;
mod values;

use crate::diagnostic::{Code, Diagnostic};
use crate::program::*;
use crate::value::Value;

pub use crate::check::opening::open_books;
pub use act_log::{ActLogSteps, read_act_log, steps_from_act_log};
pub use ballots::{Ballots, Problem, StepsWithBallots, read_ballots};
pub use export::scenario_to_json;
pub use json::{JsonSteps, read_json, steps_from_json_reader};
pub use opening::read_opening;
// The register is read below the executors (crate::register); its names
// stay here for the simulation's callers.
pub use crate::register::{
    CsvRow, MemberTable, Options as RegisterOptions, RegisterFile, duplicate_name, plain_cell,
    read_csv, read_csv_rows,
};
pub use values::TextValues;

/// What a scenario read from a file says before its steps: its name, the
/// parameters it starts from, and the people it lists.
#[derive(Debug, Clone)]
pub struct ScenarioHeader {
    /// Its name.
    pub name: String,
    /// Every parameter's value at the start.
    pub params: Vec<Value>,
    /// The people listed in it (more may come from a members file).
    pub members: MemberTable,
    /// Its opening balances as given (`"opening_balances"`), checked once
    /// the people are known ([`open_books`]).
    pub opening: Vec<OpeningEntry>,
}

impl ScenarioHeader {
    /// A scenario called "scenario", with the rulebook's parameters and no one.
    pub fn empty(program: &Program) -> Self {
        ScenarioHeader {
            name: "scenario".into(),
            params: program.default_params(),
            members: MemberTable::empty(program),
            opening: Vec::new(),
        }
    }
}

/// A stream of steps collected into a [`ScenarioDef`] (what today's engine
/// runs), with the people of its header; or every problem in it.
pub fn collect(
    header: ScenarioHeader,
    stream: impl Iterator<Item = Result<StepDef, Diagnostic>>,
) -> Result<(ScenarioDef, MemberTable), Vec<Diagnostic>> {
    let mut steps = Vec::new();
    let mut errors = Vec::new();
    for step in stream {
        match step {
            Ok(step) if errors.is_empty() => steps.push(step),
            Ok(_) => {}
            Err(d) => errors.push(d),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let ScenarioHeader {
        name,
        params,
        members,
        opening,
    } = header;
    Ok((
        ScenarioDef {
            name,
            span: crate::span::Span::default(),
            heading: crate::span::Span::default(),
            member_names: Vec::new(),
            members: members.columns.iter().map(|_| Vec::new()).collect(),
            member_dates: Vec::new(),
            members_file: None,
            opening: Opening {
                written: opening,
                ..Opening::default()
            },
            params,
            steps,
            projection: Vec::new(),
        },
        members,
    ))
}

/// Why a member list could not be read: the file (for rendering) and the problems.
#[derive(Debug, Clone)]
pub struct InputError {
    /// The file the spans point into.
    pub file: crate::span::SourceFile,
    /// The problems.
    pub diagnostics: Vec<Diagnostic>,
    /// The problem is in what was asked (a scenario that is not there, a
    /// file that cannot be read) rather than in the figures given.
    pub in_request: bool,
}

/// Reads the CSV member list at `path` into `members`.
pub fn add_members_file(
    program: &Program,
    path: &std::path::Path,
    members: &mut MemberTable,
) -> Result<(), InputError> {
    let dir = path.parent().unwrap_or(std::path::Path::new(""));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let file = crate::files::Files::Dir(dir)
        .read(name)
        .map_err(|d| InputError {
            file: crate::span::SourceFile::new(path.display().to_string(), ""),
            diagnostics: vec![d],
            in_request: true,
        })?;
    add_members_text(program, &file, members)
}

/// Reads a CSV member list, given as text, into `members` (with the
/// default options; the notes are dropped).
pub fn add_members_text(
    program: &Program,
    file: &crate::span::SourceFile,
    members: &mut MemberTable,
) -> Result<(), InputError> {
    add_register(
        program,
        &RegisterFile::csv(file.clone()),
        &RegisterOptions::default(),
        members,
    )
    .map(|_notes| ())
}

/// Reads a register (CSV or a spreadsheet) into `members`; gives the notes
/// about it (the columns ignored).
pub fn add_register(
    program: &Program,
    file: &RegisterFile,
    options: &RegisterOptions,
    members: &mut MemberTable,
) -> Result<Vec<Diagnostic>, InputError> {
    let fail = |diagnostics| InputError {
        file: file.file(),
        diagnostics,
        in_request: false,
    };
    let read = crate::register::read(program, file.source(), options).map_err(fail)?;
    members.extend(read.members, &file.name).map_err(fail)?;
    Ok(read.notes)
}

/// The people of a scenario written in a rulebook: its own members, and
/// those of its `members from` file, found beside the rulebook in `base`.
pub fn scenario_members(
    program: &Program,
    scenario: &ScenarioDef,
    base: &std::path::Path,
) -> Result<MemberTable, InputError> {
    scenario_members_in(program, scenario, crate::files::Files::Dir(base))
}

/// The people of a scenario written in a rulebook, its `members from` file
/// read from `files`.
pub fn scenario_members_in(
    program: &Program,
    scenario: &ScenarioDef,
    files: crate::files::Files,
) -> Result<MemberTable, InputError> {
    let mut members = MemberTable::inline(scenario);
    if let Some((name, _)) = &scenario.members_file {
        let file = files.read(name).map_err(|d| InputError {
            file: crate::span::SourceFile::new(name.clone(), ""),
            diagnostics: vec![d],
            in_request: true,
        })?;
        add_members_text(program, &file, &mut members)?;
    }
    Ok(members)
}

/// The rulebook's scenario called `name`, or its only one when no name is
/// given; otherwise a diagnostic that lists the scenarios there are.
pub fn choose_scenario<'p>(
    program: &'p Program,
    name: Option<&str>,
) -> Result<&'p ScenarioDef, Diagnostic> {
    let chosen = match name {
        Some(name) => program.scenarios.iter().find(|s| s.name == name),
        None if program.scenarios.len() == 1 => program.scenarios.first(),
        None => None,
    };
    if let Some(def) = chosen {
        return Ok(def);
    }
    let names: Vec<String> = program
        .scenarios
        .iter()
        .map(|s| format!("\"{}\"", s.name))
        .collect();
    let help = match (name, names.is_empty()) {
        (_, true) => "the rulebook has no scenario; write one with `scenario \"name\" { ... }` or give --scenario-file".to_string(),
        (Some(n), false) => crate::check::nearest(n, program.scenarios.iter().map(|s| s.name.as_str()))
            .map(|m| format!("did you mean \"{m}\"?"))
            .unwrap_or_else(|| format!("the scenarios are {}", names.join(", "))),
        (None, false) => format!("choose one with --scenario: {}", names.join(", ")),
    };
    let message = match name {
        Some(n) => format!("the rulebook has no scenario \"{n}\""),
        None => "which scenario?".to_string(),
    };
    Err(Diagnostic::error(Code::UnknownName, message).help(help))
}

/// Which scenario to run.
#[derive(Debug, Clone, Copy, Default)]
pub enum ScenarioChoice<'a> {
    /// The rulebook's only scenario.
    #[default]
    Rulebook,
    /// The rulebook's scenario of this name.
    Named(&'a str),
    /// A scenario in JSON (see docs/scenarios.md).
    Json(&'a crate::span::SourceFile),
    /// A CSV act log (see docs/scenarios.md), named after its file.
    ActLog(&'a crate::span::SourceFile),
    /// None: only examples are run.
    None,
}

/// The scenario and its people, as asked: a scenario of the rulebook (its
/// `members from` file read from `files`), one in JSON or an act log (their
/// streams collected), and further
/// members as CSV. `None` when no scenario is asked for.
pub fn prepare(
    program: &Program,
    rulebook: &crate::span::SourceFile,
    files: crate::files::Files,
    scenario: ScenarioChoice,
    members_csv: Option<&crate::span::SourceFile>,
) -> Result<Option<(ScenarioDef, MemberTable)>, InputError> {
    let register = members_csv.map(|csv| RegisterFile::csv(csv.clone()));
    let options = RegisterOptions::default();
    let prepared = prepare_with(
        program,
        rulebook,
        files,
        scenario,
        register.as_ref().map(|r| (r, &options)),
    )?;
    Ok(prepared.map(|(def, members, _notes)| (def, members)))
}

/// As [`prepare`], with further members from a register read with
/// `options`; gives the notes about the register too.
#[allow(clippy::type_complexity)]
pub fn prepare_with(
    program: &Program,
    rulebook: &crate::span::SourceFile,
    files: crate::files::Files,
    scenario: ScenarioChoice,
    register: Option<(&RegisterFile, &RegisterOptions)>,
) -> Result<Option<(ScenarioDef, MemberTable, Vec<Diagnostic>)>, InputError> {
    let fail = |file: &crate::span::SourceFile, diagnostics| InputError {
        file: file.clone(),
        diagnostics,
        in_request: false,
    };
    let (def, mut members) = match scenario {
        ScenarioChoice::None => return Ok(None),
        ScenarioChoice::Json(json) => {
            read_json(program, &json.text).map_err(|ds| fail(json, ds))?
        }
        ScenarioChoice::ActLog(log) => {
            read_act_log(program, &log.name, &log.text).map_err(|ds| fail(log, ds))?
        }
        ScenarioChoice::Rulebook | ScenarioChoice::Named(_) => {
            let name = match scenario {
                ScenarioChoice::Named(name) => Some(name),
                _ => None,
            };
            let def = choose_scenario(program, name).map_err(|d| InputError {
                file: rulebook.clone(),
                diagnostics: vec![d],
                in_request: true,
            })?;
            (def.clone(), scenario_members_in(program, def, files)?)
        }
    };
    let notes = match register {
        Some((file, options)) => add_register(program, file, options, &mut members)?,
        None => Vec::new(),
    };
    let too_large = size_diagnostics(members.names.len(), def.steps.len());
    if !too_large.is_empty() {
        let file = register.map_or_else(|| rulebook.clone(), |(r, _)| r.file());
        return Err(InputError {
            file,
            diagnostics: too_large,
            in_request: true,
        });
    }
    let mut def = def;
    // Opening balances given in a JSON scenario are placed in it; a date
    // of the register's, in the register.
    let written_in = match scenario {
        ScenarioChoice::Json(json) => json.clone(),
        _ => rulebook.clone(),
    };
    let dates_in = register.map_or_else(|| written_in.clone(), |(r, _)| r.file());
    starting_state(program, (&written_in, &dates_in), files, &mut def, &members)?;
    Ok(Some((def, members, notes)))
}

/// The state a timeline starts from, checked before it runs: no one
/// joined or left after its first day, and the books open with the
/// scenario's opening balances (written in it, or in the file it names,
/// read from `files`), which must balance.
///
/// `written_in` is the text the scenario's own opening balances are
/// written in (the rulebook, or a JSON scenario), `dates_in` the one the
/// membership dates come from (the register, if one is read).
pub fn starting_state(
    program: &Program,
    (written_in, dates_in): (&crate::span::SourceFile, &crate::span::SourceFile),
    files: crate::files::Files,
    def: &mut ScenarioDef,
    members: &MemberTable,
) -> Result<(), InputError> {
    if let Some(first) = def.steps.first() {
        let late = members.dated_after(first.date);
        if !late.is_empty() {
            return Err(InputError {
                file: dates_in.clone(),
                diagnostics: late,
                in_request: false,
            });
        }
    }
    let (file, entries) = match &def.opening.file {
        Some((name, _)) => {
            let file = files.read(name).map_err(|d| InputError {
                file: crate::span::SourceFile::new(name.clone(), ""),
                diagnostics: vec![d],
                in_request: true,
            })?;
            let entries = read_opening(program, &file).map_err(|ds| InputError {
                file: file.clone(),
                diagnostics: ds,
                in_request: false,
            })?;
            (file, entries)
        }
        None => (written_in.clone(), def.opening.written.clone()),
    };
    def.opening.balances =
        open_books(program.currency, &entries, &members.names).map_err(|ds| InputError {
            file,
            diagnostics: ds,
            in_request: false,
        })?;
    Ok(())
}

/// The books of `def` open instead with the trial balance in `file` (an
/// opening balances file given to the command line, `--opening`, or to the
/// library, `opening_csv`): read, checked against `members` and balanced.
pub fn reopen_books(
    program: &Program,
    def: &mut ScenarioDef,
    members: &MemberTable,
    file: &crate::span::SourceFile,
) -> Result<(), InputError> {
    let fail = |diagnostics| InputError {
        file: file.clone(),
        diagnostics,
        in_request: false,
    };
    let entries = read_opening(program, file).map_err(fail)?;
    def.opening.balances = open_books(program.currency, &entries, &members.names).map_err(fail)?;
    Ok(())
}

/// The most people a simulation holds: as many as a batch
/// ([`crate::batch::MAX_BATCH_MEMBERS`]). A simulation keeps each member's
/// figures and accounts, not their history: what grows with the timeline
/// is written as it is made.
pub const MAX_SIMULATION_MEMBERS: usize = crate::batch::MAX_BATCH_MEMBERS;

/// The most steps of a timeline held in memory: a rulebook's scenario, or
/// one given to the library's API or the playground. A timeline read from a
/// file by `rochdale simulate` is run as it is read and has no limit (the
/// step budget still bounds each act).
pub const MAX_SCENARIO_STEPS: usize = 1_000_000;

/// Diagnostics for a simulation of `members` people and `steps` steps that
/// is beyond [`MAX_SIMULATION_MEMBERS`] or [`MAX_SCENARIO_STEPS`] (none if
/// it is within both).
pub fn size_diagnostics(members: usize, steps: usize) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if members > MAX_SIMULATION_MEMBERS {
        out.push(
            Diagnostic::error(
                Code::TooLarge,
                format!(
                    "the simulation has {members} people; it holds at most {MAX_SIMULATION_MEMBERS}"
                ),
            )
            .help("split the member list and run each part as a simulation of its own"),
        );
    }
    if steps > MAX_SCENARIO_STEPS {
        out.push(
            Diagnostic::error(
                Code::TooLarge,
                format!("the scenario has {steps} steps; a timeline holds at most {MAX_SCENARIO_STEPS}"),
            )
            .help("run it from a file with `rochdale simulate --scenario-file` or `--acts`, which reads a timeline as it runs, or use `for each member` acts instead of one step per member"),
        );
    }
    out
}
