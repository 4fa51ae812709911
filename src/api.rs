//! The interfaces over texts and JSON, shared by the command line (its
//! `--format json`) and the WASM build, so that a service, the browser
//! playground and the CLI see the same bytes for the same input.
//!
//! Each function takes the rulebook as a [`SourceFile`] and a
//! [`RunRequest`] (itself readable from JSON) and returns pretty-printed
//! JSON, or a [`Failure`] with the diagnostics.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, DiagnosticJson};
use crate::files::Files;
use crate::register::{Options as RegisterOptions, RegisterFile};
use crate::report::{CheckFileJson, CheckRunJson, TestFileJson, TestRunJson};
use crate::simulate::input::{self, ScenarioChoice};
use crate::span::{SourceFile, Sources};

/// What to run, given as texts: a scenario by name or in JSON, more
/// members as CSV, the files a rulebook names, and for `explain` the
/// example or step and the expression.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(default, deny_unknown_fields)]
pub struct RunRequest {
    /// A scenario of the rulebook, by name (its only one if not given).
    pub scenario: Option<String>,
    /// Or the text of a scenario in JSON (docs/scenarios.md).
    pub scenario_json: Option<String>,
    /// More members, as the text of a CSV file.
    pub members_csv: Option<String>,
    /// How `members_csv` is read, as `rochdale simulate --map`: its
    /// columns given an attribute (or `name`) by hand, column to attribute.
    pub members_map: BTreeMap<String, String>,
    /// How `members_csv` writes dates with slashes, as `--dates`:
    /// `"day-first"` (01/04/2026 is 1 April) or `"month-first"`.
    pub members_dates: Option<crate::register::DateOrder>,
    /// Ballots for the scenario's motions and elections, as the text of a
    /// CSV file (`date,motion,member,vote,proxy`), as `rochdale simulate
    /// --ballots`; a bad line is placed in "ballots.csv".
    pub ballots_csv: Option<String>,
    /// The books open with this trial balance, as the text of a CSV file
    /// (`account,debit,credit`, as trial_balance.csv), in place of the
    /// scenario's opening balances, as `rochdale simulate --opening`; a bad
    /// line is placed in "opening.csv".
    pub opening_csv: Option<String>,
    /// Files the rulebook names (`members from "founders.csv"`), by name.
    pub files: BTreeMap<String, String>,
    /// For `diff`: compare the examples only.
    pub examples_only: bool,
    /// For `explain`: the example whose inputs are used (else the scenario).
    pub example: Option<String>,
    /// For `explain` in a scenario: the last step run.
    pub step: Option<usize>,
    /// For `explain`: the expression, such as `dividend(ada)`.
    pub value: Option<String>,
    /// For `simulate`: leave the journal out and write compact JSON (what a
    /// screen of statements needs, much faster for many members).
    pub summary: bool,
    /// For `simulate`, `statements_csv` and `projection_csv`: a projection
    /// over this many financial years, as `rochdale simulate --years`: the
    /// rulebook scenario's `every year` block runs for as many years.
    pub years: Option<u32>,
}

impl RunRequest {
    /// Reads a request from JSON; an empty text is the default request.
    pub fn from_json(text: &str) -> Result<Self, Failure> {
        if text.trim().is_empty() {
            return Ok(RunRequest::default());
        }
        serde_json::from_str(text).map_err(|e| Failure {
            file: SourceFile::new("request", text),
            expression: None,
            diagnostics: vec![
                Diagnostic::error(
                    crate::Code::BadInputFile,
                    format!("the request is not valid: {e}"),
                )
                .help("a request is a JSON object with `scenario`, `scenario_json`, `members_csv`, `members_map`, `members_dates`, `ballots_csv`, `opening_csv`, `files`, `examples_only`, `example`, `step`, `value`, `summary` and `years`, all optional"),
            ],
        })
    }
}

/// Why a request could not be carried out: the problems, and the text their
/// places refer to.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The text the diagnostics' spans point into.
    pub file: SourceFile,
    /// For `explain`: the expression, which spans in
    /// [`crate::Span::EXPRESSION`] point into.
    pub expression: Option<SourceFile>,
    /// The problems.
    pub diagnostics: Vec<Diagnostic>,
}

/// `{ "diagnostics": [...] }`: a failure as JSON.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct FailureJson {
    /// Each problem, placed by line and column.
    pub diagnostics: Vec<DiagnosticJson>,
}

impl Failure {
    /// The texts the diagnostics point into.
    pub fn sources(&self) -> Sources<'_> {
        Sources {
            rulebook: &self.file,
            expression: self.expression.as_ref(),
        }
    }

    /// The failure as JSON.
    pub fn to_json(&self) -> String {
        to_json(&FailureJson {
            diagnostics: self
                .diagnostics
                .iter()
                .map(|d| DiagnosticJson::new(d, self.sources()))
                .collect(),
        })
    }
}

impl From<crate::explain::ExplainError> for Failure {
    fn from(e: crate::explain::ExplainError) -> Self {
        Failure {
            file: e.source,
            expression: Some(e.expression),
            diagnostics: e.diagnostics,
        }
    }
}

impl From<input::InputError> for Failure {
    fn from(e: input::InputError) -> Self {
        Failure {
            file: e.file,
            expression: None,
            diagnostics: e.diagnostics,
        }
    }
}

/// JSON as every interface prints it: pretty, two spaces, keys in
/// declaration order.
pub fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|e| {
        format!("{{\"diagnostics\": [{{\"message\": \"could not write JSON: {e}\"}}]}}")
    })
}

/// `rochdale check --format json` of one file. An example that reads its
/// members from a file is left out: [`check_with`] gives the files.
pub fn check(file: &SourceFile) -> String {
    check_with(file, &RunRequest::default())
}

/// [`check`], with the member files the examples name (`members from
/// "x.csv"`) taken from `request.files`.
pub fn check_with(file: &SourceFile, request: &RunRequest) -> String {
    let checked = checked_in(file, &request.files);
    to_json(&CheckRunJson {
        files: vec![CheckFileJson::new(file, &checked)],
    })
}

/// `rochdale test --format json` of one file. An example that reads its
/// members from a file fails here: [`test_with`] gives the files.
pub fn test(file: &SourceFile) -> String {
    test_with(file, &RunRequest::default())
}

/// [`test`], with the member files the examples name (`members from
/// "x.csv"`) taken from `request.files`, as `rochdale test` reads them
/// beside the rulebook.
pub fn test_with(file: &SourceFile, request: &RunRequest) -> String {
    let report = crate::pipeline::test_source_in(file, Files::Map(&request.files));
    to_json(&TestRunJson {
        passed: report.passed(),
        failed: report.failed(),
        files: vec![TestFileJson::new(file, &report)],
    })
}

/// Parses and checks with the files the examples name read from `files`;
/// with no files given, an example that names one is left out, as before.
fn checked_in(file: &SourceFile, files: &BTreeMap<String, String>) -> crate::Checked {
    match crate::syntax::parse(&file.text) {
        Ok(book) if files.is_empty() => crate::pipeline::check_book(&book),
        Ok(book) => crate::pipeline::check_book_in(&book, Files::Map(files)),
        Err(diagnostics) => crate::Checked {
            program: None,
            diagnostics,
        },
    }
}

/// Parses and checks (the examples' member files from `request.files`),
/// or fails with the rulebook's diagnostics.
fn program(file: &SourceFile, request: &RunRequest) -> Result<crate::Program, Failure> {
    let checked = checked_in(file, &request.files);
    checked.program.ok_or_else(|| Failure {
        file: file.clone(),
        expression: None,
        diagnostics: checked.diagnostics,
    })
}

/// The scenario asked for, and its people.
fn scenario<'a>(request: &'a RunRequest, json: &'a Option<SourceFile>) -> ScenarioChoice<'a> {
    match (json, &request.scenario) {
        (Some(json), _) => ScenarioChoice::Json(json),
        (None, Some(name)) => ScenarioChoice::Named(name),
        (None, None) => ScenarioChoice::Rulebook,
    }
}

/// The request's scenario in JSON and its register (`members_csv`).
fn texts(request: &RunRequest) -> (Option<SourceFile>, Option<RegisterFile>) {
    (
        request
            .scenario_json
            .as_ref()
            .map(|t| SourceFile::new("scenario.json", t.clone())),
        request
            .members_csv
            .as_ref()
            .map(|t| RegisterFile::csv(SourceFile::new("members.csv", t.clone()))),
    )
}

/// How the request's register is read: `members_map` and `members_dates`.
fn register_options(request: &RunRequest) -> RegisterOptions {
    RegisterOptions {
        map: request
            .members_map
            .iter()
            .map(|(column, attribute)| (column.clone(), attribute.clone()))
            .collect(),
        dates: request.members_dates,
        sheet: None,
    }
}

/// The scenario asked for and its people.
fn scenario_and_members(
    file: &SourceFile,
    program: &crate::Program,
    request: &RunRequest,
) -> Result<(crate::program::ScenarioDef, input::MemberTable), Failure> {
    let (json, csv) = texts(request);
    let options = register_options(request);
    input::prepare_with(
        program,
        file,
        Files::Map(&request.files),
        scenario(request, &json),
        csv.as_ref().map(|r| (r, &options)),
    )?
    .map(|(def, members, _notes)| (def, members))
    .ok_or_else(|| Failure {
        file: file.clone(),
        expression: None,
        diagnostics: Vec::new(),
    })
    .and_then(|(def, members)| {
        let def = projected(file, program, def, request)?;
        let mut def = with_ballots(program, def, &members.names, request)?;
        if let Some(text) = &request.opening_csv {
            let opening = SourceFile::new("opening.csv", text.clone());
            input::reopen_books(program, &mut def, &members, &opening)?;
        }
        Ok((def, members))
    })
}

/// The scenario with the request's ballots (`ballots_csv`) added to its
/// motions and elections.
fn with_ballots(
    program: &crate::Program,
    mut def: crate::program::ScenarioDef,
    people: &[String],
    request: &RunRequest,
) -> Result<crate::program::ScenarioDef, Failure> {
    let Some(text) = &request.ballots_csv else {
        return Ok(def);
    };
    let file = SourceFile::new("ballots.csv", text.clone());
    let failure = |diagnostics| Failure {
        file: file.clone(),
        expression: None,
        diagnostics,
    };
    let mut ballots = input::read_ballots(&file)
        .map_err(failure)?
        .with_people(people);
    ballots
        .add_to_scenario(program, &mut def)
        .map_err(failure)?;
    Ok(def)
}

/// The scenario as a projection over `request.years`, if asked for.
fn projected(
    file: &SourceFile,
    program: &crate::Program,
    def: crate::program::ScenarioDef,
    request: &RunRequest,
) -> Result<crate::program::ScenarioDef, Failure> {
    match request.years {
        Some(years) => {
            crate::check::steps::with_years(program, &def, years).map_err(|diagnostics| Failure {
                file: file.clone(),
                expression: None,
                diagnostics,
            })
        }
        None => Ok(def),
    }
}

/// `rochdale simulate --format json`.
pub fn simulate(file: &SourceFile, request: &RunRequest) -> Result<String, Failure> {
    let program = program(file, request)?;
    let (def, members) = scenario_and_members(file, &program, request)?;
    Ok(simulation_json(&program, &def, members, request))
}

/// The outcome as `simulate` writes it (compact, without the journal, for
/// a summary).
fn simulation_json(
    program: &crate::Program,
    def: &crate::program::ScenarioDef,
    members: input::MemberTable,
    request: &RunRequest,
) -> String {
    if request.summary {
        let outcome = crate::simulate::simulate_summary(program, def, members);
        return serde_json::to_string(&outcome).unwrap_or_default();
    }
    to_json(&crate::simulate::simulate(program, def, members))
}

/// `rochdale simulate --acts acts.csv --format json`: the scenario is the
/// text of a CSV act log (docs/scenarios.md), named "acts", its people from
/// `request.members_csv`; `request.summary` as for [`simulate`]. A bad line
/// is a diagnostic placed in the act log (`acts.csv:4:12: ...`).
pub fn simulate_act_log(
    file: &SourceFile,
    act_log: &str,
    request: &RunRequest,
) -> Result<String, Failure> {
    let program = program(file, request)?;
    let log = SourceFile::new("acts.csv", act_log);
    let (_, csv) = texts(request);
    let options = register_options(request);
    let (def, members, _notes) = input::prepare_with(
        &program,
        file,
        Files::Map(&request.files),
        ScenarioChoice::ActLog(&log),
        csv.as_ref().map(|r| (r, &options)),
    )?
    .ok_or_else(|| Failure {
        file: log.clone(),
        diagnostics: Vec::new(),
        expression: None,
    })?;
    let def = projected(file, &program, def, request)?;
    Ok(simulation_json(&program, &def, members, request))
}

/// `rochdale simulate --format csv`: each member's statement as CSV.
pub fn statements_csv(file: &SourceFile, request: &RunRequest) -> Result<String, Failure> {
    let program = program(file, request)?;
    let (def, members) = scenario_and_members(file, &program, request)?;
    Ok(crate::simulate::simulate(&program, &def, members).statements_csv())
}

/// `rochdale simulate --years N --format csv`: the projection as CSV, one
/// row a financial year (`request.years`, or the years the scenario closes).
pub fn projection_csv(file: &SourceFile, request: &RunRequest) -> Result<String, Failure> {
    let program = program(file, request)?;
    let (def, members) = scenario_and_members(file, &program, request)?;
    Ok(crate::simulate::simulate(&program, &def, members).projection_csv())
}

/// The scenario asked for (the rulebook's, with the members of its files and
/// of `members_csv`) written as a JSON scenario (docs/scenarios.md): what
/// the playground edits as a table of members and a list of acts.
pub fn scenario_json(file: &SourceFile, request: &RunRequest) -> Result<String, Failure> {
    let program = program(file, request)?;
    let (def, members) = scenario_and_members(file, &program, request)?;
    Ok(to_json(&input::scenario_to_json(&program, &def, &members)))
}

/// `rochdale explain --format json`: `request.value` explained with the
/// inputs of `request.example`, or of the scenario at `request.step`.
pub fn explain(file: &SourceFile, request: &RunRequest) -> Result<String, Failure> {
    let program = program(file, request)?;
    let Some(value) = &request.value else {
        return Err(Failure {
            file: file.clone(),
            expression: None,
            diagnostics: vec![
                Diagnostic::error(crate::Code::BadInputFile, "nothing to explain")
                    .help("give the expression to explain as `value`, such as `dividend(ada)`"),
            ],
        });
    };
    let prepared;
    let context = match &request.example {
        Some(example) => crate::explain::Context::Example(example),
        None => {
            let (def, members) = scenario_and_members(file, &program, request)?;
            prepared = def;
            crate::explain::Context::Scenario {
                scenario: &prepared,
                members,
                step: request.step,
            }
        }
    };
    crate::explain::explain_in(file, &program, context, value)
        .map(|e| to_json(&e))
        .map_err(Failure::from)
}

/// `rochdale diff --format json`: both versions' files the rulebooks name
/// are taken from `request.files`.
pub fn diff(old: &SourceFile, new: &SourceFile, request: &RunRequest) -> Result<String, Failure> {
    use crate::diff::{DiffOptions, Version};
    let (json, csv) = texts(request);
    let options = register_options(request);
    let choice = if request.examples_only {
        ScenarioChoice::None
    } else {
        scenario(request, &json)
    };
    let files = Files::Map(&request.files);
    crate::diff::diff(
        Version::with_files(old, files),
        Version::with_files(new, files),
        &DiffOptions {
            scenario: choice,
            members: csv.as_ref().map(|r| (r, &options)),
        },
    )
    .map(|d| to_json(&d))
    .map_err(|e| Failure {
        file: e.file,
        expression: None,
        diagnostics: e.diagnostics,
    })
}

/// `rochdale doc --format html`: the rulebook as one self-contained HTML
/// document (docs/document.md).
pub fn document_html(file: &SourceFile) -> Result<String, Failure> {
    let checked = crate::pipeline::check_source(&file.text);
    match checked.program {
        Some(program) => Ok(crate::document::rulebook_html(&crate::document::build(
            &program, &file.text,
        ))),
        None => Err(Failure {
            file: file.clone(),
            expression: None,
            diagnostics: checked.diagnostics,
        }),
    }
}

/// `rochdale doc OLD NEW --format html`: the amendment pack from `old`
/// (in force) to `new` (proposed), with the scenario `request` names.
pub fn amendment_html(
    old: &SourceFile,
    new: &SourceFile,
    request: &RunRequest,
) -> Result<String, Failure> {
    use crate::diff::{DiffOptions, Version};
    let (json, csv) = texts(request);
    let options = register_options(request);
    let files = Files::Map(&request.files);
    crate::document::amendment_pack(
        Version::with_files(old, files),
        Version::with_files(new, files),
        &DiffOptions {
            scenario: scenario(request, &json),
            members: csv.as_ref().map(|r| (r, &options)),
        },
    )
    .map(|pack| crate::document::amendment_html(&pack))
    .map_err(|e| Failure {
        file: e.file,
        expression: None,
        diagnostics: e.diagnostics,
    })
}

/// `rochdale fmt`: the rulebook in the canonical layout.
pub fn format(file: &SourceFile) -> Result<String, Failure> {
    crate::format::format_source(&file.text).map_err(|diagnostics| Failure {
        file: file.clone(),
        expression: None,
        diagnostics,
    })
}
