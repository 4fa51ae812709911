//! `rochdale explain`: the derivation of a value as a tree a member of the
//! cooperative could follow: the value, the rule and its article, the
//! inputs and parameters it used, the rounding applied, the exception that
//! fired, the clause that failed.

use serde::Serialize;

use crate::diagnostic::{Code, Diagnostic};
use crate::eval::{Evaluator, TraceNode, TraceWhat};
use crate::example::example_inputs;
use crate::program::Program;
use crate::span::SourceFile;
use crate::types::Type;
use crate::value::{Value, ValueView};

/// A derivation, ready to print or serialise.
#[derive(Debug, Clone, Serialize)]
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
    /// The text their spans refer to: the rulebook with the expression
    /// appended on a line of its own.
    pub source: SourceFile,
}

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
    // The expression is read as if it stood on a line after the rulebook, so
    // every span, in the rulebook or in the expression, points into one text.
    let combined = SourceFile::new(file.name.clone(), format!("{}\n{}", file.text, expression));
    let fail = |diagnostics: Vec<Diagnostic>| ExplainError {
        diagnostics,
        source: combined.clone(),
    };
    let (inputs, label, in_force) = match context {
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
            (
                example_inputs(def),
                format!("example \"{}\"", def.name),
                program.provenance.clone(),
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
            (
                inputs,
                format!("scenario \"{}\", after step {last}", scenario.name),
                in_force,
            )
        }
    };
    let padded = format!("{}{}", " ".repeat(file.text.len() + 1), expression);
    let expr = crate::syntax::parse_expression(&padded).map_err(&fail)?;
    let ir =
        crate::check::check_expression_with(program, &inputs.member_names, &expr).map_err(&fail)?;
    let mut evaluator = Evaluator::new(program, &inputs).with_trace();
    let mut frame = vec![Value::Bool(false); 8];
    let value = evaluator
        .eval(&ir, &mut frame)
        .map_err(|d| fail(vec![*d]))?;
    let names = &inputs.member_names;
    let steps = evaluator
        .take_trace()
        .iter()
        .map(|n| node(n, program, &combined, names))
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

fn article_of(program: &Program, article: Option<usize>) -> Option<String> {
    article
        .and_then(|a| program.articles.get(a))
        .map(|a| format!("article {} \"{}\"", a.number, a.title))
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn node(
    trace: &TraceNode,
    program: &Program,
    source: &SourceFile,
    names: &[String],
) -> ExplainNode {
    let view = |v: &Value, ty: Type| ValueView::new(v, ty, program, names);
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
        TraceWhat::Expression => (one_line(source.slice(trace.span)), "expression", None),
        TraceWhat::Fact(text) => (text.clone(), "fact", None),
    };
    let mut notes = trace.notes.clone();
    if let Some(span) = trace.exception {
        notes.push(format!(
            "exception applies: {}",
            one_line(source.slice(span))
        ));
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
            .map(|c| node(c, program, source, names))
            .collect(),
        omitted: trace.omitted,
    }
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
