//! Running the draft: in turns, so the page keeps taking input over 100,000
//! records; a new run, a module change or leaving the page abandons the one running.

use leptos::prelude::*;

use super::draft::Draft;
use crate::domain::analytics::report::{ReportError, ReportResult, ReportSpec};
use crate::ui::analytics::report_run::run_in_turns;
use crate::ui::kit::state::{AppState, Generation};

/// The outcome of "Run".
#[derive(Clone)]
pub(super) enum Outcome {
    Ran(Box<ReportSpec>, Box<ReportResult>),
    /// The translation key of what the draft is missing.
    Incomplete(&'static str),
    Failed(ReportError),
}

/// The builder's runs: whether one is running, and the last outcome (which stays on
/// screen while the next run works).
#[derive(Clone, Copy)]
pub(super) struct Runner {
    generation: Generation,
    pub(super) running: RwSignal<bool>,
    pub(super) outcome: RwSignal<Option<Outcome>>,
}

impl Runner {
    /// Tied to the current view: leaving it stops the run.
    pub(super) fn new() -> Self {
        Runner {
            generation: Generation::new(),
            running: RwSignal::new(false),
            outcome: RwSignal::new(None),
        }
    }

    /// Runs the draft, abandoning the run before; a draft that is not yet a
    /// definition says what it misses instead.
    pub(super) fn run(self, st: AppState, draft: Draft) {
        let spec = match draft.spec() {
            Ok(spec) => spec,
            Err(k) => {
                self.generation.start();
                self.running.set(false);
                self.outcome.set(Some(Outcome::Incomplete(k)));
                return;
            }
        };
        self.running.set(true);
        let shown = spec.clone();
        run_in_turns(st, self.generation, &spec, move |result| {
            self.running.set(false);
            self.outcome.set(Some(match result {
                Ok(r) => Outcome::Ran(Box::new(shown), Box::new(r)),
                Err(e) => Outcome::Failed(e),
            }));
        });
    }

    /// Abandons the run and forgets the last outcome: it was of another module.
    pub(super) fn forget(self) {
        self.generation.start();
        self.running.set(false);
        self.outcome.set(None);
    }
}
