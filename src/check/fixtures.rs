//! Members shared by examples: a `members founders { ... }` fixture is
//! checked once, and every example that names it (`members founders`)
//! starts with its members, then those of its `members from "x.csv"`
//! (read by the pipeline), then its own.

use super::{Checker, suggest};
use crate::diagnostic::{Code, Diagnostic};
use crate::span::Span;
use crate::syntax::ast;
use crate::value::Value;

/// A fixture, checked: its members' names and values by attribute.
pub(super) struct Fixture {
    name: String,
    span: Span,
    members: Vec<(String, Span)>,
    columns: Vec<Vec<Option<Value>>>,
}

impl Checker {
    /// Checks each fixture's members once; two fixtures of one name are an error.
    pub(super) fn declare_fixtures(&mut self, written: &[&ast::MembersFixture]) {
        for f in written {
            if let Some(first) = self.fixtures.iter().find(|x| x.name == f.name.name) {
                let first = first.span;
                self.error(
                    Diagnostic::error(
                        Code::Duplicate,
                        format!("there are two member fixtures named `{}`", f.name.name),
                    )
                    .at(f.name.span, "second fixture with this name")
                    .related(first, "first fixture")
                    .help("give each `members NAME { ... }` its own name"),
                );
                continue;
            }
            let (names, columns) = self.member_table(&f.members, false);
            let members = names
                .into_iter()
                .zip(f.members.iter().map(|m| m.name.span))
                .collect();
            self.fixtures.push(Fixture {
                name: f.name.name.clone(),
                span: f.name.span,
                members,
                columns,
            });
        }
    }

    /// An example's members: those of the fixtures it names, in the order
    /// named, then its own. A name given twice is an error.
    pub(super) fn example_members(
        &mut self,
        example: &ast::Example,
    ) -> (Vec<String>, Vec<Vec<Option<Value>>>) {
        let (own, own_columns) = self.member_table(&example.members, false);
        let mut names: Vec<(String, Span)> = Vec::new();
        let mut columns: Vec<Vec<Option<Value>>> = vec![Vec::new(); own_columns.len()];
        for named in &example.fixtures {
            let Some(i) = self.fixtures.iter().position(|f| f.name == named.name) else {
                let help = suggest::did_you_mean(
                    &named.name,
                    self.fixtures.iter().map(|f| f.name.as_str()),
                )
                .unwrap_or_else(|| {
                    "declare the members once, outside the examples: `members founders { ada: age 30 }`".into()
                });
                self.error(
                    Diagnostic::error(
                        Code::UnknownName,
                        format!("there are no members called `{}`", named.name),
                    )
                    .at(named.span, "no such fixture")
                    .help(help),
                );
                continue;
            };
            let fixture = &self.fixtures[i];
            let mut taken = Vec::new();
            for (m, (name, span)) in fixture.members.iter().enumerate() {
                if let Some((_, first)) = names.iter().find(|(n, _)| n == name) {
                    taken.push((name.clone(), *span, *first));
                    continue;
                }
                names.push((name.clone(), *span));
                for (column, values) in columns.iter_mut().zip(&fixture.columns) {
                    column.push(values.get(m).cloned().flatten());
                }
            }
            for (name, span, first) in taken {
                self.error(twice(&name, span, first).related(named.span, "in this fixture"));
            }
        }
        if let Some(file) = &example.members_file {
            let read = self
                .example_files
                .as_ref()
                .and_then(|files| files.get(&file.value));
            let (file_names, file_columns) = read.cloned().unwrap_or_default();
            for (m, name) in file_names.into_iter().enumerate() {
                if let Some((_, first)) = names.iter().find(|(n, _)| *n == name) {
                    let d = twice(&name, file.span, *first);
                    self.error(d);
                    continue;
                }
                names.push((name, file.span));
                for (column, values) in columns.iter_mut().zip(&file_columns) {
                    column.push(values.get(m).cloned().flatten());
                }
            }
        }
        // The example's own members among themselves are checked by `member_table`.
        let from_fixtures = names.len();
        for (m, member) in example.members.iter().enumerate() {
            let fixture_names = &names[..from_fixtures];
            if let Some((_, first)) = fixture_names.iter().find(|(n, _)| *n == member.name.name) {
                let d = twice(&member.name.name, member.name.span, *first);
                self.error(d);
                continue;
            }
            names.push((own[m].clone(), member.name.span));
            for (column, values) in columns.iter_mut().zip(&own_columns) {
                column.push(values.get(m).cloned().flatten());
            }
        }
        (names.into_iter().map(|(n, _)| n).collect(), columns)
    }
}

fn twice(name: &str, span: Span, first: Span) -> Diagnostic {
    Diagnostic::error(
        Code::Duplicate,
        format!("two members of this example are named `{name}`"),
    )
    .at(span, "second member with this name")
    .related(first, "first member")
    .help("a member of a fixture the example names cannot be given again; give the member another name, or declare another fixture")
}
