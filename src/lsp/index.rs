//! Every name written in a rulebook, found once from its syntax tree: what
//! it names (a parameter, a rule, a member attribute, ...) and whether the
//! place defines it or refers to it. Definition, references, rename,
//! hover and completion all read this one index.
//!
//! Names are resolved as the checker resolves them: a name bound in the
//! place (a rule's or act's parameter, `each member m`, an example's
//! members) before a parameter, and a parameter before a rule. A name the
//! index cannot place (an enumeration's variant, a built-in function) is
//! left out rather than guessed.

use std::collections::HashSet;

use crate::span::Span;
use crate::syntax::ast::{
    self, ActDef, Allocation, Argument, Effect, Example, Expect, Expr, ExprKind, Item, Limit,
    Literal, Resolution, RuleDef, Scenario, StepKind, TrancheAmount, TypeExpr, Value,
};

/// What a name names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `parameter markup: Percent = 10%`.
    Parameter,
    /// `rule price(cost: Money): Money = ...`.
    Rule,
    /// `act join(m, payment: Money) { ... }`.
    Act,
    /// `unit km_month`.
    Unit,
    /// A member attribute: `member { shares: Money }`, `m.shares`.
    Attribute,
    /// A period figure: `period { sales: Money }`, `period.sales`.
    PeriodField,
    /// A tranche of an allocation, by its label: `allocated "reserve fund"`.
    Tranche,
    /// `resolution special { ... }`.
    Resolution,
    /// `limit name: ...`, named by `expect breach name`.
    Limit,
    /// `members founders { ... }`, named by an example.
    Fixture,
    /// A name bound in one place only: a rule's parameter, `each member
    /// m`, a member of an example.
    Local,
}

impl Kind {
    /// The kind as a reader names it.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Parameter => "parameter",
            Kind::Rule => "rule",
            Kind::Act => "act",
            Kind::Unit => "unit",
            Kind::Attribute => "member attribute",
            Kind::PeriodField => "period figure",
            Kind::Tranche => "tranche",
            Kind::Resolution => "resolution",
            Kind::Limit => "limit",
            Kind::Fixture => "members",
            Kind::Local => "local name",
        }
    }
}

/// One thing a name can name: its kind, its name and, for a local, the
/// place it is bound in (two `m`s of two rules are different names).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Symbol {
    /// What it names.
    pub kind: Kind,
    /// The name (a tranche's label, for a tranche).
    pub name: String,
    /// For a local: the whole place that binds it.
    pub scope: Option<Span>,
}

/// A name written at one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    /// What it names.
    pub symbol: Symbol,
    /// Where the name itself is written (inside the quotes, for a tranche).
    pub span: Span,
    /// Whether this place defines it.
    pub definition: bool,
}

/// Every name of a rulebook, in the order of the text.
#[derive(Debug, Clone, Default)]
pub struct Index {
    /// The occurrences, sorted by place.
    pub occurrences: Vec<Occurrence>,
}

impl Index {
    /// The index of a parsed rulebook. `text` is its text (to place a
    /// tranche's label inside its quotes).
    pub fn new(book: &ast::Rulebook, text: &str) -> Self {
        let mut walker = Walker {
            globals: Globals::of(book),
            locals: Vec::new(),
            fixtures: Vec::new(),
            text,
            out: Vec::new(),
        };
        walker.fixtures = book
            .items
            .iter()
            .filter_map(|item| match item {
                Item::Members(f) => Some((
                    f.name.name.clone(),
                    f.span,
                    f.members.iter().map(|m| m.name.clone()).collect(),
                )),
                _ => None,
            })
            .collect();
        for item in &book.items {
            walker.item(item);
        }
        let mut occurrences = walker.out;
        occurrences.sort_by_key(|o| (o.span.start, o.span.end));
        occurrences.dedup();
        Index { occurrences }
    }

    /// The name written at byte `offset` (a cursor just after a name is
    /// on it, as editors place it).
    pub fn at(&self, offset: usize) -> Option<&Occurrence> {
        self.occurrences
            .iter()
            .filter(|o| o.span.start <= offset && offset <= o.span.end)
            .min_by_key(|o| o.span.len())
    }

    /// Where `symbol` is defined.
    pub fn definitions<'a>(&'a self, symbol: &'a Symbol) -> impl Iterator<Item = &'a Occurrence> {
        self.occurrences
            .iter()
            .filter(move |o| o.definition && o.symbol == *symbol)
    }

    /// Every place `symbol` is written, its definitions included.
    pub fn occurrences_of<'a>(
        &'a self,
        symbol: &'a Symbol,
    ) -> impl Iterator<Item = &'a Occurrence> {
        self.occurrences.iter().filter(move |o| o.symbol == *symbol)
    }

    /// The local names bound at byte `offset`, innermost last.
    pub fn locals_at(&self, offset: usize) -> Vec<&str> {
        let mut seen = HashSet::new();
        self.occurrences
            .iter()
            .filter(|o| o.definition && o.symbol.kind == Kind::Local)
            .filter(|o| {
                o.symbol
                    .scope
                    .is_some_and(|s| s.start <= offset && offset <= s.end)
            })
            .map(|o| o.symbol.name.as_str())
            .filter(|n| seen.insert(*n))
            .collect()
    }
}

/// The names a rulebook defines at its top level, by kind.
#[derive(Default)]
struct Globals {
    parameters: HashSet<String>,
    rules: HashSet<String>,
    acts: HashSet<String>,
    units: HashSet<String>,
}

impl Globals {
    fn of(book: &ast::Rulebook) -> Self {
        let mut g = Globals::default();
        let rules = |r: &RuleDef, g: &mut Globals| {
            g.rules.insert(r.name.name.clone());
        };
        for item in &book.items {
            match item {
                Item::Parameter(p) => {
                    g.parameters.insert(p.name.name.clone());
                }
                Item::Rule(r) => rules(r, &mut g),
                Item::Act(a) => {
                    g.acts.insert(a.name.name.clone());
                }
                Item::Unit(u) => {
                    g.units.insert(u.name.name.clone());
                }
                Item::Article(a) => {
                    g.parameters
                        .extend(a.parameters.iter().map(|p| p.name.name.clone()));
                    for r in &a.rules {
                        rules(r, &mut g);
                    }
                    g.acts.extend(a.acts.iter().map(|x| x.name.name.clone()));
                    g.units.extend(a.units.iter().map(|u| u.name.name.clone()));
                }
                _ => {}
            }
        }
        g
    }
}

/// Walks the syntax tree, keeping the local names in scope.
struct Walker<'t> {
    globals: Globals,
    /// Locals in scope, innermost last: (name, its symbol).
    locals: Vec<(String, Symbol)>,
    /// Each fixture: its name, its place and its members' names.
    fixtures: Vec<(String, Span, Vec<ast::Ident>)>,
    text: &'t str,
    out: Vec<Occurrence>,
}

impl Walker<'_> {
    fn push(&mut self, kind: Kind, ident: &ast::Ident, scope: Option<Span>, definition: bool) {
        self.out.push(Occurrence {
            symbol: Symbol {
                kind,
                name: ident.name.clone(),
                scope,
            },
            span: ident.span,
            definition,
        });
    }

    /// Binds a local name over `scope`, defined at `ident`.
    fn bind(&mut self, ident: &ast::Ident, scope: Span) {
        self.push(Kind::Local, ident, Some(scope), true);
        self.locals.push((
            ident.name.clone(),
            Symbol {
                kind: Kind::Local,
                name: ident.name.clone(),
                scope: Some(scope),
            },
        ));
    }

    /// A name used as a value: a local, else a parameter, else a rule.
    fn name(&mut self, ident: &ast::Ident) {
        if let Some((_, symbol)) = self.locals.iter().rev().find(|(n, _)| *n == ident.name) {
            let symbol = symbol.clone();
            self.out.push(Occurrence {
                symbol,
                span: ident.span,
                definition: false,
            });
        } else if self.globals.parameters.contains(&ident.name) {
            self.push(Kind::Parameter, ident, None, false);
        } else if self.globals.rules.contains(&ident.name) {
            self.push(Kind::Rule, ident, None, false);
        }
    }

    /// A tranche's label, placed inside its quotes when the text there is
    /// the label as written (no escapes).
    fn tranche(&mut self, label: &ast::Text, definition: bool) {
        let inner = Span::new(label.span.start + 1, label.span.end.saturating_sub(1));
        if self.text.get(inner.start..inner.end) == Some(label.value.as_str()) {
            self.out.push(Occurrence {
                symbol: Symbol {
                    kind: Kind::Tranche,
                    name: label.value.clone(),
                    scope: None,
                },
                span: inner,
                definition,
            });
        }
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Unit(u) => self.push(Kind::Unit, &u.name, None, true),
            Item::MemberSchema(s) | Item::PeriodSchema(s) => {
                let kind = match item {
                    Item::MemberSchema(_) => Kind::Attribute,
                    _ => Kind::PeriodField,
                };
                for field in &s.fields {
                    self.push(kind, &field.name, None, true);
                    self.ty(&field.ty);
                    if let Some(v) = &field.default {
                        self.value(v);
                    }
                }
            }
            Item::Parameter(p) => self.parameter(p),
            Item::Article(a) => {
                for u in &a.units {
                    self.push(Kind::Unit, &u.name, None, true);
                }
                for p in &a.parameters {
                    self.parameter(p);
                }
                for r in &a.rules {
                    self.rule(r);
                }
                for l in &a.limits {
                    self.limit(l);
                }
                for x in &a.allocations {
                    self.allocation(x);
                }
                for r in &a.resolutions {
                    self.resolution(r);
                }
                for x in &a.acts {
                    self.act(x);
                }
            }
            Item::Rule(r) => self.rule(r),
            Item::Limit(l) => self.limit(l),
            Item::Allocation(a) => self.allocation(a),
            Item::Resolution(r) => self.resolution(r),
            Item::Election(x) => {
                let clauses = [&x.candidate, &x.voter].into_iter().flatten();
                let reserved = x.reserves.iter().map(|r| (&r.var, &r.condition));
                for (var, condition) in clauses.map(|c| (&c.var, &c.condition)).chain(reserved) {
                    let depth = self.locals.len();
                    self.bind(var, x.span);
                    self.expr(condition);
                    self.locals.truncate(depth);
                }
            }
            Item::Act(a) => self.act(a),
            Item::Scenario(s) => self.scenario(s),
            Item::Example(e) => self.example(e),
            Item::Members(f) => {
                self.push(Kind::Fixture, &f.name, None, true);
                let depth = self.locals.len();
                for m in &f.members {
                    self.bind(&m.name, f.span);
                    self.bindings(Kind::Attribute, &m.values);
                }
                self.locals.truncate(depth);
            }
        }
    }

    fn parameter(&mut self, p: &ast::Parameter) {
        self.push(Kind::Parameter, &p.name, None, true);
        self.ty(&p.ty);
        self.value(&p.default);
    }

    fn rule(&mut self, r: &RuleDef) {
        self.push(Kind::Rule, &r.name, None, true);
        let depth = self.locals.len();
        for p in r.params.iter().flatten() {
            self.bind(&p.name, r.span);
            if let Some(t) = &p.ty {
                self.ty(t);
            }
        }
        if let Some(t) = &r.result {
            self.ty(t);
        }
        self.expr(&r.body);
        for x in &r.exceptions {
            self.expr(&x.condition);
            self.expr(&x.value);
        }
        self.locals.truncate(depth);
    }

    fn limit(&mut self, l: &Limit) {
        self.push(Kind::Limit, &l.name, None, true);
        let depth = self.locals.len();
        if let Some(m) = &l.each {
            self.bind(m, l.span);
        }
        self.expr(&l.condition);
        self.locals.truncate(depth);
    }

    fn allocation(&mut self, a: &Allocation) {
        self.expr(&a.amount);
        if let Some(d) = &a.record_date {
            self.expr(d);
        }
        for t in &a.tranches {
            self.tranche(&t.label, true);
            let depth = self.locals.len();
            match &t.amount {
                TrancheAmount::Expr(e) => self.expr(e),
                TrancheAmount::EachMember { var, filter, value } => {
                    self.bind(var, t.span);
                    if let Some(f) = filter {
                        self.expr(f);
                    }
                    self.expr(value);
                }
            }
            for e in [&t.at_most, &t.at_least].into_iter().flatten() {
                self.expr(e);
            }
            self.locals.truncate(depth);
            if let Some(split) = &t.split {
                self.bind(&split.var, split.span);
                if let Some(f) = &split.filter {
                    self.expr(f);
                }
                self.expr(&split.weight);
                self.locals.truncate(depth);
            }
        }
    }

    fn resolution(&mut self, r: &Resolution) {
        self.push(Kind::Resolution, &r.name, None, true);
        if let Some(w) = &r.weights {
            self.push(Kind::Attribute, &w.attribute, None, false);
        }
        if let Some(d) = &r.record_date {
            self.expr(d);
        }
    }

    fn act(&mut self, a: &ActDef) {
        self.push(Kind::Act, &a.name, None, true);
        let depth = self.locals.len();
        for p in a.params.iter().flatten() {
            self.bind(&p.name, a.span);
            if let Some(t) = &p.ty {
                self.ty(t);
            }
        }
        for r in &a.requires {
            self.expr(r);
        }
        self.effects(&a.effects, a.span);
        self.locals.truncate(depth);
    }

    fn effects(&mut self, effects: &[Effect], scope: Span) {
        for effect in effects {
            match effect {
                Effect::Admit(m) | Effect::Remove(m) => self.name(m),
                Effect::Post {
                    amount,
                    debit,
                    credit,
                    ..
                } => {
                    self.expr(amount);
                    for m in [&debit.member, &credit.member].into_iter().flatten() {
                        self.name(m);
                    }
                }
                Effect::ForEach {
                    var,
                    filter,
                    effects,
                    ..
                } => {
                    let depth = self.locals.len();
                    self.bind(var, scope);
                    if let Some(f) = filter {
                        self.expr(f);
                    }
                    self.effects(effects, scope);
                    self.locals.truncate(depth);
                }
                Effect::Change {
                    member,
                    attribute,
                    value,
                    ..
                } => {
                    self.name(member);
                    self.push(Kind::Attribute, attribute, None, false);
                    self.expr(value);
                }
            }
        }
    }

    /// `name value` pairs that give a value to a `kind` of name.
    fn bindings(&mut self, kind: Kind, bindings: &[ast::Binding]) {
        for b in bindings {
            self.push(kind, &b.name, None, false);
            self.value(&b.value);
        }
    }

    fn votes(&mut self, v: &ast::ExampleVotes) {
        self.push(Kind::Resolution, &v.resolution, None, false);
        for m in v.for_.iter().chain(&v.against).chain(&v.abstain) {
            self.name(m);
        }
        // The holder of a proxy is a member named too.
        for (_, means) in &v.absent {
            if let ast::VoteMeans::Proxy(holder) = means {
                self.name(holder);
            }
        }
    }

    fn scenario(&mut self, s: &Scenario) {
        let depth = self.locals.len();
        for m in &s.members {
            self.bind(&m.name, s.span);
            self.bindings(Kind::Attribute, &m.values);
        }
        self.bindings(Kind::Parameter, &s.parameters);
        for step in &s.steps {
            match &step.kind {
                StepKind::Act { name, args } => {
                    if self.globals.acts.contains(&name.name) {
                        self.push(Kind::Act, name, None, false);
                    }
                    for a in args {
                        self.value(a);
                    }
                }
                StepKind::Motion {
                    votes,
                    amendments,
                    then,
                    ..
                } => {
                    self.votes(votes);
                    self.bindings(Kind::Parameter, amendments);
                    if let Some(act) = then {
                        if self.globals.acts.contains(&act.name.name) {
                            self.push(Kind::Act, &act.name, None, false);
                        }
                        for a in &act.args {
                            self.value(a);
                        }
                    }
                }
                StepKind::Close { figures } => self.bindings(Kind::PeriodField, figures),
                StepKind::Election(b) => {
                    for c in &b.candidates {
                        self.name(c);
                    }
                    for ballot in &b.ballots {
                        self.name(&ballot.voter);
                        ballot.choices.iter().for_each(|c| self.name(c));
                    }
                }
            }
        }
        self.locals.truncate(depth);
    }

    fn example(&mut self, e: &Example) {
        let depth = self.locals.len();
        for f in &e.fixtures {
            self.push(Kind::Fixture, f, None, false);
            // The fixture's members are named in the example as its own.
            let named = self.fixtures.iter().find(|(n, _, _)| *n == f.name);
            if let Some((_, scope, members)) = named.cloned() {
                for m in members {
                    self.locals.push((
                        m.name.clone(),
                        Symbol {
                            kind: Kind::Local,
                            name: m.name,
                            scope: Some(scope),
                        },
                    ));
                }
            }
        }
        for m in &e.members {
            self.bind(&m.name, e.span);
            self.bindings(Kind::Attribute, &m.values);
        }
        self.bindings(Kind::PeriodField, &e.period);
        self.bindings(Kind::Parameter, &e.parameters);
        for v in &e.votes {
            self.votes(v);
        }
        for x in &e.expectations {
            match x {
                Expect::Value(expr) => self.expr(expr),
                Expect::Breach { limit, member, .. } => {
                    self.push(Kind::Limit, limit, None, false);
                    if let Some(m) = member {
                        self.name(m);
                    }
                }
            }
        }
        self.locals.truncate(depth);
    }

    fn ty(&mut self, t: &TypeExpr) {
        if let TypeExpr::Named { name, per, .. } = t {
            for unit in std::iter::once(name).chain(per) {
                if self.globals.units.contains(&unit.name) {
                    self.push(Kind::Unit, unit, None, false);
                }
            }
        }
    }

    fn value(&mut self, v: &Value) {
        match v {
            Value::Literal(l, _) => self.literal(l),
            Value::Name(ident) => self.name(ident),
        }
    }

    fn literal(&mut self, l: &Literal) {
        if let Literal::Measure { unit, per, .. } = l {
            for u in [unit, per].into_iter().flatten() {
                if self.globals.units.contains(&u.name) {
                    self.push(Kind::Unit, u, None, false);
                }
            }
        }
    }

    fn expr(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Literal(l) => self.literal(l),
            ExprKind::Name(ident) => self.name(ident),
            ExprKind::Because(inner, _) | ExprKind::IsNone(inner, _) => self.expr(inner),
            ExprKind::Allocated { label, member } => {
                self.tranche(label, false);
                if let Some(m) = member {
                    self.name(m);
                }
            }
            ExprKind::LossBorne(crate::syntax::ast::LossBearer::Member(m)) => self.name(m),
            ExprKind::LossBorne(_) => {}
            ExprKind::Remainder => {}
            ExprKind::Attribute(m, attr) => {
                self.name(m);
                self.push(Kind::Attribute, attr, None, false);
            }
            ExprKind::Period(field) => self.push(Kind::PeriodField, field, None, false),
            ExprKind::Unary(_, x) => self.expr(x),
            ExprKind::Binary(_, a, b) => {
                self.expr(a);
                self.expr(b);
            }
            ExprKind::If {
                branches,
                otherwise,
            } => {
                for (c, v) in branches {
                    self.expr(c);
                    self.expr(v);
                }
                self.expr(otherwise);
            }
            ExprKind::Call { name, args } => {
                if self.globals.rules.contains(&name.name) {
                    self.push(Kind::Rule, name, None, false);
                }
                for a in args {
                    match a {
                        Argument::Expr(x) | Argument::Step(x, _) => self.expr(x),
                        Argument::Mode(..) => {}
                    }
                }
            }
            ExprKind::Aggregate {
                value, var, filter, ..
            } => {
                let depth = self.locals.len();
                self.bind(var, e.span);
                if let Some(f) = filter {
                    self.expr(f);
                }
                if let Some(v) = value {
                    self.expr(v);
                }
                self.locals.truncate(depth);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOOK: &str = r#"rulebook "T" currency GBP
member {
  shares: Money = £0
}
parameter rate: Percent = 5%
rule interest(m): Money = m.shares * rate
rule total: Money = sum(interest(m) for each member m)
example "one" {
  members { ada: shares £10 }
  parameter rate = 10%
  expect interest(ada) = £1.00
}
"#;

    fn spans(index: &Index, kind: Kind, name: &str) -> Vec<(&'static str, bool)> {
        let symbol = Symbol {
            kind,
            name: name.into(),
            scope: None,
        };
        index
            .occurrences_of(&symbol)
            .map(|o| {
                let text: &'static str = &BOOK[o.span.start..o.span.end];
                (text, o.definition)
            })
            .collect()
    }

    #[test]
    fn names_are_placed_by_kind() {
        let book = crate::syntax::parse(BOOK).expect("parses");
        let index = Index::new(&book, BOOK);
        // `rate`: defined once, read in `interest`, set in the example.
        let rate: Vec<usize> = index
            .occurrences_of(&Symbol {
                kind: Kind::Parameter,
                name: "rate".into(),
                scope: None,
            })
            .map(|o| o.span.start)
            .collect();
        let expected: Vec<usize> = BOOK.match_indices("rate").map(|(i, _)| i).collect();
        assert_eq!(rate, expected, "every `rate` of the text, and nothing else");
        assert_eq!(
            spans(&index, Kind::Rule, "interest"),
            [("interest", true), ("interest", false), ("interest", false)]
        );
        assert_eq!(
            spans(&index, Kind::Attribute, "shares"),
            [("shares", true), ("shares", false), ("shares", false)]
        );
        // The two `m`s are two names: each rule binds its own.
        let ms: Vec<Option<Span>> = index
            .occurrences
            .iter()
            .filter(|o| o.symbol.name == "m" && o.definition)
            .map(|o| o.symbol.scope)
            .collect();
        assert_eq!(ms.len(), 2);
        assert_ne!(ms[0], ms[1]);
    }
}
