//! The two decisions a service asks: a rule's value for given inputs
//! (`evaluate`) and whether an act is done (`decide`). Both are plain
//! functions of a rulebook and a request, so that the server answers with
//! them and `replay` re-runs records through the very same code.

use serde_json::Value as Json;

use super::error::ApiError;
use super::state::Rulebook;
use super::types::{
    Booking, DecideRequest, DecideResponse, EvaluateRequest, EvaluateResponse, Reason, ValueJson,
};
use crate::diagnostic::{Code, Diagnostic};
use crate::eval::{Evaluator, Inputs};
use crate::files::Files;
use crate::program::Program;
use crate::simulate::input::{self, ScenarioChoice, TextValues};
use crate::span::{SourceFile, Sources};
use crate::types::Type;
use crate::value::{Value, ValueView};

fn view(v: ValueView) -> ValueJson {
    ValueJson {
        ty: v.ty,
        value: v.value,
        display: v.display,
    }
}

/// An error about the request itself (not placed in the rulebook).
fn refuse(d: Diagnostic) -> ApiError {
    ApiError::from_diagnostic(&d, Sources::from(&SourceFile::new("request", "")))
}

fn unknown(what: &str, name: &str, known: impl Iterator<Item = String>) -> ApiError {
    let known: Vec<String> = known.collect();
    let code = if what == "member attribute" {
        Code::UnknownAttribute
    } else {
        Code::UnknownName
    };
    refuse(
        Diagnostic::error(code, format!("the rulebook has no {what} `{name}`")).help(
            if known.is_empty() {
                format!("the rulebook has no {what}s")
            } else {
                format!("the {what}s are {}", known.join(", "))
            },
        ),
    )
}

/// The inputs of an evaluation: defaults, overridden by the request.
fn inputs(program: &Program, request: &EvaluateRequest) -> Result<Inputs, ApiError> {
    let mut reader = TextValues::new(program);
    let mut params = program.default_params();
    for (name, written) in &request.parameters {
        let id = program.param_id(name).ok_or_else(|| {
            unknown(
                "parameter",
                name,
                program.params.iter().map(|p| p.name.clone()),
            )
        })?;
        params[id] = reader
            .json(
                written,
                program.params[id].ty,
                &format!("parameters.{name}"),
                false,
            )
            .map_err(refuse)?;
    }
    let mut member_names = Vec::new();
    let mut members: Vec<Vec<Option<Value>>> = program
        .member_attrs
        .iter()
        .map(|a| vec![a.default.clone(); request.members.len()])
        .collect();
    for (m, person) in request.members.iter().enumerate() {
        let name = match person.get("name") {
            Some(Json::String(name)) if !name.trim().is_empty() => name.trim().to_string(),
            _ => {
                return Err(refuse(
                    Diagnostic::error(Code::BadInputFile, format!("members[{m}] has no name"))
                        .help(
                            "give each member a `name`, such as {\"name\": \"ada\", \"age\": 30}",
                        ),
                ));
            }
        };
        if member_names.contains(&name) {
            return Err(refuse(
                Diagnostic::error(Code::BadInputFile, format!("`{name}` is given twice"))
                    .help("give each member once, with all their attributes"),
            ));
        }
        for (attr, written) in person.iter().filter(|(k, _)| k.as_str() != "name") {
            let id = program.member_attr_id(attr).ok_or_else(|| {
                unknown(
                    "member attribute",
                    attr,
                    program.member_attrs.iter().map(|a| a.name.clone()),
                )
            })?;
            let ty = program.member_attrs[id].ty;
            members[id][m] = Some(
                // A member's money is a balance, exact to the minor unit, as
                // in a scenario's members.
                reader
                    .json(written, ty, &format!("members[{m}].{attr}"), true)
                    .map_err(refuse)?,
            );
        }
        member_names.push(name);
    }
    let mut period: Vec<Option<Value>> = program
        .period_fields
        .iter()
        .map(|f| f.default.clone())
        .collect();
    for (name, written) in &request.period {
        let id = program
            .period_fields
            .iter()
            .position(|f| &f.name == name)
            .ok_or_else(|| {
                unknown(
                    "period figure",
                    name,
                    program.period_fields.iter().map(|f| f.name.clone()),
                )
            })?;
        period[id] = Some(
            reader
                .json(
                    written,
                    program.period_fields[id].ty,
                    &format!("period.{name}"),
                    false,
                )
                .map_err(refuse)?,
        );
    }
    Ok(Inputs {
        params,
        member_names,
        members,
        period,
        votes: vec![None; program.resolutions.len()],
        ..Inputs::default()
    })
}

/// The arguments, read against the rule's parameters.
fn arguments(
    program: &Program,
    rule: usize,
    request: &EvaluateRequest,
    names: &[String],
) -> Result<Vec<Value>, ApiError> {
    let def = &program.rules[rule];
    if def.params.len() != request.args.len() {
        let wanted: Vec<String> = def.params.iter().map(|(n, _)| n.clone()).collect();
        return Err(refuse(
            Diagnostic::error(
                Code::ArgumentCount,
                format!(
                    "`{}` takes {} argument(s), and {} were given",
                    def.name,
                    def.params.len(),
                    request.args.len()
                ),
            )
            .help(format!("give `args` as [{}]", wanted.join(", "))),
        ));
    }
    let mut reader = TextValues::new(program);
    def.params
        .iter()
        .zip(&request.args)
        .enumerate()
        .map(|(i, ((param, ty), written))| {
            if *ty == Type::Member {
                let name = written.as_str().unwrap_or_default().trim();
                return names
                    .iter()
                    .position(|n| n == name)
                    .map(|m| Value::Member(m as u32))
                    .ok_or_else(|| {
                        refuse(
                            Diagnostic::error(
                                Code::UnknownName,
                                format!("args[{i}] (`{param}`) names `{written}`, who is not among the members given"),
                            )
                            .help("name a member given in `members`, such as \"ada\""),
                        )
                    });
            }
            reader
                .json(written, *ty, &format!("args[{i}] (`{param}`)"), false)
                .map_err(refuse)
        })
        .collect()
}

/// A rule's value for the request's inputs, within `steps` steps; for a
/// yes/no rule that does not hold, every failing clause with its reason.
pub fn evaluate(
    book: &Rulebook,
    request: &EvaluateRequest,
    steps: u64,
) -> Result<EvaluateResponse, ApiError> {
    let program = &book.program;
    let rule = program.rule_id(&request.rule).ok_or_else(|| {
        unknown(
            "rule",
            &request.rule,
            program.rules.iter().map(|r| r.name.clone()),
        )
    })?;
    let inputs = inputs(program, request)?;
    let args = arguments(program, rule, request, &inputs.member_names)?;
    let def = &program.rules[rule];
    let mut ev = Evaluator::new(program, &inputs).with_budget(steps);
    let placed = |d: Box<Diagnostic>| {
        let mut e = ApiError::from_diagnostic(&d, Sources::from(&book.file));
        if d.code != Code::StepBudget {
            e.body.code = "evaluation_failed".into();
        }
        e
    };
    let (value, reasons) = if def.result == Type::Bool {
        let (holds, refusals) = ev.refusals(rule, args).map_err(placed)?;
        let reasons = refusals
            .iter()
            .map(|r| Reason {
                reason: r.reason.clone(),
                article: r.article.clone(),
                detail: r.detail.clone(),
                sentence: r.sentence(),
            })
            .collect();
        (Value::Bool(holds), reasons)
    } else {
        (ev.rule(rule, args).map_err(placed)?, Vec::new())
    };
    Ok(EvaluateResponse {
        provenance: book.provenance.clone(),
        rule: def.name.clone(),
        value: view(ValueView::new(
            &value,
            def.result,
            program,
            &inputs.member_names,
        )),
        reasons,
    })
}

/// Today (UTC), as `YYYY-MM-DD`.
pub fn today() -> String {
    let d = time::OffsetDateTime::now_utc().date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Whether the act is done on the request's timeline: done with what it
/// books, refused with its reasons, or failed. The request's `date` must
/// be given (the server fills in today).
pub fn decide(book: &Rulebook, request: &DecideRequest) -> Result<DecideResponse, ApiError> {
    let program = &book.program;
    let mut steps = request.before.clone();
    steps.push(serde_json::json!({
        "date": request.date.clone().unwrap_or_else(today),
        "act": request.act,
        "args": request.args,
    }));
    let scenario = serde_json::json!({
        "name": "decision",
        "parameters": request.parameters,
        "members": request.members,
        "steps": steps,
    });
    let text = SourceFile::new("request", scenario.to_string());
    let prepared = input::prepare(
        program,
        &book.file,
        Files::Map(&book.files),
        ScenarioChoice::Json(&text),
        None,
    )
    .map_err(|e| ApiError::from_diagnostics(&e.diagnostics, Sources::from(&e.file)))?;
    let Some((def, members)) = prepared else {
        return Err(ApiError::internal("the decision's timeline was not read"));
    };
    let outcome = crate::simulate::simulate(program, &def, members);
    let Some(last) = outcome.steps.last() else {
        return Err(ApiError::internal("the decision's timeline has no step"));
    };
    let books = outcome
        .journal
        .iter()
        .filter(|j| j.step == last.step)
        .map(|j| Booking {
            debit: j.debit.clone(),
            credit: j.credit.clone(),
            amount: view(j.amount.clone()),
        })
        .collect();
    let status = serde_json::to_value(last.status)
        .ok()
        .and_then(|s| s.as_str().map(str::to_string))
        .unwrap_or_default();
    Ok(DecideResponse {
        provenance: book.provenance.clone(),
        act: last.what.clone(),
        status,
        reasons: last.reasons.clone(),
        books,
        failure: last.diagnostic.as_ref().map(|d| d.message.clone()),
    })
}

/// A request's value for the record, as JSON.
pub fn as_json<T: serde::Serialize>(value: &T) -> Json {
    serde_json::to_value(value).unwrap_or(Json::Null)
}
