//! Opening balances: what the books hold when a timeline begins, as a
//! scenario writes them or as a trial balance gives them (the
//! `trial_balance.csv` a run writes with `--out`: `account,debit,credit`,
//! a member's account written `NAME: ACCOUNT`). They are checked against
//! the run's people and against each other (debits equal credits) before
//! anything runs ([`crate::check::opening::open_books`]): a load that
//! would open unbalanced books is refused.

use rust_decimal::Decimal;

use std::ops::ControlFlow;

use super::act_log::placed_lines;
use crate::check::steps::Loc;
use crate::diagnostic::{Code, Diagnostic};
use crate::program::{OpeningEntry, Program};
use crate::register::register_money;
use crate::span::{SourceFile, Span};
use crate::value::Value;

/// The shape of an opening balances file, for a help line.
const SHAPE: &str = "an opening balances file is a trial balance: a header `account,debit,credit`, then one account a line (`cash,5120.00,`), a member's account written `NAME: ACCOUNT` (`ada: capital,,120.00`), as `rochdale simulate --out` writes trial_balance.csv";

/// Reads an opening balances file (a trial balance, CSV) in the
/// rulebook's currency: every line's problems, each at its line and cell.
pub fn read_opening(
    program: &Program,
    file: &SourceFile,
) -> Result<Vec<OpeningEntry>, Vec<Diagnostic>> {
    let name = file.name.as_str();
    let mut entries = Vec::new();
    // Each problem with its line, in the order of the file at the end.
    let mut errors: Vec<(u64, Diagnostic)> = Vec::new();
    // The columns of `account`, `debit` and `credit`.
    let mut columns: Option<[usize; 3]> = None;
    let mut header_seen = false;
    let mut bad_lines = Vec::new();
    placed_lines(
        &file.text,
        |l| {
            let problem = |loc: Loc, message: String, label: &str, help: String| {
                Diagnostic::error(
                    Code::BadOpening,
                    format!("{name}:{}:{}: {message}", l.line, loc.column.max(1)),
                )
                .at(loc.span, label)
                .help(help)
            };
            let Some([account_col, debit_col, credit_col]) = columns else {
                header_seen = true;
                let find =
                    |wanted: &str| l.record.iter().position(|h| h.eq_ignore_ascii_case(wanted));
                match (find("account"), find("debit"), find("credit")) {
                    (Some(a), Some(d), Some(c)) => columns = Some([a, d, c]),
                    _ => {
                        errors.push((
                            l.line,
                            problem(
                                l.at(0),
                                "the header does not name the columns `account`, `debit` and `credit`"
                                    .into(),
                                "header",
                                SHAPE.into(),
                            ),
                        ));
                        return ControlFlow::Break(());
                    }
                }
                return ControlFlow::Continue(());
            };
            let cell = |i: usize| l.record.get(i).unwrap_or("");
            let account = cell(account_col);
            if account.is_empty() {
                errors.push((
                    l.line,
                    problem(
                        l.at(account_col),
                        "the line names no account".into(),
                        "empty",
                        SHAPE.into(),
                    ),
                ));
                return ControlFlow::Continue(());
            }
            let mut amounts = [Decimal::ZERO; 2];
            let mut line_ok = true;
            for (side, col) in [(0, debit_col), (1, credit_col)] {
                let written = cell(col);
                if written.is_empty() {
                    continue;
                }
                match money(program, written) {
                    Ok(amount) => amounts[side] = amount,
                    Err((message, help)) => {
                        line_ok = false;
                        errors.push((l.line, problem(l.at(col), message, "this amount", help)));
                    }
                }
            }
            if line_ok {
                entries.push(OpeningEntry {
                    account: account.to_string(),
                    member: None,
                    debit: amounts[0],
                    credit: amounts[1],
                    place: format!("{name}:{}:{}", l.line, l.at(account_col).column.max(1)),
                    span: Some(l.span),
                });
            }
            ControlFlow::Continue(())
        },
        |line, start, e| {
            bad_lines.push((
                line,
                Diagnostic::error(Code::BadInputFile, format!("{name}:{line}: {e}"))
                    .at(Span::new(start, start), "here")
                    .help(SHAPE),
            ));
        },
    );
    errors.extend(bad_lines);
    // Stable: the problems of one line keep their order.
    errors.sort_by_key(|(line, _)| *line);
    let mut errors: Vec<Diagnostic> = errors.into_iter().map(|(_, d)| d).collect();
    if !header_seen && errors.is_empty() {
        errors.push(
            Diagnostic::error(
                Code::BadOpening,
                format!("{name}: the opening balances file is empty"),
            )
            .help(SHAPE),
        );
    }
    if errors.is_empty() {
        Ok(entries)
    } else {
        Err(errors)
    }
}

/// An amount of an opening balances file: as a register writes money, in
/// the rulebook's currency, never negative.
fn money(program: &Program, written: &str) -> Result<Decimal, (String, String)> {
    let Some(currency) = program.currency else {
        return Err((
            "the rulebook has no currency for its books".into(),
            "name one in the header: `rulebook \"...\" currency GBP`".into(),
        ));
    };
    let not_an_amount = || {
        (
            format!("`{written}` is not an amount"),
            crate::register::money_help(currency),
        )
    };
    match register_money(written, currency) {
        Some(Ok(Value::Number(n))) if n.is_sign_negative() => Err((
            format!("`{written}` is negative"),
            "a balance is written on its side: a negative debit is a credit".into(),
        )),
        Some(Ok(Value::Number(n))) => Ok(n),
        Some(Ok(_)) | None => Err(not_an_amount()),
        Some(Err(p)) => Err((p.message, p.help)),
    }
}
