//! "Did you mean ...?": the nearest known name to a mistyped one.

/// The candidate closest to `name`, if one is close enough to be a likely
/// typo. Ties go to the alphabetically first, so the answer is deterministic.
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_lowercase();
    let limit = (name.chars().count() / 3).max(1);
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        if candidate == name {
            continue;
        }
        let distance = if candidate.to_lowercase() == lower {
            0
        } else if name.chars().count() >= 3 && is_abbreviation(&lower, &candidate.to_lowercase()) {
            // `rnd` for `round`, `qty` for `quantity`: as likely as a typo.
            1
        } else {
            strsim::damerau_levenshtein(name, candidate)
        };
        if distance > limit {
            continue;
        }
        best = match best {
            Some((d, c)) if d < distance || (d == distance && c <= candidate) => Some((d, c)),
            _ => Some((distance, candidate)),
        };
    }
    best.map(|(_, c)| c)
}

/// Whether `short` is `long` with letters left out, first letter kept.
fn is_abbreviation(short: &str, long: &str) -> bool {
    if short.chars().next() != long.chars().next() || short.len() >= long.len() {
        return false;
    }
    let mut rest = long.chars();
    short.chars().all(|c| rest.any(|l| l == c))
}

/// " Did you mean `x`?" or nothing.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    nearest(name, candidates).map(|c| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let names = ["eligible", "surplus", "share_value"];
        assert_eq!(nearest("eligable", names), Some("eligible"));
        assert_eq!(nearest("Surplus", names), Some("surplus"));
        assert_eq!(nearest("dividend", names), None);
        assert_eq!(nearest("rnd", ["round", "rate"]), Some("round"));
    }

    #[test]
    fn ties_break_alphabetically() {
        assert_eq!(nearest("ab", ["ac", "aa"]), Some("aa"));
        assert_eq!(nearest("ab", ["aa", "ac"]), Some("aa"));
    }
}
