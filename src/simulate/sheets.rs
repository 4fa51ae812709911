//! A simulation's tables as CSV: member statements, the journal and the
//! trial balance, written row by row to any writer (a file of a million
//! rows is never held as one string).

use std::borrow::{Borrow, Cow};
use std::io::{self, Write};

use super::outcome::{AccountLine, JournalLine, Statements};

fn csv_error(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// A cell as it is safe to open in a spreadsheet (OWASP, "CSV Injection"):
/// a cell that begins with `=`, `+`, `-` or `@` (unless it is a number, such
/// as `-84.40`), a tab or a carriage return would be read as a formula, so it
/// is written after a `'`, which the spreadsheet shows as text. A member
/// named `=HYPERLINK(...)` then reads as that name, not as a link.
pub fn safe_cell(cell: &str) -> Cow<'_, str> {
    let risky = match cell.chars().next() {
        Some('=' | '@' | '\t' | '\r') => true,
        Some('+' | '-') => !is_number(cell),
        _ => false,
    };
    if risky {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// `-84.40`, `+3`, `-0.2`: a sign, digits and at most one point.
fn is_number(cell: &str) -> bool {
    let digits = &cell[1..];
    let mut parts = digits.splitn(2, '.');
    let whole = parts.next().unwrap_or_default();
    let fraction = parts.next();
    let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    !whole.is_empty()
        && all_digits(whole)
        && fraction.is_none_or(|f| !f.is_empty() && all_digits(f))
}

/// Writes one row, every cell made safe.
fn write_row<I, T>(out: &mut csv::Writer<impl Write>, row: I) -> io::Result<()>
where
    I: IntoIterator<Item = T>,
    T: AsRef<str>,
{
    out.write_record(row.into_iter().map(|c| safe_cell(c.as_ref()).into_owned()))
        .map_err(csv_error)
}

/// The member statements: one row per person.
pub fn write_statements(w: &mut dyn Write, members: &dyn Statements) -> io::Result<()> {
    let columns = members.columns();
    let mut out = csv::Writer::from_writer(w);
    let mut header = vec!["member", "member_now", "joined", "left"];
    header.extend(columns.iter().map(String::as_str));
    write_row(&mut out, &header)?;
    for m in 0..members.people() {
        let m = members.statement(m);
        let now = m.member.to_string();
        let mut row: Vec<&str> = vec![
            &m.name,
            &now,
            m.joined.as_deref().unwrap_or_default(),
            m.left.as_deref().unwrap_or_default(),
        ];
        for c in &columns {
            let v = m
                .attributes
                .iter()
                .chain(&m.periods)
                .chain(&m.accounts)
                .find(|n| &n.name == c);
            row.push(v.map_or("", |n| n.value.value.as_str()));
        }
        write_row(&mut out, &row)?;
    }
    out.flush()
}

/// The journal's header line.
pub fn write_journal_header(w: &mut csv::Writer<impl Write>) -> io::Result<()> {
    write_row(w, ["date", "step", "debit", "credit", "amount"])
}

/// One journal line.
pub fn write_journal_line(w: &mut csv::Writer<impl Write>, j: &JournalLine) -> io::Result<()> {
    write_row(
        w,
        [
            &j.date,
            &j.step.to_string(),
            &j.debit,
            &j.credit,
            &j.amount.value,
        ],
    )
}

/// The journal.
pub fn write_journal<'a>(
    w: &mut dyn Write,
    lines: impl Iterator<Item = &'a JournalLine>,
) -> io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    write_journal_header(&mut out)?;
    for j in lines {
        write_journal_line(&mut out, j)?;
    }
    out.flush()
}

/// The trial balance: every account's debits and credits.
pub fn write_trial_balance<A: Borrow<AccountLine>>(
    w: &mut dyn Write,
    accounts: impl Iterator<Item = A>,
) -> io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    write_row(&mut out, ["account", "debit", "credit"])?;
    for a in accounts {
        let a = a.borrow();
        write_row(&mut out, [&a.account, &a.debit.value, &a.credit.value])?;
    }
    out.flush()
}
