//! Where a simulation's outcome goes as it is made.
//!
//! A run hands each step's outcome and each journal line to a [`Sink`] the
//! moment it is made, and keeps neither: a timeline of millions of acts
//! runs in the memory of its members, not of its history. [`Collect`]
//! gathers them into a [`super::SimulationOutcome`] (the library, the API,
//! WASM and tests); the command line writes them to files and standard
//! output as they come ([`super::stream`]).

use std::io;

use super::outcome::{JournalLine, StepOutcome};

/// Receives what a run makes, in order.
pub trait Sink {
    /// A step's outcome: every step's when [`Sink::wants_steps`], else
    /// only those that failed on a fault.
    fn step(&mut self, step: StepOutcome) -> io::Result<()>;

    /// Whether every step's outcome is wanted (describing a step in words
    /// costs time).
    fn wants_steps(&self) -> bool {
        true
    }

    /// Whether journal lines are wanted (formatting them costs time).
    fn wants_journal(&self) -> bool {
        true
    }

    /// A journal line, as it is booked.
    fn journal(&mut self, line: JournalLine) -> io::Result<()>;
}

/// Keeps everything, for an outcome held in memory.
#[derive(Debug, Default)]
pub struct Collect {
    /// Every step's outcome, in order.
    pub steps: Vec<StepOutcome>,
    /// Every journal line, in order.
    pub journal: Vec<JournalLine>,
    /// Leave the journal out (a summary: statements and funds only).
    pub without_journal: bool,
}

impl Sink for Collect {
    fn step(&mut self, step: StepOutcome) -> io::Result<()> {
        self.steps.push(step);
        Ok(())
    }

    fn wants_journal(&self) -> bool {
        !self.without_journal
    }

    fn journal(&mut self, line: JournalLine) -> io::Result<()> {
        self.journal.push(line);
        Ok(())
    }
}
