//! "My work": the current user's open activities — overdue, today, upcoming and
//! undated — each with one-click complete.

use leptos::prelude::*;

use crate::domain::activities::activity_rules::due;
use crate::domain::activities::agenda::{agenda_module, agenda_set, assignee, my_work};
use crate::domain::interchange::ical;
use crate::domain::records::search::Slot;
use crate::i18n::{t, tr};
use crate::ui::kit::download::download;
use crate::ui::kit::format::{date_time, user_name, value_text};
use crate::ui::kit::notice::Notice;
use crate::ui::kit::route::Route;
use crate::ui::kit::state::{now, tk, use_state, utc_offset};
use crate::ui::kit::time_zone::zone;
use crate::ui::kit::user_select::{whose_user, WhoseFilter};
use crate::ui::records::timeline_view::complete;

#[component]
pub fn MyWork() -> impl IntoView {
    let st = use_state();
    let whose = RwSignal::new("@me".to_string());
    // The buckets move with the clock: recomputed every minute.
    let tick = RwSignal::new(now());
    let handle =
        set_interval_with_handle(move || tick.set(now()), std::time::Duration::from_secs(60));
    on_cleanup(move || {
        if let Ok(h) = handle {
            h.clear();
        }
    });
    let work = Memo::new(move |_| {
        let user = whose_user(st, &whose.get());
        st.data
            .with(|d| my_work(d, user.as_deref(), tick.get(), utc_offset()))
    });
    let group =
        move |key: &'static str,
              pick: fn(&crate::domain::activities::agenda::Work) -> Vec<Slot>| {
            view! {
                <section class="record-section work-group" aria-labelledby=format!("work-{key}")>
                    <h2 id=format!("work-{key}")>
                        {move || {
                            let l = st.locale.get();
                            let n = work.with(|w| pick(w).len());
                            format!("{} ({})", t(l, &format!("work.{key}")), crate::ui::kit::format::count(l, n))
                        }}
                    </h2>
                    <ul class="work-list">
                        {move || {
                            let l = st.locale.get();
                            let slots = work.with(pick);
                            st.data
                                .with(|d| {
                                    let Some(set) = agenda_set(d) else {
                                        return Vec::new();
                                    };
                                    let kind_field = set.module.field("kind").cloned();
                                    slots
                                        .into_iter()
                                        .take(500)
                                        .filter_map(|s| set.at(s))
                                        .map(|r| {
                                            let title = set.module.title_of(r);
                                            let href = Route::View(set.module.key.clone(), r.id.clone()).href();
                                            let when = due(&r.values).map(|t| date_time(l, t)).unwrap_or_default();
                                            let kind = kind_field
                                                .as_ref()
                                                .and_then(|f| r.get("kind").map(|v| value_text(l, d, f, v)))
                                                .unwrap_or_default();
                                            let who = assignee(r).map(|u| user_name(l, d, u)).unwrap_or_default();
                                            let rid = r.id.clone();
                                            let button_label = tr(l, "activity.complete_named", &[("title", &title)]);
                                            view! {
                                                <li class:overdue={key == "overdue"}>
                                                    <button
                                                        type="button"
                                                        class="small"
                                                        aria-label=button_label
                                                        disabled=move || st.busy.get()
                                                        on:click=move |_| complete(st, rid.clone())
                                                    >
                                                        {t(l, "activity.complete")}
                                                    </button>
                                                    " "
                                                    <span class="badge">{kind}</span>
                                                    " "
                                                    <a href=href dir="auto">{title}</a>
                                                    " "
                                                    <span class="muted">{when} " · " {who}</span>
                                                </li>
                                            }
                                        })
                                        .collect::<Vec<_>>()
                                })
                        }}
                    </ul>
                </section>
            }
        };
    // The dated work listed (overdue, today, upcoming) as a calendar file, for the
    // user's calendar app.
    let export = move |_| {
        let l = st.locale.get_untracked();
        let slots: Vec<Slot> = work.with_untracked(|w| {
            w.overdue
                .iter()
                .chain(&w.today)
                .chain(&w.upcoming)
                .copied()
                .collect()
        });
        let now_utc = chrono::DateTime::from_timestamp_millis(now())
            .unwrap_or_default()
            .naive_utc();
        let (text, n) = st.data.with_untracked(|d| match agenda_module(d) {
            Some(module) => ical::export(d, &module, &slots, &zone(), now_utc),
            None => (String::new(), 0),
        });
        let date = String::from(js_sys::Date::new_0().to_iso_string());
        let name = format!("my-work-{}.ics", &date[..10]);
        let notice = match download(&name, "text/calendar", &text) {
            Ok(()) => Notice::success(tr(
                l,
                "list.exported",
                &[("n", &crate::ui::kit::format::count(l, n)), ("file", &name)],
            )),
            Err(e) => Notice::error(tr(l, "backup.export_failed", &[("detail", &e)])),
        };
        st.notice.set(Some(notice));
    };
    view! {
        <section class="page work-page">
            <div class="page-head">
                <h1>{tk("work.title")}</h1>
                <div class="actions">
                    <button type="button" on:click=export>{tk("list.export_ical")}</button>
                    <a class="button primary" href=move || st.data.with(|d| Route::New(agenda_module(d).unwrap_or_default(), vec![]).href())>
                        {tk("work.new_activity")}
                    </a>
                </div>
            </div>
            <WhoseFilter id="work-whose" label_key="work.whose" whose=whose class="field inline-field" />
            {group("overdue", |w| w.overdue.clone())}
            {group("today", |w| w.today.clone())}
            {group("upcoming", |w| w.upcoming.clone())}
            {group("undated", |w| w.undated.clone())}
        </section>
    }
}
