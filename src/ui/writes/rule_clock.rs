//! Rules on a date reached run when the app looks: once everything is read at
//! start (catching up what came while the app was closed, said in a notice) and
//! every minute after. Their plan is refused if another tab wrote anything this tab
//! has not seen, so two open tabs cannot both run the same moment: the refused tab
//! tries again a minute later, with the other's run in its memory by then.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::i18n::tn;
use crate::ui::kit::format::count;
use crate::ui::kit::notice::Notice;
use crate::ui::kit::state::AppState;
use crate::ui::writes::actions::commit_plan;
use crate::ui::writes::automation_part::due_plan;
use crate::ui::writes::write_queue::wait_turn;

/// Runs written in one plan at most; more wait for the next plan, in turns.
const PER_PLAN: usize = 200;

async fn run_due(st: AppState, at_start: bool) {
    let mut ran = 0;
    loop {
        if !st
            .data
            .with_untracked(crate::domain::modules::automation_modules::has_rules)
        {
            break;
        }
        let turn = wait_turn(st).await;
        let Ok((plan, done, left)) = due_plan(st, PER_PLAN).await else {
            // The engine's part could not be fetched: next minute.
            break;
        };
        if plan.is_empty() {
            break;
        }
        let mut plan = plan;
        plan.needs_current_view = true;
        if commit_plan(st, turn, plan).await.is_err() {
            // Another tab wrote meanwhile (perhaps this very run): next minute.
            break;
        }
        ran += done;
        if left == 0 {
            break;
        }
    }
    if at_start && ran > 0 {
        let l = st.locale.get_untracked();
        st.notice.set(Some(Notice::success(tn(
            l,
            "rules.caught_up",
            ran,
            &count(l, ran),
        ))));
    }
}

/// Starts looking for due rules: now, and every minute while the app is open.
pub fn start(st: AppState) {
    spawn_local(run_due(st, true));
    // The app's whole life: the interval is never cleared.
    let _ = set_interval_with_handle(
        move || spawn_local(run_due(st, false)),
        std::time::Duration::from_secs(60),
    );
}
