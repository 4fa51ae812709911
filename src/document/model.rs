//! The rulebook as a document, built once from the checked program and
//! the text it was written in; the writers ([`super::html`], and the PDF
//! writer of the command line) only lay it out.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::example::run_examples;
use crate::program::{Program, ResolutionDef};
use crate::semantics::wording::fill_declared;
use crate::span::Span;
use crate::syntax::ast::format_date;
use crate::syntax::ast::{QuorumTerm, ThresholdMeasure, VoteBasis};
use crate::types::{Type, Vocabulary};
use crate::value::{ValueView, percent_display};

/// The whole document, in reading order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Document {
    /// The rulebook's name.
    pub title: String,
    /// Its version, if given.
    pub version: Option<String>,
    /// The date from which the rules apply, as the language writes dates.
    pub in_force: Option<String>,
    /// The currency's code, if declared.
    pub currency: Option<String>,
    /// The provenance hash (SHA-256 of the canonical encoding).
    pub hash: String,
    /// The articles in order.
    pub articles: Vec<Article>,
    /// The legal limits.
    pub limits: Vec<Limit>,
    /// Every parameter.
    pub parameters: Vec<Parameter>,
    /// Every rule, as written.
    pub rules: Vec<Rule>,
    /// Every kind of vote, in words.
    pub resolutions: Vec<Resolution>,
    /// Every election: its seats and count in words, and as written.
    pub elections: Vec<Election>,
    /// The worked examples.
    pub examples: Vec<Example>,
}

/// One article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Article {
    /// `9`, `3a`.
    pub number: String,
    /// The title.
    pub title: String,
    /// The legal text, figures filled in, a paragraph each.
    pub paragraphs: Vec<String>,
    /// The citations.
    pub sources: Vec<String>,
}

/// One legal limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Limit {
    /// Its name.
    pub name: String,
    /// Its article's number.
    pub article: Option<String>,
    /// What must hold, as written.
    pub condition: String,
    /// Where the limit comes from in law.
    pub source: Option<String>,
}

/// One parameter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Parameter {
    /// Its name.
    pub name: String,
    /// Its type, in words.
    pub ty: String,
    /// Its value as every output writes it.
    pub value: String,
    /// Its article's number.
    pub article: Option<String>,
}

/// One rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// Its name.
    pub name: String,
    /// Its article's number.
    pub article: Option<String>,
    /// The rule as written in the rulebook.
    pub written: String,
}

/// A kind of vote, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resolution {
    /// Its name.
    pub name: String,
    /// Its title, or its name.
    pub title: String,
    /// Its article's number.
    pub article: Option<String>,
    /// "One member, one vote", or the weight of each class.
    pub who_votes: String,
    /// "At least 10% of the members", or "none".
    pub quorum: String,
    /// "More than three quarters ...".
    pub threshold: String,
    /// Abstentions, ties.
    pub notes: Vec<String>,
}

/// An election: its seats and how they are filled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Election {
    /// Its name.
    pub name: String,
    /// Its title, or its name.
    pub title: String,
    /// "3 seats", with the seats reserved.
    pub seats: String,
    /// How the ballots are counted, in words.
    pub count: String,
    /// How a tie is broken, in words.
    pub ties: String,
    /// The declaration as written (who may stand and vote, the reserves).
    pub written: String,
}

/// A worked example: its members as a table, then what it expects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Example {
    /// Its name.
    pub name: String,
    /// The column heads of the members' table: `member`, then attributes.
    pub columns: Vec<String>,
    /// One row a member.
    pub members: Vec<Vec<String>>,
    /// What the example states and what the rules give.
    pub expectations: Vec<Expectation>,
    /// Whether every expectation holds.
    pub passed: bool,
}

/// One line of a worked example.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Expectation {
    /// The line as written (`expect` left out).
    pub written: String,
    /// The value the rules give, or the reasons of a refusal.
    pub result: String,
    /// Whether it holds.
    pub passed: bool,
}

/// The text a span covers, if it is the rulebook's.
fn written(text: &str, span: Span) -> String {
    if span.source != Span::RULEBOOK {
        return String::new();
    }
    text.get(span.start..span.end)
        .unwrap_or_default()
        .trim()
        .to_string()
}

fn article_number(program: &Program, article: Option<usize>) -> Option<String> {
    article
        .and_then(|a| program.articles.get(a))
        .map(|a| a.number.clone())
}

/// Builds the document of `program`, written as `text`.
pub fn build(program: &Program, text: &str) -> Document {
    let view = |v, ty| ValueView::new(v, ty, program, &[]).display;
    let articles = program
        .articles
        .iter()
        .map(|a| Article {
            number: a.number.clone(),
            title: a.title.clone(),
            paragraphs: a
                .legal_text
                .iter()
                .map(|t| fill_declared(t, program))
                .collect(),
            sources: a.sources.clone(),
        })
        .collect();
    let limits = program
        .limits
        .iter()
        .map(|l| Limit {
            name: l.name.clone(),
            article: article_number(program, l.article),
            condition: written(text, l.condition.span),
            source: l.source.clone(),
        })
        .collect();
    let parameters = program
        .params
        .iter()
        .map(|p| Parameter {
            name: p.name.clone(),
            ty: p.ty.plain(program.units()),
            value: view(&p.value, p.ty),
            article: article_number(program, p.article),
        })
        .collect();
    let rules = program
        .rules
        .iter()
        .map(|r| Rule {
            name: r.name.clone(),
            article: article_number(program, r.article),
            written: written(text, r.span),
        })
        .collect();
    let resolutions = program
        .resolutions
        .iter()
        .map(|r| resolution(program, r, text))
        .collect();
    let elections = program
        .elections
        .iter()
        .map(|e| election(e, text))
        .collect();
    Document {
        title: program.name.clone(),
        version: program.version.clone(),
        in_force: program.in_force.map(format_date),
        currency: program.currency.map(|c| c.code().to_string()),
        hash: program.provenance.hash.clone(),
        articles,
        limits,
        parameters,
        rules,
        resolutions,
        elections,
        examples: examples(program, text),
    }
}

fn election(e: &crate::program::ElectionDef, text: &str) -> Election {
    use crate::syntax::ast::{ElectionMethod, ElectionTies};
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut seats = plural(e.seats, "seat", "seats");
    let reserved: usize = e.reserves.iter().map(|r| r.seats).sum();
    if reserved > 0 {
        seats.push_str(&format!(
            ", {} of them reserved",
            plural(reserved, "seat", "seats")
        ));
    }
    let count = match e.method {
        ElectionMethod::Plurality => format!(
            "By plurality: each voter marks up to {}, and the most marked are elected.",
            plural(e.seats, "candidate", "candidates")
        ),
        ElectionMethod::SingleTransferableVote => "By single transferable vote, under the Scottish Local Government Elections Order 2007 (SSI 2007/42), schedule 1, rules 45 to 52.".to_string(),
    };
    let ties = match e.ties {
        ElectionTies::Name => {
            "A tie the count leaves is decided by name: the name first in alphabetical order is elected first, transferred first and excluded last."
        }
        ElectionTies::Lot => "A tie the count leaves is broken by lot.",
    };
    Election {
        name: e.name.clone(),
        title: e.title.clone().unwrap_or_else(|| e.name.clone()),
        seats,
        count,
        ties: ties.to_string(),
        written: written(text, e.span),
    }
}

/// A share of a whole in words a reader expects: `10%`, `2/3`.
fn share(p: Decimal) -> String {
    percent_display(p)
}

fn basis(b: VoteBasis) -> &'static str {
    match b {
        VoteBasis::Cast => "the votes cast",
        VoteBasis::Present => "the votes of the members present",
        VoteBasis::Members => "the votes of all the members",
    }
}

/// The name of class `i` of the member attribute `attr` that votes are
/// weighted by.
fn class_name(program: &Program, attr: usize, i: usize) -> String {
    match program.member_attrs.get(attr).map(|f| f.ty) {
        Some(Type::Enum(e)) => program.variant_name(e, i as u32).unwrap_or("?").to_string(),
        _ => format!("class {i}"),
    }
}

/// A threshold in words: "Votes for at least 75% of votes cast."
fn threshold_words(t: &crate::syntax::ast::Threshold) -> String {
    let more = if t.strict { "more than" } else { "at least" };
    match t.measure {
        ThresholdMeasure::Against => {
            if t.strict {
                "More votes for than against.".to_string()
            } else {
                "At least as many votes for as against.".to_string()
            }
        }
        ThresholdMeasure::Share(s, b) => {
            format!("Votes for {more} {} of {}.", share(s), basis(b))
        }
        ThresholdMeasure::Fraction(n, d, b) => format!(
            "Votes for {more} {}/{} of {}.",
            n.normalize(),
            d.normalize(),
            basis(b)
        ),
    }
}

fn resolution(program: &Program, r: &ResolutionDef, text: &str) -> Resolution {
    let who_votes = match &r.class_weights {
        None => "One member, one vote.".to_string(),
        Some((attr, shares)) if r.class_share.is_some() => {
            let field = program.member_attrs.get(*attr);
            let classes: Vec<String> = shares
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let name = class_name(program, *attr, i);
                    format!("{name} {}", crate::value::percent_display(*s))
                })
                .collect();
            let by = field.map_or("class", |f| f.name.as_str());
            let unvoted = match r.class_share {
                Some(crate::syntax::ast::Unvoted::Shared) => {
                    "the share of a class that casts no vote goes to the other classes"
                }
                _ => "the share of a class that casts no vote lapses",
            };
            format!(
                "Each {by} holds a share of the whole vote, whatever its size, divided among its own votes cast: {}; {unvoted}.",
                classes.join(", ")
            )
        }
        Some((attr, weights)) => {
            let field = program.member_attrs.get(*attr);
            let classes: Vec<String> = weights
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    let name = class_name(program, *attr, i);
                    let w = w.normalize();
                    let votes = if w == Decimal::ONE { "vote" } else { "votes" };
                    format!("{name} {w} {votes}")
                })
                .collect();
            let by = field.map_or("class", |f| f.name.as_str());
            format!("Votes weighted by {by}: {}.", classes.join(", "))
        }
    };
    let quorum = if r.quorum.is_empty() {
        "None.".to_string()
    } else {
        let terms: Vec<String> = r
            .quorum
            .iter()
            .map(|q| match q {
                QuorumTerm::Share(s) => format!("at least {} of the members", share(*s)),
                QuorumTerm::MoreThan(s) if *s == Decimal::new(5, 1) => {
                    "more than half of the members".to_string()
                }
                QuorumTerm::MoreThan(s) => format!("more than {} of the members", share(*s)),
                QuorumTerm::Count(n) => format!("at least {} members", n.normalize()),
                QuorumTerm::Votes(s) => {
                    format!("members holding at least {} of the votes", share(*s))
                }
            })
            .collect();
        let joined = terms.join(if r.quorum_lesser { " or " } else { " and " });
        let mut chars = joined.chars();
        let first = chars.next().map(|c| c.to_uppercase().collect::<String>());
        format!("{}{}.", first.unwrap_or_default(), chars.as_str())
    };
    let threshold = threshold_words(&r.threshold);
    let mut notes = Vec::new();
    if let Some(c) = &r.consent {
        let names: Vec<String> = c
            .classes
            .iter()
            .map(|&i| class_name(program, c.attr, i as usize))
            .collect();
        let words = threshold_words(&c.threshold);
        let mut words = words.chars();
        let first = words.next().map(|ch| ch.to_lowercase().collect::<String>());
        notes.push(format!(
            "It must also pass within each of the classes {}, among their own members' votes: {}{}",
            names.join(", "),
            first.unwrap_or_default(),
            words.as_str()
        ));
    }
    if r.abstentions_against {
        notes.push("Abstentions count as votes against.".to_string());
    }
    match r.ties_pass {
        Some(true) => notes.push("A tie passes.".to_string()),
        Some(false) => notes.push("A tie fails.".to_string()),
        None => {}
    }
    notes.extend(procedure_notes(&r.procedure));
    // Who may vote, as written: the condition is the rulebook's words.
    if let Some(c) = &r.procedure.voter {
        notes.insert(
            0,
            format!(
                "Only the members who meet this condition vote, and the quorum is of them: {}.",
                written(text, c.condition.span)
            ),
        );
    }
    Resolution {
        name: r.name.clone(),
        title: r.title.clone().unwrap_or_else(|| r.name.clone()),
        article: article_number(program, r.article),
        who_votes,
        quorum,
        threshold,
        notes,
    }
}

/// A resolution's meeting procedure in words, one sentence a part.
fn procedure_notes(p: &crate::syntax::ast::Procedure) -> Vec<String> {
    use crate::semantics::meeting::describe;
    let mut notes = Vec::new();
    if let Some(n) = &p.notice {
        notes.push(match n.most {
            Some(most) => format!(
                "The meeting is called by notice sent at least {} and at most {} before it.",
                describe(n.least),
                describe(most)
            ),
            None => format!(
                "The meeting is called by notice sent at least {} before it.",
                describe(n.least)
            ),
        });
    }
    if let Some(c) = &p.second_call {
        let terms: Vec<String> = c
            .quorum
            .iter()
            .map(|(q, _)| match q {
                QuorumTerm::Share(s) => format!("{} of the members", share(*s)),
                QuorumTerm::MoreThan(s) => format!("more than {} of the members", share(*s)),
                QuorumTerm::Count(n) => format!("{} members", n.normalize()),
                QuorumTerm::Votes(s) => format!("members holding {} of the votes", share(*s)),
            })
            .collect();
        let join = if c.form == crate::syntax::ast::QuorumForm::Lesser {
            ", or "
        } else {
            " and "
        };
        notes.push(format!(
            "If it is inquorate, it may be reconvened on a second call with a quorum of {}.",
            terms.join(join)
        ));
    }
    match p.proxies {
        Some((1, _)) => notes.push("A member present may hold one other member's proxy.".into()),
        Some((n, _)) => notes.push(format!(
            "A member present may hold the proxies of at most {n} other members."
        )),
        None => {}
    }
    if p.postal.is_some() {
        notes.push("Votes may be sent by post.".into());
    }
    if let Some(c) = &p.confirmation {
        let words = threshold_words(&c.threshold);
        let mut words = words.chars();
        let first = words.next().map(|ch| ch.to_lowercase().collect::<String>());
        notes.push(format!(
            "It takes effect only when confirmed at a later meeting held not less than {} nor more than {} after: {}{}",
            describe(c.earliest),
            describe(c.latest),
            first.unwrap_or_default(),
            words.as_str()
        ));
    }
    notes
}

fn examples(program: &Program, text: &str) -> Vec<Example> {
    let outcomes = run_examples(program);
    program
        .examples
        .iter()
        .zip(outcomes)
        .map(|(def, outcome)| {
            // Only the attributes some member of the example has other
            // than by default: the rest is the same for all and noise.
            let used: Vec<usize> = (0..program.member_attrs.len())
                .filter(|&a| {
                    let default = program.member_attrs[a].default.as_ref();
                    def.members.get(a).is_some_and(|column| {
                        column.iter().any(|v| v.is_some() && v.as_ref() != default)
                    })
                })
                .collect();
            let mut columns = vec!["member".to_string()];
            columns.extend(used.iter().map(|&a| program.member_attrs[a].name.clone()));
            let members = def
                .member_names
                .iter()
                .enumerate()
                .map(|(m, name)| {
                    let mut row = vec![name.clone()];
                    for &a in &used {
                        let attr = &program.member_attrs[a];
                        let cell = def.members[a]
                            .get(m)
                            .and_then(Option::as_ref)
                            .map(|v| ValueView::new(v, attr.ty, program, &def.member_names).display)
                            .unwrap_or_default();
                        row.push(cell);
                    }
                    row
                })
                .collect();
            let expectations = outcome
                .expectations
                .iter()
                .map(|e| {
                    let line = written(text, e.span);
                    let line = line.strip_prefix("expect ").unwrap_or(&line).to_string();
                    let result = if !e.reasons.is_empty() {
                        format!("refused: {}", e.reasons.join("; "))
                    } else {
                        e.actual
                            .as_ref()
                            .map(|v| v.display.clone())
                            .unwrap_or_default()
                    };
                    Expectation {
                        written: line,
                        result,
                        passed: e.passed,
                    }
                })
                .collect();
            Example {
                name: def.name.clone(),
                columns,
                members,
                expectations,
                passed: outcome.passed,
            }
        })
        .collect()
}
