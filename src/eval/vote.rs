//! Counting a vote on a resolution: quorum, weights, threshold, ties.

use rust_decimal::Decimal;
use serde::Serialize;

use super::{Evaluator, Result};
use crate::diagnostic::{Code, Diagnostic};
use crate::program::{AbsentVote, ConsentDef, ResolutionDef, Vote};
use crate::syntax::ast::{QuorumTerm, Threshold, ThresholdMeasure, VoteBasis};
use crate::types::Vocabulary;
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
    /// Of those present, the votes given by a proxy or by post that count.
    #[serde(skip_serializing_if = "is_zero")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub represented: u64,
    /// Votes given by proxy or by post that do not count, each with why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "typescript", tsify(optional))]
    pub not_counted: Vec<String>,
    /// The count within each class whose consent is needed (`consent by
    /// class { ... }`), in the order written; empty if none is.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub consents: Vec<ClassConsentOutcome>,
    /// Why it passed or failed, in words.
    pub reason: String,
}

/// The count within one class whose consent a resolution needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct ClassConsentOutcome {
    /// The class.
    pub class: String,
    /// Its members' votes for.
    pub votes_for: u64,
    /// Its members' votes against (abstentions included when they count
    /// against).
    pub votes_against: u64,
    /// Its members' abstentions.
    pub abstentions: u64,
    /// Its members on the roll.
    pub members: u64,
    /// Whether the class consents.
    pub consents: bool,
    /// What consent takes, in words.
    pub needs: String,
}

/// A count by class share (see [`Evaluator::by_class_share`]).
struct ShareCount {
    met: bool,
    tie: bool,
    votes_for: Decimal,
    votes_against: Decimal,
    share_for: Decimal,
    needs: String,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
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
        let absent = self
            .inputs
            .absent_votes
            .get(index)
            .cloned()
            .unwrap_or_default();
        self.with_roll(def.record_date.as_ref(), |ev| {
            let Some((condition, frame_size)) = &def.voter else {
                return ev.count(def, &votes, &absent, Vec::new());
            };
            // Who may vote, among the members (on the roll); why not, for
            // each who voted all the same.
            let mut voters = vec![false; ev.inputs.member_count()];
            let mut not_voters = Vec::new();
            for (m, slot) in voters.iter_mut().enumerate() {
                if !ev.counts(m) {
                    continue;
                }
                let mut frame = vec![Value::Member(m as u32)];
                frame.resize((*frame_size).max(1), Value::Bool(false));
                let voted = votes.get(m).is_some_and(|v| *v != Vote::Absent)
                    || absent.iter().any(|a| a.voter == m);
                if !voted {
                    *slot = ev.boolean(condition, &mut frame)?;
                    continue;
                }
                let (holds, refusals) = ev.condition_refusals(condition, &mut frame)?;
                *slot = holds;
                if !holds {
                    let why: Vec<String> = refusals.iter().map(|r| r.sentence()).collect();
                    let name = ev.inputs.member_names.get(m).map_or("?", String::as_str);
                    not_voters.push(if why.is_empty() {
                        format!("{name}'s vote is not counted: {name} may not vote on it")
                    } else {
                        format!("{name}'s vote is not counted: {}", why.join("; "))
                    });
                }
            }
            let before = ev.voters.replace(voters);
            let out = ev.count(def, &votes, &absent, not_voters);
            ev.voters = before;
            out
        })
    }

    /// Whether member `m`'s vote counts: a member (on the roll of the
    /// record date, if any) who may vote on the resolution being counted.
    fn may_vote(&self, m: usize) -> bool {
        self.counts(m)
            && self
                .voters
                .as_ref()
                .is_none_or(|v| v.get(m).copied().unwrap_or(false))
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

    /// The count by class share: each class's for and against, among its own
    /// votes cast, at its share of the whole vote, and the threshold met or
    /// not exactly (`semantics::class_shares`). Votes cast and present are
    /// the same here: an abstention carries none of its class's share,
    /// unless abstentions count against.
    fn by_class_share(
        &self,
        def: &ResolutionDef,
        votes: &[Vote],
        unvoted: crate::syntax::ast::Unvoted,
        threshold: &Threshold,
    ) -> Result<ShareCount> {
        use crate::semantics::class_shares::{ClassVotes, Ratio, tally};
        use std::cmp::Ordering;
        let Some((attr, shares)) = &def.class_weights else {
            return Err(super::internal("class shares without classes", def.span));
        };
        let mut classes: Vec<ClassVotes> = shares
            .iter()
            .map(|share| ClassVotes {
                share: *share,
                for_: 0,
                against: 0,
            })
            .collect();
        for m in 0..self.inputs.member_count() {
            if !self.may_vote(m) {
                continue;
            }
            let vote = votes.get(m).copied().unwrap_or(Vote::Absent);
            if vote == Vote::Absent {
                continue;
            }
            // The member's class, as `weight` reads it (an error if none).
            self.weight(def, m)?;
            let Some(Some(Value::Enum(class))) =
                self.inputs.members.get(*attr).and_then(|c| c.get(m))
            else {
                continue;
            };
            let Some(c) = classes.get_mut(*class as usize) else {
                continue;
            };
            match vote {
                Vote::For => c.for_ += 1,
                Vote::Against => c.against += 1,
                Vote::Abstain if def.abstentions_against => c.against += 1,
                Vote::Abstain | Vote::Absent => {}
            }
        }
        let overflow = |_| {
            Box::new(
                Diagnostic::error(
                    Code::Overflow,
                    "the count by class share is too large to keep exact",
                )
                .at(def.span, "counted here")
                .help("a vote of this size cannot be counted by class share exactly"),
            )
        };
        let t = tally(&classes, unvoted).map_err(overflow)?;
        let strict = threshold.strict;
        let holds = |o: Ordering| {
            if strict {
                o == Ordering::Greater
            } else {
                o != Ordering::Less
            }
        };
        let base_of = |basis: VoteBasis| match basis {
            VoteBasis::Cast | VoteBasis::Present => (t.cast, "of votes cast, by class share"),
            VoteBasis::Members => (t.all, "of the whole vote, by class share"),
        };
        let word = if strict { "more than" } else { "at least" };
        let (met, base, needs) = match threshold.measure {
            ThresholdMeasure::Against => (
                !t.cast.is_zero() && holds(t.for_.cmp_exact(t.against).map_err(overflow)?),
                t.cast,
                if strict {
                    "more for than against, by class share".to_string()
                } else {
                    "at least as many for as against, by class share".to_string()
                },
            ),
            ThresholdMeasure::Fraction(num, den, basis) => {
                let (base, name) = base_of(basis);
                let lhs = t
                    .for_
                    .times(Ratio::from_decimal(den).map_err(overflow)?)
                    .map_err(overflow)?;
                let rhs = base
                    .times(Ratio::from_decimal(num).map_err(overflow)?)
                    .map_err(overflow)?;
                (
                    !base.is_zero() && holds(lhs.cmp_exact(rhs).map_err(overflow)?),
                    base,
                    format!("{word} {num}/{den} {name}"),
                )
            }
            ThresholdMeasure::Share(p, basis) => {
                let (base, name) = base_of(basis);
                let rhs = base
                    .times(Ratio::from_decimal(p).map_err(overflow)?)
                    .map_err(overflow)?;
                (
                    !base.is_zero() && holds(t.for_.cmp_exact(rhs).map_err(overflow)?),
                    base,
                    format!("{word} {} {name}", percent(p)),
                )
            }
        };
        let share_for = t
            .for_
            .over(base)
            .map_err(overflow)?
            .map_or(Decimal::ZERO, Ratio::to_decimal);
        Ok(ShareCount {
            met,
            tie: !t.cast.is_zero() && t.for_ == t.against,
            votes_for: t.for_.to_decimal(),
            votes_against: t.against.to_decimal(),
            share_for,
            needs,
        })
    }

    /// The votes as they count: a vote by proxy or by post the rules do
    /// not allow (`semantics::meeting`) is taken as absent, and said why.
    /// Also gives how many such votes count.
    fn absent_counted(
        &self,
        def: &ResolutionDef,
        votes: &[Vote],
        absent: &[AbsentVote],
    ) -> (Vec<Vote>, Vec<String>, u64) {
        use crate::semantics::meeting::{AbsentRules, absent_votes, not_counted_words};
        let rules = AbsentRules {
            proxies: def.procedure.proxies.map(|(n, _)| n),
            postal: def.procedure.postal.is_some(),
        };
        let present =
            |m: usize| self.may_vote(m) && votes.get(m).is_some_and(|v| *v != Vote::Absent);
        let verdicts = absent_votes(rules, absent, present);
        let mut out = votes.to_vec();
        let (mut notes, mut counted) = (Vec::new(), 0u64);
        for (vote, verdict) in absent.iter().zip(verdicts) {
            match verdict {
                None => {
                    if self.may_vote(vote.voter) {
                        counted += 1;
                    }
                }
                Some(why) => {
                    if let Some(slot) = out.get_mut(vote.voter) {
                        *slot = Vote::Absent;
                    }
                    // Plain names, as a meeting's minutes write them.
                    let name =
                        |m: usize| self.inputs.member_names.get(m).map_or("?", String::as_str);
                    notes.push(not_counted_words(
                        why,
                        name(vote.voter),
                        vote.proxy.map(name),
                    ));
                }
            }
        }
        (out, notes, counted)
    }

    fn count(
        &self,
        def: &ResolutionDef,
        votes: &[Vote],
        absent: &[AbsentVote],
        not_voters: Vec<String>,
    ) -> Result<ResolutionOutcome> {
        use crate::syntax::ast::Sitting;
        let (counted, mut not_counted, represented) = self.absent_counted(def, votes, absent);
        not_counted.extend(not_voters);
        let votes = counted.as_slice();
        let sitting = self.inputs.sitting;
        // A second call's quorum, and a confirming meeting's threshold, where
        // the rules have them.
        let second: Option<(Vec<QuorumTerm>, bool)> = match (sitting, &def.procedure.second_call) {
            (Sitting::SecondCall, Some(c)) => Some((
                c.quorum.iter().map(|(q, _)| *q).collect(),
                c.form == crate::syntax::ast::QuorumForm::Lesser,
            )),
            _ => None,
        };
        let (quorum, quorum_lesser) = match &second {
            Some((terms, lesser)) => (terms.as_slice(), *lesser),
            None => (def.quorum.as_slice(), def.quorum_lesser),
        };
        let threshold = match (sitting, &def.procedure.confirmation) {
            (Sitting::Confirming, Some(c)) => &c.threshold,
            _ => &def.threshold,
        };
        let members = self.inputs.member_count();
        let (mut votes_for, mut against, mut abstain, mut all) =
            (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
        let mut present: u64 = 0;
        let mut headcount: u64 = 0;
        let mut uncounted: u64 = 0;
        for m in 0..members {
            if !self.may_vote(m) {
                // Off the roll of the record date (a member on it who may
                // not vote is among the notes).
                if !self.counts(m) && votes.get(m).is_some_and(|v| *v != Vote::Absent) {
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
        // Every vote present and represented, weighted, abstentions too:
        // what a quorum `of votes` measures.
        let present_votes = votes_for + against + abstain;
        if def.abstentions_against {
            against += abstain;
        }
        // Each term of members as the least number of members present that
        // meets it, exactly: at least 50% of 7 is 4 (3.5 rounded up), more
        // than half of 8 is 5 (4 is only half) and of 7 is 4.
        let member_needs: Vec<u64> = quorum
            .iter()
            .filter_map(|q| match q {
                QuorumTerm::Share(p) => {
                    let need = (*p * Decimal::from(headcount)).ceil();
                    Some(need.try_into().unwrap_or(u64::MAX))
                }
                QuorumTerm::MoreThan(p) => {
                    let half = (*p * Decimal::from(headcount)).floor();
                    Some(u64::try_from(half).map_or(u64::MAX, |n| n.saturating_add(1)))
                }
                QuorumTerm::Count(k) => Some(k.ceil().try_into().unwrap_or(u64::MAX)),
                QuorumTerm::Votes(_) => None,
            })
            .collect();
        // Each term of votes as the share of all the votes it needs present.
        let shares: Vec<Decimal> = quorum
            .iter()
            .filter_map(|q| match q {
                QuorumTerm::Votes(p) => Some(*p),
                _ => None,
            })
            .collect();
        let votes_met = |p: &Decimal| present_votes >= *p * all;
        // All terms (`and`, `the greater of`): every one, so the largest;
        // `the lesser of`: any one, so the smallest.
        let (required, share_required) = if quorum_lesser {
            (
                member_needs.iter().min().copied(),
                shares.iter().min().copied(),
            )
        } else {
            (
                member_needs.iter().max().copied(),
                shares.iter().max().copied(),
            )
        };
        let quorate = if quorum_lesser {
            member_needs.iter().any(|n| present >= *n) || shares.iter().any(votes_met)
        } else {
            member_needs.iter().all(|n| present >= *n) && shares.iter().all(votes_met)
        };
        let required = required.unwrap_or(0);
        let present_weight = votes_for
            + against
            + if def.abstentions_against {
                Decimal::ZERO
            } else {
                abstain
            };
        let cast = votes_for + against;
        let (mut met, share_for, needs) =
            measure(threshold, votes_for, against, present_weight, all);
        let mut tie = votes_for == against && !cast.is_zero();
        let mut by_share = None;
        if let Some(unvoted) = def.class_share {
            // The whole vote divided by class: every figure above was per
            // member, so the count and the threshold are taken again.
            let s = self.by_class_share(def, votes, unvoted, threshold)?;
            met = s.met;
            tie = s.tie;
            (votes_for, against, abstain) = (s.votes_for, s.votes_against, Decimal::ZERO);
            by_share = Some((s.share_for, s.needs));
        }
        let (share_for, needs) = by_share.unwrap_or((share_for, needs));
        if let (true, Some(pass)) = (tie, def.ties_pass) {
            met = pass;
        }
        let consents = match &def.consent {
            Some(c) => self.consents(def, c, votes)?,
            None => Vec::new(),
        };
        let passed = quorate && met && consents.iter().all(|c| c.consents);
        let roll_note = if uncounted > 0 {
            format!(
                " ({uncounted} vote{} not counted: not on the roll of the record date)",
                if uncounted == 1 { "" } else { "s" }
            )
        } else {
            String::new()
        };
        let reason = if !quorate {
            let call = if second.is_some() {
                " at the second call"
            } else {
                ""
            };
            let mut counts = Vec::new();
            if !member_needs.is_empty() {
                counts.push(format!("{present} present, {required} required"));
            }
            if let Some(p) = share_required {
                let held = if all.is_zero() {
                    Decimal::ZERO
                } else {
                    present_votes / all
                };
                counts.push(format!(
                    "{} of the votes present, {} required",
                    percent(held),
                    percent(p)
                ));
            }
            let joined = counts.join(if quorum_lesser { " or " } else { " and " });
            format!("inquorate{call}: {joined}")
        } else if tie && def.ties_pass.is_some() {
            format!(
                "a tie ({votes_for} for, {against} against) {} as the rules say",
                if met { "passes" } else { "fails" }
            )
        } else if def.class_share.is_some() {
            format!(
                "{} for ({} for, {} against, by class share); {needs} required",
                percent(share_for),
                percent(votes_for),
                percent(against)
            )
        } else {
            format!(
                "{} for ({votes_for} for, {against} against); {needs} required",
                percent(share_for)
            )
        };
        let refusing: Vec<String> = consents
            .iter()
            .filter(|c| !c.consents)
            .map(|c| {
                format!(
                    "{} does not consent ({} for, {} against; {} required)",
                    c.class, c.votes_for, c.votes_against, c.needs
                )
            })
            .collect();
        let mut absent_note = if represented == 0 {
            String::new()
        } else {
            format!("; {represented} of the {present} present by proxy or by post")
        };
        if !not_counted.is_empty() {
            absent_note = format!("{absent_note}; {}", not_counted.join("; "));
        }
        let consent_note = match (def.consent.is_some(), refusing.is_empty()) {
            (false, _) => String::new(),
            (true, true) => "; every class named consents".to_string(),
            (true, false) => format!("; {}", refusing.join("; ")),
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
            represented,
            consents,
            reason: reason + &consent_note + &roll_note + &absent_note,
            not_counted,
        })
    }

    /// The count within each class whose consent is needed: its own
    /// members on the roll, one member one vote, against the consent's
    /// threshold (the resolution's abstention rule applies).
    fn consents(
        &self,
        def: &ResolutionDef,
        consent: &ConsentDef,
        votes: &[Vote],
    ) -> Result<Vec<ClassConsentOutcome>> {
        let mut out = Vec::with_capacity(consent.classes.len());
        let enum_id = match self.program.member_attrs.get(consent.attr).map(|a| a.ty) {
            Some(crate::types::Type::Enum(e)) => e,
            _ => return Err(super::internal("consent by a non-class", def.span)),
        };
        for &class in &consent.classes {
            let (mut yes, mut no, mut abstain, mut members) = (0u64, 0u64, 0u64, 0u64);
            for m in 0..self.inputs.member_count() {
                if !self.may_vote(m) {
                    continue;
                }
                let Some(Some(Value::Enum(c))) = self
                    .inputs
                    .members
                    .get(consent.attr)
                    .and_then(|col| col.get(m))
                else {
                    continue;
                };
                if *c != class {
                    continue;
                }
                members += 1;
                match votes.get(m).copied().unwrap_or(Vote::Absent) {
                    Vote::For => yes += 1,
                    Vote::Against => no += 1,
                    Vote::Abstain => abstain += 1,
                    Vote::Absent => {}
                }
            }
            let (votes_for, mut against) = (Decimal::from(yes), Decimal::from(no));
            let mut present = Decimal::from(yes + no + abstain);
            if def.abstentions_against {
                against += Decimal::from(abstain);
                present = votes_for + against;
            }
            let (consents, _, needs) = measure(
                &consent.threshold,
                votes_for,
                against,
                present,
                Decimal::from(members),
            );
            out.push(ClassConsentOutcome {
                class: self
                    .program
                    .variant_name(enum_id, class)
                    .unwrap_or("?")
                    .to_string(),
                votes_for: yes,
                votes_against: if def.abstentions_against {
                    no + abstain
                } else {
                    no
                },
                abstentions: abstain,
                members,
                consents,
                needs,
            });
        }
        Ok(out)
    }
}

/// Whether the votes for meet a threshold, the share for, and what the
/// threshold needs in words: the one definition, for the whole vote and
/// for each class's consent. Compared exactly: a fraction cross-multiplied,
/// so that two thirds is exactly two thirds.
fn measure(
    threshold: &Threshold,
    votes_for: Decimal,
    against: Decimal,
    present: Decimal,
    all: Decimal,
) -> (bool, Decimal, String) {
    let cast = votes_for + against;
    let strict = threshold.strict;
    let compare = |a: Decimal, b: Decimal| if strict { a > b } else { a >= b };
    let word = if strict { "more than" } else { "at least" };
    // The total a share is taken of, its name, and the share for.
    let measured_against = |basis: VoteBasis| {
        let (base, name) = match basis {
            VoteBasis::Cast => (cast, "of votes cast"),
            VoteBasis::Present => (present, "of votes present and represented"),
            VoteBasis::Members => (all, "of all members' votes"),
        };
        let share = if base.is_zero() {
            Decimal::ZERO
        } else {
            votes_for / base
        };
        (base, name, share)
    };
    match threshold.measure {
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
            let met = match (votes_for.checked_mul(den), num.checked_mul(base)) {
                (Some(a), Some(b)) => !base.is_zero() && compare(a, b),
                _ => false,
            };
            (met, share, format!("{word} {num}/{den} {name}"))
        }
        ThresholdMeasure::Share(p, basis) => {
            let (base, name, share) = measured_against(basis);
            (
                !base.is_zero() && compare(votes_for, p * base),
                share,
                format!("{word} {} {name}", percent(p)),
            )
        }
    }
}
