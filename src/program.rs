//! The checked program: what the checker produces and the evaluator runs.
//!
//! Every name is resolved to an index: parameters, member attributes, period
//! figures, rules and local slots. Every node carries its type and its span.
//! Nothing at evaluation time looks a name up or compares a string, so the
//! same program serves one member at a till or a million at year end.

use rust_decimal::Decimal;

use crate::currency::Currency;
use crate::span::Span;
pub use crate::syntax::ast::Effective;
use crate::syntax::ast::{AggregateKind, QuorumTerm, RoundingMode, Threshold};
pub use crate::types::EnumDef;
use crate::types::{Type, Vocabulary};
use crate::units::Units;
use crate::value::Value;

/// A rulebook that has passed every check.
#[derive(Debug, Clone)]
pub struct Program {
    /// Which rules these are: name, version and content hash.
    pub provenance: crate::provenance::Provenance,
    /// The rulebook's name.
    pub name: String,
    /// Its version, if given.
    pub version: Option<String>,
    /// The currency in which `Money` is counted, if declared.
    pub currency: Option<Currency>,
    /// The date from which the rules apply, if given.
    pub in_force: Option<time::Date>,
    /// The financial year and its periods (`financial year from 1 April in
    /// quarters`), if declared: the closes of a scenario are checked
    /// against it.
    pub calendar: Option<crate::units::Calendar>,
    /// How days become years (`day count actual/365`), if declared.
    pub day_count: Option<crate::units::DayCountId>,
    /// The units declared; a [`crate::units::UnitId`] indexes them.
    pub units: Units,
    /// Enumerations, such as a member's class.
    pub enums: Vec<EnumDef>,
    /// The attributes each member has.
    pub member_attrs: Vec<FieldDef>,
    /// The figures of an accounting period.
    pub period_fields: Vec<FieldDef>,
    /// Parameters, with their default values.
    pub params: Vec<ParamDef>,
    /// Rules, in the order written.
    pub rules: Vec<RuleDef>,
    /// Articles, in the order written.
    pub articles: Vec<ArticleDef>,
    /// Legal limits.
    pub limits: Vec<LimitDef>,
    /// Allocations of an amount into tranches.
    pub allocations: Vec<AllocationDef>,
    /// Kinds of vote.
    pub resolutions: Vec<ResolutionDef>,
    /// Elections, in the order written.
    pub elections: Vec<ElectionDef>,
    /// Cooperative acts.
    pub acts: Vec<ActDef>,
    /// Examples, ready to run.
    pub examples: Vec<ExampleDef>,
    /// Scenarios written in the rulebook.
    pub scenarios: Vec<ScenarioDef>,
    /// The member attributes `accrued` follows day by day, by slot
    /// ([`IrKind::Accrued`]'s `slot`): the engine keeps each one's history
    /// within the period.
    pub histories: Vec<usize>,
    /// The parameters `accrued` reads as rates: the engine keeps each
    /// one's values within the period, from the day each came into force.
    pub accrual_rates: Vec<usize>,
}

impl Program {
    /// The index of the rule with this name.
    pub fn rule_id(&self, name: &str) -> Option<usize> {
        self.rules.iter().position(|r| r.name == name)
    }

    /// The index of the parameter with this name.
    pub fn param_id(&self, name: &str) -> Option<usize> {
        self.params.iter().position(|p| p.name == name)
    }

    /// The index of the member attribute with this name.
    pub fn member_attr_id(&self, name: &str) -> Option<usize> {
        self.member_attrs.iter().position(|a| a.name == name)
    }

    /// The default parameter values, in order.
    pub fn default_params(&self) -> Vec<Value> {
        self.params.iter().map(|p| p.value.clone()).collect()
    }
}

/// A checked program names its own types: writing its values out, or
/// reading inputs against it, needs no checker.
impl Vocabulary for Program {
    fn currency(&self) -> Option<Currency> {
        self.currency
    }

    fn enums(&self) -> &[EnumDef] {
        &self.enums
    }

    fn units(&self) -> &Units {
        &self.units
    }
}

/// A legal limit.
#[derive(Debug, Clone)]
pub struct LimitDef {
    /// Its name.
    pub name: String,
    /// What must hold. For a limit on each member, local slot 0 holds the member.
    pub condition: Ir,
    /// Whether the limit applies to each member.
    pub each_member: bool,
    /// Local slots the condition uses.
    pub frame_size: usize,
    /// Where the limit comes from.
    pub source: Option<String>,
    /// The article it belongs to.
    pub article: Option<usize>,
    /// Where it is written.
    pub span: Span,
}

/// Local slot of `remainder` in an allocation's expressions.
pub const REMAINDER_SLOT: usize = 0;
/// Local slot of the member variable in an allocation's per-member expressions.
pub const ALLOCATION_MEMBER_SLOT: usize = 1;

impl Ir {
    /// Whether this node is `remainder` inside an allocation.
    pub fn kind_is_remainder(&self) -> bool {
        matches!(self.kind, IrKind::Local(REMAINDER_SLOT))
    }

    /// Whether evaluating this node may read an allocation's outcome
    /// (`allocated ...`), itself or through the rules it calls. `rules` are
    /// the program's; rules do not call themselves (the checker refuses
    /// cycles), so the walk ends.
    pub fn reads_allocation(&self, rules: &[RuleDef]) -> bool {
        fn any<'a>(mut irs: impl Iterator<Item = &'a Ir>, rules: &[RuleDef]) -> bool {
            irs.any(|ir| ir.reads_allocation(rules))
        }
        match &self.kind {
            IrKind::Allocated { .. } | IrKind::LossBorne { .. } => true,
            IrKind::Const(_)
            | IrKind::Param(_)
            | IrKind::Period(_)
            | IrKind::Local(_)
            | IrKind::Today
            | IrKind::PeriodBound(_)
            | IrKind::Resolution { .. } => false,
            IrKind::Attr { member, .. }
            | IrKind::Accrued { member, .. }
            | IrKind::DaysHeld { member, .. }
            | IrKind::DaysMember(member) => member.reads_allocation(rules),
            IrKind::Call { rule, args } => {
                any(args.iter(), rules)
                    || rules
                        .get(*rule)
                        .is_some_and(|r| r.body.reads_allocation(rules))
            }
            IrKind::Neg(x) | IrKind::Not(x) | IrKind::IsNone(x) => x.reads_allocation(rules),
            IrKind::Arith(_, a, b)
            | IrKind::Compare(_, a, b)
            | IrKind::And(a, b)
            | IrKind::Or(a, b) => a.reads_allocation(rules) || b.reads_allocation(rules),
            IrKind::If {
                branches,
                otherwise,
            } => {
                any(branches.iter().flat_map(|(c, v)| [c, v]), rules)
                    || otherwise.reads_allocation(rules)
            }
            IrKind::Builtin { args, .. } => any(args.iter(), rules),
            IrKind::Because { condition, .. } => condition.reads_allocation(rules),
            IrKind::Exceptions {
                base, exceptions, ..
            } => {
                base.reads_allocation(rules)
                    || any(
                        exceptions.iter().flat_map(|e| [&e.condition, &e.value]),
                        rules,
                    )
            }
            IrKind::Aggregate { value, filter, .. } => {
                any(value.iter().chain(filter.iter()).map(|b| b.as_ref()), rules)
            }
        }
    }
}

/// An allocation of an amount into tranches, penny-exact.
#[derive(Debug, Clone)]
pub struct AllocationDef {
    /// What is divided.
    pub amount: Ir,
    /// Its currency.
    pub currency: Currency,
    /// How tranches and shares are rounded to the minor unit.
    pub mode: RoundingMode,
    /// `rounding MODE each`: in a tranche of each member's amount, every
    /// member's amount is rounded on its own (otherwise the tranche's total
    /// is rounded and shared by largest remainder).
    pub round_each_member: bool,
    /// The tranches in order.
    pub tranches: Vec<TrancheDef>,
    /// The date of the member roll that shares (current members if none).
    pub record_date: Option<Ir>,
    /// With no `remainder` tranche and constant percentages adding up to
    /// 100%, the last tranche takes what rounding leaves.
    pub last_takes_rest: bool,
    /// `if a loss { ... }`: how a negative amount is charged.
    pub loss: Option<LossDef>,
    /// Local slots its expressions use (remainder, member).
    pub frame_size: usize,
    /// The article it belongs to.
    pub article: Option<usize>,
    /// Where it is written.
    pub span: Span,
}

/// One tranche of an allocation.
#[derive(Debug, Clone)]
pub struct TrancheDef {
    /// Its label.
    pub label: String,
    /// How much it takes.
    pub amount: TrancheAmount,
    /// Its cap.
    pub at_most: Option<Ir>,
    /// Its floor.
    pub at_least: Option<Ir>,
    /// How it is shared among members.
    pub split: Option<SplitDef>,
    /// `else to reserve "NAME"`: the account a split's total goes to when
    /// no member is entitled to any of it.
    pub otherwise: Option<String>,
    /// `credited to m.shares up to £5.00, booked to "capital"`: each
    /// member's share is added to their shares up to a ceiling.
    pub credited: Option<CreditedDef>,
    /// Where it is written.
    pub span: Span,
}

/// A tranche whose members' shares are credited to an attribute (their
/// shares) up to a ceiling, and booked to one of their accounts; what is
/// above the ceiling is theirs as the tranche's
/// ([`crate::semantics::allocation::credited`]).
#[derive(Debug, Clone)]
pub struct CreditedDef {
    /// The member attribute credited.
    pub attr: usize,
    /// The most it is brought to, for the member in
    /// [`ALLOCATION_MEMBER_SLOT`].
    pub ceiling: Ir,
    /// The member's account the credited part is booked to.
    pub account: std::sync::Arc<str>,
}

/// The account a loss carried forward is kept in (a debit balance), set
/// against the next surpluses before they are allocated.
pub const LOSSES_CARRIED_FORWARD: &str = "losses carried forward";

/// The account of each member's share of a loss: a debt they owe.
pub const LOSS_CHARGED: &str = "share of loss";

/// `if a loss { ... }`: the forms a loss is charged to, in order.
#[derive(Debug, Clone)]
pub struct LossDef {
    /// The forms in the order they take the loss.
    pub forms: Vec<LossFormDef>,
    /// Where it is written.
    pub span: Span,
}

/// One way of bearing a loss.
#[derive(Debug, Clone)]
pub enum LossFormDef {
    /// Up to the reserve's balance, or the part of it `at most` allows: a
    /// percentage (of the balance) or a sum of money.
    Reserve {
        /// The reserve's account.
        name: String,
        /// The limit.
        at_most: Option<Ir>,
        /// Where it is written.
        span: Span,
    },
    /// What is left, shared among members by largest remainder: a debt
    /// each owes, booked to their account [`LOSS_CHARGED`].
    Members {
        /// Who shares, and by what weight.
        split: SplitDef,
        /// Where it is written.
        span: Span,
    },
    /// What is left, kept in [`LOSSES_CARRIED_FORWARD`].
    CarriedForward {
        /// Where it is written.
        span: Span,
    },
}

impl LossDef {
    /// Whether a loss may be carried forward (then later surpluses are set
    /// against it first).
    pub fn carries_forward(&self) -> bool {
        self.forms
            .iter()
            .any(|f| matches!(f, LossFormDef::CarriedForward { .. }))
    }

    /// The reserves it may be charged to, in order.
    pub fn reserves(&self) -> impl Iterator<Item = &str> {
        self.forms.iter().filter_map(|f| match f {
            LossFormDef::Reserve { name, .. } => Some(name.as_str()),
            _ => None,
        })
    }
}

/// How much a tranche takes.
#[derive(Debug, Clone)]
pub enum TrancheAmount {
    /// A percentage of the whole amount.
    Share(Ir),
    /// A sum of money (which may use `remainder`).
    Amount(Ir),
    /// A sum for each member; the tranche is their total, capped as declared
    /// and then shared in proportion to those sums.
    EachMember {
        /// The member variable as written (`m`), for explaining the filter.
        var: String,
        /// Which members take part.
        filter: Option<Ir>,
        /// Each member's amount.
        value: Ir,
    },
}

/// `to each member m [where C] in proportion to W`.
#[derive(Debug, Clone)]
pub struct SplitDef {
    /// The member variable as written (`m`), for explaining the filter.
    pub var: String,
    /// Which members share.
    pub filter: Option<Ir>,
    /// Each member's weight.
    pub weight: Ir,
}

/// A kind of vote.
#[derive(Debug, Clone)]
pub struct ResolutionDef {
    /// Its name.
    pub name: String,
    /// Its title.
    pub title: Option<String>,
    /// Votes weighted by class: the attribute and a weight per variant
    /// (with [`Self::class_share`], each class's share of the whole vote).
    pub class_weights: Option<(usize, Vec<Decimal>)>,
    /// `weighted by class share { ... }`: the weights are shares of the
    /// whole vote per class, not per member, and this is what the share of
    /// a class that casts no vote does.
    pub class_share: Option<crate::syntax::ast::Unvoted>,
    /// Conditions of the quorum: all required, or with `the lesser of`
    /// (`quorum_lesser`) one.
    pub quorum: Vec<QuorumTerm>,
    /// `quorum the lesser of A or B`: one term met is enough.
    pub quorum_lesser: bool,
    /// `alone amends p, q`: the parameters (by index) that only a motion
    /// of this resolution (or of another that also names them) may amend.
    pub alone_amends: Vec<usize>,
    /// When its motions' amendments take effect unless a motion says
    /// (`amendments effective ...`; on adoption if not written).
    pub effective: Effective,
    /// When it passes.
    pub threshold: Threshold,
    /// Classes within which it must also pass (`consent by class { ... }`).
    pub consent: Option<ConsentDef>,
    /// Abstentions count as votes against.
    pub abstentions_against: bool,
    /// What a tie (as many votes for as against) does, if declared.
    pub ties_pass: Option<bool>,
    /// The date of the member roll that votes (current members if none).
    pub record_date: Option<Ir>,
    /// `voter m requires C`: who of the members may vote (all, if none),
    /// with the frame its condition needs (the member in slot 0).
    pub voter: Option<(Ir, usize)>,
    /// How its meetings are held: notice, second call, proxies, postal
    /// votes, confirmation.
    pub procedure: crate::syntax::ast::Procedure,
    /// The article it belongs to.
    pub article: Option<usize>,
    /// Where it is written.
    pub span: Span,
}

/// `consent by class { Worker, Consumer } when for ...`: the classes
/// within which a resolution must also pass, counted among each class's
/// own members, one member one vote.
#[derive(Debug, Clone)]
pub struct ConsentDef {
    /// The member attribute that holds the class.
    pub attr: usize,
    /// The classes (variants of the attribute) whose consent is needed.
    pub classes: Vec<u32>,
    /// What passing within a class takes.
    pub threshold: Threshold,
}

/// A vote not given in person: whose it is (by index in the table of
/// people) and, for a proxy, who holds it (`None`: by post).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AbsentVote {
    /// The member whose vote it is.
    pub voter: usize,
    /// The member present who casts it, or `None` for a vote by post.
    pub proxy: Option<usize>,
}

/// A member's vote on a resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Vote {
    /// Not present.
    Absent,
    /// For.
    For,
    /// Against.
    Against,
    /// Present, not voting either way.
    Abstain,
}

/// What an expression asks of a resolution's vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResolutionQuery {
    /// `passes(r)`: quorate and over the threshold.
    Passes,
    /// `quorate(r)`.
    Quorate,
    /// `votes_for(r)`, weighted.
    VotesFor,
    /// `votes_against(r)`, weighted.
    VotesAgainst,
    /// `share_for(r)`: votes for as a share of the threshold's basis.
    ShareFor,
}

/// One `except when` clause, lowered.
#[derive(Debug, Clone)]
pub struct ExceptionIr {
    /// When it applies.
    pub condition: Ir,
    /// The value when it applies.
    pub value: Ir,
    /// Where it is written.
    pub span: Span,
    /// A waiver inside a condition (`C except when E`), not an exception
    /// of a rule: explained in its own words.
    pub waiver: bool,
}

/// A member attribute or a period figure.
#[derive(Debug, Clone)]
pub struct FieldDef {
    /// Its name.
    pub name: String,
    /// Its type.
    pub ty: Type,
    /// The value when none is given.
    pub default: Option<Value>,
    /// For a period figure: taken from an account's credits (`true`) or
    /// debits (`false`) during the period.
    pub ledger: Option<(bool, String)>,
    /// Back to its default when a period closes.
    pub each_period: bool,
    /// Where it is declared.
    pub span: Span,
}

/// A cooperative act, checked.
#[derive(Debug, Clone)]
pub struct ActDef {
    /// Its name.
    pub name: String,
    /// Its parameters; they occupy the first local slots.
    pub params: Vec<(String, Type)>,
    /// Conditions that must hold.
    pub requires: Vec<Ir>,
    /// What it does.
    pub effects: Vec<EffectIr>,
    /// Local slots used.
    pub frame_size: usize,
    /// The article it belongs to.
    pub article: Option<usize>,
    /// Where it is written.
    pub span: Span,
}

/// An account of the books, as an act names it.
#[derive(Debug, Clone)]
pub struct AccountIr {
    /// The account's name.
    pub name: std::sync::Arc<str>,
    /// The member, for a member's own account.
    pub member: Option<Ir>,
}

/// One effect of an act.
#[derive(Debug, Clone)]
pub enum EffectIr {
    /// The member is admitted.
    Admit(Ir),
    /// The member leaves.
    Remove(Ir),
    /// A journal entry.
    Post {
        /// How much.
        amount: Ir,
        /// Debited.
        debit: AccountIr,
        /// Credited.
        credit: AccountIr,
        /// Where it is written.
        span: Span,
    },
    /// The effects, for each member (passing the filter) in turn.
    ForEach {
        /// Whom it goes over.
        who: crate::syntax::ast::Who,
        /// The local slot holding each member.
        var: usize,
        /// Which members.
        filter: Option<Ir>,
        /// What is done for each.
        effects: Vec<EffectIr>,
    },
    /// A member's attribute changes.
    Change {
        /// How.
        op: crate::syntax::ast::ChangeOp,
        /// The member.
        member: Ir,
        /// The attribute's index.
        attr: usize,
        /// The value.
        value: Ir,
        /// Where it is written.
        span: Span,
    },
}

/// A scenario, checked as far as it can be before its member list is read.
#[derive(Debug, Clone)]
pub struct ScenarioDef {
    /// Its name.
    pub name: String,
    /// Where it is written.
    pub span: Span,
    /// Where its heading (`scenario "first year"`) is written.
    pub heading: Span,
    /// Members written in the scenario, by name.
    pub member_names: Vec<String>,
    /// Their values, attribute-major.
    pub members: Vec<Vec<Option<Value>>>,
    /// Per member written (as `member_names`): the day they joined and
    /// the day they left, for one who was a member before the timeline
    /// begins (`ada: joined 2019-05-01`); empty when no one's is written.
    pub member_dates: Vec<(Option<time::Date>, Option<time::Date>)>,
    /// `members from "file.csv"`, relative to the rulebook.
    pub members_file: Option<(String, Span)>,
    /// What the books hold when the timeline begins.
    pub opening: Opening,
    /// Every parameter's value at the start.
    pub params: Vec<Value>,
    /// The timeline.
    pub steps: Vec<StepDef>,
    /// The `every year` blocks written at the top of the scenario, kept as
    /// written so that a projection can run them for another number of
    /// years (`rochdale simulate --years 5`:
    /// [`crate::check::steps::with_years`]); empty for a scenario
    /// read from a file.
    pub projection: Vec<YearlyBlock>,
}

/// The name a register's column, or a scenario member's value, gives the
/// day a person joined, for one who was a member before the timeline
/// begins (unless the rulebook has a member attribute of the name).
pub const MEMBER_SINCE: &str = "joined";

/// As [`MEMBER_SINCE`], for the day a former member left.
pub const MEMBER_UNTIL: &str = "left";

/// A scenario's opening balances: as written (in the scenario, or the
/// file it names), and once the people are known, as the engine opens
/// the books with them ([`crate::simulate::input::open_books`]).
#[derive(Debug, Clone, Default)]
pub struct Opening {
    /// `opening balances { ... }`: each line.
    pub written: Vec<OpeningEntry>,
    /// `opening balances from "closing.csv"`, relative to the rulebook.
    pub file: Option<(String, Span)>,
    /// The balances the books open with, checked: every member's account
    /// names a person, and debits equal credits. Empty until then.
    pub balances: Vec<OpeningBalance>,
}

/// One line of opening balances as given, before the people are known:
/// an account's debit and credit (a trial balance may give both).
#[derive(Debug, Clone, PartialEq)]
pub struct OpeningEntry {
    /// The account's name.
    pub account: String,
    /// The person, for a member's own account.
    pub member: Option<String>,
    /// Its debit.
    pub debit: Decimal,
    /// Its credit.
    pub credit: Decimal,
    /// Where it is written, in words (`line 3`) and in its text.
    pub place: String,
    /// Where in the text (the rulebook, or the CSV file).
    pub span: Option<Span>,
}

/// An account's balance when the books open: on one side (the other is
/// zero), never zero.
#[derive(Debug, Clone, PartialEq)]
pub struct OpeningBalance {
    /// The account's name.
    pub account: std::sync::Arc<str>,
    /// The person (by index in the run's people), for a member's account.
    pub member: Option<u32>,
    /// Its debit balance.
    pub debit: Decimal,
    /// Its credit balance.
    pub credit: Decimal,
}

/// An `every year` block of a scenario: the block as written, and each
/// step written in it checked and lowered once (dated at its first
/// occurrence), to be dated again for every year of a projection.
#[derive(Debug, Clone)]
pub struct YearlyBlock {
    /// The block as written.
    pub every: crate::syntax::ast::Every,
    /// Each step written in the block (at any depth), lowered; its span is
    /// where it is written in the block.
    pub steps: Vec<StepDef>,
}

/// One step of a timeline.
#[derive(Debug, Clone)]
pub struct StepDef {
    /// When.
    pub date: time::Date,
    /// Where it is written (in the rulebook, or a JSON path).
    pub span: Span,
    /// Where it comes from, for messages: `step 4` or `acts[3]`.
    pub place: String,
    /// What happens.
    pub kind: StepDefKind,
}

/// An argument of an act in a scenario.
#[derive(Debug, Clone)]
pub enum StepArg {
    /// A member, by name (resolved when the member list is known).
    Member(String, Span),
    /// A constant.
    Value(Value),
}

/// What happens at a step.
#[derive(Debug, Clone)]
pub enum StepDefKind {
    /// An act with its arguments.
    Act {
        /// The act's index.
        act: usize,
        /// Its arguments.
        args: Vec<StepArg>,
    },
    /// A vote on a motion, amending parameters if it passes.
    Motion {
        /// The resolution.
        resolution: usize,
        /// What the motion is.
        title: Option<String>,
        /// Members voting for, by name.
        for_: Vec<(String, Span)>,
        /// Members voting against.
        against: Vec<(String, Span)>,
        /// Members abstaining.
        abstain: Vec<(String, Span)>,
        /// Parameters changed if it passes.
        amendments: Vec<(usize, Value)>,
        /// When they take effect, if the motion says (else as its
        /// resolution says).
        effective: Option<Effective>,
        /// Votes not given in person, by name, in the order written: the
        /// proxy's holder, or `None` for a vote by post.
        absent: Vec<(String, Option<String>)>,
        /// The first call, a second call, or a confirming meeting.
        sitting: crate::syntax::ast::Sitting,
        /// When the meeting's notice was sent, if the step says.
        notice: Option<time::Date>,
        /// The act the motion decides, with its arguments: done when the
        /// motion passes (or, under a resolution that needs confirming,
        /// when it is confirmed).
        then: Option<Box<(usize, Vec<StepArg>)>>,
    },
    /// The period closes.
    Close {
        /// Figures given (for those not taken from the books).
        figures: Vec<(usize, Value)>,
    },
    /// An election's ballots counted.
    Election {
        /// The election.
        election: usize,
        /// Who stands, by name, in the order given.
        candidates: Vec<(String, Span)>,
        /// Each voter, by name, with their choices as indices into
        /// `candidates`, in order of preference.
        ballots: Vec<(String, Span, Vec<usize>)>,
        /// What a lot is drawn from.
        seed: Option<u64>,
    },
}

/// An election: seats filled by a count of ballots.
#[derive(Debug, Clone)]
pub struct ElectionDef {
    /// Its name.
    pub name: String,
    /// Its title.
    pub title: Option<String>,
    /// The seats to fill.
    pub seats: usize,
    /// How the ballots are counted.
    pub method: crate::syntax::ast::ElectionMethod,
    /// Who may stand: a condition over the member in slot 0, with its
    /// reasons; `None`: any member.
    pub candidate: Option<Ir>,
    /// Who may vote: a condition over the member in slot 0, with its
    /// reasons; `None`: any member.
    pub voter: Option<Ir>,
    /// Seats reserved for the candidates who meet a condition.
    pub reserves: Vec<ReserveDef>,
    /// Slots the conditions need.
    pub frame_size: usize,
    /// How a tie the count leaves is broken.
    pub ties: crate::syntax::ast::ElectionTies,
    /// Where it is declared.
    pub span: Span,
}

/// `reserve N seats for m where C`: at least `seats` of an election's
/// seats go to candidates who meet `condition`.
#[derive(Debug, Clone)]
pub struct ReserveDef {
    /// The seats reserved.
    pub seats: usize,
    /// The condition, over the member in slot 0.
    pub condition: Ir,
}

/// A parameter.
#[derive(Debug, Clone)]
pub struct ParamDef {
    /// Its name.
    pub name: String,
    /// Its type.
    pub ty: Type,
    /// Its default value; for a dated parameter, the one used where no
    /// date is known (in force on the rulebook's `in force` date, or else
    /// the latest).
    pub value: Value,
    /// A dated parameter's values, each from its date, in increasing date
    /// order; empty for a parameter of one value. A step or a dated example
    /// uses the value in force on its date.
    pub dated: Vec<(time::Date, Value)>,
    /// The article it belongs to, as an index into [`Program::articles`].
    pub article: Option<usize>,
    /// Where it is declared.
    pub span: Span,
}

/// An article's number, title and text.
#[derive(Debug, Clone)]
pub struct ArticleDef {
    /// `9`, `3a`, `12.1`.
    pub number: String,
    /// The title.
    pub title: String,
    /// Paragraphs of legal text.
    pub legal_text: Vec<String>,
    /// Citations.
    pub sources: Vec<String>,
    /// Where it is written.
    pub span: Span,
}

/// How a rule's results are kept, so each is computed once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Memo {
    /// No parameters: one value for the whole cooperative.
    Global,
    /// One member parameter: one value per member.
    PerMember,
    /// Other parameters: computed at each call.
    None,
}

/// A rule, resolved and typed.
#[derive(Debug, Clone)]
pub struct RuleDef {
    /// Its name.
    pub name: String,
    /// Its parameters' names and types; they occupy the first local slots.
    pub params: Vec<(String, Type)>,
    /// The type of its value.
    pub result: Type,
    /// Its definition.
    pub body: Ir,
    /// How many local slots its body uses (parameters included).
    pub frame_size: usize,
    /// The article it belongs to.
    pub article: Option<usize>,
    /// How its results are kept.
    pub memo: Memo,
    /// Where it is written.
    pub span: Span,
}

/// A typed expression node.
#[derive(Debug, Clone)]
pub struct Ir {
    /// What it computes.
    pub kind: IrKind,
    /// The type of its value.
    pub ty: Type,
    /// Where it is written.
    pub span: Span,
}

/// Arithmetic operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CompareOp {
    /// Whether two values that compare as `ordering` satisfy this operator.
    pub fn holds(self, ordering: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            CompareOp::Eq => ordering == Equal,
            CompareOp::Ne => ordering != Equal,
            CompareOp::Lt => ordering == Less,
            CompareOp::Le => ordering != Greater,
            CompareOp::Gt => ordering == Greater,
            CompareOp::Ge => ordering != Less,
        }
    }
}

/// A built-in function: its row in the table of built-ins
/// (`semantics::builtins::BUILTINS`). Only that table makes one, so an id
/// always names a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BuiltinId(u16);

impl BuiltinId {
    /// The id of row `index` (for the table of built-ins alone).
    pub(crate) const fn new(index: u16) -> Self {
        BuiltinId(index)
    }

    /// The row's index in the table.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// How `round` rounds: to a multiple of `step`, by `mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rounding {
    /// The step, in the value's own unit (0.01 for pennies, 0.001 for 0.1%).
    pub step: Decimal,
    /// How ties and remainders go.
    pub mode: RoundingMode,
}

/// The kinds of node.
#[derive(Debug, Clone)]
pub enum IrKind {
    /// A constant.
    Const(Value),
    /// The value of parameter N.
    Param(usize),
    /// Attribute N of the member the inner node evaluates to.
    Attr {
        /// Evaluates to a member.
        member: Box<Ir>,
        /// The attribute's index in [`Program::member_attrs`].
        attr: usize,
    },
    /// Period figure N.
    Period(usize),
    /// Local slot N: a rule parameter or an aggregate's member.
    Local(usize),
    /// A call of rule N.
    Call {
        /// The rule's index.
        rule: usize,
        /// Its arguments.
        args: Vec<Ir>,
    },
    /// `-x`
    Neg(Box<Ir>),
    /// `not x`
    Not(Box<Ir>),
    /// `x is none`: whether an optional value is missing.
    IsNone(Box<Ir>),
    /// Arithmetic.
    Arith(ArithOp, Box<Ir>, Box<Ir>),
    /// A comparison.
    Compare(CompareOp, Box<Ir>, Box<Ir>),
    /// `a and b`, evaluated left to right, stopping at the first false.
    And(Box<Ir>, Box<Ir>),
    /// `a or b`, evaluated left to right, stopping at the first true.
    Or(Box<Ir>, Box<Ir>),
    /// `if ... then ... else if ... else ...`.
    If {
        /// Conditions with their values.
        branches: Vec<(Ir, Ir)>,
        /// The value when no condition holds.
        otherwise: Box<Ir>,
    },
    /// A call of a built-in function of values (`round`, `min`, `max`,
    /// `abs`): the row of `semantics::builtins` says how it is computed.
    Builtin {
        /// Which built-in.
        builtin: BuiltinId,
        /// Its arguments, in order.
        args: Vec<Ir>,
        /// The step and mode of `round`, fixed when the rules are checked.
        rounding: Option<Rounding>,
    },
    /// A clause with its reason, for refusals: evaluates as its condition.
    Because {
        /// The clause.
        condition: Box<Ir>,
        /// Why it is required.
        reason: String,
        /// The article of the rule it is in.
        article: Option<usize>,
    },
    /// A rule with exceptions.
    Exceptions {
        /// The value when no exception applies.
        base: Box<Ir>,
        /// The exceptions as written.
        exceptions: Vec<ExceptionIr>,
        /// The order in which they are tried (the first that applies wins).
        order: Vec<usize>,
    },
    /// `allocated "label"` or `allocated "label" to m`.
    Allocated {
        /// The allocation.
        allocation: usize,
        /// The tranche.
        tranche: usize,
        /// The member, for a member's share.
        member: Option<Box<Ir>>,
    },
    /// The date of the step being run, in a scenario.
    Today,
    /// `period.start` (false) or `period.end` (true): the first or last
    /// day of the period being run.
    PeriodBound(bool),
    /// `days_member(m)`: the days of the period so far that the member
    /// has been a member (`semantics::time::member_days`).
    DaysMember(Box<Ir>),
    /// `days_held(m.shares)`: the days of the period so far on which a
    /// member's figure was above zero (`semantics::time::days_held`).
    DaysHeld {
        /// Evaluates to a member.
        member: Box<Ir>,
        /// The attribute followed, in [`Program::member_attrs`].
        attr: usize,
        /// Its slot in [`Program::histories`].
        slot: usize,
    },
    /// `accrued(m.shares, capital_interest)`: a member's figure on each day
    /// of the period so far, times the rate in force that day
    /// (`semantics::time::accrue`).
    Accrued {
        /// Evaluates to a member.
        member: Box<Ir>,
        /// The attribute followed, in [`Program::member_attrs`].
        attr: usize,
        /// Its slot in [`Program::histories`].
        slot: usize,
        /// The parameter that is the rate.
        rate: usize,
        /// The rate's unit of time (`per year`).
        unit: crate::units::TimeUnit,
    },
    /// `loss borne by ...`: what form `form` of allocation `allocation`'s
    /// `if a loss` block bore at the close (zero when there was no loss).
    LossBorne {
        /// The allocation.
        allocation: usize,
        /// The form, in the order written.
        form: usize,
        /// The member, for a member's charge.
        member: Option<Box<Ir>>,
    },
    /// A question about a resolution's vote.
    Resolution {
        /// The resolution.
        resolution: usize,
        /// What is asked.
        query: ResolutionQuery,
    },
    /// An aggregate over the members.
    Aggregate {
        /// Which aggregate.
        kind: AggregateKind,
        /// Whom it goes over (`each member`, `each former member`, ...).
        who: crate::syntax::ast::Who,
        /// The local slot that holds each member in turn.
        var: usize,
        /// What is aggregated.
        value: Option<Box<Ir>>,
        /// Which members count.
        filter: Option<Box<Ir>>,
    },
}

/// An example, ready to run.
#[derive(Debug, Clone)]
pub struct ExampleDef {
    /// Its name.
    pub name: String,
    /// Where it is written.
    pub span: Span,
    /// The members' names, in order.
    pub member_names: Vec<String>,
    /// Member values, attribute-major: `members[attr][member]`.
    pub members: Vec<Vec<Option<Value>>>,
    /// The period's figures.
    pub period: Vec<Option<Value>>,
    /// Every parameter's value in this example.
    pub params: Vec<Value>,
    /// The date the example is set on (`on DATE`), if it states one.
    pub date: Option<time::Date>,
    /// The first day of the period of the financial year its date falls
    /// in, when both are known (`accrued` counts from it).
    pub period_start: Option<time::Date>,
    /// Per parameter, for a dated one not in force on the example's date
    /// (`on DATE`): the date of its first value. Empty when all are.
    pub not_in_force: Vec<Option<time::Date>>,
    /// The votes on each resolution, if given.
    pub votes: Vec<Option<Vec<Vote>>>,
    /// The votes on each resolution not given in person (may be shorter
    /// than `votes`: none).
    pub absent_votes: Vec<Vec<AbsentVote>>,
    /// What each reserve named by `reserve "NAME" £X` holds.
    pub balances: std::collections::BTreeMap<String, rust_decimal::Decimal>,
    /// What must hold.
    pub expectations: Vec<Expectation>,
    /// Local slots the expectations use.
    pub frame_size: usize,
}

/// One `expect` line.
#[derive(Debug, Clone)]
pub enum Expectation {
    /// `expect actual = expected`.
    Equal {
        /// The left side: what the rules compute.
        actual: Ir,
        /// The right side: the value worked by hand.
        expected: Ir,
        /// The whole line.
        span: Span,
    },
    /// `expect condition`: a yes/no value that must be true.
    Holds {
        /// The condition.
        condition: Ir,
        /// The whole line.
        span: Span,
    },
    /// `expect not eligible(x) because "a", "b"`: the rule refuses, for
    /// exactly these reasons.
    Refused {
        /// The call of a yes/no rule.
        call: Ir,
        /// The reasons expected, in any order.
        reasons: Vec<String>,
        /// The whole line.
        span: Span,
    },
    /// `expect breach limit [for member]`.
    Breach {
        /// The limit.
        limit: usize,
        /// The member, for a limit on each member.
        member: Option<u32>,
        /// The whole line.
        span: Span,
    },
}

impl Expectation {
    /// Where the expectation is written.
    pub fn span(&self) -> Span {
        match self {
            Expectation::Equal { span, .. }
            | Expectation::Holds { span, .. }
            | Expectation::Refused { span, .. }
            | Expectation::Breach { span, .. } => *span,
        }
    }
}
