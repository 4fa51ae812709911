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
#[cfg(feature = "cli")]
mod sheet;

use std::collections::{HashMap, HashSet};

use crate::check::ValueReader;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::program::Program;
use crate::span::{SourceFile, Span};
use crate::types::Type;
use crate::value::Value;

pub use cells::{CellProblem, DateOrder, plain_cell, register_money, serial_date, slash_date};
use columns::Columns;

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
}

impl MemberTable {
    /// No one, with a column for each of `program`'s member attributes.
    pub fn empty(program: &Program) -> Self {
        MemberTable {
            names: Vec::new(),
            columns: program.member_attrs.iter().map(|_| Vec::new()).collect(),
        }
    }

    /// The members written in a scenario.
    pub fn inline(scenario: &crate::program::ScenarioDef) -> Self {
        MemberTable {
            names: scenario.member_names.clone(),
            columns: scenario.members.clone(),
        }
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
    let mut table = MemberTable {
        names: Vec::new(),
        columns: program.member_attrs.iter().map(|_| Vec::new()).collect(),
    };
    // Each name kept, with where it stands (a repeat names both places).
    let mut seen: HashMap<String, u64> = HashMap::new();
    let (notes, mut problems) = collect(program, source, options, |row| {
        if seen.insert(row.name.to_string(), row.line).is_some() {
            return Err(duplicate_name(&row));
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
        Source::Csv(text) => csv_rows(program, text, options, sink, &mut notes, &mut problems),
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

/// Byte span of the `n`-th field (0-based) of a CSV line that starts at
/// `line_start` in `text`, for pointing at a bad cell.
fn cell_span(text: &str, line_start: usize, n: usize) -> Span {
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let line = &text[line_start..line_end];
    let mut start = 0;
    let mut in_quotes = false;
    let mut field = 0;
    for (i, c) in line.char_indices() {
        match c {
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => {
                if field == n {
                    return Span::new(line_start + start, line_start + i);
                }
                field += 1;
                start = i + 1;
            }
            _ => {}
        }
    }
    Span::new(line_start + start, line_end)
}

/// One cell as the register holds it.
// Without the command line's spreadsheet reader only text cells are made.
#[cfg_attr(not(feature = "cli"), allow(dead_code))]
#[derive(Debug, Clone, Copy)]
enum Cell<'a> {
    /// Nothing: the attribute's default.
    Empty,
    /// Text, as in a CSV file.
    Text(&'a str),
    /// A spreadsheet's whole number.
    Int(i64),
    /// A spreadsheet's floating-point number.
    Float(f64),
    /// A spreadsheet's yes or no.
    Bool(bool),
    /// A spreadsheet's date as a serial day number (`is_1904`: the 1904
    /// system), possibly with a time of day.
    Serial(f64, bool),
    /// A spreadsheet's date as ISO 8601 text (.ods).
    IsoDate(&'a str),
    /// Something a spreadsheet holds that is no value (`#DIV/0!`, a
    /// duration).
    Other(&'a str),
}

/// Where a row is, for messages and spans.
#[cfg_attr(not(feature = "cli"), allow(dead_code))]
#[derive(Debug, Clone, Copy)]
enum Place<'t> {
    /// A CSV line starting at byte `start`.
    Csv {
        text: &'t str,
        line: u64,
        start: usize,
    },
    /// A spreadsheet's row (1-based), whose first cell is in column
    /// `first_column` (0-based).
    Sheet { row: u64, first_column: u32 },
}

impl Place<'_> {
    fn line(&self) -> u64 {
        match *self {
            Place::Csv { line, .. } => line,
            Place::Sheet { row, .. } => row,
        }
    }

    fn name(&self) -> String {
        match *self {
            Place::Csv { line, .. } => format!("line {line}"),
            Place::Sheet { row, .. } => format!("row {row}"),
        }
    }

    /// `line 3, column 2`, `row 3, cell B3`.
    fn cell(&self, i: usize) -> String {
        match *self {
            Place::Csv { line, .. } => format!("line {line}, column {}", i + 1),
            Place::Sheet { row, first_column } => {
                format!(
                    "row {row}, cell {}{row}",
                    column_letters(first_column + i as u32)
                )
            }
        }
    }

    fn span(&self, i: usize) -> Option<Span> {
        match *self {
            Place::Csv { text, start, .. } => Some(cell_span(text, start, i)),
            Place::Sheet { .. } => None,
        }
    }
}

/// A spreadsheet's column name: 0 is `A`, 25 `Z`, 26 `AA`.
fn column_letters(mut n: u32) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (n % 26) as u8);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Places `d` at `span` when the register has text to point into.
fn placed(d: Diagnostic, span: Option<Span>, label: &str) -> Diagnostic {
    match span {
        Some(span) => d.at(span, label),
        None => d,
    }
}

/// Reads the rows of a register once its columns are known, a row at a
/// time.
struct Rows<'p, S> {
    program: &'p Program,
    columns: Columns,
    values: ValueReader<'p>,
    dates: Option<DateOrder>,
    sink: S,
}

impl<'p, S: FnMut(CsvRow<'_>) -> Result<(), Diagnostic>> Rows<'p, S> {
    fn row(&mut self, place: Place<'_>, cells: &[Cell<'_>], problems: &mut Problems) {
        let name_cell = cells.get(self.columns.name).copied().unwrap_or(Cell::Empty);
        let number;
        let name = match name_cell {
            Cell::Text(t) | Cell::IsoDate(t) | Cell::Other(t) => t.trim(),
            Cell::Int(n) => {
                number = n.to_string();
                number.as_str()
            }
            Cell::Float(f) => {
                number = cells::number_text(f).unwrap_or_default();
                number.as_str()
            }
            Cell::Empty | Cell::Bool(_) | Cell::Serial(..) => "",
        };
        if name.is_empty() {
            // A row with nothing in it at all is a gap, not a person.
            if cells.iter().all(|c| matches!(c, Cell::Empty)) {
                return;
            }
            problems.push(
                placed(
                    Diagnostic::error(
                        Code::BadInputFile,
                        format!("{}: a person without a name", place.name()),
                    ),
                    place.span(self.columns.name),
                    "empty name",
                )
                .help("give every person a name"),
            );
            return;
        }
        let mut row: Vec<Option<Value>> = self
            .program
            .member_attrs
            .iter()
            .map(|a| a.default.clone())
            .collect();
        let mut row_ok = true;
        for (i, cell) in cells.iter().enumerate() {
            let Some(&Some(attr)) = self.columns.attrs.get(i) else {
                continue;
            };
            let program = self.program;
            let field = &program.member_attrs[attr];
            let read = match self.cell(*cell, field.ty, &field.name) {
                None => continue,
                Some(read) => read,
            };
            match read {
                Ok(v) => row[attr] = Some(v),
                Err(d) => {
                    row_ok = false;
                    let header = self.columns.headers.get(i).map_or("", String::as_str);
                    problems.push(placed(
                        Diagnostic {
                            message: format!("{} (`{header}`): {}", place.cell(i), d.message),
                            ..d
                        },
                        place.span(i),
                        "this value",
                    ));
                }
            }
        }
        // A row with a bad cell is reported, not kept: what is kept is right.
        if !row_ok {
            problems.rejected.push(Rejected {
                name: name.to_string(),
                line: place.line(),
                place: place.name(),
                span: place.span(self.columns.name),
            });
        }
        if row_ok {
            let row = CsvRow {
                name,
                values: row,
                line: place.line(),
                given: &self.columns.given,
                at: place,
                name_column: self.columns.name,
            };
            if let Err(d) = (self.sink)(row) {
                problems.push(d);
            }
        }
    }

    /// The value of one cell for an attribute of type `ty`; `None` for an
    /// empty cell (the default stands).
    fn cell(&mut self, cell: Cell<'_>, ty: Type, owner: &str) -> Option<Result<Value, Diagnostic>> {
        let problem = |p: CellProblem| Diagnostic::error(Code::BadValue, p.message).help(p.help);
        let text = match cell {
            Cell::Empty => return None,
            Cell::Text(t) if t.trim().is_empty() => return None,
            Cell::Text(t) => return Some(self.text(t, ty, owner)),
            Cell::Int(n) => n.to_string(),
            Cell::Float(f) => match cells::number_text(f) {
                Some(t) => t,
                None => {
                    return Some(Err(problem(CellProblem {
                        message: "the cell holds no number".into(),
                        help: "write a number in the cell".into(),
                    })));
                }
            },
            Cell::Bool(b) => b.to_string(),
            Cell::Serial(serial, is_1904) => {
                return Some(match (ty, cells::serial_date(serial, is_1904)) {
                    (Type::Date, Some(date)) => Ok(date),
                    (Type::Date, None) => Err(problem(CellProblem {
                        message: "the cell holds a time of day or no calendar day".into(),
                        help: "format the column as dates (no time), such as 2026-04-01".into(),
                    })),
                    _ => Err(problem(CellProblem {
                        message: format!(
                            "the spreadsheet holds a date where `{owner}` needs {}",
                            ty_name(ty)
                        ),
                        help: "format the column as numbers or text in the spreadsheet".into(),
                    })),
                });
            }
            Cell::IsoDate(iso) => {
                // `2026-04-01` or `2026-04-01T00:00:00`: a day, no time.
                let day = iso.split_once('T').map_or(Some(iso), |(d, t)| {
                    t.trim_start_matches(['0', ':', '.'])
                        .is_empty()
                        .then_some(d)
                });
                return Some(match (ty, day) {
                    (Type::Date, Some(day)) => self.text(day, ty, owner),
                    (Type::Date, None) => Err(problem(CellProblem {
                        message: format!("`{iso}` holds a time of day"),
                        help: "format the column as dates (no time), such as 2026-04-01".into(),
                    })),
                    _ => Err(problem(CellProblem {
                        message: format!(
                            "the spreadsheet holds a date where `{owner}` needs {}",
                            ty_name(ty)
                        ),
                        help: "format the column as numbers or text in the spreadsheet".into(),
                    })),
                });
            }
            Cell::Other(what) => {
                return Some(Err(problem(CellProblem {
                    message: format!("the cell holds `{what}`, not a value"),
                    help: "correct the cell in the spreadsheet".into(),
                })));
            }
        };
        // A number typed as such by the spreadsheet: its decimal text.
        Some(match ty {
            Type::Decimal | Type::Percent => rust_decimal::Decimal::from_str_exact(&text)
                .map(Value::Number)
                .map_err(|_| {
                    problem(CellProblem {
                        message: format!("`{text}` is not a number Rochdale can hold exactly"),
                        help: "round the number in the spreadsheet".into(),
                    })
                }),
            _ => self.text(&text, ty, owner),
        })
    }

    /// A cell written as text.
    fn text(&mut self, text: &str, ty: Type, owner: &str) -> Result<Value, Diagnostic> {
        if let Some(v) = plain_cell(text, ty) {
            return Ok(v);
        }
        let problem = |p: CellProblem| Diagnostic::error(Code::BadValue, p.message).help(p.help);
        match ty {
            Type::Money(currency) => {
                if let Some(read) = register_money(text, currency) {
                    return read.map_err(problem);
                }
            }
            Type::Date => {
                if let Some(read) = slash_date(text, self.dates) {
                    return read.map_err(problem);
                }
            }
            _ => {}
        }
        self.values.read(text, ty, owner, true)
    }
}

/// `an amount of money`, for a message.
fn ty_name(ty: Type) -> &'static str {
    match ty {
        Type::Money(_) => "an amount of money",
        Type::Integer => "a whole number",
        Type::Decimal | Type::Percent | Type::Measure(_) => "a number",
        Type::Bool => "yes or no",
        Type::Text | Type::Enum(_) | Type::Member => "text",
        Type::Date => "a date",
        Type::Error => "a value",
    }
}

fn csv_rows(
    program: &Program,
    text: &str,
    options: &Options,
    sink: impl FnMut(CsvRow<'_>) -> Result<(), Diagnostic>,
    notes: &mut Vec<Diagnostic>,
    problems: &mut Problems,
) {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|h| h.trim().to_string()).collect(),
        Err(e) => {
            problems.push(
                Diagnostic::error(
                    Code::BadInputFile,
                    format!("the header line cannot be read: {e}"),
                )
                .at(
                    Span::new(0, text.find('\n').unwrap_or(text.len())),
                    "header",
                )
                .help("the first line names the columns: name, then member attributes"),
            );
            return;
        }
    };
    if let Some(sheet) = &options.sheet {
        problems.push(
            Diagnostic::error(
                Code::BadInputFile,
                format!("--sheet {sheet}: the register is CSV, which has no sheets"),
            )
            .help("give --sheet with an .xlsx or .ods register, or leave it out"),
        );
    }
    let header_place = Place::Csv {
        text,
        line: 1,
        start: 0,
    };
    let Some(columns) = Columns::of(program, headers, options, header_place, notes, problems)
    else {
        return;
    };
    let mut rows = Rows {
        program,
        columns,
        values: ValueReader::new(program),
        dates: options.dates,
        sink,
    };
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let (line, start) = e
                    .position()
                    .map_or((0, 0), |p| (p.line(), p.byte() as usize));
                problems.push(
                    Diagnostic::error(Code::BadInputFile, format!("line {line}: {e}"))
                        .at(Span::new(start, start), "here")
                        .help("every line needs as many cells as the header; quote cells that contain commas"),
                );
                continue;
            }
        }
        let (line, start) = record
            .position()
            .map_or((0, 0), |p| (p.line(), p.byte() as usize));
        let cells: Vec<Cell<'_>> = record.iter().map(Cell::Text).collect();
        rows.row(Place::Csv { text, line, start }, &cells, problems);
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

#[cfg(test)]
mod tests {
    use super::column_letters;

    #[test]
    fn spreadsheet_columns_are_lettered() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }
}
