//! A scenario written back as JSON, for an editor.

use super::MemberTable;
use crate::program::*;
use crate::value::Value;

/// A scenario written as JSON (the format [`read_json`] reads, described in
/// docs/scenarios.md), with every person of `members`: how a scenario of a
/// rulebook, its members file included, is handed to an editor.
pub fn scenario_to_json(
    program: &Program,
    scenario: &ScenarioDef,
    members: &MemberTable,
) -> serde_json::Value {
    use crate::value::literal;
    use serde_json::{Map, Value as Json};
    let text = |v: &Value, ty| Json::String(literal(v, ty, program, &members.names));
    let mut parameters = Map::new();
    for (p, value) in program.params.iter().zip(&scenario.params) {
        if *value != p.value {
            parameters.insert(p.name.clone(), text(value, p.ty));
        }
    }
    let people: Vec<Json> = members
        .names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let mut person = Map::new();
            person.insert("name".into(), Json::String(name.clone()));
            for (a, attr) in program.member_attrs.iter().enumerate() {
                let given = members
                    .columns
                    .get(a)
                    .and_then(|c| c.get(i))
                    .cloned()
                    .flatten();
                if let Some(v) = given {
                    person.insert(attr.name.clone(), text(&v, attr.ty));
                }
            }
            for (key, date) in [
                (crate::program::MEMBER_SINCE, members.joined(i)),
                (crate::program::MEMBER_UNTIL, members.left(i)),
            ] {
                if let Some(d) = date.filter(|_| program.member_attr_id(key).is_none()) {
                    person.insert(key.into(), Json::String(crate::syntax::ast::format_date(d)));
                }
            }
            Json::Object(person)
        })
        .collect();
    let names = |list: &[(String, crate::span::Span)]| {
        Json::Array(list.iter().map(|(n, _)| Json::String(n.clone())).collect())
    };
    let steps: Vec<Json> = scenario
        .steps
        .iter()
        .map(|step| {
            let mut out = Map::new();
            out.insert(
                "date".into(),
                Json::String(crate::value::format_date(step.date)),
            );
            match &step.kind {
                StepDefKind::Act { act, args } => {
                    let (name, args) = act_json(program, *act, args, &text);
                    out.insert("act".into(), name);
                    out.insert("args".into(), args);
                }
                StepDefKind::Motion {
                    resolution,
                    title,
                    for_,
                    against,
                    abstain,
                    amendments,
                    effective,
                    absent,
                    sitting,
                    notice,
                    then,
                } => {
                    if let Some(decided) = then {
                        let (act, args) = &**decided;
                        let (name, args) = act_json(program, *act, args, &text);
                        let mut call = Map::new();
                        call.insert("act".into(), name);
                        call.insert("args".into(), args);
                        out.insert("then".into(), Json::Object(call));
                    }
                    out.insert(
                        "motion".into(),
                        Json::String(program.resolutions[*resolution].name.clone()),
                    );
                    if let Some(t) = title {
                        out.insert("title".into(), Json::String(t.clone()));
                    }
                    out.insert("for".into(), names(for_));
                    out.insert("against".into(), names(against));
                    out.insert("abstain".into(), names(abstain));
                    let mut amend = Map::new();
                    for (p, v) in amendments {
                        amend.insert(
                            program.params[*p].name.clone(),
                            text(v, program.params[*p].ty),
                        );
                    }
                    out.insert("amend".into(), Json::Object(amend));
                    if let Some(when) = effective {
                        out.insert("effective".into(), Json::String(when.to_string()));
                    }
                    match sitting {
                        crate::syntax::ast::Sitting::First => {}
                        crate::syntax::ast::Sitting::SecondCall => {
                            out.insert("sitting".into(), Json::String("second call".into()));
                        }
                        crate::syntax::ast::Sitting::Confirming => {
                            out.insert("sitting".into(), Json::String("confirming".into()));
                        }
                    }
                    if let Some(date) = notice {
                        out.insert(
                            "notice_given".into(),
                            Json::String(crate::syntax::ast::format_date(*date)),
                        );
                    }
                    let mut proxies = Vec::new();
                    let mut post = Vec::new();
                    for (voter, holder) in absent {
                        match holder {
                            Some(h) => {
                                let mut p = Map::new();
                                p.insert("voter".into(), Json::String(voter.clone()));
                                p.insert("holder".into(), Json::String(h.clone()));
                                proxies.push(Json::Object(p));
                            }
                            None => post.push(Json::String(voter.clone())),
                        }
                    }
                    if !proxies.is_empty() {
                        out.insert("proxies".into(), Json::Array(proxies));
                    }
                    if !post.is_empty() {
                        out.insert("by_post".into(), Json::Array(post));
                    }
                }
                StepDefKind::Election {
                    election,
                    candidates,
                    ballots,
                    seed,
                } => {
                    out.insert(
                        "election".into(),
                        Json::String(program.elections[*election].name.clone()),
                    );
                    out.insert("candidates".into(), names(candidates));
                    let ballots: Vec<Json> = ballots
                        .iter()
                        .map(|(voter, _, choices)| {
                            let mut b = Map::new();
                            b.insert("voter".into(), Json::String(voter.clone()));
                            let ranking = choices
                                .iter()
                                .filter_map(|&c| candidates.get(c))
                                .map(|(n, _)| Json::String(n.clone()))
                                .collect();
                            b.insert("ranking".into(), Json::Array(ranking));
                            Json::Object(b)
                        })
                        .collect();
                    out.insert("ballots".into(), Json::Array(ballots));
                    if let Some(seed) = seed {
                        out.insert("seed".into(), Json::from(*seed));
                    }
                }
                StepDefKind::Close { figures } => {
                    if figures.is_empty() {
                        out.insert("close".into(), Json::Bool(true));
                    } else {
                        let mut given = Map::new();
                        for (f, v) in figures {
                            let field = &program.period_fields[*f];
                            given.insert(field.name.clone(), text(v, field.ty));
                        }
                        out.insert("close".into(), Json::Object(given));
                    }
                }
            }
            Json::Object(out)
        })
        .collect();
    let mut out = Map::new();
    out.insert("name".into(), Json::String(scenario.name.clone()));
    if !parameters.is_empty() {
        out.insert("parameters".into(), Json::Object(parameters));
    }
    out.insert("members".into(), Json::Array(people));
    // The books' opening, as the scenario opened them (each on its side).
    if !scenario.opening.balances.is_empty() {
        let money = program
            .currency
            .map_or(crate::types::Type::Decimal, crate::types::Type::Money);
        let lines: Vec<Json> = scenario
            .opening
            .balances
            .iter()
            .map(|b| {
                let mut line = Map::new();
                line.insert("account".into(), Json::String(b.account.to_string()));
                if let Some(m) = b.member.and_then(|m| members.names.get(m as usize)) {
                    line.insert("member".into(), Json::String(m.clone()));
                }
                let (side, amount) = if b.debit.is_zero() {
                    ("credit", b.credit)
                } else {
                    ("debit", b.debit)
                };
                line.insert(side.into(), text(&Value::Number(amount), money));
                Json::Object(line)
            })
            .collect();
        out.insert("opening_balances".into(), Json::Array(lines));
    }
    out.insert("steps".into(), Json::Array(steps));
    Json::Object(out)
}

/// An act's name and its arguments, as JSON writes them: members by name,
/// values as `text` writes them (as a rulebook does).
fn act_json(
    program: &Program,
    act: usize,
    args: &[crate::program::StepArg],
    text: &dyn Fn(&Value, crate::types::Type) -> serde_json::Value,
) -> (serde_json::Value, serde_json::Value) {
    use serde_json::Value as Json;
    let def = &program.acts[act];
    let args: Vec<Json> = args
        .iter()
        .zip(&def.params)
        .map(|(arg, (_, ty))| match arg {
            crate::program::StepArg::Member(name, _) => Json::String(name.clone()),
            crate::program::StepArg::Value(v) => text(v, *ty),
        })
        .collect();
    (Json::String(def.name.clone()), Json::Array(args))
}
