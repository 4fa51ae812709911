//! A simulation written as it runs: the command line's outputs.
//!
//! Nothing that grows with the timeline is held. The text report's
//! timeline goes to its writer step by step; `journal.csv` line by line;
//! the JSON outcome's steps and journal to spill files beside it, which are
//! spliced into the document at the end. The document is the pretty JSON
//! of the same outcome that [`super::simulate`] returns (the summary is
//! serialised by serde, and each streamed element by serde at its depth),
//! so both routes give the same bytes (tests/simulate.rs checks it).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::outcome::{JournalLine, SimulationOutcome, StepOutcome};
use super::{Engine, Sink, sheets, text};

/// Which report goes to standard output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Report {
    /// The text report.
    Text,
    /// The whole outcome as JSON.
    Json,
    /// The member statements as CSV.
    Csv,
    /// The projection as CSV, one row a financial year (`--years`).
    ProjectionCsv,
}

/// A writer that ends quietly when its reader goes away (a closed pipe,
/// as in `rochdale simulate ... | head`): the run and its files go on.
pub struct Quiet<W: Write> {
    inner: W,
    closed: bool,
}

impl<W: Write> Quiet<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> Self {
        Quiet {
            inner,
            closed: false,
        }
    }
}

impl<W: Write> Write for Quiet<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        match self.inner.write(buf) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(buf.len())
            }
            other => other,
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        match self.inner.flush() {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }
}

/// Elements of a JSON array written one after another into a file, each
/// as serde writes it pretty at its depth.
struct Spill {
    path: PathBuf,
    file: BufWriter<File>,
    count: usize,
    buf: Vec<u8>,
}

impl Spill {
    fn create(path: PathBuf) -> io::Result<Spill> {
        Ok(Spill {
            file: BufWriter::new(File::create(&path)?),
            path,
            count: 0,
            buf: Vec::new(),
        })
    }

    fn push<T: Serialize>(&mut self, item: &T, indent: &str) -> io::Result<()> {
        push_element(&mut self.file, self.count, item, indent, &mut self.buf)?;
        self.count += 1;
        Ok(())
    }

    fn finish(mut self) -> io::Result<Spilled> {
        self.file.flush()?;
        Ok(Spilled {
            path: self.path,
            count: self.count,
        })
    }
}

/// A spill file, complete.
struct Spilled {
    path: PathBuf,
    count: usize,
}

impl Drop for Spilled {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Writes `item` as element `index` of a pretty JSON array whose elements
/// stand at `indent`: serde's pretty layout, each line moved right. `buf`
/// is reused from element to element (elements are small: a step, a
/// journal line, a statement, one member's share).
fn push_element<T: Serialize>(
    w: &mut dyn Write,
    index: usize,
    item: &T,
    indent: &str,
    buf: &mut Vec<u8>,
) -> io::Result<()> {
    buf.clear();
    serde_json::to_writer_pretty(&mut *buf, item).map_err(io::Error::other)?;
    if index > 0 {
        w.write_all(b",\n")?;
    }
    // JSON text breaks lines only between tokens (a line break inside a
    // string is written `\n`), so every line can be moved right.
    for (i, line) in buf.split(|b| *b == b'\n').enumerate() {
        if i > 0 {
            w.write_all(b"\n")?;
        }
        w.write_all(indent.as_bytes())?;
        w.write_all(line)?;
    }
    Ok(())
}

/// Where the run's outputs go.
pub struct Streamed<'w> {
    stdout: &'w mut dyn Write,
    report: Report,
    report_txt: Option<BufWriter<File>>,
    journal_csv: Option<csv::Writer<BufWriter<File>>>,
    steps: Option<Spill>,
    journal: Option<Spill>,
    out_dir: Option<PathBuf>,
    /// Steps that failed on a fault, with their diagnostics, to report.
    pub failed: Vec<StepOutcome>,
}

impl<'w> Streamed<'w> {
    /// Outputs for `report` on `stdout`, and the files of `out_dir`
    /// (`report.txt`, `outcome.json`, `statements.csv`, `journal.csv`,
    /// `trial_balance.csv`, and `projection.csv` for a run that closes a
    /// financial year) if given. The directory is made if need be.
    pub fn new(
        stdout: &'w mut dyn Write,
        report: Report,
        out_dir: Option<&Path>,
    ) -> io::Result<Streamed<'w>> {
        let json = report == Report::Json || out_dir.is_some();
        let spill_dir = match out_dir {
            Some(dir) => {
                std::fs::create_dir_all(dir)?;
                dir.to_path_buf()
            }
            None => std::env::temp_dir(),
        };
        let spill = |what: &str| -> io::Result<Option<Spill>> {
            if !json {
                return Ok(None);
            }
            let name = format!(".rochdale-{}-{what}.json.part", std::process::id());
            Spill::create(spill_dir.join(name)).map(Some)
        };
        let (report_txt, journal_csv) = match out_dir {
            Some(dir) => {
                let mut journal = csv::Writer::from_writer(BufWriter::new(File::create(
                    dir.join("journal.csv"),
                )?));
                sheets::write_journal_header(&mut journal)?;
                (
                    Some(BufWriter::new(File::create(dir.join("report.txt"))?)),
                    Some(journal),
                )
            }
            None => (None, None),
        };
        Ok(Streamed {
            stdout,
            report,
            report_txt,
            journal_csv,
            steps: spill("steps")?,
            journal: spill("journal")?,
            out_dir: out_dir.map(Path::to_path_buf),
            failed: Vec::new(),
        })
    }

    /// Writes the heading of the text reports (before the first step).
    pub fn begin(&mut self, head: &SimulationOutcome) -> io::Result<()> {
        if self.report == Report::Text {
            text::write_head(self.stdout, head)?;
        }
        if let Some(w) = &mut self.report_txt {
            text::write_head(w, head)?;
        }
        Ok(())
    }

    /// Writes everything after the timeline, from the engine at the end.
    pub fn finish(mut self, engine: &Engine<'_>, scenario: &str) -> io::Result<Vec<StepOutcome>> {
        let summary = engine.summary(scenario);
        let steps = self.steps.take().map(Spill::finish).transpose()?;
        let journal = self.journal.take().map(Spill::finish).transpose()?;
        match self.report {
            Report::Text => text::write_tail(self.stdout, &summary, engine)?,
            Report::Csv => sheets::write_statements(self.stdout, engine)?,
            Report::ProjectionCsv => sheets::write_projection(self.stdout, &summary.projection)?,
            Report::Json => {
                write_json(
                    self.stdout,
                    &summary,
                    engine,
                    steps.as_ref(),
                    journal.as_ref(),
                )?;
                self.stdout.write_all(b"\n")?;
            }
        }
        self.stdout.flush()?;
        if let Some(mut w) = self.report_txt.take() {
            text::write_tail(&mut w, &summary, engine)?;
            w.flush()?;
        }
        if let Some(mut w) = self.journal_csv.take() {
            w.flush()?;
        }
        if let Some(dir) = &self.out_dir {
            let mut w = BufWriter::new(File::create(dir.join("outcome.json"))?);
            write_json(&mut w, &summary, engine, steps.as_ref(), journal.as_ref())?;
            w.flush()?;
            let mut w = BufWriter::new(File::create(dir.join("statements.csv"))?);
            sheets::write_statements(&mut w, engine)?;
            let mut w = BufWriter::new(File::create(dir.join("trial_balance.csv"))?);
            sheets::write_trial_balance(&mut w, engine.trial_balance_lines())?;
            // Only a run that closes a financial year has a projection.
            if !summary.projection.is_empty() {
                let mut w = BufWriter::new(File::create(dir.join("projection.csv"))?);
                sheets::write_projection(&mut w, &summary.projection)?;
            }
        }
        Ok(std::mem::take(&mut self.failed))
    }
}

impl Sink for Streamed<'_> {
    fn step(&mut self, step: StepOutcome) -> io::Result<()> {
        if self.report == Report::Text {
            text::write_step(self.stdout, &step)?;
        }
        if let Some(w) = &mut self.report_txt {
            text::write_step(w, &step)?;
        }
        if let Some(s) = &mut self.steps {
            s.push(&step, "    ")?;
        }
        if step.diagnostic.is_some() {
            self.failed.push(step);
        }
        Ok(())
    }

    fn wants_steps(&self) -> bool {
        self.report == Report::Text || self.report_txt.is_some() || self.steps.is_some()
    }

    fn wants_journal(&self) -> bool {
        self.journal_csv.is_some() || self.journal.is_some()
    }

    fn journal(&mut self, line: JournalLine) -> io::Result<()> {
        if let Some(w) = &mut self.journal_csv {
            sheets::write_journal_line(w, &line)?;
        }
        if let Some(s) = &mut self.journal {
            s.push(&line, "    ")?;
        }
        Ok(())
    }
}

/// The outcome as pretty JSON: the summary as serde writes it, with the
/// streamed arrays spliced into their places: the steps, the journal, the
/// trial balance's accounts, the members' statements, then each tranche's
/// shares, in the order serde writes them (the summary leaves them empty).
fn write_json(
    w: &mut dyn Write,
    summary: &SimulationOutcome,
    engine: &Engine<'_>,
    steps: Option<&Spilled>,
    journal: Option<&Spilled>,
) -> io::Result<()> {
    let skeleton = serde_json::to_string_pretty(summary).map_err(io::Error::other)?;
    // Every array to splice is written `"key": []` by serde; none can be
    // inside a string, where serde escapes each quote.
    let mut marks: Vec<(&str, Splice)> = vec![
        ("\"steps\": []", Splice::Steps),
        ("\"journal\": []", Splice::Journal),
        ("\"accounts\": []", Splice::Accounts),
        ("\"members\": []", Splice::Statements),
    ];
    for (p, period) in summary.periods.iter().enumerate() {
        for (a, allocation) in period.allocations.iter().enumerate() {
            for t in 0..allocation.tranches.len() {
                marks.push(("\"members\": []", Splice::Shares(p, a, t)));
            }
        }
    }
    let mut at = 0;
    for (mark, what) in marks {
        let found = skeleton[at..]
            .find(mark)
            .ok_or_else(|| io::Error::other(format!("no place for {mark:?} in the outcome")))?;
        let open = at + found + mark.len() - 2;
        // The key's indentation, from the start of its line.
        let line = skeleton[..open].rfind('\n').map_or(0, |i| i + 1);
        let key_indent = skeleton[line..open].len() - skeleton[line..open].trim_start().len();
        let close = " ".repeat(key_indent);
        let items = " ".repeat(key_indent + 2);
        w.write_all(&skeleton.as_bytes()[at..open])?;
        match what {
            Splice::Steps => splice(w, steps)?,
            Splice::Journal => splice(w, journal)?,
            Splice::Accounts => {
                let mut array = Array::new(w, &items);
                for line in engine.trial_balance_lines() {
                    array.push(&line)?;
                }
                array.close(&close)?;
            }
            Splice::Statements => {
                let mut array = Array::new(w, &items);
                for m in 0..engine.people() {
                    array.push(&engine.statement(m))?;
                }
                array.close(&close)?;
            }
            Splice::Shares(p, a, t) => {
                let mut array = Array::new(w, &items);
                for share in engine.shares(p, a, t) {
                    array.push(&share)?;
                }
                array.close(&close)?;
            }
        }
        at = open + 2;
    }
    w.write_all(&skeleton.as_bytes()[at..])
}

/// What goes in one of the outcome's empty arrays.
enum Splice {
    Steps,
    Journal,
    Accounts,
    Statements,
    /// Period, allocation and tranche.
    Shares(usize, usize, usize),
}

/// A top-level array from its spill file.
fn splice(w: &mut dyn Write, spilled: Option<&Spilled>) -> io::Result<()> {
    match spilled {
        Some(s) if s.count > 0 => {
            w.write_all(b"[\n")?;
            let mut f = File::open(&s.path)?;
            io::copy(&mut f, w)?;
            w.write_all(b"\n  ]")
        }
        _ => w.write_all(b"[]"),
    }
}

/// A pretty JSON array written element by element.
struct Array<'a> {
    w: &'a mut dyn Write,
    indent: &'a str,
    count: usize,
    buf: Vec<u8>,
}

impl<'a> Array<'a> {
    fn new(w: &'a mut dyn Write, indent: &'a str) -> Self {
        Array {
            w,
            indent,
            count: 0,
            buf: Vec::new(),
        }
    }

    fn push<T: Serialize>(&mut self, item: &T) -> io::Result<()> {
        if self.count == 0 {
            self.w.write_all(b"[\n")?;
        }
        push_element(self.w, self.count, item, self.indent, &mut self.buf)?;
        self.count += 1;
        Ok(())
    }

    fn close(self, indent: &str) -> io::Result<()> {
        if self.count == 0 {
            self.w.write_all(b"[]")
        } else {
            write!(self.w, "\n{indent}]")
        }
    }
}
