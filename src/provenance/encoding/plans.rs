//! Allocations with their tranches, and resolutions with their thresholds.

use std::fmt;

use super::expr::mode_words;
use super::{Canonical, Encoder};
use crate::syntax::ast;

impl Canonical for ast::Allocation {
    fn encode(&self, e: &mut Encoder<'_>) -> fmt::Result {
        let ast::Allocation {
            amount,
            rounding,
            scope,
            record_date,
            tranches,
            loss,
            span: _,
        } = self;
        e.node("allocate", |e| {
            amount.encode(e)?;
            if let Some((mode, _)) = rounding {
                e.leaf(&format!("rounding {}", mode_words(*mode)))?;
            }
            // `pooled` is the default: written or not, the same rules.
            match scope {
                Some((ast::RoundingScope::Each, _)) => e.leaf("rounding each member's amount")?,
                Some((ast::RoundingScope::Pooled, _)) | None => {}
            }
            if let Some(date) = record_date {
                e.tagged_expr("record date", date)?;
            }
            e.all(tranches)?;
            // Written only when present: rules without one hash as before.
            if let Some(block) = loss {
                e.node("if a loss", |e| {
                    block.forms.iter().try_for_each(|form| match form {
                        ast::LossForm::Reserve {
                            name,
                            at_most,
                            span: _,
                        } => e.node("from reserve", |e| {
                            e.text(name)?;
                            if let Some(cap) = at_most {
                                e.tagged_expr("at most", cap)?;
                            }
                            Ok(())
                        }),
                        ast::LossForm::Members(split) => encode_split(e, split),
                        ast::LossForm::CarriedForward(_) => e.leaf("carried forward"),
                    })
                })?;
            }
            Ok(())
        })
    }
}

fn encode_split(e: &mut Encoder<'_>, split: &ast::Split) -> fmt::Result {
    let ast::Split {
        var,
        filter,
        weight,
        span: _,
    } = split;
    e.node("to each member", |e| {
        e.ident(var)?;
        e.filter(filter.as_ref())?;
        e.tagged_expr("in proportion to", weight)
    })
}

impl Canonical for ast::Tranche {
    fn encode(&self, e: &mut Encoder<'_>) -> fmt::Result {
        let ast::Tranche {
            label,
            amount,
            at_most,
            at_least,
            split,
            otherwise,
            credited,
            span: _,
        } = self;
        e.node("tranche", |e| {
            e.text(label)?;
            amount.encode(e)?;
            if let Some(cap) = at_most {
                e.tagged_expr("at most", cap)?;
            }
            if let Some(floor) = at_least {
                e.tagged_expr("at least", floor)?;
            }
            if let Some(split) = split {
                encode_split(e, split)?;
            }
            if let Some(ast::Credited {
                member,
                attribute,
                ceiling,
                account,
                span: _,
            }) = credited
            {
                e.node("credited to", |e| {
                    e.ident(member)?;
                    e.ident(attribute)?;
                    e.tagged_expr("up to", ceiling)?;
                    e.tagged_text("booked to", account)
                })?;
            }
            if let Some(reserve) = otherwise {
                e.node("else to reserve", |e| e.text(reserve))?;
            }
            Ok(())
        })
    }
}

impl Canonical for ast::TrancheAmount {
    fn encode(&self, e: &mut Encoder<'_>) -> fmt::Result {
        match self {
            ast::TrancheAmount::Expr(x) => x.encode(e),
            ast::TrancheAmount::EachMember { var, filter, value } => e.node("each member", |e| {
                e.ident(var)?;
                e.filter(filter.as_ref())?;
                value.encode(e)
            }),
        }
    }
}

impl Canonical for ast::Election {
    fn encode(&self, e: &mut Encoder<'_>) -> fmt::Result {
        let ast::Election {
            name,
            title,
            seats,
            method,
            candidate,
            voter,
            reserves,
            ties,
            span: _,
        } = self;
        e.node("election", |e| {
            e.ident(name)?;
            if let Some(t) = title {
                e.text(t)?;
            }
            if let Some((n, _)) = seats {
                e.node("seats", |e| e.number(rust_decimal::Decimal::from(*n)))?;
            }
            if let Some((m, _)) = method {
                e.node("counted by", |e| e.leaf(m.as_str()))?;
            }
            // Written only where present: an election without a voter
            // clause keeps the hash it had before there were any.
            for (word, clause) in [("candidate", candidate), ("voter", voter)] {
                if let Some(ast::Candidacy {
                    var,
                    condition,
                    span: _,
                }) = clause
                {
                    e.node(word, |e| {
                        e.ident(var)?;
                        condition.encode(e)
                    })?;
                }
            }
            for ast::SeatReserve {
                seats,
                var,
                condition,
                span: _,
            } in reserves
            {
                e.node("reserve", |e| {
                    e.number(rust_decimal::Decimal::from(seats.0))?;
                    e.ident(var)?;
                    condition.encode(e)
                })?;
            }
            // Alphabetically, written or not, is one rule.
            match ties.unwrap_or_default() {
                ast::ElectionTies::Name => Ok(()),
                ast::ElectionTies::Lot => e.node("ties broken", |e| e.leaf("by lot")),
            }
        })
    }
}

impl Canonical for ast::Resolution {
    fn encode(&self, e: &mut Encoder<'_>) -> fmt::Result {
        let ast::Resolution {
            name,
            title,
            weights,
            quorum,
            quorum_form,
            threshold,
            consent,
            abstentions_against,
            ties_pass,
            record_date,
            alone_amends,
            effective,
            procedure,
            span: _,
        } = self;
        e.node("resolution", |e| {
            e.ident(name)?;
            if let Some(t) = title {
                e.text(t)?;
            }
            if let Some(ast::ClassWeights {
                attribute,
                weights,
                share: Some(unvoted),
                span: _,
            }) = weights
            {
                // A share of the whole vote per class: another rule than a
                // weight per member, so another node.
                e.node("weighted by share", |e| {
                    e.ident(attribute)?;
                    weights.iter().try_for_each(|(class, share)| {
                        e.ident(class)?;
                        e.number(*share)
                    })?;
                    e.leaf(match unvoted {
                        ast::Unvoted::Lapse => "unvoted share lapses",
                        ast::Unvoted::Shared => "unvoted share goes to the other classes",
                    })
                })?;
            } else if let Some(ast::ClassWeights {
                attribute,
                weights,
                share: None,
                span: _,
            }) = weights
            {
                e.node("weighted by", |e| {
                    e.ident(attribute)?;
                    weights.iter().try_for_each(|(class, weight)| {
                        e.ident(class)?;
                        e.number(*weight)
                    })
                })?;
            }
            // `the greater of A or B` is `A and B`, worded as the statute
            // words it: the same rules, the same hash. Only `the lesser of`
            // is another rule.
            let quorum_name = match quorum_form {
                ast::QuorumForm::Lesser => "quorum the lesser of",
                ast::QuorumForm::All | ast::QuorumForm::Greater => "quorum",
            };
            if !quorum.is_empty() {
                e.node(quorum_name, |e| {
                    quorum.iter().try_for_each(|(term, _)| term.encode(e))
                })?;
            }
            threshold.encode(e)?;
            // Written only where a resolution needs it: every other
            // rulebook keeps its hash.
            if let Some(ast::ClassConsent {
                attribute,
                classes,
                threshold,
                span: _,
            }) = consent.as_deref()
            {
                e.node("consent by", |e| {
                    e.ident(attribute)?;
                    classes.iter().try_for_each(|c| e.ident(c))?;
                    threshold.encode(e)
                })?;
            }
            if *abstentions_against {
                e.leaf("abstentions count against")?;
            }
            match ties_pass {
                Some(true) => e.leaf("ties pass")?,
                Some(false) => e.leaf("ties fail")?,
                None => {}
            }
            if let Some(date) = record_date {
                e.tagged_expr("record date", date)?;
            }
            // Written only where a resolution reserves parameters: every
            // other rulebook keeps its hash.
            if !alone_amends.is_empty() {
                e.node("alone amends", |e| {
                    alone_amends.iter().try_for_each(|p| e.ident(p))
                })?;
            }
            if let Some((when, _)) = effective {
                e.effective(*when)?;
            }
            procedure.encode(e)
        })
    }
}

/// Each part written only where a resolution has it: every other
/// rulebook keeps its hash.
impl Canonical for ast::Procedure {
    fn encode(&self, e: &mut Encoder<'_>) -> fmt::Result {
        let ast::Procedure {
            voter,
            notice,
            second_call,
            proxies,
            postal,
            confirmation,
        } = self;
        if let Some(ast::Candidacy {
            var,
            condition,
            span: _,
        }) = voter
        {
            e.node("voter", |e| {
                e.ident(var)?;
                condition.encode(e)
            })?;
        }
        if let Some(ast::NoticeRule {
            least,
            most,
            span: _,
        }) = notice
        {
            e.node("notice at least", |e| {
                least.encode(e)?;
                match most {
                    Some(most) => e.node("at most", |e| most.encode(e)),
                    None => Ok(()),
                }
            })?;
        }
        if let Some(ast::SecondCall {
            quorum,
            form,
            span: _,
        }) = second_call
        {
            let tag = match form {
                ast::QuorumForm::Lesser => "second call quorum the lesser of",
                ast::QuorumForm::All | ast::QuorumForm::Greater => "second call quorum",
            };
            e.node(tag, |e| {
                quorum.iter().try_for_each(|(term, _)| term.encode(e))
            })?;
        }
        if let Some((n, _)) = proxies {
            e.node("proxies at most", |e| {
                e.number(rust_decimal::Decimal::from(*n))
            })?;
        }
        if postal.is_some() {
            e.leaf("postal votes allowed")?;
        }
        if let Some(c) = confirmation {
            let ast::Confirmation {
                earliest,
                latest,
                threshold,
                span: _,
            } = c.as_ref();
            e.node("confirmed", |e| {
                earliest.encode(e)?;
                latest.encode(e)?;
                threshold.encode(e)
            })?;
        }
        Ok(())
    }
}

impl Canonical for ast::Interval {
    fn encode(&self, e: &mut Encoder<'_>) -> fmt::Result {
        let ast::Interval { count, unit } = self;
        let tag = match unit {
            ast::IntervalUnit::Days => "days",
            ast::IntervalUnit::ClearDays => "clear days",
            ast::IntervalUnit::Months => "months",
        };
        e.node(tag, |e| e.number(rust_decimal::Decimal::from(*count)))
    }
}

impl Canonical for ast::QuorumTerm {
    fn encode(&self, e: &mut Encoder<'_>) -> fmt::Result {
        match self {
            ast::QuorumTerm::Share(fraction) => e.node("share of members", |e| e.number(*fraction)),
            ast::QuorumTerm::MoreThan(fraction) => {
                e.node("more than a share of members", |e| e.number(*fraction))
            }
            ast::QuorumTerm::Count(n) => e.node("members", |e| e.number(*n)),
            ast::QuorumTerm::Votes(fraction) => e.node("share of votes", |e| e.number(*fraction)),
        }
    }
}

impl Canonical for ast::Threshold {
    fn encode(&self, e: &mut Encoder<'_>) -> fmt::Result {
        let ast::Threshold {
            strict,
            measure,
            span: _,
        } = self;
        let (against, of) = if *strict {
            ("passes when for > against", "passes when for >")
        } else {
            ("passes when for >= against", "passes when for >=")
        };
        let basis = |b: &ast::VoteBasis| match b {
            ast::VoteBasis::Cast => "cast",
            ast::VoteBasis::Present => "present",
            ast::VoteBasis::Members => "members",
        };
        match measure {
            ast::ThresholdMeasure::Against => e.leaf(against),
            ast::ThresholdMeasure::Share(fraction, b) => e.node(of, |e| {
                e.node(&format!("share of {}", basis(b)), |e| e.number(*fraction))
            }),
            ast::ThresholdMeasure::Fraction(numerator, denominator, b) => e.node(of, |e| {
                e.node(&format!("fraction of {}", basis(b)), |e| {
                    e.number(*numerator)?;
                    e.number(*denominator)
                })
            }),
        }
    }
}
