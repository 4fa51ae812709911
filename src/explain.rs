//! `rochdale explain`: the derivation of a value as a tree a member of the
//! cooperative could follow: the value, the rule and its article, the
//! inputs and parameters it used, the rounding applied, the exception that
//! fired, the clause that failed.

use serde::Serialize;

use crate::diagnostic::{Code, Diagnostic};
use crate::eval::{Evaluator, TraceNode, TraceWhat};
use crate::example::example_inputs;
use crate::program::Program;
use crate::span::{SourceFile, Sources, Span};
use crate::types::Type;
use crate::value::{Value, ValueView, format_date};

/// A derivation, ready to print or serialise.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Explanation {
    /// The rulebook's name.
    pub rulebook: String,
    /// The rulebook's version.
    pub version: Option<String>,
    /// The rules in force: name, version, content hash, amendments.
    pub provenance: crate::provenance::Provenance,
    /// Whose inputs were used: `example "admission"`, or
    /// `scenario "first year", after step 41`.
    pub context: String,
    /// The expression explained, as given.
    pub expression: String,
    /// Its value.
    pub value: ValueView,
    /// The steps of the derivation.
    pub steps: Vec<ExplainNode>,
}

/// One step of a derivation.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct ExplainNode {
    /// What the step computes: `dividend(ada)`, `ada.purchases`, a text.
    pub label: String,
    /// `rule`, `parameter`, `input`, `expression` or `fact`.
    pub kind: &'static str,
    /// Its value, if it could be computed.
    pub value: Option<ValueView>,
    /// The article of a rule or parameter: `article 9 "Division of surplus"`.
    pub article: Option<String>,
    /// What happened: the rounding applied, the exception that fired, a
    /// failed clause's reason.
    pub notes: Vec<String>,
    /// The steps it used.
    pub steps: Vec<ExplainNode>,
    /// Steps left out to keep it readable (members of a long sum).
    pub omitted: usize,
}

/// Why an explanation could not be given.
#[derive(Debug, Clone)]
pub struct ExplainError {
    /// The problems.
    pub diagnostics: Vec<Diagnostic>,
    /// The rulebook, which spans in [`Span::RULEBOOK`] point into.
    pub source: SourceFile,
    /// The expression, named `expression`, which spans in
    /// [`Span::EXPRESSION`] point into.
    pub expression: SourceFile,
}

impl ExplainError {
    /// Both texts, to render or place the diagnostics.
    pub fn sources(&self) -> Sources<'_> {
        Sources {
            rulebook: &self.source,
            expression: Some(&self.expression),
        }
    }
}

/// The name under which an expression given on its own is shown.
pub const EXPRESSION_NAME: &str = "expression";

/// Where the inputs of an explanation come from.
pub enum Context<'a> {
    /// An example of the rulebook, by name.
    Example(&'a str),
    /// A scenario, run up to a step (all of it when `None`).
    Scenario {
        /// The scenario.
        scenario: &'a crate::program::ScenarioDef,
        /// Its people.
        members: crate::simulate::input::MemberTable,
        /// The last step run, from 1.
        step: Option<usize>,
    },
}

/// Explains `expression` evaluated with the inputs of the example named
/// `example` in the rulebook `file`.
pub fn explain(
    file: &SourceFile,
    example: &str,
    expression: &str,
) -> Result<Explanation, ExplainError> {
    let checked = crate::check_source(&file.text);
    let Some(program) = checked.program else {
        return Err(ExplainError {
            diagnostics: checked.diagnostics,
            source: file.clone(),
            expression: SourceFile::new(EXPRESSION_NAME, expression),
        });
    };
    explain_in(file, &program, Context::Example(example), expression)
}

/// Explains `expression` in a checked program, with the inputs of an
/// example or of a scenario at a step.
pub fn explain_in(
    file: &SourceFile,
    program: &Program,
    context: Context<'_>,
    expression: &str,
) -> Result<Explanation, ExplainError> {
    // The expression is a text of its own: its spans are in
    // `Span::EXPRESSION`, the rules' in `Span::RULEBOOK`.
    let given = SourceFile::new(EXPRESSION_NAME, expression);
    let sources = Sources {
        rulebook: file,
        expression: Some(&given),
    };
    let fail = |diagnostics: Vec<Diagnostic>| ExplainError {
        diagnostics,
        source: file.clone(),
        expression: given.clone(),
    };
    // `on`: the date the figures are on, a dated example's or the step's.
    let (inputs, label, in_force, on) = match context {
        Context::Example(example) => {
            let Some(index) = program.examples.iter().position(|e| e.name == example) else {
                let names: Vec<&str> = program.examples.iter().map(|e| e.name.as_str()).collect();
                let help = crate::check::nearest(example, names.iter().copied())
                    .map(|n| format!("did you mean \"{n}\"?"))
                    .unwrap_or_else(|| {
                        if names.is_empty() {
                            "the rulebook has no examples; add one with `example \"name\" { ... }`"
                                .into()
                        } else {
                            format!(
                                "the examples are: {}",
                                names
                                    .iter()
                                    .map(|n| format!("\"{n}\""))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )
                        }
                    });
                return Err(fail(vec![
                    Diagnostic::error(
                        Code::UnknownName,
                        format!("the rulebook has no example \"{example}\""),
                    )
                    .help(help),
                ]));
            };
            let def = &program.examples[index];
            // The date only says which dated value applied: `today` stays
            // unset in an example, as in `rochdale test`.
            (
                example_inputs(def),
                format!("example \"{}\"", def.name),
                program.provenance.clone(),
                def.date,
            )
        }
        Context::Scenario {
            scenario,
            members,
            step,
        } => {
            let steps = scenario.steps.len();
            let last = step.unwrap_or(steps).min(steps);
            let (inputs, in_force) =
                crate::simulate::inputs_after(program, scenario, members, step);
            let on = inputs.today;
            (
                inputs,
                format!("scenario \"{}\", after step {last}", scenario.name),
                in_force,
                on,
            )
        }
    };
    let expr = crate::syntax::parse_expression(expression, Span::EXPRESSION).map_err(&fail)?;
    let ir = crate::check::check_expression_with(program, &inputs.member_names, &expr)
        .map_err(|found| fail(members_help(found, &inputs.member_names, &label)))?;
    let mut evaluator = Evaluator::new(program, &inputs).with_trace();
    let mut frame = vec![Value::Bool(false); 8];
    let value = evaluator
        .eval(&ir, &mut frame)
        .map_err(|d| fail(vec![*d]))?;
    let names = &inputs.member_names;
    let steps = evaluator
        .take_trace()
        .iter()
        .map(|n| node(n, program, sources, names, &[], on))
        .collect();
    Ok(Explanation {
        rulebook: program.name.clone(),
        version: program.version.clone(),
        provenance: in_force,
        context: label,
        expression: expression.trim().to_string(),
        value: ValueView::new(&value, ir.ty, program, names),
        steps,
    })
}

/// How many members an unknown name's help lists.
const CLOSE_NAMES: usize = 5;

/// An unknown name in the expression, with nothing close to suggest, gets a
/// help line about the members whose inputs are used (the likeliest thing
/// meant), listing those nearest in spelling: the expression defines
/// nothing, so "define it as a parameter" does not apply.
fn members_help(found: Vec<Diagnostic>, members: &[String], context: &str) -> Vec<Diagnostic> {
    found
        .into_iter()
        .map(|mut d| {
            let in_expression = d.span.is_some_and(|s| s.source == Span::EXPRESSION);
            let suggested = d.help.as_deref().is_some_and(|h| h.starts_with("did you mean"));
            if d.code != Code::UnknownName || !in_expression || suggested {
                return d;
            }
            let name = d
                .message
                .strip_prefix("unknown name `")
                .and_then(|r| r.strip_suffix('`'))
                .unwrap_or("")
                .to_string();
            let mut close: Vec<&String> = members.iter().collect();
            close.sort_by_key(|m| (strsim::damerau_levenshtein(&name, m), m.as_str()));
            let listed: Vec<String> = close
                .iter()
                .take(CLOSE_NAMES)
                .map(|m| format!("`{m}`"))
                .collect();
            d.help = Some(if listed.is_empty() {
                format!(
                    "`{name}` is not a member ({context}, which has none), nor a parameter or rule of the rulebook"
                )
            } else {
                format!(
                    "`{name}` is not a member ({context}), nor a parameter or rule of the rulebook; the members nearest in spelling are {} (of {})",
                    listed.join(", "),
                    members.len()
                )
            });
            d
        })
        .collect()
}

fn article_of(program: &Program, article: Option<usize>) -> Option<String> {
    article
        .and_then(|a| program.articles.get(a))
        .map(|a| format!("article {} \"{}\"", a.number, a.title))
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A rule's member parameter and the member it was called with: `m` and
/// `howarth`, so that the rule's text reads `howarth.age >= minimum_age`.
type Binding = (String, String);

/// `text` with each identifier bound to a member replaced by the member's
/// name; quoted text, attributes after a `.`, and anything that binds a
/// variable of its own (`each member m`) are left as written.
fn with_members(text: &str, bindings: &[Binding]) -> String {
    if bindings.is_empty() || text.contains("each member") {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    let mut quoted = false;
    let mut previous: Option<char> = None;
    while let Some((i, c)) = chars.next() {
        if c == '"' {
            quoted = !quoted;
        }
        let starts_word = (c.is_alphabetic() || c == '_')
            && !previous.is_some_and(|p| p.is_alphanumeric() || p == '_' || p == '.');
        if quoted || !starts_word {
            out.push(c);
            previous = Some(c);
            continue;
        }
        let mut end = i + c.len_utf8();
        while let Some(&(j, d)) = chars.peek() {
            if d.is_alphanumeric() || d == '_' {
                end = j + d.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        let word = &text[i..end];
        match bindings.iter().find(|(name, _)| name == word) {
            Some((_, member)) => out.push_str(member),
            None => out.push_str(word),
        }
        previous = word.chars().last();
    }
    out
}

fn node(
    trace: &TraceNode,
    program: &Program,
    sources: Sources<'_>,
    names: &[String],
    bindings: &[Binding],
    on: Option<time::Date>,
) -> ExplainNode {
    let view = |v: &Value, ty: Type| ValueView::new(v, ty, program, names);
    // A rule's steps are read with its member parameters named.
    let mut inner: Vec<Binding> = bindings.to_vec();
    if let TraceWhat::Rule { rule, args } = &trace.what {
        let def = &program.rules[*rule];
        inner = def
            .params
            .iter()
            .zip(args)
            .filter(|(_, (_, ty))| *ty == Type::Member)
            .map(|((name, _), (v, ty))| (name.clone(), view(v, *ty).display))
            .collect();
    }
    // A tranche's `where` for one member is read with the member named.
    for (var, m) in &trace.binds {
        inner.push((var.clone(), view(&Value::Member(*m), Type::Member).display));
    }
    let (label, kind, article) = match &trace.what {
        TraceWhat::Rule { rule, args } => {
            let def = &program.rules[*rule];
            let label = if args.is_empty() {
                def.name.clone()
            } else {
                let shown: Vec<String> = args.iter().map(|(v, t)| view(v, *t).display).collect();
                format!("{}({})", def.name, shown.join(", "))
            };
            (label, "rule", article_of(program, def.article))
        }
        TraceWhat::Parameter(p) => {
            let def = &program.params[*p];
            (
                def.name.clone(),
                "parameter",
                article_of(program, def.article),
            )
        }
        TraceWhat::Attribute { member, attr } => {
            let who = names
                .get(*member as usize)
                .cloned()
                .unwrap_or_else(|| format!("member {member}"));
            let what = program
                .member_attrs
                .get(*attr)
                .map_or("?", |a| a.name.as_str());
            (format!("{who}.{what}"), "input", None)
        }
        TraceWhat::Period(f) => {
            let what = program
                .period_fields
                .get(*f)
                .map_or("?", |a| a.name.as_str());
            (format!("period.{what}"), "input", None)
        }
        TraceWhat::Expression => (
            with_members(&one_line(sources.slice(trace.span)), bindings),
            "expression",
            None,
        ),
        TraceWhat::Fact(text) => (text.clone(), "fact", None),
    };
    let mut notes = trace.notes.clone();
    if let (TraceWhat::Parameter(p), Some(value)) = (&trace.what, &trace.value) {
        notes.extend(dated_note(
            &program.params[*p],
            value,
            on.or(program.in_force),
            &view,
        ));
    }
    if let Some(span) = trace.exception {
        let written = with_members(&one_line(sources.slice(span)), &inner);
        notes.push(if trace.waived {
            format!("waived, since {written}")
        } else {
            format!("exception applies: {written}")
        });
    }
    ExplainNode {
        label,
        kind,
        value: trace.value.as_ref().map(|v| view(v, trace.ty)),
        article,
        notes,
        steps: trace
            .children
            .iter()
            .map(|c| node(c, program, sources, names, &inner, on))
            .collect(),
        omitted: trace.omitted,
    }
}

/// For a dated parameter, which of its values applied: "the value from
/// 2025-10-21, in force on 2026-04-01 (£12.60 per hour before)". Nothing
/// when the value is not the one in force that day (an example that sets
/// the parameter itself).
fn dated_note(
    def: &crate::program::ParamDef,
    value: &Value,
    day: Option<time::Date>,
    view: &dyn Fn(&Value, Type) -> ValueView,
) -> Option<String> {
    let dated = &def.dated;
    let index = match day {
        Some(day) => crate::semantics::time::in_force_index(dated, day)?,
        None => dated.len().checked_sub(1)?,
    };
    let (from, in_force) = &dated[index];
    if in_force != value {
        return None;
    }
    let mut note = format!("the value from {}", format_date(*from));
    match day {
        Some(day) => note.push_str(&format!(", in force on {}", format_date(day))),
        None => note.push_str(", the latest (no date is given)"),
    }
    let mut around = Vec::new();
    if let Some((_, before)) = index.checked_sub(1).and_then(|i| dated.get(i)) {
        around.push(format!("{} before", view(before, def.ty).display));
    }
    if let Some((next, later)) = dated.get(index + 1) {
        around.push(format!(
            "{} from {}",
            view(later, def.ty).display,
            format_date(*next)
        ));
    }
    if !around.is_empty() {
        note.push_str(&format!(" ({})", around.join("; ")));
    }
    Some(note)
}

impl Explanation {
    /// The derivation as an indented tree for people.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "{} ({}) — {}\n\n{} = {}\n",
            self.rulebook,
            self.provenance.label(),
            self.context,
            self.expression,
            self.value.display
        );
        for (i, step) in self.steps.iter().enumerate() {
            write_node(&mut out, step, "", i + 1 == self.steps.len());
        }
        out
    }
}

fn write_node(out: &mut String, node: &ExplainNode, prefix: &str, last: bool) {
    let branch = if last { "└─ " } else { "├─ " };
    let value = node
        .value
        .as_ref()
        .map(|v| format!(" = {}", v.display))
        .unwrap_or_else(|| " (not computed)".into());
    let mut line = format!("{prefix}{branch}{}{value}", node.label);
    match node.kind {
        "input" => line.push_str("   (input)"),
        "parameter" => line.push_str("   (parameter)"),
        _ => {}
    }
    if let Some(a) = &node.article {
        line.push_str(&format!("   [{a}]"));
    }
    out.push_str(&line);
    out.push('\n');
    let child_prefix = format!("{prefix}{}", if last { "   " } else { "│  " });
    for note in &node.notes {
        out.push_str(&format!("{child_prefix}· {note}\n"));
    }
    for (i, step) in node.steps.iter().enumerate() {
        let is_last = i + 1 == node.steps.len() && node.omitted == 0;
        write_node(out, step, &child_prefix, is_last);
    }
    if node.omitted > 0 {
        out.push_str(&format!("{child_prefix}└─ … and {} more\n", node.omitted));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{DiagnosticJson, render_text};

    const BOOK: &str = r#"rulebook "Tiny" currency GBP
parameter markup: Percent = 10%
rule price(cost: Money): Money = round(cost * (100% + markup), to 0.01, half up)
example "a loaf" { expect price(£1.15) = £1.27 }
"#;

    fn book() -> SourceFile {
        SourceFile::new("tiny.coop", BOOK)
    }

    #[test]
    fn a_member_parameter_is_named_but_not_inside_words_quotes_or_attributes() {
        let bound = [("m".to_string(), "cy".to_string())];
        assert_eq!(
            with_members(
                r#"m.age >= minimum_age because "m must be 16" and m.m = mm"#,
                &bound
            ),
            r#"cy.age >= minimum_age because "m must be 16" and cy.m = mm"#
        );
        assert_eq!(
            with_members(r#"allocated "dividend" to m"#, &bound),
            r#"allocated "dividend" to cy"#
        );
        // A variable of its own, which may be called `m` too: as written.
        assert_eq!(
            with_members("count(each member m where m.age > 16)", &bound),
            "count(each member m where m.age > 16)"
        );
    }

    #[test]
    fn a_mistake_in_the_expression_points_into_the_expression() {
        let err = explain(&book(), "a loaf", "prise(£1.15)").expect_err("no such rule");
        let d = &err.diagnostics[0];
        assert_eq!(d.code, Code::UnknownFunction);
        let span = d.span.expect("placed");
        // `prise` is the first five bytes of the expression, not of the
        // rulebook padded with spaces.
        assert_eq!(
            (span.start, span.end, span.source),
            (0, 5, Span::EXPRESSION)
        );
        assert_eq!(err.sources().slice(span), "prise");
        let json = DiagnosticJson::new(d, err.sources());
        assert_eq!(json.file, EXPRESSION_NAME);
        assert_eq!((json.line, json.column), (Some(1), Some(1)));
        let text = render_text(&err.diagnostics, err.sources(), false);
        assert!(text.contains("[expression:1:1]"), "{text}");
        assert!(text.contains("prise(£1.15)"), "{text}");
        assert!(!text.contains("tiny.coop"), "{text}");
    }

    #[test]
    fn a_syntax_error_in_the_expression_is_placed_in_it() {
        let err = explain(&book(), "a loaf", "price(").expect_err("syntax");
        let d = &err.diagnostics[0];
        assert_eq!(d.code, Code::Syntax);
        let span = d.span.expect("placed");
        assert_eq!(span.source, Span::EXPRESSION);
        assert_eq!(span.start, "price(".len());
        let json = DiagnosticJson::new(d, err.sources());
        assert_eq!(json.file, EXPRESSION_NAME);
        assert_eq!((json.line, json.column), (Some(1), Some(7)));
        let json = serde_json::to_string(&json).expect("json");
        assert!(
            json.contains(r#""span":{"start":6,"end":7,"source":1}"#),
            "{json}"
        );
    }

    #[test]
    fn a_derivation_quotes_the_expression_and_the_rules_from_their_own_texts() {
        let e = explain(&book(), "a loaf", "price(£1.15) * 2").expect("explains");
        assert_eq!(e.value.display, "£2.54");
        assert_eq!(e.expression, "price(£1.15) * 2");
        // The steps name the rule's call, computed from the rulebook.
        let labels: Vec<&str> = e.steps.iter().map(|s| s.label.as_str()).collect();
        assert!(labels.contains(&"price(£1.15)"), "{labels:?}");
    }

    #[test]
    fn a_place_in_the_rulebook_is_drawn_from_the_rulebook() {
        // The member variable takes a parameter's name: the mistake is in
        // the expression, the parameter's definition in the rulebook.
        let err = explain(&book(), "a loaf", "count(each member markup)").expect_err("taken");
        let d = &err.diagnostics[0];
        assert_eq!(d.code, Code::Duplicate);
        assert_eq!(d.span.map(|s| s.source), Some(Span::EXPRESSION));
        let first = d.related[0].span;
        assert_eq!(first.source, Span::RULEBOOK);
        assert_eq!(
            err.sources().slice(first),
            "parameter markup: Percent = 10%"
        );
        let text = render_text(&err.diagnostics, err.sources(), false);
        assert!(text.contains("[expression:1:19]"), "{text}");
        assert!(text.contains("[tiny.coop:2:1]"), "{text}");
        assert!(text.contains("defined here"), "{text}");
    }
}
