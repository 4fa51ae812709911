//! Repeated steps: `every week from 2026-04-06 to 2027-03-29 { ... }`
//! expanded into the dated steps they stand for.
//!
//! A block runs its steps on each occurrence of its unit of time: on the
//! occurrence's first day, or with `on the last day` its last. A nested
//! block repeats within each occurrence of the one around it. The dates
//! come from `semantics::time::occurrences` (each from the start, never
//! chained; a month from a month's last day keeps to months' last days).
//! What is expanded is the written step itself: the caller lowers each
//! once and dates a copy for every occurrence, so the engine, the
//! streaming writer and every other consumer see ordinary steps.

use time::Date;

use crate::diagnostic::{Code, Diagnostic};
use crate::semantics::time::{advance, occurrences};
use crate::span::Span;
use crate::syntax::ast::{self, format_date};
use crate::units::TimeUnit;

/// The most steps a scenario's repetitions may expand to: a simulation of
/// a million steps is already a large one.
pub const MAX_REPEATED_STEPS: usize = 1_000_000;

/// A written step inside an `every` block, with every date it runs on.
pub struct Repeated<'s> {
    /// The step as written.
    pub kind: &'s ast::StepKind,
    /// Where it is written.
    pub span: Span,
    /// The dates of its occurrences, in order.
    pub dates: Vec<Date>,
}

/// Expands a scenario's top-level `every` block into its steps, each with
/// its dates. Problems go to `errors`, and a block with one gives nothing.
/// `budget` is what remains of [`MAX_REPEATED_STEPS`].
pub fn expand<'s>(
    every: &'s ast::Every,
    budget: &mut usize,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Repeated<'s>> {
    let mut out = Vec::new();
    let before = errors.len();
    let unit = unit_of(&every.unit, false, errors);
    nested_blocks_are_well_formed(every, errors);
    let Some(during) = &every.during else {
        errors.push(
            Diagnostic::error(
                Code::BadRepetition,
                format!("`every {}` does not say when it runs", every.unit.name),
            )
            .at(every.unit.span, "from when, until when?")
            .help(format!(
                "give it dates: `every {0} from 2026-04-06 to 2027-03-29 {{ ... }}`, or `every {0} from 2026-04-06 for 12 {0}s {{ ... }}`",
                every.unit.name
            )),
        );
        return out;
    };
    let to = last_start(during, errors);
    let (Some(unit), Some(to)) = (unit, to) else {
        return out;
    };
    if errors.len() > before {
        return out;
    }
    if to < during.from {
        errors.push(
            Diagnostic::error(
                Code::BadRepetition,
                format!(
                    "`every {} from {} to {}` has no occurrence",
                    unit,
                    format_date(during.from),
                    format_date(to)
                ),
            )
            .at(during.span, "ends before it starts")
            .help("the end date comes after the start; or count the occurrences, as in `for 52 weeks`"),
        );
        return out;
    }
    if !block(every, unit, during.from, to, budget, &mut out) {
        errors.push(
            Diagnostic::error(Code::BadRepetition, "the repetition makes more steps than a scenario may hold")
                .at(every.span, "too many occurrences")
                .help(format!(
                    "a scenario's repetitions may make at most {MAX_REPEATED_STEPS} steps; repeat less often or over fewer dates"
                )),
        );
        out.clear();
    }
    out
}

/// Blocks inside a block name a unit of time and take no dates of their
/// own (they run within each occurrence of the block around them).
fn nested_blocks_are_well_formed(every: &ast::Every, errors: &mut Vec<Diagnostic>) {
    for item in &every.items {
        let ast::EveryItem::Every(inner) = item else {
            continue;
        };
        unit_of(&inner.unit, false, errors);
        if let Some(during) = &inner.during {
            errors.push(
                Diagnostic::error(
                    Code::BadRepetition,
                    "a nested repetition takes its dates from the block around it",
                )
                .at(during.span, "dates of its own")
                .related(every.unit.span, "repeats within each of these")
                .help(format!(
                    "leave out the dates: `every {} {{ ... }}` runs within each {}",
                    inner.unit.name, every.unit.name
                )),
            );
        }
        nested_blocks_are_well_formed(inner, errors);
    }
}

/// The date of the last occurrence's start at the latest: `to DATE`, or
/// the day before `for N units` have passed.
fn last_start(during: &ast::EverySpan, errors: &mut Vec<Diagnostic>) -> Option<Date> {
    match &during.until {
        ast::EveryUntil::To(date) => Some(*date),
        ast::EveryUntil::For { count, unit } => {
            let time_unit = unit_of(unit, true, errors)?;
            if *count == 0 {
                errors.push(
                    Diagnostic::error(
                        Code::BadRepetition,
                        "a repetition for no time has no occurrence",
                    )
                    .at(during.span, "for 0")
                    .help("repeat for at least one unit of time, or leave the block out"),
                );
                return None;
            }
            let end =
                advance(during.from, time_unit, i64::from(*count)).and_then(Date::previous_day);
            if end.is_none() {
                errors.push(
                    Diagnostic::error(
                        Code::BadRepetition,
                        "the repetition runs outside the calendar Rochdale counts",
                    )
                    .at(during.span, "too far")
                    .help("repeat over fewer or nearer dates"),
                );
            }
            end
        }
    }
}

/// The unit of time a block names: singular after `every`, either after
/// `for N`.
fn unit_of(
    name: &ast::Ident,
    plural_allowed: bool,
    errors: &mut Vec<Diagnostic>,
) -> Option<TimeUnit> {
    let unit = TimeUnit::of_name(&name.name).filter(|u| plural_allowed || u.name() == name.name);
    if unit.is_none() {
        let mut d = Diagnostic::error(
            Code::BadRepetition,
            format!(
                "`{}` is not a unit of time a repetition can count",
                name.name
            ),
        )
        .at(name.span, "not a unit of time");
        d = match TimeUnit::of_name(&name.name) {
            Some(u) => d.help(format!("write it in the singular: `every {u}`")),
            None => d.help("repeat every day, week, month, quarter or year"),
        };
        errors.push(d);
    }
    unit
}

/// One block over the occurrences of `unit` starting from `from` to `to`:
/// false if they would make more steps than `budget` allows. The block
/// has been checked (units known, nested blocks without dates).
fn block<'s>(
    every: &'s ast::Every,
    unit: TimeUnit,
    from: Date,
    to: Date,
    budget: &mut usize,
    out: &mut Vec<Repeated<'s>>,
) -> bool {
    let Some(spans) = occurrences(unit, from, to, budget.saturating_add(1)) else {
        return false;
    };
    for item in &every.items {
        match item {
            ast::EveryItem::Step {
                last_day,
                kind,
                span,
            } => {
                let Some(left) = budget.checked_sub(spans.len()) else {
                    return false;
                };
                *budget = left;
                let dates = spans
                    .iter()
                    .map(|(start, last)| if *last_day { *last } else { *start })
                    .collect();
                out.push(Repeated {
                    kind,
                    span: *span,
                    dates,
                });
            }
            ast::EveryItem::Every(inner) => {
                let Some(inner_unit) = TimeUnit::of_name(&inner.unit.name) else {
                    continue;
                };
                // Each inner step gathers its dates over every outer
                // occurrence, in order, as one entry.
                let first = out.len();
                for (n, (start, last)) in spans.iter().enumerate() {
                    let mut once = Vec::new();
                    if !block(inner, inner_unit, *start, *last, budget, &mut once) {
                        return false;
                    }
                    if n == 0 {
                        out.extend(once);
                    } else {
                        for (all, more) in out[first..].iter_mut().zip(once) {
                            all.dates.extend(more.dates);
                        }
                    }
                }
            }
        }
    }
    true
}
