//! The list of saved reports (`#/reports`), by name.

use leptos::prelude::*;

use crate::i18n::t;
use crate::ui::kit::route::Route;
use crate::ui::kit::state::{tk, use_state};

#[component]
pub fn ReportsPage() -> impl IntoView {
    let st = use_state();
    let reports = move || {
        st.data.with(|d| {
            let mut v: Vec<(String, String)> = d
                .set(&super::reports_module(d))
                .map(|s| {
                    s.records()
                        .map(|r| (s.module.title_of(r), r.id.clone()))
                        .collect()
                })
                .unwrap_or_default();
            v.sort_by_key(|(name, id)| (name.to_lowercase(), id.clone()));
            v
        })
    };
    view! {
        <section class="page reports-page">
            <div class="page-head">
                <h1>{tk("report.list_title")}</h1>
                <a class="button primary" href=Route::Report(String::new()).href()>
                    {tk("report.new")}
                </a>
            </div>
            {move || {
                let list = reports();
                if list.is_empty() {
                    view! { <p class="empty-state">{t(st.locale.get(), "report.none_saved")}</p> }
                        .into_any()
                } else {
                    view! {
                        <ul class="report-list">
                            {list
                                .into_iter()
                                .map(|(name, id)| {
                                    view! {
                                        <li>
                                            <a href=Route::Report(id).href() dir="auto">
                                                {name}
                                            </a>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}
