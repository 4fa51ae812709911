//! The rows of a register read once its columns are known: each cell
//! against its attribute's type, each problem with its line and column.

use super::cells::{self, CellProblem, DateOrder, plain_cell, register_money, slash_date};
use super::columns::Columns;
use super::place::{Place, placed};
use super::{CsvRow, Problems, Rejected};
use crate::check::ValueReader;
use crate::diagnostic::{Code, Diagnostic};
use crate::program::{MEMBER_SINCE, MEMBER_UNTIL, Program};
use crate::types::Type;
use crate::value::Value;

/// One cell as the register holds it.
// Without the command line's spreadsheet reader only text cells are made.
#[cfg_attr(not(feature = "cli"), allow(dead_code))]
#[derive(Debug, Clone, Copy)]
pub(super) enum Cell<'a> {
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

/// Reads the rows of a register once its columns are known, a row at a
/// time.
pub(super) struct Rows<'p, S> {
    pub program: &'p Program,
    pub columns: Columns,
    pub values: ValueReader<'p>,
    pub dates: Option<DateOrder>,
    pub sink: S,
}

impl<'p, S: FnMut(CsvRow<'_>) -> Result<(), Diagnostic>> Rows<'p, S> {
    pub fn row(&mut self, place: Place<'_>, cells: &[Cell<'_>], problems: &mut Problems) {
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
        // The membership dates: the day a member joined, and left.
        let mut dates = [None, None];
        for (slot, column, what) in [
            (0, self.columns.joined, MEMBER_SINCE),
            (1, self.columns.left, MEMBER_UNTIL),
        ] {
            let Some(i) = column else { continue };
            let cell = cells.get(i).copied().unwrap_or(Cell::Empty);
            match self.cell(cell, Type::Date, what) {
                None => {}
                Some(Ok(Value::Date(d))) => dates[slot] = Some(d),
                Some(Ok(_)) => {}
                Some(Err(d)) => {
                    row_ok = false;
                    problems.push(placed(
                        Diagnostic {
                            message: format!("{} (`{what}`): {}", place.cell(i), d.message),
                            ..d
                        },
                        place.span(i),
                        "this value",
                    ));
                }
            }
        }
        let [joined, left] = dates;
        let left_column = self.columns.left.unwrap_or(self.columns.name);
        match (joined, left) {
            (None, Some(_)) => {
                row_ok = false;
                problems.push(placed(
                    Diagnostic::error(
                        Code::BadInputFile,
                        format!(
                            "{}: `{name}` left, but the register gives no day they joined",
                            place.cell(left_column)
                        ),
                    )
                    .help("give the day a former member joined in the `joined` column"),
                    place.span(left_column),
                    "a former member",
                ));
            }
            (Some(j), Some(l)) if l < j => {
                row_ok = false;
                problems.push(placed(
                    Diagnostic::error(
                        Code::BadInputFile,
                        format!(
                            "{}: `{name}` left before they joined",
                            place.cell(left_column)
                        ),
                    )
                    .help("a member leaves on or after the day they joined"),
                    place.span(left_column),
                    "earlier than `joined`",
                ));
            }
            _ => {}
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
                joined,
                left,
                dates_given: self.columns.joined.is_some(),
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
        // A date cell (a serial number or ISO text) in a column that is
        // not a date.
        let date_where_not_wanted = || {
            problem(CellProblem {
                message: format!(
                    "the spreadsheet holds a date where `{owner}` needs {}",
                    ty_name(ty)
                ),
                help: "format the column as numbers or text in the spreadsheet".into(),
            })
        };
        const DATES_WITHOUT_TIME: &str = "format the column as dates (no time), such as 2026-04-01";
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
                return Some(match (ty.present(), cells::serial_date(serial, is_1904)) {
                    (Type::Date, Some(date)) => Ok(date),
                    (Type::Date, None) => Err(problem(CellProblem {
                        message: "the cell holds a time of day or no calendar day".into(),
                        help: DATES_WITHOUT_TIME.into(),
                    })),
                    _ => Err(date_where_not_wanted()),
                });
            }
            Cell::IsoDate(iso) => {
                // `2026-04-01` or `2026-04-01T00:00:00`: a day, no time.
                let day = iso.split_once('T').map_or(Some(iso), |(d, t)| {
                    t.trim_start_matches(['0', ':', '.'])
                        .is_empty()
                        .then_some(d)
                });
                return Some(match (ty.present(), day) {
                    (Type::Date, Some(day)) => self.text(day, ty, owner),
                    (Type::Date, None) => Err(problem(CellProblem {
                        message: format!("`{iso}` holds a time of day"),
                        help: DATES_WITHOUT_TIME.into(),
                    })),
                    _ => Err(date_where_not_wanted()),
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
        Some(match ty.present() {
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
        match ty.present() {
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
        // The language's reader says what is wrong; the help shows the
        // forms a register may use, which are more than a rulebook's.
        self.values
            .read(text, ty, owner, true)
            .map_err(|d| match ty.present() {
                Type::Money(currency) if d.code == Code::BadValue => {
                    d.help(cells::money_help(currency))
                }
                Type::Date if d.code == Code::BadValue => d.help(cells::DATE_HELP),
                _ => d,
            })
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
        Type::Optional(p) => ty_name(p.ty()),
        Type::Error => "a value",
    }
}
