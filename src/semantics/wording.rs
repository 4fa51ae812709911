//! Wording filled with the rules' figures: the one place a `text` or a
//! `because` becomes the sentence a reader sees. Refusals, `explain`, the
//! examples' expected reasons, `diff` and the document all call [`fill`],
//! with the parameters in force at that moment (a motion may have amended
//! them), so the words never drift from the figures.

use rust_decimal::Decimal;

use crate::currency::Currency;
use crate::program::Program;
use crate::syntax::wording::{Form, Piece, pieces};
use crate::types::Type;
use crate::value::{Value, ValueView};

/// `template` with each `{name}` replaced by the parameter's value in
/// `params` (by index, as [`Program::params`]) as the rulebook displays it,
/// and each `{name as words}` by [`in_words`]. The checker has read every
/// placeholder (an unknown name or a malformed one is an error there), so a
/// placeholder that does not resolve here is left as written.
pub fn fill(template: &str, program: &Program, params: &[Value]) -> String {
    // Most wording embeds nothing: no parse, no allocation beyond the copy.
    if !template.contains('{') {
        return template.to_string();
    }
    let Ok(pieces) = pieces(template, crate::span::Span::default()) else {
        return template.to_string();
    };
    let mut out = String::with_capacity(template.len() + 16);
    for piece in pieces {
        match piece {
            Piece::Words(w) => out.push_str(&w),
            Piece::Figure(p) => {
                let found = program.params.iter().position(|d| d.name == p.name);
                match found.and_then(|i| Some((&program.params[i], params.get(i)?))) {
                    Some((def, value)) => {
                        let written = figure(value, def.ty, p.form, program);
                        // Words that open a sentence take its capital.
                        let opens =
                            out.trim_end().is_empty() || out.trim_end().ends_with(['.', '!', '?']);
                        if opens && p.form == Form::Words {
                            let mut chars = written.chars();
                            if let Some(first) = chars.next() {
                                out.extend(first.to_uppercase());
                                out.push_str(chars.as_str());
                            }
                        } else {
                            out.push_str(&written);
                        }
                    }
                    None => {
                        out.push('{');
                        out.push_str(&p.name);
                        out.push('}');
                    }
                }
            }
        }
    }
    out
}

/// [`fill`] with the parameters' values as the rulebook declares them.
pub fn fill_declared(template: &str, program: &Program) -> String {
    if !template.contains('{') {
        return template.to_string();
    }
    let params: Vec<Value> = program.params.iter().map(|p| p.value.clone()).collect();
    fill(template, program, &params)
}

/// One figure, written as `form` says: figures through the value's own
/// display (the currency's symbol and grouping, a percentage's places), or
/// words when the value is a whole number (or a whole or half percentage).
fn figure(value: &Value, ty: Type, form: Form, program: &Program) -> String {
    let shown = || ValueView::new(value, ty, program, &[]).display;
    if form == Form::Figures {
        return shown();
    }
    let Some(n) = value.as_number() else {
        return shown();
    };
    match ty {
        Type::Integer | Type::Decimal => in_words(n).unwrap_or_else(shown),
        Type::Percent => in_words(n * Decimal::ONE_HUNDRED)
            .map(|w| format!("{w} per cent"))
            .unwrap_or_else(shown),
        Type::Money(c) => money_in_words(n, c).unwrap_or_else(shown),
        Type::Measure(dim) => rate_in_words(n, dim, program).unwrap_or_else(shown),
        _ => shown(),
    }
}

/// A percentage per one unit of time in words: `5% per year` is "five per
/// cent a year", as statutes write a rate. `None` for any other measure.
fn rate_in_words(n: Decimal, dim: crate::units::Dim, program: &Program) -> Option<String> {
    let time = dim.percent_per_time(&program.units)?;
    let words = in_words(n * Decimal::ONE_HUNDRED)?;
    Some(format!("{words} per cent a {}", time.name()))
}

/// The names of a currency's unit, one and many, for the currencies
/// whose amounts are written in words: `("pound", "pounds")`.
pub fn currency_nouns(currency: Currency) -> Option<(&'static str, &'static str)> {
    match currency.code() {
        "GBP" => Some(("pound", "pounds")),
        "EUR" => Some(("euro", "euros")),
        "USD" => Some(("dollar", "dollars")),
        _ => None,
    }
}

/// A whole amount in words: `£1.00` is "one pound", `€3000.00` "three
/// thousand euros". `None` for an amount with pence, or in a currency
/// without nouns here.
pub fn money_in_words(amount: Decimal, currency: Currency) -> Option<String> {
    let (one, many) = currency_nouns(currency)?;
    if !amount.fract().is_zero() {
        return None;
    }
    let words = in_words(amount)?;
    Some(format!(
        "{words} {}",
        if amount.abs() == Decimal::ONE {
            one
        } else {
            many
        }
    ))
}

const ONES: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];

const TENS: [&str; 10] = [
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

/// Each scale word with its size, largest first.
const SCALES: [(u64, &str); 4] = [
    (1_000_000_000_000, "trillion"),
    (1_000_000_000, "billion"),
    (1_000_000, "million"),
    (1_000, "thousand"),
];

/// A number in English words, as British legal drafting writes it:
/// `16` is "sixteen", `105` "one hundred and five", `2.5` "two and a
/// half", `-3` "minus three". `None` for a number that words do not write
/// plainly: a fraction other than a half, or one of a thousand trillion or
/// more.
pub fn in_words(n: Decimal) -> Option<String> {
    let n = n.normalize();
    let negative = n.is_sign_negative() && !n.is_zero();
    let n = n.abs();
    let whole = n.trunc();
    let fraction = n - whole;
    let half = if fraction.is_zero() {
        false
    } else if fraction == Decimal::new(5, 1) {
        true
    } else {
        return None;
    };
    let whole = u64::try_from(whole).ok()?;
    if whole >= 1_000 * SCALES[0].0 {
        return None;
    }
    let mut out = if negative {
        "minus ".to_string()
    } else {
        String::new()
    };
    if half && whole == 0 {
        out.push_str("a half");
        return Some(out);
    }
    out.push_str(&whole_words(whole));
    if half {
        out.push_str(" and a half");
    }
    Some(out)
}

/// A whole number under a thousand trillion in words.
fn whole_words(n: u64) -> String {
    if n == 0 {
        return ONES[0].to_string();
    }
    let mut parts: Vec<String> = Vec::new();
    let mut rest = n;
    for (size, name) in SCALES {
        if rest >= size {
            parts.push(format!("{} {name}", under_thousand(rest / size, false)));
            rest %= size;
        }
    }
    if rest > 0 {
        // "one thousand and five": the `and` before a last part under a hundred.
        parts.push(under_thousand(rest, !parts.is_empty()));
    }
    parts.join(" ")
}

/// 1 to 999 in words; `and_first` writes "and five" for a part under a
/// hundred that follows a larger one.
fn under_thousand(n: u64, and_first: bool) -> String {
    let hundreds = n / 100;
    let rest = n % 100;
    let mut out = String::new();
    if hundreds > 0 {
        out.push_str(ONES[hundreds as usize]);
        out.push_str(" hundred");
    }
    if rest > 0 {
        if hundreds > 0 || and_first {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str("and ");
        }
        out.push_str(&under_hundred(rest));
    }
    out
}

/// 1 to 99 in words: "sixteen", "twenty-five".
fn under_hundred(n: u64) -> String {
    if n < 20 {
        return ONES[n as usize].to_string();
    }
    let (tens, ones) = (n / 10, n % 10);
    if ones == 0 {
        TENS[tens as usize].to_string()
    } else {
        format!("{}-{}", TENS[tens as usize], ONES[ones as usize])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(n: i64) -> String {
        in_words(Decimal::from(n)).unwrap()
    }

    #[test]
    fn numbers_in_words_as_drafting_writes_them() {
        assert_eq!(words(0), "zero");
        assert_eq!(words(14), "fourteen");
        assert_eq!(words(16), "sixteen");
        assert_eq!(words(20), "twenty");
        assert_eq!(words(35), "thirty-five");
        assert_eq!(words(100), "one hundred");
        assert_eq!(words(105), "one hundred and five");
        assert_eq!(words(999), "nine hundred and ninety-nine");
        assert_eq!(words(1_005), "one thousand and five");
        assert_eq!(words(3_000), "three thousand");
        assert_eq!(words(32_000), "thirty-two thousand");
        assert_eq!(
            words(1_234_567),
            "one million two hundred and thirty-four thousand five hundred and sixty-seven"
        );
        assert_eq!(words(-3), "minus three");
    }

    #[test]
    fn halves_are_written_and_other_fractions_are_not() {
        assert_eq!(in_words(Decimal::new(25, 1)).unwrap(), "two and a half");
        assert_eq!(in_words(Decimal::new(5, 1)).unwrap(), "a half");
        // 16.00 is sixteen: the scale is not the number.
        assert_eq!(in_words(Decimal::new(1600, 2)).unwrap(), "sixteen");
        assert_eq!(in_words(Decimal::new(325, 2)), None);
        assert_eq!(in_words(Decimal::from(1_000_000_000_000_000_u64)), None);
    }

    #[test]
    fn whole_amounts_in_words_with_the_currency_noun() {
        let gbp = Currency::from_code("GBP").unwrap();
        let eur = Currency::from_code("EUR").unwrap();
        assert_eq!(
            money_in_words(Decimal::new(100, 2), gbp).unwrap(),
            "one pound"
        );
        assert_eq!(
            money_in_words(Decimal::from(3000), eur).unwrap(),
            "three thousand euros"
        );
        assert_eq!(money_in_words(Decimal::new(150, 2), gbp), None);
        let chf = Currency::from_code("CHF").unwrap();
        assert_eq!(money_in_words(Decimal::from(5), chf), None);
    }
}
