//! The `rochdale` command line.

#![forbid(unsafe_code)]

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use rochdale::diagnostic::{DiagnosticJson, render_text};
use rochdale::report::{CheckFileJson, TestFileJson, TestRunJson};
use rochdale::{Code, Diagnostic, SourceFile};

const AFTER_HELP: &str = "\
Examples:
  rochdale check rulebooks/rochdale-1844.coop
  rochdale test rulebooks/
  rochdale test --format json rulebooks/rochdale-1844.coop

Exit status: 0 when all is well, 1 when a rulebook has errors or an example
fails, 2 on a usage or input/output error (such as a missing file).
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
        #[arg(long, value_name = "NAME")]
        example: String,
        /// What to explain: any expression, such as `dividend(ada)` or `surplus`.
        #[arg(long, value_name = "EXPRESSION")]
        value: String,
        /// Output for people (text) or for programs (json).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
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
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
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
        Command::Test { paths, format } => run_test(&paths, format, colour),
        Command::Explain {
            path,
            example,
            value,
            format,
        } => run_explain(&path, &example, &value, format, colour),
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
            Format::Text => eprint!("{}", render_text(std::slice::from_ref(d), &file, colour)),
            Format::Json => eprintln!(
                "{}",
                serde_json::to_string(&DiagnosticJson::new(d, &file)).unwrap_or_default()
            ),
        }
    }
}

fn emit_json<T: serde::Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(s) => println!("{s}"),
        Err(e) => eprintln!("error: could not write JSON: {e}"),
    }
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
    let mut out = std::io::stdout().lock();
    for file in &files {
        let checked = rochdale::check_source(&file.text);
        if checked.program.is_none() {
            status = status.max(Status::Failed);
        }
        match format {
            Format::Json => reports.push(CheckFileJson::new(file, &checked)),
            Format::Text => {
                let _ = write!(out, "{}", render_text(&checked.diagnostics, file, colour));
                let errors = checked.diagnostics.iter().filter(|d| d.is_error()).count();
                let _ = match &checked.program {
                    Some(p) => writeln!(
                        out,
                        "ok    {}: {} parameters, {} rules, {} examples",
                        file.name,
                        p.params.len(),
                        p.rules.len(),
                        p.examples.len()
                    ),
                    None => writeln!(
                        out,
                        "error {}: {} error{}",
                        file.name,
                        errors,
                        if errors == 1 { "" } else { "s" }
                    ),
                };
            }
        }
    }
    if format == Format::Json {
        emit_json(&serde_json::json!({ "files": reports }));
    }
    status
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
    let mut out = std::io::stdout().lock();
    for file in &files {
        let report = rochdale::test_source(file);
        passed += report.passed();
        failed += report.failed();
        if report.failed() > 0 {
            status = status.max(Status::Failed);
        }
        match format {
            Format::Json => reports.push(TestFileJson::new(file, &report)),
            Format::Text => {
                let title = report.rulebook.as_deref().unwrap_or("(does not check)");
                let _ = writeln!(out, "{} — {}", file.name, title);
                let _ = write!(out, "{}", render_text(&report.diagnostics, file, colour));
                for example in &report.examples {
                    let mark = if example.passed { "ok  " } else { "FAIL" };
                    let _ = writeln!(
                        out,
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
                            let _ = write!(
                                out,
                                "{}",
                                render_text(std::slice::from_ref(d), file, colour)
                            );
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
            let _ = writeln!(out, "{passed} passed, {failed} failed");
        }
    }
    status
}

fn run_explain(path: &Path, example: &str, value: &str, format: Format, colour: bool) -> Status {
    let (files, io_errors) = load(std::slice::from_ref(&path.to_path_buf()));
    print_io_errors(&io_errors, format, colour);
    let Some(file) = files.first() else {
        return Status::Usage;
    };
    match rochdale::explain::explain(file, example, value) {
        Ok(explanation) => {
            match format {
                Format::Text => print!("{}", explanation.to_text()),
                Format::Json => emit_json(&explanation),
            }
            Status::Ok
        }
        Err(e) => {
            match format {
                Format::Text => eprint!("{}", render_text(&e.diagnostics, &e.source, colour)),
                Format::Json => emit_json(&serde_json::json!({
                    "diagnostics": e.diagnostics.iter().map(|d| DiagnosticJson::new(d, &e.source)).collect::<Vec<_>>()
                })),
            }
            Status::Failed
        }
    }
}
