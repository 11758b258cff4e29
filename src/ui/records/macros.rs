//! Macros (rules run by hand) on a record page and on a list's selected records:
//! one plan for every record, committed through the one commit path, and a notice
//! saying on how many it ran and on how many it could not (the run log says why).

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::domain::automation::manual_rules::{macros_for, plan_run_by_hand};
use crate::i18n::{tn, tr};
use crate::ui::kit::format::count;
use crate::ui::kit::notice::Notice;
use crate::ui::kit::state::{use_state, AppState};
use crate::ui::writes::actions::{commit_plan, with_context};
use crate::ui::writes::write_queue::wait_turn;

/// Runs the macro `rule` (named `name`) on `ids`, saying how it went.
pub fn run_macro(st: AppState, rule: String, name: String, ids: Vec<String>) {
    spawn_local(async move {
        let l = st.locale.get_untracked();
        let turn = wait_turn(st).await;
        let (plan, ran) = with_context(st, |d, ctx| plan_run_by_hand(d, &rule, &ids, ctx));
        if plan.is_empty() {
            return;
        }
        match commit_plan(st, turn, plan).await {
            Ok(_) if ran.failed > 0 => {
                let failed = tn(l, "count.records", ran.failed, &count(l, ran.failed));
                st.notice.set(Some(Notice::error(tr(
                    l,
                    "macro.failed",
                    &[("name", &name), ("failed", &failed)],
                ))));
            }
            Ok(_) => {
                let text =
                    tn(l, "macro.ran", ran.done, &count(l, ran.done)).replace("{name}", &name);
                st.notice.set(Some(Notice::success(text)));
            }
            Err(msg) => st.notice.set(Some(Notice::error(msg))),
        }
    });
}

/// A button per macro of `module`, each running it on the records `ids` gives.
#[component]
pub fn MacroButtons(
    module: String,
    ids: impl Fn() -> Vec<String> + Send + Sync + Copy + 'static,
) -> impl IntoView {
    let st = use_state();
    move || {
        st.data
            .with(|d| macros_for(d, &module))
            .into_iter()
            .map(|m| {
                let (id, name) = (m.id.clone(), m.name.clone());
                let label = {
                    let name = m.name.clone();
                    move || tr(st.locale.get(), "macro.run", &[("name", &name)])
                };
                view! {
                    <button
                        type="button"
                        disabled=move || st.busy.get() || ids().is_empty()
                        on:click=move |_| run_macro(st, id.clone(), name.clone(), ids())
                    >
                        {label}
                    </button>
                }
            })
            .collect_view()
    }
}
