//! The workflow engine's entry points, each a split point of the release build: a
//! browser that never has a rule never downloads the engine, and one that has rules
//! fetches it with the first write that meets them. A part that cannot be fetched
//! refuses the write with the cause (nothing is written), as a page does.

use crate::domain::automation::due_rules::{due_now, plan_due, waits_due};
use crate::domain::writes::WritePlan;
use crate::ui::kit::state::AppState;
use crate::ui::writes::actions::with_context;

/// The engine's part could not be fetched (the network is gone, or the host now
/// serves a newer build).
#[derive(Debug)]
pub struct PartMissing;

#[cfg(not(debug_assertions))]
impl From<leptos::wasm_split::SplitLoaderError> for PartMissing {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        PartMissing
    }
}

fn change_rules(st: AppState, plan: &mut WritePlan) {
    with_context(st, |d, ctx| {
        crate::domain::automation::run_rules::complete(d, plan, ctx)
    });
}

/// Up to `per_plan` of the rules due now as one plan; with how many ran and how
/// many are left for the next plan.
fn due_rules(st: AppState, per_plan: usize) -> (WritePlan, usize, usize) {
    with_context(st, |d, ctx| {
        let due = due_now(d, ctx.now, &ctx.zone);
        let waits = waits_due(d, ctx.now);
        let (plan, r) = plan_due(d, &due, &waits, per_plan, ctx);
        let all = due.len() + waits.len();
        (plan, r.done + r.failed, all.saturating_sub(per_plan))
    })
}

/// The plan with what the switched-on rules add to it (`run_rules::complete`).
#[cfg(not(debug_assertions))]
#[leptos::wasm_split::wasm_split(automation, fallible, wasm_split_path = ::leptos::wasm_split)]
pub fn with_rules(st: AppState, mut plan: WritePlan) -> Result<WritePlan, PartMissing> {
    change_rules(st, &mut plan);
    Ok(plan)
}

#[cfg(debug_assertions)]
pub async fn with_rules(st: AppState, mut plan: WritePlan) -> Result<WritePlan, PartMissing> {
    change_rules(st, &mut plan);
    Ok(plan)
}

/// The rules on a date reached that are due now (`due_rules`).
#[cfg(not(debug_assertions))]
#[leptos::wasm_split::wasm_split(automation, fallible, wasm_split_path = ::leptos::wasm_split)]
pub fn due_plan(st: AppState, per_plan: usize) -> Result<(WritePlan, usize, usize), PartMissing> {
    Ok(due_rules(st, per_plan))
}

#[cfg(debug_assertions)]
pub async fn due_plan(
    st: AppState,
    per_plan: usize,
) -> Result<(WritePlan, usize, usize), PartMissing> {
    Ok(due_rules(st, per_plan))
}
