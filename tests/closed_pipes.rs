//! Every command with its standard output or error closed before it
//! writes (as `rochdale fmt - < big.coop | head -c 10` closes it early):
//! a normal end, never a panic (exit 101), with the exit status the
//! command has when its output is read, and its files still written.
//!
//! The reading end is closed before the command starts, so its very first
//! write meets the closed pipe: the test cannot pass by the command
//! finishing before the reader goes away. (A connected pair of Unix
//! sockets stands in for the pipe, as `std::io::pipe` is newer than the
//! crate's minimum Rust; a write to either fails the same way, EPIPE.)

#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const RULEBOOK: &str = "rulebooks/rochdale-1844.coop";

/// Which of the command's streams is a pipe nobody reads.
#[derive(Clone, Copy, PartialEq)]
enum Closed {
    Stdout,
    Stderr,
    Both,
}

/// A pipe whose reader has gone.
fn closed_pipe() -> Stdio {
    let (reader, writer) = std::os::unix::net::UnixStream::pair().expect("a socket pair");
    drop(reader);
    std::os::fd::OwnedFd::from(writer).into()
}

fn run(args: &[&str], stdin: Option<&Path>, closed: Option<Closed>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rochdale"));
    cmd.args(args).env("NO_COLOR", "1");
    cmd.stdin(match stdin {
        Some(path) => std::fs::File::open(path).expect("stdin file").into(),
        None => Stdio::null(),
    });
    let out_closed = matches!(closed, Some(Closed::Stdout | Closed::Both));
    let err_closed = matches!(closed, Some(Closed::Stderr | Closed::Both));
    cmd.stdout(if out_closed {
        closed_pipe()
    } else {
        Stdio::piped()
    });
    cmd.stderr(if err_closed {
        closed_pipe()
    } else {
        Stdio::piped()
    });
    cmd.output().expect("the binary runs")
}

/// Runs `args` once read whole, then with each stream closed in turn:
/// the same exit status every time (so not 101, nor a signal), and no
/// panic on a stream that is still read.
fn ends_quietly(args: &[&str], stdin: Option<&Path>, expected: i32, writes_to: Closed) {
    let open = run(args, stdin, None);
    assert_eq!(
        open.status.code(),
        Some(expected),
        "{args:?} read whole: {}",
        String::from_utf8_lossy(&open.stderr)
    );
    // The case is real only if the command writes to the stream closed.
    match writes_to {
        Closed::Stdout => assert!(!open.stdout.is_empty(), "{args:?} writes no output"),
        Closed::Stderr => assert!(!open.stderr.is_empty(), "{args:?} writes no errors"),
        Closed::Both => assert!(!open.stdout.is_empty() && !open.stderr.is_empty()),
    }
    for closed in [Closed::Stdout, Closed::Stderr, Closed::Both] {
        let o = run(args, stdin, Some(closed));
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(expected), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        if closed == Closed::Stderr {
            // Standard output is untouched by a closed standard error.
            assert_eq!(o.stdout, open.stdout, "{args:?}");
        }
    }
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rochdale-pipes-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// A rulebook with a syntax error: its diagnostics go to standard error.
fn broken_rulebook(tag: &str) -> PathBuf {
    let path = temp_dir(tag).join("broken.coop");
    std::fs::write(&path, "rulebook \"broken\"\nparameter x: Integer = \n").expect("write");
    path
}

#[test]
fn check_ends_quietly() {
    ends_quietly(&["check", RULEBOOK], None, 0, Closed::Stdout);
    ends_quietly(
        &["check", "--format", "json", RULEBOOK],
        None,
        0,
        Closed::Stdout,
    );
    ends_quietly(&["check", RULEBOOK, "no-such.coop"], None, 2, Closed::Both);
}

#[test]
fn test_ends_quietly() {
    ends_quietly(&["test", "rulebooks/"], None, 0, Closed::Stdout);
    ends_quietly(
        &["test", "--format", "json", RULEBOOK],
        None,
        0,
        Closed::Stdout,
    );
    ends_quietly(&["test", RULEBOOK, "no-such.coop"], None, 2, Closed::Both);
}

#[test]
fn fmt_ends_quietly() {
    ends_quietly(&["fmt", "-"], Some(Path::new(RULEBOOK)), 0, Closed::Stdout);
    let broken = broken_rulebook("fmt");
    ends_quietly(&["fmt", "-"], Some(&broken), 1, Closed::Stderr);
    ends_quietly(
        &["fmt", broken.to_str().expect("utf-8 path")],
        None,
        1,
        Closed::Stderr,
    );
}

#[test]
fn fmt_in_place_rewrites_its_files_with_its_output_closed() {
    let dir = temp_dir("fmt-in-place");
    let original = std::fs::read_to_string(RULEBOOK).expect("rulebook");
    // Indented by two more spaces: not the canonical layout.
    let untidy: String = original.lines().map(|l| format!("  {l}\n")).collect();
    let path = dir.join("untidy.coop");
    std::fs::write(&path, &untidy).expect("write");
    let untidy_path = dir.join("untidy-input.coop");
    std::fs::write(&untidy_path, &untidy).expect("write");
    // The canonical layout, by the other route: standard input to output.
    let canonical = run(&["fmt", "-"], Some(&untidy_path), None);
    assert_eq!(canonical.status.code(), Some(0));
    assert_ne!(canonical.stdout, untidy.as_bytes(), "the input is untidy");

    let o = run(
        &["fmt", path.to_str().expect("utf-8 path")],
        None,
        Some(Closed::Both),
    );
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        std::fs::read(&path).expect("rewritten"),
        canonical.stdout,
        "the file is rewritten although `reformatted ...` could not be shown"
    );
}

#[test]
fn simulate_ends_quietly() {
    for format in ["text", "json", "csv"] {
        ends_quietly(
            &["simulate", RULEBOOK, "--format", format],
            None,
            0,
            Closed::Stdout,
        );
    }
    ends_quietly(
        &["simulate", RULEBOOK, "--scenario-file", "no-such.json"],
        None,
        2,
        Closed::Stderr,
    );
}

#[test]
fn simulate_writes_its_out_files_with_its_output_closed() {
    let read = run(&["simulate", RULEBOOK], None, None);
    assert_eq!(read.status.code(), Some(0));
    let dir = temp_dir("simulate-out");
    let o = run(
        &[
            "simulate",
            RULEBOOK,
            "--out",
            dir.to_str().expect("utf-8 path"),
        ],
        None,
        Some(Closed::Both),
    );
    assert_eq!(o.status.code(), Some(0));
    // report.txt is what standard output shows when it is read.
    assert_eq!(
        std::fs::read(dir.join("report.txt")).expect("report.txt"),
        read.stdout
    );
    for name in [
        "outcome.json",
        "statements.csv",
        "journal.csv",
        "trial_balance.csv",
    ] {
        let bytes = std::fs::read(dir.join(name)).expect(name);
        assert!(!bytes.is_empty(), "{name} is empty");
    }
    let outcome: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("outcome.json")).expect("outcome"))
            .expect("outcome.json is whole JSON");
    assert!(outcome["steps"].is_array());
}

#[test]
fn explain_ends_quietly() {
    let example = "a quarter with interest on capital";
    ends_quietly(
        &[
            "explain",
            RULEBOOK,
            "--example",
            example,
            "--value",
            "dividend(ada)",
        ],
        None,
        0,
        Closed::Stdout,
    );
    ends_quietly(
        &[
            "explain",
            RULEBOOK,
            "--example",
            example,
            "--value",
            "no_such_thing",
        ],
        None,
        1,
        Closed::Stderr,
    );
}

#[test]
fn diff_ends_quietly() {
    ends_quietly(&["diff", RULEBOOK, RULEBOOK], None, 0, Closed::Stdout);
    ends_quietly(
        &["diff", RULEBOOK, RULEBOOK, "--format", "json"],
        None,
        0,
        Closed::Stdout,
    );
    ends_quietly(&["diff", RULEBOOK, "no-such.coop"], None, 2, Closed::Stderr);
}

#[test]
fn help_and_usage_errors_end_quietly() {
    ends_quietly(&["--help"], None, 0, Closed::Stdout);
    ends_quietly(&["simulate", "--help"], None, 0, Closed::Stdout);
    ends_quietly(&["no-such-command"], None, 2, Closed::Stderr);
}
