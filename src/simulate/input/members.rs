//! Member lists as CSV: a header naming the attributes, one person a line.

use std::collections::HashSet;

use super::MemberTable;
use crate::check::ValueReader;
use crate::diagnostic::{Code, Diagnostic};
use crate::program::Program;
use crate::span::Span;
use crate::types::Type;
use crate::value::Value;

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

/// Reads a member list. The header names the attributes; a column `name`
/// is required. An empty cell takes the attribute's default.
pub fn read_csv(program: &Program, text: &str) -> Result<MemberTable, Vec<Diagnostic>> {
    let mut table = MemberTable {
        names: Vec::new(),
        columns: program.member_attrs.iter().map(|_| Vec::new()).collect(),
    };
    let mut seen: HashSet<String> = HashSet::new();
    read_csv_rows(program, text, |row| {
        if !seen.insert(row.name.to_string()) {
            return Err(duplicate_name(text, &row));
        }
        table.names.push(row.name.to_string());
        for (column, v) in table.columns.iter_mut().zip(row.values) {
            column.push(v);
        }
        Ok(())
    })?;
    Ok(table)
}

/// One person's line of a member list, as [`read_csv_rows`] gives it.
pub struct CsvRow<'t> {
    /// The person's name.
    pub name: &'t str,
    /// Their values by attribute (the default where a cell is empty).
    pub values: Vec<Option<Value>>,
    /// The line number.
    pub line: u64,
    /// Where the line starts in the text.
    pub start: usize,
    /// Which column holds the name.
    pub name_column: usize,
}

/// The diagnostic for a person listed twice.
pub fn duplicate_name(text: &str, row: &CsvRow<'_>) -> Diagnostic {
    Diagnostic::error(
        Code::BadInputFile,
        format!("line {}: `{}` is listed twice", row.line, row.name),
    )
    .at(cell_span(text, row.start, row.name_column), "listed again")
    .help("each person appears once")
}

/// Reads a member list line by line, giving each well-formed line to
/// `sink` (which may refuse it with a diagnostic) so that a caller can
/// keep the values in whatever shape it needs. Every problem is reported,
/// not just the first.
pub fn read_csv_rows(
    program: &Program,
    text: &str,
    mut sink: impl FnMut(CsvRow<'_>) -> Result<(), Diagnostic>,
) -> Result<(), Vec<Diagnostic>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            return Err(vec![
                Diagnostic::error(
                    Code::BadInputFile,
                    format!("the header line cannot be read: {e}"),
                )
                .at(
                    Span::new(0, text.find('\n').unwrap_or(text.len())),
                    "header",
                )
                .help("the first line names the columns: name, then member attributes"),
            ]);
        }
    };
    let mut errors = Vec::new();
    let mut name_column = None;
    let mut attrs: Vec<Option<usize>> = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        let h = h.trim();
        if h == "name" {
            name_column = Some(i);
            attrs.push(None);
            continue;
        }
        match program.member_attr_id(h) {
            Some(a) => attrs.push(Some(a)),
            None => {
                let names: Vec<&str> = program
                    .member_attrs
                    .iter()
                    .map(|a| a.name.as_str())
                    .collect();
                let help = crate::check::nearest(h, names.iter().copied())
                    .map(|n| format!("did you mean `{n}`?"))
                    .unwrap_or_else(|| {
                        format!("the member attributes are: name, {}", names.join(", "))
                    });
                errors.push(
                    Diagnostic::error(
                        Code::BadInputFile,
                        format!("line 1, column {}: members have no attribute `{h}`", i + 1),
                    )
                    .at(cell_span(text, 0, i), "unknown column")
                    .help(help),
                );
                attrs.push(None);
            }
        }
    }
    let Some(name_column) = name_column else {
        errors.push(
            Diagnostic::error(Code::BadInputFile, "line 1: there is no column `name`")
                .at(cell_span(text, 0, 0), "header")
                .help("add a column `name` with each person's name"),
        );
        return Err(errors);
    };
    let mut values = ValueReader::new(program);
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let (line, start) = e
                    .position()
                    .map_or((0, 0), |p| (p.line(), p.byte() as usize));
                errors.push(
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
        let name = record.get(name_column).unwrap_or("").trim();
        if name.is_empty() {
            errors.push(
                Diagnostic::error(
                    Code::BadInputFile,
                    format!("line {line}: a person without a name"),
                )
                .at(cell_span(text, start, name_column), "empty name")
                .help("give every person a name"),
            );
            continue;
        }
        let mut row: Vec<Option<Value>> = program
            .member_attrs
            .iter()
            .map(|a| a.default.clone())
            .collect();
        let mut row_ok = true;
        for (i, cell) in record.iter().enumerate() {
            let Some(Some(attr)) = attrs.get(i) else {
                continue;
            };
            if cell.trim().is_empty() {
                continue;
            }
            let field = &program.member_attrs[*attr];
            let read = match plain_cell(cell, field.ty) {
                Some(v) => Ok(v),
                None => values.read(cell, field.ty, &field.name, true),
            };
            match read {
                Ok(v) => row[*attr] = Some(v),
                Err(d) => {
                    row_ok = false;
                    errors.push(
                        Diagnostic {
                            message: format!(
                                "line {line}, column {} (`{}`): {}",
                                i + 1,
                                field.name,
                                d.message
                            ),
                            ..d
                        }
                        .at(cell_span(text, start, i), "this value"),
                    )
                }
            }
        }
        let row = CsvRow {
            name,
            values: row,
            line,
            start,
            name_column,
        };
        // A line with a bad cell is reported, not kept: what is kept is right.
        if row_ok {
            if let Err(d) = sink(row) {
                errors.push(d);
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// The value of a cell written in the commonest plain forms, read without
/// the full value parser: a whole number (`42`, `-7`) for an integer, and
/// an amount with the currency's symbol and at most its minor digits
/// (`£5`, `£5.5`, `£1234.56`) for money. Anything else is `None` and goes to
/// the parser, so this only ever agrees with it (tests/batch.rs checks).
pub fn plain_cell(cell: &str, ty: Type) -> Option<Value> {
    let cell = cell.trim();
    let (negative, digits) = match cell.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, cell),
    };
    let number = match ty {
        Type::Integer => {
            let n = plain_digits(digits)?;
            rust_decimal::Decimal::from_i128_with_scale(n as i128, 0)
        }
        Type::Money(currency) => {
            let amount = digits.strip_prefix(currency.symbol()?)?;
            let (whole, fraction) = match amount.split_once('.') {
                Some((w, f)) => (w, f),
                None => (amount, ""),
            };
            let places = fraction.len() as u32;
            if places > currency.minor_digits()
                || (amount.contains('.') && places == 0)
                || !fraction.bytes().all(|b| b.is_ascii_digit())
            {
                return None;
            }
            let whole = plain_digits(whole)?;
            let fraction: u64 = if fraction.is_empty() {
                0
            } else {
                fraction.parse().ok()?
            };
            let mantissa = (whole as i128)
                .checked_mul(10i128.pow(places))?
                .checked_add(fraction as i128)?;
            rust_decimal::Decimal::try_from_i128_with_scale(mantissa, places).ok()?
        }
        _ => return None,
    };
    let number = if negative {
        if number.is_zero() {
            return None;
        }
        -number
    } else {
        number
    };
    Some(Value::Number(number))
}

/// Decimal digits without a sign or a leading zero (`0` itself allowed),
/// at most 15 of them.
fn plain_digits(text: &str) -> Option<u64> {
    let bytes = text.as_bytes();
    if bytes.is_empty()
        || bytes.len() > 15
        || !bytes.iter().all(u8::is_ascii_digit)
        || (bytes.len() > 1 && bytes[0] == b'0')
    {
        return None;
    }
    text.parse().ok()
}
