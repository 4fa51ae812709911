//! Counting a vote on a resolution: quorum, weights, threshold, ties.

use rust_decimal::Decimal;
use serde::Serialize;

use super::{Evaluator, Result};
use crate::diagnostic::{Code, Diagnostic};
use crate::program::{ResolutionDef, Vote};
use crate::syntax::ast::{QuorumTerm, ThresholdMeasure, VoteBasis};
use crate::value::Value;

/// The count of a vote and its result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct ResolutionOutcome {
    /// The resolution's name.
    pub name: String,
    /// Quorate and over the threshold.
    pub passed: bool,
    /// Enough members present.
    pub quorate: bool,
    /// Members present (voting for, against, or abstaining).
    pub present: u64,
    /// Members that had to be present.
    pub required: u64,
    /// All members.
    pub members: u64,
    /// Votes for, weighted.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub votes_for: Decimal,
    /// Votes against, weighted (abstentions included when they count against).
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub votes_against: Decimal,
    /// Abstentions, weighted.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub abstentions: Decimal,
    /// Votes for as a share of the threshold's basis.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub share_for: Decimal,
    /// Votes given by people not on the roll of the record date: not counted.
    pub uncounted: u64,
    /// Why it passed or failed, in words.
    pub reason: String,
}

fn percent(share: Decimal) -> String {
    crate::value::percent_display(share)
}

impl Evaluator<'_> {
    /// Counts the vote on resolution `index` from the inputs.
    pub fn resolution(&mut self, index: usize) -> Result<ResolutionOutcome> {
        let program = self.program;
        let def = program
            .resolutions
            .get(index)
            .ok_or_else(|| super::internal("unknown resolution", Default::default()))?;
        let Some(Some(votes)) = self.inputs.votes.get(index) else {
            return Err(Box::new(
                Diagnostic::error(
                    Code::MissingValue,
                    format!("no votes on the resolution `{}` are given", def.name),
                )
                .at(def.span, "no vote taken")
                .help(format!(
                    "give the votes in the example: `votes {} {{ for ada, ben  against cy }}`",
                    def.name
                )),
            ));
        };
        let votes = votes.clone();
        self.with_roll(def.record_date.as_ref(), |ev| ev.count(def, &votes))
    }

    fn weight(&self, def: &ResolutionDef, member: usize) -> Result<Decimal> {
        let Some((attr, weights)) = &def.class_weights else {
            return Ok(Decimal::ONE);
        };
        match self.inputs.members.get(*attr).and_then(|c| c.get(member)) {
            Some(Some(Value::Enum(v))) => Ok(weights.get(*v as usize).copied().unwrap_or_default()),
            _ => {
                let attr_name = self
                    .program
                    .member_attrs
                    .get(*attr)
                    .map_or("class", |a| a.name.as_str());
                Err(Box::new(
                    Diagnostic::error(
                        Code::MissingValue,
                        format!(
                            "{} has no `{attr_name}`, so the weight of their vote is unknown",
                            self.member_name(member as u32)
                        ),
                    )
                    .at(def.span, "weighted by class")
                    .help(format!("give every member a `{attr_name}`")),
                ))
            }
        }
    }

    fn count(&self, def: &ResolutionDef, votes: &[Vote]) -> Result<ResolutionOutcome> {
        let members = self.inputs.member_count();
        let (mut votes_for, mut against, mut abstain, mut all) =
            (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
        let mut present: u64 = 0;
        let mut headcount: u64 = 0;
        let mut uncounted: u64 = 0;
        for m in 0..members {
            if !self.counts(m) {
                if votes.get(m).is_some_and(|v| *v != Vote::Absent) {
                    uncounted += 1;
                }
                continue;
            }
            headcount += 1;
            let w = self.weight(def, m)?;
            all += w;
            match votes.get(m).copied().unwrap_or(Vote::Absent) {
                Vote::For => {
                    votes_for += w;
                    present += 1;
                }
                Vote::Against => {
                    against += w;
                    present += 1;
                }
                Vote::Abstain => {
                    abstain += w;
                    present += 1;
                }
                Vote::Absent => {}
            }
        }
        if def.abstentions_against {
            against += abstain;
        }
        // Each term as the least number of members present that meets it,
        // exactly: at least 50% of 7 is 4 (3.5 rounded up), more than half
        // of 8 is 5 (4 is only half) and of 7 is 4.
        let needs = def.quorum.iter().map(|q| match q {
            QuorumTerm::Share(p) => {
                let need = (*p * Decimal::from(headcount)).ceil();
                need.try_into().unwrap_or(u64::MAX)
            }
            QuorumTerm::MoreThan(p) => {
                let half = (*p * Decimal::from(headcount)).floor();
                u64::try_from(half).map_or(u64::MAX, |n| n.saturating_add(1))
            }
            QuorumTerm::Count(k) => k.ceil().try_into().unwrap_or(u64::MAX),
        });
        // All terms (`and`, `the greater of`): the largest; `the lesser
        // of`: the smallest.
        let required = if def.quorum_lesser {
            needs.min()
        } else {
            needs.max()
        }
        .unwrap_or(0);
        let quorate = present >= required;
        let present_weight = votes_for
            + against
            + if def.abstentions_against {
                Decimal::ZERO
            } else {
                abstain
            };
        let cast = votes_for + against;
        let strict = def.threshold.strict;
        let compare = |a: Decimal, b: Decimal| if strict { a > b } else { a >= b };
        // The total a share is taken of, its name, and the share for.
        let measured_against = |basis: VoteBasis| {
            let (base, name) = match basis {
                VoteBasis::Cast => (cast, "of votes cast"),
                VoteBasis::Present => (present_weight, "of votes present"),
                VoteBasis::Members => (all, "of all members' votes"),
            };
            let share = if base.is_zero() {
                Decimal::ZERO
            } else {
                votes_for / base
            };
            (base, name, share)
        };
        let (mut met, share_for, needs) = match def.threshold.measure {
            ThresholdMeasure::Against => {
                let share = if cast.is_zero() {
                    Decimal::ZERO
                } else {
                    votes_for / cast
                };
                let needs = if strict {
                    "more for than against"
                } else {
                    "at least as many for as against"
                };
                (
                    compare(votes_for, against) && !cast.is_zero(),
                    share,
                    needs.to_string(),
                )
            }
            ThresholdMeasure::Fraction(num, den, basis) => {
                let (base, name, share) = measured_against(basis);
                let needs = format!(
                    "{} {num}/{den} {name}",
                    if strict { "more than" } else { "at least" },
                );
                // Cross-multiplied, so that two thirds is exactly two thirds.
                let met = match (votes_for.checked_mul(den), num.checked_mul(base)) {
                    (Some(a), Some(b)) => !base.is_zero() && compare(a, b),
                    _ => false,
                };
                (met, share, needs)
            }
            ThresholdMeasure::Share(p, basis) => {
                let (base, name, share) = measured_against(basis);
                let needs = format!(
                    "{} {} {name}",
                    if strict { "more than" } else { "at least" },
                    percent(p)
                );
                (
                    !base.is_zero() && compare(votes_for, p * base),
                    share,
                    needs,
                )
            }
        };
        let tie = votes_for == against && !cast.is_zero();
        if let (true, Some(pass)) = (tie, def.ties_pass) {
            met = pass;
        }
        let passed = quorate && met;
        let roll_note = if uncounted > 0 {
            format!(
                " ({uncounted} vote{} not counted: not on the roll of the record date)",
                if uncounted == 1 { "" } else { "s" }
            )
        } else {
            String::new()
        };
        let reason = if !quorate {
            format!("inquorate: {present} present, {required} required")
        } else if tie && def.ties_pass.is_some() {
            format!(
                "a tie ({votes_for} for, {against} against) {} as the rules say",
                if met { "passes" } else { "fails" }
            )
        } else {
            format!(
                "{} for ({votes_for} for, {against} against); {needs} required",
                percent(share_for)
            )
        };
        Ok(ResolutionOutcome {
            name: def.name.clone(),
            passed,
            quorate,
            present,
            required,
            members: headcount,
            votes_for,
            votes_against: against,
            abstentions: abstain,
            share_for,
            uncounted,
            reason: reason + &roll_note,
        })
    }
}
