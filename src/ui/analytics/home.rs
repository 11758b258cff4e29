//! The start page: a welcome that says what to do first, or counts per module.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::i18n::{label, tn};
use crate::ui::analytics::dashboard_page::SalesDashboardView;
use crate::ui::kit::format::count;
use crate::ui::kit::route::Route;
use crate::ui::kit::state::{tk, use_state};
use crate::ui::writes::actions::load_sample;

#[component]
pub fn HomePage() -> impl IntoView {
    let st = use_state();
    // Pipelines and stages exist from the start; "empty" means none of the user's own
    // records yet.
    let empty = move || st.data.with(|d| !d.has_user_records());
    view! {
        <section class="page">
            <h1>{tk("home.title")}</h1>
            <Show
                when=empty
                fallback=move || {
                    view! {
                        <SalesDashboardView />
                        <h2>{tk("home.records")}</h2>
                        <ModuleSummary />
                    }
                }
            >
                <EmptyWelcome />
            </Show>
        </section>
    }
}

/// What a new user sees with no data: what the app is and the two ways to begin.
#[component]
pub fn EmptyWelcome() -> impl IntoView {
    let st = use_state();
    let first_module = st
        .data
        .with_untracked(|d| d.schema.modules.first().map(|m| m.key.clone()))
        .unwrap_or_default();
    let new_href = Route::New(first_module.clone(), vec![]).href();
    let new_label = move || {
        let l = st.locale.get();
        st.data.with_untracked(|d| {
            d.schema
                .module(&first_module)
                .map(|m| label(l, &m.singular))
                .unwrap_or_default()
        })
    };
    view! {
        <div class="empty-state">
            <p>{tk("home.empty_intro")}</p>
            <p>{tk("home.privacy")}</p>
            <div class="actions">
                <button
                    type="button"
                    class="primary"
                    disabled=move || st.busy.get()
                    on:click=move |_| spawn_local(load_sample(st))
                >
                    {tk("action.load_sample")}
                </button>
                <a class="button" href=new_href>
                    {tk("action.create_first")}
                    " "
                    {new_label}
                </a>
            </div>
        </div>
    }
}

#[component]
fn ModuleSummary() -> impl IntoView {
    let st = use_state();
    move || {
        let l = st.locale.get();
        st.data.with(|d| {
            d.schema
                .nav_modules()
                .filter_map(|m| d.set(&m.key))
                .map(|set| {
                    let n = set.len();
                    let href = Route::List(set.module.key.clone()).href();
                    let name = label(l, &set.module.plural);
                    view! {
                        <article class="summary-card">
                            <h2>
                                <a href=href>{name}</a>
                            </h2>
                            <p>{tn(l, "count.records", n, &count(l, n))}</p>
                        </article>
                    }
                })
                .collect_view()
        })
    }
}
