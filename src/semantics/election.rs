//! The count of an election, defined once: by plurality, or by single
//! transferable vote under the rules of the Scottish Local Government
//! Elections Order 2007 (SSI 2007/42), schedule 1, rules 45 to 52.
//!
//! - **Quota** (rule 46): the valid ballot papers divided by the seats
//!   plus one, plus one, any fraction disregarded: 20 papers for 3 seats
//!   give 6.
//! - **Elected** (rules 47, 48(5)): a candidate whose votes equal or exceed
//!   the quota.
//! - **Surplus** (rule 48): every paper of an elected candidate with a
//!   surplus goes to its next continuing preference at the transfer value
//!   `surplus × value of the paper / votes of the candidate`, calculated to
//!   five decimal places, any remainder ignored. Papers with no further
//!   preference are non-transferable. The largest surplus is transferred
//!   first (rule 49).
//! - **Exclusion** (rules 50, 51): with no surplus, the continuing
//!   candidate with the fewest votes is excluded and each of their papers
//!   goes on at the value it arrived at.
//! - **Ties** (rules 49(1)(b)–(c), 50(1)(b)–(c)): decided by the votes at
//!   the most recent preceding stage at which the tied candidates had
//!   unequal votes; equal at every stage, by the rulebook's rule (`by
//!   name`, or `by lot` drawn from the step's seed), where the Order says
//!   the returning officer decides by lot.
//! - **Last vacancies** (rule 52): when as many continuing candidates are
//!   left as vacancies, they are elected; with one vacancy left, a
//!   candidate with at least the votes of all the others and any surplus
//!   not yet transferred is elected. No further transfer is made.
//!
//! - **Reserved seats** (a rulebook's `reserve N seats for m where C`):
//!   at least N of those elected meet the condition (a constituency, a
//!   class). A candidate who reaches the quota, or has the most marks, is
//!   elected only if enough seats are left for every reserve still to fill;
//!   one who cannot be is excluded ("deemed excluded", the fewest votes
//!   first, before any surplus is transferred), and their papers go on as
//!   at an exclusion. While a reserve has no more continuing candidates
//!   than the seats it still needs, none of them is excluded for having the
//!   fewest votes. Constraints of this kind are how STV counts keep
//!   minimum representation (the Church of England's and many universities'
//!   rules work so).
//!
//! Every value is a whole number of hundred-thousandths (five decimal
//! places), held as an integer, so the count is exact; the transfer value
//! is truncated by [`crate::semantics::rounding`]'s `down` mode.

use rust_decimal::Decimal;

use super::rounding::divide_i128;
use crate::syntax::ast::RoundingMode;

pub use crate::syntax::ast::{ElectionMethod as Method, ElectionTies as TieBreak};

/// Why an election cannot be counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CountError {
    /// A tie is to be broken by lot and no seed was given to draw it.
    NoSeed {
        /// The tied candidates.
        among: Vec<usize>,
    },
    /// More votes than 64-bit integers of hundred-thousandths hold.
    Overflow,
}

/// Seats reserved for the candidates who meet a condition (a
/// constituency, a class): at least `seats` of those elected are among the
/// candidates `holds` marks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reserve {
    /// The seats reserved.
    pub seats: usize,
    /// For each candidate, by index, whether they meet the condition.
    pub holds: Vec<bool>,
}

/// The reserves of an election, as its count goes on. Each candidate
/// meets one reserve at most (the engine refuses a step where one meets
/// two): the seats the reserves still need then simply add up.
struct Reserves<'a> {
    list: &'a [Reserve],
    seats: usize,
}

impl Reserves<'_> {
    fn meets(&self, r: &Reserve, c: usize) -> bool {
        r.holds.get(c).copied().unwrap_or(false)
    }

    /// The seats reserve `r` still needs, with `elected` elected.
    fn need(&self, r: &Reserve, elected: &[usize]) -> usize {
        let have = elected.iter().filter(|&&e| self.meets(r, e)).count();
        r.seats.saturating_sub(have)
    }

    /// Whether `c` can be elected now: the seats left after them cover
    /// every reserve still to fill.
    fn allows(&self, elected: &[usize], c: usize) -> bool {
        let Some(left) = self.seats.checked_sub(elected.len() + 1) else {
            return false;
        };
        let needed: usize = self
            .list
            .iter()
            .map(|r| {
                self.need(r, elected)
                    .saturating_sub(usize::from(self.meets(r, c)))
            })
            .sum();
        needed <= left
    }

    /// Whether `c` may not be excluded for having the fewest votes: a
    /// reserve they meet has no more continuing candidates than it needs.
    fn protects(&self, elected: &[usize], continuing: &[usize], c: usize) -> bool {
        self.list.iter().any(|r| {
            self.meets(r, c)
                && continuing.iter().filter(|&&x| self.meets(r, x)).count() <= self.need(r, elected)
        })
    }
}

/// What a stage of the count did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Action {
    /// The first preferences (or, by plurality, every mark) counted.
    FirstPreferences,
    /// An elected candidate's surplus transferred.
    Surplus {
        /// Whose.
        candidate: usize,
        /// The surplus transferred.
        surplus: Decimal,
        /// Each value a paper arrived at with the value it goes on at:
        /// (1, 0.5) for a first preference paper when half the votes are
        /// surplus.
        transfer_values: Vec<(Decimal, Decimal)>,
    },
    /// A candidate excluded, their papers transferred at the values they
    /// arrived at.
    Exclusion {
        /// Who.
        candidate: usize,
    },
    /// A candidate excluded because the seats left are reserved to
    /// others ("deemed excluded"), their papers transferred as at an
    /// exclusion.
    Barred {
        /// Who.
        candidate: usize,
    },
    /// The last vacancies filled without a transfer (rule 52).
    LastVacancies,
}

/// One stage of the count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    /// What it did.
    pub action: Action,
    /// Each candidate's votes at its end, in the order of the candidates.
    pub totals: Vec<Decimal>,
    /// The votes no candidate holds at its end: papers with no further
    /// preference, and the fractions a transfer value's truncation ignored.
    pub non_transferable: Decimal,
    /// Who was elected at it, in order.
    pub elected: Vec<usize>,
    /// Each tie decided at it, in words.
    pub ties: Vec<String>,
}

/// The whole count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Count {
    /// The valid ballot papers (those that mark a candidate).
    pub valid: usize,
    /// The quota, for a single transferable vote.
    pub quota: Option<Decimal>,
    /// Every stage, in order.
    pub stages: Vec<Stage>,
    /// Who is elected, in the order elected.
    pub elected: Vec<usize>,
}

/// One hundred-thousandth of a vote: the unit every value is counted in.
const ONE: i64 = 100_000;

fn decimal(units: i64) -> Decimal {
    Decimal::new(units, 5).normalize()
}

/// Counts an election of `seats` among `names` (the candidates, by
/// index), on `ballots`: each a list of candidate indices, in order of
/// preference (by plurality, the candidates marked), keeping the seats
/// `reserved` (each reserve's candidates at least as many as its seats,
/// and the reserves no more seats than there are: the caller checks).
/// `seed` draws any lot.
pub fn count(
    method: Method,
    seats: usize,
    names: &[String],
    ballots: &[Vec<usize>],
    (ties, seed): (TieBreak, Option<u64>),
    reserved: &[Reserve],
) -> Result<Count, CountError> {
    let mut lot = Lot {
        rule: ties,
        state: seed,
        names,
    };
    let reserves = Reserves {
        list: reserved,
        seats,
    };
    match method {
        Method::Plurality => plurality(seats, names.len(), ballots, &reserves, &mut lot),
        Method::SingleTransferableVote => stv(seats, names.len(), ballots, &reserves, &mut lot),
    }
}

/// Breaks a tie the count leaves: by name or by lot.
struct Lot<'a> {
    rule: TieBreak,
    /// The generator's state (splitmix64), from the seed.
    state: Option<u64>,
    names: &'a [String],
}

impl Lot<'_> {
    /// The one of `tied` (two or more) chosen: the one preferred, or with
    /// `last` the one least preferred (to be excluded); said in `notes`.
    fn choose(
        &mut self,
        tied: &[usize],
        last: bool,
        notes: &mut Vec<String>,
    ) -> Result<usize, CountError> {
        let name = |c: usize| self.names.get(c).map_or("?", String::as_str);
        let listed = tied.iter().map(|&c| name(c)).collect::<Vec<_>>().join(", ");
        let chosen = match self.rule {
            TieBreak::Name => {
                let by_name = |a: &usize, b: &usize| name(*a).cmp(name(*b));
                let chosen = if last {
                    tied.iter().copied().max_by(by_name)
                } else {
                    tied.iter().copied().min_by(by_name)
                }
                .ok_or(CountError::Overflow)?;
                let which = if last { "last" } else { "first" };
                notes.push(format!(
                    "{listed} tied: {} {which} alphabetically",
                    name(chosen)
                ));
                chosen
            }
            TieBreak::Lot => {
                let Some(state) = self.state.as_mut() else {
                    return Err(CountError::NoSeed {
                        among: tied.to_vec(),
                    });
                };
                // splitmix64: a draw the same seed always repeats.
                *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
                let mut z = *state;
                z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
                z ^= z >> 31;
                let chosen = tied[(z % tied.len() as u64) as usize];
                notes.push(format!("{listed} tied: {} drawn by lot", name(chosen)));
                chosen
            }
        };
        Ok(chosen)
    }
}

/// Orders `candidates` by `totals`, most first (or fewest first when
/// `fewest`), each tie decided by the most recent earlier stage at which
/// the tied candidates' votes differ (`history`, latest last), then by
/// `lot`.
fn order(
    candidates: &[usize],
    totals: &[i64],
    history: &[Vec<i64>],
    fewest: bool,
    lot: &mut Lot<'_>,
    notes: &mut Vec<String>,
) -> Result<Vec<usize>, CountError> {
    let mut left: Vec<usize> = candidates.to_vec();
    let mut out = Vec::with_capacity(left.len());
    while !left.is_empty() {
        let first = pick(&left, totals, history, fewest, lot, notes)?;
        left.retain(|&c| c != first);
        out.push(first);
    }
    Ok(out)
}

/// The first of `candidates` in [`order`].
fn pick(
    candidates: &[usize],
    totals: &[i64],
    history: &[Vec<i64>],
    fewest: bool,
    lot: &mut Lot<'_>,
    notes: &mut Vec<String>,
) -> Result<usize, CountError> {
    let best = |pool: &[usize], of: &[i64]| -> Vec<usize> {
        let key = |c: &usize| of.get(*c).copied().unwrap_or(0);
        let target = if fewest {
            pool.iter().map(key).min()
        } else {
            pool.iter().map(key).max()
        };
        pool.iter()
            .copied()
            .filter(|c| Some(key(c)) == target)
            .collect()
    };
    let mut tied = best(candidates, totals);
    for earlier in history.iter().rev() {
        if tied.len() < 2 {
            break;
        }
        tied = best(&tied, earlier);
    }
    match tied.as_slice() {
        [one] => Ok(*one),
        _ => lot.choose(&tied, fewest, notes),
    }
}

/// The marks of every valid ballot, by candidate; and how many ballots
/// are valid (those that mark someone).
fn marks(n: usize, ballots: &[Vec<usize>]) -> Result<(Vec<i64>, usize), CountError> {
    let mut totals = vec![0i64; n];
    let mut valid = 0;
    for ballot in ballots.iter().filter(|b| !b.is_empty()) {
        valid += 1;
        for &c in ballot {
            if let Some(t) = totals.get_mut(c) {
                *t = t.checked_add(ONE).ok_or(CountError::Overflow)?;
            }
        }
    }
    Ok((totals, valid))
}

/// Plurality: the seats are filled most marks first, passing over a
/// candidate whose election would leave a reserve short. A tie is broken
/// only where it decides who is elected (candidates tied who can all be
/// elected are, in the order they stand).
fn plurality(
    seats: usize,
    n: usize,
    ballots: &[Vec<usize>],
    reserves: &Reserves<'_>,
    lot: &mut Lot<'_>,
) -> Result<Count, CountError> {
    let (totals, valid) = marks(n, ballots)?;
    let mut elected: Vec<usize> = Vec::with_capacity(seats);
    let mut left: Vec<usize> = (0..n).collect();
    let mut ties = Vec::new();
    while elected.len() < seats {
        let open: Vec<usize> = left
            .iter()
            .copied()
            .filter(|&c| reserves.allows(&elected, c))
            .collect();
        let Some(top) = open.iter().map(|&c| totals[c]).max() else {
            break;
        };
        let tied: Vec<usize> = open.iter().copied().filter(|&c| totals[c] == top).collect();
        // Tied candidates who can all be elected together are: no lot.
        let mut together = elected.clone();
        let all = tied.iter().all(|&c| {
            let ok = reserves.allows(&together, c);
            together.push(c);
            ok
        });
        let chosen = if tied.len() == 1 || all {
            tied
        } else {
            vec![lot.choose(&tied, false, &mut ties)?]
        };
        for c in chosen {
            left.retain(|&x| x != c);
            elected.push(c);
        }
    }
    Ok(Count {
        valid,
        quota: None,
        stages: vec![Stage {
            action: Action::FirstPreferences,
            totals: totals.iter().map(|&t| decimal(t)).collect(),
            non_transferable: Decimal::ZERO,
            elected: elected.clone(),
            ties,
        }],
        elected,
    })
}

/// A ballot paper in the count: its preferences, the one it is with now,
/// and its value.
struct Paper<'a> {
    prefs: &'a [usize],
    at: usize,
    value: i64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Continuing,
    Elected,
    Excluded,
}

fn stv(
    seats: usize,
    n: usize,
    ballots: &[Vec<usize>],
    reserves: &Reserves<'_>,
    lot: &mut Lot<'_>,
) -> Result<Count, CountError> {
    let mut papers: Vec<Paper<'_>> = ballots
        .iter()
        .filter(|b| !b.is_empty())
        .map(|b| Paper {
            prefs: b,
            at: 0,
            value: ONE,
        })
        .collect();
    let valid = papers.len();
    let valid_units = i64::try_from(valid)
        .ok()
        .and_then(|v| v.checked_mul(ONE))
        .ok_or(CountError::Overflow)?;
    // Rule 46: valid papers / (seats + 1), any fraction disregarded, + 1.
    let quota = (valid / (seats + 1) + 1) as i64 * ONE;
    let mut state = vec![State::Continuing; n];
    let mut totals = vec![0i64; n];
    let mut parcels: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, p) in papers.iter().enumerate() {
        if let Some(&c) = p.prefs.first() {
            if c < n {
                totals[c] += ONE;
                parcels[c].push(i);
            }
        }
    }
    let mut history: Vec<Vec<i64>> = Vec::new();
    let mut stages = Vec::new();
    let mut elected: Vec<usize> = Vec::new();
    // Elected candidates whose surplus is still to be transferred.
    let mut pending: Vec<usize> = Vec::new();
    let mut notes = Vec::new();
    let mut action = Action::FirstPreferences;
    loop {
        // Rules 47 and 48(5): a continuing candidate at or above the quota
        // is elected, the most votes first.
        let reaching: Vec<usize> = (0..n)
            .filter(|&c| state[c] == State::Continuing && totals[c] >= quota)
            .collect();
        let mut now = Vec::new();
        for c in order(&reaching, &totals, &history, false, lot, &mut notes)? {
            // A candidate a reserve leaves no seat for stays continuing,
            // to be deemed excluded below.
            if elected.len() < seats && reserves.allows(&elected, c) {
                state[c] = State::Elected;
                elected.push(c);
                pending.push(c);
                now.push(c);
            }
        }
        let held: i64 = totals.iter().sum();
        stages.push(Stage {
            action: action.clone(),
            totals: totals.iter().map(|&t| decimal(t)).collect(),
            non_transferable: decimal(valid_units - held),
            elected: now,
            ties: std::mem::take(&mut notes),
        });
        history.push(totals.clone());
        if elected.len() >= seats {
            break;
        }
        let continuing: Vec<usize> = (0..n).filter(|&c| state[c] == State::Continuing).collect();
        // Reserved seats: a continuing candidate who can no longer be
        // elected is excluded first, the fewest votes first.
        let barred: Vec<usize> = continuing
            .iter()
            .copied()
            .filter(|&c| !reserves.allows(&elected, c))
            .collect();
        if !barred.is_empty() {
            let out = pick(&barred, &totals, &history, true, lot, &mut notes)?;
            exclude(out, &mut state, &mut papers, &mut totals, &mut parcels);
            action = Action::Barred { candidate: out };
            continue;
        }
        let vacancies = seats - elected.len();
        let surplus_left: i64 = pending.iter().map(|&c| totals[c] - quota).sum();
        // Rule 52(1): as many continuing candidates as vacancies.
        let last = if continuing.len() <= vacancies {
            Some(continuing.clone())
        } else if vacancies == 1 {
            // Rule 52(2): one vacancy, and a candidate with at least the
            // votes of all the others and the surpluses not transferred.
            // Two may qualify only when tied: the tie is broken as any.
            let all: i64 = continuing.iter().map(|&c| totals[c]).sum();
            let qualify: Vec<usize> = continuing
                .iter()
                .copied()
                .filter(|&c| totals[c] >= all - totals[c] + surplus_left)
                .collect();
            if qualify.is_empty() {
                None
            } else {
                Some(vec![pick(
                    &qualify, &totals, &history, false, lot, &mut notes,
                )?])
            }
        } else {
            None
        };
        if let Some(last) = last {
            let mut now = Vec::new();
            for c in order(&last, &totals, &history, false, lot, &mut notes)? {
                state[c] = State::Elected;
                elected.push(c);
                now.push(c);
            }
            stages.push(Stage {
                action: Action::LastVacancies,
                totals: totals.iter().map(|&t| decimal(t)).collect(),
                non_transferable: decimal(valid_units - held),
                elected: now,
                ties: std::mem::take(&mut notes),
            });
            break;
        }
        // Rule 49: the largest surplus first.
        pending.retain(|&c| totals[c] > quota);
        let surpluses: Vec<i64> = (0..n)
            .map(|c| {
                if pending.contains(&c) {
                    totals[c] - quota
                } else {
                    0
                }
            })
            .collect();
        if !pending.is_empty() {
            let history_of_surplus: Vec<Vec<i64>> = history[..history.len() - 1].to_vec();
            let from = pick(
                &pending,
                &surpluses,
                &history_of_surplus,
                false,
                lot,
                &mut notes,
            )?;
            pending.retain(|&c| c != from);
            let surplus = surpluses[from];
            let total = totals[from];
            let mut values: Vec<(i64, i64)> = Vec::new();
            for i in std::mem::take(&mut parcels[from]) {
                let received = papers[i].value;
                // Rule 48(3): surplus × value / total, to five places,
                // any remainder ignored.
                let value = i64::try_from(divide_i128(
                    i128::from(surplus) * i128::from(received),
                    i128::from(total),
                    RoundingMode::Down,
                ))
                .map_err(|_| CountError::Overflow)?;
                if !values.iter().any(|&(r, _)| r == received) {
                    values.push((received, value));
                }
                move_on(&mut papers[i], i, value, &state, &mut totals, &mut parcels);
            }
            totals[from] = quota;
            values.sort_by_key(|v| std::cmp::Reverse(v.0));
            action = Action::Surplus {
                candidate: from,
                surplus: decimal(surplus),
                transfer_values: values
                    .into_iter()
                    .map(|(r, v)| (decimal(r), decimal(v)))
                    .collect(),
            };
            continue;
        }
        // Rule 50: no surplus; the fewest votes are excluded (but not the
        // last candidates a reserved seat still needs).
        let open: Vec<usize> = continuing
            .iter()
            .copied()
            .filter(|&c| !reserves.protects(&elected, &continuing, c))
            .collect();
        let pool = if open.is_empty() { &continuing } else { &open };
        let out = pick(pool, &totals, &history, true, lot, &mut notes)?;
        exclude(out, &mut state, &mut papers, &mut totals, &mut parcels);
        action = Action::Exclusion { candidate: out };
    }
    Ok(Count {
        valid,
        quota: Some(decimal(quota)),
        stages,
        elected,
    })
}

/// Excludes `out`: each of their papers goes on at the value it arrived
/// at (rule 51).
fn exclude(
    out: usize,
    state: &mut [State],
    papers: &mut [Paper<'_>],
    totals: &mut [i64],
    parcels: &mut [Vec<usize>],
) {
    state[out] = State::Excluded;
    for i in std::mem::take(&mut parcels[out]) {
        let value = papers[i].value;
        move_on(&mut papers[i], i, value, state, totals, parcels);
    }
    totals[out] = 0;
}

/// Moves paper `i` to its next continuing preference at `value`, or sets
/// it aside as non-transferable when it has none.
fn move_on(
    paper: &mut Paper<'_>,
    i: usize,
    value: i64,
    state: &[State],
    totals: &mut [i64],
    parcels: &mut [Vec<usize>],
) {
    let next = paper
        .prefs
        .iter()
        .enumerate()
        .skip(paper.at + 1)
        .find(|&(_, &c)| state.get(c) == Some(&State::Continuing));
    paper.value = value;
    if let Some((at, &c)) = next {
        paper.at = at;
        totals[c] += value;
        parcels[c].push(i);
    } else {
        paper.at = paper.prefs.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn quota_is_the_droop_quota_of_rule_46() {
        // 20 papers, 3 seats: 20 / 4 = 5, + 1 = 6. 21 papers: 5.25 → 5, + 1.
        for (papers, quota) in [(20, "6"), (21, "6"), (23, "6"), (24, "7")] {
            let ballots = vec![vec![0]; papers];
            let c = count(
                Method::SingleTransferableVote,
                3,
                &names(&["a", "b", "c", "d"]),
                &ballots,
                (TieBreak::Name, None),
                &[],
            )
            .unwrap();
            assert_eq!(c.quota, Some(d(quota)), "{papers} papers");
        }
    }

    #[test]
    fn a_tie_is_decided_by_the_most_recent_stage_at_which_the_votes_differed() {
        // 15 papers, 2 seats, quota 15 / 3 + 1 = 6. Stage 1: a 5, z 3, b 2,
        // c 1, y 4. Stage 2: c excluded, its paper (c > b) to b: 3, tied
        // with z. Stage 3: z and b tied at 3; at stage 1 z had 3 and b 2
        // (rule 50): b is excluded, where alphabetically z would be. Its
        // papers have no further preference. Stage 4: z (3) excluded.
        // Stage 5: a and y, two left for two seats (rule 52(1)).
        let mut ballots = vec![vec![0]; 5];
        ballots.extend(vec![vec![1]; 3]);
        ballots.extend(vec![vec![2]; 2]);
        ballots.push(vec![3, 2]);
        ballots.extend(vec![vec![4]; 4]);
        let c = count(
            Method::SingleTransferableVote,
            2,
            &names(&["a", "z", "b", "c", "y"]),
            &ballots,
            (TieBreak::Name, None),
            &[],
        )
        .unwrap();
        assert_eq!(c.stages[1].action, Action::Exclusion { candidate: 3 });
        assert_eq!(c.stages[1].totals, [d("5"), d("3"), d("3"), d("0"), d("4")]);
        assert_eq!(c.stages[2].action, Action::Exclusion { candidate: 2 });
        assert_eq!(c.stages[2].non_transferable, d("3"));
        assert_eq!(c.stages[3].action, Action::Exclusion { candidate: 1 });
        assert_eq!(c.stages[4].action, Action::LastVacancies);
        assert_eq!(c.elected, [0, 4]);
        assert!(c.stages.iter().all(|s| s.ties.is_empty()));
    }

    #[test]
    fn one_vacancy_goes_to_a_candidate_with_the_votes_of_all_the_others() {
        // 10 papers, 2 seats, quota 10 / 3 + 1 = 4. Stage 1: a 5 (elected,
        // surplus 1), z 3, b 2. One seat left: z 3 >= b 2 + a's surplus 1
        // not yet transferred (rule 52(2)): z elected without a transfer.
        let mut ballots = vec![vec![0, 2]; 5];
        ballots.extend(vec![vec![1]; 3]);
        ballots.extend(vec![vec![2]; 2]);
        let c = count(
            Method::SingleTransferableVote,
            2,
            &names(&["a", "z", "b"]),
            &ballots,
            (TieBreak::Name, None),
            &[],
        )
        .unwrap();
        assert_eq!(c.stages.len(), 2);
        assert_eq!(c.stages[1].action, Action::LastVacancies);
        assert_eq!(c.stages[1].totals, [d("5"), d("3"), d("2")]);
        assert_eq!(c.elected, [0, 1]);
    }

    #[test]
    fn a_tie_for_exclusion_at_every_stage_excludes_the_last_name() {
        // 3 papers, 2 seats, quota 3 / 3 + 1 = 2: a 1, b 1, c 1, nobody
        // elected; equal at every stage, c (last alphabetically) is
        // excluded, its paper (c > a) gives a 2: elected; b the last seat.
        let ballots = vec![vec![0], vec![1], vec![2, 0]];
        let c = count(
            Method::SingleTransferableVote,
            2,
            &names(&["a", "b", "c"]),
            &ballots,
            (TieBreak::Name, None),
            &[],
        )
        .unwrap();
        assert_eq!(c.stages[1].action, Action::Exclusion { candidate: 2 });
        assert_eq!(c.stages[1].ties, ["a, b, c tied: c last alphabetically"]);
        assert_eq!(c.elected, [0, 1]);
    }

    #[test]
    fn a_reserved_seat_passes_over_a_candidate_at_the_quota() {
        // 11 papers, 2 seats, one reserved for s: quota 11 / 3 + 1 = 4.
        // Stage 1: a 5, b 4, s 2. a is elected (the most votes); b reaches
        // the quota too, but electing b would leave no seat for the
        // reserve, so b stays continuing. Stage 2: b, who can no longer be
        // elected, is excluded first (before a's surplus); b's papers
        // (b > a) have no continuing preference: 4 non-transferable.
        // Stage 3: s, the one continuing candidate, fills the last seat.
        let mut ballots = vec![vec![0, 1]; 5];
        ballots.extend(vec![vec![1, 0]; 4]);
        ballots.extend(vec![vec![2]; 2]);
        let reserve = Reserve {
            seats: 1,
            holds: vec![false, false, true],
        };
        let c = count(
            Method::SingleTransferableVote,
            2,
            &names(&["a", "b", "s"]),
            &ballots,
            (TieBreak::Name, None),
            std::slice::from_ref(&reserve),
        )
        .unwrap();
        assert_eq!(c.stages[0].elected, [0]);
        assert_eq!(c.stages[1].action, Action::Barred { candidate: 1 });
        assert_eq!(c.stages[1].totals, [d("5"), d("0"), d("2")]);
        assert_eq!(c.stages[1].non_transferable, d("4"));
        assert_eq!(c.stages[2].action, Action::LastVacancies);
        assert_eq!(c.elected, [0, 2]);
        // Without the reserve, a and b.
        let plain = count(
            Method::SingleTransferableVote,
            2,
            &names(&["a", "b", "s"]),
            &ballots,
            (TieBreak::Name, None),
            &[],
        )
        .unwrap();
        assert_eq!(plain.elected, [0, 1]);
    }

    #[test]
    fn the_last_candidates_a_reserve_needs_are_not_excluded() {
        // 12 papers, 3 seats, one reserved for s or t: quota 12 / 4 + 1 =
        // 4. Stage 1: a 4 (elected, no surplus), b 3, c 3, s 1, t 1. Stage
        // 2: s and t tie for the fewest, equal at every stage: t, last
        // alphabetically, is excluded; its paper (t > s) gives s 2. Stage
        // 3: s, with the fewest, is the last candidate the reserve needs
        // and is kept; b and c tie at 3 (and at stage 1): c is excluded.
        // Stage 4: b and s, two left for two seats. Without the reserve, s
        // would go at stage 3 and c would be elected.
        let mut ballots = vec![vec![0]; 4];
        ballots.extend(vec![vec![1]; 3]);
        ballots.extend(vec![vec![2]; 3]);
        ballots.push(vec![3]);
        ballots.push(vec![4, 3]);
        let reserve = Reserve {
            seats: 1,
            holds: vec![false, false, false, true, true],
        };
        let run = |reserved: &[Reserve]| {
            count(
                Method::SingleTransferableVote,
                3,
                &names(&["a", "b", "c", "s", "t"]),
                &ballots,
                (TieBreak::Name, None),
                reserved,
            )
            .unwrap()
        };
        let c = run(std::slice::from_ref(&reserve));
        assert_eq!(c.stages[1].action, Action::Exclusion { candidate: 4 });
        assert_eq!(c.stages[1].totals, [d("4"), d("3"), d("3"), d("2"), d("0")]);
        assert_eq!(c.stages[2].action, Action::Exclusion { candidate: 2 });
        assert_eq!(c.stages[3].action, Action::LastVacancies);
        assert_eq!(c.elected, [0, 1, 3]);
        assert_eq!(run(&[]).elected, [0, 1, 2]);
    }

    #[test]
    fn plurality_fills_a_reserved_seat_after_the_open_ones() {
        // 3 seats, one reserved for s1 or s2: p1 5 marks, p2 4, p3 3, s1
        // 2, s2 1. p1 and p2 are elected; p3 would leave the reserve
        // short, so the third seat goes to s1.
        let mut ballots = vec![vec![0]; 5];
        ballots.extend(vec![vec![1]; 4]);
        ballots.extend(vec![vec![2]; 3]);
        ballots.extend(vec![vec![3]; 2]);
        ballots.push(vec![4]);
        let reserve = Reserve {
            seats: 1,
            holds: vec![false, false, false, true, true],
        };
        let c = count(
            Method::Plurality,
            3,
            &names(&["p1", "p2", "p3", "s1", "s2"]),
            &ballots,
            (TieBreak::Name, None),
            std::slice::from_ref(&reserve),
        )
        .unwrap();
        assert_eq!(c.elected, [0, 1, 3]);
        assert!(c.stages[0].ties.is_empty());
    }

    #[test]
    fn a_lot_needs_a_seed_and_repeats_with_it() {
        let ballots = vec![vec![0], vec![1]];
        let n = names(&["a", "b"]);
        let err = count(
            Method::Plurality,
            1,
            &n,
            &ballots,
            (TieBreak::Lot, None),
            &[],
        );
        assert_eq!(err, Err(CountError::NoSeed { among: vec![0, 1] }));
        let one = count(
            Method::Plurality,
            1,
            &n,
            &ballots,
            (TieBreak::Lot, Some(7)),
            &[],
        )
        .unwrap();
        let again = count(
            Method::Plurality,
            1,
            &n,
            &ballots,
            (TieBreak::Lot, Some(7)),
            &[],
        )
        .unwrap();
        assert_eq!(one.elected, again.elected);
        assert_eq!(one.stages[0].ties.len(), 1);
    }
}
