//! The books: a double-entry journal. Every posting debits one account and
//! credits another by the same amount, so debits always equal credits.

use std::collections::BTreeMap;
use std::sync::Arc;

use rust_decimal::Decimal;

/// An account: the cooperative's own (`cash`, `reserve fund`), or one of a
/// member's (`capital` of ada), by the member's index.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AccountKey {
    /// The member, for a member's own account.
    pub member: Option<u32>,
    /// The account's name (shared: a journal names the same few accounts
    /// hundreds of thousands of times).
    pub name: Arc<str>,
}

/// One journal entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// When.
    pub date: time::Date,
    /// The step of the timeline that posted it.
    pub step: usize,
    /// The account debited.
    pub debit: AccountKey,
    /// The account credited.
    pub credit: AccountKey,
    /// How much (never negative).
    pub amount: Decimal,
}

/// The journal and the running totals of each account.
#[derive(Debug, Clone, Default)]
pub struct Books {
    /// Every entry, in order.
    pub journal: Vec<Entry>,
    /// Per account: (total debits, total credits).
    pub totals: BTreeMap<AccountKey, (Decimal, Decimal)>,
}

impl Books {
    /// Posts an entry.
    pub fn post(&mut self, entry: Entry) {
        self.totals.entry(entry.debit.clone()).or_default().0 += entry.amount;
        self.totals.entry(entry.credit.clone()).or_default().1 += entry.amount;
        self.journal.push(entry);
    }

    /// Debits minus credits of an account since journal entry `from`.
    pub fn movement(&self, account: &AccountKey, from: usize) -> (Decimal, Decimal) {
        let mut debits = Decimal::ZERO;
        let mut credits = Decimal::ZERO;
        for e in self.journal.get(from..).unwrap_or(&[]) {
            if e.debit == *account {
                debits += e.amount;
            }
            if e.credit == *account {
                credits += e.amount;
            }
        }
        (debits, credits)
    }

    /// Total debits and total credits of all accounts: always equal.
    pub fn trial_totals(&self) -> (Decimal, Decimal) {
        self.totals
            .values()
            .fold((Decimal::ZERO, Decimal::ZERO), |(d, c), (ad, ac)| {
                (d + ad, c + ac)
            })
    }
}
