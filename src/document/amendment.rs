//! The amendment pack: what the secretary sends with the notice of the
//! meeting that votes an amendment. Each changed article old and new side
//! by side with the words changed, the parameters changed, and the impact
//! on the members from [`crate::diff`], members who change alike on one
//! line with a count, gains and losses summed.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::diff::{DiffError, DiffOptions, Effect, RulebookDiff, Version, WordingChange, diff};
use crate::program::Program;
use crate::value::{ValueView, money_display};

/// Which rules: name, version, hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heading {
    /// The rulebook's name.
    pub title: String,
    /// Its version.
    pub version: Option<String>,
    /// Its provenance hash.
    pub hash: String,
}

/// A parameter whose value differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParameterChange {
    /// Its name.
    pub name: String,
    /// Its article's number (in the new rules, or the old if removed).
    pub article: Option<String>,
    /// Its old value as displayed; `None` if added.
    pub old: Option<String>,
    /// Its new value; `None` if removed.
    pub new: Option<String>,
}

/// Members who change alike: one line of the impact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImpactGroup {
    /// How many.
    pub count: usize,
    /// Their names, in order.
    pub members: Vec<String>,
    /// What the rules give each of them, new less old (signed), as
    /// displayed; `None` when the rules give the same.
    pub each: Option<String>,
    /// The same, exactly, in the currency's units (0 when the same).
    pub each_amount: Decimal,
    /// Each figure that changes, `name: old -> new`.
    pub changes: Vec<String>,
}

/// Gains and losses summed over every member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackTotals {
    /// How many gain.
    pub gain: usize,
    /// How many lose.
    pub lose: usize,
    /// How many are unchanged.
    pub unchanged: usize,
    /// The gains summed, as displayed.
    pub gained: String,
    /// The losses summed (a negative amount), as displayed.
    pub lost: String,
    /// Gains and losses together.
    pub net: String,
}

/// The whole pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AmendmentPack {
    /// The rules in force.
    pub old: Heading,
    /// The rules proposed.
    pub new: Heading,
    /// Each article whose wording changes, old and new, word by word.
    pub articles: Vec<WordingChange>,
    /// Each parameter whose value changes.
    pub parameters: Vec<ParameterChange>,
    /// Every other part of the rules that changes: `rule eligible (article 3)`.
    pub other_changes: Vec<String>,
    /// The scenario whose members the impact is of.
    pub scenario: Option<String>,
    /// The members who change, alike in one group.
    pub groups: Vec<ImpactGroup>,
    /// The sums, when a scenario ran.
    pub totals: Option<PackTotals>,
    /// What to know when reading the impact.
    pub notes: Vec<String>,
}

fn heading(p: &Program) -> Heading {
    Heading {
        title: p.name.clone(),
        version: p.version.clone(),
        hash: p.provenance.hash.clone(),
    }
}

/// Compares `old` and `new` (as `rochdale diff` does) and builds the pack.
pub fn amendment_pack(
    old: Version,
    new: Version,
    options: &DiffOptions,
) -> Result<AmendmentPack, DiffError> {
    let d = diff(old, new, options)?;
    let program = |v: Version| {
        crate::pipeline::check_source(&v.file.text)
            .program
            .ok_or_else(|| DiffError {
                file: v.file.clone(),
                diagnostics: Vec::new(),
                in_request: false,
            })
    };
    Ok(pack(&d, &program(old)?, &program(new)?))
}

/// The pack of a comparison already made, of these two programs.
pub fn pack(d: &RulebookDiff, old: &Program, new: &Program) -> AmendmentPack {
    let view =
        |p: &Program, i: usize| ValueView::new(&p.params[i].value, p.params[i].ty, p, &[]).display;
    let article =
        |p: &Program, a: Option<usize>| a.and_then(|a| p.articles.get(a)).map(|a| a.number.clone());
    let mut parameters = Vec::new();
    for (i, n) in new.params.iter().enumerate() {
        let before = old.params.iter().position(|o| o.name == n.name);
        let old_shown = before.map(|j| view(old, j));
        let new_shown = view(new, i);
        if old_shown.as_deref() != Some(new_shown.as_str()) {
            parameters.push(ParameterChange {
                name: n.name.clone(),
                article: article(new, n.article),
                old: old_shown,
                new: Some(new_shown),
            });
        }
    }
    for (j, o) in old.params.iter().enumerate() {
        if !new.params.iter().any(|n| n.name == o.name) {
            parameters.push(ParameterChange {
                name: o.name.clone(),
                article: article(old, o.article),
                old: Some(view(old, j)),
                new: None,
            });
        }
    }
    let other_changes = d
        .changes
        .iter()
        .filter(|c| c.kind != "parameter" && c.kind != "article")
        .map(|c| {
            let sign = match c.change {
                crate::diff::ChangeKind::Added => "added",
                crate::diff::ChangeKind::Removed => "removed",
                crate::diff::ChangeKind::Changed => "changed",
            };
            match &c.article {
                Some(a) => format!("{} {} (article {a}): {sign}", c.kind, c.name),
                None => format!("{} {}: {sign}", c.kind, c.name),
            }
        })
        .collect();
    let currency = new.currency.or(old.currency);
    let amount = |v: &Option<ValueView>| {
        v.as_ref()
            .and_then(|v| Decimal::from_str(&v.value).ok())
            .unwrap_or_default()
    };
    let mut groups = Vec::new();
    let mut totals = None;
    if let Some(sim) = &d.simulation {
        for group in sim.alike() {
            let first = group[0];
            let each_amount = match first.effect {
                Effect::Unchanged => Decimal::ZERO,
                _ => amount(&first.given),
            };
            groups.push(ImpactGroup {
                count: group.len(),
                members: group.iter().map(|m| m.name.clone()).collect(),
                each: (first.effect != Effect::Unchanged)
                    .then(|| first.given.as_ref().map(|g| g.display.clone()))
                    .flatten(),
                each_amount,
                changes: first
                    .changes
                    .iter()
                    .map(|c| {
                        let shown = |v: &Option<ValueView>| {
                            v.as_ref().map_or("-".to_string(), |v| v.display.clone())
                        };
                        format!("{}: {} -> {}", c.name, shown(&c.old), shown(&c.new))
                    })
                    .collect(),
            });
        }
        let (mut gained, mut lost) = (Decimal::ZERO, Decimal::ZERO);
        for m in &sim.members {
            let given = amount(&m.given);
            match m.effect {
                Effect::Gains => gained += given,
                Effect::Loses => lost += given,
                Effect::Unchanged => {}
            }
        }
        let money = |d: Decimal| match currency {
            Some(c) => money_display(d, c),
            None => d.normalize().to_string(),
        };
        totals = Some(PackTotals {
            gain: sim.totals.gain,
            lose: sim.totals.lose,
            unchanged: sim.totals.unchanged,
            gained: money(gained),
            lost: money(lost),
            net: money(gained + lost),
        });
    }
    AmendmentPack {
        old: heading(old),
        new: heading(new),
        articles: d.wording.clone(),
        parameters,
        other_changes,
        scenario: d.simulation.as_ref().map(|s| s.scenario.clone()),
        groups,
        totals,
        notes: d.notes.clone(),
    }
}
