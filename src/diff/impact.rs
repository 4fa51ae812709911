//! The impact of an amendment: the same examples and the same scenario run
//! under both versions, compared figure by figure and member by member.

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::currency::Currency;
use crate::example::ExampleOutcome;
use crate::simulate::{MemberStatement, Named, SimulationOutcome, StepOutcome, StepStatus};
use crate::value::{ValueView, money_display};

/// A figure before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct ValueChange {
    /// Where the figure is: `account`, `attribute`, `period` (a member's
    /// attribute counted in a period), `fund`, `tranche`.
    pub kind: String,
    /// Its name: `dividend on purchases`, `purchases in period 1`.
    pub name: String,
    /// Under the old rules (none if it did not exist).
    pub old: Option<ValueView>,
    /// Under the new rules.
    pub new: Option<ValueView>,
    /// New less old, for numbers of the same type (a missing amount counts
    /// as zero).
    pub difference: Option<ValueView>,
    /// For one of the cooperative's own accounts: the side its balance is
    /// on, by the account's nature (`debit` for cash, `credit` for a fund).
    /// `old`, `new` and `difference` stay credit-positive, as in the
    /// simulation's outcome; text shows them on this side.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub side: Option<Side>,
}

/// The side of the books an account's balance is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// A debit balance: what the cooperative has (cash) or has spent.
    Debit,
    /// A credit balance: what it owes or has set aside (capital, funds).
    Credit,
}

impl Side {
    /// `Dr` or `Cr`, as an accountant writes them.
    pub fn abbreviation(self) -> &'static str {
        match self {
            Side::Debit => "Dr",
            Side::Credit => "Cr",
        }
    }

    /// The side of an account by its nature: that of its old balance, or of
    /// its new one when it had none (credit-positive figures).
    fn of(old: Option<&ValueView>, new: Option<&ValueView>) -> Side {
        let sign = |v: Option<&ValueView>| {
            v.and_then(|v| v.value.parse::<Decimal>().ok())
                .filter(|d| !d.is_zero())
        };
        match sign(old).or_else(|| sign(new)) {
            Some(d) if d < Decimal::ZERO => Side::Debit,
            _ => Side::Credit,
        }
    }
}

/// An example whose results differ.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct ExampleChange {
    /// The example's name.
    pub name: String,
    /// Whether it passed under the old rules.
    pub old_passed: bool,
    /// Whether it passes under the new rules.
    pub new_passed: bool,
    /// Each `expect` line whose value differs.
    pub values: Vec<ExpectationChange>,
}

/// One `expect` line whose value differs.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct ExpectationChange {
    /// The line as written in the new version.
    pub expect: String,
    /// What the old rules gave.
    pub old: Option<ValueView>,
    /// What the new rules give.
    pub new: Option<ValueView>,
    /// New less old, for numbers.
    pub difference: Option<ValueView>,
    /// Why the old rules gave no value (an evaluation error), if so.
    pub old_error: Option<String>,
    /// Why the new rules give no value, if so.
    pub new_error: Option<String>,
}

/// A step of the timeline whose outcome differs.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct StepChange {
    /// The step's number, from 1.
    pub step: usize,
    /// When.
    pub date: String,
    /// What, as written.
    pub what: String,
    /// How it ended under the old rules.
    pub old: StepStatus,
    /// How it ends under the new rules.
    pub new: StepStatus,
    /// The reasons for a refusal under the old rules.
    pub old_reasons: Vec<String>,
    /// The reasons for a refusal under the new rules.
    pub new_reasons: Vec<String>,
}

/// A person whose admission differs.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct AdmissionChange {
    /// Their name.
    pub member: String,
    /// A member at the end under the old rules.
    pub old_member: bool,
    /// A member at the end under the new rules.
    pub new_member: bool,
    /// Why the new rules refuse (or the old refused) them.
    pub reasons: Vec<String>,
}

/// Better off, worse off, or neither, by what the rules gave them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// What the rules gave them (their shares of the allocations) rises.
    Gains,
    /// What the rules gave them falls.
    Loses,
    /// The rules gave them the same (their own payments may differ).
    Unchanged,
}

/// One person under both versions.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct MemberImpact {
    /// Their name.
    pub name: String,
    /// A member at the end under the old rules.
    pub old_member: bool,
    /// A member at the end under the new rules.
    pub new_member: bool,
    /// Every figure of theirs that differs: accounts, attributes, figures
    /// counted per period.
    pub changes: Vec<ValueChange>,
    /// The change in their accounts' balances (what the cooperative owes
    /// them: capital, interest, dividends), new less old.
    pub net: Option<ValueView>,
    /// The part of `net` the rules gave them: their shares of the
    /// allocations booked when a period closed.
    pub given: Option<ValueView>,
    /// The rest of `net`: what their own acts moved (a share paid for on
    /// joining, capital subscribed or withdrawn). A new member's payment is
    /// here, not a gain.
    pub paid_in: Option<ValueView>,
    /// Gains, loses or unchanged, by `given`.
    pub effect: Effect,
}

/// A motion whose vote ends differently.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct ResolutionChange {
    /// The step.
    pub step: usize,
    /// What the motion was.
    pub title: Option<String>,
    /// Passed under the old rules.
    pub old_passed: bool,
    /// Passes under the new rules.
    pub new_passed: bool,
    /// The count under the old rules.
    pub old_reason: String,
    /// The count under the new rules.
    pub new_reason: String,
}

/// A member and an amount.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct MemberAmount {
    /// The member.
    pub member: String,
    /// The amount.
    pub amount: ValueView,
}

/// How many gain, lose or are unchanged, and the extremes.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Totals {
    /// People in either version's outcome.
    pub members: usize,
    /// How many gain (by what the rules gave them).
    pub gain: usize,
    /// How many lose.
    pub lose: usize,
    /// How many are unchanged.
    pub unchanged: usize,
    /// Admissions that flip, either way.
    pub admissions_changed: usize,
    /// The largest gain (the first member listed, on a tie).
    pub largest_gain: Option<MemberAmount>,
    /// The largest loss.
    pub largest_loss: Option<MemberAmount>,
}

/// The same scenario under both versions, compared.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct SimulationImpact {
    /// The scenario's name.
    pub scenario: String,
    /// Steps whose outcome differs.
    pub steps: Vec<StepChange>,
    /// People admitted under one version only.
    pub admissions: Vec<AdmissionChange>,
    /// Every person, changed or not, in the new outcome's order.
    pub members: Vec<MemberImpact>,
    /// Each tranche of each period whose total differs.
    pub tranches: Vec<TrancheChange>,
    /// The cooperative's own accounts (funds, cash) that differ.
    pub funds: Vec<ValueChange>,
    /// Motions whose vote ends differently.
    pub resolutions: Vec<ResolutionChange>,
    /// The counts.
    pub totals: Totals,
    /// When more than one thing changed: each parameter whose value at the
    /// scenario's start differs, run alone (the old rules with that one
    /// value changed) against the old rules. The separate impacts need not
    /// add up to the combined one.
    pub parameters_alone: Vec<super::attribution::ParameterAlone>,
}

impl SimulationImpact {
    /// The people whose figures change, those who change alike (the same
    /// figures from the same values to the same values, and the same split
    /// of the net between the rules and their own payments) in one group,
    /// groups in the order their first member comes. What the text and the
    /// amendment pack show, one line a group.
    pub fn alike(&self) -> Vec<Vec<&MemberImpact>> {
        let mut groups: Vec<(String, Vec<&MemberImpact>)> = Vec::new();
        for m in self.members.iter().filter(|m| !m.changes.is_empty()) {
            let key = m.likeness();
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, group)) => group.push(m),
                None => groups.push((key, vec![m])),
            }
        }
        groups.into_iter().map(|(_, g)| g).collect()
    }
}

impl MemberImpact {
    /// What two people who change alike have in common, as one text.
    fn likeness(&self) -> String {
        let shown =
            |v: &Option<ValueView>| v.as_ref().map_or("-", |v| v.display.as_str()).to_string();
        let mut key = String::new();
        for c in &self.changes {
            key.push_str(&format!(
                "{}|{}|{}|{}|{}|{:?}\n",
                c.kind,
                c.name,
                shown(&c.old),
                shown(&c.new),
                shown(&c.difference),
                c.side
            ));
        }
        key.push_str(&format!(
            "{:?}|{}|{}",
            self.effect,
            shown(&self.given),
            shown(&self.paid_in)
        ));
        key
    }
}

/// A tranche total before and after.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct TrancheChange {
    /// The period's number, from 1.
    pub period: usize,
    /// The tranche's label.
    pub label: String,
    /// Its total under the old rules.
    pub old: Option<ValueView>,
    /// Its total under the new rules.
    pub new: Option<ValueView>,
    /// New less old.
    pub difference: Option<ValueView>,
}

/// The currency of a money type's name (`Money in GBP`).
fn currency_of(ty: &str) -> Option<Currency> {
    Currency::from_code(ty.strip_prefix("Money in ")?)
}

/// New less old, written with a sign: `+£0.10`, `-£0.62`, `+2`. A missing
/// side counts as zero, so an amount that appears is all gain.
pub fn difference(old: Option<&ValueView>, new: Option<&ValueView>) -> Option<ValueView> {
    let ty = match (old, new) {
        (Some(o), Some(n)) if o.ty != n.ty => return None,
        (_, Some(v)) | (Some(v), None) => v.ty.clone(),
        (None, None) => return None,
    };
    let number = |v: Option<&ValueView>| -> Option<Decimal> {
        match v {
            Some(v) => v.value.parse::<Decimal>().ok(),
            None => Some(Decimal::ZERO),
        }
    };
    let d = number(new)?.checked_sub(number(old)?)?;
    let sign = if d > Decimal::ZERO { "+" } else { "" };
    let (value, display) = if let Some(c) = currency_of(&ty) {
        let mut exact = d;
        if exact.scale() < c.minor_digits() {
            exact.rescale(c.minor_digits());
        }
        (exact.to_string(), format!("{sign}{}", money_display(d, c)))
    } else if ty == "Percent" {
        let points = (d * Decimal::ONE_HUNDRED).normalize();
        (
            d.normalize().to_string(),
            format!("{sign}{points} percentage points"),
        )
    } else if ty == "Integer" || ty == "Decimal" {
        let n = d.normalize();
        (n.to_string(), format!("{sign}{n}"))
    } else {
        return None;
    };
    Some(ValueView { ty, value, display })
}

fn value_change(
    kind: &str,
    name: &str,
    old: Option<&ValueView>,
    new: Option<&ValueView>,
) -> Option<ValueChange> {
    let same = match (old, new) {
        (Some(o), Some(n)) => o.ty == n.ty && o.value == n.value,
        (None, None) => true,
        _ => false,
    };
    (!same).then(|| ValueChange {
        kind: kind.to_string(),
        name: name.to_string(),
        old: old.cloned(),
        new: new.cloned(),
        difference: difference(old, new),
        side: None,
    })
}

/// Compares two lists of named values by name: old order, then names only new.
fn compare_named(kind: &str, old: &[Named], new: &[Named]) -> Vec<ValueChange> {
    let mut out = Vec::new();
    for o in old {
        let n = new.iter().find(|n| n.name == o.name).map(|n| &n.value);
        out.extend(value_change(kind, &o.name, Some(&o.value), n));
    }
    for n in new {
        if !old.iter().any(|o| o.name == n.name) {
            out.extend(value_change(kind, &n.name, None, Some(&n.value)));
        }
    }
    out
}

/// The examples of both versions run, compared by name and line. `new_text`
/// is the new version's source, to show each line as written.
pub fn compare_examples(
    old: &[ExampleOutcome],
    new: &[ExampleOutcome],
    new_text: &str,
) -> Vec<ExampleChange> {
    let mut out = Vec::new();
    for n in new {
        let Some(o) = old.iter().find(|o| o.name == n.name) else {
            continue;
        };
        let mut values = Vec::new();
        for (i, ne) in n.expectations.iter().enumerate() {
            let oe = o.expectations.get(i);
            let old_actual = oe.and_then(|e| e.actual.as_ref());
            let new_actual = ne.actual.as_ref();
            let differs = match (old_actual, new_actual) {
                (Some(a), Some(b)) => a.value != b.value || a.ty != b.ty,
                (None, None) => oe.map(|e| e.passed) != Some(ne.passed),
                _ => true,
            };
            if differs {
                let expect = new_text
                    .get(ne.span.start..ne.span.end)
                    .unwrap_or("")
                    .trim()
                    .to_string();
                // Only a value that could not be computed has its error shown:
                // a failed comparison is no error of the rules.
                let error = |e: Option<&crate::example::ExpectationOutcome>| {
                    e.filter(|e| e.actual.is_none())
                        .and_then(|e| e.diagnostic.as_ref())
                        .map(|d| d.message.clone())
                };
                let difference = match (old_actual, new_actual) {
                    (Some(_), Some(_)) => difference(old_actual, new_actual),
                    _ => None,
                };
                values.push(ExpectationChange {
                    expect,
                    old: old_actual.cloned(),
                    new: new_actual.cloned(),
                    difference,
                    old_error: error(oe),
                    new_error: error(Some(ne)),
                });
            }
        }
        if o.passed != n.passed || !values.is_empty() {
            out.push(ExampleChange {
                name: n.name.clone(),
                old_passed: o.passed,
                new_passed: n.passed,
                values,
            });
        }
    }
    out
}

/// The person a step is about: the first argument of `join(young, £4.00)`.
fn first_argument(what: &str) -> Option<&str> {
    let inside = what.split_once('(')?.1;
    let end = inside.find([',', ')'])?;
    Some(inside[..end].trim())
}

fn step_changes(old: &[StepOutcome], new: &[StepOutcome]) -> Vec<StepChange> {
    old.iter()
        .zip(new)
        .filter(|(o, n)| o.status != n.status || o.reasons != n.reasons)
        .map(|(o, n)| StepChange {
            step: n.step,
            date: n.date.clone(),
            what: n.what.clone(),
            old: o.status,
            new: n.status,
            old_reasons: o.reasons.clone(),
            new_reasons: n.reasons.clone(),
        })
        .collect()
}

/// Sums the money amounts among `changes` of kind `account`.
fn net_of(changes: &[ValueChange]) -> Option<ValueView> {
    let mut total: Option<(Decimal, ValueView)> = None;
    for c in changes.iter().filter(|c| c.kind == "account") {
        let Some(d) = &c.difference else { continue };
        if currency_of(&d.ty).is_none() {
            continue;
        }
        let Ok(amount) = d.value.parse::<Decimal>() else {
            continue;
        };
        total = match total {
            None => Some((amount, d.clone())),
            Some((sum, view)) if view.ty == d.ty => Some((sum + amount, view)),
            // Accounts in two currencies have no single net.
            Some(_) => return None,
        };
    }
    let (sum, view) = total?;
    signed(sum, &view.ty)
}

/// An amount of type `ty` written with its sign, as a difference is.
fn signed(amount: Decimal, ty: &str) -> Option<ValueView> {
    let zero = ValueView {
        ty: ty.to_string(),
        value: "0".to_string(),
        display: String::new(),
    };
    let total = ValueView {
        ty: ty.to_string(),
        value: amount.to_string(),
        display: String::new(),
    };
    difference(Some(&zero), Some(&total))
}

/// What the rules gave each person: the postings to their accounts made when
/// a period closed (their shares of the allocations), credits less debits,
/// with the money type.
fn given_by_rules(o: &SimulationOutcome) -> HashMap<&str, (Decimal, &str)> {
    let closes: std::collections::HashSet<usize> = o
        .steps
        .iter()
        .filter(|s| s.what == CLOSE)
        .map(|s| s.step)
        .collect();
    let people: std::collections::HashSet<&str> =
        o.members.iter().map(|m| m.name.as_str()).collect();
    let whose = |account: &str| -> Option<&str> {
        let (who, _) = account.split_once(": ")?;
        people.get(who).copied()
    };
    let mut out: HashMap<&str, (Decimal, &str)> = HashMap::new();
    for line in o.journal.iter().filter(|l| closes.contains(&l.step)) {
        let Ok(amount) = line.amount.value.parse::<Decimal>() else {
            continue;
        };
        for (account, sign) in [(&line.credit, amount), (&line.debit, -amount)] {
            if let Some(who) = whose(account) {
                let entry = out.entry(who).or_insert((Decimal::ZERO, &line.amount.ty));
                entry.0 += sign;
            }
        }
    }
    out
}

/// How a step that closes a period is written in an outcome.
const CLOSE: &str = "close period";

/// Compares two outcomes of the same scenario.
pub fn compare_simulations(old: &SimulationOutcome, new: &SimulationOutcome) -> SimulationImpact {
    let steps = step_changes(&old.steps, &new.steps);

    let old_by_name: HashMap<&str, usize> = old
        .members
        .iter()
        .enumerate()
        .map(|(i, m)| (m.name.as_str(), i))
        .collect();
    let mut order: Vec<(&str, Option<usize>, Option<usize>)> = new
        .members
        .iter()
        .enumerate()
        .map(|(i, m)| {
            (
                m.name.as_str(),
                old_by_name.get(m.name.as_str()).copied(),
                Some(i),
            )
        })
        .collect();
    for (i, m) in old.members.iter().enumerate() {
        if !new.members.iter().any(|n| n.name == m.name) {
            order.push((m.name.as_str(), Some(i), None));
        }
    }

    let old_given = given_by_rules(old);
    let new_given = given_by_rules(new);
    let empty: Vec<Named> = Vec::new();
    let mut members = Vec::new();
    let mut admissions = Vec::new();
    for (name, oi, ni) in order {
        let o = oi.map(|i| &old.members[i]);
        let n = ni.map(|i| &new.members[i]);
        let mut changes = compare_named(
            "account",
            group(o, |m| &m.accounts, &empty),
            group(n, |m| &m.accounts, &empty),
        );
        changes.extend(compare_named(
            "attribute",
            group(o, |m| &m.attributes, &empty),
            group(n, |m| &m.attributes, &empty),
        ));
        changes.extend(compare_named(
            "period",
            group(o, |m| &m.periods, &empty),
            group(n, |m| &m.periods, &empty),
        ));
        let old_member = o.is_some_and(|m| m.member);
        let new_member = n.is_some_and(|m| m.member);
        let old_joined = o.and_then(|m| m.joined.as_ref());
        let new_joined = n.and_then(|m| m.joined.as_ref());
        if old_joined != new_joined || old_member != new_member {
            // The reasons of the step about them that is refused in one version.
            let reasons = steps
                .iter()
                .filter(|s| first_argument(&s.what) == Some(name))
                .find_map(|s| {
                    if !s.new_reasons.is_empty() {
                        Some(s.new_reasons.clone())
                    } else if !s.old_reasons.is_empty() {
                        Some(s.old_reasons.clone())
                    } else {
                        None
                    }
                })
                .unwrap_or_default();
            admissions.push(AdmissionChange {
                member: name.to_string(),
                old_member,
                new_member,
                reasons,
            });
        }
        let net = net_of(&changes);
        let (given, paid_in) = split_net(
            net.as_ref(),
            old_given.get(name).copied(),
            new_given.get(name).copied(),
        );
        let effect = match given.as_ref().and_then(|v| v.value.parse::<Decimal>().ok()) {
            Some(d) if d > Decimal::ZERO => Effect::Gains,
            Some(d) if d < Decimal::ZERO => Effect::Loses,
            _ => Effect::Unchanged,
        };
        members.push(MemberImpact {
            name: name.to_string(),
            old_member,
            new_member,
            changes,
            net,
            given,
            paid_in,
            effect,
        });
    }

    let mut tranches = Vec::new();
    let periods = old.periods.len().max(new.periods.len());
    for p in 0..periods {
        let labels = |o: &SimulationOutcome| -> Vec<(String, ValueView)> {
            o.periods
                .get(p)
                .map(|period| {
                    period
                        .allocations
                        .iter()
                        .flat_map(|a| a.tranches.iter())
                        .map(|t| (t.label.clone(), t.total.clone()))
                        .collect()
                })
                .unwrap_or_default()
        };
        let (ol, nl) = (labels(old), labels(new));
        let as_named = |l: Vec<(String, ValueView)>| -> Vec<Named> {
            l.into_iter()
                .map(|(name, value)| Named { name, value })
                .collect()
        };
        for c in compare_named("tranche", &as_named(ol), &as_named(nl)) {
            tranches.push(TrancheChange {
                period: p + 1,
                label: c.name,
                old: c.old,
                new: c.new,
                difference: c.difference,
            });
        }
    }

    let mut funds = compare_named("fund", &old.funds, &new.funds);
    for f in &mut funds {
        f.side = Some(Side::of(f.old.as_ref(), f.new.as_ref()));
    }

    let resolutions = old
        .resolutions
        .iter()
        .zip(&new.resolutions)
        .filter(|(o, n)| {
            o.outcome.passed != n.outcome.passed || o.outcome.reason != n.outcome.reason
        })
        .map(|(o, n)| ResolutionChange {
            step: n.step,
            title: n.title.clone(),
            old_passed: o.outcome.passed,
            new_passed: n.outcome.passed,
            old_reason: o.outcome.reason.clone(),
            new_reason: n.outcome.reason.clone(),
        })
        .collect();

    let totals = totals(&members, admissions.len());
    SimulationImpact {
        scenario: new.scenario.clone(),
        steps,
        admissions,
        members,
        tranches,
        funds,
        resolutions,
        totals,
        parameters_alone: Vec::new(),
    }
}

/// `net` split into what the rules gave (the change in what was posted to
/// the person at the periods' closes) and the rest, their own payments.
fn split_net(
    net: Option<&ValueView>,
    old: Option<(Decimal, &str)>,
    new: Option<(Decimal, &str)>,
) -> (Option<ValueView>, Option<ValueView>) {
    let Some(net) = net else {
        return (None, None);
    };
    let Ok(total) = net.value.parse::<Decimal>() else {
        return (None, None);
    };
    let amount = |side: Option<(Decimal, &str)>| match side {
        Some((d, ty)) if ty == net.ty => Some(d),
        Some(_) => None,
        None => Some(Decimal::ZERO),
    };
    let (Some(o), Some(n)) = (amount(old), amount(new)) else {
        return (None, None);
    };
    let given = n - o;
    (signed(given, &net.ty), signed(total - given, &net.ty))
}

/// One group of a statement's figures, or none for a person absent from an outcome.
fn group<'a>(
    statement: Option<&'a MemberStatement>,
    part: fn(&MemberStatement) -> &Vec<Named>,
    empty: &'a [Named],
) -> &'a [Named] {
    statement.map(part).map(Vec::as_slice).unwrap_or(empty)
}

/// The counts of gains and losses, by what the rules gave each person.
fn totals(members: &[MemberImpact], admissions_changed: usize) -> Totals {
    let count = |e: Effect| members.iter().filter(|m| m.effect == e).count();
    let amount = |m: &MemberImpact| -> Option<(Decimal, ValueView)> {
        let net = m.given.as_ref()?;
        Some((net.value.parse::<Decimal>().ok()?, net.clone()))
    };
    let mut largest_gain: Option<(Decimal, MemberAmount)> = None;
    let mut largest_loss: Option<(Decimal, MemberAmount)> = None;
    for m in members {
        let Some((d, view)) = amount(m) else { continue };
        let entry = || MemberAmount {
            member: m.name.clone(),
            amount: view.clone(),
        };
        if d > Decimal::ZERO && largest_gain.as_ref().is_none_or(|(g, _)| d > *g) {
            largest_gain = Some((d, entry()));
        }
        if d < Decimal::ZERO && largest_loss.as_ref().is_none_or(|(l, _)| d < *l) {
            largest_loss = Some((d, entry()));
        }
    }
    Totals {
        members: members.len(),
        gain: count(Effect::Gains),
        lose: count(Effect::Loses),
        unchanged: count(Effect::Unchanged),
        admissions_changed,
        largest_gain: largest_gain.map(|(_, m)| m),
        largest_loss: largest_loss.map(|(_, m)| m),
    }
}
