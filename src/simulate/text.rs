//! The text report of a simulation, written as it is made: the heading,
//! then each step of the timeline as it is run, then (at the end) votes,
//! amendments, periods, member statements, funds and the trial balance.
//! [`super::SimulationOutcome::to_text`] writes the same report from an
//! outcome held in memory, through the same functions.

use std::io::{self, Write};

use super::outcome::{
    MemberStatement, Named, SimulationOutcome, Statements, StepOutcome, StepStatus, YearRow,
};

fn pad(text: &str, width: usize) -> String {
    let n = text.chars().count();
    if n >= width {
        text.to_string()
    } else {
        format!("{text}{}", " ".repeat(width - n))
    }
}

fn lpad(text: &str, width: usize) -> String {
    let n = text.chars().count();
    if n >= width {
        text.to_string()
    } else {
        format!("{}{text}", " ".repeat(width - n))
    }
}

/// One line of a table: the first column left-aligned, the rest right.
fn line(cells: &[&str], widths: &[usize]) -> String {
    let mut out = String::from("  ");
    for (i, cell) in cells.iter().enumerate() {
        if i == 0 {
            out.push_str(&pad(cell, widths[0]));
        } else {
            out.push_str("  ");
            out.push_str(&lpad(cell, widths[i]));
        }
    }
    out.trim_end().to_string() + "\n"
}

fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if i < widths.len() {
                widths[i] = widths[i].max(cell.chars().count());
            }
        }
    }
    let mut out = line(header, &widths);
    for row in rows {
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        out.push_str(&line(&cells, &widths));
    }
    out
}

/// The heading and the title of the timeline.
pub fn write_head(w: &mut dyn Write, o: &SimulationOutcome) -> io::Result<()> {
    write!(
        w,
        "Simulation of \"{}\" — {} ({})\n\n",
        o.scenario,
        o.rulebook,
        o.provenance.label()
    )?;
    if !o.opening_balances.is_empty() {
        let width = o
            .opening_balances
            .iter()
            .map(|a| a.account.chars().count())
            .max()
            .unwrap_or(0);
        writeln!(w, "Opening balances")?;
        for a in &o.opening_balances {
            let (side, amount) = if a.debit.value.trim_start_matches(['0', '.']).is_empty() {
                ("Cr", &a.credit.display)
            } else {
                ("Dr", &a.debit.display)
            };
            writeln!(w, "  {:<width$}  {amount:>14} {side}", a.account)?;
        }
        writeln!(w)?;
    }
    writeln!(w, "Timeline")
}

/// One step of the timeline, as one write (a timeline has millions).
pub fn write_step(w: &mut dyn Write, s: &StepOutcome) -> io::Result<()> {
    fn spaces(out: &mut String, n: usize) {
        out.extend(std::iter::repeat_n(' ', n));
    }
    let mut out = String::with_capacity(80);
    let number = s.step.to_string();
    out.push_str("  ");
    spaces(&mut out, 3usize.saturating_sub(number.len()));
    out.push_str(&number);
    out.push_str("  ");
    out.push_str(&s.date);
    out.push_str("  ");
    out.push_str(&s.what);
    spaces(&mut out, 36usize.saturating_sub(s.what.chars().count()));
    out.push_str("  ");
    match s.status {
        StepStatus::Done => out.push_str("done"),
        StepStatus::Refused => {
            out.push_str("REFUSED: ");
            out.push_str(&s.reasons.join("; "));
        }
        StepStatus::Failed => {
            out.push_str("FAILED: ");
            out.push_str(s.diagnostic.as_ref().map_or("", |d| d.message.as_str()));
        }
    }
    out.push('\n');
    w.write_all(out.as_bytes())
}

/// A person's cell in column `name`: the first of their attributes,
/// per-period figures and accounts of that name.
fn cell<'m>(m: &'m MemberStatement, name: &str) -> Option<&'m Named> {
    m.attributes
        .iter()
        .chain(&m.periods)
        .chain(&m.accounts)
        .find(|n| n.name == name)
}

/// A statement's cell: the value, nil for an account never posted to, or
/// "-" for an attribute without a value.
fn shown<'a>(m: &'a MemberStatement, name: &str, nil: &'a [(String, String)]) -> &'a str {
    match cell(m, name) {
        Some(n) => &n.value.display,
        None => nil
            .iter()
            .find(|(account, _)| account == name)
            .map_or("-", |(_, zero)| zero.as_str()),
    }
}

/// A balance of the cooperative's (credits positive) with its side: `£40.00
/// Cr`, `£400.00 Dr`.
fn with_side(display: &str) -> String {
    // A balance of nothing is on neither side: an expense account closed
    // to the surplus is not a credit of £0.00.
    let nil = !display.chars().any(|c| c.is_ascii_digit() && c != '0');
    match display.strip_prefix('-') {
        // Padded where a side would be, so that its figures stand under
        // the others'.
        _ if nil => format!("{}   ", display.trim_start_matches('-')),
        Some(debit) => format!("{debit} Dr"),
        None => format!("{display} Cr"),
    }
}

/// The projection: one row a financial year, with the columns of
/// `projection.csv` (each tranche's total in the year, the balances at its
/// end).
fn write_projection(w: &mut dyn Write, years: &[YearRow]) -> io::Result<()> {
    use super::sheets::{ProjectionColumn, projection_columns};
    let columns = projection_columns(years);
    let mut header: Vec<String> = vec!["year".into(), "surplus".into()];
    header.extend(columns.iter().map(ProjectionColumn::heading));
    let rows: Vec<Vec<String>> = years
        .iter()
        .map(|y| {
            let mut row = vec![y.year.clone(), y.surplus.display.clone()];
            for c in &columns {
                row.push(match (c, c.cell(y)) {
                    (ProjectionColumn::Members, _) => y.members.to_string(),
                    (ProjectionColumn::Account(_), Some(v)) => with_side(&v.display),
                    (_, Some(v)) => v.display.clone(),
                    (_, None) => "-".into(),
                });
            }
            row
        })
        .collect();
    writeln!(
        w,
        "\nYear by year (the surplus and each tranche over the year; balances at its end)"
    )?;
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    w.write_all(table(&header, &rows).as_bytes())
}

fn status(m: &MemberStatement) -> &'static str {
    if m.member {
        "member"
    } else if m.left.is_some() {
        "left"
    } else {
        "not admitted"
    }
}

/// An election's count, stage by stage: each candidate's votes, who was
/// elected or excluded, and each transfer value.
fn write_election(w: &mut dyn Write, e: &super::ElectionResult) -> io::Result<()> {
    let o = &e.outcome;
    writeln!(
        w,
        "\nElection {} on {} ({}, {} seat{}, {} valid ballot{}{})",
        o.name,
        e.date,
        match o.method {
            crate::syntax::ast::ElectionMethod::Plurality => "plurality",
            crate::syntax::ast::ElectionMethod::SingleTransferableVote =>
                "single transferable vote",
        },
        o.seats,
        if o.seats == 1 { "" } else { "s" },
        o.valid,
        if o.valid == 1 { "" } else { "s" },
        o.quota
            .as_ref()
            .map(|q| format!(", quota {q}"))
            .unwrap_or_default()
    )?;
    let width = o
        .candidates
        .iter()
        .map(|c| c.chars().count())
        .max()
        .unwrap_or(0);
    for s in &o.stages {
        writeln!(w, "  Stage {}: {}", s.stage, s.what)?;
        if let Some(surplus) = &s.surplus {
            let values: Vec<String> = s
                .transfer_values
                .iter()
                .map(|t| format!("{} → {}", t.from, t.to))
                .collect();
            writeln!(
                w,
                "    surplus {surplus}, transfer value {}",
                values.join(", ")
            )?;
        }
        for t in &s.totals {
            writeln!(w, "    {:<width$}  {}", t.candidate, t.votes)?;
        }
        if s.non_transferable != "0" {
            writeln!(
                w,
                "    {:<width$}  {}",
                "non-transferable", s.non_transferable
            )?;
        }
        for tie in &s.ties {
            writeln!(w, "    tie: {tie}")?;
        }
        if !s.elected.is_empty() {
            writeln!(w, "    elected: {}", s.elected.join(", "))?;
        }
    }
    writeln!(w, "  Elected: {}", o.elected.join(", "))
}

/// Everything after the timeline. `o` gives the votes, amendments,
/// periods, funds and totals; `members` gives the statements, read twice
/// (to measure the table, then to write it), so that the statements of a
/// million members need not be held.
pub fn write_tail(
    w: &mut dyn Write,
    o: &SimulationOutcome,
    members: &dyn Statements,
) -> io::Result<()> {
    if !o.resolutions.is_empty() {
        writeln!(w, "\nResolutions")?;
        for r in &o.resolutions {
            writeln!(
                w,
                "  {}  {}{}{}: {} — {}",
                r.date,
                r.outcome.name,
                r.title
                    .as_ref()
                    .map(|t| format!(" \"{t}\""))
                    .unwrap_or_default(),
                match r.sitting {
                    crate::syntax::ast::Sitting::First => "",
                    crate::syntax::ast::Sitting::SecondCall => " (second call)",
                    crate::syntax::ast::Sitting::Confirming => " (confirming)",
                },
                if r.outcome.passed {
                    "passed"
                } else {
                    "not passed"
                },
                r.outcome.reason
            )?;
        }
    }
    for e in &o.elections {
        write_election(w, e)?;
    }
    if !o.amendments.is_empty() {
        writeln!(w, "\nAmendments")?;
        for a in &o.amendments {
            writeln!(
                w,
                "  {}  in force from {}  {}: {} → {} (adopted by {}: {} for, {} against)",
                a.date,
                a.effective,
                a.parameter,
                a.old.display,
                a.new.display,
                a.resolution,
                a.votes_for,
                a.votes_against
            )?;
        }
    }
    for p in &o.periods {
        writeln!(
            w,
            "\nPeriod {} closed on {}, under {}",
            p.number,
            p.closed_on,
            p.in_force.label()
        )?;
        for f in &p.figures {
            writeln!(w, "  {} = {}", f.name, f.value.display)?;
        }
        for a in &p.allocations {
            writeln!(w, "  allocated {}:", a.amount.display)?;
            // Columns as wide as the longest label and total, so they line up.
            let label_width = a
                .tranches
                .iter()
                .map(|t| t.label.chars().count())
                .max()
                .unwrap_or(0)
                .max(24);
            let total_width = a
                .tranches
                .iter()
                .map(|t| t.total.display.chars().count())
                .max()
                .unwrap_or(0)
                .max(12);
            for t in &a.tranches {
                writeln!(
                    w,
                    "    {}  {}   ({})",
                    pad(&t.label, label_width),
                    lpad(&t.total.display, total_width),
                    t.how
                )?;
            }
            if let Some(set_off) = &a.set_off {
                writeln!(
                    w,
                    "    losses carried forward set off first: {}",
                    set_off.display
                )?;
            }
            if !a.loss.is_empty() {
                writeln!(w, "  the loss charged:")?;
            }
            for part in &a.loss {
                writeln!(
                    w,
                    "    {}  {}   ({})",
                    pad(&part.label, label_width),
                    lpad(&part.total.display, total_width),
                    part.how
                )?;
                for m in &part.members {
                    writeln!(w, "      {}  {}", m.name, m.value.display)?;
                }
            }
        }
    }
    if !o.projection.is_empty() {
        write_projection(w, &o.projection)?;
    }
    // Statements: one row per person, attributes then accounts. The first
    // pass finds the widths of the columns.
    let columns = members.columns();
    let mut widths: Vec<usize> = vec!["member".len(), "status".len()];
    widths.extend(columns.iter().map(|c| c.chars().count()));
    // An account nobody posted to for a person is nil: shown as £0.00 in
    // the account's currency, not as a missing value. Widths of cells
    // left empty are settled once every account's currency is known.
    let mut nil: Vec<(String, String)> = Vec::new();
    let mut empty = vec![false; columns.len()];
    for m in 0..members.people() {
        let m = members.statement(m);
        widths[0] = widths[0].max(m.name.chars().count());
        widths[1] = widths[1].max(status(&m).len());
        for n in &m.accounts {
            if !nil.iter().any(|(name, _)| *name == n.name) {
                let zero = n
                    .value
                    .ty
                    .strip_prefix("Money in ")
                    .and_then(crate::currency::Currency::from_code)
                    .map(|c| crate::value::money_display(rust_decimal::Decimal::ZERO, c));
                if let Some(zero) = zero {
                    nil.push((n.name.clone(), zero));
                }
            }
        }
        for (c, name) in columns.iter().enumerate() {
            match cell(&m, name) {
                Some(n) => widths[c + 2] = widths[c + 2].max(n.value.display.chars().count()),
                None => empty[c] = true,
            }
        }
    }
    for (c, name) in columns.iter().enumerate() {
        if empty[c] {
            let none = nil
                .iter()
                .find(|(account, _)| account == name)
                .map_or(1, |(_, zero)| zero.chars().count());
            widths[c + 2] = widths[c + 2].max(none);
        }
    }
    writeln!(
        w,
        "\nMember statements (accounts: what the cooperative owes the member)"
    )?;
    let mut header: Vec<&str> = vec!["member", "status"];
    header.extend(columns.iter().map(String::as_str));
    w.write_all(line(&header, &widths).as_bytes())?;
    for m in 0..members.people() {
        let m = members.statement(m);
        let mut cells: Vec<&str> = vec![&m.name, status(&m)];
        for name in &columns {
            cells.push(shown(&m, name, &nil));
        }
        w.write_all(line(&cells, &widths).as_bytes())?;
    }
    if !o.funds.is_empty() {
        writeln!(w, "\nThe cooperative's accounts")?;
        let rows: Vec<Vec<String>> = o
            .funds
            .iter()
            .map(|f| vec![f.name.clone(), with_side(&f.value.display)])
            .collect();
        w.write_all(table(&["account", "balance"], &rows).as_bytes())?;
    }
    writeln!(
        w,
        "\nTrial balance: debits {} = credits {}{}",
        o.trial_balance.total_debit.display,
        o.trial_balance.total_credit.display,
        if o.trial_balance.balanced {
            ""
        } else {
            "   NOT BALANCED"
        }
    )
}
