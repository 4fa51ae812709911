//! Registers kept as spreadsheets (.xlsx, .ods and the other formats
//! `calamine` reads): the first sheet, or the one named, its first row
//! naming the columns. Built for the command line only (the `cli`
//! feature): the WASM build reads CSV.

use calamine::{Data, Reader};

use super::columns::Columns;
use super::place::Place;
use super::rows::{Cell, Rows};
use super::{CsvRow, Options, Problems};
use crate::check::{ValueReader, nearest};
use crate::diagnostic::{Code, Diagnostic};
use crate::program::Program;

/// Reads the rows of the register in `bytes`, as the CSV reader does.
pub(super) fn rows(
    program: &Program,
    bytes: &[u8],
    options: &Options,
    sink: impl FnMut(CsvRow<'_>) -> Result<(), Diagnostic>,
    notes: &mut Vec<Diagnostic>,
    problems: &mut Problems,
) {
    let mut book = match calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)) {
        Ok(book) => book,
        Err(e) => {
            problems.push(
                Diagnostic::error(
                    Code::BadInputFile,
                    format!("the spreadsheet cannot be read: {e}"),
                )
                .help("save the register as .xlsx, .ods or CSV"),
            );
            return;
        }
    };
    let names = book.sheet_names();
    let chosen = match &options.sheet {
        Some(wanted) => names.iter().find(|n| *n == wanted).cloned().ok_or_else(|| {
            let help = nearest(wanted, names.iter().map(String::as_str))
                .map(|n| format!("did you mean `{n}`?"))
                .unwrap_or_else(|| format!("its sheets are: {}", names.join(", ")));
            Diagnostic::error(
                Code::BadInputFile,
                format!("the spreadsheet has no sheet `{wanted}`"),
            )
            .help(help)
        }),
        None => names.first().cloned().ok_or_else(|| {
            Diagnostic::error(Code::BadInputFile, "the spreadsheet has no sheet")
                .help("put the register on the first sheet")
        }),
    };
    let range = chosen.and_then(|name| {
        book.worksheet_range(&name).map_err(|e| {
            Diagnostic::error(
                Code::BadInputFile,
                format!("the sheet `{name}` cannot be read: {e}"),
            )
            .help("save the register again, or as CSV")
        })
    });
    let range = match range {
        Ok(range) => range,
        Err(d) => {
            problems.push(d);
            return;
        }
    };
    let (first_row, first_column) = range.start().unwrap_or((0, 0));
    let mut lines = range.rows();
    let Some(header) = lines.next() else {
        problems.push(
            Diagnostic::error(Code::BadInputFile, "the sheet is empty")
                .help("the first row names the columns: name, then member attributes"),
        );
        return;
    };
    let headers: Vec<String> = header
        .iter()
        .map(|c| c.to_string().trim().to_string())
        .collect();
    let header_place = Place::Sheet {
        row: u64::from(first_row) + 1,
        first_column,
    };
    let Some(columns) = Columns::of(program, headers, options, header_place, notes, problems)
    else {
        return;
    };
    let mut reader = Rows {
        program,
        columns,
        values: ValueReader::new(program),
        dates: options.dates,
        sink,
    };
    for (i, line) in lines.enumerate() {
        let shown: Vec<String> = line
            .iter()
            .map(|c| match c {
                Data::Error(e) => e.to_string(),
                Data::DurationIso(d) => d.clone(),
                Data::DateTime(d) if d.is_duration() => {
                    format!("a duration of {} days", d.as_f64())
                }
                _ => String::new(),
            })
            .collect();
        let cells: Vec<Cell<'_>> = line
            .iter()
            .zip(&shown)
            .map(|(c, shown)| match c {
                Data::Empty => Cell::Empty,
                Data::String(s) => Cell::Text(s),
                Data::Int(n) => Cell::Int(*n),
                Data::Float(f) => Cell::Float(*f),
                Data::Bool(b) => Cell::Bool(*b),
                Data::DateTime(d) if d.is_datetime() => Cell::Serial(d.as_f64(), is_1904(d)),
                Data::DateTimeIso(s) => Cell::IsoDate(s),
                Data::DateTime(_) | Data::DurationIso(_) | Data::Error(_) => Cell::Other(shown),
            })
            .collect();
        let row = u64::from(first_row) + 2 + i as u64;
        reader.row(Place::Sheet { row, first_column }, &cells, problems);
    }
}

/// Whether a date counts from 1904 (old Mac workbooks) rather than 1900.
/// calamine keeps the flag private, so its own reading of the serial is
/// compared with the 1900 system's.
fn is_1904(d: &calamine::ExcelDateTime) -> bool {
    let as_1900 =
        calamine::ExcelDateTime::new(d.as_f64(), calamine::ExcelDateTimeType::DateTime, false);
    d.to_ymd_hms_milli() != as_1900.to_ymd_hms_milli()
}
