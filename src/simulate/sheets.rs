//! A simulation's tables as CSV: member statements, the journal and the
//! trial balance, written row by row to any writer (a file of a million
//! rows is never held as one string).

use std::borrow::{Borrow, Cow};
use std::io::{self, Write};

use super::outcome::{AccountLine, JournalLine, Statements, YearRow};

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

/// The columns of a projection after `year`, `start`, `end` and `surplus`,
/// as they first appear year by year: each tranche, then each of the
/// cooperative's accounts, then `members` and each account of members
/// summed. The text report and the CSV share them.
pub fn projection_columns(years: &[YearRow]) -> Vec<ProjectionColumn> {
    let mut columns = Vec::new();
    let mut add = |c: ProjectionColumn| {
        if !columns.contains(&c) {
            columns.push(c);
        }
    };
    for y in years {
        y.tranches
            .iter()
            .for_each(|t| add(ProjectionColumn::Tranche(t.name.clone())));
    }
    for y in years {
        y.accounts
            .iter()
            .for_each(|a| add(ProjectionColumn::Account(a.name.clone())));
    }
    add(ProjectionColumn::Members);
    for y in years {
        y.member_accounts
            .iter()
            .for_each(|a| add(ProjectionColumn::MemberAccount(a.name.clone())));
    }
    columns
}

/// A column of a projection's table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProjectionColumn {
    /// A tranche's total over the year.
    Tranche(String),
    /// One of the cooperative's accounts at the year's end.
    Account(String),
    /// How many members at the year's end.
    Members,
    /// An account of members, summed over them.
    MemberAccount(String),
}

impl ProjectionColumn {
    /// The column's heading in CSV: `tranche: reserve`, `account: cash`,
    /// `members`, `members: dividend`.
    pub fn heading(&self) -> String {
        match self {
            ProjectionColumn::Tranche(t) => format!("tranche: {t}"),
            ProjectionColumn::Account(a) => format!("account: {a}"),
            ProjectionColumn::Members => "members".into(),
            ProjectionColumn::MemberAccount(a) => format!("members: {a}"),
        }
    }

    /// Year `y`'s value in this column, if it has one.
    pub fn cell<'y>(&self, y: &'y YearRow) -> Option<&'y crate::value::ValueView> {
        let find = |list: &'y [super::outcome::Named], name: &str| {
            list.iter().find(|n| n.name == name).map(|n| &n.value)
        };
        match self {
            ProjectionColumn::Tranche(t) => find(&y.tranches, t),
            ProjectionColumn::Account(a) => find(&y.accounts, a),
            ProjectionColumn::Members => None,
            ProjectionColumn::MemberAccount(a) => find(&y.member_accounts, a),
        }
    }
}

/// The projection: one row a financial year, its values exact (an
/// account's balance with credits positive, as in the JSON outcome); a
/// cell is empty where the year has no such tranche or account.
pub fn write_projection(w: &mut dyn Write, years: &[YearRow]) -> io::Result<()> {
    let columns = projection_columns(years);
    let mut out = csv::Writer::from_writer(w);
    let mut header: Vec<String> = ["year", "start", "end", "surplus"]
        .iter()
        .map(|h| h.to_string())
        .collect();
    header.extend(columns.iter().map(ProjectionColumn::heading));
    write_row(&mut out, &header)?;
    for y in years {
        let mut row: Vec<String> = vec![
            y.year.clone(),
            y.start.clone(),
            y.end.clone(),
            y.surplus.value.clone(),
        ];
        for c in &columns {
            row.push(match c {
                ProjectionColumn::Members => y.members.to_string(),
                _ => c.cell(y).map(|v| v.value.clone()).unwrap_or_default(),
            });
        }
        write_row(&mut out, &row)?;
    }
    out.flush()
}
