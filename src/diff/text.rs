//! The comparison written for people: the changes to the text, then who
//! gains and who loses.

use std::fmt::Write;

use rust_decimal::Decimal;

use super::RulebookDiff;
use super::impact::{Effect, MemberImpact, Side, SimulationImpact, ValueChange};
use super::structure::ChangeKind;
use crate::simulate::StepStatus;

/// Longer parts are summarised rather than printed in full.
const MAX_SHOWN_LINES: usize = 8;

/// Members who change alike are named up to this many, then counted.
const MAX_NAMED: usize = 10;

fn status(s: StepStatus) -> &'static str {
    match s {
        StepStatus::Done => "done",
        StepStatus::Refused => "refused",
        StepStatus::Failed => "failed",
    }
}

fn shown(v: Option<&crate::value::ValueView>) -> String {
    v.map(|v| v.display.clone())
        .unwrap_or_else(|| "-".to_string())
}

fn indented(out: &mut String, mark: &str, text: &str) {
    let lines: Vec<&str> = text.lines().collect();
    for line in lines.iter().take(MAX_SHOWN_LINES) {
        let _ = writeln!(out, "      {mark} {}", line.trim_end());
    }
    if lines.len() > MAX_SHOWN_LINES {
        let _ = writeln!(
            out,
            "      {mark} ... ({} more lines)",
            lines.len() - MAX_SHOWN_LINES
        );
    }
}

fn value_line(out: &mut String, c: &ValueChange) {
    let diff = c
        .difference
        .as_ref()
        .map(|d| format!("  ({})", d.display))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "    {}: {} -> {}{diff}",
        c.name,
        shown(c.old.as_ref()),
        shown(c.new.as_ref())
    );
}

pub(super) fn render(d: &RulebookDiff) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "old: {} ({})", d.old.rulebook, d.old.label());
    let _ = writeln!(out, "new: {} ({})", d.new.rulebook, d.new.label());

    let _ = writeln!(out, "\nChanges to the rules");
    if d.changes.is_empty() {
        let _ = writeln!(
            out,
            "  none: the rules are the same (layout and comments aside)"
        );
    }
    for c in &d.changes {
        let sign = match c.change {
            ChangeKind::Added => "+",
            ChangeKind::Removed => "-",
            ChangeKind::Changed => "~",
        };
        let place = match (&c.article, c.kind.as_str()) {
            (Some(a), kind) if kind != "article" => format!(" (article {a})"),
            _ => String::new(),
        };
        let parts = if c.parts.is_empty() {
            String::new()
        } else {
            format!(": {}", c.parts.join(", "))
        };
        let _ = writeln!(out, "  {sign} {} {}{place}{parts}", c.kind, c.name);
        match (c.kind.as_str(), &c.old, &c.new) {
            ("parameter", Some(o), Some(n)) => {
                let _ = writeln!(out, "      {o}  ->  {n}");
            }
            ("header" | "article", _, _) => {}
            (_, o, n) => {
                if let Some(o) = o {
                    indented(&mut out, "-", o);
                }
                if let Some(n) = n {
                    indented(&mut out, "+", n);
                }
            }
        }
    }

    if !d.wording.is_empty() {
        let _ = writeln!(
            out,
            "\nChanges to the wording, as a member reads it ([-old-]{{+new+}})"
        );
        for w in &d.wording {
            let _ = writeln!(out, "  article {} \"{}\"", w.article, w.title);
            for line in super::wording::marked(&w.words).lines() {
                let _ = writeln!(out, "      {}", line.trim_end());
            }
        }
    }

    if !d.examples.is_empty() {
        let _ = writeln!(out, "\nExamples whose results change");
        for e in &d.examples {
            let verdict = |p: bool| if p { "passes" } else { "fails" };
            let _ = writeln!(
                out,
                "  \"{}\": {} -> {}",
                e.name,
                verdict(e.old_passed),
                verdict(e.new_passed)
            );
            for v in &e.values {
                let diff = v
                    .difference
                    .as_ref()
                    .map(|d| format!("  ({})", d.display))
                    .unwrap_or_default();
                let side = |value: Option<&crate::value::ValueView>, error: &Option<String>| match (
                    value, error,
                ) {
                    (None, Some(e)) => format!("error ({e})"),
                    _ => shown(value),
                };
                let _ = writeln!(
                    out,
                    "    {}: {} -> {}{diff}",
                    v.expect,
                    side(v.old.as_ref(), &v.old_error),
                    side(v.new.as_ref(), &v.new_error)
                );
            }
        }
    }

    if let Some(sim) = &d.simulation {
        let _ = writeln!(out, "\nImpact on the scenario \"{}\"", sim.scenario);
        if !sim.admissions.is_empty() {
            let _ = writeln!(out, "\n  Admissions that change");
            for a in &sim.admissions {
                let what = match (a.old_member, a.new_member) {
                    (true, false) => "no longer admitted",
                    (false, true) => "now admitted",
                    _ => "admitted on another date",
                };
                // A refusal's reasons are the new rules' for someone no
                // longer admitted, and the old rules' for someone now
                // admitted: said as what was.
                let why = match (a.reasons.is_empty(), a.old_member, a.new_member) {
                    (true, _, _) => String::new(),
                    (false, false, true) => format!(" (was refused: {})", a.reasons.join("; ")),
                    (false, _, _) => format!(": {}", a.reasons.join("; ")),
                };
                let _ = writeln!(out, "    {}: {what}{why}", a.member);
            }
        }
        if !sim.steps.is_empty() {
            let _ = writeln!(out, "\n  Acts whose outcome changes");
            for s in &sim.steps {
                let _ = writeln!(
                    out,
                    "    step {} {} {}: {} -> {}",
                    s.step,
                    s.date,
                    s.what,
                    status(s.old),
                    status(s.new)
                );
                if s.new == StepStatus::Refused && s.new_reasons != s.old_reasons {
                    for reason in &s.new_reasons {
                        let _ = writeln!(out, "      {reason}");
                    }
                }
            }
        }
        if !sim.resolutions.is_empty() {
            let _ = writeln!(out, "\n  Votes whose outcome changes");
            for r in &sim.resolutions {
                let verdict = |p: bool| if p { "passed" } else { "failed" };
                let _ = writeln!(
                    out,
                    "    step {} {}: {} -> {} ({})",
                    r.step,
                    r.title.as_deref().unwrap_or("motion"),
                    verdict(r.old_passed),
                    verdict(r.new_passed),
                    r.new_reason
                );
            }
        }
        if !sim.tranches.is_empty() || !sim.funds.is_empty() {
            let _ = writeln!(out, "\n  The cooperative");
            for t in &sim.tranches {
                let diff = t
                    .difference
                    .as_ref()
                    .map(|d| format!("  ({})", d.display))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "    period {} {}: {} -> {}{diff}",
                    t.period,
                    t.label,
                    shown(t.old.as_ref()),
                    shown(t.new.as_ref())
                );
            }
            for f in &sim.funds {
                fund_line(&mut out, f);
            }
        }
        members(&mut out, sim);
        parameters_alone(&mut out, sim);
        let t = &sim.totals;
        let _ = writeln!(out, "\n  {} people: {}", t.members, counts(t));
        if let Some(g) = &t.largest_gain {
            let _ = writeln!(out, "  largest gain: {} {}", g.member, g.amount.display);
        }
        if let Some(l) = &t.largest_loss {
            let _ = writeln!(out, "  largest loss: {} {}", l.member, l.amount.display);
        }
    }
    for note in &d.notes {
        let _ = writeln!(out, "\nnote: {note}");
    }
    out
}

/// "0 gain, 28 lose, 1 unchanged; 0 admissions change".
fn counts(t: &super::Totals) -> String {
    format!(
        "{} gain, {} lose, {} unchanged; {} admissions change",
        t.gain, t.lose, t.unchanged, t.admissions_changed
    )
}

/// A balance with its side: `£150.00 Dr`, `£3.40 Cr` (credit-positive in).
fn on_its_side(v: Option<&crate::value::ValueView>) -> String {
    match v {
        None => "-".to_string(),
        Some(v) => match v.display.strip_prefix('-') {
            Some(debit) => format!("{debit} Dr"),
            None => format!("{} Cr", v.display),
        },
    }
}

/// One of the cooperative's accounts: each balance on its side, and the
/// difference signed as the account's nature reads it, so that cash that
/// rose reads as a rise: `cash: £150.00 Dr -> £164.00 Dr  (+£14.00 Dr)`.
fn fund_line(out: &mut String, f: &ValueChange) {
    let side = f.side.unwrap_or(Side::Credit);
    let diff = f
        .difference
        .as_ref()
        .map(|d| {
            let shown = match side {
                Side::Credit => d.display.clone(),
                // A debit balance grows as the credit-positive figure falls.
                Side::Debit => match d.display.strip_prefix('-') {
                    Some(rise) => format!("+{rise}"),
                    None => format!("-{}", d.display.trim_start_matches('+')),
                },
            };
            format!("  ({shown} {})", side.abbreviation())
        })
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "    account {}: {} -> {}{diff}",
        f.name,
        on_its_side(f.old.as_ref()),
        on_its_side(f.new.as_ref())
    );
}

/// Whether an amount shown with its sign is other than zero.
fn nonzero(v: Option<&crate::value::ValueView>) -> bool {
    v.and_then(|v| v.value.parse::<Decimal>().ok())
        .is_some_and(|d| !d.is_zero())
}

/// What the rules gave a person and what they paid in: ": gains £0.62 from
/// the rules; own payments +£4.00".
fn effect_phrase(m: &MemberImpact) -> String {
    let mut parts = Vec::new();
    let given = m.given.as_ref().map(|g| g.display.as_str()).unwrap_or("");
    match m.effect {
        Effect::Gains => parts.push(format!("gains {}", given.trim_start_matches('+'))),
        Effect::Loses => parts.push(format!("loses {}", given.trim_start_matches('-'))),
        Effect::Unchanged => {}
    }
    if nonzero(m.paid_in.as_ref()) {
        if let Some(p) = &m.paid_in {
            if parts.is_empty() {
                parts.push(format!(
                    "the rules give the same; own payments {}",
                    p.display
                ));
            } else {
                parts[0].push_str(" from the rules");
                parts.push(format!("own payments {}", p.display));
            }
        }
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(": {}", parts.join("; "))
    }
}

/// Every person whose figures change; people whose figures change alike
/// (the same figures from the same values to the same values) are shown
/// once, as a group, in the order the first of them comes.
fn members(out: &mut String, sim: &SimulationImpact) {
    let groups = sim.alike();
    if groups.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n  Members");
    for group in &groups {
        let first = group[0];
        if group.len() == 1 {
            let _ = writeln!(out, "  {}{}", first.name, effect_phrase(first));
        } else {
            let names: Vec<&str> = group
                .iter()
                .take(MAX_NAMED)
                .map(|m| m.name.as_str())
                .collect();
            let more = if group.len() > MAX_NAMED {
                format!(" and {} more", group.len() - MAX_NAMED)
            } else {
                String::new()
            };
            let phrase = effect_phrase(first);
            let each = match phrase.strip_prefix(": ") {
                Some(p) => format!(", each: {p}"),
                None => String::new(),
            };
            let _ = writeln!(
                out,
                "  {} members ({}{more}){each}",
                group.len(),
                names.join(", ")
            );
        }
        for c in &first.changes {
            value_line(out, c);
        }
    }
}

/// Each parameter's change on its own, then the combined impact's counts.
fn parameters_alone(out: &mut String, sim: &SimulationImpact) {
    if sim.parameters_alone.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n  Each parameter's change on its own (the old rules with only that value changed; the separate impacts need not add up to the combined one)"
    );
    for p in &sim.parameters_alone {
        let t = &p.totals;
        let mut line = format!(
            "    {} {} -> {}: {}",
            p.parameter,
            p.old.display,
            p.new.display,
            counts(t)
        );
        if let Some(g) = &t.largest_gain {
            line.push_str(&format!("; largest gain {} {}", g.member, g.amount.display));
        }
        if let Some(l) = &t.largest_loss {
            line.push_str(&format!("; largest loss {} {}", l.member, l.amount.display));
        }
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out, "    all the changes together: {}", counts(&sim.totals));
}
