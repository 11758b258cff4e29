//! The header's alerts: a button with the current member's unread count that opens
//! the alerts workflow rules left (disclosure pattern: Escape closes it and gives
//! the keyboard back to the button), each linking to its record, marked read when
//! followed or on request.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::domain::automation::alerts::{alerts_for, plan_mark_read, unread_count};
use crate::i18n::{t, tn};
use crate::ui::kit::format::count;
use crate::ui::kit::notice::Notice;
use crate::ui::kit::route::Route;
use crate::ui::kit::state::{tk, use_state, AppState};
use crate::ui::writes::actions::{commit_plan, with_context};
use crate::ui::writes::write_queue::wait_turn;

/// How many alerts the list shows.
const SHOWN: usize = 30;

fn mark_read(st: AppState, ids: Vec<String>) {
    spawn_local(async move {
        let turn = wait_turn(st).await;
        let plan = with_context(st, |d, ctx| plan_mark_read(d, &ids, ctx));
        if plan.is_empty() {
            return;
        }
        if let Err(msg) = commit_plan(st, turn, plan).await {
            st.notice.set(Some(Notice::error(msg)));
        }
    });
}

#[component]
pub fn AlertsButton() -> impl IntoView {
    let st = use_state();
    let open = RwSignal::new(false);
    let unread = Memo::new(move |_| {
        let me = st.current_user.get();
        st.data.with(|d| unread_count(d, &me))
    });
    let close = move || {
        open.set(false);
        crate::ui::kit::focus::focus_id("alerts-button");
    };
    let button_text = move || {
        let l = st.locale.get();
        let n = unread.get();
        if n == 0 {
            t(l, "alerts.button")
        } else {
            tn(l, "alerts.button_unread", n, &count(l, n))
        }
    };
    let panel = move || {
        if !open.get() {
            return ().into_any();
        }
        let me = st.current_user.get();
        let items = st.data.with(|d| alerts_for(d, &me, SHOWN));
        let unread_ids: Vec<String> = items
            .iter()
            .filter(|a| !a.read)
            .map(|a| a.id.clone())
            .collect();
        let any_unread = !unread_ids.is_empty();
        let rows = if items.is_empty() {
            view! { <p class="muted alerts-empty">{tk("alerts.none")}</p> }.into_any()
        } else {
            items
                .into_iter()
                .map(|a| {
                    let href = Route::View(a.module.clone(), a.record_id.clone()).href();
                    let (id, id2) = (a.id.clone(), a.id.clone());
                    let read = a.read;
                    view! {
                        <li class="alert-item" class:alert-unread=!read>
                            <a
                                href=href
                                on:click=move |_| {
                                    open.set(false);
                                    if !read {
                                        mark_read(st, vec![id.clone()]);
                                    }
                                }
                            >
                                {a.message.clone()}
                            </a>
                            <span class="muted">{a.about.clone()}</span>
                            {(!read)
                                .then(|| {
                                    view! {
                                        <button
                                            type="button"
                                            class="link-button"
                                            on:click=move |_| mark_read(st, vec![id2.clone()])
                                        >
                                            {tk("alerts.mark_read")}
                                        </button>
                                    }
                                })}
                        </li>
                    }
                })
                .collect_view()
                .into_any()
        };
        view! {
            // A labelled section: a region landmark.
            <section
                id="alerts-panel"
                class="alerts-panel"
                aria-labelledby="alerts-heading"
                on:keydown=move |ev| {
                    if ev.key() == "Escape" {
                        close();
                    }
                }
            >
                <h2 id="alerts-heading">{tk("alerts.title")}</h2>
                <ul class="alerts-list">{rows}</ul>
                {any_unread
                    .then(|| {
                        view! {
                            <button type="button" on:click=move |_| mark_read(st, unread_ids.clone())>
                                {tk("alerts.mark_all")}
                            </button>
                        }
                    })}
            </section>
        }
        .into_any()
    };
    view! {
        <div class="alerts-menu">
            <button
                type="button"
                id="alerts-button"
                class="alerts-button"
                aria-expanded=move || if open.get() { "true" } else { "false" }
                aria-controls="alerts-panel"
                on:click=move |_| open.update(|o| *o = !*o)
                on:keydown=move |ev| {
                    if ev.key() == "Escape" && open.get_untracked() {
                        close();
                    }
                }
            >
                {button_text}
            </button>
            {panel}
        </div>
    }
}
