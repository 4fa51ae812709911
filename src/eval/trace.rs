//! Recording a derivation, for `rochdale explain`. Only when asked: plain
//! evaluation pays one `Option` check per node.

use super::{Evaluator, Result};
use crate::program::{Ir, IrKind};
use crate::semantics::builtins::{self, Form};
use crate::span::Span;
use crate::types::Type;
use crate::value::Value;

/// How many steps a derivation records at the most; the rest are counted.
pub const MAX_TRACE_NODES: usize = 5_000;

/// How many members of an aggregate a derivation shows.
pub const AGGREGATE_SHOWN: usize = 6;

/// What a step of a derivation is.
#[derive(Debug, Clone, PartialEq)]
pub enum TraceWhat {
    /// An expression, named by its text in the rulebook.
    Expression,
    /// A rule applied to arguments.
    Rule {
        /// The rule's index.
        rule: usize,
        /// The arguments with their types.
        args: Vec<(Value, Type)>,
    },
    /// A parameter's value.
    Parameter(usize),
    /// A member's attribute, given as input.
    Attribute {
        /// The member's index.
        member: u32,
        /// The attribute's index.
        attr: usize,
    },
    /// A period figure, given as input.
    Period(usize),
    /// A fact stated in words (how an allocation shared a tranche).
    Fact(String),
}

/// One step of a derivation, with the steps it used.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceNode {
    /// What the step is.
    pub what: TraceWhat,
    /// Where it is written.
    pub span: Span,
    /// The type of its value.
    pub ty: Type,
    /// Its value, if it could be computed.
    pub value: Option<Value>,
    /// What happened, in words: the rounding applied, the exception that
    /// fired, the reason of a failed clause.
    pub notes: Vec<String>,
    /// The steps it used.
    pub children: Vec<TraceNode>,
    /// Steps left out to keep the derivation readable.
    pub omitted: usize,
    /// The exception that fired, if this step is a rule with exceptions.
    pub exception: Option<Span>,
    /// The exception that fired is a waiver (`C except when E`), not a
    /// rule's own exception.
    pub waived: bool,
    /// Member variables its steps are written with and the member each
    /// stands for (a tranche's `where m.age >= 16` for one member), so that
    /// they read with the member's name, as a rule's steps do.
    pub binds: Vec<(String, u32)>,
}

impl TraceNode {
    fn open(what: TraceWhat, span: Span, ty: Type) -> Self {
        TraceNode {
            what,
            span,
            ty,
            value: None,
            notes: Vec::new(),
            children: Vec::new(),
            omitted: 0,
            exception: None,
            waived: false,
            binds: Vec::new(),
        }
    }

    /// A step stated in words, with a value.
    pub fn fact(text: String, value: Option<Value>, ty: Type, span: Span) -> Self {
        TraceNode {
            value,
            ..TraceNode::open(TraceWhat::Fact(text), span, ty)
        }
    }
}

#[derive(Debug)]
pub(super) struct Tracer {
    stack: Vec<TraceNode>,
    nodes: usize,
    paused: u32,
}

impl Tracer {
    pub(super) fn new() -> Self {
        Tracer {
            stack: vec![TraceNode::open(
                TraceWhat::Expression,
                Span::default(),
                Type::Error,
            )],
            nodes: 0,
            paused: 0,
        }
    }

    fn current(&mut self) -> Option<&mut TraceNode> {
        self.stack.last_mut()
    }

    pub(super) fn current_node(&mut self) -> Option<&mut TraceNode> {
        if self.paused > 0 {
            None
        } else {
            self.stack.last_mut()
        }
    }
}

/// Whether a node is a step worth showing.
fn notable(ir: &Ir) -> bool {
    match &ir.kind {
        IrKind::Const(_)
        | IrKind::Local(_)
        | IrKind::Arith(..)
        | IrKind::Neg(_)
        | IrKind::Not(_) => false,
        IrKind::And(..) | IrKind::Or(..) => false,
        // A built-in is a step when its row has something to say of it
        // (`round` says how it rounded).
        IrKind::Builtin { builtin, .. } => matches!(
            &builtins::get(*builtin).form,
            Form::Function(f) if f.explain.is_some()
        ),
        // A rule's exceptions are told on the rule's own step.
        IrKind::Exceptions { .. } => false,
        // A comparison with a reason is shown by its `because`.
        _ => true,
    }
}

impl Evaluator<'_> {
    /// Records the derivation of everything evaluated from now on.
    pub fn with_trace(mut self) -> Self {
        self.tracer = Some(Box::new(Tracer::new()));
        self
    }

    /// The derivations recorded, one per top-level evaluation.
    pub fn take_trace(&mut self) -> Vec<TraceNode> {
        match self.tracer.as_mut() {
            Some(t) => {
                let root = std::mem::replace(
                    &mut t.stack,
                    vec![TraceNode::open(
                        TraceWhat::Expression,
                        Span::default(),
                        Type::Error,
                    )],
                );
                root.into_iter()
                    .next()
                    .map(|r| r.children)
                    .unwrap_or_default()
            }
            None => Vec::new(),
        }
    }

    pub(super) fn tracing(&self) -> bool {
        self.tracer.as_ref().is_some_and(|t| t.paused == 0)
    }

    /// Adds a note to the step being recorded.
    pub(super) fn trace_note(&mut self, note: impl FnOnce() -> String) {
        if self.tracing() {
            if let Some(node) = self.tracer.as_mut().and_then(|t| t.current()) {
                node.notes.push(note());
            }
        }
    }

    /// Says what the step being recorded is, once it is known.
    pub(super) fn trace_what(&mut self, what: impl FnOnce() -> TraceWhat) {
        if self.tracing() {
            if let Some(node) = self.tracer.as_mut().and_then(|t| t.current()) {
                node.what = what();
            }
        }
    }

    /// Adds finished steps under the step being recorded.
    pub(super) fn trace_children(&mut self, children: Vec<TraceNode>) {
        if self.tracing() {
            if let Some(node) = self.tracer.as_mut().and_then(|t| t.current()) {
                node.children.extend(children);
            }
        }
    }

    /// Opens a step by hand (for facts whose own derivation follows).
    pub(super) fn trace_open(&mut self, node: TraceNode) {
        if self.tracing() {
            if let Some(t) = self.tracer.as_mut() {
                t.nodes += 1;
                t.stack.push(node);
            }
        }
    }

    /// Closes a step opened by [`Self::trace_open`].
    pub(super) fn trace_close(&mut self) {
        if self.tracing() {
            if let Some(t) = self.tracer.as_mut() {
                if t.stack.len() > 1 {
                    if let Some(node) = t.stack.pop() {
                        if let Some(parent) = t.current() {
                            parent.children.push(node);
                        }
                    }
                }
            }
        }
    }

    /// Takes back a step opened by [`Self::trace_open`], with what was
    /// recorded under it, instead of adding it to its parent.
    pub(super) fn trace_take(&mut self) -> Option<TraceNode> {
        if !self.tracing() {
            return None;
        }
        let t = self.tracer.as_mut()?;
        if t.stack.len() > 1 {
            t.stack.pop()
        } else {
            None
        }
    }

    pub(super) fn pause_trace(&mut self) {
        if let Some(t) = self.tracer.as_mut() {
            t.paused += 1;
        }
    }

    pub(super) fn resume_trace(&mut self) {
        if let Some(t) = self.tracer.as_mut() {
            t.paused = t.paused.saturating_sub(1);
        }
    }

    /// Evaluates a node, recording it if it is a notable step.
    pub(super) fn eval_traced(&mut self, ir: &Ir, frame: &mut Vec<Value>) -> Result<Value> {
        let record = self.tracing()
            && notable(ir)
            && self
                .tracer
                .as_ref()
                .is_some_and(|t| t.nodes < MAX_TRACE_NODES);
        if !record {
            if self.tracing() && notable(ir) {
                if let Some(node) = self.tracer.as_mut().and_then(|t| t.current()) {
                    node.omitted += 1;
                }
            }
            return self.eval_node(ir, frame);
        }
        let what = match &ir.kind {
            IrKind::Param(p) => TraceWhat::Parameter(*p),
            IrKind::Period(f) => TraceWhat::Period(*f),
            _ => TraceWhat::Expression,
        };
        if let Some(t) = self.tracer.as_mut() {
            t.nodes += 1;
            t.stack.push(TraceNode::open(what, ir.span, ir.ty));
        }
        let result = self.eval_node(ir, frame);
        if let Some(t) = self.tracer.as_mut() {
            if let Some(mut node) = t.stack.pop() {
                node.value = result.as_ref().ok().cloned();
                // A clause with a reason and its comparison are one step.
                if let (IrKind::Because { .. }, 1) = (&ir.kind, node.children.len()) {
                    if let Some(inner) = node.children.pop() {
                        node.notes.extend(inner.notes);
                        node.children = inner.children;
                        node.omitted += inner.omitted;
                    }
                }
                if let IrKind::Aggregate { .. } = ir.kind {
                    if node.children.len() > AGGREGATE_SHOWN {
                        node.omitted += node.children.len() - AGGREGATE_SHOWN;
                        node.children.truncate(AGGREGATE_SHOWN);
                    }
                }
                if let Some(parent) = t.current() {
                    parent.children.push(node);
                }
            }
        }
        result
    }
}
