//! The figures in wording: every `{name}` in a `text` or a `because` names
//! a parameter, and a figure the rules hold is not written by hand (a
//! warning), so that the words cannot drift from the rules. The
//! placeholders are read by [`crate::syntax::wording`] and filled by
//! [`crate::semantics::wording::fill`].

use rust_decimal::Decimal;

use super::{Checker, Global};
use crate::diagnostic::{Code, Diagnostic};
use crate::program::{Ir, IrKind};
use crate::semantics::wording::{in_words, money_in_words};
use crate::span::Span;
use crate::syntax::ast;
use crate::syntax::wording::{Form, Piece, pieces};
use crate::types::Type;
use crate::value::{Value, ValueView};

impl Checker {
    /// Checks the legal text of every article, once every parameter is
    /// declared. A hand-written figure is looked for among the article's
    /// own parameters: its text is where they are stated.
    pub(super) fn article_wordings(&mut self, book: &ast::Rulebook) {
        let mut index = 0;
        for item in &book.items {
            let ast::Item::Article(article) = item else {
                continue;
            };
            let own: Vec<usize> = (0..self.params.len())
                .filter(|&p| self.params[p].article == Some(index))
                .collect();
            for text in &article.legal_text {
                self.wording(text, &own);
            }
            index += 1;
        }
    }

    /// Checks one text or reason: its placeholders name parameters, and
    /// none of the parameters `stated` (those the text speaks of) is
    /// written in it by hand.
    pub(super) fn wording(&mut self, text: &ast::Text, stated: &[usize]) {
        let pieces = match pieces(&text.value, text.span) {
            Ok(p) => p,
            Err(e) => {
                self.error(
                    Diagnostic::error(Code::BadFigure, e.message)
                        .at(e.span, "here")
                        .help("embed a parameter as `{name}` or `{name as words}`; for a brace itself, write `{{`"),
                );
                return;
            }
        };
        for piece in &pieces {
            let Piece::Figure(p) = piece else { continue };
            let Some(index) = self.params.iter().position(|d| d.name == p.name) else {
                self.unknown_figure(&p.name, p.span);
                continue;
            };
            let ty = self.params[index].ty;
            if p.form == Form::Words
                && !matches!(
                    ty,
                    Type::Integer | Type::Decimal | Type::Percent | Type::Money(_)
                )
                && !matches!(ty, Type::Measure(d) if d.percent_per_time(&self.units).is_some())
            {
                self.error(
                    Diagnostic::error(
                        Code::BadFigure,
                        format!("{} is not written in words", ty.plain(&self.units)),
                    )
                    .at(p.span, format!("`{}` is {}", p.name, ty.plain(&self.units)))
                    .help(format!(
                        "write `{{{}}}`: it is written in figures, as the rulebook displays it",
                        p.name
                    )),
                );
            }
        }
        for &index in stated {
            self.hand_written(text, index);
        }
    }

    /// The parameters a condition reads itself (not through the rules it
    /// calls): those its reason speaks of.
    pub(super) fn params_read(ir: &Ir, out: &mut Vec<usize>) {
        let all = |irs: &[&Ir], out: &mut Vec<usize>| {
            for ir in irs {
                Checker::params_read(ir, out);
            }
        };
        match &ir.kind {
            IrKind::Param(p) => {
                if !out.contains(p) {
                    out.push(*p);
                }
            }
            IrKind::Const(_)
            | IrKind::Period(_)
            | IrKind::Local(_)
            | IrKind::Today
            | IrKind::PeriodBound(_)
            | IrKind::Resolution { .. }
            | IrKind::Allocated { .. } => {}
            IrKind::LossBorne { member, .. } => {
                if let Some(m) = member {
                    all(&[m], out);
                }
            }
            IrKind::Attr { member, .. }
            | IrKind::DaysHeld { member, .. }
            | IrKind::DaysMember(member) => all(&[member], out),
            IrKind::Accrued { member, rate, .. } => {
                if !out.contains(rate) {
                    out.push(*rate);
                }
                all(&[member], out)
            }
            IrKind::Call { args, .. } | IrKind::Builtin { args, .. } => {
                all(&args.iter().collect::<Vec<_>>(), out)
            }
            IrKind::Neg(x) | IrKind::Not(x) | IrKind::IsNone(x) => all(&[x], out),
            IrKind::Arith(_, a, b)
            | IrKind::Compare(_, a, b)
            | IrKind::And(a, b)
            | IrKind::Or(a, b) => all(&[a, b], out),
            IrKind::If {
                branches,
                otherwise,
            } => {
                let mut irs: Vec<&Ir> = branches.iter().flat_map(|(c, v)| [c, v]).collect();
                irs.push(otherwise);
                all(&irs, out)
            }
            IrKind::Because { condition, .. } => all(&[condition], out),
            IrKind::Exceptions {
                base, exceptions, ..
            } => {
                let mut irs: Vec<&Ir> = exceptions
                    .iter()
                    .flat_map(|e| [&e.condition, &e.value])
                    .collect();
                irs.push(base);
                all(&irs, out)
            }
            IrKind::Aggregate { value, filter, .. } => {
                let irs: Vec<&Ir> = value
                    .iter()
                    .chain(filter.iter())
                    .map(|b| b.as_ref())
                    .collect();
                all(&irs, out)
            }
        }
    }

    fn unknown_figure(&mut self, name: &str, span: Span) {
        let d = match self.globals.get(name) {
            Some((what, _)) => Diagnostic::error(
                Code::UnknownFigure,
                format!("`{name}` is {}; wording embeds parameters", what.describe()),
            )
            .at(span, format!("{} here", what.describe()))
            .help(match what {
                Global::Rule(_) => "embed the parameters the rule is computed from, or state the rule's effect in words",
                _ => "embed a parameter by its name, as `{minimum_age}`",
            }),
            None => {
                let near = super::nearest(name, self.params.iter().map(|p| p.name.as_str()));
                Diagnostic::error(
                    Code::UnknownFigure,
                    format!("there is no parameter named `{name}` to embed"),
                )
                .at(span, "not a parameter")
                .help(match near {
                    Some(n) => format!("did you mean `{{{n}}}`?"),
                    None => "embed a parameter by its name, as `{minimum_age}`; for a brace itself, write `{{`".to_string(),
                })
            }
        };
        self.error(d);
    }

    /// Warns when `text` states parameter `index`'s value by hand.
    fn hand_written(&mut self, text: &ast::Text, index: usize) {
        let def = &self.params[index];
        let Some(at) = spellings(&def.value, def.ty, self)
            .iter()
            .find_map(|s| find(&text.value, s))
        else {
            return;
        };
        let shown = ValueView::new(&def.value, def.ty, self, &[]).display;
        let place = if text.span.len() == text.value.len() + 2 {
            Span {
                start: text.span.start + 1 + at.0,
                end: text.span.start + 1 + at.1,
                source: text.span.source,
            }
        } else {
            text.span
        };
        let words = matches!(
            def.ty,
            Type::Integer | Type::Decimal | Type::Percent | Type::Money(_)
        );
        let d = Diagnostic::warning(
            Code::HandWrittenFigure,
            format!(
                "\"{}\" is written by hand, but it is `{}` ({shown})",
                &text.value[at.0..at.1],
                def.name
            ),
        )
        .at(place, format!("`{}` is {shown}", def.name))
        .related(def.span, "the parameter")
        .help(if words {
            format!(
                "write `{{{0}}}` or `{{{0} as words}}`, so the wording follows the parameter when it changes",
                def.name
            )
        } else {
            format!(
                "write `{{{}}}`, so the wording follows the parameter when it changes",
                def.name
            )
        });
        self.diagnostics.push(d);
    }
}

/// A spelling of a value: the words, and whether a bare number (which
/// must not be part of a larger figure, a percentage or an amount).
struct Spelling {
    text: String,
    bare: bool,
}

/// The ways a text may state `value` by hand: in figures, in words, and
/// (for a percentage) as the fractions drafting uses ("a tenth").
fn spellings(value: &Value, ty: Type, checker: &Checker) -> Vec<Spelling> {
    let Some(n) = value.as_number() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut push = |text: String, bare: bool| {
        out.push(Spelling {
            text: text.to_lowercase(),
            bare,
        })
    };
    match ty {
        Type::Integer | Type::Decimal => {
            push(n.normalize().to_string(), true);
            if let Some(w) = in_words(n) {
                push(w, true);
            }
        }
        Type::Percent => {
            let percent = (n * Decimal::ONE_HUNDRED).normalize();
            let mut numbers = vec![percent.to_string()];
            if let Some(w) = in_words(percent) {
                numbers.push(w);
            }
            for number in &numbers {
                for suffix in ["%", " per cent", " percent", " per-cent"] {
                    push(format!("{number}{suffix}"), false);
                }
            }
            let fractions: &[&str] = match percent.to_string().as_str() {
                "10" => &["a tenth", "one tenth"],
                "20" => &["a fifth", "one fifth"],
                "25" => &["a quarter", "one quarter"],
                "50" => &["a half", "one half"],
                "75" => &["three quarters", "three-quarters"],
                _ => &[],
            };
            for f in fractions {
                push((*f).to_string(), true);
            }
        }
        Type::Money(_) | Type::Measure(_) => {
            // Money, or money per a unit (`£13.45 per hour`): the amount
            // is what a text states.
            let currency = match ty {
                Type::Money(c) => Some(c),
                Type::Measure(dim) => match dim.currency() {
                    Some((c, 1)) if dim.numerators().is_empty() => Some(c),
                    _ => None,
                },
                _ => None,
            };
            let Some(currency) = currency else {
                return out;
            };
            let display = ValueView::new(value, ty, checker, &[]).display;
            let amount = display
                .split(" per ")
                .next()
                .unwrap_or(&display)
                .to_string();
            if let Some(whole) = amount.strip_suffix(".00") {
                push(whole.to_string(), false);
                push(whole.replace(',', ""), false);
            }
            push(amount.replace(',', ""), false);
            push(amount, false);
            if let Some(w) = money_in_words(n, currency) {
                push(w, false);
            }
        }
        _ => {}
    }
    out
}

/// Where `spelling` stands in `text` as a whole figure, as byte offsets.
fn find(text: &str, spelling: &Spelling) -> Option<(usize, usize)> {
    let lower = text.to_lowercase();
    // Lowercasing keeps byte offsets only for ASCII; elsewhere the
    // offsets are not the text's and nothing is reported.
    if lower.len() != text.len() {
        return None;
    }
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let mut from = 0;
    while let Some(i) = lower[from..].find(&spelling.text).map(|i| i + from) {
        let end = i + spelling.text.len();
        // On to the next character, whole (a `£` is two bytes).
        from = i + lower[i..].chars().next().map_or(1, char::len_utf8);
        let before = lower[..i].chars().next_back();
        let after = lower[end..].chars().next();
        let next_two: String = lower[end..].chars().take(2).collect();
        let mut ok = !before.is_some_and(|c| word(c) || c == '-' || c == '{')
            && !after.is_some_and(|c| word(c) || c == '-' || c == '}');
        if spelling.bare {
            ok = ok
                && !before.is_some_and(|c| matches!(c, '.' | ',' | '£' | '$' | '€'))
                && after != Some('%')
                && !(next_two.len() == 2
                    && next_two.starts_with(['.', ','])
                    && next_two.chars().nth(1).is_some_and(|c| c.is_ascii_digit()))
                && !lower[end..].starts_with(" per cent")
                && !lower[end..].starts_with(" percent");
        } else {
            ok = ok
                && !(next_two.len() == 2
                    && next_two.starts_with(['.', ','])
                    && next_two.chars().nth(1).is_some_and(|c| c.is_ascii_digit()));
        }
        if ok {
            return Some((i, end));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bare(s: &str) -> Spelling {
        Spelling {
            text: s.to_string(),
            bare: true,
        }
    }

    #[test]
    fn a_figure_is_found_only_whole() {
        assert_eq!(find("aged 16 or over", &bare("16")), Some((5, 7)));
        assert_eq!(
            find("aged Sixteen or over", &bare("sixteen")),
            Some((5, 12))
        );
        // Part of a larger figure, a percentage or an amount: not 16.
        assert_eq!(find("116 members", &bare("16")), None);
        assert_eq!(find("16% of them", &bare("16")), None);
        assert_eq!(find("£16 each", &bare("16")), None);
        assert_eq!(find("16.5 hours", &bare("16")), None);
        assert_eq!(find("16 per cent", &bare("16")), None);
        assert_eq!(find("thirty-five", &bare("five")), None);
        assert_eq!(find("{tier_16}", &bare("16")), None);
    }
}
