//! What a simulation gives: the timeline's outcome, the journal, the trial
//! balance, the funds, each member's statement, votes and amendments, and
//! each period's division of surplus. Serialisable; also as text and CSV.

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::eval::{ElectionOutcome, ResolutionOutcome};
use crate::value::ValueView;

use super::{sheets, text};

/// The whole outcome of a simulation.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct SimulationOutcome {
    /// The rulebook's name.
    pub rulebook: String,
    /// Its version.
    pub version: Option<String>,
    /// The scenario's name.
    pub scenario: String,
    /// The rules as written: name, version, content hash.
    pub provenance: crate::provenance::Provenance,
    /// The rules in force at the end, with the amendments adopted.
    pub in_force: crate::provenance::Provenance,
    /// Each step of the timeline.
    pub steps: Vec<StepOutcome>,
    /// The journal.
    pub journal: Vec<JournalLine>,
    /// Debits and credits of every account.
    pub trial_balance: TrialBalance,
    /// The cooperative's own accounts (funds, cash, sales...), credit balances positive.
    pub funds: Vec<Named>,
    /// Each person's statement.
    pub members: Vec<MemberStatement>,
    /// Each motion voted on.
    pub resolutions: Vec<MotionOutcome>,
    /// Each election counted, with every stage of its count. Left out
    /// when there is none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub elections: Vec<ElectionResult>,
    /// Each parameter amended.
    pub amendments: Vec<Amendment>,
    /// Each period closed.
    pub periods: Vec<PeriodOutcome>,
    /// The parameters at the end.
    pub parameters: Vec<Named>,
    /// The balances the books opened with (a scenario's `opening
    /// balances`, or `--opening`), brought forward into the trial
    /// balance. Left out when the books opened empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub opening_balances: Vec<AccountLine>,
    /// Each financial year closed, one row a year (a rulebook with a
    /// `financial year`, whose scenario closes a year's last period): what
    /// `rochdale simulate --years N` projects. Left out when there is none,
    /// so the outcome of a rulebook without a financial year is as before.
    /// Last, after every array the streamed JSON splices in.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub projection: Vec<YearRow>,
}

/// One financial year of a run, as its last period closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct YearRow {
    /// The financial year: `2026-27` for one from 1 April 2026, `2026`
    /// for a calendar year.
    pub year: String,
    /// Its first day in the run (a run that starts within a year starts
    /// the year there).
    pub start: String,
    /// Its last day: the day its last period closed.
    pub end: String,
    /// The surplus divided in the year: the amounts of its periods'
    /// allocations, summed.
    pub surplus: ValueView,
    /// Each tranche's total over the year's periods, by label, in the
    /// order first booked.
    pub tranches: Vec<Named>,
    /// The cooperative's accounts with a balance at the year's end, credit
    /// balances positive (as `funds`): reserves, funds, cash.
    pub accounts: Vec<Named>,
    /// How many members there were at the year's end.
    pub members: usize,
    /// Each account of members, summed over every member, at the year's
    /// end: what the cooperative owes its members on it (credit balances
    /// positive, as the statements).
    pub member_accounts: Vec<Named>,
}

/// A named value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Named {
    /// The name.
    pub name: String,
    /// The value.
    pub value: ValueView,
}

/// How a step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    /// Carried out.
    Done,
    /// Refused by the rules: nothing changed.
    Refused,
    /// Could not be carried out (a fault in the rules or the figures): nothing changed.
    Failed,
}

/// One step of the timeline.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct StepOutcome {
    /// The step's number, from 1.
    pub step: usize,
    /// When.
    pub date: String,
    /// What, as written: `purchase(ada, £2.50)`.
    pub what: String,
    /// Done, refused or failed.
    pub status: StepStatus,
    /// For a refusal: each reason, with its article and numbers.
    pub reasons: Vec<String>,
    /// For a failure: why.
    #[cfg_attr(feature = "typescript", tsify(type = "SpanDiagnostic | null"))]
    pub diagnostic: Option<Diagnostic>,
    /// For a failure in the rules: the article where it arose, as
    /// `article 9 "Division of surplus"` (none for a fault in the scenario),
    /// so that a page can say where without parsing the rulebook itself.
    pub article: Option<String>,
}

/// One journal entry.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct JournalLine {
    /// When.
    pub date: String,
    /// The step that posted it.
    pub step: usize,
    /// The account debited: `cash`, or `ada: capital`.
    pub debit: String,
    /// The account credited.
    pub credit: String,
    /// How much.
    pub amount: ValueView,
}

/// One account's totals.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct AccountLine {
    /// The account: `cash`, or `ada: capital`.
    pub account: String,
    /// Total debits.
    pub debit: ValueView,
    /// Total credits.
    pub credit: ValueView,
}

/// The trial balance.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct TrialBalance {
    /// Every account.
    pub accounts: Vec<AccountLine>,
    /// All debits.
    pub total_debit: ValueView,
    /// All credits.
    pub total_credit: ValueView,
    /// Debits equal credits.
    pub balanced: bool,
}

/// A person's statement.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct MemberStatement {
    /// Their name.
    pub name: String,
    /// A member at the end.
    pub member: bool,
    /// When admitted.
    pub joined: Option<String>,
    /// When they left.
    pub left: Option<String>,
    /// Their attributes at the end.
    pub attributes: Vec<Named>,
    /// Their accounts: credit balances (what the cooperative owes them) positive.
    pub accounts: Vec<Named>,
    /// Attributes counted per period, as they stood when each period
    /// closed: `purchases in period 1`.
    pub periods: Vec<Named>,
}

/// The member statements a report writes, person by person, read more
/// than once (to find the columns and widths, then to write the rows), so
/// that a million statements need not be held.
pub trait Statements {
    /// How many people.
    fn people(&self) -> usize;
    /// Person `m`'s statement (`m < people()`).
    fn statement(&self, m: usize) -> std::borrow::Cow<'_, MemberStatement>;
    /// The table's columns, as they first appear person by person: each
    /// person's attributes, then per-period figures, then accounts.
    fn columns(&self) -> Vec<String> {
        let mut columns: Vec<String> = Vec::new();
        for m in 0..self.people() {
            let m = self.statement(m);
            for n in m.attributes.iter().chain(&m.periods).chain(&m.accounts) {
                if !columns.contains(&n.name) {
                    columns.push(n.name.clone());
                }
            }
        }
        columns
    }
}

impl Statements for Vec<MemberStatement> {
    fn people(&self) -> usize {
        self.len()
    }

    fn statement(&self, m: usize) -> std::borrow::Cow<'_, MemberStatement> {
        std::borrow::Cow::Borrowed(&self[m])
    }
}

/// A motion and its vote.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct MotionOutcome {
    /// The step.
    pub step: usize,
    /// When.
    pub date: String,
    /// What the motion was.
    pub title: Option<String>,
    /// `second call` or `confirming`; not written for a first call.
    #[serde(skip_serializing_if = "is_first_call")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub sitting: crate::syntax::ast::Sitting,
    /// The count.
    pub outcome: ResolutionOutcome,
}

fn is_first_call(s: &crate::syntax::ast::Sitting) -> bool {
    *s == crate::syntax::ast::Sitting::First
}

/// An election counted at a step.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct ElectionResult {
    /// The step.
    pub step: usize,
    /// When.
    pub date: String,
    /// The count.
    pub outcome: ElectionOutcome,
}

/// A parameter changed by a resolution.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Amendment {
    /// The step.
    pub step: usize,
    /// When it was adopted.
    pub date: String,
    /// When it takes effect (`effective ...`): the adoption date, a later
    /// date, or `next period` when no close has ended the period yet. Any
    /// figure before it uses the old value.
    pub effective: String,
    /// The parameter.
    pub parameter: String,
    /// Its value before.
    pub old: ValueView,
    /// Its value after.
    pub new: ValueView,
    /// The resolution that adopted it.
    pub resolution: String,
    /// Weighted votes for.
    pub votes_for: String,
    /// Weighted votes against.
    pub votes_against: String,
    /// Why it passed.
    pub reason: String,
    /// The rules in force from this amendment on.
    pub in_force: crate::provenance::Provenance,
}

/// A closed period.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct PeriodOutcome {
    /// Its number, from 1.
    pub number: usize,
    /// When it closed.
    pub closed_on: String,
    /// The rules its figures were computed under.
    pub in_force: crate::provenance::Provenance,
    /// Its figures.
    pub figures: Vec<Named>,
    /// Each allocation booked.
    pub allocations: Vec<AllocationView>,
}

/// An allocation as booked.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct AllocationView {
    /// The amount divided.
    pub amount: ValueView,
    /// Each tranche.
    pub tranches: Vec<TrancheView>,
    /// The losses carried forward set against the amount before it was
    /// divided (left out when none were).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub set_off: Option<ValueView>,
    /// For a loss, each part as charged: the account (a reserve, each
    /// member's `share of loss`, `losses carried forward`), what it bore,
    /// how, and each member's charge (left out when there was no loss).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub loss: Vec<TrancheView>,
}

/// A tranche as booked.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct TrancheView {
    /// Its label.
    pub label: String,
    /// Its total.
    pub total: ValueView,
    /// How the total was reached.
    pub how: String,
    /// Each member's share.
    pub members: Vec<Named>,
}

impl SimulationOutcome {
    /// The outcome for people.
    pub fn to_text(&self) -> String {
        let mut out = Vec::new();
        // Writing into memory cannot fail.
        let _ = text::write_head(&mut out, self)
            .and_then(|()| {
                self.steps
                    .iter()
                    .try_for_each(|s| text::write_step(&mut out, s))
            })
            .and_then(|()| text::write_tail(&mut out, self, &self.members));
        String::from_utf8(out).unwrap_or_default()
    }

    /// The member statements as CSV: one row per person.
    pub fn statements_csv(&self) -> String {
        let mut out = Vec::new();
        let _ = sheets::write_statements(&mut out, &self.members);
        String::from_utf8(out).unwrap_or_default()
    }

    /// The journal as CSV.
    pub fn journal_csv(&self) -> String {
        let mut out = Vec::new();
        let _ = sheets::write_journal(&mut out, self.journal.iter());
        String::from_utf8(out).unwrap_or_default()
    }

    /// The projection as CSV: one row a financial year.
    pub fn projection_csv(&self) -> String {
        let mut out = Vec::new();
        let _ = sheets::write_projection(&mut out, &self.projection);
        String::from_utf8(out).unwrap_or_default()
    }

    /// The trial balance as CSV.
    pub fn trial_balance_csv(&self) -> String {
        let mut out = Vec::new();
        let _ = sheets::write_trial_balance(&mut out, self.trial_balance.accounts.iter());
        String::from_utf8(out).unwrap_or_default()
    }
}
