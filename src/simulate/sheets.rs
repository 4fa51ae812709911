//! A simulation's tables as CSV: member statements, the journal and the
//! trial balance, written row by row to any writer (a file of a million
//! rows is never held as one string).

use std::borrow::Borrow;
use std::io::{self, Write};

use super::outcome::{AccountLine, JournalLine, Statements};

fn csv_error(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// The member statements: one row per person.
pub fn write_statements(w: &mut dyn Write, members: &dyn Statements) -> io::Result<()> {
    let columns = members.columns();
    let mut out = csv::Writer::from_writer(w);
    let mut header = vec!["member", "member_now", "joined", "left"];
    header.extend(columns.iter().map(String::as_str));
    out.write_record(&header).map_err(csv_error)?;
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
        out.write_record(&row).map_err(csv_error)?;
    }
    out.flush()
}

/// The journal's header line.
pub fn write_journal_header(w: &mut csv::Writer<impl Write>) -> io::Result<()> {
    w.write_record(["date", "step", "debit", "credit", "amount"])
        .map_err(csv_error)
}

/// One journal line.
pub fn write_journal_line(w: &mut csv::Writer<impl Write>, j: &JournalLine) -> io::Result<()> {
    w.write_record([
        &j.date,
        &j.step.to_string(),
        &j.debit,
        &j.credit,
        &j.amount.value,
    ])
    .map_err(csv_error)
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
    out.write_record(["account", "debit", "credit"])
        .map_err(csv_error)?;
    for a in accounts {
        let a = a.borrow();
        out.write_record([&a.account, &a.debit.value, &a.credit.value])
            .map_err(csv_error)?;
    }
    out.flush()
}
