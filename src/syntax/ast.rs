//! The abstract syntax tree: the rulebook as written, with spans, before any
//! name is resolved or any type is checked.

use rust_decimal::Decimal;

use crate::span::Span;

/// A name as written, with its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    /// The name.
    pub name: String,
    /// Where it is written.
    pub span: Span,
}

/// A string literal's content (escapes resolved), with its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    /// The content.
    pub value: String,
    /// Where it is written, quotes included.
    pub span: Span,
}

/// A whole rulebook.
#[derive(Debug, Clone, PartialEq)]
pub struct Rulebook {
    /// `rulebook "Name" version "1" currency GBP in force 2026-01-01`.
    pub header: Header,
    /// Everything after the header, in order.
    pub items: Vec<Item>,
}

/// The rulebook's header.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// The cooperative's or rulebook's name.
    pub name: Text,
    /// The version of the rules.
    pub version: Option<Text>,
    /// The currency in which `Money` is counted.
    pub currency: Option<Ident>,
    /// The date from which the rules apply.
    pub in_force: Option<(time::Date, Span)>,
    /// `financial year from 1 April in quarters`.
    pub financial_year: Option<FinancialYear>,
    /// `day count actual/365`: the convention's name, as written.
    pub day_count: Option<Ident>,
    /// The whole header.
    pub span: Span,
}

/// `financial year from 21 December in quarters`, as written.
#[derive(Debug, Clone, PartialEq)]
pub struct FinancialYear {
    /// The day of the month the year starts on.
    pub day: u8,
    /// The month.
    pub month: time::Month,
    /// `months`, `quarters` or `halves`; none: one period a year.
    pub periods: Option<Ident>,
    /// The whole clause.
    pub span: Span,
}

/// A top-level item.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// `unit km_month "description"`: a unit the cooperative counts in.
    Unit(UnitDecl),
    /// `member { ... }`: the attributes every member has.
    MemberSchema(Schema),
    /// `period { ... }`: the figures of an accounting period.
    PeriodSchema(Schema),
    /// `parameter name: Type = value`.
    Parameter(Parameter),
    /// `article 3 "Title" { ... }`.
    Article(Article),
    /// `rule name(params) = expr` outside any article.
    Rule(RuleDef),
    /// `limit name: condition source "..."` outside any article.
    Limit(Limit),
    /// `allocate amount rounding down { ... }` outside any article.
    Allocation(Allocation),
    /// `resolution special { ... }` outside any article.
    Resolution(Resolution),
    /// `act purchase(m, cost: Money) { ... }` outside any article.
    Act(ActDef),
    /// `election committee { seats 3 ... }`: seats filled by a count.
    Election(Election),
    /// `scenario "first year" { ... }`.
    Scenario(Scenario),
    /// `example "name" { ... }`.
    Example(Example),
    /// `members founders { ... }`: members that examples name.
    Members(MembersFixture),
}

/// `members founders { ada: age 30 ... }`: members declared once and named
/// by examples (`members founders`).
#[derive(Debug, Clone, PartialEq)]
pub struct MembersFixture {
    /// Its name.
    pub name: Ident,
    /// Its members, in order.
    pub members: Vec<ExampleMember>,
    /// The whole declaration.
    pub span: Span,
}

/// `unit km_month "kilometre-month of duct"`.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitDecl {
    /// The unit's name.
    pub name: Ident,
    /// What it measures.
    pub description: Option<Text>,
}

/// A list of typed fields: the member schema or the period schema.
#[derive(Debug, Clone, PartialEq)]
pub struct Schema {
    /// The fields in order.
    pub fields: Vec<Field>,
    /// The whole block.
    pub span: Span,
}

/// `name: Type = default`.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The attribute's name.
    pub name: Ident,
    /// Its type.
    pub ty: TypeExpr,
    /// The value a member has when none is given.
    pub default: Option<Value>,
    /// For a period figure: the account of the books it comes from.
    pub ledger: Option<LedgerSource>,
    /// `each period`: back to its default when a period closes.
    pub each_period: bool,
    /// The whole field.
    pub span: Span,
}

/// `credits of "sales"` or `debits of "costs"`: a period figure taken from
/// the movements of an account during the period.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerSource {
    /// Credits (rather than debits) less the other side.
    pub credits: bool,
    /// The account.
    pub account: Text,
}

/// `act name(params) { requires ...  effects }`: a cooperative act.
#[derive(Debug, Clone, PartialEq)]
pub struct ActDef {
    /// Its name.
    pub name: Ident,
    /// Its parameters (a parameter without a type is a member).
    pub params: Option<Vec<RuleParam>>,
    /// Conditions that must hold, in order.
    pub requires: Vec<Expr>,
    /// What the act does, in order.
    pub effects: Vec<Effect>,
    /// The whole act.
    pub span: Span,
}

/// One effect of an act.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// `admit m`: the person becomes a member.
    Admit(Ident),
    /// `remove m`: the member leaves.
    Remove(Ident),
    /// `post AMOUNT debit ACCOUNT credit ACCOUNT`: a journal entry.
    Post {
        /// How much.
        amount: Expr,
        /// The account debited.
        debit: AccountRef,
        /// The account credited.
        credit: AccountRef,
        /// The whole effect.
        span: Span,
    },
    /// `for each member m [where C] { effects }`.
    ForEach {
        /// Who it is for (`for each member m`, `for each former member f`).
        who: Who,
        /// The member variable.
        var: Ident,
        /// Which members.
        filter: Option<Expr>,
        /// What is done for each.
        effects: Vec<Effect>,
    },
    /// `add X to m.attr`, `subtract X from m.attr`, `set m.attr to X`.
    Change {
        /// How.
        op: ChangeOp,
        /// The member.
        member: Ident,
        /// The attribute.
        attribute: Ident,
        /// The value.
        value: Expr,
        /// The whole effect.
        span: Span,
    },
}

/// How an effect changes an attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeOp {
    /// `add X to`
    Add,
    /// `subtract X from`
    Subtract,
    /// `set ... to X`
    Set,
}

/// `"cash"` or `"capital" of m`: an account of the books.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountRef {
    /// The account's name.
    pub name: Text,
    /// The member, for a member's own account.
    pub member: Option<Ident>,
}

/// What the books hold when a scenario's timeline begins.
#[derive(Debug, Clone, PartialEq)]
pub struct OpeningBalances {
    /// The balances, written or in a file.
    pub source: OpeningSource,
    /// The whole declaration.
    pub span: Span,
}

/// Where a scenario's opening balances are.
#[derive(Debug, Clone, PartialEq)]
pub enum OpeningSource {
    /// `{ debit "cash" £5,120.00  credit "capital" of ada £120.00 }`.
    Lines(Vec<OpeningLine>),
    /// `from "closing.csv"`: a trial balance (`account,debit,credit`).
    File(Text),
}

/// `debit "cash" £5,120.00`: one account's opening balance.
#[derive(Debug, Clone, PartialEq)]
pub struct OpeningLine {
    /// On the debit side (`debit`), or the credit side (`credit`).
    pub debit: bool,
    /// The account.
    pub account: AccountRef,
    /// The balance.
    pub amount: Value,
    /// The whole line.
    pub span: Span,
}

/// `scenario "first year" { members ... on DATE ... }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Its name.
    pub name: Text,
    /// Members written in the scenario.
    pub members: Vec<ExampleMember>,
    /// `members from "file.csv"`.
    pub members_file: Option<Text>,
    /// `opening balances { ... }` or `opening balances from "file.csv"`.
    pub opening: Option<OpeningBalances>,
    /// Parameters set for the scenario.
    pub parameters: Vec<Binding>,
    /// The timeline's dated steps, in order.
    pub steps: Vec<Step>,
    /// The timeline's repeated steps (`every week ... { ... }`), in order.
    /// Where each is written among the dated steps is its span's start.
    pub repeats: Vec<Every>,
    /// The whole scenario.
    pub span: Span,
}

/// `every week from 2026-04-06 to 2027-03-29 { ... }`: steps repeated on
/// each occurrence of a unit of time.
#[derive(Debug, Clone, PartialEq)]
pub struct Every {
    /// The unit of time, as written (`week`); the checker knows the names.
    pub unit: Ident,
    /// When the repetition runs; a nested block has none (it repeats
    /// within each occurrence of the block around it).
    pub during: Option<EverySpan>,
    /// What is repeated, in order.
    pub items: Vec<EveryItem>,
    /// The whole block.
    pub span: Span,
}

/// `from DATE to DATE` or `from DATE for N units`.
#[derive(Debug, Clone, PartialEq)]
pub struct EverySpan {
    /// The first occurrence's first day.
    pub from: time::Date,
    /// When it stops.
    pub until: EveryUntil,
    /// `from ...` to its end.
    pub span: Span,
}

/// How a repetition's span ends.
#[derive(Debug, Clone, PartialEq)]
pub enum EveryUntil {
    /// `to DATE`: the last occurrence starts on or before it.
    To(time::Date),
    /// `for 5 years`: as many units from the start.
    For {
        /// How many.
        count: u32,
        /// The unit, as written (`years`).
        unit: Ident,
    },
}

/// One thing in an `every` block.
#[derive(Debug, Clone, PartialEq)]
pub enum EveryItem {
    /// A step, on each occurrence's first day, or with `on the last day`
    /// its last.
    Step {
        /// `on the last day`.
        last_day: bool,
        /// What happens.
        kind: StepKind,
        /// The whole step.
        span: Span,
    },
    /// A block repeated within each occurrence.
    Every(Every),
}

/// `on DATE ...`: one step of a timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// When.
    pub date: time::Date,
    /// What.
    pub kind: StepKind,
    /// The whole step.
    pub span: Span,
}

/// `then expel(cy)`: the act a motion decides.
#[derive(Debug, Clone, PartialEq)]
pub struct MotionAct {
    /// The act.
    pub name: Ident,
    /// Its arguments: members by name, or constants.
    pub args: Vec<Value>,
    /// The clause, `then` included.
    pub span: Span,
}

/// What happens at a step.
#[derive(Debug, Clone, PartialEq)]
pub enum StepKind {
    /// `purchase(ada, £2.50)`: an act.
    Act {
        /// The act.
        name: Ident,
        /// Its arguments: members by name, or constants.
        args: Vec<Value>,
    },
    /// `motion special "title" { for ... } amend markup = 12.5%`.
    Motion {
        /// The vote.
        votes: ExampleVotes,
        /// What the motion is.
        title: Option<Text>,
        /// Parameters changed if it passes.
        amendments: Vec<Binding>,
        /// `effective 2026-04-29`: when the amendments take effect, if the
        /// motion says (else as its resolution says, else on adoption).
        effective: Option<(Effective, Span)>,
        /// `second call` or `confirming`, if written.
        sitting: Sitting,
        /// `notice given 2026-05-20`: when the meeting's notice was sent.
        notice: Option<(time::Date, Span)>,
        /// `then expel(cy)`: the act the motion decides, done if it passes.
        then: Option<Box<MotionAct>>,
    },
    /// `close period { costs £170.00 }`.
    Close {
        /// Period figures given, for those not taken from the books.
        figures: Vec<Binding>,
    },
    /// `election committee { candidates ann, bob  cy: ann > bob } seed 7`.
    Election(Ballots),
}

/// The ballots of an election, at a step of a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Ballots {
    /// The election.
    pub election: Ident,
    /// `candidates ann, bob, cy`: who stands, in order.
    pub candidates: Vec<Ident>,
    /// Each voter's ballot, in order.
    pub ballots: Vec<Ballot>,
    /// `seed 7`: what a lot is drawn from.
    pub seed: Option<(u64, Span)>,
    /// The whole step, after its date.
    pub span: Span,
}

/// `cy: ann > bob` (a ranking) or `cy: ann, bob` (marks): one ballot.
#[derive(Debug, Clone, PartialEq)]
pub struct Ballot {
    /// Who votes.
    pub voter: Ident,
    /// The candidates, in order of preference (or as marked).
    pub choices: Vec<Ident>,
    /// Written with `>` (a ranking) rather than `,` (marks).
    pub ranked: bool,
    /// The whole ballot.
    pub span: Span,
}

/// `election committee "The committee" { ... }`: seats filled by a count
/// of ballots.
#[derive(Debug, Clone, PartialEq)]
pub struct Election {
    /// Its name.
    pub name: Ident,
    /// Its title.
    pub title: Option<Text>,
    /// `seats 3`, with where it is written.
    pub seats: Option<(u32, Span)>,
    /// `counted by plurality` or `counted by single transferable vote`.
    pub method: Option<(ElectionMethod, Span)>,
    /// `candidate m requires C`: who may stand.
    pub candidate: Option<Candidacy>,
    /// `voter m requires C`: who may vote (a constituency's ballot).
    pub voter: Option<Candidacy>,
    /// `reserve N seats for m where C`, in the order written.
    pub reserves: Vec<SeatReserve>,
    /// `ties broken alphabetically` or `ties broken by lot`, if written
    /// (alphabetically otherwise).
    pub ties: Option<ElectionTies>,
    /// The whole declaration.
    pub span: Span,
}

/// `candidate m requires C` or `voter m requires C`: the condition a
/// member must meet to stand, or to vote.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidacy {
    /// The member variable.
    pub var: Ident,
    /// The condition, with its reasons.
    pub condition: Expr,
    /// The whole clause.
    pub span: Span,
}

/// `reserve N seats for m where C`: at least N of the elected meet C.
#[derive(Debug, Clone, PartialEq)]
pub struct SeatReserve {
    /// The seats reserved, with where the number is written.
    pub seats: (u32, Span),
    /// The member variable.
    pub var: Ident,
    /// The condition.
    pub condition: Expr,
    /// The whole clause.
    pub span: Span,
}

/// How an election is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ElectionMethod {
    /// `plurality`: each voter marks up to as many candidates as there
    /// are seats; the most votes win.
    Plurality,
    /// `single transferable vote`, under the Scottish Local Government
    /// Elections Order 2007.
    SingleTransferableVote,
}

impl ElectionMethod {
    /// As written after `counted by`.
    pub fn as_str(self) -> &'static str {
        match self {
            ElectionMethod::Plurality => "plurality",
            ElectionMethod::SingleTransferableVote => "single transferable vote",
        }
    }
}

/// How a tie the count leaves is broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ElectionTies {
    /// `ties broken alphabetically` (the default): the name first in
    /// alphabetical order is preferred.
    #[default]
    #[serde(rename = "alphabetically")]
    Name,
    /// `ties broken by lot`: drawn from the step's `seed`.
    Lot,
}

impl ElectionTies {
    /// As written after `ties broken`.
    pub fn as_str(self) -> &'static str {
        match self {
            ElectionTies::Name => "alphabetically",
            ElectionTies::Lot => "by lot",
        }
    }
}

/// When an amendment takes effect (`effective WHEN`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Effective {
    /// `on adoption`: the day the motion passes (the default).
    #[default]
    OnAdoption,
    /// `2026-04-29`: on that date.
    On(time::Date),
    /// `28 days after adoption`: that many days after the motion passes.
    DaysAfter(u32),
    /// `next period`: the day after the period the motion passes in ends.
    NextPeriod,
}

impl std::fmt::Display for Effective {
    /// As written after `effective` (and as a JSON scenario writes it).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Effective::OnAdoption => f.write_str("on adoption"),
            Effective::On(d) => f.write_str(&format_date(*d)),
            Effective::DaysAfter(1) => f.write_str("1 day after adoption"),
            Effective::DaysAfter(n) => write!(f, "{n} days after adoption"),
            Effective::NextPeriod => f.write_str("next period"),
        }
    }
}

/// A type as written.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeExpr {
    /// `Integer`, `Money`, `Money in EUR`, ...
    Named {
        /// The type's name (or a unit's).
        name: Ident,
        /// `in EUR` after `Money`.
        currency: Option<Ident>,
        /// `per km_month`: a rate.
        per: Option<Ident>,
        /// `Date?`: the value may be `none`.
        optional: bool,
        /// The whole type.
        span: Span,
    },
    /// `Person or Organisation`: an enumeration declared in place.
    Enum {
        /// The variants in order.
        variants: Vec<Ident>,
        /// The whole type.
        span: Span,
    },
}

impl TypeExpr {
    /// Where the type is written.
    pub fn span(&self) -> Span {
        match self {
            TypeExpr::Named { span, .. } | TypeExpr::Enum { span, .. } => *span,
        }
    }
}

/// `parameter name: Type = value`: a constant an officer may change.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// Its name.
    pub name: Ident,
    /// Its type.
    pub ty: TypeExpr,
    /// Its value unless an example or scenario overrides it; for a dated
    /// parameter, its first value.
    pub default: Value,
    /// For a dated parameter (`£12.60 from 2024-10-22, £13.45 from
    /// 2025-10-21`): the date of the first value, and the later values with
    /// theirs. Empty and `None` for a parameter of one value.
    pub from: Option<(time::Date, Span)>,
    /// The values after the first, each from its date.
    pub later: Vec<DatedValue>,
    /// The whole declaration.
    pub span: Span,
}

/// `£13.45 from 2025-10-21`: a parameter's value from a date on.
#[derive(Debug, Clone, PartialEq)]
pub struct DatedValue {
    /// The value.
    pub value: Value,
    /// From when.
    pub from: time::Date,
    /// Where the date is written.
    pub from_span: Span,
}

/// `article 9 "Division of surplus" { ... }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    /// `9`, `3a`, `12.1`.
    pub number: Ident,
    /// The article's title.
    pub title: Text,
    /// The legal text (`text "..."`), each paragraph in order.
    pub legal_text: Vec<Text>,
    /// Citations of where the rule comes from (`source "..."`).
    pub sources: Vec<Text>,
    /// Parameters declared in the article.
    pub parameters: Vec<Parameter>,
    /// Rules declared in the article.
    pub rules: Vec<RuleDef>,
    /// Units declared in the article.
    pub units: Vec<UnitDecl>,
    /// Legal limits declared in the article.
    pub limits: Vec<Limit>,
    /// Allocations declared in the article.
    pub allocations: Vec<Allocation>,
    /// Resolutions declared in the article.
    pub resolutions: Vec<Resolution>,
    /// Acts declared in the article.
    pub acts: Vec<ActDef>,
    /// The whole article.
    pub span: Span,
}

/// `rule name(a, b: Money): Type = expr`.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleDef {
    /// Its name.
    pub name: Ident,
    /// Its parameters; `None` when written without parentheses.
    pub params: Option<Vec<RuleParam>>,
    /// The declared result type, if any.
    pub result: Option<TypeExpr>,
    /// The definition.
    pub body: Expr,
    /// `except when ... then ...` clauses, in order.
    pub exceptions: Vec<Exception>,
    /// The whole rule.
    pub span: Span,
}

/// `except [prevailing] when CONDITION then VALUE`.
#[derive(Debug, Clone, PartialEq)]
pub struct Exception {
    /// Marked `prevailing`: wins over any other exception that applies.
    pub prevailing: bool,
    /// When the exception applies.
    pub condition: Expr,
    /// The rule's value when it applies.
    pub value: Expr,
    /// The whole clause.
    pub span: Span,
}

/// `limit name: CONDITION [for each member m] source "..."`: a limit set by
/// law or by the rules, which every value must respect.
#[derive(Debug, Clone, PartialEq)]
pub struct Limit {
    /// Its name.
    pub name: Ident,
    /// What must hold.
    pub condition: Expr,
    /// The member variable, when the limit applies to each member.
    pub each: Option<Ident>,
    /// Where the limit comes from.
    pub source: Option<Text>,
    /// The whole declaration.
    pub span: Span,
}

/// `allocate AMOUNT rounding MODE { tranches }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Allocation {
    /// What is divided.
    pub amount: Expr,
    /// How tranches and shares are rounded to the minor unit.
    pub rounding: Option<(RoundingMode, Span)>,
    /// `each` or `pooled` after the mode: what is rounded in a tranche of
    /// each member's amount (`None`: not written, pooled).
    pub scope: Option<(RoundingScope, Span)>,
    /// `record date EXPR`: share among the members on the roll that day.
    pub record_date: Option<Expr>,
    /// The tranches, in order of priority.
    pub tranches: Vec<Tranche>,
    /// `if a loss { ... }`: how a negative amount is charged.
    pub loss: Option<LossBlock>,
    /// The whole allocation.
    pub span: Span,
}

/// `if a loss { FORM ... }`: the forms a loss is charged to, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct LossBlock {
    /// The forms, in the order they take the loss.
    pub forms: Vec<LossForm>,
    /// The whole block.
    pub span: Span,
}

/// One way of bearing a loss.
#[derive(Debug, Clone, PartialEq)]
pub enum LossForm {
    /// `from reserve "NAME" [, at most X]`: up to the reserve's balance, or
    /// the part of it `at most` allows (a percentage of the balance, or a sum).
    Reserve {
        /// The reserve's account.
        name: Text,
        /// The limit, if any.
        at_most: Option<Expr>,
        /// The whole form.
        span: Span,
    },
    /// `to each member m [where C] in proportion to W`: what is left, a debt
    /// each member owes.
    Members(Split),
    /// `carried forward`: what is left, set against later surpluses.
    CarriedForward(Span),
}

/// What an allocation rounds in a tranche of each member's amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundingScope {
    /// `pooled`: the tranche's total is rounded, then shared by largest
    /// remainder in proportion to the members' amounts.
    Pooled,
    /// `each`: every member's amount is rounded on its own; the tranche's
    /// total is the sum of the rounded amounts.
    Each,
}

impl RoundingScope {
    /// The word written after the rounding mode.
    pub fn as_str(self) -> &'static str {
        match self {
            RoundingScope::Pooled => "pooled",
            RoundingScope::Each => "each",
        }
    }
}

/// One tranche: `label: amount, at most X, to each member m in proportion to W`.
#[derive(Debug, Clone, PartialEq)]
pub struct Tranche {
    /// Its label, such as "reserve fund".
    pub label: Text,
    /// How much it takes.
    pub amount: TrancheAmount,
    /// A cap.
    pub at_most: Option<Expr>,
    /// A floor.
    pub at_least: Option<Expr>,
    /// A split among members in proportion to a weight.
    pub split: Option<Split>,
    /// `else to reserve "NAME"`: where a split's money goes when no member
    /// is entitled to it.
    pub otherwise: Option<Text>,
    /// `credited to m.shares up to £5.00, booked to "capital"`.
    pub credited: Option<Credited>,
    /// The whole tranche.
    pub span: Span,
}

/// `credited to m.shares up to £5.00, booked to "capital"`: a member's
/// share of a tranche added to their shares up to a ceiling (the 1844
/// Pioneers' dividend credited to capital until a member held £5).
#[derive(Debug, Clone, PartialEq)]
pub struct Credited {
    /// The member and the attribute credited (`m.shares`).
    pub member: Ident,
    /// The attribute.
    pub attribute: Ident,
    /// The most the attribute is brought to.
    pub ceiling: Expr,
    /// The member's account the credited part is booked to.
    pub account: Text,
    /// The whole clause.
    pub span: Span,
}

/// The amount of a tranche.
// One per tranche, read once: the size of the larger variant (two
// expressions) costs nothing worth a box in every match.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum TrancheAmount {
    /// A percentage of the amount, a sum of money, or `remainder`.
    Expr(Expr),
    /// `each member m [where C]: VALUE`: a sum per member.
    EachMember {
        /// The member variable.
        var: Ident,
        /// Which members take part.
        filter: Option<Expr>,
        /// Each member's amount.
        value: Expr,
    },
}

/// `to each member m [where C] in proportion to WEIGHT`.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    /// The member variable.
    pub var: Ident,
    /// Which members share.
    pub filter: Option<Expr>,
    /// Each member's weight.
    pub weight: Expr,
    /// The whole clause.
    pub span: Span,
}

/// Who bore a loss, in `loss borne by ...`.
#[derive(Debug, Clone, PartialEq)]
pub enum LossBearer {
    /// `reserve "NAME"`.
    Reserve(Text),
    /// A member: `loss borne by ada`, `loss borne by m`.
    Member(Ident),
    /// `loss carried forward`.
    CarriedForward,
}

/// `resolution name "Title" { ... }`: a kind of vote.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolution {
    /// Its name.
    pub name: Ident,
    /// Its title.
    pub title: Option<Text>,
    /// `weighted by class { Worker: 3, ... }`.
    pub weights: Option<ClassWeights>,
    /// `quorum 20% of members and 3 members`.
    pub quorum: Vec<(QuorumTerm, Span)>,
    /// How the quorum's terms combine, as written.
    pub quorum_form: QuorumForm,
    /// `passes when for >= 75% of cast`.
    pub threshold: Option<Threshold>,
    /// `consent by class { Worker, Consumer } when for ...`: classes
    /// within which the resolution must also pass.
    pub consent: Option<Box<ClassConsent>>,
    /// `abstentions count against`.
    pub abstentions_against: bool,
    /// `ties pass` or `ties fail`.
    pub ties_pass: Option<bool>,
    /// `record date EXPR`: only members on the roll that day vote.
    pub record_date: Option<Expr>,
    /// `alone amends p, q`: parameters only a motion of this resolution may
    /// amend.
    pub alone_amends: Vec<Ident>,
    /// `amendments effective 28 days after adoption`: when its motions'
    /// amendments take effect unless a motion says.
    pub effective: Option<(Effective, Span)>,
    /// Its meeting procedure: notice, second call, proxies, postal votes,
    /// confirmation (boxed: most resolutions have none of it).
    pub procedure: Box<Procedure>,
    /// The whole declaration.
    pub span: Span,
}

/// How a resolution's meetings are held, as written (each part optional).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Procedure {
    /// `voter m requires m.director`: who may vote (everyone a member, if
    /// not written).
    pub voter: Option<Candidacy>,
    /// `notice at least 15 days and at most 2 months`.
    pub notice: Option<NoticeRule>,
    /// `second call quorum 10% of members`.
    pub second_call: Option<SecondCall>,
    /// `proxies at most 2 per member`: how many absent members' votes one
    /// member present may hold.
    pub proxies: Option<(u32, Span)>,
    /// `postal votes allowed`.
    pub postal: Option<Span>,
    /// `confirmed at a later meeting not less than ... nor more than ...
    /// after, when for ...`.
    pub confirmation: Option<Box<Confirmation>>,
}

/// `notice at least 15 days [and at most 2 months]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NoticeRule {
    /// The least notice.
    pub least: Interval,
    /// The most notice, if the rules limit it.
    pub most: Option<Interval>,
    /// The whole clause.
    pub span: Span,
}

/// A length of time between two dates, as rules word it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    /// How many units.
    pub count: u32,
    /// Which unit.
    pub unit: IntervalUnit,
}

/// The unit of an [`Interval`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntervalUnit {
    /// Days, counted from one date to the other (15 days from 1 May is 16 May).
    Days,
    /// Clear days: neither the first date nor the second counted (14 clear
    /// days from 1 May is 16 May at the earliest).
    ClearDays,
    /// Calendar months (1 month after 31 January is 28 or 29 February).
    Months,
}

/// `second call quorum ...`.
#[derive(Debug, Clone, PartialEq)]
pub struct SecondCall {
    /// Its terms.
    pub quorum: Vec<(QuorumTerm, Span)>,
    /// How they combine.
    pub form: QuorumForm,
    /// The whole clause.
    pub span: Span,
}

/// A resolution's confirmation at a later meeting (CCBS Act 2014 s.111).
#[derive(Debug, Clone, PartialEq)]
pub struct Confirmation {
    /// The confirming meeting is held not less than this after the first.
    pub earliest: Interval,
    /// Nor more than this.
    pub latest: Interval,
    /// What confirming takes.
    pub threshold: Threshold,
    /// The whole clause.
    pub span: Span,
}

/// Which meeting a motion is voted at.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(rename_all = "snake_case")]
pub enum Sitting {
    /// The meeting as called (the default).
    #[default]
    First,
    /// `second call`: reconvened after an inquorate first call.
    SecondCall,
    /// `confirming`: a later meeting confirming a motion passed before.
    Confirming,
}

/// `consent by class { Worker, Consumer } when for more than half of
/// cast`: a resolution that must also pass within each class named.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassConsent {
    /// The member attribute that holds the class.
    pub attribute: Ident,
    /// The classes whose consent is needed.
    pub classes: Vec<Ident>,
    /// What passing within a class takes.
    pub threshold: Threshold,
    /// The whole clause.
    pub span: Span,
}

/// Votes weighted by a member's class.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassWeights {
    /// The member attribute that holds the class.
    pub attribute: Ident,
    /// Each class with its weight: votes per member, or with `share` the
    /// class's share of the whole vote as a fraction (50% is 0.5).
    pub weights: Vec<(Ident, Decimal)>,
    /// `weighted by class share { ... }`: the weights are each class's
    /// share of the whole vote, and this is what a class that casts no
    /// vote does with its share. `None`: a weight per member.
    pub share: Option<Unvoted>,
    /// The whole clause.
    pub span: Span,
}

/// What the share of a class that casts no vote does, under class shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unvoted {
    /// `unvoted share lapses` (and when nothing is written): the class's
    /// share counts neither for nor against; the whole is still 100%.
    #[default]
    Lapse,
    /// `unvoted share goes to the other classes`: the classes that vote
    /// share the whole vote in proportion to their own shares.
    Shared,
}

/// One condition of a quorum.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum QuorumTerm {
    /// At least a share of all members, as a fraction.
    Share(Decimal),
    /// Strictly more than a share of all members (`more than half of
    /// members`: 5 of 8, 4 of 7).
    MoreThan(Decimal),
    /// A number of members.
    Count(Decimal),
    /// At least a share of all the members' votes, weighted (`50% of
    /// votes`): the votes of those present and represented.
    Votes(Decimal),
}

/// How the terms of a quorum combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QuorumForm {
    /// `A and B`: every term is met.
    #[default]
    All,
    /// `the greater of A or B`: every term is met, as `A and B`, in the
    /// words of the statute.
    Greater,
    /// `the lesser of A or B`: one term met is enough.
    Lesser,
}

/// When a resolution passes.
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    /// `>` rather than `>=`.
    pub strict: bool,
    /// Against what the votes for are measured.
    pub measure: ThresholdMeasure,
    /// The whole clause.
    pub span: Span,
}

/// What the votes for are compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ThresholdMeasure {
    /// `for > against`.
    Against,
    /// `for >= 75% of cast`.
    Share(Decimal, VoteBasis),
    /// `for >= 2/3 of present`: an exact fraction (numerator, denominator),
    /// since two thirds is no decimal percentage.
    Fraction(Decimal, Decimal, VoteBasis),
}

/// The total a share of votes is taken of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VoteBasis {
    /// Votes for and against.
    Cast,
    /// Votes of the members present, abstentions included.
    Present,
    /// Votes of all members.
    Members,
}

/// A rule's parameter. Without a type it is a member.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleParam {
    /// Its name.
    pub name: Ident,
    /// Its type, if written.
    pub ty: Option<TypeExpr>,
}

/// `example "name" { members {...} period {...} parameter x = v  expect ... }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// Its name.
    pub name: Text,
    /// The members of the example, in order.
    pub members: Vec<ExampleMember>,
    /// The fixtures named (`members founders`), whose members come first.
    pub fixtures: Vec<Ident>,
    /// `members from "members.csv"`: a CSV member list beside the rulebook,
    /// whose members come after the fixtures' and before the example's own.
    pub members_file: Option<Text>,
    /// Values of the period's figures.
    pub period: Vec<Binding>,
    /// Parameters set to other values than their defaults.
    pub parameters: Vec<Binding>,
    /// `reserve "NAME" £300.00`: what a reserve holds before the close,
    /// for an `if a loss` block.
    pub reserves: Vec<(Text, Value)>,
    /// How members voted on resolutions.
    pub votes: Vec<ExampleVotes>,
    /// `on 2025-10-01`: the date it is set on, for dated parameters.
    pub date: Option<(time::Date, Span)>,
    /// What must hold.
    pub expectations: Vec<Expect>,
    /// The whole example.
    pub span: Span,
}

/// `votes special { for ada, ben  against cy  abstain dan }`.
#[derive(Debug, Clone, PartialEq)]
pub struct ExampleVotes {
    /// The resolution voted on.
    pub resolution: Ident,
    /// Members voting for.
    pub for_: Vec<Ident>,
    /// Members voting against.
    pub against: Vec<Ident>,
    /// Members present who abstain.
    pub abstain: Vec<Ident>,
    /// Votes not given in person, in the order written: `d by proxy b`,
    /// `f by post`.
    pub absent: Vec<(Ident, VoteMeans)>,
    /// The whole block.
    pub span: Span,
}

/// How a vote not given in person was given.
#[derive(Debug, Clone, PartialEq)]
pub enum VoteMeans {
    /// `by proxy b`: cast by b, present.
    Proxy(Ident),
    /// `by post`.
    Post,
}

/// An `expect` line.
#[derive(Debug, Clone, PartialEq)]
pub enum Expect {
    /// `expect a = b`, `expect condition`, or
    /// `expect not eligible(x) because "reason", ...`.
    Value(Expr),
    /// `expect breach limit_name [for member]`.
    Breach {
        /// The limit.
        limit: Ident,
        /// The member, for a limit on each member.
        member: Option<Ident>,
        /// The whole line.
        span: Span,
    },
}

/// `ada: age 30, shares £5`.
#[derive(Debug, Clone, PartialEq)]
pub struct ExampleMember {
    /// The member's name in the example.
    pub name: Ident,
    /// Its attribute values.
    pub values: Vec<Binding>,
    /// The whole entry.
    pub span: Span,
}

/// `name value`: an attribute, period figure or parameter given a value.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    /// What is given a value.
    pub name: Ident,
    /// The value.
    pub value: Value,
}

/// A constant input value: a literal or an enumeration variant's name.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A literal, already negated if written with a minus sign.
    Literal(Literal, Span),
    /// A variant's name, such as `Worker`.
    Name(Ident),
}

impl Value {
    /// Where the value is written.
    pub fn span(&self) -> Span {
        match self {
            Value::Literal(_, span) => *span,
            Value::Name(ident) => ident.span,
        }
    }
}

/// A literal constant.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// A number without a decimal point, such as `16`.
    Integer(Decimal),
    /// A number with a decimal point, such as `0.5`.
    Decimal(Decimal),
    /// `3.5%`, stored as the fraction `0.035`.
    Percent(Decimal),
    /// `£1.00`, `1.00 GBP`, `EUR 5`.
    Money {
        /// The amount.
        amount: Decimal,
        /// The ISO 4217 code, as resolved from a symbol or written.
        currency: String,
    },
    /// `12 km_month`, `£90 per km_month`, `3 kWh per hour`, `5% per
    /// year`: a quantity with units, or a rate.
    Measure {
        /// The amount (a fraction for a percentage: `0.05`).
        amount: Decimal,
        /// Whether the amount was written as a percentage.
        percent: bool,
        /// The currency, for money per a unit.
        currency: Option<String>,
        /// The unit counted (`km_month` in `12 km_month`).
        unit: Option<Ident>,
        /// The unit it is per.
        per: Option<Ident>,
    },
    /// `2026-04-05`.
    Date(time::Date),
    /// `"text"`.
    Text(String),
    /// `true` or `false`.
    Bool(bool),
    /// `none`: no value, for an optional type.
    None,
}

/// A date as the language writes it: `YYYY-MM-DD`. Every place that writes
/// a date (the formatter, outcomes, messages) writes it through this.
pub fn format_date(date: time::Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

impl Literal {
    /// Moves every span inside into the text `source` (see [`Expr::set_source`]).
    fn set_source(&mut self, source: u16) {
        match self {
            Literal::Measure { unit, per, .. } => {
                for ident in [unit, per].into_iter().flatten() {
                    ident.span.source = source;
                }
            }
            Literal::Integer(_)
            | Literal::Decimal(_)
            | Literal::Percent(_)
            | Literal::Money { .. }
            | Literal::Date(_)
            | Literal::Text(_)
            | Literal::Bool(_)
            | Literal::None => {}
        }
    }
}

/// An expression with its place.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What kind of expression.
    pub kind: ExprKind,
    /// Where it is written.
    pub span: Span,
}

/// The kinds of expression.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// A literal constant.
    Literal(Literal),
    /// A bare name: a parameter, a rule without arguments, a local, a member
    /// of an example, or an enumeration variant.
    Name(Ident),
    /// `condition because "reason"`: a clause that explains a refusal.
    /// Several reasons are allowed only in an `expect` line.
    Because(Box<Expr>, Vec<Text>),
    /// `x is none` (`negated`: `x is not none`): whether an optional value
    /// is missing.
    IsNone(Box<Expr>, bool),
    /// `allocated "label"` or `allocated "label" to m`.
    Allocated {
        /// The tranche's label.
        label: Text,
        /// The member, for a member's share.
        member: Option<Ident>,
    },
    /// `loss borne by reserve "X"`, `loss borne by m`, `loss carried
    /// forward`: what the close's loss charged to a reserve, a member or
    /// the losses carried forward.
    LossBorne(LossBearer),
    /// `remainder`: what is left to allocate, inside an allocation.
    Remainder,
    /// `m.age`: an attribute of a member.
    Attribute(Ident, Ident),
    /// `period.sales`.
    Period(Ident),
    /// `-x`, `not x`.
    Unary(UnaryOp, Box<Expr>),
    /// `a + b`, `a and b`, `a < b`, ...
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `if c then a else if d then b else e`.
    If {
        /// Each condition with its result, in order.
        branches: Vec<(Expr, Expr)>,
        /// The result when no condition holds.
        otherwise: Box<Expr>,
    },
    /// `f(a, b)`; `round(x, to 0.01, half up)`.
    Call {
        /// The function or rule.
        name: Ident,
        /// The arguments.
        args: Vec<Argument>,
    },
    /// `sum(m.shares for each member m where m.age >= 16)`.
    Aggregate {
        /// sum, count, min, max, any or all.
        kind: AggregateKind,
        /// What is aggregated (absent for `count`).
        value: Option<Box<Expr>>,
        /// Who it is over: `each member m` (the default), `each applicant
        /// a`, `each former member f`, `each person p`.
        who: Who,
        /// The name each member takes in turn.
        var: Ident,
        /// Which members count.
        filter: Option<Box<Expr>>,
    },
}

/// An argument of a call.
#[derive(Debug, Clone, PartialEq)]
pub enum Argument {
    /// An ordinary value.
    Expr(Expr),
    /// `to 0.01`: the step of `round`.
    Step(Expr, Span),
    /// `half up`: the mode of `round`.
    Mode(RoundingMode, Span),
}

/// How to round a value that falls between two steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundingMode {
    /// To the nearest step; a tie goes away from zero.
    HalfUp,
    /// To the nearest step; a tie goes toward zero.
    HalfDown,
    /// To the nearest step; a tie goes to the even step (banker's rounding).
    HalfEven,
    /// Toward zero.
    Down,
    /// Away from zero.
    Up,
    /// Toward negative infinity.
    Floor,
    /// Toward positive infinity.
    Ceiling,
}

impl RoundingMode {
    /// Every mode, in the order docs/language.md lists them.
    pub const ALL: [RoundingMode; 7] = [
        RoundingMode::HalfUp,
        RoundingMode::HalfDown,
        RoundingMode::HalfEven,
        RoundingMode::Down,
        RoundingMode::Up,
        RoundingMode::Floor,
        RoundingMode::Ceiling,
    ];

    /// The mode as written in a rulebook.
    pub fn as_str(self) -> &'static str {
        match self {
            RoundingMode::HalfUp => "half up",
            RoundingMode::HalfDown => "half down",
            RoundingMode::HalfEven => "half even",
            RoundingMode::Down => "down",
            RoundingMode::Up => "up",
            RoundingMode::Floor => "floor",
            RoundingMode::Ceiling => "ceiling",
        }
    }
}

/// Whom an aggregate or a `for each` goes over, by their standing with
/// the cooperative (`semantics::status::counts` decides it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Who {
    /// `each member m`: the members.
    #[default]
    Members,
    /// `each applicant a`: the people listed who have never been admitted.
    Applicants,
    /// `each former member f`: those who have left.
    Former,
    /// `each person p`: everyone listed.
    People,
}

impl Who {
    /// As written after `each`.
    pub fn words(self) -> &'static str {
        match self {
            Who::Members => "member",
            Who::Applicants => "applicant",
            Who::Former => "former member",
            Who::People => "person",
        }
    }
}

/// Aggregates over the members.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggregateKind {
    /// The total.
    Sum,
    /// How many members pass the filter.
    Count,
    /// The smallest value.
    Min,
    /// The largest value.
    Max,
    /// Whether the condition holds for at least one member.
    Any,
    /// Whether the condition holds for every member.
    All,
}

impl AggregateKind {
    /// The aggregate's name as written.
    pub fn as_str(self) -> &'static str {
        match self {
            AggregateKind::Sum => "sum",
            AggregateKind::Count => "count",
            AggregateKind::Min => "min",
            AggregateKind::Max => "max",
            AggregateKind::Any => "any",
            AggregateKind::All => "all",
        }
    }
}

/// Prefix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-x`.
    Neg,
    /// `not x`.
    Not,
}

/// Infix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
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
    /// `and`
    And,
    /// `or`
    Or,
    /// `except when`: the left condition must hold unless the right one does.
    ExceptWhen,
}

impl BinaryOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Eq => "=",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::And => "and",
            BinaryOp::Or => "or",
            BinaryOp::ExceptWhen => "except when",
        }
    }

    /// Binding strength: higher binds tighter.
    pub fn precedence(self) -> u8 {
        match self {
            BinaryOp::Or => 1,
            BinaryOp::And => 2,
            // As `because`: `a except when b and c` is `(a except when b) and c`.
            BinaryOp::ExceptWhen => BECAUSE_PRECEDENCE,
            BinaryOp::Eq
            | BinaryOp::Ne
            | BinaryOp::Lt
            | BinaryOp::Le
            | BinaryOp::Gt
            | BinaryOp::Ge => 5,
            BinaryOp::Add | BinaryOp::Sub => 6,
            BinaryOp::Mul | BinaryOp::Div => 7,
        }
    }

    /// Whether this is a comparison (these do not chain).
    pub fn is_comparison(self) -> bool {
        self.precedence() == 5
    }
}

impl UnaryOp {
    /// Binding strength, comparable with [`BinaryOp::precedence`]: `not`
    /// binds looser than comparisons (`not a < b` is `not (a < b)`), minus
    /// tighter than everything.
    pub fn precedence(self) -> u8 {
        match self {
            UnaryOp::Not => 4,
            UnaryOp::Neg => 8,
        }
    }
}

/// Binding strength of the postfix `because`: tighter than `and`, looser
/// than `not`, so `not a because "x" and b` is `((not a) because "x") and b`.
pub const BECAUSE_PRECEDENCE: u8 = 3;

/// Binding strength of the postfix `is none`: that of a comparison, so
/// `not m.x is none` is `not (m.x is none)` and `a + b is none` asks of
/// `a + b`.
pub const IS_NONE_PRECEDENCE: u8 = 5;

impl Expr {
    /// Moves every span in the expression into the text `source`: the parser
    /// places spans in the rulebook, and an expression given on its own
    /// ([`crate::span::Span::EXPRESSION`]) is then marked as such. Every
    /// field is named, so a new kind of node cannot be left out.
    pub fn set_source(&mut self, source: u16) {
        self.span.source = source;
        match &mut self.kind {
            ExprKind::Literal(literal) => literal.set_source(source),
            ExprKind::Name(id) | ExprKind::Period(id) => id.span.source = source,
            ExprKind::IsNone(inner, _) => inner.set_source(source),
            ExprKind::Because(inner, reasons) => {
                inner.set_source(source);
                for r in reasons {
                    r.span.source = source;
                }
            }
            ExprKind::Allocated { label, member } => {
                label.span.source = source;
                if let Some(m) = member {
                    m.span.source = source;
                }
            }
            ExprKind::LossBorne(LossBearer::Reserve(t)) => t.span.source = source,
            ExprKind::LossBorne(LossBearer::Member(m)) => m.span.source = source,
            ExprKind::LossBorne(LossBearer::CarriedForward) => {}
            ExprKind::Remainder => {}
            ExprKind::Attribute(var, attr) => {
                var.span.source = source;
                attr.span.source = source;
            }
            ExprKind::Unary(_, inner) => inner.set_source(source),
            ExprKind::Binary(_, left, right) => {
                left.set_source(source);
                right.set_source(source);
            }
            ExprKind::If {
                branches,
                otherwise,
            } => {
                for (condition, value) in branches {
                    condition.set_source(source);
                    value.set_source(source);
                }
                otherwise.set_source(source);
            }
            ExprKind::Call { name, args } => {
                name.span.source = source;
                for a in args {
                    match a {
                        Argument::Expr(e) => e.set_source(source),
                        Argument::Step(e, span) => {
                            e.set_source(source);
                            span.source = source;
                        }
                        Argument::Mode(_, span) => span.source = source,
                    }
                }
            }
            ExprKind::Aggregate {
                kind: _,
                who: _,
                value,
                var,
                filter,
            } => {
                for e in [value, filter].into_iter().flatten() {
                    e.set_source(source);
                }
                var.span.source = source;
            }
        }
    }
}

impl ExprKind {
    /// Whether the expression is the bare word `remainder`.
    pub fn is_remainder(&self) -> bool {
        matches!(self, ExprKind::Remainder)
    }
}
