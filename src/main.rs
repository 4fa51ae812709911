//! The `rochdale` command line.

#![forbid(unsafe_code)]

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use rochdale::diagnostic::{DiagnosticJson, render_text};
use rochdale::quality::coverage::Kind;
use rochdale::report::{CheckFileJson, TestFileJson, TestRunJson};
use rochdale::simulate::stream::{Quiet, Report, Streamed};
use rochdale::{Code, Diagnostic, SourceFile};

/// Standard output and standard error as every command writes them: a
/// closed pipe (the reader went away, as `head` does) is a normal end, so
/// what would have gone there is dropped and the command finishes its work;
/// any other failure to write is kept, to be reported as an input/output
/// error when the command ends (`print!` would panic on either).
mod console {
    use std::io::Write;
    use std::sync::OnceLock;

    use rochdale::simulate::stream::Quiet;

    /// The first failure to write that was not a closed pipe.
    static FAILED: OnceLock<(&'static str, String)> = OnceLock::new();

    /// Writes `args` to standard output.
    pub fn out(args: std::fmt::Arguments<'_>) {
        let mut w = Quiet::new(std::io::stdout().lock());
        note(
            "standard output",
            w.write_fmt(args).and_then(|()| w.flush()),
        );
    }

    /// Writes `args` to standard error.
    pub fn err(args: std::fmt::Arguments<'_>) {
        let mut w = Quiet::new(std::io::stderr().lock());
        note("standard error", w.write_fmt(args).and_then(|()| w.flush()));
    }

    /// Keeps the first failure other than a closed pipe (which `Quiet`
    /// has already made a success).
    pub fn note(stream: &'static str, result: std::io::Result<()>) {
        if let Err(e) = result {
            let _ = FAILED.set((stream, e.to_string()));
        }
    }

    /// The stream that failed and why, if one did.
    pub fn failure() -> Option<&'static (&'static str, String)> {
        FAILED.get()
    }
}

/// `print!` through [`console::out`].
macro_rules! out {
    ($($t:tt)*) => { console::out(format_args!($($t)*)) };
}

/// `println!` through [`console::out`].
macro_rules! outln {
    ($($t:tt)*) => { console::out(format_args!("{}\n", format_args!($($t)*))) };
}

/// `eprint!` through [`console::err`].
macro_rules! err {
    ($($t:tt)*) => { console::err(format_args!($($t)*)) };
}

/// `eprintln!` through [`console::err`].
macro_rules! errln {
    ($($t:tt)*) => { console::err(format_args!("{}\n", format_args!($($t)*))) };
}

const AFTER_HELP: &str = "\
Examples:
  rochdale check rulebooks/rochdale-1844.coop
  rochdale test rulebooks/
  rochdale test --format json rulebooks/rochdale-1844.coop

Exit status: 0 when all is well, 1 when a rulebook has errors or an example
fails, 2 on a usage or input/output error (such as a missing file).
A closed standard output or error (as in `rochdale fmt - < a.coop | head`)
is a normal end: what would have been shown there is dropped, the command's
work (files it writes, --out) is finished, and the exit status is as above.
Diagnostic codes are explained in docs/diagnostics.md.";

/// Rules-as-code for cooperatives: check rulebooks and run their examples.
#[derive(Parser)]
#[command(name = "rochdale", version, about, after_help = AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,

    /// When to colour the output.
    #[arg(long, value_enum, default_value_t = Colour::Auto, global = true)]
    color: Colour,
}

#[derive(Subcommand)]
enum Command {
    /// Parse and type-check rulebooks, reporting every problem found.
    #[command(
        after_help = "Examples:\n  rochdale check rulebooks/rochdale-1844.coop\n  rochdale check --format json rulebooks/"
    )]
    Check {
        /// Rulebook files, or directories searched for *.coop files.
        #[arg(required = true, value_name = "FILE|DIR")]
        paths: Vec<PathBuf>,
        /// Output for people (text) or for programs (json).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Show how a value is derived: the rules, articles, inputs and rounding.
    #[command(
        after_help = "Examples:\n  rochdale explain rulebooks/rochdale-1844.coop --example \"a quarter with interest on capital\" --value 'dividend(ada)'\n  rochdale explain rulebooks/rochdale-1844.coop --example admission --value 'eligible(dan)' --format json"
    )]
    Explain {
        /// The rulebook.
        #[arg(value_name = "FILE")]
        path: PathBuf,
        /// The example whose members and figures are used.
        #[arg(long, value_name = "NAME", required_unless_present_any = ["scenario", "scenario_file"])]
        example: Option<String>,
        /// Or: a scenario of the rulebook, run up to --step.
        #[arg(long, value_name = "NAME", conflicts_with_all = ["example", "scenario_file"])]
        scenario: Option<String>,
        /// Or: a scenario in a JSON file, run up to --step.
        #[arg(long, value_name = "FILE", conflicts_with = "example")]
        scenario_file: Option<PathBuf>,
        /// Members from a register (CSV, .xlsx or .ods), for a scenario.
        #[arg(long, value_name = "FILE")]
        members: Option<PathBuf>,
        #[command(flatten)]
        register: RegisterArgs,
        /// Ballots for the scenario's motions and elections, one a line
        /// (`date,motion,member,vote,proxy`; see docs/scenarios.md).
        #[arg(long, value_name = "FILE.csv", conflicts_with = "example")]
        ballots: Option<PathBuf>,
        /// The books open with this trial balance (`account,debit,credit`),
        /// for a scenario.
        #[arg(long, value_name = "FILE.csv", conflicts_with = "example")]
        opening: Option<PathBuf>,
        /// The last step of the scenario to run (all, if not given). After a
        /// step that closes a period, figures are as the period closed.
        #[arg(long, value_name = "N")]
        step: Option<usize>,
        /// What to explain: any expression, such as `dividend(ada)` or `surplus`.
        #[arg(long, value_name = "EXPRESSION")]
        value: String,
        /// Output for people (text) or for programs (json).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Run a scenario: a timeline of cooperative acts over the books.
    #[command(
        after_help = "Examples:\n  rochdale simulate rulebooks/rochdale-1844.coop\n  rochdale simulate rulebooks/rochdale-1844.coop --scenario \"first year\" --format json\n  rochdale simulate rulebooks/rochdale-1844.coop --scenario-file year.json --members members.csv --out results/\n  rochdale simulate rulebooks/rochdale-1844.coop --acts till.csv --members members.csv --format csv\n\nA refused act is reported with its reasons and changes nothing; the timeline goes on.\nExit status 1 when an act fails on a fault in the rules or figures."
    )]
    Simulate {
        /// The rulebook.
        #[arg(value_name = "RULEBOOK")]
        path: PathBuf,
        /// A scenario written in the rulebook (the only one, if not given).
        #[arg(long, value_name = "NAME", conflicts_with_all = ["scenario_file", "acts"])]
        scenario: Option<String>,
        /// A scenario in a JSON file (see docs/scenarios.md).
        #[arg(long, value_name = "FILE", conflicts_with = "acts")]
        scenario_file: Option<PathBuf>,
        /// Or an act log: a CSV file, one act a line (`date,act,args...`;
        /// see docs/scenarios.md).
        #[arg(long, value_name = "FILE.csv")]
        acts: Option<PathBuf>,
        /// Members from a register (CSV, .xlsx or .ods) whose first row names
        /// member attributes.
        #[arg(long, value_name = "FILE")]
        members: Option<PathBuf>,
        #[command(flatten)]
        register: RegisterArgs,
        /// Ballots for the scenario's motions and elections, one a line
        /// (`date,motion,member,vote,proxy`), added to the votes the
        /// scenario gives (see docs/scenarios.md).
        #[arg(long, value_name = "FILE.csv")]
        ballots: Option<PathBuf>,
        /// The books open with this trial balance (`account,debit,credit`,
        /// as trial_balance.csv of an earlier run), in place of the
        /// scenario's opening balances; it must balance.
        #[arg(long, value_name = "FILE.csv")]
        opening: Option<PathBuf>,
        /// Text for people, JSON for programs, CSV (member statements) for spreadsheets.
        #[arg(long, value_enum, default_value_t = SimFormat::Text)]
        format: SimFormat,
        /// Also write every output into this directory: report.txt,
        /// outcome.json, statements.csv, journal.csv, trial_balance.csv, and
        /// projection.csv when a financial year closes.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// A projection over N financial years: the scenario's `every year`
        /// block runs for N years from the date it starts on (the rulebook
        /// needs a `financial year`). The report gains a table of each
        /// year's surplus, tranches and balances; with `--format csv` that
        /// table is what is printed.
        #[arg(long, value_name = "N")]
        years: Option<u32>,
    },
    /// Compare two versions of a rulebook: what changed in the text, and
    /// its impact on every member of a scenario and on the examples.
    #[command(
        after_help = "Examples:\n  rochdale diff rulebooks/rochdale-1844.coop amended.coop\n  rochdale diff old.coop new.coop --scenario \"first year\" --format json\n  rochdale diff old.coop new.coop --scenario-file year.json --members register.xlsx --map \"Member=name\"\n\nThe scenario (the rulebook's only one, unless named) runs under both versions.\nExit status 0 when the comparison is made, whether or not anything changed;\n1 when a version has errors; 2 on a usage or input/output error."
    )]
    Diff {
        /// The rulebook as it stands.
        #[arg(value_name = "OLD")]
        old: PathBuf,
        /// The rulebook as amended.
        #[arg(value_name = "NEW")]
        new: PathBuf,
        /// The scenario of the rulebooks to run under both (their only one, if not given).
        #[arg(long, value_name = "NAME", conflicts_with_all = ["scenario_file", "examples_only"])]
        scenario: Option<String>,
        /// A scenario in a JSON file to run under both (see docs/scenarios.md).
        #[arg(long, value_name = "FILE", conflicts_with = "examples_only")]
        scenario_file: Option<PathBuf>,
        /// Members from a register (CSV, .xlsx or .ods), added to the
        /// scenario's under both versions.
        #[arg(long, value_name = "FILE")]
        members: Option<PathBuf>,
        #[command(flatten)]
        register: RegisterArgs,
        /// Compare the examples only; run no scenario.
        #[arg(long)]
        examples_only: bool,
        /// Output for people (text) or for programs (json; see docs/diff.md).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Write the rulebook as a document (HTML, fit to print), or with a second
    /// rulebook the amendment pack from the first (in force) to the second.
    #[command(
        after_help = "Examples:\n  rochdale doc rulebooks/rochdale-1844.coop --out rules.html\n  rochdale doc rules.coop amended.coop --out amendment.html\n\nThe HTML is one file, its style inline, set for print. Without --out the\ndocument goes to standard output. See docs/document.md."
    )]
    Doc {
        /// The rulebook (for an amendment pack: the rules in force).
        #[arg(value_name = "RULEBOOK")]
        path: PathBuf,
        /// The rules proposed: makes an amendment pack.
        #[arg(value_name = "NEW")]
        new: Option<PathBuf>,
        /// The document's form (HTML; PDF is to come).
        #[arg(long, value_enum, default_value_t = DocFormat::Html)]
        format: DocFormat,
        /// Where to write it (standard output if not given).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// For an amendment pack: the scenario whose members the impact is of
        /// (the rulebooks' only one, if not given).
        #[arg(long, value_name = "NAME")]
        scenario: Option<String>,
    },
    /// Rewrite rulebooks in the canonical layout, keeping every comment.
    #[command(
        after_help = "Examples:\n  rochdale fmt rulebooks/\n  rochdale fmt --check rulebooks/\n  rochdale fmt - < shop.coop > shop-formatted.coop\n\nA rulebook with syntax errors is left as it is and its errors are shown.\nWith --check, exit status 1 names the files that would change."
    )]
    Fmt {
        /// Rulebook files, directories searched for *.coop files, or `-` for
        /// standard input (written to standard output).
        #[arg(required = true, value_name = "FILE|DIR|-")]
        paths: Vec<PathBuf>,
        /// Change nothing; name the files that are not in the canonical layout.
        #[arg(long)]
        check: bool,
    },
    /// Answer rulebooks over HTTP and JSON: evaluate, decide, check, test,
    /// simulate, explain, diff (docs/server.md).
    #[command(
        after_help = "Examples:\n  rochdale serve --rulebooks rulebooks/ --addr 127.0.0.1:8080\n  rochdale serve --rulebooks rulebooks/ --addr 127.0.0.1:0 --record decisions.jsonl\n\nPrints `listening on http://ADDR` once bound. Rulebooks are reloaded when their\nfiles change; one that fails its check is shown at /health and its last good\nversion keeps serving. SIGTERM or ctrl-c stops it cleanly."
    )]
    Serve {
        /// The folder of .coop files (and the files they name).
        #[arg(long, value_name = "DIR")]
        rulebooks: PathBuf,
        /// Where to listen (port 0: any free port).
        #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:8080")]
        addr: String,
        /// Append every decision (evaluate, decide) to this file, one JSON line each.
        #[arg(long, value_name = "FILE.jsonl")]
        record: Option<PathBuf>,
        /// The largest request body, in bytes.
        #[arg(long, value_name = "BYTES", default_value_t = rochdale::serve::Limits::default().max_body_bytes)]
        max_body_bytes: usize,
        /// How long a client may take to send a request's body, in milliseconds.
        #[arg(long, value_name = "MS", default_value_t = rochdale::serve::Limits::default().read_timeout.as_millis() as u64)]
        read_timeout_ms: u64,
        /// Steps one evaluation may take.
        #[arg(long, value_name = "STEPS", default_value_t = rochdale::serve::Limits::default().step_budget)]
        step_budget: u64,
        /// How long any other request may take once read, in milliseconds.
        #[arg(long, value_name = "MS", default_value_t = rochdale::serve::Limits::default().time_limit.as_millis() as u64)]
        time_limit_ms: u64,
        /// How many requests are answered at once; more are refused (503).
        #[arg(long, value_name = "N", default_value_t = rochdale::serve::Limits::default().max_concurrent)]
        max_concurrent: usize,
    },
    /// Run recorded decisions again and report each that now differs.
    #[command(
        after_help = "Examples:\n  rochdale replay decisions.jsonl --rulebooks rulebooks/\n\nExit status 0 when every decision comes out the same, 1 when one differs,\n2 when the records or the folder cannot be read (a bad line is reported with\nits number and the others are replayed)."
    )]
    Replay {
        /// The records, as `rochdale serve --record` wrote them.
        #[arg(value_name = "FILE.jsonl")]
        records: PathBuf,
        /// The folder of .coop files to run them on.
        #[arg(long, value_name = "DIR")]
        rulebooks: PathBuf,
    },
    /// Serve editors as a language server over standard input and output.
    #[command(
        after_help = "Started by an editor, not by hand: see docs/editor.md.\nDiagnostics as you type, hover, definition, references, rename,\nformatting, completion, the outline, and lenses that run examples."
    )]
    Lsp,
    /// Run the examples inside rulebooks as tests.
    #[command(
        after_help = "Examples:\n  rochdale test rulebooks/\n  rochdale test --format json rulebooks/rochdale-1844.coop\n\nThe last line of text output is `N passed, M failed`."
    )]
    Test {
        /// Rulebook files, or directories searched for *.coop files.
        #[arg(required = true, value_name = "FILE|DIR")]
        paths: Vec<PathBuf>,
        /// Output for people (text) or for programs (json).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Show which rules, clauses, exceptions, tranches, limits, acts and
        /// requirements the examples and scenarios exercise (docs/coverage.md).
        #[arg(long, conflicts_with = "mutate")]
        coverage: bool,
        /// With --coverage: exit 1 when a rulebook's coverage is below N percent.
        #[arg(long, value_name = "N", requires = "coverage")]
        coverage_min: Option<f64>,
        /// Make mutants of the rules and report those no example notices
        /// (docs/mutation.md).
        #[arg(long)]
        mutate: bool,
    },
}

/// How a members register is read (docs/language.md, "Member registers").
#[derive(clap::Args)]
struct RegisterArgs {
    /// Read the register's column COLUMN as the member attribute ATTRIBUTE
    /// (or as `name`); may be given many times.
    #[arg(long = "map", value_name = "COLUMN=ATTRIBUTE", value_parser = rochdale::register::Options::parse_map)]
    map: Vec<(String, String)>,
    /// How the register writes dates with slashes: day-first (01/04/2026 is
    /// 1 April) or month-first (4 January).
    #[arg(long, value_enum, value_name = "ORDER")]
    dates: Option<Dates>,
    /// The sheet of a spreadsheet register (its first, if not given).
    #[arg(long, value_name = "NAME")]
    sheet: Option<String>,
}

impl RegisterArgs {
    fn options(self) -> rochdale::register::Options {
        use rochdale::register::DateOrder;
        rochdale::register::Options {
            map: self.map,
            dates: self.dates.map(|d| match d {
                Dates::DayFirst => DateOrder::DayFirst,
                Dates::MonthFirst => DateOrder::MonthFirst,
            }),
            sheet: self.sheet,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Dates {
    DayFirst,
    MonthFirst,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DocFormat {
    Html,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SimFormat {
    Text,
    Json,
    Csv,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Colour {
    Auto,
    Always,
    Never,
}

/// How a run ended, worst first.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Status {
    Ok = 0,
    Failed = 1,
    Usage = 2,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let colour = match cli.color {
        Colour::Always => true,
        Colour::Never => false,
        Colour::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let status = match cli.command {
        Command::Check { paths, format } => run_check(&paths, format, colour),
        Command::Test {
            paths,
            format,
            coverage: true,
            coverage_min,
            ..
        } => run_coverage(&paths, format, coverage_min, colour),
        Command::Test {
            paths,
            format,
            mutate: true,
            ..
        } => run_mutate(&paths, format, colour),
        Command::Test { paths, format, .. } => run_test(&paths, format, colour),
        Command::Fmt { paths, check } => run_fmt(&paths, check, colour),
        Command::Serve {
            rulebooks,
            addr,
            record,
            max_body_bytes,
            read_timeout_ms,
            step_budget,
            time_limit_ms,
            max_concurrent,
        } => run_serve(
            rochdale::serve::Options {
                rulebooks,
                addr,
                record,
                limits: rochdale::serve::Limits {
                    max_body_bytes,
                    read_timeout: std::time::Duration::from_millis(read_timeout_ms),
                    step_budget,
                    time_limit: std::time::Duration::from_millis(time_limit_ms),
                    max_concurrent: max_concurrent.max(1),
                },
            },
            colour,
        ),
        Command::Replay { records, rulebooks } => run_replay(&records, &rulebooks, colour),
        Command::Lsp => match rochdale::lsp::run() {
            Ok(()) => Status::Ok,
            Err(why) => {
                errln!("rochdale lsp: {why}");
                Status::Failed
            }
        },
        Command::Doc {
            path,
            new,
            format,
            out,
            scenario,
        } => run_doc(
            &path,
            new.as_deref(),
            format,
            out.as_deref(),
            scenario.as_deref(),
            colour,
        ),
        Command::Diff {
            old,
            new,
            scenario,
            scenario_file,
            members,
            register,
            examples_only,
            format,
        } => run_diff(
            &old,
            &new,
            DiffInputs {
                scenario: scenario.as_deref(),
                scenario_file: scenario_file.as_deref(),
                members: members.as_deref().map(|p| (p, register.options())),
                examples_only,
            },
            format,
            colour,
        ),
        Command::Simulate {
            path,
            scenario,
            scenario_file,
            acts,
            members,
            register,
            ballots,
            opening,
            format,
            out,
            years,
        } => run_simulate(
            &path,
            scenario.as_deref(),
            ScenarioFile::of(scenario_file.as_deref(), acts.as_deref()),
            members.as_deref().map(|p| (p, register.options())),
            (ballots.as_deref(), opening.as_deref()),
            (format, years),
            out.as_deref(),
            colour,
        ),
        Command::Explain {
            path,
            example,
            scenario,
            scenario_file,
            members,
            register,
            ballots,
            opening,
            step,
            value,
            format,
        } => run_explain(
            &path,
            Source {
                example: example.as_deref(),
                scenario: scenario.as_deref(),
                scenario_file: scenario_file.as_deref(),
                members: members.as_deref().map(|p| (p, register.options())),
                ballots: ballots.as_deref(),
                opening: opening.as_deref(),
                step,
            },
            &value,
            format,
            colour,
        ),
    };
    let status = match console::failure() {
        Some((stream, why)) => {
            // Said on standard error if that is still open; the status says it anyway.
            let d = Diagnostic::error(Code::Io, format!("cannot write to {stream}: {why}"))
                .help("check where the output goes: a full disk, or a file that cannot be written");
            report_in(&SourceFile::new(*stream, ""), &[d], colour);
            status.max(Status::Usage)
        }
        None => status,
    };
    ExitCode::from(status as u8)
}

/// Reads every rulebook named by `paths`; problems reading are diagnostics.
fn load(paths: &[PathBuf]) -> (Vec<SourceFile>, Vec<(String, Diagnostic)>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        let shown = path.display().to_string();
        if path.is_dir() {
            let mut found = Vec::new();
            if let Err(e) = collect_rulebooks(path, &mut found) {
                errors.push((shown.clone(), io_error(&shown, &e)));
            }
            found.sort();
            if found.is_empty() {
                errors.push((
                    shown.clone(),
                    Diagnostic::error(Code::NoRulebooks, format!("no rulebooks (*.coop files) in `{shown}`"))
                        .help("rulebooks are files ending in .coop; give a file or a directory that holds some"),
                ));
            }
            for file in found {
                read_one(&file, &mut files, &mut errors);
            }
        } else {
            read_one(path, &mut files, &mut errors);
        }
    }
    (files, errors)
}

fn collect_rulebooks(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_rulebooks(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "coop") {
            out.push(path);
        }
    }
    Ok(())
}

fn read_one(path: &Path, files: &mut Vec<SourceFile>, errors: &mut Vec<(String, Diagnostic)>) {
    let shown = path.display().to_string();
    match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => files.push(SourceFile::new(shown, text)),
            Err(_) => errors.push((
                shown.clone(),
                Diagnostic::error(Code::Io, format!("`{shown}` is not UTF-8 text"))
                    .help("save the rulebook as UTF-8 text"),
            )),
        },
        Err(e) => errors.push((shown.clone(), io_error(&shown, &e))),
    }
}

fn io_error(shown: &str, e: &std::io::Error) -> Diagnostic {
    let (what, help) = match e.kind() {
        std::io::ErrorKind::NotFound => (
            format!("cannot find `{shown}`"),
            "check the path; rulebooks usually live under rulebooks/",
        ),
        std::io::ErrorKind::PermissionDenied => (
            format!("not allowed to read `{shown}`"),
            "check the file's permissions",
        ),
        _ => (
            format!("cannot read `{shown}`: {e}"),
            "check the path and the file",
        ),
    };
    Diagnostic::error(Code::Io, what).help(help)
}

fn print_io_errors(errors: &[(String, Diagnostic)], format: Format, colour: bool) {
    for (name, d) in errors {
        let file = SourceFile::new(name.clone(), String::new());
        match format {
            Format::Text => err!("{}", render_text(std::slice::from_ref(d), &file, colour)),
            Format::Json => errln!(
                "{}",
                serde_json::to_string(&DiagnosticJson::new(d, &file)).unwrap_or_default()
            ),
        }
    }
}

/// JSON as the library and the WASM build write it (rochdale::api::to_json).
fn emit_json<T: serde::Serialize>(value: &T) {
    outln!("{}", rochdale::api::to_json(value));
}

fn run_check(paths: &[PathBuf], format: Format, colour: bool) -> Status {
    let (files, io_errors) = load(paths);
    print_io_errors(&io_errors, format, colour);
    let mut status = if io_errors.is_empty() {
        Status::Ok
    } else {
        Status::Usage
    };
    let mut reports = Vec::new();
    for file in &files {
        let checked = rochdale::check_source(&file.text);
        if checked.program.is_none() {
            status = status.max(Status::Failed);
        }
        match format {
            Format::Json => reports.push(CheckFileJson::new(file, &checked)),
            Format::Text => {
                out!("{}", render_text(&checked.diagnostics, file, colour));
                let errors = checked.diagnostics.iter().filter(|d| d.is_error()).count();
                match &checked.program {
                    Some(p) => outln!("ok    {}: {}", file.name, summary(p)),
                    None => outln!(
                        "error {}: {} error{}",
                        file.name,
                        errors,
                        if errors == 1 { "" } else { "s" }
                    ),
                }
            }
        }
    }
    if format == Format::Json {
        emit_json(&rochdale::report::CheckRunJson { files: reports });
    }
    status
}

/// "8 parameters, 6 rules, 1 allocation, 10 examples": what a rulebook defines.
fn summary(p: &rochdale::Program) -> String {
    let counts = [
        (p.params.len(), "parameter"),
        (p.rules.len(), "rule"),
        (p.limits.len(), "limit"),
        (p.allocations.len(), "allocation"),
        (p.resolutions.len(), "resolution"),
        (p.acts.len(), "act"),
        (p.examples.len(), "example"),
        (p.scenarios.len(), "scenario"),
    ];
    let parts: Vec<String> = counts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}{}", if *n == 1 { "" } else { "s" }))
        .collect();
    if parts.is_empty() {
        "nothing defined yet".into()
    } else {
        parts.join(", ")
    }
}

fn run_test(paths: &[PathBuf], format: Format, colour: bool) -> Status {
    let (files, io_errors) = load(paths);
    print_io_errors(&io_errors, format, colour);
    let mut status = if io_errors.is_empty() {
        Status::Ok
    } else {
        Status::Usage
    };
    let (mut passed, mut failed) = (0, 0);
    let mut reports = Vec::new();
    for file in &files {
        // An example's `members from` file is found beside its rulebook.
        let dir = Path::new(&file.name)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let report = rochdale::pipeline::test_source_in(file, rochdale::files::Files::Dir(dir));
        passed += report.passed();
        failed += report.failed();
        if report.failed() > 0 {
            status = status.max(Status::Failed);
        }
        match format {
            Format::Json => reports.push(TestFileJson::new(file, &report)),
            Format::Text => {
                let title = report.rulebook.as_deref().unwrap_or("(does not check)");
                outln!("{} — {}", file.name, title);
                out!("{}", render_text(&report.diagnostics, file, colour));
                for example in &report.examples {
                    let mark = if example.passed { "ok  " } else { "FAIL" };
                    outln!(
                        "  {mark}  {} ({} expectation{})",
                        example.name,
                        example.expectations.len(),
                        if example.expectations.len() == 1 {
                            ""
                        } else {
                            "s"
                        }
                    );
                    for x in example.expectations.iter().filter(|x| !x.passed) {
                        if let Some(d) = &x.diagnostic {
                            out!("{}", render_text(std::slice::from_ref(d), file, colour));
                        }
                    }
                }
            }
        }
    }
    match format {
        Format::Json => emit_json(&TestRunJson {
            files: reports,
            passed,
            failed,
        }),
        Format::Text => {
            outln!("{passed} passed, {failed} failed");
        }
    }
    status
}

/// The folder beside a rulebook, where the files it names are found.
fn dir_of(file: &SourceFile) -> &Path {
    Path::new(&file.name)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// One part of a rulebook in `test --coverage --format json`.
#[derive(serde::Serialize)]
struct CoverageItemJson<'a> {
    #[serde(flatten)]
    item: &'a rochdale::quality::coverage::Item,
    line: usize,
    column: usize,
}

#[derive(serde::Serialize)]
struct CoverageFileJson<'a> {
    file: &'a str,
    rulebook: Option<&'a str>,
    percent: f64,
    covered: usize,
    total: usize,
    diagnostics: Vec<DiagnosticJson>,
    items: Vec<CoverageItemJson<'a>>,
}

fn run_coverage(paths: &[PathBuf], format: Format, min: Option<f64>, colour: bool) -> Status {
    let (files, io_errors) = load(paths);
    print_io_errors(&io_errors, format, colour);
    let mut status = if io_errors.is_empty() {
        Status::Ok
    } else {
        Status::Usage
    };
    let mut reports = Vec::new();
    for file in &files {
        let report =
            rochdale::quality::coverage::coverage(file, rochdale::files::Files::Dir(dir_of(file)));
        let below = min.is_some_and(|n| report.percent < n);
        if below || report.rulebook.is_none() {
            status = status.max(Status::Failed);
        }
        reports.push(report);
    }
    match format {
        Format::Json => {
            let out: Vec<CoverageFileJson<'_>> = files
                .iter()
                .zip(&reports)
                .map(|(file, r)| CoverageFileJson {
                    file: &r.file,
                    rulebook: r.rulebook.as_deref(),
                    percent: r.percent,
                    covered: r.covered,
                    total: r.total,
                    diagnostics: r
                        .diagnostics
                        .iter()
                        .map(|d| DiagnosticJson::new(d, file))
                        .collect(),
                    items: r
                        .items
                        .iter()
                        .map(|item| {
                            let (line, column) = file.line_column(item.span.start);
                            CoverageItemJson { item, line, column }
                        })
                        .collect(),
                })
                .collect();
            emit_json(&out);
        }
        Format::Text => {
            for (file, r) in files.iter().zip(&reports) {
                let title = r.rulebook.as_deref().unwrap_or("(does not check)");
                outln!("{} — {}", file.name, title);
                out!("{}", render_text(&r.diagnostics, file, colour));
                out!("{}", render_text(&r.uncovered(), file, colour));
                for kind in [
                    Kind::Rule,
                    Kind::Clause,
                    Kind::Exception,
                    Kind::Tranche,
                    Kind::Limit,
                    Kind::Act,
                    Kind::Requirement,
                ] {
                    let of: Vec<_> = r.items.iter().filter(|i| i.kind == kind).collect();
                    if !of.is_empty() {
                        let covered = of.iter().filter(|i| i.covered).count();
                        outln!(
                            "  {:<12} {covered}/{}",
                            format!("{}s", kind.as_str()),
                            of.len()
                        );
                    }
                }
                outln!(
                    "  coverage {}% ({} of {} parts)",
                    r.percent,
                    r.covered,
                    r.total
                );
            }
            if let Some(n) = min {
                let below: Vec<&str> = reports
                    .iter()
                    .filter(|r| r.percent < n)
                    .map(|r| r.file.as_str())
                    .collect();
                if !below.is_empty() {
                    outln!("below {n}%: {}", below.join(", "));
                }
            }
        }
    }
    status
}

/// A surviving mutant in `test --mutate --format json`, placed by line.
#[derive(serde::Serialize)]
struct SurvivorJson<'a> {
    #[serde(flatten)]
    survivor: &'a rochdale::quality::mutate::Survivor,
    line: usize,
    column: usize,
}

#[derive(serde::Serialize)]
struct MutationFileJson<'a> {
    file: &'a str,
    rulebook: Option<&'a str>,
    mutants: usize,
    not_checking: usize,
    killed: usize,
    score: f64,
    diagnostics: Vec<DiagnosticJson>,
    survivors: Vec<SurvivorJson<'a>>,
}

fn run_mutate(paths: &[PathBuf], format: Format, colour: bool) -> Status {
    let (files, io_errors) = load(paths);
    print_io_errors(&io_errors, format, colour);
    let mut status = if io_errors.is_empty() {
        Status::Ok
    } else {
        Status::Usage
    };
    let mut reports = Vec::new();
    for file in &files {
        let report =
            rochdale::quality::mutate::mutate(file, rochdale::files::Files::Dir(dir_of(file)));
        if report.rulebook.is_none() || report.diagnostics.iter().any(Diagnostic::is_error) {
            status = status.max(Status::Failed);
        }
        reports.push(report);
    }
    match format {
        Format::Json => {
            let out: Vec<MutationFileJson<'_>> = files
                .iter()
                .zip(&reports)
                .map(|(file, r)| MutationFileJson {
                    file: &r.file,
                    rulebook: r.rulebook.as_deref(),
                    mutants: r.mutants,
                    not_checking: r.not_checking,
                    killed: r.killed,
                    score: r.score,
                    diagnostics: r
                        .diagnostics
                        .iter()
                        .map(|d| DiagnosticJson::new(d, file))
                        .collect(),
                    survivors: r
                        .survivors
                        .iter()
                        .map(|survivor| {
                            let (line, column) = file.line_column(survivor.span.start);
                            SurvivorJson {
                                survivor,
                                line,
                                column,
                            }
                        })
                        .collect(),
                })
                .collect();
            emit_json(&out);
        }
        Format::Text => {
            for (file, r) in files.iter().zip(&reports) {
                let title = r.rulebook.as_deref().unwrap_or("(does not check)");
                outln!("{} — {}", file.name, title);
                out!("{}", render_text(&r.diagnostics, file, colour));
                out!(
                    "{}",
                    render_text(&r.diagnostics_of_survivors(), file, colour)
                );
                outln!(
                    "  {} mutants: {} killed, {} survive, {} do not check (score {}%)",
                    r.mutants,
                    r.killed,
                    r.survivors.len(),
                    r.not_checking,
                    r.score
                );
            }
        }
    }
    status
}

/// Where `explain` takes its inputs from.
struct Source<'a> {
    example: Option<&'a str>,
    scenario: Option<&'a str>,
    scenario_file: Option<&'a Path>,
    members: Option<Members<'a>>,
    ballots: Option<&'a Path>,
    opening: Option<&'a Path>,
    step: Option<usize>,
}

fn run_explain(
    path: &Path,
    source: Source<'_>,
    value: &str,
    format: Format,
    colour: bool,
) -> Status {
    let (file, program) = match load_program(path, colour) {
        Ok(pair) => pair,
        Err(status) => return status,
    };
    let scenario;
    let context = match source.example {
        Some(example) => rochdale::explain::Context::Example(example),
        None => {
            let timeline = match timeline_for(
                path,
                &file,
                &program,
                source.scenario,
                ScenarioFile::of(source.scenario_file, None),
                source.members,
                None,
                (source.ballots, source.opening),
                colour,
            ) {
                Ok(timeline) => timeline,
                Err(status) => return status,
            };
            let (def, members) = match timeline.into_scenario() {
                Ok(pair) => pair,
                Err((errors, shown)) => {
                    shown.report(&errors, &file, colour);
                    return Status::Failed;
                }
            };
            scenario = def;
            rochdale::explain::Context::Scenario {
                scenario: &scenario,
                members,
                step: source.step,
            }
        }
    };
    match rochdale::explain::explain_in(&file, &program, context, value) {
        Ok(explanation) => {
            match format {
                Format::Text => out!("{}", explanation.to_text()),
                Format::Json => emit_json(&explanation),
            }
            Status::Ok
        }
        Err(e) => {
            match format {
                Format::Text => err!("{}", render_text(&e.diagnostics, e.sources(), colour)),
                Format::Json => outln!("{}", rochdale::api::Failure::from(e).to_json()),
            }
            Status::Failed
        }
    }
}

fn read_text(path: &Path) -> Result<SourceFile, Diagnostic> {
    let shown = path.display().to_string();
    match std::fs::read(path) {
        Ok(bytes) => String::from_utf8(bytes)
            .map(|text| SourceFile::new(shown.clone(), text))
            .map_err(|_| {
                Diagnostic::error(Code::Io, format!("`{shown}` is not UTF-8 text"))
                    .help("save the file as UTF-8 text")
            }),
        Err(e) => Err(io_error(&shown, &e)),
    }
}

/// What `rochdale diff` runs under both versions.
struct DiffInputs<'a> {
    scenario: Option<&'a str>,
    scenario_file: Option<&'a Path>,
    members: Option<Members<'a>>,
    examples_only: bool,
}

fn run_diff(old: &Path, new: &Path, inputs: DiffInputs, format: Format, colour: bool) -> Status {
    use rochdale::diff::{DiffOptions, ScenarioChoice, Version, diff};
    let read = |path: &Path| {
        read_text(path).map_err(|d| {
            report_in(
                &SourceFile::new(path.display().to_string(), ""),
                &[d],
                colour,
            );
            Status::Usage
        })
    };
    let files = (|| -> Result<_, Status> {
        let old_file = read(old)?;
        let new_file = read(new)?;
        let scenario_file = inputs.scenario_file.map(read).transpose()?;
        let members = match &inputs.members {
            Some((p, options)) => Some((
                rochdale::register::RegisterFile::open(p).map_err(|d| {
                    report_in(&SourceFile::new(p.display().to_string(), ""), &[d], colour);
                    Status::Usage
                })?,
                options,
            )),
            None => None,
        };
        Ok((old_file, new_file, scenario_file, members))
    })();
    let (old_file, new_file, scenario_file, members) = match files {
        Ok(files) => files,
        Err(status) => return status,
    };
    let scenario = match (&scenario_file, inputs.scenario, inputs.examples_only) {
        (_, _, true) => ScenarioChoice::None,
        (Some(json), _, _) => ScenarioChoice::Json(json),
        (None, Some(name), _) => ScenarioChoice::Named(name),
        (None, None, _) => ScenarioChoice::Rulebook,
    };
    let here = Path::new(".");
    let dir = |path: &Path| -> PathBuf {
        match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => here.to_path_buf(),
        }
    };
    let (old_dir, new_dir) = (dir(old), dir(new));
    let options = DiffOptions {
        scenario,
        members: members.as_ref().map(|(r, o)| (r, *o)),
    };
    match diff(
        Version::in_dir(&old_file, &old_dir),
        Version::in_dir(&new_file, &new_dir),
        &options,
    ) {
        Ok(found) => {
            match format {
                Format::Text => out!("{}", found.to_text()),
                Format::Json => emit_json(&found),
            }
            Status::Ok
        }
        Err(e) => {
            report_in(&e.file, &e.diagnostics, colour);
            if e.in_request {
                Status::Usage
            } else {
                Status::Failed
            }
        }
    }
}

/// `rochdale doc`: the rulebook, or the amendment pack, as HTML.
fn run_doc(
    path: &Path,
    new: Option<&Path>,
    format: DocFormat,
    out: Option<&Path>,
    scenario: Option<&str>,
    colour: bool,
) -> Status {
    use rochdale::document::{amendment_html, amendment_pack, build, rulebook_html};
    let html: String = match new {
        None => {
            let (file, program) = match load_program(path, colour) {
                Ok(loaded) => loaded,
                Err(status) => return status,
            };
            let doc = build(&program, &file.text);
            match format {
                DocFormat::Html => rulebook_html(&doc),
            }
        }
        Some(new_path) => {
            use rochdale::diff::{DiffOptions, ScenarioChoice, Version};
            let read = |p: &Path| {
                read_text(p).map_err(|d| {
                    report_in(&SourceFile::new(p.display().to_string(), ""), &[d], colour);
                    Status::Usage
                })
            };
            let (old_file, new_file) = match (read(path), read(new_path)) {
                (Ok(o), Ok(n)) => (o, n),
                (Err(s), _) | (_, Err(s)) => return s,
            };
            let dir = |p: &Path| -> PathBuf {
                match p.parent() {
                    Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
                    _ => PathBuf::from("."),
                }
            };
            let (old_dir, new_dir) = (dir(path), dir(new_path));
            let options = DiffOptions {
                scenario: scenario.map_or(ScenarioChoice::Rulebook, ScenarioChoice::Named),
                members: None,
            };
            let pack = match amendment_pack(
                Version::in_dir(&old_file, &old_dir),
                Version::in_dir(&new_file, &new_dir),
                &options,
            ) {
                Ok(pack) => pack,
                Err(e) => {
                    report_in(&e.file, &e.diagnostics, colour);
                    return if e.in_request {
                        Status::Usage
                    } else {
                        Status::Failed
                    };
                }
            };
            match format {
                DocFormat::Html => amendment_html(&pack),
            }
        }
    };
    match out {
        Some(file) => match std::fs::write(file, html) {
            Ok(()) => Status::Ok,
            Err(e) => {
                let shown = file.display().to_string();
                let d = Diagnostic::error(Code::Io, format!("cannot write `{shown}`: {e}"))
                    .help("check the folder exists and may be written to");
                report_in(&SourceFile::new(shown, ""), &[d], colour);
                Status::Usage
            }
        },
        None => {
            out!("{html}");
            Status::Ok
        }
    }
}

/// Reads and checks one rulebook, reporting any problem.
fn load_program(path: &Path, colour: bool) -> Result<(SourceFile, rochdale::Program), Status> {
    let file = read_text(path).map_err(|d| {
        report_in(
            &SourceFile::new(path.display().to_string(), ""),
            &[d],
            colour,
        );
        Status::Usage
    })?;
    let checked = rochdale::check_source(&file.text);
    match checked.program {
        Some(program) => Ok((file, program)),
        None => {
            report_in(&file, &checked.diagnostics, colour);
            Err(Status::Failed)
        }
    }
}

/// Warnings about an input (a register's ignored columns) on standard
/// error; the run goes on.
fn report_notes(file: &SourceFile, notes: &[Diagnostic], colour: bool) {
    if !notes.is_empty() {
        report_in(file, notes, colour);
    }
}

fn run_serve(options: rochdale::serve::Options, colour: bool) -> Status {
    match rochdale::serve::run(options) {
        Ok(()) => Status::Ok,
        Err(why) => {
            let d = Diagnostic::error(Code::Io, why)
                .help("check the folder exists and the address is free (port 0 picks a free one)");
            report_in(&SourceFile::new("serve", ""), &[d], colour);
            Status::Usage
        }
    }
}

fn run_replay(records: &Path, rulebooks: &Path, colour: bool) -> Status {
    let shown = records.display().to_string();
    match rochdale::serve::records::replay(records, rulebooks) {
        Err(d) => {
            report_in(&SourceFile::new(shown, ""), &[d], colour);
            Status::Usage
        }
        Ok(replay) => {
            // Each problem's message names the file and the line.
            for (_, d) in &replay.problems {
                report_in(
                    &SourceFile::new(shown.clone(), ""),
                    std::slice::from_ref(d),
                    colour,
                );
            }
            out!("{}", replay.to_text());
            if !replay.problems.is_empty() {
                Status::Usage
            } else if replay.differences.is_empty() {
                Status::Ok
            } else {
                Status::Failed
            }
        }
    }
}

fn report_in(file: &SourceFile, diagnostics: &[Diagnostic], colour: bool) {
    err!("{}", render_text(diagnostics, file, colour));
}

#[allow(clippy::too_many_arguments)]
fn run_simulate(
    path: &Path,
    scenario: Option<&str>,
    scenario_file: Option<ScenarioFile<'_>>,
    members_file: Option<Members<'_>>,
    ballots: (Option<&Path>, Option<&Path>),
    (format, years): (SimFormat, Option<u32>),
    out: Option<&Path>,
    colour: bool,
) -> Status {
    let (file, program) = match load_program(path, colour) {
        Ok(pair) => pair,
        Err(status) => return status,
    };
    let timeline = match timeline_for(
        path,
        &file,
        &program,
        scenario,
        scenario_file,
        members_file,
        years,
        ballots,
        colour,
    ) {
        Ok(timeline) => timeline,
        Err(status) => return status,
    };
    let report = match format {
        SimFormat::Text => Report::Text,
        SimFormat::Json => Report::Json,
        // What a projection is asked for is its table.
        SimFormat::Csv if years.is_some() => Report::ProjectionCsv,
        SimFormat::Csv => Report::Csv,
    };
    let place = out.map_or_else(
        || "standard output".to_string(),
        |d| d.display().to_string(),
    );
    let mut stdout = Quiet::new(std::io::BufWriter::new(std::io::stdout().lock()));
    let shown = timeline.shown.clone();
    let (failed, stopped) = match simulate_streamed(timeline, &mut stdout, report, out) {
        Ok(done) => done,
        Err(e) => {
            report_in(&file, &[io_error(&place, &e)], colour);
            return Status::Usage;
        }
    };
    if let Some(p) = stopped {
        // A bad step far into a file stops the run there; what ran is written.
        shown.report(&[p], &file, colour);
        return Status::Failed;
    }
    if report == Report::Text {
        for s in &failed {
            if let Some(d) = &s.diagnostic {
                errln!("step {} ({}):", s.step, s.what);
                report_in(&file, std::slice::from_ref(d), colour);
            }
        }
    }
    if failed.is_empty() {
        Status::Ok
    } else {
        Status::Failed
    }
}

/// A members register to read, and how.
type Members<'a> = (&'a Path, rochdale::register::Options);

/// A scenario given as a file.
#[derive(Clone, Copy)]
enum ScenarioFile<'a> {
    /// In JSON.
    Json(&'a Path),
    /// A CSV act log.
    Acts(&'a Path),
}

impl<'a> ScenarioFile<'a> {
    /// The one given, if any (clap keeps them apart).
    fn of(json: Option<&'a Path>, acts: Option<&'a Path>) -> Option<Self> {
        json.map(ScenarioFile::Json)
            .or(acts.map(ScenarioFile::Acts))
    }
}

/// A scenario and its people: from a JSON file or an act log, or the
/// rulebook's by name (or its only one), with members from a CSV file if
/// given.
#[allow(clippy::too_many_arguments)]
/// How many steps of a scenario file are read, and checked, before the run
/// starts: a file of up to this many steps has every problem reported and
/// nothing run, as a rulebook's scenario; a longer one runs as it is read.
const STEPS_CHECKED_FIRST: usize = 10_000;

/// A timeline to run: its name, parameters and people, and its steps (the
/// first ones read and checked already, the rest still to come).
struct Timeline<'p> {
    program: &'p rochdale::Program,
    name: String,
    params: Vec<rochdale::value::Value>,
    members: rochdale::simulate::input::MemberTable,
    /// The balances the books open with.
    opening: Vec<rochdale::program::OpeningBalance>,
    first: Vec<rochdale::program::StepDef>,
    rest: Box<dyn Iterator<Item = Result<rochdale::program::StepDef, Problem>> + 'p>,
    /// Where a late problem is drawn: the file the steps come from, and
    /// the ballots file.
    shown: Shown,
}

/// The files a late problem of a timeline is drawn in.
#[derive(Clone, Default)]
struct Shown {
    /// The scenario file or act log the steps come from.
    steps: Option<PathBuf>,
    /// The ballots file, if one is given.
    ballots: Option<SourceFile>,
}

impl Shown {
    /// Reports `problems`, each in its file (`rulebook` when the steps are
    /// the rulebook's).
    fn report(&self, problems: &[Problem], rulebook: &SourceFile, colour: bool) {
        let steps: Vec<Diagnostic> = problems
            .iter()
            .filter_map(|p| match p {
                Problem::Steps(d) => Some(d.clone()),
                Problem::Ballots(_) => None,
            })
            .collect();
        let ballots: Vec<Diagnostic> = problems
            .iter()
            .filter_map(|p| match p {
                Problem::Ballots(d) => Some(d.clone()),
                Problem::Steps(_) => None,
            })
            .collect();
        if !steps.is_empty() {
            let shown = self.steps.as_deref().map(source_for_diagnostics);
            report_in(shown.as_ref().unwrap_or(rulebook), &steps, colour);
        }
        if !ballots.is_empty() {
            report_in(self.ballots.as_ref().unwrap_or(rulebook), &ballots, colour);
        }
    }
}

use rochdale::simulate::input::Problem;

impl Timeline<'_> {
    /// The whole timeline read into a scenario (to explain a figure at a
    /// step), or the problems of the steps read last.
    #[allow(clippy::type_complexity)]
    fn into_scenario(
        self,
    ) -> Result<
        (
            rochdale::program::ScenarioDef,
            rochdale::simulate::input::MemberTable,
        ),
        (Vec<Problem>, Shown),
    > {
        let mut steps = self.first;
        let mut errors = Vec::new();
        for step in self.rest {
            match step {
                Ok(step) => steps.push(step),
                Err(d) => errors.push(d),
            }
        }
        if !errors.is_empty() {
            return Err((errors, self.shown));
        }
        let def = rochdale::program::ScenarioDef {
            name: self.name,
            span: rochdale::Span::default(),
            heading: rochdale::Span::default(),
            member_names: Vec::new(),
            members: self.members.columns.iter().map(|_| Vec::new()).collect(),
            member_dates: Vec::new(),
            members_file: None,
            opening: rochdale::program::Opening {
                balances: self.opening,
                ..Default::default()
            },
            params: self.params,
            steps,
            projection: Vec::new(),
        };
        Ok((def, self.members))
    }
}

/// A scenario file's text for drawing its diagnostics: read again, as the
/// run did not keep it (unless it is very large, when only the messages,
/// which name the place, are shown).
fn source_for_diagnostics(path: &Path) -> SourceFile {
    let name = path.display().to_string();
    let small = std::fs::metadata(path).is_ok_and(|m| m.len() <= 64 * 1024 * 1024);
    let text = if small {
        std::fs::read_to_string(path).unwrap_or_default()
    } else {
        String::new()
    };
    SourceFile::new(name, text)
}

#[allow(clippy::too_many_arguments)]
fn timeline_for<'p>(
    path: &Path,
    file: &SourceFile,
    program: &'p rochdale::Program,
    scenario: Option<&str>,
    scenario_file: Option<ScenarioFile<'_>>,
    members_file: Option<Members<'_>>,
    years: Option<u32>,
    (ballots, opening): (Option<&Path>, Option<&Path>),
    colour: bool,
) -> Result<Timeline<'p>, Status> {
    use rochdale::simulate::input::{self, ScenarioChoice};
    // The ballots are read first: a bad line is found before any step runs.
    let mut ballots = match ballots {
        Some(p) => {
            let shown = read_text(p).map_err(|d| {
                report_in(&SourceFile::new(p.display().to_string(), ""), &[d], colour);
                Status::Usage
            })?;
            let read = input::read_ballots(&shown).map_err(|ds| {
                report_in(&shown, &ds, colour);
                Status::Failed
            })?;
            Some((shown, read))
        }
        None => None,
    };
    let register = match &members_file {
        Some((p, options)) => Some((
            rochdale::register::RegisterFile::open(p).map_err(|d| {
                report_in(&SourceFile::new(p.display().to_string(), ""), &[d], colour);
                Status::Usage
            })?,
            options,
        )),
        None => None,
    };
    let Some(given) = scenario_file else {
        // A scenario of the rulebook: checked whole when the rulebook is.
        let choice = match scenario {
            Some(name) => ScenarioChoice::Named(name),
            None => ScenarioChoice::Rulebook,
        };
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let prepared = input::prepare_with(
            program,
            file,
            rochdale::files::Files::Dir(dir),
            choice,
            register.as_ref().map(|(r, o)| (r, *o)),
        )
        .map_err(|e| {
            report_in(&e.file, &e.diagnostics, colour);
            if e.in_request {
                Status::Usage
            } else {
                Status::Failed
            }
        })?;
        let (def, members, notes) = prepared.ok_or(Status::Usage)?;
        if let Some((r, _)) = &register {
            report_notes(&r.file(), &notes, colour);
        }
        // A projection: the `every year` block run for as many years.
        let def = match years {
            Some(n) => rochdale::check::steps::with_years(program, &def, n).map_err(|ds| {
                report_in(file, &ds, colour);
                Status::Usage
            })?,
            None => def,
        };
        let mut def = def;
        if let Some(p) = opening {
            let text = read_text(p).map_err(|d| {
                report_in(&SourceFile::new(p.display().to_string(), ""), &[d], colour);
                Status::Usage
            })?;
            input::reopen_books(program, &mut def, &members, &text).map_err(|e| {
                report_in(&e.file, &e.diagnostics, colour);
                Status::Failed
            })?;
        }
        let mut shown = Shown::default();
        if let Some((file, read)) = ballots {
            let mut read = read.with_people(&members.names);
            read.add_to_scenario(program, &mut def).map_err(|ds| {
                report_in(&file, &ds, colour);
                Status::Failed
            })?;
            shown.ballots = Some(file);
        }
        return Ok(Timeline {
            program,
            name: def.name,
            params: def.params,
            members,
            opening: def.opening.balances,
            first: def.steps,
            rest: Box::new(std::iter::empty()),
            shown,
        });
    };
    // A file: read as a stream, never held whole.
    let p = match given {
        ScenarioFile::Json(p) | ScenarioFile::Acts(p) => p,
    };
    if years.is_some() {
        let d = Diagnostic::error(
            Code::BadRepetition,
            format!("{}: a scenario file runs as written, for the years it gives", p.display()),
        )
        .help("`--years` repeats the `every year` block of a scenario written in the rulebook; write the years in the file, or run the rulebook's scenario");
        report_in(&SourceFile::new(p.display().to_string(), ""), &[d], colour);
        return Err(Status::Usage);
    }
    let opened = std::fs::File::open(p).map_err(|e| {
        report_in(
            &SourceFile::new(p.display().to_string(), ""),
            &[io_error(&p.display().to_string(), &e)],
            colour,
        );
        Status::Usage
    })?;
    let (header, steps): (_, Box<dyn Iterator<Item = _>>) = match given {
        ScenarioFile::Json(_) => {
            let (header, steps) = input::steps_from_json_reader(program, opened);
            (header, Box::new(steps))
        }
        ScenarioFile::Acts(_) => {
            let name = p.display().to_string();
            let (header, steps) =
                input::steps_from_act_log(program, &name, std::io::BufReader::new(opened));
            (header, Box::new(steps))
        }
    };
    let rochdale::simulate::input::ScenarioHeader {
        name,
        params,
        mut members,
        opening: written_opening,
    } = header;
    // The people are known before the steps (the header, then the
    // register): a ballot from anyone else is placed at its line.
    if let Some((r, options)) = &register {
        let notes = input::add_register(program, r, options, &mut members).map_err(|e| {
            report_in(&e.file, &e.diagnostics, colour);
            Status::Failed
        })?;
        report_notes(&r.file(), &notes, colour);
    }
    let mut shown = Shown {
        steps: Some(p.to_path_buf()),
        ballots: None,
    };
    let mut steps: Box<dyn Iterator<Item = Result<_, Problem>>> = match ballots.take() {
        Some((file, read)) => {
            shown.ballots = Some(file);
            Box::new(read.with_people(&members.names).into_steps(program, steps))
        }
        None => Box::new(steps.map(|s| s.map_err(Problem::Steps))),
    };
    let mut first = Vec::new();
    let mut errors = Vec::new();
    for step in steps.by_ref() {
        match step {
            Ok(step) => first.push(step),
            Err(d) => errors.push(d),
        }
        if first.len() + errors.len() >= STEPS_CHECKED_FIRST {
            break;
        }
    }
    if !errors.is_empty() {
        shown.report(&errors, file, colour);
        return Err(Status::Failed);
    }
    let too_large = input::size_diagnostics(members.names.len(), 0);
    if !too_large.is_empty() {
        let shown = register.as_ref().map(|(r, _)| r.file());
        report_in(shown.as_ref().unwrap_or(file), &too_large, colour);
        return Err(Status::Usage);
    }
    // The people as they stand on the first day, and the books' opening.
    if let Some(step) = first.first() {
        let late = members.dated_after(step.date);
        if !late.is_empty() {
            let shown = register.as_ref().map(|(r, _)| r.file());
            report_in(shown.as_ref().unwrap_or(file), &late, colour);
            return Err(Status::Failed);
        }
    }
    let opening = match opening {
        Some(p) => {
            let text = read_text(p).map_err(|d| {
                report_in(&SourceFile::new(p.display().to_string(), ""), &[d], colour);
                Status::Usage
            })?;
            input::read_opening(program, &text)
                .and_then(|entries| input::open_books(program.currency, &entries, &members.names))
                .map_err(|ds| {
                    report_in(&text, &ds, colour);
                    Status::Failed
                })?
        }
        // The scenario file's own, placed in it.
        None => {
            input::open_books(program.currency, &written_opening, &members.names).map_err(|ds| {
                report_in(&source_for_diagnostics(p), &ds, colour);
                Status::Failed
            })?
        }
    };
    Ok(Timeline {
        program,
        name,
        params,
        members,
        opening,
        first,
        rest: steps,
        shown,
    })
}

/// Runs a simulation, writing its reports as it goes, with a progress bar
/// on a terminal for a long timeline. Gives the steps that failed, and the
/// problem of a step read too late to be checked before the run (which
/// stops it there, with what ran written).
fn simulate_streamed(
    timeline: Timeline<'_>,
    stdout: &mut dyn std::io::Write,
    report: Report,
    out: Option<&Path>,
) -> std::io::Result<(Vec<rochdale::simulate::StepOutcome>, Option<Problem>)> {
    use rochdale::simulate::{Engine, Sink};
    let Timeline {
        program,
        name,
        params,
        members,
        opening,
        first,
        rest,
        ..
    } = timeline;
    let mut streamed = Streamed::new(stdout, report, out)?;
    let mut engine = Engine::new(program, params, members).with_opening(&opening);
    streamed.begin(&engine.summary(&name))?;
    // A bar when the length is known, a count when the file is still
    // being read.
    let known = first.len() < STEPS_CHECKED_FIRST;
    let bar = (std::io::stderr().is_terminal() && first.len() >= 5_000).then(|| {
        let (bar, template) = if known {
            (
                indicatif::ProgressBar::new(first.len() as u64),
                "{spinner} simulating [{bar:40}] {pos}/{len} steps ({eta})",
            )
        } else {
            (
                indicatif::ProgressBar::no_length(),
                "{spinner} simulating: {pos} steps ({per_sec})",
            )
        };
        bar.set_style(
            indicatif::ProgressStyle::with_template(template)
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let progress = |done: usize| {
        if let Some(bar) = &bar {
            if done % 256 == 0 {
                bar.set_position(done as u64);
            }
        }
    };
    let mut stopped = None;
    for step in first.into_iter().map(Ok).chain(rest) {
        match step {
            Ok(step) => {
                engine.run_step(&step, &mut streamed as &mut dyn Sink)?;
                progress(engine.steps_run());
            }
            Err(d) => {
                stopped = Some(d);
                break;
            }
        }
    }
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let failed = streamed.finish(&engine, &name)?;
    Ok((failed, stopped))
}

fn run_fmt(paths: &[PathBuf], check: bool, colour: bool) -> Status {
    if paths.len() == 1 && paths[0] == Path::new("-") {
        let mut text = String::new();
        if let Err(e) = std::io::Read::read_to_string(&mut std::io::stdin(), &mut text) {
            report_in(
                &SourceFile::new("-", ""),
                &[io_error("standard input", &e)],
                colour,
            );
            return Status::Usage;
        }
        let file = SourceFile::new("-", text);
        return match rochdale::format::format_source(&file.text) {
            Ok(formatted) => {
                out!("{formatted}");
                if check && formatted != file.text {
                    Status::Failed
                } else {
                    Status::Ok
                }
            }
            Err(ds) => {
                report_in(&file, &ds, colour);
                Status::Failed
            }
        };
    }
    let (files, io_errors) = load(paths);
    print_io_errors(&io_errors, Format::Text, colour);
    let mut status = if io_errors.is_empty() {
        Status::Ok
    } else {
        Status::Usage
    };
    for file in &files {
        match rochdale::format::format_source(&file.text) {
            Ok(formatted) if formatted == file.text => {}
            Ok(_) if check => {
                outln!("would reformat {}", file.name);
                status = status.max(Status::Failed);
            }
            Ok(formatted) => match std::fs::write(&file.name, formatted) {
                Ok(()) => outln!("reformatted {}", file.name),
                Err(e) => {
                    report_in(file, &[io_error(&file.name, &e)], colour);
                    status = Status::Usage;
                }
            },
            Err(ds) => {
                report_in(file, &ds, colour);
                status = status.max(Status::Failed);
            }
        }
    }
    status
}
