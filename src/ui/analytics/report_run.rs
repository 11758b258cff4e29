//! A report run for a page: in turns of a few milliseconds, so 100,000 records never
//! hold it, and abandoned when the page starts over or is left.

use leptos::prelude::*;

use crate::domain::analytics::report::{ReportError, ReportResult, ReportSpec, ReportWork};
use crate::domain::sales::board::exchange_rates;
use crate::ui::kit::state::{in_turns, try_turn, AppState, Generation};

/// Starts `spec` over the current data (abandoning what `generation` ran before) and
/// hands the result to `done`: at once if the spec cannot run, else when finished.
pub fn run_in_turns(
    st: AppState,
    generation: Generation,
    spec: &ReportSpec,
    done: impl FnOnce(Result<ReportResult, ReportError>) + 'static,
) {
    let mine = generation.start();
    let rates = st
        .data
        .with_untracked(|d| exchange_rates(d, &st.base_currency.get_untracked()));
    // Months and quarters are the user's calendar's.
    let calendar = crate::ui::kit::time_zone::calendar_for(st.locale.get_untracked());
    match st
        .data
        .with_untracked(|d| ReportWork::new(d, spec).map(|w| w.in_calendar(calendar)))
    {
        Err(e) => done(Err(e)),
        Ok(work) => in_turns(
            generation,
            mine,
            work,
            move |work| {
                st.data.with_untracked(|d| {
                    // An error ends the run; `finish` names it.
                    try_turn(|| work.step(d, &rates, ReportWork::SLICE)).unwrap_or(true)
                })
            },
            move |work| done(st.data.with_untracked(|d| work.finish(d))),
        ),
    }
}
