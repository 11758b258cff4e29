//! A rule's dry run: the records it would act on now (or, for a date reached, the
//! moments coming in the next days), before it is switched on. Nothing is written.

use leptos::prelude::*;

use crate::domain::automation::dry_run::{dry_run, AHEAD_DAYS};
use crate::i18n::{label, tn, tr};
use crate::ui::kit::format::count;
use crate::ui::kit::notice::NotFound;
use crate::ui::kit::route::Route;
use crate::ui::kit::state::{now, tk, use_state};

#[component]
pub fn DryRunPage(rule: String) -> impl IntoView {
    let st = use_state();
    let rule = StoredValue::new(rule);
    move || {
        let l = st.locale.get();
        let zone = crate::ui::kit::time_zone::zone();
        let Some(run) = st
            .data
            .with(|d| dry_run(d, &rule.get_value(), now(), &zone))
        else {
            return view! { <NotFound /> }.into_any();
        };
        let module_name = st.data.with(|d| {
            d.schema
                .module(&run.module)
                .map(|m| label(l, &m.plural))
                .unwrap_or_default()
        });
        let summary = if run.dated {
            tn(l, "dryrun.dated", run.total, &count(l, run.total))
                .replace("{days}", &count(l, AHEAD_DAYS as usize))
        } else {
            tn(l, "dryrun.records", run.total, &count(l, run.total))
        }
        .replace("{module}", &module_name);
        let more = run.total.saturating_sub(run.named.len());
        let module = run.module.clone();
        view! {
            <section class="page">
                <h1>{tr(l, "dryrun.title", &[("rule", &run.rule)])}</h1>
                <p role="status">{summary}</p>
                <ul class="search-hits">
                    {run
                        .named
                        .into_iter()
                        .map(|(id, title)| {
                            let href = Route::View(module.clone(), id).href();
                            view! { <li><a href=href dir="auto">{title}</a></li> }
                        })
                        .collect_view()}
                </ul>
                {(more > 0).then(|| view! { <p class="muted">{tn(l, "dryrun.more", more, &count(l, more))}</p> })}
                <p class="help">{tk("dryrun.nothing_written")}</p>
            </section>
        }
        .into_any()
    }
}
