//! A CSV act log (docs/scenarios.md): one step a line, as a till or a
//! billing system exports them, read as a stream through the one lowering
//! of steps ([`crate::check::steps`]).
//!
//! ```csv
//! date,act,args...
//! 1845-01-01,join,ada,£4.00
//! 1845-07-01,motion special,raise the markup,for=ada;ben,against=cy,markup=12.5%
//! 1845-12-31,close period,costs=£170.00
//! ```

use std::collections::VecDeque;
use std::io::Read;
use std::sync::Arc;

use super::ScenarioHeader;
use super::values::TextValues;
use crate::check::steps::{
    Loc, Origin, Part, RawKind, RawStep, StepLowerer, Vocabulary, Written, read_date,
};
use crate::diagnostic::{Code, Diagnostic};
use crate::program::{Program, ScenarioDef, StepDef};
use crate::span::Span;

/// Keeps the bytes the CSV reader has read since the current line began, so
/// that a problem can be pointed at its cell: the csv crate gives a
/// record's place but not its cells'. What is kept is bounded: the CSV
/// reader's buffer and the line.
struct Tee<R> {
    inner: R,
    /// The file offset of `bytes[0]`.
    base: usize,
    bytes: Vec<u8>,
}

impl<R: Read> Read for Tee<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes.extend_from_slice(&buf[..n]);
        Ok(n)
    }
}

/// Bytes before the current line are dropped once there are this many.
const KEEP: usize = 1 << 16;

impl<R> Tee<R> {
    /// The bytes of the line that starts at file offset `start`.
    fn line(&self, start: usize) -> &[u8] {
        let from = start.saturating_sub(self.base).min(self.bytes.len());
        first_line(&self.bytes[from..])
    }

    /// Forgets what comes before file offset `start`.
    fn forget_before(&mut self, start: usize) {
        let n = start.saturating_sub(self.base).min(self.bytes.len());
        if n >= KEEP {
            self.bytes.drain(..n);
            self.base += n;
        }
    }
}

/// The first line of `rest`, without its line ending: a line ends at a
/// newline outside quotes (a quoted cell may hold one).
pub(super) fn first_line(rest: &[u8]) -> &[u8] {
    let mut in_quotes = false;
    let end = rest
        .iter()
        .position(|&b| {
            if b == b'"' {
                in_quotes = !in_quotes;
            }
            b == b'\n' && !in_quotes
        })
        .unwrap_or(rest.len());
    let line = &rest[..end];
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// One line of a CSV text read whole (a ballots file, an opening balances
/// file): its cells, and where each stands, for a diagnostic that points
/// at one.
pub(super) struct PlacedLine<'r> {
    /// The cells, trimmed.
    pub record: &'r csv::StringRecord,
    /// The line's number, from 1.
    pub line: u64,
    /// Where it starts in the text, and its text.
    pub span: Span,
    places: Vec<Loc>,
}

impl PlacedLine<'_> {
    /// Where cell `i` stands (the whole line, for a cell it has not).
    pub fn at(&self, i: usize) -> Loc {
        self.places.get(i).copied().map_or(
            Loc {
                span: self.span,
                column: 1,
                line: self.line,
            },
            |l| Loc {
                line: self.line,
                ..l
            },
        )
    }
}

/// Reads `text` as CSV, a line at a time (no header row: the caller reads
/// the first; lines of any length; cells trimmed; `#` starts a comment):
/// each well-formed line to `each`, which says whether to go on; each
/// line the reader cannot read to `bad` (its number, where it starts, and
/// why). An I/O error ends the reading.
pub(super) fn placed_lines(
    text: &str,
    mut each: impl FnMut(&PlacedLine<'_>) -> std::ops::ControlFlow<()>,
    mut bad: impl FnMut(u64, usize, &csv::Error),
) {
    let bytes = text.as_bytes();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(bytes);
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let (line, start) = e
                    .position()
                    .map_or((0, 0), |p| (p.line(), p.byte() as usize));
                bad(line, start, &e);
                if e.is_io_error() {
                    break;
                }
                continue;
            }
        }
        let (line, start) = record
            .position()
            .map_or((0, 0), |p| (p.line(), p.byte() as usize));
        let line_text = first_line(bytes.get(start..).unwrap_or_default());
        let placed = PlacedLine {
            record: &record,
            line,
            span: Span::new(start, start + line_text.len()),
            places: cell_places(line_text, start),
        };
        if each(&placed).is_break() {
            break;
        }
    }
}

/// Where each cell of `line` (which starts at file offset `start`) is: its
/// bytes, quotes included, and its column in characters from 1.
pub(super) fn cell_places(line: &[u8], start: usize) -> Vec<Loc> {
    let mut places = Vec::new();
    let (mut in_quotes, mut cell_start, mut cell_column, mut chars) = (false, 0, 1u32, 0u32);
    for (i, &b) in line.iter().enumerate() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b',' if !in_quotes => {
                places.push(Loc {
                    span: Span::new(start + cell_start, start + i),
                    column: cell_column,
                    line: 0,
                });
                cell_start = i + 1;
                cell_column = chars + 2;
            }
            _ => {}
        }
        // Count characters, not bytes: `£` is two bytes, one column.
        if b & 0xC0 != 0x80 {
            chars += 1;
        }
    }
    places.push(Loc {
        span: Span::new(start + cell_start, start + line.len()),
        column: cell_column,
        line: 0,
    });
    places
}

/// `expel(cy)` or `dispose(£500.00;land)`: an act's name and its
/// arguments (separated by `;`, as a cell holds no comma unquoted).
fn act_call(text: &str) -> Option<(&str, Vec<&str>)> {
    let (name, rest) = text.trim().split_once('(')?;
    let inner = rest.strip_suffix(')')?;
    let name = name.trim();
    let mut chars = name.chars();
    let starts = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if !starts || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let args = if inner.trim().is_empty() {
        Vec::new()
    } else {
        inner.split(';').map(str::trim).collect()
    };
    Some((name, args))
}

/// `name=value`, where the name is written as in a rulebook.
fn key_value(cell: &str) -> Option<(&str, &str)> {
    let (key, value) = cell.split_once('=')?;
    let key = key.trim();
    let mut chars = key.chars();
    let starts = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    (starts && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')).then(|| (key, value.trim()))
}

/// The steps of a CSV act log, read and lowered one line at a time: the
/// iterator [`steps_from_act_log`] returns.
pub struct ActLogSteps<'p, R> {
    program: &'p Program,
    reader: csv::Reader<Tee<R>>,
    file: Arc<str>,
    values: TextValues<'p>,
    lowerer: StepLowerer<'p>,
    pending: VecDeque<Diagnostic>,
    record: csv::StringRecord,
    first: bool,
    done: bool,
    /// The closes against the rulebook's financial year, if it has one.
    calendar: Option<crate::check::steps::CalendarCheck>,
}

/// Reads a CSV act log from `reader` (named `file` in messages) as a stream,
/// a line at a time. An act log sets no parameters and lists no members
/// (those come from `--members`); the scenario is named after the file.
pub fn steps_from_act_log<'p, R: Read>(
    program: &'p Program,
    file: &str,
    reader: R,
) -> (ScenarioHeader, ActLogSteps<'p, R>) {
    let mut header = ScenarioHeader::empty(program);
    header.name = std::path::Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(file)
        .to_string();
    let reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(Tee {
            inner: reader,
            base: 0,
            bytes: Vec::new(),
        });
    let steps = ActLogSteps {
        program,
        reader,
        file: file.into(),
        values: TextValues::new(program),
        lowerer: StepLowerer::new(Vocabulary::of(program), None),
        pending: VecDeque::new(),
        record: csv::StringRecord::new(),
        first: true,
        done: false,
        calendar: program
            .calendar
            .map(crate::check::steps::CalendarCheck::new),
    };
    (header, steps)
}

/// How a line says what happens, for help.
const SHAPES: &str = "a line is `date,act,arguments...`, `date,motion RESOLUTION,title,for=a;b,against=c,abstain=d,parameter=value` or `date,close period,figure=value`";

impl<R: Read> ActLogSteps<'_, R> {
    /// Reads the line in `self.record`, which starts at `start` on `line`.
    fn step(&mut self, line: u64, start: usize) -> Option<StepDef> {
        let tee = self.reader.get_ref();
        let text = tee.line(start);
        let places = cell_places(text, start);
        let origin = Origin::Csv {
            file: self.file.clone(),
            line,
            span: Span::new(start, start + text.len()),
        };
        let loc = |i: usize| places.get(i).copied().unwrap_or_default();
        // Spreadsheets pad lines with empty cells.
        let mut cells: Vec<&str> = self.record.iter().collect();
        while cells.last().is_some_and(|c| c.is_empty()) {
            cells.pop();
        }
        if std::mem::take(&mut self.first)
            && cells
                .first()
                .is_some_and(|c| c.eq_ignore_ascii_case("date"))
        {
            return None;
        }
        if cells.is_empty() {
            return None;
        }
        let problem = |part: Part<'_>, at: Loc, message: String, help: &str, label: &str| {
            origin.place(
                part,
                at,
                Diagnostic::error(Code::BadInputFile, message).help(help),
                label,
            )
        };
        if cells.len() < 2 {
            self.pending.push_back(problem(
                Part::Step,
                loc(0),
                "a line of an act log is a date, then what happens".into(),
                SHAPES,
                "this line",
            ));
            return None;
        }
        let date = match read_date(cells[0]) {
            Ok(date) => date,
            Err(d) => {
                self.pending
                    .push_back(origin.place(Part::Date, loc(0), d, "not a date"));
                return None;
            }
        };
        let what: Vec<&str> = cells[1].split_whitespace().collect();
        let rest = || (2..cells.len()).map(|i| (cells[i], loc(i)));
        let mut errors = Vec::new();
        let named =
            |cell: &str, at: Loc, errors: &mut Vec<Diagnostic>, what: &str| match key_value(cell) {
                Some((k, v)) => Some((
                    Written::new(k.to_string(), at),
                    Written::new(v.to_string(), at),
                )),
                None => {
                    errors.push(problem(
                        Part::Step,
                        at,
                        format!("`{cell}` is not `name=value`"),
                        &format!("write {what} as `name=value`, such as `costs=£170.00`"),
                        "this cell",
                    ));
                    None
                }
            };
        let is_act = |name: &str| self.program.acts.iter().any(|a| a.name == name);
        let kind = match what.as_slice() {
            ["close", "period"] => RawKind::Close {
                figures: rest()
                    .filter_map(|(cell, at)| named(cell, at, &mut errors, "a figure"))
                    .collect(),
            },
            ["motion", resolution] => {
                let mut title = None;
                let mut votes: [Vec<Written<String>>; 3] = Default::default();
                let mut amend = Vec::new();
                let mut effective = None;
                let mut absent = Vec::new();
                let mut sitting = crate::syntax::ast::Sitting::First;
                let mut notice = None;
                let mut then = None;
                for (i, (cell, at)) in rest().enumerate() {
                    let group = key_value(cell).and_then(|(k, v)| {
                        let g = crate::check::steps::VOTE_GROUPS
                            .iter()
                            .position(|g| *g == k)?;
                        Some((g, v))
                    });
                    if let Some((g, names)) = group {
                        votes[g].extend(
                            names
                                .split(';')
                                .map(str::trim)
                                .filter(|n| !n.is_empty())
                                .map(|n| Written::new(n.to_string(), at)),
                        );
                    } else if let Some(("proxies", list)) = key_value(cell) {
                        // `proxies=d:b;e:b`: d's and e's votes, cast by b.
                        for pair in list.split(';').map(str::trim).filter(|p| !p.is_empty()) {
                            match pair.split_once(':') {
                                Some((voter, holder)) => absent.push((
                                    Written::new(voter.trim().to_string(), at),
                                    Some(Written::new(holder.trim().to_string(), at)),
                                )),
                                None => errors.push(problem(
                                    Part::Step,
                                    at,
                                    format!("`{pair}` is not `voter:holder`"),
                                    "write proxies as `proxies=d:b;e:b` (d's and e's votes, held by b)",
                                    "this cell",
                                )),
                            }
                        }
                    } else if let Some(("post", list)) = key_value(cell) {
                        absent.extend(
                            list.split(';')
                                .map(str::trim)
                                .filter(|n| !n.is_empty())
                                .map(|n| (Written::new(n.to_string(), at), None)),
                        );
                    } else if let Some(("sitting", which)) = key_value(cell) {
                        match crate::check::steps::read_sitting(which) {
                            Ok(s) => sitting = s,
                            Err(d) => errors.push(origin.place(Part::Sitting, at, d, "this cell")),
                        }
                    } else if let Some(("notice", date)) = key_value(cell) {
                        match crate::check::steps::read_date(date) {
                            Ok(d) => notice = Some(Written::new(d, at)),
                            Err(d) => errors.push(origin.place(Part::Notice, at, d, "this cell")),
                        }
                    } else if let Some(("then", call)) = key_value(cell) {
                        // `then=expel(cy)`, arguments separated by `;`.
                        match act_call(call) {
                            Some((name, args)) => {
                                then = Some(Box::new(crate::check::steps::RawAct {
                                    name: Written::new(name.to_string(), at),
                                    args: args
                                        .into_iter()
                                        .map(|a| Written::new(a.to_string(), at))
                                        .collect(),
                                    args_loc: at,
                                }))
                            }
                            None => errors.push(origin.place(
                                Part::Act,
                                at,
                                Diagnostic::error(
                                    Code::BadInputFile,
                                    format!("`{call}` is not an act and its arguments"),
                                )
                                .help("write the act a motion decides as `then=expel(cy)`, its arguments separated by `;`"),
                                "this cell",
                            )),
                        }
                    } else if let Some(("effective", when)) = key_value(cell) {
                        // `effective=28 days after adoption`, as JSON's.
                        match crate::check::steps::read_effective(when) {
                            Ok(when) => effective = Some(Written::new(when, at)),
                            Err(d) => {
                                errors.push(origin.place(Part::Effective, at, d, "this cell"))
                            }
                        }
                    } else if i == 0 && key_value(cell).is_none() {
                        title = Some(cell.to_string());
                    } else if let Some(pair) = named(cell, at, &mut errors, "an amendment") {
                        amend.push(pair);
                    }
                }
                RawKind::Motion {
                    resolution: Written::new(resolution.to_string(), loc(1)),
                    title,
                    votes,
                    amend,
                    effective,
                    absent,
                    sitting,
                    notice,
                    then,
                }
            }
            [name @ ("close" | "motion")] if !is_act(name) => {
                self.pending.push_back(problem(
                    Part::Act,
                    loc(1),
                    format!("`{name}` is not an act of this rulebook"),
                    "a close is written `close period`, a motion `motion RESOLUTION` (such as `motion special`)",
                    "what happens",
                ));
                return None;
            }
            [name] => RawKind::Act {
                name: Written::new(name.to_string(), loc(1)),
                args: rest()
                    .map(|(cell, at)| Written::new(cell.to_string(), at))
                    .collect(),
                args_loc: loc(1),
            },
            _ => {
                self.pending.push_back(problem(
                    Part::Act,
                    loc(1),
                    format!(
                        "`{}` is not an act's name, `motion RESOLUTION` or `close period`",
                        cells[1]
                    ),
                    SHAPES,
                    "what happens",
                ));
                return None;
            }
        };
        let raw = RawStep {
            date: Written::new(date, loc(0)),
            kind,
        };
        let def = if errors.is_empty() {
            self.lowerer
                .lower(raw, &origin, &mut self.values, &mut errors)
        } else {
            None
        };
        self.pending.extend(errors);
        def
    }
}

impl<R: Read> Iterator for ActLogSteps<'_, R> {
    type Item = Result<StepDef, Diagnostic>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(d) = self.pending.pop_front() {
                return Some(Err(d));
            }
            if self.done {
                return None;
            }
            match self.reader.read_record(&mut self.record) {
                Ok(true) => {}
                Ok(false) => {
                    self.done = true;
                    continue;
                }
                Err(e) => {
                    let (line, start) = e
                        .position()
                        .map_or((0, 0), |p| (p.line(), p.byte() as usize));
                    if e.is_io_error() {
                        self.done = true;
                    }
                    self.pending.push_back(
                        Diagnostic::error(Code::BadInputFile, format!("{}:{line}: {e}", self.file))
                            .at(Span::new(start, start), "here")
                            .help("save the act log as UTF-8 text, one step a line"),
                    );
                    continue;
                }
            }
            let (line, start) = self
                .record
                .position()
                .map_or((0, 0), |p| (p.line(), p.byte() as usize));
            let step = self.step(line, start);
            self.reader.get_mut().forget_before(start);
            if let Some(step) = step {
                // An act log runs in the order written, as the engine runs it.
                if let Some(d) = self.calendar.as_mut().and_then(|c| c.step(&step)) {
                    return Some(Err(Diagnostic {
                        message: format!("{}: {}", step.place, d.message),
                        ..d
                    }));
                }
                return Some(Ok(step));
            }
        }
    }
}

/// Reads a CSV act log given as text (named `file`): the stream of
/// [`steps_from_act_log`], collected.
pub fn read_act_log(
    program: &Program,
    file: &str,
    text: &str,
) -> Result<(ScenarioDef, super::MemberTable), Vec<Diagnostic>> {
    let (header, steps) = steps_from_act_log(program, file, text.as_bytes());
    super::collect(header, steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_placed_by_character_and_quotes() {
        let line = "1845-07-01,motion special,\"raise, markup\",for=ada;ben,markup=£1.50";
        let places = cell_places(line.as_bytes(), 100);
        let columns: Vec<u32> = places.iter().map(|p| p.column).collect();
        assert_eq!(columns, vec![1, 12, 27, 43, 55]);
        assert_eq!(places[2].span, Span::new(126, 141));
        assert_eq!(&line[26..41], "\"raise, markup\"");
        // `£` is two bytes: the span runs to the end of the line.
        assert_eq!(places[4].span.end, 100 + line.len());
    }

    #[test]
    fn key_values_need_a_name_before_the_sign() {
        assert_eq!(key_value("markup=12.5%"), Some(("markup", "12.5%")));
        assert_eq!(key_value(" for = ada;ben"), Some(("for", "ada;ben")));
        assert_eq!(key_value("against="), Some(("against", "")));
        assert_eq!(key_value("a = b is a title"), Some(("a", "b is a title")));
        assert_eq!(key_value("raise the markup"), None);
        assert_eq!(key_value("2 + 2 = 4"), None);
        assert_eq!(key_value("=x"), None);
    }
}
