//! Diagnostics: every problem Rochdale reports, from a syntax error to a
//! failed example, is a [`Diagnostic`] with a stable [`Code`], a span in the
//! rulebook, and a help line in plain English.
//!
//! Diagnostics are plain data (serde-serialisable); [`render_text`] draws them
//! with miette for people and [`DiagnosticJson`] places them in a file by line
//! and column for machines.

use serde::Serialize;
use std::fmt;

use crate::span::{SourceFile, Sources, Span};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The rulebook cannot be used, or an example failed.
    Error,
    /// Worth a look, but the rulebook still works.
    Warning,
}

macro_rules! codes {
    ($( $(#[$doc:meta])* $name:ident = $code:literal, )*) => {
        /// A stable code for each kind of diagnostic. docs/diagnostics.md
        /// documents every one; codes are never reused for another meaning.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code { $( $(#[$doc])* $name, )* }

        impl Code {
            /// The code as written in messages and JSON, e.g. `E0301`.
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$name => $code, )* }
            }

            /// Every code, in documentation order.
            pub const ALL: &'static [Code] = &[ $( Code::$name, )* ];
        }
    };
}

codes! {
    /// A file or directory could not be read.
    Io = "E0001",
    /// The text does not follow the grammar.
    Syntax = "E0100",
    /// Brackets or expressions nested too deeply.
    TooDeep = "E0101",
    /// A number literal too large or too precise to represent exactly.
    BadNumber = "E0102",
    /// A date that does not exist, such as 2026-02-30.
    BadDate = "E0103",
    /// A currency code or symbol Rochdale does not know.
    UnknownCurrency = "E0104",
    /// Comparisons chained without `and`, as in `a < b < c`.
    ChainedComparison = "E0105",
    /// The rulebook is larger than Rochdale accepts.
    TooLarge = "E0106",
    /// A name that is not defined anywhere.
    UnknownName = "E0200",
    /// The same name defined twice.
    Duplicate = "E0201",
    /// A type name that does not exist.
    UnknownType = "E0202",
    /// A member or period attribute that is not in the schema.
    UnknownAttribute = "E0203",
    /// A call to a function or rule that does not exist.
    UnknownFunction = "E0204",
    /// A call with the wrong number of arguments.
    ArgumentCount = "E0205",
    /// Rules that depend on each other in a circle.
    Cycle = "E0206",
    /// Something used where its kind of name does not fit (a parameter called like a rule).
    WrongKind = "E0207",
    /// Money used when the rulebook declares no currency.
    NoCurrency = "E0208",
    /// Two quantities that cannot be combined by this operator.
    BadArithmetic = "E0300",
    /// Money in two different currencies combined or compared.
    CurrencyMismatch = "E0301",
    /// A value of one type where another is required.
    TypeMismatch = "E0302",
    /// Two things compared that cannot be compared.
    BadComparison = "E0303",
    /// Misuse of `round`: a missing step or mode, or a step that is not positive.
    BadRounding = "E0304",
    /// An aggregate over members of a value that cannot be aggregated.
    BadAggregate = "E0305",
    /// An input value in an example or parameter of the wrong type.
    BadValue = "E0306",
    /// An amount booked (allocated, charged) that may have more digits than the minor unit.
    UnroundedBooking = "E0307",
    /// Two exceptions that can both apply and give different values.
    ConflictingExceptions = "E0308",
    /// An allocation whose constant percentages add up to more than 100%.
    OverAllocated = "E0309",
    /// An allocation with no remainder tranche that may leave money unallocated.
    MayLeaveUnallocated = "E0310",
    /// A resolution that does not say when it passes.
    NoThreshold = "E0311",
    /// An allocation whose amount may be negative (a loss) and that does
    /// not say how a loss is charged (a warning).
    MayBeLoss = "E0321",
    /// A tranche shared among the members that pass a `where` filter, with
    /// no `else to reserve` for when none does (a warning).
    MayFindNobody = "E0322",
    /// A motion amends a parameter that only another resolution may amend
    /// (`alone amends`).
    ReservedParameter = "E0320",
    /// A motion's meeting that its resolution does not provide for: a
    /// second call or a confirmation the rules do not have, a proxy held
    /// by the voter or for someone who casts no vote, notice dated after
    /// the meeting, a confirmation window that closes before it opens.
    BadMeeting = "E0323",
    /// An effect that can never do anything: `admit m` inside `for each
    /// member m`, where everyone visited is a member already.
    IdleEffect = "E0324",
    /// A `because` on something that is not a condition, or with several reasons.
    BadReason = "E0312",
    /// A parameter's value breaks a legal limit.
    ConstantBreachesLimit = "E0313",
    /// A misuse of an allocation: `remainder` outside one, an unknown tranche.
    BadAllocation = "E0314",
    /// A scenario (in a rulebook, JSON or an act log) whose steps are out of date order.
    BadScenario = "E0315",
    /// Quantities in different units added, subtracted or compared.
    UnitMismatch = "E0316",
    /// A rate applied to a quantity in another unit.
    RateUnit = "E0317",
    /// An input value without the unit its place requires, or with another.
    MissingUnit = "E0318",
    /// Division by zero while evaluating.
    DivisionByZero = "E0400",
    /// A result too large to represent.
    Overflow = "E0401",
    /// A tranche of each member's amount whose rounding is not stated,
    /// where rounding the total and rounding each member's amount may differ.
    UnstatedMemberRounding = "E0319",
    /// A member or period value that was needed but not given.
    MissingValue = "E0402",
    /// Evaluation took more steps than the budget allows.
    StepBudget = "E0403",
    /// Rules called each other too deeply.
    EvalTooDeep = "E0404",
    /// The minimum or maximum over no members.
    EmptyAggregate = "E0405",
    /// A computed value breaks a legal limit.
    LimitBreached = "E0406",
    /// An allocation that cannot be carried out with these figures.
    AllocationFailed = "E0407",
    /// Something a batch over all members cannot do (an act of one member,
    /// an admission): it belongs in a scenario.
    NotBatchable = "E0408",
    /// A loss larger than everything its `if a loss` block can charge it
    /// to: the shortfall is named, and the close books nothing.
    LossShortfall = "E0409",
    /// A scenario file (JSON), act log or member list (CSV) that cannot be read as one.
    BadInputFile = "E0600",
    /// A column of a member register that the rules do not use: ignored (a
    /// warning).
    IgnoredColumn = "E0601",
    /// Opening balances that cannot open the books: an account of no one,
    /// an amount that is not money, or debits and credits that differ.
    BadOpening = "E0602",
    /// A rate per a unit of time met by the same kind of value without one
    /// (`capital_interest <= 5%` where the rate is a percentage per year).
    RateWithoutTime = "E0700",
    /// Units of time that do not convert exactly (days against years).
    TimeConversion = "E0701",
    /// Days turned into years with no `day count` in the rulebook.
    NoDayCount = "E0702",
    /// A `day count` the language does not know.
    UnknownDayCount = "E0703",
    /// A call of `accrued` whose figure or rate cannot be followed day by
    /// day (not a member's attribute, or not a rate parameter per a unit
    /// of time).
    BadAccrual = "E0711",
    /// A name the language keeps for time (`unit year`).
    ReservedTimeName = "E0712",
    /// A repetition (`every week from ... { ... }`) that cannot be expanded:
    /// an unknown unit of time, no occurrence, no dates, or too many steps.
    BadRepetition = "E0710",
    /// A close dated on a day that is not its period's last (under the
    /// rulebook's `financial year`).
    CloseOffCalendar = "E0704",
    /// A period of the financial year that ended without a close.
    MissingClose = "E0705",
    /// An optional value (`Date?`) used where a value must be there,
    /// without checking `is none` first; or `none` where the type is not
    /// optional.
    MaybeMissing = "E0706",
    /// A dated parameter read on a date before its first value.
    NotInForce = "E0707",
    /// A dated parameter's values not in increasing date order.
    DatedOutOfOrder = "E0708",
    /// An amendment that would take effect before its motion is adopted,
    /// or `next period` with no close after it to end the period.
    BadEffective = "E0709",
    /// An example's expectation did not hold.
    ExpectationFailed = "E0500",
    /// An `expect` line that is neither an equation nor a yes/no statement.
    BadExpectation = "E0501",
    /// A file given to the command line is not a rulebook (or a directory holds none).
    NoRulebooks = "E0502",
    /// A part of the rules the examples and scenarios do not exercise
    /// (`rochdale test --coverage`).
    NotCovered = "E0503",
    /// A change to the rules that no example notices (`rochdale test --mutate`).
    MutantSurvives = "E0504",
    /// A figure in wording (`{...}` in a `text` or `because`) that cannot be read or written.
    BadFigure = "E0800",
    /// A figure in wording that names no parameter.
    UnknownFigure = "E0801",
    /// Wording that states a parameter's value by hand instead of embedding it (a warning).
    HandWrittenFigure = "E0802",
    /// An election declared without its seats or its count, with no seat, or
    /// reserving more seats than it fills.
    BadElection = "E0900",
    /// A ballot names someone who is not a candidate of the election.
    UnknownCandidate = "E0901",
    /// A ballot names a candidate twice, marks more candidates than seats
    /// by plurality, or a candidate is listed twice.
    RepeatedChoice = "E0902",
    /// A voter gives two ballots in one election.
    SecondBallot = "E0903",
    /// Fewer candidates stand than there are seats.
    TooFewCandidates = "E0904",
    /// A line of a ballots file (`--ballots`) that fits no vote of the
    /// scenario: no motion or election of that name on that date, a vote
    /// that is not for, against or abstain, a ranking or marks written
    /// wrongly, a proxy in an election.
    BadBallot = "E0905",
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A secondary location that helps explain a diagnostic ("first defined here").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Related {
    /// Where.
    pub span: Span,
    /// What to say there.
    pub message: String,
}

/// One problem, located in a rulebook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(
    feature = "typescript",
    derive(tsify::Tsify),
    tsify(rename = "SpanDiagnostic")
)]
pub struct Diagnostic {
    /// The stable code, such as `E0301`.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub code: Code,
    /// Error or warning.
    pub severity: Severity,
    /// One sentence: what is wrong.
    pub message: String,
    /// Where, if the problem has a place in the text.
    pub span: Option<Span>,
    /// A short label drawn under the span.
    pub label: Option<String>,
    /// What to do about it, in plain English.
    pub help: Option<String>,
    /// Other places worth showing.
    pub related: Vec<Related>,
}

impl Diagnostic {
    /// An error with a code and a message, to be completed with the builders.
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            span: None,
            label: None,
            help: None,
            related: Vec::new(),
        }
    }

    /// A warning: the rulebook works, but probably not as its author meant.
    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    /// Places the diagnostic at `span`, with a label drawn under it.
    pub fn at(mut self, span: Span, label: impl Into<String>) -> Self {
        self.span = Some(span);
        self.label = Some(label.into());
        self
    }

    /// Adds the help line.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a secondary location.
    pub fn related(mut self, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Related {
            span,
            message: message.into(),
        });
        self
    }

    /// Moves the diagnostic's places into the text `source` (for one found
    /// in a text read on its own, such as an expression).
    pub fn set_source(&mut self, source: u16) {
        if let Some(span) = &mut self.span {
            span.source = source;
        }
        for r in &mut self.related {
            r.span.source = source;
        }
    }

    /// Whether this diagnostic makes the rulebook unusable.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A diagnostic placed in a file by line and column, as `--format json`
/// prints it. Lines and columns count from 1; columns count characters.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct DiagnosticJson {
    /// The stable code.
    #[cfg_attr(feature = "typescript", tsify(type = "string"))]
    pub code: Code,
    /// `error` or `warning`.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// The file's name as given.
    pub file: String,
    /// First line of the span.
    pub line: Option<usize>,
    /// First column of the span.
    pub column: Option<usize>,
    /// Byte offsets of the span, end exclusive.
    pub span: Option<Span>,
    /// The label under the span.
    pub label: Option<String>,
    /// What to do about it.
    pub help: Option<String>,
    /// Other places worth showing, each with line and column.
    pub related: Vec<RelatedJson>,
}

/// A secondary location placed by line and column.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct RelatedJson {
    /// What to say there.
    pub message: String,
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
    /// Byte offsets.
    pub span: Span,
}

impl DiagnosticJson {
    /// Places `diagnostic` in the text its span points into: `sources` is
    /// the rulebook (a [`SourceFile`]), or the rulebook and an expression.
    /// `file` names the text the primary span is in (the rulebook if none).
    pub fn new<'a>(diagnostic: &Diagnostic, sources: impl Into<Sources<'a>>) -> Self {
        let sources = sources.into();
        let file = diagnostic
            .span
            .and_then(|s| sources.get(s.source))
            .unwrap_or(sources.rulebook);
        let place = |span: Span| {
            sources
                .get(span.source)
                .map_or((1, 1), |f| f.line_column(span.start))
        };
        let (line, column) = match diagnostic.span {
            Some(span) => {
                let (l, c) = place(span);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        DiagnosticJson {
            code: diagnostic.code,
            severity: diagnostic.severity,
            message: diagnostic.message.clone(),
            file: file.name.clone(),
            line,
            column,
            span: diagnostic.span,
            label: diagnostic.label.clone(),
            help: diagnostic.help.clone(),
            related: diagnostic
                .related
                .iter()
                .map(|r| {
                    let (line, column) = place(r.span);
                    RelatedJson {
                        message: r.message.clone(),
                        line,
                        column,
                        span: r.span,
                    }
                })
                .collect(),
        }
    }
}

/// Adapts a [`Diagnostic`] and its text to miette's rendering. Related
/// places in the same text are labels; those in another text (a rule's
/// definition, for a mistake in an expression given on its own) are drawn
/// after it, each against its own text.
struct MietteView<'a> {
    diagnostic: &'a Diagnostic,
    source: Option<Windowed>,
    elsewhere: Vec<ElsewhereView>,
}

/// A related place in another text than the diagnostic's own.
#[derive(Debug)]
struct ElsewhereView {
    message: String,
    span: Span,
    source: Windowed,
}

fn named(file: &SourceFile) -> Windowed {
    Windowed {
        name: file.name.clone(),
        text: file.text.clone(),
    }
}

/// A quoted line longer than this many characters is cut to a window.
pub const LONG_LINE: usize = 240;

/// How many characters either side of the place a cut line keeps.
pub const WINDOW: usize = 80;

/// A text as diagnostics quote it: lines as they are, except a line longer
/// than [`LONG_LINE`] characters (a 5 MB file on one line), of which only
/// [`WINDOW`] characters either side of the place are shown, so that a
/// diagnostic stays the size of a screen.
#[derive(Debug)]
struct Windowed {
    name: String,
    text: String,
}

impl Windowed {
    /// A label's place as drawn: on a long line, a span longer than the
    /// window is underlined for its first [`WINDOW`] characters, so that
    /// its label is drawn inside the window.
    fn drawn(&self, span: Span) -> (usize, usize) {
        let text = self.text.as_str();
        // A place past the end of what is written (an expression cut short:
        // `dividend(ada) +`) has nothing to underline there: its last
        // character is underlined, the point after which something is missing.
        let written = text.trim_end();
        if span.start >= written.len() && !written.is_empty() {
            let last = written.chars().last().map_or(1, char::len_utf8);
            return (written.len() - last, last);
        }
        let start = span.start.min(text.len());
        let end = span.end.clamp(start, text.len());
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        if text[line_start..line_end].chars().nth(LONG_LINE).is_none() {
            return (span.start, span.len());
        }
        let end = end.min(line_end);
        let end = text[start..end]
            .char_indices()
            .nth(WINDOW)
            .map_or(end, |(i, _)| start + i);
        (start, end - start)
    }
}

impl miette::SourceCode for Windowed {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let text = self.text.as_str();
        let start = span.offset().min(text.len());
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line = &text[line_start..line_end];
        if line.len() <= LONG_LINE || line.chars().nth(LONG_LINE).is_none() {
            let inner = text.read_span(span, before, after)?;
            return Ok(Box::new(miette::MietteSpanContents::new_named(
                self.name.clone(),
                inner.data(),
                *inner.span(),
                inner.line(),
                inner.column(),
                inner.line_count(),
            )));
        }
        // Back and forward by characters, never inside one.
        let lo = text[line_start..start]
            .char_indices()
            .rev()
            .nth(WINDOW - 1)
            .map_or(line_start, |(i, _)| line_start + i);
        // A span longer than the window is shown by its start.
        let end = (start + span.len()).clamp(start, line_end);
        let end = text[start..end]
            .char_indices()
            .nth(WINDOW)
            .map_or(end, |(i, _)| start + i);
        let hi = text[end..line_end]
            .char_indices()
            .nth(WINDOW)
            .map_or(line_end, |(i, _)| end + i);
        let line_number = text[..line_start].matches('\n').count();
        let column = text[line_start..start].chars().count();
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            &text.as_bytes()[lo..hi],
            (lo, hi - lo).into(),
            line_number,
            column,
            1,
        )))
    }
}

impl<'a> MietteView<'a> {
    fn new(diagnostic: &'a Diagnostic, sources: Sources<'_>) -> Self {
        let home = diagnostic.span.map(|s| s.source);
        MietteView {
            diagnostic,
            source: home.and_then(|h| sources.get(h)).map(named),
            elsewhere: diagnostic
                .related
                .iter()
                .filter(|r| Some(r.span.source) != home)
                .filter_map(|r| {
                    Some(ElsewhereView {
                        message: r.message.clone(),
                        span: r.span,
                        source: named(sources.get(r.span.source)?),
                    })
                })
                .collect(),
        }
    }
}

impl fmt::Debug for MietteView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.diagnostic, f)
    }
}

impl fmt::Display for MietteView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for MietteView<'_> {}

impl miette::Diagnostic for MietteView<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diagnostic.code.as_str()))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as _)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let source = self.source.as_ref()?;
        let span = self.diagnostic.span?;
        let primary = miette::LabeledSpan::new_primary_with_span(
            self.diagnostic.label.clone(),
            source.drawn(span),
        );
        let related = self
            .diagnostic
            .related
            .iter()
            .filter(move |r| r.span.source == span.source)
            .map(|r| {
                miette::LabeledSpan::new_with_span(Some(r.message.clone()), source.drawn(r.span))
            });
        Some(Box::new(std::iter::once(primary).chain(related)))
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn miette::Diagnostic> + 'b>> {
        if self.elsewhere.is_empty() {
            return None;
        }
        Some(Box::new(
            self.elsewhere.iter().map(|e| e as &dyn miette::Diagnostic),
        ))
    }
}

impl fmt::Display for ElsewhereView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ElsewhereView {}

impl miette::Diagnostic for ElsewhereView {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(
            miette::LabeledSpan::new_primary_with_span(None, self.source.drawn(self.span)),
        )))
    }
}

/// Renders diagnostics for people: the code, the message, the lines of the
/// text each points into with the span underlined, and the help line.
/// `sources` is the rulebook (a [`SourceFile`]), or the rulebook and an
/// expression given on its own. `colour` adds ANSI colours (for a
/// terminal); without it the output is plain Unicode text.
pub fn render_text<'a>(
    diagnostics: &[Diagnostic],
    sources: impl Into<Sources<'a>>,
    colour: bool,
) -> String {
    let sources = sources.into();
    let theme = if colour {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme).with_width(100);
    let mut out = String::new();
    for diagnostic in diagnostics {
        let view = MietteView::new(diagnostic, sources);
        if handler.render_report(&mut out, &view).is_err() {
            // Rendering into a String cannot fail in practice; fall back to
            // the bare message rather than lose the diagnostic.
            out.push_str(&format!("{}: {}\n", diagnostic.code, diagnostic.message));
        }
    }
    out
}
