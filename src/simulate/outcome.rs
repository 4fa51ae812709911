//! What a simulation gives: the timeline's outcome, the journal, the trial
//! balance, the funds, each member's statement, votes and amendments, and
//! each period's division of surplus. Serialisable; also as text and CSV.

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::eval::ResolutionOutcome;
use crate::value::ValueView;

/// The whole outcome of a simulation.
#[derive(Debug, Clone, Serialize)]
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
    /// Each parameter amended.
    pub amendments: Vec<Amendment>,
    /// Each period closed.
    pub periods: Vec<PeriodOutcome>,
    /// The parameters at the end.
    pub parameters: Vec<Named>,
}

/// A named value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Named {
    /// The name.
    pub name: String,
    /// The value.
    pub value: ValueView,
}

/// How a step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
    pub diagnostic: Option<Diagnostic>,
}

/// One journal entry.
#[derive(Debug, Clone, Serialize)]
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

/// A motion and its vote.
#[derive(Debug, Clone, Serialize)]
pub struct MotionOutcome {
    /// The step.
    pub step: usize,
    /// When.
    pub date: String,
    /// What the motion was.
    pub title: Option<String>,
    /// The count.
    pub outcome: ResolutionOutcome,
}

/// A parameter changed by a resolution.
#[derive(Debug, Clone, Serialize)]
pub struct Amendment {
    /// The step.
    pub step: usize,
    /// When it took effect.
    pub date: String,
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
pub struct AllocationView {
    /// The amount divided.
    pub amount: ValueView,
    /// Each tranche.
    pub tranches: Vec<TrancheView>,
}

/// A tranche as booked.
#[derive(Debug, Clone, Serialize)]
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

/// A text table: first column left-aligned, the others right-aligned.
fn table(header: &[String], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if i < widths.len() {
                widths[i] = widths[i].max(cell.chars().count());
            }
        }
    }
    let line = |cells: &[String]| {
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
    };
    let mut out = line(header);
    for row in rows {
        out.push_str(&line(row));
    }
    out
}

impl SimulationOutcome {
    /// The outcome for people.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "Simulation of \"{}\" — {} ({})\n",
            self.scenario,
            self.rulebook,
            self.provenance.label()
        );
        out.push_str("\nTimeline\n");
        for s in &self.steps {
            let status = match s.status {
                StepStatus::Done => "done".to_string(),
                StepStatus::Refused => format!("REFUSED: {}", s.reasons.join("; ")),
                StepStatus::Failed => format!(
                    "FAILED: {}",
                    s.diagnostic.as_ref().map_or("", |d| d.message.as_str())
                ),
            };
            out.push_str(&format!(
                "  {:>3}  {}  {}  {status}\n",
                s.step,
                s.date,
                pad(&s.what, 36)
            ));
        }
        if !self.resolutions.is_empty() {
            out.push_str("\nResolutions\n");
            for r in &self.resolutions {
                out.push_str(&format!(
                    "  {}  {}{}: {} — {}\n",
                    r.date,
                    r.outcome.name,
                    r.title
                        .as_ref()
                        .map(|t| format!(" \"{t}\""))
                        .unwrap_or_default(),
                    if r.outcome.passed {
                        "passed"
                    } else {
                        "not passed"
                    },
                    r.outcome.reason
                ));
            }
        }
        if !self.amendments.is_empty() {
            out.push_str("\nAmendments\n");
            for a in &self.amendments {
                out.push_str(&format!(
                    "  {}  {}: {} → {} (adopted by {}: {} for, {} against)\n",
                    a.date,
                    a.parameter,
                    a.old.display,
                    a.new.display,
                    a.resolution,
                    a.votes_for,
                    a.votes_against
                ));
            }
        }
        for p in &self.periods {
            out.push_str(&format!(
                "\nPeriod {} closed on {}, under {}\n",
                p.number,
                p.closed_on,
                p.in_force.label()
            ));
            for f in &p.figures {
                out.push_str(&format!("  {} = {}\n", f.name, f.value.display));
            }
            for a in &p.allocations {
                out.push_str(&format!("  allocated {}:\n", a.amount.display));
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
                    out.push_str(&format!(
                        "    {}  {}   ({})\n",
                        pad(&t.label, label_width),
                        lpad(&t.total.display, total_width),
                        t.how
                    ));
                }
            }
        }
        // Statements: one row per person, attributes then accounts.
        let mut columns: Vec<String> = Vec::new();
        for m in &self.members {
            for n in m.attributes.iter().chain(&m.periods).chain(&m.accounts) {
                if !columns.contains(&n.name) {
                    columns.push(n.name.clone());
                }
            }
        }
        let mut header = vec!["member".to_string(), "status".to_string()];
        header.extend(columns.iter().cloned());
        let rows: Vec<Vec<String>> = self
            .members
            .iter()
            .map(|m| {
                let mut row = vec![
                    m.name.clone(),
                    if m.member {
                        "member".into()
                    } else if m.left.is_some() {
                        "left".into()
                    } else {
                        "not admitted".into()
                    },
                ];
                for c in &columns {
                    let v = m
                        .attributes
                        .iter()
                        .chain(&m.periods)
                        .chain(&m.accounts)
                        .find(|n| &n.name == c);
                    row.push(v.map_or_else(|| "-".to_string(), |n| n.value.display.clone()));
                }
                row
            })
            .collect();
        out.push_str("\nMember statements (accounts: what the cooperative owes the member)\n");
        out.push_str(&table(&header, &rows));
        if !self.funds.is_empty() {
            out.push_str("\nThe cooperative's accounts\n");
            let rows: Vec<Vec<String>> = self
                .funds
                .iter()
                .map(|f| {
                    let shown = match f.value.display.strip_prefix('-') {
                        Some(debit) => format!("{debit} Dr"),
                        None => format!("{} Cr", f.value.display),
                    };
                    vec![f.name.clone(), shown]
                })
                .collect();
            out.push_str(&table(&["account".into(), "balance".into()], &rows));
        }
        out.push_str(&format!(
            "\nTrial balance: debits {} = credits {}{}\n",
            self.trial_balance.total_debit.display,
            self.trial_balance.total_credit.display,
            if self.trial_balance.balanced {
                ""
            } else {
                "   NOT BALANCED"
            }
        ));
        out
    }

    /// The member statements as CSV: one row per person.
    pub fn statements_csv(&self) -> String {
        let mut columns: Vec<String> = Vec::new();
        for m in &self.members {
            for n in m.attributes.iter().chain(&m.periods).chain(&m.accounts) {
                if !columns.contains(&n.name) {
                    columns.push(n.name.clone());
                }
            }
        }
        let mut w = csv::Writer::from_writer(Vec::new());
        let mut header = vec![
            "member".to_string(),
            "member_now".into(),
            "joined".into(),
            "left".into(),
        ];
        header.extend(columns.iter().cloned());
        let _ = w.write_record(&header);
        for m in &self.members {
            let mut row = vec![
                m.name.clone(),
                m.member.to_string(),
                m.joined.clone().unwrap_or_default(),
                m.left.clone().unwrap_or_default(),
            ];
            for c in &columns {
                let v = m
                    .attributes
                    .iter()
                    .chain(&m.periods)
                    .chain(&m.accounts)
                    .find(|n| &n.name == c);
                row.push(v.map_or_else(String::new, |n| n.value.value.clone()));
            }
            let _ = w.write_record(&row);
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }

    /// The journal as CSV.
    pub fn journal_csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = w.write_record(["date", "step", "debit", "credit", "amount"]);
        for j in &self.journal {
            let _ = w.write_record([
                &j.date,
                &j.step.to_string(),
                &j.debit,
                &j.credit,
                &j.amount.value,
            ]);
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }

    /// The trial balance as CSV.
    pub fn trial_balance_csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = w.write_record(["account", "debit", "credit"]);
        for a in &self.trial_balance.accounts {
            let _ = w.write_record([&a.account, &a.debit.value, &a.credit.value]);
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }
}
