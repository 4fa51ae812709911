//! The comparison written for people: the changes to the text, then who
//! gains and who loses.

use std::fmt::Write;

use super::RulebookDiff;
use super::impact::{Effect, ValueChange};
use super::structure::ChangeKind;
use crate::simulate::StepStatus;

/// Longer parts are summarised rather than printed in full.
const MAX_SHOWN_LINES: usize = 8;

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
                let why = if a.reasons.is_empty() {
                    String::new()
                } else {
                    format!(": {}", a.reasons.join("; "))
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
                let mut line = String::new();
                value_line(&mut line, f);
                let _ = write!(out, "    account {}", line.trim_start());
            }
        }
        let changed: Vec<_> = sim
            .members
            .iter()
            .filter(|m| !m.changes.is_empty())
            .collect();
        if !changed.is_empty() {
            let _ = writeln!(out, "\n  Members");
            for m in changed {
                let net = match (&m.net, m.effect) {
                    (Some(n), Effect::Gains) => {
                        format!(": gains {}", n.display.trim_start_matches('+'))
                    }
                    (Some(n), Effect::Loses) => {
                        format!(": loses {}", n.display.trim_start_matches('-'))
                    }
                    _ => String::new(),
                };
                let _ = writeln!(out, "  {}{net}", m.name);
                for c in &m.changes {
                    value_line(&mut out, c);
                }
            }
        }
        let t = &sim.totals;
        let _ = writeln!(
            out,
            "\n  {} people: {} gain, {} lose, {} unchanged; {} admissions change",
            t.members, t.gain, t.lose, t.unchanged, t.admissions_changed
        );
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
