//! Acts and their effects; scenarios and examples.

use std::fmt;

use rust_decimal::Decimal;

use super::items::params;
use super::{Canonical, Encoder};
use crate::syntax::ast;

impl Canonical for ast::ActDef {
    fn encode(&self, e: &mut Encoder<'_>) -> fmt::Result {
        let ast::ActDef {
            name,
            params: written,
            requires,
            effects,
            span: _,
        } = self;
        e.node("act", |e| {
            e.ident(name)?;
            params(written.as_ref(), e)?;
            for r in requires {
                e.tagged_expr("requires", r)?;
            }
            e.all(effects)
        })
    }
}

impl Canonical for ast::Effect {
    fn encode(&self, e: &mut Encoder<'_>) -> fmt::Result {
        match self {
            ast::Effect::Admit(m) => e.node("admit", |e| e.ident(m)),
            ast::Effect::Remove(m) => e.node("remove", |e| e.ident(m)),
            ast::Effect::Post {
                amount,
                debit,
                credit,
                span: _,
            } => e.node("post", |e| {
                amount.encode(e)?;
                account("debit", debit, e)?;
                account("credit", credit, e)
            }),
            ast::Effect::ForEach {
                who,
                var,
                filter,
                effects,
            } => e.node(for_each_tag(*who), |e| {
                e.ident(var)?;
                e.filter(filter.as_ref())?;
                e.all(effects)
            }),
            ast::Effect::Change {
                op,
                member,
                attribute,
                value,
                span: _,
            } => {
                let tag = match op {
                    ast::ChangeOp::Add => "add",
                    ast::ChangeOp::Subtract => "subtract",
                    ast::ChangeOp::Set => "set",
                };
                e.node(tag, |e| {
                    e.ident(member)?;
                    e.ident(attribute)?;
                    value.encode(e)
                })
            }
        }
    }
}

/// `(debit NAME [(of MEMBER)])`.
fn account(tag: &str, account: &ast::AccountRef, e: &mut Encoder<'_>) -> fmt::Result {
    let ast::AccountRef { name, member } = account;
    e.node(tag, |e| {
        e.text(name)?;
        if let Some(m) = member {
            e.node("of", |e| e.ident(m))?;
        }
        Ok(())
    })
}

impl Canonical for ast::Scenario {
    fn encode(&self, e: &mut Encoder<'_>) -> fmt::Result {
        let ast::Scenario {
            name,
            members,
            members_file,
            opening,
            parameters,
            steps,
            repeats,
            span: _,
        } = self;
        e.node("scenario", |e| {
            e.text(name)?;
            if let Some(file) = members_file {
                e.tagged_text("members from", file)?;
            }
            e.all(members)?;
            // Only when given, so that a scenario without opening balances
            // keeps the encoding (and the hash) it had before they existed.
            if let Some(ast::OpeningBalances { source, span: _ }) = opening {
                e.node("opening balances", |e| match source {
                    ast::OpeningSource::File(file) => e.tagged_text("from", file),
                    ast::OpeningSource::Lines(lines) => lines.iter().try_for_each(|l| {
                        let tag = if l.debit { "debit" } else { "credit" };
                        e.node(tag, |e| {
                            account("account", &l.account, e)?;
                            l.amount.encode(e)
                        })
                    }),
                })?;
            }
            for b in parameters {
                e.binding("parameter", b)?;
            }
            // The timeline in the order written: dated steps and repeated
            // blocks interleave by place (a tie of dates runs in that order).
            let mut repeats = repeats.iter().peekable();
            for step in steps {
                while let Some(every) = repeats.next_if(|r| r.span.start < step.span.start) {
                    every.encode(e)?;
                }
                step.encode(e)?;
            }
            repeats.try_for_each(|every| every.encode(e))
        })
    }
}

impl Canonical for ast::Every {
    fn encode(&self, e: &mut Encoder<'_>) -> fmt::Result {
        let ast::Every {
            unit,
            during,
            items,
            span: _,
        } = self;
        e.node("every", |e| {
            e.ident(unit)?;
            if let Some(ast::EverySpan {
                from,
                until,
                span: _,
            }) = during
            {
                e.node("from", |e| e.date(*from))?;
                match until {
                    ast::EveryUntil::To(date) => e.node("to", |e| e.date(*date))?,
                    ast::EveryUntil::For { count, unit } => e.node("for", |e| {
                        e.number(Decimal::from(*count))?;
                        e.ident(unit)
                    })?,
                }
            }
            items.iter().try_for_each(|item| match item {
                ast::EveryItem::Step {
                    last_day,
                    kind,
                    span: _,
                } => e.node("step", |e| {
                    if *last_day {
                        e.leaf("on the last day")?;
                    }
                    kind.encode(e)
                }),
                ast::EveryItem::Every(inner) => inner.encode(e),
            })
        })
    }
}

impl Canonical for ast::Step {
    fn encode(&self, e: &mut Encoder<'_>) -> fmt::Result {
        let ast::Step {
            date,
            kind,
            span: _,
        } = self;
        e.node("on", |e| {
            e.date(*date)?;
            kind.encode(e)
        })
    }
}

impl Canonical for ast::StepKind {
    fn encode(&self, e: &mut Encoder<'_>) -> fmt::Result {
        match self {
            ast::StepKind::Act { name, args } => e.node("act", |e| {
                e.ident(name)?;
                e.all(args)
            }),
            ast::StepKind::Motion {
                votes,
                title,
                amendments,
                effective,
                sitting,
                notice,
                then,
            } => e.node("motion", |e| {
                votes.encode(e)?;
                if let Some(t) = title {
                    e.text(t)?;
                }
                match sitting {
                    ast::Sitting::First => {}
                    ast::Sitting::SecondCall => e.leaf("second call")?,
                    ast::Sitting::Confirming => e.leaf("confirming")?,
                }
                if let Some((date, _)) = notice {
                    e.node("notice given", |e| e.date(*date))?;
                }
                amendments.iter().try_for_each(|b| e.binding("amend", b))?;
                // Written only where it differs from the resolution's.
                let default = e.default_effective(&votes.resolution.name);
                match effective {
                    // On adoption against a resolution that defers.
                    Some((ast::Effective::OnAdoption, _))
                        if default != ast::Effective::OnAdoption =>
                    {
                        e.node("effective", |e| e.leaf("on adoption"))
                    }
                    Some((when, _)) if *when != default => e.effective(*when),
                    _ => Ok(()),
                }?;
                // Written only where present: a motion without an act keeps
                // the hash it had before motions could carry one.
                match then {
                    Some(act) => e.node("then", |e| {
                        e.ident(&act.name)?;
                        e.all(&act.args)
                    }),
                    None => Ok(()),
                }
            }),
            ast::StepKind::Close { figures } => e.node("close period", |e| {
                figures.iter().try_for_each(|b| e.binding("period", b))
            }),
            ast::StepKind::Election(ast::Ballots {
                election,
                candidates,
                ballots,
                seed,
                span: _,
            }) => e.node("election", |e| {
                e.ident(election)?;
                e.node("candidates", |e| {
                    candidates.iter().try_for_each(|c| e.ident(c))
                })?;
                for ast::Ballot {
                    voter,
                    choices,
                    ranked: _,
                    span: _,
                } in ballots
                {
                    e.node("ballot", |e| {
                        e.ident(voter)?;
                        choices.iter().try_for_each(|c| e.ident(c))
                    })?;
                }
                if let Some((s, _)) = seed {
                    e.node("seed", |e| e.number(rust_decimal::Decimal::from(*s)))?;
                }
                Ok(())
            }),
        }
    }
}

impl Canonical for ast::ExampleMember {
    fn encode(&self, e: &mut Encoder<'_>) -> fmt::Result {
        let ast::ExampleMember {
            name,
            values,
            span: _,
        } = self;
        e.node("member", |e| {
            e.ident(name)?;
            values.iter().try_for_each(|b| e.binding("=", b))
        })
    }
}

impl Canonical for ast::ExampleVotes {
    fn encode(&self, e: &mut Encoder<'_>) -> fmt::Result {
        let ast::ExampleVotes {
            resolution,
            for_,
            against,
            abstain,
            absent,
            span: _,
        } = self;
        let names = |e: &mut Encoder<'_>, tag: &str, list: &[ast::Ident]| {
            e.node(tag, |e| list.iter().try_for_each(|m| e.ident(m)))
        };
        e.node("votes", |e| {
            e.ident(resolution)?;
            names(e, "for", for_)?;
            names(e, "against", against)?;
            names(e, "abstain", abstain)?;
            // Written only where a vote is not given in person.
            for (voter, means) in absent {
                match means {
                    ast::VoteMeans::Proxy(holder) => e.node("by proxy", |e| {
                        e.ident(voter)?;
                        e.ident(holder)
                    })?,
                    ast::VoteMeans::Post => e.node("by post", |e| e.ident(voter))?,
                }
            }
            Ok(())
        })
    }
}

impl Canonical for ast::MembersFixture {
    fn encode(&self, e: &mut Encoder<'_>) -> fmt::Result {
        let ast::MembersFixture {
            name,
            members,
            span: _,
        } = self;
        e.node("members", |e| {
            e.ident(name)?;
            e.all(members)
        })
    }
}

impl Canonical for ast::Example {
    fn encode(&self, e: &mut Encoder<'_>) -> fmt::Result {
        let ast::Example {
            name,
            members,
            fixtures,
            members_file,
            period,
            parameters,
            reserves,
            votes,
            date,
            expectations,
            span: _,
        } = self;
        e.node("example", |e| {
            e.text(name)?;
            if let Some((date, _)) = date {
                e.node("on", |e| e.date(*date))?;
            }
            for f in fixtures {
                e.node("members of", |e| e.ident(f))?;
            }
            if let Some(file) = members_file {
                e.tagged_text("members from", file)?;
            }
            e.all(members)?;
            for b in period {
                e.binding("period", b)?;
            }
            for b in parameters {
                e.binding("parameter", b)?;
            }
            // Written only when given: examples without one hash as before.
            for (name, value) in reserves {
                e.node("reserve", |e| {
                    e.text(name)?;
                    value.encode(e)
                })?;
            }
            e.all(votes)?;
            e.all(expectations)
        })
    }
}

impl Canonical for ast::Expect {
    fn encode(&self, e: &mut Encoder<'_>) -> fmt::Result {
        match self {
            ast::Expect::Value(x) => e.tagged_expr("expect", x),
            ast::Expect::Breach {
                limit,
                member,
                span: _,
            } => e.node("expect breach", |e| {
                e.ident(limit)?;
                match member {
                    Some(m) => e.ident(m),
                    None => Ok(()),
                }
            }),
        }
    }
}

/// `for each member`, as every rulebook written before statuses was
/// encoded; `for each former member` and the others by their words.
fn for_each_tag(who: ast::Who) -> &'static str {
    match who {
        ast::Who::Members => "for each member",
        ast::Who::Applicants => "for each applicant",
        ast::Who::Former => "for each former member",
        ast::Who::People => "for each person",
    }
}
