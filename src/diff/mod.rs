//! `rochdale diff`: what an amendment changes. First the text, part by part
//! ([`structure`]); then the impact ([`impact`]): the examples and one
//! scenario run under both versions, compared per member.
//!
//! ```
//! use rochdale::SourceFile;
//! use rochdale::diff::{DiffOptions, Version, diff};
//!
//! let old = SourceFile::new("old.coop", r#"
//! rulebook "Tiny Co-op" currency GBP
//! parameter markup: Percent = 10%
//! rule price(cost: Money): Money = round(cost * (100% + markup), to 0.01, half up)
//! example "a loaf" { expect price(£1.15) = £1.27 }
//! "#);
//! let new = SourceFile::new("new.coop", old.text.replace("10%", "20%"));
//! let found = diff(Version::new(&old), Version::new(&new), &DiffOptions::default()).unwrap();
//! assert_eq!(found.changes[0].name, "markup");
//! assert_eq!(found.changes[0].old.as_deref(), Some("10%: Percent"));
//! // £1.15 × 120% = £1.38: the example's value moves by 11p.
//! let line = &found.examples[0].values[0];
//! assert_eq!(line.new.as_ref().unwrap().display, "£1.38");
//! assert_eq!(line.difference.as_ref().unwrap().display, "+£0.11");
//! ```

pub mod attribution;
pub mod impact;
pub mod structure;
mod text;
pub mod wording;

use std::path::Path;

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::files::Files;
use crate::program::{Program, ScenarioDef};
use crate::provenance::Provenance;
use crate::register::{Options as RegisterOptions, RegisterFile};
pub use crate::simulate::input::ScenarioChoice;
use crate::simulate::input::{self, MemberTable};
use crate::span::SourceFile;
use crate::syntax::ast;

pub use attribution::ParameterAlone;
pub use impact::{
    AdmissionChange, Effect, ExampleChange, ExpectationChange, MemberAmount, MemberImpact,
    ResolutionChange, Side, SimulationImpact, StepChange, Totals, TrancheChange, ValueChange,
};
pub use structure::{ChangeKind, ItemChange};
pub use wording::{WordOp, WordRun, WordingChange};

/// One version of a rulebook: its text, and where the files its scenarios
/// name (`members from`) are found.
#[derive(Debug, Clone, Copy)]
pub struct Version<'a> {
    /// The rulebook.
    pub file: &'a SourceFile,
    /// Where files it names are found.
    pub files: Files<'a>,
}

impl<'a> Version<'a> {
    /// A version whose scenarios name no files.
    pub fn new(file: &'a SourceFile) -> Self {
        Version {
            file,
            files: Files::None,
        }
    }

    /// A version read from `dir`, its files beside it.
    pub fn in_dir(file: &'a SourceFile, dir: &'a Path) -> Self {
        Version {
            file,
            files: Files::Dir(dir),
        }
    }

    /// A version with the files it names given as texts.
    pub fn with_files(file: &'a SourceFile, files: Files<'a>) -> Self {
        Version { file, files }
    }
}

/// What to run under both versions.
#[derive(Debug, Clone, Copy, Default)]
pub struct DiffOptions<'a> {
    /// The scenario.
    pub scenario: ScenarioChoice<'a>,
    /// Further members: a register (CSV, .xlsx or .ods) and how to read
    /// it (`--map`, `--dates`, `--sheet`), the same for both versions.
    pub members: Option<(&'a RegisterFile, &'a RegisterOptions)>,
}

/// Why a comparison could not be made: the file the problems are in.
#[derive(Debug, Clone)]
pub struct DiffError {
    /// The file the spans point into.
    pub file: SourceFile,
    /// The problems.
    pub diagnostics: Vec<Diagnostic>,
    /// The problem is in what was asked (a scenario that is not there, a
    /// file that cannot be read) rather than in the rules or the figures.
    pub in_request: bool,
}

/// What an amendment changes.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct RulebookDiff {
    /// The old rules: name, version, content hash.
    pub old: Provenance,
    /// The new rules.
    pub new: Provenance,
    /// Each part of the text added, removed or changed.
    pub changes: Vec<ItemChange>,
    /// Each article whose wording, figures filled in, reads differently,
    /// word by word (left out of JSON when there is none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub wording: Vec<WordingChange>,
    /// Examples whose results differ.
    pub examples: Vec<ExampleChange>,
    /// The scenario run under both, compared (none if no scenario was run).
    pub simulation: Option<SimulationImpact>,
    /// Things to know when reading the comparison.
    pub notes: Vec<String>,
}

impl RulebookDiff {
    /// The comparison for people.
    pub fn to_text(&self) -> String {
        text::render(self)
    }
}

/// Parses and checks one version.
fn load(version: Version) -> Result<(ast::Rulebook, Program), DiffError> {
    let fail = |diagnostics| DiffError {
        file: version.file.clone(),
        diagnostics,
        in_request: false,
    };
    let book = crate::syntax::parse(&version.file.text).map_err(fail)?;
    let checked = crate::pipeline::check_book(&book);
    match checked.program {
        Some(program) if !checked.diagnostics.iter().any(Diagnostic::is_error) => {
            Ok((book, program))
        }
        _ => Err(fail(checked.diagnostics)),
    }
}

/// The scenario and people of one version, and the notes about the
/// register (the columns it ignored).
#[allow(clippy::type_complexity)]
fn prepare(
    version: Version,
    program: &Program,
    options: &DiffOptions,
) -> Result<Option<(ScenarioDef, MemberTable, Vec<Diagnostic>)>, DiffError> {
    if matches!(options.scenario, ScenarioChoice::Rulebook) && program.scenarios.is_empty() {
        return Ok(None);
    }
    input::prepare_with(
        program,
        version.file,
        version.files,
        options.scenario,
        options.members,
    )
    .map_err(|e| DiffError {
        file: e.file,
        diagnostics: e.diagnostics,
        in_request: e.in_request,
    })
}

/// Compares two versions of a rulebook: the text part by part, then the
/// examples and the chosen scenario run under both.
pub fn diff(old: Version, new: Version, options: &DiffOptions) -> Result<RulebookDiff, DiffError> {
    let (old_book, old_program) = load(old)?;
    let (new_book, new_program) = load(new)?;
    let changes =
        structure::structural_changes(&old_book, &old.file.text, &new_book, &new.file.text);
    let examples = impact::compare_examples(
        &crate::example::run_examples(&old_program),
        &crate::example::run_examples(&new_program),
        &new.file.text,
    );

    let mut notes = Vec::new();
    let old_run = prepare(old, &old_program, options)?;
    let new_run = prepare(new, &new_program, options)?;
    let simulation = match (old_run, new_run) {
        (Some((old_def, old_members, register_notes)), Some((new_def, new_members, _))) => {
            // The register is read alike for both versions; its notes (a
            // column ignored) are said once.
            if let Some((register, _)) = options.members {
                notes.extend(
                    register_notes
                        .into_iter()
                        .map(|d| format!("{}: {}", register.name, d.message)),
                );
            }
            if changes
                .iter()
                .any(|c| c.kind == "scenario" && c.name == new_def.name)
            {
                notes.push(format!(
                    "the scenario \"{}\" itself differs between the versions: its impact mixes the change of rules with the change of scenario",
                    new_def.name
                ));
            }
            // More than one change: each parameter is also run alone, so
            // the old members are kept for those runs.
            let attribute = changes.len() > 1;
            let kept = attribute.then(|| old_members.clone());
            let before = crate::simulate::simulate(&old_program, &old_def, old_members);
            let after = crate::simulate::simulate(&new_program, &new_def, new_members);
            let mut compared = impact::compare_simulations(&before, &after);
            if let Some(members) = &kept {
                let old_run = attribution::OldRun {
                    program: &old_program,
                    scenario: &old_def,
                    members,
                    outcome: &before,
                };
                compared.parameters_alone =
                    attribution::parameters_alone(&old_run, &new_program, &new_def);
            }
            Some(compared)
        }
        _ => {
            if !matches!(options.scenario, ScenarioChoice::None) {
                notes.push(
                    "the rulebook has no scenario: only its examples are compared".to_string(),
                );
            }
            None
        }
    };
    Ok(RulebookDiff {
        old: old_program.provenance.clone(),
        new: new_program.provenance.clone(),
        wording: wording::wording_changes(&old_program, &new_program),
        changes,
        examples,
        simulation,
        notes,
    })
}
