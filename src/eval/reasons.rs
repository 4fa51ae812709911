//! Why: the reasons for a refusal, and the legal limits a value breaks.

use serde::Serialize;

use super::{Evaluator, Result};
use crate::diagnostic::{Code, Diagnostic};
use crate::program::{CompareOp, Ir, IrKind, LimitDef, Program};
use crate::types::Type;
use crate::value::{Value, ValueView};

/// One failing clause of a refused condition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refusal {
    /// The clause's `because` text.
    pub reason: String,
    /// The article of the rule the clause is in, as numbered in the rulebook.
    pub article: Option<String>,
    /// The numbers involved, such as `£3.00 < £4.00`.
    pub detail: Option<String>,
}

impl Refusal {
    /// "members must be 16 or over (article 3): 15 < 16".
    pub fn sentence(&self) -> String {
        let mut s = self.reason.clone();
        if let Some(a) = &self.article {
            s.push_str(&format!(" (article {a})"));
        }
        if let Some(d) = &self.detail {
            s.push_str(&format!(": {d}"));
        }
        s
    }
}

/// A legal limit that a value breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breach {
    /// The limit's index in [`Program::limits`].
    pub limit: usize,
    /// The member, for a limit on each member.
    pub member: Option<u32>,
    /// The numbers involved.
    pub detail: Option<String>,
}

fn negated(op: CompareOp) -> &'static str {
    match op {
        CompareOp::Eq => "≠",
        CompareOp::Ne => "=",
        CompareOp::Lt => "≥",
        CompareOp::Le => ">",
        CompareOp::Gt => "≤",
        CompareOp::Ge => "<",
    }
}

impl Evaluator<'_> {
    /// Whether rule `rule` holds for `args` and, when it does not, every
    /// clause with a reason that fails (not only the first).
    pub fn refusals(&mut self, rule: usize, args: Vec<Value>) -> Result<(bool, Vec<Refusal>)> {
        if self.rule(rule, args.clone())?.as_bool() == Some(true) {
            return Ok((true, Vec::new()));
        }
        let program = self.program;
        let def = &program.rules[rule];
        let mut frame = args;
        frame.resize(def.frame_size.max(frame.len()), Value::Bool(false));
        let mut out = Vec::new();
        self.collect(&def.body, &mut frame, &mut out)?;
        Ok((false, out))
    }

    /// Whether a condition holds and, when it does not, every failing clause
    /// with a reason (what an act requires, say).
    pub fn condition_refusals(
        &mut self,
        condition: &Ir,
        frame: &mut Vec<Value>,
    ) -> Result<(bool, Vec<Refusal>)> {
        if self.boolean(condition, frame)? {
            return Ok((true, Vec::new()));
        }
        let mut out = Vec::new();
        self.collect(condition, frame, &mut out)?;
        Ok((false, out))
    }

    /// Evaluates a condition without stopping at the first false clause,
    /// recording each failing clause that has a reason.
    fn collect(&mut self, ir: &Ir, frame: &mut Vec<Value>, out: &mut Vec<Refusal>) -> Result<bool> {
        match &ir.kind {
            IrKind::And(l, r) => {
                let left = self.collect(l, frame, out)?;
                match self.collect(r, frame, out) {
                    Ok(right) => Ok(left && right),
                    // A clause after a failing one may not be computable (a
                    // division guarded by the first); the refusal stands.
                    Err(_) if !left => Ok(false),
                    Err(e) => Err(e),
                }
            }
            IrKind::Because {
                condition,
                reason,
                article,
            } => {
                let holds = self.boolean(condition, frame)?;
                if !holds {
                    let detail = self.detail(condition, frame);
                    out.push(Refusal {
                        reason: crate::semantics::wording::fill(
                            reason,
                            self.program,
                            &self.inputs.params,
                        ),
                        article: article
                            .and_then(|a| self.program.articles.get(a))
                            .map(|a| a.number.clone()),
                        detail,
                    });
                }
                Ok(holds)
            }
            IrKind::Call { rule, args } if ir.ty == Type::Bool => {
                let mut values = Vec::with_capacity(args.len());
                for a in args {
                    values.push(self.eval(a, frame)?);
                }
                let program = self.program;
                let def = &program.rules[*rule];
                values.resize(def.frame_size.max(values.len()), Value::Bool(false));
                self.collect(&def.body, &mut values, out)
            }
            IrKind::Exceptions {
                base,
                exceptions,
                order,
            } => {
                for &i in order {
                    if self.boolean(&exceptions[i].condition, frame)? {
                        return self.collect(&exceptions[i].value, frame, out);
                    }
                }
                self.collect(base, frame, out)
            }
            _ => self.boolean(ir, frame),
        }
    }

    /// For a failed comparison, its two sides: `£3.00 < £4.00`.
    pub fn detail_of(&mut self, condition: &Ir, frame: &mut Vec<Value>) -> Option<String> {
        self.detail(condition, frame)
    }

    pub(super) fn detail(&mut self, condition: &Ir, frame: &mut Vec<Value>) -> Option<String> {
        let mut node = condition;
        while let IrKind::Because { condition, .. } = &node.kind {
            node = condition;
        }
        let IrKind::Compare(op, l, r) = &node.kind else {
            return None;
        };
        let a = self.eval(l, frame).ok()?;
        let b = self.eval(r, frame).ok()?;
        // Show both sides in the richer type (a whole number beside money
        // is still money).
        let ty = if l.ty == Type::Integer { r.ty } else { l.ty };
        let names = &self.inputs.member_names;
        let show = |v: &Value| ValueView::new(v, ty, self.program, names).display;
        Some(format!("{} {} {}", show(&a), negated(*op), show(&b)))
    }

    /// Every breach of every legal limit under these inputs. A limit that
    /// needs an input the inputs do not give is skipped: it is not about them.
    pub fn limit_breaches(&mut self) -> Result<Vec<Breach>> {
        let program = self.program;
        let mut out = Vec::new();
        for (index, limit) in program.limits.iter().enumerate() {
            let mut frame = vec![Value::Bool(false); limit.frame_size.max(1)];
            let members: Vec<Option<u32>> = if limit.each_member {
                self.inputs.members_now().map(|m| Some(m as u32)).collect()
            } else {
                vec![None]
            };
            for member in members {
                if let Some(m) = member {
                    frame[0] = Value::Member(m);
                }
                match self.boolean(&limit.condition, &mut frame) {
                    Ok(true) => {}
                    Ok(false) => {
                        let detail = self.detail(&limit.condition, &mut frame);
                        out.push(Breach {
                            limit: index,
                            member,
                            detail,
                        });
                    }
                    Err(e) if e.code == Code::MissingValue => {}
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(out)
    }

    /// The diagnostic that reports a breach.
    pub fn breach_diagnostic(&self, breach: &Breach) -> Diagnostic {
        let limit: &LimitDef = &self.program.limits[breach.limit];
        let whose = breach
            .member
            .map(|m| format!(" for {}", self.member_name(m)))
            .unwrap_or_default();
        let detail = breach
            .detail
            .as_ref()
            .map(|d| format!(": {d}"))
            .unwrap_or_default();
        Diagnostic::error(
            Code::LimitBreached,
            format!("the limit `{}` is breached{whose}{detail}", limit.name),
        )
        .at(limit.span, "this limit")
        .help(match &limit.source {
            Some(s) => {
                format!("the limit comes from {s}; change the inputs or the rules so that it holds")
            }
            None => "change the inputs or the rules so that the limit holds".into(),
        })
    }
}

/// A limit that parameters alone decide (`capital_interest <= 9.25%`),
/// broken by a set of parameter values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParameterBreach {
    /// The limit, by index in the program.
    pub limit: usize,
    /// The numbers involved, such as `10% > 9.25%`.
    pub detail: Option<String>,
    /// The parameters its condition reads, by index.
    pub params: Vec<usize>,
}

/// The limits decided by parameters alone that `params` (every
/// parameter's value, by index) break: the rulebook's own values, or a
/// scenario's.
pub fn parameter_limit_breaches(program: &Program, params: Vec<Value>) -> Vec<ParameterBreach> {
    let inputs = super::Inputs {
        params,
        ..Default::default()
    };
    let mut evaluator = Evaluator::new(program, &inputs);
    let mut out = Vec::new();
    for (index, limit) in program.limits.iter().enumerate() {
        if limit.each_member || !is_constant(&limit.condition) {
            continue;
        }
        let mut frame = vec![Value::Bool(false); limit.frame_size];
        if let Ok(false) = evaluator.boolean(&limit.condition, &mut frame) {
            let mut read = Vec::new();
            params_read(&limit.condition, &mut read);
            out.push(ParameterBreach {
                limit: index,
                detail: evaluator.detail(&limit.condition, &mut frame),
                params: read,
            });
        }
    }
    out
}

/// Limits broken by the parameters' own values: errors in the rulebook.
pub fn constant_limit_breaches(program: &Program) -> Vec<Diagnostic> {
    parameter_limit_breaches(program, program.default_params())
        .into_iter()
        .map(|breach| {
            let limit = &program.limits[breach.limit];
            let detail = breach.detail.map(|d| format!(": {d}")).unwrap_or_default();
            Diagnostic::error(
                Code::ConstantBreachesLimit,
                format!(
                    "the rulebook's parameters break the limit `{}`{detail}",
                    limit.name
                ),
            )
            .at(limit.span, "breached by the parameters")
            .help(match &limit.source {
                Some(s) => format!("the limit comes from {s}; change the parameter to respect it"),
                None => "change the parameter to respect the limit".into(),
            })
        })
        .collect()
}

/// The diagnostic for a limit broken by the parameters a scenario sets,
/// before it runs: `set` names each parameter the scenario sets as the
/// scenario writes it (`parameters.capital_interest` in JSON), with its
/// place. `None` when the limit reads none of them (the rulebook's own
/// values break it: [`constant_limit_breaches`] reports that).
pub fn scenario_breach_diagnostic(
    program: &Program,
    breach: &ParameterBreach,
    set: &[(usize, String, crate::span::Span)],
) -> Option<Diagnostic> {
    let given: Vec<&(usize, String, crate::span::Span)> = set
        .iter()
        .filter(|(p, _, _)| breach.params.contains(p))
        .collect();
    let (_, _, span) = given.first()?;
    let names: Vec<&str> = given.iter().map(|(_, name, _)| name.as_str()).collect();
    let limit = &program.limits[breach.limit];
    let detail = breach
        .detail
        .as_ref()
        .map(|d| format!(": {d}"))
        .unwrap_or_default();
    let source = limit
        .source
        .as_ref()
        .map(|s| format!(" (from {s})"))
        .unwrap_or_default();
    Some(
        Diagnostic::error(
            Code::ConstantBreachesLimit,
            format!(
                "{}: the scenario's value breaks the limit `{}`{source}{detail}",
                names.join(", "),
                limit.name
            ),
        )
        .at(*span, format!("breaks the limit `{}`", limit.name))
        .help(format!(
            "the scenario cannot run: give {} a value within the limit, or leave it out to start from the rulebook's value",
            names.join(" and ")
        )),
    )
}

/// The parameters an expression reads, each once, in the order met.
fn params_read(ir: &Ir, out: &mut Vec<usize>) {
    match &ir.kind {
        IrKind::Param(p) if !out.contains(p) => out.push(*p),
        IrKind::Neg(x) | IrKind::Not(x) | IrKind::IsNone(x) => params_read(x, out),
        IrKind::Builtin { args, .. } => args.iter().for_each(|a| params_read(a, out)),
        IrKind::Because { condition, .. } => params_read(condition, out),
        IrKind::Arith(_, l, r)
        | IrKind::Compare(_, l, r)
        | IrKind::And(l, r)
        | IrKind::Or(l, r) => {
            params_read(l, out);
            params_read(r, out);
        }
        IrKind::If {
            branches,
            otherwise,
        } => {
            for (c, v) in branches {
                params_read(c, out);
                params_read(v, out);
            }
            params_read(otherwise, out);
        }
        _ => {}
    }
}

/// Whether an expression depends on parameters and constants only.
fn is_constant(ir: &Ir) -> bool {
    match &ir.kind {
        IrKind::Const(_) | IrKind::Param(_) => true,
        IrKind::Neg(x) | IrKind::Not(x) | IrKind::IsNone(x) => is_constant(x),
        IrKind::Builtin { args, .. } => args.iter().all(is_constant),
        IrKind::Because { condition, .. } => is_constant(condition),
        IrKind::Arith(_, l, r)
        | IrKind::Compare(_, l, r)
        | IrKind::And(l, r)
        | IrKind::Or(l, r) => is_constant(l) && is_constant(r),
        IrKind::If {
            branches,
            otherwise,
        } => {
            branches
                .iter()
                .all(|(c, v)| is_constant(c) && is_constant(v))
                && is_constant(otherwise)
        }
        _ => false,
    }
}
