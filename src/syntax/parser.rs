//! pest parse tree to AST. Operators are assembled here with an explicit
//! stack (shunting-yard), so a long chain such as `a + b + ... + z` never
//! recurses; every tree built is at most [`MAX_EXPR_DEPTH`] deep, which keeps
//! the checker and the evaluator, both recursive, within the stack.

use pest::Parser;
use pest::iterators::Pair;
use rust_decimal::Decimal;

use super::ast::*;
use super::keywords::is_reserved;
use super::prescan::prescan;
use crate::currency::Currency;
use crate::diagnostic::{Code, Diagnostic};
use crate::span::Span;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/rochdale.pest"]
struct RochdaleParser;

/// How deep an expression tree may be (operators and brackets together).
pub const MAX_EXPR_DEPTH: u32 = 200;

/// Diagnostics are boxed while building, to keep `Result` small.
type Result<T> = std::result::Result<T, Box<Diagnostic>>;

/// Parses a rulebook's text into its syntax tree.
pub fn parse(text: &str) -> std::result::Result<Rulebook, Vec<Diagnostic>> {
    prescan(text).map_err(|d| vec![syntax_error_before(text, &d).unwrap_or(*d)])?;
    let mut pairs = RochdaleParser::parse(Rule::rulebook, text).map_err(|_| {
        vec![
            detailed_error(text)
                .unwrap_or_else(|| *internal("a parse failed once and succeeded twice")),
        ]
    })?;
    let root = pairs.next().ok_or_else(|| vec![*internal("empty parse")])?;
    build_rulebook(root).map_err(|d| vec![*d])
}

/// The syntax error of a text that pest refuses: parsed again with pest's
/// error detail on, which also records the literal tokens it expected
/// (`=`, `(`); it costs time, so only once a parse has failed.
fn detailed_error(text: &str) -> Option<Diagnostic> {
    detailed_pest_error(text).map(|e| syntax_error(e, text))
}

fn detailed_pest_error(text: &str) -> Option<pest::error::Error<Rule>> {
    pest::set_error_detail(true);
    let detailed = RochdaleParser::parse(Rule::rulebook, text).err();
    pest::set_error_detail(false);
    detailed
}

/// A syntax error earlier in the file than the point where the pre-scan
/// found brackets nested too deeply: that one is reported, as the first
/// problem in the file (a bracket left open near the top makes every
/// later one look nested). The lines before the deep point are nested
/// within the limit, so pest parses them safely. A parse that got as far
/// as their cut end may have failed for the cut alone (an article left
/// open there), so only one that stopped earlier is reported.
fn syntax_error_before(text: &str, deep: &Diagnostic) -> Option<Diagnostic> {
    use pest::error::InputLocation;
    let at = deep.span.filter(|_| deep.code == Code::TooDeep)?.start;
    let cut = text.get(..at)?.rfind('\n').map_or(0, |i| i + 1);
    let before = &text[..cut];
    if prescan(before).is_err() || RochdaleParser::parse(Rule::rulebook, before).is_ok() {
        return None;
    }
    let error = detailed_pest_error(before)?;
    let located = match error.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((_, e)) => e,
    };
    let furthest = error
        .parse_attempts()
        .map_or(located, |a| a.max_position.max(located));
    (furthest < before.trim_end().len()).then(|| syntax_error(error, before))
}

/// Parses an input value on its own: `£5.00`, `12.5%`, `2026-04-05`,
/// `Person`, `"text"`, `true`.
pub fn parse_value(text: &str) -> std::result::Result<Value, Vec<Diagnostic>> {
    let mut pairs =
        RochdaleParser::parse(Rule::value_only, text).map_err(|e| vec![syntax_error(e, text)])?;
    let root = pairs.next().ok_or_else(|| vec![*internal("empty parse")])?;
    let value = children(root)
        .find(|p| p.as_rule() == Rule::value)
        .ok_or_else(|| vec![*internal("no value")])?;
    build_value(value).map_err(|d| vec![*d])
}

/// Parses an expression on its own (as given to `rochdale explain`) as the
/// text `source` ([`Span::EXPRESSION`] for one given on the command line):
/// its spans, and those of its syntax errors, point into `text` itself.
pub fn parse_expression(text: &str, source: u16) -> std::result::Result<Expr, Vec<Diagnostic>> {
    let mut expr = parse_expression_text(text).map_err(|mut found| {
        for d in &mut found {
            d.set_source(source);
            // An expression given on its own ends where its text does.
            d.message = d
                .message
                .replace("the end of the file", "the end of the expression");
        }
        found
    })?;
    expr.set_source(source);
    Ok(expr)
}

fn parse_expression_text(text: &str) -> std::result::Result<Expr, Vec<Diagnostic>> {
    prescan(text).map_err(|d| vec![*d])?;
    let mut pairs = RochdaleParser::parse(Rule::expression_only, text).map_err(|_| {
        pest::set_error_detail(true);
        let detailed = RochdaleParser::parse(Rule::expression_only, text).err();
        pest::set_error_detail(false);
        match detailed {
            Some(e) => vec![syntax_error(e, text)],
            None => vec![*internal("a parse failed once and succeeded twice")],
        }
    })?;
    let root = pairs.next().ok_or_else(|| vec![*internal("empty parse")])?;
    let expr = children(root)
        .find(|p| p.as_rule() == Rule::expr)
        .ok_or_else(|| vec![*internal("no expression")])?;
    build_expr(expr).map(|(e, _)| e).map_err(|d| vec![*d])
}

fn internal(what: &str) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error(Code::Syntax, format!("the parser lost its way ({what})"))
            .help("this is a bug in Rochdale; please report it with the rulebook"),
    )
}

// ------------------------------------------------------------ syntax errors

fn syntax_error(error: pest::error::Error<Rule>, text: &str) -> Diagnostic {
    use pest::error::{ErrorVariant, InputLocation};
    let mut at = match error.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let mut expected: Vec<String> = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => describe_expected(positives),
        ErrorVariant::CustomError { message } => vec![message.clone()],
    };
    if let Some(attempts) = error.parse_attempts() {
        let mut tokens = punctuation(&attempts.expected_tokens());
        tidy_expected(&mut tokens);
        if attempts.max_position > at {
            // pest places the error where the failing rule began; the
            // furthest point reached is where the reader must look (after
            // `age` in `member { age Integer }`), when pest knows what it
            // wanted there.
            if !tokens.is_empty() && !token_at(text, attempts.max_position).trim().is_empty() {
                at = attempts.max_position;
                expected = tokens;
            }
        } else {
            for t in tokens {
                if !expected.contains(&t) {
                    expected.push(t);
                }
            }
        }
    }
    tidy_expected(&mut expected);
    let found = token_at(text, at);
    let span = Span::new(
        at,
        at + found.len().max(1).min(text.len().saturating_sub(at).max(1)),
    );
    if found == "\"" && text.get(at + 1..).is_some_and(|rest| !rest.contains('"')) {
        return Diagnostic::error(Code::Syntax, "this quoted text is never closed")
            .at(span, "the text starts here")
            .help("add the closing `\"` at the end of the text");
    }
    // A word can be megabytes long in a garbled file: the message quotes
    // its start (the source window under it is cut the same way).
    const QUOTED: usize = 40;
    let long = found.chars().count() > QUOTED;
    let found = match found.char_indices().nth(QUOTED) {
        Some((end, _)) => &found[..end],
        None => found,
    };
    let found_text = if found.is_empty() {
        "the end of the file".to_string()
    } else if long {
        format!("`{found}…` (a word too long to quote)")
    } else {
        format!("`{found}`")
    };
    let message = if expected.is_empty() {
        format!("unexpected {found_text}")
    } else {
        format!("expected {}, found {found_text}", join_or(&expected))
    };
    let help = written_help(text, at, found).unwrap_or_else(|| syntax_help(&expected, found));
    Diagnostic::error(Code::Syntax, message)
        .at(span, "here")
        .help(help)
}

/// The punctuation among pest's expected literal tokens, described. Words
/// come through the keyword rules, and character ranges tell a reader
/// nothing.
fn punctuation<T: std::fmt::Display>(tokens: &[T]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for token in tokens {
        let token = token.to_string();
        let is_punctuation = !token.is_empty()
            && token.chars().count() <= 2
            && !token.contains("..")
            && token
                .chars()
                .all(|c| !c.is_alphanumeric() && !c.is_whitespace());
        if is_punctuation {
            let described = describe_token(&token);
            if !out.contains(&described) {
                out.push(described);
            }
        }
    }
    out
}

/// The word or symbol starting at `at`, for "found ..." in messages.
fn token_at(text: &str, at: usize) -> &str {
    let rest = text.get(at..).unwrap_or("");
    let word_len: usize = rest
        .char_indices()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
        .map(|(i, c)| i + c.len_utf8())
        .last()
        .unwrap_or(0);
    if word_len > 0 {
        return &rest[..word_len];
    }
    rest.chars().next().map_or("", |c| &rest[..c.len_utf8()])
}

fn describe_expected(rules: &[Rule]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for rule in rules {
        let name = describe_rule(*rule);
        if !out.iter().any(|o| o == name) {
            out.push(name.to_string());
        }
    }
    out
}

/// Makes the list of expected things read well: internal tokens dropped,
/// the many ways to start an expression said once.
fn tidy_expected(expected: &mut Vec<String>) {
    const NOISE: &[&str] = &["`--`", "`_`", "`\"`", "something else"];
    const EXPRESSION_STARTS: &[&str] = &[
        "a name",
        "`period`",
        "`if`",
        "a number",
        "an amount of money",
        "a percentage",
        "a date",
        "`true` or `false`",
        "a quoted text",
        "an aggregate",
        "`(`",
        "`-`",
        "an expression",
    ];
    expected.retain(|e| !NOISE.contains(&e.as_str()));
    let is_expression = expected
        .iter()
        .any(|e| e == "an expression" || e == "a number" || e == "an aggregate");
    if is_expression {
        if let Some(first) = expected
            .iter()
            .position(|e| EXPRESSION_STARTS.contains(&e.as_str()))
        {
            expected.retain(|e| !EXPRESSION_STARTS.contains(&e.as_str()));
            expected.insert(first.min(expected.len()), "an expression".into());
        }
    }
    // After an operand, `=` is one of the operators.
    if expected.iter().any(|e| e == "an operator") {
        expected.retain(|e| e != "`=`");
    }
}

/// A literal token pest expected, as the reader would type it.
fn describe_token(token: &str) -> String {
    match token {
        "+" | "-" | "*" | "/" | "×" | "÷" | "<" | ">" | "<=" | ">=" | "!=" | "≤" | "≥" | "≠"
        | "and" | "or" => "an operator".into(),
        other => format!("`{other}`"),
    }
}

fn describe_rule(rule: Rule) -> &'static str {
    use Rule::*;
    match rule {
        expr | plain_expr | waiver_tail | operand | literal | path | call | if_expr | aggregate
        | period_field | prefix | op_neg | op_not => "an expression",
        op_add | op_sub | op_mul | op_div | op_le | op_ge | op_ne | op_lt | op_gt | op_eq
        | op_and | op_or | op_except | infix => "an operator",
        ident => "a name",
        text | text_inner => "a quoted text",
        number | digits => "a number",
        money => "an amount of money",
        percent => "a percentage",
        date => "a date",
        boolean => "`true` or `false`",
        value => "a value",
        currency_code => "a currency code such as GBP",
        currency_symbol => "a currency symbol",
        type_expr | named_type | enum_type => "a type",
        field => "an attribute such as `age: Integer`",
        binding => "a name and a value, such as `age 30`",
        item | member_schema | period_schema | parameter | article | rule_def | example => {
            "`member`, `period`, `parameter`, `article`, `rule`, `limit`, `allocate`, `resolution` or `example`"
        }
        article_item | legal_text | citation => {
            "`text`, `source`, `parameter`, `rule`, `limit`, `allocate` or `resolution`"
        }
        example_item | example_members | example_period | example_param | expectation => {
            "`members`, `period`, `parameter`, `votes` or `expect`"
        }
        example_member => "a member such as `ada: age 30`",
        article_number => "an article number such as 3 or 12.1",
        header | kw_rulebook => "`rulebook \"Name\"` at the start",
        version_clause | kw_version => "`version`",
        currency_clause | kw_currency => "`currency`",
        in_force_clause | kw_in => "`in force`",
        kw_force => "`force`",
        kw_member => "`member`",
        kw_members => "`members`",
        kw_period => "`period`",
        kw_parameter => "`parameter`",
        kw_article => "`article`",
        kw_rule => "`rule`",
        kw_example => "`example`",
        kw_expect => "`expect`",
        kw_if => "`if`",
        kw_then => "`then`",
        kw_else | else_if => "`else`",
        kw_for => "`for`",
        kw_each => "`each`",
        kw_where => "`where`",
        kw_text => "`text`",
        kw_source => "`source`",
        kw_to | round_step => "`to`",
        kw_or => "`or`",
        kw_because | because => "`because`",
        kw_except | exception => "`except`",
        kw_when => "`when`",
        kw_limit | limit_def => "`limit`",
        kw_allocate | allocation => "`allocate`",
        kw_rounding | alloc_rounding => "`rounding`",
        alloc_mode => "a rounding mode",
        tranche | tranche_label | label_words => "a tranche such as `reserve fund: 10%`",
        tranche_option | at_most | at_least | split => "`at most`, `at least` or `to each member`",
        kw_resolution | resolution => "`resolution`",
        resolution_item | one_member_one_vote | weighted_by | quorum | passes_when
        | abstentions | ties | alone_amends | amendments_effective => {
            "`one member one vote`, `weighted by`, `quorum`, `passes when`, `abstentions`, `ties`, `alone amends` or `amendments effective`"
        }
        effective | effective_adoption | effective_days | effective_next | kw_effective => {
            "`effective` with `on adoption`, a date, `N days after adoption` or `next period`"
        }
        threshold_op => "`>` or `>=`",
        threshold_words | kw_more | kw_than => "`more than` or `at least`",
        quorum_term | more_than_half | quorum_greater | quorum_lesser | kw_greater | kw_lesser => {
            "a quorum such as `3 members`, `20% of members`, `50% of votes`, `more than half of members` or `the greater of 2 members or 50% of members`"
        }
        kw_half => "`half`",
        vote_basis => "`cast`, `present` or `members`",
        kw_votes | example_votes => "`votes`",
        vote_group | vote_choice => "`for`, `against` or `abstain`",
        kw_breach | expect_breach => "`breach`",
        round_mode => "a rounding mode",
        rule_params => "`(`",
        rule_param => "a parameter name",
        argument => "an argument",
        aggregate_fn => "an aggregate",
        neg_sign => "`-`",
        EOI => "the end of the file",
        _ => "something else",
    }
}

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {}", rest.join(", "), last),
    }
}

/// A help line that says what to write, for mistakes recognised from the
/// text around the error rather than from what the grammar expected there:
/// thousands separators, a date written day/month/year, a tranche's label
/// holding a word of the language.
fn written_help(text: &str, at: usize, found: &str) -> Option<String> {
    let before = text.get(..at).unwrap_or("");
    let after = text.get(at..).unwrap_or("");
    // `£100,000.00`: a comma between digits, three digits after it.
    if found == "," && before.ends_with(|c: char| c.is_ascii_digit()) {
        let start = before
            .rfind(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.' || c == '_'))
            .map_or(0, |i| {
                i + before[i..].chars().next().map_or(1, char::len_utf8)
            });
        let end = after
            .find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.' || c == '_'))
            .unwrap_or(after.len());
        let number = format!("{}{}", &before[start..], &after[..end]);
        let groups_of_three = number
            .split('.')
            .next()
            .is_some_and(|whole| whole.split(',').skip(1).all(|g| g.len() == 3));
        if groups_of_three {
            let sign = before[..start]
                .chars()
                .next_back()
                .filter(|c| "£€$".contains(*c));
            let sign = sign.map(String::from).unwrap_or_default();
            return Some(format!(
                "numbers are written without thousands separators: `{sign}{}`, or with `_` between the groups: `{sign}{}`",
                number.replace(',', ""),
                number.replace(',', "_")
            ));
        }
    }
    // `01/04/2026`: a date in another order.
    let date: String = after
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '/' || *c == '.')
        .collect();
    let parts: Vec<&str> = date.split(['/', '.']).collect();
    if let [d, m, y] = parts.as_slice() {
        if y.len() == 4 && (1..=2).contains(&d.len()) && (1..=2).contains(&m.len()) {
            let (dn, mn) = (d.parse::<u8>().ok()?, m.parse::<u8>().ok()?);
            // Day first, as written in the UK and most of Europe, unless
            // only month first makes a date.
            let (day, month, order) = if mn > 12 && dn <= 12 {
                (mn, dn, "month first")
            } else {
                (dn, mn, "day first")
            };
            return Some(format!(
                "dates are written year-month-day, YYYY-MM-DD: `{date}` read {order} is `{y}-{month:02}-{day:02}`"
            ));
        }
    }
    // `education and training: 5%` inside `allocate ... { }`: a label
    // holding a reserved word.
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line_end = after.find('\n').map_or(text.len(), |i| at + i);
    let line = text.get(line_start..line_end).unwrap_or("").trim();
    let in_allocation = before.rfind("allocate ").is_some_and(|a| {
        let inside = &before[a..];
        inside.matches('{').count() > inside.matches('}').count()
    });
    if let Some((label, _)) = line.split_once(':') {
        let words: Vec<&str> = label.split_whitespace().collect();
        let reserved: Vec<&str> = words.iter().copied().filter(|w| is_reserved(w)).collect();
        let plain = words
            .iter()
            .all(|w| w.chars().all(|c| c.is_alphanumeric() || c == '_'));
        if in_allocation && plain && words.len() > 1 && !reserved.is_empty() {
            return Some(format!(
                "`{}` is a word of the language, so a label that holds it is written in quotes: `\"{}\": ...`",
                reserved[0],
                words.join(" ")
            ));
        }
    }
    None
}

fn syntax_help(expected: &[String], found: &str) -> String {
    let wants_name = expected.iter().any(|e| e == "a name");
    if wants_name && is_reserved(found) {
        return format!("`{found}` is a reserved word of the language; choose another name");
    }
    if expected.iter().any(|e| e.starts_with("a tranche")) {
        return "a tranche's label is plain words (`reserve fund: 10%`); a label with a word of the language in it, such as `to` or `member`, is written in quotes: `\"member distribution\": 5%`".into();
    }
    if expected.iter().any(|e| e == "`then`") {
        return "an `if` reads `if CONDITION then VALUE else OTHER VALUE`".into();
    }
    if expected.iter().any(|e| e == "`else`") {
        return "every `if ... then ...` needs an `else`, so that the rule has a value in every case".into();
    }
    if expected.iter().any(|e| e == "an expression") {
        if is_reserved(found) || found.is_empty() {
            return "an expression is missing or unfinished before this point, for example after an operator".into();
        }
        if found == "=" {
            return "to compare two values write `a = b`; each side needs a value".into();
        }
    }
    if expected
        .iter()
        .any(|e| e == "`rulebook \"Name\"` at the start")
    {
        return "a rulebook starts with its header, such as `rulebook \"Our Co-op\" version \"1\" currency GBP`".into();
    }
    "check this line for a missing bracket, quote, comma or keyword; docs/language.md shows each construct".into()
}

// ----------------------------------------------------------------- helpers

/// Where a construct is written, without the whitespace and comments pest
/// consumed after its last token (an `expect` line's span would otherwise
/// take in its line break, the comment below it and the next line's
/// indent, and a tranche's run into the next tranche's line).
fn span(pair: &Pair<Rule>) -> Span {
    let whole = pair.as_span();
    let text = whole.as_str();
    let kept = without_trailing_comments(text).len();
    Span::new(whole.start(), whole.start() + kept)
}

/// `text` without what follows its last token: whitespace, and `--`
/// comments (a `--` inside quotes is text, not a comment).
fn without_trailing_comments(mut text: &str) -> &str {
    loop {
        text = text.trim_end();
        let line_start = text.rfind('\n').map_or(0, |i| i + 1);
        if !text[line_start..].contains("--") {
            return text;
        }
        // Read from the start, as a text in quotes may span lines and a
        // comment may hold a quote.
        let bytes = text.as_bytes();
        let (mut i, mut quoted) = (0, false);
        let mut last_comment = None;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' if quoted => i += 1,
                b'"' => quoted = !quoted,
                b'-' if !quoted && bytes.get(i + 1) == Some(&b'-') => {
                    last_comment = Some(i);
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
        // Only a comment on the last line is trailing (the text is trimmed,
        // so nothing follows it).
        match last_comment {
            Some(at) if at >= line_start => text = &text[..at],
            _ => return text,
        }
    }
}

/// Whether a rule of the grammar is a keyword: `kw_X`, by the grammar's
/// own convention (src/syntax/keywords.rs tests that each spells `X`).
/// Read from the rules' names once, so no list here can miss a keyword.
fn is_keyword(rule: Rule) -> bool {
    static KEYWORD_RULES: std::sync::LazyLock<Vec<bool>> = std::sync::LazyLock::new(|| {
        let all = Rule::all_rules();
        let mut out = vec![false; all.iter().map(|r| *r as usize + 1).max().unwrap_or(0)];
        for r in all {
            out[*r as usize] = format!("{r:?}").starts_with("kw_");
        }
        out
    });
    KEYWORD_RULES.get(rule as usize).copied().unwrap_or(false)
}

/// The children of a pair that carry meaning (keywords dropped).
/// A threshold from the parts after `for`: `> 50% of cast`, `more than
/// half of present`, `>= 2/3 of cast`, `> against`.
fn build_threshold<'a>(
    mut parts: impl Iterator<Item = Pair<'a, Rule>>,
    item_span: Span,
) -> Result<Threshold> {
    let op = next(&mut parts, "threshold operator")?;
    // `>`, or in words `more than`; `>=`, `≥` or `at least`.
    let strict = op.as_str() == ">" || op.as_str().starts_with("more");
    let rest: Vec<Pair<Rule>> = parts.collect();
    // `half` is a word the children leave out: the basis alone.
    let (share, basis) = match rest.as_slice() {
        [basis] => (None, Some(basis.as_str())),
        [share, basis] => (Some(share.clone()), Some(basis.as_str())),
        _ => (None, None),
    };
    let half = rest.len() == 1;
    let basis = match basis {
        Some(b) if b.starts_with("present") => VoteBasis::Present,
        Some("members") => VoteBasis::Members,
        _ => VoteBasis::Cast,
    };
    let measure = match share {
        None if half => ThresholdMeasure::Fraction(Decimal::ONE, Decimal::TWO, basis),
        Some(p) if p.as_rule() == Rule::percent => {
            let n = next(&mut children(p), "threshold percent")?;
            let (v, _) = parse_number(n.as_str(), item_span)?;
            ThresholdMeasure::Share(v / Decimal::ONE_HUNDRED, basis)
        }
        Some(p) if p.as_rule() == Rule::fraction => {
            let (num, den) = p.as_str().split_once('/').unwrap_or(("0", "0"));
            let (num, _) = parse_number(num, item_span)?;
            let (den, _) = parse_number(den, item_span)?;
            ThresholdMeasure::Fraction(num, den, basis)
        }
        _ => ThresholdMeasure::Against,
    };
    Ok(Threshold {
        strict,
        measure,
        span: item_span,
    })
}

fn children<'a>(pair: Pair<'a, Rule>) -> impl Iterator<Item = Pair<'a, Rule>> {
    pair.into_inner().filter(|p| !is_keyword(p.as_rule()))
}

fn next<'a>(it: &mut impl Iterator<Item = Pair<'a, Rule>>, what: &str) -> Result<Pair<'a, Rule>> {
    it.next().ok_or_else(|| internal(what))
}

fn ident(pair: Pair<Rule>) -> Ident {
    Ident {
        name: pair.as_str().to_string(),
        span: span(&pair),
    }
}

fn text(pair: Pair<Rule>) -> Text {
    let s = span(&pair);
    let raw = pair.into_inner().next().map_or("", |p| p.as_str());
    let mut value = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => value.push('\n'),
                Some('t') => value.push('\t'),
                Some(other) => value.push(other),
                None => {}
            }
        } else {
            value.push(c);
        }
    }
    Text { value, span: s }
}

// ---------------------------------------------------------------- rulebook

fn build_rulebook(root: Pair<Rule>) -> Result<Rulebook> {
    let mut inner = children(root);
    let header = build_header(next(&mut inner, "header")?)?;
    let mut items = Vec::new();
    for pair in inner {
        let item = match pair.as_rule() {
            Rule::unit_def => Item::Unit(build_unit(pair)?),
            Rule::member_schema => Item::MemberSchema(build_schema(pair)?),
            Rule::period_schema => Item::PeriodSchema(build_schema(pair)?),
            Rule::parameter => Item::Parameter(build_parameter(pair)?),
            Rule::article => Item::Article(build_article(pair)?),
            Rule::rule_def => Item::Rule(build_rule(pair)?),
            Rule::limit_def => Item::Limit(build_limit(pair)?),
            Rule::allocation => Item::Allocation(build_allocation(pair)?),
            Rule::resolution => Item::Resolution(build_resolution(pair)?),
            Rule::election => Item::Election(build_election(pair)?),
            Rule::act_def => Item::Act(build_act(pair)?),
            Rule::scenario => Item::Scenario(build_scenario(pair)?),
            Rule::example => Item::Example(build_example(pair)?),
            Rule::members_fixture => {
                let fixture_span = span(&pair);
                let mut inner = children(pair);
                let name = ident(next(&mut inner, "fixture name")?);
                let mut members = Vec::new();
                for m in inner {
                    members.push(build_member(m)?);
                }
                Item::Members(MembersFixture {
                    name,
                    members,
                    span: fixture_span,
                })
            }
            Rule::EOI => continue,
            _ => return Err(internal("unknown item")),
        };
        items.push(item);
    }
    Ok(Rulebook { header, items })
}

fn build_header(pair: Pair<Rule>) -> Result<Header> {
    let header_span = span(&pair);
    let mut inner = children(pair);
    let name = text(next(&mut inner, "rulebook name")?);
    let mut header = Header {
        name,
        version: None,
        currency: None,
        in_force: None,
        financial_year: None,
        day_count: None,
        span: header_span,
    };
    for clause in inner {
        let clause_span = span(&clause);
        let value = next(&mut children(clause.clone()), "header clause")?;
        let repeated = match clause.as_rule() {
            Rule::version_clause => header.version.replace(text(value)).is_some(),
            Rule::currency_clause => header.currency.replace(ident(value)).is_some(),
            Rule::in_force_clause => {
                let s = span(&value);
                header
                    .in_force
                    .replace((parse_date(value.as_str(), s)?, s))
                    .is_some()
            }
            Rule::financial_year_clause => header
                .financial_year
                .replace(build_financial_year(clause.clone(), clause_span)?)
                .is_some(),
            Rule::day_count_clause => {
                let name = children(clause.clone())
                    .find(|p| p.as_rule() == Rule::day_count_name)
                    .ok_or_else(|| internal("day count name"))?;
                header.day_count.replace(ident(name)).is_some()
            }
            _ => return Err(internal("header clause")),
        };
        if repeated {
            return Err(
                Diagnostic::error(Code::Duplicate, "the header says this twice")
                    .at(clause_span, "said again here")
                    .help("keep one of the two")
                    .into(),
            );
        }
    }
    Ok(header)
}

/// `financial year from 21 December in quarters`.
fn build_financial_year(pair: Pair<Rule>, clause_span: Span) -> Result<FinancialYear> {
    let mut day = None;
    let mut month = None;
    let mut periods = None;
    for part in children(pair) {
        match part.as_rule() {
            Rule::day_number => day = part.as_str().parse::<u8>().ok(),
            Rule::month_name => {
                month = MONTHS
                    .iter()
                    .position(|m| *m == part.as_str())
                    .and_then(|i| time::Month::try_from(i as u8 + 1).ok());
            }
            Rule::period_length => periods = Some(ident(part)),
            _ => {}
        }
    }
    Ok(FinancialYear {
        day: day.ok_or_else(|| internal("financial year day"))?,
        month: month.ok_or_else(|| internal("financial year month"))?,
        periods,
        span: clause_span,
    })
}

/// The months as the grammar spells them, in order.
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn build_unit(pair: Pair<Rule>) -> Result<UnitDecl> {
    let mut inner = children(pair);
    let name = ident(next(&mut inner, "unit name")?);
    let description = inner.next().map(text);
    Ok(UnitDecl { name, description })
}

fn build_schema(pair: Pair<Rule>) -> Result<Schema> {
    let schema_span = span(&pair);
    let fields = children(pair)
        .map(build_field)
        .collect::<Result<Vec<_>>>()?;
    Ok(Schema {
        fields,
        span: schema_span,
    })
}

fn build_field(pair: Pair<Rule>) -> Result<Field> {
    let field_span = span(&pair);
    let mut inner = children(pair);
    let name = ident(next(&mut inner, "field name")?);
    let ty = build_type(next(&mut inner, "field type")?)?;
    let mut field = Field {
        name,
        ty,
        default: None,
        ledger: None,
        each_period: false,
        span: field_span,
    };
    for part in inner {
        match part.as_rule() {
            Rule::value => field.default = Some(build_value(part)?),
            Rule::ledger_source => {
                let credits = part.as_str().trim_start().starts_with("credits");
                let account = text(next(&mut children(part), "ledger account")?);
                field.ledger = Some(LedgerSource { credits, account });
            }
            Rule::each_period => field.each_period = true,
            _ => return Err(internal("field part")),
        }
    }
    Ok(field)
}

fn build_type(pair: Pair<Rule>) -> Result<TypeExpr> {
    let type_span = span(&pair);
    match pair.as_rule() {
        Rule::named_type => {
            let mut name = None;
            let mut currency = None;
            let mut per = None;
            let mut optional = false;
            for part in children(pair) {
                match part.as_rule() {
                    Rule::optional_mark => optional = true,
                    Rule::currency_code => currency = Some(ident(part)),
                    Rule::ident if name.is_none() => name = Some(ident(part)),
                    Rule::ident => per = Some(ident(part)),
                    _ => return Err(internal("type part")),
                }
            }
            Ok(TypeExpr::Named {
                name: name.ok_or_else(|| internal("type name"))?,
                currency,
                per,
                optional,
                span: type_span,
            })
        }
        Rule::enum_type => Ok(TypeExpr::Enum {
            variants: children(pair).map(ident).collect(),
            span: type_span,
        }),
        _ => Err(internal("type")),
    }
}

fn build_parameter(pair: Pair<Rule>) -> Result<Parameter> {
    let param_span = span(&pair);
    let mut inner = children(pair);
    let name = ident(next(&mut inner, "parameter name")?);
    let ty = build_type(next(&mut inner, "parameter type")?)?;
    let value = next(&mut inner, "parameter value")?;
    if value.as_rule() != Rule::dated_values {
        return Ok(Parameter {
            name,
            ty,
            default: build_value(value)?,
            from: None,
            later: Vec::new(),
            span: param_span,
        });
    }
    let mut dated = Vec::new();
    for d in children(value) {
        let mut parts = children(d);
        let value = build_value(next(&mut parts, "dated value")?)?;
        let date = next(&mut parts, "date from")?;
        let from_span = span(&date);
        dated.push(DatedValue {
            value,
            from: parse_date(date.as_str(), from_span)?,
            from_span,
        });
    }
    let mut dated = dated.into_iter();
    let first = dated.next().ok_or_else(|| internal("dated values"))?;
    Ok(Parameter {
        name,
        ty,
        default: first.value,
        from: Some((first.from, first.from_span)),
        later: dated.collect(),
        span: param_span,
    })
}

fn build_article(pair: Pair<Rule>) -> Result<Article> {
    let article_span = span(&pair);
    let mut inner = children(pair);
    let number = ident(next(&mut inner, "article number")?);
    let title = text(next(&mut inner, "article title")?);
    let mut article = Article {
        number,
        title,
        legal_text: Vec::new(),
        sources: Vec::new(),
        parameters: Vec::new(),
        rules: Vec::new(),
        units: Vec::new(),
        limits: Vec::new(),
        allocations: Vec::new(),
        resolutions: Vec::new(),
        acts: Vec::new(),
        span: article_span,
    };
    for item in inner {
        match item.as_rule() {
            Rule::legal_text => article
                .legal_text
                .push(text(next(&mut children(item), "legal text")?)),
            Rule::citation => article
                .sources
                .push(text(next(&mut children(item), "source")?)),
            Rule::parameter => article.parameters.push(build_parameter(item)?),
            Rule::rule_def => article.rules.push(build_rule(item)?),
            Rule::limit_def => article.limits.push(build_limit(item)?),
            Rule::unit_def => article.units.push(build_unit(item)?),
            Rule::allocation => article.allocations.push(build_allocation(item)?),
            Rule::resolution => article.resolutions.push(build_resolution(item)?),
            Rule::act_def => article.acts.push(build_act(item)?),
            _ => return Err(internal("article item")),
        }
    }
    Ok(article)
}

fn build_rule(pair: Pair<Rule>) -> Result<RuleDef> {
    let rule_span = span(&pair);
    let mut name = None;
    let mut params = None;
    let mut result = None;
    let mut body = None;
    let mut waiver = None;
    let mut exceptions = Vec::new();
    for child in children(pair) {
        match child.as_rule() {
            Rule::ident => name = Some(ident(child)),
            Rule::rule_params => params = Some(build_params(child)?),
            Rule::named_type | Rule::enum_type => result = Some(build_type(child)?),
            Rule::plain_expr => body = Some(child),
            Rule::waiver_tail => waiver = Some(child),
            Rule::exception => {
                let exception_span = span(&child);
                let mut prevailing = false;
                let mut exprs = Vec::new();
                for part in children(child) {
                    match part.as_rule() {
                        Rule::prevailing => prevailing = true,
                        _ => exprs.push(build_expr(part)?.0),
                    }
                }
                let value = exprs.pop().ok_or_else(|| internal("exception value"))?;
                let condition = exprs.pop().ok_or_else(|| internal("exception condition"))?;
                exceptions.push(Exception {
                    prevailing,
                    condition,
                    value,
                    span: exception_span,
                });
            }
            _ => return Err(internal("rule part")),
        }
    }
    // The body and any waiver after it are one sequence of operators.
    let body = body.ok_or_else(|| internal("rule body"))?.into_inner();
    let body = match waiver {
        Some(tail) => build_sequence(body.chain(tail.into_inner()))?.0,
        None => build_sequence(body)?.0,
    };
    Ok(RuleDef {
        name: name.ok_or_else(|| internal("rule name"))?,
        params,
        result,
        body,
        exceptions,
        span: rule_span,
    })
}

fn build_limit(pair: Pair<Rule>) -> Result<Limit> {
    let limit_span = span(&pair);
    let mut name = None;
    let mut condition = None;
    let mut each = None;
    let mut source = None;
    for child in children(pair) {
        match child.as_rule() {
            Rule::ident => name = Some(ident(child)),
            Rule::expr => condition = Some(build_expr(child)?.0),
            Rule::limit_each => each = Some(ident(next(&mut children(child), "limit member")?)),
            Rule::citation => source = Some(text(next(&mut children(child), "limit source")?)),
            _ => return Err(internal("limit part")),
        }
    }
    Ok(Limit {
        name: name.ok_or_else(|| internal("limit name"))?,
        condition: condition.ok_or_else(|| internal("limit condition"))?,
        each,
        source,
        span: limit_span,
    })
}

fn build_mode(raw: &str) -> Result<RoundingMode> {
    let words: Vec<&str> = raw.split_whitespace().collect();
    Ok(match words.as_slice() {
        ["half", "up"] => RoundingMode::HalfUp,
        ["half", "down"] => RoundingMode::HalfDown,
        ["half", "even"] => RoundingMode::HalfEven,
        ["up"] => RoundingMode::Up,
        ["down"] => RoundingMode::Down,
        ["floor"] => RoundingMode::Floor,
        ["ceiling"] => RoundingMode::Ceiling,
        _ => return Err(internal("rounding mode")),
    })
}

fn build_allocation(pair: Pair<Rule>) -> Result<Allocation> {
    let allocation_span = span(&pair);
    let mut inner = children(pair);
    let amount = build_expr(next(&mut inner, "allocation amount")?)?.0;
    let mut rounding = None;
    let mut scope = None;
    let mut record_date = None;
    let mut tranches = Vec::new();
    let mut loss = None;
    for child in inner {
        match child.as_rule() {
            Rule::record_date => {
                record_date = Some(build_expr(next(&mut children(child), "record date")?)?.0)
            }
            Rule::alloc_rounding => {
                let mut parts = children(child);
                let mode = next(&mut parts, "allocation mode")?;
                rounding = Some((build_mode(mode.as_str())?, span(&mode)));
                scope = parts.next().map(|p| {
                    let written = if p.as_str() == "each" {
                        RoundingScope::Each
                    } else {
                        RoundingScope::Pooled
                    };
                    (written, span(&p))
                });
            }
            Rule::tranche => tranches.push(build_tranche(child)?),
            Rule::loss_block => loss = Some(build_loss_block(child)?),
            _ => return Err(internal("allocation part")),
        }
    }
    Ok(Allocation {
        amount,
        rounding,
        scope,
        record_date,
        tranches,
        loss,
        span: allocation_span,
    })
}

fn build_split(pair: Pair<Rule>) -> Result<Split> {
    let split_span = span(&pair);
    let (var, filter, weight) = build_member_clause(pair)?;
    Ok(Split {
        var,
        filter,
        weight,
        span: split_span,
    })
}

fn build_loss_block(pair: Pair<Rule>) -> Result<LossBlock> {
    let block_span = span(&pair);
    let mut forms = Vec::new();
    for child in children(pair) {
        let form_span = span(&child);
        match child.as_rule() {
            Rule::loss_reserve => {
                let mut parts = children(child);
                let name = text(next(&mut parts, "reserve name")?);
                let at_most = match parts.next() {
                    Some(cap) => Some(build_expr(next(&mut children(cap), "limit")?)?.0),
                    None => None,
                };
                forms.push(LossForm::Reserve {
                    name,
                    at_most,
                    span: form_span,
                });
            }
            Rule::split => forms.push(LossForm::Members(build_split(child)?)),
            Rule::loss_carried => forms.push(LossForm::CarriedForward(form_span)),
            _ => return Err(internal("loss form")),
        }
    }
    Ok(LossBlock {
        forms,
        span: block_span,
    })
}

fn build_label(pair: Pair<Rule>) -> Result<Text> {
    let label = next(&mut children(pair), "label")?;
    Ok(match label.as_rule() {
        Rule::text => text(label),
        _ => Text {
            value: label
                .as_str()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
            span: span(&label),
        },
    })
}

/// `each member m [where C]` or `to each member m [where C] in proportion to W`:
/// the variable, the optional filter, and the expression after them.
fn build_member_clause(pair: Pair<Rule>) -> Result<(Ident, Option<Expr>, Expr)> {
    let mut var = None;
    let mut exprs = Vec::new();
    for child in children(pair) {
        match child.as_rule() {
            Rule::ident => var = Some(ident(child)),
            _ => exprs.push(build_expr(child)?.0),
        }
    }
    let last = exprs.pop().ok_or_else(|| internal("member clause value"))?;
    Ok((
        var.ok_or_else(|| internal("member clause variable"))?,
        exprs.pop(),
        last,
    ))
}

fn build_tranche(pair: Pair<Rule>) -> Result<Tranche> {
    let tranche_span = span(&pair);
    let mut inner = children(pair);
    let label = build_label(next(&mut inner, "tranche label")?)?;
    let mut tranche = Tranche {
        label,
        amount: TrancheAmount::Expr(Expr {
            kind: ExprKind::Remainder,
            span: tranche_span,
        }),
        at_most: None,
        at_least: None,
        split: None,
        otherwise: None,
        credited: None,
        span: tranche_span,
    };
    for child in inner {
        match child.as_rule() {
            Rule::expr => tranche.amount = TrancheAmount::Expr(build_expr(child)?.0),
            Rule::each_member_amount => {
                let (var, filter, value) = build_member_clause(child)?;
                tranche.amount = TrancheAmount::EachMember { var, filter, value };
            }
            Rule::at_most => {
                tranche.at_most = Some(build_expr(next(&mut children(child), "cap")?)?.0)
            }
            Rule::at_least => {
                tranche.at_least = Some(build_expr(next(&mut children(child), "floor")?)?.0)
            }
            Rule::split => tranche.split = Some(build_split(child)?),
            Rule::else_to => {
                tranche.otherwise = Some(text(next(&mut children(child), "reserve name")?))
            }
            Rule::credited => {
                let at = span(&child);
                let mut parts = children(child);
                let (member, attribute) =
                    build_attribute_ref(next(&mut parts, "attribute credited")?)?;
                let ceiling = build_expr(next(&mut parts, "ceiling")?)?.0;
                let account = text(next(&mut parts, "account")?);
                tranche.credited = Some(Credited {
                    member,
                    attribute,
                    ceiling,
                    account,
                    span: at,
                });
            }
            _ => return Err(internal("tranche part")),
        }
    }
    Ok(tranche)
}

fn build_resolution(pair: Pair<Rule>) -> Result<Resolution> {
    let resolution_span = span(&pair);
    let mut inner = children(pair);
    let name = ident(next(&mut inner, "resolution name")?);
    let mut resolution = Resolution {
        name,
        title: None,
        weights: None,
        quorum: Vec::new(),
        quorum_form: QuorumForm::All,
        alone_amends: Vec::new(),
        effective: None,
        threshold: None,
        consent: None,
        abstentions_against: false,
        ties_pass: None,
        record_date: None,
        procedure: Box::default(),
        span: resolution_span,
    };
    for item in inner {
        let item_span = span(&item);
        match item.as_rule() {
            Rule::text => resolution.title = Some(text(item)),
            Rule::one_member_one_vote => {}
            Rule::record_date => {
                resolution.record_date =
                    Some(build_expr(next(&mut children(item), "record date")?)?.0)
            }
            Rule::weighted_by => {
                let mut parts = children(item);
                let attribute = ident(next(&mut parts, "weighted attribute")?);
                let mut weights = Vec::new();
                let mut share = None;
                for w in parts {
                    if w.as_rule() == Rule::class_shares {
                        share = Some(crate::syntax::ast::Unvoted::Lapse);
                        for part in children(w) {
                            if part.as_rule() == Rule::unvoted_shares {
                                let how = next(&mut children(part), "unvoted share")?;
                                if how.as_rule() == Rule::unvoted_shared {
                                    share = Some(crate::syntax::ast::Unvoted::Shared);
                                }
                                continue;
                            }
                            let mut wp = children(part);
                            let class = ident(next(&mut wp, "class")?);
                            let pct = next(&mut wp, "share")?;
                            let s = span(&pct);
                            let digits = next(&mut children(pct), "percentage")?;
                            let value = parse_number(digits.as_str(), s)?.0 / Decimal::ONE_HUNDRED;
                            weights.push((class, value));
                        }
                        continue;
                    }
                    let mut wp = children(w);
                    let class = ident(next(&mut wp, "class")?);
                    let number = next(&mut wp, "weight")?;
                    let s = span(&number);
                    weights.push((class, parse_number(number.as_str(), s)?.0));
                }
                resolution.weights = Some(ClassWeights {
                    attribute,
                    weights,
                    share,
                    span: item_span,
                });
            }
            Rule::quorum => {
                let (terms, form) = build_quorum(children(item))?;
                resolution.quorum.extend(terms);
                resolution.quorum_form = form;
            }
            Rule::second_call => {
                let (quorum, form) = build_quorum(children(item))?;
                resolution.procedure.second_call = Some(SecondCall {
                    quorum,
                    form,
                    span: item_span,
                });
            }
            Rule::notice_rule => {
                let mut parts = children(item);
                let least = build_interval(next(&mut parts, "least notice")?)?;
                let most = parts.next().map(build_interval).transpose()?;
                resolution.procedure.notice = Some(NoticeRule {
                    least,
                    most,
                    span: item_span,
                });
            }
            Rule::proxy_rule => {
                let digits = next(&mut children(item), "proxies")?;
                resolution.procedure.proxies = Some((whole_count(&digits)?, item_span));
            }
            Rule::postal_rule => resolution.procedure.postal = Some(item_span),
            Rule::resolution_voter => {
                if let Some(first) = &resolution.procedure.voter {
                    return Err(Box::new(
                        Diagnostic::error(Code::Duplicate, "who may vote is said twice")
                            .at(item_span, "said again")
                            .related(first.span, "first said here")
                            .help("write one `voter m requires ...`, joining the conditions with `and`"),
                    ));
                }
                let mut parts = children(item);
                let var = ident(next(&mut parts, "member variable")?);
                let condition = build_expr(next(&mut parts, "condition")?)?.0;
                resolution.procedure.voter = Some(Candidacy {
                    var,
                    condition,
                    span: item_span,
                });
            }
            Rule::confirmation => {
                let mut parts = children(item);
                let earliest = build_interval(next(&mut parts, "earliest")?)?;
                let latest = build_interval(next(&mut parts, "latest")?)?;
                resolution.procedure.confirmation = Some(Box::new(Confirmation {
                    earliest,
                    latest,
                    threshold: build_threshold(parts, item_span)?,
                    span: item_span,
                }));
            }
            Rule::passes_when => {
                resolution.threshold = Some(build_threshold(children(item), item_span)?);
            }
            Rule::class_consent => {
                let mut parts: Vec<Pair<Rule>> = children(item).collect();
                let attribute = ident(parts.remove(0));
                let classes: Vec<Ident> = parts
                    .iter()
                    .take_while(|p| p.as_rule() == Rule::ident)
                    .cloned()
                    .map(ident)
                    .collect();
                let rest = parts.into_iter().skip(classes.len());
                resolution.consent = Some(Box::new(ClassConsent {
                    attribute,
                    classes,
                    threshold: build_threshold(rest, item_span)?,
                    span: item_span,
                }));
            }
            Rule::abstentions => {
                resolution.abstentions_against = children(item)
                    .next()
                    .is_some_and(|p| p.as_rule() == Rule::abstentions_against);
            }
            Rule::ties => {
                let outcome = next(&mut children(item), "tie outcome")?;
                resolution.ties_pass = Some(outcome.as_str() == "pass");
            }
            Rule::alone_amends => {
                resolution.alone_amends.extend(children(item).map(ident));
            }
            Rule::amendments_effective => {
                let clause = next(&mut children(item), "effective")?;
                resolution.effective = Some(build_effective(clause)?);
            }
            _ => return Err(internal("resolution part")),
        }
    }
    Ok(resolution)
}

fn build_params(pair: Pair<Rule>) -> Result<Vec<RuleParam>> {
    children(pair)
        .map(|p| {
            let mut inner = children(p);
            let name = ident(next(&mut inner, "parameter name")?);
            let ty = inner.next().map(build_type).transpose()?;
            Ok(RuleParam { name, ty })
        })
        .collect()
}

fn build_account(pair: Pair<Rule>) -> Result<AccountRef> {
    let mut inner = children(pair);
    let name = text(next(&mut inner, "account name")?);
    let member = inner.next().map(ident);
    Ok(AccountRef { name, member })
}

fn build_attribute_ref(pair: Pair<Rule>) -> Result<(Ident, Ident)> {
    let mut inner = children(pair);
    Ok((
        ident(next(&mut inner, "member")?),
        ident(next(&mut inner, "attribute")?),
    ))
}

/// A whole number written in `digits` (`seats 3`, `seed 42`), or E0102.
fn whole<T: std::str::FromStr>(pair: &Pair<Rule>, what: &str) -> Result<T> {
    pair.as_str().replace('_', "").parse::<T>().map_err(|_| {
        Box::new(
            Diagnostic::error(Code::BadNumber, format!("this {what} is too large"))
                .at(span(pair), "too large")
                .help(format!("write a smaller {what}")),
        )
    })
}

/// `election NAME "Title" { seats N  counted by ...  candidate m requires C
/// ties broken ... }`.
fn build_election(pair: Pair<Rule>) -> Result<Election> {
    let election_span = span(&pair);
    let mut inner = children(pair);
    let name = ident(next(&mut inner, "election name")?);
    let mut election = Election {
        name,
        title: None,
        seats: None,
        method: None,
        candidate: None,
        voter: None,
        reserves: Vec::new(),
        ties: None,
        span: election_span,
    };
    for item in inner {
        let item_span = span(&item);
        match item.as_rule() {
            Rule::text => election.title = Some(text(item)),
            Rule::election_seats => {
                let digits = next(&mut children(item), "seats")?;
                election.seats = Some((whole(&digits, "number of seats")?, item_span));
            }
            Rule::election_method => {
                let method = next(&mut children(item), "method")?;
                let method = if method.as_rule() == Rule::method_plurality {
                    ElectionMethod::Plurality
                } else {
                    ElectionMethod::SingleTransferableVote
                };
                election.method = Some((method, item_span));
            }
            Rule::election_candidate | Rule::election_voter => {
                let voting = item.as_rule() == Rule::election_voter;
                let mut parts = children(item);
                let var = ident(next(&mut parts, "member variable")?);
                let condition = build_expr(next(&mut parts, "condition")?)?.0;
                let clause = Some(Candidacy {
                    var,
                    condition,
                    span: item_span,
                });
                if voting {
                    election.voter = clause;
                } else {
                    election.candidate = clause;
                }
            }
            Rule::election_reserve => {
                let mut parts = children(item);
                let digits = next(&mut parts, "reserved seats")?;
                let seats = (whole(&digits, "number of seats")?, span(&digits));
                let var = ident(next(&mut parts, "member variable")?);
                let condition = build_expr(next(&mut parts, "condition")?)?.0;
                election.reserves.push(SeatReserve {
                    seats,
                    var,
                    condition,
                    span: item_span,
                });
            }
            Rule::election_ties => {
                let how = next(&mut children(item), "tie rule")?;
                election.ties = Some(if how.as_rule() == Rule::ties_by_lot {
                    ElectionTies::Lot
                } else {
                    ElectionTies::Name
                });
            }
            _ => return Err(internal("election part")),
        }
    }
    Ok(election)
}

/// `election NAME { candidates a, b  voter: a > b ... } seed N` at a step.
fn build_ballots(pair: Pair<Rule>) -> Result<Ballots> {
    let step_span = span(&pair);
    let mut inner = children(pair);
    let election = ident(next(&mut inner, "election name")?);
    let mut ballots = Ballots {
        election,
        candidates: Vec::new(),
        ballots: Vec::new(),
        seed: None,
        span: step_span,
    };
    for part in inner {
        match part.as_rule() {
            Rule::election_candidates => ballots.candidates = children(part).map(ident).collect(),
            Rule::ballot => {
                let ballot_span = span(&part);
                let mut parts = children(part);
                let voter = ident(next(&mut parts, "voter")?);
                let mut choices = vec![ident(next(&mut parts, "first choice")?)];
                let mut ranked = false;
                for rest in parts {
                    ranked = rest.as_rule() == Rule::ballot_ranked;
                    choices.extend(children(rest).map(ident));
                }
                ballots.ballots.push(Ballot {
                    voter,
                    choices,
                    ranked,
                    span: ballot_span,
                });
            }
            Rule::election_seed => {
                let at = span(&part);
                let digits = next(&mut children(part), "seed")?;
                ballots.seed = Some((whole(&digits, "seed")?, at));
            }
            _ => return Err(internal("ballots part")),
        }
    }
    Ok(ballots)
}

fn build_act(pair: Pair<Rule>) -> Result<ActDef> {
    let act_span = span(&pair);
    let mut inner = children(pair);
    let name = ident(next(&mut inner, "act name")?);
    let mut act = ActDef {
        name,
        params: None,
        requires: Vec::new(),
        effects: Vec::new(),
        span: act_span,
    };
    for item in inner {
        match item.as_rule() {
            Rule::rule_params => act.params = Some(build_params(item)?),
            Rule::requirement => act
                .requires
                .push(build_expr(next(&mut children(item), "requirement")?)?.0),
            _ => act.effects.push(build_effect(item)?),
        }
    }
    Ok(act)
}

/// `member`, `applicant`, `former member` or `person` after `each`.
fn build_who(pair: Pair<Rule>) -> Who {
    match pair.into_inner().next().map(|p| p.as_rule()) {
        Some(Rule::who_applicant) => Who::Applicants,
        Some(Rule::who_former) => Who::Former,
        Some(Rule::who_person) => Who::People,
        _ => Who::Members,
    }
}

fn build_effect(item: Pair<Rule>) -> Result<Effect> {
    let item_span = span(&item);
    Ok(match item.as_rule() {
        Rule::admit => Effect::Admit(ident(next(&mut children(item), "admitted")?)),
        Rule::remove => Effect::Remove(ident(next(&mut children(item), "removed")?)),
        Rule::posting => {
            let mut parts = children(item);
            let amount = build_expr(next(&mut parts, "posted amount")?)?.0;
            let debit = build_account(next(&mut parts, "debit account")?)?;
            let credit = build_account(next(&mut parts, "credit account")?)?;
            Effect::Post {
                amount,
                debit,
                credit,
                span: item_span,
            }
        }
        Rule::for_each => {
            let mut var = None;
            let mut filter = None;
            let mut effects = Vec::new();
            let mut who = Who::Members;
            for part in children(item) {
                match part.as_rule() {
                    Rule::who => who = build_who(part),
                    Rule::ident => var = Some(ident(part)),
                    Rule::expr => filter = Some(build_expr(part)?.0),
                    _ => effects.push(build_effect(part)?),
                }
            }
            Effect::ForEach {
                who,
                var: var.ok_or_else(|| internal("for each variable"))?,
                filter,
                effects,
            }
        }
        Rule::add_to | Rule::subtract_from | Rule::set_to => {
            let rule = item.as_rule();
            let parts: Vec<Pair<Rule>> = children(item).collect();
            let (target, value) = match (rule, parts.as_slice()) {
                (Rule::set_to, [t, v]) => (t.clone(), v.clone()),
                (_, [v, t]) => (t.clone(), v.clone()),
                _ => return Err(internal("change effect")),
            };
            let (member, attribute) = build_attribute_ref(target)?;
            Effect::Change {
                op: match rule {
                    Rule::add_to => ChangeOp::Add,
                    Rule::subtract_from => ChangeOp::Subtract,
                    _ => ChangeOp::Set,
                },
                member,
                attribute,
                value: build_expr(value)?.0,
                span: item_span,
            }
        }
        _ => return Err(internal("effect")),
    })
}

fn build_vote_groups<'a>(
    groups: impl Iterator<Item = Pair<'a, Rule>>,
    votes: &mut ExampleVotes,
) -> Result<()> {
    for group in groups {
        let mut members = children(group);
        let choice = next(&mut members, "vote choice")?;
        for voter in members {
            let mut parts = children(voter);
            let who = ident(next(&mut parts, "voter")?);
            if let Some(means) = parts.next() {
                let means = match means.as_rule() {
                    Rule::by_proxy => {
                        VoteMeans::Proxy(ident(next(&mut children(means), "proxy holder")?))
                    }
                    _ => VoteMeans::Post,
                };
                votes.absent.push((who.clone(), means));
            }
            match choice.as_str() {
                "for" => votes.for_.push(who),
                "against" => votes.against.push(who),
                _ => votes.abstain.push(who),
            }
        }
    }
    Ok(())
}

/// The terms of a quorum (`quorum ...` or `second call quorum ...`) and
/// how they combine.
fn build_quorum<'a>(
    parts: impl Iterator<Item = Pair<'a, Rule>>,
) -> Result<(Vec<(QuorumTerm, Span)>, QuorumForm)> {
    let mut terms: Vec<Pair<Rule>> = parts.collect();
    let mut form = QuorumForm::All;
    if let [only] = terms.as_slice() {
        form = match only.as_rule() {
            Rule::quorum_greater => QuorumForm::Greater,
            Rule::quorum_lesser => QuorumForm::Lesser,
            _ => QuorumForm::All,
        };
        if form != QuorumForm::All {
            terms = children(terms.remove(0)).collect();
        }
    }
    let mut out = Vec::with_capacity(terms.len());
    for term in terms {
        let term_span = span(&term);
        let part = next(&mut children(term), "quorum term")?;
        let q = match part.as_rule() {
            Rule::percent => {
                let n = next(&mut children(part), "quorum percent")?;
                let (v, _) = parse_number(n.as_str(), term_span)?;
                QuorumTerm::Share(v / Decimal::ONE_HUNDRED)
            }
            Rule::more_than_half => QuorumTerm::MoreThan(Decimal::new(5, 1)),
            Rule::quorum_votes => {
                let p = next(&mut children(part), "quorum percent")?;
                let n = next(&mut children(p), "quorum percent")?;
                let (v, _) = parse_number(n.as_str(), term_span)?;
                QuorumTerm::Votes(v / Decimal::ONE_HUNDRED)
            }
            _ => QuorumTerm::Count(parse_number(part.as_str(), term_span)?.0),
        };
        out.push((q, term_span));
    }
    Ok((out, form))
}

/// `15 days`, `14 clear days`, `1 month`.
fn build_interval(pair: Pair<Rule>) -> Result<Interval> {
    let mut parts = children(pair);
    let digits = next(&mut parts, "count")?;
    let count = whole_count(&digits)?;
    let unit = next(&mut parts, "unit")?;
    let unit = match unit.as_rule() {
        Rule::clear_days => IntervalUnit::ClearDays,
        _ if unit.as_str().starts_with("month") => IntervalUnit::Months,
        _ => IntervalUnit::Days,
    };
    Ok(Interval { count, unit })
}

/// A whole number written in the rules (a count of days, months or
/// proxies), at most `u32::MAX`.
fn whole_count(digits: &Pair<Rule>) -> Result<u32> {
    digits
        .as_str()
        .replace('_', "")
        .parse::<u32>()
        .map_err(|_| {
            Box::new(
                Diagnostic::error(Code::BadNumber, "this number is too large")
                    .at(span(digits), "too large")
                    .help("a count of days, months or proxies is at most 4,294,967,295"),
            )
        })
}

fn build_scenario(pair: Pair<Rule>) -> Result<Scenario> {
    let scenario_span = span(&pair);
    let mut inner = children(pair);
    let name = text(next(&mut inner, "scenario name")?);
    let mut scenario = Scenario {
        name,
        members: Vec::new(),
        members_file: None,
        opening: None,
        parameters: Vec::new(),
        steps: Vec::new(),
        repeats: Vec::new(),
        span: scenario_span,
    };
    for item in inner {
        match item.as_rule() {
            Rule::example_members => scenario.members.extend(build_members(item)?),
            Rule::members_file => {
                scenario.members_file = Some(text(next(&mut children(item), "members file")?))
            }
            Rule::opening_balances => {
                let at = span(&item);
                if let Some(first) = &scenario.opening {
                    return Err(Box::new(
                        Diagnostic::error(Code::Duplicate, "the opening balances are given twice")
                            .at(at, "given again")
                            .related(first.span, "first given here")
                            .help("write the opening balances once, in one block or one file"),
                    ));
                }
                scenario.opening = Some(build_opening(item)?);
            }
            Rule::example_param => scenario.parameters.push(build_binding(item)?),
            Rule::step => {
                let step_span = span(&item);
                let mut parts = children(item);
                let date_pair = next(&mut parts, "step date")?;
                let date = parse_date(date_pair.as_str(), span(&date_pair))?;
                let kind = build_step_kind(next(&mut parts, "step")?)?;
                scenario.steps.push(Step {
                    date,
                    kind,
                    span: step_span,
                });
            }
            Rule::every => scenario.repeats.push(build_every(item)?),
            _ => return Err(internal("scenario part")),
        }
    }
    Ok(scenario)
}

/// `opening balances { ... }` or `opening balances from "file.csv"`.
fn build_opening(pair: Pair<Rule>) -> Result<OpeningBalances> {
    let at = span(&pair);
    let mut lines = Vec::new();
    for part in children(pair) {
        match part.as_rule() {
            Rule::text => {
                return Ok(OpeningBalances {
                    source: OpeningSource::File(text(part)),
                    span: at,
                });
            }
            Rule::opening_line => {
                let line_span = span(&part);
                let debit = part.as_str().starts_with("debit");
                let mut parts = children(part);
                let account = build_account(next(&mut parts, "opening account")?)?;
                let amount = build_value(next(&mut parts, "opening balance")?)?;
                lines.push(OpeningLine {
                    debit,
                    account,
                    amount,
                    span: line_span,
                });
            }
            _ => return Err(internal("opening balances")),
        }
    }
    Ok(OpeningBalances {
        source: OpeningSource::Lines(lines),
        span: at,
    })
}

/// What a step does: an act, a motion or a close.
fn build_step_kind(what: Pair<Rule>) -> Result<StepKind> {
    Ok(match what.as_rule() {
        Rule::act_call => {
            let mut call = children(what);
            let name = ident(next(&mut call, "act name")?);
            let args = call.map(build_value).collect::<Result<Vec<_>>>()?;
            StepKind::Act { name, args }
        }
        Rule::motion => {
            let motion_span = span(&what);
            let mut m = children(what);
            let resolution = ident(next(&mut m, "resolution")?);
            let mut votes = ExampleVotes {
                resolution,
                for_: Vec::new(),
                against: Vec::new(),
                abstain: Vec::new(),
                absent: Vec::new(),
                span: motion_span,
            };
            let mut title = None;
            let mut groups = Vec::new();
            let mut amendments = Vec::new();
            let mut effective = None;
            let mut sitting = Sitting::First;
            let mut notice = None;
            let mut then = None;
            for part in m {
                match part.as_rule() {
                    Rule::text => title = Some(text(part)),
                    Rule::sitting => {
                        let which = next(&mut children(part), "sitting")?;
                        sitting = if which.as_rule() == Rule::sitting_second {
                            Sitting::SecondCall
                        } else {
                            Sitting::Confirming
                        };
                    }
                    Rule::notice_given => {
                        let at = span(&part);
                        let date = next(&mut children(part), "notice date")?;
                        notice = Some((parse_date(date.as_str(), span(&date))?, at));
                    }
                    Rule::vote_group => groups.push(part),
                    Rule::effective => effective = Some(build_effective(part)?),
                    Rule::amendment => {
                        let mut a = children(part);
                        let name = ident(next(&mut a, "amended parameter")?);
                        let value = build_value(next(&mut a, "amended value")?)?;
                        amendments.push(Binding { name, value });
                    }
                    Rule::motion_act => {
                        let at = span(&part);
                        let mut call = children(next(&mut children(part), "act")?);
                        let name = ident(next(&mut call, "act name")?);
                        let args = call.map(build_value).collect::<Result<Vec<_>>>()?;
                        then = Some(Box::new(MotionAct {
                            name,
                            args,
                            span: at,
                        }));
                    }
                    _ => return Err(internal("motion part")),
                }
            }
            build_vote_groups(groups.into_iter(), &mut votes)?;
            StepKind::Motion {
                votes,
                title,
                amendments,
                effective,
                sitting,
                notice,
                then,
            }
        }
        Rule::election_step => StepKind::Election(build_ballots(what)?),
        Rule::close_period => StepKind::Close {
            figures: children(what)
                .map(build_binding)
                .collect::<Result<Vec<_>>>()?,
        },
        _ => return Err(internal("step kind")),
    })
}

/// `effective WHEN`: on adoption, a date, `N days after adoption` or `next
/// period`, with the clause's span.
fn build_effective(pair: Pair<Rule>) -> Result<(Effective, Span)> {
    let at = span(&pair);
    let when = next(&mut children(pair), "when")?;
    let effective = match when.as_rule() {
        Rule::effective_adoption => Effective::OnAdoption,
        Rule::date => Effective::On(parse_date(when.as_str(), span(&when))?),
        Rule::effective_next => Effective::NextPeriod,
        _ => {
            let digits = next(&mut children(when), "days")?;
            let days = digits.as_str().replace('_', "").parse::<u32>().map_err(|_| {
                Box::new(
                    Diagnostic::error(Code::BadNumber, "this number of days is too large")
                        .at(span(&digits), "too many")
                        .help("an amendment takes effect at most 4,294,967,295 days after adoption"),
                )
            })?;
            Effective::DaysAfter(days)
        }
    };
    Ok((effective, at))
}

/// `every UNIT [from DATE (to DATE | for N UNITS)] { ... }`.
fn build_every(pair: Pair<Rule>) -> Result<Every> {
    let every_span = span(&pair);
    let mut inner = children(pair);
    let unit = ident(next(&mut inner, "unit of time")?);
    let mut every = Every {
        unit,
        during: None,
        items: Vec::new(),
        span: every_span,
    };
    for part in inner {
        match part.as_rule() {
            Rule::every_span => {
                let during_span = span(&part);
                let mut p = children(part);
                let from_pair = next(&mut p, "start date")?;
                let from = parse_date(from_pair.as_str(), span(&from_pair))?;
                let end = next(&mut p, "end of the repetition")?;
                let until = match end.as_rule() {
                    Rule::every_to => {
                        let d = next(&mut children(end), "end date")?;
                        EveryUntil::To(parse_date(d.as_str(), span(&d))?)
                    }
                    _ => {
                        let mut e = children(end);
                        let digits = next(&mut e, "count")?;
                        let count =
                            digits
                                .as_str()
                                .replace('_', "")
                                .parse::<u32>()
                                .map_err(|_| {
                                    Box::new(
                                        Diagnostic::error(
                                            Code::BadNumber,
                                            "this count is too large",
                                        )
                                        .at(span(&digits), "too many")
                                        .help("repeat for at most 4,294,967,295 units of time"),
                                    )
                                })?;
                        let unit = ident(next(&mut e, "unit of time")?);
                        EveryUntil::For { count, unit }
                    }
                };
                every.during = Some(EverySpan {
                    from,
                    until,
                    span: during_span,
                });
            }
            Rule::every => every.items.push(EveryItem::Every(build_every(part)?)),
            Rule::every_step => {
                let step_span = span(&part);
                let mut p = children(part).peekable();
                let last_day = p.peek().is_some_and(|x| x.as_rule() == Rule::last_day);
                if last_day {
                    p.next();
                }
                let kind = build_step_kind(next(&mut p, "repeated step")?)?;
                every.items.push(EveryItem::Step {
                    last_day,
                    kind,
                    span: step_span,
                });
            }
            _ => return Err(internal("every part")),
        }
    }
    Ok(every)
}

fn build_example(pair: Pair<Rule>) -> Result<Example> {
    let example_span = span(&pair);
    let mut inner = children(pair);
    let name = text(next(&mut inner, "example name")?);
    let mut example = Example {
        name,
        members: Vec::new(),
        fixtures: Vec::new(),
        members_file: None,
        period: Vec::new(),
        parameters: Vec::new(),
        reserves: Vec::new(),
        votes: Vec::new(),
        date: None,
        expectations: Vec::new(),
        span: example_span,
    };
    for item in inner {
        match item.as_rule() {
            Rule::example_members => example.members.extend(build_members(item)?),
            Rule::members_file => {
                example.members_file = Some(text(next(&mut children(item), "members file")?))
            }
            Rule::members_named => example
                .fixtures
                .push(ident(next(&mut children(item), "fixture name")?)),
            Rule::example_period => {
                for binding in children(item) {
                    example.period.push(build_binding(binding)?);
                }
            }
            Rule::example_param => example.parameters.push(build_binding(item)?),
            Rule::example_reserve => {
                let mut parts = children(item);
                let name = text(next(&mut parts, "reserve name")?);
                let value = build_value(next(&mut parts, "reserve balance")?)?;
                example.reserves.push((name, value));
            }
            Rule::example_date => {
                let d = next(&mut children(item), "example date")?;
                let at = span(&d);
                if example.date.is_some() {
                    return Err(Box::new(
                        Diagnostic::error(Code::Duplicate, "the example is dated twice")
                            .at(at, "second date")
                            .help("an example is set on one date: keep one `on DATE`"),
                    ));
                }
                example.date = Some((parse_date(d.as_str(), at)?, at));
            }
            Rule::expectation => {
                let inner = next(&mut children(item), "expectation")?;
                if inner.as_rule() == Rule::expect_breach {
                    let breach_span = span(&inner);
                    let mut parts = children(inner);
                    let limit = ident(next(&mut parts, "limit name")?);
                    let member = parts.next().map(ident);
                    example.expectations.push(Expect::Breach {
                        limit,
                        member,
                        span: breach_span,
                    });
                } else {
                    example
                        .expectations
                        .push(Expect::Value(build_expr(inner)?.0));
                }
            }
            Rule::example_votes => {
                let votes_span = span(&item);
                let mut parts = children(item);
                let resolution = ident(next(&mut parts, "resolution name")?);
                let mut votes = ExampleVotes {
                    resolution,
                    for_: Vec::new(),
                    against: Vec::new(),
                    abstain: Vec::new(),
                    absent: Vec::new(),
                    span: votes_span,
                };
                build_vote_groups(parts, &mut votes)?;
                example.votes.push(votes);
            }
            _ => return Err(internal("example item")),
        }
    }
    Ok(example)
}

/// `ada: age 30, shares £5  ben: ...`: the members of an example or scenario.
fn build_members(pair: Pair<Rule>) -> Result<Vec<ExampleMember>> {
    children(pair).map(build_member).collect()
}

fn build_member(member: Pair<Rule>) -> Result<ExampleMember> {
    let member_span = span(&member);
    let mut parts = children(member);
    let name = ident(next(&mut parts, "member name")?);
    let values = parts.map(build_binding).collect::<Result<Vec<_>>>()?;
    Ok(ExampleMember {
        name,
        values,
        span: member_span,
    })
}

/// `name value`, also `parameter name = value` (the keyword and `=` are not
/// among the pair's children).
fn build_binding(pair: Pair<Rule>) -> Result<Binding> {
    let mut inner = children(pair);
    let name = ident(next(&mut inner, "binding name")?);
    let value = build_value(next(&mut inner, "binding value")?)?;
    Ok(Binding { name, value })
}

fn build_value(pair: Pair<Rule>) -> Result<Value> {
    let value_span = span(&pair);
    let mut negative = false;
    for child in children(pair) {
        match child.as_rule() {
            Rule::neg_sign => negative = true,
            Rule::ident => return Ok(Value::Name(ident(child))),
            _ => {
                let literal = build_literal(child)?;
                let literal = if negative {
                    negate(literal, value_span)?
                } else {
                    literal
                };
                return Ok(Value::Literal(literal, value_span));
            }
        }
    }
    Err(internal("value"))
}

fn negate(literal: Literal, at: Span) -> Result<Literal> {
    // `-0` is zero: the decimal type would keep the sign.
    let neg = |d: Decimal| if d.is_zero() { d } else { -d };
    Ok(match literal {
        Literal::Integer(d) => Literal::Integer(neg(d)),
        Literal::Decimal(d) => Literal::Decimal(neg(d)),
        Literal::Percent(d) => Literal::Percent(neg(d)),
        Literal::Money { amount, currency } => Literal::Money {
            amount: neg(amount),
            currency,
        },
        Literal::Measure {
            amount,
            percent,
            currency,
            unit,
            per,
        } => Literal::Measure {
            amount: neg(amount),
            percent,
            currency,
            unit,
            per,
        },
        _ => {
            return Err(
                Diagnostic::error(Code::Syntax, "only a number can be negative")
                    .at(at, "minus sign before a value that is not a number")
                    .help("remove the `-`")
                    .into(),
            );
        }
    })
}

// ------------------------------------------------------------- literals

fn build_literal(pair: Pair<Rule>) -> Result<Literal> {
    let s = span(&pair);
    match pair.as_rule() {
        Rule::number => {
            let (value, is_integer) = parse_number(pair.as_str(), s)?;
            Ok(if is_integer {
                Literal::Integer(value)
            } else {
                Literal::Decimal(value)
            })
        }
        Rule::percent => {
            let number = next(&mut children(pair), "percent")?;
            let (value, _) = parse_number(number.as_str(), s)?;
            let fraction = value
                .checked_div(Decimal::ONE_HUNDRED)
                .ok_or_else(|| bad_number(s))?;
            Ok(Literal::Percent(fraction))
        }
        Rule::money => {
            let mut amount = None;
            let mut currency = None;
            for part in children(pair) {
                match part.as_rule() {
                    Rule::number => amount = Some(parse_number(part.as_str(), s)?.0),
                    Rule::currency_symbol => {
                        currency =
                            Currency::from_symbol(part.as_str()).map(|c| c.code().to_string())
                    }
                    Rule::currency_code => currency = Some(part.as_str().to_string()),
                    _ => {}
                }
            }
            Ok(Literal::Money {
                amount: amount.ok_or_else(|| internal("money amount"))?,
                currency: currency.ok_or_else(|| internal("money currency"))?,
            })
        }
        Rule::quantity => {
            let mut inner = children(pair);
            let number = next(&mut inner, "quantity amount")?;
            let unit = ident(next(&mut inner, "quantity unit")?);
            Ok(Literal::Measure {
                amount: parse_number(number.as_str(), s)?.0,
                percent: false,
                currency: None,
                unit: Some(unit),
                per: None,
            })
        }
        Rule::rate => {
            let mut inner = children(pair);
            let base = build_literal(next(&mut inner, "rate amount")?)?;
            let per = Some(ident(next(&mut inner, "rate unit")?));
            Ok(match base {
                Literal::Money { amount, currency } => Literal::Measure {
                    amount,
                    percent: false,
                    currency: Some(currency),
                    unit: None,
                    per,
                },
                Literal::Measure { amount, unit, .. } => Literal::Measure {
                    amount,
                    percent: false,
                    currency: None,
                    unit,
                    per,
                },
                Literal::Integer(amount) | Literal::Decimal(amount) => Literal::Measure {
                    amount,
                    percent: false,
                    currency: None,
                    unit: None,
                    per,
                },
                Literal::Percent(amount) => Literal::Measure {
                    amount,
                    percent: true,
                    currency: None,
                    unit: None,
                    per,
                },
                _ => return Err(internal("rate")),
            })
        }
        Rule::date => Ok(Literal::Date(parse_date(pair.as_str(), s)?)),
        Rule::text => Ok(Literal::Text(text(pair).value)),
        Rule::boolean => Ok(Literal::Bool(pair.as_str() == "true")),
        Rule::none_value => Ok(Literal::None),
        _ => Err(internal("literal")),
    }
}

fn bad_number(at: Span) -> Diagnostic {
    Diagnostic::error(
        Code::BadNumber,
        "this number has too many digits to be represented exactly",
    )
    .at(at, "too large or too precise")
    .help("Rochdale keeps 28 significant digits; write the number with fewer")
}

fn parse_number(raw: &str, at: Span) -> Result<(Decimal, bool)> {
    let cleaned: String = raw.chars().filter(|c| *c != '_').collect();
    let value = Decimal::from_str_exact(&cleaned).map_err(|_| bad_number(at))?;
    Ok((value, !cleaned.contains('.')))
}

fn parse_date(raw: &str, at: Span) -> Result<time::Date> {
    let bad = || {
        Diagnostic::error(
            Code::BadDate,
            format!("{raw} is not a date in the calendar"),
        )
        .at(at, "no such date")
        .help("write dates as YYYY-MM-DD, such as 2026-04-05")
    };
    let mut parts = raw.split('-');
    let year: i32 = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    let month: u8 = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    let day: u8 = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    let month = time::Month::try_from(month).map_err(|_| bad())?;
    time::Date::from_calendar_date(year, month, day).map_err(|_| bad().into())
}

// ----------------------------------------------------------- expressions

enum StackOp {
    Unary(UnaryOp, Span),
    Binary(BinaryOp, Span),
}

impl StackOp {
    fn precedence(&self) -> u8 {
        match self {
            StackOp::Unary(op, _) => op.precedence(),
            StackOp::Binary(op, _) => op.precedence(),
        }
    }
}

fn too_deep(at: Span) -> Diagnostic {
    Diagnostic::error(
        Code::TooDeep,
        format!("this expression is more than {MAX_EXPR_DEPTH} levels deep"),
    )
    .at(at, "too deep")
    .help("break the expression into smaller rules, each with a name that says what it computes")
}

/// Builds an expression tree and returns it with its depth.
fn build_expr(pair: Pair<Rule>) -> Result<(Expr, u32)> {
    build_sequence(pair.into_inner())
}

/// Builds an expression from its flat sequence of operands and operators
/// (an `expr`'s children, or a rule's body and its `waiver_tail`).
fn build_sequence<'i>(sequence: impl Iterator<Item = Pair<'i, Rule>>) -> Result<(Expr, u32)> {
    let mut operands: Vec<(Expr, u32)> = Vec::new();
    let mut ops: Vec<StackOp> = Vec::new();

    for child in sequence {
        let rule = child.as_rule();
        let child_span = span(&child);
        match rule {
            Rule::because => {
                // Postfix: bind to what came before, tighter than `and`.
                while ops
                    .last()
                    .is_some_and(|top| top.precedence() > BECAUSE_PRECEDENCE)
                {
                    reduce(&mut operands, &mut ops)?;
                }
                let reasons: Vec<Text> = children(child).map(text).collect();
                let (operand, depth) = operands.pop().ok_or_else(|| internal("because operand"))?;
                let s = operand.span.to(child_span);
                operands.push((
                    Expr {
                        kind: ExprKind::Because(Box::new(operand), reasons),
                        span: s,
                    },
                    depth + 1,
                ));
            }
            Rule::is_none => {
                // Postfix, as strong as a comparison: `a + b is none` asks of
                // `a + b`, `not x is none` of `x`.
                while ops
                    .last()
                    .is_some_and(|top| top.precedence() > IS_NONE_PRECEDENCE)
                {
                    reduce(&mut operands, &mut ops)?;
                }
                let negated = children(child).any(|c| c.as_rule() == Rule::is_not);
                let (operand, depth) = operands.pop().ok_or_else(|| internal("is none operand"))?;
                let s = operand.span.to(child_span);
                operands.push((
                    Expr {
                        kind: ExprKind::IsNone(Box::new(operand), negated),
                        span: s,
                    },
                    depth + 1,
                ));
            }
            Rule::op_neg => ops.push(StackOp::Unary(UnaryOp::Neg, child_span)),
            Rule::op_not => ops.push(StackOp::Unary(UnaryOp::Not, child_span)),
            _ => {
                if let Some(op) = binary_op(rule) {
                    while let Some(top) = ops.last() {
                        if top.precedence() < op.precedence() {
                            break;
                        }
                        if let StackOp::Binary(top_op, top_span) = top {
                            if top_op.is_comparison() && op.is_comparison() {
                                return Err(Diagnostic::error(
                                    Code::ChainedComparison,
                                    "comparisons cannot be chained",
                                )
                                .at(child_span, "second comparison")
                                .related(*top_span, "first comparison")
                                .help("join two comparisons with `and`, as in `a < b and b < c`")
                                .into());
                            }
                        }
                        reduce(&mut operands, &mut ops)?;
                    }
                    ops.push(StackOp::Binary(op, child_span));
                } else {
                    operands.push(build_operand(child)?);
                }
            }
        }
    }
    while !ops.is_empty() {
        reduce(&mut operands, &mut ops)?;
    }
    let result = operands.pop().ok_or_else(|| internal("empty expression"))?;
    if !operands.is_empty() {
        return Err(internal("dangling operand"));
    }
    Ok(result)
}

fn binary_op(rule: Rule) -> Option<BinaryOp> {
    Some(match rule {
        Rule::op_add => BinaryOp::Add,
        Rule::op_sub => BinaryOp::Sub,
        Rule::op_mul => BinaryOp::Mul,
        Rule::op_div => BinaryOp::Div,
        Rule::op_eq => BinaryOp::Eq,
        Rule::op_ne => BinaryOp::Ne,
        Rule::op_lt => BinaryOp::Lt,
        Rule::op_le => BinaryOp::Le,
        Rule::op_gt => BinaryOp::Gt,
        Rule::op_ge => BinaryOp::Ge,
        Rule::op_and => BinaryOp::And,
        Rule::op_or => BinaryOp::Or,
        Rule::op_except => BinaryOp::ExceptWhen,
        _ => return None,
    })
}

fn reduce(operands: &mut Vec<(Expr, u32)>, ops: &mut Vec<StackOp>) -> Result<()> {
    let op = ops.pop().ok_or_else(|| internal("operator stack"))?;
    let (kind, span, depth) = match op {
        StackOp::Unary(op, op_span) => {
            let (operand, depth) = operands.pop().ok_or_else(|| internal("unary operand"))?;
            let s = op_span.to(operand.span);
            (ExprKind::Unary(op, Box::new(operand)), s, depth + 1)
        }
        StackOp::Binary(op, _) => {
            let (right, rd) = operands.pop().ok_or_else(|| internal("right operand"))?;
            let (left, ld) = operands.pop().ok_or_else(|| internal("left operand"))?;
            let s = left.span.to(right.span);
            (
                ExprKind::Binary(op, Box::new(left), Box::new(right)),
                s,
                ld.max(rd) + 1,
            )
        }
    };
    if depth > MAX_EXPR_DEPTH {
        return Err(too_deep(span).into());
    }
    operands.push((Expr { kind, span }, depth));
    Ok(())
}

fn build_operand(pair: Pair<Rule>) -> Result<(Expr, u32)> {
    let s = span(&pair);
    let leaf = |kind| Ok((Expr { kind, span: s }, 1));
    match pair.as_rule() {
        Rule::expr => build_expr(pair),
        Rule::path => {
            let mut inner = children(pair);
            let first = ident(next(&mut inner, "path")?);
            match inner.next() {
                Some(attr) => leaf(ExprKind::Attribute(first, ident(attr))),
                None => leaf(ExprKind::Name(first)),
            }
        }
        Rule::period_field => {
            let field = ident(next(&mut children(pair), "period field")?);
            leaf(ExprKind::Period(field))
        }
        Rule::remainder => leaf(ExprKind::Remainder),
        Rule::loss_borne => {
            let by = next(&mut children(pair), "loss bearer")?;
            let bearer = match by.as_rule() {
                Rule::loss_by_reserve => {
                    LossBearer::Reserve(text(next(&mut children(by), "reserve name")?))
                }
                Rule::loss_carried => LossBearer::CarriedForward,
                _ => LossBearer::Member(ident(by)),
            };
            leaf(ExprKind::LossBorne(bearer))
        }
        Rule::allocated => {
            let mut inner = children(pair);
            let label = text(next(&mut inner, "allocated label")?);
            let member = inner.next().map(ident);
            leaf(ExprKind::Allocated { label, member })
        }
        Rule::if_expr => {
            let mut branches = Vec::new();
            let mut exprs: Vec<(Expr, u32)> = Vec::new();
            let mut depth = 0;
            for child in children(pair) {
                match child.as_rule() {
                    Rule::else_if => {
                        let mut inner = children(child);
                        let (c, cd) = build_expr(next(&mut inner, "else if condition")?)?;
                        let (v, vd) = build_expr(next(&mut inner, "else if value")?)?;
                        depth = depth.max(cd).max(vd);
                        branches.push((c, v));
                    }
                    _ => {
                        let built = build_expr(child)?;
                        depth = depth.max(built.1);
                        exprs.push(built);
                        if exprs.len() == 2 {
                            let (v, _) = exprs.pop().ok_or_else(|| internal("if"))?;
                            let (c, _) = exprs.pop().ok_or_else(|| internal("if"))?;
                            // The first condition goes before any `else if`.
                            branches.insert(0, (c, v));
                        }
                    }
                }
            }
            let (otherwise, od) = exprs.pop().ok_or_else(|| internal("if else"))?;
            let depth = depth.max(od) + 1;
            if depth > MAX_EXPR_DEPTH {
                return Err(too_deep(s).into());
            }
            Ok((
                Expr {
                    kind: ExprKind::If {
                        branches,
                        otherwise: Box::new(otherwise),
                    },
                    span: s,
                },
                depth,
            ))
        }
        Rule::call => {
            let mut inner = children(pair);
            let name = ident(next(&mut inner, "call name")?);
            let mut args = Vec::new();
            let mut depth = 0;
            for arg in inner {
                let arg_span = span(&arg);
                match arg.as_rule() {
                    Rule::round_step => {
                        let (e, d) = build_expr(next(&mut children(arg), "step")?)?;
                        depth = depth.max(d);
                        args.push(Argument::Step(e, arg_span));
                    }
                    Rule::round_mode => {
                        let words: Vec<&str> = arg.as_str().split_whitespace().collect();
                        let mode = match words.as_slice() {
                            ["half", "up"] => RoundingMode::HalfUp,
                            ["half", "down"] => RoundingMode::HalfDown,
                            ["half", "even"] => RoundingMode::HalfEven,
                            ["up"] => RoundingMode::Up,
                            ["down"] => RoundingMode::Down,
                            ["floor"] => RoundingMode::Floor,
                            ["ceiling"] => RoundingMode::Ceiling,
                            _ => return Err(internal("rounding mode")),
                        };
                        args.push(Argument::Mode(mode, arg_span));
                    }
                    _ => {
                        let (e, d) = build_expr(arg)?;
                        depth = depth.max(d);
                        args.push(Argument::Expr(e));
                    }
                }
            }
            let depth = depth + 1;
            if depth > MAX_EXPR_DEPTH {
                return Err(too_deep(s).into());
            }
            Ok((
                Expr {
                    kind: ExprKind::Call { name, args },
                    span: s,
                },
                depth,
            ))
        }
        Rule::aggregate => {
            let mut kind = None;
            let mut value = None;
            let mut who = Who::Members;
            let mut var = None;
            let mut filter = None;
            let mut depth = 0;
            for child in children(pair) {
                match child.as_rule() {
                    Rule::aggregate_fn => {
                        kind = Some(match child.as_str() {
                            "sum" => AggregateKind::Sum,
                            "count" => AggregateKind::Count,
                            "min" => AggregateKind::Min,
                            "max" => AggregateKind::Max,
                            "any" => AggregateKind::Any,
                            _ => AggregateKind::All,
                        })
                    }
                    Rule::who => who = build_who(child),
                    Rule::ident => var = Some(ident(child)),
                    Rule::expr => {
                        let (e, d) = build_expr(child)?;
                        depth = depth.max(d);
                        // Before the variable: the value; after it: the filter.
                        if var.is_none() {
                            value = Some(Box::new(e));
                        } else {
                            filter = Some(Box::new(e));
                        }
                    }
                    _ => return Err(internal("aggregate part")),
                }
            }
            let depth = depth + 1;
            if depth > MAX_EXPR_DEPTH {
                return Err(too_deep(s).into());
            }
            Ok((
                Expr {
                    kind: ExprKind::Aggregate {
                        kind: kind.ok_or_else(|| internal("aggregate kind"))?,
                        value,
                        who,
                        var: var.ok_or_else(|| internal("aggregate variable"))?,
                        filter,
                    },
                    span: s,
                },
                depth,
            ))
        }
        _ => build_literal(pair).map(|l| {
            (
                Expr {
                    kind: ExprKind::Literal(l),
                    span: s,
                },
                1,
            )
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_expression_read_on_its_own_is_placed_in_its_own_text() {
        // Every kind of node, and literals with units inside.
        let text = r#"if not (m.age >= 16 because "adult") then round(sum(x.share for each member x where x.kind = Worker), to 0.01, half up) else max(allocated "dividend" to ada, period.sales, 12 km_month, £90 per hour, remainder, -f(1, 2%))"#;
        let expr = parse_expression(text, Span::EXPRESSION).expect("parses");
        // Every span writes its source in its Debug text: none is left in
        // the rulebook.
        let tree = format!("{expr:?}");
        assert!(!tree.contains("source: 0"), "{tree}");
        assert!(tree.matches("source: 1").count() >= 30, "{tree}");
        assert_eq!(
            expr.span,
            Span::new(0, text.len()).in_source(Span::EXPRESSION)
        );
        let errors = parse_expression("f(", Span::EXPRESSION).expect_err("incomplete");
        assert!(
            errors
                .iter()
                .all(|d| d.span.is_some_and(|s| s.source == Span::EXPRESSION))
        );
    }
}
