//! From syntax tree to checked program: names resolved, types checked,
//! cycles found, every error reported (not only the first).

mod acts;
mod constructs;
mod expr;
mod fixtures;
mod narrow;
pub mod opening;
mod order;
mod suggest;
mod time_units;
mod values;
mod wording;

use std::collections::HashMap;

use crate::currency::Currency;
use crate::diagnostic::{Code, Diagnostic};
use crate::program::*;
use crate::span::Span;
use crate::syntax::ast;
use crate::types::{EnumId, Type, Vocabulary};
use crate::units::Units;
use crate::value::Value;

pub use acts::{repeat, steps};
pub use suggest::nearest;
pub use values::{ValueReader, input_value};

/// What checking a rulebook produced: the program when there were no
/// errors, and every diagnostic (warnings too) either way.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The checked program, if the rulebook has no errors.
    pub program: Option<Program>,
    /// Everything found, in the order of the text where possible.
    pub diagnostics: Vec<Diagnostic>,
}

/// Names of the built-in types.
const TYPE_NAMES: &[&str] = &[
    "Integer", "Decimal", "Percent", "Money", "Bool", "Date", "Text", "Member",
];

/// What a global name refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Global {
    Param(usize),
    Rule(usize),
    Variant(EnumId, u32),
    Limit(usize),
    Resolution(usize),
}

impl Global {
    fn describe(self) -> &'static str {
        match self {
            Global::Param(_) => "a parameter",
            Global::Rule(_) => "a rule",
            Global::Variant(..) => "a choice of an enumeration",
            Global::Limit(_) => "a limit",
            Global::Resolution(_) => "a resolution",
        }
    }
}

/// What bears one form of an `if a loss` block.
#[derive(Debug, Clone, PartialEq, Eq)]
enum LossKey {
    /// A reserve, by name.
    Reserve(String),
    /// The members.
    Members,
    /// The losses carried forward.
    CarriedForward,
}

/// A rule's signature, known before its body is checked.
struct Signature {
    params: Vec<(String, Type)>,
    declared: Option<Type>,
    /// Known once the body is checked.
    result: Option<Type>,
}

/// Where a diagnostic stands in the order of the text: diagnostics are
/// reported sorted by this (stably), those without a place last.
pub fn text_order(diagnostic: &Diagnostic) -> usize {
    diagnostic.span.map_or(usize::MAX, |s| s.start)
}

/// Checks a parsed rulebook. The checker builds the program and never runs
/// it: the limits its parameters break are found after checking, by
/// [`crate::pipeline::check_book`], which every interface calls.
///
/// An example with `members from "x.csv"` is left out: its members are read
/// with the program's types, by [`check_with_files`] once the rest checks.
pub fn check(book: &ast::Rulebook) -> Checked {
    check_with(book, None)
}

/// Checks a parsed rulebook whose examples' member files have been read.
pub fn check_with_files(book: &ast::Rulebook, files: ExampleFiles) -> Checked {
    check_with(book, Some(files))
}

fn check_with(book: &ast::Rulebook, files: Option<ExampleFiles>) -> Checked {
    let mut checker = Checker {
        example_files: files,
        ..Checker::default()
    };
    let program = checker.run(book);
    // Report in the order of the text, as a reader goes through it.
    checker.diagnostics.sort_by_key(text_order);
    let has_errors = checker.diagnostics.iter().any(Diagnostic::is_error);
    Checked {
        program: if has_errors { None } else { program },
        diagnostics: checker.diagnostics,
    }
}

#[derive(Default)]
struct Checker {
    diagnostics: Vec<Diagnostic>,
    currency: Option<Currency>,
    enums: Vec<EnumDef>,
    member_attrs: Vec<FieldDef>,
    period_fields: Vec<FieldDef>,
    params: Vec<ParamDef>,
    articles: Vec<ArticleDef>,
    globals: HashMap<String, (Global, Span)>,
    signatures: Vec<Signature>,
    /// Each tranche label: (allocation, tranche, where).
    tranche_labels: HashMap<String, (usize, usize, Span)>,
    /// Each form of every `if a loss` block: its allocation, its place in
    /// the block and what bears it, for `loss borne by ...`.
    loss_forms: Vec<(usize, usize, LossKey)>,
    /// Each allocation's currency, once checked.
    allocation_currency: Vec<Option<Currency>>,
    /// The allocation whose loss may be carried forward (only one may).
    carried_forward_by: Option<usize>,
    /// Whether each parameter's value is exact to the minor unit.
    param_exact: Vec<bool>,
    /// The rulebook's `in force` date: a dated parameter's value where no
    /// date is known is the one in force then.
    in_force: Option<time::Date>,
    /// The financial year, from the header.
    calendar: Option<crate::units::Calendar>,
    /// The attributes `accrued` follows, by slot, and its rate parameters.
    histories: Vec<usize>,
    accrual_rates: Vec<usize>,
    /// The day count, from the header.
    day_count: Option<crate::semantics::time::DayCountId>,
    /// Where the header names it, or where it would go.
    header_span: Span,
    /// Whether each rule's value is exact to the minor unit, once checked.
    rule_exact: Vec<Option<bool>>,
    /// Whether each rule's value is never below zero, once checked.
    rule_never_negative: Vec<Option<bool>>,
    resolutions: Vec<ResolutionDef>,
    elections: Vec<ElectionDef>,
    /// Where each unit is declared, while declarations are read.
    unit_spans: HashMap<String, Span>,
    /// The table of units, built once every unit is declared.
    units: Units,
    /// The `members NAME { ... }` fixtures, checked once.
    fixtures: Vec<fixtures::Fixture>,
    /// The members of the files examples name, once read; `None` while
    /// they are not, when such examples are left out.
    example_files: Option<ExampleFiles>,
}

/// The members of each CSV file that examples name (`members from
/// "x.csv"`), by the name written.
pub type ExampleFiles = HashMap<String, MemberFile>;

/// The members of one file: names, and values by attribute.
pub type MemberFile = (Vec<String>, Vec<Vec<Option<Value>>>);

impl Checker {
    fn error(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    fn run(&mut self, book: &ast::Rulebook) -> Option<Program> {
        self.header(&book.header);

        // Declarations first, in the order written: schemas, parameters,
        // articles, rule names.
        let mut rules: Vec<(&ast::RuleDef, Option<usize>)> = Vec::new();
        let mut limits: Vec<(&ast::Limit, Option<usize>)> = Vec::new();
        let mut allocations: Vec<(&ast::Allocation, Option<usize>)> = Vec::new();
        let mut resolutions: Vec<(&ast::Resolution, Option<usize>)> = Vec::new();
        let mut elections: Vec<&ast::Election> = Vec::new();
        let mut acts: Vec<(&ast::ActDef, Option<usize>)> = Vec::new();
        let mut scenarios: Vec<&ast::Scenario> = Vec::new();
        let mut examples: Vec<&ast::Example> = Vec::new();
        let mut fixtures: Vec<&ast::MembersFixture> = Vec::new();
        let mut member_schema_seen: Option<Span> = None;
        let mut period_schema_seen: Option<Span> = None;
        // Units first: any type may be counted in them.
        for item in &book.items {
            match item {
                ast::Item::Unit(u) => self.declare_unit(u),
                ast::Item::Article(a) => a.units.iter().for_each(|u| self.declare_unit(u)),
                _ => {}
            }
        }
        // `declare_unit` keeps within the limit, so the table always builds.
        self.units = Units::new(self.unit_spans.keys().cloned()).unwrap_or_default();
        for item in &book.items {
            match item {
                ast::Item::Unit(_) => {}
                ast::Item::MemberSchema(schema) => {
                    self.schema_once(&mut member_schema_seen, schema, "member");
                    let fields = self.fields(schema);
                    self.member_attrs.extend(fields);
                }
                ast::Item::PeriodSchema(schema) => {
                    self.schema_once(&mut period_schema_seen, schema, "period");
                    let fields = self.fields(schema);
                    self.period_fields.extend(fields);
                }
                ast::Item::Parameter(p) => self.parameter(p, None),
                ast::Item::Article(a) => {
                    let index = self.article(a);
                    for p in &a.parameters {
                        self.parameter(p, Some(index));
                    }
                    rules.extend(a.rules.iter().map(|r| (r, Some(index))));
                    limits.extend(a.limits.iter().map(|l| (l, Some(index))));
                    allocations.extend(a.allocations.iter().map(|x| (x, Some(index))));
                    resolutions.extend(a.resolutions.iter().map(|r| (r, Some(index))));
                    acts.extend(a.acts.iter().map(|x| (x, Some(index))));
                }
                ast::Item::Rule(r) => rules.push((r, None)),
                ast::Item::Limit(l) => limits.push((l, None)),
                ast::Item::Allocation(x) => allocations.push((x, None)),
                ast::Item::Resolution(r) => resolutions.push((r, None)),
                ast::Item::Election(e) => elections.push(e),
                ast::Item::Act(a) => acts.push((a, None)),
                ast::Item::Scenario(x) => scenarios.push(x),
                ast::Item::Example(e) => examples.push(e),
                ast::Item::Members(f) => fixtures.push(f),
            }
        }
        self.check_unique_fields();
        self.article_wordings(book);
        for (index, (rule, _)) in rules.iter().enumerate() {
            self.declare(&rule.name, Global::Rule(index));
        }
        for (index, (limit, _)) in limits.iter().enumerate() {
            self.declare(&limit.name, Global::Limit(index));
        }
        for (r, article) in &resolutions {
            if let Some(def) = self.resolution(r, *article) {
                if self.declare(&r.name, Global::Resolution(self.resolutions.len())) {
                    self.resolutions.push(def);
                }
            }
        }
        for (a, (allocation, _)) in allocations.iter().enumerate() {
            let forms = allocation.loss.iter().flat_map(|l| l.forms.iter());
            for (f, form) in forms.enumerate() {
                let key = match form {
                    ast::LossForm::Reserve { name, .. } => LossKey::Reserve(name.value.clone()),
                    ast::LossForm::Members(_) => LossKey::Members,
                    ast::LossForm::CarriedForward(_) => LossKey::CarriedForward,
                };
                self.loss_forms.push((a, f, key));
            }
            for (t, tranche) in allocation.tranches.iter().enumerate() {
                let label = &tranche.label;
                if let Some((_, _, first)) = self.tranche_labels.get(&label.value) {
                    let first = *first;
                    self.error(
                        Diagnostic::error(
                            Code::Duplicate,
                            format!("two tranches are labelled \"{}\"", label.value),
                        )
                        .at(label.span, "labelled again here")
                        .related(first, "first tranche with this label")
                        .help(
                            "give each tranche its own label, so that `allocated \"...\"` is clear",
                        ),
                    );
                } else {
                    self.tranche_labels
                        .insert(label.value.clone(), (a, t, label.span));
                }
            }
        }
        self.allocation_currency = vec![None; allocations.len()];
        for (rule, _) in &rules {
            let signature = self.signature(rule);
            self.signatures.push(signature);
        }
        self.rule_exact = vec![None; rules.len()];
        self.rule_never_negative = vec![None; rules.len()];

        // Bodies, each after the rules and allocations it uses. Nodes of the
        // graph: rules first, then allocations.
        let r_count = rules.len();
        let mut deps: Vec<Vec<usize>> = rules
            .iter()
            .map(|(r, _)| self.rule_dependencies(r, r_count))
            .collect();
        deps.extend(
            allocations
                .iter()
                .map(|(a, _)| self.allocation_dependencies(a, r_count)),
        );
        let order = order::order(&deps);
        for cycle in &order.cycles {
            self.report_cycle(cycle, &rules, &allocations);
        }
        let mut bodies: Vec<Option<(Ir, usize)>> = vec![None; rules.len()];
        let mut allocation_defs: Vec<Option<AllocationDef>> = vec![None; allocations.len()];
        for &node in order.sorted.iter().chain(order.blocked.iter()) {
            if node < r_count {
                let (rule, article) = rules[node];
                let (body, frame_size) = self.rule_body(rule, node, article);
                bodies[node] = Some((body, frame_size));
            } else {
                let a = node - r_count;
                let (allocation, article) = allocations[a];
                allocation_defs[a] = self.allocation_body(allocation, article, a);
            }
        }
        // Record dates of resolutions may use rules: checked after them.
        for (r, article) in &resolutions {
            let Some(e) = &r.record_date else { continue };
            let Some(i) = self.resolutions.iter().position(|d| d.name == r.name.name) else {
                continue;
            };
            let mut cx = expr::ExprChecker::new(self, &[], &[]);
            cx.set_article(*article);
            let ir = cx.date_of(e, "a record date");
            self.resolutions[i].record_date = Some(ir);
        }
        // So may who votes on a resolution.
        for (r, article) in &resolutions {
            let Some(c) = &r.procedure.voter else {
                continue;
            };
            let Some(i) = self.resolutions.iter().position(|d| d.name == r.name.name) else {
                continue;
            };
            let params = vec![(c.var.name.clone(), Type::Member)];
            let mut cx = expr::ExprChecker::new(self, &params, &[]);
            cx.set_article(*article);
            let ir = cx.condition_of(&c.condition, "who may vote");
            let frame = cx.frame_size().max(1);
            self.resolutions[i].voter = Some((ir, frame));
        }
        // Who may stand may depend on rules: checked after them.
        for (i, e) in elections.iter().enumerate() {
            if let Some(first) = elections[..i].iter().find(|f| f.name.name == e.name.name) {
                self.error(
                    Diagnostic::error(
                        Code::Duplicate,
                        format!("there are two elections named `{}`", e.name.name),
                    )
                    .at(e.name.span, "second election with this name")
                    .related(first.name.span, "first defined here")
                    .help("rename one of them"),
                );
                continue;
            }
            if let Some(def) = self.election(e) {
                self.elections.push(def);
            }
        }
        let limit_defs: Vec<Option<LimitDef>> = limits
            .iter()
            .map(|(l, article)| self.limit(l, *article))
            .collect();

        let mut act_defs: Vec<ActDef> = Vec::with_capacity(acts.len());
        for (a, article) in &acts {
            if let Some(first) = acts
                .iter()
                .find(|(b, _)| b.name.name == a.name.name)
                .map(|(b, _)| b)
            {
                if first.span != a.span {
                    self.error(
                        Diagnostic::error(
                            Code::Duplicate,
                            format!("there are two acts named `{}`", a.name.name),
                        )
                        .at(a.name.span, "second act with this name")
                        .related(first.name.span, "first act")
                        .help("give each act its own name"),
                    );
                }
            }
            if let Some(def) = self.act(a, *article) {
                act_defs.push(def);
            }
        }
        let scenario_defs: Vec<ScenarioDef> = scenarios
            .iter()
            .map(|x| self.scenario(x, &act_defs))
            .collect();
        for (i, x) in scenarios.iter().enumerate() {
            if let Some(first) = scenarios[..i].iter().find(|y| y.name.value == x.name.value) {
                self.error(
                    Diagnostic::error(
                        Code::Duplicate,
                        format!("there are two scenarios named \"{}\"", x.name.value),
                    )
                    .at(x.name.span, "second scenario with this name")
                    .related(first.name.span, "first scenario")
                    .help("give each scenario its own name"),
                );
            }
        }

        self.declare_fixtures(&fixtures);
        let read = self.example_files.is_some();
        let examples: Vec<ExampleDef> = examples
            .iter()
            .filter(|e| read || e.members_file.is_none())
            .map(|e| self.example(e, &limits))
            .collect();

        if self.diagnostics.iter().any(Diagnostic::is_error) {
            return None;
        }
        let mut rule_defs = Vec::with_capacity(rules.len());
        for (index, ((rule, article), body)) in rules.iter().zip(bodies).enumerate() {
            let (body, frame_size) = body?;
            let signature = &self.signatures[index];
            let memo = match signature.params.as_slice() {
                [] => Memo::Global,
                [(_, Type::Member)] => Memo::PerMember,
                _ => Memo::None,
            };
            rule_defs.push(RuleDef {
                name: rule.name.name.clone(),
                params: signature.params.clone(),
                result: signature.result.unwrap_or(body.ty),
                body,
                frame_size,
                article: *article,
                memo,
                span: rule.span,
            });
        }
        Some(Program {
            provenance: crate::provenance::Provenance::of(book),
            name: book.header.name.value.clone(),
            version: book.header.version.as_ref().map(|v| v.value.clone()),
            currency: self.currency,
            in_force: book.header.in_force.map(|(d, _)| d),
            calendar: self.calendar,
            day_count: self.day_count,
            units: std::mem::take(&mut self.units),
            enums: std::mem::take(&mut self.enums),
            member_attrs: std::mem::take(&mut self.member_attrs),
            period_fields: std::mem::take(&mut self.period_fields),
            params: std::mem::take(&mut self.params),
            rules: rule_defs,
            articles: std::mem::take(&mut self.articles),
            limits: limit_defs.into_iter().collect::<Option<Vec<_>>>()?,
            allocations: allocation_defs.into_iter().collect::<Option<Vec<_>>>()?,
            resolutions: std::mem::take(&mut self.resolutions),
            elections: std::mem::take(&mut self.elections),
            acts: act_defs,
            examples,
            scenarios: scenario_defs,
            histories: std::mem::take(&mut self.histories),
            accrual_rates: std::mem::take(&mut self.accrual_rates),
        })
    }
    // ------------------------------------------------------ declarations

    fn header(&mut self, header: &ast::Header) {
        if let Some(code) = &header.currency {
            self.currency = self.currency_named(&code.name, code.span);
        }
        self.in_force = header.in_force.map(|(d, _)| d);
        if let Some(fy) = &header.financial_year {
            self.calendar = self.calendar_of(fy);
        }
        self.header_span = header.span;
        if let Some(dc) = &header.day_count {
            use crate::semantics::time::{DAY_COUNTS, DayCountId};
            self.day_count = DayCountId::of_name(&dc.name);
            if self.day_count.is_none() {
                let names: Vec<&str> = DAY_COUNTS.iter().map(|d| d.name).collect();
                let known = format!("the day counts are {}", names.join(", "));
                let help = match suggest::did_you_mean(&dc.name, names.iter().copied()) {
                    Some(s) => format!("{s} ({known})"),
                    None => known,
                };
                self.error(
                    Diagnostic::error(
                        Code::UnknownDayCount,
                        format!("`{}` is not a day count Rochdale knows", dc.name),
                    )
                    .at(dc.span, "not a known day count")
                    .help(help),
                );
            }
        }
    }

    /// `financial year from 21 December in quarters`: a start every
    /// period shares (the 1st to the 28th of a month).
    fn calendar_of(&mut self, fy: &ast::FinancialYear) -> Option<crate::units::Calendar> {
        use crate::units::{Calendar, LAST_START_DAY, PeriodLength};
        let month = crate::syntax::MONTHS[usize::from(u8::from(fy.month)) - 1];
        if fy.day == 0 || fy.day > LAST_START_DAY {
            self.error(
                Diagnostic::error(
                    Code::BadDate,
                    format!("a financial year cannot start on {} {month}", fy.day),
                )
                .at(fy.span, "not a day every period can start on")
                .help(format!(
                    "start it on the 1st to the {LAST_START_DAY}th of a month, which every month has, such as `financial year from 1 {month}`"
                )),
            );
            return None;
        }
        let length = match &fy.periods {
            None => PeriodLength::Year,
            Some(p) => PeriodLength::of_name(&p.name)?,
        };
        Some(Calendar {
            month: fy.month,
            day: fy.day,
            length,
        })
    }

    fn currency_named(&mut self, code: &str, span: Span) -> Option<Currency> {
        values::currency_named(code, span, &mut self.diagnostics)
    }

    fn declare_unit(&mut self, u: &ast::UnitDecl) {
        if let Some(t) = crate::units::TimeUnit::of_name(&u.name.name) {
            self.error(
                Diagnostic::error(
                    Code::ReservedTimeName,
                    format!("`{}` is a unit of time the language knows", u.name.name),
                )
                .at(u.name.span, "declared here")
                .help(format!(
                    "day, week, month, quarter and year need no declaration (`5% per {t}`); to count something else, name your unit otherwise, such as `service_{t}`"
                )),
            );
            return;
        }
        if let Some(first) = self.unit_spans.get(&u.name.name) {
            let first = *first;
            self.error(
                Diagnostic::error(
                    Code::Duplicate,
                    format!("the unit `{}` is declared twice", u.name.name),
                )
                .at(u.name.span, "declared again here")
                .related(first, "first declared here")
                .help("declare each unit once"),
            );
            return;
        }
        if self.unit_spans.len() >= crate::units::MAX_UNITS {
            self.error(
                Diagnostic::error(Code::TooLarge, "too many different units")
                    .at(u.name.span, "one unit too many")
                    .help(format!(
                        "a rulebook declares at most {} units",
                        crate::units::MAX_UNITS
                    )),
            );
            return;
        }
        self.unit_spans.insert(u.name.name.clone(), u.name.span);
    }

    fn unknown_unit(&mut self, unit: &ast::Ident) {
        self.error(values::unknown_unit(&self.units, unit));
    }

    fn schema_once(&mut self, seen: &mut Option<Span>, schema: &ast::Schema, what: &str) {
        if let Some(first) = *seen {
            self.error(
                Diagnostic::error(Code::Duplicate, format!("a second `{what}` block"))
                    .at(schema.span, "second block")
                    .related(first, "first block")
                    .help(format!(
                        "put every {what} attribute in one `{what} {{ ... }}` block"
                    )),
            );
        }
        *seen = Some(schema.span);
    }

    fn fields(&mut self, schema: &ast::Schema) -> Vec<FieldDef> {
        let mut out = Vec::new();
        for field in &schema.fields {
            let ty = self.resolve_type(&field.ty, &field.name.name, false);
            let default = field
                .default
                .as_ref()
                .and_then(|v| self.const_value(v, ty, &field.name.name))
                // An optional attribute not given is missing: `none`.
                .or_else(|| (field.default.is_none() && ty.is_optional()).then_some(Value::None));
            out.push(FieldDef {
                name: field.name.name.clone(),
                ty,
                default,
                ledger: field
                    .ledger
                    .as_ref()
                    .map(|l| (l.credits, l.account.value.clone())),
                each_period: field.each_period,
                span: field.span,
            });
        }
        out
    }

    fn check_unique_fields(&mut self) {
        for list in [self.member_attrs.clone(), self.period_fields.clone()] {
            let mut seen: HashMap<&str, Span> = HashMap::new();
            for field in &list {
                if let Some(first) = seen.get(field.name.as_str()) {
                    let first = *first;
                    self.error(
                        Diagnostic::error(
                            Code::Duplicate,
                            format!("the attribute `{}` is declared twice", field.name),
                        )
                        .at(field.span, "declared again here")
                        .related(first, "first declared here")
                        .help("remove one of them, or rename it"),
                    );
                } else {
                    seen.insert(&field.name, field.span);
                }
            }
        }
    }

    /// Records a global name, reporting a clash with an earlier one.
    fn declare(&mut self, name: &ast::Ident, what: Global) -> bool {
        if crate::semantics::builtins::is_reserved(&name.name) {
            self.error(
                Diagnostic::error(
                    Code::Duplicate,
                    format!("`{}` is the name of a built-in function", name.name),
                )
                .at(name.span, "taken by the language")
                .help("choose another name, such as `total` or `rounded_price`"),
            );
            return false;
        }
        if let Some((existing, first)) = self.globals.get(&name.name) {
            let (existing, first) = (*existing, *first);
            self.error(
                Diagnostic::error(Code::Duplicate, format!("`{}` is defined twice", name.name))
                    .at(
                        name.span,
                        format!("defined again here as {}", what.describe()),
                    )
                    .related(
                        first,
                        format!("first defined here as {}", existing.describe()),
                    )
                    .help("each parameter, rule and choice needs its own name; rename one of them"),
            );
            return false;
        }
        self.globals.insert(name.name.clone(), (what, name.span));
        true
    }

    fn article(&mut self, article: &ast::Article) -> usize {
        if let Some(first) = self
            .articles
            .iter()
            .find(|a| a.number == article.number.name)
        {
            let first = first.span;
            self.error(
                Diagnostic::error(
                    Code::Duplicate,
                    format!("there are two articles numbered {}", article.number.name),
                )
                .at(article.number.span, "numbered again here")
                .related(first, "first article with this number")
                .help("renumber one of the articles"),
            );
        }
        self.articles.push(ArticleDef {
            number: article.number.name.clone(),
            title: article.title.value.clone(),
            legal_text: article.legal_text.iter().map(|t| t.value.clone()).collect(),
            sources: article.sources.iter().map(|t| t.value.clone()).collect(),
            span: article.span,
        });
        self.articles.len() - 1
    }

    fn parameter(&mut self, p: &ast::Parameter, article: Option<usize>) {
        let ty = self.resolve_type(&p.ty, &p.name.name, false);
        let first = self.const_value(&p.default, ty, &p.name.name);
        let dated = self.dated_values(p, ty, first.clone());
        let index = self.params.len();
        if self.declare(&p.name, Global::Param(index)) {
            let exact_money = |value: &Value| match (ty, value) {
                (Type::Money(c), Value::Number(d)) => d.normalize().scale() <= c.minor_digits(),
                _ => false,
            };
            let exact = match &dated {
                Some(dated) => dated.iter().all(|(_, v)| exact_money(v)),
                None => first.as_ref().is_some_and(exact_money),
            };
            self.param_exact.push(exact);
            let value = match &dated {
                Some(dated) => Some(dated_default(dated, self.in_force)),
                None => first,
            };
            self.params.push(ParamDef {
                name: p.name.name.clone(),
                ty,
                value: value.unwrap_or(Value::Bool(false)),
                dated: dated.unwrap_or_default(),
                article,
                span: p.span,
            });
        }
    }

    /// A dated parameter's values, each from its date, in strictly
    /// increasing date order (E0708); `None` for a parameter of one value,
    /// or when a value does not check.
    fn dated_values(
        &mut self,
        p: &ast::Parameter,
        ty: Type,
        first: Option<Value>,
    ) -> Option<Vec<(time::Date, Value)>> {
        let (from, from_span) = p.from?;
        let mut out = vec![(from, first?)];
        let mut previous = (from, from_span);
        let mut ok = true;
        for later in &p.later {
            let value = self.const_value(&later.value, ty, &p.name.name);
            if later.from <= previous.0 {
                self.diagnostics.push(
                    Diagnostic::error(
                        Code::DatedOutOfOrder,
                        format!(
                            "the value from {} comes after the value from {}",
                            crate::value::format_date(later.from),
                            crate::value::format_date(previous.0)
                        ),
                    )
                    .at(later.from_span, "not after the date before it")
                    .related(previous.1, "the date before")
                    .help(
                        "list the values in date order, each from a later date than the one before",
                    ),
                );
                ok = false;
            }
            previous = (later.from, later.from_span);
            match value {
                Some(v) => out.push((later.from, v)),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// Resolves a written type. `owner` names an enumeration declared in place.
    fn resolve_type(&mut self, t: &ast::TypeExpr, owner: &str, member_allowed: bool) -> Type {
        match t {
            ast::TypeExpr::Named {
                name,
                currency,
                per,
                optional,
                span,
            } => {
                let base = self.units.lookup(&name.name);
                let ty = match (base, name.name.as_str()) {
                    (Some(u), _) => Type::Measure(crate::units::Dim::unit(u)),
                    (None, named) => match named {
                        "Integer" => Type::Integer,
                        "Decimal" => Type::Decimal,
                        "Percent" => Type::Percent,
                        "Bool" => Type::Bool,
                        "Date" => Type::Date,
                        "Text" => Type::Text,
                        "Member" if member_allowed => Type::Member,
                        "Member" => {
                            self.error(
                                Diagnostic::error(
                                    Code::WrongKind,
                                    "only a rule's parameter can be a member",
                                )
                                .at(*span, "not allowed here")
                                .help("give the attribute the member's name as Text, or a number"),
                            );
                            Type::Error
                        }
                        "Money" => match currency {
                            Some(code) => self
                                .currency_named(&code.name, code.span)
                                .map_or(Type::Error, Type::Money),
                            None => match self.currency {
                                Some(c) => Type::Money(c),
                                None => {
                                    self.error(
                                    Diagnostic::error(
                                        Code::NoCurrency,
                                        "`Money` is used but the rulebook declares no currency",
                                    )
                                    .at(*span, "in which currency?")
                                    .help("add `currency GBP` (or another ISO code) to the `rulebook` line, or write `Money in EUR`"),
                                );
                                    Type::Error
                                }
                            },
                        },
                        other => {
                            let mut d = Diagnostic::error(
                                Code::UnknownType,
                                format!("unknown type `{other}`"),
                            )
                            .at(name.span, "not a type");
                            let alias = match other {
                                "Boolean" | "bool" => Some("Bool"),
                                "Int" | "int" | "Number" => Some("Integer"),
                                "String" | "string" => Some("Text"),
                                "Percentage" => Some("Percent"),
                                _ => None,
                            };
                            let hint =
                                alias.map(|a| format!("did you mean `{a}`?")).or_else(|| {
                                    let mut known: Vec<&str> = TYPE_NAMES.to_vec();
                                    known.extend(self.units.names());
                                    known.sort_unstable();
                                    suggest::did_you_mean(other, known)
                                });
                            d = d.help(match hint {
                            Some(h) => format!("{h} The types are {}", TYPE_NAMES.join(", ")),
                            None => format!(
                                "the types are {}, a unit declared with `unit {other}`, or a list of choices such as `Person or Organisation`",
                                TYPE_NAMES.join(", ")
                            ),
                        });
                            self.error(d);
                            Type::Error
                        }
                    },
                };
                let ty = match per {
                    None => ty,
                    Some(unit) => match self.units.lookup(&unit.name) {
                        Some(u) => match ty
                            .dim()
                            .and_then(|d| d.combine(&crate::units::Dim::unit(u), -1))
                        {
                            Some(d) => Type::of_dim(d),
                            None => {
                                self.error(
                                    Diagnostic::error(Code::UnknownType, format!("{} cannot be per {}", ty.plain(&self.units), unit.name))
                                        .at(*span, "not a rate")
                                        .help("a rate is money, a number or a quantity per a unit, such as `Money per km_month`"),
                                );
                                Type::Error
                            }
                        },
                        None => {
                            self.unknown_unit(unit);
                            Type::Error
                        }
                    },
                };
                if currency.is_some() && name.name != "Money" {
                    self.error(
                        Diagnostic::error(Code::TypeMismatch, "only Money has a currency")
                            .at(*span, "`in` a currency after a type that is not Money")
                            .help("remove the currency, or make the type `Money in ...`"),
                    );
                }
                if !*optional || ty == Type::Error {
                    return ty;
                }
                match crate::types::Present::of(ty) {
                    Some(p) => Type::Optional(p),
                    None => {
                        self.error(
                            Diagnostic::error(
                                Code::WrongKind,
                                format!("{} cannot be optional", ty.plain(&self.units)),
                            )
                            .at(*span, "`?` here")
                            .help("only values (numbers, money, dates, texts, choices) can be missing"),
                        );
                        Type::Error
                    }
                }
            }
            ast::TypeExpr::Enum { variants, .. } => {
                let names: Vec<String> = variants.iter().map(|v| v.name.clone()).collect();
                if let Some(existing) = self.enums.iter().position(|e| e.variants == names) {
                    return Type::Enum(EnumId(existing as u32));
                }
                let id = EnumId(self.enums.len() as u32);
                self.enums.push(EnumDef {
                    name: owner.to_string(),
                    variants: names,
                });
                for (i, variant) in variants.iter().enumerate() {
                    self.declare(variant, Global::Variant(id, i as u32));
                }
                Type::Enum(id)
            }
        }
    }

    /// Checks an input value against the type it must have.
    fn const_value(&mut self, value: &ast::Value, ty: Type, owner: &str) -> Option<Value> {
        let mut found = Vec::new();
        let value = values::typed_value(&*self, value, ty, owner, &mut found);
        self.diagnostics.append(&mut found);
        value
    }

    /// The value and type of a literal.
    fn literal(&mut self, literal: &ast::Literal, span: Span) -> Option<(Value, Type)> {
        let mut found = Vec::new();
        let typed = values::typed_literal(&*self, literal, span, &mut found);
        self.diagnostics.append(&mut found);
        typed
    }

    fn signature(&mut self, rule: &ast::RuleDef) -> Signature {
        let params = self.params_of(rule.params.as_deref().unwrap_or(&[]));
        let declared = rule
            .result
            .as_ref()
            .map(|t| self.resolve_type(t, &rule.name.name, false));
        Signature {
            params,
            declared,
            result: None,
        }
    }

    /// The rules that `rule` uses, by index.
    /// The graph nodes (rules, then allocations from `r_count`) that these
    /// expressions use.
    fn dependencies(&self, roots: Vec<&ast::Expr>, r_count: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack = roots;
        while let Some(e) = stack.pop() {
            match &e.kind {
                ast::ExprKind::Name(id) => {
                    if let Some((Global::Rule(r), _)) = self.globals.get(&id.name) {
                        out.push(*r);
                    }
                }
                ast::ExprKind::Call { name, args } => {
                    if let Some((Global::Rule(r), _)) = self.globals.get(&name.name) {
                        out.push(*r);
                    }
                    for a in args {
                        match a {
                            ast::Argument::Expr(x) | ast::Argument::Step(x, _) => stack.push(x),
                            ast::Argument::Mode(..) => {}
                        }
                    }
                }
                ast::ExprKind::Allocated { label, .. } => {
                    if let Some((a, _, _)) = self.tranche_labels.get(&label.value) {
                        out.push(r_count + a);
                    }
                }
                // Every allocation that can charge a loss: which one this
                // names is settled when the expression is checked.
                ast::ExprKind::LossBorne(_) => {
                    out.extend(self.loss_forms.iter().map(|(a, _, _)| r_count + a));
                }
                ast::ExprKind::Literal(_)
                | ast::ExprKind::Attribute(..)
                | ast::ExprKind::Period(_)
                | ast::ExprKind::Remainder => {}
                ast::ExprKind::Unary(_, x)
                | ast::ExprKind::Because(x, _)
                | ast::ExprKind::IsNone(x, _) => stack.push(x),
                ast::ExprKind::Binary(_, l, r) => {
                    stack.push(l);
                    stack.push(r);
                }
                ast::ExprKind::If {
                    branches,
                    otherwise,
                } => {
                    for (c, v) in branches {
                        stack.push(c);
                        stack.push(v);
                    }
                    stack.push(otherwise);
                }
                ast::ExprKind::Aggregate { value, filter, .. } => {
                    stack.extend(value.iter().map(|b| b.as_ref()));
                    stack.extend(filter.iter().map(|b| b.as_ref()));
                }
            }
        }
        out
    }

    fn rule_dependencies(&self, rule: &ast::RuleDef, r_count: usize) -> Vec<usize> {
        let mut roots = vec![&rule.body];
        for e in &rule.exceptions {
            roots.push(&e.condition);
            roots.push(&e.value);
        }
        self.dependencies(roots, r_count)
    }

    fn allocation_dependencies(&self, a: &ast::Allocation, r_count: usize) -> Vec<usize> {
        let mut roots = vec![&a.amount];
        for t in &a.tranches {
            match &t.amount {
                ast::TrancheAmount::Expr(e) => roots.push(e),
                ast::TrancheAmount::EachMember { filter, value, .. } => {
                    roots.extend(filter.iter());
                    roots.push(value);
                }
            }
            roots.extend(t.at_most.iter());
            roots.extend(t.at_least.iter());
            if let Some(split) = &t.split {
                roots.extend(split.filter.iter());
                roots.push(&split.weight);
            }
        }
        self.dependencies(roots, r_count)
    }

    fn report_cycle(
        &mut self,
        cycle: &[usize],
        rules: &[(&ast::RuleDef, Option<usize>)],
        allocations: &[(&ast::Allocation, Option<usize>)],
    ) {
        let node = |n: usize| -> (String, Span) {
            if n < rules.len() {
                (format!("`{}`", rules[n].0.name.name), rules[n].0.name.span)
            } else {
                let a = allocations[n - rules.len()].0;
                ("the allocation".to_string(), a.amount.span)
            }
        };
        let names: Vec<(String, Span)> = cycle.iter().map(|&n| node(n)).collect();
        let path = if names.len() == 1 {
            format!("{} uses itself", names[0].0)
        } else {
            let mut p: Vec<String> = names.iter().map(|(n, _)| n.clone()).collect();
            p.push(names[0].0.clone());
            format!(
                "these rules use each other in a circle: {}",
                p.join(" uses ")
            )
        };
        let mut d = Diagnostic::error(Code::Cycle, path)
            .at(names[0].1, "the circle starts here")
            .help("a rule cannot depend on its own value; compute one of them from the inputs instead");
        for (_, span) in &names[1..] {
            d = d.related(*span, "part of the circle");
        }
        self.error(d);
    }

    fn rule_body(
        &mut self,
        rule: &ast::RuleDef,
        index: usize,
        article: Option<usize>,
    ) -> (Ir, usize) {
        let params = self.signatures[index].params.clone();
        let mut cx = expr::ExprChecker::new(self, &params, &[]);
        cx.set_article(article);
        cx.set_rule(&rule.name.name);
        let mut body = cx.expr(&rule.body);
        if !rule.exceptions.is_empty() {
            body = cx.lower_exceptions(body, &rule.exceptions);
        }
        let frame_size = cx.frame_size();
        let declared = self.signatures[index].declared;
        if let Some(declared) = declared {
            match time_units::coerce(body, declared, &self.units) {
                Ok(converted) => body = converted,
                Err(d) => {
                    self.error(d);
                    body = Ir {
                        kind: IrKind::Const(Value::Bool(false)),
                        ty: Type::Error,
                        span: rule.body.span,
                    };
                }
            }
            if !body.ty.fits(declared) {
                self.error(
                    Diagnostic::error(
                        Code::TypeMismatch,
                        format!(
                            "the rule `{}` is declared as {} but computes {}",
                            rule.name.name,
                            declared.plain(&self.units),
                            body.ty.plain(&self.units)
                        ),
                    )
                    .at(
                        rule.body.span,
                        format!("this is {}", body.ty.plain(&self.units)),
                    )
                    .help("change the declared type after the `:`, or the definition"),
                );
            }
        }
        let result = declared.unwrap_or(body.ty);
        self.signatures[index].result = Some(result);
        if let Type::Money(c) = result {
            self.rule_exact[index] = Some(self.exact_to_minor_unit(&body, c));
        }
        self.rule_never_negative[index] = Some(self.never_negative(&body));
        (body, frame_size)
    }

    // ----------------------------------------------------------- examples

    fn example(
        &mut self,
        example: &ast::Example,
        limits: &[(&ast::Limit, Option<usize>)],
    ) -> ExampleDef {
        let (names, members) = self.example_members(example);
        let period = self.bindings(&example.period, true);
        let mut params: Vec<Value> = self.params.iter().map(|p| p.value.clone()).collect();
        // On the example's date, each dated parameter has the value in
        // force then (or none yet).
        let mut not_in_force = Vec::new();
        if let Some((date, _)) = example.date {
            for (i, p) in self
                .params
                .iter()
                .enumerate()
                .filter(|(_, p)| !p.dated.is_empty())
            {
                match crate::semantics::time::in_force_on(&p.dated, date) {
                    Some(v) => params[i] = v.clone(),
                    None => {
                        not_in_force.resize(self.params.len(), None);
                        not_in_force[i] = p.dated.first().map(|(d, _)| *d);
                    }
                }
            }
        }
        for binding in &example.parameters {
            match self.params.iter().position(|p| p.name == binding.name.name) {
                Some(i) => {
                    let ty = self.params[i].ty;
                    if let Some(v) = self.const_value(&binding.value, ty, &binding.name.name) {
                        params[i] = v;
                        if let Some(slot) = not_in_force.get_mut(i) {
                            *slot = None;
                        }
                    }
                }
                None => {
                    let mut d = Diagnostic::error(
                        Code::UnknownName,
                        format!("there is no parameter `{}`", binding.name.name),
                    )
                    .at(binding.name.span, "not a parameter");
                    let hint = suggest::did_you_mean(
                        &binding.name.name,
                        self.params.iter().map(|p| p.name.as_str()),
                    );
                    d = d.help(hint.unwrap_or_else(|| {
                        "an example can set only the rulebook's parameters".into()
                    }));
                    self.error(d);
                }
            }
        }

        let (votes, absent_votes) = self.example_votes(example, &names);
        let mut expectations = Vec::new();
        let mut frame_size = 0;
        for e in &example.expectations {
            let e = match e {
                ast::Expect::Value(e) => e,
                ast::Expect::Breach {
                    limit,
                    member,
                    span,
                } => {
                    if let Some(x) =
                        self.expect_breach(limit, member.as_ref(), *span, limits, &names)
                    {
                        expectations.push(x);
                    }
                    continue;
                }
            };
            let mut cx = expr::ExprChecker::new(self, &[], &names);
            let expectation = match &e.kind {
                ast::ExprKind::Binary(ast::BinaryOp::Eq, left, right) => {
                    // `expect ben.notice_given = 2026-01-05`, or `= none`.
                    let actual = cx.expr_maybe(left);
                    let mut expected = cx.value_for(right, actual.ty);
                    // `expect quarterly = 5% per year`: in the rule's unit of time.
                    match time_units::coerce(expected, actual.ty, cx.units()) {
                        Ok(v) => expected = v,
                        Err(d) => {
                            cx.report(d);
                            expected = Ir {
                                kind: IrKind::Const(Value::Bool(false)),
                                ty: Type::Error,
                                span: right.span,
                            };
                        }
                    }
                    if Type::unify(actual.ty, expected.ty).is_none() {
                        let d = Diagnostic::error(
                            Code::TypeMismatch,
                            format!(
                                "the expected value is {} but the left side is {}",
                                expected.ty.plain(cx.units()),
                                actual.ty.plain(cx.units())
                            ),
                        )
                        .at(
                            right.span,
                            format!("{} here", expected.ty.plain(cx.units())),
                        )
                        .related(left.span, format!("{} here", actual.ty.plain(cx.units())))
                        .help("write the expected value in the same kind as the rule computes");
                        cx.report(d);
                    }
                    Expectation::Equal {
                        actual,
                        expected,
                        span: e.span,
                    }
                }
                ast::ExprKind::Because(inner, reasons) => {
                    for r in reasons {
                        cx.wording(r, &[]);
                    }
                    let call = match &inner.kind {
                        ast::ExprKind::Unary(ast::UnaryOp::Not, call) => Some(call.as_ref()),
                        _ => None,
                    };
                    let lowered = call.map(|c| cx.expr(c));
                    match lowered {
                        Some(ir)
                            if matches!(ir.kind, IrKind::Call { .. }) && ir.ty == Type::Bool =>
                        {
                            Expectation::Refused {
                                call: ir,
                                reasons: reasons.iter().map(|r| r.value.clone()).collect(),
                                span: e.span,
                            }
                        }
                        Some(ir) if ir.ty == Type::Error => continue,
                        _ => {
                            cx.report(
                                Diagnostic::error(
                                    Code::BadExpectation,
                                    "reasons can be expected only for a refusal by a yes/no rule",
                                )
                                .at(inner.span, "not `not rule(...)`")
                                .help("write `expect not eligible(cy) because \"reason\", \"another reason\"`"),
                            );
                            continue;
                        }
                    }
                }
                _ => {
                    let condition = cx.expr(e);
                    if !condition.ty.fits(Type::Bool) {
                        let d = Diagnostic::error(
                            Code::BadExpectation,
                            format!(
                                "an expectation must be `value = expected` or a yes/no condition, but this is {}",
                                condition.ty.plain(cx.units())
                            ),
                        )
                        .at(e.span, "neither an equation nor a condition")
                        .help("write what you expect it to equal, such as `expect surplus = £30.00`");
                        cx.report(d);
                    }
                    Expectation::Holds {
                        condition,
                        span: e.span,
                    }
                }
            };
            frame_size = frame_size.max(cx.frame_size());
            expectations.push(expectation);
        }

        // What each reserve holds, in the rulebook's currency.
        let mut balances = std::collections::BTreeMap::new();
        for (name, value) in &example.reserves {
            let ty = self.currency.map_or(Type::Decimal, Type::Money);
            if let Some(Value::Number(n)) = self.const_value(value, ty, &name.value) {
                balances.insert(name.value.clone(), n);
            }
        }
        ExampleDef {
            balances,
            name: example.name.value.clone(),
            span: example.span,
            member_names: names,
            members,
            period,
            params,
            date: example.date.map(|(d, _)| d),
            period_start: example.date.and_then(|(d, _)| {
                let (first, _) = crate::semantics::time::period_containing(&self.calendar?, d)?;
                Some(match self.in_force {
                    Some(in_force) if in_force > first && in_force <= d => in_force,
                    _ => first,
                })
            }),
            not_in_force,
            votes,
            absent_votes,
            expectations,
            frame_size,
        }
    }

    /// An example's votes on each resolution, and those not given in
    /// person.
    fn example_votes(
        &mut self,
        example: &ast::Example,
        names: &[String],
    ) -> (Vec<Option<Vec<Vote>>>, Vec<Vec<crate::program::AbsentVote>>) {
        let mut votes: Vec<Option<Vec<Vote>>> = vec![None; self.resolutions.len()];
        let mut absent_votes = vec![Vec::new(); self.resolutions.len()];
        for block in &example.votes {
            let Some(r) = self
                .globals
                .get(&block.resolution.name)
                .and_then(|(g, _)| g.resolution())
            else {
                let candidates: Vec<&str> =
                    self.resolutions.iter().map(|r| r.name.as_str()).collect();
                let help =
                    suggest::did_you_mean(&block.resolution.name, candidates.iter().copied())
                        .unwrap_or_else(|| "votes are taken on the rulebook's resolutions".into());
                self.error(
                    Diagnostic::error(
                        Code::UnknownName,
                        format!("there is no resolution `{}`", block.resolution.name),
                    )
                    .at(block.resolution.span, "not a resolution")
                    .help(help),
                );
                continue;
            };
            let mut cast = vec![Vote::Absent; names.len()];
            let mut given: Vec<Option<Span>> = vec![None; names.len()];
            let groups = [
                (&block.for_, Vote::For),
                (&block.against, Vote::Against),
                (&block.abstain, Vote::Abstain),
            ];
            for (members, vote) in groups {
                for m in members {
                    match names.iter().position(|n| *n == m.name) {
                        Some(i) => {
                            if let Some(first) = given[i] {
                                self.error(
                                    steps::votes_twice(&m.name)
                                        .at(m.span, "second vote")
                                        .related(first, "first vote"),
                                );
                            }
                            given[i] = Some(m.span);
                            cast[i] = vote;
                        }
                        None => {
                            let help =
                                suggest::did_you_mean(&m.name, names.iter().map(String::as_str))
                                    .unwrap_or_else(|| {
                                        "only the example's members can vote".into()
                                    });
                            self.error(
                                Diagnostic::error(
                                    Code::UnknownName,
                                    format!("`{}` is not a member of this example", m.name),
                                )
                                .at(m.span, "unknown member")
                                .help(help),
                            );
                        }
                    }
                }
            }
            if votes[r].is_some() {
                self.error(
                    Diagnostic::error(
                        Code::Duplicate,
                        format!("the example votes twice on `{}`", block.resolution.name),
                    )
                    .at(block.span, "second vote")
                    .help("put all the votes on one resolution in one `votes` block"),
                );
            }
            votes[r] = Some(cast);
            for (voter, means) in &block.absent {
                let Some(v) = names.iter().position(|n| *n == voter.name) else {
                    continue; // unknown: reported above
                };
                let proxy = match means {
                    ast::VoteMeans::Post => None,
                    ast::VoteMeans::Proxy(holder) if holder.name == voter.name => {
                        self.error(
                            Diagnostic::error(
                                Code::BadMeeting,
                                format!("`{}` cannot hold their own proxy", voter.name),
                            )
                            .at(holder.span, "the voter")
                            .help("a proxy is held by another member present: `d by proxy b`"),
                        );
                        continue;
                    }
                    ast::VoteMeans::Proxy(holder) => {
                        match names.iter().position(|n| *n == holder.name) {
                            Some(h) => Some(h),
                            None => {
                                let help = suggest::did_you_mean(
                                    &holder.name,
                                    names.iter().map(String::as_str),
                                )
                                .unwrap_or_else(|| {
                                    "a proxy is held by a member of the example".into()
                                });
                                self.error(
                                    Diagnostic::error(
                                        Code::UnknownName,
                                        format!(
                                            "`{}` is not a member of this example",
                                            holder.name
                                        ),
                                    )
                                    .at(holder.span, "unknown member")
                                    .help(help),
                                );
                                continue;
                            }
                        }
                    }
                };
                if let Some(list) = absent_votes.get_mut(r) {
                    list.push(crate::program::AbsentVote { voter: v, proxy });
                }
            }
        }
        (votes, absent_votes)
    }

    fn expect_breach(
        &mut self,
        limit: &ast::Ident,
        member: Option<&ast::Ident>,
        span: Span,
        limits: &[(&ast::Limit, Option<usize>)],
        names: &[String],
    ) -> Option<Expectation> {
        let Some(index) = limits.iter().position(|(l, _)| l.name.name == limit.name) else {
            let help = suggest::did_you_mean(
                &limit.name,
                limits.iter().map(|(l, _)| l.name.name.as_str()),
            )
            .unwrap_or_else(|| "name one of the rulebook's limits".into());
            self.error(
                Diagnostic::error(
                    Code::UnknownName,
                    format!("there is no limit `{}`", limit.name),
                )
                .at(limit.span, "not a limit")
                .help(help),
            );
            return None;
        };
        let each = limits[index].0.each.is_some();
        let member = match (member, each) {
            (Some(m), true) => match names.iter().position(|n| *n == m.name) {
                Some(i) => Some(i as u32),
                None => {
                    self.error(
                        Diagnostic::error(
                            Code::UnknownName,
                            format!("`{}` is not a member of this example", m.name),
                        )
                        .at(m.span, "unknown member")
                        .help("name one of the example's members"),
                    );
                    return None;
                }
            },
            (None, false) => None,
            (Some(m), false) => {
                self.error(
                    Diagnostic::error(
                        Code::BadExpectation,
                        format!("the limit `{}` is not a limit on each member", limit.name),
                    )
                    .at(m.span, "no member needed")
                    .help(format!("write `expect breach {}`", limit.name)),
                );
                return None;
            }
            (None, true) => {
                self.error(
                    Diagnostic::error(
                        Code::BadExpectation,
                        format!(
                            "the limit `{}` applies to each member: say which",
                            limit.name
                        ),
                    )
                    .at(span, "which member?")
                    .help(format!("write `expect breach {} for ada`", limit.name)),
                );
                return None;
            }
        };
        Some(Expectation::Breach {
            limit: index,
            member,
            span,
        })
    }

    /// Values given to member attributes (or period figures), one slot per
    /// field, defaults filled in.
    fn bindings(&mut self, bindings: &[ast::Binding], period: bool) -> Vec<Option<Value>> {
        let fields = if period {
            self.period_fields.clone()
        } else {
            self.member_attrs.clone()
        };
        let mut values: Vec<Option<Value>> = fields.iter().map(|f| f.default.clone()).collect();
        let mut given: Vec<Option<Span>> = vec![None; fields.len()];
        for binding in bindings {
            match fields.iter().position(|f| f.name == binding.name.name) {
                Some(i) => {
                    if let Some(first) = given[i] {
                        self.error(
                            Diagnostic::error(
                                Code::Duplicate,
                                format!("`{}` is given twice", binding.name.name),
                            )
                            .at(binding.name.span, "given again here")
                            .related(first, "first given here")
                            .help("keep one of the two values"),
                        );
                    }
                    given[i] = Some(binding.name.span);
                    values[i] = self.const_value(&binding.value, fields[i].ty, &binding.name.name);
                    self.booked_input(&binding.value, fields[i].ty, &values[i]);
                }
                None => {
                    let what = if period { "the period" } else { "a member" };
                    let mut d = Diagnostic::error(
                        Code::UnknownAttribute,
                        format!("{what} has no attribute `{}`", binding.name.name),
                    )
                    .at(binding.name.span, "unknown attribute");
                    let hint = suggest::did_you_mean(
                        &binding.name.name,
                        fields.iter().map(|f| f.name.as_str()),
                    );
                    d = d.help(hint.unwrap_or_else(|| {
                        format!(
                            "the attributes are: {}",
                            fields
                                .iter()
                                .map(|f| f.name.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    }));
                    self.error(d);
                }
            }
        }
        values
    }
}

impl Checker {
    /// A member's or period's money is a booked balance: it must be exact
    /// to the minor unit.
    fn booked_input(&mut self, written: &ast::Value, ty: Type, value: &Option<Value>) {
        values::booked_input(written, ty, value, &mut self.diagnostics);
    }
}

/// While it checks, the checker names the rulebook's types; a bare name is
/// a variant only if it was declared as one (not shadowed by a parameter).
impl Vocabulary for Checker {
    fn currency(&self) -> Option<Currency> {
        self.currency
    }

    fn enums(&self) -> &[EnumDef] {
        &self.enums
    }

    fn units(&self) -> &Units {
        &self.units
    }

    fn variant(&self, name: &str) -> Option<(EnumId, u32)> {
        match self.globals.get(name) {
            Some((Global::Variant(e, v), _)) => Some((*e, *v)),
            _ => None,
        }
    }
}

/// Checks an expression written outside the rulebook (as given to
/// `rochdale explain --value`) against a checked program, in the scope of
/// one of its examples (whose members can be named).
pub fn check_expression(
    program: &Program,
    example: Option<usize>,
    expr: &ast::Expr,
) -> Result<Ir, Vec<Diagnostic>> {
    let names: Vec<String> = example
        .and_then(|e| program.examples.get(e))
        .map(|e| e.member_names.clone())
        .unwrap_or_default();
    check_expression_with(program, &names, expr)
}

/// [`check_expression`] with the people who can be named (a scenario's).
pub fn check_expression_with(
    program: &Program,
    names: &[String],
    expr: &ast::Expr,
) -> Result<Ir, Vec<Diagnostic>> {
    let mut checker = Checker::from_program(program);
    let mut cx = expr::ExprChecker::new(&mut checker, &[], names);
    // An optional value may be explained as it is, `none` included.
    let ir = cx.expr_maybe(expr);
    if checker.diagnostics.iter().any(Diagnostic::is_error) {
        Err(checker.diagnostics)
    } else {
        Ok(ir)
    }
}

impl Checker {
    /// A checker that knows every name of a checked program.
    fn from_program(program: &Program) -> Self {
        let mut checker = Checker {
            currency: program.currency,
            enums: program.enums.clone(),
            member_attrs: program.member_attrs.clone(),
            period_fields: program.period_fields.clone(),
            params: program.params.clone(),
            articles: program.articles.clone(),
            resolutions: program.resolutions.clone(),
            elections: program.elections.clone(),
            units: program.units.clone(),
            ..Checker::default()
        };
        for (i, p) in program.params.iter().enumerate() {
            checker
                .globals
                .insert(p.name.clone(), (Global::Param(i), p.span));
            checker.param_exact.push(false);
        }
        for (i, r) in program.rules.iter().enumerate() {
            checker
                .globals
                .insert(r.name.clone(), (Global::Rule(i), r.span));
            checker.signatures.push(Signature {
                params: r.params.clone(),
                declared: Some(r.result),
                result: Some(r.result),
            });
            checker.rule_exact.push(None);
            checker.rule_never_negative.push(None);
        }
        for (e, def) in program.enums.iter().enumerate() {
            for (v, name) in def.variants.iter().enumerate() {
                checker.globals.insert(
                    name.clone(),
                    (Global::Variant(EnumId(e as u32), v as u32), Span::default()),
                );
            }
        }
        for (i, l) in program.limits.iter().enumerate() {
            checker
                .globals
                .insert(l.name.clone(), (Global::Limit(i), l.span));
        }
        for (i, r) in program.resolutions.iter().enumerate() {
            checker
                .globals
                .insert(r.name.clone(), (Global::Resolution(i), r.span));
        }
        for (a, def) in program.allocations.iter().enumerate() {
            checker.allocation_currency.push(Some(def.currency));
            let forms = def.loss.iter().flat_map(|l| l.forms.iter());
            for (f, form) in forms.enumerate() {
                let key = match form {
                    LossFormDef::Reserve { name, .. } => LossKey::Reserve(name.clone()),
                    LossFormDef::Members { .. } => LossKey::Members,
                    LossFormDef::CarriedForward { .. } => LossKey::CarriedForward,
                };
                checker.loss_forms.push((a, f, key));
            }
            for (t, tranche) in def.tranches.iter().enumerate() {
                checker
                    .tranche_labels
                    .insert(tranche.label.clone(), (a, t, tranche.span));
            }
        }
        checker
    }
}

/// The value of a dated parameter where no date is known: the one in
/// force on the rulebook's `in force` date, or else the latest.
fn dated_default(dated: &[(time::Date, Value)], in_force: Option<time::Date>) -> Value {
    let on_in_force = in_force.and_then(|d| crate::semantics::time::in_force_on(dated, d));
    on_in_force
        .or_else(|| dated.last().map(|(_, v)| v))
        .cloned()
        .unwrap_or(Value::Bool(false))
}
