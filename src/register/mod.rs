//! Member registers: the people of a cooperative as a CSV file or a
//! spreadsheet (.xlsx, .ods) exports them, read against the rulebook's
//! member attributes into the table both executors start from.
//!
//! A stage of its own, below the executors, so that the row executor's
//! simulation and the column executor's batch read a register with the
//! same code (docs/architecture.md). What a register may hold is in
//! docs/language.md ("Member registers").

mod cells;
mod columns;
mod csv_text;
mod place;
mod rows;
#[cfg(feature = "cli")]
mod sheet;

use std::collections::{HashMap, HashSet};

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::program::Program;
use crate::span::{SourceFile, Span};
use crate::value::Value;

pub use cells::{
    CellProblem, DateOrder, money_help, plain_cell, register_money, serial_date, slash_date,
};
use place::{Place, placed};

/// The most problems of one register reported one by one; past it, a last
/// diagnostic counts the rest.
pub const MAX_REPORTED: usize = 50;

/// The people of a register (or of a scenario): names, and values by
/// attribute.
#[derive(Debug, Clone, Default)]
pub struct MemberTable {
    /// Names, in order.
    pub names: Vec<String>,
    /// Values, attribute-major: `columns[attr][person]`.
    pub columns: Vec<Vec<Option<Value>>>,
    /// Per person (as `names`, or empty when no one's is given): the day
    /// they joined, for a person who was a member before the timeline
    /// begins (the register's `joined` column, or `joined DATE` in a
    /// scenario). Everyone else starts as a person who is not a member.
    pub joined: Vec<Option<time::Date>>,
    /// Per person (as `joined`): the day a former member left.
    pub left: Vec<Option<time::Date>>,
}

impl MemberTable {
    /// No one, with a column for each of `program`'s member attributes.
    pub fn empty(program: &Program) -> Self {
        MemberTable {
            names: Vec::new(),
            columns: program.member_attrs.iter().map(|_| Vec::new()).collect(),
            joined: Vec::new(),
            left: Vec::new(),
        }
    }

    /// The members written in a scenario.
    pub fn inline(scenario: &crate::program::ScenarioDef) -> Self {
        MemberTable {
            names: scenario.member_names.clone(),
            columns: scenario.members.clone(),
            joined: scenario.member_dates.iter().map(|d| d.0).collect(),
            left: scenario.member_dates.iter().map(|d| d.1).collect(),
        }
    }

    /// The day person `i` joined, if they were a member before the
    /// timeline begins.
    pub fn joined(&self, i: usize) -> Option<time::Date> {
        self.joined.get(i).copied().flatten()
    }

    /// The day person `i` left, for a former member.
    pub fn left(&self, i: usize) -> Option<time::Date> {
        self.left.get(i).copied().flatten()
    }

    /// Problems with the membership dates against the timeline's first
    /// day: a register (or a scenario's list) gives the people as they
    /// stand when it begins, so no one joined or left after that day.
    pub fn dated_after(&self, first: time::Date) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        for (i, name) in self.names.iter().enumerate() {
            for (what, date) in [("joined", self.joined(i)), ("left", self.left(i))] {
                let Some(date) = date.filter(|d| *d > first) else {
                    continue;
                };
                problems.push(
                    Diagnostic::error(
                        Code::BadInputFile,
                        format!(
                            "`{name}` {what} on {}, after the timeline begins ({})",
                            crate::syntax::ast::format_date(date),
                            crate::syntax::ast::format_date(first)
                        ),
                    )
                    .help(format!(
                        "the people are given as they stand on the first day; {}",
                        if what == "joined" {
                            "admit a later member by an act at a step"
                        } else {
                            "a member who leaves later leaves by an act at a step"
                        }
                    )),
                );
            }
        }
        problems
    }

    /// Adds the people of `other`; a name already present is an error.
    pub fn extend(&mut self, other: MemberTable, file: &str) -> Result<(), Vec<Diagnostic>> {
        let mut errors = Vec::new();
        let present: HashSet<&str> = self.names.iter().map(String::as_str).collect();
        for name in &other.names {
            if present.contains(name.as_str()) {
                errors.push(
                    Diagnostic::error(
                        Code::BadInputFile,
                        format!("{file}: `{name}` is listed twice"),
                    )
                    .help("each person appears once, in the scenario or in the file"),
                );
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        // The dates are kept only once someone has one.
        if !other.joined.is_empty() || !self.joined.is_empty() {
            let (before, added) = (self.names.len(), other.names.len());
            for (mine, theirs) in [
                (&mut self.joined, &other.joined),
                (&mut self.left, &other.left),
            ] {
                mine.resize(before, None);
                mine.extend((0..added).map(|i| theirs.get(i).copied().flatten()));
            }
        }
        self.names.extend(other.names);
        for (column, more) in self.columns.iter_mut().zip(other.columns) {
            column.extend(more);
        }
        Ok(())
    }
}

/// How to read a register: which of its columns is which attribute, how it
/// writes dates, and which sheet of a spreadsheet holds it.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Columns given an attribute (or `name`) by hand: (column, attribute).
    pub map: Vec<(String, String)>,
    /// The order of a date written with slashes; without one, such a date
    /// is a problem.
    pub dates: Option<DateOrder>,
    /// The sheet of a spreadsheet (its first, if not given).
    pub sheet: Option<String>,
}

impl Options {
    /// Reads one `--map` argument, `column=attribute`.
    pub fn parse_map(text: &str) -> Result<(String, String), String> {
        match text.split_once('=') {
            Some((column, attr)) if !column.trim().is_empty() && !attr.trim().is_empty() => {
                Ok((column.trim().to_string(), attr.trim().to_string()))
            }
            _ => Err(format!(
                "`{text}` is not COLUMN=ATTRIBUTE (for example `--map \"Share capital\"=shares`)"
            )),
        }
    }
}

/// A register as given: the text of a CSV file, or a spreadsheet's bytes.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    /// A CSV file's text.
    Csv(&'a str),
    /// An .xlsx or .ods file (or another format the spreadsheet reader
    /// knows), as bytes.
    Sheet(&'a [u8]),
}

/// A register file read from disk: its name, and its text or bytes.
#[derive(Debug, Clone)]
pub struct RegisterFile {
    /// The path, as shown in diagnostics.
    pub name: String,
    /// The text of a CSV file, or `None` for a spreadsheet.
    text: Option<SourceFile>,
    bytes: Vec<u8>,
}

/// The file name endings read as spreadsheets, not CSV.
pub const SPREADSHEET_EXTENSIONS: [&str; 5] = ["xlsx", "xlsm", "xls", "xlsb", "ods"];

impl RegisterFile {
    /// Reads the file at `path`: a spreadsheet by its ending, CSV text
    /// (UTF-8) otherwise.
    pub fn open(path: &std::path::Path) -> Result<RegisterFile, Diagnostic> {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| {
            Diagnostic::error(Code::Io, format!("cannot read `{name}`: {e}"))
                .help("check the path of the members file")
        })?;
        let spreadsheet = path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
            SPREADSHEET_EXTENSIONS
                .iter()
                .any(|s| s.eq_ignore_ascii_case(e))
        });
        if spreadsheet {
            return Ok(RegisterFile {
                name,
                text: None,
                bytes,
            });
        }
        let text = String::from_utf8(bytes).map_err(|_| {
            Diagnostic::error(Code::Io, format!("`{name}` is not UTF-8 text"))
                .help("save the register as CSV in UTF-8, or give the .xlsx or .ods file itself")
        })?;
        Ok(RegisterFile {
            text: Some(SourceFile::new(name.clone(), text)),
            name,
            bytes: Vec::new(),
        })
    }

    /// A CSV register given as text.
    pub fn csv(file: SourceFile) -> RegisterFile {
        RegisterFile {
            name: file.name.clone(),
            text: Some(file),
            bytes: Vec::new(),
        }
    }

    /// What to read.
    pub fn source(&self) -> Source<'_> {
        match &self.text {
            Some(file) => Source::Csv(&file.text),
            None => Source::Sheet(&self.bytes),
        }
    }

    /// The text the diagnostics' places point into (none for a
    /// spreadsheet, whose diagnostics name the row and cell instead).
    pub fn file(&self) -> SourceFile {
        self.text
            .clone()
            .unwrap_or_else(|| SourceFile::new(self.name.clone(), ""))
    }
}

/// A register read: its people, and the notes about it (the columns the
/// rules do not use, which were ignored).
#[derive(Debug, Clone)]
pub struct Register {
    /// The people.
    pub members: MemberTable,
    /// Warnings: the run goes on.
    pub notes: Vec<Diagnostic>,
}

/// Reads a register into a table of people. Every problem is reported (up
/// to [`MAX_REPORTED`]), with the notes before them.
pub fn read(
    program: &Program,
    source: Source<'_>,
    options: &Options,
) -> Result<Register, Vec<Diagnostic>> {
    let mut table = MemberTable::empty(program);
    // Each name kept, with where it stands (a repeat names both places).
    let mut seen: HashMap<String, u64> = HashMap::new();
    let (notes, mut problems) = collect(program, source, options, |row| {
        if seen.insert(row.name.to_string(), row.line).is_some() {
            return Err(duplicate_name(&row));
        }
        if row.joined.is_some() || row.left.is_some() {
            let before = table.names.len();
            table.joined.resize(before, None);
            table.left.resize(before, None);
            table.joined.push(row.joined);
            table.left.push(row.left);
        }
        table.names.push(row.name.to_string());
        for (column, v) in table.columns.iter_mut().zip(row.values) {
            column.push(v);
        }
        Ok(())
    });
    // A row refused for a bad cell still names a person: a repeat of it
    // is reported now, not after the cell is mended.
    let rejected = std::mem::take(&mut problems.rejected);
    for (i, r) in rejected.iter().enumerate() {
        let earlier_rejected = rejected[..i].iter().any(|e| e.name == r.name);
        let kept_earlier = seen.get(&r.name).is_some_and(|&line| line < r.line);
        let kept_later = seen.get(&r.name).is_some_and(|&line| line > r.line);
        if earlier_rejected || kept_earlier {
            problems.push(listed_twice(&r.name, &r.place, r.span));
        } else if let Some(line) = seen.get(&r.name).filter(|_| kept_later) {
            problems.push(
                Diagnostic::error(
                    Code::BadInputFile,
                    format!(
                        "line {line}: `{}` is listed twice (also on {})",
                        r.name, r.place
                    ),
                )
                .help("each person appears once"),
            );
        }
    }
    if !problems.list.is_empty() {
        let mut all = notes;
        all.extend(problems.finish());
        return Err(all);
    }
    Ok(Register {
        members: table,
        notes,
    })
}

/// Reads a CSV member list with the default options (the notes are
/// dropped: [`read`] gives them).
pub fn read_csv(program: &Program, text: &str) -> Result<MemberTable, Vec<Diagnostic>> {
    read(program, Source::Csv(text), &Options::default()).map(|r| r.members)
}

/// One person's line of a register, as [`read_rows`] gives it.
pub struct CsvRow<'t> {
    /// The person's name.
    pub name: &'t str,
    /// Their values by attribute (the default where a cell is empty).
    pub values: Vec<Option<Value>>,
    /// The day they joined, for a member before the timeline begins.
    pub joined: Option<time::Date>,
    /// The day a former member left.
    pub left: Option<time::Date>,
    /// Whether the register gives the days people joined (a `joined`
    /// column): then one without a date is not yet a member.
    pub dates_given: bool,
    /// The line (CSV) or row (spreadsheet) number.
    pub line: u64,
    /// Which attributes a column of the register gives, by attribute (the
    /// others are their defaults on every row).
    pub given: &'t [bool],
    /// Where the row is, and the column of the name: for a message, made
    /// only when one is needed (not for every row of a large register).
    at: Place<'t>,
    name_column: usize,
}

impl CsvRow<'_> {
    /// How the line is named in a message: `line 3`, `row 3`.
    pub fn place(&self) -> String {
        self.at.name()
    }

    /// Where the name stands in a CSV text (none in a spreadsheet).
    pub fn name_span(&self) -> Option<Span> {
        self.at.span(self.name_column)
    }
}

/// The diagnostic for a person listed twice.
pub fn duplicate_name(row: &CsvRow<'_>) -> Diagnostic {
    listed_twice(row.name, &row.place(), row.name_span())
}

fn listed_twice(name: &str, place: &str, span: Option<Span>) -> Diagnostic {
    placed(
        Diagnostic::error(
            Code::BadInputFile,
            format!("{place}: `{name}` is listed twice"),
        )
        .help("each person appears once"),
        span,
        "listed again",
    )
}

/// Reads a CSV member list line by line with the default options, as
/// [`read_rows`] does.
pub fn read_csv_rows(
    program: &Program,
    text: &str,
    sink: impl FnMut(CsvRow<'_>) -> Result<(), Diagnostic>,
) -> Result<(), Vec<Diagnostic>> {
    read_rows(program, Source::Csv(text), &Options::default(), sink).map(|_| ())
}

/// Reads a register row by row, giving each well-formed row to `sink`
/// (which may refuse it with a diagnostic) so that a caller can keep the
/// values in whatever shape it needs. Every problem is reported, not just
/// the first (up to [`MAX_REPORTED`], then how many more); the notes
/// (ignored columns) are given back, or put before the problems.
pub fn read_rows(
    program: &Program,
    source: Source<'_>,
    options: &Options,
    sink: impl FnMut(CsvRow<'_>) -> Result<(), Diagnostic>,
) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
    let (notes, problems) = collect(program, source, options, sink);
    if problems.list.is_empty() {
        return Ok(notes);
    }
    let mut all = notes;
    all.extend(problems.finish());
    Err(all)
}

/// The rows of a register given to `sink`; the notes and the problems.
fn collect(
    program: &Program,
    source: Source<'_>,
    options: &Options,
    sink: impl FnMut(CsvRow<'_>) -> Result<(), Diagnostic>,
) -> (Vec<Diagnostic>, Problems) {
    let mut problems = Problems::default();
    let mut notes = Vec::new();
    match source {
        Source::Csv(text) => {
            csv_text::rows(program, text, options, sink, &mut notes, &mut problems)
        }
        Source::Sheet(bytes) => {
            sheet_rows(program, bytes, options, sink, &mut notes, &mut problems)
        }
    }
    (notes, problems)
}

/// A row refused for a bad cell: who it names, and where.
struct Rejected {
    name: String,
    line: u64,
    place: String,
    span: Option<Span>,
}

/// The problems of one register, counted past the cap.
#[derive(Default)]
struct Problems {
    list: Vec<Diagnostic>,
    more: usize,
    /// The rows refused, by name, so that [`read`] can find a repeat.
    rejected: Vec<Rejected>,
}

impl Problems {
    fn push(&mut self, d: Diagnostic) {
        if self.list.len() < MAX_REPORTED {
            self.list.push(d);
        } else {
            self.more += 1;
        }
    }

    fn finish(mut self) -> Vec<Diagnostic> {
        if self.more > 0 {
            self.list.push(
                Diagnostic::error(
                    Code::BadInputFile,
                    format!(
                        "and {} more problem{} in the register",
                        self.more,
                        if self.more == 1 { "" } else { "s" }
                    ),
                )
                .help(format!(
                    "the first {MAX_REPORTED} are shown; correct them and read the register again"
                )),
            );
        }
        self.list
    }
}

/// A warning: the run goes on.
fn note(code: Code, message: String) -> Diagnostic {
    Diagnostic {
        severity: Severity::Warning,
        ..Diagnostic::error(code, message)
    }
}

#[cfg(feature = "cli")]
fn sheet_rows(
    program: &Program,
    bytes: &[u8],
    options: &Options,
    sink: impl FnMut(CsvRow<'_>) -> Result<(), Diagnostic>,
    notes: &mut Vec<Diagnostic>,
    problems: &mut Problems,
) {
    sheet::rows(program, bytes, options, sink, notes, problems);
}

#[cfg(not(feature = "cli"))]
fn sheet_rows(
    _program: &Program,
    _bytes: &[u8],
    _options: &Options,
    _sink: impl FnMut(CsvRow<'_>) -> Result<(), Diagnostic>,
    _notes: &mut Vec<Diagnostic>,
    problems: &mut Problems,
) {
    problems.push(
        Diagnostic::error(
            Code::BadInputFile,
            "spreadsheets are read by the command line only",
        )
        .help("save the register as CSV, or read it with `rochdale simulate --members`"),
    );
}
