//! Decision records: one JSON line per decision (`--record FILE.jsonl`),
//! and `rochdale replay`, which runs each again on the rulebooks of a
//! folder and reports every decision that now comes out differently. The
//! hash in each record says which rules were in force.

use std::io::{BufRead, Write};
use std::path::Path;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use super::decisions;
use super::error::ApiError;
use super::state::{Catalog, load_dir};
use super::types::{DecideRequest, EvaluateRequest};
use crate::diagnostic::{Code, Diagnostic};

/// Which decision a record is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// `POST /rulebooks/{name}/evaluate`.
    Evaluate,
    /// `POST /rulebooks/{name}/decide`.
    Decide,
}

/// One decision, as recorded.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// When (UTC, `YYYY-MM-DDTHH:MM:SSZ`).
    pub time: String,
    /// The rulebook's name in URLs.
    pub rulebook: String,
    /// Its version.
    pub version: Option<String>,
    /// The hash of the rules in force.
    pub hash: String,
    /// Which decision.
    pub kind: Kind,
    /// The request, as carried out (a decision's date filled in).
    pub request: Json,
    /// The answer.
    pub result: Json,
    /// The reasons given, as sentences.
    pub reasons: Vec<String>,
}

fn now() -> String {
    let t = time::OffsetDateTime::now_utc();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

impl Record {
    /// A record of a decision made now.
    pub fn new(
        rulebook: &str,
        provenance: &super::types::ProvenanceJson,
        kind: Kind,
        request: Json,
        result: Json,
        reasons: Vec<String>,
    ) -> Self {
        Record {
            time: now(),
            rulebook: rulebook.to_string(),
            version: provenance.version.clone(),
            hash: provenance.hash.clone(),
            kind,
            request,
            result,
            reasons,
        }
    }
}

/// Appends records to a file, one line each, whole lines only.
#[derive(Debug)]
pub struct Recorder {
    file: Mutex<std::fs::File>,
}

impl Recorder {
    /// Opens `path` for appending (creating it).
    pub fn open(path: &Path) -> std::io::Result<Self> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        Ok(Recorder {
            file: Mutex::new(file),
        })
    }

    /// Appends one record; the line is written with one call, so lines of
    /// requests answered at once never interleave.
    pub fn append(&self, record: &Record) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(record).map_err(std::io::Error::other)?;
        line.push(b'\n');
        let mut file = match self.file.lock() {
            Ok(f) => f,
            Err(poisoned) => poisoned.into_inner(),
        };
        file.write_all(&line)
    }
}

/// A decision that comes out differently now.
#[derive(Debug, Clone, Serialize)]
pub struct Difference {
    /// The record's line, from 1.
    pub line: usize,
    /// The rulebook.
    pub rulebook: String,
    /// Which decision.
    pub kind: Kind,
    /// The request.
    pub request: Json,
    /// The hash of the rules recorded.
    pub was_hash: String,
    /// The answer recorded.
    pub was: Json,
    /// The hash of the rules now.
    pub now_hash: Option<String>,
    /// The answer now (an error as `{"error": {...}}`).
    pub now: Json,
}

/// What a replay found.
#[derive(Debug, Default)]
pub struct Replay {
    /// How many records were run again.
    pub replayed: usize,
    /// Those that now differ.
    pub differences: Vec<Difference>,
    /// Lines that could not be replayed, with their line numbers.
    pub problems: Vec<(usize, Diagnostic)>,
}

impl Replay {
    /// The report for people: each difference with both answers, then a
    /// summary line.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for d in &self.differences {
            let short = |h: &str| h.get(..12).unwrap_or(h).to_string();
            out.push_str(&format!(
                "line {}: {} {} {}\n  was (rules {}): {}\n  now (rules {}): {}\n",
                d.line,
                d.rulebook,
                match d.kind {
                    Kind::Evaluate => "evaluate",
                    Kind::Decide => "decide",
                },
                d.request,
                short(&d.was_hash),
                d.was,
                d.now_hash
                    .as_deref()
                    .map(short)
                    .unwrap_or_else(|| "-".into()),
                d.now,
            ));
        }
        out.push_str(&format!(
            "{} decision(s) replayed, {} differ, {} line(s) could not be read\n",
            self.replayed,
            self.differences.len(),
            self.problems.len()
        ));
        out
    }
}

/// An answer as compared: without the provenance, which changes with any
/// change of the rules even when the answer does not.
fn answer(result: &Json) -> Json {
    let mut result = result.clone();
    if let Some(map) = result.as_object_mut() {
        map.remove("provenance");
    }
    result
}

/// Runs a recorded request again on `catalog`.
fn rerun(catalog: &Catalog, record: &Record) -> Result<(Json, String), ApiError> {
    let Some(book) = catalog.get(&record.rulebook) else {
        return Err(ApiError::unknown_rulebook(
            &record.rulebook,
            &catalog.names(),
        ));
    };
    let bad = |e: serde_json::Error| {
        ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "bad_request",
            format!("the recorded request does not fit: {e}"),
        )
    };
    let result = match record.kind {
        Kind::Evaluate => {
            let request: EvaluateRequest =
                serde_json::from_value(record.request.clone()).map_err(bad)?;
            decisions::as_json(&decisions::evaluate(
                &book,
                &request,
                crate::eval::DEFAULT_STEP_BUDGET,
            )?)
        }
        Kind::Decide => {
            let request: DecideRequest =
                serde_json::from_value(record.request.clone()).map_err(bad)?;
            decisions::as_json(&decisions::decide(&book, &request)?)
        }
    };
    Ok((result, book.provenance.hash.clone()))
}

/// Replays the records of `path` on the rulebooks of `dir`. An error if
/// either cannot be read at all; a line that is not a record is a problem
/// with its line number, and the others are replayed.
pub fn replay(path: &Path, dir: &Path) -> Result<Replay, Diagnostic> {
    let catalog = load_dir(dir).map_err(|e| {
        Diagnostic::error(Code::Io, e).help("give the folder of .coop files the server served")
    })?;
    let file = std::fs::File::open(path).map_err(|e| {
        Diagnostic::error(Code::Io, format!("cannot read {}: {e}", path.display()))
            .help("give the file the server wrote with --record")
    })?;
    let shown = path.display();
    let mut replay = Replay::default();
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let number = i + 1;
        let line = match line {
            Ok(line) => line,
            Err(e) => {
                replay.problems.push((
                    number,
                    Diagnostic::error(
                        Code::Io,
                        format!("{shown}:{number}: cannot read the line: {e}"),
                    )
                    .help("a record file is UTF-8 text, one JSON record a line"),
                ));
                continue;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        let record: Record = match serde_json::from_str(&line) {
            Ok(r) => r,
            Err(e) => {
                replay.problems.push((
                    number,
                    Diagnostic::error(Code::BadInputFile, format!("{shown}:{number}: not a decision record: {e}"))
                        .help("each line is one JSON object with time, rulebook, version, hash, kind, request, result and reasons, as the server writes it"),
                ));
                continue;
            }
        };
        replay.replayed += 1;
        let (now, now_hash) = match rerun(&catalog, &record) {
            Ok((result, hash)) => (result, Some(hash)),
            Err(e) => (serde_json::json!({ "error": e.body }), None),
        };
        let was = answer(&record.result);
        let now = answer(&now);
        if was != now {
            replay.differences.push(Difference {
                line: number,
                rulebook: record.rulebook,
                kind: record.kind,
                request: record.request,
                was_hash: record.hash,
                was,
                now_hash,
                now,
            });
        }
    }
    Ok(replay)
}
