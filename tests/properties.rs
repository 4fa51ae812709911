//! Property tests of the whole pipeline: nothing panics, every failure is a
//! diagnostic, and well-typed arithmetic agrees with an independent oracle.

use proptest::prelude::*;
use rochdale::{Code, SourceFile, check_source, test_source};

// ------------------------------------------------------------ no panics

/// Fragments of the language, so random text reaches deep into the parser.
const TOKENS: &[&str] = &[
    "rulebook \"T\" currency GBP\n",
    "member {",
    "age: Integer",
    "shares: Money",
    "}",
    "{",
    "(",
    ")",
    "rule",
    "r",
    "x",
    "m",
    "=",
    "+",
    "-",
    "*",
    "/",
    "<",
    ">=",
    "and",
    "or",
    "not",
    "if",
    "then",
    "else",
    "£1.00",
    "5%",
    "3",
    "0",
    "0.5",
    "2026-02-30",
    "\"t\"",
    "true",
    "round(",
    "to 0.01",
    "half up",
    ",",
    "sum(",
    "for each member m",
    "where",
    "count(each member m",
    "example \"e\" {",
    "expect",
    "members {",
    "ada: age 3",
    "period",
    ".",
    "parameter",
    "p: Percent = 3%",
    "article 1 \"A\" {",
    "text \"x\"",
    "--comment\n",
    "\n",
    " ",
];

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..80).prop_map(|t| t.join(" "))
}

fn assert_total(text: &str) {
    let file = SourceFile::new("fuzz.coop", text);
    let report = test_source(&file);
    for d in &report.diagnostics {
        assert!(!d.message.is_empty());
        assert!(d.help.is_some(), "{} has no help: {}", d.code, d.message);
        if let Some(span) = d.span {
            assert!(
                span.start <= span.end && span.end <= text.len().max(span.end.min(text.len() + 1))
            );
        }
    }
    // A rendered diagnostic never panics either, nor does formatting; a
    // rulebook that parses formats to one that parses.
    let _ = rochdale::diagnostic::render_text(&report.diagnostics, &file, false);
    if let Ok(formatted) = rochdale::format::format_source(text) {
        assert!(
            rochdale::parse(&formatted).is_ok(),
            "formatted text does not parse:\n{formatted}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        assert_total(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn random_token_soup_never_panics(text in token_soup()) {
        assert_total(&text);
    }

    #[test]
    fn random_edits_of_the_rulebook_never_panic(
        cut in 0usize..20_000,
        len in 0usize..40,
        insert in prop::sample::select(TOKENS),
    ) {
        let original = include_str!("../rulebooks/rochdale-1844.coop");
        let mut at = cut % original.len();
        while !original.is_char_boundary(at) { at -= 1; }
        let mut end = (at + len).min(original.len());
        while !original.is_char_boundary(end) { end -= 1; }
        let text = format!("{}{}{}", &original[..at], insert, &original[end..]);
        assert_total(&text);
    }
}

// ------------------------------------------- well-typed arithmetic oracle

/// An integer expression with its value computed independently, in i128.
#[derive(Debug, Clone)]
enum IntExpr {
    Lit(i64),
    Param(usize),
    Neg(Box<IntExpr>),
    Bin(char, Box<IntExpr>, Box<IntExpr>),
    If(Box<BoolExpr>, Box<IntExpr>, Box<IntExpr>),
    MinMax(bool, Box<IntExpr>, Box<IntExpr>),
    Abs(Box<IntExpr>),
}

#[derive(Debug, Clone)]
enum BoolExpr {
    Cmp(&'static str, IntExpr, IntExpr),
    And(Box<BoolExpr>, Box<BoolExpr>),
    Or(Box<BoolExpr>, Box<BoolExpr>),
    Not(Box<BoolExpr>),
}

const PARAMS: [i64; 3] = [7, -3, 12];

fn int_expr() -> impl Strategy<Value = IntExpr> {
    let leaf = prop_oneof![
        (-50i64..50).prop_map(IntExpr::Lit),
        (0usize..3).prop_map(IntExpr::Param)
    ];
    leaf.prop_recursive(5, 40, 3, |inner| {
        let boolean = bool_expr(inner.clone());
        prop_oneof![
            inner.clone().prop_map(|e| IntExpr::Neg(Box::new(e))),
            (
                prop::sample::select(vec!['+', '-', '*']),
                inner.clone(),
                inner.clone()
            )
                .prop_map(|(op, l, r)| IntExpr::Bin(op, Box::new(l), Box::new(r))),
            (boolean, inner.clone(), inner.clone()).prop_map(|(c, t, e)| IntExpr::If(
                Box::new(c),
                Box::new(t),
                Box::new(e)
            )),
            (any::<bool>(), inner.clone(), inner.clone()).prop_map(|(m, a, b)| IntExpr::MinMax(
                m,
                Box::new(a),
                Box::new(b)
            )),
            inner.prop_map(|e| IntExpr::Abs(Box::new(e))),
        ]
    })
}

fn bool_expr(int: impl Strategy<Value = IntExpr> + Clone + 'static) -> BoxedStrategy<BoolExpr> {
    let cmp = (
        prop::sample::select(vec!["=", "!=", "<", "<=", ">", ">="]),
        int.clone(),
        int,
    )
        .prop_map(|(op, l, r)| BoolExpr::Cmp(op, l, r));
    cmp.prop_recursive(2, 6, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone())
                .prop_map(|(a, b)| BoolExpr::And(Box::new(a), Box::new(b))),
            (inner.clone(), inner.clone())
                .prop_map(|(a, b)| BoolExpr::Or(Box::new(a), Box::new(b))),
            inner.prop_map(|a| BoolExpr::Not(Box::new(a))),
        ]
    })
    .boxed()
}

/// Binding strength in the printed language (higher binds tighter).
fn int_prec(e: &IntExpr) -> u8 {
    match e {
        IntExpr::Bin('+' | '-', ..) => 5,
        IntExpr::Bin(..) => 6,
        IntExpr::Neg(_) => 7,
        IntExpr::If(..) => 0,
        _ => 9,
    }
}

/// Prints with as few brackets as the precedence rules allow, so the parser's
/// precedence and associativity are what is tested.
fn print_int(e: &IntExpr) -> String {
    match e {
        IntExpr::Lit(n) if *n < 0 => format!("({n})"),
        IntExpr::Lit(n) => n.to_string(),
        IntExpr::Param(i) => format!("p{i}"),
        IntExpr::Neg(x) => {
            let inner = print_int(x);
            if int_prec(x) < 7 || inner.starts_with('-') {
                format!("-({inner})")
            } else {
                format!("-{inner}")
            }
        }
        IntExpr::Bin(op, l, r) => {
            let p = int_prec(e);
            let ls = if int_prec(l) < p {
                format!("({})", print_int(l))
            } else {
                print_int(l)
            };
            // The right side of - (and of any operator at the same level)
            // needs brackets to keep left associativity.
            let rs = if int_prec(r) <= p {
                format!("({})", print_int(r))
            } else {
                print_int(r)
            };
            format!("{ls} {op} {rs}")
        }
        IntExpr::If(c, t, f) => format!(
            "if {} then {} else {}",
            print_bool(c),
            print_int(t),
            print_int(f)
        ),
        IntExpr::MinMax(max, a, b) => {
            format!(
                "{}({}, {})",
                if *max { "max" } else { "min" },
                print_int(a),
                print_int(b)
            )
        }
        IntExpr::Abs(x) => format!("abs({})", print_int(x)),
    }
}

fn bool_prec(e: &BoolExpr) -> u8 {
    match e {
        BoolExpr::Or(..) => 1,
        BoolExpr::And(..) => 2,
        BoolExpr::Not(_) => 3,
        BoolExpr::Cmp(..) => 4,
    }
}

fn print_bool(e: &BoolExpr) -> String {
    let wrap = |x: &BoolExpr, min: u8| {
        if bool_prec(x) < min {
            format!("({})", print_bool(x))
        } else {
            print_bool(x)
        }
    };
    match e {
        BoolExpr::Cmp(op, l, r) => {
            let side = |x: &IntExpr| {
                if int_prec(x) == 0 {
                    format!("({})", print_int(x))
                } else {
                    print_int(x)
                }
            };
            format!("{} {op} {}", side(l), side(r))
        }
        BoolExpr::And(a, b) => format!("{} and {}", wrap(a, 2), wrap(b, 3)),
        BoolExpr::Or(a, b) => format!("{} or {}", wrap(a, 1), wrap(b, 2)),
        BoolExpr::Not(a) => format!("not {}", wrap(a, 3)),
    }
}

fn eval_int(e: &IntExpr) -> Option<i128> {
    Some(match e {
        IntExpr::Lit(n) => *n as i128,
        IntExpr::Param(i) => PARAMS[*i] as i128,
        IntExpr::Neg(x) => -eval_int(x)?,
        IntExpr::Bin(op, l, r) => {
            let (a, b) = (eval_int(l)?, eval_int(r)?);
            match op {
                '+' => a.checked_add(b)?,
                '-' => a.checked_sub(b)?,
                _ => a.checked_mul(b)?,
            }
        }
        IntExpr::If(c, t, f) => {
            if eval_bool(c)? {
                eval_int(t)?
            } else {
                eval_int(f)?
            }
        }
        IntExpr::MinMax(max, a, b) => {
            let (a, b) = (eval_int(a)?, eval_int(b)?);
            if *max { a.max(b) } else { a.min(b) }
        }
        IntExpr::Abs(x) => eval_int(x)?.abs(),
    })
}

fn eval_bool(e: &BoolExpr) -> Option<bool> {
    Some(match e {
        BoolExpr::Cmp(op, l, r) => {
            let (a, b) = (eval_int(l)?, eval_int(r)?);
            match *op {
                "=" => a == b,
                "!=" => a != b,
                "<" => a < b,
                "<=" => a <= b,
                ">" => a > b,
                _ => a >= b,
            }
        }
        BoolExpr::And(a, b) => eval_bool(a)? && eval_bool(b)?,
        BoolExpr::Or(a, b) => eval_bool(a)? || eval_bool(b)?,
        BoolExpr::Not(a) => !eval_bool(a)?,
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

    #[test]
    fn well_typed_integer_expressions_check_and_agree_with_the_oracle(e in int_expr()) {
        let printed = print_int(&e);
        let text = format!(
            "rulebook \"T\" currency GBP\nparameter p0: Integer = {}\nparameter p1: Integer = {}\nparameter p2: Integer = {}\n\
             rule r: Integer = {printed}\nexample \"e\" {{ expect r = r }}\n",
            PARAMS[0], PARAMS[1], PARAMS[2]
        );
        let checked = check_source(&text);
        let codes: Vec<Code> = checked.diagnostics.iter().map(|d| d.code).collect();
        let program = checked.program.unwrap_or_else(|| panic!("{printed}\n{codes:?}"));
        let inputs = rochdale::eval::Inputs { params: program.default_params(), ..Default::default() };
        let rule = program.rule_id("r").expect("rule r");
        let got = rochdale::eval::Evaluator::new(&program, &inputs).rule(rule, vec![]);
        // Within 28 digits the interpreter must agree exactly; beyond, it
        // must say so with an overflow diagnostic, never wrap or panic.
        match eval_int(&e) {
            Some(want) if want.abs() < 10i128.pow(27) => {
                let got = got.unwrap_or_else(|d| panic!("{printed}: {}", d.message));
                prop_assert_eq!(got.as_number().map(|d| d.to_string()), Some(want.to_string()), "{}", printed);
            }
            _ => {
                if let Err(d) = got {
                    prop_assert_eq!(d.code, Code::Overflow);
                }
            }
        }
    }
}
