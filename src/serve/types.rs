//! The requests and responses of the server, as Rust types: serde reads
//! and writes them, and utoipa derives the OpenAPI document from them, so
//! the document cannot drift from what the server accepts.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use utoipa::ToSchema;

/// Which rules answered: the rulebook's title, version and content hash
/// (docs/provenance.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ProvenanceJson {
    /// The rulebook's title, as its header says.
    pub rulebook: String,
    /// Its version, if the header gives one.
    pub version: Option<String>,
    /// SHA-256 (hex) of its canonical encoding.
    pub hash: String,
}

/// One rulebook served.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RulebookInfo {
    /// Its name in URLs: the file name without `.coop`.
    pub name: String,
    /// Which rules these are.
    pub provenance: ProvenanceJson,
    /// Its rules, by name.
    pub rules: Vec<String>,
    /// Its acts, by name.
    pub acts: Vec<String>,
}

/// `GET /rulebooks`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RulebookList {
    /// Every rulebook served, by name.
    pub rulebooks: Vec<RulebookInfo>,
}

/// A rulebook file whose latest text does not check.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FailingRulebook {
    /// Its name (the file name without `.coop`).
    pub name: String,
    /// Whether an earlier, good version of it is still served.
    pub serving_last_good: bool,
    /// Its problems, each placed by line and column.
    pub diagnostics: Vec<Json>,
}

/// `GET /health`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Health {
    /// `ok`, or `degraded` when a rulebook file fails its check.
    pub status: String,
    /// How many rulebooks are served.
    pub rulebooks: usize,
    /// The files that fail their check.
    pub failing: Vec<FailingRulebook>,
}

/// `POST /rulebooks/{name}/evaluate`: a rule, for members or given inputs.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluateRequest {
    /// The rule, such as `price` or `eligible`.
    pub rule: String,
    /// Its arguments in order: a member by name, a value as in a rulebook
    /// (`"£1.15"`, `"12.5%"`) or as a JSON number or boolean.
    #[serde(default)]
    pub args: Vec<Json>,
    /// The people the rule may read: `{"name": "ada", "age": 30, ...}`;
    /// attributes not given take their defaults.
    #[serde(default)]
    pub members: Vec<BTreeMap<String, Json>>,
    /// Parameters other than the rulebook's, by name.
    #[serde(default)]
    pub parameters: BTreeMap<String, Json>,
    /// The period's figures, by name.
    #[serde(default)]
    pub period: BTreeMap<String, Json>,
}

/// A value with its type: exact, and as a person reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ValueJson {
    /// The type, such as `Money in GBP`.
    #[serde(rename = "type")]
    pub ty: String,
    /// The exact value: `1.27`, `true`, `2026-04-05`.
    pub value: String,
    /// For people: `£1.27`.
    pub display: String,
}

/// Why a condition does not hold: one failing clause with its `because`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Reason {
    /// The clause's `because` text.
    pub reason: String,
    /// The article it is in.
    pub article: Option<String>,
    /// The numbers involved, such as `15 < 16`.
    pub detail: Option<String>,
    /// All of it as one sentence.
    pub sentence: String,
}

/// The answer to an evaluation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EvaluateResponse {
    /// Which rules answered.
    pub provenance: ProvenanceJson,
    /// The rule evaluated.
    pub rule: String,
    /// Its value.
    pub value: ValueJson,
    /// For a yes/no rule that does not hold: every failing clause.
    pub reasons: Vec<Reason>,
}

/// `POST /rulebooks/{name}/decide`: whether an act is done, on a timeline
/// written as in a JSON scenario (docs/scenarios.md).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecideRequest {
    /// The act, such as `join`.
    pub act: String,
    /// Its arguments: members by name, values as in a rulebook.
    #[serde(default)]
    pub args: Vec<Json>,
    /// When (`YYYY-MM-DD`); today (UTC) if not given. A record keeps the
    /// date used, so that a replay decides the same day.
    #[serde(default)]
    pub date: Option<String>,
    /// The people, as in a JSON scenario: `{"name": "ada", "age": 30}`.
    #[serde(default)]
    pub members: Vec<BTreeMap<String, Json>>,
    /// Parameters other than the rulebook's, by name.
    #[serde(default)]
    pub parameters: BTreeMap<String, Json>,
    /// Steps run before the act, as in a JSON scenario (a `join` to make a
    /// person a member first, say).
    #[serde(default)]
    pub before: Vec<Json>,
}

/// One line the act posts to the books.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Booking {
    /// The account debited: `cash`, or `ada: capital`.
    pub debit: String,
    /// The account credited.
    pub credit: String,
    /// How much.
    pub amount: ValueJson,
}

/// The answer to a decision.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DecideResponse {
    /// Which rules answered.
    pub provenance: ProvenanceJson,
    /// The act as written: `join(ada, £4.00)`.
    pub act: String,
    /// `done`, `refused` (by the rules: nothing changed) or `failed` (a
    /// fault in the rules or figures: nothing changed).
    pub status: String,
    /// For a refusal: each reason, with its article and numbers.
    pub reasons: Vec<String>,
    /// For an act done: what it books.
    pub books: Vec<Booking>,
    /// For a failure: why.
    pub failure: Option<String>,
}

/// What to run for `simulate` and `explain` (the fields of the library's
/// `api::RunRequest`; docs/scenarios.md for scenarios).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RunOptions {
    /// A scenario of the rulebook, by name (its only one if not given).
    pub scenario: Option<String>,
    /// Or a scenario in JSON (an object, or its text).
    pub scenario_json: Option<Json>,
    /// More members, as the text of a CSV file.
    pub members_csv: Option<String>,
    /// How `members_csv` is read: columns given an attribute by hand,
    /// column to attribute (as `--map`).
    pub members_map: BTreeMap<String, String>,
    /// How `members_csv` writes dates with slashes: `day-first` or
    /// `month-first` (as `--dates`).
    #[schema(value_type = Option<String>)]
    pub members_dates: Option<crate::register::DateOrder>,
    /// Ballots for the scenario's motions and elections, as the text of a
    /// CSV file (`date,motion,member,vote,proxy`, as `--ballots`).
    pub ballots_csv: Option<String>,
    /// The books' opening balances, as the text of a trial balance CSV
    /// (`account,debit,credit`, as `--opening`).
    pub opening_csv: Option<String>,
    /// Files the rulebook names, by name; those beside it on the server
    /// are given already.
    pub files: BTreeMap<String, String>,
    /// For `explain`: the example whose inputs are used (else the scenario).
    pub example: Option<String>,
    /// For `explain` in a scenario: the last step run.
    pub step: Option<usize>,
    /// For `explain`: the expression, such as `dividend(ada)`.
    pub value: Option<String>,
    /// For `simulate`: leave the journal out.
    pub summary: bool,
}

/// `POST /diff`: two versions of a rulebook compared.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DiffRequest {
    /// The old version: a rulebook served, by name...
    pub rulebook: Option<String>,
    /// ...or its text.
    pub old: Option<String>,
    /// The new version's text.
    pub new: String,
    /// Compare the examples only.
    pub examples_only: bool,
    /// The scenario whose members the impact is shown for, by name.
    pub scenario: Option<String>,
    /// Or a scenario in JSON (an object, or its text).
    pub scenario_json: Option<Json>,
    /// More members, as the text of a CSV file.
    pub members_csv: Option<String>,
    /// How `members_csv` is read: columns given an attribute by hand,
    /// column to attribute (as `--map`).
    pub members_map: BTreeMap<String, String>,
    /// How `members_csv` writes dates with slashes: `day-first` or
    /// `month-first` (as `--dates`).
    #[schema(value_type = Option<String>)]
    pub members_dates: Option<crate::register::DateOrder>,
}

/// Every error: a stable code, a message, and what to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    /// A stable code, such as `malformed_json` (docs/server.md lists them).
    pub code: String,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub help: Option<String>,
    /// The diagnostics behind it, each placed by line and column.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub diagnostics: Vec<Json>,
}
