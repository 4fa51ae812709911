//! The books: a double-entry journal. Every posting debits one account and
//! credits another by the same amount, so debits always equal credits.
//!
//! The journal itself is not kept here: each entry is handed to the run's
//! [`super::Sink`] as it is booked (written to a file, or collected), and
//! the books keep only what the rules read back: every account's totals,
//! and the movements of the cooperative's accounts since the period began
//! (a period's figures such as `credits of "sales"`).

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

/// The running totals of each account.
#[derive(Debug, Clone, Default)]
pub struct Books {
    /// Per account: (total debits, total credits).
    pub totals: BTreeMap<AccountKey, (Decimal, Decimal)>,
    /// Per account of the cooperative: (debits, credits) this period.
    period: BTreeMap<Arc<str>, (Decimal, Decimal)>,
}

impl Books {
    /// Posts an entry.
    pub fn post(&mut self, entry: &Entry) {
        // Look up before inserting: most postings are to accounts that
        // exist, and a lookup needs no copy of the key.
        fn add<K: Ord + Clone + std::borrow::Borrow<Q>, Q: Ord + ?Sized>(
            map: &mut BTreeMap<K, (Decimal, Decimal)>,
            key: &K,
            debit: Decimal,
            credit: Decimal,
        ) {
            let cell = match map.get_mut(key.borrow()) {
                Some(cell) => cell,
                None => map.entry(key.clone()).or_default(),
            };
            cell.0 += debit;
            cell.1 += credit;
        }
        let amount = entry.amount;
        add::<AccountKey, AccountKey>(&mut self.totals, &entry.debit, amount, Decimal::ZERO);
        add::<AccountKey, AccountKey>(&mut self.totals, &entry.credit, Decimal::ZERO, amount);
        if entry.debit.member.is_none() {
            add::<Arc<str>, str>(&mut self.period, &entry.debit.name, amount, Decimal::ZERO);
        }
        if entry.credit.member.is_none() {
            add::<Arc<str>, str>(&mut self.period, &entry.credit.name, Decimal::ZERO, amount);
        }
    }

    /// Debits and credits of the cooperative's account `name` this period.
    pub fn movement(&self, name: &str) -> (Decimal, Decimal) {
        self.period.get(name).copied().unwrap_or_default()
    }

    /// A new period begins: movements count from zero.
    pub fn start_period(&mut self) {
        self.period.clear();
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
