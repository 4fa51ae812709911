//! Registers as CSV text: a header line naming the columns, one person a
//! line.

use super::columns::Columns;
use super::place::Place;
use super::rows::{Cell, Rows};
use super::{CsvRow, Options, Problems};
use crate::check::ValueReader;
use crate::diagnostic::{Code, Diagnostic};
use crate::program::Program;
use crate::span::Span;

pub(super) fn rows(
    program: &Program,
    text: &str,
    options: &Options,
    sink: impl FnMut(CsvRow<'_>) -> Result<(), Diagnostic>,
    notes: &mut Vec<Diagnostic>,
    problems: &mut Problems,
) {
    let mut reader = ::csv::ReaderBuilder::new()
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
    let mut record = ::csv::StringRecord::new();
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
