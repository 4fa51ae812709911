//! Hover: what a name is (its kind, type and unit, its value for a
//! parameter), and the legal text and source of the article it is
//! declared in.

use crate::program::Program;
use crate::span::Span;
use crate::syntax::ast::{self, Item};
use crate::types::Type;

use super::document::Analysis;
use super::index::{Kind, Occurrence};

/// The hover text (Markdown) of the name at byte `offset`, with the place
/// of the name. `today` is the day a dated parameter's value is given for.
pub fn hover(
    analysis: &Analysis,
    text: &str,
    offset: usize,
    today: time::Date,
) -> Option<(String, Span)> {
    let at = analysis.index.at(offset)?;
    let definition = analysis.index.definitions(&at.symbol).next();
    let mut out = describe(analysis, text, at, definition, today);
    if let (Some(book), Some(def)) = (&analysis.book, definition) {
        if let Some(article) = article_of(book, def.span) {
            out.push_str(&format!(
                "\n\n---\n\n**Article {} \"{}\"**",
                article.number.name, article.title.value
            ));
            for paragraph in &article.legal_text {
                out.push_str(&format!("\n\n> {}", paragraph.value));
            }
            for source in &article.sources {
                out.push_str(&format!("\n\nSource: {}", source.value));
            }
        }
    }
    Some((out, at.span))
}

/// The article whose text holds `span`, if any.
pub fn article_of(book: &ast::Rulebook, span: Span) -> Option<&ast::Article> {
    book.items.iter().find_map(|item| match item {
        Item::Article(a) if a.span.start <= span.start && span.end <= a.span.end => Some(a),
        _ => None,
    })
}

/// The first line: the kind, the name and what the checked program knows
/// of it (its type, and a parameter's value). Without a program (the text
/// has errors), the declaration as written.
fn describe(
    analysis: &Analysis,
    text: &str,
    at: &Occurrence,
    definition: Option<&Occurrence>,
    today: time::Date,
) -> String {
    let name = &at.symbol.name;
    let kind = at.symbol.kind.describe();
    if at.symbol.kind == Kind::Unit {
        let described = analysis
            .book
            .as_ref()
            .and_then(|b| unit_description(b, name))
            .map(|d| format!(": {d}"))
            .unwrap_or_default();
        return format!("{kind} `{name}`{described}");
    }
    let program = analysis.checked.program.as_ref();
    let known = program.and_then(|p| typed(p, at.symbol.kind, name, today));
    match known {
        Some(detail) => format!("{kind} `{name}`{detail}"),
        None => {
            let written = definition
                .and_then(|d| declaration(analysis.book.as_ref()?, d.span))
                .map(|span| {
                    let declared = text.get(span.start..span.end).unwrap_or("");
                    format!("\n\n```rochdale\n{}\n```", declared.trim())
                })
                .unwrap_or_default();
            format!("{kind} `{name}`{written}")
        }
    }
}

/// `: Type = value` and the like, from the checked program.
fn typed(program: &Program, kind: Kind, name: &str, today: time::Date) -> Option<String> {
    let ty = |t: Type| t.name(&program.units);
    let params = |ps: &[(String, Type)]| {
        ps.iter()
            .map(|(n, t)| match t {
                Type::Member => n.clone(),
                t => format!("{n}: {}", ty(*t)),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    match kind {
        Kind::Parameter => {
            let p = program.params.iter().find(|p| p.name == name)?;
            let written = |v: &crate::value::Value| crate::value::literal(v, p.ty, program, &[]);
            if p.dated.is_empty() {
                return Some(format!(": {} = {}", ty(p.ty), written(&p.value)));
            }
            // A dated parameter: the value in force today, then them all.
            let day = crate::value::format_date(today);
            let now = match crate::semantics::time::in_force_on(&p.dated, today) {
                Some(v) => format!(" = {} (in force on {day})", written(v)),
                None => format!(" (no value in force on {day})"),
            };
            let all: Vec<String> = p
                .dated
                .iter()
                .map(|(d, v)| format!("- {} from {}", written(v), crate::value::format_date(*d)))
                .collect();
            Some(format!(
                ": {}{now}

{}",
                ty(p.ty),
                all.join("\n")
            ))
        }
        Kind::Rule => {
            let r = program.rules.iter().find(|r| r.name == name)?;
            let args = if r.params.is_empty() {
                String::new()
            } else {
                format!("({})", params(&r.params))
            };
            Some(format!("{args}: {}", ty(r.result)))
        }
        Kind::Act => {
            let a = program.acts.iter().find(|a| a.name == name)?;
            Some(format!("({})", params(&a.params)))
        }
        Kind::Attribute | Kind::PeriodField => {
            let fields = match kind {
                Kind::Attribute => &program.member_attrs,
                _ => &program.period_fields,
            };
            let f = fields.iter().find(|f| f.name == name)?;
            let default = f
                .default
                .as_ref()
                .map(|v| format!(" = {}", crate::value::literal(v, f.ty, program, &[])))
                .unwrap_or_default();
            Some(format!(": {}{default}", ty(f.ty)))
        }
        Kind::Resolution => {
            let r = program.resolutions.iter().find(|r| r.name == name)?;
            Some(
                r.title
                    .as_ref()
                    .map(|t| format!(" \"{t}\""))
                    .unwrap_or_default(),
            )
        }
        Kind::Limit => {
            let l = program.limits.iter().find(|l| l.name == name)?;
            Some(
                l.source
                    .as_ref()
                    .map(|s| format!("\n\nSource: {s}"))
                    .unwrap_or_default(),
            )
        }
        Kind::Unit | Kind::Tranche | Kind::Fixture | Kind::Local => None,
    }
}

/// What a unit measures, as its declaration says.
fn unit_description<'a>(book: &'a ast::Rulebook, name: &str) -> Option<&'a str> {
    let units = book.items.iter().flat_map(|item| match item {
        Item::Unit(u) => std::slice::from_ref(u),
        Item::Article(a) => a.units.as_slice(),
        _ => &[],
    });
    units
        .filter(|u| u.name.name == name)
        .find_map(|u| u.description.as_ref())
        .map(|d| d.value.as_str())
}

/// The whole declaration a definition's name is written in: the
/// parameter, rule, field or item around it.
fn declaration(book: &ast::Rulebook, name: Span) -> Option<Span> {
    let inside = |s: Span| s.start <= name.start && name.end <= s.end;
    let mut best: Option<Span> = None;
    let mut consider = |s: Span| {
        if inside(s) && best.is_none_or(|b| s.len() < b.len()) {
            best = Some(s);
        }
    };
    for item in &book.items {
        match item {
            Item::Parameter(p) => consider(p.span),
            Item::Rule(r) => consider(r.span),
            Item::Act(a) => consider(a.span),
            Item::MemberSchema(s) | Item::PeriodSchema(s) => {
                s.fields.iter().for_each(|f| consider(f.span));
            }
            Item::Article(a) => {
                a.parameters.iter().for_each(|p| consider(p.span));
                a.rules.iter().for_each(|r| consider(r.span));
                a.limits.iter().for_each(|l| consider(l.span));
                a.resolutions.iter().for_each(|r| consider(r.span));
            }
            Item::Limit(l) => consider(l.span),
            Item::Resolution(r) => consider(r.span),
            _ => {}
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: time::Date = day(2026, time::Month::December, 2);

    const fn day(year: i32, month: time::Month, d: u8) -> time::Date {
        match time::Date::from_calendar_date(year, month, d) {
            Ok(date) => date,
            Err(_) => panic!("a date in the calendar"),
        }
    }

    #[test]
    fn a_dated_parameter_shows_the_value_in_force_and_every_value() {
        let text = "rulebook \"T\" currency GBP\nunit hour\nparameter wage: Money per hour = £12.60 per hour from 2024-10-01, £13.45 per hour from 2025-10-01\nrule day_pay: Money = round(8 hour * wage, to 0.01, half up)\n";
        let analysis = Analysis::new(text);
        assert!(
            analysis.checked.program.is_some(),
            "{:?}",
            analysis.checked.diagnostics
        );
        let at = text.rfind("wage").expect("the use");
        let values = "\n\n- £12.60 per hour from 2024-10-01\n- £13.45 per hour from 2025-10-01";
        let (shown, _) = hover(&analysis, text, at, DAY).expect("a hover");
        assert_eq!(
            shown,
            format!(
                "parameter `wage`: GBP per hour = £13.45 per hour (in force on 2026-12-02){values}"
            )
        );
        let before = day(2025, time::Month::September, 30);
        let (shown, _) = hover(&analysis, text, at, before).expect("a hover");
        assert!(
            shown.contains("= £12.60 per hour (in force on 2025-09-30)"),
            "{shown}"
        );
        let (shown, _) =
            hover(&analysis, text, at, day(2024, time::Month::January, 1)).expect("a hover");
        assert!(
            shown.contains("(no value in force on 2024-01-01)"),
            "{shown}"
        );
    }

    #[test]
    fn with_errors_the_declaration_as_written() {
        // `nonesuch` is unknown: the text parses but does not check.
        let text = "rulebook \"T\" currency GBP\narticle 2 \"Fees\" {\n  text \"A fee is paid.\"\n  parameter fee: Money = £5\n  rule twice: Money = fee * nonesuch\n}\n";
        let analysis = Analysis::new(text);
        assert!(analysis.checked.program.is_none());
        let at = text.rfind("fee").expect("the use");
        let (shown, span) = hover(&analysis, text, at, DAY).expect("a hover");
        assert_eq!(&text[span.start..span.end], "fee");
        assert!(
            shown.starts_with("parameter `fee`\n\n```rochdale\nparameter fee: Money = £5\n```"),
            "{shown}"
        );
        assert!(
            shown.contains("**Article 2 \"Fees\"**\n\n> A fee is paid."),
            "{shown}"
        );
    }

    #[test]
    fn a_unit_says_what_it_measures() {
        let text = "rulebook \"T\" currency GBP\nunit km_month \"kilometre-month of duct\"\nparameter rent: Money per km_month = £2 per km_month\n";
        let analysis = Analysis::new(text);
        assert!(
            analysis.checked.program.is_some(),
            "{:?}",
            analysis.checked.diagnostics
        );
        let at = text.rfind("km_month").expect("the last");
        let (shown, _) = hover(&analysis, text, at, DAY).expect("a hover");
        assert_eq!(shown, "unit `km_month`: kilometre-month of duct");
        // Its three places: the declaration, the type and the value.
        let index = &analysis.index;
        let unit = &index.at(at).expect("a name").symbol;
        assert_eq!(index.occurrences_of(unit).count(), 3);
    }
}
