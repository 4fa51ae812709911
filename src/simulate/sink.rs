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
    /// A step's outcome.
    fn step(&mut self, step: StepOutcome) -> io::Result<()>;

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

/// Lets a progress callback see each step as it passes to another sink.
pub struct Counted<'a, S: Sink + ?Sized> {
    /// The sink that keeps or writes.
    pub inner: &'a mut S,
    /// Called with the number of steps done.
    pub progress: &'a mut dyn FnMut(usize),
    done: usize,
}

impl<'a, S: Sink + ?Sized> Counted<'a, S> {
    /// Counts the steps passing to `inner`.
    pub fn new(inner: &'a mut S, progress: &'a mut dyn FnMut(usize)) -> Self {
        Counted {
            inner,
            progress,
            done: 0,
        }
    }
}

impl<S: Sink + ?Sized> Sink for Counted<'_, S> {
    fn step(&mut self, step: StepOutcome) -> io::Result<()> {
        self.inner.step(step)?;
        self.done += 1;
        (self.progress)(self.done);
        Ok(())
    }

    fn wants_journal(&self) -> bool {
        self.inner.wants_journal()
    }

    fn journal(&mut self, line: JournalLine) -> io::Result<()> {
        self.inner.journal(line)
    }
}
