//! Attribution: when an amendment changes more than one thing, the impact of
//! each parameter change on its own. Each parameter whose value at the
//! scenario's start differs is run alone: the old rules and the old
//! scenario, with only that value set to the new one, compared with the old
//! rules as [`super::impact::compare_simulations`] compares the two versions.
//! Separate impacts need not add up to the combined one (a lower age admits
//! a member who then shares in a larger education fund).

use serde::Serialize;

use super::impact::{self, MemberAmount, Totals};
use crate::program::{Program, ScenarioDef};
use crate::simulate::SimulationOutcome;
use crate::simulate::input::MemberTable;
use crate::value::ValueView;

/// One parameter's change run on its own.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct ParameterAlone {
    /// The parameter.
    pub parameter: String,
    /// Its value at the start under the old rules.
    pub old: ValueView,
    /// Its value at the start under the new rules.
    pub new: ValueView,
    /// The counts, as for the combined impact.
    pub totals: Totals,
    /// Each person whose share from the rules changes, with the change.
    pub members: Vec<MemberAmount>,
}

/// The old run and what is needed to run the old rules again.
pub(super) struct OldRun<'a> {
    /// The old rules.
    pub program: &'a Program,
    /// The old scenario.
    pub scenario: &'a ScenarioDef,
    /// Its people.
    pub members: &'a MemberTable,
    /// The old rules' outcome.
    pub outcome: &'a SimulationOutcome,
}

/// Each parameter of both versions, of the same type, whose value at the
/// start of the scenario differs, run alone against the old rules; in the
/// old rules' order.
pub(super) fn parameters_alone(
    old: &OldRun,
    new_program: &Program,
    new_scenario: &ScenarioDef,
) -> Vec<ParameterAlone> {
    let mut out = Vec::new();
    for (i, def) in old.program.params.iter().enumerate() {
        let Some(j) = new_program
            .params
            .iter()
            .position(|p| p.name == def.name && p.ty == def.ty)
        else {
            continue;
        };
        let (Some(before), Some(after)) = (old.scenario.params.get(i), new_scenario.params.get(j))
        else {
            continue;
        };
        if before == after {
            continue;
        }
        let mut alone = old.scenario.clone();
        alone.params[i] = after.clone();
        let outcome = crate::simulate::simulate(old.program, &alone, old.members.clone());
        let compared = impact::compare_simulations(old.outcome, &outcome);
        let members = compared
            .members
            .iter()
            .filter_map(|m| {
                let given = m.given.as_ref()?;
                (given.value.parse::<rust_decimal::Decimal>().ok()? != rust_decimal::Decimal::ZERO)
                    .then(|| MemberAmount {
                        member: m.name.clone(),
                        amount: given.clone(),
                    })
            })
            .collect();
        out.push(ParameterAlone {
            parameter: def.name.clone(),
            old: ValueView::new(before, def.ty, old.program, &[]),
            new: ValueView::new(after, def.ty, new_program, &[]),
            totals: compared.totals,
            members,
        });
    }
    out
}
