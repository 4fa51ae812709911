//! A person's standing with the cooperative, as `each` names it: a member,
//! an applicant (listed, never admitted), a former member (left), or any
//! person. The one definition the row executor's aggregates and the
//! engine's `for each` go by.

use crate::syntax::ast::Who;

/// Whether a person is among `who`: `active` is whether they are a member
/// now, `joined` whether they ever were admitted, `left` whether they
/// have left.
pub fn counts(who: Who, active: bool, joined: bool, left: bool) -> bool {
    match who {
        Who::Members => active,
        Who::Applicants => !active && !joined && !left,
        Who::Former => !active && left,
        Who::People => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_standing_is_one_of_three() {
        // (active, joined, left): an applicant, a member, one who left.
        let people = [
            (false, false, false),
            (true, true, false),
            (false, true, true),
        ];
        let of = |who| {
            people
                .iter()
                .map(|&(a, j, l)| counts(who, a, j, l))
                .collect::<Vec<_>>()
        };
        assert_eq!(of(Who::Applicants), [true, false, false]);
        assert_eq!(of(Who::Members), [false, true, false]);
        assert_eq!(of(Who::Former), [false, false, true]);
        assert_eq!(of(Who::People), [true, true, true]);
    }
}
