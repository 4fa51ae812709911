//! Opening balances checked: each account found (a member's account
//! names one of the run's people) and netted to one side, debits equal to
//! credits. The rulebook's own scenario is checked here when its people
//! are all written in it; the simulation's inputs call the same function
//! once a register or an opening balances file is read.

use std::collections::BTreeMap;
use std::sync::Arc;

use rust_decimal::Decimal;

use crate::currency::Currency;
use crate::diagnostic::{Code, Diagnostic};
use crate::program::{OpeningBalance, OpeningEntry};

/// Between a member's name and their account's, as a trial balance
/// writes it (`ada: capital`).
pub const MEMBER_ACCOUNT: &str = ": ";

/// The balances the books open with: each entry's account found (a
/// member's account names one of `people`, the run's people in order), each account netted to
/// one side, and debits equal to credits; otherwise every problem.
pub fn open_books(
    currency: Option<Currency>,
    entries: &[OpeningEntry],
    people: &[String],
) -> Result<Vec<OpeningBalance>, Vec<Diagnostic>> {
    let index: std::collections::HashMap<&str, u32> = people
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i as u32))
        .collect();
    let mut errors = Vec::new();
    // Netted by account, in a stable order: the cooperative's first.
    let mut net: BTreeMap<(Option<u32>, Arc<str>), Decimal> = BTreeMap::new();
    let (mut debits, mut credits) = (Decimal::ZERO, Decimal::ZERO);
    for entry in entries {
        let located = |d: Diagnostic, label: &str| match entry.span {
            Some(span) => d.at(span, label),
            None => d,
        };
        let (member, account) = match (&entry.member, entry.account.split_once(MEMBER_ACCOUNT)) {
            (Some(name), _) => (Some(name.as_str()), entry.account.as_str()),
            (None, Some((name, account))) => (Some(name.trim()), account.trim()),
            (None, None) => (None, entry.account.as_str()),
        };
        let member = match member {
            None => None,
            Some(name) => match index.get(name) {
                Some(&i) => Some(i),
                None => {
                    let help = super::nearest(name, people.iter().map(String::as_str))
                        .map(|n| format!("did you mean `{n}`?"))
                        .unwrap_or_else(|| {
                            "a member's account names a person of the register or the scenario (`ada: capital`); the cooperative's accounts have no `: ` in their names".into()
                        });
                    errors.push(located(
                        Diagnostic::error(
                            Code::BadOpening,
                            format!(
                                "{}: `{name}` is none of the scenario's or the register's people, so \"{account}\" of `{name}` cannot open",
                                entry.place
                            ),
                        )
                        .help(help),
                        "no such person",
                    ));
                    continue;
                }
            },
        };
        debits += entry.debit;
        credits += entry.credit;
        *net.entry((member, account.into())).or_default() += entry.debit - entry.credit;
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if debits != credits {
        let (more, difference) = if debits > credits {
            ("debited than credited", debits - credits)
        } else {
            ("credited than debited", credits - debits)
        };
        let shown = |d: Decimal| match currency {
            Some(c) => crate::value::money_display(d, c),
            None => d.to_string(),
        };
        return Err(vec![
            Diagnostic::error(
                Code::BadOpening,
                format!(
                    "the opening balances do not balance: debits {}, credits {} ({} more {more})",
                    shown(debits),
                    shown(credits),
                    shown(difference)
                ),
            )
            .help("books open with debits equal to credits, as a closing trial balance has them: correct a line, or add the account that is missing"),
        ]);
    }
    Ok(net
        .into_iter()
        .filter(|(_, n)| !n.is_zero())
        .map(|((member, account), n)| OpeningBalance {
            account,
            member,
            debit: n.max(Decimal::ZERO),
            credit: (-n).max(Decimal::ZERO),
        })
        .collect())
}
