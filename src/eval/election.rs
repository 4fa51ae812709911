//! An election at a step: who may stand (the rulebook's condition, with its
//! reasons), and the count, which [`crate::semantics::election`] defines;
//! this module only names what it finds.

use serde::Serialize;

use super::{Evaluator, Result};
use crate::diagnostic::{Code, Diagnostic};
use crate::semantics::election::{self, Action, CountError, Reserve};
use crate::syntax::ast::{ElectionMethod, ElectionTies};
use crate::value::Value;

/// The count of an election and who it elects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct ElectionOutcome {
    /// The election's name.
    pub name: String,
    /// How it was counted.
    #[cfg_attr(
        feature = "typescript",
        tsify(type = "\"plurality\" | \"single_transferable_vote\"")
    )]
    pub method: ElectionMethod,
    /// How a tie the count left was broken.
    #[cfg_attr(feature = "typescript", tsify(type = "\"alphabetically\" | \"lot\""))]
    pub ties: ElectionTies,
    /// The seats filled.
    pub seats: usize,
    /// Who stood, in the order given.
    pub candidates: Vec<String>,
    /// The valid ballots: those that mark a candidate.
    pub valid: usize,
    /// The quota (single transferable vote): valid ballots divided by the
    /// seats plus one, any fraction disregarded, plus one.
    pub quota: Option<String>,
    /// Who is elected, in the order elected.
    pub elected: Vec<String>,
    /// Every stage of the count.
    pub stages: Vec<StageOutcome>,
}

/// One stage of a count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct StageOutcome {
    /// Its number, from 1.
    pub stage: usize,
    /// What it did, in words: `first preferences`, `surplus of ann
    /// transferred`, `bob excluded`, `last vacancies filled`.
    pub what: String,
    /// Each candidate's votes at its end, in the order of the candidates.
    pub totals: Vec<CandidateVotes>,
    /// The votes no candidate holds at its end.
    pub non_transferable: String,
    /// The surplus transferred at it, if any.
    pub surplus: Option<String>,
    /// Each value a transferred paper arrived at, with the value it goes on
    /// at (a surplus's transfer values).
    pub transfer_values: Vec<TransferValue>,
    /// Who was elected at it.
    pub elected: Vec<String>,
    /// Who was excluded at it.
    pub excluded: Option<String>,
    /// Each tie decided at it, in words.
    pub ties: Vec<String>,
}

/// A candidate's votes at a stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct CandidateVotes {
    /// Who.
    pub candidate: String,
    /// Their votes, exact (five decimal places at most).
    pub votes: String,
}

/// The value a paper arrived at and the value it is transferred at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct TransferValue {
    /// The value it arrived at (1 for a first preference).
    pub from: String,
    /// Its transfer value.
    pub to: String,
}

impl Evaluator<'_> {
    /// Whether `member` may stand in election `e` (or, with `voting`,
    /// vote in it), with the reasons when not (the condition's `because`).
    pub fn eligible(&mut self, e: usize, member: u32, voting: bool) -> Result<(bool, Vec<String>)> {
        let program = self.program;
        let Some(def) = program.elections.get(e) else {
            return Ok((true, Vec::new()));
        };
        let clause = if voting { &def.voter } else { &def.candidate };
        let Some(condition) = clause else {
            return Ok((true, Vec::new()));
        };
        let mut frame = vec![Value::Member(member)];
        frame.resize(def.frame_size.max(1), Value::Bool(false));
        let (holds, refusals) = self.condition_refusals(condition, &mut frame)?;
        Ok((holds, refusals.iter().map(|r| r.sentence()).collect()))
    }

    /// The seats election `e` reserves, each with which of `candidates`
    /// (members, in the order standing) meet its condition.
    pub fn reserves(&mut self, e: usize, candidates: &[u32]) -> Result<Vec<Reserve>> {
        let program = self.program;
        let Some(def) = program.elections.get(e) else {
            return Ok(Vec::new());
        };
        let mut out = Vec::with_capacity(def.reserves.len());
        for reserve in &def.reserves {
            let mut holds = Vec::with_capacity(candidates.len());
            for &m in candidates {
                let mut frame = vec![Value::Member(m)];
                frame.resize(def.frame_size.max(1), Value::Bool(false));
                let (meets, _) = self.condition_refusals(&reserve.condition, &mut frame)?;
                holds.push(meets);
            }
            out.push(Reserve {
                seats: reserve.seats,
                holds,
            });
        }
        Ok(out)
    }

    /// Counts election `e` among `candidates` (by name), on `ballots`
    /// (indices into `candidates`, in order of preference), keeping the
    /// seats `reserved` ([`Evaluator::reserves`]), drawing any lot from
    /// `seed`.
    pub fn election(
        &self,
        e: usize,
        candidates: &[String],
        ballots: &[Vec<usize>],
        seed: Option<u64>,
        reserved: &[Reserve],
    ) -> Result<ElectionOutcome> {
        let def = self.program.elections.get(e).ok_or_else(|| {
            Box::new(Diagnostic::error(
                Code::UnknownName,
                "an election step names no election of the rulebook",
            ))
        })?;
        let count = election::count(
            def.method,
            def.seats,
            candidates,
            ballots,
            (def.ties, seed),
            reserved,
        )
            .map_err(|err| {
                Box::new(match err {
                    CountError::NoSeed { among } => Diagnostic::error(
                        Code::BadElection,
                        format!(
                            "{}: a tie between {} is broken by lot, and the step gives no seed to draw it",
                            def.name,
                            among
                                .iter()
                                .filter_map(|&c| candidates.get(c))
                                .map(String::as_str)
                                .collect::<Vec<_>>()
                                .join(" and ")
                        ),
                    )
                    .help("give the election's step a seed, such as `seed 42` after its ballots"),
                    CountError::Overflow => Diagnostic::error(
                        Code::Overflow,
                        format!("{}: too many ballots to count", def.name),
                    )
                    .help("an election counts at most about 92 trillion ballots"),
                })
            })?;
        let name = |c: usize| candidates.get(c).cloned().unwrap_or_default();
        let text = |d: rust_decimal::Decimal| d.normalize().to_string();
        let stages = count
            .stages
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let (what, surplus, transfer_values, excluded) = match &s.action {
                    Action::FirstPreferences if def.method == ElectionMethod::Plurality => {
                        ("votes counted".to_string(), None, Vec::new(), None)
                    }
                    Action::FirstPreferences => {
                        ("first preferences".to_string(), None, Vec::new(), None)
                    }
                    Action::Surplus {
                        candidate,
                        surplus,
                        transfer_values,
                    } => (
                        format!("surplus of {} transferred", name(*candidate)),
                        Some(text(*surplus)),
                        transfer_values
                            .iter()
                            .map(|(from, to)| TransferValue {
                                from: text(*from),
                                to: text(*to),
                            })
                            .collect(),
                        None,
                    ),
                    Action::Exclusion { candidate } => (
                        format!("{} excluded", name(*candidate)),
                        None,
                        Vec::new(),
                        Some(name(*candidate)),
                    ),
                    Action::Barred { candidate } => (
                        format!("{} excluded: the seats left are reserved", name(*candidate)),
                        None,
                        Vec::new(),
                        Some(name(*candidate)),
                    ),
                    Action::LastVacancies => {
                        ("last vacancies filled".to_string(), None, Vec::new(), None)
                    }
                };
                StageOutcome {
                    stage: i + 1,
                    what,
                    totals: s
                        .totals
                        .iter()
                        .enumerate()
                        .map(|(c, v)| CandidateVotes {
                            candidate: name(c),
                            votes: text(*v),
                        })
                        .collect(),
                    non_transferable: text(s.non_transferable),
                    surplus,
                    transfer_values,
                    elected: s.elected.iter().map(|&c| name(c)).collect(),
                    excluded,
                    ties: s.ties.clone(),
                }
            })
            .collect();
        Ok(ElectionOutcome {
            name: def.name.clone(),
            method: def.method,
            ties: def.ties,
            seats: def.seats,
            candidates: candidates.to_vec(),
            valid: count.valid,
            quota: count.quota.map(text),
            elected: count.elected.iter().map(|&c| name(c)).collect(),
            stages,
        })
    }
}
