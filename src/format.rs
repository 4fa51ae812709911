//! `rochdale fmt`: one canonical layout for rulebooks.
//!
//! The layout: two spaces of indent; one statement a line; a blank line
//! between top-level items and around blocks inside articles; operators
//! spaced, brackets only where precedence needs them; a condition whose
//! clauses carry reasons (or that is long) broken one clause a line.
//! Literals and texts are kept exactly as written. Every comment is kept:
//! before the statement it stood before, or at the end of the line it ended;
//! a comment inside an expression moves to just after its statement.
//! Formatting never changes a rulebook's syntax tree (nor its provenance).

use crate::diagnostic::Diagnostic;
use crate::span::Span;
use crate::syntax::ast::*;

/// Formats a rulebook. A rulebook with syntax errors is not formatted: its
/// diagnostics are returned.
pub fn format_source(text: &str) -> Result<String, Vec<Diagnostic>> {
    let book = crate::syntax::parse(text)?;
    let mut p = Printer {
        src: text,
        out: String::with_capacity(text.len() + text.len() / 8),
        comments: comments(text),
        next: 0,
    };
    p.rulebook(&book);
    Ok(p.out)
}

/// The widest line a condition may take before it is broken into clauses.
const WIDTH: usize = 90;

#[derive(Debug)]
struct Comment {
    start: usize,
    text: String,
    /// Alone on its line (not after code).
    own_line: bool,
}

/// Every `--` comment outside texts.
fn comments(text: &str) -> Vec<Comment> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                let start = i;
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                let line_start = text[..start].rfind('\n').map_or(0, |n| n + 1);
                out.push(Comment {
                    start,
                    text: text[start..i].trim_end().to_string(),
                    own_line: text[line_start..start].trim().is_empty(),
                });
            }
            _ => i += 1,
        }
    }
    out
}

struct Printer<'a> {
    src: &'a str,
    out: String,
    comments: Vec<Comment>,
    next: usize,
}

fn pad(indent: usize) -> String {
    "  ".repeat(indent)
}

impl Printer<'_> {
    fn slice(&self, span: Span) -> &str {
        self.src.get(span.start..span.end).unwrap_or("")
    }

    /// Where the code of a span ends: pest's spans take in the whitespace
    /// and comments after a node when an optional part follows it.
    fn code_end(&self, span: Span) -> usize {
        let end = span.end.min(self.src.len());
        let bytes = self.src.as_bytes();
        let mut i = span.start.min(end);
        let mut last = i;
        while i < end {
            match bytes[i] {
                b'"' => {
                    i += 1;
                    while i < end && bytes[i] != b'"' {
                        i += if bytes[i] == b'\\' { 2 } else { 1 };
                    }
                    i += 1;
                    last = i.min(end);
                }
                b'-' if bytes.get(i + 1) == Some(&b'-') => {
                    while i < end && bytes[i] != b'\n' {
                        i += 1;
                    }
                }
                b if b.is_ascii_whitespace() => i += 1,
                _ => {
                    i += 1;
                    last = i;
                }
            }
        }
        last
    }

    /// Comments that stand before `pos` and are not yet written, each on a
    /// line of its own.
    fn comments_before(&mut self, pos: usize, indent: usize) {
        while let Some(c) = self.comments.get(self.next) {
            if c.start >= pos {
                break;
            }
            let line = format!("{}{}\n", pad(indent), c.text);
            self.out.push_str(&line);
            self.next += 1;
        }
    }

    /// Writes a statement (one or more lines) that stood at `span`, with the
    /// comments before it, and those that ended its last source line.
    fn statement(&mut self, indent: usize, lines: &[String], span: Span) {
        let shaped: Vec<(usize, String)> = lines
            .iter()
            .enumerate()
            .map(|(i, l)| (usize::from(i > 0), l.clone()))
            .collect();
        self.statement_shaped(indent, &shaped, span);
    }

    /// A statement whose lines each have their own indent (relative).
    fn statement_shaped(&mut self, indent: usize, lines: &[(usize, String)], span: Span) {
        self.comments_before(span.start, indent);
        let end = self.code_end(span);
        let line_end = self.src[end..]
            .find('\n')
            .map_or(self.src.len(), |n| end + n);
        let mut trailing = Vec::new();
        while let Some(c) = self.comments.get(self.next) {
            if c.start >= line_end || c.own_line {
                break;
            }
            trailing.push(c.text.clone());
            self.next += 1;
        }
        for (i, (extra, line)) in lines.iter().enumerate() {
            self.out.push_str(&pad(indent + extra));
            self.out.push_str(line);
            if i + 1 == lines.len() {
                for t in &trailing {
                    self.out.push_str("  ");
                    self.out.push_str(t);
                }
            }
            self.out.push('\n');
        }
    }

    fn open(&mut self, indent: usize, text: &str, pos: usize) {
        self.comments_before(pos, indent);
        self.out.push_str(&format!("{}{text}\n", pad(indent)));
    }

    /// Closes a block that ended at `end`, after the comments inside it.
    fn close(&mut self, indent: usize, end: usize) {
        self.comments_before(end, indent + 1);
        self.out.push_str(&format!("{}}}\n", pad(indent)));
    }

    fn blank(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    // ------------------------------------------------------------ items

    fn rulebook(&mut self, book: &Rulebook) {
        let h = &book.header;
        let mut line = format!("rulebook {}", self.clause(h.name.span));
        if let Some(v) = &h.version {
            line.push_str(&format!(" version {}", self.clause(v.span)));
        }
        if let Some(c) = &h.currency {
            line.push_str(&format!(" currency {}", c.name));
        }
        if let Some((_, span)) = &h.in_force {
            line.push_str(&format!(" in force {}", self.clause(*span)));
        }
        let mut lines = vec![line];
        // The calendar on a line of its own, indented under the header.
        if let Some(fy) = &h.financial_year {
            let mut clause = format!(
                "financial year from {} {}",
                fy.day,
                crate::syntax::MONTHS[usize::from(u8::from(fy.month)) - 1]
            );
            if let Some(p) = &fy.periods {
                clause.push_str(&format!(" in {}", p.name));
            }
            lines.push(clause);
        }
        if let Some(dc) = &h.day_count {
            lines.push(format!("day count {}", dc.name));
        }
        self.statement(0, &lines, Span::new(h.span.start, h.name.span.end));
        for item in &book.items {
            self.blank();
            self.item(item, 0);
        }
        self.comments_before(usize::MAX, 0);
    }

    fn item(&mut self, item: &Item, indent: usize) {
        match item {
            Item::Unit(u) => self.unit(u, indent),
            Item::MemberSchema(s) => self.schema("member", s, indent),
            Item::PeriodSchema(s) => self.schema("period", s, indent),
            Item::Parameter(p) => self.parameter(p, indent),
            Item::Article(a) => self.article(a, indent),
            Item::Rule(r) => self.rule(r, indent),
            Item::Limit(l) => self.limit(l, indent),
            Item::Allocation(a) => self.allocation(a, indent),
            Item::Resolution(r) => self.resolution(r, indent),
            Item::Election(e) => self.election(e, indent),
            Item::Act(a) => self.act(a, indent),
            Item::Example(e) => self.example(e, indent),
            Item::Scenario(s) => self.scenario(s, indent),
            Item::Members(f) => self.fixture(f, indent),
        }
    }

    fn unit(&mut self, u: &UnitDecl, indent: usize) {
        let mut line = format!("unit {}", u.name.name);
        let mut span = u.name.span;
        if let Some(d) = &u.description {
            line.push_str(&format!(" {}", self.clause(d.span)));
            span = span.to(d.span);
        }
        self.statement(indent, &[line], span);
    }

    fn ty(&self, t: &TypeExpr) -> String {
        match t {
            TypeExpr::Named {
                name,
                currency,
                per,
                optional,
                ..
            } => {
                let mut s = name.name.clone();
                if let Some(c) = currency {
                    s.push_str(&format!(" in {}", c.name));
                }
                if let Some(p) = per {
                    s.push_str(&format!(" per {}", p.name));
                }
                if *optional {
                    s.push('?');
                }
                s
            }
            TypeExpr::Enum { variants, .. } => variants
                .iter()
                .map(|v| v.name.as_str())
                .collect::<Vec<_>>()
                .join(" or "),
        }
    }

    fn value(&self, v: &Value) -> String {
        match v {
            Value::Literal(_, span) => self.clause(*span).to_string(),
            Value::Name(id) => id.name.clone(),
        }
    }

    fn schema(&mut self, keyword: &str, s: &Schema, indent: usize) {
        self.open(indent, &format!("{keyword} {{"), s.span.start);
        for f in &s.fields {
            let mut line = format!("{}: {}", f.name.name, self.ty(&f.ty));
            if let Some(l) = &f.ledger {
                let side = if l.credits { "credits" } else { "debits" };
                line.push_str(&format!(" = {side} of {}", self.clause(l.account.span)));
            } else if let Some(d) = &f.default {
                line.push_str(&format!(" = {}", self.value(d)));
            }
            if f.each_period {
                line.push_str(" each period");
            }
            self.statement(indent + 1, &[line], f.span);
        }
        self.close(indent, s.span.end);
    }

    fn parameter(&mut self, p: &Parameter, indent: usize) {
        let head = format!("parameter {}: {} =", p.name.name, self.ty(&p.ty));
        let Some((from, _)) = p.from else {
            let line = format!("{head} {}", self.value(&p.default));
            self.statement(indent, &[line], p.span);
            return;
        };
        // Dated values: on one line if it fits, else one value a line.
        let mut values = vec![format!(
            "{} from {}",
            self.value(&p.default),
            format_date(from)
        )];
        values.extend(
            p.later
                .iter()
                .map(|d| format!("{} from {}", self.value(&d.value), format_date(d.from))),
        );
        let line = format!("{head} {}", values.join(", "));
        if pad(indent).len() + line.len() <= WIDTH {
            self.statement(indent, &[line], p.span);
            return;
        }
        let last = values.len() - 1;
        let mut lines = vec![head];
        lines.extend(
            values.into_iter().enumerate().map(
                |(i, v)| {
                    if i == last { v } else { format!("{v},") }
                },
            ),
        );
        self.statement(indent, &lines, p.span);
    }

    fn article(&mut self, a: &Article, indent: usize) {
        let header = format!("article {} {} {{", a.number.name, self.clause(a.title.span));
        self.open(indent, &header, a.span.start);
        // The article's items in the order written.
        #[derive(Clone, Copy)]
        enum Part<'b> {
            Text(&'b crate::syntax::ast::Text),
            Source(&'b crate::syntax::ast::Text),
            Unit(&'b UnitDecl),
            Parameter(&'b Parameter),
            Rule(&'b RuleDef),
            Limit(&'b Limit),
            Allocation(&'b Allocation),
            Resolution(&'b Resolution),
            Act(&'b ActDef),
        }
        let mut parts: Vec<(usize, u8, Part)> = Vec::new();
        parts.extend(
            a.legal_text
                .iter()
                .map(|t| (t.span.start, 0, Part::Text(t))),
        );
        parts.extend(a.sources.iter().map(|t| (t.span.start, 0, Part::Source(t))));
        parts.extend(
            a.units
                .iter()
                .map(|u| (u.name.span.start, 1, Part::Unit(u))),
        );
        parts.extend(
            a.parameters
                .iter()
                .map(|p| (p.span.start, 2, Part::Parameter(p))),
        );
        parts.extend(a.rules.iter().map(|r| (r.span.start, 3, Part::Rule(r))));
        parts.extend(a.limits.iter().map(|l| (l.span.start, 4, Part::Limit(l))));
        parts.extend(
            a.allocations
                .iter()
                .map(|x| (x.span.start, 5, Part::Allocation(x))),
        );
        parts.extend(
            a.resolutions
                .iter()
                .map(|r| (r.span.start, 6, Part::Resolution(r))),
        );
        parts.extend(a.acts.iter().map(|x| (x.span.start, 7, Part::Act(x))));
        parts.sort_by_key(|(start, _, _)| *start);
        let mut previous: Option<u8> = None;
        for (_, kind, part) in parts {
            let block = matches!(
                part,
                Part::Allocation(_) | Part::Resolution(_) | Part::Act(_)
            );
            if previous.is_some_and(|k| k != kind || block) {
                self.blank();
            }
            previous = Some(if block { u8::MAX } else { kind });
            let i = indent + 1;
            match part {
                Part::Text(t) => {
                    let line = format!("text {}", self.clause(t.span));
                    self.statement(i, &[line], t.span);
                }
                Part::Source(t) => {
                    let line = format!("source {}", self.clause(t.span));
                    self.statement(i, &[line], t.span);
                }
                Part::Unit(u) => self.unit(u, i),
                Part::Parameter(p) => self.parameter(p, i),
                Part::Rule(r) => self.rule(r, i),
                Part::Limit(l) => self.limit(l, i),
                Part::Allocation(x) => self.allocation(x, i),
                Part::Resolution(r) => self.resolution(r, i),
                Part::Act(x) => self.act(x, i),
            }
        }
        self.close(indent, a.span.end);
    }

    fn params(&self, params: &Option<Vec<RuleParam>>) -> String {
        match params {
            None => String::new(),
            Some(list) => {
                let shown: Vec<String> = list
                    .iter()
                    .map(|p| match &p.ty {
                        Some(t) => format!("{}: {}", p.name.name, self.ty(t)),
                        None => p.name.name.clone(),
                    })
                    .collect();
                format!("({})", shown.join(", "))
            }
        }
    }

    /// `head` followed by a condition, broken into clauses when long or
    /// when its clauses carry reasons: `rule x =` / `requires` / `limit l:`.
    fn headed(&self, head: &str, e: &Expr) -> Vec<String> {
        let one = format!("{head} {}", self.expr(e));
        let clauses = and_chain(e);
        let reasons = clauses
            .iter()
            .filter(|c| matches!(c.kind, ExprKind::Because(..)))
            .count();
        if clauses.len() < 2 || (reasons < 2 && one.len() <= WIDTH) {
            return vec![one];
        }
        let mut lines = Vec::with_capacity(clauses.len() + 1);
        for (i, c) in clauses.iter().enumerate() {
            // The first clause may be an `and` itself only if bracketed.
            let text = self.child(c, if i == 0 { 2 } else { 3 });
            match (i, head.ends_with('=')) {
                // `rule x =` stands alone, the clauses under it.
                (0, true) => {
                    lines.push(head.to_string());
                    lines.push(text);
                }
                (0, false) => lines.push(format!("{head} {text}")),
                _ => lines.push(format!("and {text}")),
            }
        }
        lines
    }

    fn rule(&mut self, r: &RuleDef, indent: usize) {
        let mut head = format!("rule {}{}", r.name.name, self.params(&r.params));
        if let Some(t) = &r.result {
            head.push_str(&format!(": {}", self.ty(t)));
        }
        head.push_str(" =");
        // Before the rule's exceptions, `except when` outside brackets
        // would begin one of them: such a part is bracketed whole.
        let part = |f: &Self, e: &Expr| {
            if waives(e) {
                format!("({})", f.expr(e))
            } else {
                f.expr(e)
            }
        };
        let mut lines = if !r.exceptions.is_empty() && waives(&r.body) {
            vec![format!("{head} {}", part(self, &r.body))]
        } else {
            self.headed(&head, &r.body)
        };
        for e in &r.exceptions {
            lines.push(format!(
                "except {}when {} then {}",
                if e.prevailing { "prevailing " } else { "" },
                part(self, &e.condition),
                part(self, &e.value)
            ));
        }
        self.statement(indent, &lines, r.span);
    }

    fn limit(&mut self, l: &Limit, indent: usize) {
        let head = format!("limit {}:", l.name.name);
        let mut lines = self.headed(&head, &l.condition);
        if let Some(m) = &l.each {
            if let Some(last) = lines.last_mut() {
                last.push_str(&format!(" for each member {}", m.name));
            }
        }
        if let Some(s) = &l.source {
            lines.push(format!("source {}", self.clause(s.span)));
        }
        self.statement(indent, &lines, l.span);
    }

    fn allocation(&mut self, a: &Allocation, indent: usize) {
        let mut head = format!("allocate {}", self.expr(&a.amount));
        if let Some((mode, _)) = a.rounding {
            head.push_str(&format!(" rounding {}", mode.as_str()));
        }
        if let Some((scope, _)) = a.scope {
            head.push_str(&format!(" {}", scope.as_str()));
        }
        if let Some(d) = &a.record_date {
            head.push_str(&format!(" record date {}", self.expr(d)));
        }
        head.push_str(" {");
        self.open(indent, &head, a.span.start);
        for t in &a.tranches {
            let mut line = format!("{}: ", self.clause(t.label.span));
            match &t.amount {
                TrancheAmount::Expr(e) => line.push_str(&self.expr(e)),
                TrancheAmount::EachMember { var, filter, value } => {
                    line.push_str(&format!("each member {}", var.name));
                    if let Some(f) = filter {
                        line.push_str(&format!(" where {}", self.expr(f)));
                    }
                    line.push_str(&format!(": {}", self.expr(value)));
                }
            }
            if let Some(e) = &t.at_most {
                line.push_str(&format!(", at most {}", self.expr(e)));
            }
            if let Some(e) = &t.at_least {
                line.push_str(&format!(", at least {}", self.expr(e)));
            }
            if let Some(s) = &t.split {
                line.push_str(&format!(", to each member {}", s.var.name));
                if let Some(f) = &s.filter {
                    line.push_str(&format!(" where {}", self.expr(f)));
                }
                line.push_str(&format!(" in proportion to {}", self.expr(&s.weight)));
            }
            let mut lines = vec![line];
            if let Some(c) = &t.credited {
                lines.push(format!(
                    "credited to {}.{} up to {}, booked to {}",
                    c.member.name,
                    c.attribute.name,
                    self.expr(&c.ceiling),
                    self.clause(c.account.span)
                ));
            }
            if let Some(reserve) = &t.otherwise {
                lines.push(format!("else to reserve {}", self.clause(reserve.span)));
            }
            self.statement(indent + 1, &lines, t.span);
        }
        if let Some(block) = &a.loss {
            self.open(indent + 1, "if a loss {", block.span.start);
            for form in &block.forms {
                let (line, span) = match form {
                    LossForm::Reserve {
                        name,
                        at_most,
                        span,
                    } => {
                        let mut line = format!("from reserve {}", self.clause(name.span));
                        if let Some(e) = at_most {
                            line.push_str(&format!(", at most {}", self.expr(e)));
                        }
                        (line, *span)
                    }
                    LossForm::Members(s) => {
                        let mut line = format!("to each member {}", s.var.name);
                        if let Some(f) = &s.filter {
                            line.push_str(&format!(" where {}", self.expr(f)));
                        }
                        line.push_str(&format!(" in proportion to {}", self.expr(&s.weight)));
                        (line, s.span)
                    }
                    LossForm::CarriedForward(span) => ("carried forward".to_string(), *span),
                };
                self.statement(indent + 2, &[line], span);
            }
            self.close(indent + 1, block.span.end);
        }
        self.close(indent, a.span.end);
    }

    /// A clause written in the source, its whitespace made single and its
    /// comments left to the comment list.
    fn clause(&self, span: Span) -> String {
        let text = self.slice(span);
        let mut out = String::with_capacity(text.len());
        let mut chars = text.chars().peekable();
        let mut space = false;
        while let Some(c) = chars.next() {
            match c {
                '"' => {
                    if space && !out.is_empty() {
                        out.push(' ');
                    }
                    space = false;
                    out.push('"');
                    while let Some(d) = chars.next() {
                        out.push(d);
                        if d == '\\' {
                            if let Some(e) = chars.next() {
                                out.push(e);
                            }
                        } else if d == '"' {
                            break;
                        }
                    }
                }
                '-' if chars.peek() == Some(&'-') => {
                    for d in chars.by_ref() {
                        if d == '\n' {
                            break;
                        }
                    }
                    space = true;
                }
                c if c.is_whitespace() => space = true,
                c => {
                    if space && !out.is_empty() {
                        out.push(' ');
                    }
                    space = false;
                    out.push(c);
                }
            }
        }
        out
    }

    fn resolution(&mut self, r: &Resolution, indent: usize) {
        let mut head = format!("resolution {}", r.name.name);
        if let Some(t) = &r.title {
            head.push_str(&format!(" {}", self.clause(t.span)));
        }
        head.push_str(" {");
        self.open(indent, &head, r.span.start);
        let i = indent + 1;
        if let Some(c) = &r.procedure.voter {
            let lines = self.headed(&format!("voter {} requires", c.var.name), &c.condition);
            self.statement(i, &lines, c.span);
        }
        match &r.weights {
            None => self
                .out
                .push_str(&format!("{}one member one vote\n", pad(i))),
            Some(w) => {
                let line = self.clause(w.span);
                self.statement(i, &[line], w.span);
            }
        }
        if let (Some((_, first)), Some((_, last))) = (r.quorum.first(), r.quorum.last()) {
            let terms: Vec<String> = r.quorum.iter().map(|(_, s)| self.clause(*s)).collect();
            let line = match (r.quorum_form, terms.as_slice()) {
                (QuorumForm::Greater, [a, b]) => format!("quorum the greater of {a} or {b}"),
                (QuorumForm::Lesser, [a, b]) => format!("quorum the lesser of {a} or {b}"),
                _ => format!("quorum {}", terms.join(" and ")),
            };
            self.statement(i, &[line], first.to(*last));
        }
        if let Some(c) = &r.procedure.second_call {
            let line = self.clause(c.span);
            self.statement(i, &[line], c.span);
        }
        if let Some(t) = &r.threshold {
            let line = self.clause(t.span);
            self.statement(i, &[line], t.span);
        }
        if let Some(c) = &r.consent {
            let line = self.clause(c.span);
            self.statement(i, &[line], c.span);
        }
        if r.abstentions_against {
            self.out
                .push_str(&format!("{}abstentions count against\n", pad(i)));
        }
        if let Some(pass) = r.ties_pass {
            self.out.push_str(&format!(
                "{}ties {}\n",
                pad(i),
                if pass { "pass" } else { "fail" }
            ));
        }
        if let Some(d) = &r.record_date {
            let line = format!("record date {}", self.expr(d));
            self.statement(i, &[line], d.span);
        }
        if let (Some(first), Some(last)) = (r.alone_amends.first(), r.alone_amends.last()) {
            let names: Vec<&str> = r.alone_amends.iter().map(|p| p.name.as_str()).collect();
            let line = format!("alone amends {}", names.join(", "));
            self.statement(i, &[line], first.span.to(last.span));
        }
        if let Some((when, span)) = &r.effective {
            let line = format!("amendments effective {when}");
            self.statement(i, &[line], *span);
        }
        let procedure = &r.procedure;
        let clauses = [
            procedure.notice.map(|n| n.span),
            procedure.proxies.map(|(_, s)| s),
            procedure.postal,
            procedure.confirmation.as_ref().map(|c| c.span),
        ];
        for span in clauses.into_iter().flatten() {
            let line = self.clause(span);
            self.statement(i, &[line], span);
        }
        self.close(indent, r.span.end);
    }

    fn election(&mut self, e: &Election, indent: usize) {
        let mut head = format!("election {}", e.name.name);
        if let Some(t) = &e.title {
            head.push_str(&format!(" {}", self.clause(t.span)));
        }
        head.push_str(" {");
        self.open(indent, &head, e.span.start);
        let i = indent + 1;
        if let Some((n, span)) = e.seats {
            self.statement(i, &[format!("seats {n}")], span);
        }
        if let Some((m, span)) = e.method {
            self.statement(i, &[format!("counted by {}", m.as_str())], span);
        }
        for (word, clause) in [("candidate", &e.candidate), ("voter", &e.voter)] {
            if let Some(c) = clause {
                let lines = self.headed(&format!("{word} {} requires", c.var.name), &c.condition);
                self.statement(i, &lines, c.span);
            }
        }
        for r in &e.reserves {
            let n = r.seats.0;
            let head = format!(
                "reserve {n} seat{} for {} where",
                if n == 1 { "" } else { "s" },
                r.var.name
            );
            let lines = self.headed(&head, &r.condition);
            self.statement(i, &lines, r.span);
        }
        if let Some(ties) = e.ties {
            self.out
                .push_str(&format!("{}ties broken {}\n", pad(i), ties.as_str()));
        }
        self.close(indent, e.span.end);
    }

    fn act(&mut self, a: &ActDef, indent: usize) {
        let head = format!("act {}{} {{", a.name.name, self.params(&a.params));
        self.open(indent, &head, a.span.start);
        for r in &a.requires {
            let lines = self.headed("requires", r);
            self.statement(indent + 1, &lines, r.span);
        }
        for e in &a.effects {
            self.effect(e, indent + 1);
        }
        self.close(indent, a.span.end);
    }

    fn account(&self, a: &AccountRef) -> String {
        match &a.member {
            Some(m) => format!("{} of {}", self.clause(a.name.span), m.name),
            None => self.clause(a.name.span).to_string(),
        }
    }

    fn effect(&mut self, e: &Effect, indent: usize) {
        match e {
            Effect::Admit(m) => self.statement(indent, &[format!("admit {}", m.name)], m.span),
            Effect::Remove(m) => self.statement(indent, &[format!("remove {}", m.name)], m.span),
            Effect::Post {
                amount,
                debit,
                credit,
                span,
            } => {
                let line = format!(
                    "post {} debit {} credit {}",
                    self.expr(amount),
                    self.account(debit),
                    self.account(credit)
                );
                self.statement(indent, &[line], *span);
            }
            Effect::Change {
                op,
                member,
                attribute,
                value,
                span,
            } => {
                let target = format!("{}.{}", member.name, attribute.name);
                let v = self.expr(value);
                let line = match op {
                    ChangeOp::Add => format!("add {v} to {target}"),
                    ChangeOp::Subtract => format!("subtract {v} from {target}"),
                    ChangeOp::Set => format!("set {target} to {v}"),
                };
                self.statement(indent, &[line], *span);
            }
            Effect::ForEach {
                who,
                var,
                filter,
                effects,
            } => {
                let mut head = format!("for each {} {}", who.words(), var.name);
                if let Some(f) = filter {
                    head.push_str(&format!(" where {}", self.expr(f)));
                }
                head.push_str(" {");
                let start = effects.first().map_or(var.span.start, effect_start);
                self.open(indent, &head, var.span.start.min(start));
                for inner in effects {
                    self.effect(inner, indent + 1);
                }
                // The block's end is not recorded: comments after its last
                // effect stay for the next statement.
                self.out.push_str(&format!("{}}}\n", pad(indent)));
            }
        }
    }

    fn fixture(&mut self, f: &MembersFixture, indent: usize) {
        self.open(indent, &format!("members {} {{", f.name.name), f.span.start);
        self.member_lines(&f.members, indent + 1);
        self.close(indent, f.span.end);
    }

    fn members(&mut self, members: &[ExampleMember], indent: usize) {
        let Some(first) = members.first() else { return };
        self.open(indent, "members {", first.span.start);
        self.member_lines(members, indent + 1);
        self.out.push_str(&format!("{}}}\n", pad(indent)));
    }

    fn member_lines(&mut self, members: &[ExampleMember], indent: usize) {
        for m in members {
            let values: Vec<String> = m
                .values
                .iter()
                .map(|b| format!("{} {}", b.name.name, self.value(&b.value)))
                .collect();
            let line = if values.is_empty() {
                format!("{}:", m.name.name)
            } else {
                format!("{}: {}", m.name.name, values.join(", "))
            };
            self.statement(indent, &[line], m.span);
        }
    }

    fn bindings(&self, bindings: &[Binding]) -> String {
        bindings
            .iter()
            .map(|b| format!("{} {}", b.name.name, self.value(&b.value)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `for a, b` / `against c` / `abstain d`, wrapped when long.
    fn vote_lines(&self, v: &ExampleVotes) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        for (word, list) in [
            ("for", &v.for_),
            ("against", &v.against),
            ("abstain", &v.abstain),
        ] {
            if list.is_empty() {
                continue;
            }
            let mut line = format!("{word} ");
            let mut first = true;
            for m in list {
                let name = voter(v, m);
                let piece = if first {
                    name.clone()
                } else {
                    format!(", {name}")
                };
                if line.len() + piece.len() > WIDTH - 10 && !first {
                    out.push((1, format!("{line},")));
                    line = format!("    {name}");
                } else {
                    line.push_str(&piece);
                }
                first = false;
            }
            out.push((1, line));
        }
        out
    }

    fn votes(&self, v: &ExampleVotes) -> String {
        let mut groups = Vec::new();
        for (word, list) in [
            ("for", &v.for_),
            ("against", &v.against),
            ("abstain", &v.abstain),
        ] {
            if !list.is_empty() {
                let names: Vec<String> = list.iter().map(|m| voter(v, m)).collect();
                groups.push(format!("{word} {}", names.join(", ")));
            }
        }
        format!("{{ {} }}", groups.join("  "))
    }

    fn example(&mut self, e: &Example, indent: usize) {
        self.open(
            indent,
            &format!("example {} {{", self.clause(e.name.span)),
            e.span.start,
        );
        let i = indent + 1;
        // The example's parts in the order written, so that the worked
        // arithmetic in comments stays beside what it works out.
        enum Part<'b> {
            Members,
            Fixture(&'b Ident),
            File(&'b Text),
            Period,
            Parameter(&'b Binding),
            Reserve(&'b Text, &'b Value),
            Votes(&'b ExampleVotes),
            Expect(&'b Expect),
            Date(time::Date, Span),
        }
        let mut parts: Vec<(usize, Part)> = Vec::new();
        if let Some((date, span)) = e.date {
            parts.push((span.start, Part::Date(date, span)));
        }
        if let Some(m) = e.members.first() {
            parts.push((m.span.start, Part::Members));
        }
        parts.extend(e.fixtures.iter().map(|f| (f.span.start, Part::Fixture(f))));
        parts.extend(e.members_file.iter().map(|f| (f.span.start, Part::File(f))));
        if let Some(b) = e.period.first() {
            parts.push((b.name.span.start, Part::Period));
        }
        parts.extend(
            e.parameters
                .iter()
                .map(|b| (b.name.span.start, Part::Parameter(b))),
        );
        parts.extend(
            e.reserves
                .iter()
                .map(|(n, v)| (n.span.start, Part::Reserve(n, v))),
        );
        parts.extend(e.votes.iter().map(|v| (v.span.start, Part::Votes(v))));
        parts.extend(e.expectations.iter().map(|x| {
            let start = match x {
                Expect::Value(expr) => expr.span.start,
                Expect::Breach { span, .. } => span.start,
            };
            (start, Part::Expect(x))
        }));
        parts.sort_by_key(|(start, _)| *start);
        for (_, part) in parts {
            match part {
                Part::Date(date, span) => {
                    self.statement(i, &[format!("on {}", format_date(date))], span)
                }
                Part::Members => self.members(&e.members, i),
                Part::Fixture(f) => self.statement(i, &[format!("members {}", f.name)], f.span),
                Part::File(f) => {
                    let line = format!("members from {}", self.clause(f.span));
                    self.statement(i, &[line], f.span)
                }
                Part::Period => {
                    if let (Some(first), Some(last)) = (e.period.first(), e.period.last()) {
                        let line = format!("period {{ {} }}", self.bindings(&e.period));
                        self.statement(i, &[line], first.name.span.to(last.value.span()));
                    }
                }
                Part::Parameter(b) => {
                    let line = format!("parameter {} = {}", b.name.name, self.value(&b.value));
                    self.statement(i, &[line], b.name.span.to(b.value.span()));
                }
                Part::Reserve(n, v) => {
                    let line = format!("reserve {} {}", self.clause(n.span), self.value(v));
                    self.statement(i, &[line], n.span.to(v.span()));
                }
                Part::Votes(v) => {
                    let line = format!("votes {} {}", v.resolution.name, self.votes(v));
                    self.statement(i, &[line], v.span);
                }
                Part::Expect(Expect::Value(expr)) => {
                    let line = format!("expect {}", self.expr(expr));
                    self.statement(i, &[line], expr.span);
                }
                Part::Expect(Expect::Breach {
                    limit,
                    member,
                    span,
                }) => {
                    let mut line = format!("expect breach {}", limit.name);
                    if let Some(m) = member {
                        line.push_str(&format!(" for {}", m.name));
                    }
                    self.statement(i, &[line], *span);
                }
            }
        }
        self.close(indent, e.span.end);
    }

    fn scenario(&mut self, s: &Scenario, indent: usize) {
        self.open(
            indent,
            &format!("scenario {} {{", self.clause(s.name.span)),
            s.span.start,
        );
        let i = indent + 1;
        if let Some(f) = &s.members_file {
            let line = format!("members from {}", self.clause(f.span));
            self.statement(i, &[line], f.span);
        }
        self.members(&s.members, i);
        if let Some(o) = &s.opening {
            match &o.source {
                OpeningSource::File(f) => {
                    let line = format!("opening balances from {}", self.clause(f.span));
                    self.statement(i, &[line], o.span);
                }
                OpeningSource::Lines(lines) => {
                    self.open(i, "opening balances {", o.span.start);
                    for l in lines {
                        let side = if l.debit { "debit" } else { "credit" };
                        let line = format!(
                            "{side} {} {}",
                            self.account(&l.account),
                            self.value(&l.amount)
                        );
                        self.statement(i + 1, &[line], l.span);
                    }
                    self.close(i, o.span.end);
                }
            }
        }
        for b in &s.parameters {
            let line = format!("parameter {} = {}", b.name.name, self.value(&b.value));
            self.statement(i, &[line], b.name.span.to(b.value.span()));
        }
        // Dated steps and repeated blocks, in the order written.
        let mut repeats = s.repeats.iter().peekable();
        for step in &s.steps {
            while let Some(every) = repeats.next_if(|r| r.span.start < step.span.start) {
                self.every(i, every);
            }
            let head = format!("on {}", format_date(step.date));
            self.step(i, &head, &step.kind, step.span);
        }
        for every in repeats {
            self.every(i, every);
        }
        self.close(indent, s.span.end);
    }

    /// One step: `head` is how it is dated (`on 2026-04-01`, `on the last
    /// day`, or nothing inside an `every` block).
    fn step(&mut self, indent: usize, head: &str, kind: &StepKind, span: Span) {
        let head = if head.is_empty() {
            String::new()
        } else {
            format!("{head} ")
        };
        let line = match kind {
            StepKind::Act { name, args } => {
                let shown: Vec<String> = args.iter().map(|a| self.value(a)).collect();
                format!("{head}{}({})", name.name, shown.join(", "))
            }
            StepKind::Motion {
                votes,
                title,
                amendments,
                effective,
                sitting,
                notice,
                then,
            } => {
                let mut head = format!("{head}motion {}", votes.resolution.name);
                if let Some(t) = title {
                    head.push_str(&format!(" {}", self.clause(t.span)));
                }
                match sitting {
                    Sitting::First => {}
                    Sitting::SecondCall => head.push_str(" second call"),
                    Sitting::Confirming => head.push_str(" confirming"),
                }
                if let Some((date, _)) = notice {
                    head.push_str(&format!(" notice given {}", format_date(*date)));
                }
                let amend = if amendments.is_empty() {
                    String::new()
                } else {
                    let shown: Vec<String> = amendments
                        .iter()
                        .map(|b| format!("{} = {}", b.name.name, self.value(&b.value)))
                        .collect();
                    let when = effective
                        .map(|(w, _)| format!(" effective {w}"))
                        .unwrap_or_default();
                    format!(" amend {}{when}", shown.join(", "))
                };
                let amend = match then {
                    Some(act) => {
                        let shown: Vec<String> = act.args.iter().map(|a| self.value(a)).collect();
                        format!("{amend} then {}({})", act.name.name, shown.join(", "))
                    }
                    None => amend,
                };
                let line = format!("{head} {}{amend}", self.votes(votes));
                if line.len() <= WIDTH {
                    line
                } else {
                    let mut lines = vec![(0, format!("{head} {{"))];
                    lines.extend(self.vote_lines(votes));
                    lines.push((0, format!("}}{amend}")));
                    self.statement_shaped(indent, &lines, span);
                    return;
                }
            }
            StepKind::Election(b) => {
                let names = |list: &[Ident]| {
                    list.iter()
                        .map(|c| c.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let mut lines = vec![(0, format!("{head}election {} {{", b.election.name))];
                lines.push((1, format!("candidates {}", names(&b.candidates))));
                for ballot in &b.ballots {
                    let choices = if ballot.ranked {
                        ballot
                            .choices
                            .iter()
                            .map(|c| c.name.as_str())
                            .collect::<Vec<_>>()
                            .join(" > ")
                    } else {
                        names(&ballot.choices)
                    };
                    lines.push((1, format!("{}: {choices}", ballot.voter.name)));
                }
                let seed = b
                    .seed
                    .map(|(s, _)| format!(" seed {s}"))
                    .unwrap_or_default();
                lines.push((0, format!("}}{seed}")));
                self.statement_shaped(indent, &lines, span);
                return;
            }
            StepKind::Close { figures } if figures.is_empty() => {
                format!("{head}close period")
            }
            StepKind::Close { figures } => {
                format!("{head}close period {{ {} }}", self.bindings(figures))
            }
        };
        self.statement(indent, &[line], span);
    }

    /// `every UNIT [from DATE (to DATE | for N UNITS)] { ... }`.
    fn every(&mut self, indent: usize, every: &Every) {
        let mut head = format!("every {}", every.unit.name);
        if let Some(during) = &every.during {
            head.push_str(&format!(" from {}", format_date(during.from)));
            match &during.until {
                EveryUntil::To(date) => head.push_str(&format!(" to {}", format_date(*date))),
                EveryUntil::For { count, unit } => {
                    head.push_str(&format!(" for {count} {}", unit.name));
                }
            }
        }
        if every.items.is_empty() {
            self.statement(indent, &[format!("{head} {{}}")], every.span);
            return;
        }
        self.open(indent, &format!("{head} {{"), every.span.start);
        for item in &every.items {
            match item {
                EveryItem::Step {
                    last_day,
                    kind,
                    span,
                } => {
                    let head = if *last_day { "on the last day" } else { "" };
                    self.step(indent + 1, head, kind, *span);
                }
                EveryItem::Every(inner) => self.every(indent + 1, inner),
            }
        }
        self.close(indent, every.span.end);
    }

    // ------------------------------------------------------ expressions

    fn expr(&self, e: &Expr) -> String {
        match &e.kind {
            ExprKind::Literal(_) => self.clause(e.span).to_string(),
            ExprKind::Name(id) => id.name.clone(),
            ExprKind::Attribute(m, a) => format!("{}.{}", m.name, a.name),
            ExprKind::Period(f) => format!("period.{}", f.name),
            ExprKind::Remainder => "remainder".into(),
            ExprKind::Unary(UnaryOp::Neg, x) => {
                // `--` would start a comment: a negation of a negation is bracketed.
                if matches!(x.kind, ExprKind::Unary(UnaryOp::Neg, _)) {
                    format!("-({})", self.expr(x))
                } else {
                    format!("-{}", self.child(x, 8))
                }
            }
            ExprKind::Unary(UnaryOp::Not, x) => format!("not {}", self.child(x, 4)),
            ExprKind::Binary(op, l, r) => {
                let p = op.precedence();
                // Left-associative: an equal operator on the right needs
                // brackets; comparisons do not chain, so on both sides.
                let left = self.child(l, if op.is_comparison() { p + 1 } else { p });
                // `because` binds to the nearest clause: `a except when b
                // because "x"` is already `a except when (b because "x")`.
                let right = match (op, &r.kind) {
                    (BinaryOp::ExceptWhen, ExprKind::Because(..)) => self.child(r, p),
                    _ => self.child(r, p + 1),
                };
                format!("{left} {} {right}", op.as_str())
            }
            ExprKind::IsNone(x, negated) => format!(
                "{} is {}none",
                self.child(x, IS_NONE_PRECEDENCE + 1),
                if *negated { "not " } else { "" }
            ),
            ExprKind::Because(x, reasons) => {
                let shown: Vec<String> = reasons.iter().map(|t| self.clause(t.span)).collect();
                // `a except when b because "x"` gives the reason to `b`: a
                // reason for the whole waiver needs brackets.
                let min = if matches!(x.kind, ExprKind::Binary(BinaryOp::ExceptWhen, ..)) {
                    4
                } else {
                    3
                };
                format!("{} because {}", self.child(x, min), shown.join(", "))
            }
            ExprKind::If {
                branches,
                otherwise,
            } => {
                let mut s = String::new();
                for (i, (c, v)) in branches.iter().enumerate() {
                    if i > 0 {
                        s.push_str(" else ");
                    }
                    s.push_str(&format!(
                        "if {} then {}",
                        self.child(c, 1),
                        self.child(v, 1)
                    ));
                }
                // An `if` after the last `else` would read as one more branch.
                // Nor may it end in `except when`, which would waive the whole `if`.
                let last = if matches!(otherwise.kind, ExprKind::If { .. }) || waives(otherwise) {
                    format!("({})", self.expr(otherwise))
                } else {
                    self.expr(otherwise)
                };
                s.push_str(&format!(" else {last}"));
                s
            }
            ExprKind::Call { name, args } => {
                let shown: Vec<String> = args
                    .iter()
                    .map(|a| match a {
                        Argument::Expr(x) => self.expr(x),
                        Argument::Step(x, _) => format!("to {}", self.expr(x)),
                        Argument::Mode(m, _) => m.as_str().to_string(),
                    })
                    .collect();
                format!("{}({})", name.name, shown.join(", "))
            }
            ExprKind::Aggregate {
                kind,
                value,
                who,
                var,
                filter,
            } => {
                let mut s = format!("{}(", kind.as_str());
                if let Some(v) = value {
                    s.push_str(&format!("{} for ", self.expr(v)));
                }
                s.push_str(&format!("each {} {}", who.words(), var.name));
                if let Some(f) = filter {
                    s.push_str(&format!(" where {}", self.expr(f)));
                }
                s.push(')');
                s
            }
            ExprKind::LossBorne(by) => match by {
                LossBearer::Reserve(t) => {
                    format!("loss borne by reserve {}", self.clause(t.span))
                }
                LossBearer::Member(m) => format!("loss borne by {}", m.name),
                LossBearer::CarriedForward => "loss carried forward".to_string(),
            },
            ExprKind::Allocated { label, member } => match member {
                Some(m) => format!("allocated {} to {}", self.clause(label.span), m.name),
                None => format!("allocated {}", self.clause(label.span)),
            },
        }
    }

    /// An operand, bracketed when it binds looser than `min`.
    fn child(&self, e: &Expr, min: u8) -> String {
        let text = self.expr(e);
        if precedence(e) < min {
            format!("({text})")
        } else {
            text
        }
    }
}

/// How tightly an expression binds (operands bind tightest).
fn precedence(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Binary(op, ..) => op.precedence(),
        ExprKind::Unary(op, _) => op.precedence(),
        ExprKind::Because(..) => BECAUSE_PRECEDENCE,
        ExprKind::IsNone(..) => IS_NONE_PRECEDENCE,
        ExprKind::If { .. } => 0,
        _ => 9,
    }
}

/// Whether `e`, as written without brackets of its own, has an `except when`
/// outside any brackets the layout adds (a binary, `not` or `because` chain).
fn waives(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Binary(BinaryOp::ExceptWhen, ..) => true,
        // An operand that binds looser than its operator is bracketed.
        ExprKind::Binary(op, l, r) => {
            (precedence(l) >= op.precedence() && waives(l))
                || (precedence(r) > op.precedence() && waives(r))
        }
        ExprKind::Unary(_, x) => precedence(x) >= precedence(e) && waives(x),
        ExprKind::Because(x, _) => {
            !matches!(x.kind, ExprKind::Binary(BinaryOp::ExceptWhen, ..))
                && precedence(x) >= BECAUSE_PRECEDENCE
                && waives(x)
        }
        _ => false,
    }
}

/// The clauses of `a and b and c` (the left spine of `and`s).
fn and_chain(e: &Expr) -> Vec<&Expr> {
    let mut out = Vec::new();
    let mut node = e;
    while let ExprKind::Binary(BinaryOp::And, l, r) = &node.kind {
        out.push(r.as_ref());
        node = l;
    }
    out.push(node);
    out.reverse();
    out
}

fn effect_start(e: &Effect) -> usize {
    match e {
        Effect::Admit(m) | Effect::Remove(m) => m.span.start,
        Effect::Post { span, .. } | Effect::Change { span, .. } => span.start,
        Effect::ForEach { var, .. } => var.span.start,
    }
}

/// A voter as written in a vote group: `d`, `d by proxy b`, `f by post`.
fn voter(v: &ExampleVotes, m: &Ident) -> String {
    match v.absent.iter().find(|(who, _)| who.name == m.name) {
        Some((_, VoteMeans::Proxy(holder))) => format!("{} by proxy {}", m.name, holder.name),
        Some((_, VoteMeans::Post)) => format!("{} by post", m.name),
        None => m.name.clone(),
    }
}
