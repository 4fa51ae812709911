//! Which column of a register is which: the person's name, an attribute by
//! its header or by `--map`, or a column the rules do not use (ignored with
//! a note).

use super::place::{Place, placed};
use super::{Options, Problems, note};
use crate::check::nearest;
use crate::diagnostic::{Code, Diagnostic};
use crate::program::{MEMBER_SINCE, MEMBER_UNTIL, Program};

/// The column of a member statement that names the person, read as
/// `name` when a register has no `name` column.
const STATEMENT_NAME: &str = "member";

/// The columns of a register, resolved.
pub(super) struct Columns {
    /// The column of the person's name.
    pub name: usize,
    /// Each column's attribute (`None`: the name, or ignored).
    pub attrs: Vec<Option<usize>>,
    /// Each column's header, as written.
    pub headers: Vec<String>,
    /// Which attributes a column gives (by attribute).
    pub given: Vec<bool>,
    /// The columns of the day a person joined and the day they left
    /// (`joined`, `left`), for members before the timeline begins.
    pub joined: Option<usize>,
    pub left: Option<usize>,
}

/// What a column holds.
enum Target {
    Name,
    Attr(usize),
    /// The day a person joined ([`MEMBER_SINCE`]).
    Joined,
    /// The day a former member left ([`MEMBER_UNTIL`]).
    Left,
}

impl Columns {
    /// Resolves `headers` (trimmed) with `options.map`; every problem goes
    /// to `problems`, every ignored column to `notes`. `None` when the rows
    /// cannot be read (no name column).
    pub fn of(
        program: &Program,
        headers: Vec<String>,
        options: &Options,
        place: Place<'_>,
        notes: &mut Vec<Diagnostic>,
        problems: &mut Problems,
    ) -> Option<Columns> {
        let attr_names: Vec<&str> = program
            .member_attrs
            .iter()
            .map(|a| a.name.as_str())
            .collect();
        // An attribute of the rulebook's takes its column before the
        // membership dates do.
        let target = |name: &str| -> Option<Target> {
            if name == "name" {
                Some(Target::Name)
            } else if let Some(a) = program.member_attr_id(name) {
                Some(Target::Attr(a))
            } else if name == MEMBER_SINCE {
                Some(Target::Joined)
            } else if name == MEMBER_UNTIL {
                Some(Target::Left)
            } else {
                None
            }
        };
        // Every --map names a column there is and an attribute there is.
        for (column, attr) in &options.map {
            if target(attr).is_none() {
                let help = nearest(attr, attr_names.iter().copied().chain(["name"]))
                    .map(|n| format!("did you mean `{n}`?"))
                    .unwrap_or_else(|| {
                        format!("the member attributes are: name, {}", attr_names.join(", "))
                    });
                problems.push(
                    Diagnostic::error(
                        Code::BadInputFile,
                        format!("--map {column}={attr}: members have no attribute `{attr}`"),
                    )
                    .help(help),
                );
            }
            if !headers.iter().any(|h| h == column) {
                let help = nearest(column, headers.iter().map(String::as_str))
                    .map(|n| format!("did you mean `{n}`?"))
                    .unwrap_or_else(|| format!("its columns are: {}", headers.join(", ")));
                problems.push(
                    Diagnostic::error(
                        Code::BadInputFile,
                        format!("--map {column}={attr}: the register has no column `{column}`"),
                    )
                    .help(help),
                );
            }
        }
        let mapped = |header: &str| -> Option<&str> {
            options
                .map
                .iter()
                .find(|(c, _)| c == header)
                .map(|(_, a)| a.as_str())
        };
        // The attributes some column gives, so a near miss is not offered
        // for an attribute that is there already.
        let given: Vec<&str> = headers.iter().map(|h| mapped(h).unwrap_or(h)).collect();
        let mut name = None;
        let (mut joined, mut left): (Option<usize>, Option<usize>) = (None, None);
        let mut attrs: Vec<Option<usize>> = Vec::with_capacity(headers.len());
        let mut taken: Vec<Option<usize>> = vec![None; program.member_attrs.len()];
        // A member statement (statements.csv of a run) names each person
        // in its `member` column: read as a register without a `name`
        // column, that is the name.
        let has_name = headers
            .iter()
            .any(|h| matches!(target(mapped(h).unwrap_or(h)), Some(Target::Name)));
        for (i, header) in headers.iter().enumerate() {
            let wanted = match mapped(header) {
                Some(m) => m,
                None if !has_name && header == STATEMENT_NAME && target(header).is_none() => "name",
                None => header,
            };
            match target(wanted) {
                Some(Target::Name) => {
                    if let Some(first) = name {
                        problems.push(two_columns(place, i, first, "name", header));
                    }
                    name = name.or(Some(i));
                    attrs.push(None);
                }
                Some(Target::Attr(a)) => {
                    if let Some(first) = taken[a] {
                        problems.push(two_columns(place, i, first, wanted, header));
                    }
                    taken[a] = taken[a].or(Some(i));
                    attrs.push(Some(a));
                }
                Some(which @ (Target::Joined | Target::Left)) => {
                    let slot = if matches!(which, Target::Joined) {
                        &mut joined
                    } else {
                        &mut left
                    };
                    if let Some(first) = *slot {
                        problems.push(two_columns(place, i, first, wanted, header));
                    }
                    *slot = slot.or(Some(i));
                    attrs.push(None);
                }
                // A mapped column whose attribute is unknown: its --map is
                // the problem, reported above.
                None if mapped(header).is_some() => attrs.push(None),
                None => {
                    attrs.push(None);
                    let missing = attr_names
                        .iter()
                        .copied()
                        .filter(|a| !given.contains(a))
                        .chain((!given.contains(&"name")).then_some("name"));
                    if let Some(near) = nearest(header, missing) {
                        // A near miss is taken for a typing slip, which
                        // would otherwise lose the column quietly.
                        problems.push(placed(
                            Diagnostic::error(
                                Code::BadInputFile,
                                format!("{}: members have no attribute `{header}`", place.cell(i)),
                            )
                            .help(format!(
                                "did you mean `{near}`? (rename the column, or give `--map {}`)",
                                shell_word(&format!("{header}={near}"))
                            )),
                            place.span(i),
                            "unknown column",
                        ));
                    } else {
                        notes.push(placed(
                            note(
                                Code::IgnoredColumn,
                                format!(
                                    "{}: the rules have no attribute `{header}`; the column is ignored",
                                    place.cell(i)
                                ),
                            )
                            .help(format!(
                                "nothing in the rulebook reads it; to read it as an attribute, give `--map {}`",
                                shell_word(&format!("{header}=ATTRIBUTE"))
                            )),
                            place.span(i),
                            "ignored",
                        ));
                    }
                }
            }
        }
        let Some(name) = name else {
            problems.push(placed(
                Diagnostic::error(
                    Code::BadInputFile,
                    format!("{}: there is no column `name`", place.name()),
                ),
                place.span(0),
                "header",
            )
            .help("add a column `name` with each person's name, or say which column holds it with `--map COLUMN=name`"));
            return None;
        };
        // Rows are read even after a problem here, so that every problem
        // of the register is reported at once.
        Some(Columns {
            name,
            attrs,
            headers,
            given: taken.iter().map(Option::is_some).collect(),
            joined,
            left,
        })
    }
}

/// Two columns for one attribute.
fn two_columns(place: Place<'_>, i: usize, first: usize, attr: &str, header: &str) -> Diagnostic {
    placed(
        Diagnostic::error(
            Code::BadInputFile,
            format!(
                "{}: `{header}` gives `{attr}` again ({} gives it first)",
                place.cell(i),
                place.cell(first)
            ),
        ),
        place.span(i),
        "a second column",
    )
    .help("keep one column for each attribute")
}

/// `text` as it is typed on a command line: in single quotes if it holds
/// anything but letters, digits and `_-.=`.
fn shell_word(text: &str) -> String {
    if text
        .chars()
        .all(|c| c.is_alphanumeric() || "_-.=".contains(c))
    {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}
